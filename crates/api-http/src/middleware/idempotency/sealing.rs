//! The keyed digests and the sealing of recorded responses.
//!
//! Everything the store keeps of a keyed request is derived under the service's secret
//! (HMAC-SHA-256): the scope (who, method, path, key) and the fingerprint (media type and body)
//! are keyed digests, so the table holds no personal data and no body that could be guessed
//! back (a login body holds a password); the response's headers and body are encrypted
//! (ChaCha20-Poly1305) under a key derived from the same secret *and the client's key*, which
//! the store never sees: a copy of the database alone does not open a response that carries
//! tokens (sign-up, login, refresh).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use edge::StoredResponse;
use hmac::{Hmac, KeyInit as _, Mac as _};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom as _, SystemRandom};
use sha2::Sha256;

/// The secret the digests and sealing keys derive from (32 bytes, from the service's secret).
#[derive(Clone)]
pub struct IdempotencySecret([u8; 32]);

impl std::fmt::Debug for IdempotencySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdempotencySecret(..)")
    }
}

/// What a request's scope is made of.
#[derive(Debug, Clone, Copy)]
pub struct ScopeParts<'a> {
    /// `user:<id>` for a validly signed token, else `ip:<address>`.
    pub who: &'a str,
    /// The method.
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// The client's `Idempotency-Key`.
    pub key: &'a str,
}

impl ScopeParts<'_> {
    fn parts(&self) -> [&[u8]; 4] {
        [self.who.as_bytes(), self.method.as_bytes(), self.path.as_bytes(), self.key.as_bytes()]
    }
}

/// A sealed response that would not open: made under another secret, or altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the recorded response cannot be opened")]
pub struct Unsealable;

impl IdempotencySecret {
    /// Derives the idempotency secret from the service's secret, so that no second secret has
    /// to be configured (and rotating the service's secret forgets the recorded outcomes).
    pub fn derive(service_secret: &[u8]) -> Self {
        Self(mac(service_secret, &[b"engify/idempotency/v1"]))
    }

    /// The store's key for a request: a keyed digest of who, method, path and key.
    pub fn scope(&self, parts: &ScopeParts<'_>) -> String {
        let [who, method, path, key] = parts.parts();
        URL_SAFE_NO_PAD.encode(mac(&self.0, &[b"scope", who, method, path, key]))
    }

    /// "The same request": a keyed digest of the media type and the body.
    pub fn fingerprint(&self, content_type: &[u8], body: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(mac(&self.0, &[b"body", content_type, body]))
    }

    fn sealing_key(&self, parts: &ScopeParts<'_>) -> LessSafeKey {
        let [who, method, path, key] = parts.parts();
        let bytes = mac(&self.0, &[b"seal", who, method, path, key]);
        // A 32-byte key always fits ChaCha20-Poly1305.
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &bytes).unwrap_or_else(|_| unreachable!()))
    }

    /// The response's headers and body, encrypted for this scope: a random nonce, then the
    /// ciphertext and its tag.
    pub fn seal(&self, parts: &ScopeParts<'_>, response: &StoredResponse) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        // The system's random source does not fail on the platforms this runs on; a fixed
        // nonce would still be unique per key, as every scope has a key of its own.
        let _ = SystemRandom::new().fill(&mut nonce);
        let mut data = encode(response);
        let aad = Aad::from(response.status.to_be_bytes());
        let key = self.sealing_key(parts);
        // Encryption in place fails only for inputs over ~256 GiB.
        if key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), aad, &mut data).is_err() {
            data.clear();
        }
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&data);
        sealed
    }

    /// The response sealed by [`IdempotencySecret::seal`] for this scope and status.
    ///
    /// # Errors
    /// [`Unsealable`] when it was sealed under another secret or scope, or altered.
    pub fn open(&self, parts: &ScopeParts<'_>, status: u16, sealed: &[u8]) -> Result<StoredResponse, Unsealable> {
        let (nonce, data) = sealed.split_at_checked(NONCE_LEN).ok_or(Unsealable)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Unsealable)?;
        let mut data = data.to_vec();
        let plain = self
            .sealing_key(parts)
            .open_in_place(nonce, Aad::from(status.to_be_bytes()), &mut data)
            .map_err(|_| Unsealable)?;
        decode(status, plain).ok_or(Unsealable)
    }
}

/// HMAC-SHA-256 of length-prefixed parts (no two different lists of parts digest alike).
fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Headers and body as bytes: the header count, each name and value length-prefixed, then the
/// body.
fn encode(response: &StoredResponse) -> Vec<u8> {
    let mut out = Vec::with_capacity(response.body.len() + 64);
    out.extend_from_slice(&(response.headers.len() as u32).to_be_bytes());
    for (name, value) in &response.headers {
        for text in [name, value] {
            out.extend_from_slice(&(text.len() as u32).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.extend_from_slice(&response.body);
    out
}

fn decode(status: u16, bytes: &[u8]) -> Option<StoredResponse> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = bytes.split_at_checked(n)?;
        *bytes = rest;
        Some(head)
    }
    fn length(bytes: &mut &[u8]) -> Option<usize> {
        usize::try_from(u32::from_be_bytes(take(bytes, 4)?.try_into().ok()?)).ok()
    }
    let mut rest = bytes;
    let count = length(&mut rest)?;
    let mut headers = Vec::with_capacity(count.min(16));
    for _ in 0..count {
        let n = length(&mut rest)?;
        let name = take(&mut rest, n)?;
        let n = length(&mut rest)?;
        let value = take(&mut rest, n)?;
        headers.push((String::from_utf8(name.to_vec()).ok()?, String::from_utf8(value.to_vec()).ok()?));
    }
    Some(StoredResponse { status, headers, body: rest.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: ScopeParts<'static> = ScopeParts { who: "user:1", method: "POST", path: "/api/v1/x", key: "k-1" };

    fn response() -> StoredResponse {
        StoredResponse {
            status: 201,
            headers: vec![("content-type".into(), "application/json".into()), ("location".into(), "/x/1".into())],
            body: br#"{"refreshToken":"secret-token-value"}"#.to_vec(),
        }
    }

    #[test]
    fn a_sealed_response_opens_for_its_scope_only_and_hides_its_body() {
        let secret = IdempotencySecret::derive(b"a service secret of at least 32 bytes");
        let sealed = secret.seal(&PARTS, &response());
        assert!(!sealed.windows(b"secret-token-value".len()).any(|w| w == b"secret-token-value"), "not in clear");
        assert_eq!(secret.open(&PARTS, 201, &sealed), Ok(response()));
        let other_key = ScopeParts { key: "k-2", ..PARTS };
        assert_eq!(secret.open(&other_key, 201, &sealed), Err(Unsealable));
        assert_eq!(secret.open(&PARTS, 200, &sealed), Err(Unsealable), "the status is authenticated too");
        let other_secret = IdempotencySecret::derive(b"another service secret, 32 bytes+");
        assert_eq!(other_secret.open(&PARTS, 201, &sealed), Err(Unsealable));
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(secret.open(&PARTS, 201, &altered), Err(Unsealable));
        assert_eq!(secret.open(&PARTS, 201, &sealed[..5]), Err(Unsealable));
    }

    #[test]
    fn digests_are_keyed_and_length_prefixed() {
        let secret = IdempotencySecret::derive(b"a service secret of at least 32 bytes");
        let other = IdempotencySecret::derive(b"another service secret, 32 bytes+");
        assert_eq!(secret.scope(&PARTS), secret.scope(&PARTS));
        assert_ne!(secret.scope(&PARTS), other.scope(&PARTS));
        assert_ne!(secret.scope(&PARTS), secret.scope(&ScopeParts { who: "user:2", ..PARTS }));
        assert_ne!(secret.fingerprint(b"ab", b"c"), secret.fingerprint(b"a", b"bc"));
        assert_ne!(secret.fingerprint(b"", b"{}"), other.fingerprint(b"", b"{}"));
    }
}
