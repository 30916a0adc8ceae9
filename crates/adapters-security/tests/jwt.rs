//! Access tokens: every claim round-trips, and every kind of forged, stale or foreign token is
//! refused.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use adapters_security::{JwtConfigError, JwtSigner};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::{AccessClaims, InvalidAccessToken, TokenSigner};
use domain::shared::{OrganizationId, Role, SessionId, UserId};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use uuid::Uuid;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const ISSUER: &str = "https://engify.example";
const AUDIENCE: &str = "engify-api";

fn signer() -> JwtSigner {
    JwtSigner::new(SECRET, ISSUER, AUDIENCE).unwrap()
}

/// Now, to the second (JWT instants are whole seconds).
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap()
}

fn claims(role: Role, issued_at: DateTime<Utc>) -> AccessClaims {
    AccessClaims {
        user_id: UserId::from_uuid(Uuid::now_v7()),
        organization_id: OrganizationId::from_uuid(Uuid::now_v7()),
        role,
        session_id: SessionId::from_uuid(Uuid::now_v7()),
        issued_at,
        not_before: issued_at,
        expires_at: issued_at + TimeDelta::minutes(15),
    }
}

/// The JSON claims of a valid token, to be altered by a test.
fn raw_claims() -> serde_json::Value {
    let now = Utc::now().timestamp();
    json!({
        "sub": Uuid::now_v7(), "org": Uuid::now_v7(), "role": "student", "sid": Uuid::now_v7(),
        "iat": now, "nbf": now, "exp": now + 900, "iss": ISSUER, "aud": AUDIENCE,
    })
}

fn sign_raw(alg: Algorithm, secret: &[u8], claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

#[test]
fn every_claim_round_trips() {
    let signer = signer();
    for role in Role::ALL {
        let claims = claims(role, now());
        let token = signer.sign(&claims).unwrap();
        assert_eq!(signer.verify(&token), Ok(claims));
    }
}

#[test]
fn the_token_carries_the_documented_json_claims() {
    let claims = claims(Role::Ta, now());
    let token = signer().sign(&claims).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(json["sub"], claims.user_id.to_string());
    assert_eq!(json["org"], claims.organization_id.to_string());
    assert_eq!(json["sid"], claims.session_id.to_string());
    assert_eq!(json["role"], "ta");
    assert_eq!(json["iat"], claims.issued_at.timestamp());
    assert_eq!(json["nbf"], claims.not_before.timestamp());
    assert_eq!(json["exp"], claims.expires_at.timestamp());
    assert_eq!((json["iss"].as_str(), json["aud"].as_str()), (Some(ISSUER), Some(AUDIENCE)));
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
}

#[test]
fn an_unsigned_alg_none_token_is_refused() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(raw_claims().to_string());
    assert_eq!(signer().verify(&format!("{header}.{payload}.")), Err(InvalidAccessToken));
}

#[test]
fn a_token_signed_with_another_key_is_refused() {
    let token = sign_raw(Algorithm::HS256, b"another secret of thirty-two bytes!!", &raw_claims());
    assert_eq!(signer().verify(&token), Err(InvalidAccessToken));
}

#[test]
fn a_token_signed_with_another_algorithm_is_refused() {
    let token = sign_raw(Algorithm::HS384, SECRET, &raw_claims());
    assert_eq!(signer().verify(&token), Err(InvalidAccessToken));
}

#[test]
fn an_expired_token_is_refused() {
    let claims = claims(Role::Student, now() - TimeDelta::hours(2));
    assert!(claims.expires_at < Utc::now() - TimeDelta::minutes(59), "expired an hour or more ago");
    let token = signer().sign(&claims).unwrap();
    assert_eq!(signer().verify(&token), Err(InvalidAccessToken));
}

#[test]
fn a_token_not_yet_valid_is_refused() {
    let mut claims = claims(Role::Student, now());
    claims.not_before = now() + TimeDelta::hours(1);
    claims.expires_at = now() + TimeDelta::hours(2);
    let token = signer().sign(&claims).unwrap();
    assert_eq!(signer().verify(&token), Err(InvalidAccessToken));
}

#[test]
fn a_token_of_another_issuer_or_audience_is_refused() {
    let claims = claims(Role::Admin, now());
    let other_issuer = JwtSigner::new(SECRET, "https://evil.example", AUDIENCE).unwrap().sign(&claims).unwrap();
    assert_eq!(signer().verify(&other_issuer), Err(InvalidAccessToken));
    let other_audience = JwtSigner::new(SECRET, ISSUER, "another-api").unwrap().sign(&claims).unwrap();
    assert_eq!(signer().verify(&other_audience), Err(InvalidAccessToken));
}

#[test]
fn tokens_missing_a_required_claim_are_refused() {
    for claim in ["exp", "nbf", "iss", "aud", "sub"] {
        let mut raw = raw_claims();
        raw.as_object_mut().unwrap().remove(claim);
        let token = sign_raw(Algorithm::HS256, SECRET, &raw);
        assert_eq!(signer().verify(&token), Err(InvalidAccessToken), "without {claim}");
    }
    let mut raw = raw_claims();
    raw["role"] = json!("superuser");
    assert_eq!(signer().verify(&sign_raw(Algorithm::HS256, SECRET, &raw)), Err(InvalidAccessToken));
}

#[test]
fn garbage_is_refused() {
    for garbage in ["", "garbage", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30."] {
        assert_eq!(signer().verify(garbage), Err(InvalidAccessToken), "{garbage:?}");
    }
}

#[test]
fn short_secrets_and_empty_names_are_refused() {
    assert_eq!(JwtSigner::new(&SECRET[..31], ISSUER, AUDIENCE).unwrap_err(), JwtConfigError::SecretTooShort(31));
    assert_eq!(JwtSigner::new(SECRET, "", AUDIENCE).unwrap_err(), JwtConfigError::EmptyIssuer);
    assert_eq!(JwtSigner::new(SECRET, ISSUER, "").unwrap_err(), JwtConfigError::EmptyAudience);
}

#[test]
fn debug_output_hides_the_key() {
    let shown = format!("{:?}", signer());
    assert!(shown.contains(ISSUER) && !shown.contains("0123456789abcdef"), "{shown}");
}
