-- apterm store, migration 11: what is kept of pupils erased under the
-- retention rule (apterm retention --apply): anonymised counts only, by
-- month, provider and cohort (no pupil, no name, no day), so totals over
-- past years can still be given.
CREATE TABLE IF NOT EXISTS retained_count (
    month        TEXT NOT NULL CHECK (length(month) = 7),      -- YYYY-MM
    provider_id  INTEGER NOT NULL DEFAULT 0,                   -- 0: none recorded on the mark
    cohort       TEXT NOT NULL DEFAULT '',
    pupils       INTEGER NOT NULL DEFAULT 0,
    sessions     INTEGER NOT NULL DEFAULT 0,                   -- marks counted as possible
    attended     INTEGER NOT NULL DEFAULT 0,                   -- present or approved educational activity
    authorised   INTEGER NOT NULL DEFAULT 0,
    unauthorised INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, provider_id, cohort)
) STRICT, WITHOUT ROWID;
