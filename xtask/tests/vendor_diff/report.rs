//! The report: text and JSON.

use serde_json::{Value, json};
use xtask::vendor_diff::{Allowlist, Header, Report, compare, operation_counts};

use crate::every_kind::every_kind;

#[test]
fn the_report_lists_vendor_only_operations_even_when_allowlisted() {
    let (ours, vendor) = every_kind();
    let allow = Allowlist::from_yaml(
        r#"
differences:
  - kind: operation-vendor-only
    location: GET /v1/whoami
    reason: Not needed by integrators.
  - kind: operation-ours-only
    reason: Outside /rest.
  - kind: shape
    location: Nowhere
    reason: Stale entry.
"#,
    );
    let allow = match allow {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let diffs = compare(&ours, &vendor);
    let total = diffs.len();
    let header = Header {
        counts: operation_counts(&ours, &vendor),
        ..Header::default()
    };
    let report = Report::new(header, diffs, allow);
    assert_eq!(report.unexplained(), total - 2);
    let text = report.text(false);
    for needle in [
        "operations: ours 3, vendor 3, shared 2, ours only 1, vendor only 1",
        "operations in the vendor file that our spec lacks (1; 0 unexplained):",
        "GET /v1/whoami",
        "[allowlisted]",
        "explained differences by reason (2):",
        "      1  Not needed by integrators.",
        "warning: allowlist entries that matched nothing (1):",
        "differences[2]: shape location=\"Nowhere\" (Stale entry.)",
        "Office~OfficeDto\n  property-ours-only     postalCode\n",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    assert!(!text.contains("-- Outside /rest."), "{text}");
    assert!(report.text(true).contains("-- Outside /rest."));
    let json: Value = match serde_json::from_str(&report.json()) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(json["unexplained"], json!(total - 2));
    assert_eq!(json["unused_allowlist_entries"][0]["index"], json!(2));
}
