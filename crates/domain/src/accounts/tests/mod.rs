//! Account use cases with mocked ports, one file per use case. This module holds what they
//! share: the [`Mocks`] behind a service, fixtures of sessions and tokens, and expectations of
//! the writes several use cases make (a session opened, a link mailed).

mod authenticate;
mod invitation;
mod lockout;
mod login;
mod password_reset;
mod reset_mail;
mod sessions;
mod signup;
mod tokens;
mod verification;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::TimeDelta;

use super::*;
use crate::core::Core;
use crate::fixtures::*;
use crate::notifications::{EmailKind, EmailPayload};
use crate::shared::{
    Email, FixedClock, OneTimeTokenId, RefreshTokenId, RequestContext, Role, Secret, SessionId, UserId,
};
use crate::store::Store;
use crate::tenancy::Slug;
use crate::test_world::Counted;
use crate::testing::{MockStore, SequentialIds};

/// The password every test user has.
const RIGHT_PASSWORD: &str = "violet-kettle-harbor-92";
/// The user agent of the test requests.
const USER_AGENT: &str = "Firefox/140";

/// The slug of the fixtures' academy.
fn acme() -> Slug {
    org().slug
}

/// The client IP of the test requests.
fn client_ip() -> IpAddr {
    IpAddr::from([203, 0, 113, 7])
}

/// The context of a public request from [`client_ip`].
fn ctx() -> RequestContext {
    RequestContext { request_id: "req-1".into(), ip: Some(client_ip()), user_agent: Some(USER_AGENT.into()) }
}

/// The actor of user `n` with role `role`, calling from [`client_ip`] with session `1000 + n`.
fn caller(n: u128, role: Role) -> crate::shared::Actor {
    actor(n, role).with_context(ctx())
}

/// What the test secret generator stores for a token.
fn hash_of(token: &str) -> TokenHash {
    TokenHash::new(format!("hash:{token}"))
}

/// A new password that passes the policy.
fn new_password() -> NewPassword {
    NewPassword::parse(RIGHT_PASSWORD, &[]).unwrap()
}

/// User `n`'s credentials, with the hash `phc`.
fn credentials(n: u128, role: Role) -> Credentials {
    Credentials { user: user(n, role), password_hash: Some(PasswordHash::new("phc")) }
}

/// An active session `n` of user `owner`, opened a day ago.
fn session(n: u128, owner: u128) -> AuthSession {
    AuthSession {
        id: id(n),
        organization_id: org_id(),
        user_id: user_id(owner),
        user_agent: Some(USER_AGENT.into()),
        ip: Some(client_ip()),
        created_at: now() - TimeDelta::days(1),
        last_used_at: now() - TimeDelta::hours(1),
        revoked_at: None,
    }
}

/// Refresh token `n` of session `session`, presented in clear as `secret`, issued an hour ago.
fn refresh_token(n: u128, session: u128, secret: &str) -> RefreshToken {
    RefreshToken {
        id: id::<RefreshTokenId>(n),
        organization_id: org_id(),
        session_id: id::<SessionId>(session),
        token_hash: hash_of(secret),
        created_at: now() - TimeDelta::hours(1),
        expires_at: now() + TimeDelta::days(29),
        rotated_at: None,
    }
}

/// A one-time token of `purpose` for user `owner`, emailed as `link`, issued ten minutes ago.
fn one_time_token(owner: u128, purpose: TokenPurpose) -> OneTimeToken {
    let issued = now() - TimeDelta::minutes(10);
    OneTimeToken::issue(id::<OneTimeTokenId>(700), org_id(), user_id(owner), purpose, hash_of("link"), issued)
}

/// The mocks behind an [`AccountService`]: set expectations, then [`Mocks::build`].
#[derive(Default)]
struct Mocks {
    store: MockStore,
    hasher: MockPasswordHasher,
    signer: MockTokenSigner,
    secrets: MockSecretGenerator,
    revocations: MockRevocationList,
    throttle: MockLoginThrottle,
    counted: Arc<Counted>,
}

impl Mocks {
    /// The service at [`now`], with the store kept to read its commit count.
    fn build(self) -> (AccountService, Arc<MockStore>) {
        let store = Arc::new(self.store);
        let core =
            Core::new(store.clone() as Arc<dyn Store>, Arc::new(FixedClock(now())), Arc::new(SequentialIds::default()))
                .with_metrics(self.counted);
        let security = SecurityPorts {
            hasher: Arc::new(self.hasher),
            signer: Arc::new(self.signer),
            secrets: Arc::new(self.secrets),
            revocations: Arc::new(self.revocations),
            throttle: Arc::new(self.throttle),
        };
        (AccountService::new(core, security, AuthConfig::default()), store)
    }

    /// Secrets `secret-1`, `secret-2`, … hashed as [`hash_of`], which `hash` also computes.
    fn with_secrets(&mut self) {
        let generated = AtomicU32::new(0);
        self.secrets.expect_generate().returning(move || {
            let secret = format!("secret-{}", generated.fetch_add(1, Ordering::SeqCst) + 1);
            (Secret::new(&secret), hash_of(&secret))
        });
        self.secrets.expect_hash().returning(hash_of);
    }

    /// Signs claims as `jwt:<session id>` after checking their lifetime.
    fn with_signer(&mut self) {
        self.signer
            .expect_sign()
            .withf(|c| c.issued_at == now() && c.not_before == now() && c.expires_at == now() + TimeDelta::minutes(15))
            .returning(|c| Ok(format!("jwt:{}", c.session_id)));
    }

    /// A throttle that holds no lock and counts a first failure.
    fn with_quiet_throttle(&mut self) {
        self.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
        self.throttle.expect_record_failure().returning(|_, _, _, _| Ok(FailureCounts::default()));
        self.throttle.expect_reset().returning(|_, _, _| Ok(()));
    }

    /// Expects one session for `owner` (any user when `None`), opened from the test context, and
    /// its first refresh token `secret`; returns the session once written.
    fn expect_session(&mut self, owner: Option<UserId>, secret: &'static str) -> Arc<Mutex<Option<AuthSession>>> {
        let written = Arc::new(Mutex::new(None::<AuthSession>));
        let keep = written.clone();
        self.store
            .auth_sessions
            .expect_insert()
            .withf(move |s| {
                owner.is_none_or(|o| s.user_id == o)
                    && (s.user_agent.as_deref(), s.ip) == (Some(USER_AGENT), Some(client_ip()))
                    && (s.created_at, s.last_used_at, s.revoked_at) == (now(), now(), None)
            })
            .times(1)
            .returning(move |s| {
                *keep.lock().unwrap() = Some(s.clone());
                Ok(())
            });
        let opened = written.clone();
        self.store
            .auth_sessions
            .expect_insert_refresh_token()
            .withf(move |t| {
                let session = opened.lock().unwrap().as_ref().map(|s| s.id);
                Some(t.session_id) == session
                    && t.token_hash == hash_of(secret)
                    && t.expires_at == now() + TimeDelta::days(30)
                    && t.rotated_at.is_none()
            })
            .times(1)
            .returning(|_| Ok(()));
        written
    }

    /// Expects one link of `purpose` mailed to `recipient`, carrying `secret` (stored hashed).
    fn expect_link(&mut self, purpose: TokenPurpose, recipient: &'static str, secret: &'static str) {
        self.store
            .one_time_tokens
            .expect_insert()
            .withf(move |t| {
                (t.purpose, t.token_hash.clone(), t.used_at) == (purpose, hash_of(secret), None)
                    && t.expires_at == now() + purpose.lifetime()
            })
            .times(1)
            .returning(|_| Ok(()));
        let kind = match purpose {
            TokenPurpose::EmailVerification => EmailKind::EmailVerification,
            TokenPurpose::PasswordReset => EmailKind::PasswordReset,
            TokenPurpose::TaInvitation => EmailKind::TaInvitation,
        };
        self.store
            .outbox
            .expect_enqueue()
            .withf(move |m| {
                m.kind() == kind && m.recipient.as_str() == recipient && emailed_token(&m.payload) == Some(secret)
            })
            .times(1)
            .returning(|_| Ok(()));
    }

    /// Expects that nothing is written and no email is sent.
    fn expect_no_writes(&mut self) {
        self.store.organizations.expect_insert().never();
        self.store.users.expect_insert().never();
        self.store.auth_sessions.expect_insert().never();
        self.store.auth_sessions.expect_insert_refresh_token().never();
        self.store.one_time_tokens.expect_insert().never();
        self.store.one_time_tokens.expect_queue_reset_request().never();
        self.store.outbox.expect_enqueue().never();
    }
}

/// The token an email carries, if it carries one.
fn emailed_token(payload: &EmailPayload) -> Option<&str> {
    match payload {
        EmailPayload::EmailVerification { token }
        | EmailPayload::PasswordReset { token }
        | EmailPayload::TaInvitation { token, .. } => Some(token.expose()),
        _ => None,
    }
}

/// An address of a test user.
fn email(n: u128) -> Email {
    user(n, Role::Student).email
}
