//! Waitlist requests: state. Created, read, listed by page and filtered, and
//! updated.

use accuro_client::{ErrorKind, types};
use accuro_sandbox::Config;
use serde_json::json;

use crate::raw::{Raw, raw_token};
use crate::{client_for, start};

#[tokio::test]
async fn waitlist_requests_are_created_read_listed_and_updated() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let first = c
        .get_waitlist()
        .waitlist_id(accuro_sandbox::FIRST_WAITLIST_REQUEST as i32)
        .send()
        .await
        .expect("a seeded request")
        .into_inner();
    assert_eq!(
        first.id,
        Some(accuro_sandbox::FIRST_WAITLIST_REQUEST as i32)
    );

    let request = types::WaitlistRequest {
        waitlist_provider_id: Some(2),
        patient_id: Some(1002),
        consult_priority: Some("Routine".to_owned()),
        consult_status: Some("Waiting".to_owned()),
        consult_type: Some("New Consult".to_owned()),
        complaint: Some("Synthetic referral reason".to_owned()),
        referral_date: Some("2026-11-20T00:00:00.000".parse().expect("date-time")),
        ..types::WaitlistRequest::default()
    };
    let id = c
        .create_waitlist()
        .body(request.clone())
        .send()
        .await
        .expect("create_waitlist")
        .into_inner();
    let stored = c
        .get_waitlist()
        .waitlist_id(id)
        .send()
        .await
        .expect("get_waitlist")
        .into_inner();
    assert_eq!(stored.id, Some(id));
    assert_eq!(stored.patient_id, Some(1002));
    assert_eq!(stored.consult_status.as_deref(), Some("Waiting"));
    assert_eq!(stored.referral_date, request.referral_date);

    // Updated: the surgical fields are not changed through this call.
    let change = types::WaitlistRequest {
        consult_status: Some("Booked".to_owned()),
        surgical_status: Some("Booked".to_owned()),
        ..request
    };
    let updated = c
        .update_waitlist()
        .waitlist_id(i64::from(id))
        .body(change)
        .send()
        .await
        .expect("update_waitlist");
    assert_eq!(updated.status().as_u16(), 204);
    let after = c
        .get_waitlist()
        .waitlist_id(id)
        .send()
        .await
        .expect("get_waitlist")
        .into_inner();
    assert_eq!(after.consult_status.as_deref(), Some("Booked"));
    assert_eq!(after.surgical_status, None);

    // Listed by page, and filtered.
    let mut all = Vec::new();
    let mut cursor = 0;
    loop {
        let page = c
            .list_waitlists()
            .page_size(5)
            .starting_id(cursor)
            .send()
            .await
            .expect("list_waitlists")
            .into_inner();
        let contents = page.contents.unwrap_or_default();
        if contents.is_empty() {
            break;
        }
        cursor = page.last_id.expect("lastId");
        all.extend(contents);
    }
    assert_eq!(all.len(), 13, "12 seeded and the new one");
    assert!(all.iter().any(|w| w.id == Some(id)));
    let of_patient = c
        .list_waitlists()
        .patient_id("1002")
        .consult_status("booked")
        .send()
        .await
        .expect("list_waitlists")
        .into_inner();
    assert_eq!(
        of_patient
            .contents
            .iter()
            .flatten()
            .filter_map(|w| w.id)
            .collect::<Vec<_>>(),
        vec![id]
    );
    let err = c
        .list_waitlists()
        .patient_id("not-a-number")
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    // Unknown ids.
    let err = c
        .get_waitlist()
        .waitlist_id(99_999)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = c
        .update_waitlist()
        .waitlist_id(99_999)
        .body(first)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let token = raw_token(&sandbox, None).await;
    let mut not_a_number = Raw::get("/rest/v1/provider-portal/waitlists/not-a-number", &token);
    not_a_number.method = reqwest::Method::PUT;
    assert_eq!(
        not_a_number.json(&sandbox).await,
        (404, json!({"error": "Not Found"}))
    );
}
