#include "qa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "date.h"
#include "labels.h"
#include "rowio.h"
#include "seed.h"

/* ---- Stages ------------------------------------------------------------------- */

static const char *const stage_codes[QA_STAGE_COUNT] = {"stage1", "stage2", "monitoring"};
static const char *const stage_names[QA_STAGE_COUNT] = {"Stage 1", "Stage 2", "Monitoring"};

const char *qa_stage_code(enum qa_stage stage)
{
    return (unsigned)stage < QA_STAGE_COUNT ? stage_codes[stage] : NULL;
}

const char *qa_stage_name(enum qa_stage stage)
{
    return (unsigned)stage < QA_STAGE_COUNT ? stage_names[stage] : NULL;
}

bool qa_stage_parse(const char *code, enum qa_stage *out)
{
    for (int i = 0; code && i < QA_STAGE_COUNT; i++)
        if (strcmp(code, stage_codes[i]) == 0) {
            *out = (enum qa_stage)i;
            return true;
        }
    return false;
}

bool qa_stage_of_template(const char *template_stage, enum qa_stage *out)
{
    if (template_stage && strcmp(template_stage, "checks") == 0) {
        *out = QA_STAGE1;
        return true;
    }
    return qa_stage_parse(template_stage, out);
}

int qa_next_due(enum qa_stage stage, int visit_date, bool followup, const struct thresholds *th)
{
    if (visit_date == DATE_NONE)
        return DATE_NONE;
    int due;
    switch (stage) {
    case QA_STAGE1: due = date_add_months(visit_date, th->qa_stage1_months); break;
    case QA_STAGE2: due = date_add_months(visit_date, th->qa_stage2_months); break;
    case QA_MONITORING: due = visit_date + th->monitoring_days; break;
    default: return DATE_NONE;
    }
    if (followup && visit_date + th->qa_followup_days < due)
        due = visit_date + th->qa_followup_days;
    return due;
}

static const char *answer_codes[] = {NULL, "yes", "no", "na"};

const char *qa_answer_code(enum qa_answer a)
{
    return (unsigned)a <= QA_NA ? answer_codes[a] : NULL;
}

static enum qa_answer answer_parse(const unsigned char *text)
{
    for (int i = 1; text && i <= QA_NA; i++)
        if (strcmp((const char *)text, answer_codes[i]) == 0)
            return (enum qa_answer)i;
    return QA_UNANSWERED;
}

/* ---- Small helpers --------------------------------------------------------------- */

static ap_status nomem(const char *what)
{
    return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
}

static int bind_date_text(sqlite3_stmt *st, const char *name, int date, char buf[11])
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i <= 0)
        return SQLITE_OK;
    if (date == DATE_NONE)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, date_format(date, buf), -1, SQLITE_STATIC);
}

static int bind_named_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i > 0 ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

/* Runs fn inside a read transaction of our own unless the caller holds one,
 * so that every statement of a read sees the same snapshot. */
static ap_status read_begin(struct store *s, bool *own, const char *what)
{
    *own = sqlite3_get_autocommit(store_db(s)) != 0;
    if (!*own)
        return AP_OK;
    int rc = sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL);
    return rc == SQLITE_OK ? AP_OK : store_fail(s, rc, what);
}

static void read_end(struct store *s, bool own)
{
    if (own && !sqlite3_get_autocommit(store_db(s)))
        sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
}

/* ---- Open safeguarding "No"s ------------------------------------------------------- */

/* The latest "No" to each safeguarding item with no later Yes or No to the
 * same question (template key and wording) at the same provider. A later
 * No supersedes an earlier one, so each question is reported once. */
static const char *const open_no_sql =
    "SELECT v.provider_id, v.id, v.visit_date, v.stage, i.section, i.text "
    "FROM qa_visit v "
    "JOIN qa_answer a ON a.visit_id = v.id "
    "JOIN qa_template_item i ON i.id = a.item_id "
    "JOIN qa_template t ON t.id = i.template_id "
    "WHERE a.answer = 'no' AND i.safeguarding = 1 AND v.visit_date <= :today "
    "  AND v.provider_id BETWEEN :prov_lo AND :prov_hi " /* every provider, or one: through the index */
    "  AND NOT EXISTS ("
    "    SELECT 1 FROM qa_visit_counted v2 JOIN qa_answer a2 ON a2.visit_id = v2.id "
    "    WHERE v2.provider_id = v.provider_id AND v2.visit_date <= :today "
    "      AND (v2.visit_date > v.visit_date OR (v2.visit_date = v.visit_date AND v2.id > v.id)) "
    "      AND a2.answer IN ('yes', 'no') "
    "      AND a2.item_id IN (SELECT i3.id FROM qa_template_item i3 JOIN qa_template t3 ON t3.id = i3.template_id "
    "                         WHERE t3.key = t.key AND i3.text = i.text)) "
    "ORDER BY v.provider_id, v.visit_date DESC, v.id DESC";

/* Binds :today, and :prov_lo and :prov_hi to every provider or the one
 * provider_id when not 0 (d holds today's text while st runs). */
static int bind_provider_read(sqlite3_stmt *st, int today, int64_t provider_id, char d[11])
{
    int rc = bind_date_text(st, ":today", today, d);
    if (rc == SQLITE_OK)
        rc = bind_named_int64(st, ":prov_lo", provider_id ? provider_id : INT64_MIN);
    if (rc == SQLITE_OK)
        rc = bind_named_int64(st, ":prov_hi", provider_id ? provider_id : INT64_MAX);
    return rc;
}

ap_status qa_safeguarding_open(struct store *s, int today, int64_t provider_id, qa_open_no_fn fn, void *ctx)
{
    const char *what = "reading the safeguarding answers";
    sqlite3_stmt *st = NULL;
    /* Kept prepared: the flags of a provider read it after each change. */
    ap_status result = rowio_prepare_kept(s, open_no_sql, &st, what);
    if (result != AP_OK)
        return result;
    char d[11];
    int rc = bind_provider_read(st, today, provider_id, d);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct qa_open_no r = {
            .provider_id = sqlite3_column_int64(st, 0),
            .visit_id = sqlite3_column_int64(st, 1),
            .visit_date = rowio_date(st, 2),
            .stage = (const char *)sqlite3_column_text(st, 3),
            .section = (const char *)sqlite3_column_text(st, 4),
            .text = (const char *)sqlite3_column_text(st, 5),
        };
        if (!r.stage)
            r.stage = "";
        if (!r.section)
            r.section = "";
        if (!r.text)
            r.text = "";
        if (fn)
            fn(ctx, &r);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    return result;
}

/* ---- Counted visits by provider ------------------------------------------------------ */

ap_status qa_counted_each(struct store *s, int today, int since, int64_t provider_id, qa_counted_fn fn, void *ctx)
{
    const char *what = "reading the providers' QA visits";
    sqlite3_stmt *st = NULL;
    /* Kept prepared: the flags of a provider read it after each change. */
    ap_status result = rowio_prepare_kept(s,
                                          "SELECT provider_id, stage, visit_date, coalesce(outcome, '') "
                                          "FROM qa_visit_counted WHERE closed = 1 AND visit_date <= :today "
                                          "AND provider_id BETWEEN :prov_lo AND :prov_hi "
                                          "ORDER BY provider_id, visit_date, id",
                                          &st, what);
    if (result != AP_OK)
        return result;
    char d[11];
    int rc = bind_provider_read(st, today, provider_id, d);
    struct qa_counted c = {0};
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t pid = sqlite3_column_int64(st, 0);
        if (pid != c.provider_id) { /* ids are from 1 */
            if (c.provider_id && fn)
                fn(ctx, &c);
            c = (struct qa_counted){.provider_id = pid};
            c.last_stage1 = c.first_stage1 = c.last_stage2 = c.last_visit = DATE_NONE;
        }
        const char *stage = (const char *)sqlite3_column_text(st, 1), *outcome = (const char *)sqlite3_column_text(st, 3);
        stage = stage ? stage : "";
        outcome = outcome ? outcome : "";
        int date = rowio_date(st, 2);
        c.last_visit = date;
        rowio_copy(c.last_visit_stage, sizeof c.last_visit_stage, stage);
        if (date >= since)
            c.visits_since++;
        if (strcmp(stage, "stage1") == 0) {
            if (c.first_stage1 == DATE_NONE)
                c.first_stage1 = date;
            c.last_stage1 = date;
            rowio_copy(c.stage1_outcome, sizeof c.stage1_outcome, outcome);
        } else if (strcmp(stage, "stage2") == 0) {
            c.last_stage2 = date;
            rowio_copy(c.stage2_outcome, sizeof c.stage2_outcome, outcome);
        }
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE && c.provider_id && fn)
        fn(ctx, &c);
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    return result;
}

/* ---- When visits are due ------------------------------------------------------------- */

enum {
    OV_ID, OV_NAME, OV_REG, OV_STATUS, OV_LAST1, OV_FIRST1, OV_LAST2, OV_LASTANY, OV_TERM_VISITS, OV_CONCERN,
    OV_FIRST_USED, OV_SINCE, OV_PLACED, OV_PROPOSED, OV_OPEN, OV_BAD1, OV_BAD2,
};

/* The facts of the QA rules, as db/flags.c reads them. */
static const char *const overview_sql =
    "SELECT p.id, p.name, p.registration, p.status, " QA_PROVIDER_FACTS_SQL
    "  (SELECT count(*) FROM qa_visit v WHERE v.provider_id = p.id AND v.closed = 0), "
    "  " QA_SQL_UNSATISFACTORY("stage1") ", " QA_SQL_UNSATISFACTORY("stage2") " "
    "FROM provider p WHERE (:provider = 0 OR p.id = :provider) "
    "ORDER BY p.name COLLATE NOCASE, p.id";

/* What a provider row needs beyond what it shows. */
struct facts {
    int last1, first1, last2, last_any, term_visits, concern, first_used, since;
    bool bad1, bad2;      /* the latest counted Stage 1 / Stage 2 found it Unsatisfactory */
    int count_after;      /* attended sessions after this day count; DATE_NONE: not counted */
    int sessions;         /* the most any one learner attended since (seed 002) */
    int64_t count_pupil;  /* the learner being counted, and their count so far */
    int pupil_sessions;
};

struct overview_load {
    struct store *s;
    const struct thresholds *th;
    int today;
    int64_t provider_id;
    struct qa_overview *o;
    struct facts *facts;
    bool term_now;
    int term_start;
};

static int row_by_id(const struct qa_overview *o, int64_t id)
{
    /* rows are still in the query's (name) order: a linear look-up is only
     * used per mark day and per open "No", over a few hundred providers. */
    for (size_t i = 0; i < o->n; i++)
        if (o->rows[i].id == id)
            return (int)i;
    return -1;
}

static ap_status load_term(struct overview_load *L)
{
    struct term_info t;
    bool found = false;
    ap_status result = calendar_term_begun(L->s, L->today, &t, &found);
    L->term_now = found && L->today <= t.end;
    L->term_start = L->term_now ? t.start : DATE_NONE;
    return result;
}

static ap_status load_providers(struct overview_load *L)
{
    const char *what = "reading the providers' QA visits";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(L->s, overview_sql, &st, what);
    if (result != AP_OK)
        return result;
    char d1[11], d2[11];
    int rc = bind_date_text(st, ":today", L->today, d1);
    if (rc == SQLITE_OK)
        rc = bind_date_text(st, ":term_start", L->term_now ? L->term_start : DATE_NONE, d2);
    if (rc == SQLITE_OK)
        rc = bind_named_int64(st, ":provider", L->provider_id);
    size_t cap = 0, fcap = 0;
    struct qa_overview *o = L->o;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        size_t fc = fcap;
        struct qa_provider_row *rows = rowio_grow(o->rows, &cap, o->n, sizeof *o->rows);
        if (rows)
            o->rows = rows;
        struct facts *facts = rowio_grow(L->facts, &fc, o->n, sizeof *L->facts);
        if (facts) {
            L->facts = facts;
            fcap = fc;
        }
        if (!rows || !facts) {
            result = nomem(what);
            break;
        }
        struct qa_provider_row *r = &o->rows[o->n];
        struct facts *f = &L->facts[o->n];
        o->n++;
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, OV_ID);
        rowio_text(st, OV_NAME, r->name, sizeof r->name);
        const char *reg = (const char *)sqlite3_column_text(st, OV_REG);
        reg = reg ? reg : "";
        r->state_maintained = rules_state_maintained(reg);
        rowio_text(st, OV_STATUS, r->status, sizeof r->status);
        r->placed = sqlite3_column_int(st, OV_PLACED);
        r->in_use = r->placed > 0 || sqlite3_column_int(st, OV_PROPOSED) > 0;
        r->open_visits = sqlite3_column_int(st, OV_OPEN);
        r->worst_due = DATE_NONE;
        *f = (struct facts){
            .last1 = rowio_date(st, OV_LAST1),
            .first1 = rowio_date(st, OV_FIRST1),
            .last2 = rowio_date(st, OV_LAST2),
            .last_any = rowio_date(st, OV_LASTANY),
            .term_visits = sqlite3_column_int(st, OV_TERM_VISITS),
            .concern = rowio_date(st, OV_CONCERN),
            .first_used = rowio_date(st, OV_FIRST_USED),
            .since = rowio_date(st, OV_SINCE),
            .bad1 = sqlite3_column_int(st, OV_BAD1) != 0,
            .bad2 = sqlite3_column_int(st, OV_BAD2) != 0,
            .count_after = DATE_NONE,
        };
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(L->s, rc, what);
    sqlite3_finalize(st);
    return result;
}

int qa_count_after(int last_visit, int since, int today, const struct thresholds *th, bool *due_by_date)
{
    int base = last_visit != DATE_NONE ? last_visit : since;
    *due_by_date = base != DATE_NONE && th->monitoring_days > 0 && today >= base + th->monitoring_days;
    if (base == DATE_NONE)
        return DATE_NONE;
    return last_visit != DATE_NONE ? last_visit : since - 1;
}

/* The most sessions any one learner attended at each provider since its
 * last visit, for the monitoring rule's "every ten sessions". Counted only while the visit is
 * not already due by date (then the count changes nothing), so the marks
 * read are at most monitoring_days old. */
static ap_status count_sessions(struct overview_load *L)
{
    const struct thresholds *th = L->th;
    if (th->monitoring_sessions <= 0)
        return AP_OK;
    int from = L->today + 1;
    for (size_t i = 0; i < L->o->n; i++) {
        const struct qa_provider_row *r = &L->o->rows[i];
        struct facts *f = &L->facts[i];
        if (r->state_maintained || r->placed == 0)
            continue;
        bool due_by_date = false;
        int after = qa_count_after(f->last_any, f->since, L->today, th, &due_by_date);
        if (after == DATE_NONE || due_by_date)
            continue;
        f->count_after = after;
        if (f->count_after + 1 < from)
            from = f->count_after + 1;
    }
    if (from > L->today)
        return AP_OK;
    const char *what = "reading the sessions attended since the last visits";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(L->s,
                                     /* Pupil by pupil through the marks' primary key, as
                                      * db/flags.c reads them: a few weeks of each pupil's
                                      * marks lie together, where the day index would
                                      * jump about the whole table. */
                                     "SELECT m.provider_id, m.day, count(*), m.pupil_id "
                                     "FROM pupil u CROSS JOIN attendance_mark m ON m.pupil_id = u.id "
                                     "JOIN attendance_code c ON c.code_set = ?1 AND c.code = m.code "
                                     "WHERE m.day >= ?2 AND m.day <= ?3 AND m.provider_id IS NOT NULL "
                                     "  AND (?4 = 0 OR m.provider_id = ?4) AND c.category IN ('present', 'aea') "
                                     "GROUP BY m.provider_id, m.pupil_id, m.day "
                                     "ORDER BY m.provider_id, m.pupil_id",
                                     &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "TiiI", store_code_set(L->s), (int)from, (int)L->today, L->provider_id);
    int64_t last_id = 0;
    int at = -1;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != last_id) {
            last_id = id;
            at = row_by_id(L->o, id);
        }
        if (at < 0)
            continue;
        struct facts *f = &L->facts[at];
        /* Each learner's own sessions (seed 002), never pooled. */
        if (f->count_after != DATE_NONE && sqlite3_column_int(st, 1) > f->count_after) {
            int64_t pupil = sqlite3_column_int64(st, 3);
            if (pupil != f->count_pupil) {
                f->count_pupil = pupil;
                f->pupil_sessions = 0;
            }
            f->pupil_sessions += sqlite3_column_int(st, 2);
            if (f->pupil_sessions > f->sessions)
                f->sessions = f->pupil_sessions;
        }
    }
    if (rc != SQLITE_DONE)
        result = store_fail(L->s, rc, what);
    sqlite3_finalize(st);
    return result;
}

static void count_open_no(void *ctx, const struct qa_open_no *r)
{
    struct overview_load *L = ctx;
    int at = row_by_id(L->o, r->provider_id);
    if (at >= 0)
        L->o->rows[at].sg_open++;
}

static void set_due(struct qa_due *d, enum flag_level level, const char *why)
{
    d->level = level;
    if (rules_flag_raised(level))
        rowio_copy(d->why, sizeof d->why, why);
    else
        d->why[0] = '\0';
}

static void evaluate(struct overview_load *L, struct qa_provider_row *r, const struct facts *f)
{
    const struct thresholds *th = L->th;
    char why[RULES_WHY_LEN];
    struct qa_due *s1 = &r->due[QA_STAGE1], *s2 = &r->due[QA_STAGE2], *mon = &r->due[QA_MONITORING];
    s1->last = f->last1;
    s2->last = f->last2;
    mon->last = f->last_any;
    bool rules = r->in_use && !r->state_maintained;

    /* Stage 1 */
    s1->applies = rules;
    if (rules)
        set_due(s1, rules_qa_stage1(f->last1, f->bad1, L->today, th, &s1->due, why, sizeof why), why);
    else
        s1->due = qa_next_due(QA_STAGE1, f->last1, f->bad1, th);

    /* Stage 2: from the last Stage 2, else from when the provider was first
     * used (its first placement, else its first Stage 1), as db/flags.c. */
    int since = f->first_used != DATE_NONE ? f->first_used : f->first1;
    s2->applies = rules && (f->last2 != DATE_NONE || since != DATE_NONE || f->concern != DATE_NONE);
    if (s2->applies)
        set_due(s2, rules_qa_stage2(f->last2, f->bad2, since, f->concern, L->today, th, &s2->due, why, sizeof why),
                why);
    else
        s2->due = qa_next_due(QA_STAGE2, f->last2, f->bad2, th);

    /* Monitoring: while pupils are placed. */
    mon->applies = rules && r->placed > 0;
    if (mon->applies) {
        int sessions = f->count_after != DATE_NONE ? f->sessions : 0;
        set_due(mon,
                rules_monitoring(f->last_any, f->since, sessions, f->term_visits,
                                 L->term_now ? L->term_start : DATE_NONE, L->today, th, &mon->due, why, sizeof why),
                why);
    } else {
        mon->due = DATE_NONE;
    }

    qa_row_worst(r);
}

void qa_row_worst(struct qa_provider_row *r)
{
    r->worst = FLAG_NONE;
    r->worst_due = DATE_NONE;
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        const struct qa_due *d = &r->due[k];
        if (!rules_flag_raised(d->level))
            continue;
        r->worst = rules_flag_worst(r->worst, d->level);
        if (d->due != DATE_NONE && (r->worst_due == DATE_NONE || d->due < r->worst_due))
            r->worst_due = d->due;
    }
    if (r->in_use && r->sg_open > 0)
        r->worst = FLAG_RED;
}

/* Sorting: most overdue first (see qa.h). */
static int sort_group(const struct qa_provider_row *r)
{
    if (!r->in_use)
        return 3;
    if (r->worst == FLAG_RED)
        return 0;
    if (r->worst == FLAG_AMBER)
        return 1;
    return 2;
}

static int earliest_due(const struct qa_provider_row *r)
{
    if (rules_flag_raised(r->worst))
        return r->worst_due == DATE_NONE ? -DATE_NONE - 1 : r->worst_due; /* an open No alone: after the dates */
    int best = DATE_NONE;
    for (int k = 0; k < QA_STAGE_COUNT; k++)
        if (r->due[k].applies && r->due[k].due != DATE_NONE && (best == DATE_NONE || r->due[k].due < best))
            best = r->due[k].due;
    return best == DATE_NONE ? -DATE_NONE : best; /* nothing due: last */
}

static int overview_cmp(const void *a, const void *b)
{
    const struct qa_provider_row *x = a, *y = b;
    int gx = sort_group(x), gy = sort_group(y);
    if (gx != gy)
        return gx - gy;
    if (gx < 3) {
        int dx = earliest_due(x), dy = earliest_due(y);
        if (dx != dy)
            return dx < dy ? -1 : 1;
    }
    int c = strcasecmp(x->name, y->name);
    if (c)
        return c;
    return (x->id > y->id) - (x->id < y->id);
}

ap_status qa_overview_load(struct store *s, const struct thresholds *th, int today, int64_t provider_id,
                           struct qa_overview **out)
{
    *out = NULL;
    struct qa_overview *o = calloc(1, sizeof *o);
    if (!o)
        return nomem("reading the providers' QA visits");
    struct overview_load L = {.s = s, .th = th, .today = today, .provider_id = provider_id, .o = o};
    bool own;
    ap_status st = read_begin(s, &own, "reading the providers' QA visits");
    if (st == AP_OK) {
        if ((st = load_term(&L)) == AP_OK && (st = load_providers(&L)) == AP_OK &&
            (st = count_sessions(&L)) == AP_OK)
            st = qa_safeguarding_open(s, today, provider_id, count_open_no, &L);
        read_end(s, own);
    }
    if (st == AP_OK) {
        for (size_t i = 0; i < o->n; i++)
            evaluate(&L, &o->rows[i], &L.facts[i]);
        qa_overview_sort(o);
        *out = o;
    } else {
        qa_overview_free(o);
    }
    free(L.facts);
    return st;
}

void qa_overview_sort(struct qa_overview *o)
{
    if (o && o->n)
        qsort(o->rows, o->n, sizeof *o->rows, overview_cmp);
}

void qa_overview_free(struct qa_overview *o)
{
    if (!o)
        return;
    free(o->rows);
    free(o);
}

/* ---- Templates ---------------------------------------------------------------------- */

#define TEMPLATE_SELECT                                                                                    \
    "SELECT t.id, t.key, t.title, t.stage, t.revision, "                                                 \
    "  t.revision = (SELECT max(x.revision) FROM qa_template x WHERE x.key = t.key), "                   \
    "  (SELECT count(*) FROM qa_template_item i WHERE i.template_id = t.id), "                           \
    "  (SELECT count(*) FROM qa_template_item i WHERE i.template_id = t.id AND i.safeguarding = 1), "    \
    "  (SELECT count(*) FROM qa_visit v WHERE v.template_id = t.id), t.loaded_at, t.loaded_by "          \
    "FROM qa_template t "
#define TEMPLATE_ORDER                                                                                     \
    " ORDER BY CASE t.stage WHEN 'stage1' THEN 0 WHEN 'stage2' THEN 1 WHEN 'monitoring' THEN 2 ELSE 3 END, " \
    "t.key, t.revision"

static void read_template(sqlite3_stmt *st, void *row)
{
    struct qa_template_info *t = row;
    *t = (struct qa_template_info){0};
    rowio_read(st, 0, "Itttibiiitt", &t->id, ROWIO_BUF(t->key), ROWIO_BUF(t->title), ROWIO_BUF(t->stage), &t->revision,
               &t->latest, &t->items, &t->safeguarding_items, &t->visits, ROWIO_BUF(t->loaded_at),
               ROWIO_BUF(t->loaded_by));
}

ap_status qa_template_list(struct store *s, bool latest_only, struct qa_template_info **out, size_t *n)
{
    const char *what = "listing the QA checklists";
    return rowio_list(s,
                      latest_only ? TEMPLATE_SELECT "WHERE t.revision = (SELECT max(x.revision) "
                                                    "FROM qa_template x WHERE x.key = t.key)" TEMPLATE_ORDER
                                  : TEMPLATE_SELECT TEMPLATE_ORDER,
                      0, sizeof **out, read_template, out, n, what);
}

static ap_status template_by_id(struct store *s, int64_t id, struct qa_template_info *out)
{
    const char *what = "reading the QA checklist";
    return rowio_get(s, TEMPLATE_SELECT "WHERE t.id = ?1", id, read_template, out, what, "QA checklist", false);
}

/* Inside the load's transaction: the revision just made and the one before
 * it (0 when it is the first). */
static ap_status newest_two(struct store *s, int64_t *made, int64_t *before)
{
    const char *what = "reading the loaded checklist";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s,
                                     "SELECT n.id, coalesce((SELECT p.id FROM qa_template p WHERE p.key = n.key "
                                     "  AND p.revision = n.revision - 1), 0) "
                                     "FROM qa_template n ORDER BY n.id DESC LIMIT 1",
                                     &st, what);
    if (result != AP_OK)
        return result;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *made = sqlite3_column_int64(st, 0);
        *before = sqlite3_column_int64(st, 1);
    } else {
        result = store_fail(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc, what);
    }
    sqlite3_finalize(st);
    return result;
}

static ap_status same_template(struct store *s, int64_t a, int64_t b, bool *same)
{
    const char *what = "comparing the checklist with its last revision";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(
        s,
        "SELECT (SELECT title || char(31) || stage FROM qa_template WHERE id = ?1) = "
        "       (SELECT title || char(31) || stage FROM qa_template WHERE id = ?2) "
        "  AND NOT EXISTS (SELECT position, section, text, safeguarding FROM qa_template_item WHERE template_id = ?1 "
        "                  EXCEPT SELECT position, section, text, safeguarding FROM qa_template_item "
        "                  WHERE template_id = ?2) "
        "  AND NOT EXISTS (SELECT position, section, text, safeguarding FROM qa_template_item WHERE template_id = ?2 "
        "                  EXCEPT SELECT position, section, text, safeguarding FROM qa_template_item "
        "                  WHERE template_id = ?1)",
        &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "II", (int64_t)a, (int64_t)b);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        *same = sqlite3_column_int(st, 0) == 1;
    else
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

ap_status qa_template_load(struct store *s, const char *name, const char *text, struct qa_template_info *out,
                           bool *unchanged)
{
    if (unchanged)
        *unchanged = false;
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    int revision = 0;
    int64_t made = 0, before = 0;
    bool same = false;
    if ((st = seed_template_from_text(store_db(s), name, text ? text : "", store_login(s), &revision)) != AP_OK ||
        (st = newest_two(s, &made, &before)) != AP_OK)
        goto fail;
    if (before && (st = same_template(s, made, before, &same)) != AP_OK)
        goto fail;
    if (same) {
        /* Nothing new: keep the store as it was. */
        store_rollback(s);
        if (unchanged)
            *unchanged = true;
        return out ? template_by_id(s, before, out) : AP_OK;
    }
    if ((st = store_commit(s)) != AP_OK)
        return st;
    return out ? template_by_id(s, made, out) : AP_OK;
fail:
    store_rollback(s);
    return st;
}

/* ---- Visits ------------------------------------------------------------------------------ */

void qa_visit_init(struct qa_visit *v)
{
    memset(v, 0, sizeof *v);
    v->visit_date = DATE_NONE;
    v->next_due = DATE_NONE;
}

#define VISIT_SELECT                                                                                         \
    "SELECT v.id, v.provider_id, coalesce(v.template_id, 0), v.stage, v.visit_date, v.visitors, "          \
    "  coalesce(v.outcome, ''), v.next_due, v.closed, v.notes, v.version, v.updated_at, v.updated_by, "     \
    "  p.name, coalesce(t.key, ''), coalesce(t.title, ''), coalesce(t.revision, 0), "                      \
    "  (SELECT count(*) FROM qa_template_item i WHERE i.template_id = v.template_id), "                    \
    "  (SELECT count(*) FROM qa_answer a WHERE a.visit_id = v.id AND a.answer IS NOT NULL), "              \
    "  (SELECT count(*) FROM qa_answer a WHERE a.visit_id = v.id AND a.answer = 'no'), "                   \
    "  (SELECT count(*) FROM qa_answer a JOIN qa_template_item i ON i.id = a.item_id "                     \
    "     WHERE a.visit_id = v.id AND a.answer = 'no' AND i.safeguarding = 1) "                            \
    "FROM qa_visit v JOIN provider p ON p.id = v.provider_id LEFT JOIN qa_template t ON t.id = v.template_id "

static void read_visit(sqlite3_stmt *st, void *row)
{
    struct qa_visit *v = row;
    memset(v, 0, sizeof *v);
    rowio_read(st, 0, "IIItdttdbtItttttiiiii", &v->id, &v->provider_id, &v->template_id, ROWIO_BUF(v->stage),
               &v->visit_date, ROWIO_BUF(v->visitors), ROWIO_BUF(v->outcome), &v->next_due, &v->closed,
               ROWIO_BUF(v->notes), &v->version, ROWIO_BUF(v->updated_at), ROWIO_BUF(v->updated_by),
               ROWIO_BUF(v->provider_name), ROWIO_BUF(v->template_key), ROWIO_BUF(v->template_title),
               &v->template_revision, &v->items, &v->answered, &v->no_count, &v->sg_no);
}

ap_status qa_visit_get(struct store *s, int64_t id, struct qa_visit *out)
{
    const char *what = "reading the QA visit";
    return rowio_get(s, VISIT_SELECT "WHERE v.id = ?1", id, read_visit, out, what, "QA visit", true);
}

ap_status qa_visit_list(struct store *s, int64_t provider_id, struct qa_visit **out, size_t *n)
{
    const char *what = "listing the provider's QA visits";
    return rowio_list(s, VISIT_SELECT "WHERE v.provider_id = ?1 ORDER BY v.visit_date DESC, v.id DESC",
                      provider_id, sizeof **out, read_visit, out, n, what);
}

/* The latest revision of a template key, inside the caller's transaction. */
static ap_status latest_template(struct store *s, const char *key, int64_t *id, char *stage, size_t stage_len)
{
    bool found = false;
    ap_status result = rowio_row(s, "SELECT id, stage FROM qa_template WHERE key = ?1 ORDER BY revision DESC LIMIT 1",
                                 "finding the QA checklist", &found, "t", "It", key, id, stage, stage_len);
    if (result == AP_OK && !found)
        result = ap_fail(AP_ERR_INVALID, "Checklist: there is no checklist \"%s\" in the store", key);
    return result;
}

/* An open visit of the stage to the provider: its date, or DATE_NONE. */
static ap_status open_visit_of_stage(struct store *s, int64_t provider_id, const char *stage, int *date)
{
    *date = DATE_NONE;
    return rowio_row(s,
                     "SELECT visit_date FROM qa_visit WHERE provider_id = ?1 AND stage = ?2 "
                     "AND closed = 0 ORDER BY visit_date DESC LIMIT 1",
                     "looking for an open visit", NULL, "It", "d", provider_id, stage, date);
}

static ap_status validate_start(const struct qa_visit *v, enum qa_stage *stage)
{
    ap_status st;
    if (v->provider_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Provider: no provider chosen");
    if ((st = rowio_check_text("Checklist", v->template_key, sizeof v->template_key, true, false)) != AP_OK)
        return st;
    if (!qa_stage_parse(v->stage, stage))
        return ap_fail(AP_ERR_INVALID, "Stage: \"%s\" is not one of stage1, stage2, monitoring", v->stage);
    if ((st = rowio_check_date("Visit date", v->visit_date, true, DATE_NONE)) != AP_OK ||
        (st = rowio_check_text("Visitors", v->visitors, sizeof v->visitors, true, false)) != AP_OK ||
        (st = rowio_check_text("Notes", v->notes, sizeof v->notes, false, true)) != AP_OK)
        return st;
    return AP_OK;
}

ap_status qa_visit_start(struct store *s, struct qa_visit *v)
{
    enum qa_stage stage = QA_STAGE1;
    ap_status st = validate_start(v, &stage);
    if (st != AP_OK)
        return st;
    const char *what = "starting the QA visit";
    if ((st = store_begin(s)) != AP_OK)
        return st;
    int64_t template_id = 0;
    char tstage[16];
    enum qa_stage for_stage;
    int open_date;
    if ((st = rowio_need_row(s, "provider", v->provider_id, "Provider")) != AP_OK ||
        (st = latest_template(s, v->template_key, &template_id, tstage, sizeof tstage)) != AP_OK)
        goto fail;
    if (!qa_stage_of_template(tstage, &for_stage) ||
        (strcmp(tstage, "checks") != 0 && for_stage != stage)) {
        st = ap_fail(AP_ERR_INVALID, "Stage: the checklist \"%s\" is for a %s visit, not a %s visit",
                     v->template_key, label_brief(LABELS_QA_STAGE, tstage), qa_stage_name(stage));
        goto fail;
    }
    if ((st = open_visit_of_stage(s, v->provider_id, v->stage, &open_date)) != AP_OK)
        goto fail;
    if (open_date != DATE_NONE) {
        char d[11];
        st = ap_fail(AP_ERR_INVALID, "Stage: the %s visit of %s to this provider is still open: close it first",
                     qa_stage_name(stage), date_format(open_date, d));
        goto fail;
    }
    if ((st = rowio_run(s,
                        "INSERT INTO qa_visit (provider_id, stage, template_id, visit_date, visitors, notes, "
                        "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        what, "ItIdtts", v->provider_id, v->stage, template_id, v->visit_date, v->visitors, v->notes,
                        s)) != AP_OK)
        goto fail;
    int64_t id = sqlite3_last_insert_rowid(store_db(s));
    if ((st = store_commit(s)) != AP_OK)
        return st;
    return qa_visit_get(s, id, v);
fail:
    store_rollback(s);
    return st;
}

/* The visit's checklist: how many items, how many not answered, how many
 * safeguarding items answered No. Inside the caller's transaction. */
static ap_status visit_answer_counts(struct store *s, int64_t id, int *items, int *unanswered, int *sg_no)
{
    double not_answered = 0, sg_answered_no = 0;
    ap_status result = rowio_row(s,
                                 "SELECT count(*), total(a.answer IS NULL), "
                                 "  total(a.answer = 'no' AND i.safeguarding = 1) "
                                 "FROM qa_visit v JOIN qa_template_item i ON i.template_id = v.template_id "
                                 "LEFT JOIN qa_answer a ON a.visit_id = v.id AND a.item_id = i.id "
                                 "WHERE v.id = ?1",
                                 "counting the visit's answers", NULL, "I", "iff", id, items, &not_answered,
                                 &sg_answered_no);
    *unanswered = (int)not_answered;
    *sg_no = (int)sg_answered_no;
    return result;
}

/* The visit's state inside the caller's transaction. */
static ap_status visit_state(struct store *s, int64_t id, bool *closed, char *stage, size_t stage_len, int *date)
{
    char got_stage[sizeof ((struct qa_visit *)NULL)->stage] = "";
    int got_date = DATE_NONE;
    bool found = false;
    ap_status result = rowio_row(s, "SELECT closed, stage, visit_date FROM qa_visit WHERE id = ?1", "reading the QA visit",
                                 &found, "I", "btd", id, closed, ROWIO_BUF(got_stage), &got_date);
    if (result == AP_OK && !found)
        return ap_fail(AP_ERR_NOT_FOUND, "the visit is no longer in the store (deleted by someone else?)");
    if (stage)
        rowio_copy(stage, stage_len, got_stage);
    if (date)
        *date = got_date;
    return result;
}

ap_status qa_visit_update(struct store *s, struct qa_visit *v)
{
    ap_status st;
    if ((st = rowio_check_date("Visit date", v->visit_date, true, DATE_NONE)) == AP_OK &&
        (st = rowio_check_text("Visitors", v->visitors, sizeof v->visitors, true, false)) == AP_OK)
        st = rowio_check_text("Notes", v->notes, sizeof v->notes, false, true);
    if ((st = rowio_begin(s, st)) != AP_OK)
        return st;
    const char *what = "saving the QA visit";
    bool closed;
    if ((st = visit_state(s, v->id, &closed, NULL, 0, NULL)) == AP_OK && closed)
        st = ap_fail(AP_ERR_INVALID, "the visit is closed: it is the record of what was found and stays as it is");
    if (st == AP_OK)
        st = rowio_writef(s,
                          "UPDATE qa_visit SET visit_date = ?1, visitors = ?2, notes = ?3, updated_at = ?4, "
                          "updated_by = ?5, version = version + 1 WHERE id = ?6 AND version = ?7",
                          "qa_visit", v->id, v->version, what, NULL, "dtt", v->visit_date, v->visitors, v->notes);
    if ((st = rowio_end(s, st)) == AP_OK)
        v->version++;
    return st;
}

ap_status qa_visit_close(struct store *s, struct qa_visit *v, const struct thresholds *th, int today)
{
    ap_status st = rowio_check_choice("Outcome", v->outcome, LABELS_QA_OUTCOME);
    if (st == AP_OK)
        st = rowio_check_text("Notes", v->notes, sizeof v->notes, false, true);
    if ((st = rowio_begin(s, st)) != AP_OK)
        return st;
    const char *what = "closing the QA visit";
    bool closed;
    char stage_code[16];
    int date, next = DATE_NONE;
    enum qa_stage stage = QA_STAGE1;
    if ((st = visit_state(s, v->id, &closed, stage_code, sizeof stage_code, &date)) != AP_OK)
        goto fail;
    if (closed) {
        st = ap_fail(AP_ERR_INVALID, "the visit is already closed");
        goto fail;
    }
    if (date > today) {
        char d[11];
        st = ap_fail(AP_ERR_INVALID, "Visit date: %s is in the future: a visit is closed once it has taken place",
                     date_format(date, d));
        goto fail;
    }
    if (!qa_stage_parse(stage_code, &stage)) {
        st = ap_fail(AP_ERR_INVALID, "the visit's stage \"%s\" is not known", stage_code);
        goto fail;
    }
    /* A visit counts only when every item has an answer (qa_visit_counted):
     * closing a half-answered visit is refused rather than left uncounted. */
    int items = 0, unanswered = 0, sg_no = 0;
    if ((st = visit_answer_counts(s, v->id, &items, &unanswered, &sg_no)) != AP_OK)
        goto fail;
    if (unanswered > 0) {
        st = ap_fail(AP_ERR_INVALID,
                     "Checklist: %d of %d item%s not answered: answer every item (Yes, No or N/A) before closing "
                     "the visit",
                     unanswered, items, items == 1 ? "" : "s");
        goto fail;
    }
    next = qa_next_due(stage, date, strcmp(v->outcome, "unsatisfactory") == 0 || sg_no > 0, th);
    st = rowio_writef(s,
                      "UPDATE qa_visit SET outcome = ?1, notes = ?2, next_due = ?3, closed = 1, "
                      "updated_at = ?4, updated_by = ?5, version = version + 1 WHERE id = ?6 AND version = ?7",
                      "qa_visit", v->id, v->version, what, NULL, "ttd", v->outcome, v->notes, next);
fail:
    if ((st = rowio_end(s, st)) == AP_OK) {
        v->closed = true;
        v->next_due = next;
        v->version++;
    }
    return st;
}

ap_status qa_visit_delete(struct store *s, int64_t id, int64_t version)
{
    const char *what = "deleting the QA visit";
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    bool closed;
    if ((st = visit_state(s, id, &closed, NULL, 0, NULL)) == AP_OK && closed)
        st = ap_fail(AP_ERR_INVALID, "a closed visit is the record of what was found: it is never deleted");
    if (st == AP_OK)
        st = rowio_exec_versioned(s, "DELETE FROM qa_visit WHERE id = ?1 AND version = ?2", "qa_visit", id, version,
                                  what);
    return rowio_end(s, st);
}

/* ---- Checklists and answers ------------------------------------------------------------------ */

static void read_item(sqlite3_stmt *st, void *row)
{
    struct qa_item *it = row;
    memset(it, 0, sizeof *it);
    rowio_read(st, 0, "Iittb", &it->item_id, &it->position, ROWIO_BUF(it->section), ROWIO_BUF(it->text),
               &it->safeguarding);
    it->answer = answer_parse(sqlite3_column_text(st, 5));
    rowio_read(st, 6, "tItt", ROWIO_BUF(it->comment), &it->version, ROWIO_BUF(it->updated_at),
               ROWIO_BUF(it->updated_by));
}

ap_status qa_checklist_load(struct store *s, int64_t visit_id, struct qa_item **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char *what = "reading the visit's checklist";
    bool own;
    ap_status result = read_begin(s, &own, what);
    if (result != AP_OK)
        return result;
    bool closed;
    if ((result = visit_state(s, visit_id, &closed, NULL, 0, NULL)) != AP_OK) {
        read_end(s, own);
        return result;
    }
    void *items = NULL;
    result = rowio_list(s,
                        "SELECT i.id, i.position, i.section, i.text, i.safeguarding, a.answer, "
                        "  coalesce(a.comment, ''), coalesce(a.version, 0), coalesce(a.updated_at, ''), "
                        "  coalesce(a.updated_by, '') "
                        "FROM qa_visit v JOIN qa_template_item i ON i.template_id = v.template_id "
                        "LEFT JOIN qa_answer a ON a.visit_id = v.id AND a.item_id = i.id "
                        "WHERE v.id = ?1 ORDER BY i.position",
                        visit_id, sizeof **out, read_item, &items, n, what);
    read_end(s, own);
    *out = items;
    return result;
}

ap_status qa_answer_save(struct store *s, int64_t visit_id, struct qa_item *item, int today)
{
    ap_status st;
    if ((unsigned)item->answer > QA_NA)
        return ap_fail(AP_ERR_INVALID, "Answer: expected yes, no or not applicable");
    if ((st = rowio_check_text("Comment", item->comment, sizeof item->comment, false, true)) != AP_OK)
        return st;
    const char *what = "recording the answer";
    if ((st = store_begin(s)) != AP_OK)
        return st;
    sqlite3_stmt *q = NULL;
    bool closed;
    int date = DATE_NONE;
    if ((st = visit_state(s, visit_id, &closed, NULL, 0, &date)) != AP_OK)
        goto fail;
    if (closed) {
        st = ap_fail(AP_ERR_INVALID, "the visit is closed: its answers are the record and stay as they are");
        goto fail;
    }
    if (date != DATE_NONE && date > today) {
        char d[11];
        st = ap_fail(AP_ERR_INVALID, "Visit date: %s is in the future: a checklist is answered at the visit, on or "
                                     "after its date",
                     date_format(date, d));
        goto fail;
    }
    if ((st = rowio_prepare(s,
                            "SELECT 1 FROM qa_visit v JOIN qa_template_item i ON i.template_id = v.template_id "
                            "WHERE v.id = ?1 AND i.id = ?2",
                            &q, what)) != AP_OK)
        goto fail;
    int rc = rowio_bind(q, 1, "II", visit_id, item->item_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_finalize(q);
    q = NULL;
    if (rc == SQLITE_DONE) {
        st = ap_fail(AP_ERR_INVALID, "item %lld is not on this visit's checklist", (long long)item->item_id);
        goto fail;
    }
    if (rc != SQLITE_ROW) {
        st = store_fail(s, rc, what);
        goto fail;
    }
    const char *sql = item->version == 0
                          ? "INSERT INTO qa_answer (visit_id, item_id, answer, comment, updated_at, updated_by) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (visit_id, item_id) DO NOTHING"
                          : "UPDATE qa_answer SET answer = ?3, comment = ?4, updated_at = ?5, updated_by = ?6, "
                            "version = version + 1 WHERE visit_id = ?1 AND item_id = ?2 AND version = ?7";
    if ((st = rowio_prepare(s, sql, &q, what)) != AP_OK)
        goto fail;
    char now[20];
    store_now(now);
    const char *code = qa_answer_code(item->answer);
    rc = rowio_bind(q, 1, "II", visit_id, item->item_id);
    if (rc == SQLITE_OK)
        rc = code ? sqlite3_bind_text(q, 3, code, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 3);
    if (rc == SQLITE_OK)
        rc = rowio_bind(q, 4, "tTT", item->comment, now, store_login(s));
    if (rc == SQLITE_OK && item->version != 0)
        rc = sqlite3_bind_int64(q, 7, item->version);
    st = rc == SQLITE_OK ? rowio_step(s, q, what) : store_fail(s, rc, what);
    sqlite3_finalize(q);
    if (st == AP_OK && sqlite3_changes(store_db(s)) == 0) {
        char key[48];
        snprintf(key, sizeof key, "%lld/%lld", (long long)visit_id, (long long)item->item_id);
        st = store_conflict(s, "qa_answer", key);
    }
    if (st != AP_OK)
        goto fail;
    if ((st = store_commit(s)) != AP_OK)
        return st;
    item->version = item->version == 0 ? 1 : item->version + 1;
    snprintf(item->updated_at, sizeof item->updated_at, "%s", now);
    rowio_copy(item->updated_by, sizeof item->updated_by, store_login(s));
    return AP_OK;
fail:
    store_rollback(s);
    return st;
}
