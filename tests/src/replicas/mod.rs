//! For the many-replicas tests: an Accuro stand-in that counts token
//! requests per clinic ([`TokenDesk`]), a `redis-server` of the test's own
//! ([`RedisServer`]), and the replica processes ([`Replica`], the
//! `accuro-replica` binary), and waits on events ([`wait_for`]: a condition
//! looked at until it holds, under a guard against a hang). Every value is
//! synthetic.

mod clinics;
mod desk;
mod redis_server;
mod relay;
mod replica;
mod wait;

pub use clinics::{
    REPLICA_CLIENT_ID, REPLICA_CLIENT_SECRET, REPLICA_SUBSCRIPTION_KEY, replica_tenant,
    replica_uuid,
};
pub use desk::{ACCESS_MARKER, DeskState, REFRESH_MARKER, TokenDesk};
pub use redis_server::RedisServer;
pub use relay::SilentRelay;
pub use replica::{Replica, ReplicaSetup, Round, seal_key};
pub use wait::{GUARD, wait_for, wait_for_some, wait_for_some_within, wait_for_within};
