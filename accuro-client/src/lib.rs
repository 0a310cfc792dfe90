#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod answer_cap;
mod api_error;
pub mod audit;
mod call;
mod call_settings;
mod clinic;
mod config;
mod error;
// Each answer kind serves the operations of the areas built; a build of
// one area may use only one of them.
#[allow(
    dead_code,
    reason = "the generated operations of the areas built call it"
)]
mod exchange;
mod handwritten;
mod new_id;
mod office;
mod per_call;
mod pipeline;
#[rustfmt::skip]
mod property_paths;
mod outcome;
pub mod pagination;
mod path_segment;
mod raw_read;
mod retry;
mod reveal;
mod server_text;
mod state;
pub mod token;
mod transport;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused)]
mod generated;

pub use accuro_types::{UnknownMembers, is_unprintable, printable, shapes};
pub use api_error::{ApiError, ConstraintViolation};
pub(crate) use call::BeforeCall;
pub use clinic::ClinicConfig;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REFRESH_MARGIN, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_TOKEN_TIMEOUT,
};
pub use error::{ConfigError, Error, ErrorKind, Result};
pub use generated::{ByteStream, Client, ResponseValue, builder, types};
pub use handwritten::Document;
#[cfg(feature = "letters")]
pub use handwritten::WithContent;
pub use state::ClientState;
/// The client's state under every call, by its old name.
#[deprecated(
    since = "0.1.0",
    note = "renamed `ClientState`: it is the client's state, not a tower layer"
)]
pub type Layer = ClientState;
pub use call_settings::CallSettings;
#[doc(hidden)]
pub use path_segment::{encode_path_segment, encode_path_value};
pub use raw_read::{RawAnswer, RequestCounts};
pub use retry::RetryPolicy;
pub use reveal::{Revealed, reveal};
pub use transport::{
    DEFAULT_AUDIT_QUEUE, DEFAULT_MAX_ANSWER_BYTES, DEFAULT_MAX_IDLE_PER_HOST, Transport,
    TransportBuilder,
};

/// The Rust blocks of the project's front page, compiled as doc tests (the
/// guide above is this crate's documentation, so its blocks are already).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct FrontPageDoctests;
