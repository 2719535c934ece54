-- apterm store, migration 5: the register closes without a screen.
-- A register (a school day's AM or PM session) is closed once: at close_am /
-- close_pm of apterm.ini by whichever apterm process first sees the time has
-- passed (the full-screen program, apterm check, apterm mark, apterm
-- close-register from cron), or earlier by Ctrl-R in the attendance grid.
-- Closing gives every expected pupil without a mark N (db/marks.c); this row
-- records that it was done, so that it is done once. Audited like every
-- table (db/store.c makes the triggers).
CREATE TABLE IF NOT EXISTS register_close (
    day       TEXT NOT NULL CHECK (day IS date(day)),
    session   TEXT NOT NULL CHECK (session IN ('am', 'pm')),
    how       TEXT NOT NULL CHECK (how IN ('automatic', 'manual')),
    marked    INTEGER NOT NULL CHECK (marked >= 0),
    closed_at TEXT NOT NULL DEFAULT (datetime('now')),
    closed_by TEXT NOT NULL,
    PRIMARY KEY (day, session)
) STRICT;
