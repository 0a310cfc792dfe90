//! The multipart uploads, which progenitor cannot send: documents, referrals
//! and a patient's profile picture. One helper makes a file part, another
//! posts a form through the shared path; each method only names its
//! operation, path and parts.
//!
//! The form is streamed, so the request cannot be copied: it is never sent
//! again, not even after a 401 (the token is then dropped, and the next call
//! gets a new one).
#![cfg_attr(
    not(all(feature = "documents", feature = "patients")),
    allow(dead_code, unused_imports)
)]

use reqwest::multipart::{Form, Part};

use super::send::{decode_json, kind_of};
use crate::Client;
use crate::error::Error;
use crate::types;

/// A file to upload with [`Client::upload_document`], [`Client::upload_referral`]
/// or [`Client::upload_patient_profile_picture`].
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
        // The content is a patient's document: only its size is shown, and
        // of its media type only the type and subtype (a parameter such as
        // `name=...` can carry a patient's name).
        let essence = self.media_type.split(';').next().unwrap_or("").trim();
        f.debug_struct("Document")
            .field("media_type", &essence)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Upload a document (`POST /rest/v1/provider-portal/documents`) and return
    /// the ids of the documents Accuro filed (the server answers an array).
    /// Sends a multipart body: `details` (JSON, snake_case) and `document` (the
    /// file). A 413 answer means the file is larger than 20 MB. Scope
    /// DOCUMENTS_WRITE. [`Client::upload_referral`] files a referral.
    ///
    /// The body is streamed, so a 401 answer is not replayed with a new token.
    #[cfg(feature = "documents")]
    pub async fn upload_document(
        &self,
        details: &types::DocumentDetails,
        document: Document,
    ) -> Result<Vec<i64>, Error> {
        self.upload(details, document, false).await
    }

    /// Upload a referral document: [`Client::upload_document`] with
    /// `type=REFERRAL` (the server then requires `details.patient_id`).
    #[cfg(feature = "documents")]
    pub async fn upload_referral(
        &self,
        details: &types::DocumentDetails,
        document: Document,
    ) -> Result<Vec<i64>, Error> {
        self.upload(details, document, true).await
    }

    /// Upload a patient's profile picture
    /// (`POST /rest/v1/provider-portal/patients/{patientId}/profile-picture`)
    /// and return the new picture's id.
    ///
    /// Sends a multipart body with one part, `profilePicture` (the image, with
    /// its file name and media type: `image/png`, `image/jpeg`, ...). A 413
    /// answer means the image is too large. Scope PATIENT_DEMOGRAPHICS_WRITE.
    /// `get_patient_profile_picture` reads it back.
    ///
    /// The body is streamed, so a 401 answer is not replayed with a new token.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client, png: Vec<u8>) -> accuro_client::Result<()> {
    /// let picture = accuro_client::Document {
    ///     file_name: "portrait.png".into(),
    ///     media_type: "image/png".into(),
    ///     bytes: png,
    /// };
    /// let picture_id = client.upload_patient_profile_picture(1001, picture).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "patients")]
    pub async fn upload_patient_profile_picture(
        &self,
        patient_id: i32,
        picture: Document,
    ) -> Result<i64, Error> {
        const OPERATION: &str = "upload_patient_profile_picture";
        let form = Form::new().part("profilePicture", file_part(OPERATION, picture)?);
        let path = format!("/rest/v1/provider-portal/patients/{patient_id}/profile-picture");
        self.post_form(OPERATION, OPERATION, &path, &[], form).await
    }

    /// Posts a document (a referral: with `type=REFERRAL`). Both are the
    /// spec's one operation, `upload_document`, whose route the send loop
    /// goes by (not idempotent); the errors name the method called.
    #[cfg(feature = "documents")]
    async fn upload(
        &self,
        details: &types::DocumentDetails,
        document: Document,
        referral: bool,
    ) -> Result<Vec<i64>, Error> {
        const ROUTE: &str = "upload_document";
        let operation = if referral { "upload_referral" } else { ROUTE };
        let invalid = |message: String| Error::InvalidRequest { operation, message };
        let details = serde_json::to_string(details)
            .map_err(|e| invalid(format!("details: {}", kind_of(&e))))?;
        let details = Part::text(details)
            .mime_str("application/json")
            .map_err(|_| invalid("details: media type".into()))?;
        let form = Form::new()
            .part("details", details)
            .part("document", file_part(operation, document)?);
        let query: &[(&str, &str)] = if referral {
            &[("type", "REFERRAL")]
        } else {
            &[]
        };
        let path = "/rest/v1/provider-portal/documents";
        self.post_form(operation, ROUTE, path, query, form).await
    }

    /// Posts `form` to `path` (with `query`, before the `uuid` the hooks add)
    /// through the shared path, and decodes the JSON answer (ids, which have
    /// no key to name). Errors name `operation`; retries follow the spec's
    /// route of `route` (an operation id).
    async fn post_form<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        route: &'static str,
        path: &str,
        query: &[(&str, &str)],
        form: Form,
    ) -> Result<T, Error> {
        let mut request = self.client.post(self.url(path)).multipart(form);
        if !query.is_empty() {
            request = request.query(query);
        }
        let response = self.send_handwritten_on(operation, route, request).await?;
        decode_json(operation, response, &[]).await
    }
}

/// `document` as a file part: its bytes, file name and media type. A media
/// type that does not parse is refused without being quoted: its parameters
/// can carry a name (`image/png; name=...`).
fn file_part(operation: &'static str, document: Document) -> Result<Part, Error> {
    Part::bytes(document.bytes)
        .file_name(document.file_name)
        .mime_str(&document.media_type)
        .map_err(|_| Error::InvalidRequest {
            operation,
            message: "the document's media type is not a valid media type".into(),
        })
}
