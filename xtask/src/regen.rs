//! `cargo xtask regen [--check] [--spec PATH] [--out PATH] [--readme PATH | --no-readme]`.
//!
//! [`run`] never prints; the binary prints the [`Outcome`] it returns.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::files::{FileState, ensure_file_contents};
pub use crate::paths::display_path;
use crate::paths::{Paths, display_path_in};

/// What `regen` was asked to do.
#[derive(Debug, Clone)]
pub struct Args {
    /// Compare only; write nothing.
    pub check: bool,
    /// The spec to read.
    pub spec: PathBuf,
    /// The module to write.
    pub out: PathBuf,
    /// The README whose endpoint table is kept up to date (`None`: leave it).
    pub readme: Option<PathBuf>,
    /// The client's list of the spec's property paths (`None`: leave it).
    /// Written with the README, in the default mode only.
    pub property_paths: Option<PathBuf>,
    /// The tests' call of every operation (`None`: leave it). Written with
    /// the README, in the default mode only.
    pub calls: Option<PathBuf>,
    /// The tests' table of every generated type (`None`: leave it).
    /// Written with the README, in the default mode only.
    pub types: Option<PathBuf>,
    /// The probe's answer decoders (`None`: leave them). Written with the
    /// README, in the default mode only.
    pub decoders: Option<PathBuf>,
    /// The mock crate's typed helpers and the CLI's commands (`None`: leave
    /// them). Written with the README, in the default mode only.
    pub companions: Option<(PathBuf, PathBuf)>,
    /// The workspace root: paths are named relative to it in the output.
    pub root: PathBuf,
}

/// What `regen` did or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The module (and/or the README) was written.
    Wrote {
        /// The files written, as shown to people.
        written: Vec<String>,
        /// Operations generated.
        operations: usize,
        /// Lines written.
        lines: usize,
        /// Hex SHA-256 of the spec.
        spec_sha256: String,
        /// Time taken.
        millis: u128,
    },
    /// The module already matched the spec (nothing was written).
    UpToDate {
        /// The module, as shown to people.
        out: String,
        /// Operations generated.
        operations: usize,
        /// Lines in the module.
        lines: usize,
        /// Time taken.
        millis: u128,
    },
    /// `--check`: the module does not match the spec.
    Stale {
        /// What is wrong, with a unified diff, and the command that fixes it.
        report: String,
    },
}

impl Outcome {
    /// Whether the task succeeded (exit code 0).
    pub fn is_success(&self) -> bool {
        !matches!(self, Outcome::Stale { .. })
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Wrote {
                written,
                operations,
                lines,
                spec_sha256,
                millis,
            } => write!(
                f,
                "wrote {} (the client: {operations} operations, {lines} lines; spec SHA-256 {}; {millis} ms)",
                written.join(" and "),
                &spec_sha256[..12.min(spec_sha256.len())]
            ),
            Outcome::UpToDate {
                out,
                operations,
                lines,
                millis,
            } => write!(
                f,
                "{out} and the files generated with it are up to date with the spec ({operations} operations, {lines} lines, {millis} ms)"
            ),
            Outcome::Stale { report } => f.write_str(report),
        }
    }
}

impl Args {
    /// Parses the arguments after `regen`, for this checkout.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        Self::parse_in(&Paths::default(), args)
    }

    /// Parses the arguments after `regen` for the workspace at `paths`.
    ///
    /// A generator command writes only what it is pointed at:
    /// - with neither `--spec` nor `--out`: the committed client and the README's table;
    /// - with `--spec` and/or `--out`: the module at `--out` (by default the committed
    ///   client) and no README, unless `--readme PATH` names one;
    /// - `--no-readme` never writes a README; `--check` writes nothing at all.
    pub fn parse_in(paths: &Paths, args: &[String]) -> Result<Self, String> {
        let mut check = false;
        let mut spec = None;
        let mut out = None;
        // None: not said; Some(None): --no-readme; Some(Some(path)): --readme PATH.
        let mut readme: Option<Option<PathBuf>> = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .filter(|v| !v.starts_with("--"))
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("`{name}` needs a path"))
            };
            match arg.as_str() {
                "--check" => check = true,
                "--spec" => spec = Some(value("--spec")?),
                "--out" => out = Some(value("--out")?),
                "--readme" | "--no-readme" if readme.is_some() => {
                    return Err("give one of `--readme PATH` and `--no-readme`, once".into());
                }
                "--readme" => readme = Some(Some(value("--readme")?)),
                "--no-readme" => readme = Some(None),
                other => {
                    return Err(format!(
                        "unknown argument `{other}` for `regen` (try `cargo xtask help`)"
                    ));
                }
            }
        }
        let redirected = spec.is_some() || out.is_some();
        let readme = match readme {
            Some(choice) => choice,
            None if redirected => None,
            None => Some(paths.readme()),
        };
        Ok(Args {
            check,
            spec: spec.unwrap_or_else(|| paths.spec()),
            out: out.unwrap_or_else(|| paths.generated()),
            property_paths: (!redirected).then(|| paths.property_paths()),
            calls: (!redirected).then(|| paths.every_call()),
            types: (!redirected).then(|| paths.every_type()),
            decoders: (!redirected).then(|| paths.probe_decoders()),
            companions: (!redirected).then(|| (paths.mock(), paths.cli())),
            readme,
            root: paths.root().to_path_buf(),
        })
    }
}

/// The spec's path by default.
pub fn default_spec() -> PathBuf {
    Paths::default().spec()
}

/// Markers around the endpoint table in the README.
pub const TABLE_START: &str = "<!-- endpoints:start (cargo xtask regen) -->";
/// See [`TABLE_START`].
pub const TABLE_END: &str = "<!-- endpoints:end -->";

/// The README with its endpoint table replaced by `table`.
pub fn with_table(readme: &str, table: &str) -> Result<String, String> {
    let start = readme
        .find(TABLE_START)
        .ok_or_else(|| format!("the README has no `{TABLE_START}` marker"))?;
    let end = readme[start..]
        .find(TABLE_END)
        .map(|i| start + i)
        .ok_or_else(|| format!("the README has no `{TABLE_END}` marker after the start marker"))?;
    Ok(format!(
        "{}{TABLE_START}\n{table}{}",
        &readme[..start],
        &readme[end..]
    ))
}

/// The endpoint table of a spec, as Markdown.
pub fn endpoint_table(spec_path: &Path) -> Result<String, String> {
    let text = read(spec_path, "the spec")?;
    let spec =
        accuro_gen::parse_spec(&text, &display_path(spec_path)).map_err(|e| e.to_string())?;
    let document: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", display_path(spec_path)))?;
    Ok(format!(
        "{}{}",
        accuro_gen::markdown_table(&accuro_gen::endpoints(&spec)),
        accuro_gen::phi::markdown_table(&document)
    ))
}

fn read(path: &Path, what: &str) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

/// Runs `regen`: the generated module and, when `readme` is set, the README's
/// endpoint table. Everything is computed before anything is written, so on
/// any error nothing is written.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let started = Instant::now();
    let spec_name = display_path_in(&args.root, &args.spec);
    let spec_text = read(&args.spec, "the spec")?;
    let options = accuro_gen::Options {
        spec_name,
        ..accuro_gen::Options::default()
    };
    let generated = accuro_gen::generate(&spec_text, &options).map_err(|e| e.to_string())?;
    let lines = generated.code.lines().count();

    let mut targets = vec![(args.out.clone(), generated.code.clone())];
    if let Some(property_paths) = &args.property_paths {
        let code =
            accuro_gen::generate_property_paths(&spec_text, &options).map_err(|e| e.to_string())?;
        targets.push((property_paths.clone(), code));
    }
    if let Some(calls) = &args.calls {
        let code = accuro_gen::calls(&spec_text, &generated.code, &options.spec_name)
            .map_err(|e| e.to_string())?;
        targets.push((calls.clone(), code));
    }
    if let Some(types) = &args.types {
        let code = accuro_gen::every_type(&generated.code).map_err(|e| e.to_string())?;
        targets.push((types.clone(), code));
    }
    if let Some(decoders) = &args.decoders {
        let code = accuro_gen::decoders(&spec_text, &generated.code, &options.spec_name)
            .map_err(|e| e.to_string())?;
        targets.push((decoders.clone(), code));
    }
    if let Some((mock, cli)) = &args.companions {
        let code = accuro_gen::generate_mock(&spec_text, &options).map_err(|e| e.to_string())?;
        targets.push((mock.clone(), code));
        let code = accuro_gen::generate_cli(&spec_text, &options).map_err(|e| e.to_string())?;
        targets.push((cli.clone(), code));
    }
    if let Some(readme) = &args.readme {
        let current = read(readme, "the README")?;
        let expected = with_table(&current, &endpoint_table(&args.spec)?)?;
        targets.push((readme.clone(), expected));
    }
    // Everything is computed; now each file is checked or written.
    let mut written = Vec::new();
    let mut reports = Vec::new();
    for (path, contents) in &targets {
        match ensure_file_contents(path, contents, args.check, &options.command)? {
            FileState::Unchanged => {}
            FileState::Written => written.push(display_path_in(&args.root, path)),
            FileState::Stale(report) => reports.push(report),
        }
    }
    if !reports.is_empty() {
        return Ok(Outcome::Stale {
            report: reports.join("\n\n"),
        });
    }
    if written.is_empty() {
        return Ok(Outcome::UpToDate {
            out: display_path_in(&args.root, &args.out),
            operations: generated.operations.len(),
            lines,
            millis: started.elapsed().as_millis(),
        });
    }
    Ok(Outcome::Wrote {
        written,
        operations: generated.operations.len(),
        lines,
        spec_sha256: generated.spec_sha256,
        millis: started.elapsed().as_millis(),
    })
}
