//! The calls progenitor cannot generate, written by hand on the same layer:
//! a JSON merge patch and a multipart upload. Both are writes: run this
//! against the offline sandbox or a QHR sandbox clinic, never production.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --example merge_patch_and_upload
//! ```
//!
//! Like every write that may not be sent twice, neither is ever sent again
//! once it may have reached Accuro: after a timeout or a cut connection,
//! `Error::may_have_succeeded()` is `true` and you check before resending.

use std::process::ExitCode;

use accuro_client::{Client, Document, Error, types};

/// A synthetic patient of the offline sandbox.
const PATIENT_ID: i64 = 1002;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("merge_patch_and_upload failed: {e}");
            if e.may_have_succeeded() {
                eprintln!("the change may have been made: check before sending it again");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;

    // A JSON merge patch (RFC 7396): only the members present change, `null`
    // clears one. Anything `Serialize` that writes a JSON object will do.
    let patch = serde_json::json!({ "demographics": { "middleName": "Q" } });
    client.patch_patient(PATIENT_ID, &patch).await?;
    let middle = client
        .get_patient()
        .patient_id(PATIENT_ID)
        .send()
        .await?
        .into_inner()
        .demographics
        .and_then(|d| d.middle_name);
    println!(
        "patient #{PATIENT_ID} patched: middle name set: {}",
        middle.is_some()
    );

    // A multipart upload: the details as JSON, then the file. Accuro answers
    // the ids of the documents it filed.
    let folder_id = client
        .list_folders()
        .send()
        .await?
        .into_inner()
        .into_iter()
        .find_map(|f| f.id)
        .unwrap_or(1);
    let details = types::DocumentDetails {
        patient_id: PATIENT_ID,
        folder_id,
        description: Some("Synthetic lab result".into()),
        file_name: Some("result.pdf".into()),
        accuro_file_type_id: None,
        date_created: None,
        document_date: None,
        document_id: None,
        folder: None,
        from_id: None,
        from_name: None,
        from_type: None,
        priority: None,
        received_date: None,
        reviews: None,
        sub_folder: None,
        sub_folder_id: None,
    };
    let document = Document {
        file_name: "result.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: b"%PDF-1.4\n% a synthetic document\n%%EOF\n".to_vec(),
    };
    // `Debug` of a `Document` shows its media type and size, never its content.
    println!("uploading {document:?}");
    let ids = client.upload_document(&details, document).await?;
    println!("filed as documents {ids:?} in folder #{folder_id}");
    Ok(())
}
