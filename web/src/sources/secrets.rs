//! Connection secrets at rest: AES-256-GCM under a key derived from `APP_SOURCES__SECRET_KEY`
//! (SHA-256 of it), stored as `nonce (12 bytes) || ciphertext+tag`, with a fresh random nonce
//! per encryption. A stolen database dump without the settings reveals no API token.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

const NONCE_BYTES: usize = 12;

/// Why a stored secret could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the stored secret could not be encrypted")]
    Encrypt,
    #[error("the stored secret could not be decrypted (was APP_SOURCES__SECRET_KEY changed?)")]
    Decrypt,
}

/// Encrypts and decrypts connection secrets.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// A box keyed by SHA-256 of `key`.
    pub fn new(key: &SecretString) -> Self {
        let digest: [u8; 32] = Sha256::digest(key.expose_secret().as_bytes()).into();
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(digest)),
        }
    }

    /// `nonce || ciphertext` of `plain`.
    pub fn encrypt(&self, plain: &str) -> Result<Vec<u8>, SecretError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| SecretError::Encrypt)?;
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plain text of what [`SecretBox::encrypt`] made.
    pub fn decrypt(&self, stored: &[u8]) -> Result<SecretString, SecretError> {
        if stored.len() < NONCE_BYTES {
            return Err(SecretError::Decrypt);
        }
        let (nonce, sealed) = stored.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| SecretError::Decrypt)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| SecretError::Decrypt)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| SecretError::Decrypt)
    }
}

/// The last characters of a secret (at most 4, fewer for short secrets), to tell connections
/// apart without revealing them.
pub fn hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let shown = if chars.len() >= 12 {
        4
    } else {
        chars.len() / 4
    };
    let tail: String = chars[chars.len() - shown..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_a_fresh_nonce_and_refuses_another_key() {
        let a = SecretBox::new(&SecretString::from("k".repeat(32)));
        let b = SecretBox::new(&SecretString::from("j".repeat(32)));
        let (Ok(one), Ok(two)) = (a.encrypt("ghp_secret"), a.encrypt("ghp_secret")) else {
            panic!("encryption failed");
        };
        assert_ne!(one, two, "nonces must differ");
        assert!(!one.windows(10).any(|w| w == b"ghp_secret"));
        let Ok(plain) = a.decrypt(&one) else {
            panic!("decryption failed")
        };
        assert_eq!(plain.expose_secret(), "ghp_secret");
        assert!(b.decrypt(&one).is_err());
        let mut tampered = one.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert!(a.decrypt(&tampered).is_err());
        assert!(a.decrypt(&[1, 2]).is_err());
    }

    #[test]
    fn hints_show_little() {
        assert_eq!(hint("ghp_abcdefgh1234"), "…1234");
        assert_eq!(hint("abc"), "…");
        assert_eq!(hint("abcdefgh"), "…gh");
    }
}
