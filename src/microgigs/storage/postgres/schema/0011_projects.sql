-- microgigs schema 11 (PostgreSQL): project mode (issue 19): projects with their bids, contracts
-- with their milestones, freelancers' bid credits. Each row is the aggregate's document and
-- the columns its queries read (microgigs.storage._tables).

CREATE TABLE projects (
    id          text PRIMARY KEY,
    client_id   text NOT NULL,
    category_id text NOT NULL,
    bracket     integer NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    opened_at   timestamptz,
    expires_at  timestamptz,
    version     integer NOT NULL,
    doc         text NOT NULL
);
-- the open projects, newest first: all of them, in a category, in a budget bracket
CREATE INDEX projects_open ON projects (status, opened_at DESC, id DESC);
CREATE INDEX projects_open_by_category ON projects (status, category_id, opened_at DESC, id DESC);
CREATE INDEX projects_open_by_bracket ON projects (status, bracket, opened_at DESC, id DESC);
-- the moderation queue (oldest first) and the projects tick expires
CREATE INDEX projects_by_status ON projects (status, created_at, id);
CREATE INDEX projects_expiring ON projects (status, expires_at, id);
CREATE INDEX projects_by_client ON projects (client_id, created_at DESC, id DESC);

CREATE TABLE contracts (
    id            text PRIMARY KEY,
    project_id    text NOT NULL,
    client_id     text NOT NULL,
    freelancer_id text NOT NULL,
    status        text NOT NULL,
    offered_at    timestamptz NOT NULL,
    next_due_at   timestamptz,
    version       integer NOT NULL,
    doc           text NOT NULL
);
CREATE INDEX contracts_due ON contracts (next_due_at, id) WHERE next_due_at IS NOT NULL;
CREATE INDEX contracts_by_project ON contracts (project_id, offered_at, id);
CREATE INDEX contracts_by_client ON contracts (client_id, offered_at DESC, id DESC);
CREATE INDEX contracts_by_freelancer ON contracts (freelancer_id, offered_at DESC, id DESC);
CREATE INDEX contracts_by_client_status ON contracts (client_id, status, offered_at DESC, id DESC);
CREATE INDEX contracts_by_freelancer_status
    ON contracts (freelancer_id, status, offered_at DESC, id DESC);

CREATE TABLE bid_credits (
    id         text PRIMARY KEY,
    refills_at timestamptz NOT NULL,
    version    integer NOT NULL,
    doc        text NOT NULL
);
CREATE INDEX bid_credits_due ON bid_credits (refills_at, id);
