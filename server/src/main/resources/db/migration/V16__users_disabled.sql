-- When an admin disabled the user (null: enabled). A disabled user cannot sign in, their sessions
-- were ended when they were disabled, and their API keys are refused until they are enabled again.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
