//! `cargo xtask probe` (the `accuro-probe` crate), offline: against the
//! sandbox (clean, then broken on purpose), against stand-ins that disagree
//! with the spec in known ways, and with PHN and name markers in every
//! answer, none of which may reach the output.

use std::collections::{BTreeMap, BTreeSet};

use accuro_probe::finding::Kind;
use accuro_probe::report::Outcome;
use accuro_probe::spec::Spec;
use accuro_probe::transport::Limits;
use accuro_probe::{Options, Report, probe};
use accuro_sandbox::{Faults, Sandbox};
use accuro_tests::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A synthetic PHN and a synthetic last name, put in answers as markers.
const PHN_MARKER: &str = "9998887776";
const NAME_MARKER: &str = "Qwertzuiop";

fn options(only: &[&str], last_name: Option<&str>) -> Options {
    Options {
        patient_last_name: last_name.map(|n| n.to_owned().into()),
        only: only.iter().map(|s| (*s).to_owned()).collect(),
        limits: Limits {
            rate: 1000.0,
            max_answer_bytes: 64 * 1024 * 1024,
            connect_timeout: std::time::Duration::from_secs(5),
            request_timeout: std::time::Duration::from_secs(30),
        },
        extra_roots_pem: None,
    }
}

fn env_of(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<&'static str, String> = pairs.into_iter().collect();
    move |name| map.get(name).cloned()
}

fn stand_in_env(server: &MockServer) -> impl Fn(&str) -> Option<String> {
    env_of(vec![
        ("ACCURO_BASE_URL", server.uri()),
        ("ACCURO_TENANT", TENANT.into()),
        ("ACCURO_CLIENT_ID", CLIENT_ID.into()),
        ("ACCURO_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("ACCURO_SCOPES", SCOPES.join(" ")),
        ("ACCURO_SUBSCRIPTION_KEY", SUBSCRIPTION_KEY.into()),
        ("ACCURO_UUID", CLINIC_UUID.into()),
    ])
}

async fn probe_with(lookup: impl Fn(&str) -> Option<String>, options: &Options) -> Report {
    let config = accuro_probe::config::Config::from_lookup(lookup).expect("config");
    let spec = Spec::embedded().expect("the spec");
    probe(config, &spec, options, &mut |_| {})
        .await
        .expect("the probe runs")
}

fn findings_of<'a>(report: &'a Report, operation: &str) -> &'a [accuro_probe::finding::Finding] {
    &report
        .operations
        .iter()
        .find(|op| op.operation == operation)
        .unwrap_or_else(|| panic!("{operation} not probed"))
        .findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_agrees_with_the_spec_on_every_read_operation() {
    let sandbox = Sandbox::start(accuro_sandbox::Config::default(), 0)
        .await
        .expect("sandbox");
    let lookup = env_of(sandbox.config().client_env(&sandbox.base_url()));
    let report = probe_with(lookup, &options(&[], Some("Sample"))).await;
    let spec = Spec::embedded().expect("the spec");
    let s = report.summary;
    let text = report.render_text(false);
    assert_eq!(s.operations, spec.operations.len(), "{text}");
    assert_eq!(
        spec.operations.iter().filter(|op| !op.handwritten).count(),
        accuro_probe::GENERATED_READS
    );
    assert_eq!(
        (s.checked, s.answering, s.disagreeing, s.skipped, s.failed),
        (s.operations, s.operations, 0, 0, 0),
        "{text}"
    );
    assert_eq!(report.exit_code(), 0);
    assert_eq!(s.token_requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_sandbox_answer_is_found_by_path_without_its_value() {
    let sandbox = Sandbox::start(accuro_sandbox::Config::default(), 0)
        .await
        .expect("sandbox");
    sandbox.set_faults(Faults {
        break_spec: true,
        ..Faults::default()
    });
    let lookup = env_of(sandbox.config().client_env(&sandbox.base_url()));
    let report = probe_with(lookup, &options(&["list_offices"], None)).await;
    let findings = findings_of(&report, "list_offices");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (
            f.kind,
            f.path.as_str(),
            f.expected.as_str(),
            f.actual.as_str()
        ),
        (Kind::Schema, "[].officeId", "integer", "string")
    );
    assert!(f.breaks_decoding);
    assert_eq!(report.exit_code(), 1);
    // The sandbox's broken answer is `{"officeId": "not-an-integer", "name": "Broken"}`.
    for output in [report.render_text(true), report.render_json()] {
        assert!(
            !output.contains("not-an-integer") && !output.contains("Broken"),
            "{output}"
        );
        assert!(output.contains("[].officeId"), "{output}");
    }
}

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

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/offices"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/collect", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let findings = findings_of(&report, "list_offices");
    assert!(
        findings
            .iter()
            .any(|f| f.kind == Kind::Status && f.actual == "status 302"),
        "{findings:?}"
    );
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
}

#[tokio::test]
async fn a_429_is_waited_out_for_its_retry_after() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "GET",
        "/rest/v1/offices",
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(json!([{"officeId": 1, "name": "Synthetic"}])),
    )
    .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let op = &report.operations[0];
    assert_eq!(op.outcome, Outcome::Answered { status: 200 });
    assert!(op.findings.is_empty(), "{:?}", op.findings);
    assert_eq!(received_at(&server, "/rest/v1/offices").await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_probe_waits_fails_the_operation_at_once() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/offices"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let Outcome::Failed { reason } = &report.operations[0].outcome else {
        panic!("{:?}", report.operations[0]);
    };
    assert!(reason.contains("3600"), "{reason}");
    assert_eq!(report.exit_code(), 3);
    assert_eq!(received_at(&server, "/rest/v1/offices").await.len(), 1);
}

#[tokio::test]
async fn a_fresh_token_refused_fails_the_operations_and_is_not_renewed_again() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(wiremock::matchers::path_regex("^/rest/"))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    let report = probe_with(
        stand_in_env(&server),
        &options(&["list_offices", "list_genders"], None),
    )
    .await;
    for op in &report.operations {
        let Outcome::Failed { reason } = &op.outcome else {
            panic!("{op:?}");
        };
        assert!(reason.contains("fresh token"), "{reason}");
    }
    // One token, one renewal after the first 401; none after the renewed
    // token was refused too.
    assert_eq!(issuer.issued(), 2);
    assert_eq!(report.summary.answering, 0);
    assert_eq!(report.exit_code(), 3);
}

/// Answers every REST request with its operation's example from the spec,
/// with every string, and every number that is not an id, replaced by a
/// marker; every object also gets an undocumented field holding a marker
/// and one whose very name is a marker.
struct MarkedExamples;

fn mark(value: &Value, n: &mut usize) -> Value {
    *n += 1;
    let marker = || {
        if n.is_multiple_of(2) {
            PHN_MARKER
        } else {
            NAME_MARKER
        }
    };
    match value {
        Value::String(_) => Value::String(format!("{} {}", marker(), marker())),
        Value::Number(_) => Value::String(marker().to_owned()),
        Value::Array(items) => Value::Array(items.iter().map(|v| mark(v, n)).collect()),
        Value::Object(members) => {
            let mut out = serde_json::Map::new();
            for (k, v) in members {
                let kept = k.ends_with("Id") && v.is_number();
                out.insert(k.clone(), if kept { v.clone() } else { mark(v, n) });
            }
            out.insert("nickname".into(), json!(NAME_MARKER));
            out.insert(format!("{NAME_MARKER} {PHN_MARKER}"), json!(PHN_MARKER));
            // A name-shaped key: capitalised, like a value, so withheld.
            out.insert(NAME_MARKER.into(), json!(true));
            Value::Object(out)
        }
        other => other.clone(),
    }
}

impl Respond for MarkedExamples {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        use accuro_spec::{Spec, routes::Resolution};
        let Ok(routes) = Spec::embedded() else {
            return ResponseTemplate::new(500);
        };
        let Resolution::Found(op) = routes.resolve(request.method.as_str(), request.url.path())
        else {
            return ResponseTemplate::new(404);
        };
        let answer = op.success();
        let template = ResponseTemplate::new(answer.status);
        match answer.body {
            Some(body) if body.media_type.contains("json") => {
                template.set_body_json(mark(&body.example, &mut 0))
            }
            Some(body) => template.set_body_raw(
                format!("{NAME_MARKER} {PHN_MARKER}").into_bytes(),
                &body.media_type,
            ),
            None => template,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_marker_reaches_stdout_stderr_or_the_json_report() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(wiremock::matchers::path_regex("^/rest/"))
        .respond_with(MarkedExamples)
        .mount(&server)
        .await;
    let uri = server.uri();
    let outputs = tokio::task::spawn_blocking(move || {
        let lookup = |name: &str| match name {
            "ACCURO_BASE_URL" => Some(uri.clone()),
            "ACCURO_TENANT" => Some(TENANT.into()),
            "ACCURO_CLIENT_ID" => Some(CLIENT_ID.into()),
            "ACCURO_CLIENT_SECRET" => Some(CLIENT_SECRET.into()),
            "ACCURO_SCOPES" => Some(SCOPES.join(" ")),
            "ACCURO_SUBSCRIPTION_KEY" => Some(SUBSCRIPTION_KEY.into()),
            "ACCURO_UUID" => Some(CLINIC_UUID.into()),
            _ => None,
        };
        let mut runs = Vec::new();
        for extra in [&[][..], &["--json"][..]] {
            let mut args: Vec<String> = [
                "--rate",
                "1000",
                "--all",
                "--verbose",
                "--patient-last-name",
                NAME_MARKER,
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            args.extend(extra.iter().map(|s| (*s).to_owned()));
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = accuro_probe::cli::main(&args, lookup, &mut out, &mut err);
            runs.push((
                code,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            ));
        }
        runs
    })
    .await
    .expect("the probe's thread");

    for (code, out, err) in &outputs {
        // Every answer disagrees: the test is not passing on an empty report.
        assert_eq!(*code, 1, "{err}");
        assert!(
            out.contains("undocumented") && out.contains("withheld"),
            "{out}"
        );
        assert!(err.contains("list_offices: 200"), "{err}");
        for marker in [PHN_MARKER, NAME_MARKER, "9998", "Qwertz"] {
            assert!(!out.contains(marker), "`{marker}` on stdout");
            assert!(!err.contains(marker), "`{marker}` on stderr");
        }
        for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY, CLINIC_UUID] {
            assert!(!out.contains(secret) && !err.contains(secret));
        }
    }
    // Shown with `--nocapture`: what a report of a bad day looks like.
    println!("{}", outputs[0].1);
    let json: Value = serde_json::from_str(&outputs[1].1).expect("--json prints JSON");
    let paths: BTreeSet<&str> = json["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|op| op["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains("[].nickname"), "{paths:?}");
}
