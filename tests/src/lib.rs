//! Helpers shared by the integration tests, one job per module: synthetic
//! credentials and clients ([`clients`]), TRACE capture ([`capture`]), the wiremock Accuro stand-in
//! ([`mocks`]), every printed form of an error ([`printed`]), a connection-cutting server ([`cutting`]), Prism's verdict
//! ([`prism`]), a loopback HTTPS server ([`tls`]), and synthetic records with every operation called once
//! ([`fixtures`]), the spec's operations counted apart from the code under test ([`spec_count`]),
//! and every generated operation called once from the spec
//! ([`every_call`], written by `cargo xtask regen`). Everything is re-exported here (`use accuro_tests::*`),
//! except [`replicas`] (a counting token desk, `redis-server` processes and the `accuro-replica`
//! processes of the many-replicas tests), used by path.
//!
//! Every value here is synthetic: no real name, PHN or credential.

#![warn(missing_docs)]

pub mod capture;
pub mod clients;
pub mod cutting;
/// One call of every generated operation (written by `cargo xtask regen`).
#[rustfmt::skip]
pub mod every_call;
/// Every generated type, for the redaction tests (written by `cargo xtask regen`).
#[rustfmt::skip]
pub mod every_type;
pub mod audited;
pub mod fixtures;
pub mod marked;
pub mod mocks;
pub mod printed;
pub mod prism;
pub mod replicas;
pub mod spec_count;
pub mod tls;

pub use audited::Audited;
pub use capture::*;
pub use clients::*;
pub use cutting::*;
pub use every_call::*;
pub use fixtures::*;
pub use mocks::*;
pub use printed::*;
pub use prism::*;
pub use spec_count::*;
pub use tls::*;
