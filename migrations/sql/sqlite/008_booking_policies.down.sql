-- Back to one cancellation window per organization: the policy terms go, with every
-- booking's copy of them.

ALTER TABLE bookings DROP COLUMN reschedule_count;
ALTER TABLE bookings DROP COLUMN sequence;
ALTER TABLE bookings DROP COLUMN policy_no_show;
ALTER TABLE bookings DROP COLUMN policy_late_cancellation;
ALTER TABLE bookings DROP COLUMN policy_max_reschedules;
ALTER TABLE bookings DROP COLUMN policy_reschedule_window_hours;
ALTER TABLE bookings DROP COLUMN policy_cancellation_window_hours;

ALTER TABLE courses DROP COLUMN no_show;
ALTER TABLE courses DROP COLUMN late_cancellation;
ALTER TABLE courses DROP COLUMN max_reschedules;
ALTER TABLE courses DROP COLUMN reschedule_window_hours;
ALTER TABLE courses DROP COLUMN cancellation_window_hours;

ALTER TABLE organizations DROP COLUMN no_show;
ALTER TABLE organizations DROP COLUMN late_cancellation;
ALTER TABLE organizations DROP COLUMN max_reschedules;
ALTER TABLE organizations DROP COLUMN reschedule_window_hours;
