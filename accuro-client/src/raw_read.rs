//! Reads sent as they are and answers kept as they came, for tools that
//! check the API itself (the probe), through the same pipeline as every
//! call: the token, the subscription key and the `uuid`, the retries and the
//! 401 replay, the shared 429 pause, the answer cap, the span and the audit
//! event. Only an operation of the spec whose method is `GET` can be sent:
//! nothing written, whatever the caller asks.

use std::fmt;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE};

use crate::Client;
use crate::api_error::ApiError;
use crate::call::BeforeCall;
use crate::error::{Error, describe_transport};
use crate::generated::operation_route;
use crate::path_segment::encode_path_segment;

/// An answer as the server sent it: status, media type, bytes (read under
/// the transport's cap). `Debug` shows the body's length, never its bytes.
#[non_exhaustive]
pub struct RawAnswer {
    /// The status code of the last attempt.
    pub status: u16,
    /// The `Content-Type` header, when it is text.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The wait a `Retry-After` header asked for.
    pub retry_after: Option<Duration>,
}

impl fmt::Debug for RawAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAnswer")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.body.len())
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

/// Requests a clinic's client has sent so far (its clones and the
/// background renewals included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestCounts {
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// REST requests, each retry and replay counted.
    pub requests: u64,
}

impl Client {
    /// Sends the read `operation_id` (an operation of the spec whose method
    /// is `GET`) to the path `segments` (the whole path, split: `["rest",
    /// "v1", "offices"]`), which must have the operation's shape, with
    /// `query` and `accept`, and returns the answer as it came, whatever its
    /// status.
    ///
    /// Fails with [`Error::InvalidRequest`] for an operation that is not a
    /// read of the spec or a path of another shape (nothing is sent), and as
    /// any call does when no answer came (token, timeout, transport, cap).
    ///
    /// ```no_run
    /// # async fn run(client: accuro_client::Client) -> accuro_client::Result<()> {
    /// let segments = ["rest", "v1", "offices"].map(String::from);
    /// let answer = client.read_raw("list_offices", &segments, &[], None).await?;
    /// println!("{} ({} bytes)", answer.status, answer.body.len());
    /// # Ok(()) }
    /// ```
    pub async fn read_raw(
        &self,
        operation_id: &str,
        segments: &[String],
        query: &[(String, String)],
        accept: Option<&str>,
    ) -> Result<RawAnswer, Error> {
        const RAW: &str = "read_raw";
        let refused = |message: &str| Error::InvalidRequest {
            operation: RAW,
            message: message.to_owned(),
        };
        let route = operation_route(operation_id)
            .filter(|r| r.method == "GET" && r.path.starts_with("/rest/"))
            .ok_or_else(|| refused("not a read (`GET`) operation of the spec"))?;
        if !has_shape(route.path, segments) {
            return Err(refused("the path has not the operation's shape"));
        }
        let operation = route.operation_id;
        let mut url = self.baseurl.clone();
        for segment in segments {
            url.push('/');
            url.push_str(&encode_path_segment(segment));
        }
        let mut request = self.client.get(url).query(query);
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        self.before_call(operation).await?;
        let transport = |e| describe_transport(e, operation);
        let mut request = request.build().map_err(transport)?;
        let info = OperationInfo {
            operation_id: operation,
        };
        self.pre::<ApiError>(&mut request, &info)
            .await
            .map_err(|raw| Error::from_raw(raw, operation, &[]))?;
        let response = self.exec(request, &info).await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = crate::retry::retry_after(headers, SystemTime::now());
        let body = response.bytes().await.map_err(transport)?.to_vec();
        Ok(RawAnswer {
            status,
            content_type,
            body,
            retry_after,
        })
    }

    /// Requests this clinic's client has sent so far.
    pub fn request_counts(&self) -> RequestCounts {
        let clinic = &self.inner.clinic;
        RequestCounts {
            token_requests: clinic.token_requests.load(Ordering::Relaxed),
            requests: clinic.requests.load(Ordering::Relaxed),
        }
    }
}

/// Whether a path's segments fill a template (the one route matcher,
/// [`accuro_spec::routes::fills`]), none of them `.` or `..` (which a URL
/// parser would remove, sending the request elsewhere).
fn has_shape(template: &str, segments: &[String]) -> bool {
    accuro_spec::routes::fills(template, segments)
        && !segments.iter().any(|s| matches!(s.as_str(), "." | ".."))
}

#[cfg(test)]
mod tests {
    use super::has_shape;

    #[test]
    fn a_path_must_fill_its_template() {
        let s = |p: &[&str]| p.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let t = "/rest/v1/patients/{patientId}";
        assert!(has_shape(t, &s(&["rest", "v1", "patients", "7"])));
        assert!(has_shape(t, &s(&["rest", "v1", "patients", "a/b"])));
        for bad in [
            &["rest", "v1", "patients"][..],
            &["rest", "v1", "patients", ""],
            &["rest", "v1", "patients", ".."],
            &["rest", "v1", "letters", "7"],
            &["rest", "v1", "patients", "7", "x"],
        ] {
            assert!(!has_shape(t, &s(bad)), "{bad:?}");
        }
    }
}
