//! The operations implemented by hand (merge patches of patients, custom
//! properties and tasks; multipart uploads of documents, referrals and
//! profile pictures; letters answered as multipart) and the create-patient
//! answers the layer normalises (201, 200, 204 with `Location`): same token,
//! key, uuid, retry decision and errors as the rest.

mod create_patient;
mod letter_fixtures;
mod letters;
mod merge_patches;
mod multipart_errors;
mod profile_pictures;
mod referrals;
mod uploads;

use accuro_client::types;
use accuro_tests::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) fn assert_layer_headers(request: &wiremock::Request) {
    assert_eq!(
        header_values(request, "authorization"),
        vec!["Bearer token-1".to_owned()]
    );
    assert_eq!(
        header_values(request, "x-qhr-subscription-key"),
        vec![SUBSCRIPTION_KEY.to_owned()]
    );
    assert_eq!(
        query_pairs(request),
        vec![("uuid".to_owned(), CLINIC_UUID.to_owned())]
    );
}

/// Document details with only the required fields.
pub(crate) fn minimal_details() -> types::DocumentDetails {
    document_details(1, 1)
}

pub(crate) const DOCUMENTS: &str = "/rest/v1/provider-portal/documents";

/// A server whose upload endpoint answers `answer`.
pub(crate) async fn upload_server(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}
