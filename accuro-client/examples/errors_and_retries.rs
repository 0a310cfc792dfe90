//! Errors and retries: what an error tells, what may be sent again, and how
//! one call gets its own timeout and retry policy.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --example errors_and_retries
//! ```

use std::process::ExitCode;
use std::time::Duration;

use accuro_client::{CallSettings, Client, Error, ErrorKind, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("errors_and_retries failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;

    // A refusal is an `Error` you can match on. Its `Display` and `Debug`
    // name the operation and the status, never the URL, a query value, a token
    // or a body: log it as it is.
    match client.get_patient().patient_id(999_999).send().await {
        Ok(_) => println!("patient #999999 exists"),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            println!("as expected: {e}");
            // Accuro's error body, for code that must read it. Its texts may
            // quote what was sent (a name, a PHN): read them, do not print them.
            let body = e.api_error();
            println!("an error body came with it: {}", body.is_some());
        }
        Err(e) => return Err(e),
    }

    // One call with its own timeout and retry policy, on the same clinic,
    // token and pool. Reads and idempotent writes are retried on 502-504 and
    // cut connections; a 429 and a connection never opened are retried for
    // every operation. No policy makes a write that may not be sent twice
    // (creating a letter, an appointment) retryable.
    let patient_reads = client.with_settings(
        CallSettings::new()
            .timeout(Duration::from_secs(5))
            .retry_policy(RetryPolicy {
                max_attempts: 5,
                ..RetryPolicy::default()
            }),
    );
    let offices = patient_reads.list_offices().send().await?.into_inner();
    println!(
        "{} offices read with a 5 s timeout and 5 attempts",
        offices.len()
    );

    // After a failed write: may Accuro have made the change anyway?
    let cancelled = client
        .cancel_appointment()
        .appointment_id(999_999)
        .cancel(true)
        .send()
        .await;
    if let Err(e) = cancelled {
        // `false`: refused or never sent, so it is safe to send again once
        // fixed. `true` (see `Error::may_have_succeeded` for every case): the
        // server may have made the change, so read the record before sending
        // the write again.
        println!(
            "cancel_appointment: kind {:?}; may have succeeded: {}",
            e.kind(),
            e.may_have_succeeded()
        );
    }
    Ok(())
}
