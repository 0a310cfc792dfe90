//! What the generated code asks of the layer before each call. A trait in a
//! module of its own, so that the generated module depends on it and not on
//! the module that implements it (`pipeline`), which depends on the generated
//! `Client`: no module cycle.

use crate::error::Error;

/// Run by every generated `send()` before its request is built.
pub(crate) trait BeforeCall {
    /// Makes sure a valid token is at hand for `operation` (see `pipeline`).
    async fn before_call(&self, operation: &'static str) -> Result<(), Error>;
}
