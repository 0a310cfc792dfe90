//! What the user's guide and the `token` module docs promise of the shared
//! store, each proved here: a TTL written to Redis by anyone else gives a
//! token at most the clocks' allowance (30 s) more than its sealed expiry,
//! and a refresh token is spent once even when the replica spending it is
//! killed in the middle of its request.

use std::time::Duration;

use accuro_client::token::{RedisStore, StoreKey, StoredToken, TokenStore as _};
use accuro_tests::replicas::{
    RedisServer, Replica, ReplicaSetup, TokenDesk, replica_tenant, seal_key,
};
use secrecy::SecretString;

use crate::{ONE_AT_A_TIME, all_ok, binary, round_all};

/// The allowance for two hosts' clocks that the sealed expiry is read with.
const CLOCK_ALLOWANCE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ttl_written_to_redis_gives_a_token_at_most_the_clock_allowance_more() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let prefix = format!("accuro-ttl-{}", std::process::id());
    let store = RedisStore::builder(redis.url())
        .seal_key_base64(seal_key(7))
        .prefix(prefix.clone())
        .response_timeout(Duration::from_secs(2))
        .build()
        .expect("store");
    let key = StoreKey::new(
        "https://accuro.example.invalid",
        "ttl-clinic",
        "ttl-client",
        &SecretString::from("ttl-secret"),
        ["PATIENT_DEMOGRAPHICS_READ"],
    );
    // A lifetime longer than the allowance, so that what is left tells the
    // sealed expiry apart from the allowance alone.
    let lifetime = Duration::from_secs(60);
    let token = StoredToken {
        access_token: SecretString::from("ttl-access-token"),
        refresh_token: None,
        scope: Some("PATIENT_DEMOGRAPHICS_READ".into()),
        lifetime,
        remaining: lifetime,
    };
    store.save(&key, &token).await.expect("save");
    let names = redis.keys(&prefix, "token");
    assert_eq!(names.len(), 1, "{names:?}");
    let mut conn = redis.connection();

    // Anyone with write access to Redis gives the token an hour.
    let _: () = redis::cmd("PEXPIRE")
        .arg(&names[0])
        .arg(3_600_000)
        .query(&mut conn)
        .expect("PEXPIRE");
    let pttl: i64 = redis::cmd("PTTL")
        .arg(&names[0])
        .query(&mut conn)
        .expect("PTTL");
    assert!(pttl > 3_000_000, "Redis keeps the written TTL: {pttl} ms");
    let loaded = store.load(&key).await.expect("load").expect("a token");
    // The sealed expiry (60 s from the save) plus the allowance, not the
    // hour Redis now says; and more than the lifetime, which only the
    // written TTL (bounded by the allowance) can give.
    assert!(
        loaded.remaining <= lifetime + CLOCK_ALLOWANCE,
        "the written TTL gave the token {:?}",
        loaded.remaining
    );
    assert!(
        loaded.remaining > lifetime,
        "the TTL Redis keeps is not what is read ({:?} left)",
        loaded.remaining
    );
    assert_eq!(loaded.lifetime, lifetime);

    // No expiry at all (`PERSIST`): the value no longer counts.
    let _: () = redis::cmd("PERSIST")
        .arg(&names[0])
        .query(&mut conn)
        .expect("PERSIST");
    assert!(
        store.load(&key).await.expect("load").is_none(),
        "a token Redis keeps for ever is used"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_is_spent_once_when_its_spender_is_killed_mid_request() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    // 8 s tokens with refresh tokens: the renewal is due 4 s before expiry.
    let desk = TokenDesk::start(8).await;
    desk.with(|s| s.refresh_tokens = true);
    let setup = ReplicaSetup {
        lock_ttl_ms: 2000,
        ..ReplicaSetup::new(&desk, &redis, 1)
    };
    let mut replicas: Vec<Replica> = (0..3).map(|_| Replica::start(binary(), &setup)).collect();
    all_ok(&round_all(&mut replicas), 1);
    assert_eq!(desk.token_requests(), 1);
    assert_eq!(
        redis.keys(&setup.prefix, "refresh").len(),
        1,
        "the refresh token is kept in Redis"
    );

    // The renewal's request (a refresh grant) is never answered.
    desk.with(|s| s.hold.insert(replica_tenant(0)));
    // Calls go on with the valid token until one finds the renewal due and
    // starts it: the desk seeing the refresh grant is the event waited for.
    let mut rounds = 0;
    while !desk
        .wait_until(Duration::from_millis(100), |s| s.refresh_grants == 1)
        .await
    {
        all_ok(&round_all(&mut replicas), 1);
        rounds += 1;
        assert!(rounds < 300, "no renewal began");
    }
    // Its spender took the refresh token out of Redis before sending it,
    // and holds the lock: it is killed mid-request.
    assert!(
        redis.keys(&setup.prefix, "refresh").is_empty(),
        "the spender took the refresh token out"
    );
    let locks = redis.keys(&setup.prefix, "lock");
    assert_eq!(locks.len(), 1, "{locks:?}");
    let owner: String = redis::cmd("GET")
        .arg(&locks[0])
        .query(&mut redis.connection())
        .expect("GET");
    let pid: u32 = owner
        .split('-')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a pid in the lock");
    let spender = replicas
        .iter()
        .position(|r| r.pid() == pid)
        .expect("the spender is one of the replicas");
    replicas.remove(spender).kill();

    // Once its lock expires, another replica takes over, with nothing to
    // spend but its client credentials.
    let mut rounds = 0;
    while !desk
        .wait_until(Duration::from_millis(100), |s| s.answered >= 2)
        .await
    {
        all_ok(&round_all(&mut replicas), 1);
        rounds += 1;
        assert!(rounds < 600, "no replica took over");
    }
    all_ok(&round_all(&mut replicas), 1);
    desk.with(|s| {
        assert_eq!(
            s.refresh_grants, 1,
            "only the killed spender's refresh grant"
        );
        assert_eq!(s.refresh_reused, 0, "a refresh token was spent twice");
        assert_eq!(
            s.token_arrivals.len(),
            3,
            "the first token, the killed renewal, one take-over"
        );
        assert_eq!(s.refused, 0);
    });
}
