-- Policies per course, fixed at booking time (domain.md part 2). The organization's terms
-- beyond its cancellation window and a course's overrides are nullable: unset means the level
-- above. A booking holds its own copy of every term. SQLite adds one column per statement, and
-- a NOT NULL column only with a default: the defaults stay in the schema, but every new
-- booking writes its own copy.

ALTER TABLE organizations ADD COLUMN reschedule_window_hours INTEGER
    CHECK (reschedule_window_hours BETWEEN 0 AND 720);
ALTER TABLE organizations ADD COLUMN max_reschedules INTEGER CHECK (max_reschedules BETWEEN 0 AND 10);
ALTER TABLE organizations ADD COLUMN late_cancellation TEXT CHECK (late_cancellation IN ('forfeit', 'refund'));
ALTER TABLE organizations ADD COLUMN no_show TEXT CHECK (no_show IN ('forfeit', 'refund'));

ALTER TABLE courses ADD COLUMN cancellation_window_hours INTEGER
    CHECK (cancellation_window_hours BETWEEN 0 AND 720);
ALTER TABLE courses ADD COLUMN reschedule_window_hours INTEGER CHECK (reschedule_window_hours BETWEEN 0 AND 720);
ALTER TABLE courses ADD COLUMN max_reschedules INTEGER CHECK (max_reschedules BETWEEN 0 AND 10);
ALTER TABLE courses ADD COLUMN late_cancellation TEXT CHECK (late_cancellation IN ('forfeit', 'refund'));
ALTER TABLE courses ADD COLUMN no_show TEXT CHECK (no_show IN ('forfeit', 'refund'));

ALTER TABLE bookings ADD COLUMN policy_cancellation_window_hours INTEGER NOT NULL DEFAULT 24
    CHECK (policy_cancellation_window_hours BETWEEN 0 AND 720);
ALTER TABLE bookings ADD COLUMN policy_reschedule_window_hours INTEGER NOT NULL DEFAULT 24
    CHECK (policy_reschedule_window_hours BETWEEN 0 AND 720);
ALTER TABLE bookings ADD COLUMN policy_max_reschedules INTEGER NOT NULL DEFAULT 2
    CHECK (policy_max_reschedules BETWEEN 0 AND 10);
ALTER TABLE bookings ADD COLUMN policy_late_cancellation TEXT NOT NULL DEFAULT 'forfeit'
    CHECK (policy_late_cancellation IN ('forfeit', 'refund'));
ALTER TABLE bookings ADD COLUMN policy_no_show TEXT NOT NULL DEFAULT 'forfeit'
    CHECK (policy_no_show IN ('forfeit', 'refund'));
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0);
ALTER TABLE bookings ADD COLUMN reschedule_count INTEGER NOT NULL DEFAULT 0 CHECK (reschedule_count >= 0);

-- Existing bookings: their organization's policy now.
UPDATE bookings
SET policy_cancellation_window_hours =
        (SELECT o.cancellation_window_hours FROM organizations AS o WHERE o.id = bookings.organization_id),
    policy_reschedule_window_hours =
        (SELECT o.cancellation_window_hours FROM organizations AS o WHERE o.id = bookings.organization_id);
