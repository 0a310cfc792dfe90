//! A JSON member's name as the generated records' `Deserialize` reads it
//! (see `accuro-gen`'s compact `Deserialize`): borrowed from the input when
//! the input allows, as serde's own derive does, so that matching a member
//! allocates nothing; owned only when the name had to be unescaped.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The name of one member of a JSON object.
pub(crate) struct MemberName<'de>(Cow<'de, str>);

impl MemberName<'_> {
    /// The name.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (an unknown member kept in `UnknownMembers`).
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for MemberName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Name)
    }
}

struct Name;

impl<'de> Visitor<'de> for Name {
    type Value = MemberName<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
        Ok(MemberName(Cow::Borrowed(name)))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(MemberName(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Self::Value, E> {
        Ok(MemberName(Cow::Owned(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_when_it_can_be_owned_when_unescaped() {
        let plain: MemberName<'_> = serde_json::from_str("\"lastName\"").unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("lastName")));
        let escaped: MemberName<'_> = serde_json::from_str("\"last\\u004eame\"").unwrap();
        assert!(matches!(&escaped.0, Cow::Owned(s) if s == "lastName"));
        assert_eq!(escaped.into_string(), "lastName");
        let from_value: MemberName<'_> =
            MemberName::deserialize(serde_json::Value::String("x".into())).unwrap();
        assert_eq!(from_value.as_str(), "x");
        assert!(serde_json::from_str::<MemberName<'_>>("1").is_err());
    }
}
