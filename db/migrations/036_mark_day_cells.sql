-- apterm store, migration 36: the attendance grid reads a week's cells from
-- the day index alone (issue 12: opening the grid). The index by day and
-- session now carries what a cell shows - the pupil, the code, the code the
-- provider reported, the version and the provider - so that a week of every
-- pupil's marks is one range of the index, not one seek into the marks per
-- pupil. Its name and leading columns are unchanged: the queries that used
-- it by day and session use it as before.
DROP INDEX attendance_mark_day;
CREATE INDEX attendance_mark_day ON attendance_mark (day, session, pupil_id, code, reported_code, version, provider_id);
