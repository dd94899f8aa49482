-- Editable personal details, the field-level audit that says who changed what, and the
-- outbox: every committed change's event, published by a supervised dispatcher.

ALTER TABLE participants ADD COLUMN preferred_name TEXT;
ALTER TABLE participants ADD COLUMN pronouns TEXT;
ALTER TABLE participants ADD COLUMN notes TEXT;

CREATE TABLE participant_field_audit (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    field          TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    version        INTEGER NOT NULL,
    occurred_at    DATETIME NOT NULL
);
CREATE INDEX participant_field_audit_field_idx ON participant_field_audit (participant_id, field, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    topic           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    published_at    DATETIME,
    attempts        INTEGER NOT NULL,
    next_attempt_at DATETIME NOT NULL,
    last_error      TEXT
);
CREATE INDEX outbox_pending_idx ON outbox (published_at, next_attempt_at, id);
