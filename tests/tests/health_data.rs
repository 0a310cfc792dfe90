//! Health data in types: every generated type, its builder, a page, a
//! `ResponseValue` and the handwritten types print no value the spec calls
//! health data, and every value it calls safe.
//!
//! Each schema gets an instance with every property present (see
//! `accuro_tests::marked`): health-data values are unique markers, safe
//! values unique texts. The instance is decoded into the generated type
//! (`accuro_tests::every_type`, written by `cargo xtask regen` from the
//! generated code) and printed with `{:?}` and `{:#?}`.

use std::collections::BTreeSet;

use accuro_tests::every_type::{DECODED, DECODED_TYPES, FROM_TEXT};
use accuro_tests::marked::{Marker, schemas};

fn spec() -> serde_yaml::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml"))
        .expect("the spec");
    serde_yaml::from_str(&text).expect("the spec parses")
}

#[test]
fn every_generated_type_prints_no_health_data_and_every_safe_value() {
    let spec = spec();
    let schemas = schemas(&spec);
    let mut marker = Marker::new(&schemas);
    let mut problems = Vec::new();
    let mut walked = BTreeSet::new();
    let (mut secrets, mut shown) = (0usize, 0usize);
    for case in DECODED {
        if !schemas.contains_key(case.name) {
            // An inline type (`ColorComponentsColorSpace`, a response's
            // `anyOf`): printed inside the schema that holds it.
            continue;
        }
        let marked = marker.instance(case.name);
        let printed = match (case.decode)(marked.value.clone()) {
            Ok(printed) => printed,
            Err(e) => {
                problems.push(format!(
                    "{}: the marked instance does not decode: {e}",
                    case.name
                ));
                continue;
            }
        };
        walked.insert(case.name);
        secrets += marked.secret.len();
        shown += marked.shown.len();
        let [debug, pretty, revealed] = &printed;
        // The markers are really in the value: `reveal` prints them all.
        for secret in &marked.secret {
            if !revealed.contains(secret.as_str()) {
                problems.push(format!(
                    "{}: `{secret}` is not in the value itself",
                    case.name
                ));
            }
        }
        let mut forms = vec![("{:?}", debug.clone()), ("{:#?}", pretty.clone())];
        if let Some(builder) = case.builder {
            match builder(marked.value.clone()) {
                Ok([b, b_pretty, _]) => {
                    forms.push(("builder {:?}", b));
                    forms.push(("builder {:#?}", b_pretty));
                }
                Err(e) => problems.push(format!("{}: its builder: {e}", case.name)),
            }
        }
        for (form, text) in &forms {
            for secret in &marked.secret {
                if text.contains(secret.as_str()) {
                    problems.push(format!(
                        "{} {form} prints health data `{secret}`",
                        case.name
                    ));
                }
            }
            for value in &marked.shown {
                if !text.contains(value.as_str()) {
                    problems.push(format!(
                        "{} {form} hides the safe value `{value}`",
                        case.name
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Every schema of the spec that is a generated type was walked.
    let generated: BTreeSet<&str> = DECODED.iter().map(|c| c.name).collect();
    let expected: BTreeSet<&str> = schemas
        .keys()
        .filter_map(|k| k.as_str())
        .filter(|name| generated.contains(name))
        .collect();
    assert_eq!(walked, expected);
    assert!(
        walked.len() > 180,
        "{} of {DECODED_TYPES} types walked",
        walked.len()
    );
    assert!(
        secrets > 1000 && shown > 1000,
        "{secrets} markers, {shown} safe values"
    );
}

#[test]
fn every_alternative_of_a_one_of_prints_by_its_decision() {
    let spec = spec();
    let schemas = schemas(&spec);
    let mut marker = Marker::new(&schemas);
    let mut checked = 0;
    for case in DECODED {
        let Some(schema) = schemas.get(case.name) else {
            continue;
        };
        let Some(serde_yaml::Value::Sequence(parts)) = schema.get("oneOf") else {
            continue;
        };
        for alternative in 0..parts.len() {
            let marked = marker.instance_with(case.name, alternative);
            let [debug, pretty, revealed] = (case.decode)(marked.value.clone())
                .unwrap_or_else(|e| panic!("{} alternative {alternative}: {e}", case.name));
            for secret in &marked.secret {
                assert!(
                    revealed.contains(secret.as_str()),
                    "{}: {secret} not in the value",
                    case.name
                );
                assert!(
                    !debug.contains(secret.as_str()) && !pretty.contains(secret.as_str()),
                    "{} alternative {alternative} prints {secret}: {debug}",
                    case.name
                );
            }
            for value in &marked.shown {
                assert!(
                    debug.contains(value.as_str()),
                    "{} hides {value}: {debug}",
                    case.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked} alternatives");
}

#[test]
fn constrained_query_values_print_redacted() {
    assert!(!FROM_TEXT.is_empty());
    for (name, parse) in FROM_TEXT {
        let [debug, pretty, revealed] =
            parse("Samplename").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(revealed.contains("Samplename"), "{name}: {revealed}");
        assert!(
            !debug.contains("Samplename") && !pretty.contains("Samplename"),
            "{name}: {debug}"
        );
    }
}

#[test]
fn pages_and_response_values_print_through_their_types() {
    let spec = spec();
    let schemas = schemas(&spec);
    let mut marker = Marker::new(&schemas);
    let marked = marker.instance("PatientPage");
    let page: accuro_client::types::PatientPage =
        serde_json::from_value(marked.value.clone()).expect("a page");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-request-id", "r-1".parse().expect("a header value"));
    let response = accuro_client::ResponseValue::new(page, reqwest::StatusCode::OK, headers);
    let printed = [format!("{response:?}"), format!("{response:#?}")];
    assert!(marked.secret.len() > 20, "{:?}", marked.secret);
    for text in &printed {
        for secret in &marked.secret {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
        assert!(text.contains("[redacted]"), "{text}");
    }
}

#[test]
fn handwritten_types_print_no_content() {
    let document = accuro_client::Document {
        file_name: "Sample-Person-referral.pdf".into(),
        media_type: "application/pdf; name=Sample-Person".into(),
        bytes: b"PHIMARK-CONTENT".to_vec(),
    };
    for text in [format!("{document:?}"), format!("{document:#?}")] {
        assert!(
            !text.contains("Sample") && !text.contains("PHIMARK"),
            "{text}"
        );
        assert!(text.contains("application/pdf"), "{text}");
    }
}
