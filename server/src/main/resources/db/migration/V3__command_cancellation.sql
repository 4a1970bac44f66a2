-- Cancelling a command that is already running on a tentacle is a request the tentacle must
-- collect on a poll, so it is stored (any node may answer that poll) until a result is recorded.
-- cancel_sent_at lets a lost answer be sent again later without sending it on every poll.
ALTER TABLE commands ADD COLUMN cancel_requested_at BIGINT;
ALTER TABLE commands ADD COLUMN cancel_requested_by VARCHAR(200);
ALTER TABLE commands ADD COLUMN cancel_sent_at BIGINT;
