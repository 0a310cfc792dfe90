//! Decoding an answer exactly as the typed client does (`serde_json` into
//! the generated type), keeping only where it failed.

use crate::walk::Step;

/// How a read operation's 2xx answer is decoded by the typed client.
#[derive(Debug, Clone, Copy)]
pub enum Decoder {
    /// JSON into the generated type.
    Json(fn(&[u8]) -> Result<(), DecodeFailure>),
    /// Nothing to decode (bytes, or no content).
    None,
}

/// Where decoding stopped. Holds no part of serde's message, which may quote
/// the value; the steps' keys are never shown (see [`crate::walk::label`]).
#[derive(Debug, Clone)]
pub struct DecodeFailure {
    /// The steps to the value that did not decode.
    pub steps: Vec<Step>,
    /// The body is not JSON at all (rather than JSON of the wrong shape).
    pub syntax: bool,
}

/// Decodes `body` into `T` the way the typed client does.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), DecodeFailure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => match de.end() {
            Ok(()) => return Ok(()),
            // Trailing characters after the value.
            Err(_) => {
                return Err(DecodeFailure {
                    steps: Vec::new(),
                    syntax: true,
                });
            }
        },
        Err(e) => e,
    };
    let steps = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                None
            }
        })
        .collect();
    Err(DecodeFailure {
        steps,
        syntax: matches!(
            error.inner().classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ),
    })
}
