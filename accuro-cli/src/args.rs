//! The command line: global options, `auth check`, and every generated
//! operation as `accuro <area> <operation>`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::exit;
use crate::generated::{AREAS, Cli, CliCommand, HANDWRITTEN};
use crate::handwritten;
use crate::output::{Format, Output};

/// What the shell was asked to do.
pub enum Request<'a> {
    /// `accuro auth check`.
    AuthCheck,
    /// An operation of the handwritten layer, with its arguments.
    Handwritten {
        /// Its operation id.
        operation: &'static str,
        /// Its arguments.
        matches: &'a ArgMatches,
    },
    /// An operation, with its own arguments.
    Operation {
        /// Which.
        command: CliCommand,
        /// Its arguments.
        matches: &'a ArgMatches,
        /// `--all-pages`.
        all_pages: bool,
    },
}

/// The options every command takes.
#[derive(Debug, Clone)]
pub struct Globals {
    /// `--profile` (or `ACCURO_PROFILE`).
    pub profile: Option<String>,
    /// `--profiles` (or `ACCURO_PROFILES`).
    pub profiles: Option<PathBuf>,
    /// `--output`.
    pub format: Format,
    /// `--verbose`.
    pub verbose: bool,
    /// `--office` (or `ACCURO_OFFICE`): the office the calls run as.
    pub office: Option<i64>,
}

const ABOUT: &str = "The Accuro EMR REST API from a terminal: one subcommand per operation, \
grouped by area.\n\nSettings come from the ACCURO_* variables (ACCURO_BASE_URL, ACCURO_TENANT, \
ACCURO_CLIENT_ID, ACCURO_CLIENT_SECRET, ACCURO_SCOPES, ACCURO_SUBSCRIPTION_KEY, ACCURO_UUID), or \
from a profile (--profile NAME) in a TOML file that only its owner may read. The token, the \
subscription key and the clinic's uuid are sent for you.";

/// The whole command tree.
pub fn command() -> Command {
    let mut root = Command::new("accuro")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(exit::TABLE)
        .max_term_width(100)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("profile")
                .help_heading("Global options")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .env("ACCURO_PROFILE")
                .hide_env_values(true)
                .help("Use this profile of the profile file instead of the ACCURO_* variables"),
        )
        .arg(
            Arg::new("profiles")
                .help_heading("Global options")
                .long("profiles")
                .global(true)
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .env("ACCURO_PROFILES")
                .hide_env_values(true)
                .help("The profile file [default: $XDG_CONFIG_HOME/accuro/profiles.toml or ~/.config/accuro/profiles.toml]"),
        )
        .arg(
            Arg::new("output")
                .help_heading("Global options")
                .long("output")
                .short('o')
                .global(true)
                .value_name("FORMAT")
                .value_parser(["json", "table"])
                .default_value("json")
                .help("json: one JSON document per line; table: a readable table"),
        )
        .arg(
            Arg::new("verbose")
                .help_heading("Global options")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Log each request to stderr: operation, method, path template, status, time (never a value)"),
        )
        .arg(
            Arg::new("office")
                .help_heading("Global options")
                .long("office")
                .global(true)
                .value_name("ID")
                .value_parser(value_parser!(i64))
                .env("ACCURO_OFFICE")
                .help("Run the calls as this office: the token is switched to it before any call (default: the service user's default office)"),
        )
        .subcommand(
            Command::new("auth")
                .about("The clinic's credentials")
                .subcommand_required(true)
                .subcommand(Command::new("check").about(
                    "Fetches a token and prints the scopes it grants and how long it lives (never the token)",
                )),
        );
    for (area, about) in AREAS {
        let mut group = Command::new(*area).about(*about).subcommand_required(true);
        for command in CliCommand::iter().filter(|c| c.area() == *area) {
            let mut sub = short_about(Cli::<Output>::get_command(command).name(command.name()));
            if command.paginated() {
                sub = sub.arg(
                    Arg::new("all-pages")
                        .long("all-pages")
                        .action(ArgAction::SetTrue)
                        .help(
                            "Follow the cursor to the last page: one item per line (or one table)",
                        ),
                );
            }
            group = group.subcommand(sub);
        }
        for (operation, _, _) in HANDWRITTEN.iter().filter(|(_, a, _)| a == area) {
            if let Some(sub) = handwritten::command(operation) {
                group = group.subcommand(sub);
            }
        }
        root = root.subcommand(group);
    }
    root
}

/// The summary as the listing's one line (`-h`), the whole text for `--help`
/// (progenitor sets both as one `about`).
fn short_about(command: Command) -> Command {
    let Some(full) = command.get_about().map(ToString::to_string) else {
        return command;
    };
    match full.split_once("\n\n") {
        Some((summary, _)) => {
            let summary = summary.to_owned();
            command.about(summary).long_about(full)
        }
        None => command,
    }
}

/// The global options of a parse.
pub fn globals(matches: &ArgMatches) -> Globals {
    Globals {
        profile: matches.get_one::<String>("profile").cloned(),
        profiles: matches.get_one::<PathBuf>("profiles").cloned(),
        format: match matches.get_one::<String>("output").map(String::as_str) {
            Some("table") => Format::Table,
            _ => Format::Json,
        },
        verbose: matches.get_flag("verbose"),
        office: matches.get_one::<i64>("office").copied(),
    }
}

/// What a parse asks for (`None` if it names no command, which clap
/// prevents).
pub fn request(matches: &ArgMatches) -> Option<Request<'_>> {
    let (group, group_matches) = matches.subcommand()?;
    let (name, leaf) = group_matches.subcommand()?;
    if group == "auth" {
        return (name == "check").then_some(Request::AuthCheck);
    }
    if let Some((operation, _, _)) = HANDWRITTEN
        .iter()
        .find(|(id, area, _)| *area == group && handwritten::name_of(id) == name)
    {
        return Some(Request::Handwritten {
            operation,
            matches: leaf,
        });
    }
    let command = CliCommand::iter().find(|c| c.area() == group && c.name() == name)?;
    Some(Request::Operation {
        command,
        matches: leaf,
        all_pages: command.paginated() && leaf.get_flag("all-pages"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_operation_is_one_subcommand_of_its_area() {
        let root = command();
        // clap's own consistency checks over the whole tree (argument name
        // clashes, required-unless names, value parsers).
        root.clone().debug_assert();
        let leaves: usize = root
            .get_subcommands()
            .filter(|area| area.get_name() != "auth")
            .map(|area| area.get_subcommands().count())
            .sum();
        assert_eq!(leaves, CliCommand::iter().count() + HANDWRITTEN.len());
        for command in CliCommand::iter() {
            let area = root.find_subcommand(command.area()).unwrap();
            assert!(
                area.find_subcommand(command.name()).is_some(),
                "{}",
                command.name()
            );
        }
    }
}
