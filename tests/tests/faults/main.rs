//! Faults over loopback, deterministic: the token endpoint failing, timing out
//! or answering garbage; 401 storms; 429 with `Retry-After`; 5xx; connection
//! resets; renewal failing while the token is still valid. Each test counts
//! the requests the server saw (the retries observed).

mod outage;
mod retries;
mod tokens;

use accuro_client::{Error, ErrorKind};

pub(crate) const OFFICES: &str = "/rest/v1/offices";
pub(crate) const APPOINTMENTS: &str = "/rest/v1/provider-portal/scheduler/appointments";

pub(crate) fn kind(result: Result<impl Sized, Error>) -> ErrorKind {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.kind(),
    }
}
