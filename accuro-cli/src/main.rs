#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod args;
mod auth;
mod exit;
mod handwritten;
mod json;
mod output;
mod private_file;
mod profile;
mod table;
mod usage;
mod walk;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused)]
mod generated;

use std::process::ExitCode;

use accuro_client::{Client, ClinicConfig, Transport};

use crate::args::{Globals, Request};
use crate::exit::Failure;
use crate::generated::Cli;
use crate::output::{Answer, Format, Output, print};

fn main() -> ExitCode {
    let matches = match args::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            // `--help` and `--version` print and succeed; usage errors exit 2.
            let code = u8::try_from(e.exit_code()).unwrap_or(exit::USAGE);
            match usage::without_values(&e) {
                Some(message) => eprintln!("{}", for_terminal(&message)),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(code);
        }
    };
    let globals = args::globals(&matches);
    if globals.verbose {
        log_requests();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("accuro: cannot start: {}", e.kind());
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(run(&matches, &globals)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(Failure::Closed) => ExitCode::from(exit::OK),
        Err(failure) => {
            eprintln!("accuro: {}", for_terminal(&chain(&failure)));
            ExitCode::from(failure.code())
        }
    }
}

/// `text`'s lines, each with its control, bidi and invisible characters
/// replaced (see [`accuro_client::printable`]): shown, never obeyed.
fn for_terminal(text: &str) -> String {
    text.lines()
        .map(accuro_client::printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The failure and its causes, `: `-separated (each is safe to print).
fn chain(failure: &Failure) -> String {
    let mut text = failure.to_string();
    let mut source = std::error::Error::source(failure);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

async fn run(matches: &clap::ArgMatches, globals: &Globals) -> Result<(), Failure> {
    let request = args::request(matches)
        .ok_or_else(|| Failure::Usage("no such command (see `accuro --help`)".into()))?;
    let client = client(globals)?;
    match request {
        Request::AuthCheck => {
            let answer = auth::check(&client).await?;
            print(&Answer::Value(answer), globals.format)?;
            Ok(())
        }
        Request::Handwritten { operation, matches } => {
            if let Some(answer) = handwritten::run(&client, operation, matches).await? {
                print(&Answer::Value(answer), globals.format)?;
            }
            Ok(())
        }
        Request::Operation {
            command,
            matches,
            all_pages: false,
        } => {
            let output = Output::default();
            let cli = Cli::new(client, output.clone());
            cli.execute(command, matches)
                .await
                .map_err(Failure::from_command)?;
            if let Some(answer) = output.take() {
                print(&answer, globals.format)?;
            }
            Ok(())
        }
        Request::Operation {
            command,
            matches,
            all_pages: true,
        } => {
            let output = Output::default();
            let cli = Cli::new(client, output.clone());
            let mut rows = Vec::new();
            let format = globals.format;
            let bar = if globals.verbose {
                walk::Bar::Hidden
            } else {
                walk::Bar::OnTerminal
            };
            let walk = walk::Walk {
                cli: &cli,
                output: &output,
                command,
                matches,
                page_size: page_size(matches),
                bar,
            };
            walk.run(|item| {
                match format {
                    Format::Json => print(&Answer::Value(item), Format::Json)?,
                    Format::Table => rows.push(item),
                }
                Ok(())
            })
            .await?;
            if format == Format::Table {
                let refs: Vec<&serde_json::Value> = rows.iter().collect();
                output::write_text(&table::list(&refs))?;
            }
            Ok(())
        }
    }
}

/// The `--page-size` given: an `i32` or an `i64` argument, depending on
/// the operation (Accuro caps it at 50 either way).
fn page_size(matches: &clap::ArgMatches) -> Option<i32> {
    if let Ok(Some(size)) = matches.try_get_one::<i32>("page-size") {
        return Some(*size);
    }
    match matches.try_get_one::<i64>("page-size") {
        Ok(Some(size)) => Some(i32::try_from(*size).unwrap_or(i32::MAX)),
        _ => None,
    }
}

/// The clinic's client, from the profile when one is named, else from the
/// `ACCURO_*` variables.
fn client(globals: &Globals) -> Result<Client, Failure> {
    let config = match &globals.profile {
        Some(name) => {
            let path = profile::locate(globals.profiles.as_deref(), |n| std::env::var(n).ok())?;
            profile::load(&path, name)?
        }
        None => ClinicConfig::from_env(),
    };
    let client = Transport::builder().build()?.clinic(config)?;
    Ok(match globals.office {
        Some(office) => client.for_office(office),
        None => client,
    })
}

/// `--verbose`: the client's request spans on stderr, when they close
/// (operation, method, path template, status, attempts, time: never a value).
fn log_requests() {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::{Layer as _, filter};
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(filter::filter_fn(|meta| {
            meta.target().starts_with("accuro_client") && *meta.level() <= tracing::Level::DEBUG
        }));
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
}
