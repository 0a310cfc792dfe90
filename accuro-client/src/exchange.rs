//! The exchange every generated operation runs once its request is built:
//! the layer's hooks (`pre` stamps the credentials, `exec` sends through the
//! retry loop, `post`), then the answer read by its status.
//!
//! progenitor writes this in each operation's `send`, with a `match` arm and
//! an `.await` per documented status; `accuro-gen`'s exchange pass hands it
//! here instead, once, generic over the answer's type. What a status gives is
//! the same as progenitor's:
//!
//! - the operation's success status: the answer, decoded as JSON
//!   ([`json`]), empty ([`empty`]) or as a byte stream ([`stream`]);
//! - an error status the spec documents: `Error::ErrorResponse` with
//!   Accuro's error body decoded (or the error decoding it gave);
//! - any other status: `Error::UnexpectedResponse`.
//!
//! Generic over the client (only progenitor's hook traits are named), so that
//! this module depends on neither the generated module nor the pipeline.

use progenitor_client::{ByteStream, ClientHooks, Error, OperationInfo, ResponseValue};
use reqwest::{Request, Response};
use serde::de::DeserializeOwned;

use crate::api_error::ApiError;

/// What a generated operation's raw exchange gives back.
pub(crate) type Raw<T> = Result<ResponseValue<T>, Error<ApiError>>;

/// The hooks around one request: `pre`, `exec`, `post`.
async fn run<I, C: ClientHooks<I>>(
    client: &C,
    mut request: Request,
    operation: &'static str,
) -> Result<Response, Error<ApiError>> {
    let info = OperationInfo {
        operation_id: operation,
    };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    Ok(result?)
}

/// A status other than the success one: Accuro's error body when the spec
/// documents the status for the operation, else the unexpected answer.
async fn refused(response: Response, documented: &[u16]) -> Error<ApiError> {
    if documented.contains(&response.status().as_u16()) {
        match ResponseValue::from_response(response).await {
            Ok(body) => Error::ErrorResponse(body),
            Err(e) => e,
        }
    } else {
        Error::UnexpectedResponse(response)
    }
}

/// The hooks, then the answer read by `read` on `success`, else refused.
async fn exchange<T, I, C, F, R>(
    client: &C,
    request: Request,
    operation: &'static str,
    success: u16,
    documented: &[u16],
    read: F,
) -> Raw<T>
where
    C: ClientHooks<I>,
    F: FnOnce(Response) -> R,
    R: Future<Output = Raw<T>>,
{
    let response = run(client, request, operation).await?;
    if response.status().as_u16() == success {
        read(response).await
    } else {
        Err(refused(response, documented).await)
    }
}

/// An operation answering JSON on `success`.
pub(crate) async fn json<T: DeserializeOwned, I, C: ClientHooks<I>>(
    client: &C,
    request: Request,
    operation: &'static str,
    success: u16,
    documented: &[u16],
) -> Raw<T> {
    let read = ResponseValue::from_response;
    exchange(client, request, operation, success, documented, read).await
}

/// An operation answering no body on `success`.
pub(crate) async fn empty<I, C: ClientHooks<I>>(
    client: &C,
    request: Request,
    operation: &'static str,
    success: u16,
    documented: &[u16],
) -> Raw<()> {
    let read = |response| async { Ok(ResponseValue::empty(response)) };
    exchange(client, request, operation, success, documented, read).await
}

/// An operation answering bytes (a file) on `success`.
pub(crate) async fn stream<I, C: ClientHooks<I>>(
    client: &C,
    request: Request,
    operation: &'static str,
    success: u16,
    documented: &[u16],
) -> Raw<ByteStream> {
    let read = |response| async { Ok(ResponseValue::stream(response)) };
    exchange(client, request, operation, success, documented, read).await
}
