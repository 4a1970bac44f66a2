-- How much of a command's output is stored (UTF-8 bytes of its lines, each counting one more for
-- its line break), and whether it went over the server's cap: then a line saying so was stored and
-- every later line of the command is dropped.
ALTER TABLE commands ADD COLUMN log_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE commands ADD COLUMN log_truncated BOOLEAN NOT NULL DEFAULT FALSE;
