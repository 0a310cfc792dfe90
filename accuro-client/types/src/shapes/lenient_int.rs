use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const LENIENT_INT: &str = "an integer, as a number or as a string of digits";

/// An integer the server writes as a JSON number where QHR's OpenAPI file
/// types it as a string (a phone's `order`, `"1"` in the file's example).
/// Reads either `1` or `"1"`; writes the number.
///
/// ```
/// use accuro_types::shapes::LenientInt;
/// let a: LenientInt = serde_json::from_str("2").unwrap();
/// let b: LenientInt = serde_json::from_str("\"2\"").unwrap();
/// assert_eq!((a.get(), b.get()), (2, 2));
/// assert_eq!(serde_json::to_string(&b).unwrap(), "2");
/// assert!(serde_json::from_str::<LenientInt>("\"two\"").is_err());
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LenientInt(i32);

impl LenientInt {
    /// The value.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl From<i32> for LenientInt {
    fn from(v: i32) -> Self {
        Self(v)
    }
}

impl From<LenientInt> for i32 {
    fn from(v: LenientInt) -> Self {
        v.0
    }
}

impl std::str::FromStr for LenientInt {
    type Err = std::num::ParseIntError;

    /// A decimal integer (surrounding blanks ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Self)
    }
}

impl fmt::Display for LenientInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for LenientInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for LenientInt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.0)
    }
}

impl<'de> Deserialize<'de> for LenientInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = LenientInt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(LENIENT_INT)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<LenientInt, E> {
                i32::try_from(v).map(LenientInt).map_err(|_| {
                    E::invalid_value(serde::de::Unexpected::Other("integer out of range"), &self)
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LenientInt, E> {
                i32::try_from(v).map(LenientInt).map_err(|_| {
                    E::invalid_value(serde::de::Unexpected::Other("integer out of range"), &self)
                })
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<LenientInt, E> {
                // Digits only, with an optional sign: no blanks, no fraction.
                s.parse::<i32>()
                    .map(LenientInt)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Other("string"), &self))
            }
            refuse_other_types_quietly!(LenientInt; bool, i128, u128, f64, char, bytes);
        }
        d.deserialize_any(V)
    }
}
