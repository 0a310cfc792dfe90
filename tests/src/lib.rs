//! Helpers shared by the integration tests, one job per module: synthetic
//! credentials and clients ([`clients`]), TRACE capture ([`capture`]), the wiremock Accuro stand-in
//! ([`mocks`]), a connection-cutting server ([`cutting`]), Prism's verdict
//! ([`prism`]), and synthetic records with every operation called once
//! ([`fixtures`]). Everything is re-exported here (`use accuro_tests::*`).
//!
//! Every value here is synthetic: no real name, PHN or credential.

pub mod capture;
pub mod clients;
pub mod cutting;
pub mod fixtures;
pub mod mocks;
pub mod prism;

pub use capture::*;
pub use clients::*;
pub use cutting::*;
pub use fixtures::*;
pub use mocks::*;
pub use prism::*;
