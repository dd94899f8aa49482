-- Case writes, lighter again (decision record 24). In a profile of `cats-bench edits`, beyond
-- the statements themselves PostgreSQL spent its time on three things no edit needs.
--
-- 1. The list's "last updated" sort had its own index on `updated_at`, which every write of a
--    case changes: each edit wrote a new entry in all eight of the case row's indexes instead
--    of a heap-only (HOT) row version. The sort now keeps the newest rows of the matches in a
--    heap, as the location sort always has.
DROP INDEX participants_updated_sort_idx;

-- 2. A timeline line moves its case's page stamp once per row, not once per statement: the
--    statement trigger built a transition table and joined it for every statement that wrote
--    one, and lines are written one at a time by every command. Still a trigger, so no writer
--    can forget it; still a read first, so a case row this transaction already wrote is left
--    alone.
CREATE FUNCTION timeline_line_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM participants
      WHERE id = NEW.participant_id AND xmin <> pg_current_xact_id()::xid;
    IF FOUND THEN
        UPDATE participants SET page_stamp = page_stamp + 1
         WHERE id = NEW.participant_id AND xmin <> pg_current_xact_id()::xid;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER timeline_insert_page_stamp ON timeline;
CREATE TRIGGER timeline_insert_page_stamp AFTER INSERT ON timeline
    FOR EACH ROW EXECUTE FUNCTION timeline_line_page_stamp();

-- 3. The append-only history of a case (its timeline and field audit) and the access audit
--    keep the ids of the case and the person as written, without foreign keys, as the access
--    audit always kept the case's. The store writes them only in a transaction that has read
--    or written the case, for a signed-in user, and neither cases nor users are ever deleted.
--    Each key cost every row a locking read of the referenced row; on a person's own user row,
--    their overlapping writes made that lock a multixact.
ALTER TABLE timeline
    DROP CONSTRAINT timeline_participant_id_fkey,
    DROP CONSTRAINT timeline_user_id_fkey;
ALTER TABLE participant_field_audit
    DROP CONSTRAINT participant_field_audit_participant_id_fkey,
    DROP CONSTRAINT participant_field_audit_user_id_fkey;
ALTER TABLE participant_access_audit
    DROP CONSTRAINT participant_access_audit_user_id_fkey;
