//! Operations without state of their own: the spec's examples, behind the
//! same checks as the others.

use accuro_sandbox::Config;
use accuro_spec::{Media, Spec};
use serde_json::{Value, json};

use crate::raw::{Raw, raw_token};
use crate::{client_for, start};

#[tokio::test]
async fn an_imported_operation_answers_its_example_behind_the_same_checks() {
    let sandbox = start(Config::default()).await;
    let spec = Spec::embedded().expect("the built-in spec");
    let op = spec.operation("search_patients_v1").expect("in the spec");
    let path = op.path();
    assert_eq!(path, "/rest/v1/provider-portal/patients/search");
    assert!(op.required_query().any(|q| q == "phn"));
    let token = raw_token(&sandbox, None).await;
    let phn = ("phn", "9000000001");

    let mut asked = Raw::get(path, &token);
    asked.query.push(phn);
    let (status, media_type, body) = asked.send(&sandbox).await;
    assert_eq!(status, op.success().status);
    assert_eq!(media_type, "application/json");
    let answer: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(Some(&answer), op.success().body.map(|m: &Media| &m.example));

    // No subscription key: the gateway's shape.
    let mut keyless = Raw::get(path, &token);
    keyless.query.push(phn);
    keyless.key = None;
    assert_eq!(
        keyless.json(&sandbox).await,
        (
            401,
            json!({"code": "401", "message": "Access denied due to missing or invalid subscription key."})
        )
    );
    // No token, or one the sandbox did not issue.
    for token in [None, Some("sbx-access-made-up")] {
        let mut unknown = Raw::get(path, "");
        unknown.query.push(phn);
        unknown.token = token;
        assert_eq!(
            unknown.json(&sandbox).await,
            (401, json!({"code": "401", "message": "Unauthorized"}))
        );
    }
    // No clinic uuid; no `phn`, which the operation requires.
    let mut no_uuid = Raw::get(path, &token);
    no_uuid.query = vec![phn];
    let missing = (400, json!({"error": "Required Parameter Missing."}));
    assert_eq!(no_uuid.json(&sandbox).await, missing);
    assert_eq!(Raw::get(path, &token).json(&sandbox).await, missing);
    // A token without any of its scopes: 401 as the server answers it.
    let narrow = raw_token(&sandbox, Some("SCHEDULING_READ")).await;
    assert!(!op.scopes().iter().any(|s| s == "SCHEDULING_READ"));
    let mut unscoped = Raw::get(path, &narrow);
    unscoped.query.push(phn);
    assert_eq!(
        unscoped.json(&sandbox).await,
        (401, json!({"error": "Access is denied"}))
    );
    // A path the spec does not have: 404, checked or not; a method its path
    // lacks: 405.
    let unknown = "/rest/v1/provider-portal/no-such-operation";
    assert_eq!(Raw::get(unknown, &token).send(&sandbox).await.0, 404);
    let mut bare = Raw::get(unknown, "");
    bare.token = None;
    bare.key = None;
    assert_eq!(bare.send(&sandbox).await.0, 404);
    let mut delete = Raw::get("/rest/v1/offices", &token);
    delete.method = reqwest::Method::DELETE;
    assert_eq!(delete.send(&sandbox).await.0, 405);
}

#[tokio::test]
async fn operations_beside_and_under_stateful_routes_answer_their_examples() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let spec = Spec::embedded().expect("the built-in spec");
    let example = |id: &str| {
        spec.operation(id)
            .and_then(|op| op.success().body)
            .map(|b| b.example.clone())
            .expect("an example")
    };
    // `/providers/search` and `/tasks/reasons` are literal paths beside the
    // sandbox's `/providers/{providerId}` and `/tasks/{taskId}` routes.
    let found = c.search_providers().send().await.expect("search_providers");
    assert_eq!(found.status().as_u16(), 200);
    let reasons = c
        .list_task_reasons()
        .send()
        .await
        .expect("list_task_reasons")
        .into_inner();
    assert_eq!(
        serde_json::to_value(&reasons).expect("JSON"),
        example("list_task_reasons")
    );
    // A method the sandbox's route for the path does not have.
    let provider = c
        .get_provider()
        .provider_id(2)
        .send()
        .await
        .expect("get_provider")
        .into_inner();
    let updated = c
        .update_provider()
        .provider_id(2)
        .body(provider)
        .send()
        .await
        .expect("update_provider");
    assert_eq!(updated.status().as_u16(), 204);
    // A binary answer in its media type, and a multipart one the
    // handwritten reader takes apart.
    let token = raw_token(&sandbox, None).await;
    let (status, media_type, body) = Raw::get(
        "/rest/v1/provider-portal/patients/1001/profile-picture",
        &token,
    )
    .send(&sandbox)
    .await;
    assert_eq!(
        (status, media_type.as_str()),
        (200, "application/octet-stream")
    );
    assert_eq!(
        Some(&Value::String(String::from_utf8(body).expect("text"))),
        Some(&example("get_patient_profile_picture"))
    );
    let letter = c.get_letter(8001).await.expect("get_letter");
    assert_eq!(letter.content_type.as_deref(), Some("application/pdf"));
    assert!(letter.content.starts_with(b"%PDF"));
}
