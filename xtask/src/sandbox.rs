//! `cargo xtask sandbox [args]`, `cargo xtask quickstart` and `cargo xtask
//! probe [args]`.
//!
//! Each runs its package's own binary through cargo (so that `cargo xtask
//! regen` builds neither a web server nor the client it generates).

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs the sandbox in the foreground; extra arguments go to it.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    run_package("accuro-sandbox", args)
}

/// Runs `accuro-probe` (built through cargo, so that `regen` never needs the
/// client it generates); extra arguments go to it, and its exit status is
/// passed on.
pub fn probe(args: &[String]) -> Result<ExitCode, String> {
    run_package("accuro-probe", args)
}

fn run_package(package: &str, args: &[String]) -> Result<ExitCode, String> {
    let status = cargo()
        .args(["run", "--quiet", "-p", package, "--"])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(match status.code().and_then(|c| u8::try_from(c).ok()) {
        Some(code) => ExitCode::from(code),
        None => ExitCode::FAILURE,
    })
}

/// Ends the sandbox process when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The sandbox and the quickstart example, built by one cargo invocation (one
/// feature resolution, so the HTTP stack and the client are compiled once
/// for both); returns their executables.
fn build_quickstart() -> Result<(PathBuf, PathBuf), String> {
    println!("Building the sandbox and the quickstart example ...");
    let output = cargo()
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
            "-p",
            "accuro-sandbox",
            "-p",
            "accuro-client",
            "--bin",
            "accuro-sandbox",
            "--example",
            "quickstart",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("the build failed (see above)".into());
    }
    let (mut sandbox, mut example) = (None, None);
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let executable = message.get("executable").and_then(|e| e.as_str());
        let name = message
            .pointer("/target/name")
            .and_then(|n| n.as_str())
            .unwrap_or_default();
        match (name, executable) {
            ("accuro-sandbox", Some(path)) => sandbox = Some(PathBuf::from(path)),
            ("quickstart", Some(path)) => example = Some(PathBuf::from(path)),
            _ => {}
        }
    }
    match (sandbox, example) {
        (Some(sandbox), Some(example)) => Ok((sandbox, example)),
        _ => Err("cargo built no sandbox or no quickstart executable".into()),
    }
}

/// Starts the sandbox on a free port, runs the quickstart example against it,
/// stops the sandbox.
pub fn quickstart() -> Result<ExitCode, String> {
    let (sandbox_exe, example_exe) = build_quickstart()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))?;
    println!("Starting the sandbox on 127.0.0.1:{port} ...");
    let child = Command::new(&sandbox_exe)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", sandbox_exe.display()))?;
    let mut sandbox = Running(child);
    let stdout = sandbox.0.stdout.take().ok_or("no sandbox output")?;
    // The sandbox prints `export NAME='value'` lines once it listens.
    let mut env = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|e| format!("reading the sandbox's output: {e}"))?;
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((name.to_owned(), value.trim_matches('\'').to_owned()));
            if name == "ACCURO_UUID" {
                break;
            }
        }
    }
    // Keep reading what the sandbox prints after that: a closed pipe would
    // fail its next write.
    std::thread::spawn(move || lines.for_each(drop));
    if env.len() < 7 {
        return Err("the sandbox did not start (see its output above)".into());
    }
    println!("Running accuro-client/examples/quickstart.rs against it:\n");
    let status = Command::new(&example_exe)
        .envs(env)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", example_exe.display()))?;
    drop(sandbox);
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
