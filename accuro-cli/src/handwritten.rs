//! Commands for the operations the client's handwritten layer implements
//! (progenitor cannot generate them): merge patches, multipart uploads, and
//! letters answered as multipart. Each is `accuro <area> <operation id in
//! kebab case>`, as the generated ones are.

use std::path::{Path, PathBuf};

use accuro_client::{Client, Document, WithContent, types};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use serde_json::{Value, json};

use crate::exit::Failure;
use crate::generated::HANDWRITTEN;
use crate::private_file::write_private;

/// The command of a handwritten operation, `None` if the shell has none
/// (a test fails then).
pub fn command(operation: &str) -> Option<Command> {
    let (_, _, summary) = HANDWRITTEN.iter().find(|(id, _, _)| *id == operation)?;
    let id = |name: &'static str, ty: IdType| {
        let arg = Arg::new(name).long(name).required(true).value_name("ID");
        match ty {
            IdType::I32 => arg.value_parser(value_parser!(i32)),
            IdType::I64 => arg.value_parser(value_parser!(i64)),
        }
    };
    let body = |help: &'static str| {
        Arg::new("json-body")
            .long("json-body")
            .value_name("JSON-FILE")
            .required(true)
            .value_parser(value_parser!(PathBuf))
            .help(help)
    };
    const PATCH: &str =
        "A file holding the JSON merge patch: the fields to change, `null` to clear one";
    let file = Arg::new("file")
        .long("file")
        .value_name("PATH")
        .required(true)
        .value_parser(value_parser!(PathBuf))
        .help("The file to upload");
    let media_type = Arg::new("media-type")
        .long("media-type")
        .value_name("TYPE")
        .help("Its media type [default: from the file's extension: pdf, png, jpg, tiff, gif, txt, rtf]");
    let content = Arg::new("content-to")
        .long("content-to")
        .value_name("PATH")
        .value_parser(value_parser!(PathBuf))
        .help(
            "Write the letter's content (PDF, image...) to this new file, readable only by you \
             (mode 0600, never through a symbolic link); the metadata goes to stdout",
        );
    let force = Arg::new("force")
        .long("force")
        .action(ArgAction::SetTrue)
        .requires("content-to")
        .help("Overwrite the --content-to file if it exists (it is made 0600)");
    let command = Command::new(name_of(operation)).about(*summary);
    Some(match operation {
        "patch_patient" | "patch_patient_v1" | "patch_patient_custom_properties" => {
            let ty = if operation == "patch_patient_v1" {
                IdType::I32
            } else {
                IdType::I64
            };
            command.arg(id("patient-id", ty)).arg(body(PATCH))
        }
        "patch_task" => command.arg(id("task-id", IdType::I32)).arg(body(PATCH)),
        "upload_document" => command
            .arg(body(
                "A file holding the document's details (JSON: patientId, folderId, ...)",
            ))
            .arg(file)
            .arg(media_type)
            .arg(
                Arg::new("referral")
                    .long("referral")
                    .action(ArgAction::SetTrue)
                    .help("Upload it as a referral"),
            ),
        "upload_patient_profile_picture" => command
            .arg(id("patient-id", IdType::I32))
            .arg(file)
            .arg(media_type),
        "get_letter" => command
            .arg(id("letter-id", IdType::I64))
            .arg(content)
            .arg(force),
        "get_generated_letter" | "get_generated_letter_v2" => {
            command.arg(id("id", IdType::I64)).arg(content).arg(force)
        }
        _ => return None,
    })
}

enum IdType {
    I32,
    I64,
}

/// `patch_patient` → `patch-patient`.
pub fn name_of(operation: &str) -> String {
    operation.replace('_', "-")
}

/// Runs a handwritten operation; its answer (if any) as JSON.
pub async fn run(
    client: &Client,
    operation: &str,
    matches: &ArgMatches,
) -> Result<Option<Value>, Failure> {
    let id64 = |name: &str| matches.get_one::<i64>(name).copied().unwrap_or_default();
    let id32 = |name: &str| matches.get_one::<i32>(name).copied().unwrap_or_default();
    let body = || read_json::<Value>(matches.get_one::<PathBuf>("json-body"));
    Ok(match operation {
        "patch_patient" => {
            client.patch_patient(id64("patient-id"), &body()?).await?;
            None
        }
        "patch_patient_v1" => {
            client
                .patch_patient_v1(id32("patient-id"), &body()?)
                .await?;
            None
        }
        "patch_patient_custom_properties" => {
            let done = client
                .patch_patient_custom_properties(id64("patient-id"), &body()?)
                .await?;
            Some(json!(done))
        }
        "patch_task" => {
            client.patch_task(id32("task-id"), &body()?).await?;
            None
        }
        "upload_document" => {
            let details: types::DocumentDetails =
                read_json(matches.get_one::<PathBuf>("json-body"))?;
            let document = document(matches)?;
            let ids = if matches.get_flag("referral") {
                client.upload_referral(&details, document).await?
            } else {
                client.upload_document(&details, document).await?
            };
            Some(json!(ids))
        }
        "upload_patient_profile_picture" => {
            let id = client
                .upload_patient_profile_picture(id32("patient-id"), document(matches)?)
                .await?;
            Some(json!(id))
        }
        "get_letter" => {
            let letter = client.get_letter(id64("letter-id")).await?;
            Some(with_content(matches, letter)?)
        }
        "get_generated_letter" | "get_generated_letter_v2" => {
            let letter = if operation == "get_generated_letter" {
                client.get_generated_letter(id64("id")).await?
            } else {
                client.get_generated_letter_v2(id64("id")).await?
            };
            Some(with_content(matches, letter)?)
        }
        other => {
            return Err(Failure::Usage(format!(
                "`{}` has no command",
                name_of(other)
            )));
        }
    })
}

/// A letter's metadata, with its content written to `--content-to` (and
/// described, never inlined): a new file only the user can read, never
/// through a symbolic link, and over an existing file only with `--force`.
fn with_content<T: serde::Serialize>(
    matches: &ArgMatches,
    letter: WithContent<T>,
) -> Result<Value, Failure> {
    let WithContent {
        metadata,
        content,
        content_type,
        ..
    } = letter;
    let written = match matches.get_one::<PathBuf>("content-to") {
        Some(path) => {
            let force = matches.get_flag("force");
            write_private(path, &content, force)
                .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    Ok(json!({
        "metadata": metadata,
        "content": {
            "media_type": content_type,
            "bytes": content.len(),
            "written_to": written,
        },
    }))
}

/// The file to upload, with its name and media type.
fn document(matches: &ArgMatches) -> Result<Document, Failure> {
    let path = matches
        .get_one::<PathBuf>("file")
        .ok_or_else(|| Failure::Usage("--file is required".into()))?;
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {}", path.display(), e.kind())))?;
    let media_type = match matches.get_one::<String>("media-type") {
        Some(given) => given.clone(),
        None => media_type_of(path).map(str::to_owned).ok_or_else(|| {
            Failure::Usage(format!(
                "cannot tell the media type of {} from its extension: give --media-type",
                path.display()
            ))
        })?,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    Ok(Document {
        file_name,
        media_type,
        bytes,
    })
}

/// The media type of the common document extensions.
fn media_type_of(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        "gif" => "image/gif",
        "txt" => "text/plain",
        "rtf" => "application/rtf",
        _ => return None,
    })
}

/// A `--json-body` file's JSON, or an error naming its line (never a value).
fn read_json<T: serde::de::DeserializeOwned>(path: Option<&PathBuf>) -> Result<T, Failure> {
    let path = path.ok_or_else(|| Failure::Usage("--json-body is required".into()))?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {}", path.display(), e.kind())))?;
    serde_json::from_str(&text).map_err(|e| Failure::body_file(&path.display().to_string(), &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handwritten_operation_has_a_command() {
        for (id, _, _) in HANDWRITTEN {
            let command = command(id).unwrap_or_else(|| panic!("no command for {id}"));
            command.debug_assert();
        }
    }

    #[test]
    fn media_types_come_from_extensions() {
        assert_eq!(
            media_type_of(Path::new("a/Letter.PDF")),
            Some("application/pdf")
        );
        assert_eq!(media_type_of(Path::new("x.tif")), Some("image/tiff"));
        assert_eq!(media_type_of(Path::new("x.bin")), None);
        assert_eq!(media_type_of(Path::new("noext")), None);
    }
}
