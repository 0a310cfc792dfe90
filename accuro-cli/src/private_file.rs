//! Files that hold health data or secrets: letter content written only for
//! the user, and profile files read only when only the user can read them.
//!
//! Both are checked on the opened file, not by its path: a file swapped
//! between a check and an open cannot pass.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

/// Why a private file could not be written or read. Never holds the
/// file's content.
#[derive(Debug)]
pub enum PrivateFileError {
    /// The file exists and `--force` was not given.
    Exists,
    /// The path is a symbolic link: refused, never followed.
    Symlink,
    /// The path is not a regular file (a directory, a device, a FIFO).
    NotAFile,
    /// The file belongs to another user.
    NotOwned,
    /// Others may read or change the file (its mode).
    Exposed(u32),
    /// Any other I/O failure, by its kind.
    Io(std::io::ErrorKind),
}

impl std::fmt::Display for PrivateFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrivateFileError::Exists => f.write_str("it exists (give --force to overwrite it)"),
            PrivateFileError::Symlink => f.write_str("it is a symbolic link (never followed)"),
            PrivateFileError::NotAFile => f.write_str("it is not a regular file"),
            PrivateFileError::NotOwned => f.write_str("it belongs to another user"),
            PrivateFileError::Exposed(mode) => write!(
                f,
                "others can read or change it (mode {mode:04o}); run `chmod 600` on it"
            ),
            PrivateFileError::Io(kind) => write!(f, "{kind}"),
        }
    }
}

impl From<std::io::Error> for PrivateFileError {
    fn from(e: std::io::Error) -> Self {
        #[cfg(unix)]
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            return PrivateFileError::Symlink;
        }
        match e.kind() {
            std::io::ErrorKind::AlreadyExists => PrivateFileError::Exists,
            kind => PrivateFileError::Io(kind),
        }
    }
}

/// The largest profile file read: a profile is a few hundred bytes.
const MAX_READ: u64 = 1024 * 1024;

/// Writes `bytes` to a new file at `path` that only the user can read
/// (mode `0600` on Unix), never through a symbolic link. An existing file
/// is refused unless `force`; then it must be a regular file of the user's
/// own, and it is emptied and made `0600` before anything is written.
pub fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), PrivateFileError> {
    use std::io::Write as _;
    let mut file = create_private(path, force)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(unix)]
fn create_private(path: &Path, force: bool) -> Result<File, PrivateFileError> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(PrivateFileError::Symlink);
    }
    let mut options = std::fs::OpenOptions::new();
    options
        .write(true)
        .mode(0o600)
        // The link check above gives a clear message; `O_NOFOLLOW` refuses
        // a link put there since. `O_NONBLOCK`: a FIFO without a reader is
        // refused (ENXIO) instead of blocking the open.
        .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits().cast_signed());
    // Never truncated on open: an existing file is checked first.
    if force {
        options.create(true);
    } else {
        options.create_new(true);
    }
    let file = options.open(path)?;
    check_owned_regular(&file.metadata()?)?;
    file.set_len(0)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(not(unix))]
fn create_private(path: &Path, force: bool) -> Result<File, PrivateFileError> {
    // No mode, owner or O_NOFOLLOW here: the file gets the folder's
    // permissions, and a link is only looked for before the open.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(PrivateFileError::Symlink);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true);
    } else {
        options.create_new(true);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(PrivateFileError::NotAFile);
    }
    file.set_len(0)?;
    Ok(file)
}

/// Reads the file at `path` as text. On Unix it must be a regular file,
/// and, when `must_be_private` says so of its text, one owned by the user
/// that no one else may read or change: its type, owner and mode are read
/// from the opened file (`fstat`) before its content, so a file swapped in
/// between cannot pass, and a device or a FIFO is never read. (On other
/// systems no check is made.)
pub fn read_checked(
    path: &Path,
    must_be_private: impl FnOnce(&str) -> bool,
) -> Result<String, PrivateFileError> {
    let file = open_for_reading(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(PrivateFileError::NotAFile);
    }
    let mut text = String::new();
    file.take(MAX_READ).read_to_string(&mut text)?;
    if must_be_private(&text) {
        check_private(&metadata)?;
    }
    Ok(text)
}

#[cfg(unix)]
fn open_for_reading(path: &Path) -> Result<File, PrivateFileError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // `O_NONBLOCK`: opening a FIFO does not wait for a writer (it is then
    // refused as not a regular file).
    Ok(std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed())
        .open(path)?)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> Result<File, PrivateFileError> {
    Ok(File::open(path)?)
}

/// A regular file of the user's own.
#[cfg(unix)]
fn check_owned_regular(metadata: &std::fs::Metadata) -> Result<(), PrivateFileError> {
    use std::os::unix::fs::MetadataExt as _;
    if !metadata.is_file() {
        return Err(PrivateFileError::NotAFile);
    }
    if metadata.uid() != rustix::process::geteuid().as_raw() {
        return Err(PrivateFileError::NotOwned);
    }
    Ok(())
}

/// A regular file of the user's own that no one else may read or change.
#[cfg(unix)]
fn check_private(metadata: &std::fs::Metadata) -> Result<(), PrivateFileError> {
    use std::os::unix::fs::MetadataExt as _;
    check_owned_regular(metadata)?;
    let mode = metadata.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(PrivateFileError::Exposed(mode));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_metadata: &std::fs::Metadata) -> Result<(), PrivateFileError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn content_is_written_0600_never_through_a_link_and_never_over_a_file_without_force() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("letter.pdf");
        write_private(&path, b"one", false).expect("written");
        assert_eq!(mode(&path), 0o600);
        assert!(matches!(
            write_private(&path, b"two", false),
            Err(PrivateFileError::Exists)
        ));
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"one"[..]));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_private(&path, b"two", true).expect("forced");
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"two"[..]));
        assert_eq!(mode(&path), 0o600);

        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"keep").expect("target");
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        for force in [false, true] {
            assert!(matches!(
                write_private(&link, b"x", force),
                Err(PrivateFileError::Symlink)
            ));
        }
        let dangling = dir.path().join("dangling.pdf");
        std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).expect("link");
        assert!(write_private(&dangling, b"x", true).is_err());
        assert!(!dir.path().join("nothing").exists());
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"keep"[..]));
    }

    #[test]
    fn a_private_file_is_checked_on_the_opened_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("profiles.toml");
        std::fs::write(&path, "x").expect("file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(read_checked(&path, |_| true).ok().as_deref(), Some("x"));
        for exposed in [0o640, 0o604, 0o620] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(exposed))
                .expect("chmod");
            assert!(matches!(
                read_checked(&path, |_| true),
                Err(PrivateFileError::Exposed(_))
            ));
            assert!(read_checked(&path, |_| false).is_ok());
        }
        // Owned by another user (only root can give a file away).
        if rustix::process::geteuid().is_root() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
            std::os::unix::fs::chown(&path, Some(65534), None).expect("chown");
            assert!(matches!(
                read_checked(&path, |_| true),
                Err(PrivateFileError::NotOwned)
            ));
        }
    }
}
