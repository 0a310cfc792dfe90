//! `Client::read_raw`: a read of the spec sent through the client's pipeline
//! (token, key, uuid, 401 replay, retries, cap), its answer kept as it came;
//! nothing that is not a read of the spec is ever sent.

use accuro_client::ErrorKind;
use accuro_tests::clients::{CLINIC_UUID, SUBSCRIPTION_KEY, builder, client};
use accuro_tests::mocks::{
    TokenIssuer, gateway_401, header_values, mount_answer, query_pairs, received_at, stand_in,
};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn any_status_comes_back_as_it_was_sent_with_the_calls_headers() {
    let server = stand_in().await;
    mount_answer(
        &server,
        "GET",
        "/rest/v1/offices",
        ResponseTemplate::new(418).set_body_raw(b"short and stout".to_vec(), "text/plain"),
    )
    .await;
    let c = client(&server);
    let query = [("page".to_owned(), "2".to_owned())];
    let answer = c
        .read_raw(
            "list_offices",
            &segments("/rest/v1/offices"),
            &query,
            Some("application/json"),
        )
        .await
        .expect("an answer");
    assert_eq!(answer.status, 418);
    assert_eq!(answer.content_type.as_deref(), Some("text/plain"));
    assert_eq!(answer.body, b"short and stout");
    assert!(!format!("{answer:?}").contains("stout"), "{answer:?}");

    let sent = received_at(&server, "/rest/v1/offices").await;
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        header_values(request, "x-qhr-subscription-key"),
        [SUBSCRIPTION_KEY]
    );
    assert_eq!(header_values(request, "accept"), ["application/json"]);
    assert_eq!(header_values(request, "authorization").len(), 1);
    assert_eq!(
        query_pairs(request),
        [
            ("page".to_owned(), "2".to_owned()),
            ("uuid".to_owned(), CLINIC_UUID.to_owned())
        ]
    );
    assert_eq!(c.request_counts().token_requests, 1);
    assert_eq!(c.request_counts().requests, 1);
}

#[tokio::test]
async fn only_a_read_of_the_spec_in_its_own_shape_is_sent() {
    let server = stand_in().await;
    let c = client(&server);
    for (operation, path) in [
        // Writes, the token endpoint, an unknown id.
        ("create_patient", "/rest/v1/provider-portal/patients"),
        ("delete_lab_test_results", "/rest/v1/lab-tests/1/results"),
        ("request_token", "/v1/token"),
        ("no_such_operation", "/rest/v1/offices"),
        // A read, at another path or with a value that moves the request.
        ("list_offices", "/rest/v1/providers"),
        ("get_provider", "/rest/v1/providers/.."),
        ("get_provider", "/rest/v1/providers"),
    ] {
        let e = c
            .read_raw(operation, &segments(path), &[], None)
            .await
            .expect_err(operation);
        assert_eq!(
            e.kind(),
            ErrorKind::InvalidRequest,
            "{operation} {path}: {e}"
        );
    }
    assert!(
        server
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_token_is_replayed_once_and_the_401_comes_back() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    mount_answer(&server, "GET", "/rest/v1/offices", gateway_401()).await;
    let c = builder(&server).build().expect("client");
    let answer = c
        .read_raw("list_offices", &segments("/rest/v1/offices"), &[], None)
        .await
        .expect("an answer");
    assert_eq!(answer.status, 401);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&answer.body).expect("JSON"),
        json!({"code": "401", "message": "Unauthorized"})
    );
    assert_eq!(issuer.issued(), 2);
    assert_eq!(c.request_counts().requests, 2);
    assert_eq!(c.request_counts().token_requests, 2);
}

#[tokio::test]
async fn the_answer_cap_holds() {
    let server = stand_in().await;
    mount_answer(
        &server,
        "GET",
        "/rest/v1/offices",
        ResponseTemplate::new(200).set_body_raw(vec![b'x'; 4096], "application/json"),
    )
    .await;
    let c = builder(&server)
        .configure_transport(|t| t.max_answer_bytes(1024))
        .build()
        .expect("client");
    let e = c
        .read_raw("list_offices", &segments("/rest/v1/offices"), &[], None)
        .await
        .expect_err("over the cap");
    assert_eq!(e.kind(), ErrorKind::AnswerTooLarge, "{e}");
}
