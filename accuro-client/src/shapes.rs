//! Accuro's own data shapes, swapped in by the generator for the spec's
//! `AccuroDateTime`, `AccuroDate` and `HhmmTime` schemas.
//!
//! Each reads what Accuro sends and writes it back in the same form. A
//! malformed value is a deserialization error whose message describes the
//! expected form but never repeats the value (it may be a birthday).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a value is not in one of Accuro's shapes. Holds no part of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not {expected}")]
pub struct ShapeError {
    expected: &'static str,
}

const DATE_TIME: &str =
    "an Accuro date-time such as 1959-02-16T00:00:00.000-0800 or 2020-05-06T00:00:00.000";
const DATE: &str = "a date such as 2019-01-31";
const HHMM: &str = "a time of day in HHMM form such as 1300 (00:00 to 23:59)";

/// A date-time as Accuro writes it: `1959-02-16T00:00:00.000-0800` (the
/// offset has no colon) or `2020-05-06T00:00:00.000` (no offset at all).
///
/// Reading also accepts RFC 3339 offsets (`-08:00`, `Z`) and any number of
/// fraction digits; writing always gives milliseconds and, when there is an
/// offset, `±HHMM`.
///
/// ```
/// use accuro_client::shapes::AccuroDateTime;
/// let t: AccuroDateTime = "1959-02-16T00:00:00.000-0800".parse().unwrap();
/// assert_eq!(t.offset().map(|o| o.local_minus_utc()), Some(-8 * 3600));
/// assert_eq!(t.to_string(), "1959-02-16T00:00:00.000-0800");
/// let naive: AccuroDateTime = "2020-05-06T00:00:00.000".parse().unwrap();
/// assert_eq!(naive.offset(), None);
/// assert_eq!(naive.to_string(), "2020-05-06T00:00:00.000");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccuroDateTime {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl AccuroDateTime {
    /// A date-time at `local` wall-clock time, with or without a UTC offset.
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        Self { local, offset }
    }

    /// The wall-clock date and time, as written.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The UTC offset, when the server sent one.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The calendar date, as written.
    pub fn date(&self) -> NaiveDate {
        self.local.date()
    }

    /// The instant, when the value carries an offset.
    pub fn to_datetime(&self) -> Option<DateTime<FixedOffset>> {
        let offset = self.offset?;
        self.local.and_local_timezone(offset).single()
    }
}

impl FromStr for AccuroDateTime {
    type Err = ShapeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = ShapeError {
            expected: DATE_TIME,
        };
        let s = s.trim();
        // The offset, if any, starts at the first '+', '-' or 'Z' after the time.
        let time_start = s.find('T').ok_or(err.clone())?;
        let (body, offset) = match s[time_start..].find(['+', '-', 'Z']) {
            Some(i) => s.split_at(time_start + i),
            None => (s, ""),
        };
        let local =
            NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| err.clone())?;
        let offset = match offset {
            "" => None,
            "Z" => Some(FixedOffset::east_opt(0).ok_or(err.clone())?),
            o => Some(parse_offset(o).ok_or(err)?),
        };
        Ok(Self { local, offset })
    }
}

/// `±HHMM` or `±HH:MM`.
fn parse_offset(o: &str) -> Option<FixedOffset> {
    let (sign, rest) = match o.as_bytes().first()? {
        b'+' => (1, &o[1..]),
        b'-' => (-1, &o[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.len() > 5 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

impl fmt::Display for AccuroDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S%.3f"))?;
        if let Some(offset) = self.offset {
            let secs = offset.local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.unsigned_abs();
            write!(f, "{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)?;
        }
        Ok(())
    }
}

impl fmt::Debug for AccuroDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccuroDateTime({self})")
    }
}

impl From<DateTime<FixedOffset>> for AccuroDateTime {
    fn from(t: DateTime<FixedOffset>) -> Self {
        Self {
            local: t.naive_local(),
            offset: Some(*t.offset()),
        }
    }
}

impl From<NaiveDateTime> for AccuroDateTime {
    fn from(local: NaiveDateTime) -> Self {
        Self {
            local,
            offset: None,
        }
    }
}

/// A calendar date, `YYYY-MM-DD`. Reading also accepts a date-time and keeps
/// its date (some servers send dates that way).
///
/// ```
/// use accuro_client::shapes::AccuroDate;
/// let d: AccuroDate = "2019-01-31".parse().unwrap();
/// assert_eq!(d.to_string(), "2019-01-31");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccuroDate(NaiveDate);

impl AccuroDate {
    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }
}

impl FromStr for AccuroDate {
    type Err = ShapeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let day = match s.find('T') {
            Some(t) => {
                s.parse::<AccuroDateTime>()
                    .map_err(|_| ShapeError { expected: DATE })?;
                &s[..t]
            }
            None => s,
        };
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| ShapeError { expected: DATE })
    }
}

impl fmt::Display for AccuroDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Debug for AccuroDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccuroDate({self})")
    }
}

impl From<NaiveDate> for AccuroDate {
    fn from(d: NaiveDate) -> Self {
        Self(d)
    }
}

/// A time of day as Accuro writes appointment times: an integer `HHMM`
/// (`1300` is 13:00, `905` is 09:05).
///
/// ```
/// use accuro_client::shapes::HhmmTime;
/// let t = HhmmTime::try_from(905).unwrap();
/// assert_eq!((t.hour(), t.minute()), (9, 5));
/// assert_eq!(t.as_hhmm(), 905);
/// assert!(HhmmTime::try_from(1375).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HhmmTime {
    hour: u8,
    minute: u8,
}

impl HhmmTime {
    /// A time of day; `None` unless `hour < 24` and `minute < 60`.
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self { hour, minute })
    }

    /// The hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The integer Accuro sends (`1300`).
    pub fn as_hhmm(&self) -> i32 {
        i32::from(self.hour) * 100 + i32::from(self.minute)
    }

    /// As a `chrono` time.
    pub fn to_naive_time(&self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0)
            .unwrap_or(NaiveTime::MIN)
    }
}

impl TryFrom<i64> for HhmmTime {
    type Error = ShapeError;

    fn try_from(v: i64) -> Result<Self, Self::Error> {
        let err = ShapeError { expected: HHMM };
        if !(0..=2359).contains(&v) {
            return Err(err);
        }
        let (hour, minute) = ((v / 100) as u8, (v % 100) as u8);
        Self::new(hour, minute).ok_or(err)
    }
}

impl TryFrom<i32> for HhmmTime {
    type Error = ShapeError;

    fn try_from(v: i32) -> Result<Self, Self::Error> {
        Self::try_from(i64::from(v))
    }
}

impl From<NaiveTime> for HhmmTime {
    /// Seconds are dropped.
    fn from(t: NaiveTime) -> Self {
        Self {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
        }
    }
}

impl fmt::Display for HhmmTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl fmt::Debug for HhmmTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HhmmTime({self})")
    }
}

macro_rules! string_shape {
    ($ty:ty, $expected:expr) => {
        impl TryFrom<&str> for $ty {
            type Error = ShapeError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl TryFrom<String> for $ty {
            type Error = ShapeError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl TryFrom<&String> for $ty {
            type Error = ShapeError;
            fn try_from(s: &String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expected)
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$ty, E> {
                        s.parse()
                            .map_err(|_| E::custom(format_args!("expected {}", $expected)))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

string_shape!(AccuroDateTime, DATE_TIME);
string_shape!(AccuroDate, DATE);

impl Serialize for HhmmTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.as_hhmm())
    }
}

impl<'de> Deserialize<'de> for HhmmTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = HhmmTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(HHMM)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<HhmmTime, E> {
                HhmmTime::try_from(v).map_err(|_| E::custom(format_args!("expected {HHMM}")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<HhmmTime, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<HhmmTime, E> {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| E::custom(format_args!("expected {HHMM}")))
                    .and_then(|v| self.visit_i64(v))
            }
        }
        d.deserialize_any(V)
    }
}
