//! The `accuro-probe` binary, as `cargo xtask probe` runs it, against a fresh
//! sandbox: every read operation answered and agreeing with the spec, exit
//! status 0, and nothing on stderr (the probe logs nothing unless asked with
//! `--verbose`). CI ran this as a step of its own (`cargo xtask probe`, a
//! build of its own); here it runs the binary the test build made.

use std::process::{Command, Output};

use accuro_sandbox::{Config, Faults, Sandbox};

/// The probe's binary against `sandbox`, with only its credentials.
async fn probe(sandbox: &Sandbox) -> Output {
    let env = sandbox.config().client_env(&sandbox.base_url());
    tokio::task::spawn_blocking(move || {
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
    .expect("the probe runs")
}

#[tokio::test]
async fn the_binary_finds_the_sandbox_agreeing_with_the_spec_and_logs_nothing() {
    let sandbox = Sandbox::start(Config::default(), 0).await.expect("sandbox");
    let output = probe(&sandbox).await;
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

/// The README's blocks: its option list is the usage's, and its report
/// (the sandbox's `break_spec` fault on) is what the binary prints, but for
/// the port, the lines it elides and the time taken.
#[tokio::test]
async fn the_readme_shows_the_usage_and_a_report_the_binary_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("probe/README.md");
    let blocks: Vec<&str> = readme
        .split("```text\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap_or(""))
        .collect();
    let options = blocks
        .iter()
        .find(|b| b.contains("--patient-last-name NAME"))
        .expect("the README lists the options");
    for line in options.lines() {
        assert!(
            accuro_probe::cli::USAGE.contains(line.trim_end()),
            "the README's option line is not the usage's: {line}"
        );
    }
    let report = blocks
        .iter()
        .find(|b| b.starts_with("accuro probe of "))
        .expect("the README shows a report");

    let sandbox = Sandbox::start(Config::default(), 0).await.expect("sandbox");
    sandbox.set_faults(Faults {
        break_spec: true,
        ..Faults::default()
    });
    let output = probe(&sandbox).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "a disagreement: {stdout}");
    for line in report.lines().skip(1).filter(|l| *l != "...") {
        // The summary's counts, not the time it took.
        let line = match line.find(" requests, ") {
            Some(at) => &line[..at],
            None => line,
        };
        assert!(
            stdout.contains(line),
            "the README shows `{line}`; the probe printed:\n{stdout}"
        );
    }
}
