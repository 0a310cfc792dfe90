//! The allowlist: matching, validation, the committed file.

use xtask::paths::Paths;
use xtask::vendor_diff::{Allowlist, Difference, Kind};

fn difference(kind: Kind, location: &str, detail: &str) -> Difference {
    Difference::new(kind, location, detail)
}

#[test]
fn allowlist_entries_match_with_wildcards_and_value_rules() {
    let allow = Allowlist::from_yaml(
        r#"
differences:
  - kind: parameter-vendor-only
    detail: header authorization
    reason: The bearer token; the client adds it.
  - kind: status-vendor-only
    location: "GET /v1/providers*"
    detail: 403
    reason: Permission denials are 401.
  - kind: format
    ours: int64
    vendor: int32
    reason: Ids are 64-bit on our side.
  - kind: property-vendor-only
    location: "Patient~*"
    reason: Not modelled yet.
"#,
    );
    let allow = match allow {
        Ok(allow) => allow,
        Err(e) => panic!("{e}"),
    };
    let diffs = [
        difference(
            Kind::ParameterVendorOnly,
            "GET /v1/a",
            "header authorization",
        ),
        difference(
            Kind::ParameterVendorOnly,
            "GET /v1/a",
            "query authorization",
        ),
        difference(
            Kind::StatusVendorOnly,
            "GET /v1/providers/{providerId}",
            "403",
        ),
        difference(Kind::StatusVendorOnly, "GET /v1/offices", "403"),
        Difference::values(Kind::Format, "A~B.id", "int64", "int32"),
        Difference::values(Kind::Format, "A~B.id", "int32", "int64"),
        difference(
            Kind::PropertyVendorOnly,
            "Patient~PatientV2Dto.demographics",
            "x",
        ),
        difference(Kind::PropertyOursOnly, "Patient~PatientV2Dto", "x"),
    ];
    let explained = allow.explain(&diffs);
    assert_eq!(
        explained,
        [Some(0), None, Some(1), None, Some(2), None, Some(3), None]
    );
    assert!(allow.unused(&diffs).is_empty());
    assert_eq!(allow.unused(&diffs[..1]), [1, 2, 3]);
}

#[test]
fn allowlist_entries_need_a_kind_and_a_reason() {
    let errors = Allowlist::from_yaml(
        r#"
differences:
  - kind: format
    reason: fine
  - kind: format
    location: "*"
  - kind: format
    reason: "   "
  - reason: no kind
  - kind: parameter-type
    reason: not a kind
  - kind: format
    reson: typo
"#,
    );
    let errors = match errors {
        Ok(allow) => panic!("accepted {allow:?}"),
        Err(e) => e,
    };
    for needle in [
        "differences[1]: `reason` is missing or empty",
        "differences[2]: `reason` is missing or empty",
        "differences[3]: `kind` is missing",
        "differences[4]: unknown kind `parameter-type`",
        "differences[5]: unknown key `reson`",
    ] {
        assert!(errors.contains(needle), "{needle} not in:\n{errors}");
    }
    assert!(!errors.contains("differences[0]"), "{errors}");
}

#[test]
fn allowlist_documents_of_other_shapes() {
    assert_eq!(Allowlist::from_yaml("").map(|a| a.entries.len()), Ok(0));
    assert_eq!(
        Allowlist::from_yaml("differences:\n").map(|a| a.entries.len()),
        Ok(0)
    );
    assert!(Allowlist::from_yaml("- kind: format").is_err());
    assert!(Allowlist::from_yaml("differences: 3").is_err());
    assert!(Allowlist::from_yaml("diferences: []").is_err());
    assert!(Allowlist::from_yaml("differences: [").is_err());
}

#[test]
fn the_committed_allowlist_is_valid() {
    let path = Paths::default().vendor_differences();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    };
    if let Err(e) = Allowlist::from_yaml(&text) {
        panic!("{}: {e}", path.display());
    }
}
