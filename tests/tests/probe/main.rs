//! `cargo xtask probe` (the `accuro-probe` crate), offline: against the
//! sandbox (clean, then broken on purpose), against stand-ins that disagree
//! with the spec in known ways, and with PHN and name markers in every
//! answer, none of which may reach the output.
//!
//! One test binary; the helpers shared by its modules are here.

mod against_sandbox;
mod disagreements;
mod markers;
mod statuses;

use std::collections::BTreeMap;

use accuro_probe::spec::Spec;
use accuro_probe::transport::Limits;
use accuro_probe::{Options, Report, probe};
use accuro_tests::*;
use wiremock::MockServer;

/// A synthetic PHN and a synthetic last name, put in answers as markers.
pub(crate) const PHN_MARKER: &str = "9998887776";
pub(crate) const NAME_MARKER: &str = "Qwertzuiop";

pub(crate) fn options(only: &[&str], last_name: Option<&str>) -> Options {
    Options {
        patient_last_name: last_name.map(|n| n.to_owned().into()),
        only: only.iter().map(|s| (*s).to_owned()).collect(),
        limits: Limits {
            rate: 1000.0,
            max_answer_bytes: 64 * 1024 * 1024,
            connect_timeout: std::time::Duration::from_secs(5),
            request_timeout: std::time::Duration::from_secs(30),
        },
        extra_roots_pem: None,
    }
}

pub(crate) fn env_of(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<&'static str, String> = pairs.into_iter().collect();
    move |name| map.get(name).cloned()
}

pub(crate) fn stand_in_env(server: &MockServer) -> impl Fn(&str) -> Option<String> {
    env_of(vec![
        ("ACCURO_BASE_URL", server.uri()),
        ("ACCURO_TENANT", TENANT.into()),
        ("ACCURO_CLIENT_ID", CLIENT_ID.into()),
        ("ACCURO_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("ACCURO_SCOPES", SCOPES.join(" ")),
        ("ACCURO_SUBSCRIPTION_KEY", SUBSCRIPTION_KEY.into()),
        ("ACCURO_UUID", CLINIC_UUID.into()),
    ])
}

pub(crate) async fn probe_with(
    lookup: impl Fn(&str) -> Option<String>,
    options: &Options,
) -> Report {
    let config = accuro_probe::config::Config::from_lookup(lookup).expect("config");
    let spec = Spec::embedded().expect("the spec");
    probe(config, &spec, options, &mut |_| {})
        .await
        .expect("the probe runs")
}

pub(crate) fn findings_of<'a>(
    report: &'a Report,
    operation: &str,
) -> &'a [accuro_probe::finding::Finding] {
    &report
        .operations
        .iter()
        .find(|op| op.operation == operation)
        .unwrap_or_else(|| panic!("{operation} not probed"))
        .findings
}
