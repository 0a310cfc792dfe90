//! `cargo xtask regen [--check] [--spec PATH] [--out PATH]`.
//!
//! [`run`] never prints; the binary prints the [`Outcome`] it returns.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use similar::TextDiff;

/// Diff lines printed at most by `--check`; the rest is summarised.
const MAX_DIFF_LINES: usize = 400;

/// What `regen` was asked to do.
#[derive(Debug, Clone)]
pub struct Args {
    /// Compare only; write nothing.
    pub check: bool,
    /// The spec to read.
    pub spec: PathBuf,
    /// The module to write.
    pub out: PathBuf,
}

/// What `regen` did or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The module was written.
    Wrote {
        /// The module, as shown to people.
        out: String,
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
                out,
                operations,
                lines,
                spec_sha256,
                millis,
            } => write!(
                f,
                "wrote {out}: {operations} operations, {lines} lines, spec SHA-256 {} ({millis} ms)",
                &spec_sha256[..12.min(spec_sha256.len())]
            ),
            Outcome::UpToDate {
                out,
                operations,
                lines,
                millis,
            } => write!(
                f,
                "{out} is up to date with the spec ({operations} operations, {lines} lines, {millis} ms)"
            ),
            Outcome::Stale { report } => f.write_str(report),
        }
    }
}

/// The workspace root (xtask lives one level below it).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

impl Args {
    /// Parses the arguments after `regen`.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let root = workspace_root();
        let mut parsed = Args {
            check: false,
            spec: root.join("spec/accuro.yaml"),
            out: root.join("accuro-client/src/generated.rs"),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("`{name}` needs a path"))
            };
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => parsed.spec = value("--spec")?,
                "--out" => parsed.out = value("--out")?,
                other => {
                    return Err(format!(
                        "unknown argument `{other}` for `regen` (try `cargo xtask help`)"
                    ));
                }
            }
        }
        Ok(parsed)
    }
}

/// A path as shown to people and written in the generated header: relative to
/// the workspace when it is inside it, so the output does not depend on where
/// the repository is checked out.
fn display_path(path: &Path) -> String {
    let root = workspace_root();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    let root = root.canonicalize().unwrap_or(root);
    absolute
        .strip_prefix(&root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string())
}

/// Runs `regen`. On any error nothing is written.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let started = Instant::now();
    let spec_name = display_path(&args.spec);
    let out_name = display_path(&args.out);
    let spec_text = fs::read_to_string(&args.spec)
        .map_err(|e| format!("cannot read the spec {}: {e}", args.spec.display()))?;
    let options = accuro_gen::Options {
        spec_name,
        ..accuro_gen::Options::default()
    };
    let generated = accuro_gen::generate(&spec_text, &options).map_err(|e| e.to_string())?;
    let lines = generated.code.lines().count();

    let current = match fs::read_to_string(&args.out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", args.out.display())),
    };

    if current.as_deref() == Some(generated.code.as_str()) {
        return Ok(Outcome::UpToDate {
            out: out_name,
            operations: generated.operations.len(),
            lines,
            millis: started.elapsed().as_millis(),
        });
    }
    if args.check {
        let report = match current.as_deref() {
            None => format!(
                "{out_name} does not exist; run `{}` and commit it",
                options.command
            ),
            Some(current) => stale_report(current, &generated.code, &out_name, &options.command),
        };
        return Ok(Outcome::Stale { report });
    }
    write_atomically(&args.out, generated.code.as_bytes())?;
    Ok(Outcome::Wrote {
        out: out_name,
        operations: generated.operations.len(),
        lines,
        spec_sha256: generated.spec_sha256,
        millis: started.elapsed().as_millis(),
    })
}

fn stale_report(current: &str, expected: &str, out_name: &str, command: &str) -> String {
    use std::fmt::Write as _;
    let diff = TextDiff::from_lines(current, expected);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{out_name} (committed)"),
            &format!("{out_name} (from the spec)"),
        )
        .to_string();
    let total = text.lines().count();
    let mut report = format!("{out_name} is out of date with the spec:\n\n");
    for line in text.lines().take(MAX_DIFF_LINES) {
        let _ = writeln!(report, "{line}");
    }
    if total > MAX_DIFF_LINES {
        let _ = writeln!(report, "... ({} more diff lines)", total - MAX_DIFF_LINES);
    }
    let _ = write!(report, "\nfix: run `{command}` and commit the result");
    report
}

/// Writes through a temporary file in the same folder, then renames it over the
/// target: a reader (or a failure half-way) never sees a partial file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".generated-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.path().display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}
