use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Timelike};

use super::form::{self, Offset, Separator};
use super::{AccuroPartialDate, ShapeError};

pub(super) const DATE_TIME: &str = "an Accuro date-time: yyyy-MM-dd'T'HH:mm, optionally \
     followed by :ss and by .SSS (one to nine fraction digits), then an optional offset Z, \
     ±HHMM, ±HH:MM or ±HH; a space may stand for the T";

/// Digits written in Accuro's canonical form: milliseconds.
const CANONICAL_DIGITS: u8 = 3;

/// What follows `HH:mm`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum SecondsForm {
    /// Nothing (`13:45`); the seconds are 0.
    Absent,
    /// `:ss`; no fraction.
    Whole,
    /// `:ss.` and this many fraction digits (1 to 9); the nanoseconds have no
    /// more precision than that.
    Fraction(u8),
}

/// A date and a time of day with an optional UTC offset, in any of the forms
/// Accuro writes, written back exactly as read.
///
/// Reads `yyyy-MM-dd`, then `T` or a single space, then `HH:mm`, `HH:mm:ss`
/// or `HH:mm:ss.S…` (one to nine fraction digits), then nothing, `Z`,
/// `±HHMM`, `±HH:MM` or `±HH` (at most 23:59). So all of these read, and each
/// writes back byte for byte:
///
/// - `1959-02-16T00:00:00.000-0800`: Accuro's canonical form;
/// - `2020-05-06T00:00:00.000`: the same without an offset;
/// - `2020-05-06T13:45-0700`: no seconds;
/// - `2024-02-14T18:00:18.490Z`: an instant;
/// - `2020-05-06 13:45:00`: a space for the `T`;
/// - `2026-01-15T08:30:00-08:00`, `2026-01-15T08:30:00.123456789+05`.
///
/// Values built from `chrono` ([`new`](Self::new), the `From` impls) and
/// [`with_canonical_form`](Self::with_canonical_form) use Accuro's canonical
/// form `yyyy-MM-dd'T'HH:mm:ss.SSS±HHMM` (or no offset).
///
/// # Equality
///
/// `==` (and `Hash`) is structural: two values are equal exactly when they
/// write the same text. `2024-02-14T18:00:18.490Z` and
/// `2024-02-14T18:00:18.490+0000` are different values; for the wall-clock
/// time and offset regardless of form use
/// [`eq_ignoring_form`](Self::eq_ignoring_form), and for the instant compare
/// [`to_datetime`](Self::to_datetime).
///
/// ```
/// use accuro_types::shapes::AccuroDateTime;
/// let t: AccuroDateTime = "1959-02-16T00:00:00.000-0800".parse().unwrap();
/// assert_eq!(t.offset().map(|o| o.local_minus_utc()), Some(-8 * 3600));
/// assert_eq!(t.to_string(), "1959-02-16T00:00:00.000-0800");
///
/// let short: AccuroDateTime = "2020-05-06T13:45-0700".parse().unwrap();
/// assert_eq!(short.to_string(), "2020-05-06T13:45-0700");
/// assert_eq!(short.with_canonical_form().to_string(), "2020-05-06T13:45:00.000-0700");
/// assert!(short.eq_ignoring_form(&short.with_canonical_form()));
/// assert_ne!(short, short.with_canonical_form());
///
/// let naive: AccuroDateTime = "2020-05-06 13:45:00".parse().unwrap();
/// assert_eq!((naive.offset(), naive.to_datetime()), (None, None));
/// assert_eq!(naive.to_string(), "2020-05-06 13:45:00");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccuroDateTime {
    /// The wall-clock time; its seconds and nanoseconds are no more precise
    /// than `seconds` writes.
    local: NaiveDateTime,
    offset: Option<Offset>,
    separator: Separator,
    seconds: SecondsForm,
}

impl AccuroDateTime {
    /// A date-time at `local` wall-clock time, with or without a UTC offset,
    /// in Accuro's canonical form.
    ///
    /// That form writes milliseconds and whole minutes of offset: finer
    /// fractions are cut to milliseconds, a leap second is kept as
    /// `:59.999`, and an offset's seconds are dropped (toward zero) with the
    /// wall-clock time moved so that the instant stays the same.
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        let (local, offset) = match offset {
            None => (local, None),
            Some(offset) => {
                let (offset, rest) = Offset::canonical(offset);
                let local = TimeDelta::try_seconds(i64::from(rest))
                    .and_then(|rest| local.checked_sub_signed(rest))
                    .unwrap_or(local);
                (local, Some(offset))
            }
        };
        Self {
            local: canonical_local(local),
            offset,
            separator: Separator::T,
            seconds: SecondsForm::Fraction(CANONICAL_DIGITS),
        }
    }

    pub(super) fn from_parts(
        local: NaiveDateTime,
        offset: Option<Offset>,
        separator: Separator,
        seconds: SecondsForm,
    ) -> Self {
        Self {
            local,
            offset,
            separator,
            seconds,
        }
    }

    /// The wall-clock date and time, as written.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The UTC offset, when the value has one (`Z`, `+0000` and `-0000` are
    /// all `+00:00`).
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset.map(Offset::fixed)
    }

    /// The calendar date, as written.
    pub fn date(&self) -> NaiveDate {
        self.local.date()
    }

    /// The instant, when the value has an offset.
    pub fn to_datetime(&self) -> Option<DateTime<FixedOffset>> {
        self.local.and_local_timezone(self.offset()?).single()
    }

    /// The same value in Accuro's canonical form,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS±HHMM` or without an offset: a space becomes
    /// `T`, missing seconds `:00.000`, a fraction of other than three digits
    /// is written in milliseconds (digits past the third are cut), and `Z`,
    /// `-0000`, `±HH` and `±HH:MM` become `±HHMM` (`Z` and `-0000` become
    /// `+0000`).
    #[must_use]
    pub fn with_canonical_form(self) -> Self {
        Self {
            local: canonical_local(self.local),
            offset: self.offset.map(Offset::to_canonical),
            separator: Separator::T,
            seconds: SecondsForm::Fraction(CANONICAL_DIGITS),
        }
    }

    /// Whether the value is written in Accuro's canonical form (see
    /// [`with_canonical_form`](Self::with_canonical_form)).
    pub fn is_canonical_form(&self) -> bool {
        *self == self.with_canonical_form()
    }

    /// Whether both values have the same wall-clock time and the same offset
    /// (or both none), however they are written: `13:45Z`, `13:45:00+0000`
    /// and `13:45:00.000-00:00` on the same day are all equal this way.
    pub fn eq_ignoring_form(&self, other: &Self) -> bool {
        self.local == other.local && self.offset() == other.offset()
    }

    pub(super) fn seconds_form(&self) -> SecondsForm {
        self.seconds
    }

    pub(super) fn separator(&self) -> Separator {
        self.separator
    }

    pub(super) fn written_offset(&self) -> Option<Offset> {
        self.offset
    }

    pub(super) fn is_writable(&self) -> bool {
        form::year_is_writable(self.local.year())
    }
}

/// `local` cut to milliseconds, a leap second kept as `:59.999`.
fn canonical_local(local: NaiveDateTime) -> NaiveDateTime {
    let nanos = local.nanosecond().min(999_999_999);
    local
        .with_nanosecond(form::truncate_nanos(nanos, CANONICAL_DIGITS))
        .unwrap_or(local)
}

impl FromStr for AccuroDateTime {
    type Err = ShapeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<AccuroPartialDate>()
            .ok()
            .and_then(|d| d.to_date_time())
            .ok_or(ShapeError {
                expected: DATE_TIME,
            })
    }
}

impl fmt::Display for AccuroDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = self.local;
        form::write_year(f, l.year())?;
        write!(
            f,
            "-{:02}-{:02}{}{:02}:{:02}",
            l.month(),
            l.day(),
            self.separator.as_char(),
            l.hour(),
            l.minute()
        )?;
        match self.seconds {
            SecondsForm::Absent => {}
            SecondsForm::Whole => write!(f, ":{:02}", l.second())?,
            SecondsForm::Fraction(digits) => {
                write!(f, ":{:02}", l.second())?;
                form::write_fraction(f, l.nanosecond(), digits)?;
            }
        }
        if let Some(offset) = self.offset {
            write!(f, "{offset}")?;
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
    /// In Accuro's canonical form, as [`new`](Self::new).
    fn from(t: DateTime<FixedOffset>) -> Self {
        Self::new(t.naive_local(), Some(*t.offset()))
    }
}

impl From<NaiveDateTime> for AccuroDateTime {
    /// In Accuro's canonical form without an offset, as [`new`](Self::new).
    fn from(local: NaiveDateTime) -> Self {
        Self::new(local, None)
    }
}

string_shape!(AccuroDateTime, DATE_TIME);
