-- An email is unique within an organization, not across the platform (domain.md): a person who
-- studies at two academies has a user in each. The new key also serves the lookups by
-- (organization, email) of login, password reset and registration.

ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ADD CONSTRAINT users_org_email_key UNIQUE (organization_id, email);
