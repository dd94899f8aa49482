-- Deciding queue entries: the notes reviewers write (internal ones never reach provider
-- users), the feedback rows providers and QA1 reviewers receive, and people's notifications.
-- Kept equivalent to the other dialect's migrations by a test.

-- A case is in at most one queue at a time.
CREATE UNIQUE INDEX qa_entries_one_open_idx ON qa_entries (participant_id) WHERE completed_at IS NULL;
CREATE INDEX qa_entries_claimed_idx ON qa_entries (claimed_by, completed_at);

CREATE TABLE qa_notes (
    id             INTEGER PRIMARY KEY,
    entry_id       INTEGER NOT NULL REFERENCES qa_entries (id),
    participant_id TEXT NOT NULL REFERENCES participants (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    outcome        TEXT NOT NULL,
    message        TEXT,
    internal       BOOLEAN NOT NULL,
    return_reason  TEXT,
    feedback_type  TEXT,
    created_at     DATETIME NOT NULL
);
CREATE INDEX qa_notes_participant_idx ON qa_notes (participant_id, id);

-- What the provider was told when a case left authority returned, or approved with advice or
-- by exception.
CREATE TABLE provider_feedback (
    id                INTEGER PRIMARY KEY,
    participant_id    TEXT NOT NULL REFERENCES participants (id),
    entry_id          INTEGER NOT NULL REFERENCES qa_entries (id),
    kind              TEXT NOT NULL,
    reason            TEXT,
    message           TEXT,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    support_worker_id INTEGER NOT NULL REFERENCES users (id),
    reviewer_id       INTEGER NOT NULL REFERENCES users (id),
    created_at        DATETIME NOT NULL
);
CREATE INDEX provider_feedback_tenant_idx ON provider_feedback (tenant_id, created_at);

-- Feedback from QA2 or escalation to the reviewer of the latest QA1 decision.
CREATE TABLE qa1_feedback (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    entry_id       INTEGER NOT NULL REFERENCES qa_entries (id),
    recipient_id   INTEGER NOT NULL REFERENCES users (id),
    sender_id      INTEGER NOT NULL REFERENCES users (id),
    reason         TEXT NOT NULL,
    message        TEXT,
    created_at     DATETIME NOT NULL,
    read_at        DATETIME
);
CREATE INDEX qa1_feedback_recipient_idx ON qa1_feedback (recipient_id, read_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    heading    TEXT NOT NULL,
    details    TEXT NOT NULL,
    link       TEXT,
    -- Notifications with the same key replace each other while unread.
    dedupe_key TEXT,
    created_at DATETIME NOT NULL,
    read_at    DATETIME
);
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at, id);

-- Who changed which assessment answer, from what to what (DOMAIN.md §8: row changes of
-- assessments are audited).
CREATE TABLE assessment_answer_audit (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    question      TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    occurred_at   DATETIME NOT NULL
);
CREATE INDEX assessment_answer_audit_idx ON assessment_answer_audit (assessment_id, question, id);
