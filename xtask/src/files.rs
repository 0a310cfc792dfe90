//! `ensure_file_contents`: the one way tasks write files (or check them, with
//! `--check`), as rust-analyzer's xtask does.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use similar::TextDiff;

use crate::paths::display_path;

/// Diff lines printed at most for a stale file; the rest is summarised.
const MAX_DIFF_LINES: usize = 400;

/// What [`ensure_file_contents`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// The file already had the contents: nothing was written.
    Unchanged,
    /// The file was (re)written.
    Written,
    /// `check`: the file differs; a report with a unified diff and the fix.
    Stale(String),
}

/// Makes `path` hold `contents`: writes it (atomically, only when it differs),
/// or with `check` writes nothing and reports the difference, naming
/// `command` as the fix.
pub fn ensure_file_contents(
    path: &Path,
    contents: &str,
    check: bool,
    command: &str,
) -> Result<FileState, String> {
    let current = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if current.as_deref() == Some(contents) {
        return Ok(FileState::Unchanged);
    }
    let name = display_path(path);
    if check {
        return Ok(FileState::Stale(match current {
            None => format!("{name} does not exist; run `{command}` and commit it"),
            Some(current) => stale_report(&current, contents, &name, command),
        }));
    }
    write_atomically(path, contents.as_bytes())?;
    Ok(FileState::Written)
}

fn stale_report(current: &str, expected: &str, name: &str, command: &str) -> String {
    use std::fmt::Write as _;
    let diff = TextDiff::from_lines(current, expected);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (committed)"),
            &format!("{name} (from the spec)"),
        )
        .to_string();
    let total = text.lines().count();
    let mut report = format!("{name} is out of date with the spec:\n\n");
    for line in text.lines().take(MAX_DIFF_LINES) {
        let _ = writeln!(report, "{line}");
    }
    if total > MAX_DIFF_LINES {
        let _ = writeln!(report, "... ({} more diff lines)", total - MAX_DIFF_LINES);
    }
    let _ = write!(report, "\nfix: run `{command}` and commit the result");
    report
}

/// Writes through a temporary file in the same folder, then renames it over the
/// target: a reader (or a failure half-way) never sees a partial file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".generated-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.path().display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}
