-- apterm store, migration 37 (issue 12): each placement's week of sessions,
-- kept. Opening the attendance grid asked, for every placement running that
-- week, which of its week's sessions it is timetabled for: one seek into its
-- timetable (placement_session) per placement - 55,000 seeks at 50,000 pupils.
-- Kept here instead, one row per placement, in pupil order, with what the rule
-- of who is expected reads (db/marks.c expected_days, where the rule is):
-- its status, its dates as day numbers (days since 1970-01-01, as
-- attendance_mark.day; end_day NULL while it has no end) and its timetable as
-- bits, bit 2 * weekday, plus 1 for the afternoon (Monday is weekday 0), so
-- that a week's expected sessions are one pass over this table and no seek.
-- Kept by triggers in the same transaction as each change to a placement or
-- its timetable: a row is worked out again from its placement and timetable
-- each time (a timetable has at most ten rows), so it cannot drift. Derived,
-- so not audited (db/store.c table_is_audited).
CREATE TABLE placement_week (
    pupil_id     INTEGER NOT NULL,
    placement_id INTEGER NOT NULL,
    provider_id  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    start_day    INTEGER NOT NULL,
    end_day      INTEGER,
    sessions     INTEGER NOT NULL,
    PRIMARY KEY (pupil_id, placement_id)
) STRICT, WITHOUT ROWID;

-- A placement's row worked out afresh from the placement and its timetable:
-- what the triggers below write (a placement that is gone gives none).
CREATE VIEW placement_week_fresh AS
SELECT l.pupil_id, l.id AS placement_id, l.provider_id, l.status,
       CAST(julianday(l.start_date) - 2440587.5 AS INTEGER) AS start_day,
       CAST(julianday(l.end_date) - 2440587.5 AS INTEGER) AS end_day,
       (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
        WHERE t.placement_id = l.id) AS sessions
FROM placement l;

INSERT INTO placement_week SELECT * FROM placement_week_fresh;
CREATE INDEX placement_week_placement ON placement_week (placement_id);

-- Each trigger deletes the placement's row and writes it afresh (none when
-- the placement is gone), never INSERT OR REPLACE: a statement's own conflict
-- clause (an INSERT OR IGNORE into the timetable, say) would override the
-- trigger's. So a placement given another pupil, a REPLACE into the
-- placements or the timetable (which deletes the row it replaces without its
-- delete trigger), or a session moved to another placement all leave every
-- row as the view gives it. When a placement is deleted its timetable goes
-- with it (ON DELETE CASCADE), in whichever order, and no row is left.
CREATE TRIGGER placement_week_ins AFTER INSERT ON placement BEGIN
    DELETE FROM placement_week WHERE placement_id = NEW.id;
    INSERT INTO placement_week SELECT * FROM placement_week_fresh WHERE placement_id = NEW.id;
END;

CREATE TRIGGER placement_week_upd AFTER UPDATE OF id, pupil_id, provider_id, status, start_date, end_date ON placement
BEGIN
    DELETE FROM placement_week WHERE placement_id IN (OLD.id, NEW.id);
    INSERT INTO placement_week SELECT * FROM placement_week_fresh WHERE placement_id = NEW.id;
END;

CREATE TRIGGER placement_week_del AFTER DELETE ON placement BEGIN
    DELETE FROM placement_week WHERE placement_id = OLD.id;
END;

CREATE TRIGGER placement_week_session_ins AFTER INSERT ON placement_session BEGIN
    DELETE FROM placement_week WHERE placement_id = NEW.placement_id;
    INSERT INTO placement_week SELECT * FROM placement_week_fresh WHERE placement_id = NEW.placement_id;
END;

CREATE TRIGGER placement_week_session_upd AFTER UPDATE OF placement_id, weekday, session ON placement_session BEGIN
    DELETE FROM placement_week WHERE placement_id IN (OLD.placement_id, NEW.placement_id);
    INSERT INTO placement_week SELECT * FROM placement_week_fresh WHERE placement_id IN (OLD.placement_id, NEW.placement_id);
END;

CREATE TRIGGER placement_week_session_del AFTER DELETE ON placement_session BEGIN
    DELETE FROM placement_week WHERE placement_id = OLD.placement_id;
    INSERT INTO placement_week SELECT * FROM placement_week_fresh WHERE placement_id = OLD.placement_id;
END;
