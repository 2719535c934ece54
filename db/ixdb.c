#include "ixdb.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rowio.h"

static void read_id(sqlite3_stmt *st, void *row)
{
    *(int64_t *)row = sqlite3_column_int64(st, 0);
}

ap_status ixdb_ids(struct store *s, enum ix_table t, int64_t **ids, size_t *n)
{
    static const char *const sql[] = {
        [IX_TABLE_PUPIL] = "SELECT id FROM pupil ORDER BY legal_surname COLLATE NOCASE, "
                           "legal_forename COLLATE NOCASE, upn",
        [IX_TABLE_CONTACT] = "SELECT c.id FROM contact c JOIN pupil p ON p.id = c.pupil_id "
                             "ORDER BY p.legal_surname COLLATE NOCASE, p.legal_forename COLLATE NOCASE, p.upn, "
                             "c.priority, c.id",
        [IX_TABLE_PROVIDER] = "SELECT id FROM provider ORDER BY name COLLATE NOCASE, id",
        [IX_TABLE_PLACEMENT] = "SELECT pl.id FROM placement pl JOIN pupil p ON p.id = pl.pupil_id "
                               "ORDER BY p.legal_surname COLLATE NOCASE, p.legal_forename COLLATE NOCASE, p.upn, "
                               "pl.start_date, pl.id",
    };
    return rowio_list(s, sql[t], 0, sizeof **ids, read_id, ids, n, "listing the records");
}

/* Runs sql with ?1 text (and ?2 text when b is not NULL); *id is the first
 * row's first column, 0 when none; *rows how many rows (when not NULL). */
static ap_status find_id(struct store *s, const char *sql, const char *a, const char *b, int64_t *id, int *rows)
{
    sqlite3_stmt *st = NULL;
    *id = 0;
    ap_status result = rowio_prepare(s, sql, &st, "looking up a record");
    if (result != AP_OK)
        return result;
    int rc = rowio_bind_text(st, 1, a);
    if (rc == SQLITE_OK && b)
        rc = rowio_bind_text(st, 2, b);
    int count = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count++ == 0)
            *id = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, "looking up a record");
    sqlite3_finalize(st);
    if (rows)
        *rows = count;
    return result;
}

ap_status ixdb_pupil_by_upn(struct store *s, const char *upn, int64_t *id)
{
    return find_id(s, "SELECT id FROM pupil WHERE upn = ?1", upn, NULL, id, NULL);
}

ap_status ixdb_pupil_upn(struct store *s, int64_t id, char upn[14])
{
    sqlite3_stmt *st = NULL;
    upn[0] = '\0';
    ap_status result = rowio_prepare(s, "SELECT upn FROM pupil WHERE id = ?1", &st, "reading a UPN");
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rowio_text(st, 0, upn, 14);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, "reading a UPN");
    sqlite3_finalize(st);
    return result;
}

ap_status ixdb_school_find(struct store *s, const char *urn, const char *name, int64_t *id)
{
    int rows = 0;
    if (urn[0])
        return find_id(s, "SELECT id FROM school WHERE urn = ?1 ORDER BY id", urn, NULL, id, NULL);
    ap_status st = find_id(s, "SELECT id FROM school WHERE name = ?1 COLLATE NOCASE ORDER BY id", name, NULL, id, &rows);
    if (st == AP_OK && rows > 1)
        return ap_fail(AP_ERR_INVALID, "%d schools are called \"%s\": give the school's URN in home_school_urn", rows,
                       name);
    return st;
}

ap_status ixdb_school_of(struct store *s, int64_t id, char *name, size_t name_len, char *urn, size_t urn_len)
{
    name[0] = urn[0] = '\0';
    if (!id)
        return AP_OK;
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, "SELECT name, urn FROM school WHERE id = ?1", &st, "reading a school");
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rowio_text(st, 0, name, name_len);
        rowio_text(st, 1, urn, urn_len);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, "reading a school");
    sqlite3_finalize(st);
    return result;
}

static void read_provider(sqlite3_stmt *st, void *row)
{
    struct ixdb_provider *p = row;
    rowio_read(st, 0, "Itt", &p->id, ROWIO_BUF(p->name), ROWIO_BUF(p->address));
}

ap_status ixdb_providers(struct store *s, struct ixdb_provider **out, size_t *n)
{
    return rowio_list(s, "SELECT id, name, address FROM provider ORDER BY id", 0, sizeof **out, read_provider, out, n,
                      "listing providers");
}

ap_status ixdb_placement_find(struct store *s, int64_t pupil_id, int64_t provider_id, int start_date, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    *id = 0;
    ap_status result = rowio_prepare(s,
                                     "SELECT id FROM placement WHERE pupil_id = ?1 AND provider_id = ?2 "
                                     "AND start_date = ?3 ORDER BY id",
                                     &st, "looking up a placement");
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "IId", pupil_id, provider_id, start_date);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, "looking up a placement");
    sqlite3_finalize(st);
    return result;
}

ap_status ixdb_audit_import(struct store *s, const char *kind, const char *path, long added, long changed)
{
    char full[PATH_MAX];
    const char *file = realpath(path, full) ? full : path;
    return rowio_run(s,
                     "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                     "VALUES (apterm_login(), 'import', ?1, 'import', "
                     "json_object('kind', ?1, 'file', ?2, 'added', ?3, 'changed', ?4))",
                     "recording the import in the audit log", "ttII", kind, file, (int64_t)added, (int64_t)changed);
}
