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
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define NOTICE_LEN 600
#define SEARCH_MAX 120
#define SYNC_IDLE_MS 1500 /* tell the other panes about our answers after this pause */
#define CHECK_HEAD 3      /* the checklist's title, checklist and counter lines */
#define CHECK_FOOT 6      /* a rule, then the item in full, its comment and who answered it */
#define VISITS_HEAD 6     /* the provider, three due lines, the open "No"s, a gap */

enum mode { MODE_LIST, MODE_VISITS, MODE_CHECKLIST };

/* The list's orders (s cycles, S reverses) and filters (f cycles, F clears). */
enum sort { SORT_DUE, SORT_NAME, SORT_S1, SORT_S2, SORT_MON, SORT_COUNT };
static const char *const sort_words[SORT_COUNT] = {"most overdue first", "name", "Stage 1 due", "Stage 2 due",
                                                   "monitoring due"};
enum filter { FILTER_ALL, FILTER_FLAGGED, FILTER_RED, FILTER_IN_USE, FILTER_COUNT };
static const char *const filter_words[FILTER_COUNT] = {"", "red or amber only", "red only", "in use only"};

/* The provider list. */
enum { OC_NAME, OC_S1, OC_S2, OC_MON, OC_SG, OC_OPEN, OC_COUNT };
static const struct list_column ov_columns[OC_COUNT] = {
    {"Provider", 16, true, false},   {"Stage 1", 11, false, false}, {"Stage 2", 11, false, false},
    {"Monitoring", 11, false, false}, {"SG No", 5, false, true},     {"Open", 4, false, true},
};

/* A provider's visits. */
enum { VC_DATE, VC_STAGE, VC_LIST, VC_DONE, VC_NO, VC_OUTCOME, VC_NEXT, VC_COUNT };
static const struct list_column visit_columns[VC_COUNT] = {
    {"Date", 10, false, false},     {"Stage", 10, false, false},  {"Checklist", 10, true, false},
    {"Answered", 8, false, true},   {"No", 3, false, true},       {"Outcome", 12, false, false},
    {"Next due", 10, false, false},
};

/* An open safeguarding "No" of the provider shown. */
struct open_no {
    int visit_date;
    char stage[16];
    char *text;                     /* owned */
};

/* A line of the checklist: a section heading or an item. */
struct check_row {
    int item;                       /* index into items; -1 for a heading */
    int section_first;              /* a heading: the section's first item */
};

struct qa_pane {
    struct ui *ui;
    enum mode mode;

    /* The list */
    struct qa_overview *ov;
    int *view;                      /* rows shown (search), indices into ov->rows */
    int nview;
    char search[SEARCH_MAX + 1];
    enum sort sort;
    bool sort_desc;
    enum filter filter;
    struct listview lv;
    char load_error[400];

    /* One provider's visits */
    int64_t prov_id;
    struct qa_provider_row prov;    /* its due dates */
    bool have_prov;
    struct qa_visit *visits;
    size_t nvisits;
    struct open_no *nos;
    size_t nnos;
    struct listview vlv;

    /* One visit's checklist */
    struct qa_visit visit;
    struct qa_item *items;
    size_t nitems;
    struct check_row *rows;
    int nrows;
    int cur;                        /* the row under the cursor: an item row */
    int top;                        /* the first row shown */
    int list_y, list_h;             /* where the rows are, from the last draw */
    WINDOW *win;
    bool dirty;                     /* answered; the other panes do not know yet */
    long long last_write_ms;

    char notice[NOTICE_LEN];        /* shown on the body's last line until the next key */
    bool notice_error;
};

static enum action_id hints[12];

static void set_hints(enum mode mode)
{
    static const enum action_id list[] = {ACT_OPEN, ACT_ADD, ACT_SEARCH, ACT_SORT, ACT_FILTER, ACT_NONE};
    static const enum action_id visits[] = {ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_QA_CLOSE, ACT_DELETE, ACT_BACK, ACT_NONE};
    static const enum action_id check[] = {ACT_QA_YES,   ACT_QA_NO, ACT_QA_NA, ACT_QA_COMMENT,
                                           ACT_QA_CLOSE, ACT_BACK,  ACT_NONE};
    const enum action_id *src = mode == MODE_LIST ? list : mode == MODE_VISITS ? visits : check;
    size_t i = 0;
    for (; src[i] != ACT_NONE && i + 1 < sizeof hints / sizeof hints[0]; i++)
        hints[i] = src[i];
    hints[i] = ACT_NONE;
}

/* ---- small helpers ------------------------------------------------------------------ */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A message on the status line and on the body's last line (the status
 * line has little room at 80 columns). */
__attribute__((format(printf, 3, 4))) static void say(struct qa_pane *q, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->notice, sizeof q->notice, fmt, ap);
    va_end(ap);
    q->notice_error = error;
    if (error)
        ui_error(q->ui, "%s", q->notice);
    else
        ui_message(q->ui, "%s", q->notice);
}

static bool can_write(struct qa_pane *q)
{
    if (store_can_write(ui_store(q->ui)))
        return true;
    say(q, true, "You have the viewer role: you can read but not change anything");
    return false;
}

static const char *marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

static enum attr_meaning flag_attr(enum flag_level level)
{
    return level == FLAG_RED ? ATTR_FLAG_RED : level == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

/* Writes text at (y, x) in at most cols columns (to the edge when cols <= 0),
 * cut with "…"; clears the rest of the line first when clear. */
static void put(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool clear)
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

static void line(WINDOW *w, int y, const char *text, attr_t attr)
{
    put(w, y, 1, 0, text, attr, true);
}

/* A yes/no question, on the body's last line too: the status line is short. */
static bool confirm(struct qa_pane *q, const char *question)
{
    WINDOW *w = ui_body(q->ui);
    char text[400];
    snprintf(text, sizeof text, "%s (y/n)", question);
    line(w, getmaxy(w) - 1, text, attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(q->ui, question);
}

/* A stored UTC stamp "YYYY-MM-DD HH:MM:SS" as local "YYYY-MM-DD HH:MM". */
static void local_stamp(const char *utc, char *buf, size_t len)
{
    struct tm tm = {0};
    if (sscanf(utc, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6) {
        snprintf(buf, len, "%s", utc);
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    struct tm lt;
    localtime_r(&t, &lt);
    strftime(buf, len, "%Y-%m-%d %H:%M", &lt);
}

static const char *stage_name(const char *code)
{
    enum qa_stage s;
    return qa_stage_parse(code, &s) ? qa_stage_name(s) : label_brief(LABELS_QA_STAGE, code);
}

/* The body's last line: the notice, else what the caller gives. */
static void draw_foot(struct qa_pane *q, WINDOW *w, const char *text, attr_t attr)
{
    int y = getmaxy(w) - 1;
    if (q->notice[0])
        line(w, y, q->notice, attr_of(q->notice_error ? ATTR_ERROR : ATTR_HEADER));
    else
        line(w, y, text ? text : "", attr);
}

/* ---- loading ---------------------------------------------------------------------------- */

static const struct qa_provider_row *current_prov(const struct qa_pane *q)
{
    if (!q->ov || q->nview == 0 || q->lv.cursor < 0 || q->lv.cursor >= q->nview)
        return NULL;
    return &q->ov->rows[q->view[q->lv.cursor]];
}

static bool row_shown(const struct qa_pane *q, const struct qa_provider_row *r)
{
    if (q->search[0] && !utf8_contains(r->name, q->search))
        return false;
    switch (q->filter) {
    case FILTER_FLAGGED: return r->in_use && rules_flag_raised(r->worst);
    case FILTER_RED: return r->in_use && r->worst == FLAG_RED;
    case FILTER_IN_USE: return r->in_use;
    default: return true;
    }
}

static const struct qa_pane *sorting; /* qsort has no context argument */

static int due_key(const struct qa_due *d)
{
    return d->due == DATE_NONE ? INT_MAX : d->due;
}

static int view_cmp(const void *a, const void *b)
{
    const struct qa_pane *q = sorting;
    int i = *(const int *)a, j = *(const int *)b;
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

static void refilter(struct qa_pane *q, int64_t keep_id)
{
    q->nview = 0;
    int row = q->lv.cursor;
    for (size_t i = 0; q->ov && i < q->ov->n; i++)
        if (row_shown(q, &q->ov->rows[i]))
            q->view[q->nview++] = (int)i;
    sorting = q;
    qsort(q->view, (size_t)q->nview, sizeof *q->view, view_cmp);
    sorting = NULL;
    for (int i = 0; keep_id && q->ov && i < q->nview; i++)
        if (q->ov->rows[q->view[i]].id == keep_id)
            row = i;
    static const int arrow[SORT_COUNT] = {-1, OC_NAME, OC_S1, OC_S2, OC_MON};
    q->lv.sort_column = arrow[q->sort];
    q->lv.sort_desc = q->sort_desc;
    listview_set_rows(&q->lv, q->nview);
    listview_select(&q->lv, row);
}

/* The thresholds the pane reads the store with. The monitoring rule's
 * "every ten sessions attended" part needs a walk over the recent marks,
 * which the shell's flag pass has already made: the pane reads without that
 * part and takes it from the pass (apply_flags), so the list says what
 * `apterm check` says at a tenth of the cost. */
static struct thresholds pane_thresholds(struct qa_pane *q)
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
    struct thresholds th = pane_thresholds(q);
    ap_status st = qa_overview_load(ui_store(q->ui), &th, ui_today(q->ui), 0, &o);
    if (st != AP_OK) {
        snprintf(q->load_error, sizeof q->load_error, "Could not read the providers' QA visits: %s",
                 ap_error_detail());
        return false;
    }
    int *view = malloc((o->n ? o->n : 1) * sizeof *view);
    if (!view) {
        qa_overview_free(o);
        snprintf(q->load_error, sizeof q->load_error, "Out of memory reading the providers");
        return false;
    }
    int64_t keep = current_prov(q) ? current_prov(q)->id : 0;
    qa_overview_free(q->ov);
    free(q->view);
    q->ov = o;
    q->view = view;
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
    if (q->nnos == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct open_no *grown = realloc(q->nos, cap * sizeof *grown);
        if (!grown)
            return;
        q->nos = grown;
        c->cap = cap;
    }
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
static bool load_visits(struct qa_pane *q)
{
    struct store *s = ui_store(q->ui);
    int today = ui_today(q->ui);
    struct qa_overview *one = NULL;
    struct thresholds th = pane_thresholds(q);
    ap_status st = qa_overview_load(s, &th, today, q->prov_id, &one);
    if (st == AP_OK && one->n == 0) {
        qa_overview_free(one);
        say(q, true, "That provider is no longer in the store (deleted by someone else?)");
        return false;
    }
    if (st != AP_OK) {
        say(q, true, "Could not read the provider's visits: %s", ap_error_detail());
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
        say(q, true, "Could not read the provider's visits: %s", ap_error_detail());
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
        say(q, true, "Could not read the safeguarding answers: %s", ap_error_detail());
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

static const struct qa_item *cur_item(const struct qa_pane *q)
{
    if (q->cur < 0 || q->cur >= q->nrows || q->rows[q->cur].item < 0)
        return NULL;
    return &q->items[q->rows[q->cur].item];
}

/* The row of an item index, or -1. */
static int row_of_item(const struct qa_pane *q, int item)
{
    for (int r = 0; r < q->nrows; r++)
        if (q->rows[r].item == item)
            return r;
    return -1;
}

static void keep_cursor_visible(struct qa_pane *q)
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
static bool load_checklist(struct qa_pane *q, int64_t visit_id)
{
    struct store *s = ui_store(q->ui);
    struct qa_visit v;
    ap_status st = qa_visit_get(s, visit_id, &v);
    struct qa_item *items = NULL;
    size_t n = 0;
    if (st == AP_OK)
        st = qa_checklist_load(s, visit_id, &items, &n);
    if (st != AP_OK) {
        say(q, true, "%s", st == AP_ERR_NOT_FOUND ? "That visit is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    int64_t keep = cur_item(q) && q->visit.id == visit_id ? cur_item(q)->item_id : 0;
    q->visit = v;
    free(q->items);
    q->items = items;
    q->nitems = n;
    build_rows(q);
    q->cur = -1;
    for (size_t i = 0; keep && i < n; i++)
        if (items[i].item_id == keep)
            q->cur = row_of_item(q, (int)i);
    if (q->cur < 0) {
        /* The first unanswered item, else the first. */
        int first = -1;
        for (size_t i = 0; i < n && first < 0; i++)
            if (items[i].answer == QA_UNANSWERED)
                first = (int)i;
        q->cur = n ? row_of_item(q, first >= 0 ? first : 0) : 0;
        q->top = 0;
    }
    keep_cursor_visible(q);
    return true;
}

/* ---- entering the views -------------------------------------------------------------------- */

/* Puts the visits' cursor on a visit. */
static void select_visit(struct qa_pane *q, int64_t id)
{
    for (size_t i = 0; i < q->nvisits; i++)
        if (q->visits[i].id == id)
            listview_select(&q->vlv, (int)i);
}

static void enter_list(struct qa_pane *q)
{
    q->mode = MODE_LIST;
    set_hints(MODE_LIST);
}

static bool enter_visits(struct qa_pane *q, int64_t provider_id)
{
    if (provider_id != q->prov_id) {
        q->nvisits = 0;
        free(q->visits);
        q->visits = NULL;
        listview_select(&q->vlv, 0);
    }
    q->prov_id = provider_id;
    if (!load_visits(q)) {
        enter_list(q);
        return false;
    }
    q->mode = MODE_VISITS;
    set_hints(MODE_VISITS);
    return true;
}

static bool enter_checklist(struct qa_pane *q, int64_t visit_id)
{
    if (visit_id != q->visit.id) {
        free(q->items);
        q->items = NULL;
        q->nitems = 0;
        q->visit.id = 0;
    }
    if (!load_checklist(q, visit_id))
        return false;
    q->mode = MODE_CHECKLIST;
    set_hints(MODE_CHECKLIST);
    return true;
}

/* Our answers reach the other panes and the flags. */
static void sync_now(struct qa_pane *q)
{
    if (!q->dirty)
        return;
    q->dirty = false;
    ui_store_changed(q->ui); /* reloads this pane too */
}

static void leave_checklist(struct qa_pane *q)
{
    sync_now(q);
    if (enter_visits(q, q->visit.provider_id ? q->visit.provider_id : q->prov_id))
        select_visit(q, q->visit.id);
    else
        enter_list(q);
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
    *attr = raised ? flag_attr(d->level) : ATTR_NORMAL;
}

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct qa_pane *q = ctx;
    const struct qa_provider_row *r = &q->ov->rows[q->view[row]];
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

static void draw_list(struct qa_pane *q, WINDOW *w)
{
    char top[400];
    if (q->load_error[0]) {
        line(w, 0, q->load_error, attr_of(ATTR_ERROR));
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
            snprintf(top + n, sizeof top - (size_t)n, " │ %d match \"%s\"", q->nview, q->search);
        line(w, 0, top, attr_of(ATTR_DIM));
    }
    if (!q->ov) {
        draw_foot(q, w, NULL, A_NORMAL);
        return;
    }
    listview_draw(&q->lv, w, 1, getmaxy(w) - 2);
    if (q->nview == 0)
        put(w, 3, 2, 0,
            q->ov->n == 0 ? "No providers yet: add them in the Providers pane (2)."
                          : "No provider matches the search or the filter: Esc, F clear them.",
            attr_of(ATTR_DIM), false);
    const struct qa_provider_row *r = current_prov(q);
    char detail[NOTICE_LEN];
    detail[0] = '\0';
    if (r)
        prov_detail(r, detail, sizeof detail);
    draw_foot(q, w, detail, attr_of(r ? flag_attr(r->worst) : ATTR_DIM));
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
        snprintf(buf, len, "%s", stage_name(v->stage));
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
        *attr = flag_attr(d->level);
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

static void draw_visits(struct qa_pane *q, WINDOW *w)
{
    char buf[NOTICE_LEN + 200];
    snprintf(buf, sizeof buf, "%s%s", q->prov.name,
             strcmp(q->prov.status, "suspended") == 0 ? " (suspended)" : "");
    line(w, 0, buf, attr_of(ATTR_HEADER));
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        enum attr_meaning a;
        due_line(q, (enum qa_stage)k, buf, sizeof buf, &a);
        line(w, 1 + k, buf, attr_of(a));
    }
    if (q->nnos) {
        char d[11];
        const struct open_no *n = &q->nos[0];
        snprintf(buf, sizeof buf, "Safeguard. ! %zu No open: \"%s\" (%s visit %s)%s", q->nnos, n->text,
                 stage_name(n->stage), date_format(n->visit_date, d), q->nnos > 1 ? " and more" : "");
        line(w, 4, buf, attr_of(ATTR_FLAG_RED));
    } else {
        line(w, 4, "Safeguard.   no safeguarding item is answered No", attr_of(ATTR_DIM));
    }
    wmove(w, 5, 0);
    wclrtoeol(w);
    listview_draw(&q->vlv, w, VISITS_HEAD, getmaxy(w) - VISITS_HEAD - 1);
    if (q->nvisits == 0)
        put(w, VISITS_HEAD + 2, 2, 0, "No visits recorded: a starts one.", attr_of(ATTR_DIM), false);
    const char *foot = NULL;
    char detail[600];
    if (q->nvisits) {
        const struct qa_visit *v = &q->visits[q->vlv.cursor];
        snprintf(detail, sizeof detail, "%s%s%s", v->visitors[0] ? "Visitors: " : "", v->visitors,
                 v->closed ? "" : "   (open: Enter answers it, C closes it, d deletes it)");
        foot = detail;
    }
    draw_foot(q, w, foot, attr_of(ATTR_DIM));
}

/* ---- the checklist -------------------------------------------------------------------------- */

struct counts {
    int answered, yes, no, na, sg_no;
};

static struct counts count_answers(const struct qa_pane *q)
{
    struct counts c = {0};
    for (size_t i = 0; i < q->nitems; i++) {
        const struct qa_item *it = &q->items[i];
        if (it->answer == QA_UNANSWERED)
            continue;
        c.answered++;
        c.yes += it->answer == QA_YES;
        c.na += it->answer == QA_NA;
        if (it->answer == QA_NO) {
            c.no++;
            c.sg_no += it->safeguarding;
        }
    }
    return c;
}

static void draw_check_row(struct qa_pane *q, WINDOW *w, int r)
{
    int y = q->list_y + (r - q->top);
    if (r < q->top || r >= q->top + q->list_h || r >= q->nrows)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    const struct check_row *row = &q->rows[r];
    if (row->item < 0) {
        /* A section heading, with how far it is answered. */
        const char *section = q->items[row->section_first].section;
        int total = 0, done = 0;
        for (size_t i = (size_t)row->section_first; i < q->nitems && strcmp(q->items[i].section, section) == 0; i++) {
            total++;
            done += q->items[i].answer != QA_UNANSWERED;
        }
        char buf[300];
        snprintf(buf, sizeof buf, "%s  %d/%d", section, done, total);
        put(w, y, 2, 0, buf, attr_of(ATTR_HEADER), false);
        return;
    }
    const struct qa_item *it = &q->items[row->item];
    bool sel = r == q->cur;
    wattrset(w, attr_of(ATTR_SELECTED));
    mvwaddstr(w, y, 0, sel ? "▶" : " ");
    wattrset(w, A_NORMAL);
    static const char *const words[] = {" ?  ", "Yes ", "No  ", "N/A "};
    enum attr_meaning a = it->answer == QA_UNANSWERED ? ATTR_MISSING
                          : it->answer == QA_NO       ? (it->safeguarding ? ATTR_FLAG_RED : ATTR_FLAG_AMBER)
                          : it->answer == QA_NA       ? ATTR_DIM
                                                      : ATTR_FLAG_GREEN;
    put(w, y, 1, 4, words[it->answer], attr_of(a), false);
    put(w, y, 5, 1, it->safeguarding ? "S" : " ", attr_of(ATTR_FLAG_AMBER), false);
    put(w, y, 6, 1, it->comment[0] ? "*" : " ", attr_of(ATTR_DIM), false);
    char buf[1100];
    snprintf(buf, sizeof buf, "%2d %s", it->position, it->text);
    put(w, y, 8, 0, buf, attr_of(sel ? ATTR_SELECTED : ATTR_NORMAL), false);
}

/* The item under the cursor in full, its comment and who answered it. */
static void draw_check_foot(struct qa_pane *q, WINDOW *w)
{
    int h = getmaxy(w), width = getmaxx(w) - 3;
    int y0 = h - CHECK_FOOT;
    for (int y = y0; y < h; y++) {
        wmove(w, y, 0);
        wclrtoeol(w);
    }
    const struct qa_item *it = cur_item(q);
    char buf[1400];
    if (!it) {
        draw_foot(q, w, NULL, A_NORMAL);
        return;
    }
    snprintf(buf, sizeof buf, "── %d of %zu · %s%s ", it->position, q->nitems, it->section,
             it->safeguarding ? " · safeguarding: a No flags the provider" : "");
    wattrset(w, attr_of(ATTR_DIM));
    for (int x = 0; x < getmaxx(w); x++)
        mvwaddstr(w, y0, x, "─");
    put(w, y0, 0, utf8_width(buf), buf, attr_of(ATTR_DIM), false);
    /* The wording, wrapped over up to three lines. */
    size_t len = strlen(it->text), start = 0, end;
    int y = y0 + 1;
    while (start != SIZE_MAX && y < y0 + 4) {
        size_t next = textedit_next_line(it->text, len, start, width, &end);
        if (y == y0 + 3 && next != SIZE_MAX) {
            snprintf(buf, sizeof buf, "%.*s", (int)(len - start), it->text + start);
            put(w, y, 2, width, buf, A_NORMAL, false); /* the rest, cut with … */
        } else {
            snprintf(buf, sizeof buf, "%.*s", (int)(end - start), it->text + start);
            put(w, y, 2, width, buf, A_NORMAL, false);
        }
        y++;
        start = next;
    }
    if (it->comment[0]) {
        char flat[sizeof it->comment];
        snprintf(flat, sizeof flat, "%s", it->comment);
        for (char *p = flat; *p; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        snprintf(buf, sizeof buf, "Comment: %s", flat);
        put(w, h - 2, 2, width, buf, attr_of(ATTR_NORMAL), false);
    } else {
        put(w, h - 2, 2, width, "No comment (c adds one)", attr_of(ATTR_DIM), false);
    }
    char who[200] = "Not answered yet: y yes, n no, x not applicable";
    if (it->version) {
        static const char *const said[] = {"No answer", "Yes", "No", "N/A"};
        char when[40];
        local_stamp(it->updated_at, when, sizeof when);
        snprintf(who, sizeof who, "%s, by %s at %s%s", said[it->answer], it->updated_by, when,
                 q->visit.closed ? " (the visit is closed)" : "");
    } else if (q->visit.closed) {
        snprintf(who, sizeof who, "Not answered; the visit is closed");
    }
    draw_foot(q, w, who, attr_of(ATTR_DIM));
}

static void draw_counter(struct qa_pane *q, WINDOW *w)
{
    struct counts c = count_answers(q);
    char buf[400];
    int n = snprintf(buf, sizeof buf, "%d of %zu answered · %d yes, %d no, %d n/a", c.answered, q->nitems, c.yes,
                     c.no, c.na);
    if (n > 0 && (size_t)n < sizeof buf) {
        if (q->visit.closed)
            snprintf(buf + n, sizeof buf - (size_t)n, " · closed: %s, next due %s",
                     label_text(LABELS_QA_OUTCOME, q->visit.outcome),
                     q->visit.next_due != DATE_NONE ? date_format(q->visit.next_due, (char[11]){0}) : "–");
        else if (c.answered == (int)q->nitems && q->nitems)
            snprintf(buf + n, sizeof buf - (size_t)n, " · all answered: C closes the visit");
        else if (!c.sg_no)
            snprintf(buf + n, sizeof buf - (size_t)n, " · C closes the visit");
    }
    line(w, 2, buf, attr_of(c.answered < (int)q->nitems ? ATTR_MISSING : ATTR_NORMAL));
    if (c.sg_no) {
        /* After the counter, which always shows: the provider is flagged. */
        char sg[200];
        int x = 1 + utf8_width(buf);
        snprintf(sg, sizeof sg, " ! %d safeguarding No: the provider is flagged until a later visit answers Yes",
                 c.sg_no);
        if (x + 8 < getmaxx(w))
            put(w, 2, x, 0, sg, attr_of(ATTR_FLAG_RED), false);
    }
}

static void draw_checklist(struct qa_pane *q, WINDOW *w)
{
    q->win = w;
    char d[11], buf[700];
    snprintf(buf, sizeof buf, "%s visit, %s · %s", stage_name(q->visit.stage), date_format(q->visit.visit_date, d),
             q->visit.provider_name);
    line(w, 0, buf, attr_of(ATTR_HEADER));
    if (q->visit.template_id)
        snprintf(buf, sizeof buf, "%s (revision %d) · visitors: %s", q->visit.template_title,
                 q->visit.template_revision, q->visit.visitors);
    else
        snprintf(buf, sizeof buf, "Recorded without a checklist · visitors: %s", q->visit.visitors);
    line(w, 1, buf, attr_of(ATTR_DIM));
    draw_counter(q, w);
    q->list_y = CHECK_HEAD;
    q->list_h = getmaxy(w) - CHECK_HEAD - CHECK_FOOT;
    if (q->list_h < 1)
        q->list_h = 1;
    keep_cursor_visible(q);
    for (int i = 0; i < q->list_h; i++) {
        wmove(w, q->list_y + i, 0);
        wclrtoeol(w);
        draw_check_row(q, w, q->top + i);
    }
    if (!q->nitems)
        put(w, q->list_y + 1, 2, 0,
            q->visit.template_id ? "The checklist has no items." : "This visit was recorded without a checklist.",
            attr_of(ATTR_DIM), false);
    draw_check_foot(q, w);
}

/* Moves the cursor to an item row; repaints the rows that changed. */
static unsigned move_to(struct qa_pane *q, int r)
{
    if (q->nrows == 0)
        return REDRAW_NONE;
    if (r < 0)
        r = 0;
    if (r >= q->nrows)
        r = q->nrows - 1;
    /* Headings are not stops: go on in the direction of travel. */
    int dir = r >= q->cur ? 1 : -1;
    while (r >= 0 && r < q->nrows && q->rows[r].item < 0)
        r += dir;
    if (r < 0 || r >= q->nrows) {
        r -= dir;
        while (r >= 0 && r < q->nrows && q->rows[r].item < 0)
            r -= dir;
    }
    if (r < 0 || r >= q->nrows)
        return REDRAW_NONE;
    int old = q->cur, old_top = q->top;
    q->cur = r;
    keep_cursor_visible(q);
    if (!q->win || q->top != old_top)
        return REDRAW_BODY | REDRAW_STATUS;
    draw_check_row(q, q->win, old);
    draw_check_row(q, q->win, q->cur);
    draw_check_foot(q, q->win);
    return REDRAW_PARTIAL | REDRAW_STATUS;
}

/* The next unanswered item after the cursor (wrapping), as a row; -1 when none. */
static int next_unanswered(const struct qa_pane *q)
{
    int from = q->cur >= 0 && q->cur < q->nrows && q->rows[q->cur].item >= 0 ? q->rows[q->cur].item : -1;
    for (size_t k = 1; k <= q->nitems; k++) {
        size_t i = (size_t)(from + (int)k) % q->nitems;
        if (q->items[i].answer == QA_UNANSWERED)
            return row_of_item(q, (int)i);
    }
    return -1;
}

static bool visit_writable(struct qa_pane *q)
{
    if (!can_write(q))
        return false;
    if (q->visit.closed) {
        say(q, true, "This visit is closed: its answers are the record (a starts a new visit)");
        return false;
    }
    return true;
}

/* A "Yes" to a safeguarding item answers an open "No" of an earlier visit. */
static const struct open_no *answers_open_no(const struct qa_pane *q, const struct qa_item *it)
{
    for (size_t i = 0; i < q->nnos; i++)
        if (q->nos[i].visit_date <= q->visit.visit_date && strcmp(q->nos[i].text, it->text) == 0)
            return &q->nos[i];
    return NULL;
}

static unsigned answer(struct qa_pane *q, enum qa_answer a)
{
    const struct qa_item *cur = cur_item(q);
    if (!cur)
        return REDRAW_NONE;
    if (!visit_writable(q))
        return REDRAW_BODY | REDRAW_STATUS;
    struct qa_item it = *cur;
    it.answer = a;
    ap_status st = qa_answer_save(ui_store(q->ui), q->visit.id, &it);
    if (st != AP_OK) {
        say(q, true, "Not recorded: %s", ap_error_detail());
        char keep[NOTICE_LEN];
        snprintf(keep, sizeof keep, "%s", q->notice);
        if (!load_checklist(q, q->visit.id)) /* see what is there now */
            leave_checklist(q);
        snprintf(q->notice, sizeof q->notice, "%s", keep);
        q->notice_error = true;
        return REDRAW_BODY | REDRAW_STATUS;
    }
    q->items[q->rows[q->cur].item] = it;
    q->dirty = true;
    q->last_write_ms = now_ms();
    char d[11];
    const struct open_no *earlier = it.safeguarding && a == QA_YES ? answers_open_no(q, &it) : NULL;
    if (it.safeguarding && a == QA_NO)
        say(q, true, "No on a safeguarding item: %s is flagged red until a later visit answers it Yes",
            q->visit.provider_name);
    else if (earlier && q->nnos == 1)
        say(q, false, "Yes: the No of the %s visit of %s is answered; the flag clears", stage_name(earlier->stage),
            date_format(earlier->visit_date, d));
    else if (earlier)
        say(q, false, "Yes: the No of the %s visit of %s is answered; %zu other No%s still open",
            stage_name(earlier->stage), date_format(earlier->visit_date, d), q->nnos - 1,
            q->nnos == 2 ? " is" : "s are");
    int next = next_unanswered(q);
    if (next < 0) {
        struct counts c = count_answers(q);
        if (!q->notice[0])
            say(q, false, "All %zu items answered (%d no): C closes the visit", q->nitems, c.no);
        next = q->cur + 1 < q->nrows ? q->cur + 1 : q->cur;
    }
    /* The counter, the heading and the row changed: redraw the body. */
    q->cur = next;
    while (q->cur < q->nrows && q->rows[q->cur].item < 0)
        q->cur++;
    if (q->cur >= q->nrows)
        q->cur = row_of_item(q, (int)q->nitems - 1);
    keep_cursor_visible(q);
    /* A safeguarding answer may raise or clear the provider's flag: the
     * shell counts the flags at once, so the status line and the other
     * panes show it before the user moves on. Other answers change nothing
     * outside this pane and wait for a pause. */
    if (it.safeguarding)
        sync_now(q);
    return REDRAW_BODY | REDRAW_STATUS;
}

/* ---- forms: comment, new visit, close ----------------------------------------------------------- */

struct comment_ctx {
    struct qa_pane *q;
    struct qa_item it;
};

static ap_status comment_save(void *ctx)
{
    struct comment_ctx *c = ctx;
    return qa_answer_save(ui_store(c->q->ui), c->q->visit.id, &c->it);
}

static ap_status comment_reread(struct comment_ctx *c, bool keep_text)
{
    struct qa_item *items = NULL;
    size_t n = 0;
    ap_status st = qa_checklist_load(ui_store(c->q->ui), c->q->visit.id, &items, &n);
    if (st != AP_OK)
        return st;
    st = ap_fail(AP_ERR_NOT_FOUND, "the item is no longer on the checklist");
    for (size_t i = 0; i < n; i++)
        if (items[i].item_id == c->it.item_id) {
            if (keep_text) {
                c->it.version = items[i].version;
                c->it.answer = items[i].answer;
            } else {
                c->it = items[i];
            }
            st = AP_OK;
        }
    free(items);
    return st;
}

static ap_status comment_reload(void *ctx)
{
    return comment_reread(ctx, false);
}

static ap_status comment_take_version(void *ctx)
{
    return comment_reread(ctx, true);
}

static void comment_info(void *ctx, int field, char *buf, size_t len)
{
    struct comment_ctx *c = ctx;
    (void)field;
    snprintf(buf, len, "%d. %s", c->it.position, c->it.text);
}

static unsigned edit_comment(struct qa_pane *q)
{
    const struct qa_item *cur = cur_item(q);
    if (!cur)
        return REDRAW_NONE;
    bool read_only = !store_can_write(ui_store(q->ui)) || q->visit.closed;
    struct comment_ctx c = {q, *cur};
    struct form_field fields[] = {
        {"Item", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Comment", FIELD_LONGTEXT, c.it.comment, sizeof c.it.comment, NULL, false, 0, 0,
         "What was seen, what is missing, what was agreed; the answer stays as it is"},
    };
    char title[300];
    snprintf(title, sizeof title, "Comment on item %d of the %s visit", cur->position, stage_name(q->visit.stage));
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = 2,
        .ctx = &c,
        .read_only = read_only,
        .save = comment_save,
        .reload = comment_reload,
        .take_version = comment_take_version,
        .info = comment_info,
    };
    if (read_only)
        ui_message(q->ui, q->visit.closed ? "The visit is closed: the comment is shown read only"
                                          : "You have the viewer role: the comment is shown read only");
    if (form_run(q->ui, &f)) {
        q->items[q->rows[q->cur].item] = c.it;
        q->dirty = true;
        q->last_write_ms = now_ms();
        say(q, false, "Comment saved on item %d", c.it.position);
    } else {
        load_checklist(q, q->visit.id);
    }
    return REDRAW_ALL;
}

/* The new visit form. */
struct start_ctx {
    struct qa_pane *q;
    struct qa_visit v;
    struct qa_template_info *templates;
    size_t ntemplates;
};

static const struct qa_template_info *chosen_template(const struct start_ctx *c)
{
    for (size_t i = 0; i < c->ntemplates; i++)
        if (strcmp(c->templates[i].key, c->v.template_key) == 0)
            return &c->templates[i];
    return NULL;
}

static void start_info(void *ctx, int field, char *buf, size_t len)
{
    struct start_ctx *c = ctx;
    (void)field;
    const struct qa_template_info *t = chosen_template(c);
    enum qa_stage stage;
    if (!t || !qa_stage_of_template(t->stage, &stage)) {
        snprintf(buf, len, "–");
        return;
    }
    snprintf(buf, len, "%s%s · %d items, %d safeguarding · revision %d", qa_stage_name(stage),
             strcmp(t->stage, "checks") == 0 ? " (the provider checks are made at a Stage 1 visit)" : "", t->items,
             t->safeguarding_items, t->revision);
}

static ap_status start_save(void *ctx)
{
    struct start_ctx *c = ctx;
    const struct qa_template_info *t = chosen_template(c);
    enum qa_stage stage;
    if (!t || !qa_stage_of_template(t->stage, &stage))
        return ap_fail(AP_ERR_INVALID, "Checklist: choose one");
    snprintf(c->v.stage, sizeof c->v.stage, "%s", qa_stage_code(stage));
    return qa_visit_start(ui_store(c->q->ui), &c->v);
}

/* The stage most in need of a visit: the worst raised, the earliest due. */
static enum qa_stage stage_most_due(const struct qa_provider_row *p)
{
    enum qa_stage best = QA_STAGE1;
    enum flag_level level = FLAG_NONE;
    int due = DATE_NONE;
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        const struct qa_due *d = &p->due[k];
        if (!rules_flag_raised(d->level))
            continue;
        if (d->level > level || (d->level == level && d->due < due)) {
            best = (enum qa_stage)k;
            level = d->level;
            due = d->due;
        }
    }
    return best;
}

static unsigned start_visit(struct qa_pane *q, int64_t provider_id)
{
    if (!provider_id || !can_write(q))
        return REDRAW_BODY | REDRAW_STATUS;
    struct start_ctx c = {.q = q};
    qa_visit_init(&c.v);
    c.v.provider_id = provider_id;
    c.v.visit_date = ui_today(q->ui);
    if (qa_template_list(ui_store(q->ui), true, &c.templates, &c.ntemplates) != AP_OK) {
        say(q, true, "Could not read the checklists: %s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (c.ntemplates == 0) {
        free(c.templates);
        say(q, true, "The store has no QA checklists: load one with apterm templates load FILE");
        return REDRAW_ALL;
    }
    /* Pick-list: every checklist's latest revision; the default is the one
     * for the stage most in need of a visit. */
    struct field_choice *choices = calloc(c.ntemplates + 1, sizeof *choices);
    char(*labels)[300] = calloc(c.ntemplates, sizeof *labels);
    struct qa_overview *one = NULL;
    if (!choices || !labels) {
        free(choices);
        free(labels);
        free(c.templates);
        say(q, true, "Out of memory");
        return REDRAW_ALL;
    }
    enum qa_stage want = QA_STAGE1;
    struct thresholds th = pane_thresholds(q);
    if (qa_overview_load(ui_store(q->ui), &th, ui_today(q->ui), provider_id, &one) == AP_OK && one->n == 1)
        want = stage_most_due(&one->rows[0]);
    char name[sizeof one->rows[0].name] = "";
    if (one && one->n == 1)
        snprintf(name, sizeof name, "%s", one->rows[0].name);
    qa_overview_free(one);
    for (size_t i = 0; i < c.ntemplates; i++) {
        snprintf(labels[i], sizeof labels[i], "%s", c.templates[i].title);
        choices[i] = (struct field_choice){c.templates[i].key, labels[i]};
        enum qa_stage s;
        if (!c.v.template_key[0] && strcmp(c.templates[i].stage, qa_stage_code(want)) == 0 &&
            qa_stage_parse(c.templates[i].stage, &s))
            snprintf(c.v.template_key, sizeof c.v.template_key, "%s", c.templates[i].key);
    }
    if (!c.v.template_key[0])
        snprintf(c.v.template_key, sizeof c.v.template_key, "%s", c.templates[0].key);
    struct form_field fields[] = {
        {"Checklist", FIELD_CHOICE, c.v.template_key, sizeof c.v.template_key, choices, true, 0, 0,
         "←/→ choose the checklist; the visit is answered against its latest revision"},
        {"Stage", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Visit date", FIELD_DATE, &c.v.visit_date, 0, NULL, true, 0, 0, "YYYY-MM-DD, today, -3d"},
        {"Visitors", FIELD_TEXT, c.v.visitors, sizeof c.v.visitors, NULL, true, 0, 0,
         "Who made the visit: names, separated by ;"},
    };
    char title[300];
    snprintf(title, sizeof title, "New QA visit to %s", name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &c,
        .save = start_save,
        .info = start_info,
    };
    bool saved = form_run(q->ui, &f);
    free(choices);
    free(labels);
    free(c.templates);
    if (!saved)
        return REDRAW_ALL;
    q->dirty = true;
    sync_now(q);
    q->prov_id = provider_id;
    if (enter_checklist(q, c.v.id))
        say(q, false, "Started the %s visit: y yes, n no, x n/a; each answer is saved at once",
            stage_name(c.v.stage));
    return REDRAW_ALL;
}

/* The close form. */
struct close_ctx {
    struct qa_pane *q;
    struct qa_visit v;
    struct counts counts;
    int nitems;
};

static ap_status close_save(void *ctx)
{
    struct close_ctx *c = ctx;
    return qa_visit_close(ui_store(c->q->ui), &c->v, &ui_config(c->q->ui)->th, ui_today(c->q->ui));
}

static ap_status close_reload(void *ctx)
{
    struct close_ctx *c = ctx;
    return qa_visit_get(ui_store(c->q->ui), c->v.id, &c->v);
}

static ap_status close_take_version(void *ctx)
{
    struct close_ctx *c = ctx;
    struct qa_visit now;
    ap_status st = qa_visit_get(ui_store(c->q->ui), c->v.id, &now);
    if (st == AP_OK)
        c->v.version = now.version;
    return st;
}

static void close_info(void *ctx, int field, char *buf, size_t len)
{
    struct close_ctx *c = ctx;
    const struct thresholds *th = &ui_config(c->q->ui)->th;
    enum qa_stage stage;
    char d[11];
    if (field == 1) {
        snprintf(buf, len, "%d of %d answered: %d yes, %d no (%d safeguarding), %d n/a", c->counts.answered,
                 c->nitems, c->counts.yes, c->counts.no, c->counts.sg_no, c->counts.na);
        return;
    }
    if (!qa_stage_parse(c->v.stage, &stage)) {
        snprintf(buf, len, "–");
        return;
    }
    char period[48];
    if (stage == QA_STAGE1)
        snprintf(period, sizeof period, "%d months", th->qa_stage1_months);
    else if (stage == QA_STAGE2)
        snprintf(period, sizeof period, "%d months", th->qa_stage2_months);
    else
        snprintf(period, sizeof period, "%d days", th->monitoring_days);
    snprintf(buf, len, "%s (the visit date + %s)", date_format(qa_next_due(stage, c->v.visit_date, th), d), period);
}

static unsigned close_visit(struct qa_pane *q, int64_t visit_id)
{
    if (!visit_id || !can_write(q))
        return REDRAW_BODY | REDRAW_STATUS;
    sync_now(q);
    struct close_ctx c = {.q = q};
    if (qa_visit_get(ui_store(q->ui), visit_id, &c.v) != AP_OK) {
        say(q, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (c.v.closed) {
        say(q, true, "This visit is already closed (%s)", label_text(LABELS_QA_OUTCOME, c.v.outcome));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    if (c.v.visit_date > ui_today(q->ui)) {
        say(q, true, "This visit is dated %s: it is closed once it has taken place", date_format(c.v.visit_date,
                                                                                                   (char[11]){0}));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    /* The answers as they are in the store. */
    struct qa_item *items = NULL;
    size_t n = 0;
    if (qa_checklist_load(ui_store(q->ui), visit_id, &items, &n) != AP_OK) {
        say(q, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].answer == QA_UNANSWERED)
            continue;
        c.counts.answered++;
        c.counts.yes += items[i].answer == QA_YES;
        c.counts.na += items[i].answer == QA_NA;
        c.counts.no += items[i].answer == QA_NO;
        c.counts.sg_no += items[i].answer == QA_NO && items[i].safeguarding;
    }
    free(items);
    c.nitems = (int)n;
    int left = c.nitems - c.counts.answered;
    if (left > 0) {
        char question[200];
        snprintf(question, sizeof question, "%d of %d items unanswered: close anyway?", left, c.nitems);
        if (!confirm(q, question))
            return REDRAW_ALL;
    }
    /* Suggested outcome from the answers. */
    snprintf(c.v.outcome, sizeof c.v.outcome, "%s",
             c.counts.sg_no ? "unsatisfactory" : c.counts.no ? "improvement_needed" : "satisfactory");
    static struct field_choice outcomes[8];
    size_t k = 0;
    for (; LABELS_QA_OUTCOME[k].code && k + 1 < sizeof outcomes / sizeof outcomes[0]; k++)
        outcomes[k] = (struct field_choice){LABELS_QA_OUTCOME[k].code, LABELS_QA_OUTCOME[k].text};
    outcomes[k] = (struct field_choice){NULL, NULL};
    struct form_field fields[] = {
        {"Outcome", FIELD_CHOICE, c.v.outcome, sizeof c.v.outcome, outcomes, true, 0, 0,
         "←/→ choose; suggested from the answers"},
        {"Answers", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Next due", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Notes", FIELD_LONGTEXT, c.v.notes, sizeof c.v.notes, NULL, false, 0, 0,
         "What was found and agreed, and what must be checked next time"},
    };
    char title[300];
    snprintf(title, sizeof title, "Close the %s visit of %s to %s", stage_name(c.v.stage),
             date_format(c.v.visit_date, (char[11]){0}), c.v.provider_name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &c,
        .save = close_save,
        .reload = close_reload,
        .take_version = close_take_version,
        .info = close_info,
    };
    if (!form_run(q->ui, &f))
        return REDRAW_ALL;
    q->dirty = true;
    sync_now(q);
    if (enter_visits(q, c.v.provider_id))
        select_visit(q, c.v.id);
    say(q, false, "Closed the %s visit: %s; the next %s visit is due on %s", stage_name(c.v.stage),
        label_text(LABELS_QA_OUTCOME, c.v.outcome), stage_name(c.v.stage),
        date_format(c.v.next_due, (char[11]){0}));
    return REDRAW_ALL;
}

/* An open visit's date, visitors and notes. */
struct edit_ctx {
    struct qa_pane *q;
    struct qa_visit v;
};

static ap_status edit_save(void *ctx)
{
    struct edit_ctx *c = ctx;
    return qa_visit_update(ui_store(c->q->ui), &c->v);
}

static ap_status edit_reload(void *ctx)
{
    struct edit_ctx *c = ctx;
    return qa_visit_get(ui_store(c->q->ui), c->v.id, &c->v);
}

static ap_status edit_take_version(void *ctx)
{
    struct edit_ctx *c = ctx;
    struct qa_visit now;
    ap_status st = qa_visit_get(ui_store(c->q->ui), c->v.id, &now);
    if (st == AP_OK)
        c->v.version = now.version;
    return st;
}

static unsigned edit_visit(struct qa_pane *q, int64_t visit_id)
{
    if (!visit_id || !can_write(q))
        return REDRAW_BODY | REDRAW_STATUS;
    struct edit_ctx c = {.q = q};
    if (qa_visit_get(ui_store(q->ui), visit_id, &c.v) != AP_OK) {
        say(q, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (c.v.closed) {
        say(q, true, "This visit is closed: it is the record of what was found and stays as it is");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct form_field fields[] = {
        {"Visit date", FIELD_DATE, &c.v.visit_date, 0, NULL, true, 0, 0, "YYYY-MM-DD, today, -3d"},
        {"Visitors", FIELD_TEXT, c.v.visitors, sizeof c.v.visitors, NULL, true, 0, 0,
         "Who made the visit: names, separated by ;"},
        {"Notes", FIELD_LONGTEXT, c.v.notes, sizeof c.v.notes, NULL, false, 0, 0, NULL},
    };
    char title[300];
    snprintf(title, sizeof title, "The open %s visit to %s", stage_name(c.v.stage), c.v.provider_name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &c,
        .save = edit_save,
        .reload = edit_reload,
        .take_version = edit_take_version,
    };
    if (form_run(q->ui, &f)) {
        q->dirty = true;
        sync_now(q);
        say(q, false, "Saved the visit");
    }
    return REDRAW_ALL;
}

static unsigned delete_visit(struct qa_pane *q)
{
    if (!q->nvisits || !can_write(q))
        return REDRAW_BODY | REDRAW_STATUS;
    const struct qa_visit *v = &q->visits[q->vlv.cursor];
    if (v->closed) {
        say(q, true, "A closed visit is the record of what was found: it is never deleted");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    char question[300], d[11];
    snprintf(question, sizeof question, "Delete the open %s visit of %s and its %d answer%s?", stage_name(v->stage),
             date_format(v->visit_date, d), v->answered, v->answered == 1 ? "" : "s");
    if (!confirm(q, question))
        return REDRAW_ALL;
    if (qa_visit_delete(ui_store(q->ui), v->id, v->version) != AP_OK) {
        say(q, true, "Not deleted: %s", ap_error_detail());
        load_visits(q);
        return REDRAW_ALL;
    }
    q->dirty = true;
    sync_now(q);
    say(q, false, "Deleted the open visit of %s", d);
    return REDRAW_ALL;
}

/* ---- search ---------------------------------------------------------------------------------------- */

static void search_draw(void *ctx, WINDOW *w)
{
    draw_list(ctx, w);
}

static void search_apply(void *ctx, int64_t keep)
{
    refilter(ctx, keep);
}

static int64_t search_current(void *ctx)
{
    return current_id(ctx);
}

static unsigned run_search(struct qa_pane *st)
{
    char before[sizeof st->search];
    snprintf(before, sizeof before, "%s", st->search);
    static const struct search_ops ops = {.draw = search_draw, .apply = search_apply, .current = search_current};
    if (!search_run(st->ui, st->search, sizeof st->search, "Search by name: type to narrow the list; Enter keeps it, Esc clears it", &st->lv, &ops, st))
        return REDRAW_STATUS;
    if (st->search[0])
        ui_message(st->ui, "%d provider%s match \"%s\": Esc clears the search", st->nview, st->nview == 1 ? "" : "s",
                   st->search);
    else
        ui_message(st->ui, "%s", before[0] ? "Search cleared" : "");
    return REDRAW_ALL;
}

/* ---- keys ------------------------------------------------------------------------------------------ */

static unsigned list_key(struct qa_pane *q, const struct action *act, int key)
{
    if (!act)
        return REDRAW_NONE;
    if (listview_move(&q->lv, act->id)) {
        if (q->lv.win) {
            const struct qa_provider_row *r = current_prov(q);
            char detail[NOTICE_LEN] = "";
            if (r)
                prov_detail(r, detail, sizeof detail);
            draw_foot(q, q->lv.win, detail, attr_of(r ? flag_attr(r->worst) : ATTR_DIM));
        }
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    const struct qa_provider_row *r = current_prov(q);
    switch (act->id) {
    case ACT_OPEN:
        if (r)
            enter_visits(q, r->id);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_ADD:
        return r ? start_visit(q, r->id) : REDRAW_NONE;
    case ACT_SEARCH:
        return run_search(q);
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
    case ACT_BACK:
        if (q->search[0]) {
            q->search[0] = '\0';
            refilter(q, r ? r->id : 0);
            ui_message(q->ui, "Search cleared");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return REDRAW_NONE;
    default:
        return REDRAW_NONE;
    }
}

static unsigned visits_key(struct qa_pane *q, const struct action *act)
{
    if (!act)
        return REDRAW_NONE;
    if (listview_move(&q->vlv, act->id))
        return REDRAW_BODY | REDRAW_STATUS; /* the last line follows the cursor */
    switch (act->id) {
    case ACT_OPEN:
        if (q->nvisits)
            enter_checklist(q, q->visits[q->vlv.cursor].id);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_ADD:
        return start_visit(q, q->prov_id);
    case ACT_EDIT:
        return q->nvisits ? edit_visit(q, q->visits[q->vlv.cursor].id) : REDRAW_NONE;
    case ACT_QA_CLOSE:
        return q->nvisits ? close_visit(q, q->visits[q->vlv.cursor].id) : REDRAW_NONE;
    case ACT_DELETE:
        return delete_visit(q);
    case ACT_BACK:
        enter_list(q);
        load_list(q);
        return REDRAW_BODY | REDRAW_STATUS;
    default:
        return REDRAW_NONE;
    }
}

static unsigned checklist_key(struct qa_pane *q, const struct action *act)
{
    if (!act)
        return REDRAW_NONE;
    switch (act->id) {
    case ACT_QA_YES: return answer(q, QA_YES);
    case ACT_QA_NO: return answer(q, QA_NO);
    case ACT_QA_NA: return answer(q, QA_NA);
    case ACT_QA_COMMENT:
    case ACT_OPEN: return edit_comment(q);
    case ACT_QA_NEXT: {
        int r = next_unanswered(q);
        if (r < 0) {
            say(q, false, "Every item is answered%s", q->visit.closed ? "" : ": C closes the visit");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return move_to(q, r);
    }
    case ACT_QA_CLOSE: return close_visit(q, q->visit.id);
    case ACT_EDIT: return edit_visit(q, q->visit.id);
    case ACT_ADD: return start_visit(q, q->visit.provider_id);
    case ACT_UP: return move_to(q, q->cur - 1);
    case ACT_DOWN: return move_to(q, q->cur + 1);
    case ACT_PAGE_UP: return move_to(q, q->cur - (q->list_h > 2 ? q->list_h - 1 : 1));
    case ACT_PAGE_DOWN: return move_to(q, q->cur + (q->list_h > 2 ? q->list_h - 1 : 1));
    case ACT_HOME: return move_to(q, 0);
    case ACT_END: return move_to(q, q->nrows - 1);
    case ACT_BACK:
        leave_checklist(q);
        return REDRAW_BODY | REDRAW_STATUS;
    default:
        return REDRAW_NONE;
    }
}

/* ---- the pane's functions ----------------------------------------------------------------------- */

static void *qa_open(struct ui *ui)
{
    struct qa_pane *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->ui = ui;
    q->lv = (struct listview){.columns = ov_columns, .ncolumns = OC_COUNT, .cell = list_cell, .ctx = q,
                              .sort_column = -1};
    q->vlv = (struct listview){.columns = visit_columns, .ncolumns = VC_COUNT, .cell = visit_cell, .ctx = q,
                               .sort_column = -1};
    set_hints(MODE_LIST);
    load_list(q);
    return q;
}

static void qa_close(void *state)
{
    struct qa_pane *q = state;
    if (!q)
        return;
    if (q->dirty)
        ui_store_changed(q->ui); /* harmless at exit; keeps the shell's flags true */
    qa_overview_free(q->ov);
    free(q->view);
    free(q->visits);
    free_nos(q);
    free(q->items);
    free(q->rows);
    free(q);
}

static void qa_draw(void *state, WINDOW *body)
{
    struct qa_pane *q = state;
    switch (q->mode) {
    case MODE_LIST: draw_list(q, body); break;
    case MODE_VISITS: draw_visits(q, body); break;
    case MODE_CHECKLIST: draw_checklist(q, body); break;
    }
}

static unsigned qa_key(void *state, const struct action *act, int key, int ret, wint_t ch)
{
    struct qa_pane *q = state;
    (void)ret;
    (void)ch;
    (void)key;
    unsigned extra = 0;
    if (q->notice[0]) {
        q->notice[0] = '\0';
        extra = REDRAW_BODY; /* the notice line goes */
    }
    /* The checklist's own keys come first, whatever else they may mean. */
    const struct action *own = action_for_key(SCOPE_QA, key);
    if (own)
        act = own;
    unsigned r;
    switch (q->mode) {
    case MODE_LIST: r = list_key(q, act, key); break;
    case MODE_VISITS: r = visits_key(q, act); break;
    default: r = checklist_key(q, act); break;
    }
    if (r == REDRAW_ALL)
        return r;
    if (extra && (r & REDRAW_PARTIAL))
        return (r & ~(unsigned)REDRAW_PARTIAL) | REDRAW_BODY | REDRAW_STATUS;
    return r | extra;
}

static void qa_reload(void *state)
{
    struct qa_pane *q = state;
    load_list(q);
    if (q->mode == MODE_VISITS && !load_visits(q))
        enter_list(q);
    if (q->mode == MODE_CHECKLIST) {
        /* Never leave_checklist here: it may tell the shell, which reloads us. */
        if (!load_checklist(q, q->visit.id)) {
            if (load_visits(q)) {
                q->mode = MODE_VISITS;
                set_hints(MODE_VISITS);
            } else {
                enter_list(q);
            }
        } else {
            load_visits(q); /* the open "No"s a Yes may answer */
        }
    }
}

static void qa_flags_changed(void *state)
{
    apply_flags(state);
}

static unsigned qa_tick(void *state, bool active)
{
    struct qa_pane *q = state;
    if (q->dirty && now_ms() - q->last_write_ms >= SYNC_IDLE_MS) {
        sync_now(q);
        return active ? REDRAW_BODY | REDRAW_STATUS : REDRAW_NONE;
    }
    return REDRAW_NONE;
}

static bool qa_help_line(void *state, int i, char *buf, size_t len)
{
    (void)state;
    static const char *const lines[] = {
        "",
        "The list: when each provider's visits are due, most overdue first.",
        "  !  red: overdue (Stage 1, Stage 2) or a safeguarding No still open",
        "  ~  amber: due within the next weeks, or a monitoring visit due",
        "  SG No: safeguarding items answered No and not yet Yes at a later visit",
        "The checklist: ? not answered yet · S a safeguarding item · * has a comment",
        "Checklists are data: apterm templates load FILE adds a new revision;",
        "a visit keeps the wording it was started with.",
    };
    if (i < 0 || (size_t)i >= sizeof lines / sizeof lines[0])
        return false;
    snprintf(buf, len, "%s", lines[i]);
    return true;
}

const struct pane_ops pane_qa = {
    .title = "QA",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_QA,
    .hints = hints,
    .open = qa_open,
    .close = qa_close,
    .draw = qa_draw,
    .key = qa_key,
    .reload = qa_reload,
    .flags_changed = qa_flags_changed,
    .tick = qa_tick,
    .help_line = qa_help_line,
};
