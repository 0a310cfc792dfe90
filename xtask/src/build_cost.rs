//! `cargo xtask build-cost`: what `accuro-client` costs to build.
//!
//! 1. cold build: `cargo build -p accuro-client` into an empty target folder;
//! 2. rebuild after a spec edit: a one-word change to an operation's summary,
//!    `regen`, then the same build again (incremental, dev profile);
//! 3. the generated module's size.
//!
//! The spec and the generated files are put back afterwards, also on failure.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::paths::project_root;
use crate::regen;

/// Puts the spec back and regenerates when dropped.
struct Restore {
    spec: PathBuf,
    text: String,
    args: regen::Args,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = fs::write(&self.spec, &self.text);
        let _ = regen::run(&self.args);
    }
}

fn build(target: &Path) -> Result<(Duration, usize), String> {
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "-p", "accuro-client"])
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

/// Runs the measurement and prints it.
pub fn run() -> Result<ExitCode, String> {
    let root = project_root();
    let target = std::env::temp_dir().join("accuro-build-cost-target");
    let _ = fs::remove_dir_all(&target);
    let args = regen::Args::parse(&[])?;

    println!("cold build of accuro-client (empty target folder, dev profile) ...");
    let (cold, crates) = build(&target)?;

    let spec = root.join("spec/accuro.yaml");
    let text = fs::read_to_string(&spec).map_err(|e| format!("cannot read the spec: {e}"))?;
    let restore = Restore {
        spec: spec.clone(),
        text: text.clone(),
        args: args.clone(),
    };
    let edited = text.replacen("summary: List offices", "summary: List the offices", 1);
    if edited == text {
        return Err("the spec has no `summary: List offices` to edit".into());
    }
    fs::write(&spec, edited).map_err(|e| format!("cannot edit the spec: {e}"))?;
    let regen_started = Instant::now();
    regen::run(&args)?;
    let regen_time = regen_started.elapsed();
    println!("rebuild after a one-word spec edit ...");
    let (rebuild, rebuilt) = build(&target)?;
    drop(restore);

    let module =
        fs::read_to_string(&args.out).map_err(|e| format!("cannot read the module: {e}"))?;
    let _ = fs::remove_dir_all(&target);
    println!("\nbuild cost of accuro-client");
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
