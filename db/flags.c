#include "flags.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "date.h"
#include "money.h"
#include "placement.h"
#include "pupil.h"
#include "psp.h"
#include "qa.h"
#include "roll.h"
#include "rowio.h"

/* How it works. A pass loads what the rules need with one statement per
 * table (each narrowed to one record for the single-record passes), keeps
 * it in arrays, then walks providers, pupils and cases in name order calling
 * the pure rules of rules.h and reporting what they raise. Rows that come
 * back ordered by id are matched to the name-ordered records through an
 * index sorted by id (binary search).
 *
 * Marks: one statement walks the recent marks of every pupil (pupil by
 * pupil, through the attendance_mark primary key, so two million marks cost
 * only the few weeks read) for the unauthorised-run rule (marks of the last
 * RUN_WINDOW_DAYS; a pupil whose run reaches back past that is read again in
 * full). The monitoring rule's "sessions attended since the last visit" per
 * provider comes from provider_attended_week (migration 035) and term
 * attendance from attendance_week, both kept by triggers with each mark. */

/* Marks read for the unauthorised-run rule: 10 school days plus the longest
 * holiday, with room to spare. A run longer than this is read in full. */
#define RUN_WINDOW_DAYS 42

/* The weeks of a school year used to annualise quotes (rules.h). */
#define QUOTE_WEEKS RULES_SCHOOL_WEEKS

/* ------------------------------------------------------------------ */
/* Small helpers */

/* printf into a new string; NULL when out of memory. The caller frees. */
__attribute__((format(printf, 1, 2))) static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Steps st while the last result was SQLITE_OK (just prepared) or
 * SQLITE_ROW; true when a row is ready. *rc keeps the result. */
static bool next_row(sqlite3_stmt *st, int *rc)
{
    if (*rc != SQLITE_OK && *rc != SQLITE_ROW)
        return false;
    *rc = sqlite3_step(st);
    return *rc == SQLITE_ROW;
}

static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v ? (const char *)v : "";
}

static int min_date(int a, int b)
{
    if (a == DATE_NONE)
        return b;
    if (b == DATE_NONE)
        return a;
    return a < b ? a : b;
}

/* The Monday of the week holding date: attendance_week's key. */
static int week_of(int date)
{
    return date - date_weekday(date);
}

/* The first of the rows keyed by ids[] (sorted) equal to id, and how many. */
static size_t key_range(const int64_t *ids, size_t n, int64_t id, size_t *count)
{
    size_t lo = rowio_id_lower(ids, n, id);
    size_t end = lo;
    while (end < n && ids[end] == id)
        end++;
    *count = end - lo;
    return lo;
}

/* ------------------------------------------------------------------ */
/* The records of a pass */

struct prov {
    int64_t id;
    char *name;
    char *subject;
    bool registered;        /* a registered school (or FE college): no registration duty */
    bool state_maintained;  /* maintained school, PRU, academy: no AP due diligence */
    bool suspended;
    struct rules_insurance ins;
    int insurance_expiry, declaration, dbs;
    int last_stage1, first_stage1, last_stage2, last_visit, concern;
    bool bad1, bad2;        /* the latest counted Stage 1 / Stage 2 found it Unsatisfactory */
    int first_used;         /* first placement that started */
    int current_since;      /* earliest start of the placements active today */
    int term_visits;
    int placed, proposed;   /* pupils placed today; proposed placements */
    int count_after;        /* attended sessions after this day count; DATE_NONE: not counted */
    int sessions_since;     /* the most any one learner has attended there since (seed 002) */
    int qa_no;              /* safeguarding items answered No, not yet Yes (db/qa.h) */
    char *qa_no_reason;     /* the newest of them, in words */
};

struct iv_flag {
    int64_t provider_id;
    char *reason;
};

struct pupil_row {
    int64_t id;
    char *subject;
    int year_group;
    bool ks13, sole_school, has_ihp, cla;
    int concern;                /* latest safeguarding concern about the pupil, today or before */
    /* term attendance */
    bool has_term;
    struct attendance_tally term;
    /* placements active today */
    int active_n;
    double hours;
    int days;                   /* days of the week with a session */
    int placed_since;
    /* the open PSP */
    bool psp_open, psp_active;
    int meeting, next_review, psp_end, last_review;
    bool ceased, rtt_recorded, rtt_medical, rtt_authorised, exit_plan;
    bool rtt_concern, professionals_agree, parent_agrees;
    int rtt_start, rtt_end;
    double rtt_hours_per_day;   /* < 0 when not recorded */
    /* The audit matrix's indicators the PSP records (psp_rtt_assess reads the same). */
    char rtt_progression[12];
    double rtt_start_hours;     /* 0 when not recorded */
    int rtt_la_told, rtt_risk_assessed; /* DATE_NONE when not */
    /* the unauthorised run, from the marks */
    enum flag_level run_level;
    char *run_reason;
    bool run_reread;            /* the run reaches back past the window */
    /* intervention placements past their weeks */
    struct iv_flag *iv;
    size_t n_iv, cap_iv;
};

/* A quotation as rules_quotations weighs it; provider is malloc'd here. */
typedef struct rules_quote quote_row;

struct code_cat {
    char code[8];
    enum code_category cat;
};

/* SCOPE_PROVIDERS: every provider in use, and nothing else. SCOPE_MONITORING:
 * one provider's monitoring flag alone. */
enum scope_kind { SCOPE_ALL, SCOPE_PROVIDERS, SCOPE_PROVIDER, SCOPE_MONITORING, SCOPE_PUPIL, SCOPE_CASE };

/* Providers with an open safeguarding No (db/qa.h), by id: a quotation from
 * one does not count and it cannot be recommended. */
struct no_ids {
    int64_t *ids;
    size_t n, cap;
    bool nomem;
};

static void take_no_id(void *ctx, const struct qa_open_no *r)
{
    struct no_ids *x = ctx;
    if (x->n > 0 && x->ids[x->n - 1] == r->provider_id)
        return;
    if (!rowio_grow_at((void **)&x->ids, &x->cap, x->n, sizeof *x->ids)) {
        x->nomem = true;
        return;
    }
    x->ids[x->n++] = r->provider_id;
}

struct pass {
    struct store *s;
    sqlite3 *db;
    const struct thresholds *th;
    int today;
    char today_s[11];
    flag_fn fn;
    void *ctx;
    struct flag_counts counts;

    enum scope_kind scope;
    int64_t provider_id, pupil_id, case_id; /* the filter values: 0 = all */

    /* the term for attendance (holding today, else the latest before) */
    bool have_term, term_now;
    int term_start, term_end;
    char term_label[64];
    char term_start_s[11];

    struct prov *provs;
    size_t n_provs, cap_provs;
    struct rowio_id_at *prov_ix;

    int64_t *reg_provider;          /* registration rows, by provider id */
    struct rules_reg_pupil *reg;
    size_t n_reg, cap_reg, cap_reg2;

    struct pupil_row *pupils;
    size_t n_pupils, cap_pupils;
    struct rowio_id_at *pupil_ix;

    struct rules_mark *marks;       /* one pupil's marks at a time */
    size_t n_marks, cap_marks;

    /* The store's code set: category by code (codes are one character;
     * ASCII ones by byte, any other in a short list). */
    signed char cat_by_byte[128];   /* -1: not a code of the set */

    /* SCOPE_ALL: the providers with an open safeguarding "No", all of them
     * (in use or not), gathered by load_qa_no for run_cases. */
    struct no_ids nos;
    struct code_cat *other_codes;
    size_t n_other, cap_other;
};

static void pass_free(struct pass *p)
{
    for (size_t i = 0; i < p->n_provs; i++) {
        free(p->provs[i].name);
        free(p->provs[i].subject);
        free(p->provs[i].qa_no_reason);
    }
    free(p->provs);
    free(p->prov_ix);
    free(p->nos.ids);
    free(p->reg_provider);
    free(p->reg);
    for (size_t i = 0; i < p->n_pupils; i++) {
        struct pupil_row *u = &p->pupils[i];
        free(u->subject);
        free(u->run_reason);
        for (size_t k = 0; k < u->n_iv; k++)
            free(u->iv[k].reason);
        free(u->iv);
    }
    free(p->pupils);
    free(p->pupil_ix);
    free(p->marks);
    free(p->other_codes);
}

static ap_status nomem(void)
{
    return ap_fail(AP_ERR_NOMEM, "working out the flags: out of memory");
}

static void emit(struct pass *p, enum flag_level level, const char *kind, const char *subject,
                 const char *reason, int64_t pupil_id, int64_t provider_id, int64_t case_id)
{
    if (!rules_flag_raised(level))
        return;
    if (p->scope == SCOPE_MONITORING && strcmp(kind, FLAG_KIND_MONITORING) != 0)
        return;
    struct flag_row f = {
        .level = level,
        .kind = kind,
        .subject = subject,
        .reason = reason,
        .pupil_id = pupil_id,
        .provider_id = provider_id,
        .case_id = case_id,
    };
    if (level == FLAG_RED)
        p->counts.red++;
    else
        p->counts.amber++;
    if (p->fn)
        p->fn(p->ctx, &f);
}

/* ------------------------------------------------------------------ */
/* Statements */

/* Binds every named parameter the statement uses from the pass. */
static int bind_pass(struct pass *p, sqlite3_stmt *st, int from)
{
    int rc = SQLITE_OK, i;
    if ((i = sqlite3_bind_parameter_index(st, ":today")) > 0)
        rc = sqlite3_bind_text(st, i, p->today_s, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":day")) > 0)
        rc = sqlite3_bind_int(st, i, p->today);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":from")) > 0)
        rc = sqlite3_bind_int(st, i, from);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":provider")) > 0)
        rc = sqlite3_bind_int64(st, i, p->provider_id);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":pupil")) > 0)
        rc = sqlite3_bind_int64(st, i, p->pupil_id);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":case")) > 0)
        rc = sqlite3_bind_int64(st, i, p->case_id);
    /* The record filters as ranges of ids (every id, or the one), so that a
     * one-record pass goes straight to its rows through the keys. */
    const struct {
        const char *lo, *hi;
        int64_t id;
    } ranges[] = {
        {":pupil_lo", ":pupil_hi", p->pupil_id},
        {":prov_lo", ":prov_hi", p->provider_id},
        {":case_lo", ":case_hi", p->case_id},
    };
    for (size_t r = 0; rc == SQLITE_OK && r < sizeof ranges / sizeof *ranges; r++) {
        if ((i = sqlite3_bind_parameter_index(st, ranges[r].lo)) > 0)
            rc = sqlite3_bind_int64(st, i, ranges[r].id ? ranges[r].id : INT64_MIN);
        if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ranges[r].hi)) > 0)
            rc = sqlite3_bind_int64(st, i, ranges[r].id ? ranges[r].id : INT64_MAX);
    }
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":set")) > 0)
        rc = sqlite3_bind_text(st, i, store_code_set(p->s), -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":term_start")) > 0)
        rc = p->term_now ? sqlite3_bind_text(st, i, p->term_start_s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":wk_from")) > 0)
        rc = sqlite3_bind_int(st, i, p->have_term ? week_of(p->term_start) : 0);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":wk_to")) > 0)
        rc = sqlite3_bind_int(st, i, p->have_term ? week_of(p->term_end < p->today ? p->term_end : p->today) : -1);
    return rc;
}

/* The end of a read: finalizes st; result, or when that is AP_OK and the
 * last step (rc) did not reach the end, store_fail's status naming what. */
static ap_status end_read(struct pass *p, sqlite3_stmt *st, int rc, ap_status result, const char *what)
{
    store_stmt_done(p->s, st); /* kept prepared (prepare) */
    return result == AP_OK && rc != SQLITE_DONE ? store_fail(p->s, rc, what) : result;
}

static int prepare(struct pass *p, const char *sql, int from, sqlite3_stmt **st)
{
    /* Kept prepared (db/store.h): a pass for one record after each change
     * would otherwise spend much of its time parsing. */
    int rc = store_stmt(p->s, sql, st);
    if (rc == SQLITE_OK)
        rc = bind_pass(p, *st, from);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The term */

static ap_status load_term(struct pass *p)
{
    struct term_info t;
    bool found = false;
    ap_status result = calendar_term_or_year(p->s, p->today, &t, &found);
    if (result != AP_OK)
        return result;
    p->have_term = true;
    p->term_start = t.start;
    p->term_end = t.end;
    p->term_now = found && p->today <= p->term_end;
    char d[11];
    if (found)
        snprintf(p->term_label, sizeof p->term_label, "in the %s term %s", t.name, t.academic_year);
    else
        snprintf(p->term_label, sizeof p->term_label, "since %s; no terms recorded", date_format(t.start, d));
    date_format(p->term_start, p->term_start_s);
    return AP_OK;
}

/* ------------------------------------------------------------------ */
/* Providers */

/* A provider's record and what its rules read, one row each; the counted
 * QA visits after (take_counted), read once for every provider. */
static void take_counted(void *ctx, const struct qa_counted *c)
{
    struct pass *p = ctx;
    long at = rowio_id_at_find(p->prov_ix, p->n_provs, c->provider_id);
    if (at < 0)
        return;
    struct prov *v = &p->provs[at];
    v->last_visit = c->last_visit;
    v->term_visits = c->visits_since;
    if (p->scope == SCOPE_MONITORING)
        return; /* the monitoring flag alone reads no visit by stage */
    v->last_stage1 = c->last_stage1;
    v->first_stage1 = c->first_stage1;
    v->last_stage2 = c->last_stage2;
    v->bad1 = strcmp(c->stage1_outcome, "unsatisfactory") == 0;
    v->bad2 = strcmp(c->stage2_outcome, "unsatisfactory") == 0;
}

static ap_status load_providers(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    int rc = prepare(p,
                     "SELECT p.id, p.name, p.registration, p.status, p.public_liability, p.employers_liability, "
                     "       p.professional_indemnity, p.motor_cover, p.subcontractor_cover, p.insurance_expiry, "
                     "       p.declaration_date, p.dbs_checked_date, " QA_PROVIDER_USE_SQL " 0 "
                     "FROM provider p WHERE p.id BETWEEN :prov_lo AND :prov_hi "
                     "ORDER BY p.name COLLATE NOCASE, p.id",
                     0, &st);
    while (next_row(st, &rc)) {
        int placed = sqlite3_column_int(st, 15), proposed = sqlite3_column_int(st, 16);
        if (placed == 0 && proposed == 0)
            continue; /* not in use: nothing to check */
        if (!rowio_grow_at((void **)&p->provs, &p->cap_provs, p->n_provs, sizeof *p->provs)) {
            result = nomem();
            break;
        }
        struct prov *v = &p->provs[p->n_provs];
        memset(v, 0, sizeof *v);
        v->id = sqlite3_column_int64(st, 0);
        const char *name = col_text(st, 1), *reg = col_text(st, 2);
        v->name = xprintf("%s", name);
        v->subject = xprintf("Provider: %s", name);
        p->n_provs++;
        if (!v->name || !v->subject) {
            result = nomem();
            break;
        }
        v->state_maintained = rules_state_maintained(reg);
        v->registered = strcmp(reg, "unregistered") != 0;
        v->suspended = strcmp(col_text(st, 3), "suspended") == 0;
        rowio_read(st, 4, "IIIbbdddddd", &v->ins.public_liability, &v->ins.employers_liability,
                   &v->ins.professional_indemnity, &v->ins.motor, &v->ins.subcontractor, &v->insurance_expiry,
                   &v->declaration, &v->dbs, &v->concern, &v->first_used, &v->current_since);
        v->last_stage1 = v->first_stage1 = v->last_stage2 = v->last_visit = DATE_NONE;
        v->placed = placed;
        v->proposed = proposed;
        v->count_after = DATE_NONE;
    }
    result = end_read(p, st, rc, result, "reading the providers for their flags");
    if (result != AP_OK)
        return result;

    p->prov_ix = rowio_id_at_build(p->provs, p->n_provs, sizeof *p->provs, offsetof(struct prov, id));
    if (!p->prov_ix)
        return nomem();
    /* Visits this term count from its first day while it runs, else none. */
    return qa_counted_each(p->s, p->today, p->term_now ? p->term_start : p->today + 1, p->provider_id,
                           take_counted, p);
}

/* Each pupil placed today: total weekly hours at the provider, CLA, plan.
 * The sessions come in the order of the providers' index (no GROUP BY: at
 * 50,000 pupils SQLite's sorter for it held 16 MB); one provider's rows are
 * summed by pupil here, a provider at a time, in pupil order. */
struct reg_row {
    int64_t pupil;
    struct rules_reg_pupil r;
};

static int reg_row_cmp(const void *a, const void *b)
{
    return rowio_id_cmp(&((const struct reg_row *)a)->pupil, &((const struct reg_row *)b)->pupil);
}

/* Appends one provider's rows (sorted here) to the pass, a pupil once. */
static bool flush_registration(struct pass *p, int64_t provider, struct reg_row *rows, size_t n)
{
    qsort(rows, n, sizeof *rows, reg_row_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && rows[i].pupil == rows[i - 1].pupil) {
            struct rules_reg_pupil *r = &p->reg[p->n_reg - 1];
            r->weekly_hours += rows[i].r.weekly_hours;
            r->looked_after |= rows[i].r.looked_after;
            r->ehcp_or_idp |= rows[i].r.ehcp_or_idp;
            continue;
        }
        size_t cap2 = p->cap_reg2;
        if (!rowio_grow_at((void **)&p->reg_provider, &p->cap_reg, p->n_reg, sizeof *p->reg_provider) ||
            !rowio_grow_at((void **)&p->reg, &cap2, p->n_reg, sizeof *p->reg))
            return false;
        p->cap_reg2 = cap2;
        p->reg_provider[p->n_reg] = provider;
        p->reg[p->n_reg++] = rows[i].r;
    }
    return true;
}

static ap_status load_registration(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    struct reg_row *rows = NULL;
    size_t n = 0, cap = 0;
    int64_t provider = 0, placement = 0;
    int rc = prepare(p,
                     "SELECT l.provider_id, l.id, l.pupil_id, s.hours, u.cla, u.plan != 'none' OR u.has_idp "
                     "FROM placement l JOIN pupil u ON u.id = l.pupil_id "
                     "JOIN placement_session s ON s.placement_id = l.id "
                     "WHERE " PLACEMENT_ACTIVE_TODAY("l") " AND l.provider_id BETWEEN :prov_lo AND :prov_hi "
                     "ORDER BY l.provider_id",
                     0, &st);
    while (next_row(st, &rc)) {
        int64_t pv = sqlite3_column_int64(st, 0), pl = sqlite3_column_int64(st, 1);
        if (pv != provider) { /* ids are from 1 */
            if (n > 0 && !flush_registration(p, provider, rows, n)) {
                result = nomem();
                break;
            }
            provider = pv;
            n = 0;
        }
        if (n == 0 || pl != placement) { /* a placement's sessions come together */
            if (!rowio_grow_at((void **)&rows, &cap, n, sizeof *rows)) {
                result = nomem();
                break;
            }
            placement = pl;
            rows[n++] = (struct reg_row){.pupil = sqlite3_column_int64(st, 2),
                                         .r = {.looked_after = sqlite3_column_int(st, 4) != 0,
                                               .ehcp_or_idp = sqlite3_column_int(st, 5) != 0}};
        }
        rows[n - 1].r.weekly_hours += sqlite3_column_double(st, 3);
    }
    if (result == AP_OK && rc == SQLITE_DONE && n > 0 && !flush_registration(p, provider, rows, n))
        result = nomem();
    free(rows);
    return end_read(p, st, rc, result, "reading the placements for the registration rule");
}

/* Safeguarding items answered No at a visit and not Yes at a later one
 * (db/qa.h says which answers count): rows come newest first per provider. */
struct qa_no_ctx {
    struct pass *p;
    bool nomem;
};

static void take_qa_no(void *ctx, const struct qa_open_no *r)
{
    struct qa_no_ctx *c = ctx;
    if (c->p->scope == SCOPE_ALL)
        take_no_id(&c->p->nos, r);
    long at = rowio_id_at_find(c->p->prov_ix, c->p->n_provs, r->provider_id);
    if (at < 0)
        return;
    struct prov *v = &c->p->provs[at];
    if (v->qa_no++ == 0) {
        char d[11];
        enum qa_stage stage;
        char f[11];
        int followup = r->visit_date + c->p->th->qa_followup_days;
        v->qa_no_reason = xprintf("safeguarding item answered No at the %s visit of %s: \"%s\"; follow-up visit %s %s",
                                  qa_stage_parse(r->stage, &stage) ? qa_stage_name(stage) : r->stage,
                                  date_format(r->visit_date, d), r->text,
                                  c->p->today > followup ? "overdue since" : "due by", date_format(followup, f));
        c->nomem |= v->qa_no_reason == NULL;
    }
}

static ap_status load_qa_no(struct pass *p)
{
    struct qa_no_ctx c = {p, false};
    ap_status st = qa_safeguarding_open(p->s, p->today, p->provider_id, take_qa_no, &c);
    return st == AP_OK && (c.nomem || p->nos.nomem) ? nomem() : st;
}

/* The sessions of provider v's learners attended there after v->count_after
 * and up to today, from provider_attended_week: v->sessions_since becomes the
 * most any one learner has (seed 002's "every ten sessions" is per learner,
 * never pooled). A row holds a week's sessions as bits, two a day from
 * Monday (migration 035). */
static ap_status count_sessions(struct pass *p, struct prov *v, sqlite3_stmt **st)
{
    int first = week_of(v->count_after + 1), last = week_of(p->today);
    int rc = SQLITE_OK;
    if (!*st)
        rc = prepare(p,
                     "SELECT pupil_id, week, sessions FROM provider_attended_week "
                     "WHERE provider_id = :one AND week BETWEEN :wk_first AND :wk_last ORDER BY pupil_id",
                     0, st);
    else
        rc = sqlite3_reset(*st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(*st, sqlite3_bind_parameter_index(*st, ":one"), v->id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(*st, sqlite3_bind_parameter_index(*st, ":wk_first"), first);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(*st, sqlite3_bind_parameter_index(*st, ":wk_last"), last);
    int64_t pupil = 0;
    int count = 0;
    v->sessions_since = 0;
    while (next_row(*st, &rc)) {
        int64_t pupil_id = sqlite3_column_int64(*st, 0);
        int week = sqlite3_column_int(*st, 1);
        unsigned bits = (unsigned)sqlite3_column_int(*st, 2);
        if (pupil_id != pupil) {
            pupil = pupil_id;
            count = 0;
        }
        /* The days of this week after count_after and up to today. */
        int lo = v->count_after + 1 > week ? v->count_after + 1 - week : 0;
        int hi = p->today < week + 6 ? p->today - week : 6;
        if (lo > hi)
            continue;
        unsigned days = ((1u << (2 * hi + 2)) - 1) & ~((1u << (2 * lo)) - 1);
        count += __builtin_popcount(bits & days);
        if (count > v->sessions_since)
            v->sessions_since = count;
    }
    if (rc != SQLITE_DONE)
        return store_fail(p->s, rc, "reading the sessions attended at a provider");
    return AP_OK;
}

/* Decides from which day each provider's attended sessions are counted, and
 * counts them. A provider whose monthly visit is already overdue by date is
 * flagged whatever its session count: its count is taken only when it
 * starts inside the run window (window_from), as when the count came from
 * the marks, so that the reasons read as they did. */
static ap_status count_monitoring(struct pass *p, int window_from)
{
    const struct thresholds *th = p->th;
    if (th->monitoring_sessions <= 0)
        return AP_OK;
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    for (size_t i = 0; i < p->n_provs && result == AP_OK; i++) {
        struct prov *v = &p->provs[i];
        if (v->state_maintained || v->placed == 0)
            continue;
        bool overdue_by_date = false;
        int after = qa_count_after(v->last_visit, v->current_since, p->today, th, &overdue_by_date);
        if (after == DATE_NONE || (overdue_by_date && after + 1 < window_from))
            continue;
        v->count_after = after;
        if (after < p->today)
            result = count_sessions(p, v, &st);
    }
    store_stmt_done(p->s, st);
    return result;
}

static void eval_provider(struct pass *p, const struct prov *v)
{
    const struct thresholds *th = p->th;
    char why[RULES_WHY_LEN];
    char d[11];
    enum flag_level level;

    /* Registration */
    size_t n = 0, first = key_range(p->reg_provider, p->n_reg, v->id, &n);
    level = rules_registration(v->registered, n ? p->reg + first : NULL, n, th, why, sizeof why);
    emit(p, level, FLAG_KIND_REGISTRATION, v->subject, why, 0, v->id, 0);

    /* Suspended, yet pupils are placed or proposed there */
    if (v->suspended) {
        if (v->placed && v->proposed)
            snprintf(why, sizeof why, "provider is suspended, but %d pupil%s placed there and %d placement%s proposed",
                     v->placed, v->placed == 1 ? " is" : "s are", v->proposed, v->proposed == 1 ? "" : "s");
        else if (v->placed)
            snprintf(why, sizeof why, "provider is suspended, but %d pupil%s placed there", v->placed,
                     v->placed == 1 ? " is" : "s are");
        else
            snprintf(why, sizeof why, "provider is suspended, but %d placement%s proposed there", v->proposed,
                     v->proposed == 1 ? " is" : "s are");
        emit(p, FLAG_AMBER, FLAG_KIND_SUSPENDED, v->subject, why, 0, v->id, 0);
    }

    /* A safeguarding No at a QA visit, until a later visit answers it Yes:
     * whoever the provider is, a visit found it unsafe. */
    if (v->qa_no_reason) {
        char more[48] = "";
        if (v->qa_no > 1)
            snprintf(more, sizeof more, " (and %d more)", v->qa_no - 1);
        snprintf(why, sizeof why, "%s%s; red until a later closed visit answers it Yes", v->qa_no_reason, more);
        emit(p, FLAG_RED, FLAG_KIND_QA_SAFEGUARDING, v->subject, why, 0, v->id, 0);
    }

    if (v->state_maintained)
        return;

    /* Insurance: the cover amounts, and the policy's expiry (an addition to
     * rules_insurance: lapsed cover is no cover). */
    level = rules_insurance(&v->ins, th, why, sizeof why);
    if (v->insurance_expiry != DATE_NONE) {
        size_t used = strlen(why);
        const char *sep = used ? "; " : "";
        if (p->today > v->insurance_expiry) {
            snprintf(why + used, sizeof why - used, "%sinsurance expired on %s", sep,
                     date_format(v->insurance_expiry, d));
            level = FLAG_AMBER;
        } else if (v->insurance_expiry - p->today <= th->due_soon_days) {
            snprintf(why + used, sizeof why - used, "%sinsurance expires on %s", sep,
                     date_format(v->insurance_expiry, d));
            level = FLAG_AMBER;
        }
    }
    emit(p, level, FLAG_KIND_INSURANCE, v->subject, why, 0, v->id, 0);

    /* QA Stage 1 */
    level = rules_qa_stage1(v->last_stage1, v->bad1, p->today, th, NULL, why, sizeof why);
    emit(p, level, FLAG_KIND_QA_STAGE1, v->subject, why, 0, v->id, 0);

    /* QA Stage 2: counted from the last Stage 2, else from when the provider
     * was first used (its first placement, else its Stage 1). Before any
     * pupil or visit there is no learner progress to look at. */
    int since = v->first_used != DATE_NONE ? v->first_used : v->first_stage1;
    if (v->last_stage2 != DATE_NONE || since != DATE_NONE || v->concern != DATE_NONE) {
        level = rules_qa_stage2(v->last_stage2, v->bad2, since, v->concern, p->today, th, NULL, why, sizeof why);
        emit(p, level, FLAG_KIND_QA_STAGE2, v->subject, why, 0, v->id, 0);
    }

    /* Monitoring visits: only while pupils attend. */
    if (v->placed > 0) {
        int sessions = v->count_after != DATE_NONE ? v->sessions_since : 0;
        level = rules_monitoring(v->last_visit, v->current_since, sessions, v->term_visits,
                                 p->term_now ? p->term_start : DATE_NONE, p->today, th, NULL, why, sizeof why);
        emit(p, level, FLAG_KIND_MONITORING, v->subject, why, 0, v->id, 0);
    }

    /* Safeguarding declaration and enhanced DBS */
    level = rules_safeguarding(v->declaration, v->dbs, p->today, th, why, sizeof why);
    emit(p, level, FLAG_KIND_SAFEGUARDING, v->subject, why, 0, v->id, 0);
}

/* ------------------------------------------------------------------ */
/* Pupils */

static ap_status load_pupils(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    int rc = prepare(p,
                     "SELECT id, legal_forename, legal_surname, preferred_name, dob, cohort, roll_status, has_ihp, cla, "
                     "  (SELECT max(c.concern_date) FROM concern c WHERE c.pupil_id = pupil.id "
                     "     AND c.kind = 'safeguarding' AND c.concern_date <= :today) "
                     "FROM pupil WHERE " PUPIL_ON_ROLL("", ":today") " AND id BETWEEN :pupil_lo AND :pupil_hi "
                     "ORDER BY legal_surname COLLATE NOCASE, "
                     "  CASE WHEN preferred_name != '' THEN preferred_name ELSE legal_forename END COLLATE NOCASE, id",
                     0, &st);
    while (next_row(st, &rc)) {
        if (!rowio_grow_at((void **)&p->pupils, &p->cap_pupils, p->n_pupils, sizeof *p->pupils)) {
            result = nomem();
            break;
        }
        struct pupil_row *u = &p->pupils[p->n_pupils];
        memset(u, 0, sizeof *u);
        p->n_pupils++;
        u->id = sqlite3_column_int64(st, 0);
        const char *forename = col_text(st, 3)[0] ? col_text(st, 3) : col_text(st, 1);
        int dob = rowio_date(st, 4);
        u->year_group = rules_year_group(dob, p->today);
        char y[16];
        u->subject = xprintf("Pupil: %s %s (%s)", forename, col_text(st, 2), rules_year_group_short(u->year_group, y, sizeof y));
        if (!u->subject) {
            result = nomem();
            break;
        }
        u->ks13 = strcmp(col_text(st, 5), "ks13_intervention") == 0;
        u->sole_school = strcmp(col_text(st, 6), "sole_school") == 0;
        u->has_ihp = sqlite3_column_int(st, 7) != 0;
        u->cla = sqlite3_column_int(st, 8) != 0;
        u->concern = rowio_date(st, 9);
        u->placed_since = DATE_NONE;
        u->meeting = u->next_review = u->psp_end = u->last_review = DATE_NONE;
        u->rtt_start = u->rtt_end = DATE_NONE;
        u->rtt_hours_per_day = -1;
        u->rtt_la_told = u->rtt_risk_assessed = DATE_NONE;
        u->run_level = FLAG_NONE;
    }
    result = end_read(p, st, rc, result, "reading the pupils for their flags");
    if (result != AP_OK)
        return result;
    p->pupil_ix = rowio_id_at_build(p->pupils, p->n_pupils, sizeof *p->pupils, offsetof(struct pupil_row, id));
    return p->pupil_ix ? AP_OK : nomem();
}

static struct pupil_row *pupil_by_id(struct pass *p, int64_t id)
{
    long at = rowio_id_at_find(p->pupil_ix, p->n_pupils, id);
    return at < 0 ? NULL : &p->pupils[at];
}

/* Steps st as next_row does to the next row whose column 0 is a pupil of
 * the pass: that pupil; NULL at the end (or on failure, kept in *rc). */
static struct pupil_row *next_pupil(struct pass *p, sqlite3_stmt *st, int *rc)
{
    while (next_row(st, rc)) {
        struct pupil_row *u = pupil_by_id(p, sqlite3_column_int64(st, 0));
        if (u)
            return u;
    }
    return NULL;
}

/* Attendance this term from the weekly counts the triggers keep. */
static ap_status load_attendance(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(p,
                     "SELECT u.id, sum(w.possible), sum(w.attending), sum(w.unauthorised) "
                     "FROM pupil u CROSS JOIN attendance_week w ON w.pupil_id = u.id "
                     "WHERE " PUPIL_ON_ROLL("u.", ":today") " AND u.id BETWEEN :pupil_lo AND :pupil_hi "
                     "  AND w.week >= :wk_from AND w.week <= :wk_to "
                     "GROUP BY u.id", /* in the pupils' order: no sorter */
                     0, &st);
    for (struct pupil_row *u; (u = next_pupil(p, st, &rc));) {
        int possible = sqlite3_column_int(st, 1), attending = sqlite3_column_int(st, 2),
            unauthorised = sqlite3_column_int(st, 3);
        u->has_term = true;
        u->term.n[CAT_PRESENT] = attending;
        u->term.n[CAT_UNAUTHORISED] = unauthorised;
        u->term.n[CAT_AUTHORISED] = possible - attending - unauthorised;
    }
    return end_read(p, st, rc, AP_OK, "reading this term's attendance");
}

/* Placements running today or proposed: weekly hours for the reduced
 * timetable rule, and KS1-3 intervention placements past their weeks. */
static ap_status load_placements(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    char why[RULES_WHY_LEN];
    int rc = prepare(p,
                     "SELECT l.pupil_id, l.provider_id, v.name, l.status, l.start_date, l.end_date, l.planned_weeks "
                     "FROM placement l JOIN provider v ON v.id = l.provider_id "
                     "WHERE l.status IN ('active', 'proposed') AND (l.end_date IS NULL OR l.end_date >= :today) "
                     "  AND l.pupil_id BETWEEN :pupil_lo AND :pupil_hi "
                     "ORDER BY l.pupil_id, l.start_date, l.id",
                     0, &st);
    for (struct pupil_row *u; (u = next_pupil(p, st, &rc));) {
        bool active = strcmp(col_text(st, 3), "active") == 0;
        int start = rowio_date(st, 4), end = rowio_date(st, 5);
        if (active && start != DATE_NONE && start <= p->today) {
            u->active_n++;
            u->placed_since = min_date(u->placed_since, start);
        }
        if (!u->ks13)
            continue;
        struct thresholds th = *p->th;
        if (sqlite3_column_type(st, 6) != SQLITE_NULL)
            th.intervention_weeks = sqlite3_column_int(st, 6);
        if (!rules_flag_raised(rules_intervention(start, end, p->today, &th, why, sizeof why)))
            continue;
        if (!rowio_grow_at((void **)&u->iv, &u->cap_iv, u->n_iv, sizeof *u->iv)) {
            result = nomem();
            break;
        }
        struct iv_flag *f = &u->iv[u->n_iv];
        f->provider_id = sqlite3_column_int64(st, 1);
        f->reason = xprintf("%s: %s", col_text(st, 2), why);
        if (!f->reason) {
            result = nomem();
            break;
        }
        u->n_iv++;
    }
    result = end_read(p, st, rc, result, "reading the placements for the pupils' flags");
    if (result != AP_OK)
        return result;

    /* The weekly hours and days of each pupil placed today, once a pupil
     * (each is a pupil's, over all its placements: asked per placement,
     * they were a quarter of the pass). */
    st = NULL;
    rc = prepare(p,
                 "SELECT u.id, " PLACEMENT_SQL_WEEKLY_HOURS("u.id", ":today") ", "
                 "  " PLACEMENT_SQL_WEEKLY_DAYS("u.id", ":today") " "
                 "FROM pupil u WHERE u.id BETWEEN :pupil_lo AND :pupil_hi AND EXISTS (SELECT 1 FROM placement l "
                 "  WHERE l.pupil_id = u.id AND " PLACEMENT_ACTIVE_TODAY("l") ")",
                 0, &st);
    for (struct pupil_row *u; (u = next_pupil(p, st, &rc));) {
        u->hours = sqlite3_column_double(st, 1); /* every session once, over all placements */
        u->days = sqlite3_column_int(st, 2);
    }
    return end_read(p, st, rc, AP_OK, "reading the pupils' weekly hours");
}

static ap_status load_psps(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(p,
                     "SELECT s.pupil_id, s.status, s.meeting_date, s.next_review_date, s.end_date, "
                     "  s.reduced_timetable, s.reduced_start, s.reduced_end, s.reduced_reason, "
                     "  s.reduced_hours_per_day, s.reduced_authorised, trim(s.exit_plan) != '', "
                     "  (SELECT max(r.review_date) FROM psp_review r WHERE r.psp_id = s.id "
                     "     AND r.review_date <= :today), "
                     "  EXISTS (SELECT 1 FROM psp_review r WHERE r.psp_id = s.id AND r.outcome = 'cease' "
                     "     AND r.review_date <= :today), "
                     "  s.reduced_safeguarding_concern, trim(s.professionals_agree) != '', trim(s.parent_agrees) != '', "
                     "  s.reduced_progression, ifnull(s.reduced_start_hours, 0), s.reduced_la_told, s.reduced_risk_assessed "
                     "FROM psp s WHERE s.status != 'ceased' AND s.pupil_id BETWEEN :pupil_lo AND :pupil_hi",
                     0, &st);
    for (struct pupil_row *u; (u = next_pupil(p, st, &rc));) {
        u->psp_open = true;
        u->psp_active = strcmp(col_text(st, 1), "active") == 0;
        rowio_read(st, 2, "dddbdd", &u->meeting, &u->next_review, &u->psp_end, &u->rtt_recorded, &u->rtt_start,
                   &u->rtt_end);
        u->rtt_medical = strcmp(col_text(st, 8), "medical") == 0;
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            u->rtt_hours_per_day = sqlite3_column_double(st, 9);
        rowio_read(st, 10, "bbdbbbbtfdd", &u->rtt_authorised, &u->exit_plan, &u->last_review, &u->ceased,
                   &u->rtt_concern, &u->professionals_agree, &u->parent_agrees, ROWIO_BUF(u->rtt_progression),
                   &u->rtt_start_hours, &u->rtt_la_told, &u->rtt_risk_assessed);
    }
    return end_read(p, st, rc, AP_OK, "reading the PSPs");
}

/* ---- marks ---- */

/* The unauthorised run of the marks gathered for u. window: the marks start
 * at the window's first day rather than at the pupil's first mark. */
static ap_status finish_run(struct pass *p, struct pupil_row *u, bool window)
{
    char why[RULES_WHY_LEN];
    struct rules_run run;
    enum flag_level level = rules_unauthorised_run(p->marks, p->n_marks, p->th, &run, why, sizeof why);
    free(u->run_reason);
    u->run_reason = NULL;
    u->run_level = level;
    u->run_reread = false;
    if (window && run.sessions > 0) {
        bool broken = false;
        for (size_t i = 0; i < p->n_marks && !broken; i++)
            broken = p->marks[i].cat != CAT_UNAUTHORISED && p->marks[i].cat != CAT_NOT_COUNTED;
        u->run_reread = !broken;
    }
    if (rules_flag_raised(level) && !(u->run_reason = xprintf("%s", why)))
        return nomem();
    return AP_OK;
}

static ap_status load_codes(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    memset(p->cat_by_byte, -1, sizeof p->cat_by_byte);
    int rc = prepare(p, "SELECT code, category FROM attendance_code WHERE code_set = :set", 0, &st);
    while (next_row(st, &rc)) {
        const char *code = col_text(st, 0);
        enum code_category cat;
        if (!rules_category_parse(col_text(st, 1), &cat))
            continue;
        unsigned char c0 = (unsigned char)code[0];
        if (c0 && c0 < 128 && !code[1]) {
            p->cat_by_byte[c0] = (signed char)cat;
            continue;
        }
        if (strlen(code) >= sizeof p->other_codes->code)
            continue;
        if (!rowio_grow_at((void **)&p->other_codes, &p->cap_other, p->n_other, sizeof *p->other_codes)) {
            result = nomem();
            break;
        }
        snprintf(p->other_codes[p->n_other].code, sizeof p->other_codes->code, "%s", code);
        p->other_codes[p->n_other++].cat = cat;
    }
    return end_read(p, st, rc, result, "reading the attendance codes");
}

/* A code the set does not know neither counts nor breaks a run. */
static enum code_category code_category(const struct pass *p, const unsigned char *code)
{
    if (!code || !code[0])
        return CAT_NOT_COUNTED;
    if (code[0] < 128 && !code[1])
        return p->cat_by_byte[code[0]] < 0 ? CAT_NOT_COUNTED : (enum code_category)p->cat_by_byte[code[0]];
    for (size_t i = 0; i < p->n_other; i++)
        if (strcmp(p->other_codes[i].code, (const char *)code) == 0)
            return p->other_codes[i].cat;
    return CAT_NOT_COUNTED;
}

static bool add_mark(struct pass *p, int day, enum code_category cat)
{
    if (!rowio_grow_at((void **)&p->marks, &p->cap_marks, p->n_marks, sizeof *p->marks))
        return false;
    p->marks[p->n_marks++] = (struct rules_mark){day, cat};
    return true;
}

/* One walk over the marks from day `from` to today, pupil by pupil, for
 * the unauthorised-run rule. */
static ap_status scan_marks(struct pass *p, int from)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    struct pupil_row *cur = NULL;
    int64_t cur_id = 0;
    /* Every pupil, or one. */
    int rc = prepare(p,
                     "SELECT m.pupil_id, m.day, m.code "
                     "FROM pupil u CROSS JOIN attendance_mark m ON m.pupil_id = u.id "
                     "WHERE m.day >= :from AND m.day <= :day AND u.id BETWEEN :pupil_lo AND :pupil_hi "
                     "ORDER BY u.id, m.day, m.session",
                     from, &st);
    while (next_row(st, &rc)) {
        int64_t pupil_id = sqlite3_column_int64(st, 0);
        int day = sqlite3_column_int(st, 1);
        enum code_category cat = code_category(p, sqlite3_column_text(st, 2));
        if (pupil_id != cur_id) {
            if (cur && (result = finish_run(p, cur, from > 0)) != AP_OK)
                break;
            cur_id = pupil_id;
            cur = pupil_by_id(p, pupil_id);
            p->n_marks = 0;
        }
        if (cur && !add_mark(p, day, cat)) {
            result = nomem();
            break;
        }
    }
    if (result == AP_OK && rc == SQLITE_DONE && cur)
        result = finish_run(p, cur, from > 0);
    return end_read(p, st, rc, result, "reading the attendance marks");
}

/* Pupils whose run reaches back past the window: read all their marks. */
static ap_status reread_runs(struct pass *p)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < p->n_pupils && result == AP_OK; i++) {
        struct pupil_row *u = &p->pupils[i];
        if (!u->run_reread)
            continue;
        if (!st && (rc = prepare(p,
                                 "SELECT m.day, m.code FROM attendance_mark m "
                                 "WHERE m.pupil_id = :one AND m.day <= :day ORDER BY m.day, m.session",
                                 0, &st)) != SQLITE_OK)
            break;
        rc = sqlite3_reset(st);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":one"), u->id);
        p->n_marks = 0;
        while (next_row(st, &rc))
            if (!add_mark(p, sqlite3_column_int(st, 0), code_category(p, sqlite3_column_text(st, 1)))) {
                result = nomem();
                break;
            }
        if (result != AP_OK || rc != SQLITE_DONE)
            break;
        rc = SQLITE_OK;
        result = finish_run(p, u, false);
    }
    store_stmt_done(p->s, st);
    if (result == AP_OK && rc != SQLITE_OK && rc != SQLITE_DONE)
        result = store_fail(p->s, rc, "reading a pupil's attendance marks");
    return result;
}

static void eval_pupil(struct pass *p, const struct pupil_row *u)
{
    const struct thresholds *th = p->th;
    char why[RULES_WHY_LEN], text[RULES_WHY_LEN + 128];
    enum flag_level level;

    /* Persistent absence over the term */
    if (u->has_term) {
        level = rules_persistent_absence(&u->term, th, why, sizeof why);
        if (rules_flag_raised(level)) {
            snprintf(text, sizeof text, "%s (%d of %d sessions %s)", why, rules_tally_attending(&u->term),
                     rules_tally_possible(&u->term), p->term_label);
            emit(p, level, FLAG_KIND_ABSENCE, u->subject, text, u->id, 0, 0);
        }
    }

    /* Current run of unauthorised absence */
    if (u->run_reason)
        emit(p, u->run_level, FLAG_KIND_UNAUTH_RUN, u->subject, u->run_reason, u->id, 0, 0);

    /* Reduced timetable: from the placements running today, for pupils whose
     * week the store holds (on the PRS roll: a pupil who stays on a school's
     * roll spends the rest of the week there), or whenever the PSP records a
     * reduced timetable. */
    if ((u->active_n > 0 && !u->sole_school) || (u->psp_open && u->rtt_recorded)) {
        struct rules_rtt r = {
            .weekly_hours = u->active_n > 0 ? u->hours
                            : u->rtt_hours_per_day >= 0 ? 5 * u->rtt_hours_per_day : 0.0,
            .year_group = u->year_group,
            .start = u->psp_open && u->rtt_start != DATE_NONE ? u->rtt_start : u->placed_since,
            .end = u->psp_open ? u->rtt_end : DATE_NONE,
            .has_psp = u->psp_active,
            .medical_ihp = u->psp_open && u->rtt_medical && u->has_ihp,
            .exit_plan = u->psp_open && u->exit_plan,
            .authorised = u->psp_open && u->rtt_authorised,
            /* The rest of the audit matrix: what the PSP records and the store knows. */
            .safeguarding_concern = u->psp_open && u->rtt_concern,
            .looked_after = u->cla,
            .single_agency = u->psp_open && !u->professionals_agree,
            .no_parent_agreement = u->psp_open && !u->parent_agrees,
            .psp_hours_per_day = u->psp_open ? u->rtt_hours_per_day : -1,
            .timetable_hours_per_day = u->active_n > 0 && u->days > 0 ? u->hours / u->days : -1,
            .attendance_known = u->has_term && rules_tally_possible(&u->term) > 0,
            .progression = u->psp_open ? psp_progression(u->rtt_progression) : RULES_PROGRESS_UNKNOWN,
            .start_hours_per_day = u->psp_open ? u->rtt_start_hours : 0,
            .la_told = u->psp_open && u->rtt_la_told != DATE_NONE,
            .risk_assessed = u->psp_open && u->rtt_risk_assessed != DATE_NONE,
            .risk_assessed_on = u->rtt_risk_assessed,
        };
        if (r.attendance_known)
            rules_attendance_pct(&u->term, &r.attendance_pct);
        r.concern = u->concern != DATE_NONE && r.start != DATE_NONE && u->concern >= r.start;
        r.concern_date = u->concern;
        level = rules_reduced_timetable(&r, p->today, th, why, sizeof why);
        emit(p, level, FLAG_KIND_REDUCED, u->subject, why, u->id, 0, 0);
    }

    if (u->psp_active) {
        int due;
        level = psp_review_due("active", u->meeting, u->last_review, u->next_review, p->today, th, &due, why, sizeof why);
        emit(p, level, FLAG_KIND_PSP_REVIEW, u->subject, why, u->id, 0, 0);

        level = rules_psp_end(u->meeting, u->psp_end, u->ceased, p->today, th, NULL, why, sizeof why);
        emit(p, level, FLAG_KIND_PSP_END, u->subject, why, u->id, 0, 0);
    }

    for (size_t i = 0; i < u->n_iv; i++)
        emit(p, FLAG_AMBER, FLAG_KIND_INTERVENTION, u->subject, u->iv[i].reason, u->id, u->iv[i].provider_id, 0);
}

/* ------------------------------------------------------------------ */
/* Panel cases */

/* The open cases of the pass: one, one pupil's (through the pupil's index), or all. */
#define CASES_OF_PASS(sql)                                                                               \
    (p->scope == SCOPE_CASE ? sql("c.id BETWEEN :case_lo AND :case_hi")                                  \
                            : sql("c.pupil_id BETWEEN :pupil_lo AND :pupil_hi"))

#define QUOTES_SQL(cases)                                                                                \
    "SELECT q.case_id, q.cost_basis, q.rate, q.sessions_per_week, q.transport_per_week, q.chosen, "      \
    "  v.name, q.provider_id, v.status = 'suspended', q.recommend_reason "                              \
    "FROM panel_case c CROSS JOIN quote q ON q.case_id = c.id JOIN provider v ON v.id = q.provider_id " \
    "WHERE c.status = 'open' AND " cases " ORDER BY q.case_id, q.id"

#define CASES_SQL(cases)                                                                                 \
    "SELECT c.id, c.pupil_id, u.legal_forename, u.legal_surname, u.preferred_name, c.panel_date "       \
    "FROM panel_case c JOIN pupil u ON u.id = c.pupil_id "                                              \
    "WHERE c.status = 'open' AND " cases " "                                                           \
    "ORDER BY u.legal_surname COLLATE NOCASE, "                                                         \
    "  CASE WHEN u.preferred_name != '' THEN u.preferred_name ELSE u.legal_forename END COLLATE NOCASE, " \
    "  c.id"

static ap_status load_quotes(struct pass *p, int64_t **case_ids, quote_row **quotes, size_t *n)
{
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    size_t cap_ids = 0, cap_q = 0;
    int rc = prepare(p, CASES_OF_PASS(QUOTES_SQL), 0, &st);
    while (next_row(st, &rc)) {
        size_t c2 = cap_q;
        if (!rowio_grow_at((void **)case_ids, &cap_ids, *n, sizeof **case_ids) ||
            !rowio_grow_at((void **)quotes, &c2, *n, sizeof **quotes)) {
            result = nomem();
            break;
        }
        cap_q = c2;
        struct rules_cost cost = {
            .basis = BASIS_WEEK,
            .rate = sqlite3_column_int64(st, 2),
            .transport_basis = BASIS_WEEK,
            .transport = sqlite3_column_int64(st, 4),
            .sessions_per_week = sqlite3_column_int(st, 3),
            /* Quotes give sessions (half days) a week: days are the whole
             * days those sessions touch. */
            .days_per_week = (sqlite3_column_int(st, 3) + 1) / 2,
        };
        if (!rules_basis_parse(col_text(st, 1), &cost.basis))
            cost.basis = BASIS_WEEK;
        quote_row *q = &(*quotes)[*n];
        (*case_ids)[*n] = sqlite3_column_int64(st, 0);
        q->annual = rules_annual_cost(&cost, QUOTE_WEEKS);
        q->chosen = sqlite3_column_int(st, 5) != 0;
        q->provider_id = sqlite3_column_int64(st, 7);
        q->suspended = sqlite3_column_int(st, 8) != 0;
        q->safeguarding_no = false;
        q->provider = xprintf("%s", col_text(st, 6));
        q->recommend_reason = q->chosen ? xprintf("%s", col_text(st, 9)) : NULL;
        (*n)++;
        if (!q->provider || (q->chosen && !q->recommend_reason)) {
            result = nomem();
            break;
        }
    }
    return end_read(p, st, rc, result, "reading the quotations");
}

static ap_status run_cases(struct pass *p)
{
    int64_t *case_ids = NULL;
    quote_row *quotes = NULL;
    size_t n_quotes = 0;
    sqlite3_stmt *st = NULL;
    char why[RULES_WHY_LEN], text[RULES_WHY_LEN + 256], money[MONEY_LEN];
    struct no_ids nos = {0};
    ap_status result = load_quotes(p, &case_ids, &quotes, &n_quotes);
    int rc = SQLITE_DONE;
    if (result == AP_OK && n_quotes > 0) {
        /* A pass over everything has read every provider's open Nos with
         * the providers' flags (run_pass runs load_qa_no before this); one
         * pupil's or case's reads only those of the providers quoting. */
        if (p->scope == SCOPE_ALL) {
            nos = p->nos;
            p->nos = (struct no_ids){0};
        } else {
            for (size_t i = 0; result == AP_OK && i < n_quotes; i++) {
                bool seen = false;
                for (size_t k = 0; k < i && !seen; k++)
                    seen = quotes[k].provider_id == quotes[i].provider_id;
                if (!seen)
                    result = qa_safeguarding_open(p->s, p->today, quotes[i].provider_id, take_no_id, &nos);
            }
            if (nos.n > 1)
                qsort(nos.ids, nos.n, sizeof *nos.ids, rowio_id_cmp);
        }
        if (result == AP_OK && nos.nomem)
            result = nomem();
        for (size_t i = 0; result == AP_OK && i < n_quotes; i++) {
            size_t k = 0;
            key_range(nos.ids, nos.n, quotes[i].provider_id, &k);
            quotes[i].safeguarding_no = k > 0;
        }
    }
    if (result != AP_OK)
        goto done;
    rc = prepare(p, CASES_OF_PASS(CASES_SQL), 0, &st);
    while (next_row(st, &rc)) {
        int64_t case_id = sqlite3_column_int64(st, 0), pupil_id = sqlite3_column_int64(st, 1);
        const char *forename = col_text(st, 4)[0] ? col_text(st, 4) : col_text(st, 2);
        size_t n = 0, first = key_range(case_ids, n_quotes, case_id, &n);
        enum flag_level level = FLAG_NONE;
        if (n == 0) {
            /* No quotes yet: the cost, so the route, is unknown. Once the case
             * has a panel date, route 1's quotations are due. */
            if (rowio_date(st, 5) != DATE_NONE && p->th->quotes_required > 0) {
                level = FLAG_AMBER;
                snprintf(text, sizeof text,
                         "no quotations recorded for the panel of %s: %d needed for a placement under %s",
                         col_text(st, 5), p->th->quotes_required,
                         money_format_short(p->th->quote_threshold, money, sizeof money));
            }
        } else {
            level = rules_quotations(quotes + first, n, p->th, NULL, why, sizeof why);
            snprintf(text, sizeof text, "%s", why);
        }
        if (rules_flag_raised(level)) {
            char *subject = xprintf("Panel case %lld: %s %s", (long long)case_id, forename, col_text(st, 3));
            if (!subject) {
                result = nomem();
                break;
            }
            emit(p, level, FLAG_KIND_QUOTATIONS, subject, text, pupil_id, 0, case_id);
            free(subject);
        }
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(p->s, rc, "reading the panel cases");
done:
    store_stmt_done(p->s, st);
    for (size_t i = 0; i < n_quotes; i++) {
        free((char *)quotes[i].provider);
        free((char *)quotes[i].recommend_reason);
    }
    free(quotes);
    free(case_ids);
    free(nos.ids);
    return result;
}

/* ------------------------------------------------------------------ */
/* A pass */

static ap_status run_pass(struct pass *p)
{
    bool monitoring_only = p->scope == SCOPE_MONITORING;
    bool do_providers = p->scope == SCOPE_ALL || p->scope == SCOPE_PROVIDERS || p->scope == SCOPE_PROVIDER ||
                        monitoring_only;
    bool do_pupils = p->scope == SCOPE_ALL || p->scope == SCOPE_PUPIL;
    bool do_cases = p->scope != SCOPE_PROVIDER && p->scope != SCOPE_PROVIDERS && !monitoring_only;
    ap_status st = load_term(p);
    if (st == AP_OK && do_providers && (st = load_providers(p)) == AP_OK && !monitoring_only) {
        if ((st = load_registration(p)) == AP_OK)
            st = load_qa_no(p);
    }
    if (st == AP_OK && do_pupils) {
        if ((st = load_pupils(p)) == AP_OK && (st = load_attendance(p)) == AP_OK &&
            (st = load_placements(p)) == AP_OK)
            st = load_psps(p);
    }
    if (st != AP_OK)
        return st;

    /* Which providers get an exact session count depends only on the
     * window, never on the pass's scope, so a provider's reason reads the
     * same in every pass. */
    int run_from = p->today - RUN_WINDOW_DAYS + 1;
    if (do_providers && (st = count_monitoring(p, run_from)) != AP_OK)
        return st;
    int from = run_from < 0 ? 0 : run_from;
    if (do_pupils && from <= p->today && p->n_pupils > 0) {
        if ((st = load_codes(p)) != AP_OK || (st = scan_marks(p, from)) != AP_OK || (st = reread_runs(p)) != AP_OK)
            return st;
    }

    for (size_t i = 0; i < p->n_provs; i++)
        eval_provider(p, &p->provs[i]);
    for (size_t i = 0; i < p->n_pupils; i++)
        eval_pupil(p, &p->pupils[i]);
    return do_cases ? run_cases(p) : AP_OK;
}

static ap_status flags_pass(struct store *s, const struct thresholds *th, int today, enum scope_kind scope,
                            int64_t id, flag_fn fn, void *ctx, struct flag_counts *counts)
{
    struct pass p = {
        .s = s,
        .db = store_db(s),
        .th = th,
        .today = today,
        .fn = fn,
        .ctx = ctx,
        .scope = scope,
        .provider_id = scope == SCOPE_PROVIDER || scope == SCOPE_MONITORING ? id : 0,
        .pupil_id = scope == SCOPE_PUPIL ? id : 0,
        .case_id = scope == SCOPE_CASE ? id : 0,
        .term_start = DATE_NONE,
        .term_end = DATE_NONE,
    };
    if (counts)
        *counts = (struct flag_counts){0, 0};
    if (scope != SCOPE_ALL && scope != SCOPE_PROVIDERS && id <= 0)
        return ap_fail(AP_ERR_INVALID, "flags: no record chosen");
    date_format(today, p.today_s);

    /* One read transaction: every query of the pass sees the same snapshot.
     * Inside a caller's transaction, that one serves. */
    bool own = sqlite3_get_autocommit(p.db) != 0;
    ap_status st = AP_OK;
    if (own) {
        int rc = sqlite3_exec(p.db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return store_fail(s, rc, "starting to read the flags");
    }
    st = run_pass(&p);
    if (own) {
        int rc = sqlite3_exec(p.db, st == AP_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
        if (rc != SQLITE_OK && st == AP_OK)
            st = store_fail(s, rc, "finishing reading the flags");
        if (rc != SQLITE_OK && !sqlite3_get_autocommit(p.db))
            sqlite3_exec(p.db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (counts)
        *counts = p.counts;
    pass_free(&p);
    return st;
}

ap_status flags_collect(struct store *s, const struct thresholds *th, int today, flag_fn fn, void *ctx,
                        struct flag_counts *counts)
{
    return flags_pass(s, th, today, SCOPE_ALL, 0, fn, ctx, counts);
}

ap_status flags_for_providers(struct store *s, const struct thresholds *th, int today, flag_fn fn, void *ctx,
                              struct flag_counts *counts)
{
    return flags_pass(s, th, today, SCOPE_PROVIDERS, 0, fn, ctx, counts);
}

ap_status flags_for_provider(struct store *s, const struct thresholds *th, int today, int64_t provider_id,
                             flag_fn fn, void *ctx, struct flag_counts *counts)
{
    return flags_pass(s, th, today, SCOPE_PROVIDER, provider_id, fn, ctx, counts);
}

ap_status flags_monitoring_of_provider(struct store *s, const struct thresholds *th, int today,
                                       int64_t provider_id, flag_fn fn, void *ctx)
{
    return flags_pass(s, th, today, SCOPE_MONITORING, provider_id, fn, ctx, NULL);
}

ap_status flags_for_pupil(struct store *s, const struct thresholds *th, int today, int64_t pupil_id, flag_fn fn,
                          void *ctx, struct flag_counts *counts)
{
    return flags_pass(s, th, today, SCOPE_PUPIL, pupil_id, fn, ctx, counts);
}

ap_status flags_for_case(struct store *s, const struct thresholds *th, int today, int64_t case_id, flag_fn fn,
                         void *ctx, struct flag_counts *counts)
{
    return flags_pass(s, th, today, SCOPE_CASE, case_id, fn, ctx, counts);
}
