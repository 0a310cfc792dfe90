//! `auth check`, exit codes, and no secret in any output.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{accuro, env_of, sandbox, secrets_of, with_var};

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
async fn no_secret_reaches_any_output_even_verbose_or_failing() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let secrets = secrets_of(&env);
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
