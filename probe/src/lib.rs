#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod config;
pub mod decode;
#[rustfmt::skip]
mod decoders;
pub mod finding;
pub mod ids;
pub mod report;
pub mod run;
pub mod schema;
pub mod shape;
pub mod spec;
pub mod transport;
pub mod walk;

pub use decoders::{GENERATED_READS, decoder};
pub use report::Report;
pub use run::{Options, ProbeError, probe};
