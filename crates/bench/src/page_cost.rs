//! What computing one page of slot search costs, in process (the pure search: no database, no
//! HTTP, no serialization): the widest month on a 5-minute grid with 11 TAs, when the page
//! fills at once (the TAs open 08:00–20:00 every day) and when the whole month must be scanned
//! to fill it (the TAs open on its last day only) — the worst a page can cost.

use std::time::Instant;

use anyhow::Context as _;
use chrono::{TimeDelta, TimeZone as _, Utc};
use domain::scheduling::{SlotQuery, TaCalendar, find_slot_page};
use domain::shared::{Interval, TimeZoneId, UserId};
use domain::tenancy::{OrgSettings, OrgSettingsPatch, RawSettings};

/// Mean time to compute a page of 100, in milliseconds.
pub struct PageCost {
    /// The page fills with the month's first starts.
    pub dense_ms: f64,
    /// The page fills only on the month's last day.
    pub sparse_ms: f64,
}

fn mean_ms(runs: u32, mut f: impl FnMut() -> usize) -> f64 {
    let started = Instant::now();
    let mut found = 0;
    for _ in 0..runs {
        found += f();
    }
    std::hint::black_box(found);
    started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs)
}

/// Measures both cases.
///
/// # Errors
/// Never in practice (the fixed inputs are valid).
pub fn page_cost() -> anyhow::Result<PageCost> {
    let raw = RawSettings { slot_step_minutes: Some(5), ..RawSettings::default() };
    let settings = OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).map_err(|e| anyhow::anyhow!("{e:?}"))?);
    let zone = TimeZoneId::parse("Etc/GMT-1").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let from = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().context("a valid instant")?;
    let to = from + TimeDelta::days(31);
    let day = |d: i64| {
        Interval::new(from + TimeDelta::days(d) + TimeDelta::hours(7), from + TimeDelta::days(d) + TimeDelta::hours(19))
    };
    let calendars = |days: &[i64]| -> anyhow::Result<Vec<TaCalendar>> {
        let blocks =
            days.iter().map(|d| day(*d)).collect::<Result<Vec<_>, _>>().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok((0..11).map(|_| TaCalendar::new(UserId::from_uuid(uuid::Uuid::now_v7()), blocks.clone(), vec![])).collect())
    };
    let every_day: Vec<i64> = (0..31).collect();
    let (dense, sparse) = (calendars(&every_day)?, calendars(&[30])?);
    let query = SlotQuery::new(from, to, 60, None).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let now = from - TimeDelta::days(1);
    let page = |calendars: &[TaCalendar]| find_slot_page(&query, &settings, zone, now, calendars, 100).slots.len();
    anyhow::ensure!(page(&dense) == 100 && page(&sparse) == 100, "both pages full");
    Ok(PageCost { dense_ms: mean_ms(200, || page(&dense)), sparse_ms: mean_ms(50, || page(&sparse)) })
}
