//! What a partial date tells at each precision, and HHMM times.

use chrono::NaiveDate;

use crate::shapes::hhmm::HHMM;
use crate::shapes::{AccuroPartialDate, HhmmTime, Precision};

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
