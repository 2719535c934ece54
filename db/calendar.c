#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rowio.h"
#include "seed.h"

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

ap_status calendar_load(struct store *s, struct calendar *cal)
{
    memset(cal, 0, sizeof *cal);
    sqlite3_stmt *st = NULL;
    int64_t nterms = 0, nclosures = 0;
    ap_status result = store_query_int(s, "SELECT count(*) FROM term", 0, &nterms);
    if (result == AP_OK)
        result = store_query_int(s, "SELECT count(*) FROM closure", 0, &nclosures);
    if (result != AP_OK)
        return result;
    cal->terms = calloc((size_t)nterms + 1, sizeof *cal->terms);
    cal->closures = calloc((size_t)nclosures + 1, sizeof *cal->closures);
    if (!cal->terms || !cal->closures) {
        calendar_free(cal);
        return ap_fail(AP_ERR_NOMEM, "reading the calendar: out of memory");
    }
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT academic_year, name, start_date, end_date FROM term ORDER BY start_date", -1,
                                &st, NULL);
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && cal->nterms < (size_t)nterms) {
            struct term_info *t = &cal->terms[cal->nterms++];
            snprintf(t->academic_year, sizeof t->academic_year, "%s", (const char *)sqlite3_column_text(st, 0));
            snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 1));
            t->start = rowio_date(st, 2);
            t->end = rowio_date(st, 3);
        }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = sqlite3_prepare_v2(store_db(s), "SELECT day FROM closure", -1, &st, NULL);
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && cal->nclosures < (size_t)nclosures)
            cal->closures[cal->nclosures++] = rowio_date(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        calendar_free(cal);
        return store_fail(s, rc, "reading the calendar");
    }
    qsort(cal->closures, cal->nclosures, sizeof *cal->closures, compare_int);
    return AP_OK;
}

void calendar_free(struct calendar *cal)
{
    free(cal->terms);
    free(cal->closures);
    memset(cal, 0, sizeof *cal);
}

static bool is_closure(const struct calendar *cal, int date)
{
    return bsearch(&date, cal->closures, cal->nclosures, sizeof *cal->closures, compare_int) != NULL;
}

bool calendar_is_school_day(const struct calendar *cal, int date)
{
    if (date_weekday(date) > 4)
        return false;
    for (size_t i = 0; i < cal->nterms; i++)
        if (date >= cal->terms[i].start && date <= cal->terms[i].end)
            return !is_closure(cal, date);
    return false;
}

const struct term_info *calendar_term_for(const struct calendar *cal, int date)
{
    const struct term_info *best = NULL;
    for (size_t i = 0; i < cal->nterms; i++) {
        if (date >= cal->terms[i].start && date <= cal->terms[i].end)
            return &cal->terms[i];
        if (cal->terms[i].end < date && (!best || cal->terms[i].end > best->end))
            best = &cal->terms[i];
    }
    return best;
}

int calendar_school_day_on_or_before(const struct calendar *cal, int date, int limit)
{
    for (int i = 0; i <= limit; i++)
        if (calendar_is_school_day(cal, date - i))
            return date - i;
    return DATE_NONE;
}

int calendar_school_day_on_or_after(const struct calendar *cal, int date, int limit)
{
    for (int i = 0; i <= limit; i++)
        if (calendar_is_school_day(cal, date + i))
            return date + i;
    return DATE_NONE;
}

int calendar_school_days_between(const struct calendar *cal, int from, int to)
{
    int n = 0;
    for (int d = from; d <= to; d++)
        n += calendar_is_school_day(cal, d);
    return n;
}

ap_status calendar_replace(struct store *s, const char *terms_name, const char *terms_csv,
                           const char *closures_name, const char *closures_csv)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    int rc = sqlite3_exec(store_db(s), "DELETE FROM closure; DELETE FROM term;", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        st = store_fail(s, rc, "replacing the calendar");
    if (st == AP_OK)
        st = seed_terms_from_text(store_db(s), terms_name, terms_csv, store_login(s));
    if (st == AP_OK)
        st = seed_closures_from_text(store_db(s), closures_name, closures_csv, store_login(s));
    return rowio_end(s, st);
}

static const char TERM_BEGUN_SQL[] = "SELECT academic_year, name, start_date, end_date FROM term "
                                    "WHERE start_date <= ?1 ORDER BY start_date DESC LIMIT 1";

ap_status calendar_term_begun(struct store *s, int date, struct term_info *t, bool *found)
{
    memset(t, 0, sizeof *t);
    t->start = t->end = DATE_NONE;
    char day[11];
    /* Kept prepared: every pass of the flags reads it, one after each change. */
    ap_status st = rowio_row_kept(s, TERM_BEGUN_SQL, "reading the terms", NULL, "t", "ttdd", date_format(date, day),
                                  ROWIO_BUF(t->academic_year), ROWIO_BUF(t->name), &t->start, &t->end);
    *found = st == AP_OK && t->start != DATE_NONE && t->end != DATE_NONE;
    return st;
}

ap_status calendar_term_or_year(struct store *s, int today, struct term_info *t, bool *found)
{
    ap_status st = calendar_term_begun(s, today, t, found);
    if (st == AP_OK && !*found) {
        t->start = date_academic_year_start(today);
        t->end = today;
    }
    return st;
}
