//! Describing what failed without what must not be shown: a `reqwest`
//! error without its URL, a JSON error without the value that broke it.

use super::Error;

/// Describes a `reqwest` error of `operation` without its URL.
pub(crate) fn describe_transport(e: reqwest::Error, operation: &'static str) -> Error {
    if let Some(limit) = crate::answer_cap::too_large(&e) {
        return Error::AnswerTooLarge { operation, limit };
    }
    if e.is_timeout() {
        return Error::Timeout { operation };
    }
    Error::Transport {
        operation,
        message: transport_message(e),
    }
}

/// A `reqwest` error's text and its sources', without the URL, and without
/// any control or bidi character (see [`crate::printable`]).
pub(crate) fn transport_message(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        // A nested `reqwest` error (a refused redirect nests one) prints
        // its URL: only its kind is told.
        match s.downcast_ref::<reqwest::Error>() {
            Some(inner) if inner.is_redirect() => message.push_str("redirect refused"),
            Some(inner) if inner.is_timeout() => message.push_str("timed out"),
            Some(inner) if inner.is_connect() => message.push_str("cannot connect"),
            Some(_) => message.push_str("request failed"),
            None => message.push_str(&s.to_string()),
        }
        source = s.source();
    }
    crate::printable(&message).into_owned()
}

/// Describes a JSON error without the value that broke it (serde_json quotes
/// the offending string, which may be a PHN or a name), naming the field it
/// happened in when the document is at hand. Only keys in `fields` (sorted)
/// are named; any other key, which may be data, is shown as `…`.
pub(crate) fn describe_json(e: &serde_json::Error, document: &[u8], fields: &[&str]) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    let at = json_path_at(document, e.line(), e.column(), fields)
        .map(|path| format!(" in `{path}`"))
        .unwrap_or_default();
    format!("{kind}{at} at line {} column {}", e.line(), e.column())
}

/// The JSON path (`contents[0].demographics.birthday`) of the value that ends
/// at `line`:`column` (1-based, as serde_json reports). Only keys found in
/// `fields` (sorted) and indices are returned, never values; another key is
/// `…`.
pub(crate) fn json_path_at(
    doc: &[u8],
    line: usize,
    column: usize,
    fields: &[&str],
) -> Option<String> {
    enum Frame {
        Object {
            key: Option<String>,
            expect_key: bool,
        },
        Array {
            index: usize,
        },
    }
    // Byte offset of line:column.
    let mut offset = 0;
    for _ in 1..line {
        offset += doc.get(offset..)?.iter().position(|b| *b == b'\n')? + 1;
    }
    let end = (offset + column).min(doc.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match doc[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < doc.len() && doc[i] != b'"' {
                    i += if doc[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    let raw = doc.get(start..i.min(doc.len()))?;
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                    *expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                let known = fields.binary_search(&k.as_str()).is_ok();
                path.push_str(if known { k } else { "…" });
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}
