-- Group-session templates, bundles and their ledger, bookings and seats, waitlists, with the
-- invariants the domain marks [DB] enforced here:
--  * a TA's active sessions never overlap, buffer included (exclusion constraint);
--  * a student's active seats never overlap (exclusion constraint on seats);
--  * seats never exceed capacity (check) and match the seat rows (deferred trigger);
--  * 0 <= remaining_sessions <= total_sessions (check) and remaining equals the ledger (deferred trigger);
--  * one seat per student per booking, one waitlist entry per student per session (unique keys).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE group_session_templates (
    id                      uuid        PRIMARY KEY,
    organization_id         uuid        NOT NULL,
    course_id               uuid        NOT NULL,
    ta_id                   uuid        NOT NULL,
    ta_role                 text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    title                   text        COLLATE "C" NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    capacity                integer     NOT NULL CHECK (capacity BETWEEN 2 AND 100),
    duration_minutes        integer     NOT NULL CHECK (duration_minutes BETWEEN 15 AND 240 AND duration_minutes % 15 = 0),
    price_per_student_cents bigint      NOT NULL CHECK (price_per_student_cents BETWEEN 0 AND 100000000),
    currency                text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    active                  boolean     NOT NULL,
    created_at              timestamptz NOT NULL,
    CONSTRAINT templates_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX templates_org_title_idx ON group_session_templates (organization_id, title, id);
CREATE INDEX templates_course_title_idx ON group_session_templates (course_id, title, id);

CREATE TABLE bundle_purchases (
    id                 uuid        PRIMARY KEY,
    organization_id    uuid        NOT NULL,
    student_id         uuid        NOT NULL,
    student_role       text        NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    course_id          uuid        NOT NULL,
    product_id         uuid        NOT NULL,
    total_sessions     integer     NOT NULL CHECK (total_sessions BETWEEN 1 AND 100),
    remaining_sessions integer     NOT NULL,
    price_paid_cents   bigint      NOT NULL CHECK (price_paid_cents BETWEEN 0 AND 100000000),
    currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    valid_from         timestamptz NOT NULL,
    valid_to           timestamptz NOT NULL,
    created_at         timestamptz NOT NULL,
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
    id                      uuid        PRIMARY KEY,
    organization_id         uuid        NOT NULL,
    course_id               uuid        NOT NULL,
    ta_id                   uuid        NOT NULL,
    ta_role                 text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    session_type            text        NOT NULL CHECK (session_type IN ('individual', 'group')),
    status                  text        NOT NULL CHECK (status IN ('booked', 'open', 'full', 'cancelled')),
    starts_at               timestamptz NOT NULL,
    ends_at                 timestamptz NOT NULL,
    -- ends_at plus the organization's buffer when the session was created: the exclusion
    -- constraint compares [starts_at, blocked_until), which is rule 5 exactly (padding one
    -- side of both intervals by the buffer equals padding both sides of one).
    blocked_until           timestamptz NOT NULL,
    capacity                integer     NOT NULL,
    seats_taken             integer     NOT NULL,
    price_per_student_cents bigint      NOT NULL CHECK (price_per_student_cents BETWEEN 0 AND 100000000),
    currency                text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    template_id             uuid,
    created_by              uuid        NOT NULL,
    cancelled_at            timestamptz,
    cancelled_by            uuid,
    cancellation_reason     text        CHECK (char_length(cancellation_reason) <= 500),
    created_at              timestamptz NOT NULL,
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
    FOREIGN KEY (organization_id, cancelled_by) REFERENCES users (organization_id, id),
    CONSTRAINT bookings_ta_overlap EXCLUDE USING gist (
        ta_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) WHERE (status <> 'cancelled')
);
CREATE INDEX bookings_org_starts_idx ON bookings (organization_id, starts_at, id);
CREATE INDEX bookings_ta_starts_idx ON bookings (ta_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX bookings_course_starts_idx ON bookings (course_id, starts_at, id);

CREATE TABLE booking_seats (
    booking_id         uuid        NOT NULL,
    organization_id    uuid        NOT NULL,
    student_id         uuid        NOT NULL,
    student_role       text        NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    bundle_purchase_id uuid,
    price_cents        bigint      NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    joined_at          timestamptz NOT NULL,
    refunded           boolean     NOT NULL DEFAULT false,
    -- Copies of the booking's interval and state, so that the student-overlap constraint can
    -- be declared on this table.
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    active             boolean     NOT NULL DEFAULT true,
    CONSTRAINT booking_seats_pkey PRIMARY KEY (booking_id, student_id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id),
    -- Another seat of the same booking is a duplicate (the primary key says already joined),
    -- not an overlap: hence booking_id WITH <>.
    CONSTRAINT booking_seats_student_overlap EXCLUDE USING gist (
        student_id WITH =, booking_id WITH <>, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (active)
);
CREATE INDEX booking_seats_student_idx ON booking_seats (student_id, starts_at) WHERE active;

CREATE TABLE ledger_entries (
    id                 uuid        PRIMARY KEY,
    organization_id    uuid        NOT NULL,
    bundle_purchase_id uuid        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('purchase', 'debit', 'refund', 'forfeit')),
    delta              integer     NOT NULL,
    booking_id         uuid,
    created_at         timestamptz NOT NULL,
    CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL)),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id)
);
CREATE INDEX ledger_entries_bundle_idx ON ledger_entries (bundle_purchase_id, created_at, id);

CREATE TABLE waitlist_entries (
    id                 uuid        PRIMARY KEY,
    organization_id    uuid        NOT NULL,
    booking_id         uuid        NOT NULL,
    student_id         uuid        NOT NULL,
    student_role       text        NOT NULL DEFAULT 'student' CHECK (student_role = 'student'),
    bundle_purchase_id uuid,
    created_at         timestamptz NOT NULL,
    CONSTRAINT waitlist_entries_booking_student_key UNIQUE (booking_id, student_id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id),
    FOREIGN KEY (organization_id, student_id, student_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id)
);
CREATE INDEX waitlist_entries_booking_idx ON waitlist_entries (booking_id, created_at, id);

-- remaining_sessions = sum of the ledger's deltas, checked at commit (when both the balance
-- and its ledger entry are written).
CREATE FUNCTION engify_check_bundle_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bundle uuid;
    remaining integer;
    balance bigint;
BEGIN
    -- Separate branches: PL/pgSQL resolves every field an expression names, and the two
    -- tables firing this trigger have different columns.
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        bundle := NEW.bundle_purchase_id;
    ELSE
        bundle := NEW.id;
    END IF;
    SELECT remaining_sessions INTO remaining FROM bundle_purchases WHERE id = bundle;
    SELECT coalesce(sum(delta), 0) INTO balance FROM ledger_entries WHERE bundle_purchase_id = bundle;
    IF remaining IS DISTINCT FROM balance THEN
        RAISE EXCEPTION 'bundle % has % sessions left but its ledger adds up to %', bundle, remaining, balance
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bundle_ledger_balance';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER bundle_purchases_ledger_balance AFTER INSERT OR UPDATE ON bundle_purchases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION engify_check_bundle_ledger();
CREATE CONSTRAINT TRIGGER ledger_entries_ledger_balance AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION engify_check_bundle_ledger();

-- seats_taken = the number of seat rows, checked at commit.
CREATE FUNCTION engify_check_seat_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    booking uuid;
    taken integer;
    seats bigint;
BEGIN
    IF TG_TABLE_NAME = 'bookings' THEN
        booking := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        booking := OLD.booking_id;
    ELSE
        booking := NEW.booking_id;
    END IF;
    SELECT seats_taken INTO taken FROM bookings WHERE id = booking;
    IF taken IS NULL THEN
        RETURN NULL; -- the booking itself is gone
    END IF;
    SELECT count(*) INTO seats FROM booking_seats WHERE booking_id = booking;
    IF taken <> seats THEN
        RAISE EXCEPTION 'booking % counts % seats taken but has % seats', booking, taken, seats
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booking_seat_count';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER bookings_seat_count AFTER INSERT OR UPDATE ON bookings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION engify_check_seat_count();
CREATE CONSTRAINT TRIGGER booking_seats_seat_count AFTER INSERT OR DELETE ON booking_seats
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION engify_check_seat_count();

-- The ledger is append-only.
CREATE FUNCTION engify_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION engify_append_only();
