-- apterm store, migration 4: an export of personal data (a CSV of marks, the
-- Inclusion Panel pack, the DMT report) is recorded in audit_log as an
-- 'export' row: who, when, the kind and the file in row_key and new_value,
-- and how many pupils. SQLite cannot change a CHECK constraint, so the table
-- is made again with the same rows. legacy_alter_table keeps the rename from
-- checking the generated audit triggers, which name audit_log and are made
-- again after every migration (db/store.c make_generated_triggers).
PRAGMA legacy_alter_table = ON;
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    login     TEXT NOT NULL,
    tbl       TEXT NOT NULL,
    row_key   TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'export')),
    old_value TEXT,
    new_value TEXT
) STRICT;
INSERT INTO audit_log_new (id, at, login, tbl, row_key, action, old_value, new_value)
    SELECT id, at, login, tbl, row_key, action, old_value, new_value FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_row ON audit_log (tbl, row_key);
PRAGMA legacy_alter_table = OFF;
