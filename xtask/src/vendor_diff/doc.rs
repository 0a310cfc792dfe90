//! Reading an OpenAPI document held as a `serde_json::Value`: `$ref`s and
//! operations. Nothing here assumes the document is well formed.

use serde_json::Value;

/// The HTTP methods a path item can hold, in the order operations are listed.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Longest `$ref` chain followed before giving up (a cycle of `$ref`s).
const MAX_REF_HOPS: usize = 32;

/// A node with its `$ref`s followed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved<'a> {
    /// The node the chain ends at.
    pub value: &'a Value,
    /// The last `#/components/schemas/NAME` the chain went through.
    pub schema_name: Option<&'a str>,
}

/// Follows `node`'s `$ref` chain inside `doc` (local references only).
pub(crate) fn resolve<'a>(doc: &'a Value, node: &'a Value) -> Result<Resolved<'a>, String> {
    let mut current = node;
    let mut schema_name = None;
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = current.get("$ref") else {
            return Ok(Resolved {
                value: current,
                schema_name,
            });
        };
        let Some(reference) = reference.as_str() else {
            return Err(format!("$ref is not a string: {reference}"));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(format!("external $ref {reference}"));
        };
        current = doc
            .pointer(pointer)
            .ok_or_else(|| format!("unresolvable $ref {reference}"))?;
        if let Some(name) = pointer.strip_prefix("/components/schemas/") {
            schema_name = Some(name);
        }
    }
    Err("$ref chain too long (a cycle of $refs?)".into())
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub(crate) struct Operation<'a> {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as reported: the vendor's path, or ours without `/rest`.
    pub path: String,
    /// The path template with parameter names erased (`/v1/x/{}`), used to
    /// match operations; `None` for our paths outside `/rest`, which never match.
    pub key: Option<String>,
    /// The path template's parameter names, in order.
    pub vars: Vec<String>,
    /// The path item (for path-level parameters).
    pub item: &'a Value,
    /// The operation object.
    pub op: &'a Value,
}

impl Operation<'_> {
    /// `GET /v1/offices`: the operation's location in reports.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// `operationId: summary`, or whichever of them exists.
    pub fn title(&self) -> String {
        let text = |name: &str| self.op.get(name).and_then(Value::as_str).unwrap_or("");
        match (text("operationId"), text("summary")) {
            ("", summary) => summary.to_owned(),
            (id, "") => id.to_owned(),
            (id, summary) => format!("{id}: {summary}"),
        }
    }
}

/// Which document: ours (paths under `/rest`) or the vendor's (relative to `/rest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// Our spec.
    Ours,
    /// The vendor file.
    Vendor,
}

impl Side {
    /// `ours` or `vendor`, as reports say it.
    pub fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Vendor => "vendor",
        }
    }
}

/// The operations of `doc`, sorted by path then method.
pub(crate) fn operations(doc: &Value, side: Side) -> Vec<Operation<'_>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut ops = Vec::new();
    for (raw_path, item) in paths {
        let (path, matchable) = match side {
            Side::Vendor => (raw_path.clone(), true),
            Side::Ours => match raw_path.strip_prefix("/rest") {
                Some(rest) if rest.starts_with('/') => (rest.to_owned(), true),
                _ => (raw_path.clone(), false),
            },
        };
        for method in METHODS {
            if let Some(op) = item.get(method).filter(|op| op.is_object()) {
                ops.push(Operation {
                    method: method.to_uppercase(),
                    key: matchable.then(|| template_key(&path)),
                    vars: template_vars(&path),
                    path: path.clone(),
                    item,
                    op,
                });
            }
        }
    }
    ops.sort_by(|a, b| (&a.path, method_rank(&a.method)).cmp(&(&b.path, method_rank(&b.method))));
    ops
}

fn method_rank(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(method))
        .unwrap_or(METHODS.len())
}

/// `/x/{id}/y/` → `/x/{}/y`: parameter names erased, no trailing slash.
pub(crate) fn template_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut in_var = false;
    for c in path.chars() {
        match c {
            '{' if !in_var => {
                in_var = true;
                key.push('{');
            }
            '}' if in_var => {
                in_var = false;
                key.push('}');
            }
            _ if in_var => {}
            _ => key.push(c),
        }
    }
    if key.len() > 1 && key.ends_with('/') {
        key.pop();
    }
    key
}

/// The names between braces in a path template, in order.
pub(crate) fn template_vars(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// `info.title` and `info.version`, as `Title version`.
pub(crate) fn title(doc: &Value) -> String {
    let text = |name: &str| {
        doc.pointer(&format!("/info/{name}"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    format!("{} {}", text("title"), text("version"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_keys_ignore_parameter_names_and_trailing_slashes() {
        assert_eq!(template_key("/v1/x/{id}/y/"), "/v1/x/{}/y");
        assert_eq!(template_key("/v1/x/{patientId}/y"), "/v1/x/{}/y");
        assert_eq!(template_key("/"), "/");
        assert_eq!(template_vars("/a/{b}/c/{d}"), ["b", "d"]);
        assert!(template_vars("/a/{unclosed").is_empty());
    }

    #[test]
    fn our_paths_lose_rest_and_others_never_match() {
        let doc = json!({"paths": {
            "/rest/v1/offices": {"get": {}},
            "/v1/token": {"post": {}},
            "/restless": {"get": {}},
        }});
        let ops = operations(&doc, Side::Ours);
        let labels: Vec<_> = ops.iter().map(|o| (o.label(), o.key.clone())).collect();
        assert_eq!(
            labels,
            [
                ("GET /restless".to_owned(), None),
                ("GET /v1/offices".to_owned(), Some("/v1/offices".to_owned())),
                ("POST /v1/token".to_owned(), None),
            ]
        );
    }

    #[test]
    fn refs_are_followed_and_cycles_refused() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "C": {"$ref": "#/components/schemas/C"},
        }}});
        let a = json!({"$ref": "#/components/schemas/A"});
        let r = resolve(&doc, &a).map(|r| (r.value.clone(), r.schema_name));
        assert_eq!(r, Ok((json!({"type": "string"}), Some("B"))));
        assert!(resolve(&doc, &json!({"$ref": "#/components/schemas/C"})).is_err());
        assert!(resolve(&doc, &json!({"$ref": "#/nowhere"})).is_err());
        assert!(resolve(&doc, &json!({"$ref": "other.yaml#/x"})).is_err());
        assert!(resolve(&doc, &json!({"$ref": 3})).is_err());
    }
}
