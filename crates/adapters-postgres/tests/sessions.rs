//! Authentication sessions, refresh tokens and one-time tokens: round trips, and every
//! conditional update wins once and only once.

mod common;
mod fixtures;

use chrono::TimeDelta;
use domain::accounts::{AuthSession, OneTimeToken, RefreshToken, TokenHash, TokenPurpose};
use domain::shared::{OrganizationId, SessionId, UserId};
use domain::store::Repositories;
use fixtures::{at, new_id, org, t0, user};

fn session(org: OrganizationId, user: UserId, last_used_minutes: i64) -> AuthSession {
    AuthSession {
        id: new_id(),
        organization_id: org,
        user_id: user,
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64)".into()),
        ip: Some("203.0.113.7".parse().expect("an IP")),
        created_at: t0(),
        last_used_at: at(last_used_minutes),
        revoked_at: None,
    }
}

#[tokio::test]
async fn sessions_round_trip_and_list_active_most_recent_first() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let ada = user(repos, acme.id, "ada@example.com", "Ada", domain::shared::Role::Student).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", domain::shared::Role::Student).await;
        let old = session(acme.id, ada.id, 1);
        let recent =
            AuthSession { user_agent: None, ip: Some("2001:db8::1".parse().unwrap()), ..session(acme.id, ada.id, 9) };
        let bare = AuthSession { user_agent: None, ip: None, ..session(acme.id, ada.id, 5) };
        let revoked = AuthSession { revoked_at: Some(at(3)), ..session(acme.id, ada.id, 2) };
        for s in [&old, &recent, &bare, &revoked, &session(acme.id, bob.id, 1)] {
            repos.auth_sessions().insert(s).await.unwrap();
        }
        for s in [&old, &recent, &bare, &revoked] {
            assert_eq!(repos.auth_sessions().get(s.id).await.unwrap().as_ref(), Some(s), "{b:?}");
        }
        assert_eq!(repos.auth_sessions().get(new_id()).await.unwrap(), None, "{b:?}");

        let active = repos.auth_sessions().list_active(acme.id, ada.id).await.unwrap();
        assert_eq!(active, vec![recent.clone(), bare.clone(), old.clone()], "{b:?}");
        assert!(repos.auth_sessions().list_active(other.id, ada.id).await.unwrap().is_empty(), "{b:?}");

        repos.auth_sessions().touch(old.id, at(20)).await.unwrap();
        let active = repos.auth_sessions().list_active(acme.id, ada.id).await.unwrap();
        assert_eq!(active.first().map(|s| (s.id, s.last_used_at)), Some((old.id, at(20))), "{b:?}");
    }
}

#[tokio::test]
async fn revoking_wins_once_and_revoke_all_reports_what_it_revoked() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", domain::shared::Role::Student).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", domain::shared::Role::Student).await;
        let (one, two, three) = (session(acme.id, ada.id, 1), session(acme.id, ada.id, 2), session(acme.id, ada.id, 3));
        let bobs = session(acme.id, bob.id, 1);
        for s in [&one, &two, &three, &bobs] {
            repos.auth_sessions().insert(s).await.unwrap();
        }

        assert!(repos.auth_sessions().revoke(one.id, at(10)).await.unwrap(), "{b:?}");
        assert!(!repos.auth_sessions().revoke(one.id, at(11)).await.unwrap(), "{b:?}: already revoked");
        let got = repos.auth_sessions().get(one.id).await.unwrap().unwrap();
        assert_eq!(got.revoked_at, Some(at(10)), "{b:?}: the first revocation's time stays");

        let mut expected = vec![two.id, three.id];
        expected.sort();
        assert_eq!(repos.auth_sessions().revoke_all(acme.id, ada.id, at(20)).await.unwrap(), expected, "{b:?}");
        assert!(repos.auth_sessions().revoke_all(acme.id, ada.id, at(21)).await.unwrap().is_empty(), "{b:?}");
        assert!(repos.auth_sessions().list_active(acme.id, ada.id).await.unwrap().is_empty(), "{b:?}");
        assert_eq!(repos.auth_sessions().list_active(acme.id, bob.id).await.unwrap(), vec![bobs.clone()], "{b:?}");

        let mut since: Vec<SessionId> = repos.auth_sessions().revoked_since(at(20)).await.unwrap();
        since.sort();
        assert_eq!(since, expected, "{b:?}: revoked at or after");
        assert_eq!(repos.auth_sessions().revoked_since(at(10)).await.unwrap().len(), 3, "{b:?}");
        assert!(repos.auth_sessions().revoked_since(at(21)).await.unwrap().is_empty(), "{b:?}");
    }
}

#[tokio::test]
async fn refresh_tokens_rotate_once() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", domain::shared::Role::Student).await;
        let s = session(acme.id, ada.id, 0);
        repos.auth_sessions().insert(&s).await.unwrap();
        let token = RefreshToken {
            id: new_id(),
            organization_id: acme.id,
            session_id: s.id,
            token_hash: TokenHash::new("9f86d081884c7d65"),
            created_at: t0(),
            expires_at: t0() + TimeDelta::days(30),
            rotated_at: None,
        };
        repos.auth_sessions().insert_refresh_token(&token).await.unwrap();
        let found = repos.auth_sessions().find_refresh_token(&token.token_hash).await.unwrap();
        assert_eq!(found, Some(token.clone()), "{b:?}");
        assert_eq!(repos.auth_sessions().find_refresh_token(&TokenHash::new("00")).await.unwrap(), None, "{b:?}");

        assert!(repos.auth_sessions().mark_rotated(token.id, at(5)).await.unwrap(), "{b:?}");
        assert!(!repos.auth_sessions().mark_rotated(token.id, at(6)).await.unwrap(), "{b:?}: reuse");
        let found = repos.auth_sessions().find_refresh_token(&token.token_hash).await.unwrap().unwrap();
        assert_eq!(found.rotated_at, Some(at(5)), "{b:?}");
    }
}

#[tokio::test]
async fn one_time_tokens_are_used_once_and_consumed_by_purpose() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", domain::shared::Role::Ta).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", domain::shared::Role::Ta).await;
        let issue = |user: UserId, purpose, hash: &str| {
            OneTimeToken::issue(new_id(), acme.id, user, purpose, TokenHash::new(hash), t0())
        };
        let verify = issue(ada.id, TokenPurpose::EmailVerification, "v1");
        let reset = issue(ada.id, TokenPurpose::PasswordReset, "r1");
        let invite = issue(ada.id, TokenPurpose::TaInvitation, "i1");
        let bobs = issue(bob.id, TokenPurpose::PasswordReset, "r2");
        for tok in [&verify, &reset, &invite, &bobs] {
            repos.one_time_tokens().insert(tok).await.unwrap();
            assert_eq!(repos.one_time_tokens().find(&tok.token_hash).await.unwrap().as_ref(), Some(tok), "{b:?}");
        }
        assert_eq!(repos.one_time_tokens().find(&TokenHash::new("nope")).await.unwrap(), None, "{b:?}");

        assert!(repos.one_time_tokens().consume(verify.id, at(1)).await.unwrap(), "{b:?}");
        assert!(!repos.one_time_tokens().consume(verify.id, at(2)).await.unwrap(), "{b:?}: used");
        let used = repos.one_time_tokens().find(&verify.token_hash).await.unwrap().unwrap();
        assert_eq!(used.used_at, Some(at(1)), "{b:?}");

        let purposes = [TokenPurpose::PasswordReset, TokenPurpose::TaInvitation];
        repos.one_time_tokens().consume_all(acme.id, ada.id, &[], at(3)).await.unwrap();
        repos.one_time_tokens().consume_all(acme.id, ada.id, &purposes, at(4)).await.unwrap();
        for (tok, used_at) in [(&verify, Some(at(1))), (&reset, Some(at(4))), (&invite, Some(at(4))), (&bobs, None)] {
            let found = repos.one_time_tokens().find(&tok.token_hash).await.unwrap().unwrap();
            assert_eq!(found.used_at, used_at, "{b:?}: {:?}", tok.purpose);
        }
        assert!(!repos.one_time_tokens().consume(reset.id, at(5)).await.unwrap(), "{b:?}");
    }
}
