-- Policies per course, fixed at booking time (domain.md part 2). The organization's terms
-- beyond its cancellation window and a course's overrides are nullable: unset means the level
-- above (the course: the organization; the organization: the built-in default, and for the
-- reschedule window the effective cancellation window). A booking holds its own copy of every
-- term, so that changing a policy later never changes the terms of sessions already booked.

ALTER TABLE organizations
    ADD COLUMN reschedule_window_hours integer CHECK (reschedule_window_hours BETWEEN 0 AND 720),
    ADD COLUMN max_reschedules         integer CHECK (max_reschedules BETWEEN 0 AND 10),
    ADD COLUMN late_cancellation       text    CHECK (late_cancellation IN ('forfeit', 'refund')),
    ADD COLUMN no_show                 text    CHECK (no_show IN ('forfeit', 'refund'));

ALTER TABLE courses
    ADD COLUMN cancellation_window_hours integer CHECK (cancellation_window_hours BETWEEN 0 AND 720),
    ADD COLUMN reschedule_window_hours   integer CHECK (reschedule_window_hours BETWEEN 0 AND 720),
    ADD COLUMN max_reschedules           integer CHECK (max_reschedules BETWEEN 0 AND 10),
    ADD COLUMN late_cancellation         text    CHECK (late_cancellation IN ('forfeit', 'refund')),
    ADD COLUMN no_show                   text    CHECK (no_show IN ('forfeit', 'refund'));

-- Existing bookings: their organization's policy now (its cancellation window, the same
-- reschedule window, the built-in rest). The defaults only fill the new columns of existing
-- rows and are dropped at once: every new booking writes its own copy.
ALTER TABLE bookings
    ADD COLUMN policy_cancellation_window_hours integer NOT NULL DEFAULT 24
        CHECK (policy_cancellation_window_hours BETWEEN 0 AND 720),
    ADD COLUMN policy_reschedule_window_hours   integer NOT NULL DEFAULT 24
        CHECK (policy_reschedule_window_hours BETWEEN 0 AND 720),
    ADD COLUMN policy_max_reschedules           integer NOT NULL DEFAULT 2
        CHECK (policy_max_reschedules BETWEEN 0 AND 10),
    ADD COLUMN policy_late_cancellation         text    NOT NULL DEFAULT 'forfeit'
        CHECK (policy_late_cancellation IN ('forfeit', 'refund')),
    ADD COLUMN policy_no_show                   text    NOT NULL DEFAULT 'forfeit'
        CHECK (policy_no_show IN ('forfeit', 'refund')),
    ADD COLUMN sequence                         integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    ADD COLUMN reschedule_count                 integer NOT NULL DEFAULT 0 CHECK (reschedule_count >= 0);

UPDATE bookings AS b
SET policy_cancellation_window_hours = o.cancellation_window_hours,
    policy_reschedule_window_hours = o.cancellation_window_hours
FROM organizations AS o
WHERE o.id = b.organization_id;

-- The update queued the bookings' deferred checks; they run now, so that the table may be
-- altered again in this transaction.
SET CONSTRAINTS ALL IMMEDIATE;

ALTER TABLE bookings
    ALTER COLUMN policy_cancellation_window_hours DROP DEFAULT,
    ALTER COLUMN policy_reschedule_window_hours DROP DEFAULT,
    ALTER COLUMN policy_max_reschedules DROP DEFAULT,
    ALTER COLUMN policy_late_cancellation DROP DEFAULT,
    ALTER COLUMN policy_no_show DROP DEFAULT;
