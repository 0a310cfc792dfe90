//! Every form Accuro writes reads and writes back byte for byte; malformed
//! values are errors that never repeat the value.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use serde::Deserialize;

use super::date::DATE;
use super::date_time::DATE_TIME;
use super::hhmm::HHMM;
use super::partial_date::PARTIAL_DATE;
use super::*;

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

fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").expect(text)
}

#[test]
fn values_from_chrono_use_the_canonical_form() {
    let offset = FixedOffset::west_opt(8 * 3600).expect("offset");
    let t = AccuroDateTime::new(naive("1959-02-16T00:00:00"), Some(offset));
    assert_eq!(t.to_string(), "1959-02-16T00:00:00.000-0800");
    assert!(t.is_canonical_form());
    assert_eq!(t, "1959-02-16T00:00:00.000-0800".parse().expect("parse"));
    let t = AccuroDateTime::from(naive("2020-05-06T13:45:00.123456789"));
    assert_eq!(
        t.to_string(),
        "2020-05-06T13:45:00.123",
        "cut to milliseconds"
    );
    assert_eq!(t.local().nanosecond(), 123_000_000);
    let utc = DateTime::parse_from_rfc3339("2024-02-14T18:00:18.490Z").expect("rfc 3339");
    assert_eq!(
        AccuroDateTime::from(utc).to_string(),
        "2024-02-14T18:00:18.490+0000"
    );
    // A leap second stays in its minute.
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
        .expect("leap second");
    assert_eq!(
        AccuroDateTime::from(leap).to_string(),
        "2016-12-31T23:59:59.999"
    );
    // An offset's seconds are dropped, the instant kept.
    let odd = FixedOffset::east_opt(-(5 * 3600 + 17 * 60 + 30)).expect("offset");
    let at = naive("2020-01-01T12:00:00")
        .and_local_timezone(odd)
        .single()
        .expect("instant");
    let t = AccuroDateTime::from(at);
    assert_eq!(t.to_string(), "2020-01-01T12:00:30.000-0517");
    assert_eq!(t.to_datetime(), Some(at));
    // A year the form cannot hold is written as chrono does, and not serialized.
    let far = AccuroDateTime::from(naive("+10000-01-01T00:00:00"));
    assert_eq!(far.to_string(), "+10000-01-01T00:00:00.000");
    assert!(serde_json::to_string(&far).is_err());
    let far = AccuroDate::from(NaiveDate::from_ymd_opt(-1, 1, 1).expect("date"));
    assert_eq!(far.to_string(), "-0001-01-01");
    assert!(serde_json::to_string(&far).is_err());
    assert!(serde_json::to_string(&AccuroPartialDate::from(far.date())).is_err());
}

#[test]
fn canonical_forms_and_equality() {
    for (text, canonical) in [
        ("2020-05-06T13:45-0700", "2020-05-06T13:45:00.000-0700"),
        ("2020-05-06 13:45:00", "2020-05-06T13:45:00.000"),
        ("2024-02-14T18:00:18.490Z", "2024-02-14T18:00:18.490+0000"),
        (
            "2024-02-14T18:00:18.49-0000",
            "2024-02-14T18:00:18.490+0000",
        ),
        (
            "2024-02-14T18:00:18.123456+05:30",
            "2024-02-14T18:00:18.123+0530",
        ),
        ("2024-02-14T18:00:18-03", "2024-02-14T18:00:18.000-0300"),
        (
            "1959-02-16T00:00:00.000-0800",
            "1959-02-16T00:00:00.000-0800",
        ),
    ] {
        let t: AccuroDateTime = text.parse().expect(text);
        assert_eq!(t.with_canonical_form().to_string(), canonical, "{text}");
        assert_eq!(t.is_canonical_form(), text == canonical, "{text}");
    }
    let forms = [
        "2024-02-14T18:00Z",
        "2024-02-14T18:00:00+0000",
        "2024-02-14 18:00:00.000-00:00",
        "2024-02-14T18:00:00.000000+00",
    ];
    for a in forms {
        for b in forms {
            let (ta, tb): (AccuroDateTime, AccuroDateTime) =
                (a.parse().expect(a), b.parse().expect(b));
            assert!(ta.eq_ignoring_form(&tb), "{a} {b}");
            assert_eq!(ta == tb, a == b, "structural: {a} {b}");
            assert_eq!(ta.to_datetime(), tb.to_datetime());
        }
    }
    let naive: AccuroDateTime = "2024-02-14T18:00".parse().expect("naive");
    let utc: AccuroDateTime = "2024-02-14T18:00Z".parse().expect("utc");
    assert!(!naive.eq_ignoring_form(&utc));
    // The same instant at another offset is another value.
    let east: AccuroDateTime = "2024-02-14T19:00+0100".parse().expect("east");
    assert!(!east.eq_ignoring_form(&utc));
    assert_eq!(east.to_datetime(), utc.to_datetime());
}

#[test]
fn offsets_read_as_written() {
    for (text, secs) in [
        ("2020-05-06T13:45Z", Some(0)),
        ("2020-05-06T13:45-0000", Some(0)),
        ("2020-05-06T13:45+0530", Some(19_800)),
        ("2020-05-06T13:45-03:30", Some(-12_600)),
        ("2020-05-06T13:45-07", Some(-25_200)),
        ("2020-05-06T13:45-2359", Some(-86_340)),
        ("2020-05-06T13:45", None),
    ] {
        let t: AccuroDateTime = text.parse().expect(text);
        assert_eq!(t.offset().map(|o| o.local_minus_utc()), secs, "{text}");
        assert_eq!(t.to_datetime().is_some(), secs.is_some());
        assert_eq!(t.date(), NaiveDate::from_ymd_opt(2020, 5, 6).expect("date"));
        assert_eq!(t.local(), naive("2020-05-06T13:45:00"));
    }
}

#[test]
fn partial_dates_expose_what_they_know() {
    let p: AccuroPartialDate = "2019".parse().expect("year");
    assert_eq!(
        (
            p.precision(),
            p.year(),
            p.month(),
            p.day(),
            p.hour(),
            p.offset()
        ),
        (Precision::Year, 2019, None, None, None, None)
    );
    assert_eq!((p.to_date(), p.to_date_time()), (None, None));
    assert_eq!(AccuroPartialDate::from_year(2019), Some(p));
    let p: AccuroPartialDate = "2019-03".parse().expect("month");
    assert_eq!(
        (p.precision(), p.month(), p.day()),
        (Precision::Month, Some(3), None)
    );
    assert_eq!(AccuroPartialDate::from_year_month(2019, 3), Some(p));
    assert_eq!(AccuroPartialDate::from_year_month(2019, 13), None);
    assert_eq!(AccuroPartialDate::from_year(10_000), None);
    let p: AccuroPartialDate = "2019-03-06".parse().expect("day");
    assert_eq!(p.to_date(), NaiveDate::from_ymd_opt(2019, 3, 6));
    assert_eq!(p.to_date_time(), None);
    assert_eq!(
        p,
        AccuroPartialDate::from(NaiveDate::from_ymd_opt(2019, 3, 6).expect("d"))
    );
    let p: AccuroPartialDate = "2019-03-06T13-0700".parse().expect("hour");
    assert_eq!(
        (p.precision(), p.hour(), p.minute()),
        (Precision::Hour, Some(13), None)
    );
    assert_eq!(p.offset().map(|o| o.local_minus_utc()), Some(-25_200));
    assert_eq!(p.to_date_time(), None);
    let p: AccuroPartialDate = "2019-03-06 13:45:10.25Z".parse().expect("fraction");
    assert_eq!(
        (
            p.precision(),
            p.minute(),
            p.second(),
            p.nanosecond(),
            p.fraction_digits()
        ),
        (
            Precision::Fraction,
            Some(45),
            Some(10),
            Some(250_000_000),
            Some(2)
        )
    );
    let t = p.to_date_time().expect("date-time");
    assert_eq!(t.to_string(), "2019-03-06 13:45:10.25Z");
    assert!(Precision::Year < Precision::Fraction);
    // Different forms of one moment are different partial dates.
    assert_ne!(
        "2019-03-06T13Z".parse::<AccuroPartialDate>(),
        "2019-03-06T13+0000".parse::<AccuroPartialDate>()
    );
}

#[test]
fn hhmm_times_are_unchanged() {
    let t = HhmmTime::try_from(905).expect("time");
    assert_eq!((t.hour(), t.minute(), t.as_hhmm()), (9, 5, 905));
    assert_eq!(serde_json::to_string(&t).expect("json"), "905");
    let t: HhmmTime = serde_json::from_str("\"1300\"").expect("string");
    assert_eq!(t.as_hhmm(), 1300);
    for bad in [-1, 60, 1375, 2400, i64::MAX, i64::MIN] {
        let err = HhmmTime::try_from(bad).expect_err("bad");
        assert_eq!(err.to_string(), format!("not {HHMM}"));
    }
}
