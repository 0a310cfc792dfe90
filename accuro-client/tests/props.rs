//! Property tests of the error body, [`ApiError`]: whatever the server sends,
//! reading it never panics, and printing it never shows a refused value
//! (`constraintViolations[].value`) nor a number of four digits or more that
//! was in the answer (a PHN, a date, a phone number): such server texts are
//! withheld. 512 cases each.

use accuro_client::ApiError;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// A server text: plain words, digit runs, e-mail addresses, known messages,
/// long texts, and arbitrary characters (all shorter than 1,000 characters,
/// so a withheld text's length has at most three digits).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..40).prop_map(String::from_iter),
        "[A-Za-z .,:;!?'()_-]{0,60}",
        "[0-9]{1,14}",
        "[A-Za-z ]{0,12}[0-9]{4,12}[A-Za-z .]{0,12}",
        "[A-Za-z ]{0,8}[0-9]{1,3}[-/ ][0-9]{1,3}[-/ ][0-9]{1,4}",
        "[a-z]{2,8}@[a-z]{2,8}\\.invalid",
        "(Unable to process json\\. Invalid value at field\\(s\\): |Configuration error: )[a-z.]{0,20}[0-9]{0,6}",
        Just("Access is denied".to_owned()),
        Just("Required Parameter Missing.".to_owned()),
        "[A-Za-z ]{195,260}",
        "[\\PC]{0,30}",
    ]
}

/// Keys: those of both error shapes, and any text.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "code", "message", "error", "constraintViolations", "field", "value", "constraint",
        ])
        .prop_map(str::to_owned),
        1 => text(),
    ]
}

/// Any JSON value, nested up to a few levels.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // non-finite: null
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(key(), inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value shaped like one of Accuro's error bodies (each member may be of
/// the wrong type), so that most cases decode.
fn error_shaped() -> impl Strategy<Value = Value> {
    let field_value = prop_oneof![
        3 => text().prop_map(Value::String),
        1 => json(),
    ];
    let refused = prop_oneof![
        3 => text().prop_map(Value::String),
        1 => json(),
    ];
    let violation = (
        proptest::option::of(field_value.clone()),
        proptest::option::of(refused),
        proptest::option::of(field_value.clone()),
    )
        .prop_map(|(field, value, constraint)| {
            let mut v = Map::new();
            v.extend(field.map(|f| ("field".to_owned(), f)));
            v.extend(value.map(|x| ("value".to_owned(), x)));
            v.extend(constraint.map(|c| ("constraint".to_owned(), c)));
            Value::Object(v)
        });
    (
        proptest::option::of(prop_oneof![
            text().prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            json(),
        ]),
        proptest::option::of(field_value.clone()),
        proptest::option::of(field_value),
        proptest::option::of(vec(violation, 0..5)),
        btree_map(text(), json(), 0..3),
    )
        .prop_map(|(code, message, error, violations, extra)| {
            let mut v: Map<String, Value> = extra.into_iter().collect();
            v.extend(code.map(|c| ("code".to_owned(), c)));
            v.extend(message.map(|m| ("message".to_owned(), m)));
            v.extend(error.map(|e| ("error".to_owned(), e)));
            v.extend(violations.map(|vs| ("constraintViolations".to_owned(), Value::Array(vs))));
            Value::Object(v)
        })
}

/// Every text of a JSON value (keys, strings, and numbers as written).
fn texts_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| texts_in(v, out)),
        Value::Object(members) => {
            for (k, v) in members {
                out.push(k.clone());
                texts_in(v, out);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

/// The strings inside the `value`s of the violations that decoded.
fn refused_values(api: &ApiError) -> Vec<String> {
    let mut out = Vec::new();
    for v in api.constraint_violations.iter().flatten() {
        if let Some(value) = &v.value {
            let mut texts = Vec::new();
            texts_in(value, &mut texts);
            out.extend(texts);
        }
    }
    out
}

/// Maximal runs of ASCII digits of at least four.
fn digit_runs(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() >= 4)
        .collect()
}

/// `Debug` writes some characters as `\u{2028}`: those digits are not the
/// server's.
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        rest = &rest[at + 3..];
        rest = rest.find('}').map_or("", |end| &rest[end + 1..]);
    }
    out.push_str(rest);
    out
}

fn render(api: &ApiError) -> String {
    format!("{api}\n{api:?}\n{api:#?}")
}

/// The properties, for an input that decoded to `api`.
fn check(input: &Value, api: &ApiError) -> Result<(), TestCaseError> {
    let shown = render(api);
    // Values are never printed: the same error with every value replaced
    // prints the same.
    let mut constant = api.clone();
    for v in constant.constraint_violations.iter_mut().flatten() {
        if v.value.is_some() {
            v.value = Some(Value::Bool(true));
        }
    }
    let baseline = render(&constant);
    prop_assert_eq!(&shown, &baseline);
    for value in refused_values(api) {
        // A value that is also, say, the error text may be printed as that.
        if value.chars().count() >= 6 && !baseline.contains(&value) {
            prop_assert!(
                !shown.contains(&value),
                "refused value {:?} printed: {}",
                value,
                shown
            );
        }
    }
    let mut texts = Vec::new();
    texts_in(input, &mut texts);
    let cleaned = without_escapes(&shown);
    for text in &texts {
        for run in digit_runs(text) {
            prop_assert!(
                !cleaned.contains(run),
                "digit run {:?} printed: {}",
                run,
                shown
            );
        }
    }
    Ok(())
}

proptest! {
    // No regression files written into the source tree: a failure prints
    // its minimal input.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn error_bodies_never_show_refused_values_or_long_numbers(input in prop_oneof![error_shaped(), json()]) {
        if let Ok(api) = serde_json::from_value::<ApiError>(input.clone()) {
            check(&input, &api)?;
        }
        // The same through the byte path the client uses.
        let bytes = serde_json::to_vec(&input).expect("serialise");
        if let Ok(api) = serde_json::from_slice::<ApiError>(&bytes) {
            check(&input, &api)?;
        }
    }

    #[test]
    fn any_bytes_read_as_an_error_body_without_panicking(
        bytes in prop_oneof![
            vec(any::<u8>(), 0..300),
            any::<String>().prop_map(String::into_bytes),
            error_shaped().prop_map(|v| {
                // Cut a well-formed body short somewhere.
                let mut b = serde_json::to_vec(&v).expect("serialise");
                let cut = b.len() / 2;
                b.truncate(cut);
                b
            }),
        ]
    ) {
        if let Ok(api) = serde_json::from_slice::<ApiError>(&bytes) {
            let _ = render(&api);
            if let Ok(input) = serde_json::from_slice::<Value>(&bytes) {
                check(&input, &api)?;
            }
        }
    }
}

/// Finding: a number written in non-ASCII digits (fullwidth here) is not
/// recognised as a number, so a server text echoing a PHN that way is printed.
#[test]

fn a_number_in_non_ascii_digits_is_withheld() {
    let phn = "\u{ff19}\u{ff18}\u{ff17}\u{ff16}\u{ff15}\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}";
    let api: ApiError =
        serde_json::from_value(serde_json::json!({"error": format!("PHN {phn} is not valid")}))
            .expect("decodes");
    let shown = render(&api);
    assert!(!shown.contains(phn), "{shown}");
}
