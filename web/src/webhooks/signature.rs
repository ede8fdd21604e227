//! Webhook signatures: every delivery carries `X-Metrics-Hub-Signature: t=<unix seconds>,v1=<hex>`
//! where the hex is HMAC-SHA256, keyed with the webhook's secret, of `<t>.<raw body>`. The
//! timestamp inside the signed text lets a receiver refuse replays (docs/alerts.md: reject a
//! `t` more than five minutes away from its clock). Secrets are generated here.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Metrics-Hub-Signature";
/// The header carrying the delivery's id (the same on every attempt: receivers may use it to
/// drop a repeat when an answer was lost).
pub const DELIVERY_HEADER: &str = "X-Metrics-Hub-Delivery";
/// What every generated secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new secret: [`SECRET_PREFIX`] and 32 random bytes in hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", hex(&bytes))
}

/// The value of [`SIGNATURE_HEADER`] for `body` sent at `timestamp` (Unix seconds).
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// HMAC-SHA256 of `<timestamp>.<body>` keyed with `secret`, in lower-case hex.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value a receiver computes with `openssl` (docs/alerts.md):
    /// `printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test`.
    #[test]
    fn signatures_match_a_reference_hmac() {
        let value = header_value("whsec_test", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            value,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_ne!(
            sign("whsec_test", 1_700_000_001, b"{}"),
            sign("whsec_test", 1_700_000_000, b"{}")
        );
    }

    #[test]
    fn secrets_are_long_and_different() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with(SECRET_PREFIX) && a.len() == SECRET_PREFIX.len() + 64);
        assert_ne!(a, b);
    }
}
