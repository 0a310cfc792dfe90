//! Accuro's own data shapes, swapped in by the generator for the spec's
//! `AccuroDateTime`, `AccuroDate`, `AccuroPartialDate` and `HhmmTime`
//! schemas.
//!
//! Each reads every form Accuro is known to send and writes back exactly the
//! text it read:
//!
//! - [`AccuroDateTime`], a date and a time of day with an optional offset,
//!   e.g. `1959-02-16T00:00:00.000-0800`, `2020-05-06T00:00:00.000`,
//!   `2020-05-06T13:45-0700`, `2024-02-14T18:00:18.490Z`,
//!   `2020-05-06 13:45:00`;
//! - [`AccuroDate`], a date alone: `2019-01-31`;
//! - [`AccuroPartialDate`], a variable-precision calendar value, `2019`,
//!   `2019-03`, `2019-03-06`, `2019-03-06T13Z`, `2019-03-06T13:45`, ...;
//! - [`HhmmTime`], an integer `HHMM` time of day, `1300`;
//! - [`LenientInt`], an integer QHR's file types as a string (`"1"`).
//!
//! Nothing is trimmed: text with anything around the value is not Accuro's
//! form. A malformed value is a [`ShapeError`], or a deserialization error,
//! whose message describes the expected form but never repeats the value (it
//! may be a birthday), not even when the value is not a string at all.

use serde::de::{Expected, Unexpected};

/// Why a value is not in one of Accuro's shapes. Holds no part of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not {expected}")]
pub struct ShapeError {
    expected: &'static str,
}

/// The message for a value whose year the four-digit form cannot write.
const UNWRITABLE: &str = "a year outside 0000 to 9999 cannot be written in Accuro's form";

/// Refuses a value of another type than the shape's, without the value in
/// the message (serde's default messages quote it: `integer `19590216``).
fn refuse_quietly<E: serde::de::Error>(kind: &'static str, expected: &dyn Expected) -> E {
    E::invalid_type(Unexpected::Other(kind), expected)
}

/// Visitor methods refusing the listed value types quietly.
macro_rules! refuse_other_types_quietly {
    ($ty:ty; $($kind:ident),* $(,)?) => {
        $( refuse_other_types_quietly!(@ $ty, $kind); )*
    };
    (@ $ty:ty, bool) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("boolean", &self))
        }
    };
    (@ $ty:ty, i64) => {
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("integer", &self))
        }
    };
    (@ $ty:ty, u64) => {
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("integer", &self))
        }
    };
    (@ $ty:ty, i128) => {
        fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("integer", &self))
        }
    };
    (@ $ty:ty, u128) => {
        fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("integer", &self))
        }
    };
    (@ $ty:ty, f64) => {
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("floating point number", &self))
        }
    };
    (@ $ty:ty, char) => {
        fn visit_char<E: serde::de::Error>(self, _: char) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("character", &self))
        }
    };
    (@ $ty:ty, bytes) => {
        fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<$ty, E> {
            Err($crate::shapes::refuse_quietly("bytes", &self))
        }
    };
}

/// `TryFrom` strings and serde for a shape written as a string.
///
/// Deserializing goes through `deserialize_any` so that a number or a
/// boolean in place of the string reaches the visitor, which refuses it
/// without repeating it (`deserialize_str` lets serde_json quote it).
macro_rules! string_shape {
    ($ty:ty, $expected:expr) => {
        impl TryFrom<&str> for $ty {
            type Error = $crate::shapes::ShapeError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl TryFrom<String> for $ty {
            type Error = $crate::shapes::ShapeError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl TryFrom<&String> for $ty {
            type Error = $crate::shapes::ShapeError;
            fn try_from(s: &String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl serde::Serialize for $ty {
            /// The value's text; an error for a year outside 0000 to 9999
            /// (only possible for a value built from `chrono`).
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if !self.is_writable() {
                    return Err(<S::Error as serde::ser::Error>::custom(
                        $crate::shapes::UNWRITABLE,
                    ));
                }
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expected)
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$ty, E> {
                        s.parse().map_err(|_| {
                            E::invalid_value(serde::de::Unexpected::Other("string"), &self)
                        })
                    }
                    refuse_other_types_quietly!($ty; bool, i64, u64, i128, u128, f64, char, bytes);
                }
                d.deserialize_any(V)
            }
        }
    };
}

mod date;
mod date_time;
mod form;
mod hhmm;
mod lenient_int;
mod partial_date;

pub use date::AccuroDate;
pub use date_time::AccuroDateTime;
use date_time::SecondsForm;
pub use hhmm::HhmmTime;
pub use lenient_int::LenientInt;
pub use partial_date::{AccuroPartialDate, Precision};

#[cfg(test)]
mod tests;
