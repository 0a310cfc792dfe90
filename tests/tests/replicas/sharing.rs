//! One token request per clinic across processes: at a cold start, at
//! renewal and at expiry; a killed lock holder taken over; a refresh token
//! spent once when its holder outlives its lock.

use std::time::{Duration, Instant};

use accuro_tests::replicas::{
    RedisServer, Replica, ReplicaSetup, Round, TokenDesk, replica_tenant,
};

use crate::{ONE_AT_A_TIME, all_ok, assert_dump_is_sealed, binary, round_all};

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
    // The default lock: the holder extends it while it lives, so it is short.
    let setup = ReplicaSetup {
        lock_ttl_ms: u64::try_from(accuro_client::token::DEFAULT_LOCK_TTL.as_millis())
            .expect("a few seconds"),
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
        after_lock < lock_ttl + Duration::from_secs(1),
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
async fn a_slow_lock_holder_keeps_its_lock_and_spends_the_refresh_token_once() {
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
    // The renewal's request is answered a second after the lock would have
    // expired: the holder extends it meanwhile, so no process takes over.
    desk.with(|s| {
        s.slow
            .insert(replica_tenant(0), lock_ttl + Duration::from_secs(1))
    });
    tokio::time::sleep(Duration::from_millis(4600)).await;
    all_ok(&round_all(&mut replicas), 1);
    assert!(
        desk.wait_until(Duration::from_secs(20), |s| s.answered >= 2)
            .await,
        "the renewals did not end"
    );
    all_ok(&round_all(&mut replicas), 1);
    desk.with(|s| {
        assert_eq!(
            s.token_arrivals.len(),
            2,
            "the first token and the holder's renewal"
        );
        assert_eq!(s.refresh_grants, 1, "one refresh grant");
        assert_eq!(s.refresh_reused, 0, "a refresh token was spent twice");
        assert_eq!(s.refused, 0);
    });
}
