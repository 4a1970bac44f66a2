-- Rotation of the server's own certificate: each poll says which next server thumbprint the
-- tentacle has pinned beside the current one, and the server keeps the latest answer here, so an
-- admin sees who would be cut off by activating the next certificate. NULL: it holds none (or has
-- not polled since this migration).
ALTER TABLE tentacles ADD COLUMN next_server_thumbprint CHAR(64);
