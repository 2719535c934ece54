#include "report.h"
#include "rules.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "calendar.h"
#include "date.h"
#include "feed.h"
#include "flags.h"
#include "flagset.h"
#include "labels.h"
#include "marks.h"
#include "money.h"
#include "qa.h"
#include "placement.h"
#include "roll.h"
#include "rowio.h"
#include "strbuf.h"

/* How it works. Each load runs a handful of set-based statements inside one
 * read transaction: one per table, narrowed by the panel's cases or by the
 * DMT range, never one per pupil. Rows that come back in id order are
 * matched to the name-ordered records through an id index (binary search).
 * The DMT's marks are read once, pupil by pupil through the
 * attendance_mark primary key (so a term's range reads only that term),
 * and each mark is matched in memory to the placement whose timetable it
 * belongs to. Flags come from db/flags.h: one pass over the whole store
 * when the workbook holds many records, else one small pass per record
 * (the same flags either way, as flags.h promises). */

/* Above this many records a single whole-store flags pass is quicker than
 * one pass per record: on the 5,000-pupil store a provider's own pass takes
 * about 10 ms, the whole store about 300 ms. */
#define FLAGS_PER_RECORD_MAX 40

/* SQLite's heap during a load. The store asks for a 32 MB page cache,
 * which suits the screens; a report reads a year of marks once, and
 * filling that cache would cost a third of the time (allocating pages) and
 * 30 MB of memory for pages never read again. A soft heap limit makes
 * SQLite recycle its cache pages instead; the limit in force before is put
 * back when the load ends. */
#define REPORT_HEAP_LIMIT (6 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Small helpers */

int64_t report_prorate(int64_t amount, int64_t num, int64_t den)
{
    if (den <= 0)
        return 0;
    /* Halves away from zero, in integers: no rounding error at all. */
    __int128 p = (__int128)amount * num;
    __int128 q = p >= 0 ? (2 * p + den) / (2 * den) : -((-2 * p + den) / (2 * den));
    return (int64_t)q;
}

bool report_att_fraction(const struct report_att *a, double *fraction)
{
    if (!a || a->possible <= 0)
        return false;
    *fraction = (double)a->attending / (double)a->possible;
    return true;
}

static void att_add(struct report_att *to, const struct report_att *from)
{
    to->possible += from->possible;
    to->attending += from->attending;
    to->authorised += from->authorised;
    to->unauthorised += from->unauthorised;
}

static ap_status nomem(void)
{
    return ap_fail(AP_ERR_NOMEM, "gathering the report: out of memory");
}

/* items (n of size bytes, grown by doubling) cut to n: the report keeps its
 * arrays to the end, so what doubling left spare would count in its peak.
 * items as they were when realloc cannot (it keeps them). */
static void *shrink(void *items, size_t n, size_t size)
{
    void *cut = n > 0 ? realloc(items, n * size) : NULL;
    return cut ? cut : items;
}

static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v ? (const char *)v : "";
}

/* Steps st while the last result was SQLITE_OK (just prepared and bound) or
 * SQLITE_ROW; true when a row is ready. *rc keeps the result. */
static bool next_row(sqlite3_stmt *st, int *rc)
{
    if (*rc != SQLITE_OK && *rc != SQLITE_ROW)
        return false;
    *rc = sqlite3_step(st);
    return *rc == SQLITE_ROW;
}

/* The Monday of the week holding date: attendance_week's key. */
static int week_of(int date)
{
    return date - date_weekday(date);
}

/* A load's shared state. */
struct load {
    struct store *s;
    sqlite3 *db;
    const struct thresholds *th;
    int today;
    char today_s[11];
    struct arena **arena;
    bool own_tx;
    sqlite3_int64 heap_limit;       /* the soft heap limit before the load */
};

static ap_status load_begin(struct load *l, struct store *s, const struct thresholds *th, int today,
                            struct arena **arena)
{
    l->s = s;
    l->db = store_db(s);
    l->th = th;
    l->today = today;
    date_format(today, l->today_s);
    l->arena = arena;
    l->own_tx = false;
    l->heap_limit = sqlite3_soft_heap_limit64(-1);
    if (l->heap_limit == 0 || l->heap_limit > REPORT_HEAP_LIMIT)
        sqlite3_soft_heap_limit64(REPORT_HEAP_LIMIT);
    if (sqlite3_get_autocommit(l->db)) {
        int rc = sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            sqlite3_soft_heap_limit64(l->heap_limit);
            return store_fail(s, rc, "starting to read the report");
        }
        l->own_tx = true;
    }
    return AP_OK;
}

static void load_end(struct load *l)
{
    if (l->own_tx && !sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
    l->own_tx = false;
    sqlite3_soft_heap_limit64(l->heap_limit);
}

/* Binds a named parameter when the statement has it. */
static int bind_text_named(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i <= 0)
        return SQLITE_OK;
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int bind_int_named(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i <= 0 ? SQLITE_OK : sqlite3_bind_int64(st, i, v);
}

/* Prepares sql and binds :today. */
static int prepare(struct load *l, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL);
    if (rc == SQLITE_OK)
        rc = bind_text_named(*st, ":today", l->today_s);
    return rc;
}

/* Finishes a read loop: finalizes, and turns an SQLite failure into a
 * status naming what was being read. */
static ap_status finish(struct load *l, sqlite3_stmt *st, int rc, ap_status result, const char *what)
{
    sqlite3_finalize(st);
    if (result == AP_OK && rc != SQLITE_DONE && rc != SQLITE_OK)
        result = store_fail(l->s, rc, what);
    return result;
}

/* The order of pupils everywhere: surname, then the forename used. */
#define PUPIL_ORDER(u)                                                                                  \
    u ".legal_surname COLLATE NOCASE, "                                                                 \
    "CASE WHEN " u ".preferred_name != '' THEN " u ".preferred_name ELSE " u ".legal_forename END "   \
    "COLLATE NOCASE, " u ".id"

/* Annual tuition and transport of a costing (see report.h "Annual cost"). */
static void annual_parts(const char *basis_text, int64_t rate, int64_t transport_per_week, int sessions, int days,
                         int64_t *tuition, int64_t *transport)
{
    enum cost_basis basis;
    if (!rules_basis_parse(basis_text, &basis)) {
        *tuition = 0;
    } else {
        *tuition = rules_annual_amount(basis, rate, sessions, days, RULES_SCHOOL_WEEKS);
    }
    *transport = transport_per_week > 0 ? transport_per_week * RULES_SCHOOL_WEEKS : 0;
}

/* ------------------------------------------------------------------ */
/* Flags, routed to the records of a report */

struct flag_acc {
    enum flag_level worst;
    int red, amber;
    struct strbuf text;
};

struct flag_route {
    const struct rowio_id_at *pupils, *providers, *cases;
    size_t n_pupils, n_providers, n_cases;
    struct flag_acc *pupil_acc, *provider_acc, *case_acc;
};

static void flag_add(struct flag_acc *a, const struct flag_row *f)
{
    if (f->level == FLAG_RED)
        a->red++;
    else
        a->amber++;
    a->worst = rules_flag_worst(a->worst, f->level);
    if (a->text.len)
        strbuf_append(&a->text, "\n");
    strbuf_append(&a->text, f->level == FLAG_RED ? "Red: " : "Amber: ");
    strbuf_append(&a->text, f->reason ? f->reason : "");
}

static void route_flag(void *ctx, const struct flag_row *f)
{
    struct flag_route *r = ctx;
    long at;
    if (f->case_id) {
        if (r->case_acc && (at = rowio_id_at_find(r->cases, r->n_cases, f->case_id)) >= 0)
            flag_add(&r->case_acc[at], f);
    } else if (f->pupil_id) {
        if (r->pupil_acc && (at = rowio_id_at_find(r->pupils, r->n_pupils, f->pupil_id)) >= 0)
            flag_add(&r->pupil_acc[at], f);
    } else if (f->provider_id) {
        if (r->provider_acc && (at = rowio_id_at_find(r->providers, r->n_providers, f->provider_id)) >= 0)
            flag_add(&r->provider_acc[at], f);
    }
}

/* The flags as kept in the store brought up to date by the change feed, in
 * the report's own read (flagset_start), routed as a whole pass's would be:
 * the same rows, each record's in the rules' order. *done is false, and
 * nothing routed, when none are kept for today or the changes since touch
 * more records than a pass costs. */
static ap_status kept_flags(struct load *l, struct flag_route *r, bool *done)
{
    *done = false;
    struct flagset fs = {0};
    struct feed_pos pos;
    ap_status st = flagset_start(&fs, l->s, l->th, l->today, &pos, done);
    for (size_t i = 0; st == AP_OK && *done && i < fs.n; i++)
        route_flag(r, &fs.rows[i]);
    flagset_free(&fs);
    return st;
}

/* Runs the flags over the records of r (ids in its indexes) and fills the
 * accumulators. pupil ids get flags_for_pupil (which also reports their
 * open cases) when per-record passes are chosen. The flags kept are read
 * instead when there are any for today. */
static ap_status collect_flags(struct load *l, struct flag_route *r)
{
    size_t records = r->n_pupils + r->n_providers + r->n_cases;
    if (records == 0)
        return AP_OK;
    ap_status st = AP_OK;
    bool done = false;
    if ((st = kept_flags(l, r, &done)) != AP_OK || done)
        return st;
    if (records > FLAGS_PER_RECORD_MAX && r->n_pupils == 0 && r->n_cases == 0)
        return flags_for_providers(l->s, l->th, l->today, route_flag, r, NULL);
    if (records > FLAGS_PER_RECORD_MAX)
        return flags_collect(l->s, l->th, l->today, route_flag, r, NULL);
    for (size_t i = 0; st == AP_OK && i < r->n_pupils; i++)
        st = flags_for_pupil(l->s, l->th, l->today, r->pupils[i].id, route_flag, r, NULL);
    for (size_t i = 0; st == AP_OK && i < r->n_providers; i++)
        st = flags_for_provider(l->s, l->th, l->today, r->providers[i].id, route_flag, r, NULL);
    /* A case's flags come with its pupil's; a case whose pupil is not in
     * the report (never so in a panel pack) is asked for itself. */
    for (size_t i = 0; st == AP_OK && i < r->n_cases && r->n_pupils == 0; i++)
        st = flags_for_case(l->s, l->th, l->today, r->cases[i].id, route_flag, r, NULL);
    return st;
}

/* Moves an accumulator into a report's flags (text into the arena) and frees it. */
static bool flags_keep(struct load *l, struct flag_acc *a, struct report_flags *out)
{
    out->worst = a->worst;
    out->red = a->red;
    out->amber = a->amber;
    bool ok = !a->text.failed;
    out->text = arena_text(l->arena, strbuf_str(&a->text));
    strbuf_free(&a->text);
    return ok && out->text;
}

static void flag_accs_free(struct flag_acc *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        strbuf_free(&a[i].text);
    free(a);
}

/* ------------------------------------------------------------------ */
/* Providers' QA status (both reports) */

/* A provider's counted QA visits (qa_counted_each) into its row. */
struct counted_ctx {
    struct report_provider *rows;
    size_t n;
    int *first_stage1;
    struct rowio_id_at *ix;
};

static void take_counted(void *ctx, const struct qa_counted *q)
{
    struct counted_ctx *c = ctx;
    long at = rowio_id_at_find(c->ix, c->n, q->provider_id);
    if (at < 0)
        return;
    struct report_provider *v = &c->rows[at];
    v->last_visit = q->last_visit;
    rowio_copy(v->last_visit_stage, sizeof v->last_visit_stage, q->last_visit_stage);
    c->first_stage1[at] = q->first_stage1;
    v->last_stage1 = q->last_stage1;
    rowio_copy(v->stage1_outcome, sizeof v->stage1_outcome, q->stage1_outcome);
    v->last_stage2 = q->last_stage2;
    rowio_copy(v->stage2_outcome, sizeof v->stage2_outcome, q->stage2_outcome);
}

/* Loads the QA status of the providers whose ids are in ids[0..n) (sorted,
 * distinct) into a malloc'd array by name. Flags are filled by the caller. */
static ap_status load_providers(struct load *l, const int64_t *ids, size_t n, struct report_provider **out,
                                size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return AP_OK;
    struct report_provider *rows = calloc(n, sizeof *rows);
    if (!rows)
        return nomem();
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    size_t count = 0;
    int *concern = malloc(n * sizeof *concern), *first_used = malloc(n * sizeof *first_used),
        *first_stage1 = malloc(n * sizeof *first_stage1);
    if (!concern || !first_used || !first_stage1) {
        free(rows);
        free(concern);
        free(first_used);
        free(first_stage1);
        return nomem();
    }
    int rc = prepare(l,
                     "SELECT p.id, p.name, p.registration, p.status, p.declaration_date, p.dbs_checked_date, "
                     "  (SELECT max(c.concern_date) FROM concern c WHERE c.provider_id = p.id "
                     "     AND c.concern_date <= :today), "
                     "  (SELECT min(l.start_date) FROM placement l WHERE l.provider_id = p.id "
                     "     AND l.status != 'proposed' AND l.start_date <= :today), "
                     "  (SELECT count(DISTINCT l.pupil_id) FROM placement l WHERE l.provider_id = p.id "
                     "     AND " PLACEMENT_ACTIVE_TODAY("l") ") "
                     "FROM provider p ORDER BY p.name COLLATE NOCASE, p.id",
                     &st);
    while (next_row(st, &rc)) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (!bsearch(&id, ids, n, sizeof *ids, rowio_id_cmp) || count >= n)
            continue;
        struct report_provider *v = &rows[count];
        v->id = id;
        if (!(v->name = arena_text(l->arena, col_text(st, 1)))) {
            result = nomem();
            break;
        }
        const char *reg = col_text(st, 2);
        rowio_copy(v->registration, sizeof v->registration, reg);
        rowio_copy(v->status, sizeof v->status, col_text(st, 3));
        v->qa_required = !rules_state_maintained(reg);
        v->declaration_date = rowio_date(st, 4);
        v->dbs_date = rowio_date(st, 5);
        concern[count] = rowio_date(st, 6);
        first_used[count] = rowio_date(st, 7);
        v->pupils_now = sqlite3_column_int(st, 8);
        v->last_stage1 = v->last_stage2 = v->last_visit = first_stage1[count] = DATE_NONE;
        v->flags.text = "";
        count++;
    }
    result = finish(l, st, rc, result, "reading the providers");

    /* The counted visits up to today, read once for every provider
     * (db/qa.h's qa_counted_each). */
    struct counted_ctx c = {rows, count, first_stage1, NULL};
    if (result == AP_OK && count > 0 &&
        !(c.ix = rowio_id_at_build(rows, count, sizeof *rows, offsetof(struct report_provider, id))))
        result = nomem();
    if (result == AP_OK && count > 0)
        result = qa_counted_each(l->s, l->today, l->today + 1, 0, take_counted, &c);
    free(c.ix);
    for (size_t i = 0; result == AP_OK && i < count; i++) {
        struct report_provider *v = &rows[i];
        v->stage1_due = v->stage2_due = DATE_NONE;
        if (!v->qa_required)
            continue;
        rules_qa_stage1(v->last_stage1, strcmp(v->stage1_outcome, "unsatisfactory") == 0, l->today, l->th,
                        &v->stage1_due, NULL, 0);
        int since = first_used[i] != DATE_NONE ? first_used[i] : first_stage1[i];
        if (v->last_stage2 != DATE_NONE || since != DATE_NONE || concern[i] != DATE_NONE)
            rules_qa_stage2(v->last_stage2, strcmp(v->stage2_outcome, "unsatisfactory") == 0, since, concern[i],
                            l->today, l->th, &v->stage2_due, NULL, 0);
    }
    free(concern);
    free(first_used);
    free(first_stage1);
    if (result != AP_OK) {
        free(rows);
        return result;
    }
    *out = rows;
    *n_out = count;
    return AP_OK;
}

/* ------------------------------------------------------------------ */
/* The term for attendance (as db/flags.c reads it) */

struct term_span {
    bool have;
    int start, to;
    char name[40];
};

static ap_status load_term(struct load *l, struct term_span *t)
{
    memset(t, 0, sizeof *t);
    struct term_info term;
    bool found = false;
    ap_status result = calendar_term_or_year(l->s, l->today, &term, &found);
    if (result != AP_OK)
        return result;
    t->have = true;
    t->start = term.start;
    t->to = term.end < l->today ? term.end : l->today;
    char d[11];
    if (found)
        snprintf(t->name, sizeof t->name, "%s %s", term.name, term.academic_year);
    else
        snprintf(t->name, sizeof t->name, "since %s", date_format(t->start, d));
    return AP_OK;
}

/* ------------------------------------------------------------------ */
/* The Inclusion Panel pack */

/* The cases of the pack: those of the panel date, or every open case. */
#define PACK_CASES "((:pd IS NULL AND c.status = 'open') OR c.panel_date = :pd)"
#define PACK_PUPILS "(SELECT c.pupil_id FROM panel_case c WHERE " PACK_CASES ")"

struct panel_load {
    struct load l;
    struct report_panel *r;
    char pd[11];                    /* the panel date, "" for every open case */
    struct rowio_id_at *pupil_ix;         /* by pupil id */
};

static int prepare_pack(struct panel_load *p, const char *sql, sqlite3_stmt **st)
{
    int rc = prepare(&p->l, sql, st);
    if (rc == SQLITE_OK)
        rc = bind_text_named(*st, ":pd", p->pd[0] ? p->pd : NULL);
    return rc;
}

static ap_status panel_cases(struct panel_load *p)
{
    struct report_panel *r = p->r;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = prepare_pack(p,
                          "SELECT c.id, c.pupil_id, c.reason, c.status, c.referral_date, c.panel_date, "
                          "  c.triage_recommendation, c.decision "
                          "FROM panel_case c JOIN pupil u ON u.id = c.pupil_id "
                          "WHERE " PACK_CASES " ORDER BY " PUPIL_ORDER("u") ", c.id",
                          &st);
    while (next_row(st, &rc)) {
        struct report_case *grown = rowio_grow(r->cases, &cap, r->n_cases, sizeof *r->cases);
        if (!grown) {
            result = nomem();
            break;
        }
        r->cases = grown;
        struct report_case *c = &r->cases[r->n_cases++];
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int64(st, 0);
        c->pupil_id = sqlite3_column_int64(st, 1);
        rowio_copy(c->reason, sizeof c->reason, col_text(st, 2));
        rowio_copy(c->status, sizeof c->status, col_text(st, 3));
        c->referral_date = rowio_date(st, 4);
        c->panel_date = rowio_date(st, 5);
        c->triage = arena_text(p->l.arena, col_text(st, 6));
        c->decision = arena_text(p->l.arena, col_text(st, 7));
        c->quotes_text = c->flags.text = "";
        if (!c->triage || !c->decision) {
            result = nomem();
            break;
        }
    }
    return finish(&p->l, st, rc, result, "reading the panel cases");
}

static ap_status panel_quotes(struct panel_load *p)
{
    struct report_panel *r = p->r;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = prepare_pack(p,
                          "SELECT q.id, q.case_id, q.provider_id, v.name, q.cost_basis, q.rate, q.sessions_per_week, "
                          "  q.hours_per_week, q.transport_per_week, q.notes, q.chosen, v.status = 'suspended', "
                          "  q.recommend_reason "
                          "FROM quote q JOIN panel_case c ON c.id = q.case_id JOIN provider v ON v.id = q.provider_id "
                          "WHERE " PACK_CASES " ORDER BY q.case_id, q.id",
                          &st);
    while (next_row(st, &rc)) {
        struct report_quote *grown = rowio_grow(r->quotes, &cap, r->n_quotes, sizeof *r->quotes);
        if (!grown) {
            result = nomem();
            break;
        }
        r->quotes = grown;
        struct report_quote *q = &r->quotes[r->n_quotes++];
        memset(q, 0, sizeof *q);
        q->id = sqlite3_column_int64(st, 0);
        q->case_id = sqlite3_column_int64(st, 1);
        q->provider_id = sqlite3_column_int64(st, 2);
        q->provider = arena_text(p->l.arena, col_text(st, 3));
        rowio_copy(q->cost_basis, sizeof q->cost_basis, col_text(st, 4));
        q->rate = sqlite3_column_int64(st, 5);
        q->sessions_per_week = sqlite3_column_int(st, 6);
        q->hours_per_week = sqlite3_column_double(st, 7);
        q->transport_per_week = sqlite3_column_int64(st, 8);
        q->notes = arena_text(p->l.arena, col_text(st, 9));
        q->chosen = sqlite3_column_int(st, 10) != 0;
        q->suspended = sqlite3_column_int(st, 11) != 0;
        q->recommend_reason = arena_text(p->l.arena, col_text(st, 12));
        if (!q->provider || !q->notes || !q->recommend_reason) {
            result = nomem();
            break;
        }
        annual_parts(q->cost_basis, q->rate, q->transport_per_week, q->sessions_per_week,
                     (q->sessions_per_week + 1) / 2, &q->annual_tuition, &q->annual_transport);
        q->annual_total = q->annual_tuition + q->annual_transport;
        q->cost_per_week = report_prorate(q->annual_tuition, 1, RULES_SCHOOL_WEEKS);
        q->has_cost_per_session = q->sessions_per_week > 0;
        if (q->has_cost_per_session)
            q->cost_per_session =
                report_prorate(q->annual_tuition, 1, (int64_t)RULES_SCHOOL_WEEKS * q->sessions_per_week);
    }
    return finish(&p->l, st, rc, result, "reading the quotations");
}

/* Each case's quotes, recommended quote and quotations warning. */
static void take_quote_no(void *ctx, const struct qa_open_no *no)
{
    struct report_panel *r = ctx;
    for (size_t k = 0; k < r->n_quotes; k++)
        if (r->quotes[k].provider_id == no->provider_id)
            r->quotes[k].safeguarding_no = true;
}

static ap_status panel_recommend(struct panel_load *p)
{
    struct report_panel *r = p->r;
    const struct thresholds *th = p->l.th;
    if (r->n_quotes > 0) {
        ap_status st = qa_safeguarding_open(p->l.s, p->l.today, 0, take_quote_no, r);
        if (st != AP_OK)
            return st;
    }
    for (size_t i = 0; i < r->n_cases; i++) {
        struct report_case *c = &r->cases[i];
        size_t lo = 0, hi = r->n_quotes;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->quotes[mid].case_id < c->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        c->first_quote = lo;
        while (lo < r->n_quotes && r->quotes[lo].case_id == c->id)
            lo++;
        c->n_quotes = lo - c->first_quote;
        char money[MONEY_LEN], why[RULES_WHY_LEN + 160];
        if (c->n_quotes == 0) {
            c->quotes_warning = true;
            snprintf(why, sizeof why,
                     "No quotations recorded: at least %d are needed for a placement under %s (procurement route 1)",
                     th->quotes_required, money_format_short(th->quote_threshold, money, sizeof money));
        } else {
            /* The one rule of src/rules.h, as db/flags.c applies it. */
            struct rules_quote *rq = calloc(c->n_quotes, sizeof *rq);
            if (!rq)
                return nomem();
            for (size_t k = 0; k < c->n_quotes; k++) {
                const struct report_quote *q = &r->quotes[c->first_quote + k];
                rq[k] = (struct rules_quote){q->provider_id, q->provider, q->annual_total, q->chosen,
                                             q->suspended, q->safeguarding_no, q->recommend_reason};
            }
            struct rules_quote_pick pick;
            char rule[RULES_WHY_LEN];
            enum flag_level level = rules_quotations(rq, c->n_quotes, th, &pick, rule, sizeof rule);
            free(rq);
            c->recommended_chosen = pick.chosen;
            c->recommended_unsafe = pick.unsafe_pick;
            c->recommended_reasoned = pick.reasoned;
            if (pick.pick >= 0) {
                c->has_recommended = true;
                c->recommended = c->first_quote + (size_t)pick.pick;
                r->quotes[c->recommended].recommended = true;
            }
            c->quotes_warning = rules_flag_raised(level);
            if (c->quotes_warning)
                snprintf(why, sizeof why, "Procurement (quotations): %s", rule);
        }
        if (c->quotes_warning && !(c->quotes_text = arena_text(p->l.arena, why)))
            return nomem();
    }
    return AP_OK;
}

static ap_status panel_pupils(struct panel_load *p)
{
    struct report_panel *r = p->r;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = prepare_pack(p,
                          "SELECT u.id, u.legal_forename, u.legal_surname, u.preferred_name, u.upn, u.dob, "
                          "  coalesce(h.name, ''), u.roll_status, u.cohort, u.plan, u.cla, u.fsm "
                          "FROM pupil u LEFT JOIN school h ON h.id = u.home_school_id "
                          "WHERE u.id IN " PACK_PUPILS " ORDER BY " PUPIL_ORDER("u"),
                          &st);
    while (next_row(st, &rc)) {
        struct report_pupil *grown = rowio_grow(r->pupils, &cap, r->n_pupils, sizeof *r->pupils);
        if (!grown) {
            result = nomem();
            break;
        }
        r->pupils = grown;
        struct report_pupil *u = &r->pupils[r->n_pupils++];
        memset(u, 0, sizeof *u);
        u->id = sqlite3_column_int64(st, 0);
        char name[420];
        roll_display_name(name, sizeof name, col_text(st, 3), col_text(st, 1), col_text(st, 2));
        u->name = arena_text(p->l.arena, name);
        snprintf(name, sizeof name, "%s %s", col_text(st, 1), col_text(st, 2));
        u->legal_name = arena_text(p->l.arena, name);
        rowio_copy(u->upn, sizeof u->upn, col_text(st, 4));
        u->dob = rowio_date(st, 5);
        u->year_group = rules_year_group(u->dob, p->l.today);
        u->home_school = arena_text(p->l.arena, col_text(st, 6));
        rowio_copy(u->roll_status, sizeof u->roll_status, col_text(st, 7));
        rowio_copy(u->cohort, sizeof u->cohort, col_text(st, 8));
        rowio_copy(u->plan, sizeof u->plan, col_text(st, 9));
        u->cla = sqlite3_column_int(st, 10) != 0;
        u->fsm = sqlite3_column_int(st, 11) != 0;
        u->min_hours = rules_min_weekly_hours(u->year_group, p->l.th);
        u->psp_meeting = u->psp_last_review = u->psp_next_review = u->psp_end = DATE_NONE;
        u->current = u->flags.text = "";
        if (!u->name || !u->legal_name || !u->home_school) {
            result = nomem();
            break;
        }
    }
    result = finish(&p->l, st, rc, result, "reading the pupils of the panel cases");
    if (result != AP_OK)
        return result;
    if (!(p->pupil_ix = rowio_id_at_build(r->pupils, r->n_pupils, sizeof *r->pupils, offsetof(struct report_pupil, id))))
        return nomem();
    for (size_t i = 0; i < r->n_cases; i++) {
        long at = rowio_id_at_find(p->pupil_ix, r->n_pupils, r->cases[i].pupil_id);
        r->cases[i].pupil = at >= 0 ? (size_t)at : 0;
    }
    return AP_OK;
}

static ap_status panel_placements(struct panel_load *p)
{
    struct report_panel *r = p->r;
    sqlite3_stmt *st = NULL;
    size_t cap = 0, n = 0;
    struct report_placement *rows = NULL;
    ap_status result = AP_OK;
    int rc = prepare_pack(p,
                          "SELECT l.id, l.pupil_id, l.provider_id, v.name, l.status, l.start_date, l.end_date, "
                          "  coalesce(l.planned_weeks, 0), l.cost_basis, l.rate, l.transport_per_week, "
                          "  coalesce(l.panel_case_id, 0), "
                          "  (SELECT count(*) FROM placement_session t WHERE t.placement_id = l.id), "
                          "  (SELECT count(DISTINCT t.weekday) FROM placement_session t WHERE t.placement_id = l.id), "
                          "  (SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id) "
                          "FROM placement l JOIN provider v ON v.id = l.provider_id "
                          "WHERE l.pupil_id IN " PACK_PUPILS " "
                          "ORDER BY l.pupil_id, CASE l.status WHEN 'active' THEN 0 WHEN 'proposed' THEN 1 ELSE 2 END, "
                          "  l.start_date DESC, l.id DESC",
                          &st);
    while (next_row(st, &rc)) {
        struct report_placement *grown = rowio_grow(rows, &cap, n, sizeof *rows);
        if (!grown) {
            result = nomem();
            break;
        }
        rows = grown;
        struct report_placement *pl = &rows[n++];
        memset(pl, 0, sizeof *pl);
        pl->id = sqlite3_column_int64(st, 0);
        pl->pupil_id = sqlite3_column_int64(st, 1);
        pl->provider_id = sqlite3_column_int64(st, 2);
        pl->provider = arena_text(p->l.arena, col_text(st, 3));
        rowio_copy(pl->status, sizeof pl->status, col_text(st, 4));
        pl->start = rowio_date(st, 5);
        pl->end = rowio_date(st, 6);
        pl->planned_weeks = sqlite3_column_int(st, 7);
        rowio_copy(pl->cost_basis, sizeof pl->cost_basis, col_text(st, 8));
        pl->rate = sqlite3_column_int64(st, 9);
        pl->transport_per_week = sqlite3_column_int64(st, 10);
        pl->panel_case_id = sqlite3_column_int64(st, 11);
        pl->sessions_per_week = sqlite3_column_int(st, 12);
        pl->days_per_week = sqlite3_column_int(st, 13);
        pl->weekly_hours = sqlite3_column_double(st, 14);
        int64_t tuition, transport;
        annual_parts(pl->cost_basis, pl->rate, pl->transport_per_week, pl->sessions_per_week, pl->days_per_week,
                     &tuition, &transport);
        pl->annual_cost = tuition + transport;
        pl->running_today = strcmp(pl->status, "active") == 0 && pl->start != DATE_NONE && pl->start <= p->l.today &&
                            (pl->end == DATE_NONE || pl->end >= p->l.today);
        if (!pl->provider) {
            result = nomem();
            break;
        }
    }
    result = finish(&p->l, st, rc, result, "reading the pupils' placements");
    if (result != AP_OK) {
        free(rows);
        return result;
    }
    /* Rows come by pupil id; the pack lists pupils by name: copy each
     * pupil's run of rows in the pupils' order. */
    r->placements = malloc((n ? n : 1) * sizeof *r->placements);
    if (!r->placements) {
        free(rows);
        return nomem();
    }
    size_t out = 0;
    struct strbuf names = {0};
    for (size_t i = 0; i < r->n_pupils; i++) {
        struct report_pupil *u = &r->pupils[i];
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (rows[mid].pupil_id < u->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        u->first_placement = out;
        for (; lo < n && rows[lo].pupil_id == u->id; lo++)
            r->placements[out++] = rows[lo];
        u->n_placements = out - u->first_placement;
        /* The week of the placements running today, their providers by name. */
        strbuf_reset(&names);
        const char **seen = NULL;
        size_t n_seen = 0;
        if (u->n_placements && !(seen = malloc(u->n_placements * sizeof *seen))) {
            strbuf_free(&names);
            free(rows);
            return nomem();
        }
        for (size_t k = u->first_placement; k < out; k++) {
            const struct report_placement *pl = &r->placements[k];
            if (!pl->running_today)
                continue;
            u->placements_today++;
            u->weekly_hours += pl->weekly_hours;
            bool dup = false;
            for (size_t j = 0; j < n_seen; j++)
                dup = dup || strcmp(seen[j], pl->provider) == 0;
            if (!dup)
                seen[n_seen++] = pl->provider;
        }
        /* by name, case-insensitively (a handful: insertion sort) */
        for (size_t a = 1; a < n_seen; a++)
            for (size_t b = a; b > 0 && strcasecmp(seen[b - 1], seen[b]) > 0; b--) {
                const char *t = seen[b - 1];
                seen[b - 1] = seen[b];
                seen[b] = t;
            }
        for (size_t j = 0; j < n_seen; j++) {
            if (j)
                strbuf_append(&names, ", ");
            strbuf_append(&names, seen[j]);
        }
        free(seen);
        u->below_minimum = rules_is_reduced(u->weekly_hours, u->year_group, p->l.th);
        if (names.failed || !(u->current = arena_text(p->l.arena, strbuf_str(&names)))) {
            strbuf_free(&names);
            free(rows);
            return nomem();
        }
    }
    strbuf_free(&names);
    r->n_placements = out;
    free(rows);
    return AP_OK;
}

static ap_status panel_attendance(struct panel_load *p)
{
    struct report_panel *r = p->r;
    sqlite3_stmt *st = NULL;
    int lo6 = week_of(r->last6_from), hi6 = week_of(r->last6_to);
    int tlo = week_of(r->term_start), thi = week_of(r->term_to);
    int rc = prepare_pack(p,
                          "SELECT w.pupil_id, "
                          "  sum(CASE WHEN w.week BETWEEN :lo6 AND :hi6 THEN w.possible ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :lo6 AND :hi6 THEN w.attending ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :lo6 AND :hi6 THEN w.authorised ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :lo6 AND :hi6 THEN w.unauthorised ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.possible ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.attending ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.authorised ELSE 0 END), "
                          "  sum(CASE WHEN w.week BETWEEN :tlo AND :thi THEN w.unauthorised ELSE 0 END) "
                          "FROM attendance_week w "
                          "WHERE w.pupil_id IN " PACK_PUPILS " AND w.week BETWEEN :lo AND :hi "
                          "GROUP BY w.pupil_id",
                          &st);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":lo6", lo6);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":hi6", hi6);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":tlo", r->have_term ? tlo : 1);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":thi", r->have_term ? thi : 0);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":lo", r->have_term && tlo < lo6 ? tlo : lo6);
    if (rc == SQLITE_OK)
        rc = bind_int_named(st, ":hi", r->have_term && thi > hi6 ? thi : hi6);
    while (next_row(st, &rc)) {
        long at = rowio_id_at_find(p->pupil_ix, r->n_pupils, sqlite3_column_int64(st, 0));
        if (at < 0)
            continue;
        struct report_pupil *u = &r->pupils[at];
        u->last6 = (struct report_att){sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                                       sqlite3_column_int(st, 3), sqlite3_column_int(st, 4)};
        u->term = (struct report_att){sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
                                      sqlite3_column_int(st, 7), sqlite3_column_int(st, 8)};
    }
    return finish(&p->l, st, rc, AP_OK, "reading the pupils' attendance");
}

static ap_status panel_psps(struct panel_load *p)
{
    struct report_panel *r = p->r;
    const struct thresholds *th = p->l.th;
    sqlite3_stmt *st = NULL;
    int rc = prepare_pack(p,
                          "SELECT s.pupil_id, s.status, s.meeting_date, s.next_review_date, s.end_date, "
                          "  s.reduced_timetable, "
                          "  (SELECT max(v.review_date) FROM psp_review v WHERE v.psp_id = s.id "
                          "     AND v.review_date <= :today) "
                          "FROM psp s WHERE s.status != 'ceased' AND s.pupil_id IN " PACK_PUPILS,
                          &st);
    while (next_row(st, &rc)) {
        long at = rowio_id_at_find(p->pupil_ix, r->n_pupils, sqlite3_column_int64(st, 0));
        if (at < 0)
            continue;
        struct report_pupil *u = &r->pupils[at];
        u->has_psp = true;
        rowio_copy(u->psp_status, sizeof u->psp_status, col_text(st, 1));
        u->psp_meeting = rowio_date(st, 2);
        int next_review = rowio_date(st, 3), end = rowio_date(st, 4);
        u->psp_reduced = sqlite3_column_int(st, 5) != 0;
        u->psp_last_review = rowio_date(st, 6);
        if (strcmp(u->psp_status, "active") == 0) {
            int due = DATE_NONE;
            rules_psp_review(u->psp_last_review, u->psp_meeting, p->l.today, th, &due, NULL, 0);
            int base = u->psp_last_review != DATE_NONE ? u->psp_last_review : u->psp_meeting;
            if (next_review != DATE_NONE && base != DATE_NONE && next_review > base && next_review < due)
                due = next_review;
            u->psp_next_review = due;
        } else {
            u->psp_next_review = next_review;
        }
        if (end != DATE_NONE || u->psp_meeting != DATE_NONE)
            rules_psp_end(u->psp_meeting, end, false, p->l.today, th, &u->psp_end, NULL, 0);
    }
    return finish(&p->l, st, rc, AP_OK, "reading the pupils' PSPs");
}

/* The providers of the pack: quoted, or with a placement of its pupils
 * running today or proposed and not ended. */
static ap_status panel_providers(struct panel_load *p)
{
    struct report_panel *r = p->r;
    int64_t *ids = malloc((r->n_quotes + r->n_placements + 1) * sizeof *ids);
    if (!ids)
        return nomem();
    size_t n = 0;
    for (size_t i = 0; i < r->n_quotes; i++)
        ids[n++] = r->quotes[i].provider_id;
    for (size_t i = 0; i < r->n_placements; i++) {
        const struct report_placement *pl = &r->placements[i];
        if (pl->running_today ||
            (strcmp(pl->status, "proposed") == 0 && (pl->end == DATE_NONE || pl->end >= p->l.today)))
            ids[n++] = pl->provider_id;
    }
    qsort(ids, n, sizeof *ids, rowio_id_cmp);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (distinct == 0 || ids[distinct - 1] != ids[i])
            ids[distinct++] = ids[i];
    ap_status st = load_providers(&p->l, ids, distinct, &r->providers, &r->n_providers);
    free(ids);
    return st;
}

static ap_status panel_flags(struct panel_load *p)
{
    struct report_panel *r = p->r;
    struct flag_route route = {0};
    ap_status st = AP_OK;
    route.n_pupils = r->n_pupils;
    route.n_providers = r->n_providers;
    route.n_cases = r->n_cases;
    route.pupils = p->pupil_ix;
    struct rowio_id_at *prov_ix = rowio_id_at_build(r->providers, r->n_providers, sizeof *r->providers,
                                     offsetof(struct report_provider, id));
    struct rowio_id_at *case_ix = rowio_id_at_build(r->cases, r->n_cases, sizeof *r->cases, offsetof(struct report_case, id));
    route.pupil_acc = calloc(r->n_pupils + 1, sizeof *route.pupil_acc);
    route.provider_acc = calloc(r->n_providers + 1, sizeof *route.provider_acc);
    route.case_acc = calloc(r->n_cases + 1, sizeof *route.case_acc);
    if (!prov_ix || !case_ix || !route.pupil_acc || !route.provider_acc || !route.case_acc) {
        st = nomem();
        goto done;
    }
    route.providers = prov_ix;
    route.cases = case_ix;
    if ((st = collect_flags(&p->l, &route)) != AP_OK)
        goto done;
    for (size_t i = 0; i < r->n_pupils && st == AP_OK; i++)
        if (!flags_keep(&p->l, &route.pupil_acc[i], &r->pupils[i].flags))
            st = nomem();
    for (size_t i = 0; i < r->n_providers && st == AP_OK; i++)
        if (!flags_keep(&p->l, &route.provider_acc[i], &r->providers[i].flags))
            st = nomem();
    for (size_t i = 0; i < r->n_cases && st == AP_OK; i++)
        if (!flags_keep(&p->l, &route.case_acc[i], &r->cases[i].flags))
            st = nomem();
done:
    flag_accs_free(route.pupil_acc, r->n_pupils);
    flag_accs_free(route.provider_acc, r->n_providers);
    flag_accs_free(route.case_acc, r->n_cases);
    free(prov_ix);
    free(case_ix);
    return st;
}

void report_panel_free(struct report_panel *r)
{
    if (!r)
        return;
    free(r->cases);
    free(r->quotes);
    free(r->pupils);
    free(r->placements);
    free(r->providers);
    arena_free(r->arena);
    free(r);
}

ap_status report_panel_load(struct store *s, const struct thresholds *th, int today, int panel_date,
                            struct report_panel **out)
{
    *out = NULL;
    struct report_panel *r = calloc(1, sizeof *r);
    if (!r)
        return nomem();
    struct panel_load p = {.r = r};
    r->today = today;
    r->panel_date = panel_date;
    r->quotes_required = th->quotes_required;
    r->quote_threshold = th->quote_threshold;
    if (panel_date != DATE_NONE)
        date_format(panel_date, p.pd);
    ap_status st = load_begin(&p.l, s, th, today, &r->arena);
    if (st != AP_OK) {
        report_panel_free(r);
        return st;
    }
    struct term_span term;
    if ((st = load_term(&p.l, &term)) == AP_OK) {
        r->have_term = term.have;
        r->term_start = term.start;
        r->term_to = term.to;
        snprintf(r->term_name, sizeof r->term_name, "%s", term.name);
        r->last6_to = today;
        r->last6_from = week_of(today) - 7 * (REPORT_LAST_WEEKS - 1);
    }
    if (st == AP_OK)
        st = panel_cases(&p);
    if (st == AP_OK)
        st = panel_quotes(&p);
    if (st == AP_OK)
        st = panel_recommend(&p);
    if (st == AP_OK)
        st = panel_pupils(&p);
    if (st == AP_OK)
        st = panel_placements(&p);
    if (st == AP_OK)
        st = panel_attendance(&p);
    if (st == AP_OK)
        st = panel_psps(&p);
    if (st == AP_OK)
        st = panel_providers(&p);
    if (st == AP_OK)
        st = panel_flags(&p);
    load_end(&p.l);
    free(p.pupil_ix);
    if (st != AP_OK) {
        report_panel_free(r);
        return st;
    }
    *out = r;
    return AP_OK;
}

/* ------------------------------------------------------------------ */
/* The DMT value-for-money report */


/* A counted placement, as the marks are matched to it. */
struct dmt_placement {
    int64_t id, pupil_id, provider_id;
    int start, end;                 /* end DATE_NONE while open-ended */
    char basis[8];                  /* cost basis */
    int64_t rate, transport;        /* pence per basis unit; transport per week */
    double hours[5][2];             /* timetable: weekday x AM/PM; 0 = not attended */
    unsigned slots;                 /* the same as attendance_week's bits: weekday * 2 + pm */
    int sessions_per_week;
    int64_t annual;
    int days;                       /* placement days in the range */
    int possible, attending;        /* marks that belong to it */
    double attended_hours;
};

/* A pupil, as the DMT counts it. */
struct dmt_pupil {
    int64_t id;
    const char *name;
    char upn[14];
    char cohort[24];
    int dob;
    struct report_att att;          /* all the pupil's marks in the range */
    bool listed;                    /* a counted placement or a counted mark */
};

struct dmt_load {
    struct load l;
    struct report_dmt *r;
    report_progress_fn progress;
    void *progress_ctx;
    char from_s[11], to_s[11];
    int *school_before;             /* school days in [from, from + i) for i in 0..days */
    struct dmt_placement *pls;      /* by pupil id, then latest start first */
    size_t n_pls;
    struct dmt_pupil *pupils;       /* every pupil, by name */
    size_t n_pupils;
    struct rowio_id_at *pupil_ix;
};

static void dmt_progress(struct dmt_load *d, double fraction, const char *what)
{
    if (d->progress)
        d->progress(d->progress_ctx, fraction, what);
}

static int prepare_range(struct dmt_load *d, const char *sql, sqlite3_stmt **st)
{
    int rc = prepare(&d->l, sql, st);
    if (rc == SQLITE_OK)
        rc = bind_text_named(*st, ":from", d->from_s);
    if (rc == SQLITE_OK)
        rc = bind_text_named(*st, ":to", d->to_s);
    if (rc == SQLITE_OK)
        rc = bind_int_named(*st, ":dfrom", d->r->from);
    if (rc == SQLITE_OK)
        rc = bind_int_named(*st, ":dto", d->r->to);
    return rc;
}

/* The first and last months wholly in the range ("YYYY-MM"); a > b when none. */
static void whole_months(const struct report_dmt *r, char a[8], char b[8])
{
    int y, m, d;
    date_to_ymd(r->from, &y, &m, &d);
    int first = d == 1 ? r->from : date_add_months(date_from_ymd(y, m, 1), 1);
    date_to_ymd(r->to + 1, &y, &m, &d);
    int last = date_add_months(date_from_ymd(y, m, 1), -1); /* the month before the one after `to` */
    char buf[11];
    snprintf(a, 8, "%.7s", date_format(first, buf));
    snprintf(b, 8, "%.7s", date_format(last, buf));
}

/* Binds the months ?1 and ?2. */
static int prepare_months(struct dmt_load *d, const char *sql, const char *a, const char *b, sqlite3_stmt **st)
{
    int rc = prepare(&d->l, sql, st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(*st, 1, a, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(*st, 2, b, -1, SQLITE_TRANSIENT);
    return rc;
}

/* School days in [a, b] within the range. */
static int school_days_in(const struct dmt_load *d, int a, int b)
{
    if (a < d->r->from)
        a = d->r->from;
    if (b > d->r->to)
        b = d->r->to;
    if (a > b)
        return 0;
    return d->school_before[b - d->r->from + 1] - d->school_before[a - d->r->from];
}

static ap_status dmt_calendar(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    struct calendar cal;
    ap_status st = calendar_load(d->l.s, &cal);
    if (st != AP_OK)
        return st;
    int days = r->to - r->from + 1;
    d->school_before = malloc((size_t)(days + 1) * sizeof *d->school_before);
    if (!d->school_before) {
        calendar_free(&cal);
        return nomem();
    }
    d->school_before[0] = 0;
    for (int i = 0; i < days; i++)
        d->school_before[i + 1] = d->school_before[i] + calendar_is_school_day(&cal, r->from + i);
    calendar_free(&cal);
    r->school_days = d->school_before[days];
    r->school_days_after_today = r->today < r->to ? school_days_in(d, r->today + 1, r->to) : 0;
    return AP_OK;
}

#define COUNTED_PLACEMENT(l) \
    l ".status IN ('active', 'ended') AND " l ".start_date <= :to AND (" l ".end_date IS NULL OR " l ".end_date >= :from)"

static ap_status dmt_placements(struct dmt_load *d)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = prepare_range(d,
                           "SELECT l.id, l.pupil_id, l.provider_id, l.start_date, l.end_date, l.cost_basis, l.rate, "
                           "  l.transport_per_week "
                           "FROM placement l WHERE " COUNTED_PLACEMENT("l") " "
                           "ORDER BY l.id",
                           &st);
    while (next_row(st, &rc)) {
        struct dmt_placement *grown = rowio_grow(d->pls, &cap, d->n_pls, sizeof *d->pls);
        if (!grown) {
            result = nomem();
            break;
        }
        d->pls = grown;
        struct dmt_placement *pl = &d->pls[d->n_pls++];
        memset(pl, 0, sizeof *pl);
        pl->id = sqlite3_column_int64(st, 0);
        pl->pupil_id = sqlite3_column_int64(st, 1);
        pl->provider_id = sqlite3_column_int64(st, 2);
        pl->start = rowio_date(st, 3);
        pl->end = rowio_date(st, 4);
        rowio_copy(pl->basis, sizeof pl->basis, col_text(st, 5));
        pl->rate = sqlite3_column_int64(st, 6);
        pl->transport = sqlite3_column_int64(st, 7);
    }
    result = finish(&d->l, st, rc, result, "reading the placements of the range");
    if (result != AP_OK)
        return result;

    /* The timetables: one walk of placement_session in key order (placement
     * id) over the ids of the placements read, those not read skipped here
     * (no look-up of each row's placement). */
    if (d->n_pls == 0)
        return AP_OK;
    rc = prepare(&d->l,
                 "SELECT placement_id, weekday, session, hours FROM placement_session "
                 "WHERE placement_id BETWEEN ?1 AND ?2 ORDER BY placement_id",
                 &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, d->pls[0].id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, d->pls[d->n_pls - 1].id);
    size_t at = 0;
    while (next_row(st, &rc)) {
        int64_t id = sqlite3_column_int64(st, 0);
        while (at < d->n_pls && d->pls[at].id < id)
            at++;
        int wd = sqlite3_column_int(st, 1);
        if (at >= d->n_pls || d->pls[at].id != id || wd < 0 || wd > 4)
            continue;
        int half = strcmp(col_text(st, 2), "pm") == 0;
        d->pls[at].hours[wd][half] = sqlite3_column_double(st, 3);
        if (d->pls[at].hours[wd][half] > 0)
            d->pls[at].slots |= 1u << (2 * wd + half);
    }
    result = finish(&d->l, st, rc, AP_OK, "reading the placements' timetables");
    if (result != AP_OK)
        return result;

    /* Sessions and days a week, the annual cost, the placement days; keep
     * those with a school day in the range. */
    size_t kept = 0;
    for (size_t i = 0; i < d->n_pls; i++) {
        struct dmt_placement *pl = &d->pls[i];
        int sessions = 0, days = 0;
        for (int wd = 0; wd < 5; wd++) {
            sessions += (pl->hours[wd][0] > 0) + (pl->hours[wd][1] > 0);
            days += pl->hours[wd][0] > 0 || pl->hours[wd][1] > 0;
        }
        pl->sessions_per_week = sessions;
        int64_t tuition, transport;
        annual_parts(pl->basis, pl->rate, pl->transport, sessions, days, &tuition, &transport);
        pl->annual = tuition + transport;
        pl->days = school_days_in(d, pl->start, pl->end == DATE_NONE ? d->r->to : pl->end);
        if (pl->days > 0)
            d->pls[kept++] = *pl;
    }
    d->n_pls = kept;
    d->pls = shrink(d->pls, d->n_pls, sizeof *d->pls);
    return AP_OK;
}

static int dmt_placement_cmp(const void *a, const void *b)
{
    const struct dmt_placement *x = a, *y = b;
    if (x->pupil_id != y->pupil_id)
        return x->pupil_id < y->pupil_id ? -1 : 1;
    if (x->start != y->start)
        return x->start > y->start ? -1 : 1;
    return (x->id < y->id) - (x->id > y->id);
}

static ap_status dmt_pupils(struct dmt_load *d)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = prepare(&d->l,
                     "SELECT u.id, u.legal_forename, u.legal_surname, u.preferred_name, u.upn, u.dob, u.cohort "
                     "FROM pupil u ORDER BY " PUPIL_ORDER("u"),
                     &st);
    while (next_row(st, &rc)) {
        struct dmt_pupil *grown = rowio_grow(d->pupils, &cap, d->n_pupils, sizeof *d->pupils);
        if (!grown) {
            result = nomem();
            break;
        }
        d->pupils = grown;
        struct dmt_pupil *u = &d->pupils[d->n_pupils++];
        memset(u, 0, sizeof *u);
        u->id = sqlite3_column_int64(st, 0);
        char name[420];
        roll_display_name(name, sizeof name, col_text(st, 3), col_text(st, 1), col_text(st, 2));
        /* Into the report's arena at once: nearly every pupil is listed,
         * and a name there costs no allocation of its own. */
        if (!(u->name = arena_text(d->l.arena, name))) {
            result = nomem();
            break;
        }
        rowio_copy(u->upn, sizeof u->upn, col_text(st, 4));
        u->dob = rowio_date(st, 5);
        rowio_copy(u->cohort, sizeof u->cohort, col_text(st, 6));
    }
    result = finish(&d->l, st, rc, result, "reading the pupils");
    if (result != AP_OK)
        return result;
    d->pupils = shrink(d->pupils, d->n_pupils, sizeof *d->pupils);
    if (!(d->pupil_ix = rowio_id_at_build(d->pupils, d->n_pupils, sizeof *d->pupils, offsetof(struct dmt_pupil, id))))
        return nomem();
    return AP_OK;
}

/* The slots (attendance_week's bits: weekday * 2 + pm) of the days of the
 * week starting on monday that are in [from, to]. */
static unsigned slots_in_range(int monday, int from, int to)
{
    if (from > monday + 6 || to < monday || from > to)
        return 0;
    int lo = from > monday ? from - monday : 0, hi = to < monday + 6 ? to - monday : 6;
    return ((1u << (2 * hi + 2)) - 1u) & ~((1u << (2 * lo)) - 1u);
}

/* One walk over the pupils' weeks of the range (attendance_week, kept by
 * the triggers of migration 34 with the sessions each week counts), not over
 * the marks: each counted session, in day and session order, is matched to
 * the placement it belongs to as a mark would be; a week the range cuts
 * counts only its days in the range. */
static ap_status dmt_marks(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    int first_week = week_of(r->from);
    size_t n_weeks = (size_t)((week_of(r->to) - first_week) / 7 + 1);
    struct report_week *weeks = calloc(n_weeks, sizeof *weeks);
    if (!weeks)
        return nomem();
    for (size_t w = 0; w < n_weeks; w++) {
        weeks[w].monday = first_week + 7 * (int)w;
        weeks[w].school_days = school_days_in(d, weeks[w].monday, weeks[w].monday + 6);
    }

    sqlite3_stmt *st = NULL;
    int64_t max_pupil = d->n_pupils ? d->pupil_ix[d->n_pupils - 1].id : 1;
    int rc = prepare_range(d,
                           "SELECT w.pupil_id, w.week, w.counted_slots, w.attending_slots, w.authorised_slots "
                           "FROM pupil u CROSS JOIN attendance_week w ON w.pupil_id = u.id "
                           "WHERE w.week BETWEEN :dfrom - 6 AND :dto AND w.counted_slots <> 0 ORDER BY u.id",
                           &st);
    int64_t current = -1;
    struct dmt_pupil *u = NULL;
    size_t pl_lo = 0, pl_hi = 0;
    unsigned long rows = 0;
    while (next_row(st, &rc)) {
        int64_t pid = sqlite3_column_int64(st, 0);
        if (pid != current) {
            current = pid;
            long at = rowio_id_at_find(d->pupil_ix, d->n_pupils, pid);
            u = at >= 0 ? &d->pupils[at] : NULL;
            size_t lo = 0, hi = d->n_pls;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (d->pls[mid].pupil_id < pid)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            pl_lo = pl_hi = lo;
            while (pl_hi < d->n_pls && d->pls[pl_hi].pupil_id == pid)
                pl_hi++;
        }
        if (++rows % 8192 == 0)
            dmt_progress(d, 0.15 + 0.6 * (double)pid / (double)(max_pupil ? max_pupil : 1), "Reading the marks");
        int monday = sqlite3_column_int(st, 1);
        unsigned counted = (unsigned)sqlite3_column_int64(st, 2) & slots_in_range(monday, r->from, r->to);
        unsigned attending_slots = (unsigned)sqlite3_column_int64(st, 3) & counted;
        unsigned authorised_slots = (unsigned)sqlite3_column_int64(st, 4) & counted & ~attending_slots;
        struct report_att att = {
            .possible = __builtin_popcount(counted),
            .attending = __builtin_popcount(attending_slots),
            .authorised = __builtin_popcount(authorised_slots),
        };
        /* Each weekday session to the first placement (latest start first)
         * running that day whose timetable has it: as bit masks, a placement
         * takes the sessions still unmatched that it timetables on its days
         * of this week. Its hours are added in session order, as a walk of
         * the sessions would. */
        unsigned left = counted & 0x3ffu;
        for (size_t k = pl_lo; left && k < pl_hi; k++) {
            struct dmt_placement *pl = &d->pls[k];
            int end = pl->end == DATE_NONE ? INT_MAX : pl->end;
            unsigned mine = left & pl->slots & slots_in_range(monday, pl->start, end);
            if (!mine)
                continue;
            left &= ~mine;
            unsigned went = mine & attending_slots;
            pl->possible += __builtin_popcount(mine);
            pl->attending += __builtin_popcount(went);
            for (; went; went &= went - 1) {
                int slot = __builtin_ctz(went);
                pl->attended_hours += pl->hours[slot / 2][slot % 2];
            }
        }
        r->unplaced_attended += __builtin_popcount(attending_slots & ~(counted & 0x3ffu & ~left));
        att.unauthorised = att.possible - att.attending - att.authorised;
        if (u)
            att_add(&u->att, &att);
        size_t w = (size_t)((monday - first_week) / 7);
        if (monday >= first_week && w < n_weeks)
            att_add(&weeks[w].att, &att);
    }
    ap_status result = finish(&d->l, st, rc, AP_OK, "reading the attendance by week");
    if (result != AP_OK) {
        free(weeks);
        return result;
    }
    /* Weeks with a school day in the range. */
    size_t kept = 0;
    for (size_t w = 0; w < n_weeks; w++)
        if (weeks[w].school_days > 0)
            weeks[kept++] = weeks[w];
    r->weeks = weeks;
    r->n_weeks = kept;
    return AP_OK;
}

static void vfm_finish(struct report_vfm *v)
{
    v->has_cost_per_session = v->attended_placed > 0;
    v->cost_per_session = v->has_cost_per_session ? report_prorate(v->committed, 1, v->attended_placed) : 0;
    v->has_cost_per_hour = v->attended_hours > 0.0;
    v->cost_per_hour = v->has_cost_per_hour ? (int64_t)llround((double)v->committed / v->attended_hours) : 0;
}

/* A placement's figures added into v. */
static void vfm_add_placement(struct report_vfm *v, const struct dmt_placement *pl, bool with_attendance)
{
    v->committed += report_prorate(pl->annual, pl->days, REPORT_SCHOOL_DAYS_PER_YEAR);
    v->actual += report_prorate(pl->annual, pl->attending, (int64_t)pl->sessions_per_week * RULES_SCHOOL_WEEKS);
    v->placements++;
    v->placement_days += pl->days;
    v->attended_placed += pl->attending;
    v->attended_hours += pl->attended_hours;
    if (with_attendance) {
        v->att.possible += pl->possible;
        v->att.attending += pl->attending;
    }
}

static ap_status dmt_figures(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    /* Per pupil: its placements (sorted by pupil) and its own marks. */
    size_t listed = 0;
    for (size_t i = 0; i < d->n_pupils; i++)
        d->pupils[i].listed = d->pupils[i].att.possible > 0;
    for (size_t i = 0; i < d->n_pls; i++) {
        long at = rowio_id_at_find(d->pupil_ix, d->n_pupils, d->pls[i].pupil_id);
        if (at >= 0)
            d->pupils[at].listed = true;
    }
    for (size_t i = 0; i < d->n_pupils; i++)
        listed += d->pupils[i].listed;
    r->pupils = calloc(listed + 1, sizeof *r->pupils);
    if (!r->pupils)
        return nomem();
    for (size_t i = 0; i < d->n_pupils; i++) {
        struct dmt_pupil *u = &d->pupils[i];
        if (!u->listed)
            continue;
        struct report_dmt_pupil *out = &r->pupils[r->n_pupils++];
        out->id = u->id;
        out->name = u->name;
        rowio_copy(out->upn, sizeof out->upn, u->upn);
        rowio_copy(out->cohort, sizeof out->cohort, u->cohort);
        out->year_group = rules_year_group(u->dob, r->to);
        out->v.att = u->att;
        out->v.pupils = 1;
        out->has_pct = report_att_fraction(&u->att, &out->pct);
    }
    /* Every pupil read is in the report now, or left out: done with. */
    free(d->pupils);
    free(d->pupil_ix);
    d->pupils = NULL;
    d->pupil_ix = NULL;
    d->n_pupils = 0;

    /* Providers: the distinct ids of the counted placements. */
    int64_t *ids = malloc((d->n_pls + 1) * sizeof *ids);
    if (!ids)
        return nomem();
    size_t n_ids = 0, cap_ids = d->n_pls + 1;
    for (size_t i = 0; i < d->n_pls; i++)
        ids[n_ids++] = d->pls[i].provider_id;
    /* and the providers of erased pupils' placements (dmt_retained) */
    sqlite3_stmt *rs = NULL;
    char wa[8], wb[8];
    whole_months(r, wa, wb);
    int rrc = prepare_months(d, "SELECT DISTINCT p.provider_id FROM retained_placement p "
                                "JOIN retained_placement_month m ON m.placement = p.id "
                                "WHERE m.month BETWEEN ?1 AND ?2 AND m.days > 0 AND p.provider_id <> 0", wa, wb, &rs);
    while (next_row(rs, &rrc)) {
        int64_t *grown = rowio_grow(ids, &cap_ids, n_ids, sizeof *ids);
        if (!grown) {
            free(ids);
            sqlite3_finalize(rs);
            return nomem();
        }
        ids = grown;
        ids[n_ids++] = sqlite3_column_int64(rs, 0);
    }
    ap_status rst = finish(&d->l, rs, rrc, AP_OK, "reading the providers of the counts kept of erased pupils");
    if (rst != AP_OK) {
        free(ids);
        return rst;
    }
    qsort(ids, n_ids, sizeof *ids, rowio_id_cmp);
    size_t distinct = 0;
    for (size_t i = 0; i < n_ids; i++)
        if (distinct == 0 || ids[distinct - 1] != ids[i])
            ids[distinct++] = ids[i];
    struct report_provider *qa = NULL;
    size_t n_qa = 0;
    ap_status st = load_providers(&d->l, ids, distinct, &qa, &n_qa);
    free(ids);
    if (st != AP_OK)
        return st;
    r->providers = calloc(n_qa + 1, sizeof *r->providers);
    struct rowio_id_at *prov_ix = rowio_id_at_build(qa, n_qa, sizeof *qa, offsetof(struct report_provider, id));
    int64_t *last_pupil = malloc((n_qa + 1) * sizeof *last_pupil);
    if (!r->providers || !prov_ix || !last_pupil) {
        free(qa);
        free(prov_ix);
        free(last_pupil);
        return nomem();
    }
    for (size_t i = 0; i < n_qa; i++) {
        r->providers[i].qa = qa[i];
        last_pupil[i] = -1;
    }
    r->n_providers = n_qa;
    free(qa);

    /* Walk the placements (by pupil) once: providers, then pupils. */
    struct strbuf names = {0};
    /* the placements of each listed pupil, and the providers */
    struct rowio_id_at *listed_ix = rowio_id_at_build(r->pupils, r->n_pupils, sizeof *r->pupils,
                                       offsetof(struct report_dmt_pupil, id));
    const char **prov_names = malloc((d->n_pls + 1) * sizeof *prov_names);
    if (!listed_ix || !prov_names) {
        free(listed_ix);
        free(prov_names);
        free(prov_ix);
        free(last_pupil);
        return nomem();
    }
    for (size_t i = 0; i < d->n_pls;) {
        size_t j = i;
        int64_t pid = d->pls[i].pupil_id;
        long at = rowio_id_at_find(listed_ix, r->n_pupils, pid);
        struct report_dmt_pupil *pu = at >= 0 ? &r->pupils[at] : NULL;
        size_t n_names = 0;
        for (; j < d->n_pls && d->pls[j].pupil_id == pid; j++) {
            const struct dmt_placement *pl = &d->pls[j];
            long pv = rowio_id_at_find(prov_ix, r->n_providers, pl->provider_id);
            if (pv >= 0) {
                struct report_dmt_provider *p = &r->providers[pv];
                vfm_add_placement(&p->v, pl, true);
                if (last_pupil[pv] != pid) {
                    last_pupil[pv] = pid;
                    p->v.pupils++;
                }
                bool dup = false;
                for (size_t q = 0; q < n_names; q++)
                    dup = dup || prov_names[q] == p->qa.name;
                if (!dup)
                    prov_names[n_names++] = p->qa.name;
            }
            if (pu)
                vfm_add_placement(&pu->v, pl, false);
        }
        if (pu) {
            for (size_t a = 1; a < n_names; a++)
                for (size_t b = a; b > 0 && strcasecmp(prov_names[b - 1], prov_names[b]) > 0; b--) {
                    const char *t = prov_names[b - 1];
                    prov_names[b - 1] = prov_names[b];
                    prov_names[b] = t;
                }
            strbuf_reset(&names);
            for (size_t q = 0; q < n_names; q++) {
                if (q)
                    strbuf_append(&names, ", ");
                strbuf_append(&names, prov_names[q]);
            }
            if (names.failed || !(pu->providers = arena_text(d->l.arena, strbuf_str(&names)))) {
                st = nomem();
                break;
            }
        }
        i = j;
    }
    strbuf_free(&names);
    free(prov_names);
    free(prov_ix);
    free(last_pupil);
    free(listed_ix);
    if (st != AP_OK)
        return st;

    /* Names into the arena; cohorts and the total. */
    for (int c = 0; c < REPORT_COHORTS; c++)
        rowio_copy(r->cohorts[c].cohort, sizeof r->cohorts[c].cohort, LABELS_COHORT[c].code);
    for (size_t i = 0; i < r->n_pupils; i++) {
        struct report_dmt_pupil *pu = &r->pupils[i];
        if (!pu->providers)
            pu->providers = "";
        vfm_finish(&pu->v);
        for (int c = 0; c < REPORT_COHORTS; c++)
            if (strcmp(pu->cohort, r->cohorts[c].cohort) == 0) {
                struct report_vfm *cv = &r->cohorts[c].v;
                cv->committed += pu->v.committed;
                cv->actual += pu->v.actual;
                cv->placements += pu->v.placements;
                cv->pupils++;
                cv->placement_days += pu->v.placement_days;
                att_add(&cv->att, &pu->v.att);
                cv->attended_placed += pu->v.attended_placed;
                cv->attended_hours += pu->v.attended_hours;
            }
        struct report_vfm *t = &r->total;
        t->committed += pu->v.committed;
        t->actual += pu->v.actual;
        t->placements += pu->v.placements;
        t->pupils++;
        t->placement_days += pu->v.placement_days;
        att_add(&t->att, &pu->v.att);
        t->attended_placed += pu->v.attended_placed;
        t->attended_hours += pu->v.attended_hours;
        double pct;
        if (report_att_fraction(&pu->v.att, &pct) && pct * 100.0 < d->l.th->persistent_absence_pct - 1e-9)
            r->pupils_below_threshold++;
    }
    for (int c = 0; c < REPORT_COHORTS; c++)
        vfm_finish(&r->cohorts[c].v);
    for (size_t i = 0; i < r->n_providers; i++)
        vfm_finish(&r->providers[i].v);
    vfm_finish(&r->total);
    r->threshold_pct = d->l.th->persistent_absence_pct;
    return AP_OK;
}

/* Every counted placement's own figures (report_dmt.placements), by id. */
static int dmt_placement_id_cmp(const void *a, const void *b)
{
    const struct report_dmt_placement *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static ap_status dmt_placement_figures(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    r->placements = calloc(d->n_pls + 1, sizeof *r->placements);
    if (!r->placements)
        return nomem();
    for (size_t i = 0; i < d->n_pls; i++) {
        const struct dmt_placement *pl = &d->pls[i];
        r->placements[i] = (struct report_dmt_placement){
            .id = pl->id, .pupil_id = pl->pupil_id, .provider_id = pl->provider_id, .days = pl->days,
            .possible = pl->possible, .attending = pl->attending, .attended_hours = pl->attended_hours,
            .committed_mp = report_prorate(pl->annual * 1000, pl->days, REPORT_SCHOOL_DAYS_PER_YEAR),
            .actual_mp = report_prorate(pl->annual * 1000, pl->attending,
                                        (int64_t)pl->sessions_per_week * RULES_SCHOOL_WEEKS),
        };
    }
    r->n_placements = d->n_pls;
    /* The placements as read are done with (dmt_retained reads the store). */
    free(d->pls);
    d->pls = NULL;
    d->n_pls = 0;
    qsort(r->placements, r->n_placements, sizeof *r->placements, dmt_placement_id_cmp);
    return AP_OK;
}

/* The figure of a cohort code, or NULL. */
static struct report_vfm *cohort_vfm(struct report_dmt *r, const char *cohort)
{
    for (int c = 0; c < REPORT_COHORTS; c++)
        if (strcmp(cohort, r->cohorts[c].cohort) == 0)
            return &r->cohorts[c].v;
    return NULL;
}

static struct report_vfm *provider_vfm(struct report_dmt *r, int64_t id)
{
    for (size_t i = 0; i < r->n_providers; i++)
        if (r->providers[i].qa.id == id)
            return &r->providers[i].v;
    return NULL;
}

#define RETAINED_MONTHS                                                                                           \
    "SELECT month FROM retained_count UNION SELECT month FROM retained_placement_month"

/* What retention kept of erased pupils (migration 032), for the months wholly
 * in the range, added to the total, the cohorts and the providers. */
static ap_status dmt_retained(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    char a[8], b[8], from_m[8], to_m[8], buf[11];
    whole_months(r, a, b);
    snprintf(from_m, sizeof from_m, "%.7s", date_format(r->from, buf));
    snprintf(to_m, sizeof to_m, "%.7s", date_format(r->to, buf));
    sqlite3_stmt *st = NULL;
    /* Months with kept counts: wholly in the range, or cut by it. */
    int rc = prepare_months(d, "SELECT month FROM (" RETAINED_MONTHS ") WHERE month BETWEEN ?1 AND ?2", from_m, to_m,
                            &st);
    while (next_row(st, &rc)) {
        const char *m = col_text(st, 0);
        if (strcmp(m, a) >= 0 && strcmp(m, b) <= 0)
            r->retained_months++;
        else
            r->retained_partial++;
    }
    ap_status result = finish(&d->l, st, rc, AP_OK, "reading the counts kept of erased pupils");
    if (result != AP_OK || strcmp(a, b) > 0 || r->retained_months == 0)
        return result;

    /* Attendance: every mark of the erased pupils (the total and cohorts). */
    rc = prepare_months(d, "SELECT cohort, sum(sessions), sum(attended), sum(authorised), sum(unauthorised) "
                           "FROM retained_count WHERE month BETWEEN ?1 AND ?2 GROUP BY cohort", a, b, &st);
    while (next_row(st, &rc)) {
        struct report_att att = {sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
                                 sqlite3_column_int(st, 4)};
        att_add(&r->total.att, &att);
        struct report_vfm *cv = cohort_vfm(r, col_text(st, 0));
        if (cv)
            att_add(&cv->att, &att);
    }
    result = finish(&d->l, st, rc, AP_OK, "reading the attendance kept of erased pupils");
    /* Placements: each once, its money rounded once, as the report rounds a placement. */
    if (result == AP_OK) {
        rc = prepare_months(d, "SELECT p.provider_id, p.cohort, sum(m.days), sum(m.possible), sum(m.attended), "
                               "  sum(m.attended_hours), sum(m.committed_mp), sum(m.actual_mp) "
                               "FROM retained_placement p JOIN retained_placement_month m ON m.placement = p.id "
                               "WHERE m.month BETWEEN ?1 AND ?2 GROUP BY p.id HAVING sum(m.days) > 0",
                            a, b, &st);
        while (next_row(st, &rc)) {
            struct report_vfm *vs[3] = {&r->total, cohort_vfm(r, col_text(st, 1)),
                                        provider_vfm(r, sqlite3_column_int64(st, 0))};
            int possible = sqlite3_column_int(st, 3), attended = sqlite3_column_int(st, 4);
            for (int k = 0; k < 3; k++) {
                struct report_vfm *v = vs[k];
                if (!v)
                    continue;
                v->committed += report_prorate(sqlite3_column_int64(st, 6), 1, 1000);
                v->actual += report_prorate(sqlite3_column_int64(st, 7), 1, 1000);
                v->placements++;
                v->placement_days += sqlite3_column_int(st, 2);
                v->attended_placed += attended;
                v->attended_hours += sqlite3_column_double(st, 5);
                if (k == 2) { /* a provider's attendance: the marks of its placements */
                    v->att.possible += possible;
                    v->att.attending += attended;
                    vfm_finish(v);
                }
            }
            }
        result = finish(&d->l, st, rc, AP_OK, "reading the placements kept of erased pupils");
    }
    /* Pupils: each once, over the months they count in. */
    if (result == AP_OK) {
        rc = prepare_months(d, "SELECT provider_id, cohort, count(*) FROM retained_pupil "
                               "WHERE first_month <= ?2 AND last_month >= ?1 GROUP BY 1, 2", a, b, &st);
        while (next_row(st, &rc)) {
            int64_t provider = sqlite3_column_int64(st, 0);
            int n = sqlite3_column_int(st, 2);
            if (provider) {
                struct report_vfm *pv = provider_vfm(r, provider);
                if (pv)
                    pv->pupils += n;
                continue;
            }
            r->total.pupils += n;
            struct report_vfm *cv = cohort_vfm(r, col_text(st, 1));
            if (cv)
                cv->pupils += n;
            }
        result = finish(&d->l, st, rc, AP_OK, "reading the pupils kept of erased pupils");
    }
    for (int c = 0; c < REPORT_COHORTS; c++)
        vfm_finish(&r->cohorts[c].v);
    vfm_finish(&r->total);
    return result;
}

/* One pupil's figures added: per area, n[a] ratings in the range (2 for
 * two or more), the first first[a] and the last last[a]. */
static void progress_flush(struct report_dmt *r, const int *n, const int *first, const int *last,
                           double *first_sum, double *last_sum)
{
    for (int a = 0; a < REPORT_AREAS; a++) {
        if (n[a] == 0)
            continue;
        struct report_progress *p = &r->progress[a];
        p->rated++;
        if (n[a] < 2)
            continue;
        p->compared++;
        p->improved += last[a] > first[a];
        p->same += last[a] == first[a];
        p->declined += last[a] < first[a];
        first_sum[a] += first[a];
        last_sum[a] += last[a];
    }
}

/* The index of a tracking area's code, REPORT_AREAS when not known. */
static int progress_area(const struct report_dmt *r, const char *area)
{
    int a = 0;
    while (a < REPORT_AREAS && strcmp(area, r->progress[a].area) != 0)
        a++;
    return a;
}

/* One pupil's pairs as the walk of the spans gathers them. */
struct progress_pupil {
    int n[REPORT_AREAS], first[REPORT_AREAS], last[REPORT_AREAS];
    bool partial[REPORT_AREAS];     /* rated both inside and outside the range */
    bool any_partial;
    double first_sum[REPORT_AREAS], last_sum[REPORT_AREAS];
};

/* Ends pupil's pairs: those cut by the range from its ratings of the range
 * (rows: ?1 the pupil), then its figures added. An SQLite result code. */
static int progress_pupil_end(struct report_dmt *r, struct progress_pupil *p, sqlite3_stmt *rows, int64_t pupil)
{
    int rc = SQLITE_OK;
    if (p->any_partial) {
        rc = sqlite3_bind_int64(rows, 1, pupil);
        while (next_row(rows, &rc)) {
            int a = progress_area(r, col_text(rows, 0));
            if (a == REPORT_AREAS || !p->partial[a])
                continue;
            int rating = sqlite3_column_int(rows, 1);
            if (p->n[a]++ == 0)
                p->first[a] = rating;
            p->last[a] = rating;
        }
        rc = rc == SQLITE_DONE ? sqlite3_reset(rows) : rc;
    }
    progress_flush(r, p->n, p->first, p->last, p->first_sum, p->last_sum);
    memset(p->n, 0, sizeof p->n);
    memset(p->partial, 0, sizeof p->partial);
    p->any_partial = false;
    return rc;
}

/* One walk over the kept spans (progress_span, migration 39) in key order
 * (pupil, area): a pair whose ratings all fall in the range is its span
 * (rated in two weeks or more when its first and last weeks differ); a pair
 * rated both inside and outside the range has its pupil's ratings of the
 * range read (progress_entry's key: pupil, week, area), first to last. */
static ap_status dmt_progress_areas(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    struct progress_pupil p = {0};
    for (int a = 0; a < REPORT_AREAS; a++)
        rowio_copy(r->progress[a].area, sizeof r->progress[a].area, LABELS_PROGRESS_AREA[a].code);
    sqlite3_stmt *st = NULL, *rows = NULL;
    int rc = prepare_range(d,
                           "SELECT pupil_id, area, first_week, first_rating, last_week, last_rating, "
                           "  first_week >= :from AND last_week <= :to "
                           "FROM progress_span WHERE first_week <= :to AND last_week >= :from "
                           "ORDER BY pupil_id, area",
                           &st);
    if (rc == SQLITE_OK)
        rc = prepare_range(d,
                           "SELECT area, rating FROM progress_entry "
                           "WHERE pupil_id = ?1 AND week_start BETWEEN :from AND :to AND rating IS NOT NULL "
                           "ORDER BY week_start",
                           &rows);
    int64_t current = -1;
    while (next_row(st, &rc)) {
        int64_t pid = sqlite3_column_int64(st, 0);
        if (pid != current && current >= 0) {
            int prc = progress_pupil_end(r, &p, rows, current);
            if (prc != SQLITE_OK) {
                rc = prc;
                break;
            }
        }
        current = pid;
        int a = progress_area(r, col_text(st, 1));
        if (a == REPORT_AREAS)
            continue;
        if (sqlite3_column_int(st, 6)) {
            p.n[a] = strcmp(col_text(st, 2), col_text(st, 4)) != 0 ? 2 : 1;
            p.first[a] = sqlite3_column_int(st, 3);
            p.last[a] = sqlite3_column_int(st, 5);
        } else {
            p.partial[a] = p.any_partial = true;
        }
    }
    if (rc == SQLITE_DONE && current >= 0) {
        int prc = progress_pupil_end(r, &p, rows, current);
        if (prc != SQLITE_OK)
            rc = prc;
    }
    for (int a = 0; a < REPORT_AREAS; a++) {
        struct report_progress *pr = &r->progress[a];
        if (pr->compared > 0) {
            pr->first_avg = p.first_sum[a] / pr->compared;
            pr->last_avg = p.last_sum[a] / pr->compared;
            pr->movement_avg = (p.last_sum[a] - p.first_sum[a]) / pr->compared;
        }
    }
    sqlite3_finalize(rows);
    return finish(&d->l, st, rc, AP_OK, "reading the progress ratings");
}

static ap_status dmt_flags(struct dmt_load *d)
{
    struct report_dmt *r = d->r;
    struct flag_route route = {0};
    ap_status st = AP_OK;
    route.n_providers = r->n_providers;
    struct rowio_id_at *ix = rowio_id_at_build(r->providers, r->n_providers, sizeof *r->providers,
                                               offsetof(struct report_dmt_provider, qa.id));
    route.provider_acc = calloc(r->n_providers + 1, sizeof *route.provider_acc);
    if (!ix || !route.provider_acc) {
        free(ix);
        free(route.provider_acc);
        return nomem();
    }
    route.providers = ix;
    st = collect_flags(&d->l, &route);
    for (size_t i = 0; i < r->n_providers && st == AP_OK; i++)
        if (!flags_keep(&d->l, &route.provider_acc[i], &r->providers[i].qa.flags))
            st = nomem();
    flag_accs_free(route.provider_acc, r->n_providers);
    free(ix);
    return st;
}

static void dmt_load_free(struct dmt_load *d)
{
    free(d->pupils);
    free(d->pupil_ix);
    free(d->pls);
    free(d->school_before);
    d->pupils = NULL;
    d->pupil_ix = NULL;
    d->pls = NULL;
    d->school_before = NULL;
    d->n_pupils = d->n_pls = 0;
}

void report_dmt_free(struct report_dmt *r)
{
    if (!r)
        return;
    free(r->providers);
    free(r->pupils);
    free(r->weeks);
    free(r->placements);
    arena_free(r->arena);
    free(r);
}

ap_status report_dmt_load(struct store *s, const struct thresholds *th, int today, int from, int to,
                          report_progress_fn progress, void *progress_ctx, struct report_dmt **out)
{
    *out = NULL;
    char a[11], b[11];
    if (from == DATE_NONE || to == DATE_NONE)
        return ap_fail(AP_ERR_INVALID, "the report needs a first and a last day");
    if (from > to)
        return ap_fail(AP_ERR_INVALID, "the range starts on %s, after its end on %s", date_format(from, a),
                       date_format(to, b));
    if (to - from + 1 > REPORT_MAX_RANGE_DAYS)
        return ap_fail(AP_ERR_INVALID, "the range %s to %s is longer than ten years", date_format(from, a),
                       date_format(to, b));
    struct report_dmt *r = calloc(1, sizeof *r);
    if (!r)
        return nomem();
    r->from = from;
    r->to = to;
    r->today = today;
    struct dmt_load d = {.r = r, .progress = progress, .progress_ctx = progress_ctx};
    date_format(from, d.from_s);
    date_format(to, d.to_s);
    ap_status st = load_begin(&d.l, s, th, today, &r->arena);
    if (st == AP_OK) {
        dmt_progress(&d, 0.0, "Reading the calendar and placements");
        st = dmt_calendar(&d);
    }
    if (st == AP_OK)
        st = dmt_placements(&d);
    if (st == AP_OK) {
        if (d.n_pls > 1)
            qsort(d.pls, d.n_pls, sizeof *d.pls, dmt_placement_cmp);
        dmt_progress(&d, 0.1, "Reading the pupils");
        st = dmt_pupils(&d);
    }
    if (st == AP_OK) {
        dmt_progress(&d, 0.15, "Reading the marks");
        st = dmt_marks(&d);
    }
    if (st == AP_OK) {
        dmt_progress(&d, 0.75, "Adding up the spend");
        st = dmt_figures(&d);
    }
    if (st == AP_OK)
        st = dmt_placement_figures(&d);
    if (st == AP_OK)
        st = dmt_retained(&d);
    /* The placements and pupils as read are done with: freed before the
     * progress ratings and the flags. */
    dmt_load_free(&d);
    if (st == AP_OK) {
        dmt_progress(&d, 0.8, "Reading the progress ratings");
        st = dmt_progress_areas(&d);
    }
    if (st == AP_OK) {
        dmt_progress(&d, 0.9, "Working out the providers' flags");
        st = dmt_flags(&d);
    }
    if (st == AP_OK)
        dmt_progress(&d, 1.0, "Figures ready");
    load_end(&d.l);
    dmt_load_free(&d);
    if (st != AP_OK) {
        report_dmt_free(r);
        return st;
    }
    *out = r;
    return AP_OK;
}
