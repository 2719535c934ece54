#include "roll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "rowio.h"

/* Field separators inside the aggregated provider list (never in names:
 * rowio_check_text refuses control characters). */
#define SEP_FIELD "\x1f"
#define SEP_ROW "\x1e"

/* A placement running on date (as db/flags.c's ACTIVE_TODAY). */
#define ACTIVE_ON(l, d) \
    l ".status = 'active' AND " l ".start_date <= " d " AND (" l ".end_date IS NULL OR " l ".end_date >= " d ")"

/* Cut at a character boundary so that dst (len bytes) holds a prefix of src. */
static void copy_cut(char *dst, size_t len, const char *src, size_t n)
{
    if (!len)
        return;
    if (n >= len) {
        n = len - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void roll_display_name(char *dst, size_t len, const char *preferred, const char *forename, const char *surname)
{
    const char *first = preferred && preferred[0] ? preferred : forename ? forename : "";
    const char *last = surname ? surname : "";
    char buf[512];
    int w = snprintf(buf, sizeof buf, "%s%s%s", first, first[0] && last[0] ? " " : "", last);
    copy_cut(dst, len, buf, w < 0 ? 0 : (size_t)w < sizeof buf ? (size_t)w : sizeof buf - 1);
}

/* ---- the arena: strings and id lists of a roll, in blocks that never move ---- */

struct roll_arena {
    struct roll_arena *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

static void *arena_alloc(struct roll_arena **head, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct roll_arena *a = *head;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        struct roll_arena *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a;
        b->used = 0;
        b->cap = cap;
        *head = a = b;
    }
    void *p = a->data + a->used;
    a->used += n;
    return p;
}

static const char *arena_text(struct roll_arena **head, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *p = arena_alloc(head, n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void arena_free(struct roll_arena *a)
{
    while (a) {
        struct roll_arena *next = a->next;
        free(a);
        a = next;
    }
}

/* ---- the roll ---- */

void roll_free(struct roll *r)
{
    if (!r)
        return;
    free(r->rows);
    arena_free(r->arena);
    free(r);
}

const struct roll_row *roll_find(const struct roll *r, int64_t pupil_id)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (r->rows[i].id == pupil_id)
            return &r->rows[i];
    return NULL;
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
    sqlite3_stmt *st = NULL;
    const char *what = "reading the terms";
    ap_status result = rowio_prepare(s,
                                     "SELECT start_date, end_date, name, academic_year FROM term "
                                     "WHERE start_date <= ?1 ORDER BY start_date DESC LIMIT 1",
                                     &st, what);
    if (result != AP_OK)
        return result;
    char day[11];
    int rc = sqlite3_bind_text(st, 1, date_format(r->today, day), -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r->term_start = rowio_date(st, 0);
        r->term_end = rowio_date(st, 1);
        r->have_term = r->term_start != DATE_NONE && r->term_end != DATE_NONE;
        snprintf(r->term_name, sizeof r->term_name, "%s %s", (const char *)sqlite3_column_text(st, 2),
                 (const char *)sqlite3_column_text(st, 3));
    } else if (rc != SQLITE_DONE) {
        result = store_fail(s, rc, what);
    }
    sqlite3_finalize(st);
    return result;
}

struct placed {
    const char *name;
    int64_t id;
};

static int placed_cmp(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    if (c)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Splits "name US id RS name US id ..." (the aggregate of the query) into
 * the row's providers, sorted by name, joined with ", ". */
static bool set_providers(struct roll_arena **arena, struct roll_row *row, const char *agg)
{
    row->providers = "";
    row->provider_ids = NULL;
    row->n_providers = 0;
    if (!agg || !*agg)
        return true;
    size_t n = 1;
    for (const char *p = agg; *p; p++)
        n += *p == SEP_ROW[0];
    char *copy = arena_alloc(arena, strlen(agg) + 1);
    struct placed *list = malloc(n * sizeof *list);
    int64_t *ids = arena_alloc(arena, n * sizeof *ids);
    if (!copy || !list || !ids) {
        free(list);
        return false;
    }
    strcpy(copy, agg);
    size_t k = 0, total = 0;
    for (char *item = copy; item && k < n;) {
        char *next = strchr(item, SEP_ROW[0]);
        if (next)
            *next++ = '\0';
        char *sep = strchr(item, SEP_FIELD[0]);
        if (sep) {
            *sep = '\0';
            list[k].name = item;
            list[k].id = strtoll(sep + 1, NULL, 10);
            total += strlen(item) + 2;
            k++;
        }
        item = next;
    }
    qsort(list, k, sizeof *list, placed_cmp);
    char *joined = arena_alloc(arena, total + 1);
    if (!joined) {
        free(list);
        return false;
    }
    joined[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(list[i].name);
        if (i) {
            memcpy(joined + used, ", ", 2);
            used += 2;
        }
        memcpy(joined + used, list[i].name, len);
        used += len;
        ids[i] = list[i].id;
    }
    joined[used] = '\0';
    free(list);
    row->providers = joined;
    row->provider_ids = ids;
    row->n_providers = k;
    return true;
}

/* One statement: every pupil with the school, the active placements today
 * (aggregated per pupil and provider) and the term's attendance, summed
 * from attendance_week by primary key for each pupil. */
static const char ROLL_SQL[] =
    "WITH now_pl AS ("
    "  SELECT l.pupil_id, l.provider_id, "
    "    total((SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id)) AS hours "
    "  FROM placement l WHERE " ACTIVE_ON("l", ":today") " GROUP BY l.pupil_id, l.provider_id), "
    "per_pupil AS ("
    "  SELECT n.pupil_id, group_concat(v.name || char(31) || n.provider_id, char(30)) AS placed, "
    "    total(n.hours) AS hours "
    "  FROM now_pl n JOIN provider v ON v.id = n.provider_id GROUP BY n.pupil_id) "
    "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.upn, u.dob, u.home_school_id, "
    "  ifnull(sc.name, ''), u.roll_status, u.cohort, u.plan, u.cla, u.fsm, u.start_date, u.end_date, "
    "  p.placed, ifnull(p.hours, 0), "
    "  (SELECT total(w.possible) FROM attendance_week w "
    "   WHERE w.pupil_id = u.id AND w.week BETWEEN :ws AND :we), "
    "  (SELECT total(w.attending) FROM attendance_week w "
    "   WHERE w.pupil_id = u.id AND w.week BETWEEN :ws AND :we) "
    "FROM pupil u LEFT JOIN school sc ON sc.id = u.home_school_id "
    "LEFT JOIN per_pupil p ON p.pupil_id = u.id "
    "ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id";

static int bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : SQLITE_OK;
}

static int bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

ap_status roll_load(struct store *s, int today, struct roll **out)
{
    *out = NULL;
    const char *what = "loading the roll";
    struct roll *r = calloc(1, sizeof *r);
    if (!r)
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    r->today = today;
    r->term_start = r->term_end = DATE_NONE;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    /* One read transaction: the term and the pupils are the same snapshot. */
    bool began = sqlite3_get_autocommit(store_db(s)) &&
                 sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    ap_status result = load_term(s, r);
    if (result == AP_OK)
        result = rowio_prepare(s, ROLL_SQL, &st, what);
    if (result != AP_OK)
        goto done;
    /* With no term, an empty week range: no attendance figure. */
    int ws = r->have_term ? r->term_start - date_weekday(r->term_start) : 1;
    int we = r->have_term ? r->term_end : 0;
    char day[11];
    int rc = bind_named_text(st, ":today", date_format(today, day));
    if (rc == SQLITE_OK)
        rc = bind_named_int(st, ":ws", ws);
    if (rc == SQLITE_OK)
        rc = bind_named_int(st, ":we", we);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roll_row *grown = rowio_grow(r->rows, &cap, r->n, sizeof *r->rows);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        r->rows = grown;
        struct roll_row *row = &r->rows[r->n];
        memset(row, 0, sizeof *row);
        const char *preferred = (const char *)sqlite3_column_text(st, 1);
        const char *forename = (const char *)sqlite3_column_text(st, 2);
        const char *surname = (const char *)sqlite3_column_text(st, 3);
        char name[512];
        roll_display_name(name, sizeof name, preferred, forename, surname);
        row->id = sqlite3_column_int64(st, 0);
        row->display_name = arena_text(&r->arena, name);
        row->preferred_name = arena_text(&r->arena, preferred);
        row->legal_forename = arena_text(&r->arena, forename);
        row->legal_surname = arena_text(&r->arena, surname);
        rowio_text(st, 4, row->upn, sizeof row->upn);
        row->dob = rowio_date(st, 5);
        row->year_group = rules_year_group(row->dob, today);
        row->home_school_id = sqlite3_column_int64(st, 6);
        row->home_school = arena_text(&r->arena, (const char *)sqlite3_column_text(st, 7));
        rowio_text(st, 8, row->roll_status, sizeof row->roll_status);
        rowio_text(st, 9, row->cohort, sizeof row->cohort);
        rowio_text(st, 10, row->plan, sizeof row->plan);
        row->cla = sqlite3_column_int(st, 11) != 0;
        row->fsm = sqlite3_column_int(st, 12) != 0;
        row->start_date = rowio_date(st, 13);
        row->end_date = rowio_date(st, 14);
        row->on_roll = row->end_date == DATE_NONE || row->end_date >= today;
        bool ok = row->display_name && row->preferred_name && row->legal_forename && row->legal_surname &&
                  row->home_school &&
                  set_providers(&r->arena, row, (const char *)sqlite3_column_text(st, 15));
        row->weekly_hours = sqlite3_column_double(st, 16);
        row->possible = sqlite3_column_int(st, 17);
        row->attending = sqlite3_column_int(st, 18);
        struct attendance_tally t = {{0}};
        t.n[CAT_PRESENT] = row->attending;
        t.n[CAT_UNAUTHORISED] = row->possible - row->attending;
        row->has_attendance = rules_attendance_pct(&t, &row->attendance_pct);
        if (!ok) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        r->n++;
        rc = SQLITE_OK;
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
done:
    sqlite3_finalize(st);
    if (began)
        sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
    if (result != AP_OK) {
        roll_free(r);
        return result;
    }
    *out = r;
    return AP_OK;
}

/* ---- the provider list ---- */

void provider_list_free(struct provider_list *l)
{
    if (!l)
        return;
    free(l->rows);
    free(l);
}

static bool state_maintained(const char *registration)
{
    return strcmp(registration, "maintained_school") == 0 || strcmp(registration, "pru") == 0 ||
           strcmp(registration, "academy") == 0;
}

static double ratio(int64_t cover, int64_t minimum)
{
    return minimum > 0 ? (double)cover / (double)minimum : 1e9;
}

static void set_insurance(struct provider_list_row *row, const struct rules_insurance *ins,
                          const struct thresholds *th)
{
    row->insurance_why[0] = '\0';
    if (state_maintained(row->registration)) {
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

static int row_by_id_cmp(const void *key, const void *elem)
{
    int64_t id = *(const int64_t *)key;
    const struct provider_list_row *const *row = elem;
    return id < (*row)->id ? -1 : id > (*row)->id;
}

static int row_ptr_cmp(const void *a, const void *b)
{
    const struct provider_list_row *const *x = a, *const *y = b;
    return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

ap_status provider_list_load(struct store *s, const struct thresholds *th, int today, struct provider_list **out)
{
    *out = NULL;
    const char *what = "loading the providers";
    struct provider_list *l = calloc(1, sizeof *l);
    if (!l)
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    struct provider_list_row **by_id = NULL;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    char day[11];
    date_format(today, day);
    bool began = sqlite3_get_autocommit(store_db(s)) &&
                 sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    /* 1. Every provider with its insurance and its latest closed Stage 1 and 2 visits. */
    ap_status result = rowio_prepare(
        s,
        "WITH qa AS (SELECT provider_id, "
        "    max(CASE WHEN stage = 'stage1' THEN visit_date END) AS s1, "
        "    max(CASE WHEN stage = 'stage2' THEN visit_date END) AS s2 "
        "  FROM qa_visit WHERE closed = 1 GROUP BY provider_id) "
        "SELECT v.id, v.name, v.registration, v.status, v.public_liability, v.employers_liability, "
        "  v.professional_indemnity, v.motor_cover, v.subcontractor_cover, qa.s1, qa.s2 "
        "FROM provider v LEFT JOIN qa ON qa.provider_id = v.id "
        "ORDER BY v.name COLLATE NOCASE, v.id",
        &st, what);
    if (result != AP_OK)
        goto done;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct provider_list_row *grown = rowio_grow(l->rows, &cap, l->n, sizeof *l->rows);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        l->rows = grown;
        struct provider_list_row *row = &l->rows[l->n++];
        memset(row, 0, sizeof *row);
        row->id = sqlite3_column_int64(st, 0);
        rowio_text(st, 1, row->name, sizeof row->name);
        rowio_text(st, 2, row->registration, sizeof row->registration);
        rowio_text(st, 3, row->status, sizeof row->status);
        struct rules_insurance ins = {
            .public_liability = sqlite3_column_int64(st, 4),
            .employers_liability = sqlite3_column_int64(st, 5),
            .professional_indemnity = sqlite3_column_int64(st, 6),
            .motor = sqlite3_column_int(st, 7) != 0,
            .subcontractor = sqlite3_column_int(st, 8) != 0,
        };
        set_insurance(row, &ins, th);
        row->last_stage1 = rowio_date(st, 9);
        row->last_stage2 = rowio_date(st, 10);
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    st = NULL;
    if (result != AP_OK || l->n == 0)
        goto done;

    /* 2. Each pupil's weekly hours at each provider over the active placements
     *    today; full time is decided by rules_full_time, as the flags do. */
    by_id = malloc(l->n * sizeof *by_id);
    if (!by_id) {
        result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
        goto done;
    }
    for (size_t i = 0; i < l->n; i++)
        by_id[i] = &l->rows[i];
    qsort(by_id, l->n, sizeof *by_id, row_ptr_cmp);
    if ((result = rowio_prepare(s,
                                "SELECT l.provider_id, "
                                "  total((SELECT total(t.hours) FROM placement_session t "
                                "         WHERE t.placement_id = l.id)) "
                                "FROM placement l WHERE " ACTIVE_ON("l", "?1") " "
                                "GROUP BY l.provider_id, l.pupil_id",
                                &st, what)) != AP_OK)
        goto done;
    rc = sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        struct provider_list_row **hit = bsearch(&id, by_id, l->n, sizeof *by_id, row_by_id_cmp);
        if (hit) {
            (*hit)->pupils_now++;
            (*hit)->fulltime_now += rules_full_time(sqlite3_column_double(st, 1), th);
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
done:
    sqlite3_finalize(st);
    free(by_id);
    if (began)
        sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
    if (result != AP_OK) {
        provider_list_free(l);
        return result;
    }
    *out = l;
    return AP_OK;
}
