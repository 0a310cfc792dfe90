//! The JSON-lines file sink.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use super::{AuditEvent, AuditSink};

/// Appends each event to a file as one line of JSON
/// ([`AuditEvent::to_json_line`]), written with one `write` per event and
/// never buffered. The file is opened for appending only, created with mode
/// 0600 (owner read and write) and, on Unix, never through a symbolic link;
/// an existing file must be a regular file of this user that no one else
/// may read or write. Elsewhere than on Unix, only the regular-file check
/// applies: protect the folder.
#[derive(Debug)]
pub struct JsonLinesFile {
    file: File,
}

impl JsonLinesFile {
    /// Opens (or creates) the file at `path`. Errors name what is wrong
    /// with the file (its type, owner or mode), not its content.
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options
                .mode(0o600)
                // Never through a link; a FIFO does not block the open
                // (and is then refused as not a regular file).
                .custom_flags(
                    (rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK)
                        .bits()
                        .cast_signed(),
                );
        }
        let file = options.open(path)?;
        check(&file)?;
        Ok(Self { file })
    }
}

#[cfg(unix)]
fn check(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let refuse = |why: &str| {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("the audit file {why}"),
        ))
    };
    let metadata = file.metadata()?;
    if !metadata.file_type().is_file() {
        return refuse("is not a regular file");
    }
    if metadata.uid() != rustix::process::geteuid().as_raw() {
        return refuse("belongs to another user");
    }
    if metadata.mode() & 0o077 != 0 {
        return refuse("may be read or written by others: make it mode 0600");
    }
    Ok(())
}

#[cfg(not(unix))]
fn check(file: &File) -> std::io::Result<()> {
    if !file.metadata()?.file_type().is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the audit file is not a regular file",
        ));
    }
    Ok(())
}

impl AuditSink for JsonLinesFile {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        let mut line = event.to_json_line();
        line.push('\n');
        (&self.file).write_all(line.as_bytes())
    }
}
