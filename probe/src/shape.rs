//! What a value is, never what it says: the report's "actual" side.
//!
//! A string is described by kind only (`string`, `string of digits`,
//! `empty string`); one that looks like a date is shown as its form with
//! every digit written `9` (`9999-99-99T99:99:99.999-9999`), which is what a
//! date finding needs and tells nothing of the date.

use serde_json::Value;

/// The shape of `value`: its JSON type, and for strings their kind or date form.
pub fn shape(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer".into(),
        Value::Number(_) => "number with a fraction".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::String(s) => string_shape(s),
    }
}

fn string_shape(s: &str) -> String {
    if s.is_empty() {
        return "empty string".into();
    }
    let bytes = s.as_bytes();
    let date_like = bytes.len() <= 40
        && bytes.len() >= 4
        && bytes.iter().take(4).all(u8::is_ascii_digit)
        && (bytes.len() == 4 || bytes.get(4) == Some(&b'-'))
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || b"-:T .Z+".contains(b));
    if date_like {
        let form: String = s
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        return format!("string of the form `{form}`");
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        return "string of digits".into();
    }
    "string".into()
}

/// Whether `name` reads as a field name of Accuro's JSON (Java fields in
/// lower camel case: a lower-case letter, then letters, digits and `_`; at
/// most 64 characters), and so may be shown. A capitalised word (a name),
/// digits (an id), spaces or punctuation are withheld: they may be values.
pub fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn shapes_never_show_a_value() {
        assert_eq!(shape(&json!("Jane")), "string");
        assert_eq!(shape(&json!("9876543210")), "string of digits");
        assert_eq!(
            shape(&json!("1959-02-16T00:00:00.000-0800")),
            "string of the form `9999-99-99T99:99:99.999-9999`"
        );
        assert_eq!(shape(&json!(1.5)), "number with a fraction");
        assert_eq!(shape(&json!(3)), "integer");
        assert_eq!(shape(&json!(null)), "null");
    }

    #[test]
    fn field_names() {
        assert!(is_field_name("middleName") && is_field_name("x_1"));
        for withheld in [
            "Jane Sample",
            "Smith",
            "HIVPositive",
            "123",
            "",
            "a-b",
            "_x",
        ] {
            assert!(!is_field_name(withheld), "{withheld}");
        }
    }
}
