//! Properties of Accuro's data shapes: no input makes parsing panic, an error
//! never repeats the input, and every valid value, in any of its forms,
//! writes back byte for byte (as text and through JSON).

use proptest::prelude::ProptestConfig;

mod check;
mod no_panic;
mod numbers;
mod spec;
mod write_back;

/// 512 cases a property (a few seconds in all in a debug build), unless
/// `PROPTEST_CASES` says otherwise; failures are not written to files.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 512;
    }
    config
}

/// The message without serde_json's position suffix (` at line 1 column 9`).
fn without_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
}
