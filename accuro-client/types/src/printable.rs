//! Text that is shown, never obeyed: control, bidi and other invisible
//! format characters replaced before any text of the server's, or of a
//! library's, leaves the crate in an error message.
//!
//! An ESC starts a terminal escape sequence (colours, cursor moves, a
//! window title), BEL rings, a C1 control (U+0080 to U+009F) is read as ESC
//! by some terminals, and a bidi override (U+202E) shows a text in another
//! order than it is stored: a log line or a terminal that prints a
//! server's text as it came can be made to show something else.

use std::borrow::Cow;

/// What an unprintable character is shown as.
pub const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;

/// Whether `c` is a control character (C0, DEL, C1), a bidi control, or an
/// invisible format or separator character that changes how the text
/// around it is shown (zero-width characters, line and paragraph
/// separators, the byte-order mark, interlinear annotations, tags).
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` with every [unprintable](is_unprintable) character replaced by
/// U+FFFD; borrowed when there is none.
///
/// ```
/// assert_eq!(accuro_types::printable("ok"), "ok");
/// assert_eq!(accuro_types::printable("a\u{1b}[31m\u{202e}b"), "a\u{fffd}[31m\u{fffd}b");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unprintable(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisible_characters_are_replaced_and_the_rest_kept() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{1b}',
            '\n',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{200e}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{2028}',
            '\u{feff}',
            '\u{e0041}',
        ] {
            assert!(is_unprintable(c), "{:?}", c);
            assert_eq!(printable(&format!("a{c}b")), "a\u{fffd}b");
        }
        for kept in [
            "Access is denied",
            "Île-de-Montréal 北京 ١٢٣",
            "size must be between 2 and 100",
        ] {
            assert!(matches!(printable(kept), Cow::Borrowed(_)), "{kept}");
        }
    }
}
