-- Payments: the latest provider QA entry of a case, which a payment row is attributed to
-- (DOMAIN.md §11), is one backward probe of this index per event, answered from the index
-- alone (decision record 15): it holds provider entries only, so the probe never steps over
-- a later QA1, QA2 or escalation entry, and carries the tenant and worker the row copies, so
-- the probe reads no table page once the entry's page is all-visible.
CREATE INDEX qa_entries_latest_pqa_idx ON qa_entries (participant_id, id)
    INCLUDE (tenant_id, support_worker_id) WHERE queue = 'pqa';
