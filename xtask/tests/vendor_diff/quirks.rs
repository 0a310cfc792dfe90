//! The vendor generator's quirks, and documents that are not OpenAPI.

use serde_json::json;
use xtask::vendor_diff::{Kind, compare, operation_counts};

use crate::{doc, get, has, json_ok, of_kind};

#[test]
fn vendor_generator_quirks_do_not_panic() {
    let ours = doc(
        json!({"/rest/v1/q": get(json!({
            "200": json_ok(json!({"$ref": "#/components/schemas/Quirks"})),
            "201": json_ok(json!({"type": "object", "additionalProperties": {"type": "string"}})),
            "202": json_ok(json!({"type": "string"})),
            "203": json_ok(json!({"$ref": "#/components/schemas/Wrapped"})),
        }))}),
        json!({
            "Quirks": {"type": "object", "properties": {
                "history": {"type": "object", "properties": {"a": {"type": "string"}}},
                "anything": {"description": "no type"},
                "Role id": {"type": "integer", "format": "int64"},
                "odd": {"type": ["string", "null"]},
                "list": {"type": "array"},
                "bad": "not a schema",
                "broken": {"type": "object", "properties": [], "required": "yes"},
                "choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            }},
            "Wrapped": {"type": "object", "properties": {"a": {"type": "string"}}},
        }),
    );
    let vendor = doc(
        json!({"/v1/q": {
            "parameters": "not a list",
            "get": {"parameters": [{"in": "query"}, 7], "responses": {
                "200": json_ok(json!({"$ref": "#/components/schemas/QuirksDto"})),
                "201": json_ok(json!({"type": "object", "example": "{ { 1 : \"status1\" } }"})),
                "202": {"description": "no content", "content": {"application/json": {}}},
                "203": json_ok(json!({"allOf": [{"$ref": "#/components/schemas/WrappedDto"}], "description": "x"})),
            }},
        },
        "/v1/broken": "not a path item",
        "/v1/also-broken": {"get": "not an operation"}}),
        json!({
            "QuirksDto": {"type": "object", "properties": {
                "history": {"type": "object", "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "properties": {"b": {"type": "string"}}},
                ]},
                "anything": {"type": "object", "example": "{\"a\": 1}"},
                "Role id": {"type": "integer", "format": "int32"},
                "odd": {"type": "string"},
                "list": {"type": "array", "items": {"type": "string"}},
                "bad": {"type": "string"},
                "broken": {"type": "object", "properties": {"x": {}}},
                "choice": {"oneOf": [{"type": "string"}, {"type": "integer", "format": "int32"}]},
            }},
            "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
            "WrappedDto": {"type": "object", "properties": {"a": {"type": "integer"}}},
        }),
    );
    let diffs = compare(&ours, &vendor);
    let expected = [
        (
            Kind::Shape,
            "Quirks~QuirksDto.history",
            "object with 1 properties (ours) vs allOf of 2 (vendor)",
        ),
        (
            Kind::Type,
            "Quirks~QuirksDto.anything",
            "any (ours) vs object (vendor)",
        ),
        (
            Kind::Format,
            "Quirks~QuirksDto.Role id",
            "int64 (ours) vs int32 (vendor)",
        ),
        (
            Kind::Shape,
            "Quirks~QuirksDto.odd",
            "type [\"string\",\"null\"] (ours) vs string (vendor)",
        ),
        (
            Kind::Shape,
            "Quirks~QuirksDto.list",
            "items: none (ours) vs a schema (vendor)",
        ),
        (
            Kind::Shape,
            "Quirks~QuirksDto.bad",
            "non-schema \"not a schema\" (ours) vs string (vendor)",
        ),
        (
            Kind::Shape,
            "Quirks~QuirksDto.broken",
            "free-form object (ours) vs object with 1 properties (vendor)",
        ),
        (
            Kind::Format,
            "Quirks~QuirksDto.choice<oneOf 1>",
            "none (ours) vs int32 (vendor)",
        ),
        (
            Kind::Shape,
            "GET /v1/q response 201 body",
            "additionalProperties: a schema (ours) vs none (vendor)",
        ),
        (
            Kind::Shape,
            "GET /v1/q response 202 body",
            "schema: a schema (ours) vs none (vendor)",
        ),
        // A single-member `allOf` is its member.
        (
            Kind::Type,
            "Wrapped~WrappedDto.a",
            "string (ours) vs integer (vendor)",
        ),
    ];
    for (kind, location, detail) in expected {
        assert!(
            has(&diffs, kind, location, detail),
            "missing {kind} at {location}: {detail}\n{diffs:#?}"
        );
    }
    // The malformed vendor parameters are reported, not skipped silently.
    let op_shapes = of_kind(&diffs, Kind::Shape)
        .into_iter()
        .filter(|(l, _)| l == "GET /v1/q")
        .count();
    assert_eq!(op_shapes, 2, "{diffs:#?}");
    let counts = operation_counts(&ours, &vendor);
    assert_eq!(counts.vendor, 1);
}

#[test]
fn a_one_of_is_compared_through_its_member_of_the_other_sides_type() {
    let ours = doc(
        json!({"/rest/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/Color"}))}))}),
        json!({
            "Color": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Rgb"}]},
            "Rgb": {"type": "object", "properties": {"red": {"type": "integer", "format": "int32"}}},
        }),
    );
    let vendor = doc(
        json!({"/v1/x": get(json!({"200": json_ok(json!({"$ref": "#/components/schemas/ColorDto"}))}))}),
        json!({"ColorDto": {"type": "object", "properties": {
            "red": {"type": "integer", "format": "int64"},
            "alpha": {"type": "integer"},
        }}}),
    );
    let diffs = compare(&ours, &vendor);
    assert!(has(
        &diffs,
        Kind::Shape,
        "Color~ColorDto",
        "oneOf of 2 (ours) vs object with 2 properties (vendor)"
    ));
    // The member `Rgb` was compared with the vendor's object.
    assert!(has(
        &diffs,
        Kind::PropertyVendorOnly,
        "Color~ColorDto<oneOf 1>",
        "alpha"
    ));
    assert!(has(
        &diffs,
        Kind::Format,
        "Color~ColorDto<oneOf 1>.red",
        "int32 (ours) vs int64 (vendor)"
    ));
}

#[test]
fn documents_that_are_not_openapi_at_all_do_not_panic() {
    for (ours, vendor) in [
        (json!(null), json!([])),
        (
            json!({"paths": 3}),
            json!({"paths": {"/x": {"get": {"responses": 5}}}}),
        ),
        (
            json!("text"),
            json!({"paths": {"/x": {"get": {"parameters": {}}}}}),
        ),
    ] {
        let _ = compare(&ours, &vendor);
        let _ = operation_counts(&ours, &vendor);
    }
}
