//! One vendor operation or schema, rewritten in this project's conventions.
//!
//! Values are `serde_yaml::Value`s (JSON is YAML), so key order survives and
//! the YAML written reads in the vendor's order.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

/// Schema keywords dropped on import: constraints that would make the
/// generated types refuse what a real server writes (typify turns `pattern`
/// and lengths into checked newtypes, `minimum: 1` into `NonZero`,
/// `uniqueItems` into sets) or that only the server enforces, and `required`,
/// because the server leaves null fields out of its answers.
const DROPPED: [&str; 15] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "required",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
];

/// The vendor's name of a page of `X`: `EnvelopeDtoX` (`{contents, count,
/// total, lastId}`).
pub const PAGE_PREFIX: &str = "EnvelopeDto";

/// The types a schema may have in OpenAPI 3.0.
const VALID_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Request body media types progenitor cannot send (the layer implements them).
const HANDWRITTEN_BODIES: [&str; 2] = ["multipart/form-data", "application/merge-patch+json"];

/// Error statuses and the shared response each one uses.
const ERROR_RESPONSES: [(&str, &str); 7] = [
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
    ("409", "Conflict"),
    ("413", "TooLarge"),
    ("500", "ServerError"),
];

/// Statuses every imported operation lists: a missing or wrong `uuid` and an
/// unset clinic timezone are 400 on every call, a missing scope or role 401,
/// a provider permission 403, and any call can fail with 500.
const ALWAYS: [&str; 4] = ["400", "401", "403", "500"];

/// What an imported write says of its retry safety until a person has read
/// its description and decided (`x-accuro-idempotent-reason`). Its
/// `x-accuro-idempotent` is `false` meanwhile: never sent twice.
pub const NOT_REVIEWED: &str = "not reviewed";

/// The conversion's state: vendor schema names to ours, and the vendor
/// schemas the converted values refer to.
#[derive(Debug)]
pub struct Converter<'a> {
    vendor: &'a Value,
    names: BTreeMap<String, String>,
    /// Vendor schema names referred to by what was converted.
    pub referenced: BTreeSet<String>,
}

/// What a converted operation needs besides its YAML.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The operation object.
    pub operation: Value,
    /// Whether it is marked `x-accuro-handwritten`, and why.
    pub handwritten: Option<String>,
}

impl<'a> Converter<'a> {
    /// A converter for `vendor`'s schemas, named by `names` (vendor → ours).
    pub fn new(vendor: &'a Value, names: BTreeMap<String, String>) -> Self {
        Self {
            vendor,
            names,
            referenced: BTreeSet::new(),
        }
    }

    /// Our name of a vendor schema.
    pub fn our_name(&self, vendor_name: &str) -> String {
        self.names
            .get(vendor_name)
            .cloned()
            .unwrap_or_else(|| vendor_name.to_owned())
    }

    /// The vendor's schema `name`, converted (its `$ref`s noted in `referenced`).
    pub fn schema_component(&mut self, name: &str) -> Option<Value> {
        let defined = self
            .vendor
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .cloned();
        // QHR's file refers to pages it does not define (`EnvelopeDtoAppointmentDto`).
        let node = match defined {
            Some(node) => node,
            None => page_of(name.strip_prefix(PAGE_PREFIX)?)?,
        };
        let converted = self.schema(&node);
        let mut out = Mapping::new();
        out.insert(
            "x-accuro-vendor-schema".into(),
            Value::Sequence(vec![name.into()]),
        );
        if let Value::Mapping(map) = converted {
            out.extend(map);
        }
        Some(Value::Mapping(out))
    }

    /// A schema rewritten: `$ref`s renamed, Accuro's date shapes for
    /// `date`/`date-time` strings, open enums, constraints dropped.
    pub fn schema(&mut self, node: &Value) -> Value {
        let Value::Mapping(map) = node else {
            return node.clone();
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let target = match reference.strip_prefix("#/components/schemas/") {
                Some(name) if self.is_binary(name) => return binary(),
                Some(name) => {
                    self.referenced.insert(name.to_owned());
                    format!("#/components/schemas/{}", self.our_name(name))
                }
                None => reference.to_owned(),
            };
            return reference_to(&target);
        }
        let text = |key: &str| map.get(key).and_then(Value::as_str);
        if text("format") == Some("binary") {
            // A Java attachment class (CXF's `Attachment`) stands for a file's bytes.
            return binary();
        }
        if text("type").is_some_and(|t| t.eq_ignore_ascii_case("string")) {
            match text("format") {
                Some("date-time") => return reference_to("#/components/schemas/AccuroDateTime"),
                Some("date") => return reference_to("#/components/schemas/AccuroDate"),
                _ => {}
            }
        }
        let mut out = Mapping::new();
        for (key, value) in map {
            let Some(name) = key.as_str() else {
                continue;
            };
            if DROPPED.contains(&name) {
                continue;
            }
            let value = match name {
                // QHR's file writes `String` in places: a type name is lower case.
                "type" => match value.as_str().map(str::to_ascii_lowercase) {
                    Some(t) if VALID_TYPES.contains(&t.as_str()) => Value::String(t),
                    _ => continue,
                },
                "enum" => {
                    out.insert("x-accuro-enum".into(), value.clone());
                    continue;
                }
                // Every imported property is health data until someone
                // decides otherwise (`x-accuro-phi: false`).
                "properties" => match value {
                    Value::Mapping(props) => Value::Mapping(
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), undecided(self.schema(v))))
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => self.schema(value),
                "allOf" | "oneOf" | "anyOf" => match value {
                    Value::Sequence(items) => {
                        Value::Sequence(items.iter().map(|v| self.schema(v)).collect())
                    }
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        Value::Mapping(out)
    }

    /// Whether the vendor's schema `name` is a file's bytes (`format: binary`).
    fn is_binary(&self, name: &str) -> bool {
        self.vendor
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .and_then(|s| s.get("format"))
            .and_then(Value::as_str)
            == Some("binary")
    }

    /// One vendor operation in our conventions.
    pub fn operation(
        &mut self,
        op: &Value,
        method: &str,
        path: &str,
        id: &str,
        area: &str,
    ) -> Converted {
        let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::trim);
        let summary = text("summary")
            .filter(|s| !s.is_empty())
            .map(one_line)
            .unwrap_or_else(|| id.replace('_', " "));
        let description = text("description")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| summary.clone());
        let mut out = Mapping::new();
        out.insert("tags".into(), Value::Sequence(vec![area.into()]));
        out.insert("operationId".into(), id.into());
        out.insert("summary".into(), summary.into());
        out.insert("description".into(), description.into());

        let scopes = scopes(op);
        if !scopes.is_empty() {
            out.insert(
                "x-accuro-scopes".into(),
                Value::Sequence(scopes.into_iter().map(Value::from).collect()),
            );
        }
        // A write's retry safety is a person's decision, read from its
        // description: until then it is never sent twice.
        if matches!(
            method.to_ascii_lowercase().as_str(),
            "post" | "put" | "patch" | "delete"
        ) {
            out.insert("x-accuro-idempotent".into(), false.into());
            out.insert("x-accuro-idempotent-reason".into(), NOT_REVIEWED.into());
        }

        let handwritten = handwritten_reason(op);
        if handwritten.is_some() {
            out.insert("x-accuro-handwritten".into(), id.into());
        }

        let mut parameters = vec![reference_to("#/components/parameters/ClinicUuid")];
        if let Some(Value::Sequence(params)) = op.get("parameters") {
            for param in params {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                if name.trim().eq_ignore_ascii_case("authorization")
                    && param.get("in").and_then(Value::as_str) == Some("header")
                {
                    continue;
                }
                parameters.push(self.parameter(param));
            }
        }
        fix_path_parameters(path, &mut parameters);
        // QHR's file lists some parameters twice (`externalContactId` on the
        // contact search): the first wins.
        let mut seen = BTreeSet::new();
        parameters.retain(|p| {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .map(crate::import::naming::snake);
            let place = p.get("in").and_then(Value::as_str).map(str::to_owned);
            name.is_none() || seen.insert((place, name))
        });
        out.insert("parameters".into(), Value::Sequence(parameters));

        if let Some(Value::Mapping(body)) = op.get("requestBody") {
            out.insert("requestBody".into(), self.request_body(body));
        }
        out.insert("responses".into(), self.responses(op.get("responses")));
        Converted {
            operation: Value::Mapping(out),
            handwritten,
        }
    }

    fn parameter(&mut self, param: &Value) -> Value {
        let Value::Mapping(map) = param else {
            return param.clone();
        };
        let mut out = Mapping::new();
        for (key, value) in map {
            match key.as_str() {
                Some("schema") => {
                    out.insert(key.clone(), self.schema(value));
                }
                Some("example" | "examples") => {}
                // QHR's file has `externalContactId ` (a trailing space).
                Some("name") => {
                    let name = value.as_str().map(str::trim).unwrap_or("");
                    out.insert(key.clone(), name.into());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Mapping(out)
    }

    fn request_body(&mut self, body: &Mapping) -> Value {
        let mut out = Mapping::new();
        if let Some(description) = body.get("description") {
            out.insert("description".into(), description.clone());
        }
        out.insert(
            "required".into(),
            body.get("required").cloned().unwrap_or(Value::Bool(true)),
        );
        out.insert("content".into(), self.content(body.get("content")));
        Value::Mapping(out)
    }

    fn content(&mut self, content: Option<&Value>) -> Value {
        let mut out = Mapping::new();
        if let Some(Value::Mapping(content)) = content {
            for (media_type, entry) in content {
                let mut converted = Mapping::new();
                // No schema says nothing of the body: any JSON value (progenitor needs one).
                let schema = match entry.get("schema") {
                    Some(schema) => self.schema(schema),
                    None => Value::Mapping(Mapping::new()),
                };
                converted.insert("schema".into(), schema);
                out.insert(media_type.clone(), Value::Mapping(converted));
            }
        }
        Value::Mapping(out)
    }

    /// The vendor's success statuses (only the first with a body, when
    /// several differ: progenitor takes one success type), then the shared
    /// error responses for the vendor's error statuses and [`ALWAYS`].
    fn responses(&mut self, responses: Option<&Value>) -> Value {
        let mut statuses: BTreeMap<String, Value> = BTreeMap::new();
        let mut success_body_seen = false;
        if let Some(Value::Mapping(responses)) = responses {
            for (status, response) in responses {
                let status = match status {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                if status.starts_with('2') {
                    let has_body = response
                        .get("content")
                        .and_then(Value::as_mapping)
                        .is_some_and(|c| !c.is_empty());
                    if has_body && success_body_seen {
                        continue;
                    }
                    success_body_seen |= has_body;
                    let mut out = Mapping::new();
                    let description = response
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("Success.");
                    out.insert("description".into(), description.into());
                    if has_body {
                        out.insert("content".into(), self.content(response.get("content")));
                    }
                    statuses.insert(status, Value::Mapping(out));
                } else if let Some((_, name)) = ERROR_RESPONSES.iter().find(|(s, _)| *s == status) {
                    statuses.insert(
                        status,
                        reference_to(&format!("#/components/responses/{name}")),
                    );
                }
            }
        }
        // A body-less success beside one with a body: progenitor takes one.
        if success_body_seen {
            statuses.retain(|status, response| {
                !status.starts_with('2') || response.get("content").is_some()
            });
        }
        for status in ALWAYS {
            if let Some((_, name)) = ERROR_RESPONSES.iter().find(|(s, _)| *s == status) {
                statuses
                    .entry(status.to_owned())
                    .or_insert_with(|| reference_to(&format!("#/components/responses/{name}")));
            }
        }
        Value::Mapping(
            statuses
                .into_iter()
                .map(|(status, response)| (Value::String(status), response))
                .collect(),
        )
    }
}

/// Makes the path parameters match the template: QHR's file names some
/// differently (`userId` for `{id}`) and leaves some out.
fn fix_path_parameters(path: &str, parameters: &mut Vec<Value>) {
    let vars: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
        .collect();
    let is_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let name_of = |p: &Value| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let declared: Vec<String> = parameters
        .iter()
        .filter(|p| is_path(p))
        .map(name_of)
        .collect();
    let mut unmatched_vars: Vec<&String> = vars.iter().filter(|v| !declared.contains(v)).collect();
    for param in parameters.iter_mut().filter(|p| is_path(p)) {
        if vars.contains(&name_of(param)) {
            continue;
        }
        if let (Some(var), Value::Mapping(map)) = (unmatched_vars.first().copied(), &mut *param) {
            map.insert("name".into(), var.as_str().into());
            unmatched_vars.remove(0);
        }
    }
    parameters.retain(|p| !is_path(p) || vars.contains(&name_of(p)));
    for var in unmatched_vars {
        let text = format!(
            "{{\"name\":\"{var}\",\"in\":\"path\",\"required\":true,\"description\":\"The id.\",\"schema\":{{\"type\":\"integer\",\"format\":\"int64\"}}}}"
        );
        if let Ok(param) = serde_yaml::from_str(&text) {
            parameters.push(param);
        }
    }
}

/// Why an operation must be written by hand, if it must: a request body
/// progenitor cannot send, or a multipart answer.
fn handwritten_reason(op: &Value) -> Option<String> {
    let media_types = |node: Option<&Value>| -> Vec<String> {
        node.and_then(|n| n.get("content"))
            .and_then(Value::as_mapping)
            .map(|c| {
                c.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for media_type in media_types(op.get("requestBody")) {
        if HANDWRITTEN_BODIES.contains(&media_type.as_str()) {
            return Some(format!("a `{media_type}` request body"));
        }
    }
    if let Some(Value::Mapping(responses)) = op.get("responses") {
        for (status, response) in responses {
            // A YAML file may write the status as a number (`200:`).
            let success = match status {
                Value::String(s) => s.starts_with('2'),
                Value::Number(n) => n.as_u64().is_some_and(|n| (200..300).contains(&n)),
                _ => false,
            };
            if success
                && media_types(Some(response))
                    .iter()
                    .any(|m| m.starts_with("multipart/"))
            {
                return Some("a multipart answer".into());
            }
        }
    }
    None
}

/// The OAuth2 scopes of the operation's `security`, in the file's order.
fn scopes(op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Sequence(requirements)) = op.get("security") {
        for requirement in requirements {
            if let Value::Mapping(map) = requirement {
                for (_, list) in map {
                    if let Value::Sequence(list) = list {
                        for scope in list.iter().filter_map(Value::as_str) {
                            if !out.iter().any(|s| s == scope) {
                                out.push(scope.to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A page of the vendor's schema `item`, as the server writes every page.
fn page_of(item: &str) -> Option<Value> {
    let text = format!(
        r##"{{"type":"object","description":"A page of results.","properties":{{
            "contents":{{"type":"array","items":{{"$ref":"#/components/schemas/{item}"}}}},
            "count":{{"type":"integer","format":"int32"}},
            "total":{{"type":"integer","format":"int32"}},
            "lastId":{{"type":"integer","format":"int64"}}}}}}"##
    );
    serde_yaml::from_str(&text).ok()
}

/// A file's bytes.
fn binary() -> Value {
    let mut map = Mapping::new();
    map.insert("type".into(), "string".into());
    map.insert("format".into(), "binary".into());
    Value::Mapping(map)
}

fn reference_to(target: &str) -> Value {
    let mut map = Mapping::new();
    map.insert("$ref".into(), target.into());
    Value::Mapping(map)
}

/// The first line of a text, trimmed, without a trailing period.
fn one_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('.')
        .to_owned()
}

/// `property` with `x-accuro-phi: true` when it needs a decision (see
/// [`accuro_gen::phi`]): an imported field is printed only once reviewed.
fn undecided(property: Value) -> Value {
    if !accuro_gen::phi::needs_decision(&property) {
        return property;
    }
    match property {
        Value::Mapping(mut map) => {
            map.insert(accuro_gen::phi::PHI.into(), Value::Bool(true));
            Value::Mapping(map)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn schemas_lose_constraints_and_gain_accuro_shapes() {
        let vendor = yaml(r#"{"components":{"schemas":{"PhoneDto":{"type":"object"}}}}"#);
        let names = [("PhoneDto".to_owned(), "Phone".to_owned())].into();
        let mut cx = Converter::new(&vendor, names);
        let converted = cx.schema(&yaml(
            r##"{"type":"object","required":["a"],"properties":{
                "a":{"type":"string","pattern":"x","enum":["A","B"]},
                "b":{"type":"string","format":"date-time"},
                "c":{"type":"array","uniqueItems":true,"items":{"$ref":"#/components/schemas/PhoneDto"}}}}"##,
        ));
        let expected = yaml(
            r##"{"type":"object","properties":{
                "a":{"type":"string","x-accuro-enum":["A","B"],"x-accuro-phi":true},
                "b":{"$ref":"#/components/schemas/AccuroDateTime","x-accuro-phi":true},
                "c":{"type":"array","items":{"$ref":"#/components/schemas/Phone"}}}}"##,
        );
        assert_eq!(converted, expected);
        assert!(cx.referenced.contains("PhoneDto"));
    }

    #[test]
    fn operations_get_uuid_scopes_shared_errors_and_no_authorization() {
        let vendor = yaml("{}");
        let mut cx = Converter::new(&vendor, BTreeMap::new());
        let op = yaml(
            r#"{"summary":"Creates a thing.","operationId":"create_3",
                "parameters":[{"name":"authorization","in":"header","required":true,"schema":{"type":"string"}},
                              {"name":"id","in":"path","required":true,"schema":{"type":"integer","format":"int32","minimum":1}}],
                "requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object"}}}},
                "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"integer"}}}},
                             "204":{"description":"none"},"404":{"description":"nope"}},
                "security":[{"oauth2":["A_WRITE","A_READ"]}]}"#,
        );
        let converted = cx.operation(&op, "PUT", "/v1/things/{id}", "create_thing", "practice");
        let out = &converted.operation;
        assert!(converted.handwritten.is_some());
        assert_eq!(out["summary"], Value::from("Creates a thing"));
        assert_eq!(out["x-accuro-idempotent"], Value::from(false));
        assert_eq!(out["x-accuro-idempotent-reason"], Value::from(NOT_REVIEWED));
        assert_eq!(out["x-accuro-handwritten"], Value::from("create_thing"));
        let params = out["parameters"].as_sequence().map(Vec::len);
        assert_eq!(params, Some(2), "uuid and id, not authorization");
        assert_eq!(
            out["parameters"][1]["schema"],
            yaml(r#"{"type":"integer","format":"int32"}"#)
        );
        let statuses: Vec<&str> = out["responses"]
            .as_mapping()
            .map(|m| m.keys().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(statuses, ["200", "400", "401", "403", "404", "500"]);
        assert_eq!(out["x-accuro-scopes"], yaml("[A_WRITE, A_READ]"));
    }
}
