-- apterm store, migration 39: each pupil's first and last rating of each
-- tracking area, kept (issue 12). The DMT report's progress figures need, per
-- pupil and area, the first and the last rating of its range and whether it
-- was rated in two weeks or more: read from progress_entry that was every
-- rating of the range (230,000 rows at 5,000 pupils, a quarter of the
-- report's load). Kept here instead: the week (its Monday, as progress_entry
-- has it) and rating of the first and of the last rating, "not applicable"
-- (rating NULL) left out. A pair whose ratings all fall in the report's range
-- is answered by its row here alone; only a pair rated both inside and outside
-- the range has its ratings read (db/report.c dmt_progress_areas). One rating
-- a week per area (progress_entry's key), so first_week <> last_week means
-- rated in two weeks or more. Kept by triggers in the same statement as each
-- change; a pair with no rating has no row (an erased pupil leaves nothing
-- here); derived, so not audited (db/store.c table_is_audited).
CREATE TABLE progress_span (
    pupil_id     INTEGER NOT NULL,
    area         TEXT NOT NULL,
    first_week   TEXT NOT NULL,
    first_rating INTEGER NOT NULL,
    last_week    TEXT NOT NULL,
    last_rating  INTEGER NOT NULL,
    PRIMARY KEY (pupil_id, area)
) STRICT, WITHOUT ROWID;

-- The ratings already recorded: the first of each pair (a bare column of a
-- min() aggregate is taken from the row holding the minimum), then its last.
INSERT INTO progress_span (pupil_id, area, first_week, first_rating, last_week, last_rating)
SELECT pupil_id, area, min(week_start), rating, '', 0
FROM progress_entry WHERE rating IS NOT NULL GROUP BY pupil_id, area;
UPDATE progress_span SET last_week = x.week, last_rating = x.rating
FROM (SELECT pupil_id, area, max(week_start) AS week, rating
      FROM progress_entry WHERE rating IS NOT NULL GROUP BY pupil_id, area) x
WHERE x.pupil_id = progress_span.pupil_id AND x.area = progress_span.area;

-- A new rating widens its pair's span (a week equal to an end is that very
-- row again, written by an INSERT OR REPLACE: its rating is the one now).
CREATE TRIGGER progress_span_ins AFTER INSERT ON progress_entry
WHEN NEW.rating IS NOT NULL BEGIN
    INSERT INTO progress_span (pupil_id, area, first_week, first_rating, last_week, last_rating)
    VALUES (NEW.pupil_id, NEW.area, NEW.week_start, NEW.rating, NEW.week_start, NEW.rating)
    ON CONFLICT (pupil_id, area) DO UPDATE SET
        first_week = CASE WHEN excluded.first_week <= first_week THEN excluded.first_week ELSE first_week END,
        first_rating = CASE WHEN excluded.first_week <= first_week THEN excluded.first_rating ELSE first_rating END,
        last_week = CASE WHEN excluded.last_week >= last_week THEN excluded.last_week ELSE last_week END,
        last_rating = CASE WHEN excluded.last_week >= last_week THEN excluded.last_rating ELSE last_rating END;
END;

-- A pair's span counted from its ratings (the first rated week and the last,
-- with their ratings): what the triggers below write again when a rating of
-- the pair goes or changes, asked for one pair (pupil_id = ? AND area = ?),
-- a few rows of progress_entry's key.
CREATE VIEW progress_span_counted AS
SELECT f.pupil_id, f.area, f.week_start AS first_week, f.rating AS first_rating,
       l.week_start AS last_week, l.rating AS last_rating
FROM progress_entry f JOIN progress_entry l ON l.pupil_id = f.pupil_id AND l.area = f.area
WHERE f.rating IS NOT NULL AND l.rating IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM progress_entry e WHERE e.pupil_id = f.pupil_id AND e.area = f.area
                  AND e.rating IS NOT NULL AND e.week_start < f.week_start)
  AND NOT EXISTS (SELECT 1 FROM progress_entry e WHERE e.pupil_id = l.pupil_id AND e.area = l.area
                  AND e.rating IS NOT NULL AND e.week_start > l.week_start);

-- A "not applicable" written over a rating by INSERT OR REPLACE: the pair
-- is counted again from its ratings.
CREATE TRIGGER progress_span_ins_na AFTER INSERT ON progress_entry
WHEN NEW.rating IS NULL BEGIN
    DELETE FROM progress_span WHERE pupil_id = NEW.pupil_id AND area = NEW.area;
    INSERT INTO progress_span (pupil_id, area, first_week, first_rating, last_week, last_rating)
    SELECT * FROM progress_span_counted WHERE pupil_id = NEW.pupil_id AND area = NEW.area;
END;

-- A rating removed or changed: its pair (both pairs, when an update moves it
-- to another pupil or area) counted again from its ratings.
CREATE TRIGGER progress_span_del AFTER DELETE ON progress_entry
WHEN OLD.rating IS NOT NULL BEGIN
    DELETE FROM progress_span WHERE pupil_id = OLD.pupil_id AND area = OLD.area;
    INSERT INTO progress_span (pupil_id, area, first_week, first_rating, last_week, last_rating)
    SELECT * FROM progress_span_counted WHERE pupil_id = OLD.pupil_id AND area = OLD.area;
END;

CREATE TRIGGER progress_span_upd AFTER UPDATE OF pupil_id, week_start, area, rating ON progress_entry
BEGIN
    DELETE FROM progress_span WHERE pupil_id IN (OLD.pupil_id, NEW.pupil_id) AND area IN (OLD.area, NEW.area);
    INSERT INTO progress_span (pupil_id, area, first_week, first_rating, last_week, last_rating)
    SELECT * FROM progress_span_counted
    WHERE pupil_id IN (OLD.pupil_id, NEW.pupil_id) AND area IN (OLD.area, NEW.area);
END;

-- The QA visits that count (migration 006), stated again to the same effect:
-- closed, and every item of its template answered (Yes, No or N/A) - as
-- many of the template's items answered as it has (qa_answer holds one row a
-- visit and item). Read as "no item without an answer", SQLite looked up each
-- item's answer in turn; counted, it reads the visit's answers in their key
-- order: about half the work for every reader of the QA rules (the flags at
-- every start, both workbooks).
DROP VIEW qa_visit_counted;
CREATE VIEW qa_visit_counted AS
SELECT v.* FROM qa_visit v
WHERE v.closed = 1
  AND (SELECT count(*) FROM qa_template_item i WHERE i.template_id = v.template_id)
    = (SELECT count(*) FROM qa_answer a JOIN qa_template_item i ON i.id = a.item_id
       WHERE a.visit_id = v.id AND a.answer IS NOT NULL AND i.template_id = v.template_id);
