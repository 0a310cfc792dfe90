//! Answers that carry a new id in more than one way, made into the one the
//! spec documents.

use progenitor_client::OperationInfo;

use crate::generated::operation_route;
use reqwest::header::HeaderValue;
use reqwest::{Response, StatusCode};

/// For the operations the spec marks `x-accuro-new-id` (the patient
/// creation: the server answers 201 with the id as the body and a `Location`
/// header; QHR's file documents 204, which cannot carry a body, so the id is
/// then only in `Location`; older guides 200), turns any of those answers into the 201 the spec documents, so the method
/// returns the id whichever the server sent: a 200 keeps its body; an answer
/// without a body takes the id from the last path segment of `Location`.
/// Without a usable `Location` such an answer is left as it is (and is then
/// reported as an unexpected answer, not guessed at).
pub(crate) fn normalise_new_id(response: Response, info: &OperationInfo) -> Response {
    let status = response.status();
    if !operation_route(info.operation_id).is_some_and(|r| r.new_id)
        || ![StatusCode::OK, StatusCode::CREATED, StatusCode::NO_CONTENT].contains(&status)
    {
        return response;
    }
    let bodyless = status == StatusCode::NO_CONTENT || response.content_length() == Some(0);
    if !bodyless {
        if status == StatusCode::CREATED {
            return response;
        }
        let mut rebuilt = http::Response::from(response);
        *rebuilt.status_mut() = StatusCode::CREATED;
        return Response::from(rebuilt);
    }
    let id = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.split(['?', '#']).next())
        .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
        .and_then(|segment| segment.parse::<i64>().ok());
    let Some(id) = id else { return response };
    let mut rebuilt = http::Response::from(response).map(|_| reqwest::Body::from(id.to_string()));
    *rebuilt.status_mut() = StatusCode::CREATED;
    rebuilt.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    rebuilt
        .headers_mut()
        .remove(reqwest::header::CONTENT_LENGTH);
    Response::from(rebuilt)
}
