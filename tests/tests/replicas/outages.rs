//! Redis hanging, stopped, or its connection gone silent: no call fails,
//! and sharing resumes once it answers again.
//!
//! The store's timeouts are `ReplicaSetup::new`'s (2 s, 1.5 s per
//! command), not the defaults (250 ms, 200 ms): what is proved is that a
//! Redis that does not answer is given up on and fails no call, which it is
//! after either; while a 200 ms bound on a healthy command could be reached
//! on a busy 2-core runner, marking the store degraded and changing the
//! token requests counted here.
//!
//! Between rounds, the wait is for every token issued to have expired on
//! the desk's clock: the next round then needs a new token for every clinic
//! in every process, and its calls each wait for theirs, so when it ends no
//! token request is in flight.

use accuro_tests::replicas::{
    ACCESS_MARKER, RedisServer, Replica, ReplicaSetup, SilentRelay, TokenDesk,
};

use crate::{ONE_AT_A_TIME, all_ok, binary, round_all};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_fails_no_call_and_sharing_resumes_when_it_is_back() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let lifetime = 2;
    let desk = TokenDesk::start(lifetime).await;
    let clinics = 5;
    let setup = ReplicaSetup::new(&desk, &redis, clinics);
    let mut replicas: Vec<Replica> = (0..3).map(|_| Replica::start(binary(), &setup)).collect();
    let mut rounds = Vec::new();
    rounds.extend(round_all(&mut replicas));
    assert_eq!(desk.token_requests(), 5);

    // Redis hangs: each operation is given up after the store timeout.
    redis.freeze();
    desk.wait_until_every_token_expired().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let frozen = desk.token_requests() - before;
    assert_eq!(
        frozen, 15,
        "each process renews its own tokens while Redis hangs"
    );
    redis.thaw();
    desk.wait_until_every_token_expired().await;
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
    desk.wait_until_every_token_expired().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    let during = desk.token_requests() - before;
    assert_eq!(
        during, 15,
        "each process renews its own tokens while Redis is down"
    );
    desk.wait_until_every_token_expired().await;
    rounds.extend(round_all(&mut replicas));

    redis.resume();
    // (The store's retry wait, 300 ms from its last failure, has passed
    // too: that failure came before the last token was asked for.)
    desk.wait_until_every_token_expired().await;
    // The first round after the store's retry wait finds it back...
    rounds.extend(round_all(&mut replicas));
    desk.wait_until_every_token_expired().await;
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
        ..ReplicaSetup::new(&desk, &redis, clinics)
    };
    let mut replicas: Vec<Replica> = (0..2).map(|_| Replica::start(binary(), &setup)).collect();
    let mut rounds = round_all(&mut replicas);
    assert_eq!(desk.token_requests(), 3);

    // The open connections go silent: nothing is refused, nothing answers.
    relay.cut();
    desk.wait_until_every_token_expired().await;
    let before = desk.token_requests();
    rounds.extend(round_all(&mut replicas));
    assert_eq!(desk.token_requests() - before, 6, "each process on its own");
    // The silent connection is replaced; the next renewals share again.
    desk.wait_until_every_token_expired().await;
    rounds.extend(round_all(&mut replicas));
    desk.wait_until_every_token_expired().await;
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
