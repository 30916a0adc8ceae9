//! Scheduling checks that need the store: rules 3–5 for one TA or the automatic TA choice,
//! student overlap, and the lookups every scheduling use case starts with. Shared by individual
//! bookings and group sessions so that both apply the rules identically.

use chrono::{DateTime, Utc};

use crate::availability::ta_calendars_except;
use crate::catalog::Course;
use crate::scheduling::{TaRefusal, WindowRefusal, check_window, choose_ta};
use crate::shared::time::minutes;
use crate::shared::{CourseId, Interval, OrganizationId, UserId};
use crate::store::{Repositories, StoreError};
use crate::tenancy::Organization;

/// Why scheduling rules 2–5 refuse a session, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleRefusal {
    TooSoon,
    TooFarAhead,
    NotAssigned,
    OutsideAvailability,
    TaUnavailable,
    NoTaAvailable,
}

impl From<WindowRefusal> for RuleRefusal {
    fn from(r: WindowRefusal) -> Self {
        match r {
            WindowRefusal::TooSoon => RuleRefusal::TooSoon,
            WindowRefusal::TooFarAhead => RuleRefusal::TooFarAhead,
        }
    }
}

impl From<TaRefusal> for RuleRefusal {
    fn from(r: TaRefusal) -> Self {
        match r {
            TaRefusal::OutsideAvailability => RuleRefusal::OutsideAvailability,
            TaRefusal::Overlap => RuleRefusal::TaUnavailable,
        }
    }
}

/// The course if it exists and is active (an inactive course cannot be scheduled: it is not
/// offered, so it is `not_found` for scheduling).
pub(crate) async fn active_course(
    repos: &dyn Repositories,
    organization: OrganizationId,
    id: CourseId,
) -> Result<Option<Course>, StoreError> {
    Ok(repos.courses().get(organization, id).await?.filter(|c| c.active))
}

/// Rules 2–5 for a session of `course` over `interval`, taught by `ta` when given, else by
/// the TA the automatic choice picks. Returns the TA.
pub(crate) async fn schedule_ta(
    repos: &dyn Repositories,
    org: &Organization,
    course: &Course,
    ta: Option<UserId>,
    interval: Interval,
    now: DateTime<Utc>,
) -> Result<Result<UserId, RuleRefusal>, StoreError> {
    if let Err(r) = check_window(interval.start(), now, &org.settings) {
        return Ok(Err(r.into()));
    }
    let Some(ta) = ta else { return choose_free(repos, org, course, interval, None).await };
    if !repos.course_tas().is_assigned(org.id, course.id, ta).await? {
        return Ok(Err(RuleRefusal::NotAssigned));
    }
    Ok(check_one(repos, org, ta, interval, None).await?.map(|()| ta).map_err(RuleRefusal::from))
}

/// Rules 3–5 for one TA over `interval` (availability, then overlap with the buffer); the
/// session `except` (its TA and interval: a booking being moved) never counts as busy.
async fn check_one(
    repos: &dyn Repositories,
    org: &Organization,
    ta: UserId,
    interval: Interval,
    except: Option<(UserId, Interval)>,
) -> Result<Result<(), TaRefusal>, StoreError> {
    let buffer = minutes(org.settings.buffer_minutes());
    let calendars = ta_calendars_except(repos, org, &[ta], interval.padded(buffer), except).await?;
    Ok(calendars.first().map_or(Err(TaRefusal::OutsideAvailability), |c| c.check(&interval, buffer)))
}

/// The automatic choice of part 1 among the course's TAs free over `interval` (`except` as in
/// [`check_one`]): the fewest sessions starting that local day, then the smallest id;
/// `NoTaAvailable` when none is free.
pub(crate) async fn choose_free(
    repos: &dyn Repositories,
    org: &Organization,
    course: &Course,
    interval: Interval,
    except: Option<(UserId, Interval)>,
) -> Result<Result<UserId, RuleRefusal>, StoreError> {
    let buffer = minutes(org.settings.buffer_minutes());
    let assigned: Vec<UserId> = repos.course_tas().tas(org.id, course.id).await?.into_iter().map(|u| u.id).collect();
    let free: Vec<UserId> = ta_calendars_except(repos, org, &assigned, interval.padded(buffer), except)
        .await?
        .into_iter()
        .filter(|c| c.check(&interval, buffer).is_ok())
        .map(|c| c.ta_id)
        .collect();
    if free.is_empty() {
        return Ok(Err(RuleRefusal::NoTaAvailable));
    }
    let (day_start, day_end) = org.timezone.day_bounds(org.timezone.local_date(interval.start()));
    let day = Interval::new(day_start, day_end).unwrap_or(interval);
    let counts = repos.bookings().count_starting_in(org.id, &free, day).await?;
    let load = |ta: &UserId| counts.iter().find(|(id, _)| id == ta).map_or(0, |(_, n)| *n);
    Ok(choose_ta(free.iter().map(|ta| (*ta, load(ta)))).ok_or(RuleRefusal::NoTaAvailable))
}

/// The student-overlap rule for each of `students`: those with no active seat intersecting
/// `interval`, in one read.
pub(crate) async fn free_students(
    repos: &dyn Repositories,
    organization: OrganizationId,
    students: &[UserId],
    interval: Interval,
) -> Result<Vec<UserId>, StoreError> {
    free_students_except(repos, organization, students, interval, None).await
}

/// [`free_students`] where seats over `except` (the interval of a session being moved, whose
/// students they are) do not count: a student's seats never share an interval, so those are
/// that session's.
pub(crate) async fn free_students_except(
    repos: &dyn Repositories,
    organization: OrganizationId,
    students: &[UserId],
    interval: Interval,
    except: Option<Interval>,
) -> Result<Vec<UserId>, StoreError> {
    let busy = repos.bookings().student_busy(organization, students, interval).await?;
    let blocks =
        |s: &UserId| busy.iter().any(|(owner, seat)| owner == s && Some(*seat) != except && seat.overlaps(&interval));
    Ok(students.iter().copied().filter(|s| !blocks(s)).collect())
}

/// Maps [`RuleRefusal`] into a use-case error that has a variant for each of its codes (a
/// session whose TA may be chosen: `NoTaAvailable` stays itself).
macro_rules! from_rule_refusal {
    ($($error:ty),*) => {$(
        impl From<$crate::booking::service::checks::RuleRefusal> for $error {
            fn from(r: $crate::booking::service::checks::RuleRefusal) -> Self {
                use $crate::booking::service::checks::RuleRefusal as R;
                match r {
                    R::TooSoon => Self::BookingTooSoon,
                    R::TooFarAhead => Self::BookingTooFarAhead,
                    R::NotAssigned => Self::TaNotAssignedToCourse,
                    R::OutsideAvailability => Self::OutsideTaAvailability,
                    R::TaUnavailable => Self::TaUnavailable,
                    R::NoTaAvailable => Self::NoTaAvailable,
                }
            }
        }
    )*};
}
pub(crate) use from_rule_refusal;

/// Maps [`BundleRefusal`](crate::bundles::BundleRefusal) into a use-case error that has the
/// variants `NotFound`, `BundleCourseMismatch`, `BundleExpired` and `BundleExhausted`.
macro_rules! from_bundle_refusal {
    ($($error:ty),*) => {$(
        impl From<$crate::bundles::BundleRefusal> for $error {
            fn from(r: $crate::bundles::BundleRefusal) -> Self {
                match r {
                    $crate::bundles::BundleRefusal::NotOwned => Self::NotFound,
                    $crate::bundles::BundleRefusal::CourseMismatch => Self::BundleCourseMismatch,
                    $crate::bundles::BundleRefusal::Expired => Self::BundleExpired,
                    $crate::bundles::BundleRefusal::Exhausted => Self::BundleExhausted,
                }
            }
        }
    )*};
}
pub(crate) use from_bundle_refusal;

/// The bundle a student names to pay with: `Ok(None)` when none is named; `Err(NotOwned)` when
/// it does not exist in the organization or is another student's (both `not_found`).
pub(crate) async fn students_bundle(
    repos: &dyn Repositories,
    organization: OrganizationId,
    student: UserId,
    id: Option<crate::shared::BundlePurchaseId>,
) -> Result<Result<Option<crate::bundles::BundlePurchase>, crate::bundles::BundleRefusal>, StoreError> {
    let Some(id) = id else { return Ok(Ok(None)) };
    let bundle = repos.bundles().get(organization, id).await?.filter(|b| b.student_id == student);
    Ok(bundle.map(Some).ok_or(crate::bundles::BundleRefusal::NotOwned))
}

/// A booking to move: where to, and who may teach it then.
pub(crate) struct Move<'a> {
    /// The booking as it is.
    pub booking: &'a crate::booking::Booking,
    /// Its new interval.
    pub interval: Interval,
    /// The TA an admin names.
    pub named: Option<UserId>,
    /// Whether another TA may be chosen when its TA is not free.
    pub may_choose: bool,
}

/// Rules 2–5 for a move (domain.md part 2, "Reschedule"): the TA an admin names, else the
/// booking's TA when free, else — when the move allows it — the automatic choice of part 1.
/// The booking itself never counts as busy. Returns the TA.
pub(crate) async fn schedule_move(
    repos: &dyn Repositories,
    org: &Organization,
    course: &Course,
    planned: &Move<'_>,
    now: DateTime<Utc>,
) -> Result<Result<UserId, RuleRefusal>, StoreError> {
    let Move { booking, interval, named, may_choose } = *planned;
    if let Err(r) = check_window(interval.start(), now, &org.settings) {
        return Ok(Err(r.into()));
    }
    let itself = Some((booking.ta_id, booking.interval));
    let target = named.unwrap_or(booking.ta_id);
    let verdict = if repos.course_tas().is_assigned(org.id, course.id, target).await? {
        check_one(repos, org, target, interval, itself).await?
    } else if named.is_some() {
        return Ok(Err(RuleRefusal::NotAssigned));
    } else {
        // The booking's TA no longer teaches the course: as good as busy.
        Err(TaRefusal::Overlap)
    };
    match verdict {
        Ok(()) => Ok(Ok(target)),
        Err(refusal) if named.is_some() || !may_choose => Ok(Err(refusal.into())),
        Err(_) => choose_free(repos, org, course, interval, itself).await,
    }
}
