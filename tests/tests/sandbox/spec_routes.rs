//! How the sandbox finds an operation in the spec.

use accuro_spec::Spec;
use accuro_spec::routes::Resolution;

/// A spec of four operations: a path-item parameter, a `$ref` answer,
/// `examples`, a schema example, a literal path beside a template.
const SMALL_SPEC: &str = r#"
paths:
  /v1/token:
    post:
      operationId: request_token
      responses: {'200': {description: ok}}
  /rest/v1/things/{thingId}:
    parameters:
      - {name: uuid, in: query, required: true, schema: {type: string}}
    get:
      operationId: get_thing
      x-accuro-scopes: [THINGS_READ]
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: integer}}
        - {name: kind, in: query, required: true, schema: {type: string}}
      responses:
        '200': {$ref: '#/components/responses/Thing'}
        '404': {description: no}
    delete:
      operationId: delete_thing
      responses: {'204': {description: gone}}
  /rest/v1/things/search:
    get:
      operationId: search_things
      responses:
        '200':
          description: ok
          content:
            application/json:
              examples:
                one: {value: [1, 2]}
  /rest/v1/things/{thingId}/picture:
    get:
      operationId: get_thing_picture
      responses:
        '200':
          description: ok
          content:
            application/octet-stream:
              schema: {type: string, format: binary, example: AAAA}
components:
  responses:
    Thing:
      description: a thing
      content:
        application/json:
          example: {thingId: 7, seen: 2020-02-13T10:15:00.000}
"#;

fn small_spec() -> Spec {
    Spec::parse(SMALL_SPEC).expect("parses")
}

fn op_id(r: Resolution<&accuro_spec::Operation>) -> Option<&str> {
    match r {
        Resolution::Found(op) => Some(op.id()),
        _ => None,
    }
}

#[test]
fn spec_routes_prefer_literal_segments_and_match_one_segment_per_template() {
    let s = small_spec();
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/search")),
        Some("search_things")
    );
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/12")),
        Some("get_thing")
    );
    assert_eq!(
        op_id(s.resolve("HEAD", "/rest/v1/things/12")),
        Some("get_thing")
    );
    assert_eq!(
        op_id(s.resolve("DELETE", "/rest/v1/things/12")),
        Some("delete_thing")
    );
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/12/picture")),
        Some("get_thing_picture")
    );
    assert!(matches!(
        s.resolve("PUT", "/rest/v1/things/12"),
        Resolution::MethodNotAllowed
    ));
    for unknown in [
        "/rest/v1/things",
        "/rest/v1/things/",
        "/rest/v1/things/12/13",
        "/rest/v1/other",
        "/v1/token",
    ] {
        assert!(
            matches!(s.resolve("GET", unknown), Resolution::NotFound),
            "{unknown}"
        );
    }
}

#[test]
fn spec_routes_read_scopes_required_parameters_and_examples() {
    let s = small_spec();
    let get = s.operation("get_thing").expect("get_thing");
    assert_eq!(get.scopes(), ["THINGS_READ"]);
    let mut required: Vec<&str> = get.required_query().collect();
    required.sort_unstable();
    assert_eq!(required, ["kind", "uuid"]);
    assert!(get.has_shape("/rest/v1/things/{id}"));
    assert!(!get.has_shape("/rest/v1/things/search"));
    let body = get.success().body.expect("a body");
    assert_eq!(body.media_type, "application/json");
    assert_eq!(
        &body.example,
        &serde_json::json!({"thingId": 7, "seen": "2020-02-13T10:15:00.000"})
    );
    let delete = s.operation("delete_thing").expect("delete_thing");
    assert_eq!(delete.success().status, 204);
    assert!(delete.success().body.is_none());
    let search = s.operation("search_things").expect("search_things");
    assert_eq!(
        search.success().body.map(|m| &m.example),
        Some(&serde_json::json!([1, 2]))
    );
    let picture = s.operation("get_thing_picture").expect("picture");
    assert_eq!(
        picture.success().body.map(|m| &m.example),
        Some(&serde_json::json!("AAAA"))
    );
    assert_eq!(s.scopes(), ["THINGS_READ"]);
    assert!(s.operation("request_token").is_none());
}

#[test]
fn spec_routes_refuse_a_broken_spec() {
    assert!(Spec::parse("paths: [").is_err());
    assert!(Spec::parse("info: {}").is_err());
    assert!(Spec::parse("paths: {/v1/token: {}}").is_err());
}

#[test]
fn spec_routes_read_the_built_in_spec() {
    let spec = Spec::embedded().expect("parses");
    assert!(spec.operations().len() > 300);
    assert!(spec.scopes().iter().any(|s| s == "SCHEDULING_READ"));
}
