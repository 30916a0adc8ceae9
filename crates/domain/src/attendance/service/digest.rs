//! The morning digest: once a day, from [`DIGEST_HOUR`] in the organization's time zone, each
//! TA with sessions waiting for attendance gets one email listing them. The store's key on
//! (TA, local date), written in the transaction that queues the email, makes it once per TA per
//! day however many workers run.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::Timelike as _;

use super::AttendanceService;
use crate::attendance::UnmarkedTa;
use crate::notifications::{DIGEST_LISTED_SESSIONS, EmailPayload};
use crate::shared::{OrganizationId, PageRequest};
use crate::store::StoreError;
use crate::tenancy::Organization;

/// The local hour from which a day's digests go out.
pub const DIGEST_HOUR: u32 = 7;

impl AttendanceService {
    /// Queues the digests due now (worker); returns how many were queued.
    ///
    /// # Errors
    /// Store failures (digests queued before the failure stay queued).
    #[tracing::instrument(skip_all, name = "attendance.digests")]
    pub async fn queue_digests(&self) -> Result<u32, StoreError> {
        let now = self.core.now();
        let waiting = self.core.store.attendance().tas_with_unmarked(now).await?;
        let mut orgs: HashMap<OrganizationId, Option<Organization>> = HashMap::new();
        let mut queued = 0;
        for ta in &waiting {
            let org = match orgs.entry(ta.organization_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(unknown) => {
                    unknown.insert(self.core.store.organizations().get(ta.organization_id).await?)
                }
            };
            let Some(org) = org.as_ref() else { continue };
            let local = org.timezone.local(now);
            if local.hour() < DIGEST_HOUR {
                continue;
            }
            if self.queue_digest(org, ta, local.date()).await? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    async fn queue_digest(
        &self,
        org: &Organization,
        ta: &UnmarkedTa,
        day: chrono::NaiveDate,
    ) -> Result<bool, StoreError> {
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        if !tx.attendance().record_digest(ta, day, now).await? {
            return Ok(false);
        }
        let Some(user) = tx.users().get(org.id, ta.ta_id).await? else { return Ok(false) };
        let listed = PageRequest::new(Some(u32::try_from(DIGEST_LISTED_SESSIONS).unwrap_or(u32::MAX)), None)
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("digest page: {}", e.0)))?;
        let mut sessions = tx.attendance().unmarked(org.id, ta.ta_id, now, &listed).await?;
        sessions.truncate(DIGEST_LISTED_SESSIONS);
        let mut course_titles: HashMap<_, String> = HashMap::new();
        let mut listed_sessions = Vec::with_capacity(sessions.len());
        for booking in &sessions {
            let title = match course_titles.entry(booking.course_id) {
                Entry::Occupied(known) => known.get().clone(),
                Entry::Vacant(unknown) => {
                    let course = tx.courses().get(org.id, booking.course_id).await?;
                    unknown.insert(course.map(|c| c.title.to_string()).unwrap_or_default()).clone()
                }
            };
            listed_sessions.push((booking.interval.start(), booking.interval.end(), title));
        }
        let payload = EmailPayload::AttendanceDigest {
            organization_name: org.name.to_string(),
            timezone: org.timezone,
            total: ta.sessions,
            sessions: listed_sessions,
        };
        self.core.outbox().queue(&*tx, org.id, &user.email, user.name.as_str(), payload).await?;
        tx.commit().await?;
        Ok(true)
    }
}
