-- The participant list: when the next risk review is due (and why), and the composite indexes
-- its filters and sorts use, so a page of 100,000 cases reads a few index entries rather than
-- sorting the table. Every sort ends with the id so paging is stable. Kept equivalent to
-- migrations/postgres by a test.

ALTER TABLE participants ADD COLUMN risk_due DATE;
ALTER TABLE participants ADD COLUMN risk_due_reason TEXT;
-- Statuses sort in the order they are listed (EnrolmentStatus::order), not by their stored
-- values (Enrolling is 6 but comes second); computed by the database so no write can forget it.
ALTER TABLE participants ADD COLUMN status_order INTEGER GENERATED ALWAYS AS (
    CASE enrolment_status WHEN 0 THEN 0 WHEN 6 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3
        WHEN 3 THEN 4 WHEN 4 THEN 5 WHEN 5 THEN 6 ELSE 7 END) VIRTUAL;

-- Sorts: read in index order, checking scope and filters on each row until a page is full.
CREATE INDEX participants_name_sort_idx ON participants (last_name, first_name, id);
CREATE INDEX participants_status_sort_idx ON participants (status_order, last_name, first_name, id);
CREATE INDEX participants_location_sort_idx ON participants (current_location_id, last_name, first_name, id);
CREATE INDEX participants_risk_due_sort_idx ON participants (risk_due, id);
CREATE INDEX participants_updated_sort_idx ON participants (updated_at, id);

-- Filters by owner and by scope, in the default (name) order.
CREATE INDEX participants_owner_name_idx ON participants (owner_id, last_name, first_name, id);
CREATE INDEX participants_tenant_name_idx ON participants (owner_tenant_id, last_name, first_name, id);

-- Location names in order, for the location sort's join.
CREATE INDEX locations_name_idx ON locations (name, id);

-- The single-column indexes of 0002 are prefixes of the composites above.
DROP INDEX participants_owner_tenant_idx;
DROP INDEX participants_owner_idx;
DROP INDEX participants_location_idx;
DROP INDEX participants_status_idx;
