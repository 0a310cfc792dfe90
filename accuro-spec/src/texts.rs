//! The texts Accuro answers with, exactly as it writes them.
//!
//! The gateway (Azure API Management in front of Accuro) answers in its own
//! shape, `{"code":"401","message":"..."}`; the server behind it answers
//! `{"error":"..."}`. These are fixed texts: they never hold a value of the
//! request, so the client may print them (see `accuro_client::ServerText`).

/// The gateway's refusal of a missing, unknown or expired bearer token, and
/// the token endpoint's refusal of wrong credentials.
pub const UNAUTHORIZED: &str = "Unauthorized";

/// The gateway's refusal of a missing or wrong subscription key.
pub const SUBSCRIPTION_KEY: &str = "Access denied due to missing or invalid subscription key.";

/// The server's refusal of a request without a required query parameter
/// (the clinic `uuid` among them).
pub const REQUIRED_PARAMETER_MISSING: &str = "Required Parameter Missing.";

/// The server's refusal of another clinic's `uuid`.
pub const UUID_MISMATCH: &str = "The provided uuid does not match one associated with your ACRON.";

/// The server's refusal of a token that lacks every scope (or Accuro role)
/// the operation accepts. Sent with 401, not 403.
pub const ACCESS_DENIED: &str = "Access is denied";

/// The server's refusal of a request whose values break its constraints.
pub const CONSTRAINT_VIOLATION: &str = "Request Constraint Violation";

/// The server's answer to a method the path does not have.
pub const METHOD_NOT_ALLOWED: &str = "Method Not Allowed";

/// The server's answer to a path or record it does not have.
pub const NOT_FOUND: &str = "Not Found";

/// The server's answer to a failure of its own.
pub const INTERNAL_SERVER_ERROR: &str = "Internal Server Error";

/// The server's refusal of a body over its limit.
pub const PAYLOAD_TOO_LARGE: &str = "Payload Too Large";

/// The token endpoint's refusal of a request without `tenant`, or whose form
/// does not parse.
pub const BAD_REQUEST: &str = "Bad Request";

/// The token endpoint's refusal of a scope the client was not granted.
pub const INVALID_SCOPE: &str = "invalid_scope";

/// The token endpoint's refusal of an unknown, spent or expired refresh
/// token.
pub const INVALID_GRANT: &str = "invalid_grant";

/// The token endpoint's refusal of a grant type it does not support.
pub const UNSUPPORTED_GRANT_TYPE: &str = "unsupported_grant_type";

/// The gateway's answer while the service behind it is down.
pub const SERVICE_UNAVAILABLE: &str = "Service Unavailable";

/// Every message Accuro, its gateway or its token endpoint is known to send
/// that carries no value of the request: the named texts above and the
/// other fixed messages seen from the server. The client prints a server's
/// message only when it is one of these (or a constraint template).
pub const KNOWN: [&str; 22] = [
    ACCESS_DENIED,
    "Access Denied",
    SUBSCRIPTION_KEY,
    "Appointment is locked",
    BAD_REQUEST,
    "Configuration error: Accuro clinic not found.",
    "Forbidden",
    "Insufficient Permissions",
    INTERNAL_SERVER_ERROR,
    "invalid_client",
    INVALID_GRANT,
    "invalid_request",
    INVALID_SCOPE,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    CONSTRAINT_VIOLATION,
    REQUIRED_PARAMETER_MISSING,
    "Rest API Service is not enabled for this client.",
    "Start date or patient id must be supplied",
    UUID_MISMATCH,
    "Timezone not set in Accuro",
    UNAUTHORIZED,
];

/// The gateway's error body: `{"code":"<status>","message":"<message>"}`
/// (`code` is a string).
pub fn gateway_body(status: u16, message: &str) -> serde_json::Value {
    serde_json::json!({"code": status.to_string(), "message": message})
}

/// The server's error body: `{"error":"<error>"}`.
pub fn server_body(error: &str) -> serde_json::Value {
    serde_json::json!({"error": error})
}
