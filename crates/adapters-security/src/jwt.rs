//! Access tokens as HS256 JWTs: the claims' JSON shape, signing, and a validation pinned so
//! that `alg=none`, other algorithms, other keys, expired or not-yet-valid tokens and tokens of
//! another issuer or audience are all refused. Tokens that passed are remembered (bounded), so
//! that a client's every request with the same token costs a lookup, not a MAC and a parse.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::accounts::{AccessClaims, InvalidAccessToken, TokenSigner};
use domain::shared::{OrganizationId, Role, SessionId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The shortest accepted HS256 secret: 256 bits, the size of the MAC (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// Clock skew tolerated on `exp` and `nbf` between the instances of a deployment.
const LEEWAY_SECONDS: u64 = 5;

/// The most verified tokens remembered (least recently used go first): a few MB.
const REMEMBERED_TOKENS: u64 = 10_000;

/// The longest a verified token is remembered; its own `exp` still ends it sooner.
const REMEMBERED_FOR: Duration = Duration::from_secs(3600);

/// Why a [`JwtSigner`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtConfigError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (got {0})")]
    SecretTooShort(usize),
    /// The issuer is empty.
    #[error("the JWT issuer must not be empty")]
    EmptyIssuer,
    /// The audience is empty.
    #[error("the JWT audience must not be empty")]
    EmptyAudience,
}

/// The JSON claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    org: Uuid,
    role: String,
    sid: Uuid,
    iat: i64,
    nbf: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// Signs and verifies HS256 access tokens for one issuer and audience.
///
/// Instants are carried as whole unix seconds, as JWT requires: sub-second parts of the
/// claims are dropped when signing.
///
/// A token that passes verification is remembered by its exact text (clones share the
/// memory): the same text again is the same signed claims, so only its time window is checked
/// again. Refused tokens are not remembered.
#[derive(Clone)]
pub struct JwtSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    verified: moka::sync::Cache<String, AccessClaims>,
}

impl JwtSigner {
    /// A signer with this secret, issuer (`iss`) and audience (`aud`).
    ///
    /// # Errors
    /// When the secret is shorter than [`MIN_SECRET_BYTES`], or the issuer or audience is empty.
    pub fn new(secret: &[u8], issuer: impl Into<String>, audience: impl Into<String>) -> Result<Self, JwtConfigError> {
        let (issuer, audience) = (issuer.into(), audience.into());
        if secret.len() < MIN_SECRET_BYTES {
            return Err(JwtConfigError::SecretTooShort(secret.len()));
        }
        if issuer.is_empty() {
            return Err(JwtConfigError::EmptyIssuer);
        }
        if audience.is_empty() {
            return Err(JwtConfigError::EmptyAudience);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Pinned explicitly rather than trusting the defaults of a future version.
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.leeway = LEEWAY_SECONDS;
        validation.reject_tokens_expiring_in_less_than = 0;
        validation.set_issuer(&[issuer.as_str()]);
        validation.set_audience(&[audience.as_str()]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer,
            audience,
            verified: moka::sync::Cache::builder().max_capacity(REMEMBERED_TOKENS).time_to_live(REMEMBERED_FOR).build(),
        })
    }

    /// [`TokenSigner::verify`] at `now`, for a token already remembered; `None` when it is not.
    fn remembered(&self, token: &str, now: DateTime<Utc>) -> Option<Result<AccessClaims, InvalidAccessToken>> {
        let claims = self.verified.get(token)?;
        Some(if within_window(&claims, now) { Ok(claims) } else { Err(InvalidAccessToken) })
    }

    /// Verifies `token` as at `now` (the signature and claims in full unless remembered).
    fn verify_at(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, InvalidAccessToken> {
        if let Some(outcome) = self.remembered(token, now) {
            return outcome;
        }
        let claims = self.decode(token)?;
        self.verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }

    fn decode(&self, token: &str) -> Result<AccessClaims, InvalidAccessToken> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| InvalidAccessToken)?;
        let claims = data.claims;
        let instant = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).ok_or(InvalidAccessToken);
        Ok(AccessClaims {
            user_id: UserId::from_uuid(claims.sub),
            organization_id: OrganizationId::from_uuid(claims.org),
            role: Role::parse(&claims.role).map_err(|_| InvalidAccessToken)?,
            session_id: SessionId::from_uuid(claims.sid),
            issued_at: instant(claims.iat)?,
            not_before: instant(claims.nbf)?,
            expires_at: instant(claims.exp)?,
        })
    }

    /// The `iss` of the tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `aud` of the tokens.
    pub fn audience(&self) -> &str {
        &self.audience
    }
}

impl fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("JwtSigner")
            .field("algorithm", &Algorithm::HS256)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl TokenSigner for JwtSigner {
    fn sign(&self, claims: &AccessClaims) -> Result<String, anyhow::Error> {
        let body = Claims {
            sub: claims.user_id.as_uuid(),
            org: claims.organization_id.as_uuid(),
            role: claims.role.as_str().to_owned(),
            sid: claims.session_id.as_uuid(),
            iat: claims.issued_at.timestamp(),
            nbf: claims.not_before.timestamp(),
            exp: claims.expires_at.timestamp(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &body, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing an access token: {e}"))
    }

    fn verify(&self, token: &str) -> Result<AccessClaims, InvalidAccessToken> {
        self.verify_at(token, Utc::now())
    }
}

/// The time checks of the validation, with its leeway: not expired (`exp` + leeway not passed)
/// and already valid (`nbf` − leeway reached).
fn within_window(claims: &AccessClaims, now: DateTime<Utc>) -> bool {
    let leeway = chrono::TimeDelta::seconds(i64::try_from(LEEWAY_SECONDS).unwrap_or(0));
    now <= claims.expires_at + leeway && now >= claims.not_before - leeway
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::TimeDelta;

    use super::*;

    fn signer() -> JwtSigner {
        JwtSigner::new(b"0123456789abcdef0123456789abcdef", "https://engify.example", "engify-api").unwrap()
    }

    fn claims(now: DateTime<Utc>) -> AccessClaims {
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap();
        AccessClaims {
            user_id: UserId::from_uuid(Uuid::now_v7()),
            organization_id: OrganizationId::from_uuid(Uuid::now_v7()),
            role: Role::Student,
            session_id: SessionId::from_uuid(Uuid::now_v7()),
            issued_at: now,
            not_before: now,
            expires_at: now + TimeDelta::minutes(15),
        }
    }

    #[test]
    fn a_remembered_token_is_still_refused_outside_its_time_window() {
        let signer = signer();
        let now = Utc::now();
        let claims = claims(now);
        let token = signer.sign(&claims).unwrap();
        assert_eq!(signer.verify_at(&token, now), Ok(claims.clone()));
        assert!(signer.remembered(&token, now).is_some(), "remembered after it passed");
        let edge = claims.expires_at + TimeDelta::seconds(5);
        assert_eq!(signer.verify_at(&token, edge), Ok(claims.clone()), "within the leeway");
        assert_eq!(signer.verify_at(&token, edge + TimeDelta::seconds(1)), Err(InvalidAccessToken));
        let early = claims.not_before - TimeDelta::seconds(6);
        assert_eq!(signer.verify_at(&token, early), Err(InvalidAccessToken));
    }

    #[test]
    fn refused_tokens_are_not_remembered_and_clones_share_the_memory() {
        let signer = signer();
        let token = signer.sign(&claims(Utc::now())).unwrap();
        let forged = format!("{}x", token);
        assert_eq!(signer.verify(&forged), Err(InvalidAccessToken));
        assert!(signer.remembered(&forged, Utc::now()).is_none());
        let clone = signer.clone();
        signer.verify(&token).unwrap();
        assert!(clone.remembered(&token, Utc::now()).is_some());
    }
}
