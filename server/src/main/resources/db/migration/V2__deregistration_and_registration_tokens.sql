-- Deregistering a tentacle keeps its row, because commands and logs of past tasks refer to it:
-- the name moves to former_name and name and thumbprint become NULL, which frees both for a new
-- registration (UNIQUE allows many NULLs in H2 and PostgreSQL) and makes the certificate unknown
-- to the polling listener.
ALTER TABLE tentacles ADD COLUMN former_name VARCHAR(100);
ALTER TABLE tentacles ADD COLUMN deregistered_at BIGINT;
ALTER TABLE tentacles ALTER COLUMN name DROP NOT NULL;
ALTER TABLE tentacles ALTER COLUMN thumbprint DROP NOT NULL;

-- One-time registration tokens: an alternative to handing a target an API key. Stored as SHA-256
-- hashes like API keys; used_at is set in the same transaction as the registration it allowed.
CREATE TABLE registration_tokens (
    id           VARCHAR(40)  PRIMARY KEY,
    token_hash   CHAR(64)     NOT NULL UNIQUE,
    created_by   VARCHAR(200) NOT NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL,
    used_at      BIGINT,
    used_by      VARCHAR(100)
);
