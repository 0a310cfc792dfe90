//! Reading Prism's verdict on an exchange.

/// The header in which Prism lists what a request or answer breaks.
pub const VIOLATIONS: &str = "sl-violations";

/// The answer's value if Prism accepted the exchange: a 2xx answer with no
/// violation header. Otherwise what went wrong (for an error answer, its
/// status: the client's error keeps no headers or body).
pub fn conforms<T>(
    operation: &str,
    answer: Result<accuro_client::ResponseValue<T>, accuro_client::Error>,
) -> Result<T, String> {
    match answer {
        Ok(rv) => match rv.headers().get(VIOLATIONS) {
            None => Ok(rv.into_inner()),
            Some(v) => Err(format!(
                "{operation}: Prism reports violations: {}",
                v.to_str().unwrap_or("?")
            )),
        },
        Err(e) => Err(format!("{operation}: {e}")),
    }
}
