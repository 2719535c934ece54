#ifndef APTERM_BACKUP_H
#define APTERM_BACKUP_H

/* Backups and restores of the whole store, with SQLite's online backup API
 * (never a file copy of a live WAL store): a consistent copy whatever other
 * logins are doing. Every copy is checked (PRAGMA integrity_check, and each
 * table's rows counted against the store in the same read transaction)
 * before it gets its final name; files are made 0600 in folders made 0700,
 * so a backup never shows the store to other logins. Both are for admins:
 * a copy holds everything, the safeguarding chronology included. */

#include <limits.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

struct backup_info {
    char file[PATH_MAX];     /* the copy made (or, for a restore, the store kept aside) */
    int tables;              /* tables checked */
    int64_t rows;            /* rows in them */
    int removed;             /* older backups removed to keep the last N */
};

/* Copies the store to dir/apterm-YYYY-MM-DD-HHMMSS.db (local time; the
 * folder is made 0700 when missing), checks the copy, then removes all but
 * the newest keep backups of that form in dir (nothing else is touched), and
 * writes a 'backup' audit row. Refused (AP_ERR_DENIED) unless admin. */
ap_status backup_make(struct store *s, const char *dir, int keep, struct backup_info *out);

/* Checks a backup file without changing it: an apterm store (AP_ERR_INVALID
 * otherwise), integrity_check ok, made by this apterm or an older one
 * (AP_ERR_TOO_NEW otherwise). *schema is its store version, *rows its rows. */
ap_status backup_check(const char *file, int *schema, int64_t *rows);

/* Replaces the store's contents with the backup file's: checks the file
 * first (backup_check), then keeps the current store aside as
 * aside_dir/apterm-before-restore-YYYY-MM-DD-HHMMSS.db (checked, 0600),
 * then copies the file in through the open connection, so other logins see
 * the restored store at once. Refused unless admin. The caller reopens the
 * store (an older file is then upgraded) and audits the restore there. */
ap_status backup_restore(struct store *s, const char *file, const char *aside_dir, struct backup_info *aside);

/* The 'restore' audit row, in the restored store. */
ap_status backup_audit_restore(struct store *s, const char *file, const char *aside);

#endif
