-- apterm store, migration 32: what retention (apterm retention --apply)
-- keeps of an erased pupil's placements beside migration 11's attendance
-- counts, so that the DMT value-for-money report of a past period gives the
-- same figures after the erasure (db/report.h). No name, no UPN, no day, no
-- link to the pupil: a placement's provider, the pupil's cohort and, month by
-- month, its placement days, sessions and spend; and for each erased pupil
-- (and each provider they were placed with) only the first and last month
-- they count in, so that a period's pupils and placements are counted once.
-- Money in thousandths of a penny, so that months added together round as
-- the report rounds a placement: once, to the penny.
CREATE TABLE IF NOT EXISTS retained_placement (
    id           INTEGER PRIMARY KEY,                  -- new: not the erased placement's id
    provider_id  INTEGER NOT NULL DEFAULT 0,
    cohort       TEXT NOT NULL DEFAULT '',
    first_month  TEXT NOT NULL CHECK (length(first_month) = 7),
    last_month   TEXT NOT NULL CHECK (length(last_month) = 7)
) STRICT;
CREATE TABLE IF NOT EXISTS retained_placement_month (
    placement      INTEGER NOT NULL REFERENCES retained_placement(id) ON DELETE CASCADE,
    month          TEXT NOT NULL CHECK (length(month) = 7),
    days           INTEGER NOT NULL DEFAULT 0,       -- placement days (school days it runs)
    possible       INTEGER NOT NULL DEFAULT 0,       -- marks that belong to it
    attended       INTEGER NOT NULL DEFAULT 0,
    attended_hours REAL NOT NULL DEFAULT 0,
    committed_mp   INTEGER NOT NULL DEFAULT 0,
    actual_mp      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (placement, month)
) STRICT, WITHOUT ROWID;
-- provider_id 0: the pupil as the report's total and cohorts count them;
-- otherwise as that provider's pupils.
CREATE TABLE IF NOT EXISTS retained_pupil (
    provider_id  INTEGER NOT NULL DEFAULT 0,
    cohort       TEXT NOT NULL DEFAULT '',
    first_month  TEXT NOT NULL CHECK (length(first_month) = 7),
    last_month   TEXT NOT NULL CHECK (length(last_month) = 7)
) STRICT;
