//! A mock store that answers from in-memory data and records every write, for the use cases
//! that read and write many repositories (bookings, group sessions): each test arranges the
//! world, runs a use case, and asserts on what was written.
#![allow(dead_code, reason = "a shared toolbox: each test module uses part of it")]

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};

use crate::accounts::User;
use crate::attendance::SeatMark;
use crate::audit::{AuditAction, AuditEvent};
use crate::availability::Availability;
use crate::booking::{Attendance, Booking, BookingStatus, Seat};
use crate::bundles::{BundlePurchase, LedgerEntry};
use crate::catalog::{Course, Product};
use crate::core::Core;
use crate::fixtures::{self, *};
use crate::group_sessions::{GroupSessionTemplate, WaitlistEntry, WaitlistPosition};
use crate::notifications::{EmailKind, OutboxMessage};
use crate::series::BookingSeries;
use crate::shared::{
    BookingId, BundlePurchaseId, BusinessEvent, BusinessMetrics, FixedClock, Interval, Role, TimeOffId, UserId,
    WaitlistEntryId,
};
use crate::store::{Conflict, Store, StoreError};
use crate::tenancy::Organization;
use crate::testing::{MockStore, SequentialIds};
use crate::time_off::TimeOff;

mod settlement;

/// The data the store answers from.
#[derive(Debug, Clone)]
pub struct World {
    pub org: Organization,
    pub courses: Vec<Course>,
    pub users: Vec<User>,
    /// TAs assigned to the course.
    pub assigned: Vec<UserId>,
    pub availability: Vec<Availability>,
    pub bookings: Vec<Booking>,
    pub bundles: Vec<BundlePurchase>,
    pub session_price: Option<Product>,
    pub templates: Vec<GroupSessionTemplate>,
    pub waitlist: Vec<WaitlistEntry>,
    /// Conflicts the next inserts of bookings fail with, in order.
    pub insert_conflicts: Vec<Conflict>,
    /// How many of the next inserts of bookings fail with a transient store error (a
    /// serialization failure), before the conflicts above are looked at.
    pub transient_inserts: u32,
    /// A conflict the next `add_seat` fails with.
    pub add_seat_conflict: Option<Conflict>,
    /// Bundles whose conditional debit fails (spent concurrently).
    pub debit_fails: Vec<BundlePurchaseId>,
    /// Windows of TA time off.
    pub time_off: Vec<TimeOff>,
    /// Conflicts the next moves of bookings fail with, in order (a concurrent writer won).
    pub reschedule_conflicts: Vec<Conflict>,
    /// Recurring series.
    pub series: Vec<BookingSeries>,
    /// The bundles' ledger (entries appended are added here too).
    pub ledger: Vec<LedgerEntry>,
    /// Seats another writer marks just before the next `mark_seat` of that student: the seat
    /// takes the mark and its round moves on, so our conditional update finds a stale round.
    /// (The other writer's ledger entries are not modelled: race with marks that move no credit.)
    pub mark_races: Vec<(UserId, Attendance)>,
    /// Digests already recorded, by TA and local date.
    pub digests: Vec<(UserId, NaiveDate)>,
    /// Bundles whose conditional `take_remaining` fails (their balance moved meanwhile).
    pub take_fails: Vec<BundlePurchaseId>,
}

/// Everything the use case wrote.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub inserted: Vec<Booking>,
    pub seats_added: Vec<Seat>,
    pub seats_removed: Vec<(BookingId, UserId)>,
    pub seats_refunded: Vec<(BookingId, UserId)>,
    pub cancelled: Vec<BookingId>,
    pub debits: Vec<BundlePurchaseId>,
    pub refunds: Vec<BundlePurchaseId>,
    pub ledger: Vec<LedgerEntry>,
    pub outbox: Vec<OutboxMessage>,
    pub audit: Vec<AuditEvent>,
    pub waitlist_added: Vec<WaitlistEntry>,
    pub waitlist_removed: Vec<WaitlistEntryId>,
    pub waitlist_cleared: Vec<BookingId>,
    pub templates_added: Vec<GroupSessionTemplate>,
    pub rescheduled: Vec<Booking>,
    pub time_off_recorded: Vec<TimeOff>,
    pub time_off_deleted: Vec<TimeOffId>,
    pub series_added: Vec<BookingSeries>,
    /// Seat marks written (the conditional update matched).
    pub marks: Vec<(BookingId, SeatMark)>,
    /// `set_outcome` calls: booking, TA no-show, completion.
    pub outcomes: Vec<(BookingId, bool, Option<DateTime<Utc>>)>,
    /// Digests recorded: TA, local date, when.
    pub digests: Vec<(UserId, NaiveDate, DateTime<Utc>)>,
    /// Credits taken by expiry: bundle, credits.
    pub taken: Vec<(BundlePurchaseId, u32)>,
}

impl Written {
    /// The emails of one kind, by recipient address.
    pub fn emails(&self, kind: EmailKind) -> Vec<String> {
        self.outbox.iter().filter(|m| m.kind() == kind).map(|m| m.recipient.to_string()).collect()
    }

    /// The audit actions, in order.
    pub fn actions(&self) -> Vec<AuditAction> {
        self.audit.iter().map(|e| e.action).collect()
    }

    /// Whether nothing at all was written.
    pub fn is_empty(&self) -> bool {
        self.inserted.is_empty()
            && self.seats_added.is_empty()
            && self.seats_removed.is_empty()
            && self.cancelled.is_empty()
            && self.debits.is_empty()
            && self.refunds.is_empty()
            && self.ledger.is_empty()
            && self.outbox.is_empty()
            && self.audit.is_empty()
            && self.waitlist_added.is_empty()
            && self.waitlist_removed.is_empty()
            && self.templates_added.is_empty()
            && self.rescheduled.is_empty()
            && self.time_off_recorded.is_empty()
            && self.time_off_deleted.is_empty()
            && self.series_added.is_empty()
            && self.marks.is_empty()
            && self.outcomes.is_empty()
            && self.digests.is_empty()
            && self.taken.is_empty()
    }
}

impl World {
    /// The fixtures' organization: one active course taught by TA 1 and TA 2 (both Mon–Fri
    /// 09:00–17:00 UTC), two students, an admin, the per-session price, the group template.
    pub fn standard() -> Self {
        Self {
            org: org(),
            courses: vec![course()],
            users: vec![
                user(ADMIN, Role::Admin),
                user(TA_1, Role::Ta),
                user(TA_2, Role::Ta),
                user(STUDENT_1, Role::Student),
                user(STUDENT_2, Role::Student),
            ],
            assigned: vec![user_id(TA_1), user_id(TA_2)],
            availability: vec![fixtures::availability(TA_1), fixtures::availability(TA_2)],
            bookings: vec![],
            bundles: vec![],
            session_price: Some(session_price()),
            templates: vec![template()],
            waitlist: vec![],
            insert_conflicts: vec![],
            transient_inserts: 0,
            add_seat_conflict: None,
            debit_fails: vec![],
            time_off: vec![],
            reschedule_conflicts: vec![],
            series: vec![],
            ledger: vec![],
            mark_races: vec![],
            digests: vec![],
            take_fails: vec![],
        }
    }

    /// Adds a student.
    pub fn with_student(mut self, n: u128) -> Self {
        self.users.push(user(n, Role::Student));
        self
    }

    /// Adds a TA assigned to the course, open at the fixtures' hours.
    pub fn with_ta(mut self, n: u128) -> Self {
        self.users.push(user(n, Role::Ta));
        self.assigned.push(fixtures::id(n));
        self.availability.push(fixtures::availability(n));
        self
    }
}

/// The world, the writes, and a core whose store answers from them.
pub struct Harness {
    pub world: Arc<Mutex<World>>,
    pub written: Arc<Mutex<Written>>,
    pub store: Arc<MockStore>,
    pub core: Core,
    counted: Arc<Counted>,
}

/// The business events a harness's use cases counted.
#[derive(Default)]
pub struct Counted(Mutex<Vec<BusinessEvent>>);

impl Counted {
    /// The events counted so far, in order.
    pub fn events(&self) -> Vec<BusinessEvent> {
        lock(&self.0).clone()
    }
}

impl BusinessMetrics for Counted {
    fn record(&self, event: BusinessEvent) {
        lock(&self.0).push(event);
    }
}

impl Harness {
    /// What was written so far.
    pub fn written(&self) -> MutexGuard<'_, Written> {
        self.written.lock().unwrap()
    }

    /// The business events counted so far.
    pub fn counted(&self) -> Vec<BusinessEvent> {
        self.counted.events()
    }

    /// Commits so far.
    pub fn commits(&self) -> usize {
        self.store.commits()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Builds the mock store over `world` at the fixtures' "now".
pub fn harness(world: World) -> Harness {
    harness_at(world, now())
}

/// Builds the mock store over `world` at `at`.
pub fn harness_at(world: World, at: DateTime<Utc>) -> Harness {
    let w = Arc::new(Mutex::new(world));
    let out = Arc::new(Mutex::new(Written::default()));
    let mut s = MockStore::new();
    reads(&mut s, &w);
    booking_writes(&mut s, &w, &out);
    other_writes(&mut s, &w, &out);
    settlement::expectations(&mut s, &w, &out);
    let store = Arc::new(s);
    let dyn_store: Arc<dyn Store> = store.clone();
    let counted = Arc::new(Counted::default());
    let core = Core::new(dyn_store, Arc::new(FixedClock(at)), Arc::new(SequentialIds::default()))
        .with_metrics(counted.clone());
    Harness { world: w, written: out, store, core, counted }
}

fn reads(s: &mut MockStore, w: &Arc<Mutex<World>>) {
    let x = w.clone();
    s.organizations.expect_get().returning(move |id| Ok(Some(lock(&x).org.clone()).filter(|o| o.id == id)));
    let x = w.clone();
    s.courses
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).courses.iter().find(|c| c.organization_id == o && c.id == id).cloned()));
    let x = w.clone();
    s.users
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).users.iter().find(|u| u.organization_id == o && u.id == id).cloned()));
    let x = w.clone();
    s.users
        .expect_lock()
        .returning(move |o, id| Ok(lock(&x).users.iter().find(|u| u.organization_id == o && u.id == id).cloned()));
    let x = w.clone();
    s.users.expect_get_many().returning(move |o, ids| {
        Ok(lock(&x).users.iter().filter(|u| u.organization_id == o && ids.contains(&u.id)).cloned().collect())
    });
    let x = w.clone();
    s.course_tas
        .expect_is_assigned()
        .returning(move |_, c, ta| Ok(c == fixtures::id(COURSE) && lock(&x).assigned.contains(&ta)));
    let x = w.clone();
    s.course_tas.expect_tas().returning(move |_, _| {
        let world = lock(&x);
        Ok(world.users.iter().filter(|u| world.assigned.contains(&u.id)).cloned().collect())
    });
    let x = w.clone();
    s.availability.expect_get_many().returning(move |_, tas| {
        Ok(lock(&x).availability.iter().filter(|a| tas.contains(&a.ta_id())).cloned().collect())
    });
    let x = w.clone();
    s.products.expect_active_session_price().returning(move |_, _| Ok(lock(&x).session_price.clone()));
    let x = w.clone();
    s.bundles
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).bundles.iter().find(|b| b.organization_id == o && b.id == id).cloned()));
    let x = w.clone();
    s.bundles
        .expect_get_many()
        .returning(move |_, ids| Ok(lock(&x).bundles.iter().filter(|b| ids.contains(&b.id)).cloned().collect()));
    let x = w.clone();
    s.templates
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).templates.iter().find(|t| t.organization_id == o && t.id == id).cloned()));
    let x = w.clone();
    s.waitlist
        .expect_list()
        .returning(move |_, b| Ok(lock(&x).waitlist.iter().filter(|e| e.booking_id == b).cloned().collect()));
    let x = w.clone();
    s.waitlist.expect_find().returning(move |_, b, student| {
        let world = lock(&x);
        let list: Vec<&WaitlistEntry> = world.waitlist.iter().filter(|e| e.booking_id == b).collect();
        Ok(list
            .iter()
            .position(|e| e.student_id == student)
            .map(|i| WaitlistPosition { entry: list[i].clone(), position: u32::try_from(i + 1).unwrap() }))
    });
    let x = w.clone();
    s.bookings
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).bookings.iter().find(|b| b.organization_id == o && b.id == id).cloned()));
    let x = w.clone();
    s.bookings
        .expect_lock()
        .returning(move |o, id| Ok(lock(&x).bookings.iter().find(|b| b.organization_id == o && b.id == id).cloned()));
    let x = w.clone();
    s.bookings.expect_ta_busy().returning(move |_, tas, window| {
        Ok(lock(&x)
            .bookings
            .iter()
            .filter(|b| b.is_active() && tas.contains(&b.ta_id) && b.interval.overlaps(&window))
            .map(|b| (b.ta_id, b.interval))
            .collect())
    });
    let x = w.clone();
    s.bookings.expect_active_for_ta().returning(move |_, ta, window| {
        let mut found: Vec<Booking> = lock(&x)
            .bookings
            .iter()
            .filter(|b| b.is_active() && b.ta_id == ta && b.interval.overlaps(&window))
            .cloned()
            .collect();
        found.sort_by_key(|b| (b.interval.start(), b.id));
        Ok(found)
    });
    let x = w.clone();
    s.bookings.expect_of_series().returning(move |_, series| {
        let mut found: Vec<Booking> =
            lock(&x).bookings.iter().filter(|b| b.series_id == Some(series)).cloned().collect();
        found.sort_by_key(|b| (b.interval.start(), b.id));
        Ok(found)
    });
    let x = w.clone();
    s.series
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).series.iter().find(|t| t.organization_id == o && t.id == id).cloned()));
    let x = w.clone();
    s.time_off.expect_overlapping().returning(move |_, tas, span| {
        Ok(lock(&x)
            .time_off
            .iter()
            .filter(|t| tas.contains(&t.ta_id) && t.window.overlaps(&span))
            .map(|t| (t.ta_id, t.window))
            .collect())
    });
    let x = w.clone();
    s.time_off
        .expect_get()
        .returning(move |o, id| Ok(lock(&x).time_off.iter().find(|t| t.organization_id == o && t.id == id).cloned()));
    let x = w.clone();
    s.time_off.expect_list().returning(move |_, ta, from, to, _| {
        let mut found: Vec<TimeOff> = lock(&x)
            .time_off
            .iter()
            .filter(|t| {
                t.ta_id == ta && from.is_none_or(|f| t.window.end() > f) && to.is_none_or(|e| t.window.start() < e)
            })
            .cloned()
            .collect();
        found.sort_by_key(|t| (t.window.start(), t.id));
        Ok(found)
    });
    let x = w.clone();
    s.bookings.expect_student_busy().returning(move |_, students, window| {
        let world = lock(&x);
        let mut out = Vec::new();
        for b in world.bookings.iter().filter(|b| b.is_active() && b.interval.overlaps(&window)) {
            for seat in b.seats.iter().filter(|s| students.contains(&s.student_id)) {
                out.push((seat.student_id, b.interval));
            }
        }
        Ok(out)
    });
    let x = w.clone();
    s.bookings.expect_count_starting_in().returning(move |_, tas, day: Interval| {
        let world = lock(&x);
        Ok(tas
            .iter()
            .map(|ta| {
                let n = world
                    .bookings
                    .iter()
                    .filter(|b| b.is_active() && b.ta_id == *ta && day.contains_instant(b.interval.start()))
                    .count();
                (*ta, u32::try_from(n).unwrap())
            })
            .collect())
    });
}

fn booking_writes(s: &mut MockStore, w: &Arc<Mutex<World>>, out: &Arc<Mutex<Written>>) {
    let (x, o) = (w.clone(), out.clone());
    s.bookings.expect_insert().returning(move |b, _| {
        let mut world = lock(&x);
        if world.transient_inserts > 0 {
            world.transient_inserts -= 1;
            return Err(StoreError::Transient(anyhow::anyhow!("40001: could not serialize access")));
        }
        if !world.insert_conflicts.is_empty() {
            let conflict = world.insert_conflicts.remove(0);
            // The concurrent winner now holds the slot: later reads see it.
            let mut winner = b.clone();
            winner.id = fixtures::id(9_999);
            winner.seats.clear(); // another student's booking
            world.bookings.push(winner);
            return Err(StoreError::Conflict(conflict));
        }
        world.bookings.push(b.clone());
        lock(&o).inserted.push(b.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.bookings.expect_add_seat().returning(move |_, seat| {
        let mut world = lock(&x);
        if let Some(c) = world.add_seat_conflict.take() {
            return Err(StoreError::Conflict(c));
        }
        let b = world.bookings.iter_mut().find(|b| b.id == seat.booking_id).unwrap();
        if b.seats_taken >= b.capacity {
            return Err(StoreError::Conflict(Conflict::CapacityExceeded));
        }
        b.seats_taken += 1;
        b.seats.push(seat.clone());
        b.status = BookingStatus::for_group(b.seats_taken, b.capacity);
        lock(&o).seats_added.push(seat.clone());
        Ok(b.status)
    });
    let (x, o) = (w.clone(), out.clone());
    s.bookings.expect_remove_seat().returning(move |_, booking, student| {
        let mut world = lock(&x);
        let b = world.bookings.iter_mut().find(|b| b.id == booking).unwrap();
        let before = b.seats.len();
        b.seats.retain(|s| s.student_id != student);
        let removed = b.seats.len() < before;
        if removed {
            b.seats_taken -= 1;
            b.status = BookingStatus::for_group(b.seats_taken, b.capacity);
            lock(&o).seats_removed.push((booking, student));
        }
        Ok(removed)
    });
    let o = out.clone();
    s.bookings.expect_mark_seat_refunded().returning(move |_, b, st| {
        lock(&o).seats_refunded.push((b, st));
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.bookings.expect_reschedule().returning(move |moved, _| {
        let mut world = lock(&x);
        if !world.reschedule_conflicts.is_empty() {
            return Err(StoreError::Conflict(world.reschedule_conflicts.remove(0)));
        }
        let Some(b) = world.bookings.iter_mut().find(|b| b.id == moved.id && b.is_active()) else {
            return Ok(false);
        };
        *b = moved.clone();
        lock(&o).rescheduled.push(moved.clone());
        Ok(true)
    });
    let (x, o) = (w.clone(), out.clone());
    s.bookings.expect_cancel().returning(move |_, id, _, _, _| {
        let mut world = lock(&x);
        let b = world.bookings.iter_mut().find(|b| b.id == id).unwrap();
        if b.status == BookingStatus::Cancelled {
            return Ok(false);
        }
        b.status = BookingStatus::Cancelled;
        lock(&o).cancelled.push(id);
        Ok(true)
    });
}

fn other_writes(s: &mut MockStore, w: &Arc<Mutex<World>>, out: &Arc<Mutex<Written>>) {
    let (x, o) = (w.clone(), out.clone());
    s.bundles.expect_debit().returning(move |_, id| {
        let mut world = lock(&x);
        if world.debit_fails.contains(&id) {
            return Ok(false);
        }
        let b = world.bundles.iter_mut().find(|b| b.id == id).unwrap();
        if b.remaining_sessions == 0 {
            return Ok(false);
        }
        b.remaining_sessions -= 1;
        lock(&o).debits.push(id);
        Ok(true)
    });
    let (x, o) = (w.clone(), out.clone());
    s.bundles.expect_refund().returning(move |_, id| {
        let mut world = lock(&x);
        let b = world.bundles.iter_mut().find(|b| b.id == id).unwrap();
        if b.remaining_sessions >= b.total_sessions {
            return Ok(false);
        }
        b.remaining_sessions += 1;
        lock(&o).refunds.push(id);
        Ok(true)
    });
    let (x, o) = (w.clone(), out.clone());
    s.bundles.expect_append_ledger().returning(move |e| {
        lock(&x).ledger.push(e.clone());
        lock(&o).ledger.push(e.clone());
        Ok(())
    });
    let o = out.clone();
    s.outbox.expect_enqueue().returning(move |m| {
        lock(&o).outbox.push(m.clone());
        Ok(())
    });
    let o = out.clone();
    s.audit.expect_append().returning(move |e| {
        lock(&o).audit.push(e.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.waitlist.expect_insert().returning(move |e| {
        let mut world = lock(&x);
        if world.waitlist.iter().any(|w| w.booking_id == e.booking_id && w.student_id == e.student_id) {
            return Err(StoreError::Conflict(Conflict::AlreadyWaitlisted));
        }
        world.waitlist.push(e.clone());
        lock(&o).waitlist_added.push(e.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.waitlist.expect_remove().returning(move |_, id| {
        let mut world = lock(&x);
        let before = world.waitlist.len();
        world.waitlist.retain(|e| e.id != id);
        let removed = world.waitlist.len() < before;
        if removed {
            lock(&o).waitlist_removed.push(id);
        }
        Ok(removed)
    });
    let (x, o) = (w.clone(), out.clone());
    s.templates.expect_insert().returning(move |t| {
        lock(&x).templates.push(t.clone());
        lock(&o).templates_added.push(t.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.series.expect_insert().returning(move |t| {
        lock(&x).series.push(t.clone());
        lock(&o).series_added.push(t.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.time_off.expect_insert().returning(move |t| {
        lock(&x).time_off.push(t.clone());
        lock(&o).time_off_recorded.push(t.clone());
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.time_off.expect_delete().returning(move |_, id| {
        let mut world = lock(&x);
        let before = world.time_off.len();
        world.time_off.retain(|t| t.id != id);
        let deleted = world.time_off.len() < before;
        if deleted {
            lock(&o).time_off_deleted.push(id);
        }
        Ok(deleted)
    });
    let (x, o) = (w.clone(), out.clone());
    s.waitlist.expect_clear().returning(move |_, b| {
        let mut world = lock(&x);
        let before = world.waitlist.len();
        world.waitlist.retain(|e| e.booking_id != b);
        lock(&o).waitlist_cleared.push(b);
        Ok(u32::try_from(before - world.waitlist.len()).unwrap())
    });
}
