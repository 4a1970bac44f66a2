-- Packages pushed to the server. The bytes live outside the database, as files named by their
-- SHA-256 under the data directory (packages/sha256/ab/<hash>), which one node or several sharing
-- that directory can read; this table says which id and version each hash is. Two versions with
-- identical bytes share one file.
CREATE TABLE packages (
    package_id   VARCHAR(100) NOT NULL,
    version      VARCHAR(50)  NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    format       VARCHAR(10)  NOT NULL,
    uploaded_at  BIGINT       NOT NULL,
    uploaded_by  VARCHAR(200) NOT NULL,
    CONSTRAINT packages_pk PRIMARY KEY (package_id, version)
);

CREATE INDEX packages_sha256 ON packages (sha256);
