//! Every form of a date-time, a partial date and a date reads and writes
//! back byte for byte, as text and through JSON.

use crate::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, Precision};

/// Forms of a date and a time of day.
const DATE_TIMES: &[&str] = &[
    "1959-02-16T00:00:00.000-0800",
    "2020-05-06T00:00:00.000",
    "2020-05-06T13:45-0700",
    "2024-02-14T18:00:18.490Z",
    "2020-05-06 13:45:00",
    "2020-05-06 13:45",
    "2020-05-06T13:45",
    "2020-05-06T13:45:07",
    "2020-05-06T13:45:07.1",
    "2020-05-06T13:45:07.12",
    "2020-05-06T13:45:07.123456",
    "2020-05-06T13:45:07.123456789",
    "2020-05-06T13:45:07.000000000",
    "2020-05-06T13:45:07.100",
    "2026-01-15T08:30:00-08:00",
    "2026-01-15T08:30:00+05",
    "2026-01-15T08:30:00-00",
    "2026-01-15T08:30:00Z",
    "2026-01-15T08:30:00+0000",
    "2026-01-15T08:30:00-0000",
    "2026-01-15T08:30:00+00:00",
    "2026-01-15T08:30:00-00:00",
    "2026-01-15T08:30:00+2359",
    "2026-01-15T08:30:00-23:59",
    "2026-01-15 08:30:00.5+0530",
    "0000-01-01T00:00",
    "9999-12-31T23:59:59.999999999+2359",
    "2024-02-29T12:00",
];

/// Forms of the variable-precision calendar.
const PARTIAL_DATES: &[&str] = &[
    "2019",
    "0000",
    "9999",
    "2019-03",
    "2019-03-06",
    "2019-03-06T13",
    "2019-03-06T13Z",
    "2019-03-06T13-0700",
    "2019-03-06T13+07:00",
    "2019-03-06T13-07",
    "2019-03-06 13",
    "2019-03-06T13:45",
    "2019-03-06T13:45Z",
    "2019-03-06 13:45-0000",
    "2019-03-06T13:45:10",
    "2019-03-06T13:45:10.2",
    "2019-03-06T13:45:10.250",
    "2019-03-06T13:45:10.123456789-0330",
];

fn json_round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) -> String {
    let json = serde_json::to_string(&serde_json::json!({ "d": text })).expect("json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let typed: T = serde_json::from_value(value["d"].clone()).expect("reads");
    let written = serde_json::to_value(&typed).expect("writes");
    written.as_str().expect("a string").to_owned()
}

#[test]
fn every_date_time_form_writes_back_exactly() {
    for text in DATE_TIMES {
        let t: AccuroDateTime = text.parse().expect(text);
        assert_eq!(t.to_string(), *text);
        assert_eq!(json_round_trip::<AccuroDateTime>(text), *text);
        // The partial date reads it too, with the same text, and converts back.
        let p: AccuroPartialDate = text.parse().expect(text);
        assert_eq!(p.to_string(), *text);
        assert_eq!(p.to_date_time(), Some(t));
        assert_eq!(AccuroPartialDate::from(t), p);
        // Every canonical form is canonical and keeps the value to the millisecond.
        let c = t.with_canonical_form();
        assert!(c.is_canonical_form(), "{c}");
        assert_eq!(c.offset(), t.offset());
        assert_eq!(c.local().date(), t.local().date());
        assert_eq!(c.with_canonical_form(), c);
        assert_eq!(c.to_string().parse::<AccuroDateTime>(), Ok(c));
    }
}

#[test]
fn every_partial_date_form_writes_back_exactly() {
    for text in PARTIAL_DATES {
        let p: AccuroPartialDate = text.parse().expect(text);
        assert_eq!(p.to_string(), *text);
        assert_eq!(json_round_trip::<AccuroPartialDate>(text), *text);
    }
}

#[test]
fn dates_are_day_only() {
    for text in ["2019-01-31", "0000-01-01", "9999-12-31", "2024-02-29"] {
        let d: AccuroDate = text.parse().expect(text);
        assert_eq!(d.to_string(), text);
        assert_eq!(json_round_trip::<AccuroDate>(text), text);
        let p = AccuroPartialDate::from(d);
        assert_eq!(
            (p.precision(), p.to_string()),
            (Precision::Day, text.to_owned())
        );
    }
    for text in [
        "2019-01-31T00:00:00.000",
        "2019-01-31T00:00:00.000-0800",
        "2019-01-31 00:00",
        "2019-01",
        "2019",
        "2023-02-29",
    ] {
        assert!(text.parse::<AccuroDate>().is_err(), "{text}");
    }
}

#[test]
fn date_times_need_minutes() {
    for text in [
        "2019-03-06",
        "2019-03-06T13",
        "2019-03-06T13Z",
        "2019",
        "2019-03",
    ] {
        assert!(text.parse::<AccuroDateTime>().is_err(), "{text}");
        assert!(text.parse::<AccuroPartialDate>().is_ok(), "{text}");
    }
}
