//! Opaque tokens: shape, uniqueness, and the hash stored for them.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use std::collections::HashSet;

use adapters_security::RandomTokens;
use domain::accounts::SecretGenerator;

#[test]
fn tokens_are_43_url_safe_characters() {
    let (token, _) = RandomTokens::new().generate();
    let token = token.expose();
    assert_eq!(token.len(), 43, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
}

#[test]
fn tokens_are_distinct() {
    let tokens = RandomTokens::new();
    let seen: HashSet<String> = (0..1000).map(|_| tokens.generate().0.expose().to_owned()).collect();
    assert_eq!(seen.len(), 1000);
}

#[test]
fn the_hash_of_a_presented_token_matches_the_generated_one() {
    let tokens = RandomTokens::new();
    let (token, hash) = tokens.generate();
    assert_eq!(tokens.hash(token.expose()), hash);
    assert_ne!(tokens.hash(&format!("{}x", token.expose())), hash);
}

#[test]
fn hashes_are_64_lowercase_hex_characters_of_sha256() {
    let hash = RandomTokens::new().hash("abc");
    assert_eq!(hash.as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let (_, hash) = RandomTokens::new().generate();
    assert_eq!(hash.as_str().len(), 64);
    assert!(hash.as_str().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}
