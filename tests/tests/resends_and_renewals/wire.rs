//! The wire: no `api-version` header and `uuid` exactly once, on every kind
//! of request.

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{API_VERSION, APPOINTMENTS, DOCUMENTS, OFFICES, PATIENT};

// ---------------------------------------------------------------------------
// i. The wire: no `api-version` header, `uuid` exactly once, on every kind of
//    request (token, generated, handwritten, a 401 replay, a retry).
//    A guard: the old code's `pre` removed the header progenitor had built,
//    so nothing reached the wire either; now it is never built.
// ---------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn no_api_version_header_and_uuid_exactly_once_on_every_request() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    // 401 for token-1, then the replay with token-2 succeeds.
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .with_priority(2)
        .mount(&server)
        .await;
    // 503 once, then the retry succeeds.
    Mock::given(method("GET"))
        .and(path(APPOINTMENTS))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_get(&server, APPOINTMENTS, json!([])).await;
    mount_get(
        &server,
        PATIENT,
        json!({"patientId": 1001, "patientStatusId": 1}),
    )
    .await;
    mount_get(&server, API_VERSION, json!("10.13.0")).await;
    Mock::given(method("PATCH"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1])))
        .mount(&server)
        .await;

    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("replayed");
    client
        .list_appointments()
        .patient(1001)
        .send()
        .await
        .expect("retried");
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("patient");
    client.get_api_version().send().await.expect("version");
    client
        .patch_patient(1001, &json!({"fileNumber": "F-1"}))
        .await
        .expect("patched");
    client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect("uploaded");

    let received = server.received_requests().await.expect("recorded");
    let (mut token, mut rest) = (0, 0);
    for request in &received {
        let what = format!("{} {}", request.method, request.url.path());
        assert!(
            header_values(request, "api-version").is_empty(),
            "{what}: api-version header"
        );
        let uuids: Vec<String> = query_pairs(request)
            .into_iter()
            .filter(|(k, _)| k == "uuid")
            .map(|(_, v)| v)
            .collect();
        if request.url.path() == TOKEN_PATH {
            token += 1;
            assert!(uuids.is_empty(), "{what}: {uuids:?}");
        } else {
            rest += 1;
            assert_eq!(uuids, [CLINIC_UUID], "{what}: uuid exactly once");
        }
    }
    assert_eq!(token, 2, "token-1, then token-2 after the 401");
    assert_eq!(rest, 2 + 2 + 1 + 1 + 1 + 1, "replay and retry included");
}
