/* The QA pane (tab 4): provider quality assurance.
 *
 * Three views, one at a time:
 *   the list      every provider with when its Stage 1, Stage 2 and
 *                 monitoring visits are due (overdue red '!', due soon or
 *                 due amber '~'), its open safeguarding "No"s and open
 *                 visits, most overdue first; '/' searches by name;
 *   the visits    of one provider: the due dates with their reasons, the
 *                 open safeguarding "No"s, and its visits, newest first;
 *                 'a' starts a visit from the latest revision of a
 *                 checklist, 'C' closes one, 'd' deletes an open one;
 *   the checklist of one visit: its items grouped by section, each
 *                 answered with one key (y, n, x) that records it and moves
 *                 to the next unanswered item; unanswered items stay
 *                 marked '?'; the item under the cursor is shown in full
 *                 below the list, with its comment ('c' or Enter).
 *
 * No SQL here: db/qa.h does it. Each answer is its own transaction,
 * written with the version read, so an item someone else answered meanwhile
 * is refused with their name and the checklist is read again. The other
 * panes and the shell's flags hear of our answers once the user pauses
 * (as in the attendance grid), so a run of answers costs one recount, and
 * at once when the user leaves the checklist or closes the visit. */

#include "panes.h"
#include "qa_parts.h"

#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "action.h"
#include "attr.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "qa.h"
#include "print.h"
#include "rowio.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "view.h"
#include "textedit.h"
#include "utf8.h"





/* The list's orders (s cycles, S reverses) and filters (f cycles, F clears). */

static const char *const sort_words[SORT_COUNT] = {"most overdue first", "name", "Stage 1 due", "Stage 2 due",
                                                   "monitoring due"};

static const char *const filter_words[FILTER_COUNT] = {"", "red or amber only", "red only", "in use only"};

/* The provider list. */

static const struct list_column ov_columns[OC_COUNT] = {
    {"Provider", 16, true, false},   {"Stage 1", 11, false, false}, {"Stage 2", 11, false, false},
    {"Monitoring", 11, false, false}, {"SG No", 5, false, true},     {"Open", 4, false, true},
};

/* A provider's visits. */

static const struct list_column visit_columns[VC_COUNT] = {
    {"Date", 10, false, false},     {"Stage", 10, false, false},  {"Checklist", 10, true, false},
    {"Answered", 8, false, true},   {"No", 3, false, true},       {"Outcome", 12, false, false},
    {"Next due", 10, false, false},
};







/* The list's hint line; the visits and the checklist are views of their own
 * (ui/qa_views.c), each with its own keys. */
static const enum action_id hints[] = {ACT_OPEN, ACT_ADD, ACT_SEARCH, ACT_SORT, ACT_FILTER, ACT_NONE};

/* ---- small helpers ------------------------------------------------------------------ */

static const char *marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

/* Writes text at (y, x) in at most cols columns (to the edge when cols <= 0),
 * cut with "…"; clears the rest of the line first when clear. */
void qp_put(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool clear)
{
    if (y < 0 || y >= getmaxy(w) || x >= getmaxx(w))
        return;
    if (clear) {
        wmove(w, y, 0);
        wclrtoeol(w);
    }
    if (cols <= 0 || x + cols > getmaxx(w))
        cols = getmaxx(w) - x;
    char buf[NOTICE_LEN * 2];
    utf8_fit(buf, sizeof buf, text, cols, UTF8_FIT_ELLIPSIS);
    wattrset(w, attr);
    mvwaddstr(w, y, x, buf);
    wattrset(w, A_NORMAL);
}

void qp_line(WINDOW *w, int y, const char *text, attr_t attr)
{
    qp_put(w, y, 1, 0, text, attr, true);
}

/* A yes/no question, on the body's last line too: the status line is short. */
bool qp_confirm(struct qa_pane *q, const char *question)
{
    WINDOW *w = ui_body(q->ui);
    char text[400];
    snprintf(text, sizeof text, "%s (y/n)", question);
    qp_line(w, getmaxy(w) - 1, text, attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(q->ui, question);
}

/* A stored UTC stamp "YYYY-MM-DD HH:MM:SS" as local "YYYY-MM-DD HH:MM". */
void qp_local_stamp(const char *utc, char *buf, size_t len)
{
    time_t t;
    if (!date_parse_utc_stamp(utc, &t)) {
        snprintf(buf, len, "%s", utc);
        return;
    }
    struct tm lt;
    localtime_r(&t, &lt);
    strftime(buf, len, "%Y-%m-%d %H:%M", &lt);
}

const char *qp_stage_name(const char *code)
{
    enum qa_stage s;
    return qa_stage_parse(code, &s) ? qa_stage_name(s) : label_brief(LABELS_QA_STAGE, code);
}

/* The body's last line: the notice, else what the caller gives. */
void qp_draw_foot(struct qa_pane *q, WINDOW *w, const char *text, attr_t attr)
{
    int y = getmaxy(w) - 1;
    if (q->notice.text[0])
        qp_line(w, y, q->notice.text, attr_of(q->notice.error ? ATTR_ERROR : ATTR_HEADER));
    else
        qp_line(w, y, text ? text : "", attr);
}

/* ---- loading ---------------------------------------------------------------------------- */

static const struct qa_provider_row *current_prov(const struct qa_pane *q)
{
    if (!q->ov || q->shown.nview == 0 || q->lv.cursor < 0 || (size_t)q->lv.cursor >= q->shown.nview)
        return NULL;
    return &q->ov->rows[q->shown.view[q->lv.cursor]];
}

static bool row_shown(const void *ctx, size_t i)
{
    const struct qa_pane *q = ctx;
    const struct qa_provider_row *r = &q->ov->rows[i];
    if (q->search[0] && !utf8_contains(r->name, q->search))
        return false;
    switch (q->filter) {
    case FILTER_FLAGGED: return r->in_use && rules_flag_raised(r->worst);
    case FILTER_RED: return r->in_use && r->worst == FLAG_RED;
    case FILTER_IN_USE: return r->in_use;
    default: return true;
    }
}


static int due_key(const struct qa_due *d)
{
    return d->due == DATE_NONE ? INT_MAX : d->due;
}

static int view_cmp(const void *ctx, size_t i, size_t j)
{
    const struct qa_pane *q = ctx;
    const struct qa_provider_row *x = &q->ov->rows[i], *y = &q->ov->rows[j];
    int d = 0;
    switch (q->sort) {
    case SORT_NAME: d = strcasecmp(x->name, y->name); break;
    case SORT_S1:
    case SORT_S2:
    case SORT_MON: {
        int k = q->sort == SORT_S1 ? QA_STAGE1 : q->sort == SORT_S2 ? QA_STAGE2 : QA_MONITORING;
        int dx = due_key(&x->due[k]), dy = due_key(&y->due[k]);
        d = (dx > dy) - (dx < dy);
        break;
    }
    default: d = (i > j) - (i < j); /* the overview's own order: most overdue first */
    }
    if (q->sort_desc)
        d = -d;
    return d ? d : (i > j) - (i < j);
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct qa_pane *)ctx)->ov->rows[i].id;
}

static void qa_draw(void *state, WINDOW *w);
static const struct list_rows_ops rows_ops = {row_shown, view_cmp, row_id, qa_draw};

static void refilter(struct qa_pane *q, int64_t keep_id)
{
    static const int arrow[SORT_COUNT] = {-1, OC_NAME, OC_S1, OC_S2, OC_MON};
    q->lv.sort_column = arrow[q->sort];
    q->lv.sort_desc = q->sort_desc;
    list_rows_sort(&q->shown, false, keep_id);
}

/* The thresholds the pane reads the store with. The monitoring rule's
 * "every ten sessions attended" part needs a walk over the recent marks,
 * which the shell's flag pass has already made: the pane reads without that
 * part and takes it from the pass (apply_flags), so the list says what
 * `apterm check` says at a tenth of the cost. */
struct thresholds qp_pane_thresholds(struct qa_pane *q)
{
    struct thresholds th = ui_config(q->ui)->th;
    th.monitoring_sessions = 0;
    return th;
}

/* The shell's monitoring flag about a provider onto its row. */
static void take_monitoring(struct qa_pane *q, struct qa_provider_row *r, const struct flag_row *f)
{
    struct qa_due *d = &r->due[QA_MONITORING];
    if (!d->applies || !rules_flag_raised(f->level))
        return;
    if (!rules_flag_raised(d->level))
        d->due = ui_today(q->ui); /* raised by the sessions attended: due now */
    d->level = f->level;
    snprintf(d->why, sizeof d->why, "%s", f->reason);
    qa_row_worst(r);
}

static int64_t current_id(const struct qa_pane *q);

/* Takes the monitoring flags of the shell's latest pass (ui_flags). */
static void apply_flags(struct qa_pane *q)
{
    const struct flag_row *f;
    size_t n;
    if (!ui_flags(q->ui, &f, &n))
        return;
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        if (f[i].pupil_id || f[i].case_id || !f[i].provider_id || strcmp(f[i].kind, FLAG_KIND_MONITORING) != 0)
            continue;
        for (size_t k = 0; q->ov && k < q->ov->n; k++)
            if (q->ov->rows[k].id == f[i].provider_id) {
                take_monitoring(q, &q->ov->rows[k], &f[i]);
                changed = true;
            }
        if (q->have_prov && q->prov.id == f[i].provider_id)
            take_monitoring(q, &q->prov, &f[i]);
    }
    if (changed) {
        int64_t keep = current_id(q);
        qa_overview_sort(q->ov);
        refilter(q, keep);
    }
}

/* Reads every provider's due dates. On failure the old list stays. */
static bool load_list(struct qa_pane *q)
{
    struct qa_overview *o = NULL;
    struct thresholds th = qp_pane_thresholds(q);
    ap_status st = qa_overview_load(ui_store(q->ui), &th, ui_today(q->ui), 0, &o);
    if (st != AP_OK) {
        snprintf(q->load_error, sizeof q->load_error, "Could not read the providers' QA visits: %s",
                 ap_error_detail());
        return false;
    }
    if (!list_rows_reserve(&q->shown, o->n)) {
        qa_overview_free(o);
        snprintf(q->load_error, sizeof q->load_error, "Out of memory reading the providers");
        return false;
    }
    int64_t keep = current_prov(q) ? current_prov(q)->id : 0;
    qa_overview_free(q->ov);
    q->ov = o;
    q->shown.n = o->n;
    q->load_error[0] = '\0';
    refilter(q, keep);
    apply_flags(q);
    return true;
}

static int64_t current_id(const struct qa_pane *q)
{
    const struct qa_provider_row *r = current_prov(q);
    return r ? r->id : 0;
}

static void free_nos(struct qa_pane *q)
{
    for (size_t i = 0; i < q->nnos; i++)
        free(q->nos[i].text);
    free(q->nos);
    q->nos = NULL;
    q->nnos = 0;
}

struct nos_ctx {
    struct qa_pane *q;
    size_t cap;
};

static void take_no(void *ctx, const struct qa_open_no *r)
{
    struct nos_ctx *c = ctx;
    struct qa_pane *q = c->q;
    struct open_no *grown = rowio_grow(q->nos, &c->cap, q->nnos, sizeof *grown);
    if (!grown)
        return;
    q->nos = grown;
    char *text = strdup(r->text);
    if (!text)
        return;
    struct open_no *n = &q->nos[q->nnos++];
    n->visit_date = r->visit_date;
    snprintf(n->stage, sizeof n->stage, "%s", r->stage);
    n->text = text;
}

/* Reads the provider of the visits view: due dates, open "No"s, visits.
 * False (with a notice) when it cannot be read. */
bool qp_load_visits(struct qa_pane *q)
{
    struct store *s = ui_store(q->ui);
    int today = ui_today(q->ui);
    struct qa_overview *one = NULL;
    struct thresholds th = qp_pane_thresholds(q);
    ap_status st = qa_overview_load(s, &th, today, q->prov_id, &one);
    if (st == AP_OK && one->n == 0) {
        qa_overview_free(one);
        notice_say(q->ui, &q->notice, true, "That provider is no longer in the store (deleted by someone else?)");
        return false;
    }
    if (st != AP_OK) {
        notice_say(q->ui, &q->notice, true, "Could not read the provider's visits: %s", ap_error_detail());
        return false;
    }
    q->prov = one->rows[0];
    q->have_prov = true;
    qa_overview_free(one);
    apply_flags(q);

    int64_t keep = q->nvisits && q->vlv.cursor < (int)q->nvisits ? q->visits[q->vlv.cursor].id : 0;
    struct qa_visit *visits = NULL;
    size_t n = 0;
    if ((st = qa_visit_list(s, q->prov_id, &visits, &n)) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "Could not read the provider's visits: %s", ap_error_detail());
        return false;
    }
    free(q->visits);
    q->visits = visits;
    q->nvisits = n;
    int row = q->vlv.cursor;
    for (size_t i = 0; keep && i < n; i++)
        if (visits[i].id == keep)
            row = (int)i;
    listview_set_rows(&q->vlv, (int)n);
    listview_select(&q->vlv, row);

    free_nos(q);
    struct nos_ctx c = {q, 0};
    if (qa_safeguarding_open(s, today, q->prov_id, take_no, &c) != AP_OK)
        notice_say(q->ui, &q->notice, true, "Could not read the safeguarding answers: %s", ap_error_detail());
    return true;
}

static void build_rows(struct qa_pane *q)
{
    free(q->rows);
    q->rows = NULL;
    q->nrows = 0;
    if (!q->nitems)
        return;
    q->rows = malloc(2 * q->nitems * sizeof *q->rows);
    if (!q->rows)
        return;
    for (size_t i = 0; i < q->nitems; i++) {
        if (q->items[i].section[0] && (i == 0 || strcmp(q->items[i].section, q->items[i - 1].section) != 0))
            q->rows[q->nrows++] = (struct check_row){-1, (int)i};
        q->rows[q->nrows++] = (struct check_row){(int)i, -1};
    }
}

const struct qa_item *qp_cur_item(const struct qa_pane *q)
{
    if (q->cur < 0 || q->cur >= q->nrows || q->rows[q->cur].item < 0)
        return NULL;
    return &q->items[q->rows[q->cur].item];
}

/* The row of an item index, or -1. */
int qp_row_of_item(const struct qa_pane *q, int item)
{
    for (int r = 0; r < q->nrows; r++)
        if (q->rows[r].item == item)
            return r;
    return -1;
}

void qp_keep_cursor_visible(struct qa_pane *q)
{
    int h = q->list_h > 0 ? q->list_h : 1;
    /* Show the section heading above the first item of a section too. */
    int want_top = q->cur > 0 && q->rows[q->cur - 1].item < 0 ? q->cur - 1 : q->cur;
    if (want_top < q->top)
        q->top = want_top;
    if (q->cur >= q->top + h)
        q->top = q->cur - h + 1;
    if (q->top > q->nrows - h)
        q->top = q->nrows - h;
    if (q->top < 0)
        q->top = 0;
}

/* Reads the visit and its checklist, keeping the cursor on the same item.
 * False (with a notice) when the visit cannot be read. */
bool qp_load_checklist(struct qa_pane *q, int64_t visit_id)
{
    struct store *s = ui_store(q->ui);
    struct qa_visit v;
    ap_status st = qa_visit_get(s, visit_id, &v);
    struct qa_item *items = NULL;
    size_t n = 0;
    if (st == AP_OK)
        st = qa_checklist_load(s, visit_id, &items, &n);
    if (st != AP_OK) {
        notice_say(q->ui, &q->notice, true, "%s", st == AP_ERR_NOT_FOUND ? "That visit is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    int64_t keep = qp_cur_item(q) && q->visit.id == visit_id ? qp_cur_item(q)->item_id : 0;
    q->visit = v;
    free(q->items);
    q->items = items;
    q->nitems = n;
    build_rows(q);
    q->cur = -1;
    for (size_t i = 0; keep && i < n; i++)
        if (items[i].item_id == keep)
            q->cur = qp_row_of_item(q, (int)i);
    if (q->cur < 0) {
        /* The first unanswered item, else the first. */
        int first = -1;
        for (size_t i = 0; i < n && first < 0; i++)
            if (items[i].answer == QA_UNANSWERED)
                first = (int)i;
        q->cur = n ? qp_row_of_item(q, first >= 0 ? first : 0) : 0;
        q->top = 0;
    }
    qp_keep_cursor_visible(q);
    return true;
}

/* ---- entering the views -------------------------------------------------------------------- */

/* Puts the visits' cursor on a visit. */
void qp_select_visit(struct qa_pane *q, int64_t id)
{
    for (size_t i = 0; i < q->nvisits; i++)
        if (q->visits[i].id == id)
            listview_select(&q->vlv, (int)i);
}

/* Our answers reach the other panes and the flags. */
void qp_sync_now(struct qa_pane *q)
{
    if (!q->dirty)
        return;
    q->dirty = false;
    ui_store_changed(q->ui); /* reloads this pane too */
}

/* ---- the list ---------------------------------------------------------------------------------- */

/* A due date as the list shows it: "!2026-01-10", "~due now", " 2026-09-01". */
static void due_text(const struct qa_due *d, int today, char *buf, size_t len, enum attr_meaning *attr)
{
    char day[11];
    if (!d->applies) {
        snprintf(buf, len, " %s", d->due != DATE_NONE ? date_format(d->due, day) : "–");
        *attr = ATTR_DIM;
        return;
    }
    bool raised = rules_flag_raised(d->level);
    if (d->due == DATE_NONE)
        snprintf(buf, len, " –");
    else if (raised && d->due == today && d->last == DATE_NONE)
        snprintf(buf, len, "%sdue now", marker(d->level));
    else
        snprintf(buf, len, "%s%s", marker(d->level), date_format(d->due, day));
    *attr = raised ? draw_flag_attr(d->level) : ATTR_NORMAL;
}

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct qa_pane *q = ctx;
    const struct qa_provider_row *r = &q->ov->rows[q->shown.view[row]];
    int today = ui_today(q->ui);
    buf[0] = '\0';
    switch (col) {
    case OC_NAME:
        snprintf(buf, len, "%s%s", r->name,
                 strcmp(r->status, "suspended") == 0 ? " (suspended)" : !r->in_use ? " (not in use)" : "");
        if (!r->in_use)
            *attr = ATTR_DIM;
        break;
    case OC_S1:
    case OC_S2:
    case OC_MON:
        due_text(&r->due[col == OC_S1 ? QA_STAGE1 : col == OC_S2 ? QA_STAGE2 : QA_MONITORING], today, buf, len, attr);
        break;
    case OC_SG:
        if (r->sg_open) {
            snprintf(buf, len, "!%d", r->sg_open);
            *attr = ATTR_FLAG_RED;
        }
        break;
    case OC_OPEN:
        if (r->open_visits)
            snprintf(buf, len, "%d", r->open_visits);
        break;
    }
}

/* The worst state of a provider in words, for the last line. */
static void prov_detail(const struct qa_provider_row *r, char *buf, size_t len)
{
    const char *why = NULL;
    enum flag_level level = FLAG_NONE;
    int more = -1;
    char sg[160] = "";
    if (r->sg_open) {
        snprintf(sg, sizeof sg, "%d safeguarding item%s answered No at a visit and not yet Yes", r->sg_open,
                 r->sg_open == 1 ? "" : "s");
        why = sg;
        level = FLAG_RED;
        more++;
    }
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        const struct qa_due *d = &r->due[k];
        if (!rules_flag_raised(d->level))
            continue;
        more++;
        if (d->level > level) {
            level = d->level;
            why = d->why;
        }
    }
    if (!why) {
        if (!r->in_use)
            snprintf(buf, len, "%s: not in use (no pupil placed or proposed): its visits are not due", r->name);
        else if (r->state_maintained)
            snprintf(buf, len, "%s: state-maintained: no AP visits are due", r->name);
        else
            snprintf(buf, len, "%s: no visit overdue or due soon", r->name);
        return;
    }
    if (more > 0)
        snprintf(buf, len, "%s %s (and %d more: Enter)", marker(level), why, more);
    else
        snprintf(buf, len, "%s %s", marker(level), why);
}

/* The last line: the provider under the cursor, in words (or the notice). */
static void draw_detail_line(void *pane, WINDOW *w)
{
    struct qa_pane *q = pane;
    const struct qa_provider_row *r = current_prov(q);
    char detail[NOTICE_LEN] = "";
    if (r)
        prov_detail(r, detail, sizeof detail);
    qp_draw_foot(q, w, detail, attr_of(r ? draw_flag_attr(r->worst) : ATTR_DIM));
}

/* The pane's body (and the list under its search): the list with its
 * summary above it. */
static void qa_draw(void *state, WINDOW *w)
{
    struct qa_pane *q = state;
    char top[400];
    if (q->load_error[0]) {
        qp_line(w, 0, q->load_error, attr_of(ATTR_ERROR));
    } else {
        int red = 0, amber = 0;
        for (size_t i = 0; q->ov && i < q->ov->n; i++) {
            red += q->ov->rows[i].in_use && q->ov->rows[i].worst == FLAG_RED;
            amber += q->ov->rows[i].in_use && q->ov->rows[i].worst == FLAG_AMBER;
        }
        int n = snprintf(top, sizeof top, "%zu providers │ %d red, %d amber │ %s%s", q->ov ? q->ov->n : (size_t)0,
                         red, amber, sort_words[q->sort], q->sort_desc ? " (reversed)" : "");
        if (q->filter && n > 0 && (size_t)n < sizeof top)
            n += snprintf(top + n, sizeof top - (size_t)n, " │ %s", filter_words[q->filter]);
        if (q->search[0] && n > 0 && (size_t)n < sizeof top)
            snprintf(top + n, sizeof top - (size_t)n, " │ %zu match \"%s\"", q->shown.nview, q->search);
        qp_line(w, 0, top, attr_of(ATTR_DIM));
    }
    if (!q->ov) {
        qp_draw_foot(q, w, NULL, A_NORMAL);
        return;
    }
    listview_draw(&q->lv, w, 1, getmaxy(w) - 2);
    if (q->shown.nview == 0)
        qp_put(w, 3, 2, 0,
            q->ov->n == 0 ? "No providers yet: add them in the Providers pane (2)."
                          : "No provider matches the search or the filter: Esc, F clear them.",
            attr_of(ATTR_DIM), false);
    draw_detail_line(q, w);
}

/* ---- the visits view ------------------------------------------------------------------------ */

static void visit_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct qa_pane *q = ctx;
    const struct qa_visit *v = &q->visits[row];
    char d[11];
    buf[0] = '\0';
    switch (col) {
    case VC_DATE:
        snprintf(buf, len, "%s", date_format(v->visit_date, d));
        break;
    case VC_STAGE:
        snprintf(buf, len, "%s", qp_stage_name(v->stage));
        break;
    case VC_LIST:
        if (v->template_id)
            snprintf(buf, len, "%s", v->template_title); /* the revision: in the checklist's heading */
        else
            snprintf(buf, len, "(no checklist)");
        *attr = v->template_id ? ATTR_NORMAL : ATTR_DIM;
        break;
    case VC_DONE:
        if (v->template_id)
            snprintf(buf, len, "%d/%d", v->answered, v->items);
        if (v->answered < v->items)
            *attr = v->closed ? ATTR_DIM : ATTR_MISSING;
        break;
    case VC_NO:
        if (v->no_count)
            snprintf(buf, len, "%s%d", v->sg_no ? "!" : "", v->no_count);
        *attr = v->sg_no ? ATTR_FLAG_RED : v->no_count ? ATTR_FLAG_AMBER : ATTR_NORMAL;
        break;
    case VC_OUTCOME:
        if (v->closed) {
            snprintf(buf, len, "%s", v->outcome[0] ? label_brief(LABELS_QA_OUTCOME, v->outcome) : "closed");
            *attr = strcmp(v->outcome, "unsatisfactory") == 0        ? ATTR_FLAG_RED
                    : strcmp(v->outcome, "improvement_needed") == 0 ? ATTR_FLAG_AMBER
                                                                     : ATTR_NORMAL;
        } else {
            snprintf(buf, len, "open");
            *attr = ATTR_MISSING;
        }
        break;
    case VC_NEXT:
        snprintf(buf, len, "%s", v->next_due != DATE_NONE ? date_format(v->next_due, d) : "");
        break;
    }
}

/* "Stage 1     ! Stage 1 visit overdue since 2026-01-10" */
static void due_line(const struct qa_pane *q, enum qa_stage k, char *buf, size_t len, enum attr_meaning *attr)
{
    const struct qa_due *d = &q->prov.due[k];
    char a[11], b[11];
    const char *name = qa_stage_name(k);
    *attr = ATTR_NORMAL;
    if (d->applies && rules_flag_raised(d->level)) {
        snprintf(buf, len, "%-11s%s %s", name, marker(d->level), d->why);
        *attr = draw_flag_attr(d->level);
    } else if (d->applies) {
        if (d->last != DATE_NONE)
            snprintf(buf, len, "%-11s  next due %s (last visit %s)", name, date_format(d->due, a),
                     date_format(d->last, b));
        else
            snprintf(buf, len, "%-11s  next due %s", name, date_format(d->due, a));
    } else {
        const char *why = !q->prov.in_use       ? "not due: no pupil placed or proposed"
                          : q->prov.state_maintained ? "not due: state-maintained"
                          : k == QA_MONITORING   ? "not due: no pupil placed today"
                                                 : "not due yet";
        if (d->last != DATE_NONE)
            snprintf(buf, len, "%-11s  %s (last visit %s)", name, why, date_format(d->last, b));
        else
            snprintf(buf, len, "%-11s  %s", name, why);
        *attr = ATTR_DIM;
    }
}

void qp_draw_visits(struct qa_pane *q, WINDOW *w)
{
    char buf[NOTICE_LEN + 200];
    snprintf(buf, sizeof buf, "%s%s", q->prov.name,
             strcmp(q->prov.status, "suspended") == 0 ? " (suspended)" : "");
    qp_line(w, 0, buf, attr_of(ATTR_HEADER));
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        enum attr_meaning a;
        due_line(q, (enum qa_stage)k, buf, sizeof buf, &a);
        qp_line(w, 1 + k, buf, attr_of(a));
    }
    if (q->nnos) {
        char d[11];
        const struct open_no *n = &q->nos[0];
        snprintf(buf, sizeof buf, "Safeguard. ! %zu No open: \"%s\" (%s visit %s)%s", q->nnos, n->text,
                 qp_stage_name(n->stage), date_format(n->visit_date, d), q->nnos > 1 ? " and more" : "");
        qp_line(w, 4, buf, attr_of(ATTR_FLAG_RED));
    } else {
        qp_line(w, 4, "Safeguard.   no safeguarding item is answered No", attr_of(ATTR_DIM));
    }
    wmove(w, 5, 0);
    wclrtoeol(w);
    listview_draw(&q->vlv, w, VISITS_HEAD, getmaxy(w) - VISITS_HEAD - 1);
    if (q->nvisits == 0)
        qp_put(w, VISITS_HEAD + 2, 2, 0, "No visits recorded: a starts one.", attr_of(ATTR_DIM), false);
    const char *foot = NULL;
    char detail[600];
    if (q->nvisits) {
        const struct qa_visit *v = &q->visits[q->vlv.cursor];
        snprintf(detail, sizeof detail, "%s%s%s", v->visitors[0] ? "Visitors: " : "", v->visitors,
                 v->closed ? "" : "   (open: Enter answers it, C closes it, d deletes it)");
        foot = detail;
    }
    qp_draw_foot(q, w, foot, attr_of(ATTR_DIM));
}

/* ---- search ---------------------------------------------------------------------------------------- */

static const struct list_search searching = {
    .noun = "provider",
    .hint = "Search by name: type to narrow the list; Enter keeps it, Esc clears it",
    .ops = LIST_ROWS_SEARCH_OPS,
};

/* ---- keys ------------------------------------------------------------------------------------------ */

static unsigned qa_key(void *state, const struct action *act, int key)
{
    struct qa_pane *q = state;
    const struct qa_provider_row *r = current_prov(q);
    switch (act->id) {
    case ACT_OPEN:
        if (r && qp_enter_visits(q, r->id))
            load_list(q);
        return REDRAW_ALL;
    case ACT_ADD:
        return r ? qp_start_visit(q, r->id) : REDRAW_NONE;
    case ACT_PRINT:
        ui_message(q->ui, "Enter opens the provider's visits: p there prints the report of a closed visit");
        return REDRAW_STATUS;
    case ACT_SORT:
        if (key == 'S') {
            q->sort_desc = !q->sort_desc;
        } else {
            q->sort = (enum sort)((q->sort + 1) % SORT_COUNT);
            q->sort_desc = false;
        }
        refilter(q, r ? r->id : 0);
        ui_message(q->ui, "Sorted by %s%s (s: next order, S: reverse)", sort_words[q->sort],
                   q->sort_desc ? ", reversed" : "");
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_FILTER:
        q->filter = key == 'F' ? FILTER_ALL : (enum filter)((q->filter + 1) % FILTER_COUNT);
        refilter(q, r ? r->id : 0);
        ui_message(q->ui, "%s", q->filter ? "Filter: f changes it, F clears it" : "No filter: every provider shown");
        return REDRAW_BODY | REDRAW_STATUS;
    default:
        return REDRAW_NONE;
    }
}

/* ---- the pane's functions ----------------------------------------------------------------------- */

static void qa_open(void *state, struct ui *ui)
{
    struct qa_pane *q = state;
    q->ui = ui;
    q->lv = (struct listview){.columns = ov_columns, .ncolumns = OC_COUNT, .cell = list_cell, .ctx = q,
                              .sort_column = -1};
    q->shown = (struct list_rows){.ops = &rows_ops, .ctx = q, .lv = &q->lv};
    q->vlv = (struct listview){.columns = visit_columns, .ncolumns = VC_COUNT, .cell = visit_cell, .ctx = q,
                               .sort_column = -1};
    load_list(q);
}

static void qa_close(void *state)
{
    struct qa_pane *q = state;
    if (q->dirty)
        ui_store_changed(q->ui); /* harmless at exit; keeps the shell's flags true */
    qa_overview_free(q->ov);
    list_rows_free(&q->shown);
    free(q->visits);
    free_nos(q);
    free(q->items);
    free(q->rows);
}

/* Changes to these are nothing the QA pane shows. */
static const char *const qa_ignored[] = {
    "absence_call", "contact", "progress_entry", "tracking_action", "psp", "psp_target", "psp_review",
    "psp_review_progress", "psp_timetable", "panel_case", "quote", "register_close", NULL,
};

static bool qa_reload(void *state, const struct view_change *what)
{
    (void)what;
    struct qa_pane *q = state;
    load_list(q); /* the views over the list read their own (ui/qa_views.c) */
    return true;
}

static void qa_flags_changed(void *state)
{
    apply_flags(state);
}

static unsigned qa_tick(void *state, bool active)
{
    struct qa_pane *q = state;
    if (q->dirty && date_monotonic_ms() - q->last_write_ms >= SYNC_IDLE_MS) {
        qp_sync_now(q);
        return active ? REDRAW_BODY | REDRAW_STATUS : REDRAW_NONE;
    }
    return REDRAW_NONE;
}

static const char *const qa_help_lines[] = {
    "",
    "The list: when each provider's visits are due, most overdue first.",
    "  !  red: overdue (Stage 1, Stage 2, monitoring), an Unsatisfactory visit not yet",
    "     followed up, or a safeguarding No not yet answered Yes at a later closed visit",
    "  ~  amber: due within the next weeks, or a monitoring visit due today or by sessions",
    "  SG No: safeguarding items answered No and not yet Yes at a later visit",
    "The checklist: ? not answered yet · S a safeguarding item · * has a comment",
    "Checklists are data: apterm templates load FILE adds a new revision;",
    "a visit keeps the wording it was started with.",
    NULL,
};

/* The notice shown on the list's last line until the next key. */
static struct notice *qa_notice(void *state)
{
    return &((struct qa_pane *)state)->notice;
}

const struct pane_ops pane_qa = {
    .size = sizeof(struct qa_pane),
    .title = "QA",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_QA,
    .hints = hints,
    .open = qa_open,
    .close = qa_close,
    .draw = qa_draw,
    .key = qa_key,
    /* The moves and the search; the pane's sort and filter are its own. */
    .list_keys = {.search_size = SEARCH_MAX + 1,
                  .searching = &searching,
                  .foot = draw_detail_line,
                  .rows = offsetof(struct qa_pane, shown),
                  .search = offsetof(struct qa_pane, search)},
    .reload = qa_reload,
    .ignored = qa_ignored,
    .flags_changed = qa_flags_changed,
    .tick = qa_tick,
    .help_lines = qa_help_lines,
    .notice = qa_notice,
};
