//! The test: every QHR example for what our spec covers decodes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::decoding::{decode_as, examples_of, json_type_matches};
use crate::docs::{Docs, normalise};
use crate::{CONTRADICTING_OPERATION_EXAMPLES, SELF_CONTRADICTING, decoders};

/// QHR's file (`ACCURO_VENDOR_SPEC`) beside our spec; `None`, said loudly,
/// without it (and a failure when `CI` is set).
fn docs() -> Option<Docs> {
    let Some(path) = std::env::var_os("ACCURO_VENDOR_SPEC") else {
        eprintln!(
            "\n*** SKIPPED vendor_examples: set ACCURO_VENDOR_SPEC to QHR's OpenAPI file \
             (../shared/reference/accuro-rest-api-10.13.0.json) ***\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "ACCURO_VENDOR_SPEC is not set in CI: the vendor examples were not checked"
        );
        return None;
    };
    let vendor: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read ACCURO_VENDOR_SPEC"))
            .expect("QHR's file is JSON");
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml");
    let ours: Value =
        serde_yaml::from_str(&std::fs::read_to_string(spec).expect("read the spec")).expect("YAML");
    Some(Docs { ours, vendor })
}

#[test]
fn every_vendor_example_decodes_through_the_generated_types() {
    let Some(docs) = docs() else {
        return;
    };
    let decoders = decoders();

    let mut decoded = 0usize;
    let mut failures = Vec::new();
    let mut contradicting = BTreeSet::new();
    let mut check = |what: String, outcome: Result<(), String>| match outcome {
        Ok(()) => decoded += 1,
        Err(e) => failures.push(format!("{what}: {e}")),
    };

    // Schemas.
    let mut claimed = BTreeSet::new();
    for (ours_name, schema) in docs.ours["components"]["schemas"]
        .as_object()
        .expect("schemas")
    {
        let Some(vendor_names) = schema
            .get("x-accuro-vendor-schema")
            .and_then(Value::as_array)
        else {
            continue;
        };
        let decode = decoders
            .get(ours_name.as_str())
            .unwrap_or_else(|| panic!("{ours_name} names a QHR schema but has no decoder here"));
        claimed.insert(ours_name.as_str());
        for vendor_name in vendor_names.iter().filter_map(Value::as_str) {
            let vendor_schema = docs
                .vendor_schema(vendor_name)
                .unwrap_or_else(|| panic!("{ours_name}: QHR's file has no schema {vendor_name}"));
            let instance = docs.instance(vendor_schema, 0);
            check(
                format!("{ours_name} <- full instance of {vendor_name}"),
                decode(&instance),
            );
            let Some(example) = vendor_schema.get("example") else {
                continue;
            };
            let is_list_of_it = example.is_array()
                && vendor_schema.get("type").and_then(Value::as_str) == Some("object");
            if is_list_of_it {
                for (i, item) in example.as_array().into_iter().flatten().enumerate() {
                    check(
                        format!("{ours_name} <- {vendor_name} example[{i}]"),
                        decode(item),
                    );
                }
            } else if json_type_matches(vendor_schema, example) || decode(example).is_ok() {
                check(
                    format!("{ours_name} <- {vendor_name} example"),
                    decode(example),
                );
            } else {
                contradicting.insert(vendor_name.to_owned());
            }
        }
    }
    let unused: Vec<_> = decoders.keys().filter(|k| !claimed.contains(*k)).collect();
    assert!(
        unused.is_empty(),
        "decoders for schemas that name no QHR schema: {unused:?}"
    );

    // Operations.
    let vendor_ops: BTreeMap<String, &Value> = docs.vendor["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(m, op)| (format!("{} {}", m.to_uppercase(), normalise(path)), op))
        })
        .collect();
    let mut operations = 0;
    for (key, our_op) in docs.our_operations() {
        let Some(vendor_op) = vendor_ops.get(&key) else {
            continue;
        };
        operations += 1;
        let mut bodies = Vec::new();
        if let Some(media) = vendor_op.pointer("/requestBody/content/application~1json") {
            let ours = our_op.pointer("/requestBody/content/application~1json/schema");
            bodies.push((format!("{key} request"), media, ours));
        }
        for (status, response) in vendor_op["responses"].as_object().into_iter().flatten() {
            if let Some(media) = response.pointer("/content/application~1json") {
                let our_response = our_op
                    .pointer(&format!("/responses/{status}"))
                    .map(|r| Docs::resolve(&docs.ours, r));
                let ours =
                    our_response.and_then(|r| r.pointer("/content/application~1json/schema"));
                bodies.push((format!("{key} {status}"), media, ours));
            }
        }
        for (what, media, ours) in bodies {
            for (name, example) in examples_of(media) {
                let Some(ours) = ours else {
                    check(
                        what.clone(),
                        Err(format!(
                            "QHR gives example `{name}` for a body our spec lacks"
                        )),
                    );
                    continue;
                };
                let label = format!("{what} {name}");
                if CONTRADICTING_OPERATION_EXAMPLES
                    .iter()
                    .any(|(known, _)| *known == label)
                {
                    continue;
                }
                check(label, decode_as(&docs.ours, ours, &example));
            }
        }
    }

    let allowed: BTreeSet<String> = SELF_CONTRADICTING
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    eprintln!(
        "vendor examples: {decoded} decoded ({} of our schemas, {operations} shared operations); \
         {} self-contradicting examples skipped: {contradicting:?}",
        claimed.len(),
        contradicting.len()
    );
    assert!(
        failures.is_empty(),
        "vendor examples that do not decode:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        contradicting, allowed,
        "examples contradicting their own QHR schema must be listed in SELF_CONTRADICTING"
    );
}

/// Records written back whole (issue 26): a full instance of each QHR schema
/// named by a schema of ours that is both read and written, with three
/// members neither file knows added at its top level, decodes into our type,
/// goes through its builder, and is written back equal as a JSON value:
/// the members QHR's file has and our spec does not are kept too.
#[test]
fn every_vendor_instance_of_a_type_read_and_written_is_written_back_whole() {
    let Some(docs) = docs() else {
        return;
    };
    let (mut checked, mut problems) = (0usize, Vec::new());
    for (name, round_trip) in accuro_tests::written_back_round_trips() {
        let vendor_names = docs.ours["components"]["schemas"][name]
            .get("x-accuro-vendor-schema")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for vendor_name in vendor_names.iter().filter_map(Value::as_str) {
            let Some(schema) = docs.vendor_schema(vendor_name) else {
                continue;
            };
            let mut instance = docs.instance(schema, 0);
            let Some(members) = instance.as_object_mut() else {
                continue;
            };
            members.insert("zzNumber".into(), serde_json::json!(7.25));
            members.insert("zzText".into(), serde_json::json!("synthetic unknown"));
            members.insert(
                "zzNested".into(),
                serde_json::json!({"a": [1, {"b": null}]}),
            );
            checked += 1;
            match round_trip(&instance) {
                Ok(back) if back == written_as_the_server_writes(&instance) => {}
                Ok(back) => {
                    let lost: Vec<_> = instance
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, v)| back.get(k.as_str()) != Some(*v))
                        .map(|(k, v)| format!("{k}: {v} -> {:?}", back.get(k.as_str())))
                        .collect();
                    problems.push(format!("{name} ({vendor_name}): changed {lost:?}"));
                }
                Err(e) => problems.push(format!("{name} ({vendor_name}): {e}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 30, "only {checked} vendor instances checked");
    eprintln!("{checked} vendor instances of types read and written, written back whole");
}

/// `value` as the server itself writes it, where QHR's file says otherwise:
/// what a round trip through our types may change, and only that.
///
/// - a phone's `order`: QHR's file types it a string (`"1"`), the server
///   writes a number, and `LenientInt` writes the number;
/// - an empty map (`metadata: {}`) is left out, as the server leaves out an
///   empty one: nothing is lost.
fn written_as_the_server_writes(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, v)| !v.as_object().is_some_and(serde_json::Map::is_empty))
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("order", Value::String(s)) => {
                            s.parse::<i64>().map_or_else(|_| v.clone(), Value::from)
                        }
                        _ => written_as_the_server_writes(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(written_as_the_server_writes).collect())
        }
        other => other.clone(),
    }
}
