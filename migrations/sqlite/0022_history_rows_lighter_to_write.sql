-- History rows without foreign keys (decision record 24); kept equivalent to
-- migrations/postgres by a test. A case's timeline and field audit and the access audit keep
-- the ids of the case and the person as written. SQLite cannot drop a foreign key in place, so
-- the three tables are rebuilt (nothing references them); the timeline's page-stamp triggers
-- go with its table and are made again.
--
-- SQLite keeps the index on `updated_at` that PostgreSQL drops: an update here rewrites only
-- the index entries whose columns changed, so it costs an edit one entry, not eight, and
-- PostgreSQL's reason (heap-only updates) does not apply. The schema test names the exception.

CREATE TABLE timeline_new (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    line1          TEXT NOT NULL,
    line2          TEXT,
    line3          TEXT,
    user_id        INTEGER,
    occurred_at    DATETIME NOT NULL
);
INSERT INTO timeline_new
    SELECT id, participant_id, kind, line1, line2, line3, user_id, occurred_at FROM timeline;
DROP TABLE timeline;
ALTER TABLE timeline_new RENAME TO timeline;
CREATE INDEX timeline_participant_idx ON timeline (participant_id, occurred_at);
CREATE TRIGGER timeline_insert_page_stamp AFTER INSERT ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER timeline_update_page_stamp AFTER UPDATE ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER timeline_delete_page_stamp AFTER DELETE ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;

CREATE TABLE participant_field_audit_new (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL,
    field          TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    user_id        INTEGER,
    version        INTEGER NOT NULL,
    occurred_at    DATETIME NOT NULL
);
INSERT INTO participant_field_audit_new
    SELECT id, participant_id, field, old_value, new_value, user_id, version, occurred_at
    FROM participant_field_audit;
DROP TABLE participant_field_audit;
ALTER TABLE participant_field_audit_new RENAME TO participant_field_audit;
CREATE INDEX participant_field_audit_field_idx ON participant_field_audit (participant_id, field, id);

CREATE TABLE participant_access_audit_new (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL,
    user_id        INTEGER NOT NULL,
    allowed        BOOLEAN NOT NULL,
    occurred_at    DATETIME NOT NULL
);
INSERT INTO participant_access_audit_new
    SELECT id, participant_id, user_id, allowed, occurred_at FROM participant_access_audit;
DROP TABLE participant_access_audit;
ALTER TABLE participant_access_audit_new RENAME TO participant_access_audit;
CREATE INDEX participant_access_audit_participant_idx ON participant_access_audit (participant_id, occurred_at);
