//! Where a vendor document comes from: a file, or an `https://` URL fetched
//! with `accuro-fetch` (rustls, https only, timeouts, a size cap, the media
//! type checked).

use std::path::{Path, PathBuf};

use crate::paths::display_path;

/// A vendor document's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file.
    File(PathBuf),
    /// A URL (fetched over https only).
    Url(String),
}

impl Source {
    /// A command-line argument: a URL when it starts with `https://` or
    /// `http://` (the latter refused when read), a file otherwise.
    pub fn parse(arg: &str) -> Self {
        if accuro_fetch::is_url(arg) {
            Self::Url(arg.to_owned())
        } else {
            Self::File(PathBuf::from(arg))
        }
    }

    /// As shown to people (a URL without its query).
    pub fn display(&self) -> String {
        match self {
            Self::File(path) => display_path(path),
            Self::Url(url) => accuro_fetch::shown(url),
        }
    }

    /// Whether the document is JSON rather than YAML, by its name.
    pub fn is_json(&self) -> bool {
        match self {
            Self::File(path) => path.extension().is_some_and(|e| e == "json"),
            Self::Url(url) => accuro_fetch::shown(url).ends_with(".json"),
        }
    }

    /// The document's text; a URL is fetched, trusting `ca_cert` (PEM)
    /// beside Mozilla's roots.
    pub fn read_text(&self, ca_cert: Option<&Path>) -> Result<String, String> {
        match self {
            Self::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            Self::Url(url) => {
                let extra_roots_pem = ca_cert
                    .map(|p| {
                        std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
                    })
                    .transpose()?;
                let options = accuro_fetch::Options {
                    extra_roots_pem,
                    ..accuro_fetch::Options::default()
                };
                accuro_fetch::fetch_blocking(url, &options)
                    .map(|fetched| fetched.text)
                    .map_err(|e| e.to_string())
            }
        }
    }
}
