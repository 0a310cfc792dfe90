//! Building an [`Error`] from progenitor's error or from an error answer.

use reqwest::StatusCode;

use super::Error;
use super::describe::{describe_json, describe_transport};
use crate::api_error::ApiError;
use crate::outcome;

impl Error {
    /// Converts progenitor's error for `operation`. Called by the generated
    /// `send()` of every operation; progenitor's error never leaves the crate
    /// (its `Display` prints response bodies and URLs). `fields` are the
    /// spec's property names, sorted: only they are named in a decode error's
    /// JSON path.
    pub(crate) fn from_raw(
        raw: progenitor_client::Error<ApiError>,
        operation: &'static str,
        fields: &[&str],
    ) -> Self {
        use progenitor_client::Error as R;
        match raw {
            R::InvalidRequest(message) => Error::InvalidRequest { operation, message },
            R::CommunicationError(e) | R::InvalidUpgrade(e) | R::ResponseBodyError(e) => {
                describe_transport(e, operation)
            }
            R::ErrorResponse(rv) => {
                let (status, unknown) = (rv.status(), outcome::is_marked(rv.headers()));
                Error::answered(operation, status, rv.into_inner(), unknown)
            }
            R::InvalidResponsePayload(body, e) => Error::InvalidResponse {
                operation,
                message: describe_json(&e, &body, fields),
            },
            R::UnexpectedResponse(response) if outcome::is_marked(response.headers()) => {
                Error::OutcomeUnknown {
                    operation,
                    status: response.status(),
                    body: Box::default(),
                }
            }
            R::UnexpectedResponse(response) => Error::UnexpectedStatus {
                operation,
                status: response.status(),
            },
            // The hooks never fail; should one, its text is no value of the caller's.
            R::Custom(message) => Error::InvalidRequest { operation, message },
        }
    }

    /// An error answer of `operation`: [`Error::OutcomeUnknown`] when the send
    /// loop marked it (`unknown`), else [`Error::Api`].
    pub(crate) fn answered(
        operation: &'static str,
        status: StatusCode,
        body: ApiError,
        unknown: bool,
    ) -> Self {
        let body = Box::new(body);
        if unknown {
            Error::OutcomeUnknown {
                operation,
                status,
                body,
            }
        } else {
            Error::Api {
                operation,
                status,
                body,
            }
        }
    }
}
