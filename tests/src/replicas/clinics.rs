//! The synthetic clinics and credentials every replica uses.

/// The client id every replica uses.
pub const REPLICA_CLIENT_ID: &str = "replica-client-id";
/// The client secret every replica uses (a marker for leak scans).
pub const REPLICA_CLIENT_SECRET: &str = "replica-secret-0f3c";
/// The subscription key every replica uses.
pub const REPLICA_SUBSCRIPTION_KEY: &str = "replica-subscription-key";

/// The tenant of clinic `n` (`replica-clinic-007`).
pub fn replica_tenant(n: usize) -> String {
    format!("replica-clinic-{n:03}")
}

/// The uuid of clinic `n`.
pub fn replica_uuid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}
