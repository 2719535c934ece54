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

INSERT INTO placement_week (pupil_id, placement_id, provider_id, status, start_day, end_day, sessions)
SELECT l.pupil_id, l.id, l.provider_id, l.status,
       CAST(julianday(l.start_date) - 2440587.5 AS INTEGER),
       CAST(julianday(l.end_date) - 2440587.5 AS INTEGER),
       (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t WHERE t.placement_id = l.id)
FROM placement l;

-- The row of placement X, worked out again (nothing when X is gone).
CREATE TRIGGER placement_week_ins AFTER INSERT ON placement BEGIN
    INSERT OR REPLACE INTO placement_week (pupil_id, placement_id, provider_id, status, start_day, end_day, sessions)
    SELECT NEW.pupil_id, NEW.id, NEW.provider_id, NEW.status,
           CAST(julianday(NEW.start_date) - 2440587.5 AS INTEGER),
           CAST(julianday(NEW.end_date) - 2440587.5 AS INTEGER),
           (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
            WHERE t.placement_id = NEW.id);
END;

CREATE TRIGGER placement_week_upd AFTER UPDATE OF id, pupil_id, provider_id, status, start_date, end_date ON placement
BEGIN
    DELETE FROM placement_week WHERE pupil_id = OLD.pupil_id AND placement_id = OLD.id;
    INSERT OR REPLACE INTO placement_week (pupil_id, placement_id, provider_id, status, start_day, end_day, sessions)
    SELECT NEW.pupil_id, NEW.id, NEW.provider_id, NEW.status,
           CAST(julianday(NEW.start_date) - 2440587.5 AS INTEGER),
           CAST(julianday(NEW.end_date) - 2440587.5 AS INTEGER),
           (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
            WHERE t.placement_id = NEW.id);
END;

CREATE TRIGGER placement_week_del AFTER DELETE ON placement BEGIN
    DELETE FROM placement_week WHERE pupil_id = OLD.pupil_id AND placement_id = OLD.id;
END;

-- A timetable's change: its placement's sessions again. When the placement
-- itself is being deleted (the timetable goes with it, ON DELETE CASCADE) it
-- is no longer there and nothing is written; placement_week_del removes the
-- row.
CREATE TRIGGER placement_week_session_ins AFTER INSERT ON placement_session BEGIN
    UPDATE placement_week
    SET sessions = (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
                    WHERE t.placement_id = NEW.placement_id)
    WHERE pupil_id = (SELECT pupil_id FROM placement WHERE id = NEW.placement_id) AND placement_id = NEW.placement_id;
END;

CREATE TRIGGER placement_week_session_upd AFTER UPDATE OF placement_id, weekday, session ON placement_session BEGIN
    UPDATE placement_week
    SET sessions = (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
                    WHERE t.placement_id = OLD.placement_id)
    WHERE pupil_id = (SELECT pupil_id FROM placement WHERE id = OLD.placement_id) AND placement_id = OLD.placement_id;
    UPDATE placement_week
    SET sessions = (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
                    WHERE t.placement_id = NEW.placement_id)
    WHERE pupil_id = (SELECT pupil_id FROM placement WHERE id = NEW.placement_id) AND placement_id = NEW.placement_id;
END;

CREATE TRIGGER placement_week_session_del AFTER DELETE ON placement_session BEGIN
    UPDATE placement_week
    SET sessions = (SELECT coalesce(sum(1 << (2 * t.weekday + (t.session = 'pm'))), 0) FROM placement_session t
                    WHERE t.placement_id = OLD.placement_id)
    WHERE pupil_id = (SELECT pupil_id FROM placement WHERE id = OLD.placement_id) AND placement_id = OLD.placement_id;
END;
