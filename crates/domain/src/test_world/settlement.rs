//! The world's answers to the attendance and settlement ports: seat marks (a conditional update
//! on the seat's round, as the store does it), a booking's outcome, the sessions waiting for
//! marks, digests, and the bundle reads and writes of statements and expiry. Writes change the
//! world, so that a use case run again (a retry) reads what the last attempt left.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::{World, Written, lock};
use crate::attendance::{SeatOutcome, UnmarkedTa, settlement};
use crate::booking::{Booking, BookingStatus, SessionType};
use crate::bundles::BundlePurchase;
use crate::testing::MockStore;

/// Sets the expectations of the attendance port and of the bundle port's statement and expiry
/// methods.
pub(super) fn expectations(s: &mut MockStore, w: &Arc<Mutex<World>>, out: &Arc<Mutex<Written>>) {
    attendance_writes(s, w, out);
    attendance_reads(s, w);
    bundle_settlement(s, w, out);
}

/// Active, not completed, ended by `ended_by`, with a seat: waiting for marks.
fn waiting(b: &Booking, ended_by: DateTime<Utc>) -> bool {
    b.is_active() && b.completed_at.is_none() && b.interval.end() <= ended_by && !b.seats.is_empty()
}

fn attendance_writes(s: &mut MockStore, w: &Arc<Mutex<World>>, out: &Arc<Mutex<Written>>) {
    let (x, o) = (w.clone(), out.clone());
    s.attendance.expect_mark_seat().returning(move |org, id, mark| {
        let mut world = lock(&x);
        let race = world.mark_races.iter().position(|(student, _)| *student == mark.student_id);
        let race = race.map(|i| world.mark_races.remove(i).1);
        let Some(b) = world.bookings.iter_mut().find(|b| b.organization_id == org && b.id == id) else {
            return Ok(false);
        };
        let (ta_no_show, policy) = (b.ta_no_show, b.policy);
        let Some(seat) = b.seats.iter_mut().find(|s| s.student_id == mark.student_id) else { return Ok(false) };
        if let Some(theirs) = race {
            seat.attendance = Some(theirs);
            seat.settlement_round += 1;
            seat.refunded = settlement(Some(theirs), ta_no_show, &policy) == Some(SeatOutcome::Refund);
        }
        if seat.settlement_round != mark.from_round {
            return Ok(false);
        }
        seat.attendance = mark.attendance;
        seat.settlement_round = mark.to_round;
        seat.refunded = mark.refunded;
        lock(&o).marks.push((id, *mark));
        Ok(true)
    });
    let (x, o) = (w.clone(), out.clone());
    s.attendance.expect_set_outcome().returning(move |org, id, ta_no_show, completed_at| {
        let mut world = lock(&x);
        if let Some(b) = world.bookings.iter_mut().find(|b| b.organization_id == org && b.id == id) {
            b.ta_no_show = ta_no_show;
            b.completed_at = completed_at;
            // As the store reads it: completion over the seat-count status.
            b.status = match (completed_at, b.session_type) {
                (Some(_), _) => BookingStatus::Completed,
                (None, SessionType::Individual) => BookingStatus::Booked,
                (None, SessionType::Group) => BookingStatus::for_group(b.seats_taken, b.capacity),
            };
        }
        lock(&o).outcomes.push((id, ta_no_show, completed_at));
        Ok(())
    });
    let (x, o) = (w.clone(), out.clone());
    s.attendance.expect_record_digest().returning(move |ta, day, at| {
        let mut world = lock(&x);
        if world.digests.contains(&(ta.ta_id, day)) {
            return Ok(false);
        }
        world.digests.push((ta.ta_id, day));
        lock(&o).digests.push((ta.ta_id, day, at));
        Ok(true)
    });
}

fn attendance_reads(s: &mut MockStore, w: &Arc<Mutex<World>>) {
    let x = w.clone();
    s.attendance.expect_unmarked().returning(move |org, ta, ended_by, page| {
        let world = lock(&x);
        let mut found: Vec<Booking> = world
            .bookings
            .iter()
            .filter(|b| b.organization_id == org && b.ta_id == ta && waiting(b, ended_by))
            .filter(|b| {
                page.after().is_none_or(|c| (Some(b.interval.start()), b.id.as_uuid()) > (c.instant_key(), c.id))
            })
            .cloned()
            .collect();
        found.sort_by_key(|b| (b.interval.start(), b.id));
        found.truncate(page.fetch_limit());
        Ok(found)
    });
    let x = w.clone();
    s.attendance.expect_tas_with_unmarked().returning(move |ended_by| {
        let world = lock(&x);
        let mut count = BTreeMap::new();
        for b in world.bookings.iter().filter(|b| waiting(b, ended_by)) {
            *count.entry((b.organization_id, b.ta_id)).or_insert(0) += 1;
        }
        Ok(count
            .into_iter()
            .map(|((organization_id, ta_id), sessions)| UnmarkedTa { organization_id, ta_id, sessions })
            .collect())
    });
}

fn bundle_settlement(s: &mut MockStore, w: &Arc<Mutex<World>>, out: &Arc<Mutex<Written>>) {
    let x = w.clone();
    s.bundles.expect_of_student().returning(move |org, student| {
        let world = lock(&x);
        let mut found: Vec<BundlePurchase> =
            world.bundles.iter().filter(|b| b.organization_id == org && b.student_id == student).cloned().collect();
        found.sort_by_key(|b| (b.created_at, b.id));
        Ok(found)
    });
    let x = w.clone();
    s.bundles.expect_ledger_of_student().returning(move |org, student| {
        let world = lock(&x);
        let owned = |e: &&crate::bundles::LedgerEntry| {
            world
                .bundles
                .iter()
                .any(|b| b.id == e.bundle_purchase_id && b.organization_id == org && b.student_id == student)
        };
        let mut found: Vec<_> = world.ledger.iter().filter(owned).cloned().collect();
        found.sort_by_key(|e| (e.bundle_purchase_id, e.created_at, e.id));
        Ok(found)
    });
    let x = w.clone();
    s.bundles.expect_lock_expiring().returning(move |now, limit| {
        let world = lock(&x);
        let mut found: Vec<BundlePurchase> =
            world.bundles.iter().filter(|b| b.remaining_sessions > 0 && b.valid_to <= now).cloned().collect();
        found.sort_by_key(|b| (b.valid_to, b.id));
        found.truncate(usize::try_from(limit).unwrap());
        Ok(found)
    });
    let (x, o) = (w.clone(), out.clone());
    s.bundles.expect_take_remaining().returning(move |org, id, credits| {
        let mut world = lock(&x);
        if world.take_fails.contains(&id) {
            return Ok(false);
        }
        let Some(b) = world.bundles.iter_mut().find(|b| b.organization_id == org && b.id == id) else {
            return Ok(false);
        };
        if b.remaining_sessions != credits {
            return Ok(false);
        }
        b.remaining_sessions = 0;
        lock(&o).taken.push((id, credits));
        Ok(true)
    });
}
