#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod jwt;
mod password;
mod tokens;

pub use jwt::{JwtConfigError, JwtSigner, MIN_SECRET_BYTES};
pub use password::Argon2Hasher;
pub use tokens::{RandomTokens, TOKEN_BYTES};
