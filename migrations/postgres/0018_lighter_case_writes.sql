-- Lighter case writes (decision record 21), PostgreSQL only: SQLite keeps no compressed
-- values and its page-stamp triggers are per row already.
--
-- 1. An outbox payload is a rendered event (kilobytes of HTML in JSON) written once and read
--    once: lz4 compresses it several times faster than the default pglz. Servers built
--    without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$;

-- 2. The page stamp needs to move once per transaction, not once per statement: a case row
--    this transaction has already written (its row version's xmin is this transaction) has
--    moved its stamp, and no one else can see the row until the commit. An edit writes the
--    case row and then its timeline line; the line no longer writes the case row again.
CREATE OR REPLACE FUNCTION case_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id IN (SELECT DISTINCT participant_id FROM changed)
       AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION assessment_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id IN (SELECT assessments.participant_id FROM assessments
                   WHERE assessments.id IN (SELECT DISTINCT assessment_id FROM changed))
       AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END $$;
