//! The Redis store's key names: an HMAC-SHA-256 of a [`StoreKey`] or a
//! [`PauseKey`] under a name key derived from the seal key.
//!
//! A store key is a plain hash of the clinic's settings and its client
//! secret; written to Redis as it is, anyone reading Redis could test
//! guesses of a tenant, a client id or a weak secret against it. Keyed under
//! the seal key, a name tells nothing to anyone without that key.
//!
//! [`StoreKey`]: super::StoreKey
//! [`PauseKey`]: super::PauseKey

use hmac::{KeyInit as _, Mac as _};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = hmac::Hmac<Sha256>;

/// What the name key is derived for (the seal key is used for nothing else
/// by HMAC).
const PURPOSE: &[u8] = b"accuro-store-key-names-v1";

/// The name keys: the seal key's, and those of the keys values are also
/// opened with (a key being rolled out or retired). `Debug` shows no key.
pub(crate) struct KeyNames {
    primary: Zeroizing<Vec<u8>>,
    also: Vec<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for KeyNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyNames([redacted])")
    }
}

/// The name key of `seal_key`.
fn derive(seal_key: &[u8]) -> Zeroizing<Vec<u8>> {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(seal_key) else {
        return Zeroizing::new(seal_key.to_vec());
    };
    mac.update(PURPOSE);
    Zeroizing::new(mac.finalize().into_bytes().to_vec())
}

/// `hash` under `key`, in hexadecimal.
fn keyed(key: &[u8], hash: &str) -> String {
    use std::fmt::Write as _;
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(hash.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

impl KeyNames {
    /// The names of a store sealed with `seal_key`.
    pub(crate) fn new(seal_key: &[u8]) -> Self {
        Self {
            primary: derive(seal_key),
            also: Vec::new(),
        }
    }

    /// Also looks values up under the names of `seal_key`.
    pub(crate) fn also(&mut self, seal_key: &[u8]) {
        self.also.push(derive(seal_key));
    }

    /// The name under which values for `hash` are written.
    pub(crate) fn primary(&self, hash: &str) -> String {
        keyed(&self.primary, hash)
    }

    /// The names under which values for `hash` written with the other keys
    /// are found.
    pub(crate) fn others(&self, hash: &str) -> Vec<String> {
        self.also.iter().map(|key| keyed(key, hash)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_depend_on_the_seal_key_and_the_hash_and_show_neither() {
        let hash = "3f".repeat(32);
        let a = KeyNames::new(&[1u8; 32]);
        let mut b = KeyNames::new(&[2u8; 32]);
        assert_eq!(a.primary(&hash), KeyNames::new(&[1u8; 32]).primary(&hash));
        assert_ne!(a.primary(&hash), b.primary(&hash));
        assert_ne!(a.primary(&hash), a.primary(&"40".repeat(32)));
        assert_eq!(a.primary(&hash).len(), 64);
        assert!(!a.primary(&hash).contains(&hash));
        b.also(&[1u8; 32]);
        assert_eq!(b.others(&hash), vec![a.primary(&hash)]);
        assert!(!format!("{a:?}").contains('1'));
    }
}
