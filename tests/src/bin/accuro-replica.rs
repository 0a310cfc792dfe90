//! One replica of a service for the many-replicas tests: clinics
//! `REPLICA_FIRST..+REPLICA_COUNT` on one transport sharing a Redis token
//! store. Prints `ready`, then for each `round` read on stdin calls
//! `list_genders` for every clinic at once and prints
//! `{"ok":…,"failed":…,"kinds":[…]}`. Logs (`RUST_LOG`) go to stderr.
//! `REPLICA_OFFICE`, if set, binds its clients to that office.

#![warn(missing_docs)]

use std::io::BufRead as _;
use std::time::Duration;

use accuro_client::token::{RedisStore, SharedStore};
use accuro_client::{Client, ClinicConfig, Transport};
use accuro_tests::replicas::{
    REPLICA_CLIENT_ID, REPLICA_CLIENT_SECRET, REPLICA_SUBSCRIPTION_KEY, replica_tenant,
    replica_uuid,
};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn millis(name: &str) -> Duration {
    Duration::from_millis(var(name).parse().unwrap_or_else(|_| panic!("{name}")))
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .init();
    let first: usize = var("REPLICA_FIRST").parse().expect("REPLICA_FIRST");
    let count: usize = var("REPLICA_COUNT").parse().expect("REPLICA_COUNT");
    let store = RedisStore::builder(var("REPLICA_REDIS_URL"))
        .seal_key_base64(var("REPLICA_SEAL_KEY"))
        .prefix(var("REPLICA_PREFIX"))
        .response_timeout(millis("REPLICA_RESPONSE_TIMEOUT_MS"))
        .build()
        .expect("the store");
    let shared = SharedStore::new(store)
        .lock_ttl(millis("REPLICA_LOCK_TTL_MS"))
        .pause_check(millis("REPLICA_PAUSE_CHECK_MS"))
        .retry_after(millis("REPLICA_STORE_RETRY_MS"))
        .timeout(millis("REPLICA_STORE_TIMEOUT_MS"));
    let transport = Transport::builder()
        .shared_store(shared)
        .build()
        .expect("the transport");
    let base_url = var("REPLICA_BASE_URL");
    // `REPLICA_OFFICE`: the office its clients are bound to (empty: none).
    let office: Option<i64> = std::env::var("REPLICA_OFFICE")
        .ok()
        .filter(|o| !o.is_empty())
        .map(|o| o.parse().expect("REPLICA_OFFICE"));
    let clients: Vec<Client> = (first..first + count)
        .map(|n| {
            transport
                .clinic(
                    ClinicConfig::new()
                        .base_url(&base_url)
                        .tenant(replica_tenant(n))
                        .client_id(REPLICA_CLIENT_ID)
                        .client_secret(REPLICA_CLIENT_SECRET)
                        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
                        .subscription_key(REPLICA_SUBSCRIPTION_KEY)
                        .clinic_uuid(replica_uuid(n)),
                )
                .expect("a clinic")
        })
        .map(|client| match office {
            Some(office) => client.for_office(office),
            None => client,
        })
        .collect();
    println!("ready");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = rx.recv().await {
        match line.trim() {
            "round" => {
                let calls = clients
                    .iter()
                    .map(|c| async move { c.list_genders().send().await });
                let outcomes = futures::future::join_all(calls).await;
                let kinds: Vec<String> = outcomes
                    .iter()
                    .filter_map(|o| o.as_ref().err())
                    .map(|e| {
                        eprintln!("call failed: {e}");
                        format!("{:?}", e.kind())
                    })
                    .collect();
                let ok = outcomes.len() - kinds.len();
                println!(
                    "{}",
                    serde_json::json!({"ok": ok, "failed": kinds.len(), "kinds": kinds})
                );
            }
            "quit" => break,
            other => eprintln!("unknown command {other:?}"),
        }
    }
}
