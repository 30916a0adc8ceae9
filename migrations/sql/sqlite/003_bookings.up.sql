-- Group-session templates, bundles and their ledger, bookings and seats, waitlists.
-- SQLite has no exclusion constraints and no deferred triggers; since it admits one writer at
-- a time (every write transaction is BEGIN IMMEDIATE), triggers that check before or after a
-- write hold the same invariants:
--  * a TA's active sessions never overlap, buffer included (bookings_ta_overlap triggers);
--  * a student's active seats never overlap (booking_seats_student_overlap triggers);
--  * seats never exceed capacity (check) and match the seat rows (checked when a seat is
--    inserted or deleted, after the counter was moved);
--  * 0 <= remaining_sessions <= total_sessions (check) and remaining equals the ledger
--    (checked when a ledger entry is inserted, after the balance was moved).

CREATE TABLE group_session_templates (
    id                      BLOB    PRIMARY KEY,
    organization_id         BLOB    NOT NULL,
    course_id               BLOB    NOT NULL,
    ta_id                   BLOB    NOT NULL,
    ta_role                 TEXT    NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    title                   TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    capacity                INTEGER NOT NULL CHECK (capacity BETWEEN 2 AND 100),
    duration_minutes        INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 240 AND duration_minutes % 15 = 0),
    price_per_student_cents INTEGER NOT NULL CHECK (price_per_student_cents BETWEEN 0 AND 100000000),
    currency                TEXT    NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    active                  INTEGER NOT NULL,
    created_at              TEXT    NOT NULL,
    CONSTRAINT templates_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX templates_org_title_idx ON group_session_templates (organization_id, title, id);
CREATE INDEX templates_course_title_idx ON group_session_templates (course_id, title, id);

CREATE TABLE bundle_purchases (
    id                 BLOB    PRIMARY KEY,
    organization_id    BLOB    NOT NULL,
    student_id         BLOB    NOT NULL,
    student_role       TEXT    NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    course_id          BLOB    NOT NULL,
    product_id         BLOB    NOT NULL,
    total_sessions     INTEGER NOT NULL CHECK (total_sessions BETWEEN 1 AND 100),
    remaining_sessions INTEGER NOT NULL,
    price_paid_cents   INTEGER NOT NULL CHECK (price_paid_cents BETWEEN 0 AND 100000000),
    currency           TEXT    NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    valid_from         TEXT    NOT NULL,
    valid_to           TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    CONSTRAINT bundle_purchases_balance_check CHECK (remaining_sessions BETWEEN 0 AND total_sessions),
    CONSTRAINT bundle_purchases_validity_check CHECK (valid_to > valid_from),
    CONSTRAINT bundle_purchases_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id)
);
CREATE INDEX bundle_purchases_org_created_idx ON bundle_purchases (organization_id, created_at DESC, id DESC);
CREATE INDEX bundle_purchases_student_idx ON bundle_purchases (student_id, created_at DESC, id DESC);
CREATE INDEX bundle_purchases_student_product_idx ON bundle_purchases (student_id, product_id);

CREATE TABLE bookings (
    id                      BLOB    PRIMARY KEY,
    organization_id         BLOB    NOT NULL,
    course_id               BLOB    NOT NULL,
    ta_id                   BLOB    NOT NULL,
    ta_role                 TEXT    NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    session_type            TEXT    NOT NULL CHECK (session_type IN ('individual', 'group')),
    status                  TEXT    NOT NULL CHECK (status IN ('booked', 'open', 'full', 'cancelled')),
    starts_at               TEXT    NOT NULL,
    ends_at                 TEXT    NOT NULL,
    blocked_until           TEXT    NOT NULL,
    capacity                INTEGER NOT NULL,
    seats_taken             INTEGER NOT NULL,
    price_per_student_cents INTEGER NOT NULL CHECK (price_per_student_cents BETWEEN 0 AND 100000000),
    currency                TEXT    NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    template_id             BLOB,
    created_by              BLOB    NOT NULL,
    cancelled_at            TEXT,
    cancelled_by            BLOB,
    cancellation_reason     TEXT    CHECK (length(cancellation_reason) <= 500),
    created_at              TEXT    NOT NULL,
    CONSTRAINT bookings_interval_check CHECK (ends_at > starts_at AND blocked_until >= ends_at),
    CONSTRAINT bookings_capacity_check CHECK (seats_taken BETWEEN 0 AND capacity),
    CONSTRAINT bookings_type_check CHECK (
        (session_type = 'individual' AND capacity = 1 AND template_id IS NULL AND status IN ('booked', 'cancelled'))
        OR (session_type = 'group' AND capacity BETWEEN 2 AND 100 AND template_id IS NOT NULL
            AND status IN ('open', 'full', 'cancelled'))),
    CONSTRAINT bookings_status_seats_check CHECK (
        (status <> 'full' OR seats_taken = capacity) AND (status <> 'open' OR seats_taken < capacity)),
    CONSTRAINT bookings_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CONSTRAINT bookings_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, template_id) REFERENCES group_session_templates (organization_id, id),
    FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
    FOREIGN KEY (organization_id, cancelled_by) REFERENCES users (organization_id, id)
);
CREATE INDEX bookings_org_starts_idx ON bookings (organization_id, starts_at, id);
CREATE INDEX bookings_ta_starts_idx ON bookings (ta_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX bookings_course_starts_idx ON bookings (course_id, starts_at, id);

CREATE TRIGGER bookings_ta_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'bookings_ta_overlap') WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.ta_id = NEW.ta_id AND b.status <> 'cancelled'
          AND b.starts_at < NEW.blocked_until AND NEW.starts_at < b.blocked_until);
END;

CREATE TRIGGER bookings_ta_overlap_update BEFORE UPDATE OF ta_id, starts_at, blocked_until, status ON bookings
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'bookings_ta_overlap') WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.id <> NEW.id AND b.ta_id = NEW.ta_id AND b.status <> 'cancelled'
          AND b.starts_at < NEW.blocked_until AND NEW.starts_at < b.blocked_until);
END;

CREATE TABLE booking_seats (
    booking_id         BLOB    NOT NULL,
    organization_id    BLOB    NOT NULL,
    student_id         BLOB    NOT NULL,
    student_role       TEXT    NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    bundle_purchase_id BLOB,
    price_cents        INTEGER NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    joined_at          TEXT    NOT NULL,
    refunded           INTEGER NOT NULL DEFAULT 0,
    starts_at          TEXT    NOT NULL,
    ends_at            TEXT    NOT NULL,
    active             INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT booking_seats_pkey PRIMARY KEY (booking_id, student_id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id)
);
CREATE INDEX booking_seats_student_idx ON booking_seats (student_id, starts_at) WHERE active;

CREATE TRIGGER booking_seats_student_overlap_insert BEFORE INSERT ON booking_seats
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking_seats_student_overlap') WHERE EXISTS (
        SELECT 1 FROM booking_seats s
        WHERE s.student_id = NEW.student_id AND s.booking_id <> NEW.booking_id AND s.active
          AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at);
END;

CREATE TRIGGER booking_seats_student_overlap_update BEFORE UPDATE OF student_id, starts_at, ends_at, active ON booking_seats
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking_seats_student_overlap') WHERE EXISTS (
        SELECT 1 FROM booking_seats s
        WHERE s.booking_id <> NEW.booking_id
          AND s.student_id = NEW.student_id AND s.active
          AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at);
END;

CREATE TRIGGER booking_seats_seat_count_insert AFTER INSERT ON booking_seats
BEGIN
    SELECT RAISE(ABORT, 'booking_seat_count') WHERE
        (SELECT count(*) FROM booking_seats WHERE booking_id = NEW.booking_id)
        <> (SELECT seats_taken FROM bookings WHERE id = NEW.booking_id);
END;

CREATE TRIGGER booking_seats_seat_count_delete AFTER DELETE ON booking_seats
BEGIN
    SELECT RAISE(ABORT, 'booking_seat_count') WHERE
        (SELECT count(*) FROM booking_seats WHERE booking_id = OLD.booking_id)
        <> (SELECT seats_taken FROM bookings WHERE id = OLD.booking_id);
END;

CREATE TABLE ledger_entries (
    id                 BLOB    PRIMARY KEY,
    organization_id    BLOB    NOT NULL,
    bundle_purchase_id BLOB    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('purchase', 'debit', 'refund', 'forfeit')),
    delta              INTEGER NOT NULL,
    booking_id         BLOB,
    created_at         TEXT    NOT NULL,
    CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL)),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id)
);
CREATE INDEX ledger_entries_bundle_idx ON ledger_entries (bundle_purchase_id, created_at, id);

CREATE TRIGGER ledger_entries_ledger_balance AFTER INSERT ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'bundle_ledger_balance') WHERE
        (SELECT remaining_sessions FROM bundle_purchases WHERE id = NEW.bundle_purchase_id)
        <> (SELECT sum(delta) FROM ledger_entries WHERE bundle_purchase_id = NEW.bundle_purchase_id);
END;

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;

CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;

CREATE TABLE waitlist_entries (
    id                 BLOB PRIMARY KEY,
    organization_id    BLOB NOT NULL,
    booking_id         BLOB NOT NULL,
    student_id         BLOB NOT NULL,
    student_role       TEXT NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    bundle_purchase_id BLOB,
    created_at         TEXT NOT NULL,
    CONSTRAINT waitlist_entries_booking_student_key UNIQUE (booking_id, student_id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id)
);
CREATE INDEX waitlist_entries_booking_idx ON waitlist_entries (booking_id, created_at, id);
