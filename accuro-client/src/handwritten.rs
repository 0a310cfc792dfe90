//! Operations progenitor cannot generate, written by hand on the same hooks:
//! they get the same token, subscription key, `uuid`, 401 replay and error
//! type as every generated method. The spec documents them and marks them
//! `x-accuro-handwritten`.

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Response};
use serde::Serialize;

use crate::Client;
use crate::api_error::ApiError;
use crate::call::BeforeCall;
use crate::error::{Error, describe_json, describe_transport};
use crate::types;

const MERGE_PATCH: HeaderValue = HeaderValue::from_static("application/merge-patch+json");

/// A file to upload with [`Client::upload_document`].
#[derive(Clone)]
pub struct Document {
    /// The file name Accuro records.
    pub file_name: String,
    /// Its media type (`application/pdf`, `image/png`, ...).
    pub media_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content is a patient's document: only its size is shown.
        f.debug_struct("Document")
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Update part of a patient (`PATCH /rest/v2/provider-portal/patients/{patientId}`).
    ///
    /// Sends `patch` as a JSON merge patch (RFC 7396, `application/merge-patch+json`):
    /// only the fields present change, and `null` clears a field. Build it
    /// with `serde_json::json!` or any `Serialize` type that skips absent fields.
    /// Scope PATIENT_DEMOGRAPHICS_WRITE.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let patch = serde_json::json!({"demographics": {"email": {"address": null}}});
    /// client.patch_patient(1001, &patch).await?;
    /// # Ok(()) }
    /// ```
    pub async fn patch_patient<P: Serialize + ?Sized>(
        &self,
        patient_id: i64,
        patch: &P,
    ) -> Result<(), Error> {
        const OPERATION: &str = "patch_patient";
        let body = serde_json::to_vec(patch).map_err(|e| Error::InvalidRequest {
            operation: OPERATION,
            message: format!("the patch is not JSON: {e}"),
        })?;
        let url = format!(
            "{}/rest/v2/provider-portal/patients/{patient_id}",
            self.baseurl
        );
        let request = self
            .client
            .request(Method::PATCH, url)
            .header(CONTENT_TYPE, MERGE_PATCH)
            .body(body);
        self.send_handwritten(OPERATION, request).await.map(drop)
    }

    /// Upload a document (`POST /rest/v1/provider-portal/documents`) and return
    /// the ids of the documents Accuro filed (the server answers an array).
    /// Sends a multipart body: `details` (JSON, snake_case) and `document` (the
    /// file). A 413 answer means the file is larger than 20 MB. Scope
    /// DOCUMENTS_WRITE. [`Client::upload_referral`] files a referral.
    ///
    /// The body is streamed, so a 401 answer is not replayed with a new token.
    pub async fn upload_document(
        &self,
        details: &types::DocumentDetails,
        document: Document,
    ) -> Result<Vec<i64>, Error> {
        self.upload(details, document, false).await
    }

    /// Upload a referral document: [`Client::upload_document`] with
    /// `type=REFERRAL` (the server then requires `details.patient_id`).
    pub async fn upload_referral(
        &self,
        details: &types::DocumentDetails,
        document: Document,
    ) -> Result<Vec<i64>, Error> {
        self.upload(details, document, true).await
    }

    async fn upload(
        &self,
        details: &types::DocumentDetails,
        document: Document,
        referral: bool,
    ) -> Result<Vec<i64>, Error> {
        const OPERATION: &str = "upload_document";
        let invalid = |message: String| Error::InvalidRequest {
            operation: OPERATION,
            message,
        };
        let details =
            serde_json::to_string(details).map_err(|e| invalid(format!("details: {e}")))?;
        let details = reqwest::multipart::Part::text(details)
            .mime_str("application/json")
            .map_err(|_| invalid("details: media type".into()))?;
        let file = reqwest::multipart::Part::bytes(document.bytes)
            .file_name(document.file_name)
            .mime_str(&document.media_type)
            .map_err(|_| invalid(format!("`{}` is not a media type", document.media_type)))?;
        let form = reqwest::multipart::Form::new()
            .part("details", details)
            .part("document", file);
        let url = format!("{}/rest/v1/provider-portal/documents", self.baseurl);
        let mut request = self.client.post(url).multipart(form);
        if referral {
            request = request.query(&[("type", "REFERRAL")]);
        }
        let response = self.send_handwritten(OPERATION, request).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| describe_transport(e, OPERATION))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponse {
            operation: OPERATION,
            // The answer is a list of ids: no key in it is a field.
            message: describe_json(&e, &bytes, &[]),
        })
    }

    /// Runs a handwritten request through the same hooks as a generated one and
    /// turns an error answer into [`Error`].
    async fn send_handwritten(
        &self,
        operation: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, Error> {
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
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = response.bytes().await.map_err(transport)?;
        match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(body) if status.is_client_error() || status.is_server_error() => Err(Error::Api {
                operation,
                status,
                body: Box::new(body),
            }),
            _ => Err(Error::UnexpectedStatus { operation, status }),
        }
    }
}
