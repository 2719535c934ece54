#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report.h"
#include "rowio.h"
#include "thresholds.h"

/* ?1: the cut-off date (YYYY-MM-DD): every placement ended before it. */
#define DUE_SQL                                                                                                   \
    "SELECT p.id, p.upn, p.legal_forename || ' ' || p.legal_surname, max(pl.end_date) AS last_end "             \
    "FROM pupil p JOIN placement pl ON pl.pupil_id = p.id GROUP BY p.id "                                         \
    "HAVING count(*) = count(pl.end_date) AND last_end < ?1 "

static void cutoff(int years, int today, char out[11])
{
    date_format(date_add_months(today, -12 * years), out);
}

static void read_due(sqlite3_stmt *st, void *row, const void *ctx)
{
    (void)ctx;
    struct retention_item *it = row;
    rowio_read(st, 0, "Ittd", &it->pupil_id, ROWIO_BUF(it->upn), ROWIO_BUF(it->name), &it->last_end);
}

ap_status retention_due(struct store *s, int years, int today, struct retention_item **out, size_t *n)
{
    char cut[11];
    cutoff(years, today, cut);
    return rowio_listf(s, DUE_SQL "ORDER BY last_end, p.upn", sizeof **out, read_due, NULL, out, n,
                       "finding the pupils due to be erased", "t", cut);
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

/* What the erased pupils added to the DMT report, month by month, taken
 * from report_dmt_load itself (so the definitions are the report's): see
 * migration 032. ids: the pupils about to be erased, ascending. */
struct span {
    int64_t key, provider_id;       /* placement: its id; pupil: the pupil's id (provider 0 or the provider) */
    int64_t pupil_id, retained_id;  /* retained_placement.id of a placement */
    char first[8], last[8];
};

struct spans {
    struct span *v;
    size_t n, cap;
};

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The span of key and provider, added when new (*added true); NULL when out of memory. */
static struct span *span_of(struct spans *sp, int64_t key, int64_t provider, const char *month, bool *added)
{
    *added = false;
    for (size_t i = 0; i < sp->n; i++)
        if (sp->v[i].key == key && sp->v[i].provider_id == provider) {
            snprintf(sp->v[i].last, sizeof sp->v[i].last, "%s", month);
            return &sp->v[i];
        }
    struct span *grown = rowio_grow(sp->v, &sp->cap, sp->n, sizeof *sp->v);
    if (!grown)
        return NULL;
    sp->v = grown;
    struct span *x = &sp->v[sp->n++];
    *x = (struct span){.key = key, .provider_id = provider};
    snprintf(x->first, sizeof x->first, "%s", month);
    snprintf(x->last, sizeof x->last, "%s", month);
    *added = true;
    return x;
}

/* Runs st (prepared; rc: what binding it returned, rowio_bind) once and
 * finalizes it; *id (may be NULL) the row inserted. */
static ap_status step_once(struct store *s, sqlite3_stmt *st, int rc, int64_t *id, const char *what)
{
    ap_status r = AP_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        r = store_fail(s, rc, what);
    else if (id)
        *id = sqlite3_last_insert_rowid(store_db(s));
    sqlite3_finalize(st);
    return r;
}

#define KEEPING "keeping the anonymised figures"

static ap_status keep_month(struct store *s, const struct report_dmt *rep, const char *month, const int64_t *ids,
                            size_t n, struct spans *pls, struct spans *pupils)
{
    ap_status r = AP_OK;
    bool added;
    for (size_t i = 0; r == AP_OK && i < rep->n_pupils; i++)
        if (bsearch(&rep->pupils[i].id, ids, n, sizeof *ids, id_cmp) &&
            !span_of(pupils, rep->pupils[i].id, 0, month, &added))
            r = ap_fail(AP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; r == AP_OK && i < rep->n_placements; i++) {
        const struct report_dmt_placement *pl = &rep->placements[i];
        if (!bsearch(&pl->pupil_id, ids, n, sizeof *ids, id_cmp))
            continue;
        struct span *x = span_of(pls, pl->id, pl->provider_id, month, &added);
        if (!x || !span_of(pupils, pl->pupil_id, pl->provider_id, month, &(bool){false})) {
            r = ap_fail(AP_ERR_NOMEM, "out of memory");
            break;
        }
        if (added) {
            x->pupil_id = pl->pupil_id;
            sqlite3_stmt *st = NULL;
            r = rowio_prepare(s, "INSERT INTO retained_placement (provider_id, cohort, first_month, last_month) "
                                 "VALUES (?1, (SELECT cohort FROM pupil WHERE id = ?2), ?3, ?4)", &st, KEEPING);
            if (r == AP_OK)
                r = step_once(s, st, rowio_bind(st, 1, "IItt", pl->provider_id, pl->pupil_id, month, month),
                              &x->retained_id, KEEPING);
        }
        sqlite3_stmt *st = NULL;
        if (r == AP_OK)
            r = rowio_prepare(s, "INSERT INTO retained_placement_month (placement, month, days, possible, attended, "
                                 "attended_hours, committed_mp, actual_mp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              &st, KEEPING);
        if (r == AP_OK)
            r = step_once(s, st, rowio_bind(st, 1, "ItiiifII", x->retained_id, month, pl->days, pl->possible,
                                            pl->attending, pl->attended_hours, pl->committed_mp, pl->actual_mp),
                          NULL, KEEPING);
    }
    return r;
}

static ap_status keep_figures(struct store *s, int today, const int64_t *ids, size_t n)
{
    if (n == 0)
        return AP_OK;
    /* The months from the first placement's start or mark to the last one's end or mark. */
    int64_t first = 0, last = 0;
    ap_status r = AP_OK;
    for (size_t i = 0; r == AP_OK && i < n; i++) {
        sqlite3_stmt *st = NULL;
        r = rowio_prepare(s, "SELECT min(a), max(b) FROM (SELECT start_date AS a, coalesce(end_date, start_date) AS b "
                             "FROM placement WHERE pupil_id = ?1 UNION ALL SELECT date(day * 86400, 'unixepoch'), "
                             "date(day * 86400, 'unixepoch') FROM attendance_mark WHERE pupil_id = ?1)",
                          &st, "reading the placements' dates");
        if (r != AP_OK)
            break;
        int rc = rowio_bind(st, 1, "I", ids[i]);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            int a = rowio_date(st, 0), b = rowio_date(st, 1);
            if (a != DATE_NONE && (!first || a < first))
                first = a;
            if (b != DATE_NONE && b > last)
                last = b;
            rc = SQLITE_DONE;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            r = store_fail(s, rc, "reading the placements' dates");
    }
    if (r != AP_OK || !first)
        return r;
    struct thresholds th;
    thresholds_default(&th);
    struct spans pls = {0}, pupils = {0};
    int y, m, d;
    date_to_ymd((int)first, &y, &m, &d);
    for (int month = date_from_ymd(y, m, 1); r == AP_OK && month <= last; month = date_add_months(month, 1)) {
        struct report_dmt *rep = NULL;
        r = report_dmt_load(s, &th, today, month, date_add_months(month, 1) - 1, NULL, NULL, &rep);
        char key[11];
        date_format(month, key);
        key[7] = '\0';
        if (r == AP_OK)
            r = keep_month(s, rep, key, ids, n, &pls, &pupils);
        report_dmt_free(rep);
    }
    for (size_t i = 0; r == AP_OK && i < pls.n; i++) {
        sqlite3_stmt *st = NULL;
        r = rowio_prepare(s, "UPDATE retained_placement SET last_month = ?1 WHERE id = ?2", &st, KEEPING);
        if (r == AP_OK)
            r = step_once(s, st, rowio_bind(st, 1, "tI", pls.v[i].last, pls.v[i].retained_id), NULL, KEEPING);
    }
    for (size_t i = 0; r == AP_OK && i < pupils.n; i++) {
        sqlite3_stmt *st = NULL;
        r = rowio_prepare(s, "INSERT INTO retained_pupil (provider_id, cohort, first_month, last_month) "
                             "VALUES (?1, (SELECT cohort FROM pupil WHERE id = ?2), ?3, ?4)", &st, KEEPING);
        if (r == AP_OK)
            r = step_once(s, st, rowio_bind(st, 1, "IItt", pupils.v[i].provider_id, pupils.v[i].key,
                                            pupils.v[i].first, pupils.v[i].last),
                          NULL, KEEPING);
    }
    free(pls.v);
    free(pupils.v);
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
    int64_t *due = calloc(n + 1, sizeof *due);
    size_t n_due = 0;
    if (!due)
        r = ap_fail(AP_ERR_NOMEM, "out of memory");
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
        if (still)
            due[n_due++] = items[i].pupil_id;
    }
    if (r == AP_OK && n_due > 1)
        qsort(due, n_due, sizeof *due, id_cmp);
    /* Their figures in the DMT report, before anything of theirs goes. */
    if (r == AP_OK)
        r = keep_figures(s, today, due, n_due);
    for (size_t i = 0; r == AP_OK && i < n_due; i++)
        if ((r = erase_one(s, due[i])) == AP_OK)
            ++*erased;
    free(due);
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
