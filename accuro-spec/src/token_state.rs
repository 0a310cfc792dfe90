//! What a token carries on the server's side: its *current office*.
//!
//! `PUT /rest/v1/provider-portal/current-office` (body: an office id)
//! "changes the current office associated with an access token so that
//! subsequent API calls with that access token will operate as if they are
//! for the specified office" (QHR's description). A new token starts at the
//! service user's default office, and a renewal returns to it. So two
//! callers that want different offices cannot share one token, and a token
//! shared by many callers must never be switched by one of them.

/// The operation id of the office switch in the spec.
pub const OFFICE_SWITCH: &str = "change_current_office";
/// Its method.
pub const OFFICE_SWITCH_METHOD: &str = "PUT";
/// Its path.
pub const OFFICE_SWITCH_PATH: &str = "/rest/v1/provider-portal/current-office";
