-- Payments: pending integration events wait in a queue of their own (decision record 8). The
-- workflow claims a batch by deleting its rows from the queue, in the statement that raises
-- the ledger rows: a delete writes far less than updating every event (a new version of each
-- row and an index entry), and the events table stays append-only. The queue row copies what
-- the workflow needs from its event, so the batch needs no join back to the events.
CREATE TABLE pending_integration_events (
    id             INTEGER PRIMARY KEY REFERENCES integration_events (id),
    kind           TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    occurred_on    DATE NOT NULL
);
CREATE INDEX pending_integration_events_kind_idx ON pending_integration_events (kind, id);

INSERT INTO pending_integration_events (id, kind, participant_id, occurred_on)
SELECT id, kind, participant_id, occurred_on FROM integration_events WHERE handled_at IS NULL;

-- "Handled" is now "no longer queued"; the stamp and the partial index go.
DROP INDEX integration_events_pending_idx;
ALTER TABLE integration_events DROP COLUMN handled_at;
ALTER TABLE integration_events DROP COLUMN batch;
