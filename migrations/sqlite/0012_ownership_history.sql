-- Who has owned each case and when (DOMAIN.md §2): one row per period with an owner, closed
-- when the case is reassigned or left unowned. Kept equivalent to migrations/postgres by a test.

CREATE TABLE ownership_history (
    id             INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    owner_id       INTEGER NOT NULL REFERENCES users (id),
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    contract_id    TEXT REFERENCES contracts (id),
    started_at     DATETIME NOT NULL,
    ended_at       DATETIME,
    changed_by     INTEGER REFERENCES users (id)
);
CREATE INDEX ownership_history_participant_idx ON ownership_history (participant_id, started_at);
-- At most one open period per case.
CREATE UNIQUE INDEX ownership_history_open_idx ON ownership_history (participant_id) WHERE ended_at IS NULL;

-- Cases owned before this table existed start their history at creation.
INSERT INTO ownership_history (participant_id, owner_id, tenant_id, contract_id, started_at, changed_by)
SELECT p.id, p.owner_id, p.owner_tenant_id, l.contract_id, p.created_at, NULL
FROM participants p LEFT JOIN locations l ON l.id = p.current_location_id
WHERE p.owner_id IS NOT NULL AND p.owner_tenant_id IS NOT NULL;
