//! The endpoint table: every operation of the spec with its Rust method and
//! scopes, for `cargo xtask endpoints` and the README.

use openapiv3::OpenAPI;

use crate::rules::{SCOPES, handwritten_method, is_idempotent};

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation's first tag (its area).
    pub area: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// The operation id (the generated method's name, and the name errors and
    /// logs use; for a handwritten operation, the id in the spec).
    pub operation_id: String,
    /// The Rust method on `accuro_client::Client`.
    pub rust_method: String,
    /// Whether the handwritten layer implements it.
    pub handwritten: bool,
    /// The scopes it needs (`x-accuro-scopes`), possibly none.
    pub scopes: Vec<String>,
    /// The operation's summary.
    pub summary: String,
    /// Whether it may be sent again after it may have reached the server
    /// (`x-accuro-idempotent`, else from the method).
    pub idempotent: bool,
}

/// The spec's operations, in document order.
pub fn endpoints(spec: &OpenAPI) -> Vec<Endpoint> {
    spec.operations()
        .map(|(path, method, op)| {
            let handwritten = handwritten_method(op);
            Endpoint {
                area: op.tags.first().cloned().unwrap_or_default(),
                method: method.to_uppercase(),
                path: path.to_owned(),
                rust_method: handwritten
                    .map(str::to_owned)
                    .or_else(|| op.operation_id.clone())
                    .unwrap_or_default(),
                operation_id: op.operation_id.clone().unwrap_or_default(),
                handwritten: handwritten.is_some(),
                scopes: op
                    .extensions
                    .get(SCOPES)
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                summary: op.summary.clone().unwrap_or_default(),
                idempotent: is_idempotent(method, op),
            }
        })
        .collect()
}

/// The table as Markdown (one line per operation, sorted by area then path).
pub fn markdown_table(endpoints: &[Endpoint]) -> String {
    let mut rows: Vec<&Endpoint> = endpoints.iter().collect();
    rows.sort_by(|a, b| (&a.area, &a.path, &a.method).cmp(&(&b.area, &b.path, &b.method)));
    let mut out = String::from(
        "| area | method | path | Rust method | scope | sent again |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for e in rows {
        let scope = if e.scopes.is_empty() {
            "-".to_owned()
        } else {
            e.scopes.join(", ")
        };
        let note = if e.handwritten { " (handwritten)" } else { "" };
        let again = if e.idempotent {
            "yes"
        } else {
            "only if it cannot have reached the server"
        };
        out.push_str(&format!(
            "| {} | {} | `{}` | `{}`{note} | {scope} | {again} |\n",
            e.area, e.method, e.path, e.rust_method
        ));
    }
    out
}
