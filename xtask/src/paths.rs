//! Where the project's files are: one place, so every task agrees.

use std::path::{Path, PathBuf};

/// The workspace root (`xtask` lives one level below it).
pub fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The project's files, relative to a root (the workspace, or a copy of it in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    root: PathBuf,
}

impl Default for Paths {
    /// The paths of this checkout.
    fn default() -> Self {
        Self::at(project_root())
    }
}

impl Paths {
    /// The paths of a workspace rooted at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The hand-authored spec, `spec/accuro.yaml`.
    pub fn spec(&self) -> PathBuf {
        self.root.join("spec/accuro.yaml")
    }

    /// The committed generated client, `accuro-client/src/generated.rs`.
    pub fn generated(&self) -> PathBuf {
        self.root.join("accuro-client/src/generated.rs")
    }

    /// The committed generated records, `accuro-client/types/src/generated.rs`
    /// (the `accuro-types` crate's `types` module).
    pub fn records(&self) -> PathBuf {
        self.root.join("accuro-client/types/src/generated.rs")
    }

    /// The spec's property paths, for the client's error texts
    /// (`accuro-client/src/property_paths.rs`).
    pub fn property_paths(&self) -> PathBuf {
        self.root.join("accuro-client/src/property_paths.rs")
    }

    /// One call of every generated operation, for the tests (`tests/src/every_call.rs`).
    pub fn every_call(&self) -> PathBuf {
        self.root.join("tests/src/every_call.rs")
    }

    /// The client's page streams, `accuro-client/src/pagination/operations.rs`.
    pub fn page_streams(&self) -> PathBuf {
        self.root.join("accuro-client/src/pagination/operations.rs")
    }

    /// Every generated type, printed, for the tests (`tests/src/every_type.rs`).
    pub fn every_type(&self) -> PathBuf {
        self.root.join("tests/src/every_type.rs")
    }

    /// The answer type of every generated read, for the probe (`probe/src/decoders.rs`).
    pub fn probe_decoders(&self) -> PathBuf {
        self.root.join("probe/src/decoders.rs")
    }

    /// The typed httpmock helpers, `accuro-mock/src/generated.rs`.
    pub fn mock(&self) -> PathBuf {
        self.root.join("accuro-mock/src/generated.rs")
    }

    /// The CLI's commands, `accuro-cli/src/generated.rs`.
    pub fn cli(&self) -> PathBuf {
        self.root.join("accuro-cli/src/generated.rs")
    }

    /// The endpoint reference, `docs/endpoints.md`, written whole by `regen`.
    pub fn endpoints(&self) -> PathBuf {
        self.root.join("docs/endpoints.md")
    }

    /// The intended differences from QHR's OpenAPI file, `spec/vendor-differences.yaml`.
    pub fn vendor_differences(&self) -> PathBuf {
        self.root.join("spec/vendor-differences.yaml")
    }
}

/// A path as shown to people and written in the generated header: relative to
/// the workspace when it is inside it, so the output does not depend on where
/// the repository is checked out.
pub fn display_path(path: &Path) -> String {
    display_path_in(&project_root(), path)
}

/// [`display_path`] for the workspace rooted at `root` (a copy, in tests).
pub fn display_path_in(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    absolute
        .strip_prefix(&root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string())
}
