//! Profiles: named clinic settings in a TOML file, as an alternative to the
//! `ACCURO_*` variables.
//!
//! ```toml
//! [sandbox]
//! base_url = "http://127.0.0.1:4020"
//! tenant = "sandboxclinic"
//! client_id = "sandbox-client"
//! client_secret = "sandbox-secret"
//! scopes = ["PATIENT_DEMOGRAPHICS_READ", "SCHEDULING_READ"]  # or one string
//! subscription_key = "sandbox-subscription-key"
//! clinic_uuid = "5a4db0c5-0000-4000-8000-000000000001"
//! ```
//!
//! A file that holds a secret (`client_secret`, `subscription_key`) or the
//! clinic's uuid must, on Unix, be a regular file owned by the user that no
//! one else may read or change: it is refused otherwise. The check is made
//! on the opened file (`fstat`), so a file swapped in after the check is not
//! read. On other systems no check is made.
//! Errors name the file, the profile and the line, never a value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use accuro_client::ClinicConfig;

use crate::private_file::{PrivateFileError, read_checked};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

/// Why no settings could be read from a profile file.
#[derive(Debug)]
pub enum ProfileError {
    /// No file to read: no `--profiles`, `ACCURO_PROFILES`, `XDG_CONFIG_HOME` or `HOME`.
    NoPath,
    /// The file could not be read.
    Unreadable { path: PathBuf, reason: String },
    /// It holds a secret and others may read or change it.
    Exposed { path: PathBuf, mode: u32 },
    /// It holds a secret and belongs to another user (or is not a regular
    /// file).
    NotPrivate { path: PathBuf, reason: String },
    /// It is not a valid profile file.
    Invalid { path: PathBuf, line: Option<usize> },
    /// It has no profile of that name.
    NoProfile {
        path: PathBuf,
        name: String,
        known: Vec<String>,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::NoPath => {
                f.write_str("no profile file: give --profiles PATH, or set ACCURO_PROFILES or HOME")
            }
            ProfileError::Unreadable { path, reason } => {
                write!(
                    f,
                    "cannot read the profile file {}: {reason}",
                    path.display()
                )
            }
            ProfileError::Exposed { path, mode } => write!(
                f,
                "refusing the profile file {path}: it holds a secret and others can read or \
                 change it (mode {mode:04o}); run `chmod 600 {path}`",
                path = path.display()
            ),
            ProfileError::NotPrivate { path, reason } => write!(
                f,
                "refusing the profile file {}: it holds a secret and {reason}",
                path.display()
            ),
            ProfileError::Invalid { path, line } => {
                write!(f, "the profile file {} is not valid", path.display())?;
                if let Some(line) = line {
                    write!(f, " at line {line}")?;
                }
                f.write_str(
                    " (a table per profile, with base_url, tenant, client_id, client_secret, \
                     scopes, subscription_key, clinic_uuid)",
                )
            }
            ProfileError::NoProfile { path, name, known } => write!(
                f,
                "the profile file {} has no profile `{name}` (it has: {})",
                path.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

/// One profile, as written in the file. Secrets are `SecretString`s from
/// the moment they are read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    base_url: Option<String>,
    tenant: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scopes: Option<Scopes>,
    subscription_key: Option<SecretString>,
    clinic_uuid: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scopes {
    One(String),
    Many(Vec<String>),
}

/// Where the profile file is: `explicit`, else `ACCURO_PROFILES`, else
/// `$XDG_CONFIG_HOME/accuro/profiles.toml`, else `~/.config/accuro/profiles.toml`.
pub fn locate(
    explicit: Option<&Path>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<PathBuf, ProfileError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    if let Some(path) = set("ACCURO_PROFILES") {
        return Ok(PathBuf::from(path));
    }
    if let Some(config) = set("XDG_CONFIG_HOME") {
        return Ok(Path::new(&config).join("accuro/profiles.toml"));
    }
    set("HOME")
        .map(|home| Path::new(&home).join(".config/accuro/profiles.toml"))
        .ok_or(ProfileError::NoPath)
}

/// The clinic settings of profile `name` in the file at `path`.
pub fn load(path: &Path, name: &str) -> Result<ClinicConfig, ProfileError> {
    // Read and checked on the same open file (its owner and mode, on
    // Unix): a file swapped in between cannot pass.
    let text = read_checked(path, holds_secret).map_err(|e| match e {
        PrivateFileError::Exposed(mode) => ProfileError::Exposed {
            path: path.to_path_buf(),
            mode,
        },
        PrivateFileError::NotOwned | PrivateFileError::NotAFile => ProfileError::NotPrivate {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
        other => ProfileError::Unreadable {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    })?;
    let invalid = |e: toml::de::Error| ProfileError::Invalid {
        path: path.to_path_buf(),
        line: e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1),
    };
    // Parsed in two steps so that a mistake names its line, not its value:
    // toml's and serde's messages quote values, and a value may be a secret.
    let mut profiles: BTreeMap<String, Profile> = toml::from_str(&text).map_err(invalid)?;
    let known = profiles.keys().cloned().collect();
    let profile = profiles
        .remove(name)
        .ok_or_else(|| ProfileError::NoProfile {
            path: path.to_path_buf(),
            name: name.to_owned(),
            known,
        })?;
    Ok(profile.into_config())
}

impl Profile {
    fn into_config(self) -> ClinicConfig {
        let mut config = ClinicConfig::new();
        if let Some(v) = self.base_url {
            config = config.base_url(v);
        }
        if let Some(v) = self.tenant {
            config = config.tenant(v);
        }
        if let Some(v) = self.client_id {
            config = config.client_id(v);
        }
        if let Some(v) = self.client_secret {
            config = config.client_secret(v.expose_secret());
        }
        match self.scopes {
            Some(Scopes::One(s)) => config = config.scopes([s]),
            Some(Scopes::Many(v)) => config = config.scopes(v),
            None => {}
        }
        if let Some(v) = self.subscription_key {
            config = config.subscription_key(v.expose_secret());
        }
        if let Some(v) = self.clinic_uuid {
            config = config.clinic_uuid(v);
        }
        config
    }
}

/// Whether any profile of the file holds a secret (`client_secret`,
/// `subscription_key`) or the clinic's uuid, read as TOML (so that an
/// escaped key is found too); a file that does not parse is assumed to.
fn holds_secret(text: &str) -> bool {
    const PRIVATE: [&str; 3] = ["client_secret", "subscription_key", "clinic_uuid"];
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => table.values().any(|profile| {
            profile
                .as_table()
                .is_none_or(|p| PRIVATE.iter().any(|k| p.contains_key(*k)))
        }),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_found_however_their_keys_are_written() {
        assert!(holds_secret("[a]\nclient_secret = \"s\"\n"));
        assert!(holds_secret("[a]\n\"client\\u005Fsecret\" = \"s\"\n"));
        assert!(holds_secret("[a]\nclinic_uuid = \"u\"\n"));
        assert!(holds_secret("[a]\nsubscription_key = \"k\"\n"));
        assert!(holds_secret("not toml at all = = ="));
        assert!(!holds_secret(
            "[a]\ntenant = \"t\"\nbase_url = \"https://x\"\n"
        ));
    }

    #[test]
    fn the_file_is_found_in_the_documented_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let at = |p: &str| Ok::<_, ProfileError>(PathBuf::from(p));
        assert_eq!(
            locate(
                Some(Path::new("/x.toml")),
                env(&[("ACCURO_PROFILES", "/y")])
            )
            .ok(),
            at("/x.toml").ok()
        );
        assert_eq!(
            locate(None, env(&[("ACCURO_PROFILES", "/y"), ("HOME", "/h")])).ok(),
            at("/y").ok()
        );
        assert_eq!(
            locate(None, env(&[("XDG_CONFIG_HOME", "/c"), ("HOME", "/h")])).ok(),
            at("/c/accuro/profiles.toml").ok()
        );
        assert_eq!(
            locate(None, env(&[("HOME", "/h")])).ok(),
            at("/h/.config/accuro/profiles.toml").ok()
        );
        assert!(matches!(locate(None, env(&[])), Err(ProfileError::NoPath)));
    }
}
