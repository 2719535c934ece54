-- apterm store, migration 5: the QA visits that count (issue 13). A visit
-- resets a due date, or clears a safeguarding "No", only when it is closed and
-- every item of its checklist has an answer (Yes, No or N/A): a visit closed
-- with 1 of 26 items answered is not a Stage 1 visit. Closing a visit dated
-- after today is refused, and a closed visit can be neither redated nor
-- answered, so a closed visit was closed on or after its date. Every reader of
-- the QA rules (db/flags.c, db/qa.c, db/report.c, db/tracking.c, db/roll.c)
-- reads this one view.
DROP VIEW IF EXISTS qa_visit_counted;
CREATE VIEW qa_visit_counted AS
SELECT v.* FROM qa_visit v
WHERE v.closed = 1
  AND NOT EXISTS (
      SELECT 1 FROM qa_template_item i
      WHERE i.template_id = v.template_id
        AND NOT EXISTS (SELECT 1 FROM qa_answer a
                        WHERE a.visit_id = v.id AND a.item_id = i.id AND a.answer IS NOT NULL));
