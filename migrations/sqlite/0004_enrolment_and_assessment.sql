-- Enrolment and assessment: documents (consent forms and right-to-work evidence, kept in
-- object storage, every download audited), consents, right to work, assessments with their
-- answers and pathway scores, and the queue entries a submission to provider QA creates.

ALTER TABLE participants ADD COLUMN enrolment_location_justification TEXT;

CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    storage_key    TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    uploaded_by    INTEGER NOT NULL REFERENCES users (id),
    uploaded_at    DATETIME NOT NULL
);
CREATE INDEX documents_participant_idx ON documents (participant_id);

CREATE TABLE document_downloads (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    occurred_at DATETIME NOT NULL
);
CREATE INDEX document_downloads_document_idx ON document_downloads (document_id);

CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    consent_date   DATE NOT NULL,
    form_version   TEXT NOT NULL,
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     DATETIME NOT NULL
);
CREATE INDEX consents_participant_idx ON consents (participant_id, consent_date);

CREATE TABLE right_to_work (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    valid_from     DATE NOT NULL,
    valid_to       DATE,
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     DATETIME NOT NULL
);
CREATE INDEX right_to_work_participant_idx ON right_to_work (participant_id);

CREATE TABLE assessments (
    id                    INTEGER PRIMARY KEY,
    participant_id        TEXT NOT NULL REFERENCES participants (id),
    location_id           INTEGER NOT NULL REFERENCES locations (id),
    enrolment_location_id INTEGER NOT NULL REFERENCES locations (id),
    created_by            INTEGER NOT NULL REFERENCES users (id),
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    submitted_by          INTEGER REFERENCES users (id),
    submitted_at          DATETIME,
    justification         TEXT
);
CREATE INDEX assessments_participant_idx ON assessments (participant_id, id);

CREATE TABLE assessment_answers (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    question      TEXT NOT NULL,
    option_text   TEXT NOT NULL,
    PRIMARY KEY (assessment_id, question, option_text)
);

CREATE TABLE assessment_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    pathway       INTEGER NOT NULL,
    score         INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, pathway)
);

CREATE TABLE qa_entries (
    id                INTEGER PRIMARY KEY,
    participant_id    TEXT NOT NULL REFERENCES participants (id),
    queue             TEXT NOT NULL,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    support_worker_id INTEGER NOT NULL REFERENCES users (id),
    submitted_at      DATETIME NOT NULL,
    consent_date      DATE,
    created_by        INTEGER NOT NULL REFERENCES users (id),
    created_at        DATETIME NOT NULL,
    claimed_by        INTEGER REFERENCES users (id),
    claimed_at        DATETIME,
    completed_at      DATETIME,
    outcome           TEXT
);
CREATE INDEX qa_entries_open_idx ON qa_entries (queue, completed_at, created_at);
CREATE INDEX qa_entries_participant_idx ON qa_entries (participant_id, id);
