//! `x-accuro-enum` as our enum.

use serde_json::{Value, json};
use xtask::vendor_diff::{Difference, Kind, compare};

use crate::{doc, get, json_ok, of_kind, pair};

fn enum_docs(ours_field: Value, vendor_field: Value) -> Vec<Difference> {
    let ours = doc(
        json!({"/rest/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/Phone"}))}))}),
        json!({"Phone": {"type": "object", "properties": {"contactType": ours_field}}}),
    );
    let vendor = doc(
        json!({"/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/PhoneDto"}))}))}),
        json!({"PhoneDto": {"type": "object", "properties": {"contactType": vendor_field}}}),
    );
    compare(&ours, &vendor)
}

#[test]
fn x_accuro_enum_counts_as_our_enum_in_any_order() {
    let same = enum_docs(
        json!({"type": "string", "x-accuro-enum": ["WorkPhone", "HomePhone"]}),
        json!({"type": "string", "enum": ["HomePhone", "WorkPhone"]}),
    );
    assert!(same.is_empty(), "{same:#?}");

    let different = enum_docs(
        json!({"type": "string", "x-accuro-enum": ["HomePhone"]}),
        json!({"type": "string", "enum": ["HomePhone", "CellPhone"]}),
    );
    assert_eq!(
        of_kind(&different, Kind::Enum),
        [pair("Phone~PhoneDto.contactType", "vendor only: CellPhone")]
    );

    let missing = enum_docs(
        json!({"type": "string"}),
        json!({"type": "string", "enum": ["HomePhone"]}),
    );
    assert_eq!(
        of_kind(&missing, Kind::Enum),
        [pair(
            "Phone~PhoneDto.contactType",
            "none (ours) vs HomePhone (vendor)"
        )]
    );

    // The vendor's own `x-accuro-enum` means nothing.
    let vendor_extension = enum_docs(
        json!({"type": "string"}),
        json!({"type": "string", "x-accuro-enum": ["HomePhone"]}),
    );
    assert!(vendor_extension.is_empty(), "{vendor_extension:#?}");

    // `x-accuro-vendor-schema` is informational.
    let informational = enum_docs(
        json!({"type": "string", "x-accuro-vendor-schema": "PhoneDto"}),
        json!({"type": "string"}),
    );
    assert!(informational.is_empty(), "{informational:#?}");
}
