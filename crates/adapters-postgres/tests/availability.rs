//! TA availability: weekly hours and overrides round-trip through their JSON (stored in the
//! API's shape), `put` replaces, and only a TA of the organization has one.

mod common;
mod fixtures;

use domain::availability::{Availability, RawAvailability, RawOverride, RawRange, RawWeeklyHours};
use domain::shared::{Role, TimeZoneId, UserId};
use domain::store::{Conflict, Repositories};
use fixtures::{org, sql_id, user};
use test_support::Backend;

fn range(start: &str, end: &str) -> RawRange {
    RawRange { start: start.into(), end: end.into() }
}

fn weekly(weekday: i64, start: &str, end: &str) -> RawWeeklyHours {
    RawWeeklyHours { weekday, start: start.into(), end: end.into() }
}

/// Split days, a Sunday to midnight, a shortened day, and a day off.
fn custom(ta: UserId) -> Availability {
    let raw = RawAvailability {
        timezone: "America/New_York".into(),
        weekly: vec![
            weekly(1, "13:00", "17:00"),
            weekly(1, "08:30", "12:00"),
            weekly(3, "09:00", "17:00"),
            weekly(7, "18:00", "24:00"),
        ],
        overrides: vec![
            RawOverride {
                date: "2026-12-31".into(),
                intervals: vec![range("10:00", "12:00"), range("00:00", "02:00")],
            },
            RawOverride { date: "2026-12-24".into(), intervals: vec![] },
        ],
    };
    Availability::parse(ta, &raw).expect("a valid availability")
}

#[tokio::test]
async fn availability_round_trips_and_put_replaces_it() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Ta).await;
        let bob = user(repos, acme.id, "bob@example.com", "Bob", Role::Ta).await;
        let eve = user(repos, acme.id, "eve@example.com", "Eve", Role::Ta).await;
        let avail = repos.availability();
        assert_eq!(avail.get(acme.id, ada.id).await.unwrap(), None, "{b:?}");

        let default = Availability::default_for(ada.id, acme.timezone);
        avail.put(acme.id, &default).await.unwrap();
        assert_eq!(avail.get(acme.id, ada.id).await.unwrap(), Some(default), "{b:?}");
        let replaced = custom(ada.id);
        avail.put(acme.id, &replaced).await.unwrap();
        assert_eq!(avail.get(acme.id, ada.id).await.unwrap(), Some(replaced.clone()), "{b:?}");
        assert_eq!(t.scalar("SELECT count(*) FROM availabilities").await, 1, "{b:?}: one row per TA");

        let bobs = Availability::default_for(bob.id, TimeZoneId::UTC);
        avail.put(acme.id, &bobs).await.unwrap();
        let mut many = avail.get_many(acme.id, &[bob.id, ada.id, eve.id]).await.unwrap();
        many.sort_by_key(Availability::ta_id);
        let mut expected = vec![replaced, bobs];
        expected.sort_by_key(Availability::ta_id);
        assert_eq!(many, expected, "{b:?}");
        assert!(avail.get_many(acme.id, &[]).await.unwrap().is_empty(), "{b:?}");

        assert_eq!(avail.get(other.id, ada.id).await.unwrap(), None, "{b:?}");
        assert!(avail.get_many(other.id, &[ada.id, bob.id]).await.unwrap().is_empty(), "{b:?}");
    }
}

/// The text at `steps` (keys and array indexes) inside a JSON column.
fn json_text(b: Backend, column: &str, steps: &[&str]) -> String {
    match b {
        Backend::Postgres => format!("{column} #>> '{{{}}}'", steps.join(",")),
        Backend::Sqlite => {
            let path: String = steps
                .iter()
                .map(|s| if s.parse::<u32>().is_ok() { format!("[{s}]") } else { format!(".{s}") })
                .collect();
            format!("CAST(json_extract({column}, '${path}') AS TEXT)")
        }
    }
}

#[tokio::test]
async fn availability_is_stored_in_the_api_shape() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Ta).await;
        repos.availability().put(acme.id, &custom(ada.id)).await.unwrap();
        let expected = [
            ("weekly", &["0", "weekday"][..], "1"),
            ("weekly", &["0", "start"], "08:30"),
            ("weekly", &["0", "end"], "12:00"),
            ("weekly", &["3", "weekday"], "7"),
            ("weekly", &["3", "end"], "24:00"),
            ("overrides", &["0", "date"], "2026-12-24"),
            ("overrides", &["1", "date"], "2026-12-31"),
            ("overrides", &["1", "intervals", "0", "start"], "00:00"),
            ("overrides", &["1", "intervals", "1", "end"], "12:00"),
        ];
        for (column, steps, value) in expected {
            let sql = format!("SELECT count(*) FROM availabilities WHERE {} = '{value}'", json_text(b, column, steps));
            assert_eq!(t.scalar(&sql).await, 1, "{b:?}: {column} {steps:?}");
        }
        let day_off = match b {
            Backend::Postgres => "jsonb_array_length(overrides -> 0 -> 'intervals')",
            Backend::Sqlite => "json_array_length(overrides, '$[0].intervals')",
        };
        let sql = format!("SELECT count(*) FROM availabilities WHERE {day_off} = 0");
        assert_eq!(t.scalar(&sql).await, 1, "{b:?}: a day off");
        // Exactly the API's fields in every weekly entry.
        let keys = match b {
            Backend::Postgres => {
                "SELECT count(*) FROM availabilities, jsonb_array_elements(weekly) w \
                WHERE (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(w) k) = 'end,start,weekday'"
            }
            Backend::Sqlite => {
                "SELECT count(*) FROM availabilities, json_each(weekly) w \
                WHERE (SELECT group_concat(key) FROM (SELECT key FROM json_each(w.value) ORDER BY key)) \
                = 'end,start,weekday'"
            }
        };
        assert_eq!(t.scalar(keys).await, 4, "{b:?}");
    }
}

#[tokio::test]
async fn only_a_ta_of_the_organization_has_an_availability() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let student = user(repos, acme.id, "s@example.com", "Sam", Role::Student).await;
        let outsider = user(repos, other.id, "o@example.com", "Oli", Role::Ta).await;
        for (who, what) in [(student.id, "a student"), (outsider.id, "a TA of another organization")] {
            let err = repos.availability().put(acme.id, &custom(who)).await.unwrap_err();
            assert_eq!(err.conflict(), Some(Conflict::MissingReference), "{b:?}: {what}: {err}");
        }
        // Once the outsider has one, another organization cannot overwrite it either.
        let theirs = Availability::default_for(outsider.id, other.timezone);
        repos.availability().put(other.id, &theirs).await.unwrap();
        let err = repos.availability().put(acme.id, &custom(outsider.id)).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::MissingReference), "{b:?}: {err}");
        assert_eq!(repos.availability().get(other.id, outsider.id).await.unwrap(), Some(theirs), "{b:?}");
    }
}

#[tokio::test]
async fn a_stored_availability_the_domain_refuses_is_an_error() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let ada = user(repos, acme.id, "ada@example.com", "Ada", Role::Ta).await;
        repos.availability().put(acme.id, &custom(ada.id)).await.unwrap();
        let bad = r#"[{"weekday": 8, "start": "09:00", "end": "17:00"}]"#;
        let sql = format!("UPDATE availabilities SET weekly = '{bad}' WHERE ta_id = {}", sql_id(b, ada.id));
        t.exec(&sql).await.unwrap();
        let err = repos.availability().get(acme.id, ada.id).await.unwrap_err();
        assert!(err.to_string().contains("corrupt availabilities row"), "{b:?}: {err}");
    }
}
