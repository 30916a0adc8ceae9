//! Organizations round-trip, and the slug is unique (enforced by the database).
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;
mod fixtures;

use domain::shared::{OrganizationId, TimeZoneId};
use domain::store::{Conflict, Repositories};
use domain::tenancy::{OrgName, OrgSettingsPatch, RawSettings};
use fixtures::org_value;
use uuid::Uuid;

#[tokio::test]
async fn organizations_round_trip_and_update() {
    for t in common::stores().await {
        let repos = &*t.store;
        let org = org_value("acme");
        repos.organizations().insert(&org).await.unwrap();
        assert_eq!(repos.organizations().get(org.id).await.unwrap(), Some(org.clone()), "{:?}", t.backend);
        assert_eq!(repos.organizations().find_by_slug(&org.slug).await.unwrap().map(|o| o.id), Some(org.id));
        assert_eq!(repos.organizations().get(OrganizationId::from_uuid(Uuid::now_v7())).await.unwrap(), None);

        let mut changed = org.clone();
        changed.name = OrgName::parse("Acme Academy").unwrap();
        changed.timezone = TimeZoneId::parse("Asia/Kolkata").unwrap();
        let patch =
            OrgSettingsPatch::parse(RawSettings { buffer_minutes: Some(15), ..RawSettings::default() }).unwrap();
        changed.settings = changed.settings.apply(&patch).with_policy(domain::booking::PolicyTerms {
            cancellation_window_hours: None,
            reschedule_window_hours: Some(6),
            max_reschedules: Some(0),
            late_cancellation: None,
            no_show: Some(domain::booking::LateOutcome::Refund),
        });
        repos.organizations().update(&changed).await.unwrap();
        assert_eq!(repos.organizations().get(org.id).await.unwrap(), Some(changed), "{:?}", t.backend);
    }
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict() {
    for t in common::stores().await {
        t.store.organizations().insert(&org_value("acme")).await.unwrap();
        let err = t.store.organizations().insert(&org_value("acme")).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::SlugTaken), "{:?}: {err}", t.backend);
    }
}

#[tokio::test]
async fn the_database_refuses_settings_out_of_range() {
    for t in common::stores().await {
        let org = org_value("acme");
        t.store.organizations().insert(&org).await.unwrap();
        let id = match t.backend {
            test_support::Backend::Postgres => format!("'{}'", org.id),
            test_support::Backend::Sqlite => format!("x'{}'", org.id.as_uuid().simple()),
        };
        let refused = t.exec(&format!("UPDATE organizations SET slot_step_minutes = 7 WHERE id = {id}")).await;
        assert!(refused.is_err(), "{:?}", t.backend);
        let refused = t.exec(&format!("UPDATE organizations SET buffer_minutes = 241 WHERE id = {id}")).await;
        assert!(refused.is_err(), "{:?}", t.backend);
    }
}
