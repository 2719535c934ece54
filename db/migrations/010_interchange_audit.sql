-- apterm store, migration 10: imports, backups, restores and erasures under
-- the retention rule are recorded in audit_log as rows of their own (action
-- 'import', 'backup', 'restore' or 'erase'), besides the rows the triggers
-- write for every record they change. As in migration 4, the table is made
-- again with the same rows because SQLite cannot change a CHECK constraint.
PRAGMA legacy_alter_table = ON;
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    login     TEXT NOT NULL,
    tbl       TEXT NOT NULL,
    row_key   TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'export', 'import', 'backup',
                                              'restore', 'erase')),
    old_value TEXT,
    new_value TEXT
) STRICT;
INSERT INTO audit_log_new (id, at, login, tbl, row_key, action, old_value, new_value)
    SELECT id, at, login, tbl, row_key, action, old_value, new_value FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_row ON audit_log (tbl, row_key);
PRAGMA legacy_alter_table = OFF;
