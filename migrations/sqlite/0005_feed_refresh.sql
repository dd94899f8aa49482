-- The external-data (feed) refresh: its runs with their progress and resume cursor, where each
-- case has been (location history), and system-made changes (no user) in the field audit and
-- the enrolment history. Kept equivalent to migrations/postgres by a test.

CREATE TABLE feed_refresh_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    started_by  INTEGER REFERENCES users (id),
    started_at  DATETIME NOT NULL,
    finished_at DATETIME,
    total       INTEGER NOT NULL,
    done        INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    cursor      TEXT
);
CREATE INDEX feed_refresh_runs_open_idx ON feed_refresh_runs (finished_at, id);

CREATE TABLE participant_locations (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    previous_id    INTEGER REFERENCES locations (id),
    moved_at       DATETIME NOT NULL
);
CREATE INDEX participant_locations_participant_idx ON participant_locations (participant_id, moved_at);

-- The refresh changes cases on nobody's behalf: its audit and history rows have no user.
-- SQLite cannot drop NOT NULL in place, so both tables are rebuilt (nothing references them).
CREATE TABLE participant_field_audit_new (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    field          TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    user_id        INTEGER REFERENCES users (id),
    version        INTEGER NOT NULL,
    occurred_at    DATETIME NOT NULL
);
INSERT INTO participant_field_audit_new
    SELECT id, participant_id, field, old_value, new_value, user_id, version, occurred_at
    FROM participant_field_audit;
DROP TABLE participant_field_audit;
ALTER TABLE participant_field_audit_new RENAME TO participant_field_audit;
CREATE INDEX participant_field_audit_field_idx ON participant_field_audit (participant_id, field, id);

CREATE TABLE enrolment_history_new (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    status         INTEGER NOT NULL,
    started_at     DATETIME NOT NULL,
    ended_at       DATETIME,
    user_id        INTEGER REFERENCES users (id),
    reason         INTEGER,
    detail         TEXT
);
INSERT INTO enrolment_history_new
    SELECT id, participant_id, status, started_at, ended_at, user_id, reason, detail
    FROM enrolment_history;
DROP TABLE enrolment_history;
ALTER TABLE enrolment_history_new RENAME TO enrolment_history;
CREATE INDEX enrolment_history_participant_idx ON enrolment_history (participant_id);
