//! [`UnknownMembers`]: the members of a record the spec does not know, kept
//! so that a record read and sent back is written back whole.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// How many member names `Debug` prints before it counts the rest.
const NAMES_SHOWN: usize = 32;
/// The longest part of a name `Debug` prints (names come from the server).
const NAME_CHARS: usize = 64;

/// The JSON members of a record that the spec does not know (a newer
/// Accuro's, most likely), kept as they came and written back unchanged
/// when the record is sent. Every generated type that is both read in an
/// answer and sent in a request body has one, `extra` (`Patient`,
/// `Appointment`, `Provider`, ...): `get_patient` then `replace_patient`
/// with the same value clears nothing the spec has not caught up with.
///
/// The values may be health data: `Debug` prints the member **names**
/// only (made printable, at most 32), never a value. See what was kept
/// with [`names`](Self::names).
///
/// ```
/// # fn run(patient: accuro_types::types::Patient) {
/// if !patient.extra.is_empty() {
///     // Names only: safe to log.
///     eprintln!("Accuro sent members the spec does not know: {:?}", patient.extra);
/// }
/// # }
/// ```
///
/// Unknown numbers are kept as `serde_json` keeps them (an integer beyond
/// 64 bits as a float), and written after the known members. Do not
/// [`insert`](Self::insert) a member the type knows (`firstName`): it would
/// be written twice, and the server would take the last.
#[derive(Clone, Default)]
pub struct UnknownMembers(Option<Box<Map<String, Value>>>);

impl PartialEq for UnknownMembers {
    /// Equal when they keep the same members (none kept is none kept,
    /// however it came about).
    fn eq(&self, other: &Self) -> bool {
        match (self.0.as_deref(), other.0.as_deref()) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl UnknownMembers {
    /// Whether no member was kept.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    /// How many members were kept.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    /// The names of the members kept, sorted (their values are not shown).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|m| m.keys().map(String::as_str))
    }

    /// The value of member `name`, if it was kept.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.as_ref()?.get(name)
    }

    /// Sets member `name`, returning its former value.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.0
            .get_or_insert_with(Box::default)
            .insert(name.into(), value)
    }

    /// Removes member `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.as_mut()?.remove(name)
    }
}

impl fmt::Debug for UnknownMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for name in self.names().take(NAMES_SHOWN) {
            let name: String = name.chars().take(NAME_CHARS).collect();
            list.entry(&crate::printable(&name));
        }
        if let Some(more) = self.len().checked_sub(NAMES_SHOWN).filter(|n| *n > 0) {
            list.entry(&format_args!("... {more} more"));
        }
        list.finish()
    }
}

impl UnknownMembers {
    /// Writes the members into the map of the record that holds them (the
    /// generated records' `Serialize`: the members sit beside the known
    /// ones, as `#[serde(flatten)]` writes them).
    #[allow(
        dead_code,
        reason = "used by the generated records written back whole, of the areas built"
    )]
    pub(crate) fn serialize_into<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        for (name, value) in self.0.iter().flat_map(|m| m.iter()) {
            map.serialize_entry(name, value)?;
        }
        Ok(())
    }
}

impl Serialize for UnknownMembers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.0.iter().flat_map(|m| m.iter()) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for UnknownMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = UnknownMembers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the members of an object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<UnknownMembers, A::Error> {
                let mut kept = UnknownMembers::default();
                while let Some((name, value)) = access.next_entry::<String, Value>()? {
                    kept.insert(name, value);
                }
                Ok(kept)
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::UnknownMembers;

    #[test]
    fn kept_members_go_back_unchanged_and_debug_prints_names_only() {
        let kept: UnknownMembers =
            serde_json::from_str(r#"{"newCard":{"phn":"9000000001"},"flag\u001b":true}"#)
                .unwrap_or_default();
        assert_eq!(kept.len(), 2);
        assert_eq!(
            serde_json::to_value(&kept).ok(),
            Some(serde_json::json!({"newCard":{"phn":"9000000001"},"flag\u{1b}":true}))
        );
        let printed = format!("{kept:?} {kept:#?}");
        assert!(printed.contains("newCard"), "{printed}");
        assert!(
            !printed.contains("9000000001") && !printed.contains('\u{1b}'),
            "{printed}"
        );
        let mut many = UnknownMembers::default();
        for n in 0..40 {
            many.insert(format!("m{n}"), serde_json::Value::Null);
        }
        assert!(format!("{many:?}").ends_with(", ... 8 more]"), "{many:?}");
        assert_eq!(format!("{:?}", UnknownMembers::default()), "[]");
        let mut emptied = UnknownMembers::default();
        emptied.insert("a", serde_json::Value::Null);
        emptied.remove("a");
        assert_eq!(emptied, UnknownMembers::default());
        let mut long = UnknownMembers::default();
        long.insert("n".repeat(500), serde_json::Value::Null);
        assert_eq!(format!("{long:?}").len(), 64 + 4);
    }
}
