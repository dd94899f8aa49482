-- The case page's stamp (decision record 20): a number that moves whenever anything the case
-- page shows changes, moved by the database itself so no writer can forget it. SQLite has no
-- statement-level triggers, so here every row moves it. Kept equivalent to migrations/postgres
-- by a test.

ALTER TABLE participants ADD COLUMN page_stamp INTEGER NOT NULL DEFAULT 0;

-- Any change to the row moves it (unless the statement set it itself; this also keeps the
-- trigger from firing on its own update).
CREATE TRIGGER participants_page_stamp AFTER UPDATE ON participants
    WHEN NEW.page_stamp = OLD.page_stamp
BEGIN
    UPDATE participants SET page_stamp = OLD.page_stamp + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER participant_identifiers_insert_page_stamp AFTER INSERT ON participant_identifiers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER participant_identifiers_update_page_stamp AFTER UPDATE ON participant_identifiers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER participant_identifiers_delete_page_stamp AFTER DELETE ON participant_identifiers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;
CREATE TRIGGER timeline_insert_page_stamp AFTER INSERT ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER timeline_update_page_stamp AFTER UPDATE ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER timeline_delete_page_stamp AFTER DELETE ON timeline
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;
CREATE TRIGGER consents_insert_page_stamp AFTER INSERT ON consents
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER consents_update_page_stamp AFTER UPDATE ON consents
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER consents_delete_page_stamp AFTER DELETE ON consents
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;
CREATE TRIGGER right_to_work_insert_page_stamp AFTER INSERT ON right_to_work
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER right_to_work_update_page_stamp AFTER UPDATE ON right_to_work
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER right_to_work_delete_page_stamp AFTER DELETE ON right_to_work
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;
CREATE TRIGGER assessments_insert_page_stamp AFTER INSERT ON assessments
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER assessments_update_page_stamp AFTER UPDATE ON assessments
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = NEW.participant_id;
END;
CREATE TRIGGER assessments_delete_page_stamp AFTER DELETE ON assessments
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1 WHERE id = OLD.participant_id;
END;
CREATE TRIGGER assessment_answers_insert_page_stamp AFTER INSERT ON assessment_answers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = NEW.assessment_id);
END;
CREATE TRIGGER assessment_answers_update_page_stamp AFTER UPDATE ON assessment_answers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = NEW.assessment_id);
END;
CREATE TRIGGER assessment_answers_delete_page_stamp AFTER DELETE ON assessment_answers
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = OLD.assessment_id);
END;
CREATE TRIGGER assessment_scores_insert_page_stamp AFTER INSERT ON assessment_scores
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = NEW.assessment_id);
END;
CREATE TRIGGER assessment_scores_update_page_stamp AFTER UPDATE ON assessment_scores
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = NEW.assessment_id);
END;
CREATE TRIGGER assessment_scores_delete_page_stamp AFTER DELETE ON assessment_scores
BEGIN
    UPDATE participants SET page_stamp = page_stamp + 1
     WHERE id = (SELECT participant_id FROM assessments WHERE id = OLD.assessment_id);
END;
