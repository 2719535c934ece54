-- apterm store, migration 38: the audit triggers are made again (db/store.c,
-- make_generated_triggers, after every migration) in their shorter form: each
-- audited table has a view audit_row_<table> showing a row as the JSON object
-- of its columns, which its insert, update and delete triggers read, instead
-- of each trigger listing every column. What audit_log records is unchanged;
-- a store opens faster, as SQLite parses the whole schema on every open.
SELECT 1;
