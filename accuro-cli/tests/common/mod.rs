//! Running the `accuro` binary against a sandbox on loopback.

#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::Path;
use std::process::{Command, Output};

use accuro_sandbox::{Config, Sandbox};

/// The binary cargo built for these tests.
pub const ACCURO: &str = env!("CARGO_BIN_EXE_accuro");

/// A sandbox with its default clinic (300 patients), on a free port.
pub async fn sandbox() -> Sandbox {
    Sandbox::start(Config::default(), 0).await.unwrap()
}

/// The `ACCURO_*` variables for `sandbox`.
pub fn env_of(sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    sandbox.config().client_env(&sandbox.base_url())
}

/// `env` with `name` set to `value` (replacing it if there).
pub fn with_var(
    env: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut env: Vec<_> = env.iter().filter(|(k, _)| *k != name).cloned().collect();
    env.push((name, value.to_owned()));
    env
}

/// What no output may show: the settings of `env` that are secrets, the
/// sandbox's access tokens, and any authorization header.
pub fn secrets_of(env: &[(&'static str, String)]) -> Vec<String> {
    env.iter()
        .filter(|(k, _)| {
            [
                "ACCURO_CLIENT_SECRET",
                "ACCURO_SUBSCRIPTION_KEY",
                "ACCURO_UUID",
            ]
            .contains(k)
        })
        .map(|(_, v)| v.clone())
        .chain([
            "sbx-access".to_owned(),
            "Bearer".to_owned(),
            "Basic".to_owned(),
        ])
        .collect()
}

/// What a run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout's lines, as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// stdout as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "{self:?}");
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }
}

/// Runs `accuro args` with only `env` set (and `HOME` at `home`, if given),
/// off the runtime's threads.
pub async fn accuro(env: &[(&str, String)], args: &[&str]) -> Run {
    accuro_in(env, args, None).await
}

/// [`accuro`] with `HOME` set.
pub async fn accuro_in(env: &[(&str, String)], args: &[&str], home: Option<&Path>) -> Run {
    let mut command = Command::new(ACCURO);
    command.env_clear().args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    if let Some(home) = home {
        command.env("HOME", home);
    }
    let output: Output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
