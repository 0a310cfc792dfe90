//! The rules a spec must follow, and errors that name the operation, the
//! line and the fix.

use accuro_gen::{Error, Options, generate};

use crate::{edited, violations};

#[test]
fn rule_checks_name_the_operation_and_the_fix() {
    // No uuid on a /rest/ operation.
    let v = violations(&edited(
        "      operationId: list_offices\n      summary: List offices\n      description: The offices of the clinic.\n      parameters:\n        - $ref: \"#/components/parameters/ClinicUuid\"\n",
        "      operationId: list_offices\n      summary: List offices\n      description: The offices of the clinic.\n",
    ));
    assert!(
        v.iter().any(
            |m| m.starts_with("GET /rest/v1/offices (list_offices): no `uuid` query parameter")
        ),
        "{v:?}"
    );

    // A duplicate operation id.
    let v = violations(&edited(
        "operationId: list_providers",
        "operationId: list_offices",
    ));
    assert!(
        v.iter().any(|m| m.contains(
            "(list_offices): operationId `list_offices` is already used by GET /rest/v1/offices"
        )),
        "{v:?}"
    );

    // Error responses with a schema and without one: progenitor would panic.
    let v = violations(&edited(
        "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n        \"500\":\n          $ref: \"#/components/responses/ServerError\"\n\n  /rest/v2/provider-portal/patients/search:",
        "        \"404\":\n          description: Not found, no body.\n        \"500\":\n          $ref: \"#/components/responses/ServerError\"\n\n  /rest/v2/provider-portal/patients/search:",
    ));
    assert!(
        v.iter().any(|m| m.starts_with("GET /rest/v1/providers/{providerId}/specialties (list_provider_specialties): error responses use 2 different bodies")
            && m.contains("404 → no body")),
        "{v:?}"
    );

    // A missing summary.
    let v = violations(&edited("      summary: List offices\n", ""));
    assert!(
        v.iter().any(|m| m.contains("(list_offices): no summary")),
        "{v:?}"
    );

    // Two media types in a request body.
    let v = violations(&edited(
        "          application/x-www-form-urlencoded:\n            schema:\n              $ref: \"#/components/schemas/TokenRequest\"\n",
        "          application/x-www-form-urlencoded:\n            schema:\n              $ref: \"#/components/schemas/TokenRequest\"\n          application/json:\n            schema:\n              $ref: \"#/components/schemas/TokenRequest\"\n",
    ));
    assert!(
        v.iter()
            .any(|m| m.contains("(request_token): request body has 2 media types")),
        "{v:?}"
    );
}

/// QHR's own file writes operation ids in camelCase. Such a spec fails in a
/// few lines that name the id, its line and the snake_case it meant: not
/// with the generated code's parse error listing every operation.
#[test]
fn a_camel_case_operation_id_is_one_located_line() {
    let spec = edited("operationId: list_offices", "operationId: holdoutProbe");
    let line = spec
        .lines()
        .position(|l| l.trim() == "operationId: holdoutProbe")
        .map(|i| i + 1)
        .expect("the edited line");
    let err = generate(&spec, &Options::default()).expect_err("camelCase");
    let printed = err.to_string();
    assert!(
        printed.contains(&format!(
            "GET /rest/v1/offices (holdoutProbe): `holdoutProbe` (line {line}): operationIds are snake_case; did you mean `holdout_probe`?"
        )),
        "{printed}"
    );
    assert!(printed.lines().count() <= 3, "{printed}");
    assert!(printed.len() < 400, "{} bytes: {printed}", printed.len());
}

#[test]
fn openapi_3_1_is_refused_with_the_fix() {
    let err = generate(
        &edited("openapi: 3.0.3", "openapi: 3.1.0"),
        &Options::default(),
    )
    .expect_err("3.1");
    assert!(
        err.to_string().contains("OpenAPI 3.1.0 is not supported"),
        "{err}"
    );
    assert!(err.to_string().contains("write `openapi: 3.0.3`"), "{err}");
}

#[test]
fn yaml_errors_carry_line_and_column() {
    let spec = edited("  title: Accuro REST API\n", "  title: [unclosed\n");
    match generate(&spec, &Options::default()) {
        Err(Error::Parse {
            line: Some(line),
            column: Some(_),
            ..
        }) => assert!(line >= 3, "line {line}"),
        other => panic!(
            "expected a located parse error, got {:?}",
            other.map(|g| g.operations)
        ),
    }
}

#[test]
fn a_panic_inside_progenitor_is_an_error() {
    // A JSON response with an `encoding` map trips an assertion inside
    // progenitor (the project's rules do not look for this one).
    let spec = edited(
        "                $ref: \"#/components/schemas/TokenResponse\"\n",
        "                $ref: \"#/components/schemas/TokenResponse\"\n              encoding:\n                scope:\n                  contentType: text/plain\n",
    );
    let err = generate(&spec, &Options::default()).expect_err("progenitor panics on this");
    assert!(matches!(err, Error::Progenitor { .. }), "{err:?}");
    assert!(err.to_string().contains("panicked"), "{err}");
}
