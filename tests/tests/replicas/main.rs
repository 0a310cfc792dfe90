//! Many replicas, one token per clinic: real `accuro-replica` processes
//! sharing a real `redis-server` (started by each test on a loopback port of
//! its own), against a loopback stand-in that counts token requests.
//!
//! Real processes run on the real clock, so every wait here is on an
//! event: a request the desk saw or answered, a key set, changed or gone in
//! Redis, a replica's report of its round. Where time must pass (a token's
//! life, a lock's), the wait is on what shows it has passed (the desk's own
//! record of every token expired, the dead holder's lock gone from Redis),
//! looked at every 10 ms under a guard against a hang (`replicas::GUARD`),
//! never a sleep of a fixed time. No assertion is a bound on elapsed time:
//! durations are printed, for `BENCHMARKS.md`. (One sleep is left, in
//! `backoff.rs`: it paces the calls of an outage, and nothing waits on it.)

mod backoff;
mod claims;
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
