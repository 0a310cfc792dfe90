//! `cargo xtask build-cost`: what `accuro-client` costs to build, for a user
//! and for us.
//!
//! Works on a temporary copy of the workspace (never on the checkout):
//!
//! 1. **a new application**: a binary crate depending on the copy's
//!    `accuro-client` (default features, or one area) and on tokio, built
//!    cold with `cargo build --timings` into an empty target folder. Reported:
//!    the build's wall time, `accuro-client`'s own unit time and its share of
//!    the wall time, when it started, `accuro-types`' (the generated records)
//!    and both together, and the longest units. `--runs N`
//!    repeats it, each time cold;
//! 2. **a rebuild after a spec edit**: a one-word change to an operation's
//!    summary in the copy's spec, `regen` into the copy, then the
//!    application's build again (dev profile);
//! 3. **the generated sources**: lines and bytes of the client's, the CLI's
//!    and the mock's generated modules;
//! 4. with `--cli`, **the CLI's install**: `cargo install --locked --path
//!    accuro-cli` (release) into an empty target folder, its time and the
//!    binary's size.
//!
//! `--area AREA` builds the application against one area only
//! (`default-features = false, features = [AREA]`), editing the summary of an
//! operation of that area.

mod timings;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::paths::{Paths, project_root};
use crate::regen;

pub use timings::{Timings, Unit};

/// Folders not copied: build output, installed tools, version control.
const SKIPPED: [&str; 3] = ["target", "node_modules", ".git"];

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    area: Option<String>,
    runs: usize,
    cli: bool,
}

impl Args {
    fn parse(args: &[String]) -> Result<Self, String> {
        const USAGE: &str = "usage: cargo xtask build-cost [--area AREA] [--runs N] [--cli]";
        let mut out = Self {
            area: None,
            runs: 1,
            cli: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--area" => out.area = Some(args.next().ok_or(USAGE)?.clone()),
                "--runs" => {
                    out.runs = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| (1..=20).contains(n))
                        .ok_or("--runs takes a number from 1 to 20")?;
                }
                "--cli" => out.cli = true,
                _ => return Err(USAGE.into()),
            }
        }
        Ok(out)
    }
}

/// Copies the workspace's files into `to`, leaving out [`SKIPPED`] folders.
fn copy_workspace(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let name = entry.file_name();
        if SKIPPED.iter().any(|s| name == *s) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        if kind.is_dir() {
            copy_workspace(&source, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// Writes a new application depending on the copy's `accuro-client` into
/// `app`: what a user's first `cargo add accuro-client tokio` gives. The
/// workspace's lock file pins the same versions as the project's own builds.
fn write_app(copy: &Path, app: &Path, area: Option<&str>) -> Result<(), String> {
    let client = copy.join("accuro-client");
    let features = area.map_or(String::new(), |a| {
        format!(", default-features = false, features = [\"{a}\"]")
    });
    let manifest = format!(
        "[package]\nname = \"accuro-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\naccuro-client = {{ path = {client:?}{features} }}\n\
         tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n\n[workspace]\n",
        client = client.display().to_string(),
    );
    let main = "#[tokio::main]\nasync fn main() -> Result<(), accuro_client::Error> {\n    \
                let client = accuro_client::Client::from_env()?;\n    \
                println!(\"{:?}\", client);\n    Ok(())\n}\n";
    fs::create_dir_all(app.join("src")).map_err(|e| format!("cannot create the app: {e}"))?;
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(app.join("Cargo.toml"), &manifest)?;
    write(app.join("src/main.rs"), main)?;
    fs::copy(copy.join("Cargo.lock"), app.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy the lock file: {e}"))?;
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command`, failing with its log; returns the time it took and its log.
fn timed(mut command: Command, what: &str) -> Result<(Duration, String), String> {
    let started = Instant::now();
    let output = command
        .env_remove("RUSTFLAGS")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("{what} failed:\n{log}"));
    }
    Ok((elapsed, log))
}

/// Builds the application with `--timings` into `target`; returns the
/// report and the number of crates compiled.
fn build_app(app: &Path, target: &Path) -> Result<(Timings, usize), String> {
    let mut command = cargo();
    command
        .args(["build", "--timings", "--manifest-path"])
        .arg(app.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    let (_, log) = timed(command, "cargo build of the application")?;
    let report = target.join("cargo-timings/cargo-timing.html");
    let html = fs::read_to_string(&report)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let compiled = log
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling"))
        .count();
    Ok((Timings::parse(&html)?, compiled))
}

/// The spec with one operation's summary changed: `List offices` for the
/// whole client, else the first summary of an operation of `area`.
fn edit_summary(text: &str, area: Option<&str>) -> Result<String, String> {
    let Some(area) = area else {
        let edited = text.replacen("summary: List offices", "summary: List the offices", 1);
        if edited == text {
            return Err("the spec has no `summary: List offices` to edit".into());
        }
        return Ok(edited);
    };
    let lines: Vec<&str> = text.lines().collect();
    let flow = format!("tags: [{area}]");
    let block = format!("- {area}");
    let tagged = lines.iter().enumerate().position(|(i, l)| {
        l.trim() == flow
            || (l.trim() == "tags:" && lines.get(i + 1).is_some_and(|n| n.trim() == block))
    });
    let summary = tagged.and_then(|start| {
        (start..lines.len()).find(|&i| lines[i].trim_start().starts_with("summary: "))
    });
    let Some(at) = summary else {
        return Err(format!("no operation of the area `{area}` in the spec"));
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[at].push_str(" (edited)");
    Ok(out.join("\n") + "\n")
}

/// Prints one cold build of the application.
fn report_cold(run: usize, timings: &Timings, compiled: usize) {
    let wall = timings.wall();
    let own = timings.own_time("accuro-client");
    let share = if wall > 0.0 { own / wall * 100.0 } else { 0.0 };
    let start = timings.start_of("accuro-client").unwrap_or_default();
    let records = timings.own_time("accuro-types");
    let both = if wall > 0.0 {
        (own + records) / wall * 100.0
    } else {
        0.0
    };
    println!(
        "  run {run}: wall {wall:>5.1} s ({compiled} crates); accuro-client {own:>4.1} s = {share:>4.1} % of the wall time, started at {start:.1} s"
    );
    println!(
        "         accuro-types (the records, compiled beside the HTTP stack) {records:.1} s; both {:.1} s = {both:.1} %",
        own + records
    );
    let longest: Vec<String> = timings
        .longest(5)
        .iter()
        .map(|u| format!("{}{} {:.1} s", u.name, u.target, u.duration))
        .collect();
    println!("         longest units: {}", longest.join(", "));
}

/// Lines and bytes of the generated modules.
fn report_sources(copy: &Paths) -> Result<(), String> {
    println!("generated sources");
    for (what, path) in [
        ("client", copy.generated()),
        ("records", copy.records()),
        ("CLI", copy.cli()),
        ("mock", copy.mock()),
    ] {
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        println!(
            "  {what:<8} {:>7} lines, {:>5} KiB",
            text.lines().count(),
            text.len() / 1024
        );
    }
    Ok(())
}

/// `cargo install --path accuro-cli` (release) into an empty target folder.
fn install_cli(copy: &Path, scratch: &Path) -> Result<(), String> {
    let root = scratch.join("install");
    let mut command = cargo();
    command
        .args(["install", "--locked", "--path"])
        .arg(copy.join("accuro-cli"))
        .arg("--root")
        .arg(&root)
        .env("CARGO_TARGET_DIR", scratch.join("install-target"));
    println!("cargo install --path accuro-cli (release, empty target folder) ...");
    let (took, log) = timed(command, "cargo install of the CLI")?;
    let binary = root.join("bin/accuro");
    let size = fs::metadata(&binary)
        .map_err(|e| format!("cannot read {}: {e}", binary.display()))?
        .len();
    let compiled = log
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling"))
        .count();
    println!(
        "  install {:>6.1} s ({compiled} crates), binary {:.1} MB ({size} bytes)",
        took.as_secs_f64(),
        size as f64 / 1_000_000.0
    );
    Ok(())
}

/// Runs the measurement and prints it. See the module's documentation.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(args)?;
    let area = args.area.as_deref();
    let scratch = tempfile::Builder::new()
        .prefix("accuro-build-cost-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let copy = Paths::at(scratch.path().join("workspace"));
    copy_workspace(&project_root(), copy.root())?;
    let app = scratch.path().join("app");
    write_app(copy.root(), &app, area)?;

    let what = area.map_or("default features".to_owned(), |a| {
        format!("the `{a}` area only")
    });
    println!(
        "a new application with accuro-client ({what}) and tokio: cold `cargo build --timings` (dev profile, empty target folder)"
    );
    let mut target = scratch.path().join("target");
    for run in 1..=args.runs {
        target = scratch.path().join(format!("target-{run}"));
        let (timings, compiled) = build_app(&app, &target)?;
        report_cold(run, &timings, compiled);
    }

    let spec = copy.spec();
    let text = fs::read_to_string(&spec).map_err(|e| format!("cannot read the spec: {e}"))?;
    fs::write(&spec, edit_summary(&text, area)?)
        .map_err(|e| format!("cannot edit the copy's spec: {e}"))?;
    let regen_args = regen::Args::parse_in(&copy, &[])?;
    let regen_started = Instant::now();
    regen::run(&regen_args)?;
    let regen_time = regen_started.elapsed();
    let (timings, rebuilt) = build_app(&app, &target)?;
    println!(
        "after a one-word spec edit: regen {:.2} s (debug xtask), rebuild {:.1} s ({rebuilt} crates; accuro-client {:.1} s)",
        regen_time.as_secs_f64(),
        timings.wall(),
        timings.own_time("accuro-client")
    );

    report_sources(&copy)?;
    if args.cli {
        install_cli(copy.root(), scratch.path())?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let parse =
            |a: &[&str]| Args::parse(&a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(
            parse(&[]).unwrap(),
            Args {
                area: None,
                runs: 1,
                cli: false
            }
        );
        assert_eq!(
            parse(&["--area", "labs", "--runs", "3", "--cli"]).unwrap(),
            Args {
                area: Some("labs".into()),
                runs: 3,
                cli: true
            }
        );
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--runs"]).is_err());
        assert!(parse(&["--area"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
