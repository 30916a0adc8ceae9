-- An email is unique within an organization, not across the platform (domain.md): a person who
-- studies at two academies has a user in each.
--
-- SQLite cannot drop a UNIQUE constraint, so `users` is rebuilt: its rows are copied aside, the
-- table is dropped and created again with the new key, and the rows are put back. Many tables
-- reference `users`; with `defer_foreign_keys` their references are checked at commit, when
-- every user is back (each row put back settles the references the drop left dangling), so the
-- rebuild works with foreign keys enforced and inside the migration's transaction.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE users_before_005 AS SELECT * FROM users;
DROP TABLE users;

CREATE TABLE users (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    email           TEXT    NOT NULL CHECK (email = lower(email)),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'ta', 'student')),
    email_verified  INTEGER NOT NULL DEFAULT 0,
    password_hash   TEXT,
    created_at      TEXT    NOT NULL,
    CONSTRAINT users_org_id_key UNIQUE (organization_id, id),
    CONSTRAINT users_org_id_role_key UNIQUE (organization_id, id, role),
    CONSTRAINT users_org_email_key UNIQUE (organization_id, email)
);
INSERT INTO users (id, organization_id, email, name, role, email_verified, password_hash, created_at)
    SELECT id, organization_id, email, name, role, email_verified, password_hash, created_at FROM users_before_005;
DROP TABLE users_before_005;
CREATE INDEX users_org_role_name_idx ON users (organization_id, role, name, id);
