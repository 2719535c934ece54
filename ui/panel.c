/* The Inclusion Panel pane (tab 7): the panel cases with the pupil, reason,
 * referral and panel dates, status, quotations and the chosen option's
 * annual cost, and the quotations warning (procurement route 1) as a
 * marker with its reason on the status line; search, sort and filter (by
 * panel date, status and warning). Enter opens a case: the pupil, reason,
 * triage recommendation, decision and the option analysis - every
 * quotation with its sessions, cost per session and per week, transport
 * and annualised total, the recommended (chosen) one marked. Cases,
 * quotations and decisions are added and edited here; the Inclusion Panel
 * pack and the DMT value-for-money report are written from here with a
 * progress bar.
 *
 * No SQL here: the rows come from db/panel.h, db/roll.h and db/flags.h (by
 * way of the shell's latest pass, ui_flags), and the workbooks from
 * src/export_panel.h and src/export_dmt.h. */

#include "panes.h"

#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "filterview.h"
#include "picker.h"
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "export_dmt.h"
#include "export_panel.h"
#include "flags.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "money.h"
#include "panel.h"
#include "provider.h"
#include "pupil_views.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define SEARCH_MAX 120
#define NOTICE_LEN 700
#define FIELD_LABEL_COLS 26

enum mode { MODE_LIST, MODE_CASE };

/* ---- the list's columns ---- */

enum { COL_PUPIL, COL_REASON, COL_REFERRED, COL_PANEL, COL_STATUS, COL_QUOTES, COL_ANNUAL, COL_FLAG, COL_COUNT };

static const struct list_column columns[COL_COUNT] = {
    {"Pupil", 14, true, false},   {"Reason", 12, false, false}, {"Referred", 10, false, false},
    {"Panel", 10, false, false},  {"Status", 9, false, false},  {"Quotes", 6, false, true},
    {"£ a year", 9, false, true}, {"!", 1, false, false},
};
static const char *const column_words[COL_COUNT] = {
    "pupil", "reason", "referral date", "panel date", "status", "quotations", "chosen option's annual cost",
    "quotations warning",
};
/* Each column's first direction: dates, counts and costs latest or biggest first. */
static const bool column_desc[COL_COUNT] = {false, false, true, true, false, true, true, true};

/* Filter choices besides the panel dates. */
enum { FD_ANY = 0, FD_NONE = 1, FD_FIRST_DATE = 2 };
enum { FS_ANY = 0, FS_DECIDED = 6 }; /* 1..5: LABELS_CASE_STATUS[f - 1] */
enum { FF_ANY = 0, FF_WARNING, FF_NONE };

/* The quotations warning of a case, from the shell's latest pass over the store. */
struct row_flag {
    enum flag_level level;
    char *reason;                   /* owned; NULL when none */
};

/* ---- the case view's document ---- */

enum doc_kind { DOC_TEXT, DOC_FIELD, DOC_QHEAD, DOC_QUOTE };
struct doc_line {
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;              /* DOC_FIELD, first line: static */
    char *text;                     /* owned */
    int indent;
    int quote;                      /* DOC_QUOTE: index into quotes */
};

struct panel {
    struct ui *ui;
    enum mode mode;

    /* The list */
    struct panel_case_row *rows;
    size_t n;
    struct row_flag *flags;         /* parallel to rows */
    int *view;
    int nview;
    char load_error[400];
    bool loaded;                    /* the list has been read at least once */
    bool flags_known;
    struct listview lv;
    int *dates;                     /* the distinct panel dates, latest first */
    size_t ndates;

    /* Search, filter, sort */
    char search[SEARCH_MAX + 1];
    int f_date, f_status, f_flags;
    int filter_date;                /* the date of f_date >= FD_FIRST_DATE (kept across reloads) */
    int sort_col;
    bool sort_desc;

    /* The case view */
    int64_t case_id;
    struct panel_case *rec;         /* malloc'd: the case as read */
    char pupil_name[204];
    char pupil_line[400];           /* "Siân Jones (Year 9) · UPN ..." */
    struct panel_quote_row *quotes;
    size_t nquotes;
    enum flag_level warn_level;     /* the case's quotations warning */
    char warn[RULES_WHY_LEN + 300];
    int qcursor;
    int top;
    struct doc_line *doc;
    int ndoc, capdoc;
    int qline0;                     /* document line of quote 0; -1 when none */
    WINDOW *win;
    int height;

    /* The export dialogs remember what was typed */
    char pack_out[PATH_MAX];
    char dmt_out[PATH_MAX];
    int dmt_from, dmt_to;

    /* An export running or just finished: its screen stays until a key */
    bool export_on;                 /* the export's screen is showing */
    bool export_done;               /* finished (result says how) */
    bool export_failed;
    char export_title[200];
    char export_path[PATH_MAX];
    int export_pct;
    char export_what[120];
    char export_result[NOTICE_LEN];

    char detail[NOTICE_LEN];
    char notice[NOTICE_LEN];
    bool notice_error;
};

static enum action_id hints[12];

static void set_hints(enum mode mode)
{
    static const enum action_id list[] = {ACT_OPEN,         ACT_ADD,   ACT_PANEL_DECISION, ACT_PANEL_EXPORT,
                                          ACT_PANEL_DMT,    ACT_SEARCH, ACT_FILTER,        ACT_NONE};
    static const enum action_id one[] = {ACT_PANEL_QUOTE,     ACT_EDIT, ACT_PANEL_CHOOSE, ACT_PANEL_DECISION,
                                         ACT_PANEL_EDIT_CASE, ACT_BACK, ACT_NONE};
    const enum action_id *src = mode == MODE_LIST ? list : one;
    size_t i = 0;
    for (; src[i] != ACT_NONE && i + 1 < sizeof hints / sizeof hints[0]; i++)
        hints[i] = src[i];
    hints[i] = ACT_NONE;
}

/* ---- messages ------------------------------------------------------------------------ */

/* A message on the status line and, as the status line is short at 80
 * columns, on the pane's last line until the next key. */
__attribute__((format(printf, 3, 4))) static void say(struct panel *st, bool error, const char *fmt, ...)
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

static bool can_write(struct panel *st)
{
    if (ui_can_write(st->ui))
        return true;
    snprintf(st->notice, sizeof st->notice, "You have the viewer role: you can read but not change anything");
    st->notice_error = true;
    return false;
}

/* ---- small helpers ------------------------------------------------------------------ */


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

static const char *flag_marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

static enum attr_meaning flag_attr(enum flag_level level)
{
    return level == FLAG_RED ? ATTR_FLAG_RED : level == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

static void hours_text(double h, char *buf, size_t len)
{
    if (h == (double)(long)h)
        snprintf(buf, len, "%ld", (long)h);
    else
        snprintf(buf, len, "%.1f", h);
}

/* Whole pounds, for the list: "£7,800". */
static char *pounds(int64_t pence, char *buf, size_t len)
{
    int64_t p = pence >= 0 ? (pence + 50) / 100 * 100 : -((-pence + 50) / 100 * 100);
    return money_format_short(p, buf, len);
}

/* The words of a basis for "£45.00 per session": "session", "day"... */
static const char *basis_word(const char *basis)
{
    return strcmp(basis, "session") == 0 ? "session"
           : strcmp(basis, "day") == 0   ? "day"
           : strcmp(basis, "week") == 0  ? "week"
           : strcmp(basis, "year") == 0  ? "year"
                                         : basis;
}

static void fit_line(WINDOW *w, int y, int x, const char *text, attr_t attr)
{
    int cols = getmaxx(w) - x;
    if (cols <= 0 || y < 0 || y >= getmaxy(w))
        return;
    char buf[NOTICE_LEN * 3];
    utf8_fit(buf, sizeof buf, text, cols, UTF8_FIT_ELLIPSIS);
    wmove(w, y, 0);
    wclrtoeol(w);
    wattron(w, attr);
    mvwaddstr(w, y, x, buf);
    wattroff(w, attr);
}

static void put_cell(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool right)
{
    if (cols > 0)
        draw_text(w, y, x, cols, text, attr, DRAW_PAD | DRAW_ELLIPSIS | (right ? DRAW_RIGHT : 0));
}

/* "~/x" is under $HOME; a relative path is made absolute from the current
 * directory, so that the message says exactly where the file is. */
static bool expand_path(const char *typed, char *out, size_t len)
{
    while (*typed == ' ')
        typed++;
    const char *home = getenv("HOME");
    char cwd[PATH_MAX];
    int n;
    if (typed[0] == '~' && (typed[1] == '/' || !typed[1]) && home && *home)
        n = snprintf(out, len, "%s%s", home, typed + 1);
    else if (typed[0] && typed[0] != '/' && getcwd(cwd, sizeof cwd))
        n = snprintf(out, len, "%s/%s", cwd, typed);
    else
        n = snprintf(out, len, "%s", typed);
    if (n < 0 || (size_t)n >= len)
        return false;
    size_t end = strlen(out);
    while (end > 1 && out[end - 1] == ' ')
        out[--end] = '\0';
    return true;
}

/* ---- the list: loading ---------------------------------------------------------------- */

static void free_flags(struct panel *st)
{
    if (st->flags)
        for (size_t i = 0; i < st->n; i++)
            free(st->flags[i].reason);
    free(st->flags);
    st->flags = NULL;
}

static int row_of_id(const struct panel *st, int64_t id)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->rows[i].id == id)
            return (int)i;
    return -1;
}

static bool case_flag(const struct flag_row *f)
{
    return f->case_id && rules_flag_raised(f->level);
}

/* Takes each case's warning from the shell's latest pass (the same flags
 * `apterm check` prints). A case's flags: only the quotations rule. */
static void apply_list_flags(struct panel *st)
{
    if (!st->flags)
        return;
    for (size_t i = 0; i < st->n; i++) {
        free(st->flags[i].reason);
        st->flags[i] = (struct row_flag){FLAG_NONE, NULL};
    }
    const struct flag_row *rows;
    size_t n;
    st->flags_known = ui_flags(st->ui, &rows, &n);
    for (size_t k = 0; k < n; k++) {
        if (!case_flag(&rows[k]))
            continue;
        int i = row_of_id(st, rows[k].case_id);
        if (i < 0 || rows[k].level <= st->flags[i].level)
            continue;
        free(st->flags[i].reason);
        st->flags[i].level = rows[k].level;
        st->flags[i].reason = strdup(rows[k].reason);
    }
}

static bool load_list(struct panel *st)
{
    struct store *s = ui_store(st->ui);
    struct panel_case_row *rows = NULL;
    size_t n = 0;
    int *dates = NULL;
    size_t ndates = 0;
    if (panel_case_list(s, &rows, &n) != AP_OK || panel_dates(s, &dates, &ndates) != AP_OK) {
        snprintf(st->load_error, sizeof st->load_error, "Could not read the panel cases: %s", ap_error_detail());
        free(rows);
        return false;
    }
    free_flags(st);
    free(st->rows);
    free(st->view);
    free(st->dates);
    st->rows = rows;
    st->n = n;
    st->dates = dates;
    st->ndates = ndates;
    st->load_error[0] = '\0';
    st->loaded = true;
    st->flags = calloc(n ? n : 1, sizeof *st->flags);
    st->view = malloc((n ? n : 1) * sizeof *st->view);
    st->nview = 0;
    if (!st->flags || !st->view) {
        snprintf(st->load_error, sizeof st->load_error, "Out of memory reading the panel cases");
        free(st->flags);
        free(st->view);
        st->flags = NULL;
        st->view = NULL;
        free(st->rows);
        st->rows = NULL;
        st->n = 0;
        st->loaded = false;
        return false;
    }
    /* The filter's panel date stays the same date (its index may move). */
    if (st->f_date >= FD_FIRST_DATE) {
        st->f_date = FD_ANY;
        for (size_t i = 0; i < ndates; i++)
            if (dates[i] == st->filter_date)
                st->f_date = FD_FIRST_DATE + (int)i;
    }
    apply_list_flags(st);
    return true;
}

/* ---- filter and sort -------------------------------------------------------------------- */

static bool filtered(const struct panel *st)
{
    return st->f_date || st->f_status || st->f_flags;
}

static bool row_shown(const struct panel *st, int i)
{
    const struct panel_case_row *r = &st->rows[i];
    if (st->search[0] && !utf8_contains(r->pupil_name, st->search) && !utf8_contains(r->legal_name, st->search) &&
        !utf8_contains(r->upn, st->search) && !utf8_contains(label_text(LABELS_CASE_REASON, r->reason), st->search) &&
        !utf8_contains(r->chosen_provider, st->search))
        return false;
    if (st->f_date == FD_NONE && r->panel_date != DATE_NONE)
        return false;
    if (st->f_date >= FD_FIRST_DATE && r->panel_date != st->filter_date)
        return false;
    if (st->f_status == FS_DECIDED && strcmp(r->status, "open") == 0)
        return false;
    if (st->f_status > 0 && st->f_status < FS_DECIDED && strcmp(r->status, LABELS_CASE_STATUS[st->f_status - 1].code))
        return false;
    bool warned = st->flags && st->flags[i].level != FLAG_NONE;
    if (st->f_flags == FF_WARNING && !warned)
        return false;
    if (st->f_flags == FF_NONE && warned)
        return false;
    return true;
}

static const struct panel *sort_state;

/* Dates: a case with no panel date yet sorts as the latest (it is awaiting one). */
static long long date_key(int d)
{
    return d == DATE_NONE ? 10000000LL : d;
}

static int status_rank(const char *status)
{
    for (int i = 0; LABELS_CASE_STATUS[i].code; i++)
        if (strcmp(LABELS_CASE_STATUS[i].code, status) == 0)
            return i;
    return 99;
}

static int compare_rows(const void *a, const void *b)
{
    const struct panel *st = sort_state;
    int i = *(const int *)a, j = *(const int *)b;
    const struct panel_case_row *x = &st->rows[i], *y = &st->rows[j];
    long long d = 0;
    switch (st->sort_col) {
    case COL_REASON:
        d = fold_cmp(label_text(LABELS_CASE_REASON, x->reason), label_text(LABELS_CASE_REASON, y->reason));
        break;
    case COL_REFERRED: d = date_key(x->referral_date) - date_key(y->referral_date); break;
    case COL_PANEL: d = date_key(x->panel_date) - date_key(y->panel_date); break;
    case COL_STATUS: d = status_rank(x->status) - status_rank(y->status); break;
    case COL_QUOTES: d = x->quotes - y->quotes; break;
    case COL_ANNUAL:
        d = (x->has_chosen ? x->chosen_annual : -1) < (y->has_chosen ? y->chosen_annual : -1)   ? -1
            : (x->has_chosen ? x->chosen_annual : -1) > (y->has_chosen ? y->chosen_annual : -1) ? 1
                                                                                               : 0;
        break;
    case COL_FLAG: d = (int)st->flags[i].level - (int)st->flags[j].level; break;
    default: break;
    }
    if (st->sort_desc)
        d = -d;
    if (!d)
        d = fold_cmp(x->pupil_name, y->pupil_name);
    if (!d)
        d = x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* newest case first */
    return d < 0 ? -1 : d > 0;
}

static int64_t current_id(const struct panel *st)
{
    if (!st->rows || st->nview == 0 || st->lv.cursor < 0 || st->lv.cursor >= st->nview)
        return 0;
    return st->rows[st->view[st->lv.cursor]].id;
}

static const struct panel_case_row *current_row(const struct panel *st)
{
    if (!st->rows || st->nview == 0 || st->lv.cursor < 0 || st->lv.cursor >= st->nview)
        return NULL;
    return &st->rows[st->view[st->lv.cursor]];
}

static void refilter(struct panel *st, int64_t keep_id)
{
    st->nview = 0;
    if (st->view) {
        for (size_t i = 0; i < st->n; i++)
            if (row_shown(st, (int)i))
                st->view[st->nview++] = (int)i;
        sort_state = st;
        qsort(st->view, (size_t)st->nview, sizeof *st->view, compare_rows);
    }
    int row = st->lv.cursor;
    for (int i = 0; keep_id && i < st->nview; i++)
        if (st->rows[st->view[i]].id == keep_id) {
            row = i;
            break;
        }
    listview_set_rows(&st->lv, st->nview);
    listview_select(&st->lv, row);
}

/* ---- the list: cells, detail, drawing ------------------------------------------------------- */

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct panel *st = ctx;
    int i = st->view[row];
    const struct panel_case_row *r = &st->rows[i];
    const struct row_flag *f = &st->flags[i];
    char d[16];
    buf[0] = '\0';
    switch (col) {
    case COL_PUPIL: snprintf(buf, len, "%s", r->pupil_name); break;
    case COL_REASON: snprintf(buf, len, "%s", label_brief(LABELS_CASE_REASON, r->reason)); break;
    case COL_REFERRED: snprintf(buf, len, "%s", date_format(r->referral_date, d)); break;
    case COL_PANEL:
        if (r->panel_date == DATE_NONE) {
            snprintf(buf, len, "not set");
            *attr = ATTR_DIM;
        } else {
            snprintf(buf, len, "%s", date_format(r->panel_date, d));
        }
        break;
    case COL_STATUS:
        snprintf(buf, len, "%s", label_brief(LABELS_CASE_STATUS, r->status));
        if (strcmp(r->status, "open") != 0)
            *attr = ATTR_DIM;
        break;
    case COL_QUOTES:
        snprintf(buf, len, "%d", r->quotes);
        if (f->level != FLAG_NONE)
            *attr = flag_attr(f->level);
        else if (!r->quotes)
            *attr = ATTR_DIM;
        break;
    case COL_ANNUAL:
        if (r->has_chosen) {
            pounds(r->chosen_annual, buf, len);
        } else {
            snprintf(buf, len, "–");
            *attr = ATTR_DIM;
        }
        break;
    case COL_FLAG:
        snprintf(buf, len, "%s", f->level != FLAG_NONE ? flag_marker(f->level) : "");
        *attr = flag_attr(f->level);
        break;
    default: break;
    }
}

static void make_list_detail(struct panel *st)
{
    st->detail[0] = '\0';
    const struct panel_case_row *r = current_row(st);
    if (!r)
        return;
    const struct row_flag *f = &st->flags[st->view[st->lv.cursor]];
    if (f->reason) {
        snprintf(st->detail, sizeof st->detail, "%s %s", flag_marker(f->level), f->reason);
        return;
    }
    char money[MONEY_LEN];
    if (r->has_chosen)
        snprintf(st->detail, sizeof st->detail, "%s: %d quotation%s; recommended %s, %s a year with transport",
                 r->pupil_name, r->quotes, r->quotes == 1 ? "" : "s", r->chosen_provider,
                 money_format(r->chosen_annual, money, sizeof money));
    else if (r->quotes)
        snprintf(st->detail, sizeof st->detail, "%s: %d quotation%s, none chosen yet (Enter opens the case)",
                 r->pupil_name, r->quotes, r->quotes == 1 ? "" : "s");
    else
        snprintf(st->detail, sizeof st->detail, "%s: no quotations yet (Enter opens the case, a/Q adds one)",
                 r->pupil_name);
}

static void summary_text(const struct panel *st, char *buf, size_t len)
{
    int used;
    if (st->nview == (int)st->n)
        used = snprintf(buf, len, "%zu panel case%s", st->n, st->n == 1 ? "" : "s");
    else
        used = snprintf(buf, len, "%d of %zu panel cases", st->nview, st->n);
    if (used < 0 || (size_t)used >= len)
        return;
    if (st->search[0])
        used += snprintf(buf + used, len - (size_t)used, " │ search \"%s\"", st->search);
    if ((size_t)used < len && filtered(st)) {
        const char *sep = " │ filter: ";
        char d[11];
        if (st->f_date) {
            if (st->f_date == FD_NONE)
                used += snprintf(buf + used, len - (size_t)used, "%sno panel date", sep);
            else
                used += snprintf(buf + used, len - (size_t)used, "%spanel %s", sep, date_format(st->filter_date, d));
            sep = ", ";
        }
        if ((size_t)used < len && st->f_status) {
            used += snprintf(buf + used, len - (size_t)used, "%s%s", sep,
                             st->f_status == FS_DECIDED ? "decided" : LABELS_CASE_STATUS[st->f_status - 1].text);
            sep = ", ";
        }
        if ((size_t)used < len && st->f_flags)
            used += snprintf(buf + used, len - (size_t)used, "%s%s", sep,
                             st->f_flags == FF_WARNING ? "short of quotations" : "no warning");
    }
    if ((size_t)used < len)
        used += snprintf(buf + used, len - (size_t)used, " │ by %s %s", column_words[st->sort_col],
                         st->sort_desc ? "▼" : "▲");
    if ((size_t)used < len && !st->flags_known)
        snprintf(buf + used, len - (size_t)used, " │ counting the flags…");
}

static void draw_detail_line(struct panel *st, WINDOW *w)
{
    int y = getmaxy(w) - 1;
    if (st->notice[0]) {
        fit_line(w, y, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
        return;
    }
    const struct panel_case_row *r = current_row(st);
    if (!r) {
        wmove(w, y, 0);
        wclrtoeol(w);
        return;
    }
    const struct row_flag *f = &st->flags[st->view[st->lv.cursor]];
    make_list_detail(st);
    fit_line(w, y, 1, st->detail, attr_of(f->reason ? flag_attr(f->level) : ATTR_DIM));
}

static void draw_list_at(struct panel *st, WINDOW *w, int y)
{
    int height = getmaxy(w);
    st->lv.sort_column = st->sort_col;
    st->lv.sort_desc = st->sort_desc;
    if (st->sort_col == COL_FLAG || st->sort_col == COL_QUOTES)
        st->lv.sort_column = -1; /* no room for the arrow: the summary line says */
    if (!st->loaded) {
        fit_line(w, y + 1, 1, st->load_error[0] ? st->load_error : "Reading the panel cases…", attr_of(ATTR_ERROR));
        return;
    }
    listview_draw(&st->lv, w, y, height - y - 1);
    if (st->nview == 0) {
        const char *why = st->n == 0                         ? "No panel cases yet: press a to add one."
                          : st->search[0] && filtered(st)    ? "No case matches: Esc clears the search, F the filter."
                          : st->search[0]                    ? "No case matches the search: Esc clears it."
                                                             : "No case matches the filter: F clears it.";
        fit_line(w, y + 2, 2, why, attr_of(ATTR_DIM));
    }
    draw_detail_line(st, w);
}

static void draw_list(struct panel *st, WINDOW *w)
{
    char summary[700];
    summary_text(st, summary, sizeof summary);
    if (st->load_error[0] && st->loaded)
        fit_line(w, 0, 1, st->load_error, attr_of(ATTR_ERROR));
    else
        fit_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- the case view: loading ------------------------------------------------------------------ */

static void free_case(struct panel *st)
{
    free(st->quotes);
    st->quotes = NULL;
    st->nquotes = 0;
}

/* The case's quotations warning: from the shell's latest pass, or before
 * its first, a pass over this case alone. Only open cases are flagged. */
struct warn_ctx {
    struct panel *st;
};

static void take_warning(void *ctx, const struct flag_row *f)
{
    struct panel *st = ((struct warn_ctx *)ctx)->st;
    if (!case_flag(f) || f->case_id != st->case_id || f->level <= st->warn_level)
        return;
    st->warn_level = f->level;
    snprintf(st->warn, sizeof st->warn, "%s", f->reason);
}

static void apply_case_flags(struct panel *st)
{
    st->warn_level = FLAG_NONE;
    st->warn[0] = '\0';
    struct warn_ctx c = {st};
    const struct flag_row *rows;
    size_t n;
    if (ui_flags(st->ui, &rows, &n)) {
        for (size_t i = 0; i < n; i++)
            take_warning(&c, &rows[i]);
    } else if (flags_for_case(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), st->case_id, take_warning,
                              &c, NULL) != AP_OK) {
        say(st, true, "Could not work out the flags: %s", ap_error_detail());
    }
}

/* Reads the case of the view afresh; false (with a message) when it cannot
 * be read, e.g. someone else deleted it. Keeps the cursor on its quotation. */
static bool load_case(struct panel *st)
{
    struct store *s = ui_store(st->ui);
    int64_t keep = st->nquotes && st->qcursor < (int)st->nquotes ? st->quotes[st->qcursor].q.id : 0;
    free_case(st);
    if (!st->rec && !(st->rec = malloc(sizeof *st->rec))) {
        say(st, true, "Out of memory");
        return false;
    }
    ap_status rc = panel_case_get(s, st->case_id, st->rec);
    if (rc != AP_OK) {
        say(st, true, "%s", rc == AP_ERR_NOT_FOUND ? "That panel case is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    if (panel_quote_list(s, st->case_id, &st->quotes, &st->nquotes) != AP_OK)
        say(st, true, "%s", ap_error_detail());
    st->pupil_name[0] = '\0';
    int i = row_of_id(st, st->case_id);
    if (i >= 0) {
        const struct panel_case_row *r = &st->rows[i];
        char year[24];
        rules_year_group_name(rules_year_group(r->dob, ui_today(st->ui)), year, sizeof year);
        snprintf(st->pupil_name, sizeof st->pupil_name, "%s", r->pupil_name);
        snprintf(st->pupil_line, sizeof st->pupil_line, "%s (%s) · UPN %s · panel case %lld", r->pupil_name, year,
                 r->upn, (long long)st->case_id);
    } else {
        pupil_views_name(st->ui, st->rec->pupil_id, st->pupil_name, sizeof st->pupil_name);
        snprintf(st->pupil_line, sizeof st->pupil_line, "%s · panel case %lld", st->pupil_name,
                 (long long)st->case_id);
    }
    apply_case_flags(st);
    st->qcursor = 0;
    for (size_t k = 0; k < st->nquotes; k++)
        if (st->quotes[k].q.id == keep)
            st->qcursor = (int)k;
    return true;
}

/* ---- the case view: its document --------------------------------------------------------------- */

static void doc_clear(struct panel *st)
{
    for (int i = 0; i < st->ndoc; i++)
        free(st->doc[i].text);
    st->ndoc = 0;
}

static void doc_add(struct panel *st, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                    size_t len, int indent, int quote)
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
    st->doc[st->ndoc++] = (struct doc_line){kind, attr, label, copy, indent, quote};
}

struct doc_wrap_ctx {
    struct panel *st;
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

static void doc_wrap(struct panel *st, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                     int indent, int cont, int cols)
{
    struct doc_wrap_ctx c = {st, kind, attr, label, indent, cont};
    textedit_wrap(text, cols, doc_wrap_line, &c);
}

static int doc_width(const struct panel *st)
{
    return st->win ? getmaxx(st->win) : 80;
}

static void doc_text(struct panel *st, enum attr_meaning attr, const char *text, int indent)
{
    doc_wrap(st, DOC_TEXT, attr, NULL, text, indent, indent, doc_width(st) - indent - 1);
}

static void doc_blank(struct panel *st)
{
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
}

/* A labelled field; empty shows as "–" or as the hint given. */
static void doc_field(struct panel *st, const char *label, const char *value, const char *empty)
{
    bool none = !value || !*value;
    doc_wrap(st, DOC_FIELD, none ? ATTR_DIM : ATTR_NORMAL, label, none ? (empty ? empty : "–") : value,
             FIELD_LABEL_COLS, FIELD_LABEL_COLS, doc_width(st) - FIELD_LABEL_COLS - 1);
}

/* The recommended option as the pack picks it: the chosen quotation, else
 * the lowest annual cost (the earliest of equals); -1 when no quotations. */
static int recommended(const struct panel *st, bool *chosen)
{
    int pick = -1;
    *chosen = false;
    for (size_t i = 0; i < st->nquotes; i++)
        if (st->quotes[i].q.chosen) {
            *chosen = true;
            return (int)i;
        }
    for (size_t i = 0; i < st->nquotes; i++)
        if (pick < 0 || st->quotes[i].cost.total < st->quotes[pick].cost.total)
            pick = (int)i;
    return pick;
}

static bool takes_quotes(const struct panel_case *c)
{
    return strcmp(c->status, "open") == 0 || strcmp(c->status, "deferred") == 0;
}

static void build_doc(struct panel *st)
{
    doc_clear(st);
    st->qline0 = -1;
    const struct panel_case *c = st->rec;
    const struct thresholds *th = &ui_config(st->ui)->th;
    char buf[3 * PANEL_TEXT_MAX], d1[11], d2[11], money[MONEY_LEN], limit[MONEY_LEN];

    doc_text(st, ATTR_HEADER, st->pupil_line, 1);
    snprintf(buf, sizeof buf, "%s · referred %s · %s%s · %s", label_text(LABELS_CASE_REASON, c->reason),
             date_format(c->referral_date, d1), c->panel_date == DATE_NONE ? "no panel date yet" : "panel ",
             c->panel_date == DATE_NONE ? "" : date_format(c->panel_date, d2), label_text(LABELS_CASE_STATUS, c->status));
    doc_text(st, strcmp(c->status, "open") == 0 ? ATTR_DIM : ATTR_HEADER, buf, 1);
    if (st->warn_level != FLAG_NONE) {
        snprintf(buf, sizeof buf, "%s %s", flag_marker(st->warn_level), st->warn);
        doc_wrap(st, DOC_TEXT, flag_attr(st->warn_level), NULL, buf, 1, 3, doc_width(st) - 4);
    }
    doc_blank(st);
    doc_field(st, "Triage recommendation", c->triage_recommendation, "– (E edits the case)");
    doc_field(st, "Decision", c->decision,
              strcmp(c->status, "open") == 0 ? "– not yet decided (D records the panel's decision)" : NULL);

    /* The option analysis */
    doc_blank(st);
    money_format_short(th->quote_threshold, limit, sizeof limit);
    snprintf(buf, sizeof buf, "Option analysis: %zu quotation%s (%d needed for a placement under %s)", st->nquotes,
             st->nquotes == 1 ? "" : "s", th->quotes_required, limit);
    doc_text(st, ATTR_HEADER, buf, 1);
    bool chosen = false;
    int rec = recommended(st, &chosen);
    if (st->nquotes) {
        doc_add(st, DOC_QHEAD, ATTR_HEADER, NULL, "", 0, 0, -1);
        st->qline0 = st->ndoc;
        for (size_t i = 0; i < st->nquotes; i++)
            doc_add(st, DOC_QUOTE, ATTR_NORMAL, NULL, "", 0, 0, (int)i);
        const struct panel_quote_row *r = &st->quotes[rec];
        if (chosen)
            snprintf(buf, sizeof buf, "* recommended: %s, %s a year (c on another changes it)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        else
            snprintf(buf, sizeof buf,
                     "None chosen yet: c marks the quotation under the cursor as recommended (until then the pack "
                     "takes the lowest, %s at %s)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        doc_text(st, chosen ? ATTR_FLAG_GREEN : ATTR_DIM, buf, 1);
        doc_text(st, ATTR_DIM, "Sess/wk: half days · £/week: tuition · A year: 39 weeks, transport included", 1);
    } else {
        snprintf(buf, sizeof buf, "No quotations yet: %s", takes_quotes(c) ? "a adds one" : "none were recorded");
        doc_text(st, ATTR_DIM, buf, 3);
    }
    if (!takes_quotes(c))
        doc_text(st, ATTR_DIM, "The case is decided: its quotations are the record (D → Open reopens it).", 1);

    /* The dates and who changed it */
    doc_blank(st);
    int deadline = panel_referral_deadline(c->panel_date);
    if (deadline != DATE_NONE) {
        int late = c->referral_date - deadline;
        snprintf(buf, sizeof buf, "Thursday %s, the week before the panel (%s)", date_format(deadline, d1),
                 late > 0 ? "this referral came after it" : "referred in time");
        doc_field(st, "Referral deadline", buf, NULL);
    }
    if (c->updated_at[0]) {
        snprintf(buf, sizeof buf, "%.16s%s%s", c->updated_at, c->updated_by[0] ? " by " : "", c->updated_by);
        doc_field(st, "Last changed", buf, NULL);
    }
}

/* The quotation table's columns for the window's width. */
struct quote_cols {
    int name_x, name_w, sess_x, session_x, week_x, transport_x, annual_x, mark_x;
};

static struct quote_cols quote_columns(int width)
{
    struct quote_cols c;
    /* marker, provider, Sess/wk 7, £/session 10, £/week 10, Transport 10, A year 11, mark 1 */
    int fixed = 1 + (7 + 1) + (10 + 1) + (10 + 1) + (10 + 1) + (11 + 1) + (1 + 1);
    c.name_x = 1;
    c.name_w = width - fixed - 1;
    if (c.name_w > 40)
        c.name_w = 40; /* on a wide terminal the figures stay near their names */
    if (c.name_w < 12)
        c.name_w = 12;
    c.sess_x = c.name_x + c.name_w + 1;
    c.session_x = c.sess_x + 8;
    c.week_x = c.session_x + 11;
    c.transport_x = c.week_x + 11;
    c.annual_x = c.transport_x + 11;
    c.mark_x = c.annual_x + 12;
    return c;
}

static void draw_doc_line(struct panel *st, WINDOW *w, int i)
{
    int y = i - st->top;
    if (y < 0 || y >= st->height)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    if (i >= st->ndoc)
        return;
    const struct doc_line *d = &st->doc[i];
    int width = getmaxx(w);
    switch (d->kind) {
    case DOC_TEXT: put_cell(w, y, d->indent, width - d->indent, d->text, attr_of(d->attr), false); break;
    case DOC_FIELD:
        if (d->label)
            put_cell(w, y, 3, FIELD_LABEL_COLS - 4, d->label, attr_of(ATTR_DIM), false);
        put_cell(w, y, FIELD_LABEL_COLS, width - FIELD_LABEL_COLS, d->text, attr_of(d->attr), false);
        break;
    case DOC_QHEAD: {
        struct quote_cols c = quote_columns(width);
        attr_t a = attr_of(ATTR_HEADER);
        put_cell(w, y, c.name_x, c.name_w, "Provider", a, false);
        put_cell(w, y, c.sess_x, 7, "Sess/wk", a, true);
        put_cell(w, y, c.session_x, 10, "£/session", a, true);
        put_cell(w, y, c.week_x, 10, "£/week", a, true);
        put_cell(w, y, c.transport_x, 10, "Transport", a, true);
        put_cell(w, y, c.annual_x, 11, "A year", a, true);
        break;
    }
    case DOC_QUOTE: {
        const struct panel_quote_row *r = &st->quotes[d->quote];
        struct quote_cols c = quote_columns(width);
        bool selected = d->quote == st->qcursor && st->mode == MODE_CASE;
        if (selected) {
            wattron(w, attr_of(ATTR_SELECTED));
            mvwaddstr(w, y, 0, "▶");
            wattroff(w, attr_of(ATTR_SELECTED));
        }
        char name[200], m[MONEY_LEN];
        snprintf(name, sizeof name, "%s%s", r->provider,
                 strcmp(r->provider_status, "suspended") == 0 ? " (suspended)" : "");
        put_cell(w, y, c.name_x, c.name_w, name, attr_of(selected ? ATTR_SELECTED : ATTR_NORMAL), false);
        char sess[16];
        snprintf(sess, sizeof sess, "%d", r->q.sessions_per_week);
        put_cell(w, y, c.sess_x, 7, sess, r->q.sessions_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        put_cell(w, y, c.session_x, 10, r->cost.has_per_session ? money_format(r->cost.per_session, m, sizeof m) : "–",
                 r->cost.has_per_session ? A_NORMAL : attr_of(ATTR_DIM), true);
        put_cell(w, y, c.week_x, 10, money_format(r->cost.per_week, m, sizeof m), A_NORMAL, true);
        put_cell(w, y, c.transport_x, 10,
                 r->q.transport_per_week ? money_format(r->q.transport_per_week, m, sizeof m) : "none",
                 r->q.transport_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        put_cell(w, y, c.annual_x, 11, money_format(r->cost.total, m, sizeof m),
                 attr_of(r->q.chosen ? ATTR_FLAG_GREEN : ATTR_NORMAL), true);
        put_cell(w, y, c.mark_x, 1, r->q.chosen ? "*" : "", attr_of(ATTR_FLAG_GREEN), false);
        break;
    }
    }
}

/* The quotation under the cursor in words, for the status line. */
static void make_case_detail(struct panel *st)
{
    st->detail[0] = '\0';
    if (!st->nquotes || st->qcursor >= (int)st->nquotes)
        return;
    const struct panel_quote_row *r = &st->quotes[st->qcursor];
    char rate[MONEY_LEN], tu[MONEY_LEN], tr[MONEY_LEN], h[16];
    hours_text(r->q.hours_per_week, h, sizeof h);
    int n = snprintf(st->detail, sizeof st->detail, "%s: %s per %s, %d session%s (%s h) a week; %s tuition + %s transport",
                     r->provider, money_format(r->q.rate, rate, sizeof rate), basis_word(r->q.cost_basis),
                     r->q.sessions_per_week, r->q.sessions_per_week == 1 ? "" : "s", h,
                     money_format(r->cost.tuition, tu, sizeof tu), money_format(r->cost.transport, tr, sizeof tr));
    if (n > 0 && (size_t)n < sizeof st->detail && r->q.notes[0])
        snprintf(st->detail + n, sizeof st->detail - (size_t)n, " · %.300s", r->q.notes);
}

static void keep_cursor_visible(struct panel *st)
{
    if (st->qline0 < 0)
        return;
    int line = st->qline0 + st->qcursor;
    if (line < st->top)
        st->top = line;
    if (line >= st->top + st->height)
        st->top = line - st->height + 1;
}

static void clamp_top(struct panel *st)
{
    int max_top = st->ndoc - st->height;
    if (st->top > max_top)
        st->top = max_top;
    if (st->top < 0)
        st->top = 0;
}

static void draw_case(struct panel *st, WINDOW *w)
{
    st->win = w;
    build_doc(st);
    if (st->qcursor >= (int)st->nquotes)
        st->qcursor = st->nquotes ? (int)st->nquotes - 1 : 0;
    int body = getmaxy(w);
    /* The last line: a notice, "more", or the quotation under the cursor. */
    st->height = body - 1 > 0 ? body - 1 : 1;
    clamp_top(st);
    for (int y = 0; y < st->height; y++)
        draw_doc_line(st, w, st->top + y);
    if (st->notice[0]) {
        fit_line(w, body - 1, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
    } else if (st->ndoc > st->height) {
        char where[120];
        bool below = st->top + st->height < st->ndoc;
        snprintf(where, sizeof where, "%s (lines %d–%d of %d)",
                 below ? "↓ more below: PgDn, G for the end" : "↑ more above: PgUp, g for the top", st->top + 1,
                 st->top + st->height, st->ndoc);
        fit_line(w, body - 1, 1, where, attr_of(ATTR_DIM));
    } else {
        make_case_detail(st);
        fit_line(w, body - 1, 1, st->detail, attr_of(ATTR_DIM));
    }
}

/* ---- notices and confirmations ------------------------------------------------------------ */

#define NOTICE_LINES 3 /* a notice under a list or a case */
#define LINES_MAX 8     /* an export's result */

struct lines {
    char text[LINES_MAX][NOTICE_LEN];
    int n;
};

static void keep_line(void *ctx, const char *line, size_t len, bool first)
{
    (void)first;
    struct lines *c = ctx;
    if (c->n < LINES_MAX)
        snprintf(c->text[c->n++], NOTICE_LEN, "%.*s", (int)len, line);
}

/* The notice across the pane's last lines (up to three), wrapped. */
static void draw_notice(struct panel *st, WINDOW *w)
{
    if (!st->notice[0])
        return;
    struct lines c = {.n = 0};
    textedit_wrap(st->notice, getmaxx(w) - 2, keep_line, &c);
    if (c.n > NOTICE_LINES)
        c.n = NOTICE_LINES;
    int h = getmaxy(w);
    for (int i = 0; i < c.n; i++)
        fit_line(w, h - c.n + i, 1, c.text[i], attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
}

/* ui_confirm, with the question also across the pane's last lines. */
static bool confirm(struct panel *st, const char *why, const char *question)
{
    WINDOW *w = ui_body(st->ui);
    struct lines c = {.n = 0};
    char text[NOTICE_LEN * 2];
    snprintf(text, sizeof text, "%s%s%s (y/n)", why ? why : "", why ? "\n" : "", question);
    textedit_wrap(text, getmaxx(w) - 2, keep_line, &c);
    int h = getmaxy(w);
    for (int i = 0; i < c.n; i++)
        fit_line(w, h - c.n + i, 1, c.text[i], attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(st->ui, question);
}

/* ---- picking a pupil or a provider by typing ------------------------------------------------ */

#define PICK_COLS 4

struct pick_row {
    int64_t id;
    char *cols[PICK_COLS];
    char *find;                     /* what typing searches: names, UPN */
    bool dim;
};

struct picker {
    const struct list_column *columns;
    struct pick_row *rows;
    size_t n, cap;
    int *view;
    int nview;
    struct listview lv;
    char search[SEARCH_MAX + 1];
};

static bool picker_add(struct picker *pk, int64_t id, const char *const cols[PICK_COLS], const char *find, bool dim)
{
    if (pk->n == pk->cap) {
        size_t cap = pk->cap ? pk->cap * 2 : 64;
        struct pick_row *grown = realloc(pk->rows, cap * sizeof *grown);
        if (!grown)
            return false;
        pk->rows = grown;
        pk->cap = cap;
    }
    struct pick_row *r = &pk->rows[pk->n];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->dim = dim;
    bool ok = (r->find = strdup(find)) != NULL;
    for (int c = 0; c < PICK_COLS; c++)
        ok = ok && (r->cols[c] = strdup(cols[c] ? cols[c] : "")) != NULL;
    pk->n++;
    return ok;
}

static void picker_free(struct picker *pk)
{
    for (size_t i = 0; i < pk->n; i++) {
        free(pk->rows[i].find);
        for (int c = 0; c < PICK_COLS; c++)
            free(pk->rows[i].cols[c]);
    }
    free(pk->rows);
    free(pk->view);
}

static void picker_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct picker *pk = ctx;
    const struct pick_row *r = &pk->rows[pk->view[row]];
    snprintf(buf, len, "%s", col < PICK_COLS ? r->cols[col] : "");
    if (r->dim || col == PICK_COLS - 1)
        *attr = ATTR_DIM;
}

static void picker_refilter(struct picker *pk)
{
    pk->nview = 0;
    for (size_t i = 0; i < pk->n; i++)
        if (!pk->search[0] || utf8_contains(pk->rows[i].find, pk->search))
            pk->view[pk->nview++] = (int)i;
    listview_set_rows(&pk->lv, pk->nview);
    listview_select(&pk->lv, 0);
}

struct picker_ctx {
    struct picker *pk;
    const char *noun;
};

static void picker_refilter_cb(void *ctx)
{
    picker_refilter(((struct picker_ctx *)ctx)->pk);
}

static void picker_count(void *ctx, char *buf, size_t len)
{
    struct picker_ctx *c = ctx;
    snprintf(buf, len, "  %d of %zu %s", c->pk->nview, c->pk->n, c->noun);
}

/* The row picked (its id), or 0 when cancelled (ui/picker.h). */
static int64_t picker_run(struct panel *st, struct picker *pk, const char *label, const char *noun,
                          const char *intro)
{
    pk->view = malloc((pk->n ? pk->n : 1) * sizeof *pk->view);
    if (!pk->view) {
        say(st, true, "Out of memory");
        return 0;
    }
    pk->lv = (struct listview){.columns = pk->columns, .ncolumns = PICK_COLS, .cell = picker_cell, .ctx = pk,
                               .sort_column = -1};
    struct picker_ctx c = {pk, noun};
    const struct picker_spec spec = {label, "Nothing matches: Backspace widens the search", &pk->lv, pk->search,
                                     sizeof pk->search, &c, picker_refilter_cb, picker_count};
    ui_message(st->ui, "%s", intro);
    bool picked = picker_view_run(st->ui, &spec);
    ui_message(st->ui, "%s", "");
    return picked && pk->nview > 0 ? pk->rows[pk->view[pk->lv.cursor]].id : 0;
}

static const struct list_column pupil_pick_columns[PICK_COLS] = {
    {"Pupil", 18, true, false}, {"Year", 9, false, false}, {"UPN", 13, false, false}, {"Cases", 18, false, false},
};

/* A pupil on roll, picked by name or UPN; 0 when cancelled. */
static int64_t pick_pupil(struct panel *st)
{
    struct roll *roll = NULL;
    if (roll_load(ui_store(st->ui), ui_today(st->ui), &roll) != AP_OK) {
        say(st, true, "Could not read the roll: %s", ap_error_detail());
        return 0;
    }
    struct picker pk = {.columns = pupil_pick_columns};
    bool ok = true;
    for (size_t i = 0; ok && i < roll->n; i++) {
        const struct roll_row *r = &roll->rows[i];
        if (!r->on_roll)
            continue;
        int open = 0, all = 0;
        for (size_t k = 0; k < st->n; k++)
            if (st->rows[k].pupil_id == r->id) {
                all++;
                open += strcmp(st->rows[k].status, "open") == 0;
            }
        char year[24], cases[64], find[600];
        rules_year_group_name(r->year_group, year, sizeof year);
        if (open)
            snprintf(cases, sizeof cases, "%d open case%s", open, open == 1 ? "" : "s");
        else if (all)
            snprintf(cases, sizeof cases, "%d case%s, decided", all, all == 1 ? "" : "s");
        else
            cases[0] = '\0';
        snprintf(find, sizeof find, "%s %s %s %s", r->display_name, r->legal_forename, r->legal_surname, r->upn);
        const char *cols[PICK_COLS] = {r->display_name, year, r->upn, cases};
        ok = picker_add(&pk, r->id, cols, find, false);
    }
    roll_free(roll);
    int64_t id = 0;
    if (!ok)
        say(st, true, "Out of memory");
    else
        id = picker_run(st, &pk, " New case for: ", "pupils on roll",
                        "A new panel case: type part of the pupil's name or UPN, ↑/↓ choose, Enter picks, Esc cancels");
    picker_free(&pk);
    return id;
}

static const struct list_column provider_pick_columns[PICK_COLS] = {
    {"Provider", 24, true, false}, {"Registration", 12, false, false}, {"Pupils", 6, false, true},
    {"", 14, false, false},
};

/* A provider, picked by name; 0 when cancelled. Those that already quoted
 * for the case say so. */
static int64_t pick_provider(struct panel *st)
{
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), &pl) != AP_OK) {
        say(st, true, "Could not read the providers: %s", ap_error_detail());
        return 0;
    }
    struct picker pk = {.columns = provider_pick_columns};
    bool ok = true;
    for (size_t i = 0; ok && i < pl->n; i++) {
        const struct provider_list_row *r = &pl->rows[i];
        bool quoted = false;
        for (size_t k = 0; k < st->nquotes; k++)
            quoted = quoted || st->quotes[k].q.provider_id == r->id;
        bool suspended = strcmp(r->status, "suspended") == 0;
        char pupils[16];
        snprintf(pupils, sizeof pupils, "%d", r->pupils_now);
        const char *cols[PICK_COLS] = {r->name, label_brief(LABELS_REGISTRATION, r->registration), pupils,
                                       quoted ? "quoted already" : suspended ? "suspended" : ""};
        ok = picker_add(&pk, r->id, cols, r->name, suspended);
    }
    provider_list_free(pl);
    int64_t id = 0;
    if (!ok)
        say(st, true, "Out of memory");
    else
        id = picker_run(st, &pk, " Quotation from: ", "providers",
                        "A new quotation: type part of the provider's name, ↑/↓ choose, Enter picks, Esc cancels");
    picker_free(&pk);
    return id;
}

/* ---- the forms: a case, a quotation, the decision ------------------------------------------------- */

#define CHOICES_MAX 12

static void fill_choices(struct field_choice *out, const struct label *table)
{
    size_t n = 0;
    for (; table[n].code && n < CHOICES_MAX - 1; n++)
        out[n] = (struct field_choice){table[n].code, table[n].text};
    out[n] = (struct field_choice){NULL, NULL};
}

struct case_form {
    struct panel *st;
    struct panel_case *c;
    char pupil[400];
};

enum { CF_PUPIL, CF_REASON, CF_REFERRAL, CF_PANEL, CF_DEADLINE, CF_TRIAGE, CF_COUNT };

static void case_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct case_form *cf = ctx;
    if (field == CF_PUPIL) {
        snprintf(buf, len, "%s", cf->pupil);
        return;
    }
    int deadline = panel_referral_deadline(cf->c->panel_date);
    if (deadline == DATE_NONE) {
        snprintf(buf, len, "– (the Thursday of the week before the panel)");
        return;
    }
    char d[11];
    bool late = cf->c->referral_date != DATE_NONE && cf->c->referral_date > deadline;
    snprintf(buf, len, "Thursday %s%s", date_format(deadline, d), late ? ": referred after it" : "");
}

static ap_status case_form_check(void *ctx)
{
    struct case_form *cf = ctx;
    return panel_case_validate(cf->c, ui_today(cf->st->ui));
}

static ap_status case_form_save(void *ctx)
{
    struct case_form *cf = ctx;
    struct store *s = ui_store(cf->st->ui);
    int today = ui_today(cf->st->ui);
    return cf->c->id ? panel_case_update(s, cf->c, today) : panel_case_insert(s, cf->c, today);
}

static ap_status case_form_reload(void *ctx)
{
    struct case_form *cf = ctx;
    return panel_case_get(ui_store(cf->st->ui), cf->c->id, cf->c);
}

static ap_status case_form_take_version(void *ctx)
{
    struct case_form *cf = ctx;
    struct panel_case *now = malloc(sizeof *now);
    if (!now)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    ap_status st = panel_case_get(ui_store(cf->st->ui), cf->c->id, now);
    if (st == AP_OK)
        cf->c->version = now->version;
    free(now);
    return st;
}

/* Edits *c (c->id 0: a new case) until saved (true) or closed. */
static bool case_form_run(struct panel *st, struct panel_case *c)
{
    static struct field_choice reasons[CHOICES_MAX];
    fill_choices(reasons, LABELS_CASE_REASON);
    struct case_form cf = {st, c, ""};
    pupil_views_name(st->ui, c->pupil_id, cf.pupil, sizeof cf.pupil);
    struct form_field fields[CF_COUNT] = {
        [CF_PUPIL] = {"Pupil", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [CF_REASON] = {"Reason", FIELD_CHOICE, c->reason, sizeof c->reason, reasons, true, 0, 0,
                       "Why the case was raised"},
        [CF_REFERRAL] = {"Referral date", FIELD_DATE, &c->referral_date, 0, NULL, true, 0, 0,
                         "When the Pupil Referral Team received it (YYYY-MM-DD, today, -3d)"},
        [CF_PANEL] = {"Panel date", FIELD_DATE, &c->panel_date, 0, NULL, false, 0, 0,
                      "The fortnightly panel that will hear it; empty until it is listed"},
        [CF_DEADLINE] = {"Referral deadline", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [CF_TRIAGE] = {"Triage recommendation", FIELD_LONGTEXT, c->triage_recommendation,
                       sizeof c->triage_recommendation, NULL, false, 0, 0, "What triage recommends to the panel"},
    };
    char title[500];
    if (c->id)
        snprintf(title, sizeof title, "Panel case %lld: %s", (long long)c->id, cf.pupil);
    else
        snprintf(title, sizeof title, "New panel case for %s", cf.pupil);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = CF_COUNT,
        .ctx = &cf,
        .read_only = !store_can_write(ui_store(st->ui)),
        .validate = case_form_check,
        .save = case_form_save,
        .reload = c->id ? case_form_reload : NULL,
        .take_version = c->id ? case_form_take_version : NULL,
        .info = case_form_info,
    };
    return form_run(st->ui, &f);
}

/* -- a quotation -- */

struct quote_form {
    struct panel *st;
    struct panel_quote *q;
    struct pick provider;
};

enum { QF_PROVIDER, QF_BASIS, QF_RATE, QF_SESSIONS, QF_HOURS, QF_TRANSPORT, QF_YEAR, QF_NOTES, QF_COUNT };

static void quote_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct quote_form *qf = ctx;
    (void)field;
    struct panel_cost c;
    panel_quote_cost(qf->q, &c);
    char t[MONEY_LEN], tu[MONEY_LEN], tr[MONEY_LEN];
    snprintf(buf, len, "%s = tuition %s + transport %s", money_format(c.total, t, sizeof t),
             money_format(c.tuition, tu, sizeof tu), money_format(c.transport, tr, sizeof tr));
}

static void quote_form_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    struct quote_form *qf = ctx;
    (void)field;
    pick_draw(&qf->provider, w, y, x, cols, focused);
}

static int quote_form_key(void *ctx, int field, int ret, wint_t ch)
{
    struct quote_form *qf = ctx;
    return field == QF_PROVIDER ? pick_key(&qf->provider, ret, ch) : LINEEDIT_UNHANDLED;
}

static ap_status quote_form_check(void *ctx)
{
    struct quote_form *qf = ctx;
    return panel_quote_validate(qf->q);
}

static ap_status quote_form_save(void *ctx)
{
    struct quote_form *qf = ctx;
    struct store *s = ui_store(qf->st->ui);
    return qf->q->id ? panel_quote_update(s, qf->q) : panel_quote_insert(s, qf->q);
}

static ap_status quote_form_reload(void *ctx)
{
    struct quote_form *qf = ctx;
    return panel_quote_get(ui_store(qf->st->ui), qf->q->id, qf->q);
}

static ap_status quote_form_take_version(void *ctx)
{
    struct quote_form *qf = ctx;
    struct panel_quote now;
    ap_status st = panel_quote_get(ui_store(qf->st->ui), qf->q->id, &now);
    if (st == AP_OK)
        qf->q->version = now.version;
    return st;
}

/* Edits *q (q->id 0: a new one) until saved (true) or closed. */
static bool quote_form_run(struct panel *st, struct panel_quote *q)
{
    static struct field_choice bases[CHOICES_MAX];
    fill_choices(bases, LABELS_COST_BASIS);
    struct quote_form qf = {.st = st, .q = q};
    pick_init(&qf.provider, &q->provider_id);
    pick_add(&qf.provider, 0, "– type part of the provider's name –");
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), &pl) == AP_OK) {
        for (size_t i = 0; i < pl->n; i++) {
            char label[160];
            snprintf(label, sizeof label, "%s%s", pl->rows[i].name,
                     strcmp(pl->rows[i].status, "suspended") == 0 ? " (suspended)" : "");
            pick_add(&qf.provider, pl->rows[i].id, label);
        }
        provider_list_free(pl);
    } else {
        ui_error(st->ui, "The providers could not be read: %s", ap_error_detail());
    }
    struct form_field fields[QF_COUNT] = {
        [QF_PROVIDER] = {"Provider", FIELD_CUSTOM, NULL, 0, NULL, true, 0, 0,
                         "Type part of the name; ←/→ step through the providers"},
        [QF_BASIS] = {"Cost basis", FIELD_CHOICE, q->cost_basis, sizeof q->cost_basis, bases, true, 0, 0,
                      "What the price is per: session, day, week or year"},
        [QF_RATE] = {"Rate", FIELD_MONEY, &q->rate, 0, NULL, true, 0, 0, "The price quoted, in pounds, per the basis"},
        [QF_SESSIONS] = {"Sessions a week", FIELD_INT, &q->sessions_per_week, 0, NULL, false, 0, 10,
                         "Half-day sessions (AM, PM) a week, 0 to 10"},
        [QF_HOURS] = {"Hours a week", FIELD_HOURS, &q->hours_per_week, 0, NULL, false, 0, 60,
                      "Hours of education a week"},
        [QF_TRANSPORT] = {"Transport a week", FIELD_MONEY, &q->transport_per_week, 0, NULL, false, 0, 0,
                          "Transport in pounds a week; empty for none"},
        [QF_YEAR] = {"A year", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [QF_NOTES] = {"Notes", FIELD_LONGTEXT, q->notes, sizeof q->notes, NULL, false, 0, 0,
                      "Availability, travel, anything the panel should know"},
    };
    char title[400];
    if (q->id)
        snprintf(title, sizeof title, "Quotation for %s (panel case %lld)", st->pupil_name, (long long)q->case_id);
    else
        snprintf(title, sizeof title, "New quotation for %s (panel case %lld)", st->pupil_name, (long long)q->case_id);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = QF_COUNT,
        .ctx = &qf,
        .read_only = !store_can_write(ui_store(st->ui)),
        .validate = quote_form_check,
        .save = quote_form_save,
        .reload = q->id ? quote_form_reload : NULL,
        .take_version = q->id ? quote_form_take_version : NULL,
        .info = quote_form_info,
        .custom_draw = quote_form_draw,
        .custom_key = quote_form_key,
        .start_focus = q->provider_id ? QF_RATE : QF_PROVIDER,
    };
    bool saved = form_run(st->ui, &f);
    pick_free(&qf.provider);
    return saved;
}

/* -- the decision -- */

struct decision_form {
    struct panel *st;
    int64_t version;
    char status[12];
    int panel_date;
    char decision[PANEL_TEXT_MAX + 1];
    char option[400];
};

enum { DF_CASE, DF_OPTION, DF_STATUS, DF_PANEL, DF_DECISION, DF_COUNT };

static void decision_info(void *ctx, int field, char *buf, size_t len)
{
    struct decision_form *df = ctx;
    if (field == DF_CASE)
        snprintf(buf, len, "%s · %s", df->st->pupil_name, label_text(LABELS_CASE_REASON, df->st->rec->reason));
    else
        snprintf(buf, len, "%s", df->option);
}

static ap_status decision_save(void *ctx)
{
    struct decision_form *df = ctx;
    struct panel *st = df->st;
    return panel_case_decide(ui_store(st->ui), st->case_id, &df->version, df->status, df->decision, df->panel_date,
                             ui_today(st->ui));
}

static ap_status decision_reload(void *ctx)
{
    struct decision_form *df = ctx;
    struct panel_case *c = malloc(sizeof *c);
    if (!c)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    ap_status rc = panel_case_get(ui_store(df->st->ui), df->st->case_id, c);
    if (rc == AP_OK) {
        df->version = c->version;
        snprintf(df->status, sizeof df->status, "%s", c->status);
        snprintf(df->decision, sizeof df->decision, "%s", c->decision);
        df->panel_date = c->panel_date;
    }
    free(c);
    return rc;
}

static ap_status decision_take_version(void *ctx)
{
    struct decision_form *df = ctx;
    struct panel_case *c = malloc(sizeof *c);
    if (!c)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    ap_status rc = panel_case_get(ui_store(df->st->ui), df->st->case_id, c);
    if (rc == AP_OK)
        df->version = c->version;
    free(c);
    return rc;
}

/* The panel's decision on the case of the view (st->rec, loaded). */
static bool decision_form_run(struct panel *st)
{
    static const struct field_choice statuses[] = {
        {"agreed", "Agreed"}, {"declined", "Declined"}, {"deferred", "Deferred"},
        {"withdrawn", "Withdrawn"}, {"open", "Open (not decided)"}, {NULL, NULL},
    };
    struct decision_form *df = calloc(1, sizeof *df);
    if (!df) {
        say(st, true, "Out of memory");
        return false;
    }
    const struct panel_case *c = st->rec;
    df->st = st;
    df->version = c->version;
    snprintf(df->status, sizeof df->status, "%s", strcmp(c->status, "open") == 0 ? "agreed" : c->status);
    df->panel_date = c->panel_date != DATE_NONE ? c->panel_date : ui_today(st->ui);
    snprintf(df->decision, sizeof df->decision, "%s", c->decision);
    bool chosen = false;
    int rec = recommended(st, &chosen);
    char money[MONEY_LEN];
    if (rec >= 0)
        snprintf(df->option, sizeof df->option, "%s, %s a year%s", st->quotes[rec].provider,
                 money_format(st->quotes[rec].cost.total, money, sizeof money),
                 chosen ? " (chosen)" : " (the lowest: none chosen yet)");
    else
        snprintf(df->option, sizeof df->option, "no quotations recorded");
    struct form_field fields[DF_COUNT] = {
        [DF_CASE] = {"Case", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [DF_OPTION] = {"Recommended option", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [DF_STATUS] = {"Status", FIELD_CHOICE, df->status, sizeof df->status, statuses, true, 0, 0,
                       "What the panel decided; Open again undoes a decision recorded by mistake"},
        [DF_PANEL] = {"Panel date", FIELD_DATE, &df->panel_date, 0, NULL, false, 0, 0,
                      "The panel that decided"},
        [DF_DECISION] = {"Decision", FIELD_LONGTEXT, df->decision, sizeof df->decision, NULL, false, 0, 0,
                         "The decision in words: the provision agreed, why declined, what is needed"},
    };
    char title[300];
    snprintf(title, sizeof title, "The panel's decision: %s", st->pupil_name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = DF_COUNT,
        .ctx = df,
        .read_only = false,
        .save = decision_save,
        .reload = decision_reload,
        .take_version = decision_take_version,
        .info = decision_info,
        .start_focus = DF_STATUS,
    };
    bool saved = form_run(st->ui, &f);
    if (saved)
        say(st, false, "Recorded the decision for %s: %s", st->pupil_name, label_text(LABELS_CASE_STATUS, df->status));
    free(df);
    return saved;
}

/* ---- the workbooks -------------------------------------------------------------------------------- */

/* A small dialog of one-line fields in the line editor: Enter goes to the
 * next field and, on the last, writes the workbook; ^S or F2 writes at
 * once; Esc cancels. */
#define DLG_MAX 3

struct dialog {
    const char *title;
    const char *intro;
    int n;
    const char *label[DLG_MAX];
    const char *help[DLG_MAX];
    struct lineedit le[DLG_MAX];
    char error[DLG_MAX][300];
    int focus;
    /* Called when a field's text changed (the file name follows the dates). */
    void (*changed)(struct dialog *d, int field, void *ctx);
    void *ctx;
};

static void dialog_draw(struct panel *st, struct dialog *d)
{
    WINDOW *w = ui_body(st->ui);
    werase(w);
    fit_line(w, 0, 1, d->title, attr_of(ATTR_HEADER));
    struct lines intro = {.n = 0};
    textedit_wrap(d->intro, getmaxx(w) - 3, keep_line, &intro);
    for (int i = 0; i < intro.n; i++)
        fit_line(w, 1 + i, 1, intro.text[i], attr_of(ATTR_DIM));
    int y0 = 1 + intro.n, x = 16, cols = getmaxx(w) - x - 2;
    if (cols < 10)
        cols = 10;
    for (int i = 0; i < d->n; i++) {
        int y = y0 + 1 + 3 * i;
        put_cell(w, y, 2, x - 3, d->label[i], attr_of(i == d->focus ? ATTR_HEADER : ATTR_NORMAL), false);
        if (d->error[i][0]) {
            char line[400];
            snprintf(line, sizeof line, "! %s", d->error[i]);
            fit_line(w, y + 1, x, line, attr_of(ATTR_ERROR));
        } else {
            fit_line(w, y + 1, x, d->help[i], attr_of(ATTR_DIM));
        }
    }
    fit_line(w, getmaxy(w) - 1, 1, "Enter next field (on the last: write)  Tab/↑/↓ move  ^S write  Esc cancel",
             attr_of(ATTR_HINT));
    /* The focused field last, so that the terminal cursor stays in it. */
    for (int k = 0; k <= d->n; k++) {
        int i = k == d->n ? d->focus : k;
        if (k < d->n && i == d->focus)
            continue;
        int y = y0 + 1 + 3 * i;
        wattrset(w, attr_of(ATTR_FIELD));
        lineedit_set_width(&d->le[i], cols);
        lineedit_draw(w, y, x, cols, &d->le[i], i == d->focus);
        wattrset(w, A_NORMAL);
    }
    curs_set(1);
    wnoutrefresh(w);
    ui_show_status(st->ui);
}

static bool panel_takes_text(void *self)
{
    (void)self;
    return true;
}

/* The dialog as a view: Tab/↓ and S-Tab/↑ between fields, Enter on the last
 * field or ^S/F2 writes, Esc cancels. */
struct dialog_view {
    struct panel *st;
    struct dialog *d;
    bool go;
};

static void dialog_view_draw(void *self, WINDOW *w)
{
    (void)w;
    struct dialog_view *v = self;
    dialog_draw(v->st, v->d);
}

static enum view_key dialog_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct dialog_view *v = self;
    struct dialog *d = v->d;
    if (act) {
        switch (act->id) {
        case ACT_CANCEL:
            return VIEW_CLOSE;
        case ACT_SAVE:
            v->go = true;
            return VIEW_CLOSE;
        case ACT_KEEP_TEXT:
            if (d->focus == d->n - 1) {
                v->go = true;
                return VIEW_CLOSE;
            }
            d->focus++;
            return VIEW_DONE;
        case ACT_NEXT_FIELD:
            d->focus = (d->focus + 1) % d->n;
            return VIEW_DONE;
        case ACT_PREV_FIELD:
            d->focus = (d->focus + d->n - 1) % d->n;
            return VIEW_DONE;
        default:
            return VIEW_PASS;
        }
    }
    enum lineedit_result r = lineedit_key(&d->le[d->focus], ret, ch);
    if (r == LINEEDIT_CHANGED) {
        d->error[d->focus][0] = '\0';
        if (d->changed)
            d->changed(d, d->focus, d->ctx);
    } else if (r == LINEEDIT_REFUSED) {
        ui_error(v->st->ui, "%s: %s", d->label[d->focus], lineedit_reason(&d->le[d->focus]));
    }
    return VIEW_DONE;
}

static const enum action_id dialog_keys[] = {ACT_SAVE, ACT_CANCEL, ACT_KEEP_TEXT, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                             ACT_NONE};
static const struct view_ops dialog_view_ops_ = {
    .title = "the dialog",
    .keys = dialog_keys,
    .draw = dialog_view_draw,
    .key = dialog_view_key,
    .takes_text = panel_takes_text,
};

const struct view_ops *panel_dialog_view_ops(void) { return &dialog_view_ops_; }

/* True when the user asked to write (fields as typed in d->le), false when cancelled. */
static bool dialog_run(struct panel *st, struct dialog *d)
{
    struct dialog_view v = {.st = st, .d = d};
    ui_run_view(st->ui, &dialog_view_ops_, &v);
    curs_set(0);
    return v.go && !ui_quitting(st->ui);
}

static void dialog_free(struct dialog *d)
{
    for (int i = 0; i < d->n; i++)
        lineedit_free(&d->le[i]);
}

/* Reads a date field: empty is DATE_NONE when optional. False with the
 * field's error set. */
static bool dialog_date(struct dialog *d, int i, bool optional, int today, int *out)
{
    const char *text = lineedit_text(&d->le[i]);
    while (*text == ' ')
        text++;
    if (!*text && optional) {
        *out = DATE_NONE;
        return true;
    }
    if (!*text) {
        snprintf(d->error[i], sizeof d->error[i], "a date is needed: YYYY-MM-DD, today, -4w");
        return false;
    }
    if (!date_parse(text, today, out)) {
        snprintf(d->error[i], sizeof d->error[i], "\"%.40s\" is not a date: type YYYY-MM-DD, today, or -4w", text);
        return false;
    }
    return true;
}

static bool dialog_file(struct dialog *d, int i, char *out, size_t len)
{
    if (!expand_path(lineedit_text(&d->le[i]), out, len)) {
        snprintf(d->error[i], sizeof d->error[i], "the path is too long");
        return false;
    }
    if (!out[0]) {
        snprintf(d->error[i], sizeof d->error[i], "the file to write is needed, e.g. ~/panel-pack.xlsx");
        return false;
    }
    size_t n = strlen(out);
    if (n < 5 || strcmp(out + n - 5, ".xlsx") != 0) {
        snprintf(d->error[i], sizeof d->error[i], "the file's name must end in .xlsx (an Excel workbook)");
        return false;
    }
    return true;
}

/* -- progress -- */

/* The export's screen: what is written where, a bar, the step; once done,
 * the result in words and how to go back. */
static void draw_export(struct panel *st, WINDOW *w)
{
    int h = getmaxy(w), width = getmaxx(w);
    int y = h / 2 - 5 > 1 ? h / 2 - 5 : 1;
    fit_line(w, y, 2, st->export_title, attr_of(ATTR_HEADER));
    char line[PATH_MAX + 16];
    snprintf(line, sizeof line, "to %s", st->export_path);
    fit_line(w, y + 1, 2, line, attr_of(ATTR_DIM));
    int cols = width - 12 > 10 ? width - 12 : 10;
    int filled = cols * st->export_pct / 100;
    wmove(w, y + 3, 0);
    wclrtoeol(w);
    mvwaddstr(w, y + 3, 2, "[");
    wattron(w, attr_of(ATTR_SELECTED));
    for (int i = 0; i < filled; i++)
        waddstr(w, "█");
    wattroff(w, attr_of(ATTR_SELECTED));
    wattron(w, attr_of(ATTR_DIM));
    for (int i = filled; i < cols; i++)
        waddstr(w, "·");
    wattroff(w, attr_of(ATTR_DIM));
    wprintw(w, "] %3d%%", st->export_pct);
    fit_line(w, y + 4, 2, st->export_what, attr_of(ATTR_DIM));
    if (!st->export_done)
        return;
    struct lines c = {.n = 0};
    textedit_wrap(st->export_result, width - 4, keep_line, &c);
    for (int i = 0; i < c.n; i++)
        fit_line(w, y + 6 + i, 2, c.text[i], attr_of(st->export_failed ? ATTR_ERROR : ATTR_FLAG_GREEN));
    fit_line(w, y + 7 + c.n, 2, "Any key goes back", attr_of(ATTR_DIM));
}

struct progress {
    struct panel *st;
};

static void progress_draw(void *ctx, double fraction, const char *what)
{
    struct panel *st = ((struct progress *)ctx)->st;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    int pct = (int)(fraction * 100 + 0.5);
    if (pct == st->export_pct && strcmp(st->export_what, what ? what : "") == 0)
        return;
    st->export_pct = pct;
    snprintf(st->export_what, sizeof st->export_what, "%s", what ? what : "");
    WINDOW *w = ui_body(st->ui);
    draw_export(st, w);
    wnoutrefresh(w);
    doupdate(); /* inside the export: the user sees the bar move */
}

static void progress_start(struct progress *p, struct panel *st, const char *title, const char *path)
{
    p->st = st;
    st->export_on = true;
    st->export_done = st->export_failed = false;
    snprintf(st->export_title, sizeof st->export_title, "%s", title);
    snprintf(st->export_path, sizeof st->export_path, "%s", path);
    st->export_pct = -1;
    st->export_what[0] = st->export_result[0] = '\0';
    werase(ui_body(st->ui));
    ui_message(st->ui, "%s…", title);
    ui_show_status(st->ui);
    progress_draw(p, 0, "starting");
}

/* The export's outcome, on its screen and the status line. */
__attribute__((format(printf, 3, 4))) static void export_end(struct panel *st, bool failed, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->export_result, sizeof st->export_result, fmt, ap);
    va_end(ap);
    st->export_done = true;
    st->export_failed = failed;
    if (failed) {
        snprintf(st->export_what, sizeof st->export_what, "stopped");
        ui_error(st->ui, "%s", st->export_result);
    } else {
        st->export_pct = 100;
        snprintf(st->export_what, sizeof st->export_what, "done");
        ui_message(st->ui, "%s", st->export_result);
    }
}

/* A failed export: plain words, and that nothing was written. */
static void export_failed(struct panel *st, const char *what)
{
    const char *detail = ap_error_detail();
    export_end(st, true, "%s was not written: %s%s", what, detail,
               strstr(detail, "nothing was written") || strstr(detail, "left as it was") ? "" : "; nothing was written");
}

/* The panel date the pack is for, by default: the case's, the filter's,
 * else the next panel (today or later), else the latest; DATE_NONE when no
 * case has one (the pack then holds every open case). */
static int default_panel_date(const struct panel *st)
{
    if (st->mode == MODE_CASE && st->rec && st->rec->panel_date != DATE_NONE)
        return st->rec->panel_date;
    if (st->f_date >= FD_FIRST_DATE)
        return st->filter_date;
    int today = ui_today(st->ui), next = DATE_NONE;
    for (size_t i = 0; i < st->ndates; i++)
        if (st->dates[i] >= today && (next == DATE_NONE || st->dates[i] < next))
            next = st->dates[i];
    if (next == DATE_NONE && st->ndates)
        next = st->dates[0];
    return next;
}

struct name_follow {
    bool touched;                   /* the user typed in the file field */
    const char *stem;               /* "panel-pack", "dmt-report" */
    int date_field;                 /* the field whose date names the file */
};

static void default_file(char *out, size_t len, const char *stem, int date, int today)
{
    char d[11];
    snprintf(out, len, "~/%s-%s.xlsx", stem, date_format(date != DATE_NONE ? date : today, d));
}

static void follow_name(struct dialog *d, int field, void *ctx)
{
    struct name_follow *nf = ctx;
    if (field == 0) {
        nf->touched = true;
        return;
    }
    int date = DATE_NONE;
    const char *text = lineedit_text(&d->le[field]);
    while (*text == ' ')
        text++;
    if (nf->touched || field != nf->date_field || (*text && !date_parse(text, date_today(), &date)))
        return;
    char name[PATH_MAX];
    default_file(name, sizeof name, nf->stem, date, date_today());
    lineedit_set_text(&d->le[0], name);
}

static unsigned export_pack(struct panel *st)
{
    int today = ui_today(st->ui), panel_date = default_panel_date(st);
    char file[PATH_MAX], date_text[11] = "";
    default_file(file, sizeof file, "panel-pack", panel_date, today);
    if (st->pack_out[0] && !strstr(st->pack_out, "panel-pack-"))
        snprintf(file, sizeof file, "%s", st->pack_out); /* a name of the user's own is kept */
    date_format(panel_date, date_text);
    struct name_follow nf = {.touched = false, .stem = "panel-pack", .date_field = 1};
    struct dialog d = {
        .title = "Write the Inclusion Panel pack (.xlsx)",
        .intro = "The cases of one panel with the option analysis, each pupil's picture and the providers' QA; "
                 "printable, marked OFFICIAL-SENSITIVE.",
        .n = 2,
        .label = {"File", "Panel date"},
        .help = {"Where to write it: a path, ~/ for your home directory",
                 "The panel's date (YYYY-MM-DD, today, +2w); empty: every open case"},
        .changed = follow_name,
        .ctx = &nf,
    };
    if (lineedit_init(&d.le[0], file, PATH_MAX - 1) != AP_OK || lineedit_init(&d.le[1], date_text, 32) != AP_OK) {
        dialog_free(&d);
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    d.focus = 0;
    ui_message(st->ui, "The Inclusion Panel pack: Enter on the panel date writes it, Esc cancels");
    char out[PATH_MAX];
    bool go = false;
    while (dialog_run(st, &d)) {
        bool ok = dialog_file(&d, 0, out, sizeof out);
        if (!dialog_date(&d, 1, true, today, &panel_date))
            ok = false;
        if (ok) {
            go = true;
            break;
        }
        d.focus = d.error[0][0] ? 0 : 1;
        ui_error(st->ui, "Not written: put right the fields marked !");
    }
    if (go)
        snprintf(st->pack_out, sizeof st->pack_out, "%s", lineedit_text(&d.le[0]));
    dialog_free(&d);
    if (!go) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No pack written");
        return REDRAW_ALL;
    }
    struct progress p;
    char title[120], d1[11];
    if (panel_date != DATE_NONE)
        snprintf(title, sizeof title, "Writing the Inclusion Panel pack for the panel of %s", date_format(panel_date, d1));
    else
        snprintf(title, sizeof title, "Writing the Inclusion Panel pack: every open case");
    progress_start(&p, st, title, out);
    const struct apterm_config *cfg = ui_config(st->ui);
    struct export_panel_request req = {
        .out = out, .panel_date = panel_date, .today = today, .organisation = cfg->organisation,
        .th = &cfg->th, .progress = progress_draw, .progress_ctx = &p,
    };
    struct export_panel_result r;
    memset(&r, 0, sizeof r);
    if (export_panel(ui_store(st->ui), &req, &r) != AP_OK) {
        export_failed(st, "The pack");
        return REDRAW_ALL;
    }
    export_end(st, false, "Wrote the Inclusion Panel pack to %s: %zu case%s, %zu quotation%s, %zu short of quotations",
               out, r.cases, r.cases == 1 ? "" : "s", r.quotes, r.quotes == 1 ? "" : "s", r.short_of_quotes);
    return REDRAW_ALL;
}

static unsigned export_report(struct panel *st)
{
    int today = ui_today(st->ui);
    int from = st->dmt_from != DATE_NONE ? st->dmt_from : date_academic_year_start(today);
    int to = st->dmt_to != DATE_NONE ? st->dmt_to : today;
    char file[PATH_MAX], from_text[11], to_text[11];
    default_file(file, sizeof file, "dmt-report", to, today);
    if (st->dmt_out[0] && !strstr(st->dmt_out, "dmt-report-"))
        snprintf(file, sizeof file, "%s", st->dmt_out);
    date_format(from, from_text);
    date_format(to, to_text);
    struct name_follow nf = {.touched = false, .stem = "dmt-report", .date_field = 2};
    struct dialog d = {
        .title = "Write the DMT value-for-money report (.xlsx)",
        .intro = "Spend committed and actual per provider, pupil and cohort, cost per attended session and hour, "
                 "attendance, progress and QA, with charts, for the days from .. to.",
        .n = 3,
        .label = {"File", "From", "To"},
        .help = {"Where to write it: a path, ~/ for your home directory",
                 "The first day (YYYY-MM-DD, today, -12w)", "The last day, at most ten years after the first"},
        .changed = follow_name,
        .ctx = &nf,
    };
    if (lineedit_init(&d.le[0], file, PATH_MAX - 1) != AP_OK || lineedit_init(&d.le[1], from_text, 32) != AP_OK ||
        lineedit_init(&d.le[2], to_text, 32) != AP_OK) {
        dialog_free(&d);
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    ui_message(st->ui, "The DMT report: Enter on the last date writes it, Esc cancels");
    char out[PATH_MAX];
    bool go = false;
    while (dialog_run(st, &d)) {
        bool ok = dialog_file(&d, 0, out, sizeof out);
        if (!dialog_date(&d, 1, false, today, &from))
            ok = false;
        if (!dialog_date(&d, 2, false, today, &to))
            ok = false;
        if (ok && from > to) {
            snprintf(d.error[2], sizeof d.error[2], "the last day is before the first");
            ok = false;
        } else if (ok && to - from + 1 > REPORT_MAX_RANGE_DAYS) {
            snprintf(d.error[2], sizeof d.error[2], "at most ten years after the first day");
            ok = false;
        }
        if (ok) {
            go = true;
            break;
        }
        d.focus = d.error[0][0] ? 0 : d.error[1][0] ? 1 : 2;
        ui_error(st->ui, "Not written: put right the fields marked !");
    }
    if (go) {
        snprintf(st->dmt_out, sizeof st->dmt_out, "%s", lineedit_text(&d.le[0]));
        st->dmt_from = from;
        st->dmt_to = to;
    }
    dialog_free(&d);
    if (!go) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No report written");
        return REDRAW_ALL;
    }
    struct progress p;
    char title[160];
    snprintf(title, sizeof title, "Writing the DMT value-for-money report for %s to %s", date_format(from, from_text),
             date_format(to, to_text));
    progress_start(&p, st, title, out);
    const struct apterm_config *cfg = ui_config(st->ui);
    struct export_dmt_request req = {
        .out = out, .from = from, .to = to, .today = today, .organisation = cfg->organisation,
        .th = &cfg->th, .progress = progress_draw, .progress_ctx = &p,
    };
    struct export_dmt_result r;
    memset(&r, 0, sizeof r);
    if (export_dmt(ui_store(st->ui), &req, &r) != AP_OK) {
        export_failed(st, "The report");
        return REDRAW_ALL;
    }
    char c[MONEY_LEN], a[MONEY_LEN];
    export_end(st, false, "Wrote the DMT report to %s: %zu providers, %zu pupils, %zu weeks; committed %s, actual %s",
               out, r.providers, r.pupils, r.weeks, money_format(r.committed, c, sizeof c),
               money_format(r.actual, a, sizeof a));
    return REDRAW_ALL;
}

/* ---- actions ------------------------------------------------------------------------------------ */

static void enter_list(struct panel *st)
{
    st->mode = MODE_LIST;
    set_hints(MODE_LIST);
    refilter(st, st->case_id);
}

static bool open_case(struct panel *st, int64_t id)
{
    if (st->case_id != id) {
        free_case(st);
        st->top = 0;
        st->qcursor = 0;
    }
    st->case_id = id;
    if (!load_case(st)) {
        enter_list(st);
        return false;
    }
    st->mode = MODE_CASE;
    set_hints(MODE_CASE);
    return true;
}

/* After this session wrote: every pane reloads (ours keeping the cursor)
 * and the flags are counted again, so the warning follows at once. */
static void after_write(struct panel *st)
{
    ui_store_changed(st->ui);
}

static unsigned add_case(struct panel *st)
{
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    int64_t pupil = pick_pupil(st);
    if (!pupil || ui_quitting(st->ui)) {
        if (!st->notice[0] && !ui_quitting(st->ui))
            ui_message(st->ui, "No case added");
        return REDRAW_ALL;
    }
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    int today = ui_today(st->ui);
    panel_case_init(c, pupil, today);
    /* As a start, the first panel listed whose referral deadline (the
     * Thursday before) has not passed; past the deadline of the next one,
     * the one a fortnight after it. */
    int next = DATE_NONE, soonest = DATE_NONE;
    for (size_t i = 0; i < st->ndates; i++) {
        int d = st->dates[i];
        if (d >= today && (soonest == DATE_NONE || d < soonest))
            soonest = d;
        if (panel_referral_deadline(d) >= today && (next == DATE_NONE || d < next))
            next = d;
    }
    if (next == DATE_NONE && soonest != DATE_NONE)
        next = soonest + 14;
    c->panel_date = next;
    if (case_form_run(st, c)) {
        after_write(st);
        open_case(st, c->id);
        say(st, false, "Added the case: a adds its quotations");
    }
    free(c);
    return REDRAW_ALL;
}

static unsigned edit_case(struct panel *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    if (panel_case_get(ui_store(st->ui), id, c) != AP_OK) {
        say(st, true, "%s", ap_error_detail());
        free(c);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    if (case_form_run(st, c)) {
        say(st, false, "Saved the case");
        after_write(st);
    }
    free(c);
    return REDRAW_ALL;
}

static unsigned delete_case(struct panel *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    char name[204];
    int i = row_of_id(st, id);
    if (panel_case_get(ui_store(st->ui), id, c) != AP_OK) {
        say(st, true, "%s", ap_error_detail());
    } else {
        char question[400];
        snprintf(name, sizeof name, "%s", i >= 0 ? st->rows[i].pupil_name : "the pupil");
        int quotes = i >= 0 ? st->rows[i].quotes : 0;
        snprintf(question, sizeof question, "Delete the panel case of %s%s?", name,
                 quotes ? " and its quotations" : "");
        if (!confirm(st, NULL, question)) {
            say(st, false, "Nothing deleted");
        } else if (panel_case_delete(ui_store(st->ui), id, c->version) == AP_OK) {
            say(st, false, "Deleted the panel case of %s", name);
            if (st->mode != MODE_LIST) {
                st->mode = MODE_LIST;
                set_hints(MODE_LIST);
            }
            after_write(st);
        } else {
            say(st, true, "Not deleted: %s", ap_error_detail());
        }
    }
    free(c);
    return REDRAW_ALL;
}

/* D: the decision, from the list (the case under the cursor) or the case. */
static unsigned decide(struct panel *st)
{
    if (st->mode == MODE_LIST) {
        int64_t id = current_id(st);
        if (!id)
            return REDRAW_NONE;
        if (!open_case(st, id))
            return REDRAW_ALL;
    }
    if (!can_write(st))
        return REDRAW_ALL;
    if (decision_form_run(st))
        after_write(st);
    return REDRAW_ALL;
}

static unsigned add_quote(struct panel *st)
{
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    if (!takes_quotes(st->rec)) {
        say(st, true, "The case is %s: its quotations are the record of the decision (D → Open reopens it)",
            label_text(LABELS_CASE_STATUS, st->rec->status));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    int64_t provider = pick_provider(st);
    if (!provider || ui_quitting(st->ui)) {
        if (!st->notice[0] && !ui_quitting(st->ui))
            ui_message(st->ui, "No quotation added");
        return REDRAW_ALL;
    }
    struct panel_quote q;
    panel_quote_init(&q, st->case_id);
    q.provider_id = provider;
    /* The provider's usual price, as a start. */
    struct provider *p = malloc(sizeof *p);
    if (p && provider_get(ui_store(st->ui), provider, p) == AP_OK && p->cost_rate > 0) {
        snprintf(q.cost_basis, sizeof q.cost_basis, "%s", p->cost_basis);
        q.rate = p->cost_rate;
    }
    free(p);
    if (quote_form_run(st, &q)) {
        after_write(st);
        for (size_t i = 0; i < st->nquotes; i++)
            if (st->quotes[i].q.id == q.id)
                st->qcursor = (int)i;
        char money[MONEY_LEN];
        struct panel_cost cost;
        panel_quote_cost(&q, &cost);
        say(st, false, "Added the quotation: %s a year; c makes it the recommended option",
            money_format(cost.total, money, sizeof money));
    }
    return REDRAW_ALL;
}

static unsigned edit_quote(struct panel *st)
{
    if (!st->nquotes) {
        say(st, false, "No quotations yet: a adds one");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct panel_quote q;
    if (panel_quote_get(ui_store(st->ui), st->quotes[st->qcursor].q.id, &q) != AP_OK) {
        say(st, true, "%s", ap_error_detail());
        load_case(st);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    else if (!takes_quotes(st->rec))
        ui_message(st->ui, "The case is %s: saving will be refused (D → Open reopens it)",
                   label_text(LABELS_CASE_STATUS, st->rec->status));
    if (quote_form_run(st, &q)) {
        say(st, false, "Saved the quotation");
        after_write(st);
    }
    return REDRAW_ALL;
}

static unsigned delete_quote(struct panel *st)
{
    if (!st->nquotes)
        return REDRAW_NONE;
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    const struct panel_quote_row *r = &st->quotes[st->qcursor];
    char question[400], provider[sizeof r->provider];
    snprintf(provider, sizeof provider, "%s", r->provider);
    snprintf(question, sizeof question, "Delete the quotation from %s%s?", provider,
             r->q.chosen ? " (the recommended option)" : "");
    if (!confirm(st, NULL, question)) {
        say(st, false, "Nothing deleted");
    } else if (panel_quote_delete(ui_store(st->ui), r->q.id, r->q.version) == AP_OK) {
        say(st, false, "Deleted the quotation from %s", provider);
        after_write(st);
    } else {
        say(st, true, "Not deleted: %s", ap_error_detail());
        load_case(st);
    }
    return REDRAW_ALL;
}

static unsigned choose_quote(struct panel *st)
{
    if (!can_write(st))
        return REDRAW_STATUS | REDRAW_BODY;
    if (!st->nquotes) {
        say(st, false, "No quotations yet: a adds one");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct panel_quote_row *r = &st->quotes[st->qcursor];
    char provider[sizeof r->provider];
    snprintf(provider, sizeof provider, "%s", r->provider);
    int64_t version = r->q.version;
    bool was = r->q.chosen;
    ap_status rc = was ? panel_quote_unchoose(ui_store(st->ui), r->q.id, &version)
                       : panel_quote_choose(ui_store(st->ui), r->q.id, &version);
    if (rc != AP_OK) {
        say(st, true, "Not changed: %s", ap_error_detail());
        after_write(st); /* read what is there now */
        return REDRAW_ALL;
    }
    after_write(st);
    if (was)
        say(st, false, "%s is no longer the recommended option: none is chosen", provider);
    else
        say(st, false, "Recommended option: %s", provider);
    return REDRAW_ALL;
}

static unsigned show_pupil(struct panel *st, int64_t pupil_id)
{
    if (!pupil_id)
        return REDRAW_NONE;
    ui_show_pupil(st->ui, (long long)pupil_id);
    return REDRAW_ALL;
}

/* ---- search and filter ------------------------------------------------------------------------------ */

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

static unsigned run_search(struct panel *st)
{
    char before[sizeof st->search];
    snprintf(before, sizeof before, "%s", st->search);
    static const struct search_ops ops = {.draw = search_draw, .apply = search_apply, .current = search_current};
    if (!search_run(st->ui, st->search, sizeof st->search, "Search by pupil, UPN, reason or chosen provider: Enter keeps it, Esc clears it", &st->lv, &ops, st))
        return REDRAW_STATUS;
    if (st->search[0])
        ui_message(st->ui, "%d case%s match \"%s\": Esc clears the search", st->nview, st->nview == 1 ? "" : "s",
                   st->search);
    else
        ui_message(st->ui, "%s", before[0] ? "Search cleared" : "");
    return REDRAW_ALL;
}

static void clear_filter(struct panel *st)
{
    st->f_date = st->f_status = st->f_flags = 0;
}

static void filter_date_value(struct panel *st)
{
    if (st->f_date >= FD_FIRST_DATE && (size_t)(st->f_date - FD_FIRST_DATE) < st->ndates)
        st->filter_date = st->dates[st->f_date - FD_FIRST_DATE];
}

/* The filter panel (ui/filterview.h): panel date, status, warning. */
struct cfilter {
    struct panel *st;
    int saved[3], saved_date;
    int64_t keep;
};

static void cfilter_value(void *ctx, int item, char *buf, size_t len)
{
    static const char *const flag_words[] = {"any", "short of quotations (~)", "no warning"};
    struct panel *st = ((struct cfilter *)ctx)->st;
    char d[11];
    if (item == 0)
        snprintf(buf, len, "%s", st->f_date == FD_ANY    ? "any"
                                 : st->f_date == FD_NONE ? "not yet set"
                                                         : date_format(st->filter_date, d));
    else if (item == 1)
        snprintf(buf, len, "%s", st->f_status == 0            ? "any"
                                 : st->f_status == FS_DECIDED ? "decided (not open)"
                                                              : LABELS_CASE_STATUS[st->f_status - 1].text);
    else
        snprintf(buf, len, "%s", flag_words[st->f_flags]);
}

static void cfilter_step(void *ctx, int item, int step)
{
    struct cfilter *f = ctx;
    struct panel *st = f->st;
    int ndate = FD_FIRST_DATE + (int)st->ndates;
    if (item == 0) {
        st->f_date = (st->f_date + step + ndate) % ndate;
        filter_date_value(st);
    } else if (item == 1) {
        st->f_status = (st->f_status + step + FS_DECIDED + 1) % (FS_DECIDED + 1);
    } else {
        st->f_flags = (st->f_flags + step + 3) % 3;
    }
    refilter(st, f->keep);
}

static void cfilter_clear(void *ctx)
{
    struct cfilter *f = ctx;
    clear_filter(f->st);
    refilter(f->st, f->keep);
}

static void cfilter_restore(void *ctx)
{
    struct cfilter *f = ctx;
    f->st->f_date = f->saved[0];
    f->st->f_status = f->saved[1];
    f->st->f_flags = f->saved[2];
    f->st->filter_date = f->saved_date;
    refilter(f->st, f->keep);
}

static void cfilter_list(void *ctx, WINDOW *w, int y)
{
    draw_list_at(((struct cfilter *)ctx)->st, w, y);
}

static unsigned run_filter(struct panel *st)
{
    static const char *const labels[] = {"Panel date", "Status", "Quotations"};
    struct cfilter f = {.st = st, .saved = {st->f_date, st->f_status, st->f_flags}, .saved_date = st->filter_date,
                        .keep = current_id(st)};
    const struct filter_panel fp = {"Filter the panel cases", 3, labels, &f, cfilter_value, cfilter_step,
                                    cfilter_clear, cfilter_restore, cfilter_list};
    filter_panel_run(st->ui, &fp);
    ui_message(st->ui, filtered(st) ? "%d of %zu cases shown: F clears the filter" : "No filter: every case shown",
               st->nview, st->n);
    return REDRAW_ALL;
}

static unsigned sort_key(struct panel *st, int key)
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
               st->sort_desc ? "highest or latest first" : "lowest or earliest first");
    return REDRAW_BODY | REDRAW_STATUS;
}

/* ---- keys -------------------------------------------------------------------------------------------- */

static unsigned list_key(struct panel *st, const struct action *act, int key)
{
    if (!act)
        return REDRAW_NONE;
    if (listview_move(&st->lv, act->id)) {
        if (st->lv.win)
            draw_detail_line(st, st->lv.win);
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    const struct panel_case_row *r = current_row(st);
    switch (act->id) {
    case ACT_OPEN:
        if (!r)
            return REDRAW_NONE;
        st->top = 0;
        open_case(st, r->id);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_SEARCH: return run_search(st);
    case ACT_SORT: return sort_key(st, key);
    case ACT_FILTER:
        if (key == 'F') {
            int64_t keep = current_id(st);
            clear_filter(st);
            refilter(st, keep);
            ui_message(st->ui, "Filter cleared: every case shown");
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
    case ACT_ADD: return add_case(st);
    case ACT_EDIT:
    case ACT_PANEL_EDIT_CASE: return edit_case(st, current_id(st));
    case ACT_DELETE: return delete_case(st, current_id(st));
    case ACT_PANEL_DECISION: return decide(st);
    case ACT_PANEL_QUOTE:
        if (!r)
            return REDRAW_NONE;
        if (!open_case(st, r->id))
            return REDRAW_ALL;
        return add_quote(st);
    case ACT_PANEL_CHOOSE:
        say(st, false, "Enter opens the case: c there chooses among its quotations");
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_PANEL_PUPIL: return show_pupil(st, r ? r->pupil_id : 0);
    case ACT_PANEL_EXPORT: return export_pack(st);
    case ACT_PANEL_DMT: return export_report(st);
    default: return REDRAW_NONE;
    }
}

/* Moves in the case view: the cursor walks the quotations; past them (or
 * with none) the lines scroll. */
static unsigned case_move(struct panel *st, enum action_id id)
{
    int old_top = st->top, old_cursor = st->qcursor;
    int n = (int)st->nquotes;
    int page = st->height > 1 ? st->height - 1 : 1;
    int line = st->qline0 + st->qcursor;
    bool visible = n && line >= st->top && line < st->top + st->height;
    switch (id) {
    case ACT_UP:
        if (visible && st->qcursor > 0) {
            st->qcursor--;
            keep_cursor_visible(st);
        } else {
            st->top--;
        }
        break;
    case ACT_DOWN:
        if (visible && st->qcursor < n - 1) {
            st->qcursor++;
            keep_cursor_visible(st);
        } else {
            st->top++;
        }
        break;
    case ACT_PAGE_UP: st->top -= page; break;
    case ACT_PAGE_DOWN: st->top += page; break;
    case ACT_HOME:
        st->top = 0;
        st->qcursor = 0;
        break;
    case ACT_END:
        st->top = st->ndoc;
        if (n)
            st->qcursor = n - 1;
        break;
    default: return REDRAW_NONE;
    }
    clamp_top(st);
    if (st->top != old_top || !st->win)
        return REDRAW_BODY | REDRAW_STATUS;
    if (st->qcursor != old_cursor && st->qline0 >= 0) {
        draw_doc_line(st, st->win, st->qline0 + old_cursor);
        draw_doc_line(st, st->win, st->qline0 + st->qcursor);
        if (st->ndoc <= st->height) { /* the last line follows the cursor */
            make_case_detail(st);
            fit_line(st->win, getmaxy(st->win) - 1, 1, st->detail, attr_of(ATTR_DIM));
        }
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    return REDRAW_NONE;
}

static unsigned case_key(struct panel *st, const struct action *act, int key)
{
    if (!act)
        return REDRAW_NONE;
    switch (act->id) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
    case ACT_HOME:
    case ACT_END: return case_move(st, act->id);
    case ACT_OPEN:
    case ACT_EDIT: return edit_quote(st);
    case ACT_ADD:
    case ACT_PANEL_QUOTE: return add_quote(st);
    case ACT_DELETE: return delete_quote(st);
    case ACT_PANEL_CHOOSE: return choose_quote(st);
    case ACT_PANEL_DECISION: return decide(st);
    case ACT_PANEL_EDIT_CASE: return edit_case(st, st->case_id);
    case ACT_PANEL_PUPIL: return show_pupil(st, st->rec ? st->rec->pupil_id : 0);
    case ACT_PANEL_EXPORT: return export_pack(st);
    case ACT_PANEL_DMT: return export_report(st);
    case ACT_BACK:
        enter_list(st);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_SEARCH:
    case ACT_SORT:
    case ACT_FILTER:
        enter_list(st);
        return list_key(st, act, key);
    default: return REDRAW_NONE;
    }
}

/* ---- the pane's functions ----------------------------------------------------------------------------- */

static void *panel_open(struct ui *ui)
{
    struct panel *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->ui = ui;
    st->lv = (struct listview){.columns = columns, .ncolumns = COL_COUNT, .cell = list_cell, .ctx = st,
                               .sort_column = COL_PANEL, .sort_desc = true};
    st->sort_col = COL_PANEL;
    st->sort_desc = true;
    st->dmt_from = st->dmt_to = DATE_NONE;
    st->filter_date = DATE_NONE;
    set_hints(MODE_LIST);
    if (load_list(st))
        refilter(st, 0);
    return st;
}

static void panel_close(void *state)
{
    struct panel *st = state;
    if (!st)
        return;
    free_flags(st);
    free(st->rows);
    free(st->view);
    free(st->dates);
    free_case(st);
    free(st->rec);
    doc_clear(st);
    free(st->doc);
    free(st);
}

static void panel_draw(void *state, WINDOW *body)
{
    struct panel *st = state;
    set_hints(st->mode); /* the hint line is the view's (one hints array for the pane) */
    if (st->export_on) {
        draw_export(st, body);
        return;
    }
    if (st->mode == MODE_LIST)
        draw_list(st, body);
    else
        draw_case(st, body);
    draw_notice(st, body);
}

static unsigned panel_key(void *state, const struct action *act, int key, int ret, wint_t ch)
{
    struct panel *st = state;
    (void)ret;
    (void)ch;
    (void)act;
    if (st->export_on) { /* the export's screen: any key goes back */
        st->export_on = false;
        if (st->export_done)
            ui_message(st->ui, "%s", st->export_result);
        return REDRAW_ALL;
    }
    unsigned extra = 0;
    if (st->notice[0]) {
        st->notice[0] = '\0';
        extra = REDRAW_BODY; /* the notice lines go */
    }
    unsigned r = st->mode == MODE_LIST ? list_key(st, act, key) : case_key(st, act, key);
    if (r == REDRAW_ALL)
        return r;
    return r | extra;
}

static void panel_reload(void *state)
{
    struct panel *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->case_id;
    if (load_list(st))
        refilter(st, keep);
    if (st->mode == MODE_CASE && !load_case(st)) {
        st->mode = MODE_LIST;
        set_hints(MODE_LIST);
    }
}

static void panel_flags_changed(void *state)
{
    struct panel *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->case_id;
    apply_list_flags(st);
    refilter(st, keep);
    if (st->mode == MODE_CASE)
        apply_case_flags(st);
}

static const char *panel_detail(void *state)
{
    struct panel *st = state;
    if (st->mode == MODE_LIST)
        make_list_detail(st);
    else
        make_case_detail(st);
    return st->detail[0] ? st->detail : NULL;
}

static bool panel_help_line(void *state, int i, char *buf, size_t len)
{
    const struct thresholds *th = &ui_config(((struct panel *)state)->ui)->th;
    char limit[MONEY_LEN];
    money_format_short(th->quote_threshold, limit, sizeof limit);
    switch (i) {
    case 0: snprintf(buf, len, " "); return true;
    case 1: snprintf(buf, len, "The list: a adds a case (pick the pupil by typing), e or E edits it, d deletes an open one."); return true;
    case 2: snprintf(buf, len, "A case: a or Q adds a quotation, Enter or e edits it, d deletes it, c recommends it."); return true;
    case 3:
        snprintf(buf, len, "~ a case short of quotations: procurement route 1 needs %d under %s.", th->quotes_required,
                 limit);
        return true;
    case 4: snprintf(buf, len, "* the recommended (chosen) option of a case."); return true;
    default: return false;
    }
}

static void panel_show_record(void *state, long long id)
{
    struct panel *st = state;
    open_case(st, (int64_t)id);
}

const struct pane_ops pane_panel = {
    .title = "Panel",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PANEL,
    .hints = hints,
    .open = panel_open,
    .close = panel_close,
    .draw = panel_draw,
    .key = panel_key,
    .reload = panel_reload,
    .detail = panel_detail,
    .flags_changed = panel_flags_changed,
    .show_record = panel_show_record,
    .help_line = panel_help_line,
};
