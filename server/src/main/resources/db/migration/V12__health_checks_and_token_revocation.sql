-- Health checks are commands like any other (queued, claimed, expired by the same rules), marked so
-- that a tentacle's pending and latest checks are found without decoding payloads, and so that
-- claiming can hand one out beside whatever the tentacle runs. The facts the tentacle reported are
-- kept on the command: the free disk space as a number, judged against the server's threshold when
-- shown (so a changed threshold applies at once), and the rest in words a person reads.
ALTER TABLE commands ADD COLUMN health_check BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE commands ADD COLUMN health_free_disk_bytes BIGINT;
ALTER TABLE commands ADD COLUMN health_details VARCHAR(2000);
CREATE INDEX commands_health ON commands (tentacle_id, health_check, queued_at);

-- An admin may revoke a registration token that was handed out but is no longer wanted; a revoked
-- token registers nothing, and the list says it was revoked rather than expired.
ALTER TABLE registration_tokens ADD COLUMN revoked_at BIGINT;
