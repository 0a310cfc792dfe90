//! The project's tasks as a library, so the tests can run them on temporary
//! copies; `src/main.rs` is the `cargo xtask` front end.

#![warn(missing_docs)]

pub mod build_cost;
pub mod files;
pub mod import;
pub mod paths;
pub mod regen;
pub mod sandbox;
pub mod source;
pub mod vendor_diff;
