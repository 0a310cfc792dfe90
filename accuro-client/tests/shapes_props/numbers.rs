//! Numbers: any integer is an HHMM time or an error without it, and a JSON
//! number is refused for every string shape without being repeated.

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime};
use proptest::prelude::*;

use crate::without_position;

proptest! {
    #![proptest_config(crate::config())]

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
