#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rowio.h"

/* ?1: the cut-off date (YYYY-MM-DD): every placement ended before it. */
#define DUE_SQL                                                                                                   \
    "SELECT p.id, p.upn, p.legal_forename || ' ' || p.legal_surname, max(pl.end_date) AS last_end "             \
    "FROM pupil p JOIN placement pl ON pl.pupil_id = p.id GROUP BY p.id "                                         \
    "HAVING count(*) = count(pl.end_date) AND last_end < ?1 "

static void cutoff(int years, int today, char out[11])
{
    date_format(date_add_months(today, -12 * years), out);
}

ap_status retention_due(struct store *s, int years, int today, struct retention_item **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char cut[11];
    cutoff(years, today, cut);
    sqlite3_stmt *st = NULL;
    ap_status r = rowio_prepare(s, DUE_SQL "ORDER BY last_end, p.upn", &st, "finding the pupils due to be erased");
    if (r != AP_OK)
        return r;
    int rc = rowio_bind_text(st, 1, cut);
    size_t cap = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct retention_item *grown = rowio_grow(*out, &cap, *n, sizeof **out);
        if (!grown) {
            r = ap_fail(AP_ERR_NOMEM, "out of memory");
            break;
        }
        *out = grown;
        struct retention_item *it = &(*out)[(*n)++];
        it->pupil_id = sqlite3_column_int64(st, 0);
        rowio_text(st, 1, it->upn, sizeof it->upn);
        rowio_text(st, 2, it->name, sizeof it->name);
        it->last_end = rowio_date(st, 3);
        rc = SQLITE_OK;
    }
    if (r == AP_OK && rc != SQLITE_DONE)
        r = store_fail(s, rc, "finding the pupils due to be erased");
    sqlite3_finalize(st);
    if (r != AP_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return r;
}

/* Runs sql with ?1 = id (and ?2 = text when not NULL). */
static ap_status run(struct store *s, const char *sql, int64_t id, const char *text, const char *what)
{
    sqlite3_stmt *st = NULL;
    ap_status r = rowio_prepare(s, sql, &st, what);
    if (r != AP_OK)
        return r;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK && text)
        rc = rowio_bind_text(st, 2, text);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        r = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return r;
}

/* The audit rows holding the pupil's data: about their rows (by the
 * pupil_id, or the id of their placement, PSP, review or panel case). */
#define AUDIT_OF_PUPIL                                                                                            \
    "DELETE FROM audit_log WHERE id IN (SELECT id FROM (SELECT id, tbl, coalesce(new_value, old_value) AS j "     \
    "FROM audit_log) WHERE (tbl = 'pupil' AND json_extract(j, '$.id') = ?1) "                                      \
    "OR json_extract(j, '$.pupil_id') = ?1 "                                                                       \
    "OR (tbl = 'placement_session' AND json_extract(j, '$.placement_id') IN "                                     \
    "    (SELECT id FROM placement WHERE pupil_id = ?1)) "                                                         \
    "OR (tbl IN ('psp_target', 'psp_review', 'psp_timetable') AND json_extract(j, '$.psp_id') IN "               \
    "    (SELECT id FROM psp WHERE pupil_id = ?1)) "                                                               \
    "OR (tbl = 'psp_review_progress' AND json_extract(j, '$.review_id') IN (SELECT r.id FROM psp_review r "       \
    "    JOIN psp p ON p.id = r.psp_id WHERE p.pupil_id = ?1)) "                                                   \
    "OR (tbl = 'quote' AND json_extract(j, '$.case_id') IN (SELECT id FROM panel_case WHERE pupil_id = ?1)))"

/* Adds the pupil's marks to the anonymised counts. ?2: the store's code set. */
#define COUNT_SQL                                                                                                 \
    "INSERT INTO retained_count (month, provider_id, cohort, pupils, sessions, attended, authorised, unauthorised) " \
    "SELECT strftime('%Y-%m', m.day * 86400, 'unixepoch'), coalesce(m.provider_id, 0), p.cohort, 1, "             \
    "  sum(c.category <> 'not_counted'), sum(c.category IN ('present', 'aea')), sum(c.category = 'authorised'), " \
    "  sum(c.category = 'unauthorised') "                                                                          \
    "FROM attendance_mark m JOIN pupil p ON p.id = m.pupil_id "                                                    \
    "LEFT JOIN attendance_code c ON c.code_set = ?2 AND c.code = m.code WHERE m.pupil_id = ?1 "                    \
    "GROUP BY 1, 2, 3 "                                                                                            \
    "ON CONFLICT (month, provider_id, cohort) DO UPDATE SET pupils = pupils + excluded.pupils, "                   \
    "sessions = sessions + excluded.sessions, attended = attended + excluded.attended, "                          \
    "authorised = authorised + excluded.authorised, unauthorised = unauthorised + excluded.unauthorised"

static ap_status erase_one(struct store *s, int64_t id)
{
    static const char *const deletes[] = {
        "DELETE FROM absence_call WHERE pupil_id = ?1",
        "DELETE FROM attendance_mark WHERE pupil_id = ?1",
        "DELETE FROM attendance_week WHERE pupil_id = ?1",
        "DELETE FROM concern WHERE pupil_id = ?1",
        "DELETE FROM progress_entry WHERE pupil_id = ?1",
        "DELETE FROM tracking_action WHERE pupil_id = ?1",
        "DELETE FROM psp WHERE pupil_id = ?1",           /* targets, reviews, timetables, drafts cascade */
        "DELETE FROM placement WHERE pupil_id = ?1",     /* sessions cascade */
        "DELETE FROM panel_case WHERE pupil_id = ?1",    /* quotes cascade */
        "DELETE FROM contact WHERE pupil_id = ?1",
        "DELETE FROM pupil WHERE id = ?1",
    };
    ap_status r = run(s, AUDIT_OF_PUPIL, id, NULL, "erasing the pupil's audit rows");
    if (r == AP_OK)
        r = run(s, COUNT_SQL "", id, store_code_set(s), "keeping the anonymised counts");
    for (size_t i = 0; r == AP_OK && i < sizeof deletes / sizeof deletes[0]; i++)
        r = run(s, deletes[i], id, NULL, "erasing the pupil");
    return r;
}

ap_status retention_erase(struct store *s, int years, int today, const struct retention_item *items, size_t n,
                          size_t *erased)
{
    *erased = 0;
    if (store_role(s) != ROLE_ADMIN)
        return ap_fail(AP_ERR_DENIED, "%s is not an admin: only an admin can erase pupils under the retention rule",
                       store_login(s));
    ap_status r = store_begin(s);
    if (r != AP_OK)
        return r;
    int64_t first_new = 0;
    r = store_query_int(s, "SELECT coalesce(max(id), 0) + 1 FROM audit_log", 1, &first_new);
    char cut[11];
    cutoff(years, today, cut);
    for (size_t i = 0; r == AP_OK && i < n; i++) {
        /* Still due, now that the write lock is held? */
        int64_t still = 0;
        sqlite3_stmt *st = NULL;
        r = rowio_prepare(s, "SELECT count(*) FROM (" DUE_SQL ") WHERE id = ?2", &st, "checking a pupil");
        if (r != AP_OK)
            break;
        int rc = rowio_bind(st, 1, "tI", cut, items[i].pupil_id);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
            still = sqlite3_column_int64(st, 0), rc = SQLITE_DONE;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            r = store_fail(s, rc, "checking a pupil");
            break;
        }
        if (!still)
            continue;
        if ((r = erase_one(s, items[i].pupil_id)) == AP_OK)
            ++*erased;
    }
    /* The rows the triggers wrote while erasing hold the data erased. */
    if (r == AP_OK)
        r = run(s, "DELETE FROM audit_log WHERE id >= ?1", first_new, NULL, "erasing the audit rows of the erasure");
    if (r == AP_OK) {
        char detail[80];
        snprintf(detail, sizeof detail, "{\"pupils\": %zu, \"years\": %d, \"before\": \"%s\"}", *erased, years, cut);
        r = run(s, "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                   "VALUES (apterm_login(), 'pupil', 'retention', 'erase', ?2) RETURNING ?1",
                0, detail, "recording the erasure in the audit log");
    }
    if (r != AP_OK) {
        store_rollback(s);
        *erased = 0;
        return r;
    }
    return store_commit(s);
}
