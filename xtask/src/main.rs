//! Project tasks, run as `cargo xtask <task>`.
//!
//! - `regen`: regenerate `accuro-client/src/generated.rs` from `spec/accuro.yaml`.
//! - `regen --check`: write nothing; exit 1 with a diff when the committed file
//!   (or the endpoint reference, `docs/endpoints.md`) is stale.
//! - `endpoints`: print the endpoint table.
//! - `sandbox`: run the offline Accuro sandbox; `quickstart`: run the
//!   quickstart example against it.
//! - `vendor-diff VENDOR.json`: compare the spec with QHR's OpenAPI file.
//! - `import VENDOR.json --missing`: bring QHR's operations into the spec.
//! - `probe`: check a live Accuro (the `ACCURO_*` variables) against the spec.
//!
//! `regen`'s arguments are clap's (the workspace builds clap for the CLI
//! anyway), and so is its part of the usage; the other tasks parse their
//! few arguments by hand.

#![warn(missing_docs)]

use std::io::Write as _;
use std::process::ExitCode;

use xtask::{regen, vendor_diff};

/// The usage, `regen`'s part written by clap from its arguments.
fn usage() -> String {
    let regen = regen::command().render_help().to_string();
    let regen: String = regen
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_owned()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    USAGE.replace("{regen}", &format!("  regen [--check] [--spec PATH] [--out PATH] [--endpoints PATH | --no-endpoints] [TARGET...]\n{regen}"))
}

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
{regen}  endpoints        print the endpoint table (area, method, path, Rust method, scope)
    --spec PATH    spec to read (default: spec/accuro.yaml)
  sandbox [ARGS]   run the offline Accuro sandbox (default port 4020; --help for its options)
  quickstart       run the quickstart example against a fresh sandbox
  build-cost       measure what accuro-client costs to build: a new application's cold
                   build (`--timings`: accuro-client's share of the wall time), the
                   rebuild after a spec edit, the generated sources' size
    --area AREA    of one area only (its cargo feature, default features off)
    --runs N       build the new application N times, each cold (default 1)
    --cli          also `cargo install --path accuro-cli` (release): time, binary size
  probe [ARGS]     check the Accuro named by the ACCURO_* variables against the spec:
                   every read (GET) operation, every disagreement by JSON path, never a
                   value (runs accuro-probe; --help for its options)
  vendor-diff (VENDOR.json | https://URL)
                   compare the spec with QHR's OpenAPI file (JSON or YAML); exit 0 when
                   every difference is explained by the allowlist, 1 otherwise, 2 when
                   a file cannot be read
    --spec PATH    spec to read (default: spec/accuro.yaml)
    --allow PATH   allowlist of intended differences (default:
                   spec/vendor-differences.yaml; when absent, nothing is allowlisted)
    --all          also list every explained difference with its reason
    --json         print the report as JSON
    --ca-cert PEM  an extra root CA for an https URL (fetched with rustls: https
                   only, timeouts, a size cap, an OpenAPI media type)
  import (VENDOR.json | https://URL) (--missing | --operation ID... | --tag TAG...)
                   bring operations from QHR's OpenAPI file into the spec, in this
                   project's conventions (ids, uuid, scopes, shared errors, Accuro's
                   date shapes); never overwrites what the spec has; review the diff
    --missing      every operation the spec lacks
    --operation ID the vendor's operationId, or the id the import gives it
    --tag TAG      a vendor tag or one of our areas
    --spec PATH    spec to write (default: spec/accuro.yaml)
    --dry-run      print the new spec instead of writing it
    --ca-cert PEM  an extra root CA for an https URL
  help             print this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") if args[1..].iter().any(|a| a == "--help" || a == "-h") => {
            print!("{}", regen::command().render_help());
            return ExitCode::SUCCESS;
        }
        Some("regen") => regen::Args::parse(&args[1..])
            .and_then(|a| regen::run(&a))
            .map(|outcome| {
                if outcome.is_success() {
                    println!("{outcome}");
                    ExitCode::SUCCESS
                } else {
                    eprintln!("{outcome}");
                    ExitCode::FAILURE
                }
            }),
        Some("endpoints") => endpoints(&args[1..]).map(|table| {
            print!("{table}");
            ExitCode::SUCCESS
        }),
        Some("sandbox") => xtask::sandbox::run(&args[1..]),
        Some("probe") => xtask::sandbox::probe(&args[1..]),
        Some("quickstart") => xtask::sandbox::quickstart(),
        Some("build-cost") => xtask::build_cost::run(&args[1..]),
        Some("vendor-diff") => return vendor_diff(&args[1..]),
        Some("import") => xtask::import::Args::parse(&args[1..])
            .and_then(|a| xtask::import::run(&a))
            .map(|outcome| {
                if let Some(text) = &outcome.dry_run_text {
                    // A reader that stops early (`| head`) is not an error.
                    let _ = std::io::stdout().write_all(text.as_bytes());
                    eprintln!("{outcome}");
                } else {
                    println!("{outcome}");
                }
                ExitCode::SUCCESS
            }),
        Some("help" | "--help" | "-h") | None => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{}", usage())),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn endpoints(args: &[String]) -> Result<String, String> {
    let spec = match args {
        [] => regen::default_spec(),
        [flag, path] if flag == "--spec" => path.into(),
        _ => return Err("usage: cargo xtask endpoints [--spec PATH]".into()),
    };
    regen::endpoint_table(&spec)
}

/// `vendor-diff`: exit 0 when every difference is explained, 1 when some is
/// not, 2 when the task cannot run (unreadable file, faulty allowlist).
fn vendor_diff(args: &[String]) -> ExitCode {
    match vendor_diff::Args::parse(args).and_then(|a| vendor_diff::run(&a)) {
        Ok(outcome) => {
            // A reader that stops early (`| head`) is not an error.
            let _ = std::io::stdout().write_all(outcome.render().as_bytes());
            if outcome.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
