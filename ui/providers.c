/* The provider directory (tab 2): the list of providers with their pupils,
 * insurance, QA visits and flags; search, sort and filter; the record view
 * of one provider (its flags with reasons, the pupils placed there now, its
 * contacts and every field); the provider's contacts. No SQL here: the rows
 * come from db/roll.h, db/provider.h, db/placement.h and db/flags.h.
 *
 * Three views, one at a time: the list, a provider's record, and that
 * provider's contacts. Search and the filter panel are short modal loops
 * (so that typing "q" or "2" into a search is text, not a command). */

#include "panes.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "filterview.h"
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "flags.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "money.h"
#include "placement.h"
#include "provider.h"
#include "provider_form.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define SEARCH_MAX 120
#define NOTICE_LEN 600
#define WIDE_COLS 110 /* from here the list shows whole dates and words */

enum mode { MODE_LIST, MODE_RECORD, MODE_CONTACTS };

enum { COL_NAME, COL_REG, COL_PUPILS, COL_FT, COL_INS, COL_S1, COL_S2, COL_FLAGS, COL_COUNT };

static const struct list_column narrow_columns[COL_COUNT] = {
    {"Name", 10, true, false},      {"Registration", 12, false, false}, {"Pupils", 6, false, true},
    {"F/T", 3, false, true},        {"Insurance", 9, false, false},     {"Stage 1", 8, false, false},
    {"Stage 2", 8, false, false},   {"Flags", 5, false, false},
};
static const struct list_column wide_columns[COL_COUNT] = {
    {"Name", 20, true, false},         {"Registration", 12, false, false}, {"Pupils", 6, false, true},
    {"Full time", 9, false, true},     {"Insurance", 14, false, false},    {"Last Stage 1", 12, false, false},
    {"Last Stage 2", 12, false, false}, {"Flags", 6, false, false},
};
/* The column names in words, for "sorted by ...". */
static const char *const column_words[COL_COUNT] = {
    "name", "registration", "pupils placed now", "full-time pupils", "insurance",
    "last Stage 1 visit", "last Stage 2 visit", "flags",
};
/* Each column's first sort direction: counts and flags biggest first. */
static const bool column_desc[COL_COUNT] = {false, false, true, true, false, false, false, true};

enum { CONTACT_COLS = 4 };
static const struct list_column contact_columns[CONTACT_COLS] = {
    {"Name", 16, true, false}, {"Job role", 16, false, false}, {"Phone", 14, false, false},
    {"Email", 24, false, false},
};

/* The provider-level flags of one list row. */
struct row_flags {
    int red, amber;
    enum flag_level worst;
    char *worst_reason;           /* owned; NULL when none */
    enum flag_level ins, s1, s2;  /* the insurance and QA flags, to colour those cells */
};

/* One flag of the record view. */
struct rec_flag {
    enum flag_level level;
    char *reason;                 /* owned */
};

/* A line of the record view, made for the window's width. */
enum doc_kind { DOC_TEXT, DOC_FIELD, DOC_PUPIL_HEAD, DOC_PUPIL };
struct doc_line {
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;            /* DOC_FIELD: static */
    char *text;                   /* owned */
    int indent;
    int pupil;                    /* DOC_PUPIL: index into pupils */
};

struct providers {
    struct ui *ui;
    enum mode mode;

    /* The list */
    struct provider_list *list;
    struct row_flags *flags;      /* parallel to list->rows */
    int *by_id;                   /* indices into list->rows by id */
    int *view;                    /* the rows shown: indices, filtered and sorted */
    int nview;
    char load_error[400];
    bool flags_known;             /* false until the shell's first count */
    struct listview lv;
    bool wide;
    int name_cols;                /* the width of the name column as drawn */

    /* Search, filter and sort */
    char search[SEARCH_MAX + 1];
    int f_reg;                    /* -1 any, else an index into LABELS_REGISTRATION */
    int f_status;                 /* 0 any, 1 active, 2 suspended */
    int f_flags;                  /* 0 any, 1 any flag, 2 red, 3 none */
    int sort_col;                 /* COL_* */
    bool sort_desc;

    /* The record view */
    int64_t rec_id;
    struct provider rec;
    struct provider_contact *contacts;
    size_t ncontacts;
    struct provider_pupil *pupils;
    size_t npupils;
    struct rec_flag *rflags;
    size_t nrflags;
    int rec_last_s1, rec_last_s2;
    int rec_cursor;               /* the pupil under the cursor */
    int rec_top;                  /* the first document line shown */
    struct doc_line *doc;
    int ndoc, capdoc;
    int doc_pupil0;               /* document line of pupil 0; -1 when none */
    WINDOW *win;
    int height, width;

    /* The contacts view */
    struct listview clv;

    char detail[NOTICE_LEN];
    char notice[NOTICE_LEN];      /* a message shown in the body too (the status line is short at 80 columns) */
    bool notice_error;
};

/* The hint line of the view showing (pane_ops.hints points here): the
 * shell draws whatever it holds, so each view sets its own keys. */
static enum action_id hints[12];

static void set_hints(enum mode mode)
{
    static const enum action_id list[] = {ACT_OPEN, ACT_SEARCH, ACT_SORT, ACT_FILTER,
                                          ACT_ADD,  ACT_EDIT,   ACT_DELETE, ACT_NONE};
    static const enum action_id record[] = {ACT_UP,  ACT_OPEN, ACT_EDIT, ACT_DELETE, ACT_PROVIDER_CONTACTS,
                                            ACT_BACK, ACT_NONE};
    static const enum action_id contacts[] = {ACT_UP, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_BACK, ACT_NONE};
    const enum action_id *src = mode == MODE_LIST ? list : mode == MODE_RECORD ? record : contacts;
    size_t i = 0;
    for (; src[i] != ACT_NONE && i + 1 < sizeof hints / sizeof hints[0]; i++)
        hints[i] = src[i];
    hints[i] = ACT_NONE;
}

/* ---- messages ---------------------------------------------------------------------- */

/* A message on the status line and, because the status line leaves little
 * room at 80 columns, on the pane's last line until the next key. */
__attribute__((format(printf, 3, 4))) static void say(struct providers *st, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->notice, sizeof st->notice, fmt, ap);
    va_end(ap);
    st->notice_error = error;
    if (error)
        ui_error(st->ui, "%s", st->notice);
    else
        ui_message(st->ui, "%s", st->notice);
}

static bool can_write(struct providers *st)
{
    if (ui_can_write(st->ui))
        return true;
    snprintf(st->notice, sizeof st->notice, "You have the viewer role: you can read but not change anything");
    st->notice_error = true;
    return false;
}

/* ---- text helpers ------------------------------------------------------------------ */

/* Compares as a search does: case and accents folded (Siân sorts with Sian). */
static int fold_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i = 0, j = 0;
    while (i < la && j < lb) {
        uint32_t ca, cb;
        i += utf8_decode(a + i, la - i, &ca);
        j += utf8_decode(b + j, lb - j, &cb);
        ca = utf8_fold(ca);
        cb = utf8_fold(cb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (i < la) - (j < lb);
}

static const char *short_date(int d, bool wide, char *buf)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (d == DATE_NONE)
        return "never";
    if (wide)
        return date_format(d, buf);
    int y, m, day;
    date_to_ymd(d, &y, &m, &day);
    snprintf(buf, 11, "%s %04d", months[(m - 1) % 12], y % 10000);
    return buf;
}

static const char *flag_marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

static enum attr_meaning flag_attr(enum flag_level level)
{
    return level == FLAG_RED ? ATTR_FLAG_RED : level == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

/* The hours of a week as people write them: 25, 22.5. */
static void hours_text(double h, char *buf, size_t len)
{
    if (h == (double)(long)h)
        snprintf(buf, len, "%ld", (long)h);
    else
        snprintf(buf, len, "%.1f", h);
}

/* ---- loading the list ---------------------------------------------------------------- */

static void free_flags(struct providers *st)
{
    if (st->flags && st->list)
        for (size_t i = 0; i < st->list->n; i++)
            free(st->flags[i].worst_reason);
    free(st->flags);
    st->flags = NULL;
}

static struct providers *id_sort_state;

static int by_id_cmp(const void *a, const void *b)
{
    int64_t x = id_sort_state->list->rows[*(const int *)a].id, y = id_sort_state->list->rows[*(const int *)b].id;
    return x < y ? -1 : x > y;
}

/* The list row of a provider id, or -1. */
static int row_of_id(const struct providers *st, int64_t id)
{
    if (!st->list)
        return -1;
    int lo = 0, hi = (int)st->list->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int64_t v = st->list->rows[st->by_id[mid]].id;
        if (v == id)
            return st->by_id[mid];
        if (v < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* A provider's own flag (not one of its pupils' or a panel case's). */
static bool provider_flag(const struct flag_row *f)
{
    return !f->pupil_id && !f->case_id && f->provider_id && rules_flag_raised(f->level);
}

static void count_flag(struct providers *st, const struct flag_row *f)
{
    if (!provider_flag(f))
        return;
    int i = row_of_id(st, f->provider_id);
    if (i < 0)
        return;
    struct row_flags *rf = &st->flags[i];
    if (f->level == FLAG_RED)
        rf->red++;
    else
        rf->amber++;
    if (f->level > rf->worst || !rf->worst_reason) {
        free(rf->worst_reason);
        rf->worst_reason = strdup(f->reason);
        rf->worst = f->level;
    }
    if (strcmp(f->kind, FLAG_KIND_INSURANCE) == 0)
        rf->ins = f->level;
    else if (strcmp(f->kind, FLAG_KIND_QA_STAGE1) == 0)
        rf->s1 = f->level;
    else if (strcmp(f->kind, FLAG_KIND_QA_STAGE2) == 0)
        rf->s2 = f->level;
}

/* Takes each provider's flags from the shell's latest pass over the store
 * (ui_flags), so that the list shows exactly what `apterm check` says. */
static void apply_list_flags(struct providers *st)
{
    if (!st->list || !st->flags)
        return;
    for (size_t i = 0; i < st->list->n; i++) {
        free(st->flags[i].worst_reason);
        memset(&st->flags[i], 0, sizeof st->flags[i]);
    }
    const struct flag_row *rows;
    size_t n;
    st->flags_known = ui_flags(st->ui, &rows, &n);
    for (size_t i = 0; i < n; i++)
        count_flag(st, &rows[i]);
}

/* Reads every provider, and its flags. On failure the old list stays. */
static bool load_list(struct providers *st)
{
    struct store *s = ui_store(st->ui);
    const struct thresholds *th = &ui_config(st->ui)->th;
    int today = ui_today(st->ui);
    struct provider_list *l = NULL;
    ap_status rc = provider_list_load(s, th, today, &l);
    if (rc != AP_OK) {
        snprintf(st->load_error, sizeof st->load_error, "Could not read the providers: %s", ap_error_detail());
        return false;
    }
    free_flags(st);
    provider_list_free(st->list);
    free(st->by_id);
    free(st->view);
    st->list = l;
    st->load_error[0] = '\0';
    size_t n = l->n ? l->n : 1;
    st->flags = calloc(n, sizeof *st->flags);
    st->by_id = malloc(n * sizeof *st->by_id);
    st->view = malloc(n * sizeof *st->view);
    st->nview = 0;
    if (!st->flags || !st->by_id || !st->view) {
        snprintf(st->load_error, sizeof st->load_error, "Out of memory reading the providers");
        free(st->flags);
        free(st->by_id);
        free(st->view);
        st->flags = NULL;
        st->by_id = st->view = NULL;
        provider_list_free(st->list);
        st->list = NULL;
        return false;
    }
    for (size_t i = 0; i < l->n; i++)
        st->by_id[i] = (int)i;
    id_sort_state = st;
    qsort(st->by_id, l->n, sizeof *st->by_id, by_id_cmp);
    apply_list_flags(st);
    return true;
}

/* ---- filter and sort ------------------------------------------------------------------ */

static bool filtered(const struct providers *st)
{
    return st->f_reg >= 0 || st->f_status || st->f_flags;
}

static bool row_shown(const struct providers *st, int i)
{
    const struct provider_list_row *r = &st->list->rows[i];
    const struct row_flags *f = &st->flags[i];
    if (st->search[0] && !utf8_contains(r->name, st->search))
        return false;
    if (st->f_reg >= 0 && strcmp(r->registration, LABELS_REGISTRATION[st->f_reg].code) != 0)
        return false;
    if (st->f_status == 1 && strcmp(r->status, "active") != 0)
        return false;
    if (st->f_status == 2 && strcmp(r->status, "suspended") != 0)
        return false;
    if (st->f_flags == 1 && !f->red && !f->amber)
        return false;
    if (st->f_flags == 2 && !f->red)
        return false;
    if (st->f_flags == 3 && (f->red || f->amber))
        return false;
    return true;
}

static int insurance_rank(const struct provider_list_row *r)
{
    if (r->insurance_ratio < 0)
        return 3; /* not checked: state-maintained */
    if (strcmp(r->insurance, "none recorded") == 0)
        return 0;
    return rules_flag_raised(r->insurance_level) ? 1 : 2;
}

static struct providers *sort_state;

static int compare_rows(const void *a, const void *b)
{
    const struct providers *st = sort_state;
    int i = *(const int *)a, j = *(const int *)b;
    const struct provider_list_row *x = &st->list->rows[i], *y = &st->list->rows[j];
    long long d = 0;
    switch (st->sort_col) {
    case COL_REG:
        d = fold_cmp(label_text(LABELS_REGISTRATION, x->registration), label_text(LABELS_REGISTRATION, y->registration));
        break;
    case COL_PUPILS: d = x->pupils_now - y->pupils_now; break;
    case COL_FT: d = x->fulltime_now - y->fulltime_now; break;
    case COL_INS:
        d = insurance_rank(x) - insurance_rank(y);
        if (!d && x->insurance_ratio != y->insurance_ratio)
            d = x->insurance_ratio < y->insurance_ratio ? -1 : 1;
        break;
    case COL_S1: d = x->last_stage1 - y->last_stage1; break;
    case COL_S2: d = x->last_stage2 - y->last_stage2; break;
    case COL_FLAGS:
        d = st->flags[i].red - st->flags[j].red;
        if (!d)
            d = st->flags[i].amber - st->flags[j].amber;
        break;
    default: break;
    }
    if (st->sort_desc)
        d = -d;
    if (!d)
        d = fold_cmp(x->name, y->name);
    if (!d)
        d = x->id < y->id ? -1 : x->id > y->id;
    return d < 0 ? -1 : d > 0;
}

static int64_t current_id(const struct providers *st)
{
    if (!st->list || st->nview == 0 || st->lv.cursor < 0 || st->lv.cursor >= st->nview)
        return 0;
    return st->list->rows[st->view[st->lv.cursor]].id;
}

static const struct provider_list_row *current_row(const struct providers *st)
{
    if (!st->list || st->nview == 0 || st->lv.cursor >= st->nview)
        return NULL;
    return &st->list->rows[st->view[st->lv.cursor]];
}

/* Rebuilds the rows shown and puts the cursor on keep_id when it is among
 * them (else keeps the cursor's position). */
static void refilter(struct providers *st, int64_t keep_id)
{
    st->nview = 0;
    if (st->list) {
        for (size_t i = 0; i < st->list->n; i++)
            if (row_shown(st, (int)i))
                st->view[st->nview++] = (int)i;
        sort_state = st;
        qsort(st->view, (size_t)st->nview, sizeof *st->view, compare_rows);
    }
    int row = st->lv.cursor;
    for (int i = 0; keep_id && i < st->nview; i++)
        if (st->list->rows[st->view[i]].id == keep_id) {
            row = i;
            break;
        }
    listview_set_rows(&st->lv, st->nview);
    listview_select(&st->lv, row);
}

/* ---- the list's cells ------------------------------------------------------------------ */

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct providers *st = ctx;
    int i = st->view[row];
    const struct provider_list_row *r = &st->list->rows[i];
    const struct row_flags *f = &st->flags[i];
    char d[16];
    switch (col) {
    case COL_NAME:
        if (strcmp(r->status, "suspended") == 0) {
            /* The name shortened if need be, so that "(suspended)" always shows. */
            static const char tag[] = " (suspended)";
            int room = st->name_cols - (int)(sizeof tag - 1);
            char name[sizeof r->name * 2];
            if (utf8_width(r->name) > room && room > 1)
                utf8_fit(name, sizeof name, r->name, room, UTF8_FIT_ELLIPSIS);
            else
                snprintf(name, sizeof name, "%s", r->name);
            snprintf(buf, len, "%s%s", name, tag);
            *attr = ATTR_DIM;
        } else {
            snprintf(buf, len, "%s", r->name);
        }
        break;
    case COL_REG:
        snprintf(buf, len, "%s", label_brief(LABELS_REGISTRATION, r->registration));
        break;
    case COL_PUPILS:
        snprintf(buf, len, "%d", r->pupils_now);
        if (!r->pupils_now)
            *attr = ATTR_DIM;
        break;
    case COL_FT:
        snprintf(buf, len, "%d", r->fulltime_now);
        if (!r->fulltime_now)
            *attr = ATTR_DIM;
        break;
    case COL_INS: {
        const char *w = r->insurance;
        if (!st->wide)
            w = insurance_rank(r) == 3 ? "n/a" : insurance_rank(r) == 2 ? "ok" : insurance_rank(r) == 1 ? "below min"
                                                                                                      : "none";
        snprintf(buf, len, "%s", w);
        if (rules_flag_raised(f->ins) || rules_flag_raised(r->insurance_level))
            *attr = flag_attr(rules_flag_worst(f->ins, r->insurance_level));
        else if (insurance_rank(r) == 3)
            *attr = ATTR_DIM;
        break;
    }
    case COL_S1:
        snprintf(buf, len, "%s", short_date(r->last_stage1, st->wide, d));
        *attr = rules_flag_raised(f->s1) ? flag_attr(f->s1) : r->last_stage1 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
        break;
    case COL_S2:
        snprintf(buf, len, "%s", short_date(r->last_stage2, st->wide, d));
        *attr = rules_flag_raised(f->s2) ? flag_attr(f->s2) : r->last_stage2 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
        break;
    case COL_FLAGS:
        if (f->red && f->amber)
            snprintf(buf, len, "!%d ~%d", f->red, f->amber);
        else if (f->red)
            snprintf(buf, len, "!%d", f->red);
        else if (f->amber)
            snprintf(buf, len, "~%d", f->amber);
        else
            buf[0] = '\0';
        *attr = flag_attr(f->worst);
        break;
    default:
        buf[0] = '\0';
    }
}

/* ---- the status-line detail -------------------------------------------------------- */

static void make_detail(struct providers *st)
{
    st->detail[0] = '\0';
    if (st->mode == MODE_LIST) {
        const struct provider_list_row *r = current_row(st);
        if (!r)
            return;
        const struct row_flags *f = &st->flags[st->view[st->lv.cursor]];
        int more = f->red + f->amber - 1;
        const char *susp = strcmp(r->status, "suspended") == 0 ? "Suspended. " : "";
        if (f->worst_reason && more > 0)
            snprintf(st->detail, sizeof st->detail, "%s %s%s (and %d more: Enter)", flag_marker(f->worst), susp,
                     f->worst_reason, more);
        else if (f->worst_reason)
            snprintf(st->detail, sizeof st->detail, "%s %s%s", flag_marker(f->worst), susp, f->worst_reason);
        else
            snprintf(st->detail, sizeof st->detail, "%s%s: no flags", susp, r->name);
    } else if (st->mode == MODE_RECORD && st->npupils > 0) {
        snprintf(st->detail, sizeof st->detail, "Enter opens %s in the roll", st->pupils[st->rec_cursor].name);
    }
}

/* ---- drawing the list ------------------------------------------------------------------ */

static void fit_line(WINDOW *w, int y, int x, const char *text, attr_t attr)
{
    int cols = getmaxx(w) - x;
    if (cols <= 0 || y < 0 || y >= getmaxy(w))
        return;
    char buf[NOTICE_LEN * 2];
    utf8_fit(buf, sizeof buf, text, cols, UTF8_FIT_ELLIPSIS);
    wmove(w, y, 0);
    wclrtoeol(w);
    wattron(w, attr);
    mvwaddstr(w, y, x, buf);
    wattroff(w, attr);
}

/* What is shown: count, search, filter and sort, in words. */
static void summary_text(const struct providers *st, char *buf, size_t len)
{
    size_t n = st->list ? st->list->n : 0;
    int used;
    if (st->nview == (int)n)
        used = snprintf(buf, len, "%zu provider%s", n, n == 1 ? "" : "s");
    else
        used = snprintf(buf, len, "%d of %zu providers", st->nview, n);
    if (used < 0 || (size_t)used >= len)
        return;
    if (st->search[0])
        used += snprintf(buf + used, len - (size_t)used, " │ search \"%s\"", st->search);
    if ((size_t)used < len && filtered(st)) {
        const char *sep = " │ filter: ";
        if (st->f_reg >= 0) {
            used += snprintf(buf + used, len - (size_t)used, "%s%s", sep, LABELS_REGISTRATION[st->f_reg].text);
            sep = ", ";
        }
        if ((size_t)used < len && st->f_status) {
            used += snprintf(buf + used, len - (size_t)used, "%s%s", sep, st->f_status == 1 ? "active" : "suspended");
            sep = ", ";
        }
        if ((size_t)used < len && st->f_flags)
            used += snprintf(buf + used, len - (size_t)used, "%s%s", sep,
                             st->f_flags == 1 ? "flagged" : st->f_flags == 2 ? "red flags" : "no flags");
    }
    if ((size_t)used < len)
        used += snprintf(buf + used, len - (size_t)used, " │ by %s %s", column_words[st->sort_col],
                         st->sort_desc ? "▼" : "▲");
    if ((size_t)used < len && !st->flags_known)
        snprintf(buf + used, len - (size_t)used, " │ counting the flags…");
}

/* The last line of the list: the notice, else the flags of the provider under the cursor. */
static void draw_detail_line(struct providers *st, WINDOW *w)
{
    int y = getmaxy(w) - 1;
    if (st->notice[0]) {
        fit_line(w, y, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
        return;
    }
    const struct provider_list_row *r = current_row(st);
    if (!r) {
        wmove(w, y, 0);
        wclrtoeol(w);
        return;
    }
    const struct row_flags *f = &st->flags[st->view[st->lv.cursor]];
    make_detail(st);
    char line[NOTICE_LEN + sizeof r->name + 8];
    if (utf8_width(r->name) > st->name_cols && f->worst_reason)
        snprintf(line, sizeof line, "%s: %s", r->name, st->detail); /* the whole name, cut in the list */
    else
        snprintf(line, sizeof line, "%s", st->detail);
    fit_line(w, y, 1, line, attr_of(f->worst_reason ? flag_attr(f->worst) : ATTR_DIM));
}

static void draw_list_at(struct providers *st, WINDOW *w, int y)
{
    int height = getmaxy(w);
    st->wide = getmaxx(w) >= WIDE_COLS;
    st->lv.columns = st->wide ? wide_columns : narrow_columns;
    /* As listview lays the columns out: the name column takes what is spare. */
    st->name_cols = getmaxx(w) - 1;
    for (int c = 0; c < COL_COUNT; c++)
        st->name_cols -= c == COL_NAME ? 1 : st->lv.columns[c].width + 1;
    if (st->name_cols < st->lv.columns[COL_NAME].width)
        st->name_cols = st->lv.columns[COL_NAME].width;
    /* ▲/▼ in the heading where it fits; the line above the list always says. */
    int title_cols = utf8_width(st->lv.columns[st->sort_col].title) + 1;
    int col_cols = st->sort_col == COL_NAME ? st->name_cols : st->lv.columns[st->sort_col].width;
    st->lv.sort_column = title_cols <= col_cols ? st->sort_col : -1;
    st->lv.sort_desc = st->sort_desc;
    if (!st->list) {
        fit_line(w, y + 1, 1, st->load_error[0] ? st->load_error : "Reading the providers…", attr_of(ATTR_ERROR));
        return;
    }
    listview_draw(&st->lv, w, y, height - y - 1);
    if (st->nview == 0) {
        const char *why = st->list->n == 0 ? "No providers yet: press a to add one."
                          : st->search[0] && filtered(st) ? "No provider matches: Esc clears the search, F the filter."
                          : st->search[0] ? "No provider's name matches the search: Esc clears it."
                                          : "No provider matches the filter: F clears it.";
        fit_line(w, y + 2, 2, why, attr_of(ATTR_DIM));
    }
    draw_detail_line(st, w);
}

static void draw_list(struct providers *st, WINDOW *w)
{
    char summary[600];
    summary_text(st, summary, sizeof summary);
    if (st->load_error[0] && st->list)
        fit_line(w, 0, 1, st->load_error, attr_of(ATTR_ERROR));
    else
        fit_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- the record view: its document ------------------------------------------------------- */

static void doc_clear(struct providers *st)
{
    for (int i = 0; i < st->ndoc; i++)
        free(st->doc[i].text);
    st->ndoc = 0;
}

static void doc_add(struct providers *st, enum doc_kind kind, enum attr_meaning attr, const char *label,
                    const char *text, size_t len, int indent, int pupil)
{
    if (st->ndoc == st->capdoc) {
        int cap = st->capdoc ? st->capdoc * 2 : 64;
        struct doc_line *grown = realloc(st->doc, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        st->doc = grown;
        st->capdoc = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    st->doc[st->ndoc++] = (struct doc_line){kind, attr, label, copy, indent, pupil};
}

/* ---- wrapping ---------------------------------------------------------------------------------- */

struct doc_wrap_ctx {
    struct providers *st;
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;
    int indent, cont;
};

static void doc_wrap_line(void *ctx, const char *line, size_t len, bool first)
{
    struct doc_wrap_ctx *c = ctx;
    doc_add(c->st, c->kind, c->attr, first ? c->label : NULL, line, len, first ? c->indent : c->cont, -1);
}

/* Adds text wrapped to cols columns, the first line at indent and the rest
 * at cont. The first line carries label (DOC_FIELD). */
static void doc_wrap(struct providers *st, enum doc_kind kind, enum attr_meaning attr, const char *label,
                     const char *text, int indent, int cont, int cols)
{
    struct doc_wrap_ctx c = {st, kind, attr, label, indent, cont};
    textedit_wrap(text, cols, doc_wrap_line, &c);
}

static void doc_text(struct providers *st, enum attr_meaning attr, const char *text, int indent)
{
    doc_wrap(st, DOC_TEXT, attr, NULL, text, indent, indent, st->width - indent - 1);
}

#define FIELD_LABEL_COLS 26

static void doc_field(struct providers *st, const char *label, const char *value)
{
    bool empty = !value || !*value;
    doc_wrap(st, DOC_FIELD, empty ? ATTR_DIM : ATTR_NORMAL, label, empty ? "–" : value, FIELD_LABEL_COLS,
             FIELD_LABEL_COLS, st->width - FIELD_LABEL_COLS - 1);
}

static void doc_date_field(struct providers *st, const char *label, int d)
{
    char buf[11];
    doc_field(st, label, d == DATE_NONE ? "" : date_format(d, buf));
}

static void doc_money_field(struct providers *st, const char *label, int64_t pence)
{
    char buf[MONEY_LEN];
    doc_field(st, label, pence ? money_format_short(pence, buf, sizeof buf) : "none recorded");
}

static void build_doc(struct providers *st)
{
    doc_clear(st);
    st->doc_pupil0 = -1;
    const struct provider *p = &st->rec;
    char buf[1200];

    doc_text(st, ATTR_HEADER, p->name, 1);
    bool suspended = strcmp(p->status, "suspended") == 0;
    snprintf(buf, sizeof buf, "%s · %s%s%s", label_text(LABELS_REGISTRATION, p->registration),
             suspended ? "Suspended: no new placements" : "Active", p->organisation[0] ? " · part of " : "",
             p->organisation);
    doc_text(st, suspended ? ATTR_FLAG_AMBER : ATTR_DIM, buf, 1);

    /* Flags, each with its reason */
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    if (st->nrflags == 0) {
        doc_text(st, ATTR_FLAG_GREEN,
                 st->npupils ? "No flags" : "No flags (the rules are checked while pupils are placed or proposed here)",
                 1);
    }
    for (size_t i = 0; i < st->nrflags; i++) {
        snprintf(buf, sizeof buf, "%s %s", flag_marker(st->rflags[i].level), st->rflags[i].reason);
        /* continuation lines line up after the marker */
        doc_wrap(st, DOC_TEXT, flag_attr(st->rflags[i].level), NULL, buf, 1, 3, st->width - 4);
    }

    /* The pupils placed now */
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    int ft = 0;
    for (size_t i = 0; i < st->npupils; i++)
        ft += st->pupils[i].full_time;
    char hours[16];
    hours_text(ui_config(st->ui)->th.fulltime_hours, hours, sizeof hours);
    if (st->npupils)
        snprintf(buf, sizeof buf, "Pupils placed now: %zu, %d full time (%s h/week or more)", st->npupils, ft, hours);
    else
        snprintf(buf, sizeof buf, "Pupils placed now: none");
    doc_text(st, ATTR_HEADER, buf, 1);
    if (st->npupils) {
        doc_add(st, DOC_PUPIL_HEAD, ATTR_HEADER, NULL, "", 0, 0, -1);
        st->doc_pupil0 = st->ndoc;
        for (size_t i = 0; i < st->npupils; i++)
            doc_add(st, DOC_PUPIL, ATTR_NORMAL, NULL, "", 0, 0, (int)i);
    }

    /* Contacts */
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    snprintf(buf, sizeof buf, "Contacts: %zu (t to add, change or delete)", st->ncontacts);
    doc_text(st, ATTR_HEADER, buf, 1);
    for (size_t i = 0; i < st->ncontacts; i++) {
        const struct provider_contact *c = &st->contacts[i];
        int n = snprintf(buf, sizeof buf, "%s", c->name);
        const char *parts[] = {c->job_role, c->phone, c->email};
        for (size_t k = 0; k < 3 && n >= 0 && (size_t)n < sizeof buf; k++)
            if (parts[k][0])
                n += snprintf(buf + n, sizeof buf - (size_t)n, " · %s", parts[k]);
        doc_text(st, ATTR_NORMAL, buf, 3);
    }

    /* Every field */
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    doc_text(st, ATTR_HEADER, "Details", 1);
    doc_field(st, "Organisation", p->organisation);
    doc_field(st, "Registered manager", p->registered_manager);
    doc_field(st, "Address", p->address);
    doc_field(st, "Phone", p->phone);
    doc_field(st, "Email", p->email);
    doc_field(st, "Registration", label_text(LABELS_REGISTRATION, p->registration));
    doc_field(st, "URN", p->urn);
    doc_field(st, "UKPRN", p->ukprn);
    if (p->age_from && p->age_to)
        snprintf(buf, sizeof buf, "%d to %d", p->age_from, p->age_to);
    else if (p->age_from)
        snprintf(buf, sizeof buf, "from %d", p->age_from);
    else
        buf[0] = '\0';
    doc_field(st, "Age range", buf);
    doc_field(st, "ALN areas covered", p->aln_areas);
    doc_field(st, "Purpose", p->purpose);
    char money[MONEY_LEN];
    const char *basis = label_text(LABELS_COST_BASIS, p->cost_basis);
    snprintf(buf, sizeof buf, "%s %c%s", money_format(p->cost_rate, money, sizeof money),
             basis[0] >= 'A' && basis[0] <= 'Z' ? basis[0] - 'A' + 'a' : basis[0], basis[0] ? basis + 1 : "");
    doc_field(st, "Cost", p->cost_rate ? buf : "");
    doc_field(st, "Safeguarding lead", p->dsl_name);
    doc_date_field(st, "Safeguarding policy", p->safeguarding_policy_date);
    doc_date_field(st, "Safeguarding training", p->safeguarding_training_date);
    doc_date_field(st, "Enhanced DBS checked", p->dbs_checked_date);
    doc_field(st, "References checked", p->references_checked ? "yes" : "no");
    doc_date_field(st, "Declaration date", p->declaration_date);
    doc_money_field(st, "Public liability", p->public_liability);
    doc_money_field(st, "Employer's liability", p->employers_liability);
    doc_money_field(st, "Professional indemnity", p->professional_indemnity);
    doc_field(st, "Motor cover", p->motor_cover ? "yes" : "no");
    doc_field(st, "Subcontractor cover", p->subcontractor_cover ? "yes" : "no");
    doc_date_field(st, "Insurance expiry", p->insurance_expiry);
    doc_date_field(st, "Initial site visit", p->initial_visit_date);
    doc_date_field(st, "Last Stage 1 visit", st->rec_last_s1);
    doc_date_field(st, "Last Stage 2 visit", st->rec_last_s2);
    doc_field(st, "Status", label_text(LABELS_PROVIDER_STATUS, p->status));
    doc_field(st, "Notes", p->notes);
    if (p->updated_at[0]) {
        snprintf(buf, sizeof buf, "%.16s%s%s", p->updated_at, p->updated_by[0] ? " by " : "", p->updated_by);
        doc_field(st, "Last changed", buf);
    }
}

/* ---- the record view: loading ---------------------------------------------------------------- */

static void free_record_flags(struct providers *st);

static void free_record(struct providers *st)
{
    free(st->contacts);
    free(st->pupils);
    free_record_flags(st);
    st->contacts = NULL;
    st->pupils = NULL;
    st->ncontacts = st->npupils = 0;
}

struct rflag_ctx {
    struct providers *st;
    size_t cap;
};

static void collect_rec_flag(void *ctx, const struct flag_row *f)
{
    struct rflag_ctx *c = ctx;
    struct providers *st = c->st;
    if (!provider_flag(f) || f->provider_id != st->rec_id)
        return;
    if (st->nrflags == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct rec_flag *grown = realloc(st->rflags, cap * sizeof *grown);
        if (!grown)
            return;
        st->rflags = grown;
        c->cap = cap;
    }
    char *reason = strdup(f->reason);
    if (reason)
        st->rflags[st->nrflags++] = (struct rec_flag){f->level, reason};
}

static void free_record_flags(struct providers *st)
{
    for (size_t i = 0; i < st->nrflags; i++)
        free(st->rflags[i].reason);
    free(st->rflags);
    st->rflags = NULL;
    st->nrflags = 0;
}

/* The record's flags, in the order of the rules: from the shell's latest
 * pass, or (before its first) a pass over this provider alone. */
static void apply_record_flags(struct providers *st)
{
    free_record_flags(st);
    struct rflag_ctx c = {st, 0};
    const struct flag_row *rows;
    size_t n;
    if (ui_flags(st->ui, &rows, &n)) {
        for (size_t i = 0; i < n; i++)
            collect_rec_flag(&c, &rows[i]);
    } else if (flags_for_provider(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), st->rec_id,
                                  collect_rec_flag, &c, NULL) != AP_OK) {
        say(st, true, "Could not work out the flags: %s", ap_error_detail());
    }
}

/* Reads the provider of the record view afresh. False (with a message) when
 * it cannot be read, e.g. someone else deleted it. */
static bool load_record(struct providers *st)
{
    struct store *s = ui_store(st->ui);
    const struct thresholds *th = &ui_config(st->ui)->th;
    int today = ui_today(st->ui);
    int64_t keep_pupil = st->npupils && st->rec_cursor < (int)st->npupils ? st->pupils[st->rec_cursor].pupil_id : 0;
    free_record(st);
    ap_status rc = provider_get(s, st->rec_id, &st->rec);
    if (rc != AP_OK) {
        say(st, true, "%s", rc == AP_ERR_NOT_FOUND ? "That provider is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    if (provider_contact_list(s, st->rec_id, &st->contacts, &st->ncontacts) != AP_OK ||
        placement_provider_pupils(s, st->rec_id, today, th, &st->pupils, &st->npupils) != AP_OK) {
        say(st, true, "%s", ap_error_detail());
    }
    listview_set_rows(&st->clv, (int)st->ncontacts);
    apply_record_flags(st);
    int i = row_of_id(st, st->rec_id);
    st->rec_last_s1 = i >= 0 ? st->list->rows[i].last_stage1 : DATE_NONE;
    st->rec_last_s2 = i >= 0 ? st->list->rows[i].last_stage2 : DATE_NONE;
    st->rec_cursor = 0;
    for (size_t k = 0; k < st->npupils; k++)
        if (st->pupils[k].pupil_id == keep_pupil)
            st->rec_cursor = (int)k;
    return true;
}

static void enter_list(struct providers *st)
{
    st->mode = MODE_LIST;
    set_hints(MODE_LIST);
    refilter(st, st->rec_id);
}

static bool open_record(struct providers *st, int64_t id)
{
    if (st->rec_id != id) {
        st->npupils = 0;
        st->rec_top = 0;
    }
    st->rec_id = id;
    if (!load_record(st)) {
        enter_list(st);
        return false;
    }
    st->mode = MODE_RECORD;
    set_hints(MODE_RECORD);
    return true;
}

/* ---- the record view: drawing ------------------------------------------------------------------ */

/* Pupil table columns for the window's width: x and width of each. */
struct pupil_cols {
    int name_x, name_w, year_x, hours_x, ft_x, notes_x, notes_w;
};

static struct pupil_cols pupil_columns(int width)
{
    struct pupil_cols c;
    int rest = width - 1 - (10 + 1) - (6 + 1) - (9 + 1);
    c.name_x = 1;
    c.name_w = rest / 2 > 16 ? rest / 2 : 16;
    c.year_x = c.name_x + c.name_w + 1;
    c.hours_x = c.year_x + 11;
    c.ft_x = c.hours_x + 7;
    c.notes_x = c.ft_x + 10;
    c.notes_w = width - c.notes_x;
    return c;
}

static void put_cell(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool right)
{
    if (cols > 0)
        draw_text(w, y, x, cols, text, attr, DRAW_PAD | DRAW_ELLIPSIS | (right ? DRAW_RIGHT : 0));
}

static void draw_doc_line(struct providers *st, WINDOW *w, int i)
{
    int y = i - st->rec_top;
    if (y < 0 || y >= st->height)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    if (i >= st->ndoc)
        return;
    const struct doc_line *d = &st->doc[i];
    int width = getmaxx(w);
    switch (d->kind) {
    case DOC_TEXT:
        put_cell(w, y, d->indent, width - d->indent, d->text, attr_of(d->attr), false);
        break;
    case DOC_FIELD:
        if (d->label)
            put_cell(w, y, 3, FIELD_LABEL_COLS - 4, d->label, attr_of(ATTR_DIM), false);
        put_cell(w, y, FIELD_LABEL_COLS, width - FIELD_LABEL_COLS, d->text, attr_of(d->attr), false);
        break;
    case DOC_PUPIL_HEAD: {
        struct pupil_cols c = pupil_columns(width);
        attr_t a = attr_of(ATTR_HEADER);
        put_cell(w, y, c.name_x, c.name_w, "Name", a, false);
        put_cell(w, y, c.year_x, 10, "Year group", a, false);
        put_cell(w, y, c.hours_x, 6, "h/week", a, true);
        put_cell(w, y, c.ft_x, 9, "Full time", a, false);
        put_cell(w, y, c.notes_x, c.notes_w, "", a, false);
        break;
    }
    case DOC_PUPIL: {
        const struct provider_pupil *pp = &st->pupils[d->pupil];
        struct pupil_cols c = pupil_columns(width);
        bool selected = d->pupil == st->rec_cursor;
        if (selected) {
            wattron(w, attr_of(ATTR_SELECTED));
            mvwaddstr(w, y, 0, "▶");
            wattroff(w, attr_of(ATTR_SELECTED));
        }
        put_cell(w, y, c.name_x, c.name_w, pp->name, attr_of(selected ? ATTR_SELECTED : ATTR_NORMAL), false);
        char year[24], hours[16], notes[80] = "";
        rules_year_group_name(pp->year_group, year, sizeof year);
        hours_text(pp->weekly_hours, hours, sizeof hours);
        put_cell(w, y, c.year_x, 10, year, A_NORMAL, false);
        put_cell(w, y, c.hours_x, 6, hours, A_NORMAL, true);
        put_cell(w, y, c.ft_x, 9, pp->full_time ? "yes" : "no", pp->full_time ? A_NORMAL : attr_of(ATTR_DIM),
                 false);
        bool plan = pp->plan[0] && strcmp(pp->plan, "none") != 0;
        snprintf(notes, sizeof notes, "%s%s%s", pp->looked_after ? "looked after" : "",
                 pp->looked_after && plan ? ", " : "", plan ? label_text(LABELS_PLAN, pp->plan) : "");
        put_cell(w, y, c.notes_x, c.notes_w, notes, A_NORMAL, false);
        break;
    }
    }
}

static void keep_cursor_visible(struct providers *st)
{
    if (st->doc_pupil0 < 0)
        return;
    int line = st->doc_pupil0 + st->rec_cursor;
    if (line < st->rec_top)
        st->rec_top = line;
    if (line >= st->rec_top + st->height)
        st->rec_top = line - st->height + 1;
}

static void clamp_top(struct providers *st)
{
    int max_top = st->ndoc - st->height;
    if (st->rec_top > max_top)
        st->rec_top = max_top;
    if (st->rec_top < 0)
        st->rec_top = 0;
}

static void draw_record(struct providers *st, WINDOW *w)
{
    st->win = w;
    st->width = getmaxx(w);
    build_doc(st);
    if (st->rec_cursor >= (int)st->npupils)
        st->rec_cursor = st->npupils ? (int)st->npupils - 1 : 0;
    /* The last line is kept for a notice, or for "more" when the record is
     * longer than the window. */
    int body = getmaxy(w);
    bool notice = st->notice[0] != '\0';
    bool more = st->ndoc > body;
    st->height = notice || more ? body - 1 : body;
    if (st->height < 1)
        st->height = 1;
    clamp_top(st);
    for (int y = 0; y < st->height; y++)
        draw_doc_line(st, w, st->rec_top + y);
    if (notice) {
        fit_line(w, body - 1, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
    } else if (more) {
        char where[120];
        bool below = st->rec_top + st->height < st->ndoc;
        snprintf(where, sizeof where, "%s (lines %d–%d of %d)",
                 below ? "↓ more below: PgDn, G for the end" : "↑ more above: PgUp, g for the top", st->rec_top + 1,
                 st->rec_top + st->height, st->ndoc);
        fit_line(w, body - 1, 1, where, attr_of(ATTR_DIM));
    }
}

/* ---- the contacts view ---------------------------------------------------------------------------- */

static void contact_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct providers *st = ctx;
    const struct provider_contact *c = &st->contacts[row];
    const char *v[] = {c->name, c->job_role, c->phone, c->email};
    snprintf(buf, len, "%s", col < CONTACT_COLS ? v[col] : "");
    (void)attr;
}

static void draw_contacts(struct providers *st, WINDOW *w)
{
    char title[300];
    snprintf(title, sizeof title, "Contacts at %s: %zu", st->rec.name, st->ncontacts);
    fit_line(w, 0, 1, title, attr_of(ATTR_HEADER));
    listview_set_rows(&st->clv, (int)st->ncontacts);
    listview_draw(&st->clv, w, 2, getmaxy(w) - 3);
    if (st->ncontacts == 0)
        fit_line(w, 4, 2, "No contacts recorded: press a to add one.", attr_of(ATTR_DIM));
    int y = getmaxy(w) - 1;
    if (st->notice[0])
        fit_line(w, y, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
    else
        fit_line(w, y, 1, "Enter or e changes the contact, a adds one, d deletes it, Esc goes back",
                 attr_of(ATTR_DIM));
}

/* ---- confirmations ------------------------------------------------------------------------------- */

#define CONFIRM_LINES 4

struct confirm_lines {
    char text[CONFIRM_LINES][NOTICE_LEN];
    int n;
};

static void confirm_line(void *ctx, const char *line, size_t len, bool first)
{
    (void)first;
    struct confirm_lines *c = ctx;
    if (c->n < CONFIRM_LINES)
        snprintf(c->text[c->n++], NOTICE_LEN, "%.*s", (int)len, line);
}

/* ui_confirm, with why (may be NULL) and the question also written across
 * the pane's last lines: the status line has little room at 80 columns. */
static bool confirm(struct providers *st, const char *why, const char *question)
{
    WINDOW *w = ui_body(st->ui);
    int width = getmaxx(w) - 2, h = getmaxy(w);
    struct confirm_lines c = {.n = 0};
    char text[NOTICE_LEN * 2];
    snprintf(text, sizeof text, "%s%s%s (y/n)", why ? why : "", why ? "\n" : "", question);
    textedit_wrap(text, width, confirm_line, &c);
    for (int i = 0; i < c.n; i++)
        fit_line(w, h - c.n + i, 1, c.text[i], attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(st->ui, question);
}

/* ---- actions ------------------------------------------------------------------------------------- */

/* After this session wrote: every pane reloads (ours through
 * providers_reload, keeping the cursor) and the flags are counted again. */
static void after_write(struct providers *st)
{
    ui_store_changed(st->ui);
}

static unsigned add_provider(struct providers *st)
{
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    provider_init(p);
    if (provider_form_run(st->ui, p)) {
        /* Show the new provider's record. */
        st->rec_id = p->id;
        st->rec_top = 0;
        st->npupils = 0;
        st->mode = MODE_RECORD;
        set_hints(MODE_RECORD);
        say(st, false, "Added %s: t adds its contacts", p->name);
        after_write(st);
    }
    free(p);
    return REDRAW_ALL;
}

static unsigned edit_provider(struct providers *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    ap_status rc = provider_get(ui_store(st->ui), id, p);
    if (rc != AP_OK) {
        say(st, true, "%s", ap_error_detail());
        free(p);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    if (provider_form_run(st->ui, p)) {
        say(st, false, "Saved %s", p->name);
        after_write(st);
    }
    free(p);
    return REDRAW_ALL;
}

static unsigned delete_provider(struct providers *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    struct store *s = ui_store(st->ui);
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    if (provider_get(s, id, p) != AP_OK) {
        say(st, true, "%s", ap_error_detail());
        free(p);
        return REDRAW_ALL;
    }
    char question[400];
    snprintf(question, sizeof question, "Delete %s and its contacts?", p->name);
    if (confirm(st, NULL, question)) {
        ap_status rc = provider_delete(s, id, p->version);
        if (rc == AP_OK) {
            say(st, false, "Deleted %s", p->name);
            if (st->mode != MODE_LIST) {
                st->mode = MODE_LIST;
                set_hints(MODE_LIST);
            }
            after_write(st);
        } else if (rc == AP_ERR_INVALID && strcmp(p->status, "suspended") != 0) {
            char why[NOTICE_LEN], ask[300];
            snprintf(why, sizeof why, "Not deleted: %s.", ap_error_detail());
            snprintf(ask, sizeof ask, "Suspend %s now?", p->name);
            if (confirm(st, why, ask)) {
                int64_t version = p->version;
                rc = provider_set_status(s, id, &version, "suspended");
                if (rc == AP_OK) {
                    say(st, false, "Suspended %s: no new placements can be made with it", p->name);
                    after_write(st);
                } else {
                    say(st, true, "Not suspended: %s", ap_error_detail());
                }
            } else {
                say(st, false, "Not deleted: records refer to %s", p->name);
            }
        } else {
            say(st, true, "Not deleted: %s", ap_error_detail());
        }
    } else {
        say(st, false, "Nothing deleted");
    }
    free(p);
    return REDRAW_ALL;
}

/* ---- search and filter (views over the list) ---------------------------------------------------------- */

static void search_draw(void *ctx, WINDOW *w)
{
    draw_list_at(ctx, w, 1);
}

static void search_apply(void *ctx, int64_t keep)
{
    refilter(ctx, keep);
}

static int64_t search_current(void *ctx)
{
    return current_id(ctx);
}

static unsigned run_search(struct providers *st)
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

/* The filter panel (ui/filterview.h): registration, status, flags. */
struct pfilter {
    struct providers *st;
    int saved_reg, saved_status, saved_flags;
    int64_t keep;
};

static void pfilter_value(void *ctx, int item, char *buf, size_t len)
{
    static const char *const status_words[] = {"any", "active only", "suspended only"};
    static const char *const flag_words[] = {"any", "flagged (red or amber)", "red flags", "no flags"};
    struct providers *st = ((struct pfilter *)ctx)->st;
    snprintf(buf, len, "%s", item == 0 ? (st->f_reg < 0 ? "any" : LABELS_REGISTRATION[st->f_reg].text)
                             : item == 1 ? status_words[st->f_status]
                                         : flag_words[st->f_flags]);
}

static void pfilter_step(void *ctx, int item, int step)
{
    struct pfilter *f = ctx;
    struct providers *st = f->st;
    int nreg = (int)label_count(LABELS_REGISTRATION);
    if (item == 0)
        st->f_reg = (st->f_reg + 1 + step + nreg + 1) % (nreg + 1) - 1;
    else if (item == 1)
        st->f_status = (st->f_status + step + 3) % 3;
    else
        st->f_flags = (st->f_flags + step + 4) % 4;
    refilter(st, f->keep);
}

static void pfilter_clear(void *ctx)
{
    struct pfilter *f = ctx;
    f->st->f_reg = -1;
    f->st->f_status = f->st->f_flags = 0;
    refilter(f->st, f->keep);
}

static void pfilter_restore(void *ctx)
{
    struct pfilter *f = ctx;
    f->st->f_reg = f->saved_reg;
    f->st->f_status = f->saved_status;
    f->st->f_flags = f->saved_flags;
    refilter(f->st, f->keep);
}

static void pfilter_list(void *ctx, WINDOW *w, int y)
{
    draw_list_at(((struct pfilter *)ctx)->st, w, y);
}

static unsigned run_filter(struct providers *st)
{
    static const char *const labels[] = {"Registration", "Status", "Flags"};
    struct pfilter f = {.st = st, .saved_reg = st->f_reg, .saved_status = st->f_status,
                        .saved_flags = st->f_flags, .keep = current_id(st)};
    const struct filter_panel fp = {"Filter the providers", 3, labels, &f, pfilter_value, pfilter_step,
                                    pfilter_clear, pfilter_restore, pfilter_list};
    filter_panel_run(st->ui, &fp);
    ui_message(st->ui, filtered(st) ? "%d of %zu providers shown: F clears the filter" : "No filter: every provider shown",
               st->nview, st->list ? st->list->n : (size_t)0);
    return REDRAW_ALL;
}

/* ---- keys ---------------------------------------------------------------------------------------- */

static unsigned sort_key(struct providers *st, int key)
{
    int64_t keep = current_id(st);
    if (key == 'S') {
        st->sort_desc = !st->sort_desc;
    } else {
        st->sort_col = (st->sort_col + 1) % COL_COUNT;
        st->sort_desc = column_desc[st->sort_col];
    }
    refilter(st, keep);
    ui_message(st->ui, "Sorted by %s, %s (s: next column, S: reverse)", column_words[st->sort_col],
               st->sort_desc ? "highest first" : "lowest first");
    return REDRAW_BODY | REDRAW_STATUS;
}

static unsigned list_key(struct providers *st, const struct action *act, int key)
{
    if (!act)
        return REDRAW_NONE;
    if (listview_move(&st->lv, act->id)) {
        if (st->lv.win)
            draw_detail_line(st, st->lv.win);
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    switch (act->id) {
    case ACT_OPEN:
        if (!current_id(st))
            return REDRAW_NONE;
        st->rec_top = 0;
        open_record(st, current_id(st));
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_SEARCH:
        return run_search(st);
    case ACT_SORT:
        return sort_key(st, key);
    case ACT_FILTER:
        if (key == 'F') {
            int64_t keep = current_id(st);
            st->f_reg = -1;
            st->f_status = st->f_flags = 0;
            refilter(st, keep);
            ui_message(st->ui, "Filter cleared: every provider shown");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return run_filter(st);
    case ACT_BACK:
        if (st->search[0]) {
            int64_t keep = current_id(st);
            st->search[0] = '\0';
            refilter(st, keep);
            ui_message(st->ui, "Search cleared");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return REDRAW_NONE;
    case ACT_ADD:
        return add_provider(st);
    case ACT_EDIT:
        return edit_provider(st, current_id(st));
    case ACT_DELETE:
        return delete_provider(st, current_id(st));
    case ACT_PROVIDER_CONTACTS:
        if (!current_id(st))
            return REDRAW_NONE;
        if (open_record(st, current_id(st))) {
            st->mode = MODE_CONTACTS;
            set_hints(MODE_CONTACTS);
            listview_select(&st->clv, 0);
        }
        return REDRAW_BODY | REDRAW_STATUS;
    default:
        return REDRAW_NONE;
    }
}

/* Moves in the record view: the cursor walks the pupils; past them (or
 * with none) the lines scroll. */
static unsigned record_move(struct providers *st, enum action_id id)
{
    int old_top = st->rec_top, old_cursor = st->rec_cursor;
    int n = (int)st->npupils;
    int page = st->height > 1 ? st->height - 1 : 1;
    int line = st->doc_pupil0 + st->rec_cursor;
    bool visible = n && line >= st->rec_top && line < st->rec_top + st->height;
    switch (id) {
    case ACT_UP:
        if (visible && st->rec_cursor > 0) {
            st->rec_cursor--;
            keep_cursor_visible(st);
        } else {
            st->rec_top--;
        }
        break;
    case ACT_DOWN:
        if (visible && st->rec_cursor < n - 1) {
            st->rec_cursor++;
            keep_cursor_visible(st);
        } else {
            st->rec_top++;
        }
        break;
    case ACT_PAGE_UP: st->rec_top -= page; break;
    case ACT_PAGE_DOWN: st->rec_top += page; break;
    case ACT_HOME:
        st->rec_top = 0;
        st->rec_cursor = 0;
        break;
    case ACT_END:
        st->rec_top = st->ndoc;
        if (n)
            st->rec_cursor = n - 1;
        break;
    default:
        return REDRAW_NONE;
    }
    clamp_top(st);
    if (st->rec_top != old_top || !st->win)
        return REDRAW_BODY | REDRAW_STATUS;
    if (st->rec_cursor != old_cursor && st->doc_pupil0 >= 0) {
        draw_doc_line(st, st->win, st->doc_pupil0 + old_cursor);
        draw_doc_line(st, st->win, st->doc_pupil0 + st->rec_cursor);
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    return REDRAW_NONE;
}

static unsigned record_key(struct providers *st, const struct action *act, int key)
{
    if (!act)
        return REDRAW_NONE;
    switch (act->id) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
    case ACT_HOME:
    case ACT_END:
        return record_move(st, act->id);
    case ACT_OPEN:
        if (st->npupils == 0) {
            say(st, false, "No pupils are placed here now");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        ui_show_pupil(st->ui, (long long)st->pupils[st->rec_cursor].pupil_id);
        return REDRAW_ALL;
    case ACT_BACK:
        enter_list(st);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_EDIT:
        return edit_provider(st, st->rec_id);
    case ACT_DELETE:
        return delete_provider(st, st->rec_id);
    case ACT_ADD:
        return add_provider(st);
    case ACT_PROVIDER_CONTACTS:
        st->mode = MODE_CONTACTS;
        set_hints(MODE_CONTACTS);
        listview_select(&st->clv, 0);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_SEARCH:
    case ACT_SORT:
    case ACT_FILTER:
        enter_list(st);
        return list_key(st, act, key);
    default:
        return REDRAW_NONE;
    }
}

static unsigned contacts_key(struct providers *st, const struct action *act)
{
    if (!act)
        return REDRAW_NONE;
    if (listview_move(&st->clv, act->id))
        return REDRAW_PARTIAL | REDRAW_STATUS;
    struct store *s = ui_store(st->ui);
    struct provider_contact c;
    bool have = st->ncontacts > 0 && st->clv.cursor < (int)st->ncontacts;
    switch (act->id) {
    case ACT_BACK:
    case ACT_PROVIDER_CONTACTS:
        st->mode = MODE_RECORD;
        set_hints(MODE_RECORD);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_ADD:
        if (!can_write(st))
            return REDRAW_BODY | REDRAW_STATUS;
        memset(&c, 0, sizeof c);
        c.provider_id = st->rec_id;
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            say(st, false, "Added %s", c.name);
            after_write(st);
            for (size_t i = 0; i < st->ncontacts; i++)
                if (st->contacts[i].id == c.id)
                    listview_select(&st->clv, (int)i);
        }
        return REDRAW_ALL;
    case ACT_OPEN:
    case ACT_EDIT:
        if (!have)
            return REDRAW_NONE;
        if (provider_contact_get(s, st->contacts[st->clv.cursor].id, &c) != AP_OK) {
            say(st, true, "%s", ap_error_detail());
            load_record(st);
            return REDRAW_ALL;
        }
        if (!store_can_write(s))
            ui_message(st->ui, "You have the viewer role: the form is read only");
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            say(st, false, "Saved %s", c.name);
            after_write(st);
        }
        return REDRAW_ALL;
    case ACT_DELETE: {
        if (!have)
            return REDRAW_NONE;
        if (!can_write(st))
            return REDRAW_BODY | REDRAW_STATUS;
        const struct provider_contact *cur = &st->contacts[st->clv.cursor];
        char question[300];
        snprintf(question, sizeof question, "Delete the contact %s?", cur->name);
        if (!confirm(st, NULL, question)) {
            say(st, false, "Nothing deleted");
            return REDRAW_ALL;
        }
        char name[sizeof cur->name];
        snprintf(name, sizeof name, "%s", cur->name);
        if (provider_contact_delete(s, cur->id, cur->version) == AP_OK) {
            say(st, false, "Deleted the contact %s", name);
            after_write(st);
        } else {
            say(st, true, "Not deleted: %s", ap_error_detail());
            load_record(st);
        }
        return REDRAW_ALL;
    }
    default:
        return REDRAW_NONE;
    }
}

/* ---- the pane's functions ---------------------------------------------------------------------- */

static void *providers_open(struct ui *ui)
{
    struct providers *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->ui = ui;
    st->f_reg = -1;
    st->lv = (struct listview){.columns = narrow_columns, .ncolumns = COL_COUNT, .cell = list_cell, .ctx = st,
                               .sort_column = COL_NAME};
    st->sort_col = COL_NAME;
    st->clv = (struct listview){.columns = contact_columns, .ncolumns = CONTACT_COLS, .cell = contact_cell, .ctx = st,
                                .sort_column = -1};
    set_hints(MODE_LIST);
    if (load_list(st))
        refilter(st, 0);
    return st;
}

static void providers_close(void *state)
{
    struct providers *st = state;
    if (!st)
        return;
    free_flags(st);
    provider_list_free(st->list);
    free(st->by_id);
    free(st->view);
    free_record(st);
    doc_clear(st);
    free(st->doc);
    free(st);
}

static void providers_draw(void *state, WINDOW *body)
{
    struct providers *st = state;
    switch (st->mode) {
    case MODE_LIST: draw_list(st, body); break;
    case MODE_RECORD: draw_record(st, body); break;
    case MODE_CONTACTS: draw_contacts(st, body); break;
    }
}

static unsigned providers_key(void *state, const struct action *act, int key, int ret, wint_t ch)
{
    struct providers *st = state;
    (void)ret;
    (void)ch;
    unsigned extra = 0;
    if (st->notice[0]) {
        st->notice[0] = '\0';
        extra = REDRAW_BODY; /* the notice line goes */
    }
    unsigned r;
    switch (st->mode) {
    case MODE_LIST: r = list_key(st, act, key); break;
    case MODE_RECORD: r = record_key(st, act, key); break;
    default: r = contacts_key(st, act); break;
    }
    if (r == REDRAW_ALL)
        return r;
    if (extra && (r & REDRAW_PARTIAL)) {
        /* A move after a notice: put the detail back on the last line. */
        if (st->mode == MODE_LIST && st->lv.win) {
            draw_detail_line(st, st->lv.win);
            extra = 0;
        }
    }
    return r | extra;
}

static void providers_reload(void *state)
{
    struct providers *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->rec_id;
    if (load_list(st))
        refilter(st, keep);
    if (st->mode != MODE_LIST && !load_record(st)) {
        st->mode = MODE_LIST;
        set_hints(MODE_LIST);
    }
}

static void providers_flags_changed(void *state)
{
    struct providers *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->rec_id;
    apply_list_flags(st);
    refilter(st, keep);
    if (st->mode != MODE_LIST)
        apply_record_flags(st);
}

static const char *providers_detail(void *state)
{
    struct providers *st = state;
    make_detail(st);
    return st->detail[0] ? st->detail : NULL;
}

const struct pane_ops pane_providers = {
    .title = "Providers",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PROVIDER,
    .hints = hints,
    .open = providers_open,
    .close = providers_close,
    .draw = providers_draw,
    .key = providers_key,
    .reload = providers_reload,
    .detail = providers_detail,
    .flags_changed = providers_flags_changed,
};
