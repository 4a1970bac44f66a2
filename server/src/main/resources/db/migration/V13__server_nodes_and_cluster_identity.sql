-- Every server node writes its own row at start and refreshes last_seen_at on its heartbeat, so
-- any node can list them all. A row is kept when its node stops (it shows offline once last_seen_at
-- is older than three of that node's heartbeats); a restart under the same name takes it over.
CREATE TABLE server_nodes (
    name VARCHAR(63) PRIMARY KEY,
    address VARCHAR(300) NOT NULL,
    version VARCHAR(100) NOT NULL,
    thumbprint VARCHAR(64) NOT NULL,
    started_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    heartbeat_millis BIGINT NOT NULL,
    tentacles_polling INT NOT NULL,
    held_polls INT NOT NULL
);

-- What every node sharing the database must present and hold: the server certificate's thumbprint
-- and a fingerprint of secrets.key (an HMAC keyed with it, from which the key cannot be recovered).
-- One row, there from the start, so the first node to start locks it and fills it in while any
-- other node starting at that moment waits for it.
CREATE TABLE cluster_identity (
    id INT PRIMARY KEY CHECK (id = 1),
    server_thumbprint VARCHAR(64),
    secrets_fingerprint VARCHAR(64),
    recorded_by VARCHAR(63),
    recorded_at BIGINT
);
INSERT INTO cluster_identity (id) VALUES (1);
