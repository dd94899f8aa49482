-- Pre-release inventories (DOMAIN.md §2 "PRI"): the 6-digit code a community worker issues for
-- a case (one live code per case, gone once a PRI is assigned), and the PRI a custody worker
-- makes with it (one per participant ever). Kept equivalent to migrations/postgres by a test.

CREATE TABLE pri_codes (
    participant_id TEXT PRIMARY KEY REFERENCES participants (id),
    code           INTEGER NOT NULL,
    issued_by      INTEGER NOT NULL REFERENCES users (id),
    issued_at      DATETIME NOT NULL
);

CREATE TABLE pris (
    id                        INTEGER PRIMARY KEY,
    participant_id            TEXT NOT NULL REFERENCES participants (id),
    status                    TEXT NOT NULL,
    custody_location_id       INTEGER NOT NULL REFERENCES locations (id),
    release_location_id       INTEGER NOT NULL REFERENCES locations (id),
    expected_release_date     DATE NOT NULL,
    meeting_date              DATE NOT NULL,
    -- Why each party did not attend the meeting in person; NULL when they did.
    custody_not_in_person     TEXT,
    community_not_in_person   TEXT,
    participant_not_in_person TEXT,
    support_information       TEXT,
    created_by                INTEGER NOT NULL REFERENCES users (id),
    created_at                DATETIME NOT NULL,
    assigned_to               INTEGER REFERENCES users (id),
    accepted_at               DATETIME,
    abandon_reason            INTEGER,
    abandon_justification     TEXT,
    ended_by                  INTEGER REFERENCES users (id),
    ended_at                  DATETIME
);
-- One PRI per participant ever, abandoned ones included.
CREATE UNIQUE INDEX pris_participant_idx ON pris (participant_id);
CREATE INDEX pris_assigned_idx ON pris (assigned_to);
