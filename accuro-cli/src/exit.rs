//! Exit codes, by what went wrong (documented in `accuro --help` and accuro-cli/README.md).

use accuro_client::ErrorKind;

/// Succeeded.
pub const OK: u8 = 0;
/// Something else failed (writing the output, say).
pub const OTHER: u8 = 1;
/// The command line is wrong (clap's own code for usage errors).
pub const USAGE: u8 = 2;
/// The settings are missing or invalid (variables, profile file).
pub const CONFIG: u8 = 3;
/// The token endpoint refused the credentials, or failed.
pub const CREDENTIALS: u8 = 4;
/// Accuro refused the call: 401 or 403 (token, key, scope, permissions).
pub const DENIED: u8 = 5;
/// 404.
pub const NOT_FOUND: u8 = 6;
/// 409: another client is editing the same thing.
pub const CONFLICT: u8 = 7;
/// Accuro refused the request as invalid (400, 413, other 4xx), or the
/// client refused to build it.
pub const REJECTED: u8 = 8;
/// 429, after the client's retries.
pub const RATE_LIMITED: u8 = 9;
/// 5xx, after the client's retries.
pub const SERVER: u8 = 10;
/// No answer: connection failed or timed out.
pub const UNREACHABLE: u8 = 11;
/// An answer the client cannot read (not the documented shape, too large).
pub const UNEXPECTED: u8 = 12;
/// A write sent again after an attempt that may have acted was refused: it
/// may have been made (read the record before doing anything).
pub const OUTCOME_UNKNOWN: u8 = 13;

/// The table `--help` prints.
pub const TABLE: &str = "\
Exit codes:
   0  success
   1  other failure (writing the output)
   2  usage error
   3  configuration (ACCURO_* variables, profile file)
   4  credentials or token endpoint
   5  refused by Accuro: 401 or 403 (token, subscription key, scope, permissions)
   6  not found (404)
   7  conflict (409)
   8  request rejected (400, 413, other 4xx) or not buildable
   9  rate limited (429)
  10  server error (5xx)
  11  no answer (connection failed, timed out)
  12  answer not readable (not the documented shape, too large)
  13  outcome unknown: a write sent again after a 502-504 or a cut connection
      was refused, and the first attempt may have made it (check the record)";

/// The exit code of a client error.
pub fn of_kind(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Config => CONFIG,
        ErrorKind::Credentials | ErrorKind::TokenEndpoint => CREDENTIALS,
        ErrorKind::Unauthorized | ErrorKind::Forbidden => DENIED,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::Conflict => CONFLICT,
        ErrorKind::TooLarge | ErrorKind::Rejected | ErrorKind::InvalidRequest => REJECTED,
        ErrorKind::RateLimited => RATE_LIMITED,
        ErrorKind::Server => SERVER,
        ErrorKind::Timeout | ErrorKind::Transport => UNREACHABLE,
        ErrorKind::UnexpectedResponse | ErrorKind::AnswerTooLarge => UNEXPECTED,
        ErrorKind::OutcomeUnknown => OUTCOME_UNKNOWN,
        _ => OTHER,
    }
}

/// What stopped a command, with its exit code. Every variant prints without
/// a secret, a token, a URL's query or an answer's body.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The client failed (its errors are safe to print).
    #[error(transparent)]
    Client(#[from] accuro_client::Error),
    /// The clinic settings are missing or invalid.
    #[error(transparent)]
    Config(#[from] accuro_client::ConfigError),
    /// The profile file could not be used.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// Anything else (writing the output, reading a `--json-body` file).
    #[error("{0}")]
    Other(String),
    /// The reader of the output went away (`accuro … | head`): a quiet stop.
    #[error("the output was closed")]
    Closed,
}

impl Failure {
    /// The exit code.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Client(e) => of_kind(e.kind()),
            Failure::Config(_) | Failure::Profile(_) => CONFIG,
            Failure::Usage(_) => USAGE,
            Failure::Other(_) => OTHER,
            Failure::Closed => OK,
        }
    }

    /// A generated command's error: the client's own when it is one. Any
    /// other is told without the values it may quote: a `--json-body` file
    /// that is not the body's JSON gets its path, line and column (serde's
    /// message quotes the value, which may be a PHN), a file that cannot be
    /// read its path and the kind of failure.
    pub fn from_command(error: anyhow::Error) -> Failure {
        let error = match error.downcast::<accuro_client::Error>() {
            Ok(e) => return Failure::Client(e),
            Err(other) => other,
        };
        // The outermost message: the command's own context ("failed to
        // parse <path>"), or the error itself when it has none.
        let context = if error.chain().count() > 1 {
            error.to_string()
        } else {
            "the command failed".to_owned()
        };
        for cause in error.chain() {
            if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
                return Failure::body_file(&context, json);
            }
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return Failure::Closed;
                }
                return Failure::Usage(format!("{context}: {}", io.kind()));
            }
        }
        Failure::Other(context)
    }
}

impl Failure {
    /// A JSON body file that does not parse or fit, told by `context` (its
    /// path), line and column: serde's own message quotes the value.
    pub fn body_file(context: &str, json: &serde_json::Error) -> Failure {
        let what = match json.classify() {
            serde_json::error::Category::Io => "could not be read",
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "is not valid JSON"
            }
            serde_json::error::Category::Data => "does not fit the operation's body",
        };
        Failure::Usage(format!(
            "{context}: the JSON {what} (line {}, column {})",
            json.line(),
            json.column()
        ))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::Closed;
        }
        Failure::Other(format!("cannot write the output: {}", e.kind()))
    }
}
