//! For the many-replicas tests: an Accuro stand-in that counts token
//! requests per clinic ([`TokenDesk`]), a `redis-server` of the test's own
//! ([`RedisServer`]), and the replica processes ([`Replica`], the
//! `accuro-replica` binary). Every value is synthetic.

mod clinics;
mod desk;
mod redis_server;
mod relay;
mod replica;

pub use clinics::{
    REPLICA_CLIENT_ID, REPLICA_CLIENT_SECRET, REPLICA_SUBSCRIPTION_KEY, replica_tenant,
    replica_uuid,
};
pub use desk::{ACCESS_MARKER, DeskState, REFRESH_MARKER, TokenDesk};
pub use redis_server::RedisServer;
pub use relay::SilentRelay;
pub use replica::{Replica, ReplicaSetup, Round, seal_key};
