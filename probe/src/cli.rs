//! The command line: `accuro-probe [options]` (and `cargo xtask probe`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::run::{Options, probe};
use crate::spec::Spec;
use crate::transport::Limits;

/// Default requests per second.
pub const DEFAULT_RATE: f64 = 4.0;
/// Default cap on one answer.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// The usage text.
pub const USAGE: &str = "\
usage: accuro-probe [options]     (or: cargo xtask probe [options])

Calls every read-only (GET) operation of the spec against the Accuro named by
the ACCURO_* variables (the same as the client's) and reports every way the
answers disagree with the spec: schema violations, undocumented fields,
unlisted status codes and media types, and which of them break the typed
client's decoding. Only GET is ever sent. No value of any answer is shown:
findings name the operation, the JSON path, and the expected and actual
type or shape.

options:
  --patient-last-name NAME  the last name the patient search is sent with
                            (patients found give the patient ids)
  --rate N                  requests per second, at most (default 4)
  --operation ID            probe only this operation (repeatable)
  --spec PATH               the spec to check against (default: the one
                            built in, spec/accuro.yaml)
  --ca-cert PATH            extra root CA (PEM) for an https base URL
  --max-answer-bytes N      the largest answer read (default 64 MiB)
  --timeout SECS            time allowed for each request (default 30)
  --json                    print the report as JSON
  --all                     also list operations that agree with the spec
  --verbose                 print each operation's status on stderr as it goes
  -h, --help                print this text

exit status: 0 every operation answered and agrees with the spec; 1 some
answer disagrees; 2 the probe could not run (settings, first token);
3 nothing disagrees but the check is incomplete: an operation got no answer
(connection, timeout, size cap, rate limit, refused with a fresh token) or
was skipped, or no operation answered 2xx.
";

/// Parsed command line.
#[derive(Debug, Clone)]
struct Args {
    options: Options,
    spec: Option<PathBuf>,
    ca_cert: Option<PathBuf>,
    json: bool,
    all: bool,
    verbose: bool,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut out = Args {
        options: Options {
            patient_last_name: None,
            only: BTreeSet::new(),
            limits: Limits {
                rate: DEFAULT_RATE,
                max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
                connect_timeout: Duration::from_secs(10),
                request_timeout: Duration::from_secs(30),
            },
            extra_roots_pem: None,
        },
        spec: None,
        ca_cert: None,
        json: false,
        all: false,
        verbose: false,
    };
    let mut it = args.iter().enumerate();
    while let Some((index, arg)) = it.next() {
        // `--name=value` and `--name value` alike; a value is never echoed
        // (a patient's name may be one).
        let (name, mut inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| match inline.take() {
            Some(value) => Ok(value),
            None => it
                .next()
                .map(|(_, value)| value.clone())
                .ok_or_else(|| format!("{name} needs a value")),
        };
        let flag = |inline: &Option<String>| match inline {
            Some(_) => Err(format!("{name} takes no value")),
            None => Ok(()),
        };
        match name {
            "-h" | "--help" => {
                flag(&inline)?;
                return Ok(None);
            }
            "--json" => {
                flag(&inline)?;
                out.json = true;
            }
            "--all" => {
                flag(&inline)?;
                out.all = true;
            }
            "--verbose" => {
                flag(&inline)?;
                out.verbose = true;
            }
            "--patient-last-name" => {
                out.options.patient_last_name = Some(value(name)?.into());
            }
            "--operation" => {
                out.options.only.insert(value(name)?);
            }
            "--spec" => out.spec = Some(value(name)?.into()),
            "--ca-cert" => out.ca_cert = Some(value(name)?.into()),
            "--rate" => {
                let rate: f64 = value(name)?
                    .parse()
                    .map_err(|_| "--rate needs a number".to_owned())?;
                if !(rate.is_finite() && rate > 0.0) {
                    return Err("--rate must be above 0".into());
                }
                out.options.limits.rate = rate;
            }
            "--max-answer-bytes" => {
                out.options.limits.max_answer_bytes = value(name)?
                    .parse()
                    .map_err(|_| "--max-answer-bytes needs a whole number".to_owned())?;
            }
            "--timeout" => {
                let secs: u64 = value(name)?
                    .parse()
                    .map_err(|_| "--timeout needs a whole number of seconds".to_owned())?;
                out.options.limits.request_timeout = Duration::from_secs(secs.max(1));
            }
            _ => {
                return Err(format!(
                    "argument {} is not an option the probe knows (not shown: it may be a value)",
                    index + 1
                ));
            }
        }
    }
    Ok(Some(out))
}

/// Runs the probe as the command line does, reading the `ACCURO_*`
/// variables through `lookup` and writing to `stdout` and `stderr`; returns
/// the exit status.
pub fn main(
    args: &[String],
    lookup: impl Fn(&str) -> Option<String>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let fail = |stderr: &mut dyn Write, message: &str| {
        let _ = writeln!(stderr, "error: {message}");
        2
    };
    let mut args = match parse(args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            let _ = stdout.write_all(USAGE.as_bytes());
            return 0;
        }
        Err(message) => return fail(stderr, &format!("{message}\n\n{USAGE}")),
    };
    let spec = match &args.spec {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the --spec file: {}", e.kind()))
            .and_then(|text| Spec::parse(&text)),
        None => Spec::embedded(),
    };
    let spec = match spec {
        Ok(spec) => spec,
        Err(message) => return fail(stderr, &message),
    };
    if let Some(path) = &args.ca_cert {
        match std::fs::read(path) {
            Ok(pem) => args.options.extra_roots_pem = Some(pem),
            Err(e) => {
                return fail(
                    stderr,
                    &format!("cannot read the --ca-cert file: {}", e.kind()),
                );
            }
        }
    }
    let config = match Config::from_lookup(lookup) {
        Ok(config) => config,
        Err(message) => return fail(stderr, &message),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(stderr, &format!("cannot start a runtime: {e}")),
    };
    let verbose = args.verbose;
    let mut progress = |line: &str| {
        if verbose {
            let _ = writeln!(stderr, "{line}");
        }
    };
    let report = runtime.block_on(probe(config, &spec, &args.options, &mut progress));
    match report {
        Ok(report) => {
            let text = if args.json {
                report.render_json() + "\n"
            } else {
                report.render_text(args.all)
            };
            let _ = stdout.write_all(text.as_bytes());
            report.exit_code()
        }
        Err(e) => fail(stderr, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn both_forms_of_a_value_are_parsed() {
        for given in [
            args(&["--patient-last-name=Qzxmarkerson", "--rate=2.5", "--json"]),
            args(&[
                "--patient-last-name",
                "Qzxmarkerson",
                "--rate",
                "2.5",
                "--json",
            ]),
        ] {
            let parsed = parse(&given).ok().flatten().expect("parsed");
            let name = parsed.options.patient_last_name.as_ref();
            assert_eq!(
                name.map(secrecy::ExposeSecret::expose_secret),
                Some("Qzxmarkerson")
            );
            assert_eq!(parsed.options.limits.rate, 2.5);
            assert!(parsed.json);
        }
        let parsed = parse(&args(&[
            "--operation=list_offices",
            "--operation",
            "get_office",
        ]))
        .ok()
        .flatten()
        .expect("parsed");
        assert_eq!(parsed.options.only.len(), 2);
    }

    #[test]
    fn no_error_echoes_an_argument() {
        for given in [
            args(&["Qzxmarkerson"]),
            args(&["--patient-last-nam=Qzxmarkerson"]),
            args(&["--Qzxmarkerson"]),
            args(&["-Qzxmarkerson"]),
            args(&["--json=Qzxmarkerson"]),
            args(&["--rate=Qzxmarkerson"]),
            args(&["--timeout", "Qzxmarkerson"]),
            args(&["--max-answer-bytes=Qzxmarkerson"]),
        ] {
            let message = parse(&given).expect_err("refused");
            assert!(!message.contains("Qzxmarkerson"), "{given:?}: {message}");
        }
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = main(
            &args(&["--verbose", "Qzxmarkerson"]),
            |_| None,
            &mut out,
            &mut err,
        );
        assert_eq!(code, 2);
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains("argument 2"), "{err}");
        assert!(!err.contains("Qzxmarkerson"), "{err}");
    }

    #[test]
    fn an_operation_that_is_no_read_is_not_echoed() {
        let env = |name: &str| {
            Some(
                match name {
                    "ACCURO_BASE_URL" => "http://127.0.0.1:9",
                    "ACCURO_TENANT" => "synthclinic",
                    "ACCURO_CLIENT_ID" => "synthetic-client-id",
                    "ACCURO_CLIENT_SECRET" => "synthetic-client-secret",
                    "ACCURO_SCOPES" => "PATIENT_DEMOGRAPHICS_READ",
                    "ACCURO_SUBSCRIPTION_KEY" => "synthetic-subscription-key",
                    "ACCURO_UUID" => "5a4db0c5-0000-4000-8000-000000000001",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = main(
            &args(&["--operation=Qzxmarkerson"]),
            env,
            &mut out,
            &mut err,
        );
        let err = String::from_utf8_lossy(&err);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--operation"), "{err}");
        assert!(!err.contains("Qzxmarkerson"), "{err}");
    }
}
