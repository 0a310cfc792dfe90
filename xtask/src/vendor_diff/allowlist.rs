//! The allowlist, `spec/vendor-differences.yaml`: the differences from the
//! vendor file that are intended, each with its reason.
//!
//! ```yaml
//! differences:
//!   - kind: parameter-vendor-only      # required: one of the kinds
//!     location: "*"                    # optional, `*` matches any run of characters
//!     detail: header authorization     # optional, same wildcards
//!     reason: The bearer token; the client adds it.   # required, not empty
//!   - kind: format
//!     ours: int64                      # optional value rule: our value, exactly
//!     vendor: int32                    # (or with `*` wildcards)
//!     reason: Ids are 64-bit on our side.
//! ```
//!
//! A missing `location`, `detail`, `ours` or `vendor` matches anything; a
//! difference matches an entry when every field given matches.

use serde_json::Value;

use super::load::parse_document;
use super::model::{Difference, Kind};

/// The keys an entry may have.
const ENTRY_KEYS: [&str; 6] = ["kind", "location", "detail", "ours", "vendor", "reason"];

/// One intended difference (or family of differences, with wildcards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The kind of difference it explains.
    pub kind: Kind,
    /// Pattern for the location; `None` matches any.
    pub location: Option<String>,
    /// Pattern for the detail; `None` matches any.
    pub detail: Option<String>,
    /// Pattern for our value; `None` matches any.
    pub ours: Option<String>,
    /// Pattern for the vendor's value; `None` matches any.
    pub vendor: Option<String>,
    /// Why the difference is intended.
    pub reason: String,
}

impl Entry {
    /// Whether this entry explains `difference`.
    pub fn matches(&self, difference: &Difference) -> bool {
        let field = |pattern: &Option<String>, text: Option<&str>| match (pattern, text) {
            (None, _) => true,
            (Some(p), Some(t)) => glob(p, t),
            (Some(_), None) => false,
        };
        self.kind == difference.kind
            && field(&self.location, Some(&difference.location))
            && field(&self.detail, Some(&difference.detail))
            && field(&self.ours, difference.ours.as_deref())
            && field(&self.vendor, difference.vendor.as_deref())
    }

    /// The entry in one line, for reports: `format ours=int64 vendor=int32`.
    pub fn summary(&self) -> String {
        let mut text = self.kind.to_string();
        let fields = [
            ("location", &self.location),
            ("detail", &self.detail),
            ("ours", &self.ours),
            ("vendor", &self.vendor),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                text.push_str(&format!(" {name}={value:?}"));
            }
        }
        text
    }
}

/// The entries of an allowlist file, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Allowlist {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Allowlist {
    /// Reads an allowlist from YAML text.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        let value = parse_document(text, false).map_err(|e| format!("not YAML: {e}"))?;
        Self::from_value(&value)
    }

    /// Reads an allowlist from its parsed document: a map with a `differences`
    /// list (an empty document is an empty allowlist). Every faulty entry is
    /// reported, by its index: `differences[2]: `reason` is missing`.
    pub fn from_value(doc: &Value) -> Result<Self, String> {
        let list = match doc {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => {
                if let Some(key) = map.keys().find(|k| *k != "differences") {
                    return Err(format!(
                        "unknown top-level key `{key}` (expected `differences`)"
                    ));
                }
                match map.get("differences") {
                    None | Some(Value::Null) => return Ok(Self::default()),
                    Some(Value::Array(list)) => list,
                    Some(_) => return Err("`differences` is not a list".into()),
                }
            }
            _ => return Err("the top level is not a map with a `differences` list".into()),
        };
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (index, item) in list.iter().enumerate() {
            match entry(item) {
                Ok(e) => entries.push(e),
                Err(error) => errors.push(format!("differences[{index}]: {error}")),
            }
        }
        if errors.is_empty() {
            Ok(Self { entries })
        } else {
            Err(errors.join("\n"))
        }
    }

    /// For each difference, the index of the first entry that explains it.
    pub fn explain(&self, differences: &[Difference]) -> Vec<Option<usize>> {
        differences
            .iter()
            .map(|d| self.entries.iter().position(|e| e.matches(d)))
            .collect()
    }

    /// The indexes of the entries that match none of `differences`.
    pub fn unused(&self, differences: &[Difference]) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| !differences.iter().any(|d| self.entries[i].matches(d)))
            .collect()
    }
}

/// One entry, checked.
fn entry(item: &Value) -> Result<Entry, String> {
    let map = item.as_object().ok_or("not a map")?;
    if let Some(key) = map.keys().find(|k| !ENTRY_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown key `{key}` (expected {})",
            ENTRY_KEYS.join(", ")
        ));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
            Some(_) => Err(format!("`{key}` is not a string")),
        }
    };
    let kind_name = text("kind")?.ok_or("`kind` is missing")?;
    let kind = Kind::parse(&kind_name).ok_or_else(|| {
        let known: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind `{kind_name}` (known: {})", known.join(", "))
    })?;
    let reason = text("reason")?
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| format!("`reason` is missing or empty (kind {kind_name})"))?;
    Ok(Entry {
        kind,
        location: text("location")?,
        detail: text("detail")?,
        ours: text("ours")?,
        vendor: text("vendor")?,
        reason,
    })
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// (also none) and every other character only itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // The last `*` seen, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_runs_of_characters() {
        assert!(glob("*", ""));
        assert!(glob("*", "GET /v1/offices"));
        assert!(glob("GET /v1/*", "GET /v1/offices"));
        assert!(glob("*offices", "GET /v1/offices"));
        assert!(glob("Office~*.fax", "Office~OfficeDto.fax"));
        assert!(glob("a*b*c", "aXXbYYbc"));
        assert!(glob("header authorization", "header authorization"));
        assert!(!glob("header authorization", "header Authorization"));
        assert!(!glob("GET /v1/*", "POST /v1/offices"));
        assert!(!glob("a*b", "a"));
        assert!(!glob("", "a"));
        assert!(glob("ü*", "über"));
    }
}
