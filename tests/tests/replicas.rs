//! Many replicas, one token per clinic: real `accuro-replica` processes
//! sharing a real `redis-server` (started by each test on a loopback port of
//! its own), against a loopback stand-in that counts token requests.
//!
//! Waits here are on conditions (a request seen, a key set), or on the
//! token lifetimes the stand-in issues: real processes run on the real clock.

use std::path::Path;
use std::time::{Duration, Instant};

use accuro_tests::replicas::{
    ACCESS_MARKER, REFRESH_MARKER, REPLICA_CLIENT_SECRET, REPLICA_SUBSCRIPTION_KEY, RedisServer,
    Replica, ReplicaSetup, Round, SilentRelay, TokenDesk, replica_tenant, seal_key,
};

/// One test at a time: each runs up to 8 processes, and the machine has 2
/// cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_accuro-replica"))
}

fn all_ok(rounds: &[Round], per_round: u32) {
    for round in rounds {
        assert_eq!(round.failed, 0, "{round:?}");
        assert_eq!(round.ok, per_round, "{round:?}");
    }
}

/// Runs a round on every replica at once.
fn round_all(replicas: &mut [Replica]) -> Vec<Round> {
    for r in replicas.iter_mut() {
        r.begin_round();
    }
    replicas.iter_mut().map(Replica::end_round).collect()
}

/// Nothing readable of a token, a refresh token, a secret or a clinic is in
/// Redis's dump.
fn assert_dump_is_sealed(redis: &RedisServer) {
    let dump = redis.dump();
    assert!(dump.len() > 100, "the dump is empty");
    for marker in [
        ACCESS_MARKER,
        REFRESH_MARKER,
        REPLICA_CLIENT_SECRET,
        REPLICA_SUBSCRIPTION_KEY,
        "replica-clinic",
        "Bearer",
        "PATIENT_DEMOGRAPHICS",
    ] {
        assert!(
            !dump.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{marker} is readable in the dump"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_fifty_clinics_one_token_request_each_at_cold_start_and_at_expiry() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::shared_or_start() else {
        return;
    };
    // 6 s tokens: renewal is due 3 s before expiry. The rounds keep clear
    // of the moments tokens expire, so that no call is sent with a token
    // expiring on the way (that call would be refused and replayed).
    let lifetime = 6;
    let desk = TokenDesk::start(lifetime).await;
    desk.with(|s| s.refresh_tokens = true);
    let setup = ReplicaSetup::new(&desk, &redis, 50);
    let mut replicas: Vec<Replica> = (0..8).map(|_| Replica::start(binary(), &setup)).collect();

    all_ok(&round_all(&mut replicas), 50);
    let cold = desk.token_requests();
    assert_eq!(cold, 50, "token requests at cold start");
    desk.with(|s| {
        for n in 0..50 {
            assert_eq!(
                s.token_requests.get(&replica_tenant(n)),
                Some(&1),
                "clinic {n}"
            );
        }
    });
    // Once cached, rounds cost no token request.
    all_ok(&round_all(&mut replicas), 50);
    assert_eq!(desk.token_requests(), 50);

    // Due for renewal (3 s before expiry) but valid: calls go on with the
    // current tokens, and every process starts a renewal in the background
    // for every clinic. One per clinic asks, spending its refresh token.
    let lifetime = Duration::from_secs(lifetime.unsigned_abs());
    tokio::time::sleep(lifetime / 2 + Duration::from_millis(600)).await;
    all_ok(&round_all(&mut replicas), 50);
    assert!(
        desk.wait_until(Duration::from_secs(20), |s| s
            .token_requests
            .values()
            .sum::<u32>()
            >= 100)
            .await,
        "the renewals did not happen"
    );
    all_ok(&round_all(&mut replicas), 50);
    let renewed = desk.token_requests() - cold;
    assert_eq!(renewed, 50, "token requests at renewal");
    desk.with(|s| assert_eq!(s.refresh_grants, 50, "renewals spend the refresh tokens"));

    // Past the new tokens' lifetime: every process needs a new token for
    // every clinic at once.
    tokio::time::sleep(lifetime + Duration::from_millis(300)).await;
    all_ok(&round_all(&mut replicas), 50);
    let at_expiry = desk.token_requests() - cold - renewed;
    assert_eq!(at_expiry, 50, "token requests at expiry");
    desk.with(|s| {
        assert_eq!(s.refresh_reused, 0, "a refresh token was spent twice");
        assert_eq!(s.refused, 0, "a call was refused 401");
    });
    assert_dump_is_sealed(&redis);
    eprintln!(
        "token requests (8 processes x 50 clinics): cold start {cold}, renewal {renewed}, at expiry {at_expiry}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_is_taken_over_by_one_process_once_its_lock_expires() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let desk = TokenDesk::start(3600).await;
    // The first token request of clinic 0 is never answered.
    desk.with(|s| s.hold.insert(replica_tenant(0)));
    let setup = ReplicaSetup {
        lock_ttl_ms: 2000,
        ..ReplicaSetup::new(&desk, &redis, 1)
    };
    let lock_ttl = Duration::from_millis(setup.lock_ttl_ms);
    let mut replicas: Vec<Replica> = (0..4).map(|_| Replica::start(binary(), &setup)).collect();
    for r in replicas.iter_mut() {
        r.begin_round();
    }
    assert!(
        desk.wait_until(Duration::from_secs(20), |s| s.token_arrivals.len() == 1)
            .await,
        "no token request"
    );
    // The lock holder is the process named in the lock's value.
    let keys = redis.keys(&setup.prefix, "lock");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let owner: String = redis::cmd("GET")
        .arg(&keys[0])
        .query(&mut redis.connection())
        .expect("GET");
    let pid: u32 = owner
        .split('-')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a pid in the lock");
    let holder = replicas
        .iter()
        .position(|r| r.pid() == pid)
        .expect("the holder is one of the replicas");
    let mut killed = replicas.remove(holder);
    killed.kill();
    let killed_at = Instant::now();
    let first_request = desk.with(|s| s.token_arrivals[0]);

    let rounds: Vec<Round> = replicas.iter_mut().map(Replica::end_round).collect();
    all_ok(&rounds, 1);
    let (requests, second) =
        desk.with(|s| (s.token_arrivals.len(), s.token_arrivals.get(1).copied()));
    assert_eq!(requests, 2, "exactly one process took over");
    let second = second.expect("a second token request");
    let takeover = second.duration_since(killed_at);
    let after_lock = second.duration_since(first_request);
    // Not before the lock expired (it was set a little before the holder's
    // request arrived); soon after it (the waiters look at most 1 s apart).
    assert!(
        after_lock + Duration::from_millis(200) >= lock_ttl,
        "taken over after {after_lock:?}"
    );
    assert!(
        after_lock < lock_ttl + Duration::from_secs(3),
        "taken over after {after_lock:?}"
    );
    eprintln!(
        "take-over: {} ms after the SIGKILL, {} ms after the holder's request (lock {} ms)",
        takeover.as_millis(),
        after_lock.as_millis(),
        lock_ttl.as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_fails_no_call_and_sharing_resumes_when_it_is_back() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let lifetime = 2;
    let desk = TokenDesk::start(lifetime).await;
    let clinics = 5;
    let setup = ReplicaSetup {
        store_timeout_ms: 250,
        response_timeout_ms: 200,
        ..ReplicaSetup::new(&desk, &redis, clinics)
    };
    let mut replicas: Vec<Replica> = (0..3).map(|_| Replica::start(binary(), &setup)).collect();
    let expire = || tokio::time::sleep(Duration::from_millis(2300));
    let mut rounds = Vec::new();
    rounds.extend(round_all(&mut replicas));
    assert_eq!(desk.token_requests(), 5);

    // Redis hangs: each operation is given up after the store timeout.
    redis.freeze();
    expire().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let frozen = desk.token_requests() - before;
    assert_eq!(
        frozen, 15,
        "each process renews its own tokens while Redis hangs"
    );
    redis.thaw();
    expire().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    assert_eq!(
        desk.token_requests() - before,
        5,
        "shared again once Redis answers"
    );

    // Redis is gone.
    redis.stop();
    // Calls with cached tokens, then with tokens to renew, Redis down.
    rounds.extend(round_all(&mut replicas));
    expire().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let during = desk.token_requests() - before;
    assert_eq!(
        during, 15,
        "each process renews its own tokens while Redis is down"
    );
    expire().await;
    rounds.extend(round_all(&mut replicas));

    redis.resume();
    expire().await;
    // The first round after the store's retry wait finds it back...
    rounds.extend(round_all(&mut replicas));
    expire().await;
    // ...and from then on tokens are shared again.
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let after = desk.token_requests() - before;
    all_ok(&rounds, 5);
    let failed: u32 = rounds.iter().map(|r| r.failed).sum();
    assert_eq!(failed, 0);
    assert_eq!(after, 5, "one token request per clinic once Redis is back");
    for r in &replicas {
        let log = r.log();
        // Told once per outage, not once per call.
        assert_eq!(
            log.matches("the token store is degraded").count(),
            2,
            "{log}"
        );
        assert_eq!(log.matches("the token store is back").count(), 2, "{log}");
        assert!(!log.contains(ACCESS_MARKER), "{log}");
    }
    eprintln!(
        "Redis outages: {} calls, {failed} failed; token requests for {clinics} clinics x 3 processes: {frozen} while it hung, {during} while it was down, {after} once back",
        rounds.iter().map(|r| r.ok + r.failed).sum::<u32>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_seal_key_or_a_tampered_value_is_a_miss_told_without_content() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let desk = TokenDesk::start(3600).await;
    let setup = ReplicaSetup::new(&desk, &redis, 1);
    let other_key = ReplicaSetup {
        seal_key: seal_key(2),
        ..setup.clone()
    };
    let run = |setup: &ReplicaSetup| {
        let mut replica = Replica::start(binary(), setup);
        all_ok(&[replica.round()], 1);
        replica.log()
    };
    run(&setup);
    assert_eq!(desk.token_requests(), 1);
    // Same key: a hit.
    run(&setup);
    assert_eq!(desk.token_requests(), 1);
    // Another key: the store's seal check does not open (and its key names,
    // keyed under the seal key, find none of the first key's values); a
    // token is asked for and saved under its own names.
    let log = run(&other_key);
    assert_eq!(desk.token_requests(), 2);
    assert!(log.contains("does not open"), "{log}");
    assert!(!log.contains(ACCESS_MARKER), "{log}");
    let names = redis.keys(&setup.prefix, "token");
    assert_eq!(names.len(), 2, "one per seal key: {names:?}");

    // A changed byte in each value: a miss, then a new token.
    let mut conn = redis.connection();
    for name in &names {
        let mut value: Vec<u8> = redis::cmd("GET").arg(name).query(&mut conn).expect("GET");
        let last = value.len() - 1;
        value[last] ^= 0x01;
        let _: () = redis::cmd("SET")
            .arg(name)
            .arg(value)
            .arg("KEEPTTL")
            .query(&mut conn)
            .expect("SET");
    }
    let log = run(&other_key);
    assert_eq!(desk.token_requests(), 3);
    assert!(log.contains("does not open"), "{log}");
    assert!(!log.contains(ACCESS_MARKER), "{log}");
    // Its new token serves the next process.
    run(&other_key);
    assert_eq!(desk.token_requests(), 3);
    assert_dump_is_sealed(&redis);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_429_pauses_the_other_processes_until_its_retry_after() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let desk = TokenDesk::start(3600).await;
    let setup = ReplicaSetup::new(&desk, &redis, 1);
    // The others: clinics 1..4, one per process, warmed up.
    let mut others: Vec<Replica> = (1..4)
        .map(|n| {
            Replica::start(
                binary(),
                &ReplicaSetup {
                    first: n,
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
    let deadline = Instant::now() + Duration::from_secs(20);
    let pause_ends = loop {
        let keys = redis.keys(&setup.prefix, "pause");
        if let Some(key) = keys.first() {
            // Read before the question: the pause ends no earlier than this.
            let asked = Instant::now();
            let pttl: i64 = redis::cmd("PTTL").arg(key).query(&mut conn).expect("PTTL");
            break asked + Duration::from_millis(pttl.unsigned_abs());
        }
        assert!(Instant::now() < deadline, "no pause recorded");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    // Let every other process's last look at the pause grow older than the
    // interval between looks, so the next call looks again.
    tokio::time::sleep(Duration::from_millis(setup.pause_check_ms + 50)).await;
    let asked = Instant::now();
    let rounds = round_all(&mut others);
    all_ok(&rounds, 1);
    all_ok(&[throttled.end_round()], 1);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_connection_gone_silent_is_replaced_and_sharing_resumes() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let port = redis
        .url()
        .trim_start_matches("redis://127.0.0.1:")
        .trim_end_matches('/')
        .parse::<u16>()
        .expect("the port");
    let relay = SilentRelay::start(([127, 0, 0, 1], port).into()).await;
    let desk = TokenDesk::start(2).await;
    let clinics = 3;
    let setup = ReplicaSetup {
        redis_url: relay.redis_url(),
        store_timeout_ms: 250,
        response_timeout_ms: 200,
        ..ReplicaSetup::new(&desk, &redis, clinics)
    };
    let mut replicas: Vec<Replica> = (0..2).map(|_| Replica::start(binary(), &setup)).collect();
    let expire = || tokio::time::sleep(Duration::from_millis(2300));
    let mut rounds = round_all(&mut replicas);
    assert_eq!(desk.token_requests(), 3);

    // The open connections go silent: nothing is refused, nothing answers.
    relay.cut();
    expire().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    assert_eq!(desk.token_requests() - before, 6, "each process on its own");
    // The silent connection is replaced; the next renewals share again.
    expire().await;
    rounds.extend(round_all(&mut replicas));
    expire().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let shared_again = desk.token_requests() - before;
    all_ok(&rounds, 3);
    assert_eq!(
        shared_again, 3,
        "one token request per clinic on a new connection"
    );
    for r in &replicas {
        let log = r.log();
        assert_eq!(
            log.matches("the token store is degraded").count(),
            1,
            "{log}"
        );
        assert_eq!(log.matches("the token store is back").count(), 1, "{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_is_spent_once_even_when_its_holder_outlives_its_lock() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    // 8 s tokens with refresh tokens: renewal is due 4 s before expiry.
    let desk = TokenDesk::start(8).await;
    desk.with(|s| s.refresh_tokens = true);
    let setup = ReplicaSetup {
        lock_ttl_ms: 2000,
        ..ReplicaSetup::new(&desk, &redis, 1)
    };
    let lock_ttl = Duration::from_millis(setup.lock_ttl_ms);
    let mut replicas: Vec<Replica> = (0..3).map(|_| Replica::start(binary(), &setup)).collect();
    all_ok(&round_all(&mut replicas), 1);
    assert_eq!(desk.token_requests(), 1);
    // The renewal's request is answered after the lock has expired: one
    // other process takes over, and finds no refresh token to spend.
    desk.with(|s| {
        s.slow
            .insert(replica_tenant(0), lock_ttl + Duration::from_secs(1))
    });
    tokio::time::sleep(Duration::from_millis(4600)).await;
    all_ok(&round_all(&mut replicas), 1);
    assert!(
        desk.wait_until(Duration::from_secs(20), |s| s.answered >= 3)
            .await,
        "the renewals did not end"
    );
    all_ok(&round_all(&mut replicas), 1);
    desk.with(|s| {
        assert_eq!(s.token_arrivals.len(), 3, "the holder and one taker-over");
        assert_eq!(s.refresh_grants, 1, "one refresh grant");
        assert_eq!(s.refresh_reused, 0, "a refresh token was spent twice");
        assert_eq!(s.refused, 0);
    });
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

/// Key names are keyed under the seal key, and a store rolling a new key
/// out (the new one its seal key, the old one `also_open_with`) still finds
/// the tokens written under the old key's names: a rotation costs no token
/// request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_seal_key_still_finds_the_old_keys_tokens() {
    use accuro_client::token::{RedisStore, StoreKey, StoredToken, TokenStore as _};
    use secrecy::{ExposeSecret as _, SecretString};
    let Some(redis) = RedisServer::shared_or_start() else {
        return;
    };
    let prefix = format!("accuro-rotation-test-{}", std::process::id());
    let store = |seal: u8, also: Option<u8>| {
        let mut builder = RedisStore::builder(redis.url())
            .seal_key_base64(seal_key(seal))
            .prefix(prefix.as_str())
            .response_timeout(Duration::from_secs(2));
        if let Some(also) = also {
            builder = builder.also_open_with_base64(seal_key(also));
        }
        builder.build().expect("store")
    };
    let key = StoreKey::new(
        "https://accuro.example.invalid",
        "rotation-clinic",
        "rotation-client",
        &SecretString::from("rotation-secret-0001"),
        ["PATIENT_DEMOGRAPHICS_READ"],
    );
    let token = StoredToken {
        access_token: SecretString::from(ACCESS_MARKER),
        refresh_token: None,
        scope: None,
        lifetime: Duration::from_secs(3600),
        remaining: Duration::from_secs(3600),
    };
    store(1, None).save(&key, &token).await.expect("save");
    let names = redis.keys(&prefix, "token");
    assert_eq!(names.len(), 1);
    assert!(
        !names[0].contains(key.as_str()),
        "the name is keyed: {names:?}"
    );
    assert!(store(2, None).load(&key).await.expect("load").is_none());
    let found = store(2, Some(1)).load(&key).await.expect("load");
    assert_eq!(
        found.as_ref().map(|t| t.access_token.expose_secret()),
        Some(ACCESS_MARKER)
    );
}
