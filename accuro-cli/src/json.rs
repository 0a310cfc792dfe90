//! JSON output that a terminal shows, never obeys: besides what JSON itself
//! escapes (C0 controls, quotes, backslashes), every DEL, C1 control, bidi
//! control and invisible format character is written as a `\uXXXX` escape.
//! The document means the same; only its bytes are safe to print.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// Writes `value` as compact JSON to `out`, unprintable characters escaped.
pub fn write<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Escaping(CompactFormatter));
    // An I O error (a closed pipe) keeps its kind.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// The compact formatter, escaping what [`accuro_client::is_unprintable`]
/// names inside strings (and keys).
struct Escaping(CompactFormatter);

impl Formatter for Escaping {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|(_, c)| accuro_client::is_unprintable(*c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[test]
    fn unprintable_characters_are_escaped_and_the_value_is_unchanged() {
        let value = json!({"name": "a\u{202e}b\u{9b}c\u{85}d\u{7f}e\u{1b}f\u{e0041}g", "k\u{2066}": ["\u{200f}", 1]});
        let mut out = Vec::new();
        super::write(&mut out, &value).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        for c in [
            '\u{202e}',
            '\u{9b}',
            '\u{85}',
            '\u{7f}',
            '\u{1b}',
            '\u{e0041}',
            '\u{2066}',
            '\u{200f}',
        ] {
            assert!(!text.contains(c), "{c:?} in {text}");
        }
        assert!(text.contains("a\\u202eb"), "{text}");
        assert!(text.contains("\\udb40\\udc41"), "{text}");
        let back: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(back, value);
        let mut plain = Vec::new();
        super::write(&mut plain, &json!({"lastName": "Île 北京"})).expect("written");
        assert_eq!(
            String::from_utf8_lossy(&plain),
            r#"{"lastName":"Île 北京"}"#
        );
    }
}
