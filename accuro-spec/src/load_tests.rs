//! Tests of reading a spec (`load.rs`).

use super::*;

const SPEC: &str = "openapi: 3.0.3
paths:
  /v1/token:
    post:
      operationId: token
  /rest/v1/things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: get_thing
      x-accuro-scopes: [THINGS_READ]
      parameters:
        - {name: uuid, in: query, required: true, schema: {type: string}}
        - {name: fields, in: query, schema: {$ref: '#/components/schemas/Fields'}}
      responses:
        200:
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        4XX:
          description: refused
  /rest/v1/things/search:
    get:
      operationId: holdoutProbe
components:
  schemas:
    Fields: {type: string}
    Thing: {type: object, example: {id: 1}}
";

#[test]
fn a_camel_case_operation_id_is_one_located_line() {
    let e = Spec::parse(SPEC).map(|_| ()).unwrap_err();
    let printed = e.to_string();
    assert_eq!(
        printed,
        "spec line 24: `holdoutProbe`: operationIds are snake_case; did you mean `holdout_probe`?"
    );
    assert!(!printed.contains('\n'));
}

#[test]
fn operations_parameters_answers_and_examples() -> Result<(), SpecError> {
    let spec = Spec::parse(&SPEC.replace("holdoutProbe", "search_things"))?;
    let ids: Vec<&str> = spec.operations().iter().map(Operation::id).collect();
    assert_eq!(ids, ["get_thing", "search_things"]);
    let get = &spec.operations()[0];
    assert_eq!(get.line(), Some(6));
    assert_eq!(get.required_query().collect::<Vec<_>>(), ["uuid"]);
    let names: Vec<&str> = get.parameters().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "uuid", "fields"]);
    assert_eq!(get.parameters()[2].schema["type"], "string");
    let success = get.success();
    assert_eq!(success.status, 200);
    assert_eq!(
        success.body.map(|m| m.example.clone()),
        Some(serde_json::json!({"id": 1}))
    );
    assert!(get.answer(404).is_some_and(|a| a.media.is_empty()));
    assert!(get.answer(500).is_none());
    Ok(())
}

#[test]
fn errors_name_the_line() {
    let e = Spec::parse("paths: [").map(|_| ()).unwrap_err();
    assert!(e.line.is_some(), "{e}");
    let no_id = SPEC.replace("      operationId: holdoutProbe\n", "      summary: x\n");
    let e = Spec::parse(&no_id).map(|_| ()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "spec line 23: GET /rest/v1/things/search has no operationId"
    );
    let twice = SPEC.replace("holdoutProbe", "get_thing");
    let e = Spec::parse(&twice).map(|_| ()).unwrap_err();
    assert_eq!(e.line, Some(24));
    assert!(Spec::parse("paths: {}").is_err());
}

#[test]
fn the_embedded_spec_reads() -> Result<(), SpecError> {
    let spec = Spec::embedded()?;
    assert!(spec.operations().len() > 300);
    assert!(
        spec.scopes()
            .iter()
            .any(|s| s == "PATIENT_DEMOGRAPHICS_READ")
    );
    Ok(())
}

#[test]
fn the_office_switch_is_the_spec_s_operation() -> Result<(), SpecError> {
    use crate::token_state::{OFFICE_SWITCH, OFFICE_SWITCH_METHOD, OFFICE_SWITCH_PATH};
    let spec = Spec::embedded()?;
    let switch = spec.operation(OFFICE_SWITCH).ok_or_else(|| SpecError {
        message: format!("no operation `{OFFICE_SWITCH}`"),
        line: None,
    })?;
    assert_eq!(
        (switch.method(), switch.path()),
        (OFFICE_SWITCH_METHOD, OFFICE_SWITCH_PATH)
    );
    Ok(())
}
