//! The password-reset queue and the bound's count: requests (for any slug and email, known or
//! not) are taken oldest first, each once, inside the transaction that answers them (PostgreSQL
//! hands concurrent takers different requests); recent reset tokens are counted per user.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;
mod fixtures;

use domain::accounts::{OneTimeToken, ResetRequest, TokenHash, TokenPurpose};
use domain::shared::{Email, ResetRequestId};
use domain::store::{Repositories, Store};
use domain::tenancy::Slug;
use fixtures::{at, new_id, org, user};
use test_support::Backend;

fn request(slug: &str, email: &str, minutes: i64) -> ResetRequest {
    ResetRequest {
        id: new_id::<ResetRequestId>(),
        organization_slug: Slug::parse(slug).unwrap(),
        email: Email::parse(email).unwrap(),
        requested_at: at(minutes),
    }
}

#[tokio::test]
async fn requests_are_taken_oldest_first_once_each() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        // No organization is needed: a request may name one that does not exist.
        let late = request("acme", "ada@example.com", 5);
        let early = request("nowhere", "nobody@example.com", 1);
        let middle = request("acme", "ada@example.com", 3);
        for r in [&late, &early, &middle] {
            repos.one_time_tokens().queue_reset_request(r).await.unwrap();
        }
        for expected in [&early, &middle, &late] {
            assert_eq!(repos.one_time_tokens().take_reset_request().await.unwrap().as_ref(), Some(expected), "{b:?}");
        }
        assert_eq!(repos.one_time_tokens().take_reset_request().await.unwrap(), None, "{b:?}");
        assert_eq!(t.scalar("SELECT count(*) FROM password_reset_requests").await, 0, "{b:?}");
    }
}

#[tokio::test]
async fn a_request_taken_in_a_rolled_back_transaction_stays_queued() {
    // One connection: a dropped transaction's rollback is sent before the connection's next
    // statement (on a larger pool the next take could run on another connection while the
    // rollback is still on its way, and rightly skip the row that is still locked).
    for db in test_support::all_backends().await {
        let t = common::store_on(db, 1).await;
        let b = t.backend;
        let r = request("acme", "ada@example.com", 1);
        t.store.one_time_tokens().queue_reset_request(&r).await.unwrap();
        let tx = t.store.begin().await.unwrap();
        assert_eq!(tx.one_time_tokens().take_reset_request().await.unwrap().as_ref(), Some(&r), "{b:?}");
        drop(tx);
        assert_eq!(t.store.one_time_tokens().take_reset_request().await.unwrap(), Some(r), "{b:?}: back in the queue");
    }
}

/// Two workers' transactions take at once: PostgreSQL skips the request the first holds
/// (SQLite admits one writing transaction at a time, so the case does not arise there).
#[tokio::test]
async fn concurrent_transactions_take_different_requests() {
    for t in common::stores().await {
        if t.backend != Backend::Postgres {
            continue;
        }
        let (first, second) = (request("acme", "a@example.com", 1), request("acme", "b@example.com", 2));
        for r in [&first, &second] {
            t.store.one_time_tokens().queue_reset_request(r).await.unwrap();
        }
        let one = t.store.begin().await.unwrap();
        let two = t.store.begin().await.unwrap();
        assert_eq!(one.one_time_tokens().take_reset_request().await.unwrap(), Some(first));
        assert_eq!(
            two.one_time_tokens().take_reset_request().await.unwrap(),
            Some(second),
            "not blocked, not the same"
        );
        assert_eq!(two.one_time_tokens().take_reset_request().await.unwrap(), None);
        one.commit().await.unwrap();
        two.commit().await.unwrap();
        assert_eq!(t.scalar("SELECT count(*) FROM password_reset_requests").await, 0);
    }
}

#[tokio::test]
async fn recent_tokens_of_a_purpose_are_counted_per_user_used_or_not() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let ada = user(repos, acme.id, "ada@example.com", "Ada", domain::shared::Role::Student).await;
        let twin = user(repos, other.id, "ada@example.com", "Ada", domain::shared::Role::Student).await;
        let issue = |owner: &domain::accounts::User, purpose, minutes: i64, n: u32| {
            OneTimeToken::issue(
                new_id(),
                owner.organization_id,
                owner.id,
                purpose,
                TokenHash::new(format!("{}-{n}", owner.id)),
                at(minutes),
            )
        };
        let tokens = [
            issue(&ada, TokenPurpose::PasswordReset, 0, 1),
            issue(&ada, TokenPurpose::PasswordReset, 30, 2),
            issue(&ada, TokenPurpose::PasswordReset, 50, 3),
            issue(&ada, TokenPurpose::EmailVerification, 50, 4),
            issue(&twin, TokenPurpose::PasswordReset, 50, 5),
        ];
        for token in &tokens {
            repos.one_time_tokens().insert(token).await.unwrap();
        }
        repos.one_time_tokens().consume(tokens[1].id, at(31)).await.unwrap();
        let count =
            |since| repos.one_time_tokens().count_issued_since(acme.id, ada.id, TokenPurpose::PasswordReset, since);
        assert_eq!(count(at(0)).await.unwrap(), 3, "{b:?}: since is inclusive, used ones count");
        assert_eq!(count(at(1)).await.unwrap(), 2, "{b:?}");
        assert_eq!(count(at(51)).await.unwrap(), 0, "{b:?}");
        let twins = repos.one_time_tokens().count_issued_since(other.id, twin.id, TokenPurpose::PasswordReset, at(0));
        assert_eq!(twins.await.unwrap(), 1, "{b:?}: the same email at another academy counts apart");
    }
}
