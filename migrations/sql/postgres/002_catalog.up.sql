-- Catalog: courses, course-TA assignments, products, TA availability.

CREATE TABLE courses (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    code            text        COLLATE "C" NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,31}$'),
    title           text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description     text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    active          boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    CONSTRAINT courses_org_code_key UNIQUE (organization_id, code),
    CONSTRAINT courses_org_id_key UNIQUE (organization_id, id)
);

CREATE TABLE course_tas (
    organization_id uuid        NOT NULL,
    course_id       uuid        NOT NULL,
    ta_id           uuid        NOT NULL,
    -- Pins the referenced user's role: only TAs teach.
    ta_role         text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (course_id, ta_id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX course_tas_ta_idx ON course_tas (ta_id);

CREATE TABLE products (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL,
    course_id       uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('single_session', 'bundle')),
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    price_cents     bigint      NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    session_count   integer,
    validity_days   integer,
    active          boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    CONSTRAINT products_kind_fields_check CHECK (
        (kind = 'single_session' AND session_count IS NULL AND validity_days IS NULL)
        OR (kind = 'bundle' AND session_count BETWEEN 1 AND 100 AND validity_days BETWEEN 1 AND 730)),
    CONSTRAINT products_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id)
);
-- At most one active pay-per-session price per course.
CREATE UNIQUE INDEX products_one_active_session_price ON products (course_id)
    WHERE kind = 'single_session' AND active;
CREATE INDEX products_course_idx ON products (course_id, active, created_at);

CREATE TABLE availabilities (
    ta_id           uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL,
    ta_role         text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    timezone        text        NOT NULL,
    weekly          jsonb       NOT NULL,
    overrides       jsonb       NOT NULL,
    updated_at      timestamptz NOT NULL,
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
