-- Recurring series of individual bookings (see the PostgreSQL migration). SQLite cannot alter a
-- CHECK constraint, so `outbox_messages` is rebuilt with the new kinds. `bookings.series_id`
-- carries no foreign key here: ADD COLUMN cannot add a composite one, and a column with a
-- foreign key could not be dropped again by the down migration without rebuilding `bookings`
-- (and every table and trigger that refers to it). The domain writes it only with the series it
-- just inserted in the same transaction.

CREATE TABLE outbox_before_010 AS SELECT * FROM outbox_messages;
DROP TABLE outbox_messages;

CREATE TABLE outbox_messages (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'ta_invitation',
                                'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
                                'waitlist_promotion', 'cancellation', 'booking_rescheduled',
                                'series_confirmation', 'series_cancellation')),
    recipient       TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'retrying', 'dead', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    next_attempt_at TEXT    NOT NULL,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    CONSTRAINT outbox_messages_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX outbox_messages_org_created_idx ON outbox_messages (organization_id, created_at DESC, id DESC);
CREATE INDEX outbox_messages_org_status_idx ON outbox_messages (organization_id, status, created_at DESC, id DESC);

INSERT INTO outbox_messages (id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at)
    SELECT id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at FROM outbox_before_010;
DROP TABLE outbox_before_010;

CREATE TABLE booking_series (
    id               BLOB    PRIMARY KEY,
    organization_id  BLOB    NOT NULL,
    course_id        BLOB    NOT NULL,
    student_id       BLOB    NOT NULL,
    student_role     TEXT    NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    ta_id            BLOB    NOT NULL,
    ta_role          TEXT    NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    recurrence       TEXT    NOT NULL CHECK (length(recurrence) BETWEEN 1 AND 200),
    starts_at        TEXT    NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 240 AND duration_minutes % 15 = 0),
    created_by       BLOB    NOT NULL,
    created_at       TEXT    NOT NULL,
    CONSTRAINT booking_series_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX booking_series_org_created_idx ON booking_series (organization_id, created_at DESC, id DESC);

CREATE TABLE booking_series_skips (
    series_id       BLOB NOT NULL,
    organization_id BLOB NOT NULL,
    starts_at       TEXT NOT NULL,
    code            TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    PRIMARY KEY (series_id, starts_at),
    FOREIGN KEY (organization_id, series_id) REFERENCES booking_series (organization_id, id)
);

ALTER TABLE bookings ADD COLUMN series_id BLOB;
CREATE INDEX bookings_series_starts_idx ON bookings (series_id, starts_at) WHERE series_id IS NOT NULL;
