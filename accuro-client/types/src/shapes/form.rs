//! The pieces of Accuro's date and time grammar shared by the shapes: a byte
//! cursor, the separator, the UTC offset and the writers.
//!
//! Everything here works on bytes after the input was found to be ASCII, so
//! no slicing can split a character, and all arithmetic on input is checked.

use std::fmt;

use chrono::{FixedOffset, Offset as _, Utc};

/// `10^(9 - n)`, the nanoseconds one unit of an `n`-digit fraction is worth.
const FRACTION_UNIT: [u32; 10] = [
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
    1,
];

/// The most fraction digits read: nanoseconds.
pub(super) const MAX_FRACTION_DIGITS: u8 = 9;

/// The years Accuro's four-digit form can write.
pub(super) fn year_is_writable(year: i32) -> bool {
    (0..=9999).contains(&year)
}

/// A read position over an ASCII string.
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// `None` unless the text is ASCII (none of Accuro's forms has anything else).
    pub(super) fn new(text: &'a str) -> Option<Self> {
        text.is_ascii().then_some(Self {
            bytes: text.as_bytes(),
            pos: 0,
        })
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    /// Takes `byte` if it is next.
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.bump();
        }
        found
    }

    /// Takes `byte`, which must be next.
    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Takes one ASCII digit.
    pub(super) fn digit(&mut self) -> Option<u32> {
        let d = self.peek().filter(u8::is_ascii_digit)?.checked_sub(b'0')?;
        self.bump();
        Some(u32::from(d))
    }

    /// Takes exactly `n` ASCII digits (`n` at most 9) as a number.
    pub(super) fn digits(&mut self, n: usize) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| {
            let d = self.digit()?;
            acc.checked_mul(10)?.checked_add(d)
        })
    }

    /// Takes one to nine fraction digits: `(nanoseconds, digit count)`.
    pub(super) fn fraction(&mut self) -> Option<(u32, u8)> {
        let mut value = 0u32;
        let mut count = 0u8;
        while count < MAX_FRACTION_DIGITS && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            let d = self.digit()?;
            value = value.checked_mul(10)?.checked_add(d)?;
            count = count.checked_add(1)?;
        }
        if count == 0 {
            return None;
        }
        Some((value.checked_mul(fraction_unit(count))?, count))
    }
}

fn fraction_unit(digits: u8) -> u32 {
    FRACTION_UNIT.get(usize::from(digits)).copied().unwrap_or(1)
}

/// Nanoseconds cut to `digits` fraction digits.
pub(super) fn truncate_nanos(nanos: u32, digits: u8) -> u32 {
    let unit = fraction_unit(digits);
    nanos
        .checked_rem(unit)
        .map_or(nanos, |rest| nanos.saturating_sub(rest))
}

/// What stands between the date and the time of day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum Separator {
    /// `T`, as the server writes.
    T,
    /// A single space, as in some documented examples.
    Space,
}

impl Separator {
    pub(super) fn parse(c: &mut Cursor<'_>) -> Option<Self> {
        if c.eat(b'T') {
            Some(Self::T)
        } else if c.eat(b' ') {
            Some(Self::Space)
        } else {
            None
        }
    }

    pub(super) fn as_char(self) -> char {
        match self {
            Self::T => 'T',
            Self::Space => ' ',
        }
    }
}

/// How a numeric offset was written.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum OffsetStyle {
    /// `±HH`
    Hours,
    /// `±HHMM`, Java's `Z` pattern and Accuro's canonical form.
    Basic,
    /// `±HH:MM`, RFC 3339.
    Extended,
}

/// A UTC offset as it was written, so that `Z`, `+0000`, `-0000`, `+00:00`
/// and `+00` each write back as read.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum Offset {
    /// `Z`
    Utc,
    /// A sign, hours (0 to 23) and minutes (0 to 59; 0 in the `±HH` style).
    Numeric {
        negative: bool,
        hours: u8,
        minutes: u8,
        style: OffsetStyle,
    },
}

impl Offset {
    /// `Z`, `±HH`, `±HHMM` or `±HH:MM`, up to 23:59.
    pub(super) fn parse(c: &mut Cursor<'_>) -> Option<Self> {
        if c.eat(b'Z') {
            return Some(Self::Utc);
        }
        let negative = if c.eat(b'-') {
            true
        } else if c.eat(b'+') {
            false
        } else {
            return None;
        };
        let hours = c.digits(2)?;
        let (minutes, style) = if c.eat(b':') {
            (c.digits(2)?, OffsetStyle::Extended)
        } else if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            (c.digits(2)?, OffsetStyle::Basic)
        } else {
            (0, OffsetStyle::Hours)
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        Some(Self::Numeric {
            negative,
            hours: u8::try_from(hours).ok()?,
            minutes: u8::try_from(minutes).ok()?,
            style,
        })
    }

    /// Accuro's canonical `±HHMM` for `offset`, and the seconds that form
    /// cannot write (signed like the offset), left over.
    pub(super) fn canonical(offset: FixedOffset) -> (Self, i32) {
        let secs = offset.local_minus_utc();
        let abs = secs.unsigned_abs();
        // |secs| < 86 400, so the hours fit (0 to 23).
        let hours = u8::try_from(abs / 3600).unwrap_or(23);
        let minutes = u8::try_from(abs % 3600 / 60).unwrap_or(59);
        let rest = i32::try_from(abs % 60).unwrap_or(0);
        let offset = Self::Numeric {
            // Less than a minute west is `+0000`, not `-0000`.
            negative: secs < 0 && (hours, minutes) != (0, 0),
            hours,
            minutes,
            style: OffsetStyle::Basic,
        };
        let rest = if secs < 0 {
            rest.saturating_neg()
        } else {
            rest
        };
        (offset, rest)
    }

    /// The same offset in Accuro's canonical `±HHMM` (`Z` and `-0000` become
    /// `+0000`).
    pub(super) fn to_canonical(self) -> Self {
        Self::canonical(self.fixed()).0
    }

    /// The offset's value.
    pub(super) fn fixed(self) -> FixedOffset {
        match self {
            Self::Utc => Utc.fix(),
            Self::Numeric {
                negative,
                hours,
                minutes,
                ..
            } => {
                let secs = i32::from(hours)
                    .checked_mul(3600)
                    .and_then(|h| h.checked_add(i32::from(minutes).checked_mul(60)?));
                let secs = if negative {
                    secs.and_then(i32::checked_neg)
                } else {
                    secs
                };
                secs.and_then(FixedOffset::east_opt)
                    .unwrap_or_else(|| Utc.fix())
            }
        }
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Utc => f.write_str("Z"),
            Self::Numeric {
                negative,
                hours,
                minutes,
                style,
            } => {
                let sign = if negative { '-' } else { '+' };
                match style {
                    OffsetStyle::Hours => write!(f, "{sign}{hours:02}"),
                    OffsetStyle::Basic => write!(f, "{sign}{hours:02}{minutes:02}"),
                    OffsetStyle::Extended => write!(f, "{sign}{hours:02}:{minutes:02}"),
                }
            }
        }
    }
}

/// Writes a year in four digits; a year outside 0000 to 9999 (only possible
/// for a value built from `chrono`) is written as `chrono` does (`+10000`).
pub(super) fn write_year(f: &mut fmt::Formatter<'_>, year: i32) -> fmt::Result {
    if year_is_writable(year) {
        write!(f, "{year:04}")
    } else {
        write!(f, "{year:+05}")
    }
}

/// Writes `.` and the first `digits` fraction digits of `nanos`.
pub(super) fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: u32, digits: u8) -> fmt::Result {
    let scaled = nanos.checked_div(fraction_unit(digits)).unwrap_or(0);
    write!(f, ".{scaled:0width$}", width = usize::from(digits))
}
