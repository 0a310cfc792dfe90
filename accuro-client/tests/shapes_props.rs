//! Properties of Accuro's data shapes: no input makes parsing panic, an error
//! never repeats the input, and every valid value, in any of its forms,
//! writes back byte for byte (as text and through JSON).

use accuro_client::shapes::{
    AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime, Precision, ShapeError,
};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use proptest::prelude::*;
use serde::de::DeserializeOwned;

/// 512 cases a property (a few seconds in all in a debug build), unless
/// `PROPTEST_CASES` says otherwise; failures are not written to files.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 512;
    }
    config
}

/// The message without serde_json's position suffix (` at line 1 column 9`).
fn without_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
}

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

fn check_all_types(text: &str) -> Result<(), TestCaseError> {
    check_any_text::<AccuroDateTime>(text)?;
    check_any_text::<AccuroDate>(text)?;
    check_any_text::<AccuroPartialDate>(text)
}

/// A valid value of the variable-precision calendar, described field by
/// field; [`Spec::text`] writes it without the library.
#[derive(Debug, Clone)]
struct Spec {
    year: i32,
    month: u32,
    day: u32,
    precision: Precision,
    space: bool,
    hour: u32,
    minute: u32,
    second: u32,
    /// Digit count (1 to 9) and the digits' value.
    fraction: (u8, u32),
    offset: Option<OffsetSpec>,
}

#[derive(Debug, Clone)]
enum OffsetSpec {
    Z,
    Hours(bool, u32),
    Basic(bool, u32, u32),
    Extended(bool, u32, u32),
}

impl OffsetSpec {
    fn text(&self) -> String {
        let sign = |negative: bool| if negative { '-' } else { '+' };
        match *self {
            Self::Z => "Z".to_owned(),
            Self::Hours(n, h) => format!("{}{h:02}", sign(n)),
            Self::Basic(n, h, m) => format!("{}{h:02}{m:02}", sign(n)),
            Self::Extended(n, h, m) => format!("{}{h:02}:{m:02}", sign(n)),
        }
    }

    fn seconds(&self) -> i32 {
        let signed = |n: bool, h: u32, m: u32| {
            let s = i32::try_from(h * 3600 + m * 60).unwrap_or(i32::MAX);
            if n { -s } else { s }
        };
        match *self {
            Self::Z => 0,
            Self::Hours(n, h) => signed(n, h, 0),
            Self::Basic(n, h, m) | Self::Extended(n, h, m) => signed(n, h, m),
        }
    }
}

impl Spec {
    fn text(&self) -> String {
        let p = self.precision;
        let mut s = format!("{:04}", self.year);
        if p >= Precision::Month {
            s += &format!("-{:02}", self.month);
        }
        if p >= Precision::Day {
            s += &format!("-{:02}", self.day);
        }
        if p >= Precision::Hour {
            s += &format!("{}{:02}", if self.space { ' ' } else { 'T' }, self.hour);
        }
        if p >= Precision::Minute {
            s += &format!(":{:02}", self.minute);
        }
        if p >= Precision::Second {
            s += &format!(":{:02}", self.second);
        }
        if p == Precision::Fraction {
            let (digits, value) = self.fraction;
            s += &format!(".{value:0width$}", width = usize::from(digits));
        }
        if let Some(offset) = &self.offset {
            s += &offset.text();
        }
        s
    }

    fn nanosecond(&self) -> u32 {
        let (digits, value) = self.fraction;
        value * 10u32.pow(9 - u32::from(digits))
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(28)
}

fn precision() -> impl Strategy<Value = Precision> {
    prop_oneof![
        Just(Precision::Year),
        Just(Precision::Month),
        Just(Precision::Day),
        Just(Precision::Hour),
        Just(Precision::Minute),
        Just(Precision::Second),
        Just(Precision::Fraction),
    ]
}

fn offset() -> impl Strategy<Value = Option<OffsetSpec>> {
    prop_oneof![
        Just(None),
        Just(Some(OffsetSpec::Z)),
        (any::<bool>(), 0..24u32).prop_map(|(n, h)| Some(OffsetSpec::Hours(n, h))),
        (any::<bool>(), 0..24u32, 0..60u32).prop_map(|(n, h, m)| Some(OffsetSpec::Basic(n, h, m))),
        (any::<bool>(), 0..24u32, 0..60u32)
            .prop_map(|(n, h, m)| Some(OffsetSpec::Extended(n, h, m))),
    ]
}

fn fraction() -> impl Strategy<Value = (u8, u32)> {
    (1..=9u8).prop_flat_map(|digits| (Just(digits), 0..10u32.pow(u32::from(digits))))
}

fn spec_with(precision: impl Strategy<Value = Precision>) -> impl Strategy<Value = Spec> {
    let date = (0..=9999i32, 1..=12u32)
        .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m)));
    (
        date,
        precision,
        any::<bool>(),
        (0..24u32, 0..60u32, 0..60u32),
        fraction(),
        offset(),
    )
        .prop_map(
            |((year, month, day), precision, space, (hour, minute, second), fraction, offset)| {
                let timed = precision >= Precision::Hour;
                Spec {
                    year,
                    month,
                    day,
                    precision,
                    space: space && timed,
                    hour,
                    minute,
                    second,
                    fraction,
                    offset: offset.filter(|_| timed),
                }
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    spec_with(precision())
}

fn date_time_spec() -> impl Strategy<Value = Spec> {
    spec_with(prop_oneof![
        Just(Precision::Minute),
        Just(Precision::Second),
        Just(Precision::Fraction),
    ])
}

/// Reads `text` as `T` and writes it back, as text and through JSON.
fn round_trip<T>(text: &str) -> Result<T, TestCaseError>
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

fn naive_date_time() -> impl Strategy<Value = NaiveDateTime> {
    let day = (0..=9999i32, 1..=12u32)
        .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m)));
    (day, 0..24u32, 0..60u32, 0..60u32, 0..2_000_000_000u32).prop_filter_map(
        "a valid date-time",
        |((y, mo, d), h, mi, s, nanos)| {
            // Nanoseconds past 10^9 are a leap second, valid only at :59.
            let s = if nanos >= 1_000_000_000 { 59 } else { s };
            NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_nano_opt(h, mi, s, nanos)
        },
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_is_read_without_panic(text in "\\PC*") {
        check_all_types(&text)?;
    }

    #[test]
    fn any_near_miss_is_read_without_panic(text in "[0-9T:+\\-Z. ]{0,40}") {
        check_all_types(&text)?;
    }

    #[test]
    fn any_structured_near_miss_is_read_without_panic(
        text in "[0-9]{0,5}(-[0-9]{0,3}(-[0-9]{0,3}([T ][0-9]{0,3}(:[0-9]{0,3}(:[0-9]{0,3}(\\.[0-9]{0,10})?)?)?)?)?)?([Z+\\-][0-9:]{0,6})?",
    ) {
        check_all_types(&text)?;
    }

    #[test]
    fn any_edit_of_a_valid_value_is_read_without_panic(
        spec in spec(),
        at in any::<prop::sample::Index>(),
        edit in 0..3u8,
        c in prop_oneof![Just(' '), Just('T'), Just('Z'), Just(':'), Just('-'), Just('+'),
                         Just('.'), Just('0'), Just('9'), Just('\u{ff16}'), any::<char>()],
    ) {
        let mut chars: Vec<char> = spec.text().chars().collect();
        let i = at.index(chars.len() + 1);
        match edit {
            0 => chars.insert(i, c),
            1 if i < chars.len() => { chars.remove(i); }
            _ if i < chars.len() => chars[i] = c,
            _ => chars.push(c),
        }
        let text: String = chars.into_iter().collect();
        check_all_types(&text)?;
    }

    #[test]
    fn every_partial_date_writes_back_exactly(spec in spec()) {
        let text = spec.text();
        let p: AccuroPartialDate = round_trip(&text)?;
        prop_assert_eq!(p.precision(), spec.precision);
        prop_assert_eq!(p.year(), spec.year);
        let at_least = |q: Precision, v: u32| (spec.precision >= q).then_some(v);
        prop_assert_eq!(p.month(), at_least(Precision::Month, spec.month));
        prop_assert_eq!(p.day(), at_least(Precision::Day, spec.day));
        prop_assert_eq!(p.hour(), at_least(Precision::Hour, spec.hour));
        prop_assert_eq!(p.minute(), at_least(Precision::Minute, spec.minute));
        prop_assert_eq!(p.second(), at_least(Precision::Second, spec.second));
        prop_assert_eq!(p.nanosecond(), at_least(Precision::Fraction, spec.nanosecond()));
        prop_assert_eq!(
            p.offset().map(|o| o.local_minus_utc()),
            spec.offset.as_ref().map(OffsetSpec::seconds)
        );
        prop_assert_eq!(p.to_date().is_some(), spec.precision >= Precision::Day);
        // The narrower shapes take exactly their part of the grammar.
        let date = text.parse::<AccuroDate>();
        prop_assert_eq!(date.is_ok(), spec.precision == Precision::Day);
        if let Ok(date) = date {
            prop_assert_eq!(AccuroPartialDate::from(date), p);
        }
        let date_time = text.parse::<AccuroDateTime>().ok();
        prop_assert_eq!(date_time.is_some(), spec.precision >= Precision::Minute);
        prop_assert_eq!(p.to_date_time(), date_time);
    }

    #[test]
    fn every_date_time_writes_back_exactly(spec in date_time_spec()) {
        let text = spec.text();
        let t: AccuroDateTime = round_trip(&text)?;
        let p: AccuroPartialDate = round_trip(&text)?;
        prop_assert_eq!(AccuroPartialDate::from(t), p);
        prop_assert_eq!(t.to_datetime().is_some(), spec.offset.is_some());
        prop_assert_eq!(
            t.offset().map(|o| o.local_minus_utc()),
            spec.offset.as_ref().map(OffsetSpec::seconds)
        );
        // Its canonical form is read back as itself and keeps the value,
        // to the millisecond.
        let c = t.with_canonical_form();
        let back: AccuroDateTime = round_trip(&c.to_string())?;
        prop_assert_eq!(back, c);
        prop_assert!(c.is_canonical_form());
        prop_assert_eq!(c.offset(), t.offset());
        let lost = t.local().signed_duration_since(c.local());
        prop_assert!(lost >= TimeDelta::zero() && lost < TimeDelta::milliseconds(1));
        prop_assert_eq!(c.eq_ignoring_form(&t), lost.is_zero());
    }

    #[test]
    fn every_date_writes_back_exactly(spec in spec_with(Just(Precision::Day))) {
        let d: AccuroDate = round_trip(&spec.text())?;
        prop_assert_eq!(d.date(), NaiveDate::from_ymd_opt(spec.year, spec.month, spec.day).unwrap_or_default());
    }

    #[test]
    fn values_from_chrono_write_back_exactly(
        local in naive_date_time(),
        offset in prop::option::of(-86_399..=86_399i32),
    ) {
        let offset = offset.and_then(FixedOffset::east_opt);
        let t = AccuroDateTime::new(local, offset);
        prop_assert!(t.is_canonical_form());
        let back: AccuroDateTime = round_trip(&t.to_string())?;
        prop_assert_eq!(back, t);
        if let Some(offset) = offset {
            // The instant is kept, to the millisecond.
            let before = local.and_local_timezone(offset).single();
            let after = t.to_datetime();
            prop_assert!(before.is_some() && after.is_some());
            if let (Some(before), Some(after)) = (before, after) {
                let lost = before.signed_duration_since(after);
                // chrono's leap-second arithmetic is its own; elsewhere
                // only the cut below a millisecond is lost.
                if local.nanosecond() >= 1_000_000_000 {
                    prop_assert!(lost.abs() <= TimeDelta::seconds(2), "{:?}", lost);
                } else {
                    prop_assert!(
                        lost >= TimeDelta::zero() && lost < TimeDelta::milliseconds(1),
                        "{:?}",
                        lost
                    );
                }
            }
        }
    }

    #[test]
    fn any_integer_is_an_hhmm_time_or_an_error(v in prop_oneof![any::<i64>(), -100..2500i64]) {
        let valid = (0..=2359).contains(&v) && v % 100 < 60;
        match HhmmTime::try_from(v) {
            Ok(t) => {
                prop_assert!(valid);
                prop_assert_eq!(i64::from(t.as_hhmm()), v);
                let json = serde_json::to_string(&t).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&json, &v.to_string());
                let back: HhmmTime = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(back, t);
                let from_text: Option<HhmmTime> = serde_json::from_str(&format!("\"{v}\"")).ok();
                prop_assert_eq!(from_text, Some(t));
            }
            Err(err) => {
                prop_assert!(!valid);
                let text = v.to_string();
                let m = err.to_string();
                prop_assert!(text.len() < 4 || !m.contains(&text), "{} in {}", text, m);
                let m = serde_json::from_str::<HhmmTime>(&text).err().map(|e| e.to_string()).unwrap_or_default();
                prop_assert!(!m.is_empty());
                prop_assert!(text.len() < 4 || !without_position(&m).contains(&text), "{} in {}", text, m);
            }
        }
    }

    #[test]
    fn any_json_number_for_a_shape_is_refused_without_it(v in any::<i64>(), f in any::<f64>()) {
        for json in [v.to_string(), serde_json::Value::from(f).to_string()] {
            for m in [
                serde_json::from_str::<AccuroDateTime>(&json).err(),
                serde_json::from_str::<AccuroDate>(&json).err(),
                serde_json::from_str::<AccuroPartialDate>(&json).err(),
            ] {
                let m = m.map(|e| e.to_string()).unwrap_or_default();
                prop_assert!(m.starts_with("invalid type: "), "{}", m);
                prop_assert!(json.len() < 4 || !without_position(&m).contains(&json), "{} in {}", json, m);
            }
        }
    }
}
