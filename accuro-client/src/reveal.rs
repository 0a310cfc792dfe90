//! [`reveal`]: a value printed whole, health data included.

use std::fmt;

/// Prints `value` whole, health data included, as JSON (`{:?}` and `{}`
/// compact, `{:#?}` indented): the generated types' own `Debug` shows only
/// the fields the spec marks `x-accuro-phi: false` (see "Health data" in the
/// crate docs).
///
/// A record only ever read (an answer) is `Serialize` with the crate's
/// `serialize` feature; the records a request sends always are. `Serialize`
/// itself is unchanged: writing a record as JSON is your explicit act.
///
/// For a developer's machine and synthetic data. It is a call at each place
/// that prints, so review and `grep` find it, and a workspace can forbid it
/// in production crates with clippy's `disallowed-methods`, in their
/// `clippy.toml`:
///
/// ```toml
/// disallowed-methods = ["accuro_client::reveal"]
/// ```
///
/// A cargo feature would instead switch every value of a build at once, and
/// any crate of the dependency graph could turn it on.
///
/// ```
/// use accuro_client::{reveal, types};
/// let phone: types::Phone =
///     serde_json::from_str(r#"{"phoneId":5,"number":"250-555-0100"}"#).unwrap();
/// assert!(!format!("{phone:?}").contains("555"));
/// assert!(format!("{phone:?}").contains("phone_id: Some(5)"));
/// assert!(format!("{:?}", reveal(&phone)).contains("250-555-0100"));
/// ```
pub fn reveal<T: serde::Serialize + ?Sized>(value: &T) -> Revealed<'_, T> {
    Revealed(value)
}

/// A value shown whole; see [`reveal`].
pub struct Revealed<'a, T: ?Sized>(&'a T);

impl<T: serde::Serialize + ?Sized> fmt::Debug for Revealed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self.0)
        } else {
            serde_json::to_string(self.0)
        };
        match text {
            Ok(text) => f.write_str(&text),
            Err(_) => f.write_str("[not representable as JSON]"),
        }
    }
}

impl<T: serde::Serialize + ?Sized> fmt::Display for Revealed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
