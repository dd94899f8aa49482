-- Transfers (DOMAIN.md §2): a move in the external data raises an incoming entry for the
-- contract the case arrives in (someone there chooses its owner) and an outgoing entry for the
-- contract it leaves. Kept equivalent to migrations/postgres by a test.

CREATE TABLE incoming_transfers (
    id               INTEGER PRIMARY KEY,
    participant_id   TEXT NOT NULL REFERENCES participants (id),
    from_location_id INTEGER NOT NULL REFERENCES locations (id),
    to_location_id   INTEGER NOT NULL REFERENCES locations (id),
    from_contract_id TEXT REFERENCES contracts (id),
    to_contract_id   TEXT REFERENCES contracts (id),
    transfer_type    INTEGER NOT NULL,
    moved_at         DATETIME NOT NULL,
    -- Set when processed, dismissed, or overtaken by a later move.
    completed_at     DATETIME,
    completed_by     INTEGER REFERENCES users (id),
    dismissed        BOOLEAN NOT NULL
);
CREATE INDEX incoming_transfers_participant_idx ON incoming_transfers (participant_id, id);
-- The list people work from: open entries by destination.
CREATE INDEX incoming_transfers_open_idx ON incoming_transfers (to_location_id) WHERE completed_at IS NULL;

CREATE TABLE outgoing_transfers (
    id                 INTEGER PRIMARY KEY,
    participant_id     TEXT NOT NULL REFERENCES participants (id),
    from_location_id   INTEGER NOT NULL REFERENCES locations (id),
    to_location_id     INTEGER NOT NULL REFERENCES locations (id),
    from_contract_id   TEXT REFERENCES contracts (id),
    to_contract_id     TEXT REFERENCES contracts (id),
    transfer_type      INTEGER NOT NULL,
    moved_at           DATETIME NOT NULL,
    previous_owner_id  INTEGER REFERENCES users (id),
    previous_tenant_id TEXT REFERENCES tenants (id),
    -- A later move out of, or back into, the same contract replaces the entry.
    replaced           BOOLEAN NOT NULL
);
CREATE INDEX outgoing_transfers_participant_idx ON outgoing_transfers (participant_id, id);
CREATE INDEX outgoing_transfers_tenant_idx ON outgoing_transfers (previous_tenant_id, moved_at) WHERE NOT replaced;
