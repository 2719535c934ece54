#include "roll.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "calendar.h"
#include "date.h"
#include "placement.h"
#include "pupil.h"
#include "rowio.h"

void roll_display_name(char *dst, size_t len, const char *preferred, const char *forename, const char *surname)
{
    const char *first = preferred && preferred[0] ? preferred : forename ? forename : "";
    const char *last = surname ? surname : "";
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", first, first[0] && last[0] ? " " : "", last);
    rowio_copy(dst, len, buf);
}

const char *roll_display_name_col(struct arena **arena, sqlite3_stmt *st, int col)
{
    char name[512];
    roll_display_name(name, sizeof name, (const char *)sqlite3_column_text(st, col),
                      (const char *)sqlite3_column_text(st, col + 1), (const char *)sqlite3_column_text(st, col + 2));
    return arena_text(arena, name);
}

/* ---- the roll ---- */

void roll_free(struct roll *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->row_at);
    free(r->by_id);
    arena_free(r->arena);
    free(r);
}

const struct roll_row *roll_find(const struct roll *r, int64_t pupil_id)
{
    return r ? rowio_find_id(r->rows, r->n, sizeof *r->rows, offsetof(struct roll_row, id), pupil_id) : NULL;
}

bool roll_row_has_provider(const struct roll_row *row, int64_t provider_id)
{
    for (size_t i = 0; i < row->n_providers; i++)
        if (row->provider_ids[i] == provider_id)
            return true;
    return false;
}

/* The term containing today, else the latest before it. */
static ap_status load_term(struct store *s, struct roll *r)
{
    struct term_info t;
    ap_status result = calendar_term_begun(s, r->today, &t, &r->have_term);
    r->term_start = t.start;
    r->term_end = t.end;
    if (t.name[0] || t.academic_year[0])
        snprintf(r->term_name, sizeof r->term_name, "%s %s", t.name, t.academic_year);
    return result;
}

/* A pupil's row by id: the roll is sorted by name, index by id. */
static struct roll_row *row_of(const struct roll *r, const struct rowio_id_at *index, int64_t id)
{
    long at = rowio_id_at_find(index, r->n, id);
    return at < 0 ? NULL : &r->rows[at];
}

static int placed_cmp(const void *a, const void *b)
{
    const struct roll_placed *x = a, *y = b;
    if (x->pupil_id != y->pupil_id)
        return x->pupil_id < y->pupil_id ? -1 : 1;
    int c = strcasecmp(x->name, y->name);
    if (c)
        return c;
    return x->provider_id < y->provider_id ? -1 : x->provider_id > y->provider_id;
}

ap_status roll_placed_each_pupil(struct roll_placed *list, size_t n, roll_placed_fn *fn, void *ctx)
{
    if (n)
        qsort(list, n, sizeof *list, placed_cmp);
    ap_status result = AP_OK;
    for (size_t i = 0; result == AP_OK && i < n;) {
        size_t j = i;
        while (j < n && list[j].pupil_id == list[i].pupil_id)
            j++;
        result = fn(ctx, list + i, j - i);
        i = j;
    }
    return result;
}

bool roll_placed_join(struct arena **arena, const struct roll_placed *list, size_t n, const char **names,
                      const int64_t **ids, size_t *nids)
{
    size_t total = 0, distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || list[i].provider_id != list[i - 1].provider_id) {
            total += strlen(list[i].name) + 2;
            distinct++;
        }
    char *joined = arena_alloc(arena, total + 1);
    int64_t *id = arena_alloc(arena, distinct * sizeof *id + 1);
    if (!joined || !id)
        return false;
    size_t used = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && list[i].provider_id == list[i - 1].provider_id)
            continue;
        if (k) {
            memcpy(joined + used, ", ", 2);
            used += 2;
        }
        size_t len = strlen(list[i].name);
        memcpy(joined + used, list[i].name, len);
        used += len;
        id[k++] = list[i].provider_id;
    }
    joined[used] = '\0';
    *names = joined;
    *ids = id;
    *nids = k;
    return true;
}

/* read_placed's context: the roll and its index by id. */
struct placed_ctx {
    struct roll *r;
    const struct rowio_id_at *index;
};

/* One pupil's providers and weekly hours. */
static ap_status set_providers(void *ctx, const struct roll_placed *list, size_t n)
{
    const struct placed_ctx *c = ctx;
    struct roll_row *row = row_of(c->r, c->index, list[0].pupil_id);
    if (!row)
        return AP_OK;
    if (!roll_placed_join(&c->r->arena, list, n, &row->providers, &row->provider_ids, &row->n_providers))
        return ap_fail(AP_ERR_NOMEM, "loading the pupils' placements: out of memory");
    row->weekly_hours = 0;
    for (size_t i = 0; i < n; i++)
        row->weekly_hours += list[i].hours;
    return AP_OK;
}

/* Three statements in one read transaction, each a single pass:
 *  1. every pupil with the home school's name, by name;
 *  2. the term's attendance, summed from attendance_week by a primary-key
 *     range per pupil (so it costs the term's weeks, not the years kept);
 *  3. the active placements today with their provider and weekly hours,
 *     put together per pupil here. */
#define ROLL_ORDER(u) u ".legal_surname COLLATE NOCASE, " u ".legal_forename COLLATE NOCASE, " u ".id"
static const char ROLL_PUPILS_SQL[] =
    "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.upn, u.dob, u.home_school_id, "
    "  ifnull(sc.name, ''), u.roll_status, u.cohort, u.plan, u.cla, u.fsm, u.start_date, u.end_date "
    "FROM pupil u LEFT JOIN school sc ON sc.id = u.home_school_id "
    "ORDER BY " ROLL_ORDER("u");
/* The roll's order alone, from the name index (no row of the table read). */
static const char ROLL_ORDER_SQL[] = "SELECT u.id FROM pupil u INDEXED BY pupil_name ORDER BY " ROLL_ORDER("u");
static const char ROLL_ATTENDANCE_SQL[] =
    "SELECT u.id, sum(w.possible), sum(w.attending) "
    "FROM pupil u JOIN attendance_week w ON w.pupil_id = u.id AND w.week BETWEEN ?1 AND ?2 "
    "GROUP BY u.id";
static const char ROLL_PLACED_SQL[] =
    "SELECT l.pupil_id, l.provider_id, v.name, "
    "  (SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id) "
    "FROM placement l JOIN provider v ON v.id = l.provider_id WHERE " PLACEMENT_ACTIVE_ON("l", "?1");

/* The same three for a set of pupils: the first screenful of the roll as it
 * opens (on roll, by name), so that the first frame need not wait for the
 * whole roll (roll_load_first); or one pupil, read again after a change
 * (roll_reload_pupils). */
#define ROLL_PUPILS_IN(ids)                                                                                \
    "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.upn, u.dob, u.home_school_id, "  \
    "  ifnull(sc.name, ''), u.roll_status, u.cohort, u.plan, u.cla, u.fsm, u.start_date, u.end_date "    \
    "FROM pupil u LEFT JOIN school sc ON sc.id = u.home_school_id WHERE u.id IN " ids " "              \
    "ORDER BY " ROLL_ORDER("u")
#define ROLL_ATTENDANCE_IN(ids)                                                                            \
    "SELECT u.id, sum(w.possible), sum(w.attending) "                                                    \
    "FROM pupil u JOIN attendance_week w ON w.pupil_id = u.id AND w.week BETWEEN ?1 AND ?2 "            \
    "WHERE u.id IN " ids " GROUP BY u.id"
#define ROLL_PLACED_IN(ids)                                                                                \
    "SELECT l.pupil_id, l.provider_id, v.name, "                                                         \
    "  (SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id) "                    \
    "FROM placement l JOIN provider v ON v.id = l.provider_id WHERE " PLACEMENT_ACTIVE_ON("l", "?1")               \
    " AND l.pupil_id IN " ids
#define FIRST_IDS                                                                                          \
    "(SELECT id FROM pupil WHERE " PUPIL_ON_ROLL("", ":today") " "                                             \
    "ORDER BY legal_surname COLLATE NOCASE, legal_forename COLLATE NOCASE, id LIMIT :limit)"
#define ONE_ID "(:pupil)"
#define SOME_IDS "(SELECT value FROM json_each(:ids))"
static const char ROLL_PUPILS_FIRST_SQL[] = ROLL_PUPILS_IN(FIRST_IDS);
static const char ROLL_ATTENDANCE_FIRST_SQL[] = ROLL_ATTENDANCE_IN(FIRST_IDS);
static const char ROLL_PLACED_FIRST_SQL[] = ROLL_PLACED_IN(FIRST_IDS);
static const char ROLL_PUPILS_ONE_SQL[] = ROLL_PUPILS_IN(ONE_ID);
static const char ROLL_ATTENDANCE_ONE_SQL[] = ROLL_ATTENDANCE_IN(ONE_ID);
static const char ROLL_PLACED_ONE_SQL[] = ROLL_PLACED_IN(ONE_ID);
static const char ROLL_PUPILS_SOME_SQL[] = ROLL_PUPILS_IN(SOME_IDS);
static const char ROLL_ATTENDANCE_SOME_SQL[] = ROLL_ATTENDANCE_IN(SOME_IDS);
static const char ROLL_PLACED_SOME_SQL[] = ROLL_PLACED_IN(SOME_IDS);

/* The statement of the set for the roll being loaded: whole, first screenful, one pupil or some. */
static const char *roll_sql(const struct roll *r, const char *whole, const char *first, const char *one,
                            const char *some)
{
    return r->only_ids ? some : r->only_id ? one : r->first_limit ? first : whole;
}

/* Binds :today, :limit, :pupil and :ids where a statement of a set has them. */
static int bind_first(sqlite3_stmt *st, const struct roll *r)
{
    int rc = SQLITE_OK, i;
    char day[11];
    if ((i = sqlite3_bind_parameter_index(st, ":today")) > 0)
        rc = sqlite3_bind_text(st, i, date_format(r->today, day), -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":limit")) > 0)
        rc = sqlite3_bind_int(st, i, r->first_limit);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":pupil")) > 0)
        rc = sqlite3_bind_int64(st, i, r->only_id);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":ids")) > 0)
        rc = sqlite3_bind_text(st, i, r->only_ids, -1, SQLITE_TRANSIENT);
    return rc;
}

static ap_status read_pupils(struct store *s, struct roll *r)
{
    const char *what = "loading the roll";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare_kept(s, roll_sql(r, ROLL_PUPILS_SQL, ROLL_PUPILS_FIRST_SQL, ROLL_PUPILS_ONE_SQL, ROLL_PUPILS_SOME_SQL), &st, what);
    if (result != AP_OK)
        return result;
    if (bind_first(st, r) != SQLITE_OK) {
        result = store_fail(s, SQLITE_ERROR, what);
        store_stmt_done(s, st);
        return result;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roll_row *grown = rowio_grow(r->rows, &cap, r->n, sizeof *r->rows);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        r->rows = grown;
        struct roll_row *row = &r->rows[r->n];
        memset(row, 0, sizeof *row);
        row->id = sqlite3_column_int64(st, 0);
        row->display_name = roll_display_name_col(&r->arena, st, 1);
        row->preferred_name = arena_text(&r->arena, (const char *)sqlite3_column_text(st, 1));
        row->legal_forename = arena_text(&r->arena, (const char *)sqlite3_column_text(st, 2));
        row->legal_surname = arena_text(&r->arena, (const char *)sqlite3_column_text(st, 3));
        rowio_text(st, 4, row->upn, sizeof row->upn);
        row->dob = rowio_date(st, 5);
        row->year_group = rules_year_group(row->dob, r->today);
        row->home_school_id = sqlite3_column_int64(st, 6);
        row->home_school = arena_text(&r->arena, (const char *)sqlite3_column_text(st, 7));
        rowio_text(st, 8, row->roll_status, sizeof row->roll_status);
        rowio_text(st, 9, row->cohort, sizeof row->cohort);
        rowio_text(st, 10, row->plan, sizeof row->plan);
        row->cla = sqlite3_column_int(st, 11) != 0;
        row->fsm = sqlite3_column_int(st, 12) != 0;
        row->start_date = rowio_date(st, 13);
        row->end_date = rowio_date(st, 14);
        row->on_roll = row->end_date == DATE_NONE || row->end_date >= r->today;
        row->providers = "";
        if (!row->display_name || !row->preferred_name || !row->legal_forename || !row->legal_surname ||
            !row->home_school) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        r->n++;
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    return result;
}

static ap_status read_attendance(struct store *s, struct roll *r, const struct rowio_id_at *index)
{
    if (!r->have_term)
        return AP_OK; /* no term: no figure */
    const char *what = "loading the term's attendance";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare_kept(s, roll_sql(r, ROLL_ATTENDANCE_SQL, ROLL_ATTENDANCE_FIRST_SQL, ROLL_ATTENDANCE_ONE_SQL,
                                                   ROLL_ATTENDANCE_SOME_SQL), &st,
                                       what);
    if (result != AP_OK)
        return result;
    /* attendance_week.week is a Monday: the weeks that overlap the term. */
    int rc = bind_first(st, r);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "ii", (int)(r->term_start - date_weekday(r->term_start)), (int)r->term_end);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roll_row *row = row_of(r, index, sqlite3_column_int64(st, 0));
        if (row) {
            row->possible = sqlite3_column_int(st, 1);
            row->attending = sqlite3_column_int(st, 2);
            struct attendance_tally t = {{0}};
            t.n[CAT_PRESENT] = row->attending;
            t.n[CAT_UNAUTHORISED] = row->possible - row->attending;
            row->has_attendance = rules_attendance_pct(&t, &row->attendance_pct);
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    return result;
}

static ap_status read_placed(struct store *s, struct roll *r, const struct rowio_id_at *index)
{
    const char *what = "loading the pupils' placements";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare_kept(s, roll_sql(r, ROLL_PLACED_SQL, ROLL_PLACED_FIRST_SQL, ROLL_PLACED_ONE_SQL, ROLL_PLACED_SOME_SQL), &st, what);
    if (result != AP_OK)
        return result;
    struct roll_placed *list = NULL;
    size_t n = 0, cap = 0;
    char day[11];
    int rc = bind_first(st, r);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, date_format(r->today, day), -1, SQLITE_TRANSIENT);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roll_placed *grown = rowio_grow(list, &cap, n, sizeof *list);
        const char *name = grown ? arena_text(&r->arena, (const char *)sqlite3_column_text(st, 2)) : NULL;
        if (!grown || !name) {
            if (grown)
                list = grown;
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        list = grown;
        list[n].pupil_id = sqlite3_column_int64(st, 0);
        list[n].provider_id = sqlite3_column_int64(st, 1);
        list[n].name = name;
        list[n].hours = sqlite3_column_double(st, 3);
        n++;
        rc = SQLITE_OK;
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    if (result == AP_OK)
        result = roll_placed_each_pupil(list, n, set_providers, &(struct placed_ctx){r, index});
    free(list);
    return result;
}

static ap_status load_roll(struct store *s, int today, int first_limit, int64_t only_id, const char *only_ids,
                           struct roll **out)
{
    *out = NULL;
    struct roll *r = calloc(1, sizeof *r);
    if (!r)
        return ap_fail(AP_ERR_NOMEM, "loading the roll: out of memory");
    r->today = today;
    r->first_limit = first_limit;
    r->only_id = only_id;
    r->only_ids = only_ids;
    r->term_start = r->term_end = DATE_NONE;
    struct rowio_id_at *index = NULL;
    /* One read transaction: every part sees the same snapshot. */
    bool began = rowio_snapshot_begin(s);
    ap_status result = load_term(s, r);
    if (result == AP_OK)
        result = read_pupils(s, r);
    if (result == AP_OK && first_limit) {
        /* Every pupil less those who left before today: two counts of
         * indexes (end_date IS NULL OR >= today read and sorted the row ids
         * of the whole roll, then looked each row up: most of the first
         * screen's time). */
        char day[11], sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM pupil) - (SELECT count(*) FROM pupil WHERE " PUPIL_LEFT_BEFORE("", "'%s'") ")",
                 date_format(today, day));
        result = store_query_int(s, sql, 0, &r->on_roll_total);
    }
    if (result == AP_OK && r->n) {
        index = rowio_id_at_build(r->rows, r->n, sizeof *r->rows, offsetof(struct roll_row, id));
        if (!index) {
            result = ap_fail(AP_ERR_NOMEM, "loading the roll: out of memory");
        } else {
            result = read_attendance(s, r, index);
            if (result == AP_OK)
                result = read_placed(s, r, index);
        }
    }
    rowio_snapshot_end(s, began);
    free(index);
    r->only_ids = NULL; /* the caller's */
    if (result != AP_OK) {
        roll_free(r);
        return result;
    }
    *out = r;
    return AP_OK;
}

ap_status roll_load(struct store *s, int today, struct roll **out)
{
    return load_roll(s, today, 0, 0, NULL, out);
}

ap_status roll_load_first(struct store *s, int today, int limit, struct roll **out)
{
    return load_roll(s, today, limit > 0 ? limit : 1, 0, NULL, out);
}

ap_status roll_load_pupils(struct store *s, int today, const int64_t *ids, size_t n, struct roll **out)
{
    *out = NULL;
    /* The ids as a JSON array for json_each: at most 20 digits and a comma each. */
    char *json = malloc(n * 21 + 3);
    if (!json)
        return ap_fail(AP_ERR_NOMEM, "loading the roll: out of memory");
    size_t at = 0;
    json[at++] = '[';
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(json + at, "%s%lld", i ? "," : "", (long long)ids[i]);
    json[at++] = ']';
    json[at] = '\0';
    ap_status st = load_roll(s, today, 0, 0, json, out);
    free(json);
    return st;
}

static void read_id(sqlite3_stmt *st, void *row)
{
    *(int64_t *)row = sqlite3_column_int64(st, 0);
}

static void read_id_ctx(sqlite3_stmt *st, void *row, const void *ctx)
{
    (void)ctx;
    read_id(st, row);
}

ap_status roll_on_roll(struct store *s, int today, int64_t **ids, size_t *n)
{
    char day[11];
    return rowio_listf(s, "SELECT id FROM pupil WHERE " PUPIL_ON_ROLL("", "?1"), sizeof **ids, read_id_ctx, NULL, ids, n,
                       "loading the pupils on roll", "T", date_format(today, day));
}

ap_status roll_order(struct store *s, int64_t **ids, size_t *n)
{
    return rowio_list(s, ROLL_ORDER_SQL, 0, sizeof **ids, read_id, ids, n, "loading the roll's order");
}

/* Copies the one-pupil roll's row into row, its strings into r's arena. */
static bool take_row(struct roll *r, struct roll_row *row, const struct roll_row *src)
{
    struct roll_row copy = *src;
    copy.display_name = arena_text(&r->arena, src->display_name);
    copy.legal_forename = arena_text(&r->arena, src->legal_forename);
    copy.legal_surname = arena_text(&r->arena, src->legal_surname);
    copy.preferred_name = arena_text(&r->arena, src->preferred_name);
    copy.home_school = arena_text(&r->arena, src->home_school);
    copy.providers = arena_text(&r->arena, src->providers);
    int64_t *ids = src->n_providers ? arena_alloc(&r->arena, src->n_providers * sizeof *ids) : NULL;
    if (!copy.display_name || !copy.legal_forename || !copy.legal_surname || !copy.preferred_name ||
        !copy.home_school || !copy.providers || (src->n_providers && !ids))
        return false;
    if (ids)
        memcpy(ids, src->provider_ids, src->n_providers * sizeof *ids);
    copy.provider_ids = ids;
    *row = copy;
    return true;
}

long roll_index_of(struct roll *r, int64_t pupil_id)
{
    if (r->n_indexed != r->n || (!r->row_at && !r->by_id)) {
        free(r->row_at);
        free(r->by_id);
        r->by_id = NULL;
        r->row_at = rowio_id_dense(r->rows, r->n, sizeof *r->rows, offsetof(struct roll_row, id), &r->n_row_at);
        if (!r->row_at)
            r->by_id = rowio_id_at_build(r->rows, r->n, sizeof *r->rows, offsetof(struct roll_row, id));
        r->n_indexed = r->row_at || r->by_id ? r->n : 0;
    }
    if (r->row_at)
        return pupil_id >= 0 && (uint64_t)pupil_id < r->n_row_at ? r->row_at[pupil_id] : -1;
    if (r->by_id)
        return rowio_id_at_find(r->by_id, r->n, pupil_id);
    const struct roll_row *row = roll_find(r, pupil_id);
    return row ? (long)(row - r->rows) : -1;
}

static const struct roll_row *indexed_row(struct roll *r, int64_t pupil_id)
{
    long at = roll_index_of(r, pupil_id);
    return at < 0 ? NULL : &r->rows[at];
}

ap_status roll_reload_pupils(struct store *s, struct roll *r, const int64_t *ids, size_t n, bool *whole)
{
    *whole = r->first_limit != 0;
    if (*whole || n == 0)
        return AP_OK;
    struct roll **one = calloc(n, sizeof *one);
    size_t *at = calloc(n, sizeof *at);
    ap_status result = one && at ? AP_OK : ap_fail(AP_ERR_NOMEM, "loading the roll: out of memory");
    /* One read: every pupil as of the same snapshot. */
    bool began = result == AP_OK && rowio_snapshot_begin(s);
    for (size_t i = 0; result == AP_OK && !*whole && i < n; i++) {
        const struct roll_row *old = indexed_row(r, ids[i]);
        if ((result = load_roll(s, r->today, 0, ids[i], NULL, &one[i])) != AP_OK)
            break;
        if (!old || one[i]->n != 1 || one[i]->have_term != r->have_term || one[i]->term_start != r->term_start) {
            *whole = true; /* added, removed, or the term moved */
            break;
        }
        const struct roll_row *now = &one[i]->rows[0];
        if (strcmp(now->legal_surname, old->legal_surname) != 0 ||
            strcmp(now->legal_forename, old->legal_forename) != 0 ||
            strcmp(now->display_name, old->display_name) != 0) {
            *whole = true; /* the order by name */
            break;
        }
        at[i] = (size_t)(old - r->rows);
    }
    rowio_snapshot_end(s, began);
    for (size_t i = 0; result == AP_OK && !*whole && i < n; i++)
        if (!take_row(r, &r->rows[at[i]], &one[i]->rows[0]))
            result = ap_fail(AP_ERR_NOMEM, "loading the roll: out of memory");
    for (size_t i = 0; one && i < n; i++)
        roll_free(one[i]);
    free(one);
    free(at);
    return result;
}

enum roll_change roll_change_of(const char *t, const char *action, int64_t pupil_id)
{
    bool update = strcmp(action, "update") == 0;
    if (strcmp(t, "pupil") == 0)
        return update ? ROLL_CHANGE_ROW : ROLL_CHANGE_WHOLE; /* added or removed: another row count */
    if (strcmp(t, "attendance_mark") == 0 || strcmp(t, "placement") == 0 || strcmp(t, "placement_session") == 0)
        return pupil_id ? ROLL_CHANGE_ROW : ROLL_CHANGE_WHOLE;
    /* A provider's or school's name is on the rows of every pupil placed
     * there or belonging to it: rare changes, read whole. A new one is on
     * no row yet; one removed was on none (the keys refuse it otherwise). */
    if (strcmp(t, "provider") == 0 || strcmp(t, "school") == 0)
        return update ? ROLL_CHANGE_WHOLE : ROLL_CHANGE_NONE;
    if (strcmp(t, "term") == 0)
        return ROLL_CHANGE_WHOLE; /* the term whose attendance is shown */
    return ROLL_CHANGE_NONE;
}

/* ---- the provider list ---- */

void provider_list_free(struct provider_list *l)
{
    if (!l)
        return;
    free(l->rows);
    free(l);
}

static double ratio(int64_t cover, int64_t minimum)
{
    return minimum > 0 ? (double)cover / (double)minimum : 1e9;
}

static void set_insurance(struct provider_list_row *row, const struct rules_insurance *ins,
                          const struct thresholds *th)
{
    row->insurance_why[0] = '\0';
    if (rules_state_maintained(row->registration)) {
        row->insurance_level = FLAG_NONE;
        row->insurance_ratio = -1;
        snprintf(row->insurance, sizeof row->insurance, "not checked");
        return;
    }
    row->insurance_level = rules_insurance(ins, th, row->insurance_why, sizeof row->insurance_why);
    double lowest = ratio(ins->public_liability, th->public_liability_min);
    double el = ratio(ins->employers_liability, th->employers_liability_min);
    double pi = ratio(ins->professional_indemnity, th->professional_indemnity_min);
    lowest = el < lowest ? el : lowest;
    lowest = pi < lowest ? pi : lowest;
    row->insurance_ratio = lowest;
    bool none = !ins->public_liability && !ins->employers_liability && !ins->professional_indemnity &&
                !ins->motor && !ins->subcontractor;
    snprintf(row->insurance, sizeof row->insurance, "%s",
             none ? "none recorded" : rules_flag_raised(row->insurance_level) ? "below minimum" : "meets minimums");
}

/* One active placement: whose, where, how many hours a week. */
struct pair {
    int64_t provider_id, pupil_id;
    double hours;
};

static void read_pair(sqlite3_stmt *st, void *item, const void *ctx)
{
    (void)ctx;
    struct pair *p = item;
    rowio_read(st, 0, "IIf", &p->provider_id, &p->pupil_id, &p->hours);
}

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->provider_id != y->provider_id)
        return x->provider_id < y->provider_id ? -1 : 1;
    return x->pupil_id < y->pupil_id ? -1 : x->pupil_id > y->pupil_id;
}

/* A provider_list_row's columns; ctx is the thresholds its insurance is
 * judged by. */
static void read_provider_list_row(sqlite3_stmt *st, void *item, const void *ctx)
{
    struct provider_list_row *row = item;
    memset(row, 0, sizeof *row);
    rowio_read(st, 0, "Ittt", &row->id, ROWIO_BUF(row->name), ROWIO_BUF(row->registration), ROWIO_BUF(row->status));
    struct rules_insurance ins = {
        .public_liability = sqlite3_column_int64(st, 4),
        .employers_liability = sqlite3_column_int64(st, 5),
        .professional_indemnity = sqlite3_column_int64(st, 6),
        .motor = sqlite3_column_int(st, 7) != 0,
        .subcontractor = sqlite3_column_int(st, 8) != 0,
    };
    set_insurance(row, &ins, ctx);
    rowio_read(st, 9, "dd", &row->last_stage1, &row->last_stage2);
}

ap_status provider_list_load(struct store *s, const struct thresholds *th, int today, struct provider_list **out)
{
    *out = NULL;
    const char *what = "loading the providers";
    struct provider_list *l = calloc(1, sizeof *l);
    if (!l)
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    struct rowio_id_at *by_id = NULL;
    void *pairs = NULL;
    size_t n = 0;
    char day[11];
    date_format(today, day);
    bool began = rowio_snapshot_begin(s);
    /* 1. Every provider with its insurance and its latest closed Stage 1 and 2 visits. */
    void *rows = NULL;
    ap_status result = rowio_listf(s,
                                   "WITH qa AS (SELECT provider_id, "
                                   "    max(CASE WHEN stage = 'stage1' THEN visit_date END) AS s1, "
                                   "    max(CASE WHEN stage = 'stage2' THEN visit_date END) AS s2 "
                                   "  FROM qa_visit_counted GROUP BY provider_id) "
                                   "SELECT v.id, v.name, v.registration, v.status, v.public_liability, "
                                   "  v.employers_liability, v.professional_indemnity, v.motor_cover, "
                                   "  v.subcontractor_cover, qa.s1, qa.s2 "
                                   "FROM provider v LEFT JOIN qa ON qa.provider_id = v.id "
                                   "ORDER BY v.name COLLATE NOCASE, v.id",
                                   sizeof *l->rows, read_provider_list_row, th, &rows, &l->n, what, "");
    l->rows = rows;
    if (result != AP_OK || l->n == 0)
        goto done;

    /* 2. The active placements today with their weekly hours, summed here per
     *    provider and pupil; full time is decided by rules_full_time, as the
     *    flags do. */
    by_id = rowio_id_at_build(l->rows, l->n, sizeof *l->rows, offsetof(struct provider_list_row, id));
    if (!by_id) {
        result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
        goto done;
    }
    result = rowio_listf(s,
                         "SELECT l.provider_id, l.pupil_id, "
                         "  (SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id) "
                         "FROM placement l WHERE " PLACEMENT_ACTIVE_ON("l", "?1"),
                         sizeof(struct pair), read_pair, NULL, &pairs, &n, what, "t", day);
    if (result != AP_OK)
        goto done;
    struct pair *pair = pairs;
    if (n)
        qsort(pair, n, sizeof *pair, pair_cmp);
    for (size_t i = 0; i < n;) {
        double hours = 0;
        size_t j = i;
        for (; j < n && pair[j].provider_id == pair[i].provider_id && pair[j].pupil_id == pair[i].pupil_id; j++)
            hours += pair[j].hours;
        long at = rowio_id_at_find(by_id, l->n, pair[i].provider_id);
        if (at >= 0) {
            l->rows[at].pupils_now++;
            l->rows[at].fulltime_now += rules_full_time(hours, th);
        }
        i = j;
    }
done:
    free(by_id);
    free(pairs);
    rowio_snapshot_end(s, began);
    if (result != AP_OK) {
        provider_list_free(l);
        return result;
    }
    *out = l;
    return AP_OK;
}

static void read_provider_name(sqlite3_stmt *st, void *row)
{
    struct provider_name *p = row;
    p->id = sqlite3_column_int64(st, 0);
    rowio_text(st, 1, p->name, sizeof p->name);
}

ap_status provider_names_load(struct store *s, struct provider_name **out, size_t *n)
{
    return rowio_list(s, "SELECT id, name FROM provider ORDER BY id", 0, sizeof **out, read_provider_name, out, n,
                      "loading the providers' names");
}
