//! Every example QHR's OpenAPI file gives for the schemas and operations our
//! spec covers decodes through the generated types.
//!
//! The file is QHR's "Accuro Rest API" OpenAPI document (10.13.0 is in
//! `../shared/reference/`); point `ACCURO_VENDOR_SPEC` at it. Without it the
//! test says loudly that it skipped, and fails when `CI` is set.
//!
//! What is decoded:
//! - for each schema of ours that names QHR's schemas (`x-accuro-vendor-schema`),
//!   one full instance of each named QHR schema built from its property
//!   examples, recursively (QHR's descriptions call these examples "the ideal
//!   scenario where all the fields are not null"): every property is present,
//!   with its `example`, else its first `enum` value, else a value of its type;
//! - the schema-level `example` of those QHR schemas (an array example of an
//!   object schema is read as a list of it);
//! - the request and response examples of the QHR operations our spec covers,
//!   through the schema our spec gives that body.
//!
//! An example that contradicts its own QHR schema's type (an integer example
//! for an object schema) cannot be an answer of the server; it is listed, and
//! must be named in [`SELF_CONTRADICTING`] with the reason, so a new one fails.

use std::collections::{BTreeMap, BTreeSet};

use accuro_client::types;
use accuro_tests::decode_value as decode;
use serde_json::{Value, json};

/// QHR schemas whose schema-level example is not an instance of the schema
/// itself, with why the server cannot send it.
const SELF_CONTRADICTING: [(&str, &str); 2] = [
    (
        "ImmunizationAgeDto",
        "its example is the integer 5, but the DTO (and the server's answer) is an object \
         with id, years, months, customName and fromScheduledDate",
    ),
    (
        "CodeValueDto",
        "its example is the string \"Continued - See Comments\" (a code's description), \
         but the DTO is an object with code, description, deleted and codeOrder",
    ),
];

type Decode = fn(&Value) -> Result<(), String>;

/// Our schemas that name QHR schemas, by name, with their generated type
/// (the list is generated from the spec with the client: `tests/src/every_call.rs`).
fn decoders() -> BTreeMap<&'static str, Decode> {
    accuro_tests::vendor_schema_decoders().into_iter().collect()
}

/// QHR schemas typed as an object whose own example is what the server
/// writes (our spec follows the example), with why.
const EXAMPLE_IS_THE_WIRE: [(&str, &str); 1] = [(
    "AccuroCalendar",
    "a java.util.Calendar typed as an object, whose example is the date string \
     `2018-07-13`: the server writes the date (our spec: AccuroPartialDate)",
)];

/// Operation examples that contradict the vendor file's own schema for
/// them, with why the server cannot send them.
const CONTRADICTING_OPERATION_EXAMPLES: [(&str, &str); 1] = [(
    "PATCH /v1/provider-portal/scheduler/appointments/{} request example",
    "`accessionNumber: 123`, but AppointmentDto types it a read-only string of at most 50 \
     characters (`2020-00-022244`)",
)];

struct Docs {
    ours: Value,
    vendor: Value,
}

impl Docs {
    fn vendor_schema(&self, name: &str) -> Option<&Value> {
        self.vendor.pointer(&format!("/components/schemas/{name}"))
    }

    fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
        let mut value = value;
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// A full instance of a QHR schema, from its property examples.
    fn instance(&self, schema: &Value, depth: usize) -> Value {
        let wire = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .filter(|name| EXAMPLE_IS_THE_WIRE.iter().any(|(n, _)| n == name));
        let schema = Self::resolve(&self.vendor, schema);
        if depth > 40 {
            return Value::Null;
        }
        if let (Some(_), Some(example)) = (wire, schema.get("example")) {
            return example.clone();
        }
        // A Java attachment class marked `format: binary` is a file's bytes.
        if schema.get("format").and_then(Value::as_str) == Some("binary") {
            return json!("AAAA");
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let object = props
                .iter()
                .map(|(name, prop)| (name.clone(), self.property(prop, depth)))
                .collect();
            return Value::Object(object);
        }
        if let Some(example) = schema
            .get("example")
            .filter(|e| json_type_matches(schema, e))
        {
            return example.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                json!([self.instance(&items, depth + 1)])
            }
            Some("integer") => json!(1),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("object") => json!({}),
            _ => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2019-01-31"),
                Some("date-time") => json!("2019-01-31T00:00:00.000"),
                Some("uuid") => json!("00000000-0000-4000-8000-000000000000"),
                _ => json!("synthetic"),
            },
        }
    }

    fn property(&self, prop: &Value, depth: usize) -> Value {
        if prop.get("$ref").is_some() {
            return self.instance(prop, depth + 1);
        }
        // A property example of another JSON type than the property's
        // (`reactions`, an array, with the example "RashHives") says nothing
        // of the wire: an instance of the type stands in for it.
        if let Some(example) = prop.get("example").filter(|e| json_type_matches(prop, e)) {
            return example.clone();
        }
        self.instance(prop, depth + 1)
    }

    /// Our operations, keyed like QHR's: `GET /v1/offices`.
    fn our_operations(&self) -> BTreeMap<String, &Value> {
        let mut out = BTreeMap::new();
        for (path, item) in self.ours["paths"].as_object().into_iter().flatten() {
            let Some(vendor_path) = path.strip_prefix("/rest") else {
                continue;
            };
            for (method, op) in item.as_object().into_iter().flatten() {
                out.insert(
                    format!("{} {}", method.to_uppercase(), normalise(vendor_path)),
                    op,
                );
            }
        }
        out
    }
}

/// `{anyName}` → `{}`, so renamed path parameters still match.
fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes `value` through the type our spec gives `schema`.
fn decode_as(ours: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
    {
        return match decoders().get(name) {
            Some(decode) => decode(value),
            None => decode_as(ours, Docs::resolve(ours, schema), value),
        };
    }
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("array"), Value::Array(items)) => {
            items.iter().enumerate().try_for_each(|(i, item)| {
                decode_as(ours, &schema["items"], item).map_err(|e| format!("[{i}] {e}"))
            })
        }
        (Some("string"), v) => decode::<String>(v),
        (Some("integer"), v) => decode::<i64>(v),
        (Some("boolean"), v) => decode::<bool>(v),
        (Some("object"), v) if schema.get("additionalProperties").is_some() => {
            decode::<types::IdNameMap>(v)
        }
        (Some("object"), v) => decode::<serde_json::Map<String, Value>>(v),
        (kind, _) => Err(format!("no decoder for a body of type {kind:?}")),
    }
}

fn examples_of(media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(example) = media.get("example") {
        out.push(("example".to_owned(), example.clone()));
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(value) = example.get("value") {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

fn json_type_matches(schema: &Value, value: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    }
}

#[test]
fn every_vendor_example_decodes_through_the_generated_types() {
    let Some(path) = std::env::var_os("ACCURO_VENDOR_SPEC") else {
        eprintln!(
            "\n*** SKIPPED vendor_examples: set ACCURO_VENDOR_SPEC to QHR's OpenAPI file \
             (../shared/reference/accuro-rest-api-10.13.0.json) ***\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "ACCURO_VENDOR_SPEC is not set in CI: the vendor examples were not checked"
        );
        return;
    };
    let vendor: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read ACCURO_VENDOR_SPEC"))
            .expect("QHR's file is JSON");
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml");
    let ours: Value =
        serde_yaml::from_str(&std::fs::read_to_string(spec).expect("read the spec")).expect("YAML");
    let docs = Docs { ours, vendor };
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
