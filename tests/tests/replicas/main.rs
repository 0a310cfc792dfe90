//! Many replicas, one token per clinic: real `accuro-replica` processes
//! sharing a real `redis-server` (started by each test on a loopback port of
//! its own), against a loopback stand-in that counts token requests.
//!
//! Waits here are on conditions (a request seen, a key set), or on the
//! token lifetimes the stand-in issues: real processes run on the real clock.

mod backoff;
mod expiry;
mod offices;
mod outages;
mod pauses;
mod seal_keys;
mod sharing;

use std::path::Path;

use accuro_tests::replicas::{
    ACCESS_MARKER, REFRESH_MARKER, REPLICA_CLIENT_SECRET, REPLICA_SUBSCRIPTION_KEY, RedisServer,
    Replica, Round,
};

/// One test at a time: each runs up to 8 processes, and the machine has 2
/// cores.
pub(crate) static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_accuro-replica"))
}

pub(crate) fn all_ok(rounds: &[Round], per_round: u32) {
    for round in rounds {
        assert_eq!(round.failed, 0, "{round:?}");
        assert_eq!(round.ok, per_round, "{round:?}");
    }
}

/// Runs a round on every replica at once.
pub(crate) fn round_all(replicas: &mut [Replica]) -> Vec<Round> {
    for r in replicas.iter_mut() {
        r.begin_round();
    }
    replicas.iter_mut().map(Replica::end_round).collect()
}

/// Nothing readable of a token, a refresh token, a secret or a clinic is in
/// Redis's dump.
pub(crate) fn assert_dump_is_sealed(redis: &RedisServer) {
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
