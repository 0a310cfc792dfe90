//! The `accuro-probe` binary, as `cargo xtask probe` runs it, against a fresh
//! sandbox: every read operation answered and agreeing with the spec, exit
//! status 0, and nothing on stderr (the probe logs nothing unless asked with
//! `--verbose`). CI ran this as a step of its own (`cargo xtask probe`, a
//! build of its own); here it runs the binary the test build made.

use std::process::Command;

use accuro_sandbox::{Config, Sandbox};

#[tokio::test]
async fn the_binary_finds_the_sandbox_agreeing_with_the_spec_and_logs_nothing() {
    let sandbox = Sandbox::start(Config::default(), 0).await.expect("sandbox");
    let env = sandbox.config().client_env(&sandbox.base_url());
    let output = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_accuro-probe"));
        // Only the sandbox's credentials: none of the runner's own.
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("ACCURO_")) {
            command.env_remove(name);
        }
        command
            .args(["--rate", "200", "--patient-last-name", "Sample"])
            .envs(env)
            .output()
    })
    .await
    .expect("the probe's thread")
    .expect("the probe runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.is_empty(), "the probe logs nothing: {stderr}");
    let spec = accuro_probe::spec::Spec::embedded().expect("the spec");
    let n = spec.operations.len();
    let summary = format!(
        "{n} read operations: checked {n} / answering {n} / disagreeing 0 (0 skipped, 0 failed;"
    );
    assert!(stdout.contains(&summary), "{stdout}");
    assert!(stdout.starts_with(&format!("accuro probe of {}", sandbox.base_url())));
}
