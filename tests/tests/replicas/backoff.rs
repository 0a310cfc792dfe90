//! The token-request backoff shared through Redis: one process's failures
//! are read by the others, and a value written by anyone else holds no
//! client off longer than a minute.

use std::time::Duration;

use accuro_client::token::{RedisStore, StoreKey, StoredBackoff, TokenStore as _};
use accuro_tests::replicas::{RedisServer, seal_key};
use secrecy::SecretString;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_backoff_is_shared_through_redis_and_bounded() {
    let Some(redis) = RedisServer::shared_or_start() else {
        return;
    };
    let prefix = format!("accuro-backoff-test-{}", std::process::id());
    let store = RedisStore::builder(redis.url())
        .seal_key_base64(seal_key(8))
        .prefix(prefix.as_str())
        // Generous: a loaded 2-core runner must not time a command out.
        .response_timeout(Duration::from_secs(2))
        .build()
        .expect("store");
    let key = StoreKey::new(
        "https://accuro.example",
        "tenant",
        "client",
        &SecretString::from("synthetic-secret"),
        ["A"],
    );
    assert_eq!(store.backoff(&key).await.expect("read"), None);

    let recorded = StoredBackoff {
        failures: 2,
        status: Some(503),
        rejected: false,
        window: Duration::from_secs(4),
    };
    store.set_backoff(&key, &recorded).await.expect("write");
    let read = store.backoff(&key).await.expect("read").expect("recorded");
    assert_eq!(
        (read.failures, read.status, read.rejected),
        (2, Some(503), false)
    );
    assert!(
        read.window > Duration::from_secs(2) && read.window <= Duration::from_secs(4),
        "{read:?}"
    );

    // Written by anyone else: a window far ahead holds a minute at most;
    // a value that does not read is no backoff.
    let names = redis.keys(&prefix, "backoff");
    let [name] = names.as_slice() else {
        panic!("one backoff key, found {names:?}");
    };
    let mut conn = redis.connection();
    let mut set = |value: &str| {
        let _: () = redis::cmd("SET")
            .arg(name)
            .arg(value)
            .arg("PX")
            .arg(600_000)
            .query(&mut conn)
            .expect("SET");
    };
    set("1,503,0,99999999999999");
    let forged = store
        .backoff(&key)
        .await
        .expect("read")
        .expect("read as one");
    assert!(forged.window <= Duration::from_secs(60), "{forged:?}");
    set("not a backoff");
    assert_eq!(store.backoff(&key).await.expect("read"), None);

    // A token clears it.
    store.set_backoff(&key, &recorded).await.expect("write");
    store.clear_backoff(&key).await.expect("clear");
    assert_eq!(store.backoff(&key).await.expect("read"), None);
}

/// A token endpoint down for 5 s after the clinic's token expired, called by
/// 4 processes sharing Redis, 50 rounds 100 ms apart: the processes back
/// off together (the window one records holds them all), so the endpoint
/// is asked a few times in all, not per process; once it is back and the
/// window has passed, every call succeeds.
///
/// The 100 ms between rounds is the one sleep of these tests: it paces the
/// calls of the outage, and nothing waits on it (a slower runner stretches
/// the outage, which adds a request at most each time the window doubles).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_back_off_a_failing_token_endpoint_together() {
    use accuro_client::token::RENEWAL_BACKOFF_MAX;
    use accuro_tests::replicas::{Replica, ReplicaSetup, TokenDesk, wait_for_within};

    use crate::{ONE_AT_A_TIME, binary, round_all};

    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let desk = TokenDesk::start(2).await;
    let setup = ReplicaSetup::new(&desk, &redis, 1);
    let mut replicas: Vec<Replica> = (0..4).map(|_| Replica::start(binary(), &setup)).collect();
    for round in round_all(&mut replicas) {
        assert_eq!(round.failed, 0, "{round:?}");
    }
    assert_eq!(desk.token_requests(), 1, "one token for the four");

    desk.with(|s| s.down = true);
    // The token expires (2 s, on the desk's clock) with no call to renew it.
    desk.wait_until_every_token_expired().await;
    let before = desk.token_requests();
    for _ in 0..50 {
        for round in round_all(&mut replicas) {
            assert_eq!(round.ok, 0, "{round:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await; // pacing: nothing waits on it
    }
    let asked = desk.token_requests() - before;
    eprintln!("4 processes, 5 s outage: {asked} token requests");
    assert!(
        asked <= 6,
        "{asked} token requests in all during the outage"
    );

    desk.with(|s| s.down = false);
    // Back: the calls fail fast until the window recorded last has passed
    // (a minute at most), then every one succeeds. The event waited for is
    // a round with no failure; the guard outlasts the longest window.
    wait_for_within(
        RENEWAL_BACKOFF_MAX + Duration::from_secs(30),
        "a round with every call back",
        || round_all(&mut replicas).iter().all(|r| r.failed == 0),
    )
    .await;
}
