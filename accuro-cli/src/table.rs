//! A readable table of an answer: a list (an array, or a page's `contents`)
//! as rows with a column per field, nested objects flattened one level
//! (`demographics.lastName`); one record as field and value.

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value};

/// Columns shown at most; the rest are left out (`--output json` has all).
const MAX_COLUMNS: usize = 12;
/// Characters shown at most in a cell.
const MAX_CELL: usize = 60;

/// The table of `value`.
pub fn render(value: &Value) -> String {
    match rows(value) {
        Some(rows) => list(&rows),
        None => match value {
            Value::Object(map) => record(map),
            other => cell(other),
        },
    }
}

/// The items of a list answer.
pub fn rows(value: &Value) -> Option<Vec<&Value>> {
    match value {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(map) => match map.get("contents") {
            Some(Value::Array(items)) => Some(items.iter().collect()),
            _ => None,
        },
        _ => None,
    }
}

/// The rows of a list, up to [`MAX_COLUMNS`] columns: the items' own ids
/// first, then names (`demographics.lastName`), then their other fields,
/// then their objects' fields, each in order of first appearance.
pub fn list(rows: &[&Value]) -> String {
    let flat: Vec<Vec<(String, &Value)>> = rows.iter().map(|r| flatten(r)).collect();
    let mut seen: Vec<String> = Vec::new();
    for row in &flat {
        for (key, _) in row {
            if !seen.contains(key) {
                seen.push(key.clone());
            }
        }
    }
    let mut columns: Vec<(u8, usize, String)> = seen
        .into_iter()
        .enumerate()
        .map(|(order, key)| (rank(&key), order, key))
        .collect();
    columns.sort();
    let columns: Vec<String> = columns
        .into_iter()
        .take(MAX_COLUMNS)
        .map(|(_, _, key)| key)
        .collect();
    let mut table = new_table();
    table.set_header(columns.iter().map(|c| cell(&Value::String(c.clone()))));
    for row in &flat {
        table.add_row(columns.iter().map(|c| {
            row.iter()
                .find(|(k, _)| k == c)
                .map_or_else(String::new, |(_, v)| cell(v))
        }));
    }
    table.to_string()
}

/// Where a column goes: the item's own id (`id`, or one word and `Id`:
/// `patientId`, not `enrolledProviderId`), names, other fields, fields of
/// objects.
fn rank(key: &str) -> u8 {
    let nested = key.contains('.');
    let last = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    let own_id = key == "id"
        || key
            .strip_suffix("Id")
            .is_some_and(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()));
    if !nested && own_id {
        0
    } else if last.contains("name") {
        1
    } else if !nested {
        2
    } else {
        3
    }
}

fn record(map: &Map<String, Value>) -> String {
    let mut table = new_table();
    table.set_header(["field", "value"]);
    for (key, value) in flatten(&Value::Object(map.clone())) {
        table.add_row([cell(&Value::String(key)), cell(value)]);
    }
    table.to_string()
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table
}

/// `(field path, value)` of an item: scalars and lists as they are, objects
/// one level down (deeper ones shown as `{…}`).
fn flatten(value: &Value) -> Vec<(String, &Value)> {
    let Value::Object(map) = value else {
        return vec![("value".to_owned(), value)];
    };
    let mut out = Vec::new();
    for (key, child) in map {
        match child {
            Value::Object(inner) if !inner.is_empty() => {
                for (sub, v) in inner {
                    out.push((format!("{key}.{sub}"), v));
                }
            }
            _ => out.push((key.clone(), child)),
        }
    }
    out
}

fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => format!("[{} items]", items.len()),
        Value::Object(_) => "{…}".to_owned(),
        other => other.to_string(),
    };
    // A value is shown, never obeyed: control characters (escape
    // sequences a server's data might carry, C1 controls) and bidi or
    // invisible format characters become visible marks.
    let text: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if accuro_client::is_unprintable(c) => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect();
    if text.chars().count() > MAX_CELL {
        let mut cut: String = text.chars().take(MAX_CELL - 1).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_is_a_table_of_its_contents() {
        let page = json!({"contents": [
            {"patientId": 1, "demographics": {"lastName": "Sample", "birthday": "1970-01-01"}},
            {"patientId": 2, "demographics": {"lastName": "Example"}, "flags": [1, 2]}
        ], "lastId": 2});
        let text = render(&page);
        assert!(text.contains("patientId"), "{text}");
        assert!(text.contains("demographics.lastName"), "{text}");
        assert!(text.contains("Example"), "{text}");
        assert!(text.contains("1, 2"), "{text}");
        assert!(!text.contains("lastId"), "{text}");
        let header = text.lines().nth(1).unwrap_or_default();
        let id = header.find("patientId").unwrap();
        let name = header.find("demographics.lastName").unwrap();
        let birthday = header.find("demographics.birthday").unwrap();
        assert!(id < name && name < birthday, "{header}");
    }

    #[test]
    fn one_record_is_field_and_value_and_long_cells_are_cut() {
        let long = "x".repeat(200);
        let text = render(&json!({"officeId": 3, "name": long}));
        assert!(text.contains("officeId"), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(!text.contains(&"x".repeat(61)), "{text}");
        assert_eq!(render(&json!(5002)), "5002");
        let hostile =
            render(&json!({"name": "Ab\u{1b}[31mRED\u{1b}]0;x\u{7}\nnext", "\u{1b}k": 1}));
        assert!(
            !hostile.contains('\u{1b}') && !hostile.contains('\u{7}'),
            "{hostile:?}"
        );
        assert!(hostile.contains("Ab\u{fffd}[31mRED"), "{hostile:?}");
        let hidden = render(&json!({"name": "a\u{202e}b\u{9b}c\u{85}d", "k\u{2066}": "\u{200f}"}));
        for c in ['\u{202e}', '\u{9b}', '\u{85}', '\u{2066}', '\u{200f}'] {
            assert!(!hidden.contains(c), "{c:?} in {hidden:?}");
        }
        assert!(
            hidden.contains("a\u{fffd}b\u{fffd}c\u{fffd}d"),
            "{hidden:?}"
        );
    }
}
