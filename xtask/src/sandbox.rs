//! `cargo xtask sandbox [args]`, `cargo xtask quickstart` and `cargo xtask
//! probe [args]`.
//!
//! Each runs its package's own binary through cargo (so that `cargo xtask
//! regen` builds neither a web server nor the client it generates).

use std::io::{BufRead as _, BufReader};
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

/// Starts the sandbox on a free port, runs the quickstart example against it,
/// stops the sandbox.
pub fn quickstart() -> Result<ExitCode, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))?;
    println!("Building and starting the sandbox on 127.0.0.1:{port} ...");
    let child = cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "accuro-sandbox",
            "--",
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
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
    let status = cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "accuro-client",
            "--example",
            "quickstart",
        ])
        .envs(env)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    drop(sandbox);
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
