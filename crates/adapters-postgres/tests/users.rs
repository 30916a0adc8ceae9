//! Users: every field round-trips, emails are unique within an organization (and found by the
//! organization's slug and the email), other organizations' users are invisible, and lists by
//! role page in byte order of the name.

mod common;
mod fixtures;

use domain::accounts::{PasswordHash, User};
use domain::shared::{Cursor, Role, UserId};
use domain::store::{Conflict, Repositories, Store};
use fixtures::{new_id, org, user, user_ids, user_value, walk};

#[tokio::test]
async fn users_round_trip_with_and_without_a_password() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let mut ada = user_value(acme.id, "Ada@Example.com", "Ada Lovelace", Role::Admin);
        ada.email_verified = true;
        let hash = PasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        repos.users().insert(&ada, Some(hash.clone())).await.unwrap();
        let invited = user_value(acme.id, "ta@example.com", "Grace", Role::Ta);
        repos.users().insert(&invited, None).await.unwrap();

        assert_eq!(repos.users().get(acme.id, ada.id).await.unwrap(), Some(ada.clone()), "{b:?}");
        assert_eq!(repos.users().get(acme.id, invited.id).await.unwrap(), Some(invited.clone()), "{b:?}");
        let creds = repos.users().find_credentials(&acme.slug, &ada.email).await.unwrap().unwrap();
        assert_eq!((creds.user, creds.password_hash), (ada.clone(), Some(hash)), "{b:?}");
        let creds = repos.users().find_credentials(&acme.slug, &invited.email).await.unwrap().unwrap();
        assert_eq!(creds.password_hash, None, "{b:?}");
        let unknown = domain::shared::Email::parse("nobody@example.com").unwrap();
        assert!(repos.users().find_credentials(&acme.slug, &unknown).await.unwrap().is_none(), "{b:?}");
    }
}

#[tokio::test]
async fn an_email_is_unique_within_an_organization_only() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Student).await;
        let twin = user_value(acme.id, "ADA@example.com", "Ada Two", Role::Ta);
        let err = repos.users().insert(&twin, None).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::EmailTaken), "{b:?}: {err}");

        // The same person at another academy is another user, with a password of their own.
        let elsewhere = user_value(other.id, "ADA@example.com", "Ada Lovelace", Role::Admin);
        repos.users().insert(&elsewhere, Some(PasswordHash::new("$argon2id$other"))).await.unwrap();
        let at_acme = repos.users().find_credentials(&acme.slug, &ada.email).await.unwrap().unwrap();
        assert_eq!((at_acme.user, at_acme.password_hash), (ada.clone(), None), "{b:?}");
        let at_other = repos.users().find_credentials(&other.slug, &ada.email).await.unwrap().unwrap();
        assert_eq!(at_other.user, elsewhere, "{b:?}");
        assert_eq!(at_other.password_hash, Some(PasswordHash::new("$argon2id$other")), "{b:?}");
        let nowhere = domain::tenancy::Slug::parse("nowhere").unwrap();
        assert!(repos.users().find_credentials(&nowhere, &ada.email).await.unwrap().is_none(), "{b:?}");
    }
}

#[tokio::test]
async fn other_organizations_users_are_invisible() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Student).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", Role::Ta).await;
        let eve = user(repos, other.id, "eve@example.com", "Eve", Role::Student).await;

        assert_eq!(repos.users().get(other.id, ada.id).await.unwrap(), None, "{b:?}");
        assert_eq!(repos.users().lock(other.id, ada.id).await.unwrap(), None, "{b:?}");
        let missing: UserId = new_id();
        let mut many = repos.users().get_many(acme.id, &[bob.id, eve.id, ada.id, missing]).await.unwrap();
        many.sort_by_key(|u| u.id);
        assert_eq!(user_ids(&many), vec![ada.id, bob.id], "{b:?}");
        assert!(repos.users().get_many(acme.id, &[]).await.unwrap().is_empty(), "{b:?}");

        // Writes through another organization change nothing.
        let hash = PasswordHash::new("$argon2id$other");
        repos.users().set_password(other.id, ada.id, &hash).await.unwrap();
        repos.users().mark_email_verified(other.id, ada.id).await.unwrap();
        let creds = repos.users().find_credentials(&acme.slug, &ada.email).await.unwrap().unwrap();
        assert_eq!((creds.password_hash, creds.user.email_verified), (None, false), "{b:?}");
    }
}

#[tokio::test]
async fn password_and_verification_are_updated() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Ta).await;
        let hash = PasswordHash::new("$argon2id$new");
        repos.users().set_password(acme.id, ada.id, &hash).await.unwrap();
        repos.users().mark_email_verified(acme.id, ada.id).await.unwrap();
        let creds = repos.users().find_credentials(&acme.slug, &ada.email).await.unwrap().unwrap();
        assert_eq!(creds.password_hash, Some(hash), "{b:?}");
        assert_eq!(creds.user, User { email_verified: true, ..ada }, "{b:?}");
    }
}

#[tokio::test]
async fn lock_reads_the_user_inside_a_transaction() {
    for t in common::stores().await {
        let acme = org(&*t.store, "acme").await;
        let ada = user(&*t.store, acme.id, "ada@example.com", "Ada", Role::Student).await;
        let tx = t.store.begin().await.unwrap();
        assert_eq!(tx.users().lock(acme.id, ada.id).await.unwrap(), Some(ada.clone()), "{:?}", t.backend);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn users_of_a_role_page_by_name_in_byte_order_then_id() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let names = ["bob", "Alice", "Émile", "alice", "Bob", "Sam", "Sam", "zoë", "Zed", "Sam", "_x", "1st"];
        let mut tas = Vec::new();
        for (i, name) in names.iter().enumerate() {
            tas.push(user(repos, acme.id, &format!("ta{i}@example.com"), name, Role::Ta).await);
        }
        user(repos, acme.id, "student@example.com", "Aaron", Role::Student).await;
        user(repos, other.id, "ta@other.com", "Aaron", Role::Ta).await;
        tas.sort_by(|x, y| (x.name.as_str().as_bytes(), x.id).cmp(&(y.name.as_str().as_bytes(), y.id)));

        let (listed, pages) = walk(
            3,
            |p| async move { repos.users().list_by_role(acme.id, Role::Ta, &p).await.unwrap() },
            |u: &User| Cursor::text(u.name.as_str(), u.id),
        )
        .await;
        assert_eq!(user_ids(&listed), user_ids(&tas), "{b:?}");
        assert_eq!(pages, 4, "{b:?}");
        let names: Vec<&str> = listed.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(&names[..6], ["1st", "Alice", "Bob", "Sam", "Sam", "Sam"], "{b:?}");
    }
}

#[tokio::test]
async fn instants_are_stored_to_the_microsecond() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let mut ada = user_value(acme.id, "ada@example.com", "Ada", Role::Student);
        let micros = ada.created_at;
        ada.created_at = micros + chrono::TimeDelta::nanoseconds(789);
        repos.users().insert(&ada, None).await.unwrap();
        let read = repos.users().get(acme.id, ada.id).await.unwrap().unwrap();
        assert_eq!(read.created_at, micros, "{b:?}: truncated, never rounded");
    }
}

#[tokio::test]
async fn a_cursor_of_the_wrong_kind_is_refused() {
    for t in common::stores().await {
        let acme = org(&*t.store, "acme").await;
        let cursor = Cursor::instant(fixtures::t0(), uuid::Uuid::now_v7());
        let refused = t.store.users().list_by_role(acme.id, Role::Ta, &fixtures::page(5, Some(cursor))).await;
        assert!(refused.is_err(), "{:?}", t.backend);
    }
}
