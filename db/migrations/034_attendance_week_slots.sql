-- apterm store, migration 34: which sessions of the week attendance_week
-- counts (issue 12), so that the DMT report reads a pupil's weeks, not every
-- mark of the year, and still knows which placement each session belongs to
-- and which days of a week cut by the report's range count.
-- A slot is bit (weekday * 2 + pm) of the week, weekday 0 Monday to 6 Sunday:
-- counted_slots    the sessions marked with a code that counts (possible),
-- attending_slots  of those, present or approved educational activity,
-- authorised_slots of those, authorised absence; the rest of counted_slots
--                  is unauthorised absence.
-- (pupil_id, day, session) is attendance_mark's key, so a slot has at most one
-- mark: the triggers set and clear bits exactly. They are the triggers that
-- already keep the counts, in the same statement as the mark; an update now
-- follows the session too (moving a mark from am to pm moves its slot), and a
-- REPLACE that would delete a counted mark unseen is refused.
ALTER TABLE attendance_week ADD COLUMN counted_slots INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attendance_week ADD COLUMN attending_slots INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attendance_week ADD COLUMN authorised_slots INTEGER NOT NULL DEFAULT 0;

-- The marks already recorded, week by week through attendance_mark's key (a
-- week's slots are distinct bits, so their sum is their union).
UPDATE attendance_week SET (counted_slots, attending_slots, authorised_slots) = (
    SELECT coalesce(sum((c.category != 'not_counted') << ((m.day + 3) % 7 * 2 + (m.session = 'pm'))), 0),
           coalesce(sum((c.category IN ('present', 'aea')) << ((m.day + 3) % 7 * 2 + (m.session = 'pm'))), 0),
           coalesce(sum((c.category = 'authorised') << ((m.day + 3) % 7 * 2 + (m.session = 'pm'))), 0)
    FROM attendance_mark m
    JOIN attendance_code c ON c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = m.code
    WHERE m.pupil_id = attendance_week.pupil_id AND m.day BETWEEN attendance_week.week AND attendance_week.week + 6);

DROP TRIGGER attendance_week_ins;
DROP TRIGGER attendance_week_del;
DROP TRIGGER attendance_week_upd;

CREATE TRIGGER attendance_week_ins AFTER INSERT ON attendance_mark BEGIN
    -- A REPLACE deletes the mark it replaces without the delete trigger (SQLite
    -- fires it only with recursive_triggers on), which would leave its session
    -- counted: refused, as its slot is still set. An upsert (ON CONFLICT DO
    -- UPDATE) updates, and is kept by the update trigger.
    SELECT RAISE(ABORT, 'a mark for that pupil, day and session is already recorded: change it, do not replace it')
    FROM attendance_week w
    WHERE w.pupil_id = NEW.pupil_id AND w.week = NEW.day - (NEW.day + 3) % 7
      AND (w.counted_slots >> ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm'))) & 1;
    INSERT INTO attendance_week (pupil_id, week, possible, attending, authorised, unauthorised,
                                 counted_slots, attending_slots, authorised_slots)
    SELECT NEW.pupil_id, NEW.day - (NEW.day + 3) % 7,
           c.category != 'not_counted', c.category IN ('present', 'aea'),
           c.category = 'authorised', c.category = 'unauthorised',
           (c.category != 'not_counted') << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm')),
           (c.category IN ('present', 'aea')) << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm')),
           (c.category = 'authorised') << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm'))
    FROM attendance_code c
    WHERE c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = NEW.code
    ON CONFLICT (pupil_id, week) DO UPDATE SET
        possible = possible + excluded.possible,
        attending = attending + excluded.attending,
        authorised = authorised + excluded.authorised,
        unauthorised = unauthorised + excluded.unauthorised,
        counted_slots = counted_slots | excluded.counted_slots,
        attending_slots = attending_slots | excluded.attending_slots,
        authorised_slots = authorised_slots | excluded.authorised_slots;
END;

CREATE TRIGGER attendance_week_del AFTER DELETE ON attendance_mark BEGIN
    UPDATE attendance_week SET
        possible = possible - (c.category != 'not_counted'),
        attending = attending - (c.category IN ('present', 'aea')),
        authorised = authorised - (c.category = 'authorised'),
        unauthorised = unauthorised - (c.category = 'unauthorised'),
        counted_slots = counted_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm'))),
        attending_slots = attending_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm'))),
        authorised_slots = authorised_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm')))
    FROM attendance_code c
    WHERE c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = OLD.code
      AND attendance_week.pupil_id = OLD.pupil_id AND attendance_week.week = OLD.day - (OLD.day + 3) % 7;
END;

CREATE TRIGGER attendance_week_upd AFTER UPDATE OF code, day, session, pupil_id ON attendance_mark BEGIN
    UPDATE attendance_week SET
        possible = possible - (c.category != 'not_counted'),
        attending = attending - (c.category IN ('present', 'aea')),
        authorised = authorised - (c.category = 'authorised'),
        unauthorised = unauthorised - (c.category = 'unauthorised'),
        counted_slots = counted_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm'))),
        attending_slots = attending_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm'))),
        authorised_slots = authorised_slots & ~(1 << ((OLD.day + 3) % 7 * 2 + (OLD.session = 'pm')))
    FROM attendance_code c
    WHERE c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = OLD.code
      AND attendance_week.pupil_id = OLD.pupil_id AND attendance_week.week = OLD.day - (OLD.day + 3) % 7;
    -- The same for an UPDATE OR REPLACE onto another counted mark (the old slot is clear by now).
    SELECT RAISE(ABORT, 'a mark for that pupil, day and session is already recorded: change it, do not replace it')
    FROM attendance_week w
    WHERE w.pupil_id = NEW.pupil_id AND w.week = NEW.day - (NEW.day + 3) % 7
      AND (w.counted_slots >> ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm'))) & 1;
    INSERT INTO attendance_week (pupil_id, week, possible, attending, authorised, unauthorised,
                                 counted_slots, attending_slots, authorised_slots)
    SELECT NEW.pupil_id, NEW.day - (NEW.day + 3) % 7,
           c.category != 'not_counted', c.category IN ('present', 'aea'),
           c.category = 'authorised', c.category = 'unauthorised',
           (c.category != 'not_counted') << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm')),
           (c.category IN ('present', 'aea')) << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm')),
           (c.category = 'authorised') << ((NEW.day + 3) % 7 * 2 + (NEW.session = 'pm'))
    FROM attendance_code c
    WHERE c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = NEW.code
    ON CONFLICT (pupil_id, week) DO UPDATE SET
        possible = possible + excluded.possible,
        attending = attending + excluded.attending,
        authorised = authorised + excluded.authorised,
        unauthorised = unauthorised + excluded.unauthorised,
        counted_slots = counted_slots | excluded.counted_slots,
        attending_slots = attending_slots | excluded.attending_slots,
        authorised_slots = authorised_slots | excluded.authorised_slots;
END;
