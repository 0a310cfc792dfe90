//! The endpoint table: every operation of the spec with its Rust method and
//! scopes, for `cargo xtask endpoints` and the endpoint reference (`docs/endpoints.md`).

use openapiv3::OpenAPI;

use crate::rules::{NEW_ID, SCOPES, handwritten_method, idempotent_reason, is_idempotent, is_safe};

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation's first tag (its area).
    pub area: String,
    /// Where the area's tag stands in the spec's `tags` list (areas are
    /// listed in that order).
    pub area_rank: usize,
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
    /// (`x-accuro-idempotent`; a read always may).
    pub idempotent: bool,
    /// Why (`x-accuro-idempotent-reason`; empty for a read).
    pub idempotent_reason: String,
    /// Whether it changes nothing on the server: a read, or a write marked
    /// `x-accuro-safe`.
    pub safe: bool,
    /// Whether its answer's new id is normalised (`x-accuro-new-id`).
    pub new_id: bool,
}

/// The spec's operations, in document order.
pub fn endpoints(spec: &OpenAPI) -> Vec<Endpoint> {
    spec.operations()
        .map(|(path, method, op)| {
            let handwritten = handwritten_method(op);
            let area = op.tags.first().cloned().unwrap_or_default();
            Endpoint {
                area_rank: spec
                    .tags
                    .iter()
                    .position(|t| t.name == area)
                    .unwrap_or(spec.tags.len()),
                area,
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
                idempotent_reason: idempotent_reason(op).unwrap_or_default().to_owned(),
                safe: is_safe(method, op),
                new_id: op.extensions.get(NEW_ID).and_then(|v| v.as_bool()) == Some(true),
            }
        })
        .collect()
}

/// The table as Markdown: one table per area, in the order of the spec's
/// tags, each headed by the area and its count, one line per operation
/// sorted by path.
pub fn markdown_table(endpoints: &[Endpoint]) -> String {
    let mut rows: Vec<&Endpoint> = endpoints.iter().collect();
    rows.sort_by(|a, b| {
        (a.area_rank, &a.area, &a.path, &a.method).cmp(&(b.area_rank, &b.area, &b.path, &b.method))
    });
    let mut out = format!("{} operations.\n", endpoints.len());
    let mut current: Option<&str> = None;
    for e in rows {
        if current != Some(e.area.as_str()) {
            current = Some(e.area.as_str());
            let count = endpoints.iter().filter(|x| x.area == e.area).count();
            out.push_str(&format!(
                "\n## {} ({count})\n\n| area | method | path | Rust method | scope | sent again after a 502-504 or a cut connection |\n| --- | --- | --- | --- | --- | --- |\n",
                e.area
            ));
        }
        let scope = if e.scopes.is_empty() {
            "-".to_owned()
        } else {
            e.scopes.join(", ")
        };
        let note = if e.handwritten { " (handwritten)" } else { "" };
        let again = match (e.idempotent, e.idempotent_reason.as_str()) {
            (true, "") => "yes".to_owned(),
            (true, reason) => format!("yes: {}", table_text(reason)),
            (false, reason) => format!("**no**: {}", table_text(reason)),
        };
        out.push_str(&format!(
            "| {} | {} | `{}` | `{}`{note} | {scope} | {again} |\n",
            e.area, e.method, e.path, e.rust_method
        ));
    }
    out
}

/// `text` as one Markdown table cell: `|` escaped, lines joined.
fn table_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
