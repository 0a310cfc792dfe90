//! Many replicas of one service sharing tokens and 429 pauses through Redis:
//! one token request per clinic across all of them, tokens sealed with
//! AES-256-GCM before they reach Redis.
//!
//! ```sh
//! redis-server --port 6379 &                      # or your own Redis
//! export ACCURO_SEAL_KEY="$(openssl rand -base64 32)"   # the same on every replica
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --features redis --example redis_replicas
//! ```
//!
//! `ACCURO_REDIS_URL` (default `redis://127.0.0.1:6379/`) names the Redis.
//! Run it twice: the second run finds the first one's token in Redis and asks
//! the token endpoint for none.

use std::process::ExitCode;

use accuro_client::token::{RedisStore, SharedStore};
use accuro_client::{ClinicConfig, Transport};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("redis_replicas failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url =
        std::env::var("ACCURO_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    // From your secret store in production: 32 random bytes in base64.
    let Ok(seal_key) = std::env::var("ACCURO_SEAL_KEY") else {
        return Err(
            "set ACCURO_SEAL_KEY to 32 random bytes in base64 (`openssl rand -base64 32`)".into(),
        );
    };
    let store = RedisStore::builder(url).seal_key_base64(seal_key).build()?;
    let shared = SharedStore::new(store);
    let transport = Transport::builder().shared_store(shared.clone()).build()?;
    let client = transport.clinic(ClinicConfig::from_env())?;

    let offices = client.list_offices().send().await?.into_inner();
    println!("{} offices", offices.len());
    // Redis failing never fails a call: the store is skipped (tokens per
    // replica) and tried again later. Here, where sharing is the point, a
    // degraded store is worth a failure.
    if shared.is_degraded() {
        return Err("the token store is degraded: is Redis reachable at ACCURO_REDIS_URL?".into());
    }
    println!("the token is shared through Redis");
    Ok(())
}
