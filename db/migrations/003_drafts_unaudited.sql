-- apterm store, migration 3: a PSP draft (psp_draft) is the text someone was
-- typing when the connection dropped, kept until they restore or discard it.
-- It is no longer copied into the audit log on every keystroke pause: the
-- audit keeps what is saved to the PSP itself, and discarded drafts leave no
-- copy behind. The audit triggers are made again after this migration, by
-- the store, without psp_draft (db/store.c table_is_audited).
SELECT 1;
