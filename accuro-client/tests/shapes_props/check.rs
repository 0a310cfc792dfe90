//! The checks the properties run on one text: read three ways without panic
//! and in agreement, or written back exactly.

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, ShapeError};
use proptest::prelude::*;
use serde::de::DeserializeOwned;

use crate::without_position;

/// Parses `text` as `T` three ways (`FromStr`, `TryFrom`, JSON); none may
/// panic, all agree, and an error for a text of four or more characters
/// does not contain it.
fn check_any_text<T>(text: &str) -> Result<(), TestCaseError>
where
    T: std::str::FromStr<Err = ShapeError>
        + for<'a> TryFrom<&'a str, Error = ShapeError>
        + DeserializeOwned
        + serde::Serialize
        + std::fmt::Display
        + PartialEq
        + std::fmt::Debug
        + Clone,
{
    let parsed = text.parse::<T>();
    prop_assert_eq!(&parsed, &T::try_from(text));
    let json = serde_json::Value::String(text.to_owned());
    let from_json = serde_json::from_value::<T>(json.clone());
    let from_json_text = serde_json::from_str::<T>(&json.to_string());
    match parsed {
        Ok(value) => {
            // Whatever reads writes back exactly.
            prop_assert_eq!(value.to_string(), text);
            prop_assert_eq!(from_json.ok(), Some(value.clone()));
            prop_assert_eq!(from_json_text.ok(), Some(value));
        }
        Err(err) => {
            let long = text.chars().count() >= 4;
            let message = err.to_string();
            prop_assert!(
                !long || !message.contains(text),
                "{:?} in {}",
                text,
                message
            );
            for m in [from_json.err(), from_json_text.err()] {
                let m = m.map(|e| e.to_string()).unwrap_or_default();
                let m = without_position(&m);
                prop_assert!(!m.is_empty(), "an error");
                prop_assert!(!long || !m.contains(text), "{:?} in {}", text, m);
            }
        }
    }
    Ok(())
}

pub(crate) fn check_all_types(text: &str) -> Result<(), TestCaseError> {
    check_any_text::<AccuroDateTime>(text)?;
    check_any_text::<AccuroDate>(text)?;
    check_any_text::<AccuroPartialDate>(text)
}

/// Reads `text` as `T` and writes it back, as text and through JSON.
pub(crate) fn round_trip<T>(text: &str) -> Result<T, TestCaseError>
where
    T: std::str::FromStr<Err = ShapeError>
        + DeserializeOwned
        + serde::Serialize
        + std::fmt::Display
        + PartialEq
        + std::fmt::Debug
        + Copy,
{
    let value: T = text
        .parse()
        .map_err(|e: ShapeError| TestCaseError::fail(format!("{text:?}: {e}")))?;
    prop_assert_eq!(value.to_string(), text);
    let json = serde_json::to_string(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        &json,
        &serde_json::Value::String(text.to_owned()).to_string()
    );
    let back: T = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(back, value);
    prop_assert_eq!(serde_json::to_string(&back).ok(), Some(json));
    Ok(value)
}
