//! Malformed values, and values that are not strings, are errors that never
//! repeat the value.

use serde::Deserialize;

use crate::shapes::date::DATE;
use crate::shapes::date_time::DATE_TIME;
use crate::shapes::partial_date::PARTIAL_DATE;
use crate::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime, ShapeError};

/// Malformed for every string shape.
const MALFORMED: &[&str] = &[
    "",
    "2019-13-01",
    "2019-00-01",
    "2019-02-30",
    "2019-02-00",
    "2019-02-16T24:00",
    "2019-02-16T23:60",
    "2019-02-16T23:59:60",
    "2019-02-16T00:00:00.000-2400",
    "2019-02-16T00:00:00.000+2360",
    "2019-02-16T00:00:00.000+1",
    "2019-02-16T00:00:00.000+123",
    "2019-02-16T00:00:00.000+12345",
    "2019-02-16T00:00:00.000+12:3",
    "2019-02-16T00:00:00.000z",
    "2019-02-16T00:00:00.000ZZ",
    "2019-02-16T00:00:00.000 Z",
    "2019-02-16T00:00:00.",
    "2019-02-16T00:00:00.1234567890",
    "2019-02-16T00:00:00,000",
    "2019-02-16T00:00:0",
    "2019-02-16T0:00",
    "2019-02-16T00:",
    "19-02-16",
    "2019-2-16",
    "2019-02-6",
    "02019-02-16",
    "+2019-02-16",
    "-2019-02-16",
    "2019-02-16T",
    "2019-02-16Tx",
    "2019-02-16t00:00",
    "2019-02-16  00:00",
    "2019-02-16T00:00Z+0100",
    "2019-02-1\u{ff16}",
    "2019-02-16T00:00:00.000-08\u{ff10}0",
    "\u{e9}2019-02-16",
    " 2019-02-16",
    "2019-02-16 ",
    "\t2019-02-16",
    "2019-02-16\n",
    "2019-02-16-0800",
    "2019-02Z",
    "2019Z",
    "2019-",
    "2019-02-",
    "2019/02/16",
    "16/02/2019",
];

#[derive(Debug, Deserialize)]
struct Wrapped<T> {
    #[allow(dead_code)]
    d: T,
}

#[test]
fn malformed_values_are_errors_without_the_value() {
    fn check<T>(text: &str, expected: &str)
    where
        T: std::str::FromStr<Err = ShapeError> + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let err = text.parse::<T>().expect_err(text);
        let message = err.to_string();
        assert_eq!(message, format!("not {expected}"));
        let json = serde_json::json!({ "d": text }).to_string();
        let serde_message = serde_json::from_str::<Wrapped<T>>(&json)
            .expect_err(text)
            .to_string();
        // serde_json adds the position (` at line 1 column 23`), not the value.
        let serde_message = serde_message
            .rsplit_once(" at line ")
            .map_or(serde_message.as_str(), |(m, _)| m)
            .to_owned();
        assert_eq!(
            serde_message,
            format!("invalid value: string, expected {expected}")
        );
        for m in [&message, &serde_message] {
            if !text.trim().is_empty() {
                assert!(!m.contains(text), "{text:?} in {m}");
                assert!(!m.contains(text.trim()), "{text:?} in {m}");
            }
            // Not even the digits.
            for run in text.split(|c: char| !c.is_ascii_digit()) {
                assert!(
                    run.len() < 2 || !m.contains(run),
                    "{run} of {text:?} in {m}"
                );
            }
        }
    }
    for text in MALFORMED {
        check::<AccuroDateTime>(text, DATE_TIME);
        check::<AccuroDate>(text, DATE);
        check::<AccuroPartialDate>(text, PARTIAL_DATE);
    }
}

#[test]
fn messages_cannot_contain_a_value() {
    for message in [DATE_TIME, DATE, PARTIAL_DATE] {
        assert!(!message.contains(|c: char| c.is_ascii_digit()), "{message}");
        // No four characters in a row that a near-miss value could be made of.
        let near = |c: char| "0123456789TZ:+-. ".contains(c);
        let mut run = 0;
        for c in message.chars() {
            run = if near(c) { run + 1 } else { 0 };
            assert!(run < 4, "{message}");
        }
    }
}

#[test]
fn non_strings_are_refused_without_the_value() {
    fn check<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str, value: &str) {
        let m = serde_json::from_str::<Wrapped<T>>(json)
            .expect_err(json)
            .to_string();
        assert!(!m.contains(value), "{value} in {m}");
        let m = serde_json::from_value::<Wrapped<T>>(serde_json::from_str(json).expect("json"))
            .expect_err(json)
            .to_string();
        assert!(!m.contains(value), "{value} in {m}");
    }
    for (json, value) in [
        (r#"{"d": 19590216}"#, "19590216"),
        (r#"{"d": -19590216}"#, "19590216"),
        (r#"{"d": 18446744073709551615}"#, "18446744073709551615"),
        (r#"{"d": 1959.0216}"#, "1959"),
        (r#"{"d": true}"#, "true"),
        (r#"{"d": false}"#, "false"),
        (r#"{"d": [1959, 2, 16]}"#, "1959"),
        (r#"{"d": {"y": 1959}}"#, "1959"),
    ] {
        check::<AccuroDateTime>(json, value);
        check::<AccuroDate>(json, value);
        check::<AccuroPartialDate>(json, value);
        let m = serde_json::from_str::<Wrapped<AccuroDateTime>>(json)
            .expect_err(json)
            .to_string();
        assert!(m.starts_with("invalid type: "), "{m}");
    }
    for (json, value) in [
        (r#"{"d": 13.5}"#, "13.5"),
        (r#"{"d": true}"#, "true"),
        (r#"{"d": 19590216}"#, "19590216"),
    ] {
        check::<HhmmTime>(json, value);
    }
    // serde_json's own message for `deserialize_str` would have quoted it.
    let m = serde_json::from_str::<Wrapped<AccuroDate>>(r#"{"d": 19590216}"#)
        .expect_err("integer")
        .to_string();
    assert!(
        m.starts_with("invalid type: integer, expected a date"),
        "{m}"
    );
}
