//! Writes are sent again by what Accuro does, not by their HTTP method:
//! every write of the spec states its retry safety with a reason, a write
//! that makes a new version is sent once whatever the gateway answers, a
//! truly idempotent one is sent again, and a resend refused after an
//! attempt that may have acted is an unknown outcome, never a plain
//! `NotFound`.

use std::sync::atomic::Ordering;

use accuro_client::{Error, ErrorKind, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

const LAB_GROUP: &str = "/rest/v1/provider-portal/patients/1001/lab-groups/77";
const LAB_RESULT: &str = "/rest/v1/provider-portal/labs/results/31";
const TASK: &str = "/rest/v1/provider-portal/tasks/501";

/// Every write of the spec (`POST`, `PUT`, `PATCH`, `DELETE`) with its
/// operation id, whether it is idempotent, and why.
fn writes() -> Vec<(String, Option<bool>, Option<String>)> {
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(spec_path()).expect("spec")).expect("yaml");
    let mut out = Vec::new();
    for (_, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, op) in item.as_mapping().expect("path item") {
            if !["post", "put", "patch", "delete"].contains(&method.as_str().unwrap_or_default()) {
                continue;
            }
            out.push((
                op["operationId"].as_str().unwrap_or_default().to_owned(),
                op["x-accuro-idempotent"].as_bool(),
                op["x-accuro-idempotent-reason"].as_str().map(str::to_owned),
            ));
        }
    }
    out
}

fn spec_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/accuro.yaml")
}

#[test]
fn every_write_states_its_retry_safety_with_a_reason() {
    let writes = writes();
    assert!(writes.len() >= 100, "{} writes", writes.len());
    let unstated: Vec<&str> = writes
        .iter()
        .filter(|(_, idempotent, reason)| {
            idempotent.is_none() || reason.as_deref().is_none_or(|r| r.trim().is_empty())
        })
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(
        unstated,
        Vec::<&str>::new(),
        "writes without both extensions"
    );
    let unreviewed: Vec<&str> = writes
        .iter()
        .filter(|(_, _, reason)| reason.as_deref() == Some("not reviewed"))
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(
        unreviewed,
        Vec::<&str>::new(),
        "writes imported and not reviewed"
    );
    // QHR's own descriptions: these make a new lab group on every call.
    for id in [
        "update_patient_lab_group",
        "update_patient_lab_group_observation",
        "delete_patient_lab_group_observation",
        "add_patient_lab_group_observation",
        "update_patient_lab_group_recipients",
        "review_patient_lab_group",
        "create_letter",
        "reassign_user_tasks",
        "replace_patient",
    ] {
        let (_, idempotent, _) = writes
            .iter()
            .find(|(op, _, _)| op == id)
            .unwrap_or_else(|| panic!("{id} is not a write of the spec"));
        assert_eq!(*idempotent, Some(false), "{id} must never be sent twice");
    }
}

#[tokio::test]
async fn a_put_that_makes_a_new_lab_group_is_sent_once_after_a_504() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "PUT",
        LAB_GROUP,
        ResponseTemplate::new(504),
        ResponseTemplate::new(200).set_body_json(78),
    )
    .await;
    let err = quick_client(&server)
        .update_patient_lab_group()
        .patient_id(1001)
        .group_id(77)
        .body(types::LabGroup::builder())
        .send()
        .await
        .expect_err("the gateway's 504 is the answer");
    assert_eq!(err.kind(), ErrorKind::Server, "{err:?}");
    assert!(
        err.may_have_succeeded(),
        "a 504: the server may have made it"
    );
    assert_eq!(
        received_at(&server, LAB_GROUP).await.len(),
        1,
        "a second PUT would make a second version of the lab group"
    );
}

#[tokio::test]
async fn a_put_that_sets_a_lab_result_is_sent_again_after_a_503() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "PUT",
        LAB_RESULT,
        ResponseTemplate::new(503),
        ResponseTemplate::new(204),
    )
    .await;
    quick_client(&server)
        .update_lab_result()
        .result_id(31)
        .body(types::LabResult::builder())
        .send()
        .await
        .expect("sent again, and done");
    assert_eq!(received_at(&server, LAB_RESULT).await.len(), 2);
}

/// `delete_task` against a stand-in answering `first`, then `then`: the
/// error and how many times the DELETE was sent.
async fn delete_task_answered(first: ResponseTemplate, then: ResponseTemplate) -> (Error, usize) {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(&server, "DELETE", TASK, first, then).await;
    let err = quick_client(&server)
        .delete_task()
        .task_id(501)
        .send()
        .await
        .expect_err("refused");
    (err, received_at(&server, TASK).await.len())
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"error": "Not Found"}))
}

#[tokio::test]
async fn a_delete_resent_after_a_502_that_had_succeeded_is_an_unknown_outcome() {
    // The gateway timed out after the server deleted the task: the resend
    // finds nothing to delete.
    let (err, sent) = delete_task_answered(ResponseTemplate::new(502), not_found()).await;
    assert_eq!(sent, 2, "sent again");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert_ne!(err.kind(), ErrorKind::NotFound);
    assert!(err.may_have_succeeded());
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.operation(), Some("delete_task"));
    let text = err.to_string();
    assert!(
        text.contains("delete_task") && text.contains("may have succeeded"),
        "{text}"
    );

    // Without an earlier attempt that may have acted, a 404 is a 404...
    let (err, sent) = delete_task_answered(not_found(), not_found()).await;
    assert_eq!(sent, 1);
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err:?}");
    assert!(!err.may_have_succeeded());
    // ...after a 429 too (the server said it did not act)...
    let (err, sent) = delete_task_answered(
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        not_found(),
    )
    .await;
    assert_eq!(sent, 2);
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err:?}");
    // Whatever the refusal's body (none, HTML, `null`), the outcome is
    // unknown: the body is not what decides.
    for body in ["", "<html>gone</html>", "null"] {
        let (err, sent) = delete_task_answered(
            ResponseTemplate::new(502),
            ResponseTemplate::new(404).set_body_raw(body, "text/html"),
        )
        .await;
        assert_eq!(sent, 2);
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{body:?}: {err:?}");
    }
    // ...and a server cannot mark its own answer as an unknown outcome.
    let (err, _) = delete_task_answered(
        not_found().insert_header("x-accuro-client-outcome", "unknown"),
        not_found(),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err:?}");
}

#[tokio::test]
async fn a_delete_resent_after_a_cut_connection_is_an_unknown_outcome_too() {
    // The first DELETE is read, then its connection cut (the server may
    // have deleted the task); the resend is answered 404.
    let server = CuttingServer::cutting_first(
        1,
        Some(ThenAnswer {
            status: "404 Not Found",
            body: r#"{"error":"Not Found"}"#,
        }),
    )
    .await;
    let client = quick_client_at(&server.uri);
    let err = client
        .delete_task()
        .task_id(501)
        .send()
        .await
        .expect_err("refused");
    assert_eq!(server.cut.load(Ordering::SeqCst), 1);
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");

    // A lab-group observation's removal makes a new lab group: after a cut
    // it is not sent again, whatever the next connection would answer.
    let server = CuttingServer::start().await;
    let client = quick_client_at(&server.uri);
    let err = client
        .delete_patient_lab_group_observation()
        .patient_id(1001)
        .group_id(77)
        .observation_id(5)
        .send()
        .await
        .expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(server.cut.load(Ordering::SeqCst), 1, "sent once");
}
