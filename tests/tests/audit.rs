//! The audit trail: one event per finished call with the resource ids of
//! its path, nothing of its query or body; a file sink private to its owner;
//! a stuck sink that delays no call and whose dropped events are counted.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accuro_client::Client;
use accuro_client::audit::{AuditEvent, AuditOutcome, AuditSink, JsonLinesFile};
use accuro_tests::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
/// A value that must never reach the audit trail (a query value, a body).
const MARKER: &str = "Phimarkname";

/// A sink that keeps the events.
#[derive(Clone, Default)]
struct Kept(Arc<Mutex<Vec<AuditEvent>>>);

impl AuditSink for Kept {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .push(event.clone());
        Ok(())
    }
}

impl Kept {
    fn events(&self) -> Vec<AuditEvent> {
        self.0.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

fn client_with(server: &MockServer, sink: impl AuditSink) -> (Client, accuro_client::Transport) {
    let transport = accuro_client::Transport::builder()
        .retry_policy(quick_retry_policy())
        .audit_sink(sink)
        .build()
        .expect("transport");
    let client = transport
        .clinic(clinic_config(&server.uri()))
        .expect("client");
    (client, transport)
}

fn patient() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"patientId": 1001, "patientStatusId": 1}))
}

#[tokio::test]
async fn one_event_per_call_with_the_patient_id_and_nothing_of_query_or_body() {
    let server = stand_in().await;
    mount_answer(&server, "GET", PATIENT, patient()).await;
    let search = "/rest/v2/provider-portal/patients/search";
    let no_one = ResponseTemplate::new(200).set_body_json(json!({"contents": []}));
    mount_answer(&server, "GET", search, no_one).await;
    let phones = "/rest/v1/provider-portal/patients/1001/phones";
    let new_id = ResponseTemplate::new(201).set_body_json(json!(5));
    mount_answer(&server, "POST", phones, new_id).await;
    let kept = Kept::default();
    let (client, transport) = client_with(&server, kept.clone());

    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("get");
    client
        .search_patients()
        .last_name(MARKER)
        .send()
        .await
        .expect("search");
    let phone = accuro_client::types::Phone {
        number: Some(MARKER.into()),
        ..Default::default()
    };
    let _ = client
        .create_patient_phone()
        .patient_id(1001)
        .body(phone)
        .send()
        .await;
    assert!(transport.flush_audit(Duration::from_secs(30)));

    let events = kept.events();
    let ops: Vec<&str> = events.iter().map(|e| e.operation).collect();
    assert_eq!(
        ops,
        ["get_patient", "search_patients", "create_patient_phone"]
    );
    let get = &events[0];
    assert_eq!(get.resource_ids, [("patientId", "1001".to_owned())]);
    assert_eq!(get.method, "GET");
    assert_eq!(get.path, "/rest/v2/provider-portal/patients/{patientId}");
    assert_eq!(
        (get.status, get.attempts, get.outcome),
        (Some(200), 1, AuditOutcome::Success)
    );
    assert_eq!(get.clinic.tenant, TENANT);
    assert_eq!(get.clinic.client_id, CLIENT_ID);
    assert_eq!(get.clinic.uuid, CLINIC_UUID);
    assert!(events[1].resource_ids.is_empty());
    assert_eq!(events[2].resource_ids, [("patientId", "1001".to_owned())]);
    for event in &events {
        for text in [
            event.to_json_line(),
            format!("{event:?}"),
            format!("{event:#?}"),
        ] {
            assert!(!text.contains(MARKER), "{text}");
            assert!(
                !text.contains(CLIENT_SECRET) && !text.contains(SUBSCRIPTION_KEY),
                "{text}"
            );
        }
        // `Debug` shows the ids' names, not their values, nor the clinic uuid.
        let debug = format!("{event:?}");
        assert!(!debug.contains(CLINIC_UUID), "{debug}");
        if !event.resource_ids.is_empty() {
            assert!(
                debug.contains("patientId") && !debug.contains("\"1001\""),
                "{debug}"
            );
        }
    }
    let line: serde_json::Value = serde_json::from_str(&get.to_json_line()).expect("JSON");
    assert_eq!(line["resource_ids"]["patientId"], "1001");
    assert_eq!(line["clinic_uuid"], CLINIC_UUID);
    assert_eq!(line["outcome"], "success");
    assert_eq!(
        transport
            .audit_stats()
            .map(|s| (s.delivered, s.dropped, s.failed, s.pending)),
        Some((3, 0, 0, 0))
    );
}

#[tokio::test]
async fn a_retried_call_is_one_event_and_a_refusal_is_refused() {
    let server = stand_in().await;
    mount_once_then(
        &server,
        "GET",
        PATIENT,
        ResponseTemplate::new(503),
        patient(),
    )
    .await;
    let not_found = ResponseTemplate::new(404).set_body_json(json!({"error": "not found"}));
    mount_answer(
        &server,
        "GET",
        "/rest/v2/provider-portal/patients/404",
        not_found,
    )
    .await;
    let kept = Kept::default();
    let (client, transport) = client_with(&server, kept.clone());
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("retried");
    let refused = client.get_patient().patient_id(404).send().await;
    assert!(refused.is_err());
    assert!(transport.flush_audit(Duration::from_secs(30)));
    let events = kept.events();
    assert_eq!(events.len(), 2);
    assert_eq!((events[0].attempts, events[0].status), (2, Some(200)));
    assert_eq!(events[1].outcome, AuditOutcome::Refused);
    assert_eq!(events[1].resource_ids, [("patientId", "404".to_owned())]);
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_sink_is_private_appends_one_line_per_call_and_refuses_links() {
    use std::os::unix::fs::PermissionsExt as _;
    let folder = tempfile::tempdir().expect("temp dir");
    let file = folder.path().join("audit.jsonl");
    let server = stand_in().await;
    mount_answer(&server, "GET", PATIENT, patient()).await;
    let (client, transport) = client_with(&server, JsonLinesFile::open(&file).expect("open"));
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("get");
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("get");
    assert!(transport.flush_audit(Duration::from_secs(30)));
    let mode = std::fs::metadata(&file)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&file).expect("read");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["resource_ids"]["patientId"], "1001");
    // Opened again, it appends.
    drop((client, transport));
    let again = JsonLinesFile::open(&file).expect("reopen");
    drop(again);
    assert_eq!(
        std::fs::read_to_string(&file)
            .expect("read")
            .lines()
            .count(),
        2
    );

    // A file others may read is refused, and so is a symbolic link.
    let open = folder.path().join("open.jsonl");
    std::fs::write(&open, "").expect("write");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let e = JsonLinesFile::open(&open).expect_err("0644 refused");
    assert!(e.to_string().contains("0600"), "{e}");
    let link = folder.path().join("link.jsonl");
    std::os::unix::fs::symlink(&file, &link).expect("symlink");
    assert!(JsonLinesFile::open(&link).is_err());
    // A FIFO neither blocks the open nor is taken for a file.
    let fifo = folder.path().join("fifo.jsonl");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .expect("mkfifo");
    // (Without a reader, opening it for writing fails at once; with one,
    // it is refused as not a regular file.)
    assert!(JsonLinesFile::open(&fifo).is_err());
}

#[tokio::test]
async fn a_call_dropped_in_flight_is_audited_as_cancelled() {
    let server = stand_in().await;
    let an_hour_late = patient().set_delay(Duration::from_secs(3600));
    mount_answer(&server, "GET", PATIENT, an_hour_late).await;
    let kept = Kept::default();
    let (client, transport) = client_with(&server, kept.clone());
    client.authenticate().await.expect("token");
    let mut call = Box::pin(client.get_patient().patient_id(1001).send());
    // Poll until the stand-in has the request, then drop the call.
    let got = async {
        loop {
            if !received_at(&server, PATIENT).await.is_empty() {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::select! {
        _ = &mut call => panic!("answered before the hour"),
        () = got => {}
    }
    drop(call);
    assert!(transport.flush_audit(Duration::from_secs(30)));
    let events = kept.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, AuditOutcome::Cancelled);
    assert_eq!(events[0].resource_ids, [("patientId", "1001".to_owned())]);
    assert_eq!((events[0].status, events[0].attempts), (None, 0));
}

/// A sink that tells when it has an event, then blocks until released.
struct Stuck {
    started: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl AuditSink for Stuck {
    fn record(&self, _event: &AuditEvent) -> std::io::Result<()> {
        if let Ok(started) = self.started.lock() {
            let _ = started.send(());
        }
        if let Ok(release) = self.release.lock() {
            let _ = release.recv();
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_stuck_sink_delays_no_call_and_its_dropped_events_are_counted() {
    let server = stand_in().await;
    mount_answer(&server, "GET", PATIENT, patient()).await;
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let transport = accuro_client::Transport::builder()
        .audit_sink(Stuck {
            started: Mutex::new(started_tx),
            release: Mutex::new(release_rx),
        })
        .audit_queue(2)
        .build()
        .expect("transport");
    let client = transport
        .clinic(clinic_config(&server.uri()))
        .expect("client");
    // A hang guard only: a call that waited for the sink would never end.
    let call = || {
        tokio::time::timeout(Duration::from_secs(60), async {
            client.get_patient().patient_id(1001).send().await.map(drop)
        })
    };
    call().await.expect("not stuck").expect("first call");
    // The sink holds the first event and will never return on its own.
    tokio::task::spawn_blocking(move || started.recv_timeout(Duration::from_secs(60)))
        .await
        .expect("join")
        .expect("the sink got the first event");
    for _ in 0..5 {
        call()
            .await
            .expect("a call waits for no sink")
            .expect("call");
    }
    let stats = transport.audit_stats().expect("stats");
    assert_eq!(
        (stats.delivered, stats.dropped, stats.pending),
        (0, 3, 3),
        "{stats:?}"
    );
    drop(release);
    assert!(transport.flush_audit(Duration::from_secs(30)));
    let stats = transport.audit_stats().expect("stats");
    assert_eq!(
        (stats.delivered, stats.dropped, stats.pending),
        (3, 3, 0),
        "{stats:?}"
    );
}
