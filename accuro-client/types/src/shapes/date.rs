use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::form;
use super::{AccuroPartialDate, Precision, ShapeError};

pub(super) const DATE: &str = "a date in yyyy-MM-dd form";

/// A calendar date, `yyyy-MM-dd` (`2019-01-31`), and nothing else: a
/// date-time is an [`AccuroDateTime`](super::AccuroDateTime), and a year or
/// month alone an [`AccuroPartialDate`].
///
/// ```
/// use accuro_types::shapes::AccuroDate;
/// let d: AccuroDate = "2019-01-31".parse().unwrap();
/// assert_eq!(d.to_string(), "2019-01-31");
/// assert!("2019-01-31T00:00:00.000".parse::<AccuroDate>().is_err());
/// assert!("2019-02-29".parse::<AccuroDate>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccuroDate(NaiveDate);

impl AccuroDate {
    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }

    pub(super) fn is_writable(&self) -> bool {
        form::year_is_writable(self.0.year())
    }
}

impl FromStr for AccuroDate {
    type Err = ShapeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<AccuroPartialDate>()
            .ok()
            .filter(|d| d.precision() == Precision::Day)
            .and_then(|d| d.to_date())
            .map(Self)
            .ok_or(ShapeError { expected: DATE })
    }
}

impl fmt::Display for AccuroDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        form::write_year(f, self.0.year())?;
        write!(f, "-{:02}-{:02}", self.0.month(), self.0.day())
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

string_shape!(AccuroDate, DATE);
