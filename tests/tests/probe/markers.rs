//! PHN and name markers in every answer: none reaches stdout, stderr or
//! the JSON report.

use std::collections::BTreeSet;

use accuro_tests::*;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::{NAME_MARKER, PHN_MARKER};

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
