//! Organizations round-trip, and the slug is unique (enforced by the database).
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use chrono::{TimeZone, Utc};
use domain::shared::{Currency, OrganizationId, TimeZoneId};
use domain::store::{Conflict, Repositories};
use domain::tenancy::{OrgName, OrgSettings, OrgSettingsPatch, Organization, RawSettings, Slug};
use uuid::Uuid;

fn organization(slug: &str) -> Organization {
    Organization {
        id: OrganizationId::from_uuid(Uuid::now_v7()),
        name: OrgName::parse("Acme Tutoring").unwrap(),
        slug: Slug::parse(slug).unwrap(),
        timezone: TimeZoneId::parse("Europe/Berlin").unwrap(),
        currency: Currency::EUR,
        settings: OrgSettings::default(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 30, 15).unwrap() + chrono::TimeDelta::microseconds(123_456),
    }
}

#[tokio::test]
async fn organizations_round_trip_and_update() {
    for t in common::stores().await {
        let repos = &*t.store;
        let org = organization("acme");
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
        t.store.organizations().insert(&organization("acme")).await.unwrap();
        let err = t.store.organizations().insert(&organization("acme")).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::SlugTaken), "{:?}: {err}", t.backend);
    }
}

#[tokio::test]
async fn the_database_refuses_settings_out_of_range() {
    for t in common::stores().await {
        let org = organization("acme");
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
