//! Sealing tokens at rest: AES-256-GCM (RustCrypto `aes-gcm`) with a fresh
//! random nonce per value and the value's key name as associated data, so a
//! value moved to another key does not open either.

use aes_gcm::aead::{Aead as _, Generate as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

/// The first byte of a sealed value: the format, for a later change of it.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// Seals values with one 256-bit key, and opens them with it or with the
/// keys it is also given (the previous ones, while a new key is rolled
/// out). `Debug` shows no key.
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
    also: Vec<Aes256Gcm>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer([redacted])")
    }
}

impl Sealer {
    /// A sealer with this key; `None` unless it is 32 bytes.
    pub(crate) fn new(key: &[u8]) -> Option<Self> {
        Aes256Gcm::new_from_slice(key).ok().map(|cipher| Self {
            cipher,
            also: Vec::new(),
        })
    }

    /// Also opens values sealed with `key`; `false` unless it is 32 bytes.
    pub(crate) fn also_open_with(&mut self, key: &[u8]) -> bool {
        match Aes256Gcm::new_from_slice(key) {
            Ok(cipher) => {
                self.also.push(cipher);
                true
            }
            Err(_) => false,
        }
    }

    /// `plain` sealed for the key name `name`: version, nonce, ciphertext
    /// and tag. `None` only if the cipher refuses (a value too long).
    pub(crate) fn seal(&self, name: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
        let nonce = Nonce::generate();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: name,
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// The plain value of `sealed` under the key name `name`; `None` when it
    /// does not open (another key, another name, a changed byte, another
    /// format).
    pub(crate) fn open(&self, name: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.open_with(
            std::iter::once(&self.cipher).chain(&self.also),
            name,
            sealed,
        )
    }

    /// Whether `sealed` opens under `name` with the seal key itself (not
    /// only with a key it is also opened with).
    pub(crate) fn opens_with_seal_key(&self, name: &[u8], sealed: &[u8]) -> bool {
        self.open_with(std::iter::once(&self.cipher), name, sealed)
            .is_some()
    }

    fn open_with<'a>(
        &self,
        ciphers: impl IntoIterator<Item = &'a Aes256Gcm>,
        name: &[u8],
        sealed: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let (&version, rest) = sealed.split_first()?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).ok()?;
        ciphers
            .into_iter()
            .find_map(|cipher| {
                let payload = Payload {
                    msg: body,
                    aad: name,
                };
                cipher.decrypt(&nonce, payload).ok()
            })
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_key_name_and_bytes() {
        let sealer = Sealer::new(&[7u8; 32]).expect("32 bytes");
        let sealed = sealer.seal(b"name", b"synthetic-token").expect("sealed");
        assert!(!sealed.windows(9).any(|w| w == b"synthetic"));
        assert_eq!(
            sealer.open(b"name", &sealed).as_deref().map(Vec::as_slice),
            Some(&b"synthetic-token"[..])
        );
        assert!(sealer.open(b"other", &sealed).is_none());
        let other = Sealer::new(&[8u8; 32]).expect("32 bytes");
        assert!(other.open(b"name", &sealed).is_none());
        for i in 0..sealed.len() {
            let mut changed = sealed.clone();
            changed[i] ^= 1;
            assert!(sealer.open(b"name", &changed).is_none(), "byte {i}");
        }
        assert!(sealer.open(b"name", &sealed[..10]).is_none());
        assert!(sealer.open(b"name", &[]).is_none());
        // Two seals of one value differ (fresh nonces).
        assert_ne!(
            sealed,
            sealer.seal(b"name", b"synthetic-token").expect("sealed")
        );
        assert!(Sealer::new(&[0u8; 31]).is_none());
        // A new key that also opens with the old one reads the old values.
        let mut rotated = Sealer::new(&[8u8; 32]).expect("32 bytes");
        assert!(rotated.open(b"name", &sealed).is_none());
        assert!(rotated.also_open_with(&[7u8; 32]));
        assert!(!rotated.also_open_with(&[7u8; 16]));
        assert!(rotated.open(b"name", &sealed).is_some());
        assert!(!rotated.opens_with_seal_key(b"name", &sealed));
        assert!(sealer.opens_with_seal_key(b"name", &sealed));
        assert!(
            sealer
                .open(b"name", &rotated.seal(b"name", b"x").expect("sealed"))
                .is_none()
        );
    }
}
