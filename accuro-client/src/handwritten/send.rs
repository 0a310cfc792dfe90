//! The path every handwritten request takes: the same hooks and send loop as
//! a generated call, and the same [`Error`] for an error answer, an answer
//! that cannot be decoded, or a JSON body that cannot be written.
#![cfg_attr(
    not(all(
        feature = "patients",
        feature = "tasks",
        feature = "documents",
        feature = "letters"
    )),
    allow(dead_code, unused_imports)
)]

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::Response;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::api_error::ApiError;
use crate::call::BeforeCall;
use crate::error::{Error, describe_json, describe_transport};
use crate::outcome;

impl Client {
    /// The URL of `path` (`/rest/v1/...`, ids already in it) on the base URL.
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.baseurl)
    }

    /// Runs a handwritten request through the same hooks as a generated one
    /// (token, subscription key, `uuid`, the send loop with its retries and
    /// 401 replay, decided from `operation`'s route) and turns an error answer
    /// into [`Error`].
    pub(super) async fn send_handwritten(
        &self,
        operation: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, Error> {
        self.send_handwritten_on(operation, operation, request)
            .await
    }

    /// [`Client::send_handwritten`] for a method that sends another
    /// operation of the spec: its errors name `operation` (the method), while
    /// the send loop decides retries from `route`'s route (the spec's
    /// operation id).
    pub(super) async fn send_handwritten_on(
        &self,
        operation: &'static str,
        route: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, Error> {
        self.before_call(operation).await?;
        let transport = |e| describe_transport(e, operation);
        let mut request = request.build().map_err(transport)?;
        if request.body().is_some_and(|b| b.as_bytes().is_none()) {
            // Boxed: rare (uploads), and it keeps every call's future small.
            Box::pin(self.before_streamed_send(operation)).await?;
        }
        let info = OperationInfo {
            operation_id: route,
        };
        self.pre::<ApiError>(&mut request, &info)
            .await
            .map_err(|raw| Error::from_raw(raw, operation, &[]))?;
        let response = self.exec(request, &info).await.map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let unknown = outcome::is_marked(response.headers());
        let bytes = response.bytes().await.map_err(transport)?;
        match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(body) if status.is_client_error() || status.is_server_error() => {
                Err(Error::answered(operation, status, body, unknown))
            }
            _ if unknown => Err(Error::answered(
                operation,
                status,
                ApiError::default(),
                true,
            )),
            _ => Err(Error::UnexpectedStatus { operation, status }),
        }
    }
}

/// Reads a successful answer's body as JSON. A body that does not decode is
/// [`Error::InvalidResponse`], which names only keys found in `fields`
/// (sorted) and never a value.
pub(super) async fn decode_json<T: DeserializeOwned>(
    operation: &'static str,
    response: Response,
    fields: &[&str],
) -> Result<T, Error> {
    let bytes = response
        .bytes()
        .await
        .map_err(|e| describe_transport(e, operation))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponse {
        operation,
        message: describe_json(&e, &bytes, fields),
    })
}

/// What kind of error serialising a request body to JSON is, without its
/// text (a `Serialize` impl's own error can quote a value).
pub(super) fn kind_of(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Data => "a value cannot be written as JSON",
        serde_json::error::Category::Io
        | serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof => "it could not be written",
    }
}
