//! Many clinics on one transport: one connection pool, one TLS set-up and one
//! bound on requests in flight, and a `Client` per clinic with its own
//! credentials, `uuid` and token.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"   # or the ACCURO_* values QHR gave you
//! cargo run -p accuro-client --example many_clinics
//! ```
//!
//! A real service reads its clinics from its own database; here every clinic
//! is the one the `ACCURO_*` variables describe, under a name of its own. One
//! clinic failing (bad credentials, Accuro down for it) never stops the others.

use std::process::ExitCode;

use accuro_client::{ClinicConfig, Transport};
use futures_util::future::join_all;

#[tokio::main]
async fn main() -> ExitCode {
    // Built once for the whole service.
    let transport = match Transport::builder()
        .max_requests_in_flight(32)
        .max_idle_connections_per_host(32)
        .build()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("transport: {e}");
            return ExitCode::FAILURE;
        }
    };

    // One `Client` per clinic, each over the shared pool. Building one costs
    // about a microsecond and sends nothing.
    let mut clinics = Vec::new();
    for name in ["north", "south", "east"] {
        match transport.clinic(ClinicConfig::from_env()) {
            Ok(client) => clinics.push((name, client)),
            // `ConfigError` names the setting, never its value.
            Err(e) => {
                eprintln!("clinic {name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }

    // Every clinic's calls run at once; the transport bounds what is in flight.
    let answers = join_all(clinics.iter().map(|(name, client)| async move {
        let offices = client.list_offices().send().await;
        (*name, offices.map(|o| o.into_inner().len()))
    }))
    .await;

    let mut failed = 0;
    for (name, answer) in answers {
        match answer {
            Ok(count) => println!("clinic {name}: {count} offices"),
            // Errors are safe to log: operation, status, kind; no URL, token or body.
            Err(e) => {
                failed += 1;
                eprintln!("clinic {name}: {e} (kind {:?})", e.kind());
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
