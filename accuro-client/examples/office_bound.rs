//! Office-bound clients: Accuro keeps a *current office* with each token, so
//! a client for one office switches each of its tokens to that office before
//! any call uses it, and never shares a token with another office.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --example office_bound
//! ```

use std::process::ExitCode;

use accuro_client::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("office_bound failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;
    let offices = client.list_offices().send().await?.into_inner();
    for office_id in offices.iter().filter_map(|o| o.office_id) {
        // Cheap: call it per request if you like. Every `for_office(id)`
        // client of a clinic shares one token for that office.
        let at_office = client.for_office(office_id);
        let providers = at_office.list_providers().send().await?.into_inner();
        println!(
            "office #{office_id}: {} providers seen from it",
            providers.len()
        );
    }
    // Switching the shared token's office by hand would move every caller of
    // `client` at once, so the client refuses it; `with_own_token()` is the
    // deliberate way to a token nobody else uses.
    Ok(())
}
