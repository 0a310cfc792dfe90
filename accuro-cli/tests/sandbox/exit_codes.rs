//! Exit codes 7 to 12 (but 11, in `auth_and_errors`), each provoked on the
//! sandbox: 7 a locked appointment (409), 8 a booking the sandbox refuses
//! (400), 9 a burst of 429s longer than the client's retries, 10 a 500 on
//! every REST request, 12 an answer that breaks the spec. Each run's stderr
//! names the operation and no output shows a secret; the sandbox's own
//! request counter shows that the answer came from it, not from a check in
//! the client.

use accuro_client::RetryPolicy;
use accuro_sandbox::{Faults, LOCKED_APPOINTMENT, Sandbox};

use crate::common::{Run, accuro, env_of, sandbox, secrets_of};

/// `run` ended with `code`, its stderr names `operation`, and neither of its
/// outputs shows a secret of `env`.
fn assert_failed_with(run: &Run, code: i32, operation: &str, env: &[(&'static str, String)]) {
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.stderr.contains(operation), "{}", run.stderr);
    for secret in secrets_of(env) {
        assert!(!run.stdout.contains(secret.as_str()), "{secret} in stdout");
        assert!(
            !run.stderr.contains(secret.as_str()),
            "{secret} in stderr: {}",
            run.stderr
        );
    }
}

/// REST requests the sandbox received since `before` (its own counter).
fn rest_requests_since(sandbox: &Sandbox, before: u64) -> u64 {
    sandbox.stats().rest_requests - before
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_appointment_is_a_conflict_exit_7() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let before = sandbox.stats().rest_requests;
    let id = LOCKED_APPOINTMENT.to_string();
    let run = accuro(
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
    assert_failed_with(&run, 7, "cancel_appointment", &env);
    assert!(run.stderr.contains("409"), "{}", run.stderr);
    assert_eq!(
        rest_requests_since(&sandbox, before),
        1,
        "the sandbox answered the 409, once (a 409 is not sent again)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_the_sandbox_refuses_is_rejected_exit_8() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let before = sandbox.stats().rest_requests;
    // Every value fits its argument (the client sends it); only the server
    // knows that provider 999999 is not one of the clinic's: a 400.
    let run = accuro(
        &env,
        &[
            "scheduling",
            "create-appointment",
            "--date",
            "2026-12-24",
            "--start-time",
            "1300",
            "--end-time",
            "1315",
            "--sub-column",
            "1",
            "--provider-id",
            "999999",
            "--office-id",
            "1",
            "--patient-id",
            "1001",
        ],
    )
    .await;
    assert_failed_with(&run, 8, "create_appointment", &env);
    assert!(run.stderr.contains("400"), "{}", run.stderr);
    assert_eq!(
        rest_requests_since(&sandbox, before),
        1,
        "the sandbox answered the 400, once (a 400 is not sent again)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn more_429s_than_retries_are_rate_limited_exit_9() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    // More 429s than the client has attempts, each asking for no wait
    // (`Retry-After: 0`), so the retries run at once and are all spent.
    let attempts = RetryPolicy::default().max_attempts;
    sandbox.set_faults(Faults {
        burst_429: attempts + 10,
        retry_after_secs: 0,
        ..Faults::default()
    });
    let before = sandbox.stats().rest_requests;
    let run = accuro(&env, &["practice", "list-offices"]).await;
    assert_failed_with(&run, 9, "list_offices", &env);
    assert!(run.stderr.contains("429"), "{}", run.stderr);
    assert_eq!(
        rest_requests_since(&sandbox, before),
        u64::from(attempts),
        "every attempt of the CLI's (default) retry policy was answered 429"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_on_every_request_is_a_server_error_exit_10() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    sandbox.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let before = sandbox.stats().rest_requests;
    let run = accuro(&env, &["practice", "list-offices"]).await;
    assert_failed_with(&run, 10, "list_offices", &env);
    assert!(run.stderr.contains("500"), "{}", run.stderr);
    // A 500 is not sent again (only 502-504 are): the one attempt is the
    // whole of the retries.
    assert_eq!(
        rest_requests_since(&sandbox, before),
        1,
        "the sandbox answered the 500"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_breaks_the_spec_is_unreadable_exit_12() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    // `GET /rest/v1/offices` answers `"officeId": "not-an-integer"`.
    sandbox.set_faults(Faults {
        break_spec: true,
        ..Faults::default()
    });
    let before = sandbox.stats().rest_requests;
    let run = accuro(&env, &["practice", "list-offices"]).await;
    assert_failed_with(&run, 12, "list_offices", &env);
    assert!(
        run.stderr.contains("could not be decoded"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("not-an-integer"),
        "never the value: {}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "nothing half-read is printed: {}",
        run.stdout
    );
    assert_eq!(
        rest_requests_since(&sandbox, before),
        1,
        "the sandbox answered the broken offices"
    );
}
