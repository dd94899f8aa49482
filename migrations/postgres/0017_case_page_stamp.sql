-- The case page's stamp (decision record 20): a number that moves whenever anything the case
-- page shows changes (the case's own row, its identifiers, timeline, consents, right to work,
-- assessments, answers and scores), moved by the database itself so no writer can forget it.
-- Pages keep what they read of a case in process under the stamp they read it at.

ALTER TABLE participants ADD COLUMN page_stamp BIGINT NOT NULL DEFAULT 0;

-- Any change to the row moves it (unless the statement set it itself).
CREATE FUNCTION participants_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.page_stamp = OLD.page_stamp THEN
        NEW.page_stamp := OLD.page_stamp + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER participants_page_stamp BEFORE UPDATE ON participants
    FOR EACH ROW EXECUTE FUNCTION participants_page_stamp();

-- Rows of the case's own tables: once per statement, for every case the statement touched
-- (a seed inserting thousands of answers moves each case once, not once per answer).
CREATE FUNCTION case_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id IN (SELECT DISTINCT participant_id FROM changed);
    RETURN NULL;
END $$;
CREATE FUNCTION assessment_rows_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id IN (SELECT assessments.participant_id FROM assessments
                   WHERE assessments.id IN (SELECT DISTINCT assessment_id FROM changed));
    RETURN NULL;
END $$;

CREATE TRIGGER participant_identifiers_insert_page_stamp AFTER INSERT ON participant_identifiers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER participant_identifiers_update_page_stamp AFTER UPDATE ON participant_identifiers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER participant_identifiers_delete_page_stamp AFTER DELETE ON participant_identifiers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER timeline_insert_page_stamp AFTER INSERT ON timeline
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER timeline_update_page_stamp AFTER UPDATE ON timeline
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER timeline_delete_page_stamp AFTER DELETE ON timeline
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER consents_insert_page_stamp AFTER INSERT ON consents
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER consents_update_page_stamp AFTER UPDATE ON consents
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER consents_delete_page_stamp AFTER DELETE ON consents
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER right_to_work_insert_page_stamp AFTER INSERT ON right_to_work
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER right_to_work_update_page_stamp AFTER UPDATE ON right_to_work
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER right_to_work_delete_page_stamp AFTER DELETE ON right_to_work
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER assessments_insert_page_stamp AFTER INSERT ON assessments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER assessments_update_page_stamp AFTER UPDATE ON assessments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER assessments_delete_page_stamp AFTER DELETE ON assessments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_rows_page_stamp();
CREATE TRIGGER assessment_answers_insert_page_stamp AFTER INSERT ON assessment_answers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
CREATE TRIGGER assessment_answers_update_page_stamp AFTER UPDATE ON assessment_answers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
CREATE TRIGGER assessment_answers_delete_page_stamp AFTER DELETE ON assessment_answers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
CREATE TRIGGER assessment_scores_insert_page_stamp AFTER INSERT ON assessment_scores
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
CREATE TRIGGER assessment_scores_update_page_stamp AFTER UPDATE ON assessment_scores
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
CREATE TRIGGER assessment_scores_delete_page_stamp AFTER DELETE ON assessment_scores
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION assessment_rows_page_stamp();
