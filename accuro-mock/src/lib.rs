#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod gateway;
mod routes;
mod server;
mod token;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused)]
mod generated;

pub use generated::{MockServerExt, ROUTES, Route, operations};
pub use httpmock;
pub use server::{MockAccuro, MockAccuroBuilder, defaults};
