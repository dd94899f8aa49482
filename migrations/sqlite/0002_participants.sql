-- Participants (cases): the person, their identifiers, enrolment history, timeline and the
-- audit of who viewed each case. Kept equivalent to migrations/postgres by a test.

CREATE TABLE participants (
    id                       TEXT PRIMARY KEY,
    first_name               TEXT NOT NULL,
    middle_name              TEXT,
    last_name                TEXT NOT NULL,
    date_of_birth            DATE NOT NULL,
    gender                   TEXT NOT NULL,
    nationality              TEXT,
    ethnicity                TEXT,
    enrolment_status         INTEGER NOT NULL,
    consent_status           TEXT NOT NULL,
    date_of_first_consent    DATE,
    current_location_id      INTEGER NOT NULL REFERENCES locations (id),
    enrolment_location_id    INTEGER REFERENCES locations (id),
    owner_id                 INTEGER REFERENCES users (id),
    owner_tenant_id          TEXT REFERENCES tenants (id),
    primary_record           TEXT NOT NULL,
    active_in_feed           BOOLEAN NOT NULL,
    deactivated_in_feed      DATE,
    registration_details     TEXT,
    last_sync_at             DATETIME,
    version                  INTEGER NOT NULL,
    created_at               DATETIME NOT NULL,
    created_by               INTEGER NOT NULL REFERENCES users (id),
    updated_at               DATETIME NOT NULL
);
CREATE INDEX participants_owner_tenant_idx ON participants (owner_tenant_id);
CREATE INDEX participants_owner_idx ON participants (owner_id);
CREATE INDEX participants_location_idx ON participants (current_location_id);
CREATE INDEX participants_status_idx ON participants (enrolment_status);

CREATE TABLE participant_identifiers (
    participant_id TEXT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (participant_id, kind)
);
CREATE INDEX participant_identifiers_value_idx ON participant_identifiers (value);

CREATE TABLE enrolment_history (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    status         INTEGER NOT NULL,
    started_at     DATETIME NOT NULL,
    ended_at       DATETIME,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    reason         INTEGER,
    detail         TEXT
);
CREATE INDEX enrolment_history_participant_idx ON enrolment_history (participant_id);

CREATE TABLE timeline (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL,
    line1          TEXT NOT NULL,
    line2          TEXT,
    line3          TEXT,
    user_id        INTEGER REFERENCES users (id),
    occurred_at    DATETIME NOT NULL
);
CREATE INDEX timeline_participant_idx ON timeline (participant_id, occurred_at);

CREATE TABLE participant_access_audit (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    allowed        BOOLEAN NOT NULL,
    occurred_at    DATETIME NOT NULL
);
CREATE INDEX participant_access_audit_participant_idx ON participant_access_audit (participant_id, occurred_at);
