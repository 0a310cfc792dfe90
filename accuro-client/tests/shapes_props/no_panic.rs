//! No text, however near a valid value, makes parsing panic, and an error
//! never repeats it.

use proptest::prelude::*;

use crate::check::check_all_types;
use crate::spec::spec;

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn any_text_is_read_without_panic(text in "\\PC*") {
        check_all_types(&text)?;
    }

    #[test]
    fn any_near_miss_is_read_without_panic(text in "[0-9T:+\\-Z. ]{0,40}") {
        check_all_types(&text)?;
    }

    #[test]
    fn any_structured_near_miss_is_read_without_panic(
        text in "[0-9]{0,5}(-[0-9]{0,3}(-[0-9]{0,3}([T ][0-9]{0,3}(:[0-9]{0,3}(:[0-9]{0,3}(\\.[0-9]{0,10})?)?)?)?)?)?([Z+\\-][0-9:]{0,6})?",
    ) {
        check_all_types(&text)?;
    }

    #[test]
    fn any_edit_of_a_valid_value_is_read_without_panic(
        spec in spec(),
        at in any::<prop::sample::Index>(),
        edit in 0..3u8,
        c in prop_oneof![Just(' '), Just('T'), Just('Z'), Just(':'), Just('-'), Just('+'),
                         Just('.'), Just('0'), Just('9'), Just('\u{ff16}'), any::<char>()],
    ) {
        let mut chars: Vec<char> = spec.text().chars().collect();
        let i = at.index(chars.len() + 1);
        match edit {
            0 => chars.insert(i, c),
            1 if i < chars.len() => { chars.remove(i); }
            _ if i < chars.len() => chars[i] = c,
            _ => chars.push(c),
        }
        let text: String = chars.into_iter().collect();
        check_all_types(&text)?;
    }
}
