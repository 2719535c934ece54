#include "ixdb.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rowio.h"

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
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql[t], &st, "listing the records");
    if (result != AP_OK)
        return result;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t *grown = rowio_grow(*ids, &cap, *n, sizeof **ids);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "listing the records: out of memory");
            break;
        }
        *ids = grown;
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "listing the records");
    sqlite3_finalize(st);
    if (result != AP_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return result;
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

ap_status ixdb_providers(struct store *s, struct ixdb_provider **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, "SELECT id, name, address FROM provider ORDER BY id", &st, "listing providers");
    if (result != AP_OK)
        return result;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ixdb_provider *grown = rowio_grow(*out, &cap, *n, sizeof **out);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "listing providers: out of memory");
            break;
        }
        *out = grown;
        struct ixdb_provider *p = &(*out)[(*n)++];
        p->id = sqlite3_column_int64(st, 0);
        rowio_text(st, 1, p->name, sizeof p->name);
        rowio_text(st, 2, p->address, sizeof p->address);
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "listing providers");
    sqlite3_finalize(st);
    if (result != AP_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return result;
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
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s,
                                     "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                                     "VALUES (apterm_login(), 'import', ?1, 'import', "
                                     "json_object('kind', ?1, 'file', ?2, 'added', ?3, 'changed', ?4))",
                                     &st, "recording the import in the audit log");
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "ttII", kind, file, (int64_t)added, (int64_t)changed);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, "recording the import in the audit log");
    sqlite3_finalize(st);
    return result;
}
