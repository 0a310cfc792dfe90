//! The JSON merge patches (RFC 7396, `application/merge-patch+json`), which
//! progenitor cannot send: one helper serialises the patch and sends it
//! through the shared path; each method only names its operation and path.
//!
//! A PATCH is not idempotent in the spec: the send loop sends it again only
//! when it cannot have reached the server (the connection could not be
//! opened, or a 429), never after a 502, 503, 504 or a cut connection. A 401
//! is replayed once with a new token (the body is in memory).
#![cfg_attr(
    not(all(feature = "patients", feature = "tasks")),
    allow(dead_code, unused_imports)
)]

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Response};
use serde::Serialize;

use super::send::{decode_json, kind_of};
use crate::Client;
use crate::error::Error;

const MERGE_PATCH: HeaderValue = HeaderValue::from_static("application/merge-patch+json");

impl Client {
    /// Update part of a patient (`PATCH /rest/v2/provider-portal/patients/{patientId}`).
    ///
    /// Sends `patch` as a JSON merge patch (RFC 7396, `application/merge-patch+json`):
    /// only the fields present change, and `null` clears a field. Build it
    /// with `serde_json::json!` or any `Serialize` type that skips absent fields;
    /// it must serialise to a JSON object. Scope PATIENT_DEMOGRAPHICS_WRITE.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let patch = serde_json::json!({"demographics": {"email": {"address": null}}});
    /// client.patch_patient(1001, &patch).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "patients")]
    pub async fn patch_patient<P: Serialize + ?Sized>(
        &self,
        patient_id: i64,
        patch: &P,
    ) -> Result<(), Error> {
        const OPERATION: &str = "patch_patient";
        let body = merge_patch_body(OPERATION, patch)?;
        let path = format!("/rest/v2/provider-portal/patients/{patient_id}");
        self.send_merge_patch(OPERATION, &path, body)
            .await
            .map(drop)
    }

    /// Update part of a patient through the v1 endpoint
    /// (`PATCH /rest/v1/provider-portal/patients/{patientId}`), shaped as
    /// QHR's `PatientDto`; [`Client::patch_patient`] is the v2 one.
    ///
    /// Sends `patch` as a JSON merge patch (`application/merge-patch+json`;
    /// it must serialise to a JSON object). Accuro updates the valid fields and
    /// ignores the invalid ones. Answers 204. Scope PATIENT_DEMOGRAPHICS_WRITE.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// client
    ///     .patch_patient_v1(1001, &serde_json::json!({"demographics": {"middleName": null}}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "patients")]
    pub async fn patch_patient_v1<P: Serialize + ?Sized>(
        &self,
        patient_id: i32,
        patch: &P,
    ) -> Result<(), Error> {
        const OPERATION: &str = "patch_patient_v1";
        let body = merge_patch_body(OPERATION, patch)?;
        let path = format!("/rest/v1/provider-portal/patients/{patient_id}");
        self.send_merge_patch(OPERATION, &path, body)
            .await
            .map(drop)
    }

    /// Merge `properties` into a patient's custom properties
    /// (`PATCH /rest/v1/provider-portal/patients/{patientId}/custom-properties`).
    ///
    /// `properties` is a JSON object of property names to values, sent as a
    /// JSON merge patch (`application/merge-patch+json`): a property set to
    /// `null` is removed, the others are added or replaced. Returns what
    /// Accuro answers (`true` when the update succeeded). Scope
    /// PATIENT_DEMOGRAPHICS_WRITE.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let changes = serde_json::json!({"PreferredPharmacy": "Synthetic Drugs", "OldFlag": null});
    /// let updated: bool = client.patch_patient_custom_properties(1001, &changes).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "patients")]
    pub async fn patch_patient_custom_properties<P: Serialize + ?Sized>(
        &self,
        patient_id: i64,
        properties: &P,
    ) -> Result<bool, Error> {
        const OPERATION: &str = "patch_patient_custom_properties";
        let body = merge_patch_body(OPERATION, properties)?;
        let path = format!("/rest/v1/provider-portal/patients/{patient_id}/custom-properties");
        let response = self.send_merge_patch(OPERATION, &path, body).await?;
        // The answer is a boolean: there is no key to name.
        decode_json(OPERATION, response, &[]).await
    }

    /// Update part of a user task (`PATCH /rest/v1/provider-portal/tasks/{taskId}`),
    /// shaped as a `UserTask`.
    ///
    /// Sends `patch` as a JSON merge patch (`application/merge-patch+json`;
    /// it must serialise to a JSON object). Accuro updates the valid fields and
    /// ignores the invalid ones; changing only `completed` resets
    /// `completedBy` and `completedDate`. Answers 204. Scope
    /// `user/provider.Task.update`.
    ///
    /// ```no_run
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// client.patch_task(42, &serde_json::json!({"completed": true})).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "tasks")]
    pub async fn patch_task<P: Serialize + ?Sized>(
        &self,
        task_id: i32,
        patch: &P,
    ) -> Result<(), Error> {
        const OPERATION: &str = "patch_task";
        let body = merge_patch_body(OPERATION, patch)?;
        let path = format!("/rest/v1/provider-portal/tasks/{task_id}");
        self.send_merge_patch(OPERATION, &path, body)
            .await
            .map(drop)
    }

    /// Sends `body` (a serialised merge patch) to `path` with `PATCH` through
    /// the shared path. Not generic, so that each patch type does not
    /// instantiate the send future again.
    async fn send_merge_patch(
        &self,
        operation: &'static str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Response, Error> {
        let request = self
            .client
            .request(Method::PATCH, self.url(path))
            .header(CONTENT_TYPE, MERGE_PATCH)
            .body(body);
        self.send_handwritten(operation, request).await
    }
}

/// `patch` as the body of a merge patch. The spec's patches are JSON objects;
/// anything else (a merge patch that is not an object replaces the whole
/// record, RFC 7396 §2) is refused before sending. The error never shows the
/// patch's values.
fn merge_patch_body<P: Serialize + ?Sized>(
    operation: &'static str,
    patch: &P,
) -> Result<Vec<u8>, Error> {
    let invalid = |message: String| Error::InvalidRequest { operation, message };
    let body = serde_json::to_vec(patch)
        .map_err(|e| invalid(format!("the patch is not JSON: {}", kind_of(&e))))?;
    // serde_json writes no leading whitespace: an object starts with `{`.
    if body.first() != Some(&b'{') {
        return Err(invalid("the patch must be a JSON object".into()));
    }
    Ok(body)
}
