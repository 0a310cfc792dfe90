//! The letters Accuro answers as multipart, which progenitor cannot read: a
//! JSON part describing the letter, then a part with its content (RTF for a
//! letter, PDF or TIFF for a generated one). One helper sends the GET through
//! the shared path and reads both parts; each method only names its
//! operation, path and the type of the JSON part.
//!
//! A GET is idempotent: the send loop sends it again after a 502, 503, 504 or
//! a cut connection, as it does a generated GET.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;

use super::multipart::letter_parts;
use crate::Client;
use crate::error::{Error, describe_json, describe_transport};
use crate::generated::FIELD_NAMES;
use crate::types;

/// What the letter endpoints answer: the record the JSON part describes, and
/// the content of the other part.
///
/// `Debug` shows the record (through its own `Debug`, which redacts health
/// data), the content's media type without parameters (a `name=` can carry
/// a patient's name) and its size, never the content.
#[derive(Clone)]
#[non_exhaustive]
pub struct WithContent<T> {
    /// The JSON part, decoded.
    pub metadata: T,
    /// The content part's bytes, exactly as sent.
    pub content: Vec<u8>,
    /// The content part's `Content-Type` as sent (`application/pdf`,
    /// `image/tiff`, `application/octet-stream`, ...); `None` if the part had
    /// none.
    pub content_type: Option<String>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for WithContent<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithContent")
            .field("metadata", &self.metadata)
            .field(
                "content_type",
                &self
                    .content_type
                    .as_deref()
                    .map(|t| t.split(';').next().unwrap_or("").trim()),
            )
            .field("content", &self.content.len())
            .finish()
    }
}

/// The multipart types the letter endpoints answer; error answers are JSON.
const ACCEPT_MULTIPART: HeaderValue =
    HeaderValue::from_static("multipart/form-data, multipart/*;q=0.9, application/json;q=0.5");

impl Client {
    /// Get a letter and its content (`GET /rest/v1/provider-portal/letters/{letterId}`).
    ///
    /// `letter_id` is the letter's id (`letterId`), not the id of one of its
    /// versions. Accuro answers two parts: the letter (`LetterDto`), then its
    /// styled content as RTF. Scope CLINICAL_NOTES_READ or CLINICAL_NOTES_WRITE.
    ///
    /// A malformed answer (not multipart, cut short, not two parts, a JSON
    /// part that does not decode) is [`Error::InvalidResponse`], which quotes
    /// nothing of the letter.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let letter = client.get_letter(77).await?;
    /// println!("{:?}: {} bytes of RTF", letter.metadata.title, letter.content.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_letter(&self, letter_id: i64) -> Result<WithContent<types::LetterDto>, Error> {
        let path = format!("/rest/v1/provider-portal/letters/{letter_id}");
        self.get_with_content("get_letter", &path).await
    }

    /// Get a generated letter and its file
    /// (`GET /rest/v1/provider-portal/generated-letters/{id}`).
    ///
    /// Accuro answers two parts: the generated letter (`GeneratedLetterDto`),
    /// then its file, whose media type is in
    /// [`WithContent::content_type`] (`extension` in the record names its
    /// format). Scope LETTER_READ or LETTER_WRITE. [`Client::get_generated_letter_v2`]
    /// is the v2 endpoint.
    ///
    /// A malformed answer is [`Error::InvalidResponse`], as for [`Client::get_letter`].
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let letter = client.get_generated_letter(223109).await?;
    /// if letter.content_type.as_deref() == Some("application/pdf") {
    ///     std::fs::write("letter.pdf", &letter.content).ok();
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_generated_letter(
        &self,
        id: i64,
    ) -> Result<WithContent<types::GeneratedLetter>, Error> {
        let path = format!("/rest/v1/provider-portal/generated-letters/{id}");
        self.get_with_content("get_generated_letter", &path).await
    }

    /// Get a generated letter and its file through the v2 endpoint
    /// (`GET /rest/v2/provider-portal/generated-letters/{id}`).
    ///
    /// Accuro answers two parts: the generated letter (`GeneratedLetterDto`),
    /// then its file: `application/pdf` when its extension is `pdf`,
    /// `image/tiff` when it is `tiff`, else `application/octet-stream` (see
    /// [`WithContent::content_type`]). Scope LETTER_READ or LETTER_WRITE.
    ///
    /// A malformed answer is [`Error::InvalidResponse`], as for [`Client::get_letter`].
    pub async fn get_generated_letter_v2(
        &self,
        id: i64,
    ) -> Result<WithContent<types::GeneratedLetter>, Error> {
        let path = format!("/rest/v2/provider-portal/generated-letters/{id}");
        self.get_with_content("get_generated_letter_v2", &path)
            .await
    }

    /// GETs `path` through the shared path and reads the multipart answer:
    /// the JSON part as `T`, the other part's bytes and media type.
    async fn get_with_content<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
    ) -> Result<WithContent<T>, Error> {
        let request = self
            .client
            .get(self.url(path))
            .header(ACCEPT, ACCEPT_MULTIPART);
        let response = self.send_handwritten(operation, request).await?;
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|e| describe_transport(e, operation))?;
        let invalid = |message: String| Error::InvalidResponse { operation, message };
        let parts =
            letter_parts(content_type.as_deref(), &body).map_err(|e| invalid(e.to_string()))?;
        let metadata = serde_json::from_slice(parts.json).map_err(|e| {
            invalid(format!(
                "the JSON part: {}",
                describe_json(&e, parts.json, FIELD_NAMES)
            ))
        })?;
        Ok(WithContent {
            metadata,
            content: parts.content.to_vec(),
            content_type: parts.content_type.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_content_no_media_type_parameter_and_a_redacted_record() {
        let metadata: types::LetterDto = serde_json::from_value(serde_json::json!({
            "letterId": 7,
            "title": "Referral for Sample Person",
            "content": "Dear colleague, Sample Person ...",
        }))
        .unwrap();
        let letter = WithContent {
            metadata,
            content: b"{\\rtf1 Sample Person}".to_vec(),
            content_type: Some("application/rtf; name=Sample-Person.rtf".into()),
        };
        for text in [format!("{letter:?}"), format!("{letter:#?}")] {
            assert!(!text.contains("Sample"), "{text}");
            assert!(
                text.contains("application/rtf") && text.contains("[redacted]"),
                "{text}"
            );
            assert!(text.contains('7'), "the letter id is shown: {text}");
        }
    }
}
