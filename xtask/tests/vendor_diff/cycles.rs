//! `$ref` cycles and dangling `$ref`s.

use serde_json::json;
use xtask::vendor_diff::{Kind, compare};

use crate::{doc, get, json_ok, of_kind, pair};

#[test]
fn ref_cycles_terminate() {
    let ours = doc(
        json!({"/rest/v1/tree": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/Node"}))}))}),
        json!({
            "Node": {"type": "object", "properties": {
                "id": {"type": "integer", "format": "int64"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                // A cycle through an inline object on our side only.
                "wrapper": {"type": "object", "properties": {"node": {"$ref": "#/components/schemas/Node"}}},
            }},
        }),
    );
    let vendor = doc(
        json!({"/v1/tree": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/NodeDto"}))}))}),
        json!({
            "NodeDto": {"type": "object", "properties": {
                "id": {"type": "integer", "format": "int32"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/NodeDto"}},
                "wrapper": {"$ref": "#/components/schemas/NodeDto"},
            }},
        }),
    );
    let diffs = compare(&ours, &vendor);
    assert_eq!(
        of_kind(&diffs, Kind::Format),
        [pair("Node~NodeDto.id", "int64 (ours) vs int32 (vendor)")]
    );
}

#[test]
fn a_ref_to_itself_or_to_nothing_is_a_shape_difference() {
    let ours = doc(
        json!({"/rest/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/Loop"}))}))}),
        json!({"Loop": {"$ref": "#/components/schemas/Loop"}}),
    );
    let vendor = doc(
        json!({"/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/Missing"}))}))}),
        json!({}),
    );
    let diffs = compare(&ours, &vendor);
    let shapes = of_kind(&diffs, Kind::Shape);
    assert_eq!(shapes.len(), 2, "{diffs:#?}");
    assert!(shapes[0].1.contains("(ours)") && shapes[1].1.contains("unresolvable"));
}
