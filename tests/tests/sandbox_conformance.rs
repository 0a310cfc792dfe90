//! The sandbox's answers conform to `spec/accuro.yaml`, as judged by Prism in
//! validating proxy mode (`prism proxy ... --errors`): every operation goes
//! through the client, through Prism, to the sandbox; Prism checks request
//! and answer and turns any violation into an error. Both the hand-written
//! calls ([`every_operation`]) and one call of every generated operation with
//! the spec's values ([`every_generated_operation`]) go through.
//!
//! `.ci/run` starts the sandbox (`ACCURO_SANDBOX_URL`) and Prism in front of
//! it (`ACCURO_SANDBOX_PROXY_URL`). Without them this skips loudly, except in
//! CI, where it fails. Locally:
//!
//! ```sh
//! cargo xtask sandbox --port 4020 &
//! (cd spec && npx prism proxy accuro.yaml http://127.0.0.1:4020 -h 127.0.0.1 -p 4011 --errors) &
//! ACCURO_SANDBOX_URL=http://127.0.0.1:4020 ACCURO_SANDBOX_PROXY_URL=http://127.0.0.1:4011 \
//!   cargo test -p accuro-tests --test sandbox_conformance
//! ```

use std::collections::BTreeSet;

use accuro_client::{Client, ClientBuilder, types};
use accuro_tests::{
    Audited, Fixture, appointment, conforms, every_generated_operation, every_operation,
    every_other_handwritten_operation, generated_rest_operations, other_handwritten_operations,
};

/// The tests share one sandbox, whose knobs one of them changes: each holds
/// this while it runs.
static SHARED_SANDBOX: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn urls() -> Option<(String, String)> {
    match (
        std::env::var("ACCURO_SANDBOX_URL"),
        std::env::var("ACCURO_SANDBOX_PROXY_URL"),
    ) {
        (Ok(direct), Ok(proxy)) => Some((direct, proxy)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("ACCURO_SANDBOX_URL and ACCURO_SANDBOX_PROXY_URL must be set in CI")
        }
        _ => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPED: the sandbox conformance suite needs ACCURO_SANDBOX_URL and ACCURO_SANDBOX_PROXY_URL (see tests/tests/sandbox_conformance.rs) !!!\n"
            );
            None
        }
    }
}

async fn set_faults(direct: &str, faults: serde_json::Value) {
    let status = accuro_tests::raw_http_client()
        .put(format!("{direct}/__sandbox/faults"))
        .json(&faults)
        .send()
        .await
        .expect("sandbox admin")
        .status();
    assert_eq!(status.as_u16(), 204);
}

/// The REST requests the sandbox at `direct` has received, by its own
/// counter (`GET /__sandbox/stats`): what a run really sent, counted apart
/// from the calls that claim to have sent it.
async fn rest_requests(direct: &str) -> u64 {
    let stats: serde_json::Value = accuro_tests::raw_http_client()
        .get(format!("{direct}/__sandbox/stats"))
        .send()
        .await
        .expect("sandbox admin")
        .json()
        .await
        .expect("sandbox stats JSON");
    stats["rest_requests"]
        .as_u64()
        .unwrap_or_else(|| panic!("no rest_requests in {stats}"))
}

/// A client of the sandbox through the validating proxy at `proxy`, on the
/// audited transport (whose trail names each operation it finished).
fn client_through(proxy: &str, audited: &Audited) -> Client {
    let sandbox_env = [
        ("ACCURO_BASE_URL", proxy.to_owned()),
        ("ACCURO_TENANT", accuro_sandbox::TENANT.to_owned()),
        ("ACCURO_CLIENT_ID", accuro_sandbox::CLIENT_ID.to_owned()),
        (
            "ACCURO_CLIENT_SECRET",
            accuro_sandbox::CLIENT_SECRET.to_owned(),
        ),
        (
            "ACCURO_SCOPES",
            accuro_sandbox::Config::default().clients[0]
                .scopes
                .join(" "),
        ),
        (
            "ACCURO_SUBSCRIPTION_KEY",
            accuro_sandbox::SUBSCRIPTION_KEY.to_owned(),
        ),
        ("ACCURO_UUID", accuro_sandbox::CLINIC_UUID.to_owned()),
    ];
    ClientBuilder::from_lookup(|name| {
        sandbox_env
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
    .transport(audited.transport())
    .build()
    .expect("client")
}

/// `ids`, sorted, one entry each: what an audit trail of one call per
/// operation holds.
fn once_each(ids: &BTreeSet<String>) -> Vec<String> {
    ids.iter().cloned().collect()
}

/// One run of the handwritten operations (`multipart_answers`: the letters'
/// too): the sandbox's counter saw one request per call, and the client's
/// audit trail (named from the routes, not from the run's own list) and the
/// run's list are each the spec's handwritten operations, once.
async fn handwritten_run(
    client: &Client,
    fixture: &Fixture,
    direct: &str,
    audited: &Audited,
    multipart_answers: bool,
) {
    let before = rest_requests(direct).await;
    let handwritten = every_other_handwritten_operation(client, fixture, multipart_answers)
        .await
        .unwrap_or_else(|problem| panic!("{problem}"));
    assert_eq!(
        rest_requests(direct).await - before,
        u64::try_from(handwritten.len()).expect("count"),
        "requests the sandbox received for {handwritten:?}"
    );
    let in_spec = other_handwritten_operations(multipart_answers);
    assert_eq!(audited.take(), once_each(&in_spec));
    let handwritten: BTreeSet<String> = handwritten.into_iter().map(str::to_owned).collect();
    assert_eq!(handwritten, in_spec);
}

// One test: it changes the sandbox's knobs, which the other steps must not see.
#[tokio::test]
async fn the_sandbox_answers_as_the_spec_says_and_breaking_it_is_noticed() {
    let Some((direct, proxy)) = urls() else {
        return;
    };
    let _alone = SHARED_SANDBOX.lock().await;
    let client = client_through(&proxy, &Audited::new());
    set_faults(&direct, serde_json::json!({})).await;
    let fixture = Fixture {
        patient: accuro_sandbox::FIRST_PATIENT,
        provider: 2,
        office: 1,
        appointment: accuro_sandbox::LOCKED_APPOINTMENT + 1,
        lab_test: 501,
        folder: 12,
        task: accuro_sandbox::FIRST_TASK,
    };
    every_operation(&client, &fixture)
        .await
        .unwrap_or_else(|problem| panic!("{problem}"));

    // An answer changed to break the spec is caught: the client sees Prism's
    // 500 (its error keeps no body), and the same request sent raw shows why.
    set_faults(&direct, serde_json::json!({"break_spec": true})).await;
    let verdict = conforms("list_offices", client.list_offices().send().await);
    let why = raw_offices_through(&direct, &proxy).await;
    set_faults(&direct, serde_json::json!({})).await;
    let problem = verdict.expect_err("Prism flags the broken answer");
    assert!(problem.contains("500"), "{problem}");
    assert!(why.contains("officeId"), "{why}");
}

/// Every generated operation, called once with the spec's values (and ids
/// of the sandbox's records where a path names one), is answered as the spec
/// says and decodes: the stateful operations from the sandbox's clinic, the
/// others with the spec's examples. The run deletes its task and its
/// appointment: it books fresh ones first, so that it can run again against
/// the same sandbox; the seeded records it changes (a patient it replaces)
/// are not the other test's.
#[tokio::test]
async fn every_generated_operation_goes_through_the_sandbox() {
    let Some((direct, proxy)) = urls() else {
        return;
    };
    let _alone = SHARED_SANDBOX.lock().await;
    set_faults(&direct, serde_json::json!({})).await;
    let audited = Audited::new();
    let client = client_through(&proxy, &audited);
    let (patient, provider, office) = (accuro_sandbox::FIRST_PATIENT + 1, 3, 2);
    let task = types::UserTask {
        assigned_to_user_ids: vec![1],
        reason: Some("Call patient".into()),
        office_id_assigned_to: Some(2),
        office_id_assigned_from: Some(2),
        task_due_date: Some("2026-12-23".parse().expect("date")),
        ..types::UserTask::default()
    };
    let task = conforms("create_task", client.create_task().body(task).send().await)
        .unwrap_or_else(|problem| panic!("{problem}"));
    let booking = appointment("2026-12-23", (1400, 1415), Some(patient), provider, office);
    let booked = conforms(
        "create_appointment",
        client.create_appointment().body(booking).send().await,
    )
    .unwrap_or_else(|problem| panic!("{problem}"));
    let fixture = Fixture {
        patient,
        provider,
        office,
        appointment: booked,
        lab_test: 502,
        folder: 11,
        task,
    };
    // The handwritten ones first (the generated run deletes the task):
    // through Prism, and the multipart letter answers straight from the
    // sandbox, since Prism cannot read a multipart answer ("Boundary parameter
    // for multipart/form-data is not defined", with the boundary in place).
    // Each run calls the spec's handwritten operations (read from its text),
    // and the sandbox's counter saw one request per call.
    let _ = audited.take();
    handwritten_run(&client, &fixture, &direct, &audited, false).await;
    handwritten_run(
        &client_through(&direct, &audited),
        &fixture,
        &direct,
        &audited,
        true,
    )
    .await;
    // Every generated operation: as many as the spec's REST operations not
    // marked handwritten (read from its text, not from the generated calls),
    // each one request the sandbox received through Prism.
    let in_spec = u64::try_from(generated_rest_operations().len()).expect("count");
    let before = rest_requests(&direct).await;
    let called = every_generated_operation(&client, &fixture)
        .await
        .unwrap_or_else(|problem| panic!("{problem}"));
    assert_eq!(
        rest_requests(&direct).await - before,
        in_spec,
        "requests the sandbox received for the generated operations"
    );
    assert_eq!(u64::try_from(called).expect("count"), in_spec);
    assert_eq!(
        audited.take(),
        once_each(&generated_rest_operations()),
        "the operations the client finished, by its audit trail"
    );
}

/// `GET /rest/v1/offices` through the proxy with a token from the sandbox,
/// without the client: Prism's full answer body.
async fn raw_offices_through(direct: &str, proxy: &str) -> String {
    use accuro_sandbox::{CLIENT_ID, CLIENT_SECRET, CLINIC_UUID, SUBSCRIPTION_KEY, TENANT};
    let http = accuro_tests::raw_http_client();
    let token: serde_json::Value = http
        .post(format!("{direct}/v1/token"))
        .query(&[("tenant", TENANT)])
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    let access = token["access_token"].as_str().expect("access_token");
    http.get(format!("{proxy}/rest/v1/offices"))
        .query(&[("uuid", CLINIC_UUID)])
        .bearer_auth(access)
        .header("x-qhr-subscription-key", SUBSCRIPTION_KEY)
        .send()
        .await
        .expect("Prism answers")
        .text()
        .await
        .expect("body")
}
