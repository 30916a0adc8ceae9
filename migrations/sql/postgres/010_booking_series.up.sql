-- Recurring series of individual bookings (domain.md part 2, "Recurring series"): the series
-- (its rule, first start and length, student and TA), the occurrences it could not book (with
-- their error code, for `allowPartial`), each booking's `series_id`, and the series' summary
-- emails. The series' bookings are ordinary bookings: every invariant of a booking (no TA or
-- student overlap, the bundle's balance) holds for each of them through the existing
-- constraints, so two series over the same slots can never both hold one.

ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation', 'booking_rescheduled', 'series_confirmation', 'series_cancellation'));

CREATE TABLE booking_series (
    id               uuid        PRIMARY KEY,
    organization_id  uuid        NOT NULL,
    course_id        uuid        NOT NULL,
    student_id       uuid        NOT NULL,
    student_role     text        NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    ta_id            uuid        NOT NULL,
    ta_role          text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    recurrence       text        NOT NULL CHECK (char_length(recurrence) BETWEEN 1 AND 200),
    starts_at        timestamptz NOT NULL,
    duration_minutes integer     NOT NULL CHECK (duration_minutes BETWEEN 15 AND 240 AND duration_minutes % 15 = 0),
    created_by       uuid        NOT NULL,
    created_at       timestamptz NOT NULL,
    CONSTRAINT booking_series_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX booking_series_org_created_idx ON booking_series (organization_id, created_at DESC, id DESC);

CREATE TABLE booking_series_skips (
    series_id       uuid        NOT NULL,
    organization_id uuid        NOT NULL,
    starts_at       timestamptz NOT NULL,
    code            text        NOT NULL CHECK (char_length(code) BETWEEN 1 AND 64),
    PRIMARY KEY (series_id, starts_at),
    FOREIGN KEY (organization_id, series_id) REFERENCES booking_series (organization_id, id)
);

ALTER TABLE bookings
    ADD COLUMN series_id uuid,
    ADD CONSTRAINT bookings_series_fkey FOREIGN KEY (organization_id, series_id) REFERENCES booking_series (organization_id, id);
CREATE INDEX bookings_series_starts_idx ON bookings (series_id, starts_at) WHERE series_id IS NOT NULL;
