//! What `cargo xtask import` reports: the operations and schemas it
//! brought over, and the new spec text.

use std::collections::BTreeMap;

/// One imported operation, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Our area.
    pub area: String,
    /// `GET /rest/v1/...`.
    pub route: String,
    /// The vendor's operationId.
    pub vendor_id: String,
    /// Ours.
    pub id: String,
    /// Why it is handwritten, if it is.
    pub handwritten: Option<String>,
}

/// What `import` did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The operations imported.
    pub imported: Vec<Imported>,
    /// Schemas imported: `(ours, vendor)`.
    pub schemas: Vec<(String, String)>,
    /// Selected operations the spec already had.
    pub already: usize,
    /// With `--dry-run`, the spec as it would be written.
    pub dry_run_text: Option<String>,
    /// The spec, as shown to people.
    pub spec: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.dry_run_text.is_some() {
            "would import"
        } else {
            "imported"
        };
        writeln!(
            f,
            "{verb} {} operations and {} schemas into {} ({} selected were already there)",
            self.imported.len(),
            self.schemas.len(),
            self.spec,
            self.already
        )?;
        let mut by_area: BTreeMap<&str, usize> = BTreeMap::new();
        for op in &self.imported {
            *by_area.entry(op.area.as_str()).or_default() += 1;
        }
        for (area, n) in by_area {
            writeln!(f, "  {area}: {n}")?;
        }
        for op in &self.imported {
            let note = op
                .handwritten
                .as_deref()
                .map(|why| format!("  (handwritten: {why})"))
                .unwrap_or_default();
            writeln!(
                f,
                "  {:<11} {:<75} {:<48} <- {}{note}",
                op.area, op.route, op.id, op.vendor_id
            )?;
        }
        if self.imported.iter().any(|op| op.handwritten.is_some()) {
            writeln!(
                f,
                "operations marked x-accuro-handwritten need a method in accuro-client (src/handwritten/)"
            )?;
        }
        write!(
            f,
            "review the change (git diff spec/) against ../shared/accuro-api.md, then run `cargo xtask regen`"
        )
    }
}

/// The result of [`import`](super::import): the new spec text and the report.
pub struct ImportText {
    /// The spec with the operations inserted.
    pub text: String,
    /// What was imported (its `spec` and `dry_run_text` are left empty).
    pub outcome: Outcome,
}
