-- Back to one user per email across the platform. This cannot hold once an email belongs to
-- users of several organizations: rolling back then stops here, with this message, and changes
-- nothing (remove or rename those users first).

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM users GROUP BY email HAVING count(*) > 1) THEN
        RAISE EXCEPTION 'cannot restore users_email_key: some emails belong to users of several organizations';
    END IF;
END
$$;

ALTER TABLE users DROP CONSTRAINT users_org_email_key;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
