//! A stand-in that disagrees with the spec in known ways: each disagreement
//! is reported, and only GETs with the expected headers reach it.

use accuro_probe::finding::Kind;
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{NAME_MARKER, findings_of, options, probe_with, stand_in_env};

#[tokio::test]
async fn undocumented_fields_unlisted_statuses_and_wrong_dates_are_each_reported() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_get(
        &server,
        "/rest/v1/offices",
        json!([{"officeId": 1, "name": "Synthetic office", "officeNickname": "Front desk"}]),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/api-version"))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    mount_get(
        &server,
        "/rest/v2/provider-portal/patients/search",
        json!({
            "contents": [
                {"patientId": 5, "demographics": {"birthday": "16/02/1959"}},
                {"patientId": 6, "demographics": {"birthday": 19590216}}
            ],
            "count": 2, "total": 2, "lastId": 6
        }),
    )
    .await;
    let report = probe_with(
        stand_in_env(&server),
        &options(
            &["list_offices", "get_api_version", "search_patients"],
            Some(NAME_MARKER),
        ),
    )
    .await;

    let offices = findings_of(&report, "list_offices");
    assert!(
        offices.iter().any(|f| f.kind == Kind::Undocumented
            && f.path == "[].officeNickname"
            && f.actual == "string"
            && !f.breaks_decoding),
        "{offices:?}"
    );
    let version = findings_of(&report, "get_api_version");
    assert!(
        version
            .iter()
            .any(|f| f.kind == Kind::Status && f.actual == "status 418"),
        "{version:?}"
    );
    let search = findings_of(&report, "search_patients");
    let birthdays: Vec<_> = search
        .iter()
        .filter(|f| f.path == "contents[].demographics.birthday")
        .collect();
    assert!(
        birthdays.iter().any(|f| f.kind == Kind::Schema
            && f.actual == "string"
            && f.expected.to_lowercase().contains("date")),
        "{search:?}"
    );
    assert!(
        birthdays
            .iter()
            .any(|f| f.kind == Kind::Schema && f.actual == "integer" && f.breaks_decoding),
        "{search:?}"
    );
    assert_eq!(report.summary.disagreeing, 3);
    assert_eq!(report.exit_code(), 1);
    let text = report.render_text(false);
    assert!(
        !text.contains("16/02/1959") && !text.contains("19590216") && !text.contains("Front desk")
    );

    // Only GET reached the REST API, each with the key, a bearer and the uuid;
    // the last name went to the search alone.
    for request in server.received_requests().await.expect("recording") {
        if request.url.path() == TOKEN_PATH {
            continue;
        }
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(header_values(&request, "accept"), ["application/json"]);
        assert_eq!(
            header_values(&request, "x-qhr-subscription-key"),
            [SUBSCRIPTION_KEY]
        );
        assert_eq!(header_values(&request, "authorization").len(), 1);
        let query = query_pairs(&request);
        assert!(query.contains(&("uuid".into(), CLINIC_UUID.into())));
        let has_name = query.iter().any(|(_, v)| v == NAME_MARKER);
        assert_eq!(has_name, request.url.path().ends_with("/search"));
    }
}
