-- apterm store, migration 2: the calls list shows each pupil's previous
-- first-day absence calls, newest first.
CREATE INDEX absence_call_pupil ON absence_call (pupil_id, day DESC, called_at DESC);
