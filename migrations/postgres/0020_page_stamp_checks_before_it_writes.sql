-- The page stamp's statement triggers (migrations 0017 and 0018) ran an UPDATE of the case rows
-- on every statement that wrote a child row, even when each case row had already moved its
-- stamp in this transaction (an edit writes the case row and its timeline line in one
-- statement) and the UPDATE then changed nothing. Starting an UPDATE of participants prepares
-- its eight indexes and its generated column whether or not a row matches: in a profile of
-- `cats-bench edits` the trigger was about a tenth of PostgreSQL's time. A read finds first
-- whether any case row still needs its stamp moved.
CREATE OR REPLACE FUNCTION case_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM participants
      WHERE id IN (SELECT participant_id FROM changed)
        AND xmin <> pg_current_xact_id()::xid;
    IF FOUND THEN
        UPDATE participants SET page_stamp = page_stamp + 1
         WHERE id IN (SELECT DISTINCT participant_id FROM changed)
           AND xmin <> pg_current_xact_id()::xid;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION assessment_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM participants
      WHERE id IN (SELECT assessments.participant_id FROM assessments
                    WHERE assessments.id IN (SELECT assessment_id FROM changed))
        AND xmin <> pg_current_xact_id()::xid;
    IF FOUND THEN
        UPDATE participants SET page_stamp = page_stamp + 1
         WHERE id IN (SELECT assessments.participant_id FROM assessments
                       WHERE assessments.id IN (SELECT DISTINCT assessment_id FROM changed))
           AND xmin <> pg_current_xact_id()::xid;
    END IF;
    RETURN NULL;
END $$;
