//! Every generated operation, answered with the spec's examples: its route,
//! token, key and `uuid` once.

use accuro_tests::*;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers every REST request with its operation's example from the spec
/// (the sandbox's reading of it), and 404 for a path the spec lacks.
struct SpecExamples;

impl wiremock::Respond for SpecExamples {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        use accuro_spec::{Spec, routes::Resolution};
        let Ok(routes) = Spec::embedded() else {
            return ResponseTemplate::new(500);
        };
        match routes.resolve(request.method.as_str(), request.url.path()) {
            Resolution::Found(op) => {
                let answer = op.success();
                let template = ResponseTemplate::new(answer.status);
                match answer.body {
                    Some(body) if body.media_type.contains("json") => {
                        template.set_body_json(body.example.clone())
                    }
                    Some(body) => template.set_body_raw(
                        body.example.as_str().unwrap_or("").as_bytes().to_vec(),
                        &body.media_type,
                    ),
                    None => template,
                }
            }
            Resolution::MethodNotAllowed => ResponseTemplate::new(405),
            Resolution::NotFound => ResponseTemplate::new(404),
        }
    }
}

/// Every generated operation, sent with the spec's values: each request is
/// the spec's method and path, and carries the bearer, the subscription key
/// and `uuid` exactly once and no `api-version`; every operation is seen.
#[tokio::test]
async fn every_generated_operation_has_its_route_token_key_and_uuid_once() {
    use accuro_spec::{Spec, routes::Resolution};
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(wiremock::matchers::path_regex("^/rest/"))
        .respond_with(SpecExamples)
        .mount(&server)
        .await;
    let called = every_generated_operation(&client(&server), &SPEC_EXAMPLES)
        .await
        .unwrap_or_else(|problems| panic!("{problems}"));

    let routes = Spec::embedded().expect("the spec");
    let mut seen = std::collections::BTreeSet::new();
    for request in server.received_requests().await.expect("recording") {
        if request.url.path() == TOKEN_PATH {
            continue;
        }
        let what = format!("{} {}", request.method, request.url.path());
        let Resolution::Found(op) = routes.resolve(request.method.as_str(), request.url.path())
        else {
            panic!("{what}: not an operation of the spec");
        };
        seen.insert(op.id().to_owned());
        let uuids: Vec<_> = query_pairs(&request)
            .into_iter()
            .filter(|(k, _)| k == "uuid")
            .collect();
        assert_eq!(
            uuids,
            vec![("uuid".to_owned(), CLINIC_UUID.to_owned())],
            "{what}"
        );
        // The office switch goes through a client whose token is its own
        // (a shared token refuses it): a second token.
        let token = if op.id() == accuro_spec::token_state::OFFICE_SWITCH {
            "Bearer token-2"
        } else {
            "Bearer token-1"
        };
        assert_eq!(
            header_values(&request, "authorization"),
            vec![token.to_owned()],
            "{what}"
        );
        assert_eq!(
            header_values(&request, "x-qhr-subscription-key"),
            vec![SUBSCRIPTION_KEY.to_owned()],
            "{what}"
        );
        assert!(header_values(&request, "api-version").is_empty(), "{what}");
    }
    assert_eq!(
        seen.len(),
        called,
        "every generated operation reached the wire: {seen:?}"
    );
}
