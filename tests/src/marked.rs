//! Marked instances of the spec's schemas, for the health-data test: every
//! property present, every value that may be health data (`x-accuro-phi`
//! not `false`) a unique marker that must never be printed, and every value
//! marked safe a unique value that must be.
//!
//! Built from the spec itself (not from the generated code), so that the
//! test and the generator read the decisions independently: a generator
//! that printed a health-data field, or redacted a safe one, fails it.

use serde_json::{Map, Value as Json};
use serde_yaml::{Mapping, Value};

/// A synthetic date that stands for a person's (a birthday): never printed.
pub const SECRET_DATE: &str = "1911-11-11";

/// One instance and what its printing must (not) show.
#[derive(Debug, Default)]
pub struct Marked {
    /// The JSON value.
    pub value: Json,
    /// Texts that must not appear in its `Debug`.
    pub secret: Vec<String>,
    /// Texts that must appear in its `Debug` (values of safe fields).
    pub shown: Vec<String>,
}

/// Builds marked instances of the schemas of a spec.
pub struct Marker<'a> {
    schemas: &'a Mapping,
    next: u32,
    /// Which alternative of a `oneOf`/`anyOf` to build (the first when
    /// there are fewer).
    alternative: usize,
}

/// The component schemas of the spec text.
pub fn schemas(spec: &Value) -> Mapping {
    spec.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default()
}

const VALUE_SHAPES: &[&str] = &[
    "AccuroDateTime",
    "AccuroDate",
    "AccuroPartialDate",
    "HhmmTime",
    "LenientInt",
];

impl<'a> Marker<'a> {
    /// A marker over `schemas` (see [`schemas`]).
    pub fn new(schemas: &'a Mapping) -> Self {
        Self {
            schemas,
            next: 0,
            alternative: 0,
        }
    }

    /// A marked instance of the schema `name`, taking alternative
    /// `alternative` of every `oneOf`/`anyOf` that has that many.
    pub fn instance_with(&mut self, name: &str, alternative: usize) -> Marked {
        self.alternative = alternative;
        let marked = self.instance(name);
        self.alternative = 0;
        marked
    }

    /// A marked instance of the schema `name`.
    pub fn instance(&mut self, name: &str) -> Marked {
        let mut out = Marked::default();
        let reference = Value::from(format!("#/components/schemas/{name}"));
        let mut schema = Mapping::new();
        schema.insert("$ref".into(), reference);
        let mut stack = Vec::new();
        out.value = self
            .build(&Value::Mapping(schema), None, false, &mut stack, &mut out)
            .unwrap_or(Json::Null);
        out
    }

    fn number(&mut self) -> u32 {
        self.next = self.next.saturating_add(1);
        self.next
    }

    /// `decision`: the property's `x-accuro-phi` (or the schema's own);
    /// `hidden`: a container above is printed as `[redacted]` whole.
    fn build(
        &mut self,
        schema: &Value,
        decision: Option<bool>,
        hidden: bool,
        stack: &mut Vec<String>,
        out: &mut Marked,
    ) -> Option<Json> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
            if VALUE_SHAPES.contains(&name.as_str()) {
                return Some(self.shape(&name, decision, hidden, out));
            }
            if stack.contains(&name) || stack.len() > 12 {
                return None;
            }
            let target = self.schemas.get(name.as_str())?.clone();
            stack.push(name);
            let own = target.get("x-accuro-phi").and_then(Value::as_bool);
            let built = self.build(&target, own.or(decision), hidden, stack, out);
            stack.pop();
            return built;
        }
        for combinator in ["oneOf", "anyOf"] {
            if let Some(Value::Sequence(parts)) = schema.get(combinator)
                && let Some(first) = parts.get(self.alternative).or_else(|| parts.first())
            {
                let own = schema.get("x-accuro-phi").and_then(Value::as_bool);
                return self.build(first, own.or(decision), hidden, stack, out);
            }
        }
        if let Some(Value::Sequence(parts)) = schema.get("allOf") {
            let mut merged = Map::new();
            for part in parts {
                if let Some(Json::Object(m)) = self.build(part, decision, hidden, stack, out) {
                    merged.extend(m);
                }
            }
            return Some(Json::Object(merged));
        }
        let redacted = hidden || decision != Some(false);
        let kind = schema.get("type").and_then(Value::as_str);
        if let Some(Value::Sequence(values)) = schema.get("enum") {
            return values.first().and_then(|v| serde_json::to_value(v).ok());
        }
        Some(match kind {
            Some("string") => {
                let n = self.number();
                let text = match schema.get("format").and_then(Value::as_str) {
                    Some("uuid") if redacted => format!("91111111-1111-4111-8111-{n:012}"),
                    Some("uuid") => format!("72222222-2222-4222-8222-{n:012}"),
                    Some("email") if redacted => format!("phimark{n}@mark.example"),
                    Some("email") => format!("safeval{n}@mark.example"),
                    Some("binary" | "byte") => return Some(Json::from("AAAA")),
                    _ if redacted => format!("PHIMARK{n}X"),
                    _ => format!("SAFEVAL{n}X"),
                };
                self.record(text.clone(), redacted, hidden, out);
                Json::from(text)
            }
            Some(kind @ ("integer" | "number")) => {
                // Numbers whole and below 2^24: exact in an `f32` too.
                let (secret, safe) = if kind == "integer" {
                    (91_000_000, 72_000_000)
                } else {
                    (9_300_000, 7_400_000)
                };
                let value = self.number() + if redacted { secret } else { safe };
                self.record(value.to_string(), redacted, hidden, out);
                if kind == "integer" {
                    Json::from(value)
                } else {
                    Json::from(f64::from(value))
                }
            }
            Some("boolean") => Json::from(true),
            Some("array") => match schema.get("items") {
                Some(items) => match self.build(items, decision, hidden, stack, out) {
                    Some(item) => Json::Array(vec![item]),
                    None => Json::Array(Vec::new()),
                },
                None => Json::Array(Vec::new()),
            },
            _ => self.object(schema, decision, hidden, stack, out),
        })
    }

    fn object(
        &mut self,
        schema: &Value,
        decision: Option<bool>,
        hidden: bool,
        stack: &mut Vec<String>,
        out: &mut Marked,
    ) -> Json {
        let mut object = Map::new();
        if let Some(Value::Mapping(properties)) = schema.get("properties") {
            for (key, property) in properties {
                let Some(key) = key.as_str() else { continue };
                let own = property.get("x-accuro-phi").and_then(Value::as_bool);
                if let Some(value) = self.build(property, own, hidden, stack, out) {
                    object.insert(key.to_owned(), value);
                }
            }
        } else if let Some(values) = schema
            .get("additionalProperties")
            .filter(|v| v.is_mapping())
        {
            // A map: its keys may be data too (a name used as a key).
            let redacted = hidden || decision != Some(false);
            let n = self.number();
            let key = if redacted {
                format!("PHIKEY{n}X")
            } else {
                format!("SAFEKEY{n}X")
            };
            self.record(key.clone(), redacted, hidden, out);
            if let Some(value) = self.build(values, decision, redacted, stack, out) {
                object.insert(key, value);
            }
        }
        Json::Object(object)
    }

    fn shape(
        &mut self,
        name: &str,
        decision: Option<bool>,
        hidden: bool,
        out: &mut Marked,
    ) -> Json {
        let redacted = hidden || decision != Some(false);
        // Each safe date its own, so that one hidden by mistake is missed.
        let n = self.number();
        let shown = format!("{:04}-{:02}-{:02}", 1950 + n % 70, 1 + n % 12, 1 + n % 28);
        let date = if redacted {
            SECRET_DATE
        } else {
            shown.as_str()
        };
        let (value, text) = match name {
            "AccuroDateTime" => (Json::from(format!("{date}T11:11:11.000Z")), date.to_owned()),
            "AccuroDate" => (Json::from(date), date.to_owned()),
            "AccuroPartialDate" => (Json::from(&date[..7]), date[..7].to_owned()),
            "HhmmTime" => return Json::from(1111),
            _ => return Json::from(1),
        };
        self.record(text, redacted, hidden, out);
        value
    }

    fn record(&self, text: String, redacted: bool, hidden: bool, out: &mut Marked) {
        if redacted {
            out.secret.push(text);
        } else if !hidden {
            out.shown.push(text);
        }
    }
}
