//! `cargo xtask build-cost`: what `accuro-client` costs to build.
//!
//! Works on a temporary copy of the workspace (never on the checkout):
//!
//! 1. cold build: `cargo build -p accuro-client` into an empty target folder;
//! 2. rebuild after a spec edit: a one-word change to an operation's summary in
//!    the copy's spec, `regen` into the copy, then the same build again
//!    (incremental, dev profile);
//! 3. the generated module's size.
//!
//! `--area AREA` measures a build of one area only (`--no-default-features
//! --features AREA`, see the features of `accuro-client`), editing the
//! summary of an operation of that area.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::paths::{Paths, project_root};
use crate::regen;

/// Folders not copied: build output, installed tools, version control.
const SKIPPED: [&str; 3] = ["target", "node_modules", ".git"];

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

fn build(manifest: &Path, target: &Path, area: Option<&str>) -> Result<(Duration, usize), String> {
    let started = Instant::now();
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(["build", "--locked", "-p", "accuro-client"]);
    if let Some(area) = area {
        command.args(["--no-default-features", "--features", area]);
    }
    let output = command
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo build failed:\n{log}"));
    }
    Ok((
        elapsed,
        log.lines()
            .filter(|l| l.trim_start().starts_with("Compiling"))
            .count(),
    ))
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

/// Runs the measurement and prints it. `args`: nothing, or `--area AREA`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let area = match args {
        [] => None,
        [flag, area] if flag == "--area" => Some(area.as_str()),
        _ => return Err("usage: cargo xtask build-cost [--area AREA]".into()),
    };
    let scratch = tempfile::Builder::new()
        .prefix("accuro-build-cost-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let copy = Paths::at(scratch.path().join("workspace"));
    let target = scratch.path().join("target");
    copy_workspace(&project_root(), copy.root())?;
    let manifest = copy.root().join("Cargo.toml");

    let what = area.map_or("every area".to_owned(), |a| format!("the `{a}` area only"));
    println!(
        "cold build of accuro-client with {what} (copy of the workspace, empty target folder, dev profile) ..."
    );
    let (cold, crates) = build(&manifest, &target, area)?;

    let spec = copy.spec();
    let text = fs::read_to_string(&spec).map_err(|e| format!("cannot read the spec: {e}"))?;
    let edited = edit_summary(&text, area)?;
    fs::write(&spec, edited).map_err(|e| format!("cannot edit the copy's spec: {e}"))?;
    let args = regen::Args::parse_in(&copy, &[])?;
    let regen_started = Instant::now();
    regen::run(&args)?;
    let regen_time = regen_started.elapsed();
    println!("rebuild after a one-word spec edit ...");
    let (rebuild, rebuilt) = build(&manifest, &target, area)?;

    let module =
        fs::read_to_string(copy.generated()).map_err(|e| format!("cannot read the module: {e}"))?;
    println!("\nbuild cost of accuro-client ({what})");
    println!(
        "  cold build                 {:>6.1} s  ({crates} crates compiled)",
        cold.as_secs_f64()
    );
    println!(
        "  regen after a spec edit    {:>6.2} s  (debug xtask)",
        regen_time.as_secs_f64()
    );
    println!(
        "  rebuild after a spec edit  {:>6.1} s  ({rebuilt} crates compiled)",
        rebuild.as_secs_f64()
    );
    println!(
        "  generated module           {:>6} lines, {} KiB",
        module.lines().count(),
        module.len() / 1024
    );
    Ok(ExitCode::SUCCESS)
}
