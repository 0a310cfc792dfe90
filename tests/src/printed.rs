//! Every way a user might print an error, for the leak tests.

use std::error::Error as _;

/// `err` printed with `{}`, `{:?}`, `{:#?}` and `{:#}`, its error body with
/// `{}`, `{:?}` and `{:#?}`, every `source()` down the chain, and the error
/// as a `Box<dyn Error>`.
pub fn printed_forms(err: accuro_client::Error) -> Vec<String> {
    let mut texts = vec![
        err.to_string(),
        format!("{err:?}"),
        format!("{err:#?}"),
        format!("{err:#}"),
    ];
    if let Some(body) = err.api_error() {
        texts.push(body.to_string());
        texts.push(format!("{body:?}"));
        texts.push(format!("{body:#?}"));
    }
    let mut source = err.source();
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    texts.push(boxed.to_string());
    texts.push(format!("{boxed:?}"));
    texts
}
