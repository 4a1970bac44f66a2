-- Isolation of a command on its tentacle, as columns rather than only inside the payload, so that
-- claiming a command can compare it with what the tentacle already runs without decoding every
-- script. Commands queued before this migration ran alone, hence allow_concurrency FALSE.
ALTER TABLE commands ADD COLUMN allow_concurrency BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE commands ADD COLUMN mutex VARCHAR(100);
