-- The deployment model: environments, projects with their process and variables, immutable
-- releases, and deployments of a release to an environment. A deployment runs as a task whose
-- commands are made up front, one per step per target, and wait as PENDING until the orchestrator
-- queues them; so everything a restarted server (or another node) needs to continue is stored.

CREATE TABLE environments (
    id          VARCHAR(40)  PRIMARY KEY,
    name        VARCHAR(100) NOT NULL UNIQUE,
    display_order INT        NOT NULL,
    created_at  BIGINT       NOT NULL
);

-- process: the ordered steps as JSON; read and written whole, never queried inside.
CREATE TABLE projects (
    id           VARCHAR(40)    PRIMARY KEY,
    name         VARCHAR(100)   NOT NULL UNIQUE,
    description  VARCHAR(1000),
    process      VARCHAR(200000) NOT NULL,
    created_at   BIGINT         NOT NULL,
    updated_at   BIGINT         NOT NULL
);

-- A sensitive stored_value is encrypted (AES-GCM, key in the data directory), never in clear.
CREATE TABLE variables (
    id              VARCHAR(40)   PRIMARY KEY,
    project_id      VARCHAR(40)   NOT NULL REFERENCES projects (id),
    name            VARCHAR(100)  NOT NULL,
    stored_value    VARCHAR(20000) NOT NULL,
    sensitive       BOOLEAN       NOT NULL,
    environment_id  VARCHAR(40)   REFERENCES environments (id),
    role            VARCHAR(100)
);

CREATE INDEX variables_project ON variables (project_id);

-- snapshot: process and variables (sensitive ones still encrypted) as JSON, fixed at creation.
CREATE TABLE releases (
    id          VARCHAR(40)     PRIMARY KEY,
    project_id  VARCHAR(40)     NOT NULL REFERENCES projects (id),
    version     VARCHAR(100)    NOT NULL,
    snapshot    VARCHAR(1000000) NOT NULL,
    created_at  BIGINT          NOT NULL,
    created_by  VARCHAR(200)    NOT NULL,
    CONSTRAINT releases_version_once UNIQUE (project_id, version)
);

CREATE TABLE deployments (
    id              VARCHAR(40)  PRIMARY KEY,
    release_id      VARCHAR(40)  NOT NULL REFERENCES releases (id),
    environment_id  VARCHAR(40)  NOT NULL REFERENCES environments (id),
    task_id         VARCHAR(40)  NOT NULL UNIQUE REFERENCES tasks (id),
    created_at      BIGINT       NOT NULL,
    created_by      VARCHAR(200) NOT NULL
);

CREATE INDEX deployments_environment ON deployments (environment_id, created_at);

-- An orchestrated task is closed by its orchestrator, not when its queued commands are done:
-- later steps are still to come. A cancel is remembered so no later step is queued after it.
ALTER TABLE tasks ADD COLUMN orchestrated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE tasks ADD COLUMN cancel_requested_at BIGINT;

-- Where a deployment's command sits in its process; step_window caps how many of the step's
-- targets run at once (NULL: all). replaced_by points from a failed command to its retry.
-- masked_names lists the variables of the payload whose values are masked in stored log lines.
ALTER TABLE commands ADD COLUMN step_index INT;
ALTER TABLE commands ADD COLUMN step_name VARCHAR(100);
ALTER TABLE commands ADD COLUMN step_window INT;
ALTER TABLE commands ADD COLUMN replaced_by VARCHAR(40);
ALTER TABLE commands ADD COLUMN masked_names VARCHAR(4000);

CREATE INDEX commands_task_step ON commands (task_id, step_index);
