//! Argon2id hashing: round trips, the unknown-email path, the PHC parameters, malformed hashes.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use adapters_security::Argon2Hasher;
use domain::accounts::{Password, PasswordHash, PasswordHasher};

fn password(raw: &str) -> Password {
    Password::parse(raw).unwrap()
}

#[tokio::test]
async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
    let hasher = Argon2Hasher::new().unwrap();
    let hash = hasher.hash(&password("violet-kettle-harbor-92")).await.unwrap();
    assert!(hasher.verify(&password("violet-kettle-harbor-92"), Some(hash.clone())).await.unwrap());
    assert!(!hasher.verify(&password("violet-kettle-harbor-93"), Some(hash)).await.unwrap());
}

#[tokio::test]
async fn without_a_stored_hash_verification_is_false() {
    let hasher = Argon2Hasher::new().unwrap();
    assert!(!hasher.verify(&password("violet-kettle-harbor-92"), None).await.unwrap());
}

#[tokio::test]
async fn hashes_are_argon2id_phc_strings_with_owasp_parameters_and_fresh_salts() {
    let hasher = Argon2Hasher::new().unwrap();
    let first = hasher.hash(&password("violet-kettle-harbor-92")).await.unwrap();
    let second = hasher.hash(&password("violet-kettle-harbor-92")).await.unwrap();
    assert!(first.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", first.as_str());
    assert_ne!(first.as_str(), second.as_str(), "each hash has its own salt");
}

#[tokio::test]
async fn a_malformed_stored_hash_is_an_error() {
    let hasher = Argon2Hasher::new().unwrap();
    for bad in ["", "not a hash", "$argon2id$v=19$m=19456", "$2b$12$abcdefghijklmnopqrstuv"] {
        let result = hasher.verify(&password("violet-kettle-harbor-92"), Some(PasswordHash::new(bad))).await;
        assert!(result.is_err(), "{bad:?} gave {result:?}");
    }
}

#[tokio::test]
async fn hashes_of_other_parameters_still_verify() {
    let cheap = Argon2Hasher::with_params(64, 1, 1).unwrap();
    let hash = cheap.hash(&password("violet-kettle-harbor-92")).await.unwrap();
    assert!(hash.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
    let owasp = Argon2Hasher::new().unwrap();
    assert!(owasp.verify(&password("violet-kettle-harbor-92"), Some(hash)).await.unwrap());
}

#[test]
fn parameters_out_of_range_are_refused() {
    assert!(Argon2Hasher::with_params(1, 1, 1).is_err());
    assert!(Argon2Hasher::with_params(64, 0, 1).is_err());
}

#[test]
fn debug_output_shows_no_hash() {
    let hasher = Argon2Hasher::with_params(64, 1, 1).unwrap();
    let shown = format!("{hasher:?}");
    assert!(shown.contains("Argon2Hasher") && !shown.contains("$argon2"), "{shown}");
}
