-- apterm store, migration 31: what was left of issue 13's rules.
--
-- Tracking follows the purpose of the placement (seed 000, "Tracking and
-- Monitoring"): the areas a placement is tracked in, as area codes joined by
-- ", " (db/tracking.c tracking_areas_parse); '' = by the pupil's year group.
ALTER TABLE placement ADD COLUMN tracking_areas TEXT NOT NULL DEFAULT '';

-- A week's rating may say "not applicable this week": rating NULL. SQLite
-- cannot loosen a CHECK in place, so the table is made again with its rows.
-- Nothing refers to progress_entry; its generated audit triggers are remade
-- after every upgrade.
CREATE TABLE progress_entry_new (
    pupil_id   INTEGER NOT NULL REFERENCES pupil (id),
    week_start TEXT NOT NULL CHECK (week_start = date(week_start, '+0 days') AND strftime('%w', week_start) = '1'),
    area       TEXT NOT NULL CHECK (area IN ('attendance', 'wellbeing', 'engagement', 'social', 'qualifications')),
    rating     INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    note       TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (pupil_id, week_start, area)
) STRICT, WITHOUT ROWID;
INSERT INTO progress_entry_new (pupil_id, week_start, area, rating, note, version, updated_at, updated_by)
    SELECT pupil_id, week_start, area, rating, note, version, updated_at, updated_by FROM progress_entry;
DROP TABLE progress_entry;
ALTER TABLE progress_entry_new RENAME TO progress_entry;

-- The reduced-timetable indicators of seed 003's audit matrix (Appendix 2)
-- that the PSP did not record: progression ('' not recorded, 'progressing',
-- 'little' = little or none), the hours a day when the reduced timetable
-- began (to see an increase over time), the day the LA's safeguarding
-- officer was told, and the day the risk assessment was last completed or
-- reviewed.
ALTER TABLE psp ADD COLUMN reduced_progression TEXT NOT NULL DEFAULT ''
    CHECK (reduced_progression IN ('', 'progressing', 'little'));
ALTER TABLE psp ADD COLUMN reduced_start_hours REAL
    CHECK (reduced_start_hours IS NULL OR reduced_start_hours BETWEEN 0 AND 7);
ALTER TABLE psp ADD COLUMN reduced_la_told TEXT
    CHECK (reduced_la_told IS NULL OR reduced_la_told = date(reduced_la_told, '+0 days'));
ALTER TABLE psp ADD COLUMN reduced_risk_assessed TEXT
    CHECK (reduced_risk_assessed IS NULL OR reduced_risk_assessed = date(reduced_risk_assessed, '+0 days'));

-- A suspended or red-flagged provider's quote may be recommended only with a
-- reason recorded (db/panel.c); '' = none.
ALTER TABLE quote ADD COLUMN recommend_reason TEXT NOT NULL DEFAULT '';
