-- apterm store, migration 35: what the monitoring rule counts, kept (issue 12).
-- The rule (db/flags.c) asks how many of their own sessions the learner who has
-- attended most at a provider has attended there since its last visit. Counted
-- from the marks, that read every mark of every learner there since the visit
-- after each mark any login recorded, in every open session. Kept here instead,
-- per provider, week (the Monday's day number, as attendance_week) and learner:
-- the sessions attended there that week, one bit each (bit 2 * weekday, plus 1
-- for the afternoon; Monday is weekday 0), so that the sessions since any day
-- are counted from a few rows. Attended: a code of the store's set in category
-- present or aea (what attendance_week counts as attending). Kept by triggers in
-- the same transaction as each mark, a row removed when its last bit goes (an
-- erased pupil leaves nothing here); derived, so not audited
-- (db/store.c table_is_audited).
CREATE TABLE provider_attended_week (
    provider_id INTEGER NOT NULL,
    week        INTEGER NOT NULL,
    pupil_id    INTEGER NOT NULL,
    sessions    INTEGER NOT NULL,
    PRIMARY KEY (provider_id, week, pupil_id)
) STRICT, WITHOUT ROWID;

INSERT INTO provider_attended_week (provider_id, week, pupil_id, sessions)
SELECT m.provider_id, m.day - (m.day + 3) % 7, m.pupil_id,
       sum(1 << (2 * ((m.day + 3) % 7) + (m.session = 'pm')))
FROM attendance_mark m
JOIN attendance_code c ON c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = m.code
WHERE m.provider_id IS NOT NULL AND c.category IN ('present', 'aea')
GROUP BY m.provider_id, m.day - (m.day + 3) % 7, m.pupil_id;

CREATE TRIGGER provider_attended_week_ins AFTER INSERT ON attendance_mark
WHEN NEW.provider_id IS NOT NULL BEGIN
    INSERT INTO provider_attended_week (provider_id, week, pupil_id, sessions)
    SELECT NEW.provider_id, NEW.day - (NEW.day + 3) % 7, NEW.pupil_id,
           1 << (2 * ((NEW.day + 3) % 7) + (NEW.session = 'pm'))
    FROM attendance_code c
    WHERE c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = NEW.code
      AND c.category IN ('present', 'aea')
    ON CONFLICT (provider_id, week, pupil_id) DO UPDATE SET sessions = sessions | excluded.sessions;
END;

-- A mark's bit is its own (one mark per learner, day and session): clearing it
-- needs no look at what the code was.
CREATE TRIGGER provider_attended_week_del AFTER DELETE ON attendance_mark
WHEN OLD.provider_id IS NOT NULL BEGIN
    UPDATE provider_attended_week SET sessions = sessions & ~(1 << (2 * ((OLD.day + 3) % 7) + (OLD.session = 'pm')))
    WHERE provider_id = OLD.provider_id AND week = OLD.day - (OLD.day + 3) % 7 AND pupil_id = OLD.pupil_id;
    DELETE FROM provider_attended_week
    WHERE provider_id = OLD.provider_id AND week = OLD.day - (OLD.day + 3) % 7 AND pupil_id = OLD.pupil_id
      AND sessions = 0;
END;

CREATE TRIGGER provider_attended_week_upd AFTER UPDATE OF code, day, session, pupil_id, provider_id ON attendance_mark
BEGIN
    UPDATE provider_attended_week SET sessions = sessions & ~(1 << (2 * ((OLD.day + 3) % 7) + (OLD.session = 'pm')))
    WHERE OLD.provider_id IS NOT NULL
      AND provider_id = OLD.provider_id AND week = OLD.day - (OLD.day + 3) % 7 AND pupil_id = OLD.pupil_id;
    DELETE FROM provider_attended_week
    WHERE OLD.provider_id IS NOT NULL
      AND provider_id = OLD.provider_id AND week = OLD.day - (OLD.day + 3) % 7 AND pupil_id = OLD.pupil_id
      AND sessions = 0;
    INSERT INTO provider_attended_week (provider_id, week, pupil_id, sessions)
    SELECT NEW.provider_id, NEW.day - (NEW.day + 3) % 7, NEW.pupil_id,
           1 << (2 * ((NEW.day + 3) % 7) + (NEW.session = 'pm'))
    FROM attendance_code c
    WHERE NEW.provider_id IS NOT NULL
      AND c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = NEW.code
      AND c.category IN ('present', 'aea')
    ON CONFLICT (provider_id, week, pupil_id) DO UPDATE SET sessions = sessions | excluded.sessions;
END;

-- The monitoring rule also reads a provider's latest counted visit and its
-- visits this term, whatever their stage: by date, the newest is found first
-- instead of every visit's answers being checked (qa_visit_counted).
CREATE INDEX qa_visit_provider_date ON qa_visit (provider_id, visit_date);
