use std::fmt;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ShapeError;

pub(super) const HHMM: &str = "a time of day in HHMM form such as 1300 (00:00 to 23:59)";

/// A time of day as Accuro writes appointment times: an integer `HHMM`
/// (`1300` is 13:00, `905` is 09:05).
///
/// ```
/// use accuro_types::shapes::HhmmTime;
/// let t = HhmmTime::try_from(905).unwrap();
/// assert_eq!((t.hour(), t.minute()), (9, 5));
/// assert_eq!(t.as_hhmm(), 905);
/// assert!(HhmmTime::try_from(1375).is_err());
/// assert_eq!("13:05".parse::<HhmmTime>().unwrap().as_hhmm(), 1305);
/// assert_eq!("905".parse::<HhmmTime>().unwrap().as_hhmm(), 905);
/// assert!("25:00".parse::<HhmmTime>().is_err());
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

impl std::str::FromStr for HhmmTime {
    type Err = ShapeError;

    /// `1300`, `905`, `13:00` or `9:05`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ShapeError { expected: HHMM };
        let s = s.trim();
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
        match s.split_once(':') {
            Some((h, m)) if digits(h) && m.len() == 2 && digits(m) => {
                let (h, m) = (
                    h.parse::<u8>().map_err(|_| err())?,
                    m.parse::<u8>().map_err(|_| err())?,
                );
                Self::new(h, m).ok_or_else(err)
            }
            Some(_) => Err(err()),
            None if !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Self::try_from(s.parse::<i64>().map_err(|_| err())?)
            }
            None => Err(err()),
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
            // Other types are refused without repeating the value.
            fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<HhmmTime, E> {
                Err(E::custom(format_args!("expected {HHMM}")))
            }
            fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<HhmmTime, E> {
                Err(E::custom(format_args!("expected {HHMM}")))
            }
            refuse_other_types_quietly!(HhmmTime; bool, f64, char, bytes);
        }
        d.deserialize_any(V)
    }
}
