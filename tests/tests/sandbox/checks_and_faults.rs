//! What the sandbox checks (token, key, clinic uuid, scope), its tokens
//! revoked, expired and refreshed, and each of its fault knobs.

use std::time::Duration;

use accuro_client::ErrorKind;
use accuro_sandbox::{Config, Faults};

use crate::{builder_for, client_for, start};

#[tokio::test]
async fn the_sandbox_checks_token_key_uuid_and_scope() {
    let sandbox = start(Config::default()).await;
    let wrong_key = builder_for(&sandbox)
        .subscription_key("not-the-key")
        .build()
        .expect("client");
    assert_eq!(
        wrong_key
            .list_offices()
            .send()
            .await
            .expect_err("key")
            .kind(),
        ErrorKind::Unauthorized
    );
    let wrong_clinic = builder_for(&sandbox)
        .clinic_uuid("00000000-0000-4000-8000-0000000000ff")
        .build()
        .expect("client");
    let err = wrong_clinic.list_offices().send().await.expect_err("uuid");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let wrong_secret = builder_for(&sandbox)
        .client_secret("nope")
        .build()
        .expect("client");
    assert_eq!(
        wrong_secret
            .list_offices()
            .send()
            .await
            .expect_err("secret")
            .kind(),
        ErrorKind::Credentials
    );
    let wrong_tenant = builder_for(&sandbox)
        .tenant("otherclinic")
        .build()
        .expect("client");
    assert_eq!(
        wrong_tenant
            .list_offices()
            .send()
            .await
            .expect_err("tenant")
            .kind(),
        ErrorKind::Credentials
    );
    let ungranted = builder_for(&sandbox)
        .scopes(["NOT_GRANTED"])
        .build()
        .expect("client");
    assert_eq!(
        ungranted
            .list_offices()
            .send()
            .await
            .expect_err("scope")
            .kind(),
        ErrorKind::Credentials
    );
    // A token without SCHEDULING_READ may list offices but not appointments:
    // Accuro answers a missing scope 401 `{"error":"Access is denied"}`.
    let narrow = builder_for(&sandbox)
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .build()
        .expect("client");
    narrow.list_offices().send().await.expect("no scope needed");
    let before = sandbox.stats().token_requests;
    let err = narrow
        .list_appointments()
        .patient(1001)
        .send()
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.api_error().and_then(|b| b.error.as_deref()),
        Some("Access is denied")
    );
    assert_eq!(
        sandbox.stats().token_requests - before,
        1,
        "one renewal and replay, then the error"
    );
}

#[tokio::test]
async fn revoked_tokens_are_renewed_by_the_401_replay() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    c.list_offices().send().await.expect("first");
    sandbox.revoke_tokens();
    c.list_offices()
        .send()
        .await
        .expect("401, new token, replay");
    assert_eq!(sandbox.stats().token_requests, 2);
}

#[tokio::test(start_paused = true)]
async fn expired_tokens_and_rotating_refresh_tokens() {
    let config = Config {
        token_lifetime: Duration::from_secs(120),
        refresh_tokens: true,
        ..Config::default()
    };
    let sandbox = start(config).await;
    let c = builder_for(&sandbox)
        .without_timers()
        .build()
        .expect("client");
    for _ in 0..3 {
        c.list_offices().send().await.expect("call");
        tokio::time::advance(Duration::from_secs(121)).await;
    }
    // Each renewal spent the previous refresh token, once (the sandbox refuses reuse).
    let stats = sandbox.stats();
    assert_eq!(
        (
            stats.token_requests,
            stats.refresh_grants,
            stats.refused_refresh_grants
        ),
        (3, 2, 0)
    );
}

#[tokio::test(start_paused = true)]
async fn fault_knobs_latency_429_bursts_and_errors() {
    let sandbox = start(Config::default()).await;
    let c = builder_for(&sandbox)
        .without_timers()
        .build()
        .expect("client");
    c.list_offices().send().await.expect("warm");

    sandbox.set_faults(Faults {
        latency_ms: 1500,
        ..Faults::default()
    });
    let started = tokio::time::Instant::now();
    c.list_offices().send().await.expect("slow");
    assert!(started.elapsed() >= Duration::from_millis(1500));

    sandbox.set_faults(Faults {
        burst_429: 2,
        retry_after_secs: 3,
        ..Faults::default()
    });
    let before = sandbox.stats().rest_requests;
    let started = tokio::time::Instant::now();
    c.list_offices()
        .send()
        .await
        .expect("two 429s, then served");
    assert_eq!(sandbox.stats().rest_requests - before, 3);
    assert!(started.elapsed() >= Duration::from_secs(6));

    sandbox.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    assert_eq!(
        c.list_offices().send().await.expect_err("500").kind(),
        ErrorKind::Server
    );
    sandbox.set_faults(Faults {
        error_rate: 0.5,
        ..Faults::default()
    });
    let mut failures = 0;
    for _ in 0..10 {
        failures += usize::from(c.list_offices().send().await.is_err());
    }
    assert_eq!(failures, 5, "exactly half, deterministically");
}

#[tokio::test]
async fn token_outage() {
    let sandbox = start(Config::default()).await;
    sandbox.set_faults(Faults {
        token_outage: true,
        ..Faults::default()
    });
    let err = client_for(&sandbox)
        .list_offices()
        .send()
        .await
        .expect_err("outage");
    assert_eq!(err.kind(), ErrorKind::TokenEndpoint);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}
