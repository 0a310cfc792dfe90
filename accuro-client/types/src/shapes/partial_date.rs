use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, FixedOffset, NaiveDate, Timelike};

use super::form::{self, Cursor, Offset, Separator};
use super::{AccuroDate, AccuroDateTime, SecondsForm, ShapeError};

pub(super) const PARTIAL_DATE: &str = "an Accuro partial date: yyyy, yyyy-MM or yyyy-MM-dd, \
     or a date with a time of day (HH, HH:mm, HH:mm:ss or HH:mm:ss.SSS with one to nine \
     fraction digits, after a T or a space) and an optional offset Z, ±HHMM, ±HH:MM or ±HH";

/// How much of an [`AccuroPartialDate`] is known, from the year alone to a
/// fraction of a second. Ordered from the coarsest to the finest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `yyyy`
    Year,
    /// `yyyy-MM`
    Month,
    /// `yyyy-MM-dd`
    Day,
    /// `yyyy-MM-dd'T'HH`
    Hour,
    /// `yyyy-MM-dd'T'HH:mm`
    Minute,
    /// `yyyy-MM-dd'T'HH:mm:ss`
    Second,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS`, with one to nine fraction digits.
    Fraction,
}

/// A variable-precision calendar value, as Accuro writes e.g. an
/// immunization's `administeredDate`: a year, a month, a day, or a day with a
/// time of day to the hour, minute, second or fraction of a second, the time
/// optionally followed by a UTC offset.
///
/// | form | example |
/// | --- | --- |
/// | `yyyy` | `2019` |
/// | `yyyy-MM` | `2019-03` |
/// | `yyyy-MM-dd` | `2019-03-06` |
/// | `yyyy-MM-dd'T'HH` | `2019-03-06T13` |
/// | `yyyy-MM-dd'T'HH:mm` | `2019-03-06T13:45` |
/// | `yyyy-MM-dd'T'HH:mm:ss` | `2019-03-06T13:45:10` |
/// | `yyyy-MM-dd'T'HH:mm:ss.S…` (1 to 9 digits) | `2019-03-06T13:45:10.250` |
///
/// A space may stand for the `T`; a form with a time may end in an offset:
/// `Z`, `±HHMM`, `±HH:MM` or `±HH` (at most 23:59). Years have four digits;
/// months, days, hours, minutes and seconds are checked against the
/// calendar (no leap seconds).
///
/// A value writes back exactly the text it was read from, and equality is
/// structural: two values are equal exactly when they write the same text
/// (`2019-03-06T13Z` and `2019-03-06T13+0000` differ). Compare
/// [`offset`](Self::offset), [`to_date`](Self::to_date) or
/// [`to_date_time`](Self::to_date_time) to compare values across forms.
///
/// ```
/// use accuro_types::shapes::{AccuroPartialDate, Precision};
/// for text in ["2019", "2019-03", "2019-03-06", "2019-03-06T13Z", "2019-03-06T13-0700",
///              "2019-03-06T13:45", "2019-03-06 13:45:10", "2019-03-06T13:45:10.250+05:30"] {
///     let d: AccuroPartialDate = text.parse().unwrap();
///     assert_eq!(d.to_string(), text);
/// }
/// let d: AccuroPartialDate = "2019-03".parse().unwrap();
/// assert_eq!((d.precision(), d.year(), d.month(), d.day()), (Precision::Month, 2019, Some(3), None));
/// assert_eq!(d.to_date(), None);
/// let d: AccuroPartialDate = "2019-03-06T13-0700".parse().unwrap();
/// assert_eq!(d.hour(), Some(13));
/// assert_eq!(d.offset().map(|o| o.local_minus_utc()), Some(-7 * 3600));
/// assert!(d.to_date_time().is_none(), "no minutes");
/// assert!("2019-02-29".parse::<AccuroPartialDate>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccuroPartialDate {
    precision: Precision,
    // Fields finer than `precision` hold their least value (1 or 0), so
    // that structural equality is equality of the written text.
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
    /// 1 to 9 with `Precision::Fraction`, else 0.
    fraction_digits: u8,
    /// `T` when there is no time of day.
    separator: Separator,
    /// Only with a time of day.
    offset: Option<Offset>,
}

impl AccuroPartialDate {
    const fn blank(year: i32) -> Self {
        Self {
            precision: Precision::Year,
            year,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
            fraction_digits: 0,
            separator: Separator::T,
            offset: None,
        }
    }

    /// A year alone (`2019`); `None` outside 0000 to 9999.
    pub fn from_year(year: i32) -> Option<Self> {
        form::year_is_writable(year).then_some(Self::blank(year))
    }

    /// A year and month (`2019-03`); `None` outside 0000 to 9999 or unless
    /// `month` is 1 to 12.
    pub fn from_year_month(year: i32, month: u32) -> Option<Self> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Some(Self {
            precision: Precision::Month,
            month,
            ..Self::from_year(year)?
        })
    }

    /// How much of the value is known.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month (1 to 12), from [`Precision::Month`] on.
    pub fn month(&self) -> Option<u32> {
        self.at_least(Precision::Month, self.month)
    }

    /// The day of the month (from 1), from [`Precision::Day`] on.
    pub fn day(&self) -> Option<u32> {
        self.at_least(Precision::Day, self.day)
    }

    /// The hour (0 to 23), from [`Precision::Hour`] on.
    pub fn hour(&self) -> Option<u32> {
        self.at_least(Precision::Hour, self.hour)
    }

    /// The minute (0 to 59), from [`Precision::Minute`] on.
    pub fn minute(&self) -> Option<u32> {
        self.at_least(Precision::Minute, self.minute)
    }

    /// The second (0 to 59), from [`Precision::Second`] on.
    pub fn second(&self) -> Option<u32> {
        self.at_least(Precision::Second, self.second)
    }

    /// The fraction of the second in nanoseconds, with [`Precision::Fraction`].
    pub fn nanosecond(&self) -> Option<u32> {
        self.at_least(Precision::Fraction, self.nanosecond)
    }

    /// How many fraction digits were written (1 to 9), with
    /// [`Precision::Fraction`].
    pub fn fraction_digits(&self) -> Option<u8> {
        self.at_least(Precision::Fraction, self.fraction_digits)
    }

    /// The UTC offset, when one was written (only after a time of day).
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset.map(Offset::fixed)
    }

    /// The calendar date, from [`Precision::Day`] on.
    pub fn to_date(&self) -> Option<NaiveDate> {
        self.day()?;
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
    }

    /// The date-time, from [`Precision::Minute`] on, in the same form: its
    /// text is this value's text.
    pub fn to_date_time(&self) -> Option<AccuroDateTime> {
        let seconds = match self.precision {
            Precision::Year | Precision::Month | Precision::Day | Precision::Hour => return None,
            Precision::Minute => SecondsForm::Absent,
            Precision::Second => SecondsForm::Whole,
            Precision::Fraction => SecondsForm::Fraction(self.fraction_digits),
        };
        let local = self.to_date()?.and_hms_nano_opt(
            self.hour,
            self.minute,
            self.second,
            self.nanosecond,
        )?;
        Some(AccuroDateTime::from_parts(
            local,
            self.offset,
            self.separator,
            seconds,
        ))
    }

    fn at_least<T>(&self, precision: Precision, value: T) -> Option<T> {
        (self.precision >= precision).then_some(value)
    }

    /// Reads the whole grammar; `None` on anything else.
    fn parse(text: &str) -> Option<Self> {
        let mut c = Cursor::new(text)?;
        let year = i32::try_from(c.digits(4)?).ok()?;
        let mut value = Self::blank(year);
        if c.at_end() {
            return Some(value);
        }
        c.expect(b'-')?;
        value.month = c.digits(2)?;
        if !(1..=12).contains(&value.month) {
            return None;
        }
        value.precision = Precision::Month;
        if c.at_end() {
            return Some(value);
        }
        c.expect(b'-')?;
        value.day = c.digits(2)?;
        NaiveDate::from_ymd_opt(year, value.month, value.day)?;
        value.precision = Precision::Day;
        if c.at_end() {
            return Some(value);
        }
        value.separator = Separator::parse(&mut c)?;
        value.hour = c.digits(2)?;
        value.precision = Precision::Hour;
        if c.eat(b':') {
            value.minute = c.digits(2)?;
            value.precision = Precision::Minute;
            if c.eat(b':') {
                value.second = c.digits(2)?;
                value.precision = Precision::Second;
                if c.eat(b'.') {
                    (value.nanosecond, value.fraction_digits) = c.fraction()?;
                    value.precision = Precision::Fraction;
                }
            }
        }
        if value.hour > 23 || value.minute > 59 || value.second > 59 {
            return None;
        }
        if !c.at_end() {
            value.offset = Some(Offset::parse(&mut c)?);
        }
        c.at_end().then_some(value)
    }

    pub(super) fn is_writable(&self) -> bool {
        form::year_is_writable(self.year)
    }
}

impl FromStr for AccuroPartialDate {
    type Err = ShapeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(ShapeError {
            expected: PARTIAL_DATE,
        })
    }
}

impl fmt::Display for AccuroPartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        form::write_year(f, self.year)?;
        if let Some(month) = self.month() {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day() {
            write!(f, "-{day:02}")?;
        }
        if let Some(hour) = self.hour() {
            write!(f, "{}{hour:02}", self.separator.as_char())?;
        }
        if let Some(minute) = self.minute() {
            write!(f, ":{minute:02}")?;
        }
        if let Some(second) = self.second() {
            write!(f, ":{second:02}")?;
        }
        if let (Some(nanos), Some(digits)) = (self.nanosecond(), self.fraction_digits()) {
            form::write_fraction(f, nanos, digits)?;
        }
        if let Some(offset) = self.offset {
            write!(f, "{offset}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for AccuroPartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccuroPartialDate({self})")
    }
}

impl From<NaiveDate> for AccuroPartialDate {
    /// A [`Precision::Day`] value.
    fn from(date: NaiveDate) -> Self {
        Self {
            precision: Precision::Day,
            month: date.month(),
            day: date.day(),
            ..Self::blank(date.year())
        }
    }
}

impl From<AccuroDate> for AccuroPartialDate {
    /// A [`Precision::Day`] value with the same text.
    fn from(date: AccuroDate) -> Self {
        Self::from(date.date())
    }
}

impl From<AccuroDateTime> for AccuroPartialDate {
    /// A value of [`Precision::Minute`], [`Precision::Second`] or
    /// [`Precision::Fraction`] with the same text.
    fn from(t: AccuroDateTime) -> Self {
        let local = t.local();
        let (precision, fraction_digits) = match t.seconds_form() {
            SecondsForm::Absent => (Precision::Minute, 0),
            SecondsForm::Whole => (Precision::Second, 0),
            SecondsForm::Fraction(digits) => (Precision::Fraction, digits),
        };
        Self {
            precision,
            year: local.year(),
            month: local.month(),
            day: local.day(),
            hour: local.hour(),
            minute: local.minute(),
            second: local.second(),
            nanosecond: local.nanosecond(),
            fraction_digits,
            separator: t.separator(),
            offset: t.written_offset(),
        }
    }
}

string_shape!(AccuroPartialDate, PARTIAL_DATE);
