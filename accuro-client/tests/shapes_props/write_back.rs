//! Every valid value, in any of its forms or made from chrono's types,
//! writes back byte for byte.

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, Precision};
use chrono::{FixedOffset, NaiveDate, TimeDelta, Timelike};
use proptest::prelude::*;

use crate::check::round_trip;
use crate::spec::{OffsetSpec, date_time_spec, naive_date_time, spec, spec_with};

proptest! {
    #![proptest_config(crate::config())]

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
}
