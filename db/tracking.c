#include "tracking.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "calendar.h"
#include "date.h"
#include "labels.h"
#include "qa.h"
#include "placement.h"
#include "psp.h"
#include "roll.h"
#include "rowio.h"

const char *tracking_area_code(int area)
{
    return area >= 0 && area < TRACKING_AREAS ? LABELS_PROGRESS_AREA[area].code : NULL;
}

const char *tracking_area_brief(int area)
{
    return area >= 0 && area < TRACKING_AREAS ? LABELS_PROGRESS_AREA[area].brief : "?";
}

int tracking_area_parse(const char *code)
{
    for (int a = 0; code && a < TRACKING_AREAS; a++)
        if (strcmp(code, LABELS_PROGRESS_AREA[a].code) == 0)
            return a;
    return -1;
}

ap_status tracking_areas_parse(const char *label, const char *text, unsigned *out)
{
    *out = 0;
    const char *p = text ? text : "";
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && p[n - 1] == ' ')
            n--;
        if (n) {
            int hit = -1;
            for (int a = 0; a < TRACKING_AREAS && hit < 0; a++) {
                const struct label *l = &LABELS_PROGRESS_AREA[a];
                if ((strlen(l->code) == n && strncasecmp(p, l->code, n) == 0) ||
                    (strlen(l->text) == n && strncasecmp(p, l->text, n) == 0) ||
                    (strlen(l->brief) == n && strncasecmp(p, l->brief, n) == 0))
                    hit = a;
            }
            if (hit < 0) {
                char choices[200];
                return ap_fail(AP_ERR_INVALID, "%s: \"%.*s\" is not a tracking area (%s)", label, (int)(n > 60 ? 60 : n),
                               p, label_choices(LABELS_PROGRESS_AREA, choices, sizeof choices));
            }
            *out |= 1u << hit;
        }
        p += end ? (size_t)(end - p) + 1 : strlen(p);
    }
    return AP_OK;
}

char *tracking_areas_format(unsigned areas, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (int a = 0; a < TRACKING_AREAS; a++)
        if ((areas >> a) & 1u) {
            int w = snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? ", " : "",
                             LABELS_PROGRESS_AREA[a].code);
            if (w > 0)
                used += (size_t)w;
            if (used >= len)
                break;
        }
    return buf;
}

/* The purposes of a pupil's placements running on :today, as one text:
 * each placement's tracking_areas ('*' when it does not say), ';' between;
 * NULL when none runs (pupil_areas reads it). */
#define PURPOSES_SQL(u)                                                                                              \
    "(SELECT group_concat(CASE WHEN trim(l.tracking_areas) = '' THEN '*' ELSE l.tracking_areas END, ';') "         \
    "FROM placement l WHERE l.pupil_id = " u ".id AND " PLACEMENT_ACTIVE_TODAY("l") ")"

/* The areas that apply to a pupil of year_group whose placements' purposes
 * are `purposes` (PURPOSES_SQL). */
static unsigned pupil_areas(const char *purposes, int year_group, const struct thresholds *th)
{
    unsigned list[32];
    size_t n = 0;
    const char *p = purposes ? purposes : "";
    while (*p && n < sizeof list / sizeof list[0]) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)(len < sizeof part ? len : sizeof part - 1), p);
        unsigned areas = 0;
        if (strcmp(part, "*") == 0 || tracking_areas_parse("Tracking areas", part, &areas) != AP_OK)
            areas = 0; /* by the year group */
        list[n++] = areas;
        p += end ? len + 1 : len;
    }
    return rules_tracking_areas_for(year_group, list, n, th);
}

int tracking_week_of(int date)
{
    return date - date_weekday(date);
}

const char *tracking_trend_mark(enum tracking_trend t)
{
    switch (t) {
    case TREND_UP: return "↑";
    case TREND_DOWN: return "↓";
    case TREND_LEVEL: return "→";
    default: return "";
    }
}

enum tracking_trend tracking_trend_of(int attending, int possible, int prev_attending, int prev_possible)
{
    if (possible <= 0 || prev_possible <= 0)
        return TREND_NONE;
    /* Compared in whole numbers, 100 * (a/p - pa/pp) against the points,
     * so that exactly 5 points is a trend without rounding error. */
    long long lhs = 100LL * ((long long)attending * prev_possible - (long long)prev_attending * possible);
    long long rhs = (long long)TRACKING_TREND_POINTS * possible * prev_possible;
    if (lhs >= rhs)
        return TREND_UP;
    if (-lhs >= rhs)
        return TREND_DOWN;
    return TREND_LEVEL;
}

void tracking_free(struct tracking *t)
{
    if (!t)
        return;
    free(t->rows);
    arena_free(t->arena);
    free(t);
}

const struct tracking_row *tracking_find(const struct tracking *t, int64_t pupil_id)
{
    return t ? rowio_find_id(t->rows, t->n, sizeof *t->rows, offsetof(struct tracking_row, id), pupil_id) : NULL;
}

/* ---- loading ---- */

struct loader {
    struct store *s;
    const struct thresholds *th;
    struct tracking *t;
    struct rowio_id_at *index;      /* t->n, by id */
    /* read_attendance's week ranges: the previous school weeks, the term, and from where to read. */
    int plo, phi, tlo, thi, lo;
};

static struct tracking_row *row_of(const struct loader *ld, int64_t id)
{
    long at = rowio_id_at_find(ld->index, ld->t->n, id);
    return at < 0 ? NULL : &ld->t->rows[at];
}

static ap_status nomem(const char *what)
{
    return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
}

/* Binds an apterm date as 'YYYY-MM-DD' (or an int) to a named parameter,
 * when the statement has it. */
static int bind_date_named(sqlite3_stmt *st, const char *name, int date)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i ? rowio_bind_date(st, i, date) : SQLITE_OK;
}

/* The binds every read of the load may use, each where the statement has it. */
static int bind_common(const struct loader *ld, sqlite3_stmt *st)
{
    const struct tracking *t = ld->t;
    const struct {
        const char *name;
        int value;
        bool date;
    } binds[] = {
        {":today", t->today, true},     {":monday", t->week, true},
        {":sunday", t->week + 6, true}, {":from", t->week - 7 * TRACKING_LOOKBACK_WEEKS, true},
        {":week", t->week, false},      {":plo", ld->plo, false},
        {":phi", ld->phi, false},       {":tlo", ld->tlo, false},
        {":thi", ld->thi, false},       {":lo", ld->lo, false},
    };
    int rc = SQLITE_OK;
    for (size_t k = 0; k < sizeof binds / sizeof binds[0] && rc == SQLITE_OK; k++) {
        int i = sqlite3_bind_parameter_index(st, binds[k].name);
        if (i)
            rc = binds[k].date ? rowio_bind_date(st, i, binds[k].value) : sqlite3_bind_int(st, i, binds[k].value);
    }
    return rc;
}

/* A row of one of the load's reads; an error stops the read. */
typedef ap_status load_row_fn(struct loader *ld, sqlite3_stmt *st, void *ctx);

/* Runs sql with the load's binds, giving each row to row with ctx. */
static ap_status each_row(struct loader *ld, const char *sql, const char *what, load_row_fn *row, void *ctx)
{
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(ld->s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = bind_common(ld, st);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW && (result = row(ld, st, ctx)) == AP_OK)
        rc = SQLITE_OK;
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(ld->s, rc, what);
    sqlite3_finalize(st);
    return result;
}

/* A row of one of the load's reads about a pupil of the load (its id in
 * column 0), with that pupil's row; an error stops the read. */
typedef ap_status pupil_row_fn(struct loader *ld, struct tracking_row *row, sqlite3_stmt *st);

static ap_status pupil_row_of(struct loader *ld, sqlite3_stmt *st, void *ctx)
{
    pupil_row_fn *const *fn = ctx;
    struct tracking_row *row = row_of(ld, sqlite3_column_int64(st, 0));
    return row ? (*fn)(ld, row, st) : AP_OK;
}

/* Runs sql as each_row does, giving fn each row about a pupil of the load;
 * rows about other pupils are passed over. */
static ap_status each_pupil_row(struct loader *ld, const char *sql, const char *what, pupil_row_fn *fn)
{
    return each_row(ld, sql, what, pupil_row_of, &fn);
}

/* The term and the previous school weeks, from the calendar. */
static ap_status load_calendar(struct loader *ld)
{
    struct tracking *t = ld->t;
    struct calendar cal;
    ap_status st = calendar_load(ld->s, &cal);
    if (st != AP_OK)
        return st;
    const struct term_info *term = calendar_term_for(&cal, t->week + 4);
    if (term && term->start != DATE_NONE && term->end != DATE_NONE) {
        t->have_term = true;
        t->term_start = term->start;
        t->term_to = term->end < t->week + 6 ? term->end : t->week + 6;
        snprintf(t->term_name, sizeof t->term_name, "%s %s", term->name, term->academic_year);
    }
    /* The previous TRACKING_TREND_WEEKS weeks holding a school day; with
     * no terms at all, simply the previous weeks. */
    int found = 0, from = DATE_NONE;
    for (int k = 1; k <= 26 && found < TRACKING_TREND_WEEKS; k++) {
        int monday = t->week - 7 * k;
        bool school = cal.nterms == 0;
        for (int d = 0; d < 5 && !school; d++)
            school = calendar_is_school_day(&cal, monday + d);
        if (school) {
            found++;
            from = monday;
        }
    }
    if (found) {
        t->prev_from = from;
        t->prev_to = t->week - 7;
    }
    calendar_free(&cal);
    return AP_OK;
}

static const char PUPILS_SQL[] =
    "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.upn, u.dob, u.cohort, "
    PURPOSES_SQL("u") " FROM pupil u "
    "WHERE (u.start_date IS NULL OR u.start_date <= :sunday) AND (u.end_date IS NULL OR u.end_date >= :monday) "
    "ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id";

static ap_status pupil_row(struct loader *ld, sqlite3_stmt *st, void *ctx)
{
    struct tracking *t = ld->t;
    const char *what = "loading the tracking rows";
    struct tracking_row *grown = rowio_grow(t->rows, ctx, t->n, sizeof *t->rows);
    if (!grown)
        return nomem(what);
    t->rows = grown;
    struct tracking_row *row = &t->rows[t->n];
    memset(row, 0, sizeof *row);
    row->id = sqlite3_column_int64(st, 0);
    row->display_name = roll_display_name_col(&t->arena, st, 1);
    const char *forename = (const char *)sqlite3_column_text(st, 2);
    const char *surname = (const char *)sqlite3_column_text(st, 3);
    char name[512];
    snprintf(name, sizeof name, "%s %s", forename ? forename : "", surname ? surname : "");
    row->legal_name = arena_text(&t->arena, name);
    rowio_text(st, 4, row->upn, sizeof row->upn);
    row->year_group = rules_year_group(rowio_date(st, 5), t->today);
    row->areas = pupil_areas((const char *)sqlite3_column_text(st, 7), row->year_group, ld->th);
    for (int a = 0; a < TRACKING_AREAS; a++)
        row->n_areas += (row->areas >> a) & 1u;
    rowio_text(st, 6, row->cohort, sizeof row->cohort);
    row->providers = row->notes = row->psp_why = row->qa_why = "";
    row->prev_week = row->psp_due = row->qa_due = row->next_due = DATE_NONE;
    if (!row->display_name || !row->legal_name)
        return nomem(what);
    t->n++;
    return AP_OK;
}

static ap_status read_pupils(struct loader *ld)
{
    size_t cap = 0;
    return each_row(ld, PUPILS_SQL, "loading the tracking rows", pupil_row, &cap);
}

/* This week, the previous school weeks and the term in one pass over
 * attendance_week, by a primary-key range per pupil. */
static const char ATTENDANCE_SQL[] =
    "SELECT u.id, "
    "  total(CASE WHEN w.week = :week THEN w.possible END), total(CASE WHEN w.week = :week THEN w.attending END), "
    "  total(CASE WHEN w.week BETWEEN :plo AND :phi THEN w.possible END), "
    "  total(CASE WHEN w.week BETWEEN :plo AND :phi THEN w.attending END), "
    "  total(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.possible END), "
    "  total(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.attending END) "
    "FROM pupil u CROSS JOIN attendance_week w ON w.pupil_id = u.id AND w.week BETWEEN :lo AND :week "
    "WHERE (u.start_date IS NULL OR u.start_date <= :sunday) AND (u.end_date IS NULL OR u.end_date >= :monday) "
    "GROUP BY u.id";

static void set_pct(int attending, int possible, bool *has, double *pct)
{
    struct attendance_tally tally = {{0}};
    tally.n[CAT_PRESENT] = attending;
    tally.n[CAT_UNAUTHORISED] = possible - attending;
    *has = rules_attendance_pct(&tally, pct);
}

static ap_status attendance_row(struct loader *ld, struct tracking_row *row, sqlite3_stmt *st)
{
    (void)ld;
    rowio_read(st, 1, "iiiiii", &row->week_possible, &row->week_attending, &row->prev_possible, &row->prev_attending,
               &row->term_possible, &row->term_attending);
    set_pct(row->week_attending, row->week_possible, &row->has_week, &row->week_pct);
    set_pct(row->prev_attending, row->prev_possible, &row->has_prev, &row->prev_pct);
    set_pct(row->term_attending, row->term_possible, &row->has_term, &row->term_pct);
    row->trend = tracking_trend_of(row->week_attending, row->week_possible, row->prev_attending, row->prev_possible);
    return AP_OK;
}

static ap_status read_attendance(struct loader *ld)
{
    struct tracking *t = ld->t;
    /* Empty ranges (lo > hi) where there is no term or no earlier week. */
    ld->plo = t->prev_from != DATE_NONE ? t->prev_from : t->week + 1;
    ld->phi = t->prev_from != DATE_NONE ? t->prev_to : t->week;
    ld->tlo = t->have_term ? tracking_week_of(t->term_start) : t->week + 1;
    ld->thi = t->have_term ? tracking_week_of(t->term_to) : t->week;
    ld->lo = t->week;
    if (ld->plo < ld->lo)
        ld->lo = ld->plo;
    if (ld->tlo < ld->lo)
        ld->lo = ld->tlo;
    return each_pupil_row(ld, ATTENDANCE_SQL, "loading the attendance of the week", attendance_row);
}

/* The week's ratings and the earlier weeks' within the look-back, by a
 * primary-key range per pupil. */
static const char RATINGS_SQL[] =
    "SELECT e.pupil_id, e.week_start, e.area, e.rating, e.note, e.version "
    "FROM pupil u CROSS JOIN progress_entry e ON e.pupil_id = u.id AND e.week_start BETWEEN :from AND :monday "
    "WHERE (u.start_date IS NULL OR u.start_date <= :sunday) AND (u.end_date IS NULL OR u.end_date >= :monday)";

/* Appends "Area: note" to the row's notes (in the arena). */
static bool add_note(struct arena **arena, struct tracking_row *row, int area, const char *note)
{
    if (!note || !note[0])
        return true;
    size_t have = strlen(row->notes), n = strlen(note);
    const char *brief = tracking_area_brief(area);
    size_t need = have + (have ? 2 : 0) + strlen(brief) + 2 + n + 1;
    char *p = arena_alloc(arena, need);
    if (!p)
        return false;
    snprintf(p, need, "%s%s%s: %s", row->notes, have ? "; " : "", brief, note);
    row->notes = p;
    return true;
}

static ap_status rating_row(struct loader *ld, struct tracking_row *row, sqlite3_stmt *st)
{
    struct tracking *t = ld->t;
    int week = rowio_date(st, 1);
    int area = tracking_area_parse((const char *)sqlite3_column_text(st, 2));
    int rating = sqlite3_column_type(st, 3) == SQLITE_NULL ? TRACKING_NA : sqlite3_column_int(st, 3);
    if (area < 0 || week == DATE_NONE || !((row->areas >> area) & 1u))
        return AP_OK; /* an area that does not apply to the pupil (rules_tracking_areas_for) */
    if (week == t->week) {
        if (!row->rating[area])
            row->n_rated++;
        row->rating[area] = rating;
        row->version[area] = sqlite3_column_int64(st, 5);
        if (!add_note(&t->arena, row, area, (const char *)sqlite3_column_text(st, 4)))
            return nomem("loading the week's ratings");
    } else if (week < t->week) {
        if (row->prev_week == DATE_NONE || week > row->prev_week) {
            memset(row->prev_rating, 0, sizeof row->prev_rating);
            row->prev_week = week;
        }
        if (week == row->prev_week)
            row->prev_rating[area] = rating;
    }
    return AP_OK;
}

static ap_status read_ratings(struct loader *ld)
{
    struct tracking *t = ld->t;
    ap_status result = each_pupil_row(ld, RATINGS_SQL, "loading the week's ratings", rating_row);
    for (size_t i = 0; i < t->n; i++)
        t->fully_rated += t->rows[i].n_rated >= t->rows[i].n_areas;
    return result;
}

/* ---- QA of the providers the pupils are placed with today ---- */

struct qa_state {
    int64_t id;
    enum flag_level level;
    int due;
    const char *why;                /* arena; "" when none raised */
};

static int qa_cmp(const void *a, const void *b)
{
    const struct qa_state *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The stage facts db/flags.c and db/report.c read once for every provider
 * (qa_counted_each), here by subqueries per provider in use today. */
static const char PROVIDER_QA_SQL[] =
    "SELECT p.id, p.name, p.registration, "
    QA_STAGE_VISITS_SQL
    "  (SELECT max(c.concern_date) FROM concern c WHERE c.provider_id = p.id AND c.concern_date <= :today), "
    "  (SELECT min(l.start_date) FROM placement l WHERE l.provider_id = p.id AND l.status != 'proposed' "
    "     AND l.start_date <= :today), "
    "  " QA_SQL_UNSATISFACTORY("stage1") ", " QA_SQL_UNSATISFACTORY("stage2") " "
    "FROM provider p WHERE p.id IN (SELECT l.provider_id FROM placement l WHERE " PLACEMENT_ACTIVE_TODAY("l") ") "
    "ORDER BY p.id";

/* Worse level first, then the earlier due date. */
static bool qa_worse(enum flag_level level, int due, enum flag_level than_level, int than_due)
{
    if (level != than_level)
        return level > than_level;
    return due != DATE_NONE && (than_due == DATE_NONE || due < than_due);
}

/* read_provider_qa's list. */
struct qa_list {
    struct qa_state *list;
    size_t n, cap;
};

static ap_status provider_qa_row(struct loader *ld, sqlite3_stmt *st, void *ctx)
{
    struct tracking *t = ld->t;
    struct qa_list *L = ctx;
    struct qa_state *grown = rowio_grow(L->list, &L->cap, L->n, sizeof *L->list);
    if (!grown)
        return nomem("loading the providers' QA dates");
    L->list = grown;
    struct qa_state *q = &L->list[L->n++];
    q->id = sqlite3_column_int64(st, 0);
    q->level = FLAG_NONE;
    q->due = DATE_NONE;
    q->why = "";
    const char *name = (const char *)sqlite3_column_text(st, 1);
    const char *reg = (const char *)sqlite3_column_text(st, 2);
    if (rules_state_maintained(reg ? reg : ""))
        return AP_OK; /* not checked, as in db/flags.c */
    int last1 = rowio_date(st, 3), first1 = rowio_date(st, 4), last2 = rowio_date(st, 5);
    int concern = rowio_date(st, 6), first_used = rowio_date(st, 7);
    char why[RULES_WHY_LEN], best_why[RULES_WHY_LEN] = "";
    int due = DATE_NONE;
    bool bad1 = sqlite3_column_int(st, 8) != 0, bad2 = sqlite3_column_int(st, 9) != 0;
    enum flag_level level = rules_qa_stage1(last1, bad1, t->today, ld->th, &due, why, sizeof why);
    q->level = level;
    q->due = due;
    if (rules_flag_raised(level))
        snprintf(best_why, sizeof best_why, "%s", why);
    int since = first_used != DATE_NONE ? first_used : first1;
    if (last2 != DATE_NONE || since != DATE_NONE || concern != DATE_NONE) {
        due = DATE_NONE;
        level = rules_qa_stage2(last2, bad2, since, concern, t->today, ld->th, &due, why, sizeof why);
        if (qa_worse(level, due, q->level, q->due)) {
            q->level = level;
            q->due = due;
            snprintf(best_why, sizeof best_why, "%s", rules_flag_raised(level) ? why : "");
        }
    }
    if (best_why[0]) {
        char text[RULES_WHY_LEN + 140];
        snprintf(text, sizeof text, "%s: %s", name ? name : "", best_why);
        q->why = arena_text(&t->arena, text);
        if (!q->why)
            return nomem("loading the providers' QA dates");
    }
    return AP_OK;
}

static ap_status read_provider_qa(struct loader *ld, struct qa_state **out, size_t *nout)
{
    struct qa_list L = {0};
    ap_status result = each_row(ld, PROVIDER_QA_SQL, "loading the providers' QA dates", provider_qa_row, &L);
    if (result != AP_OK) {
        free(L.list);
        L.list = NULL;
        L.n = 0;
    }
    *out = L.list;
    *nout = L.n;
    return result;
}

static const char PLACED_SQL[] =
    "SELECT l.pupil_id, l.provider_id, v.name FROM placement l JOIN provider v ON v.id = l.provider_id "
    "WHERE " PLACEMENT_ACTIVE_TODAY("l");

/* read_placed's list, then its context for set_providers. */
struct placed_list {
    struct roll_placed *list;
    size_t n, cap;
    struct loader *ld;
    const struct qa_state *qa;
    size_t nqa;
};

/* One pupil's providers (as the roll shows them), with the worst QA of them. */
static ap_status set_providers(void *ctx, const struct roll_placed *list, size_t n)
{
    const struct placed_list *L = ctx;
    struct tracking_row *row = row_of(L->ld, list[0].pupil_id);
    if (!row)
        return AP_OK;
    if (!roll_placed_join(&L->ld->t->arena, list, n, &row->providers, &row->provider_ids, &row->n_providers))
        return nomem("loading the pupils' placements");
    for (size_t i = 0; i < row->n_providers; i++) {
        struct qa_state key = {.id = row->provider_ids[i]};
        const struct qa_state *q = bsearch(&key, L->qa, L->nqa, sizeof *L->qa, qa_cmp);
        if (!q)
            continue;
        if (!row->has_qa || qa_worse(q->level, q->due, row->qa_level, row->qa_due)) {
            row->qa_level = q->level;
            row->qa_due = q->due;
            row->qa_why = q->why;
        }
        row->has_qa = row->has_qa || q->due != DATE_NONE;
    }
    return AP_OK;
}

static ap_status placed_row(struct loader *ld, sqlite3_stmt *st, void *ctx)
{
    struct placed_list *L = ctx;
    if (!row_of(ld, sqlite3_column_int64(st, 0)))
        return AP_OK;
    struct roll_placed *grown = rowio_grow(L->list, &L->cap, L->n, sizeof *L->list);
    const char *name = grown ? arena_text(&ld->t->arena, (const char *)sqlite3_column_text(st, 2)) : NULL;
    if (grown)
        L->list = grown;
    if (!grown || !name)
        return nomem("loading the pupils' placements");
    L->list[L->n] = (struct roll_placed){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), name, 0};
    L->n++;
    return AP_OK;
}

static ap_status read_placed(struct loader *ld)
{
    struct placed_list L = {.ld = ld};
    struct qa_state *qa = NULL;
    ap_status result = read_provider_qa(ld, &qa, &L.nqa);
    if (result != AP_OK)
        return result;
    L.qa = qa;
    result = each_row(ld, PLACED_SQL, "loading the pupils' placements", placed_row, &L);
    if (result == AP_OK)
        result = roll_placed_each_pupil(L.list, L.n, set_providers, &L);
    free(L.list);
    free(qa);
    return result;
}

/* The active PSPs, their review due by psp_review_due as db/flags.c does. */
static const char PSP_SQL[] =
    "SELECT s.pupil_id, s.meeting_date, s.next_review_date, "
    "  (SELECT max(r.review_date) FROM psp_review r WHERE r.psp_id = s.id AND r.review_date <= :today) "
    "FROM psp s WHERE s.status = 'active'";

static ap_status psp_row(struct loader *ld, struct tracking_row *row, sqlite3_stmt *st)
{
    struct tracking *t = ld->t;
    char why[RULES_WHY_LEN];
    int due;
    enum flag_level level = psp_review_due("active", rowio_date(st, 1), rowio_date(st, 3), rowio_date(st, 2), t->today,
                                           ld->th, &due, why, sizeof why);
    row->has_psp = true;
    row->psp_due = due;
    row->psp_level = level;
    if (rules_flag_raised(level) && !(row->psp_why = arena_text(&t->arena, why)))
        return nomem("loading the PSP review dates");
    return AP_OK;
}

static const char ACTIONS_SQL[] =
    "SELECT pupil_id, sum(done = 0), sum(done = 0 AND due_date < :today), "
    "  min(CASE WHEN done = 0 THEN due_date END) "
    "FROM tracking_action GROUP BY pupil_id";

static ap_status action_row(struct loader *ld, struct tracking_row *row, sqlite3_stmt *st)
{
    (void)ld;
    rowio_read(st, 1, "iid", &row->actions_open, &row->actions_overdue, &row->next_due);
    return AP_OK;
}

ap_status tracking_load(struct store *s, const struct thresholds *th, int today, int week, struct tracking **out)
{
    *out = NULL;
    struct tracking *t = calloc(1, sizeof *t);
    if (!t)
        return nomem("loading the tracking rows");
    t->today = today;
    t->week = tracking_week_of(week);
    t->term_start = t->term_to = t->prev_from = t->prev_to = DATE_NONE;
    struct loader ld = {.s = s, .th = th, .t = t};
    /* One read transaction: every part sees the same snapshot. */
    bool began = rowio_snapshot_begin(s);
    ap_status result = load_calendar(&ld);
    if (result == AP_OK)
        result = read_pupils(&ld);
    if (result == AP_OK && t->n) {
        ld.index = rowio_id_at_build(t->rows, t->n, sizeof *t->rows, offsetof(struct tracking_row, id));
        if (!ld.index)
            result = nomem("loading the tracking rows");
    }
    if (result == AP_OK && t->n)
        result = read_attendance(&ld);
    if (result == AP_OK && t->n)
        result = read_ratings(&ld);
    if (result == AP_OK && t->n)
        result = read_placed(&ld);
    if (result == AP_OK && t->n)
        result = each_pupil_row(&ld, PSP_SQL, "loading the PSP review dates", psp_row);
    if (result == AP_OK && t->n)
        result = each_pupil_row(&ld, ACTIONS_SQL, "counting the actions", action_row);
    rowio_snapshot_end(s, began);
    free(ld.index);
    if (result != AP_OK) {
        tracking_free(t);
        return result;
    }
    *out = t;
    return AP_OK;
}

/* ---- a week's ratings ---- */

static bool read_rating(sqlite3_stmt *st, void *ctx)
{
    struct tracking_rating *out = ctx;
    int area = tracking_area_parse((const char *)sqlite3_column_text(st, 0));
    if (area >= 0) {
        out[area].rating = sqlite3_column_type(st, 1) == SQLITE_NULL ? TRACKING_NA : sqlite3_column_int(st, 1);
        rowio_read(st, 2, "tI", ROWIO_BUF(out[area].note), &out[area].version);
    }
    return true;
}

ap_status tracking_get_week(struct store *s, int64_t pupil_id, int week, struct tracking_rating out[TRACKING_AREAS])
{
    memset(out, 0, TRACKING_AREAS * sizeof *out);
    return rowio_each(s,
                      "SELECT area, rating, note, version FROM progress_entry "
                      "WHERE pupil_id = ?1 AND week_start = ?2",
                      read_rating, out, "reading the week's ratings", "Id", pupil_id, tracking_week_of(week));
}

static ap_status validate_week(int week, const struct tracking_rating r[TRACKING_AREAS])
{
    if (week == DATE_NONE || date_weekday(week) != 0)
        return ap_fail(AP_ERR_INVALID, "Week: must start on a Monday");
    for (int a = 0; a < TRACKING_AREAS; a++) {
        const char *label = LABELS_PROGRESS_AREA[a].text;
        if (!r[a].changed)
            continue;
        if ((r[a].rating < 0 && r[a].rating != TRACKING_NA) || r[a].rating > 5)
            return ap_fail(AP_ERR_INVALID, "%s: a rating is 1 to 5, or not applicable this week", label);
        ap_status st = rowio_check_text(label, r[a].note, sizeof r[a].note, false, false);
        if (st != AP_OK)
            return st;
        if (r[a].rating == 0 && r[a].note[0])
            return ap_fail(AP_ERR_INVALID, "%s: give a rating (1 to 5, or not applicable) with the note", label);
    }
    return AP_OK;
}

/* After a write that changed no row: who changed the area's entry. */
static ap_status entry_conflict(struct store *s, int64_t pupil_id, const char *week_text, int area)
{
    char key[80];
    snprintf(key, sizeof key, "%lld/%s/%s", (long long)pupil_id, week_text, tracking_area_code(area));
    ap_status st = store_conflict(s, "progress_entry", key);
    char detail[300];
    snprintf(detail, sizeof detail, "%s", ap_error_detail()); /* ap_fail rewrites the buffer it lives in */
    return ap_fail(st, "%s: %s", LABELS_PROGRESS_AREA[area].brief, detail);
}

static ap_status write_area(struct store *s, int64_t pupil_id, const char *week_text, int area,
                            const struct tracking_rating *r)
{
    const char *what = "saving the week's ratings";
    const char *sql;
    bool wanted = r->rating != 0; /* a rating, or not applicable */
    if (r->version == 0 && wanted)
        sql = "INSERT INTO progress_entry (pupil_id, week_start, area, rating, note, updated_at, updated_by) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";
    else if (r->version > 0 && wanted)
        sql = "UPDATE progress_entry SET rating = ?4, note = ?5, updated_at = ?6, updated_by = ?7, "
              "version = version + 1 WHERE pupil_id = ?1 AND week_start = ?2 AND area = ?3 AND version = ?8";
    else if (r->version > 0)
        sql = "DELETE FROM progress_entry WHERE pupil_id = ?1 AND week_start = ?2 AND area = ?3 AND version = ?8";
    else
        return AP_OK; /* nothing there, nothing wanted */
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "Itt", pupil_id, week_text, tracking_area_code(area));
    if (rc == SQLITE_OK && r->rating > 0)
        rc = sqlite3_bind_int(st, 4, r->rating);
    else if (rc == SQLITE_OK && wanted)
        rc = sqlite3_bind_null(st, 4);
    if (rc == SQLITE_OK && wanted)
        rc = rowio_bind_text(st, 5, r->note);
    if (rc == SQLITE_OK && wanted)
        rc = rowio_bind_stamp(st, 6, s);
    if (rc == SQLITE_OK && r->version > 0)
        rc = sqlite3_bind_int64(st, 8, r->version);
    result = rc == SQLITE_OK ? rowio_step(s, st, what) : store_fail(s, rc, what);
    sqlite3_finalize(st);
    if (result == AP_OK && sqlite3_changes(store_db(s)) == 0)
        result = entry_conflict(s, pupil_id, week_text, area);
    return result;
}

ap_status tracking_save_week(struct store *s, int64_t pupil_id, int week, struct tracking_rating r[TRACKING_AREAS],
                             int today, const struct thresholds *th)
{
    ap_status st = validate_week(week, r);
    if (st != AP_OK)
        return st;
    /* Issue 13: a week is rated once it has begun, never ahead. */
    if (week > tracking_week_of(today)) {
        bool rates = false;
        for (int a = 0; a < TRACKING_AREAS; a++)
            rates = rates || (r[a].changed && r[a].rating != 0);
        if (rates) {
            char w[11];
            return ap_fail(AP_ERR_INVALID, "Week: the week of %s has not begun: rate a week once it has happened",
                           date_format(week, w));
        }
    }
    bool any = false;
    for (int a = 0; a < TRACKING_AREAS; a++)
        any = any || r[a].changed;
    if (!any)
        return AP_OK;
    if ((st = store_begin(s)) != AP_OK)
        return st;
    bool exists = false;
    if ((st = rowio_exists(s, "pupil", pupil_id, &exists)) != AP_OK)
        goto fail;
    if (!exists) {
        st = ap_fail(AP_ERR_NOT_FOUND, "there is no pupil %lld (deleted by someone else?)", (long long)pupil_id);
        goto fail;
    }
    /* Only the areas that apply to the pupil are rated (issue 13): by the
     * purposes of the placements running today. */
    {
        sqlite3_stmt *q = NULL;
        const char *what = "reading the pupil's tracking areas";
        if ((st = rowio_prepare(s, "SELECT u.dob, " PURPOSES_SQL("u") " FROM pupil u WHERE u.id = :id", &q, what)) !=
            AP_OK)
            goto fail;
        int rc = sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"), pupil_id);
        if (rc == SQLITE_OK)
            rc = bind_date_named(q, ":today", today);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(q);
        unsigned areas = 0;
        int year = RULES_NO_YEAR_GROUP;
        if (rc == SQLITE_ROW) {
            year = rules_year_group(rowio_date(q, 0), today);
            areas = pupil_areas((const char *)sqlite3_column_text(q, 1), year, th);
            rc = SQLITE_OK;
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_OK) {
            st = store_fail(s, rc, what);
            goto fail;
        }
        for (int a = 0; a < TRACKING_AREAS; a++)
            if (r[a].changed && r[a].rating != 0 && !((areas >> a) & 1u)) {
                char y[16], list[120];
                st = ap_fail(AP_ERR_INVALID, "%s: does not apply to this pupil (%s; tracked in: %s)",
                             LABELS_PROGRESS_AREA[a].text, rules_year_group_name(year, y, sizeof y),
                             tracking_areas_format(areas, list, sizeof list));
                goto fail;
            }
    }
    char week_text[11];
    date_format(week, week_text);
    for (int a = 0; a < TRACKING_AREAS; a++)
        if (r[a].changed && (st = write_area(s, pupil_id, week_text, a, &r[a])) != AP_OK)
            goto fail;
    if ((st = store_commit(s)) != AP_OK)
        return st;
    for (int a = 0; a < TRACKING_AREAS; a++) {
        if (!r[a].changed)
            continue;
        r[a].version = r[a].rating == 0 ? 0 : r[a].version + 1;
        r[a].changed = false;
    }
    return AP_OK;
fail:
    store_rollback(s);
    return st;
}

ap_status tracking_set_rating(struct store *s, int64_t pupil_id, int week, int area, int rating,
                              const char *note, int64_t *version, int today, const struct thresholds *th)
{
    if (area < 0 || area >= TRACKING_AREAS)
        return ap_fail(AP_ERR_INVALID, "Area: not one of the five tracking areas");
    struct tracking_rating r[TRACKING_AREAS];
    memset(r, 0, sizeof r);
    r[area].rating = rating;
    r[area].version = *version;
    r[area].changed = true;
    if (note && strlen(note) >= sizeof r[area].note)
        return ap_fail(AP_ERR_INVALID, "%s: the note is too long (the limit is %d characters)",
                       LABELS_PROGRESS_AREA[area].text, TRACKING_NOTE_SIZE - 1);
    snprintf(r[area].note, sizeof r[area].note, "%s", note ? note : "");
    ap_status st = tracking_save_week(s, pupil_id, week, r, today, th);
    if (st == AP_OK)
        *version = r[area].version;
    return st;
}

/* ---- actions ---- */

void tracking_action_init(struct tracking_action *a)
{
    memset(a, 0, sizeof *a);
    a->due = DATE_NONE;
}

bool tracking_action_overdue(const struct tracking_action *a, int today)
{
    return !a->done && a->due != DATE_NONE && a->due < today;
}

ap_status tracking_action_validate(const struct tracking_action *a)
{
    ap_status st;
    if (a->pupil_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Pupil: an action is about a pupil");
    if ((st = rowio_check_text("Action", a->text, sizeof a->text, true, false)) != AP_OK ||
        (st = rowio_check_text("Owner", a->owner, sizeof a->owner, false, false)) != AP_OK ||
        (st = rowio_check_date("Due", a->due, false, DATE_NONE)) != AP_OK)
        return st;
    return AP_OK;
}

#define ACTION_COLUMNS "id, pupil_id, text, owner, due_date, done, version, updated_at, updated_by"

static void read_action(sqlite3_stmt *st, void *row)
{
    struct tracking_action *a = row;
    memset(a, 0, sizeof *a);
    rowio_read(st, 0, "IIttdbItt", &a->id, &a->pupil_id, ROWIO_BUF(a->text), ROWIO_BUF(a->owner), &a->due, &a->done,
               &a->version, ROWIO_BUF(a->updated_at), ROWIO_BUF(a->updated_by));
}

ap_status tracking_action_list(struct store *s, int64_t pupil_id, struct tracking_action **out, size_t *n)
{
    const char *what = "reading the pupil's actions";
    void *items = NULL;
    ap_status result = rowio_list(s,
                                  "SELECT " ACTION_COLUMNS " FROM tracking_action WHERE pupil_id = ?1 "
                                  "ORDER BY done, CASE WHEN done = 0 THEN due_date IS NULL END, "
                                  "CASE WHEN done = 0 THEN due_date END, "
                                  "CASE WHEN done = 1 THEN due_date END DESC, id",
                                  pupil_id, sizeof **out, read_action, &items, n, what);
    *out = items;
    return result;
}

ap_status tracking_action_get(struct store *s, int64_t id, struct tracking_action *out)
{
    return rowio_get(s, "SELECT " ACTION_COLUMNS " FROM tracking_action WHERE id = ?1", id, read_action, out,
                     "reading the action", "action", true);
}

ap_status tracking_action_insert(struct store *s, struct tracking_action *a)
{
    ap_status st = rowio_begin(s, tracking_action_validate(a));
    if (st != AP_OK)
        return st;
    const char *what = "adding the action";
    st = rowio_need_row(s, "pupil", a->pupil_id, "Pupil");
    struct tracking_action added = *a;
    if (st == AP_OK)
        st = rowio_add(s,
                       "INSERT INTO tracking_action (pupil_id, text, owner, due_date, done, updated_at, "
                       "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id, updated_at, updated_by",
                       what, &added.id, added.updated_at, sizeof added.updated_at, added.updated_by,
                       sizeof added.updated_by, "Ittdis", a->pupil_id, a->text, a->owner, a->due, (int)a->done, s);
    if ((st = rowio_finish(s, st, true, added.id, &added.id, &added.version)) == AP_OK)
        *a = added;
    return st;
}

/* Runs one version-checked UPDATE or DELETE of an action (?1 id, ?2
 * version, then the statement's own from ?3) in its own transaction. */
static ap_status action_write(struct store *s, const char *sql, int64_t id, int64_t version,
                              const struct tracking_action *a, int done, const char *what)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    if (a)
        st = rowio_run(s, sql, what, "IIttdis", id, version, a->text, a->owner, a->due, (int)a->done, s);
    else if (done >= 0)
        st = rowio_run(s, sql, what, "IIis", id, version, (int)done, s);
    else
        st = rowio_run(s, sql, what, "II", id, version);
    if (st == AP_OK)
        st = rowio_changed(s, "tracking_action", id);
    return rowio_end(s, st);
}

ap_status tracking_action_update(struct store *s, struct tracking_action *a)
{
    ap_status st = tracking_action_validate(a);
    if (st != AP_OK)
        return st;
    st = action_write(s,
                      "UPDATE tracking_action SET text = ?3, owner = ?4, due_date = ?5, done = ?6, updated_at = ?7, "
                      "updated_by = ?8, version = version + 1 WHERE id = ?1 AND version = ?2",
                      a->id, a->version, a, -1, "saving the action");
    if (st == AP_OK)
        a->version++;
    return st;
}

ap_status tracking_action_set_done(struct store *s, int64_t id, int64_t *version, bool done)
{
    ap_status st = action_write(s,
                                "UPDATE tracking_action SET done = ?3, updated_at = ?4, updated_by = ?5, "
                                "version = version + 1 WHERE id = ?1 AND version = ?2",
                                id, *version, NULL, done ? 1 : 0, "marking the action done");
    if (st == AP_OK)
        (*version)++;
    return st;
}

ap_status tracking_action_delete(struct store *s, int64_t id, int64_t version)
{
    return action_write(s, "DELETE FROM tracking_action WHERE id = ?1 AND version = ?2", id, version, NULL, -1,
                        "deleting the action");
}
