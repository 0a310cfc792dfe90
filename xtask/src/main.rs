//! Project tasks, run as `cargo xtask <task>`.
//!
//! - `regen`: regenerate `accuro-client/src/generated.rs` from `spec/accuro.yaml`.
//! - `regen --check`: write nothing; exit 1 with a diff when the committed file is stale.
//!
//! Arguments are parsed by hand: two flags and two options do not justify the
//! build time of a command-line parsing crate.

use std::process::ExitCode;

use xtask::regen;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  regen            regenerate the client module from the spec
    --check        write nothing; exit 1 with a diff if the committed module is stale
    --spec PATH    spec to read (default: spec/accuro.yaml)
    --out PATH     module to write (default: accuro-client/src/generated.rs)
  help             print this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
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
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
