//! Valid values described field by field ([`Spec`]), written without the
//! library, and the strategies that make them.

use accuro_client::shapes::Precision;
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

/// A valid value of the variable-precision calendar, described field by
/// field; [`Spec::text`] writes it without the library.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) precision: Precision,
    space: bool,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    /// Digit count (1 to 9) and the digits' value.
    fraction: (u8, u32),
    pub(crate) offset: Option<OffsetSpec>,
}

#[derive(Debug, Clone)]
pub(crate) enum OffsetSpec {
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

    pub(crate) fn seconds(&self) -> i32 {
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
    pub(crate) fn text(&self) -> String {
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

    pub(crate) fn nanosecond(&self) -> u32 {
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

pub(crate) fn spec_with(
    precision: impl Strategy<Value = Precision>,
) -> impl Strategy<Value = Spec> {
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

pub(crate) fn spec() -> impl Strategy<Value = Spec> {
    spec_with(precision())
}

pub(crate) fn date_time_spec() -> impl Strategy<Value = Spec> {
    spec_with(prop_oneof![
        Just(Precision::Minute),
        Just(Precision::Second),
        Just(Precision::Fraction),
    ])
}

pub(crate) fn naive_date_time() -> impl Strategy<Value = NaiveDateTime> {
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
