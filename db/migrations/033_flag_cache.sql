-- apterm store, migration 33: the flags as last counted (issue 12). A
-- session starts by reading them here and applying the change feed from the
-- audit row they were counted at, instead of counting every flag of the
-- store before its first complete frame (db/flagset.h). Derived, like
-- attendance_week, so not audited (db/store.c table_is_audited); one row.
-- day: the date the flags are of (a new day counts again); settings: the
-- thresholds and code set they were counted with; audit_id and audit_at: the
-- audit row they include; flags: the rows, encoded by db/flagset.c.
CREATE TABLE flag_cache (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    day       INTEGER NOT NULL,
    settings  TEXT NOT NULL,
    audit_id  INTEGER NOT NULL,
    audit_at  TEXT NOT NULL,
    flags     BLOB NOT NULL
) STRICT;
-- The flags name pupils: none may outlive an erasure or a deletion here.
CREATE TRIGGER flag_cache_pupil_gone AFTER DELETE ON pupil BEGIN
    DELETE FROM flag_cache;
END;
