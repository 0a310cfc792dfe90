//! The CLI end to end against the sandbox: offices, a patient search over
//! pages, booking and cancelling, `auth check`, exit codes, and no secret in
//! any output.

mod common;

use std::collections::BTreeSet;

use common::{accuro, env_of, sandbox, with_var};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn offices_come_out_as_json_and_as_a_table() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let offices = accuro(&env, &["practice", "list-offices"]).await.json();
    let names: Vec<&str> = offices
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{offices}");

    let table = accuro(&env, &["practice", "list-offices", "--output", "table"]).await;
    assert_eq!(table.code, 0, "{table:?}");
    assert!(table.stdout.contains("officeId"), "{}", table.stdout);
    for name in names {
        assert!(table.stdout.contains(name), "{}", table.stdout);
    }
    assert_eq!(sandbox.stats().token_requests, 2, "one token per run");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_search_walks_every_page_one_patient_per_line() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);

    // One page: the envelope, as Accuro answers it.
    let page = accuro(&env, &["patients", "search-patients", "--page-size", "7"])
        .await
        .json();
    assert_eq!(page["contents"].as_array().unwrap().len(), 7, "{page}");
    assert!(page["lastId"].as_i64().unwrap() > 0);

    // Every page: 300 patients, each once, one JSON document per line.
    let before = sandbox.stats().rest_requests;
    let walk = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--page-size",
            "7",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(walk.code, 0, "{}", walk.stderr);
    let patients = walk.json_lines();
    let ids: BTreeSet<i64> = patients
        .iter()
        .map(|p| p["patientId"].as_i64().unwrap())
        .collect();
    assert_eq!(patients.len(), 300);
    assert_eq!(ids.len(), 300);
    assert!(
        walk.stderr.is_empty(),
        "no progress bar off a terminal: {}",
        walk.stderr
    );
    let requests = sandbox.stats().rest_requests - before;
    assert_eq!(
        requests,
        300_u64.div_ceil(7) + 1,
        "43 pages and the end signal"
    );

    // Without --page-size the walk asks for 50.
    let before = sandbox.stats().rest_requests;
    let walk = accuro(&env, &["patients", "search-patients", "--all-pages"]).await;
    assert_eq!(walk.json_lines().len(), 300);
    assert_eq!(
        sandbox.stats().rest_requests - before,
        7,
        "6 pages of 50 and the end"
    );

    // Filters carry over to every page.
    let one_page = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--last-name",
            "Sample",
            "--page-size",
            "50",
        ],
    )
    .await
    .json();
    let expected = one_page["contents"].as_array().unwrap().len();
    let walk = accuro(
        &env,
        &[
            "patients",
            "search-patients",
            "--last-name",
            "Sample",
            "--page-size",
            "3",
            "--all-pages",
        ],
    )
    .await;
    let samples = walk.json_lines();
    assert!(
        expected > 3 && expected < 50,
        "{expected} patients named Sample"
    );
    assert_eq!(samples.len(), expected);
    assert!(
        samples
            .iter()
            .all(|p| p["demographics"]["lastName"] == "Sample")
    );

    // An operation whose --page-size is an i64 walks as well.
    let every_scope = accuro_sandbox::Config::default().clients[0]
        .scopes
        .join(" ");
    let env_all = with_var(&env, "ACCURO_SCOPES", &every_scope);
    let materials = accuro(
        &env_all,
        &[
            "scheduling",
            "list-appointment-materials",
            "--start-date",
            "2026-01-01",
            "--page-size",
            "10",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(materials.code, 0, "{materials:?}");

    // A page whose `contents` is a map is no walk.
    let features = accuro(
        &env_all,
        &[
            "users",
            "list-user-features",
            "--user-id",
            "1",
            "--all-pages",
        ],
    )
    .await;
    assert_eq!(features.code, 2, "{features:?}");

    // A reader that goes away (`| head -1`) ends the walk quietly, table or not.
    for format in ["json", "table"] {
        let mut child = std::process::Command::new(common::ACCURO)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .args(["patients", "search-patients", "--all-pages", "-o", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }

    let table = accuro(
        &env,
        &["patients", "search-patients", "--all-pages", "-o", "table"],
    )
    .await;
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("patientId"));
}

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
async fn auth_check_tells_scopes_and_lifetime_never_the_token() {
    let sandbox = sandbox().await;
    let env = with_var(
        &env_of(&sandbox),
        "ACCURO_SCOPES",
        "SCHEDULING_READ PATIENT_DEMOGRAPHICS_READ",
    );
    let run = accuro(&env, &["auth", "check"]).await;
    let info = run.json();
    assert_eq!(info["token"], "granted");
    assert_eq!(
        info["scopes"],
        serde_json::json!(["SCHEDULING_READ", "PATIENT_DEMOGRAPHICS_READ"])
    );
    let expires = info["expires_in_seconds"].as_u64().unwrap();
    assert!((3500..=3600).contains(&expires), "{info}");
    let keys: BTreeSet<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "token",
            "scopes",
            "expires_in_seconds",
            "renews_in_seconds",
            "refresh_token"
        ])
    );
    assert!(!run.stdout.contains("sbx-access"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_tell_what_went_wrong() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let with = |name: &'static str, value: &str| with_var(&env, name, value);

    let missing = accuro(&env, &["patients", "get-patient", "--patient-id", "999999"]).await;
    assert_eq!(missing.code, 6, "{missing:?}");
    assert!(missing.stderr.contains("get_patient"), "{}", missing.stderr);

    let unset = accuro(&[], &["practice", "list-offices"]).await;
    assert_eq!(unset.code, 3, "{unset:?}");
    assert!(unset.stderr.contains("ACCURO_BASE_URL"), "{}", unset.stderr);

    let wrong = accuro(
        &with("ACCURO_CLIENT_SECRET", "wrong-secret"),
        &["auth", "check"],
    )
    .await;
    assert_eq!(wrong.code, 4, "{wrong:?}");

    let narrow = accuro(
        &with("ACCURO_SCOPES", "SCHEDULING_READ"),
        &["patients", "get-patient", "--patient-id", "1001"],
    )
    .await;
    assert_eq!(narrow.code, 5, "{narrow:?}");

    let unreachable = accuro(
        &with("ACCURO_BASE_URL", "http://127.0.0.1:9"),
        &["practice", "list-offices"],
    )
    .await;
    assert_eq!(unreachable.code, 11, "{unreachable:?}");

    let usage = accuro(&env, &["practice", "list-offices", "--no-such-flag"]).await;
    assert_eq!(usage.code, 2);
    let not_paged = accuro(&env, &["practice", "list-offices", "--all-pages"]).await;
    assert_eq!(not_paged.code, 2, "list-offices has no pages");

    let help = accuro(&[], &["--help"]).await;
    assert_eq!(help.code, 0);
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

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_any_output_even_verbose_or_failing() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let secrets: Vec<String> = env
        .iter()
        .filter(|(k, _)| {
            [
                "ACCURO_CLIENT_SECRET",
                "ACCURO_SUBSCRIPTION_KEY",
                "ACCURO_UUID",
            ]
            .contains(k)
        })
        .map(|(_, v)| v.clone())
        .chain([
            "sbx-access".to_owned(),
            "Bearer".to_owned(),
            "Basic".to_owned(),
        ])
        .collect();
    let narrow = with_var(&env, "ACCURO_SCOPES", "SCHEDULING_READ");
    let runs = [
        accuro(&env, &["-v", "auth", "check"]).await,
        accuro(&env, &["-v", "practice", "list-offices"]).await,
        accuro(
            &env,
            &["-v", "patients", "get-patient", "--patient-id", "999999"],
        )
        .await,
        accuro(
            &narrow,
            &["-v", "patients", "get-patient", "--patient-id", "1001"],
        )
        .await,
        accuro(
            &env,
            &[
                "-v",
                "patients",
                "search-patients",
                "--page-size",
                "50",
                "--all-pages",
            ],
        )
        .await,
    ];
    for run in &runs {
        for secret in &secrets {
            assert!(!run.stdout.contains(secret.as_str()), "{secret} in stdout");
            assert!(
                !run.stderr.contains(secret.as_str()),
                "{secret} in stderr: {}",
                run.stderr
            );
        }
    }
    // --verbose tells each request by operation and path template.
    assert!(
        runs[1].stderr.contains("list_offices"),
        "{}",
        runs[1].stderr
    );
    assert!(
        runs[1].stderr.contains("/rest/v1/offices"),
        "{}",
        runs[1].stderr
    );
    assert!(runs[2].stderr.contains("status=404"), "{}", runs[2].stderr);
    assert!(runs[2].stderr.contains("{patientId}"), "{}", runs[2].stderr);
    let _: Value = runs[0].json();
}
