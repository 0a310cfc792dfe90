//! A base URL with a path stem and a trailing slash.

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn base_url_with_a_path_stem_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accuro/v1/token"))
        .respond_with(TokenIssuer::new(Some(3600)))
        .mount(&server)
        .await;
    mount_get(&server, "/accuro/rest/v1/offices", json!([])).await;
    let client = builder(&server)
        .base_url(format!("{}/accuro/", server.uri()))
        .build()
        .expect("client");
    client
        .list_offices()
        .send()
        .await
        .expect("offices under a path stem");
}
