//! One model of Accuro, written once and read by everything that needs it.
//!
//! - [`texts`]: the words Accuro's gateway, token endpoint and server answer
//!   with. The client's catalogue of printable server texts, the sandbox and
//!   the mock all take them from here.
//! - [`gateway`]: the checks every REST request goes through, in Accuro's
//!   order, and the answer each refusal gets.
//! - [`token_endpoint`]: the token request (`POST /v1/token?tenant=…`):
//!   its Basic credentials, grants and refusals.
//! - [`token_state`]: what a token carries on the server's side (its current
//!   office), and the operation that changes it.
//! - [`routes`]: which path template a request path is. One matcher for the
//!   sandbox and the mock.
//! - [`Spec`] (feature `load`, on by default): the operations of
//!   `spec/accuro.yaml`, read once, with errors that name the spec's line.
//!
//! ```
//! # #[cfg(feature = "load")] {
//! use accuro_spec::{Spec, routes::Resolution};
//!
//! let spec = Spec::embedded().map_err(|e| e.to_string())?;
//! let Resolution::Found(op) = spec.resolve("GET", "/rest/v1/provider-portal/patients/search") else {
//!     return Err("the patient search is an operation of the spec".into());
//! };
//! assert_eq!(op.id(), "search_patients_v1");
//! assert!(op.scopes().iter().any(|s| s == "PATIENT_DEMOGRAPHICS_READ"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod gateway;
pub mod naming;
pub mod routes;
pub mod texts;
pub mod token_endpoint;
pub mod token_state;

#[cfg(feature = "load")]
mod load;
#[cfg(feature = "load")]
mod model;

#[cfg(feature = "load")]
pub use load::{EMBEDDED, SpecError, follow, yaml_to_json};
#[cfg(feature = "load")]
pub use model::{Answer, Location, Media, Operation, Parameter, Spec, Success};
