-- Back to one cancellation window per organization: the policy terms go, with every
-- booking's copy of them (cancellations then follow the organization's window again).

ALTER TABLE bookings
    DROP COLUMN reschedule_count,
    DROP COLUMN sequence,
    DROP COLUMN policy_no_show,
    DROP COLUMN policy_late_cancellation,
    DROP COLUMN policy_max_reschedules,
    DROP COLUMN policy_reschedule_window_hours,
    DROP COLUMN policy_cancellation_window_hours;

ALTER TABLE courses
    DROP COLUMN no_show,
    DROP COLUMN late_cancellation,
    DROP COLUMN max_reschedules,
    DROP COLUMN reschedule_window_hours,
    DROP COLUMN cancellation_window_hours;

ALTER TABLE organizations
    DROP COLUMN no_show,
    DROP COLUMN late_cancellation,
    DROP COLUMN max_reschedules,
    DROP COLUMN reschedule_window_hours;
