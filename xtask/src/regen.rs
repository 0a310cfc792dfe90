//! `cargo xtask regen [--check] [--spec PATH] [--out PATH] [--endpoints PATH | --no-endpoints] [TARGET...]`:
//! each generated file is a [`Target`]; the arguments are clap's
//! ([`command`]), whose help is the usage `cargo xtask help` shows.
//!
//! [`run`] never prints; the binary prints the [`Outcome`] it returns.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::files::{FileState, ensure_file_contents};
pub use crate::paths::display_path;
use crate::paths::{Paths, display_path_in};

mod target;
pub use target::Target;

/// What `regen` was asked to do.
#[derive(Debug, Clone)]
pub struct Args {
    /// Compare only; write nothing.
    pub check: bool,
    /// The spec to read.
    pub spec: PathBuf,
    /// The files to write (or compare), each with its target.
    pub targets: Vec<(Target, PathBuf)>,
    /// The workspace root: paths are named relative to it in the output.
    pub root: PathBuf,
}

/// What `regen` did or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The module (and/or the endpoint reference) was written.
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
    /// - with no `TARGET`, neither `--spec` nor `--out`: every target, the
    ///   endpoint reference included;
    /// - with `--spec` and/or `--out`: the module at `--out` (by default the
    ///   committed client) and no endpoint reference, unless `--endpoints
    ///   PATH` names one;
    /// - with `TARGET`s: those only;
    /// - `--no-endpoints` never writes it; `--check` writes nothing at all.
    pub fn parse_in(paths: &Paths, args: &[String]) -> Result<Self, String> {
        let matches = command()
            .try_get_matches_from(std::iter::once("regen".to_owned()).chain(args.iter().cloned()))
            .map_err(|e| e.render().to_string().trim_end().to_owned())?;
        let path = |name: &str| matches.get_one::<PathBuf>(name).cloned();
        let (spec, out, endpoints) = (path("spec"), path("out"), path("endpoints"));
        let named: Vec<Target> = matches
            .get_many::<String>("targets")
            .into_iter()
            .flatten()
            .filter_map(|name| Target::named(name))
            .collect();
        let redirected = spec.is_some() || out.is_some();
        let mut chosen: Vec<Target> = if !named.is_empty() {
            named
        } else if out.is_some() {
            vec![Target::Client]
        } else if redirected {
            // Another spec: the client and its records, which go together.
            vec![Target::Client, Target::Records]
        } else {
            Target::ALL.to_vec()
        };
        if endpoints.is_some() && !chosen.contains(&Target::Endpoints) {
            chosen.push(Target::Endpoints);
        }
        if matches.get_flag("no-endpoints") {
            chosen.retain(|t| *t != Target::Endpoints);
        }
        chosen.sort_unstable();
        chosen.dedup();
        let targets = chosen
            .into_iter()
            .map(|t| {
                let at = match t {
                    Target::Client => out.clone(),
                    Target::Endpoints => endpoints.clone(),
                    _ => None,
                };
                (t, at.unwrap_or_else(|| t.path(paths)))
            })
            .collect();
        Ok(Args {
            check: matches.get_flag("check"),
            spec: spec.unwrap_or_else(|| paths.spec()),
            targets,
            root: paths.root().to_path_buf(),
        })
    }

    /// Where `target` is written, when it is one of the targets.
    pub fn path_of(&self, target: Target) -> Option<&Path> {
        self.targets
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, p)| p.as_path())
    }

    /// Where the endpoint reference is written, if it is.
    pub fn endpoints(&self) -> Option<&Path> {
        self.path_of(Target::Endpoints)
    }
}

/// `regen`'s arguments, for clap: parsing, and the help text the usage shows.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction, Command, builder::PossibleValuesParser, value_parser};
    let names: Vec<&'static str> = Target::ALL.iter().map(|t| t.name()).collect();
    let targets: String = Target::ALL
        .iter()
        .map(|t| format!("\n  {:<15}{}", t.name(), t.about()))
        .collect();
    Command::new("regen")
        .about("regenerate the client module and the files generated with it from the spec")
        .no_binary_name(false)
        .disable_version_flag(true)
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("write nothing; exit 1 with a diff if a target is stale"),
        )
        .arg(
            Arg::new("spec")
                .long("spec")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("spec to read (default: spec/accuro.yaml); alone, writes only the client module"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("module to write (default: accuro-client/src/generated.rs); alone, writes only it"),
        )
        .arg(
            Arg::new("endpoints")
                .long("endpoints")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .conflicts_with("no-endpoints")
                .help("also write the endpoint reference to this file"),
        )
        .arg(
            Arg::new("no-endpoints")
                .long("no-endpoints")
                .action(ArgAction::SetTrue)
                .help("write no endpoint reference"),
        )
        .arg(
            Arg::new("targets")
                .value_name("TARGET")
                .num_args(0..)
                .value_parser(PossibleValuesParser::new(names))
                .hide_possible_values(true)
                .help(format!("only these targets (default: all):{targets}")),
        )
}

/// The spec's path by default.
pub fn default_spec() -> PathBuf {
    Paths::default().spec()
}

/// The endpoint reference page, `docs/endpoints.md`, whole: a heading, what
/// the page is, then the endpoint table and the health-data table of the spec
/// at `spec_path`. `regen` writes it; nobody edits it.
pub fn endpoints_page(spec_path: &Path) -> Result<String, String> {
    Ok(format!("{ENDPOINTS_INTRO}{}", endpoint_table(spec_path)?))
}

/// The words above the tables of `docs/endpoints.md`.
const ENDPOINTS_INTRO: &str = "\
# Endpoints

<!-- Written by `cargo xtask regen` from spec/accuro.yaml and checked by
     `cargo xtask regen --check`: edit the spec, never this file. -->

Every operation of the spec, by area, and then the health-data fields of every schema. The
client adds the token, the subscription key and the clinic's `uuid` to each call;
\"handwritten\" operations are implemented in `accuro-client` because progenitor cannot send
their body (multipart, JSON merge patch) or read their answer (multipart), and go through the
same layer. The scope column is what the clinic must grant (`-`: none documented). The last
column says whether the client sends the call again after a 502, 503, 504 or a cut connection,
and why not when it does not (the spec's `x-accuro-idempotent`; see
[spec-and-generator.md](spec-and-generator.md)). `cargo xtask endpoints` prints the first
table.

";

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

/// Runs `regen`: the generated module and the files generated with it.
/// Everything is computed before anything is written, so on any error nothing
/// is written.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let started = Instant::now();
    let spec_name = display_path_in(&args.root, &args.spec);
    let spec_text = read(&args.spec, "the spec")?;
    let options = accuro_gen::Options {
        spec_name,
        ..accuro_gen::Options::default()
    };
    let generated = accuro_gen::generate(&spec_text, &options).map_err(|e| e.to_string())?;
    let lines = generated.code.lines().count() + generated.records.lines().count();
    // Parsed once for the three generators that read it.
    let combined = syn::parse_file(&generated.combined())
        .map_err(|e| format!("the generated code does not parse: {e}"))?;

    let mut targets = Vec::with_capacity(args.targets.len());
    for (target, path) in &args.targets {
        let gen_error = |e: accuro_gen::Error| e.to_string();
        let contents = match target {
            Target::Client => generated.code.clone(),
            Target::Records => generated.records.clone(),
            Target::PropertyPaths => {
                accuro_gen::generate_property_paths(&spec_text, &options).map_err(gen_error)?
            }
            Target::PageStreams => {
                accuro_gen::generate_page_streams(&spec_text, &options).map_err(gen_error)?
            }
            Target::Calls => accuro_gen::calls_in(&spec_text, &combined, &options.spec_name)
                .map_err(gen_error)?,
            Target::Types => accuro_gen::every_type_in(&combined).map_err(gen_error)?,
            Target::Decoders => accuro_gen::decoders_in(&spec_text, &combined, &options.spec_name)
                .map_err(gen_error)?,
            Target::Mock => accuro_gen::generate_mock(&spec_text, &options).map_err(gen_error)?,
            Target::Cli => accuro_gen::generate_cli(&spec_text, &options).map_err(gen_error)?,
            Target::Endpoints => endpoints_page(&args.spec)?,
        };
        targets.push((path.clone(), contents));
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
        let shown = args
            .path_of(Target::Client)
            .or_else(|| args.targets.first().map(|(_, p)| p.as_path()))
            .map_or_else(|| "nothing".to_owned(), |p| display_path_in(&args.root, p));
        return Ok(Outcome::UpToDate {
            out: shown,
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
