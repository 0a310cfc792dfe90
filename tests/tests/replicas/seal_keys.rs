//! Seal keys: a wrong key or a tampered value is a miss told without
//! content, and a rotated key still finds the old key's tokens.

use std::time::Duration;

use accuro_tests::replicas::{
    ACCESS_MARKER, RedisServer, Replica, ReplicaSetup, TokenDesk, seal_key,
};

use crate::{ONE_AT_A_TIME, all_ok, assert_dump_is_sealed, binary};

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
