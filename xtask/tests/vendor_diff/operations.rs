//! Operations: the `/rest` prefix, paths of ours alone, renamed path parameters.

use serde_json::json;
use xtask::vendor_diff::{Kind, compare, operation_counts};

use crate::{doc, get, has, of_kind, pair};

#[test]
fn rest_prefix_is_stripped_and_the_token_endpoint_is_ours_only() {
    let ours = doc(
        json!({
            "/rest/v1/offices": get(json!({"200": {"description": "ok"}})),
            "/v1/token": {"post": {"operationId": "request_token", "responses": {}}},
        }),
        json!({}),
    );
    let vendor = doc(
        json!({
            "/v1/offices": get(json!({"200": {"description": "ok"}})),
            "/v1/whoami": {"get": {"operationId": "getUserInfo", "summary": "Who", "responses": {}}},
        }),
        json!({}),
    );
    let diffs = compare(&ours, &vendor);
    assert_eq!(
        of_kind(&diffs, Kind::OperationOursOnly),
        [pair("POST /v1/token", "request_token")]
    );
    assert_eq!(
        of_kind(&diffs, Kind::OperationVendorOnly),
        [pair("GET /v1/whoami", "getUserInfo: Who")]
    );
    assert_eq!(diffs.len(), 2, "{diffs:#?}");
    let counts = operation_counts(&ours, &vendor);
    assert_eq!(
        (
            counts.ours,
            counts.vendor,
            counts.shared,
            counts.ours_only,
            counts.vendor_only
        ),
        (2, 2, 1, 1, 1)
    );
}

#[test]
fn a_vendor_path_equal_to_a_non_rest_path_of_ours_does_not_match() {
    let ours = doc(json!({"/v1/token": {"post": {"responses": {}}}}), json!({}));
    let vendor = doc(json!({"/v1/token": {"post": {"responses": {}}}}), json!({}));
    let diffs = compare(&ours, &vendor);
    assert_eq!(of_kind(&diffs, Kind::OperationOursOnly).len(), 1);
    assert_eq!(of_kind(&diffs, Kind::OperationVendorOnly).len(), 1);
}

#[test]
fn renamed_path_parameters_match_and_are_reported_as_renames() {
    let id = |name: &str, format: &str| {
        json!({"name": name, "in": "path", "required": true,
               "schema": {"type": "integer", "format": format}})
    };
    let ours = doc(
        json!({"/rest/v1/users/{id}/": {"get": {"parameters": [id("id", "int64")], "responses": {}}}}),
        json!({}),
    );
    let vendor = doc(
        json!({"/v1/users/{userId}": {"get": {"parameters": [id("userId", "int32")], "responses": {}}}}),
        json!({}),
    );
    let diffs = compare(&ours, &vendor);
    assert_eq!(
        of_kind(&diffs, Kind::ParameterName),
        [pair(
            "GET /v1/users/{id}/",
            "path id (ours) vs userId (vendor)"
        )]
    );
    assert!(
        of_kind(&diffs, Kind::ParameterOursOnly).is_empty(),
        "{diffs:#?}"
    );
    assert!(
        of_kind(&diffs, Kind::ParameterVendorOnly).is_empty(),
        "{diffs:#?}"
    );
    // The renamed parameters were compared with each other.
    assert!(has(
        &diffs,
        Kind::Format,
        "GET /v1/users/{id}/ parameter path id",
        "int64 (ours) vs int32 (vendor)"
    ));
    let d = diffs.iter().find(|d| d.kind == Kind::ParameterName);
    assert_eq!(d.and_then(|d| d.ours.as_deref()), Some("id"));
    assert_eq!(d.and_then(|d| d.vendor.as_deref()), Some("userId"));
}
