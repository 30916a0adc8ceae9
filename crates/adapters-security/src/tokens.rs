//! Opaque tokens (refresh tokens, one-time links): 256 bits from the operating system's random
//! number generator, URL-safe, stored only as their SHA-256.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::accounts::{SecretGenerator, TokenHash};
use domain::shared::Secret;
use rand::TryRng as _;
use sha2::{Digest as _, Sha256};

/// Random bytes in a token: 256 bits.
pub const TOKEN_BYTES: usize = 32;

/// Generates tokens of [`TOKEN_BYTES`] random bytes as base64url without padding (43
/// characters, safe in a URL query), and hashes them as the lowercase hex SHA-256 of the token
/// text.
///
/// A fast unsalted hash is enough here, unlike for passwords: the tokens carry 256 random bits,
/// so a stolen hash cannot be reversed by guessing.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomTokens;

impl RandomTokens {
    /// The generator.
    pub const fn new() -> Self {
        Self
    }
}

impl SecretGenerator for RandomTokens {
    fn generate(&self) -> (Secret, TokenHash) {
        let mut bytes = [0u8; TOKEN_BYTES];
        if rand::rngs::SysRng.try_fill_bytes(&mut bytes).is_err() {
            // The port is infallible. The OS generator practically never fails once the
            // process runs; should it, the thread-local CSPRNG (ChaCha, seeded from the OS)
            // is still unpredictable.
            rand::fill(&mut bytes);
        }
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = self.hash(&token);
        (Secret::new(token), hash)
    }

    fn hash(&self, token: &str) -> TokenHash {
        let digest = Sha256::digest(token.as_bytes());
        let mut hex = String::with_capacity(2 * digest.len());
        for byte in digest.iter() {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        TokenHash::new(hex)
    }
}

/// Lowercase hex digits.
const HEX: &[u8; 16] = b"0123456789abcdef";
