-- Payments: integration events (written in the transaction of the change that raises them,
-- handled exactly once by the payments workflow) and the append-only enrolment payment
-- ledger. Kept equivalent to migrations/postgres by a test.

CREATE TABLE integration_events (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    occurred_at    DATETIME NOT NULL,
    occurred_on    DATE NOT NULL,
    created_at     DATETIME NOT NULL,
    handled_at     DATETIME,
    batch          INTEGER
);
-- Only pending events are looked up by kind; handled ones leave this index, which keeps
-- marking a large batch handled cheap.
CREATE INDEX integration_events_pending_idx ON integration_events (kind, id) WHERE handled_at IS NULL;

-- One row per source event (its primary key), copied values rather than references: the
-- ledger records what was true when the row was raised.
CREATE TABLE enrolment_payments (
    source_event_id      INTEGER PRIMARY KEY,
    participant_id       TEXT NOT NULL,
    eligible             BOOLEAN NOT NULL,
    ineligibility_reason TEXT,
    contract_id          TEXT,
    location_id          INTEGER,
    location_type        TEXT,
    tenant_id            TEXT,
    support_worker_id    INTEGER,
    consent_date         DATE,
    approval_date        DATE NOT NULL,
    created_at           DATETIME NOT NULL
);
CREATE INDEX enrolment_payments_participant_idx ON enrolment_payments (participant_id, eligible);
CREATE INDEX enrolment_payments_approval_idx ON enrolment_payments (approval_date);
