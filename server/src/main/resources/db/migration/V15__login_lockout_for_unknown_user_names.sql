-- Failed logins for names no user has, counted and locked exactly as users.failed_logins and
-- users.locked_until are, so that the lockout answer does not tell which names are real. Keyed by
-- the SHA-256 of the name: a password typed into the name field is not kept. Rows untouched for a
-- day are dropped as new ones are added.
CREATE TABLE unknown_name_logins (
    name_hash        CHAR(64) PRIMARY KEY,
    failed_logins    INT      DEFAULT 0 NOT NULL,
    locked_until     BIGINT,
    last_attempt_at  BIGINT   NOT NULL
);
