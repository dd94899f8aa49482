-- Payments: the latest provider QA entry of a case, which a payment row is attributed to
-- (DOMAIN.md §11), as in migrations/postgres (SQLite has no INCLUDE: the tenant and worker are
-- trailing key columns, which serves the same index-only probe).
CREATE INDEX qa_entries_latest_pqa_idx ON qa_entries (participant_id, id, tenant_id, support_worker_id)
    WHERE queue = 'pqa';
