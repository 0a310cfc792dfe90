//! Values made from chrono's types take the canonical form; canonical forms,
//! equality, and offsets as written.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike};

use crate::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate};

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
