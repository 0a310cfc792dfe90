//! Booking, reading and cancelling an appointment, and bodies and values
//! that do not fit: usage errors that name no value.

use crate::common::{accuro, env_of, sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn an_appointment_is_booked_read_and_cancelled() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let booked = accuro(
        &env,
        &[
            "scheduling",
            "create-appointment",
            "--date",
            "2026-12-24",
            "--start-time",
            "13:00",
            "--end-time",
            "1315",
            "--sub-column",
            "1",
            "--provider-id",
            "7",
            "--office-id",
            "1",
            "--patient-id",
            "1001",
        ],
    )
    .await
    .json();
    let id = booked.as_i64().unwrap().to_string();

    let read = accuro(
        &env,
        &["scheduling", "get-appointment", "--appointment-id", &id],
    )
    .await
    .json();
    assert_eq!(read["date"], "2026-12-24");
    assert_eq!(read["startTime"], 1300);
    assert_eq!(read["cancelled"], false);

    let cancel = accuro(
        &env,
        &[
            "scheduling",
            "cancel-appointment",
            "--appointment-id",
            &id,
            "--cancel",
            "true",
        ],
    )
    .await;
    assert_eq!(cancel.code, 0, "{cancel:?}");
    let read = accuro(
        &env,
        &["scheduling", "get-appointment", "--appointment-id", &id],
    )
    .await
    .json();
    assert_eq!(read["cancelled"], true);

    // A booking without its required fields is a usage error: exit 2,
    // naming them, nothing sent.
    let before = sandbox.stats();
    let refused = accuro(
        &env,
        &["scheduling", "create-appointment", "--start-time", "1300"],
    )
    .await;
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("--date"), "{}", refused.stderr);
    assert_eq!(sandbox.stats(), before);

    // A value the API's shapes refuse: exit 2, naming the argument.
    let bad_time = accuro(
        &env,
        &[
            "scheduling",
            "create-appointment",
            "--date",
            "2026-12-24",
            "--start-time",
            "25:61",
            "--end-time",
            "1315",
            "--sub-column",
            "1",
            "--provider-id",
            "7",
            "--office-id",
            "1",
        ],
    )
    .await;
    assert_eq!(bad_time.code, 2, "{bad_time:?}");
    assert!(
        bad_time.stderr.contains("--start-time"),
        "{}",
        bad_time.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_file_that_does_not_fit_is_told_by_line_never_by_value() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("booking.json");
    std::fs::write(
        &body,
        r#"{"date": "2026-12-24", "startTime": 1300, "endTime": 1315, "subColumn": 1,
            "providerId": 7, "officeId": 1, "patientId": "9876543210 Synthetic"}"#,
    )
    .unwrap();
    let before = sandbox.stats();
    let run = accuro(
        &env,
        &[
            "scheduling",
            "create-appointment",
            "--json-body",
            body.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    assert!(run.stderr.contains("booking.json"), "{}", run.stderr);
    assert!(!run.stderr.contains("9876543210"), "{}", run.stderr);
    assert_eq!(sandbox.stats(), before, "nothing sent");

    let missing = accuro(
        &env,
        &[
            "scheduling",
            "create-appointment",
            "--json-body",
            "/nonexistent/booking.json",
        ],
    )
    .await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);

    // Values typed on the command line are not repeated in usage errors.
    let typed = accuro(&env, &["patients", "search-patients", "--first-name", "Q"]).await;
    assert_eq!(typed.code, 2);
    assert!(typed.stderr.contains("--first-name"), "{}", typed.stderr);
    assert!(!typed.stderr.contains("'Q'"), "{}", typed.stderr);
}
