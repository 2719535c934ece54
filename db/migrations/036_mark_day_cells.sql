-- apterm store, migration 36 (issue 12): indexes for opening the grid and
-- for the first frame.
--
-- The attendance grid reads a week's cells from the day index alone: the
-- index by day and session now carries what a cell shows - the pupil, the
-- code, the code the provider reported, the version and the provider - so
-- that a week of every pupil's marks is one range of the index, not one seek
-- into the marks per pupil. Its name and leading columns are unchanged: the
-- queries that used it by day and session use it as before.
DROP INDEX attendance_mark_day;
CREATE INDEX attendance_mark_day ON attendance_mark (day, session, pupil_id, code, reported_code, version, provider_id);

-- The roll's first screenful says how many pupils are on roll (no end date,
-- or one today or later): counted from this index, not by reading every
-- pupil, as the session starts.
CREATE INDEX pupil_end ON pupil (end_date);
