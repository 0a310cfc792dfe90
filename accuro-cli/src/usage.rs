//! Usage errors told without the values typed: clap's own messages repeat
//! a refused value (`invalid value '9876543210' for '--first-name'`), and a
//! value on this command line may be a PHN or a name, and stderr may end up
//! in a log.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The message for `error` when clap's own would repeat a value; `None`
/// when clap's own is safe to print (help, version, missing arguments...).
pub fn without_values(error: &clap::Error) -> Option<String> {
    let arg = || match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => Some(arg.clone()),
        _ => None,
    };
    let text = match error.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let arg = arg().unwrap_or_else(|| "an argument".into());
            let mut text = format!("error: invalid value for '{arg}'");
            if let Some(ContextValue::Strings(valid)) = error.get(ContextKind::ValidValue) {
                text.push_str(&format!(" (possible values: {})", valid.join(", ")));
            } else if let Some(reason) = std::error::Error::source(error) {
                text.push_str(&format!(": {reason}"));
            }
            text
        }
        ErrorKind::UnknownArgument => match arg() {
            // An option's name (`--lastname`) is safe to show; anything
            // else may be a value typed in the wrong place.
            Some(name) if looks_like_option(&name) => {
                let mut text = format!("error: unexpected argument '{name}'");
                match error.get(ContextKind::SuggestedArg) {
                    Some(ContextValue::String(similar)) => {
                        text.push_str(&format!(" (did you mean '{similar}'?)"));
                    }
                    Some(ContextValue::Strings(similar)) => {
                        text.push_str(&format!(" (did you mean '{}'?)", similar.join("', '")));
                    }
                    _ => {}
                }
                text
            }
            _ => "error: unexpected argument (not shown: it may be a value)".into(),
        },
        ErrorKind::InvalidSubcommand => match arg() {
            Some(name) if looks_like_command(&name) => {
                format!("error: unrecognized subcommand '{name}'")
            }
            _ => "error: unrecognized subcommand (not shown: it may be a value)".into(),
        },
        ErrorKind::InvalidUtf8 => "error: an argument is not valid UTF-8".into(),
        _ => return None,
    };
    Some(format!("{text}\n\nFor more information, try '--help'."))
}

/// A command's name: lower-case letters and dashes, a letter first.
fn looks_like_command(arg: &str) -> bool {
    arg.starts_with(|c: char| c.is_ascii_lowercase())
        && arg
            .chars()
            .all(|c| c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// `--name` or `-n`, letters, digits and dashes only.
fn looks_like_option(arg: &str) -> bool {
    let name = arg.split(['=', ' ']).next().unwrap_or(arg);
    name.starts_with('-')
        && name.len() > 1
        && name.chars().all(|c| c == '-' || c.is_ascii_alphanumeric())
        && name.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(args: &[&str]) -> clap::Error {
        crate::args::command()
            .try_get_matches_from(args)
            .expect_err("a usage error")
    }

    #[test]
    fn refused_values_are_not_repeated() {
        for args in [
            &["accuro", "patients", "search-patients", "--first-name", "Q"][..],
            &["accuro", "patients", "search-patients", "9876543210"],
            &[
                "accuro",
                "patients",
                "get-patient",
                "--patient-id",
                "98765x43210",
            ],
            &[
                "accuro",
                "scheduling",
                "create-appointment",
                "--start-time",
                "98:76",
            ],
            &["accuro", "practice", "list-offices", "--output", "98765"],
            &["accuro", "patients", "9876543210"],
        ] {
            let error = error_of(args);
            let text = without_values(&error).unwrap_or_else(|| error.to_string());
            let value = args[args.len() - 1];
            assert!(!text.contains(value), "{args:?}: {text}");
            assert!(text.starts_with("error: "), "{text}");
        }
    }

    #[test]
    fn option_names_and_possible_values_are_still_shown() {
        let error = error_of(&["accuro", "patients", "search-patients", "--lastname", "X"]);
        let text = without_values(&error).unwrap_or_default();
        assert!(text.contains("'--lastname'"), "{text}");
        assert!(text.contains("--last-name"), "{text}");
        let error = error_of(&["accuro", "practice", "list-offices", "-o", "yaml"]);
        let text = without_values(&error).unwrap_or_default();
        assert!(text.contains("json, table"), "{text}");
        assert!(text.contains("'--output <FORMAT>'"), "{text}");
    }
}
