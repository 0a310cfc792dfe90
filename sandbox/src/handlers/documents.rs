//! Document folders and uploads.

use accuro_client::types::DocumentDetails;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State as Extract};
use axum::http::StatusCode;
use axum::response::Response;

use crate::api_error::api_error;
use crate::respond::{Q, S, ok, parse_body, refuse};
use crate::seed::Document;

fn too_large() -> Response {
    api_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        accuro_spec::texts::PAYLOAD_TOO_LARGE,
    )
}

pub(super) async fn folders(Extract(state): S, Query(q): Q) -> Response {
    let wanted = q
        .get("folderName")
        .map(|n| n.trim())
        .filter(|n| !n.is_empty());
    let found: Vec<_> = state
        .lookups
        .folders
        .iter()
        .filter(|f| wanted.is_none_or(|n| f.name.eq_ignore_ascii_case(n)))
        .collect();
    ok(found)
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        api_error(StatusCode::BAD_REQUEST, "Malformed multipart body")
    }
}

pub(super) async fn upload_document(
    Extract(state): S,
    Query(q): Q,
    mut multipart: Multipart,
) -> Response {
    match q.get("type").map(String::as_str) {
        None | Some("") => {}
        Some(t) if t.eq_ignore_ascii_case("REFERRAL") => {}
        Some(t) => return refuse("type", Some(t), "must be REFERRAL"),
    }
    let (mut details, mut size) = (None::<Bytes>, None::<usize>);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return multipart_error(&e),
        };
        let name = field.name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return multipart_error(&e),
        };
        match name.as_deref() {
            Some("details") => details = Some(bytes),
            Some("document") => size = Some(bytes.len()),
            _ => {}
        }
    }
    if size.is_some_and(|s| s > state.config.max_upload_bytes) {
        return too_large();
    }
    let Some(details) = details else {
        return refuse("details", None, "must not be null");
    };
    if size.is_none() {
        return refuse("document", None, "must not be null");
    }
    let details: DocumentDetails = match parse_body(&details) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut db = state.db();
    if !db.patients.contains_key(&details.patient_id) {
        return refuse(
            "patient_id",
            Some(&details.patient_id.to_string()),
            "must be a patient of the clinic",
        );
    }
    let folders = &state.lookups.folders;
    let Some(folder) = folders.iter().find(|f| f.id == Some(details.folder_id)) else {
        return refuse(
            "folder_id",
            Some(&details.folder_id.to_string()),
            "must be a document folder",
        );
    };
    if let Some(sub) = details.sub_folder_id
        && !folder.sub_folders.iter().any(|s| s.id == Some(sub))
    {
        return refuse(
            "sub_folder_id",
            Some(&sub.to_string()),
            "must be a sub-folder of the folder",
        );
    }
    let id = db.next_document;
    db.next_document += 1;
    db.documents.insert(
        id,
        Document {
            patient_id: details.patient_id,
            folder_id: details.folder_id,
            sub_folder_id: details.sub_folder_id,
        },
    );
    ok(vec![id])
}
