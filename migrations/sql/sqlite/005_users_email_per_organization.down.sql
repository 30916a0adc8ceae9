-- Back to one user per email across the platform, by the same rebuild as the way up. This
-- cannot hold once an email belongs to users of several organizations: rolling back then stops
-- at the check below (its constraint's name says why) and changes nothing (remove or rename
-- those users first).

CREATE TEMP TABLE rollback_guard_005 (
    shared_emails INTEGER
        CONSTRAINT "cannot restore users_email_key: some emails belong to users of several organizations"
        CHECK (shared_emails = 0)
);
INSERT INTO rollback_guard_005 SELECT count(*) FROM (SELECT email FROM users GROUP BY email HAVING count(*) > 1);
DROP TABLE rollback_guard_005;

PRAGMA defer_foreign_keys = ON;

CREATE TABLE users_before_005 AS SELECT * FROM users;
DROP TABLE users;

CREATE TABLE users (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    email           TEXT    NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(email)),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'ta', 'student')),
    email_verified  INTEGER NOT NULL DEFAULT 0,
    password_hash   TEXT,
    created_at      TEXT    NOT NULL,
    CONSTRAINT users_org_id_key UNIQUE (organization_id, id),
    CONSTRAINT users_org_id_role_key UNIQUE (organization_id, id, role)
);
INSERT INTO users (id, organization_id, email, name, role, email_verified, password_hash, created_at)
    SELECT id, organization_id, email, name, role, email_verified, password_hash, created_at FROM users_before_005;
DROP TABLE users_before_005;
CREATE INDEX users_org_role_name_idx ON users (organization_id, role, name, id);
