//! The conversion of schemas and operations, on small documents.

use super::*;

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or(Value::Null)
}

#[test]
fn schemas_lose_constraints_and_gain_accuro_shapes() {
    let vendor = yaml(r#"{"components":{"schemas":{"PhoneDto":{"type":"object"}}}}"#);
    let names = [("PhoneDto".to_owned(), "Phone".to_owned())].into();
    let mut cx = Converter::new(&vendor, names);
    let converted = cx.schema(&yaml(
        r##"{"type":"object","required":["a"],"properties":{
            "a":{"type":"string","pattern":"x","enum":["A","B"]},
            "b":{"type":"string","format":"date-time"},
            "c":{"type":"array","uniqueItems":true,"items":{"$ref":"#/components/schemas/PhoneDto"}}}}"##,
    ));
    let expected = yaml(
        r##"{"type":"object","properties":{
            "a":{"type":"string","x-accuro-enum":["A","B"],"x-accuro-phi":true},
            "b":{"$ref":"#/components/schemas/AccuroDateTime","x-accuro-phi":true},
            "c":{"type":"array","items":{"$ref":"#/components/schemas/Phone"}}}}"##,
    );
    assert_eq!(converted, expected);
    assert!(cx.referenced.contains("PhoneDto"));
}

#[test]
fn operations_get_uuid_scopes_shared_errors_and_no_authorization() {
    let vendor = yaml("{}");
    let mut cx = Converter::new(&vendor, BTreeMap::new());
    let op = yaml(
        r#"{"summary":"Creates a thing.","operationId":"create_3",
            "parameters":[{"name":"authorization","in":"header","required":true,"schema":{"type":"string"}},
                          {"name":"id","in":"path","required":true,"schema":{"type":"integer","format":"int32","minimum":1}}],
            "requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object"}}}},
            "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"integer"}}}},
                         "204":{"description":"none"},"404":{"description":"nope"}},
            "security":[{"oauth2":["A_WRITE","A_READ"]}]}"#,
    );
    let converted = cx.operation(&op, "PUT", "/v1/things/{id}", "create_thing", "practice");
    let out = &converted.operation;
    assert!(converted.handwritten.is_some());
    assert_eq!(out["summary"], Value::from("Creates a thing"));
    assert_eq!(out["x-accuro-idempotent"], Value::from(false));
    assert_eq!(out["x-accuro-idempotent-reason"], Value::from(NOT_REVIEWED));
    assert_eq!(out["x-accuro-handwritten"], Value::from("create_thing"));
    let params = out["parameters"].as_sequence().map(Vec::len);
    assert_eq!(params, Some(2), "uuid and id, not authorization");
    assert_eq!(
        out["parameters"][1]["schema"],
        yaml(r#"{"type":"integer","format":"int32"}"#)
    );
    let statuses: Vec<&str> = out["responses"]
        .as_mapping()
        .map(|m| m.keys().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["200", "400", "401", "403", "404", "500"]);
    assert_eq!(out["x-accuro-scopes"], yaml("[A_WRITE, A_READ]"));
}
