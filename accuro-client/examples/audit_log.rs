//! The audit trail: one event per finished REST call (who, which clinic,
//! which operation, which records by their path ids, the outcome), written by
//! a thread of its own so that no call waits for the log.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --example audit_log
//! ```
//!
//! The file is created with mode 0600 and never through a symbolic link. It
//! holds record ids and clinic uuids: keep it where your access logs go, not
//! in your general logs.

use std::process::ExitCode;
use std::time::Duration;

use accuro_client::audit::JsonLinesFile;
use accuro_client::{ClinicConfig, Transport};

#[tokio::main]
async fn main() -> ExitCode {
    let path =
        std::env::temp_dir().join(format!("accuro-audit-example-{}.jsonl", std::process::id()));
    let code = match run(&path).await {
        Ok(events) => {
            println!("{events} audit events in {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("audit_log failed: {e}");
            ExitCode::FAILURE
        }
    };
    // The example cleans up; a service keeps its audit file.
    let _ = std::fs::remove_file(&path);
    code
}

async fn run(path: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    let transport = Transport::builder()
        .audit_sink(JsonLinesFile::open(path)?)
        .build()?;
    let client = transport.clinic(ClinicConfig::from_env())?;

    client.list_offices().send().await?;
    // Records `patientId=1001`: the id is in the path. A refused call is
    // recorded too, with its outcome.
    let _ = client.get_patient().patient_id(1001).send().await;

    // At shutdown: wait for the queue to reach the file.
    if !transport.flush_audit(Duration::from_secs(5)) {
        return Err("the audit queue did not drain in 5 s".into());
    }
    if let Some(stats) = transport.audit_stats() {
        println!(
            "delivered {}, dropped {}, failed {}",
            stats.delivered, stats.dropped, stats.failed
        );
    }
    Ok(std::fs::read_to_string(path)?.lines().count())
}
