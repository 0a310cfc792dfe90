//! The token request's method, query, headers and form body.

use accuro_tests::*;
use serde_json::json;
use wiremock::MockServer;

#[tokio::test]
async fn token_request_has_the_documented_shape() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_get(&server, "/rest/v1/offices", json!([])).await;

    client(&server)
        .list_offices()
        .send()
        .await
        .expect("list offices");

    let tokens = received_at(&server, TOKEN_PATH).await;
    assert_eq!(tokens.len(), 1);
    let t = &tokens[0];
    assert_eq!(t.method.as_str(), "POST");
    assert_eq!(query_pairs(t), vec![("tenant".into(), TENANT.into())]);
    assert_eq!(header_values(t, "authorization"), vec![basic_header()]);
    assert_eq!(
        header_values(t, "content-type"),
        vec!["application/x-www-form-urlencoded".to_owned()]
    );
    // Scopes are space-separated (RFC 6749), which form encoding writes as `+`.
    assert_eq!(
        String::from_utf8_lossy(&t.body),
        "grant_type=client_credentials&scope=PATIENT_DEMOGRAPHICS_READ+SCHEDULING_WRITE"
    );
    assert!(header_values(t, "x-qhr-subscription-key").is_empty());
    assert!(header_values(t, "api-version").is_empty());
}
