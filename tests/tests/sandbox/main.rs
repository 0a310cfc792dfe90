//! The client against the offline sandbox: its checks, its state, its pages
//! and each of its fault knobs; the operations it answers with the spec's
//! examples, and how it finds them in the spec.

mod checks_and_faults;
mod clinic;
mod examples;
mod raw;
mod records;
mod spec_routes;
mod tasks;
mod waitlists;

use accuro_client::shapes::AccuroDate;
use accuro_client::{Client, ClientBuilder};
use accuro_sandbox::{Config, Sandbox};

pub(crate) fn builder_for(sandbox: &Sandbox) -> ClientBuilder {
    let env: std::collections::HashMap<_, _> = sandbox
        .config()
        .client_env(&sandbox.base_url())
        .into_iter()
        .collect();
    ClientBuilder::from_lookup(|name| env.get(name).cloned())
}

pub(crate) fn client_for(sandbox: &Sandbox) -> Client {
    builder_for(sandbox).build().expect("client")
}

pub(crate) async fn start(config: Config) -> Sandbox {
    Sandbox::start(config, 0).await.expect("sandbox")
}

pub(crate) fn date(s: &str) -> AccuroDate {
    s.parse().expect("date")
}
