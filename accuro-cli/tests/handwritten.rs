//! The commands of the handwritten operations end to end against the
//! sandbox: a merge patch, a document upload, a letter read with its content.

mod common;

use common::{accuro, env_of, sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_is_patched_a_document_uploaded_and_a_letter_read() {
    let sandbox = sandbox().await;
    let env = env_of(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();

    // A merge patch: only the field given changes.
    std::fs::write(
        path("patch.json"),
        r#"{"demographics": {"middleName": "Q"}}"#,
    )
    .unwrap();
    let before = accuro(&env, &["patients", "get-patient", "--patient-id", "1002"])
        .await
        .json();
    let patched = accuro(
        &env,
        &[
            "patients",
            "patch-patient",
            "--patient-id",
            "1002",
            "--json-body",
            &path("patch.json"),
        ],
    )
    .await;
    assert_eq!(patched.code, 0, "{patched:?}");
    let after = accuro(&env, &["patients", "get-patient", "--patient-id", "1002"])
        .await
        .json();
    assert_eq!(after["demographics"]["middleName"], "Q");
    assert_eq!(
        after["demographics"]["lastName"],
        before["demographics"]["lastName"]
    );

    // An upload: details from a file (Accuro's snake_case), the media type
    // from the extension; the new ids come back.
    std::fs::write(
        path("details.json"),
        r#"{"patient_id": 1001, "folder_id": 11}"#,
    )
    .unwrap();
    std::fs::write(path("result.pdf"), b"%PDF-1.4 synthetic").unwrap();
    let ids = accuro(
        &env,
        &[
            "documents",
            "upload-document",
            "--json-body",
            &path("details.json"),
            "--file",
            &path("result.pdf"),
        ],
    )
    .await
    .json();
    assert!(ids.as_array().is_some_and(|ids| !ids.is_empty()), "{ids}");
    let unknown = accuro(
        &env,
        &[
            "documents",
            "upload-document",
            "--json-body",
            &path("details.json"),
            "--file",
            &path("patch.json"),
        ],
    )
    .await;
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown.stderr.contains("--media-type"),
        "{}",
        unknown.stderr
    );

    // A letter: its metadata on stdout, its content in the file named.
    let letter = accuro(
        &env,
        &[
            "letters",
            "get-letter",
            "--letter-id",
            "1",
            "--content-to",
            &path("letter.bin"),
        ],
    )
    .await
    .json();
    let written = std::fs::read(path("letter.bin")).unwrap();
    assert_eq!(letter["content"]["bytes"], written.len());
    assert!(!written.is_empty());
    assert!(letter.get("metadata").is_some());
}
