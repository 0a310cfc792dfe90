//! The one TLS set-up of the project: the client's `Transport` and the
//! tools' fetches both build their rustls configuration here.
//!
//! - The *ring* provider is built into each configuration: nothing is
//!   installed process-wide, so other `reqwest` clients in the same process
//!   are not affected.
//! - Roots: the platform's store (when asked), Mozilla's (`webpki-roots`,
//!   built in: by default only when the platform has none), and extra CAs
//!   given as PEM.
//! - An optional client identity (certificate chain and key, PEM), and the
//!   ALPN protocols the caller speaks.
//!
//! ```
//! let roots = accuro_fetch::tls::Roots { platform: false, mozilla: Some(true), extra_pem: Vec::new() };
//! let config = accuro_fetch::tls::client_config(&roots, None, vec![b"http/1.1".to_vec()])?;
//! assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
//! # Ok::<(), accuro_fetch::tls::TlsError>(())
//! ```

use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Which root CAs are trusted.
#[derive(Clone, Default)]
pub struct Roots {
    /// The platform's store (`rustls-native-certs`). A missing or unreadable
    /// store is not an error.
    pub platform: bool,
    /// Mozilla's roots: `Some(true)` always, `Some(false)` never, `None`
    /// only when the platform gave none (the fallback of a container
    /// without CA files).
    pub mozilla: Option<bool>,
    /// Extra root CAs, each PEM with one or more certificates.
    pub extra_pem: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Roots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roots")
            .field("platform", &self.platform)
            .field("mozilla", &self.mozilla)
            .field("extra_pem", &self.extra_pem.len())
            .finish()
    }
}

/// Why a TLS configuration could not be built. Safe to print: never key
/// material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// An extra root CA is not a PEM certificate rustls accepts.
    #[error("{0}")]
    ExtraRoot(String),
    /// No root is trusted at all.
    #[error("no root certificate is trusted: the platform has none, and Mozilla's are off")]
    NoRoots,
    /// The client identity is unusable.
    #[error("{0}")]
    Identity(String),
    /// rustls refused the protocol versions.
    #[error("{0}")]
    Protocol(String),
}

impl Roots {
    /// The store these roots make.
    pub fn store(&self) -> Result<rustls::RootCertStore, TlsError> {
        let mut roots = rustls::RootCertStore::empty();
        if self.platform {
            // Mozilla's roots are the fallback, and the extra ones still
            // serve, when the platform's cannot be read.
            let loaded = rustls_native_certs::load_native_certs();
            if !loaded.errors.is_empty() {
                tracing::debug!(
                    errors = loaded.errors.len(),
                    "some of the platform's root certificates could not be read"
                );
            }
            for cert in loaded.certs {
                let _ = roots.add(cert);
            }
        }
        if self.mozilla.unwrap_or(roots.is_empty()) {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for pem in &self.extra_pem {
            let mut added = 0usize;
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| TlsError::ExtraRoot(e.to_string()))?;
                roots
                    .add(cert)
                    .map_err(|e| TlsError::ExtraRoot(e.to_string()))?;
                added += 1;
            }
            if added == 0 {
                return Err(TlsError::ExtraRoot("holds no PEM certificate".into()));
            }
        }
        if roots.is_empty() {
            return Err(TlsError::NoRoots);
        }
        Ok(roots)
    }
}

/// A rustls client configuration: the *ring* provider, safe protocol
/// versions, `roots`, the `identity` (certificate chain and private key,
/// PEM) if any, and `alpn`.
pub fn client_config(
    roots: &Roots,
    identity: Option<(&[u8], &[u8])>,
    alpn: Vec<Vec<u8>>,
) -> Result<rustls::ClientConfig, TlsError> {
    client_config_with(
        Arc::new(rustls::crypto::ring::default_provider()),
        roots,
        identity,
        alpn,
    )
}

/// [`client_config`] with another crypto `provider` than *ring*'s (another
/// library, or a test's stand-in for a public CA whose key no test holds).
pub fn client_config_with(
    provider: Arc<rustls::crypto::CryptoProvider>,
    roots: &Roots,
    identity: Option<(&[u8], &[u8])>,
    alpn: Vec<Vec<u8>>,
) -> Result<rustls::ClientConfig, TlsError> {
    let store = roots.store()?;
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Protocol(e.to_string()))?
        .with_root_certificates(store);
    let mut config = match identity {
        None => builder.with_no_client_auth(),
        Some((chain_pem, key_pem)) => {
            let chain = CertificateDer::pem_slice_iter(chain_pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TlsError::Identity(format!("certificate chain: {e}")))?;
            if chain.is_empty() {
                return Err(TlsError::Identity("holds no certificate".into()));
            }
            // The key's parse error is not shown: it could quote key material.
            let key = PrivateKeyDer::from_pem_slice(key_pem)
                .map_err(|_| TlsError::Identity("the private key is not PEM".into()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| TlsError::Identity(e.to_string()))?
        }
    };
    config.alpn_protocols = alpn;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_fall_back_to_mozillas_and_refuse_bad_extras() {
        let none = Roots {
            platform: false,
            mozilla: Some(false),
            extra_pem: Vec::new(),
        };
        assert_eq!(none.store().map(|_| ()), Err(TlsError::NoRoots));
        let fallback = Roots {
            mozilla: None,
            ..none.clone()
        };
        let store = fallback.store().map(|s| s.len());
        assert_eq!(store, Ok(webpki_roots::TLS_SERVER_ROOTS.len()));
        let bad = Roots {
            extra_pem: vec![b"not pem".to_vec()],
            ..fallback
        };
        assert_eq!(
            bad.store().map(|_| ()),
            Err(TlsError::ExtraRoot("holds no PEM certificate".into()))
        );
    }

    #[test]
    fn an_identity_without_a_certificate_is_refused() {
        let roots = Roots {
            platform: false,
            mozilla: Some(true),
            extra_pem: Vec::new(),
        };
        let refused = client_config(&roots, Some((b"", b"")), Vec::new()).map(drop);
        assert_eq!(
            refused,
            Err(TlsError::Identity("holds no certificate".into()))
        );
    }
}
