-- Catalog: courses, course-TA assignments, products, TA availability.

CREATE TABLE courses (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    code            TEXT    NOT NULL CHECK (length(code) BETWEEN 1 AND 32 AND code GLOB '[A-Z0-9]*'
                                            AND code NOT GLOB '*[^A-Z0-9._-]*'),
    title           TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    active          INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    CONSTRAINT courses_org_code_key UNIQUE (organization_id, code),
    CONSTRAINT courses_org_id_key UNIQUE (organization_id, id)
);

CREATE TABLE course_tas (
    organization_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    ta_id           BLOB NOT NULL,
    ta_role         TEXT NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (course_id, ta_id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
CREATE INDEX course_tas_ta_idx ON course_tas (ta_id);

CREATE TABLE products (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL,
    course_id       BLOB    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('single_session', 'bundle')),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    price_cents     INTEGER NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    currency        TEXT    NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    session_count   INTEGER,
    validity_days   INTEGER,
    active          INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    CONSTRAINT products_kind_fields_check CHECK (
        (kind = 'single_session' AND session_count IS NULL AND validity_days IS NULL)
        OR (kind = 'bundle' AND session_count BETWEEN 1 AND 100 AND validity_days BETWEEN 1 AND 730)),
    CONSTRAINT products_org_id_key UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, course_id) REFERENCES courses (organization_id, id)
);
CREATE UNIQUE INDEX products_one_active_session_price ON products (course_id)
    WHERE kind = 'single_session' AND active;
CREATE INDEX products_course_idx ON products (course_id, active, created_at);

CREATE TABLE availabilities (
    ta_id           BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL,
    ta_role         TEXT NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    timezone        TEXT NOT NULL,
    weekly          TEXT NOT NULL,
    overrides       TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role)
);
