//! The cap on an answer's size: the body of every answer is read through a
//! counter that fails once the cap is passed (after decoding gzip or
//! brotli), so no answer is buffered past it; a declared `Content-Length`
//! above the cap fails before anything is read.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use reqwest::Response;

/// The error a capped body fails with; found in the cause chain of the
/// `reqwest` error that reading the body gives, and reported as
/// [`Error::AnswerTooLarge`](crate::Error::AnswerTooLarge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the answer is larger than the {limit}-byte cap")]
pub(crate) struct AnswerTooLarge {
    pub(crate) limit: u64,
}

struct Capped {
    inner: reqwest::Body,
    seen: u64,
    limit: u64,
    failed: bool,
}

impl HttpBody for Capped {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.failed || self.seen > self.limit {
            self.failed = true;
            return Poll::Ready(Some(Err(Box::new(AnswerTooLarge { limit: self.limit }))));
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
                    self.seen = self.seen.saturating_add(len);
                    if self.seen > self.limit {
                        self.failed = true;
                        return Poll::Ready(Some(Err(Box::new(AnswerTooLarge {
                            limit: self.limit,
                        }))));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Box::new(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        !self.failed && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// `response` with its body read through the cap of `limit` bytes.
pub(crate) fn cap(response: Response, limit: u64) -> Response {
    let declared_too_large = response.content_length().is_some_and(|n| n > limit);
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let capped = Capped {
        inner: body,
        seen: 0,
        limit,
        failed: declared_too_large,
    };
    Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap(capped),
    ))
}

/// The cap an error's cause chain reports, if it is one.
pub(crate) fn too_large(error: &(dyn std::error::Error + 'static)) -> Option<u64> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(t) = e.downcast_ref::<AnswerTooLarge>() {
            return Some(t.limit);
        }
        source = e.source();
    }
    None
}
