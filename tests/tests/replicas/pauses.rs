//! The shared 429 pause: one process's `Retry-After` holds the others, and
//! a pause written to Redis by anyone else holds no call.

use std::time::{Duration, Instant};

use accuro_tests::replicas::{
    RedisServer, Replica, ReplicaSetup, TokenDesk, replica_tenant, seal_key, wait_for_some,
};

use crate::{ONE_AT_A_TIME, all_ok, binary, round_all};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_429_pauses_the_other_processes_until_its_retry_after() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let desk = TokenDesk::start(3600).await;
    let setup = ReplicaSetup::new(&desk, &redis, 1);
    // The others: clinics 1..4, one per process, warmed up. They look for a
    // pause before every call (no interval between looks), so that their
    // next call after the pause is recorded looks, without waiting for
    // their last look to grow older than an interval: no event would tell
    // when it had.
    let mut others: Vec<Replica> = (1..4)
        .map(|n| {
            Replica::start(
                binary(),
                &ReplicaSetup {
                    first: n,
                    pause_check_ms: 0,
                    ..setup.clone()
                },
            )
        })
        .collect();
    all_ok(&round_all(&mut others), 1);

    let retry_after = 2;
    desk.with(|s| s.throttle.insert(replica_tenant(0), retry_after));
    let mut throttled = Replica::start(binary(), &setup);
    throttled.begin_round();
    // The pause shows up in Redis, for the subscription key.
    let mut conn = redis.connection();
    let pause_ends = wait_for_some("the pause recorded in Redis", || {
        let key = redis.keys(&setup.prefix, "pause").into_iter().next()?;
        // Read before the question: the pause ends no earlier than this.
        let asked = Instant::now();
        let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut conn).expect("PTTL");
        let left = u64::try_from(pttl).ok()?;
        Some(asked + Duration::from_millis(left))
    })
    .await;
    let asked = Instant::now();
    // The rounds begin while the pause still has most of its 2 s to run:
    // otherwise every call would arrive after it and prove nothing.
    assert!(
        pause_ends > asked + Duration::from_millis(500),
        "the pause had only {:?} left when the calls began",
        pause_ends.saturating_duration_since(asked)
    );
    let rounds = round_all(&mut others);
    all_ok(&rounds, 1);
    all_ok(&[throttled.end_round()], 1);
    // An order of events: each of their calls reached the desk only once
    // the pause had ended in Redis. (The 30 ms allow for the readings of
    // its end, each side's PTTL in whole milliseconds from its own look; a
    // call not held would come about 2 s early.)
    let tolerance = Duration::from_millis(30);
    desk.with(|s| {
        let paused: Vec<_> = s
            .calls
            .iter()
            .filter(|(tenant, at)| *tenant != replica_tenant(0) && *at >= asked)
            .collect();
        assert_eq!(paused.len(), 3, "{paused:?}");
        for (tenant, at) in paused {
            assert!(
                *at + tolerance >= pause_ends,
                "{tenant} sent {:?} before the pause ended",
                pause_ends.duration_since(*at)
            );
        }
    });
    let waited = pause_ends.saturating_duration_since(asked);
    eprintln!(
        "429 with Retry-After {retry_after} s: the other processes held their calls {} ms",
        waited.as_millis()
    );
}

/// The shared 429 pause is sealed: a pause another process recorded is
/// honoured, but a value written by anyone else (a plain `1` with a long
/// `PX`, a sealed pause moved to another subscription key's name, an old
/// sealed pause written again with a long `PX`) cannot hold the replicas'
/// calls, nor keep a real pause from being recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_written_to_redis_by_anyone_else_holds_no_call() {
    use accuro_client::token::{PauseKey, RedisStore, TokenStore as _};
    let Some(redis) = RedisServer::shared_or_start() else {
        return;
    };
    let prefix = format!("accuro-pause-test-{}", std::process::id());
    let store = RedisStore::builder(redis.url())
        .seal_key_base64(seal_key(7))
        .prefix(prefix.as_str())
        // Generous: a loaded 2-core runner must not time a command out.
        .response_timeout(Duration::from_secs(2))
        .build()
        .expect("store");
    let mut conn = redis.connection();
    // Records a pause for `key` and finds its (keyed) name in Redis.
    let mut known: Vec<String> = Vec::new();
    let mut record = async |key: &PauseKey, duration: Duration| {
        store.pause(key, duration).await.expect("pause");
        let name = redis
            .keys(&prefix, "pause")
            .into_iter()
            .find(|k| !known.contains(k))
            .expect("a new pause key");
        known.push(name.clone());
        name
    };
    let set = |conn: &mut redis::Connection, name: &str, value: &[u8]| {
        let _: () = redis::cmd("SET")
            .arg(name)
            .arg(value)
            .arg("PX")
            .arg(600_000)
            .query(conn)
            .expect("SET");
    };

    // A pause recorded through the store: honoured, for no more than asked.
    let recorded = PauseKey::new(b"subscription-key-recorded");
    let recorded_name = record(&recorded, Duration::from_secs(5)).await;
    let left = store.paused_for(&recorded).await.expect("read");
    assert!(
        left.is_some_and(|left| left > Duration::ZERO && left <= Duration::from_secs(5)),
        "{left:?}"
    );
    let sealed: Vec<u8> = redis::cmd("GET")
        .arg(&recorded_name)
        .query(&mut conn)
        .expect("GET");

    // A plain value with a long expiry, as anyone able to write to Redis
    // could set: no pause, and a real pause recorded over it.
    let forged = PauseKey::new(b"subscription-key-forged");
    let forged_name = record(&forged, Duration::from_secs(1)).await;
    set(&mut conn, &forged_name, b"1");
    assert_eq!(store.paused_for(&forged).await.expect("read"), None);
    store
        .pause(&forged, Duration::from_secs(4))
        .await
        .expect("pause");
    let left = store.paused_for(&forged).await.expect("read");
    assert!(
        left.is_some_and(|left| left > Duration::ZERO && left <= Duration::from_secs(4)),
        "a real pause replaces a value that does not open: {left:?}"
    );

    // The recorded pause's sealed value moved to another key's name: it
    // does not open there.
    let moved = PauseKey::new(b"subscription-key-moved");
    let moved_name = record(&moved, Duration::from_secs(1)).await;
    set(&mut conn, &moved_name, &sealed);
    assert_eq!(store.paused_for(&moved).await.expect("read"), None);

    // A sealed pause written again with a long expiry: it lasts no longer
    // than its sealed end (and a second for the clocks), not the 600 s
    // Redis would keep it.
    let rewritten = PauseKey::new(b"subscription-key-rewritten");
    let rewritten_name = record(&rewritten, Duration::from_secs(2)).await;
    let old: Vec<u8> = redis::cmd("GET")
        .arg(&rewritten_name)
        .query(&mut conn)
        .expect("GET");
    set(&mut conn, &rewritten_name, &old);
    let left = store.paused_for(&rewritten).await.expect("read");
    assert!(
        left.is_none_or(|left| left <= Duration::from_secs(3)),
        "{left:?}"
    );
}
