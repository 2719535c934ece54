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
#include "providers_parts.h"

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
#include "import.h"
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


static const struct list_column contact_columns[CONTACT_COLS] = {
    {"Name", 16, true, false}, {"Job role", 16, false, false}, {"Phone", 14, false, false},
    {"Email", 24, false, false},
};









/* The hint line of the view showing (pane_ops.hints points here): the
 * shell draws whatever it holds, so each view sets its own keys. */
static enum action_id hints[12];

void pr_set_hints(enum mode mode)
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
__attribute__((format(printf, 3, 4))) void pr_say(struct providers *st, bool error, const char *fmt, ...)
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

bool pr_can_write(struct providers *st)
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

const char *pr_flag_marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

enum attr_meaning pr_flag_attr(enum flag_level level)
{
    return level == FLAG_RED ? ATTR_FLAG_RED : level == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

/* The hours of a week as people write them: 25, 22.5. */
void pr_hours_text(double h, char *buf, size_t len)
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
int pr_row_of_id(const struct providers *st, int64_t id)
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
bool pr_provider_flag(const struct flag_row *f)
{
    return !f->pupil_id && !f->case_id && f->provider_id && rules_flag_raised(f->level);
}

static void count_flag(struct providers *st, const struct flag_row *f)
{
    if (!pr_provider_flag(f))
        return;
    int i = pr_row_of_id(st, f->provider_id);
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
void pr_refilter(struct providers *st, int64_t keep_id)
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
            *attr = pr_flag_attr(rules_flag_worst(f->ins, r->insurance_level));
        else if (insurance_rank(r) == 3)
            *attr = ATTR_DIM;
        break;
    }
    case COL_S1:
        snprintf(buf, len, "%s", short_date(r->last_stage1, st->wide, d));
        *attr = rules_flag_raised(f->s1) ? pr_flag_attr(f->s1) : r->last_stage1 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
        break;
    case COL_S2:
        snprintf(buf, len, "%s", short_date(r->last_stage2, st->wide, d));
        *attr = rules_flag_raised(f->s2) ? pr_flag_attr(f->s2) : r->last_stage2 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
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
        *attr = pr_flag_attr(f->worst);
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
            snprintf(st->detail, sizeof st->detail, "%s %s%s (and %d more: Enter)", pr_flag_marker(f->worst), susp,
                     f->worst_reason, more);
        else if (f->worst_reason)
            snprintf(st->detail, sizeof st->detail, "%s %s%s", pr_flag_marker(f->worst), susp, f->worst_reason);
        else
            snprintf(st->detail, sizeof st->detail, "%s%s: no flags", susp, r->name);
    } else if (st->mode == MODE_RECORD && st->npupils > 0) {
        snprintf(st->detail, sizeof st->detail, "Enter opens %s in the roll", st->pupils[st->rec_cursor].name);
    }
}

/* ---- drawing the list ------------------------------------------------------------------ */

void pr_fit_line(WINDOW *w, int y, int x, const char *text, attr_t attr)
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
        pr_fit_line(w, y, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
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
    pr_fit_line(w, y, 1, line, attr_of(f->worst_reason ? pr_flag_attr(f->worst) : ATTR_DIM));
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
        pr_fit_line(w, y + 1, 1, st->load_error[0] ? st->load_error : "Reading the providers…", attr_of(ATTR_ERROR));
        return;
    }
    listview_draw(&st->lv, w, y, height - y - 1);
    if (st->nview == 0) {
        const char *why = st->list->n == 0 ? "No providers yet: press a to add one."
                          : st->search[0] && filtered(st) ? "No provider matches: Esc clears the search, F the filter."
                          : st->search[0] ? "No provider's name matches the search: Esc clears it."
                                          : "No provider matches the filter: F clears it.";
        pr_fit_line(w, y + 2, 2, why, attr_of(ATTR_DIM));
    }
    draw_detail_line(st, w);
}

static void draw_list(struct providers *st, WINDOW *w)
{
    char summary[600];
    summary_text(st, summary, sizeof summary);
    if (st->load_error[0] && st->list)
        pr_fit_line(w, 0, 1, st->load_error, attr_of(ATTR_ERROR));
    else
        pr_fit_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- search and filter (views over the list) ---------------------------------------------------------- */

static void search_draw(void *ctx, WINDOW *w)
{
    draw_list_at(ctx, w, 1);
}

static void search_apply(void *ctx, int64_t keep)
{
    pr_refilter(ctx, keep);
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
    pr_refilter(st, f->keep);
}

static void pfilter_clear(void *ctx)
{
    struct pfilter *f = ctx;
    f->st->f_reg = -1;
    f->st->f_status = f->st->f_flags = 0;
    pr_refilter(f->st, f->keep);
}

static void pfilter_restore(void *ctx)
{
    struct pfilter *f = ctx;
    f->st->f_reg = f->saved_reg;
    f->st->f_status = f->saved_status;
    f->st->f_flags = f->saved_flags;
    pr_refilter(f->st, f->keep);
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
    pr_refilter(st, keep);
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
        pr_open_record(st, current_id(st));
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
            pr_refilter(st, keep);
            ui_message(st->ui, "Filter cleared: every provider shown");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return run_filter(st);
    case ACT_BACK:
        if (st->search[0]) {
            int64_t keep = current_id(st);
            st->search[0] = '\0';
            pr_refilter(st, keep);
            ui_message(st->ui, "Search cleared");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return REDRAW_NONE;
    case ACT_ADD:
        return pr_add_provider(st);
    case ACT_IMPORT:
        return ui_import_run(st->ui, UI_IMPORT_PROVIDERS);
    case ACT_EDIT:
        return pr_edit_provider(st, current_id(st));
    case ACT_DELETE:
        return pr_delete_provider(st, current_id(st));
    case ACT_PROVIDER_CONTACTS:
        if (!current_id(st))
            return REDRAW_NONE;
        if (pr_open_record(st, current_id(st))) {
            st->mode = MODE_CONTACTS;
            pr_set_hints(MODE_CONTACTS);
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
            pr_keep_cursor_visible(st);
        } else {
            st->rec_top--;
        }
        break;
    case ACT_DOWN:
        if (visible && st->rec_cursor < n - 1) {
            st->rec_cursor++;
            pr_keep_cursor_visible(st);
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
    pr_clamp_top(st);
    if (st->rec_top != old_top || !st->win)
        return REDRAW_BODY | REDRAW_STATUS;
    if (st->rec_cursor != old_cursor && st->doc_pupil0 >= 0) {
        pr_draw_doc_line(st, st->win, st->doc_pupil0 + old_cursor);
        pr_draw_doc_line(st, st->win, st->doc_pupil0 + st->rec_cursor);
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
            pr_say(st, false, "No pupils are placed here now");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        ui_show_pupil(st->ui, (long long)st->pupils[st->rec_cursor].pupil_id);
        return REDRAW_ALL;
    case ACT_BACK:
        pr_enter_list(st);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_EDIT:
        return pr_edit_provider(st, st->rec_id);
    case ACT_DELETE:
        return pr_delete_provider(st, st->rec_id);
    case ACT_ADD:
        return pr_add_provider(st);
    case ACT_PROVIDER_CONTACTS:
        st->mode = MODE_CONTACTS;
        pr_set_hints(MODE_CONTACTS);
        listview_select(&st->clv, 0);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_SEARCH:
    case ACT_SORT:
    case ACT_FILTER:
        pr_enter_list(st);
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
        pr_set_hints(MODE_RECORD);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_ADD:
        if (!pr_can_write(st))
            return REDRAW_BODY | REDRAW_STATUS;
        memset(&c, 0, sizeof c);
        c.provider_id = st->rec_id;
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            pr_say(st, false, "Added %s", c.name);
            pr_after_write(st);
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
            pr_say(st, true, "%s", ap_error_detail());
            pr_load_record(st);
            return REDRAW_ALL;
        }
        if (!store_can_write(s))
            ui_message(st->ui, "You have the viewer role: the form is read only");
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            pr_say(st, false, "Saved %s", c.name);
            pr_after_write(st);
        }
        return REDRAW_ALL;
    case ACT_DELETE: {
        if (!have)
            return REDRAW_NONE;
        if (!pr_can_write(st))
            return REDRAW_BODY | REDRAW_STATUS;
        const struct provider_contact *cur = &st->contacts[st->clv.cursor];
        char question[300];
        snprintf(question, sizeof question, "Delete the contact %s?", cur->name);
        if (!pr_confirm(st, NULL, question)) {
            pr_say(st, false, "Nothing deleted");
            return REDRAW_ALL;
        }
        char name[sizeof cur->name];
        snprintf(name, sizeof name, "%s", cur->name);
        if (provider_contact_delete(s, cur->id, cur->version) == AP_OK) {
            pr_say(st, false, "Deleted the contact %s", name);
            pr_after_write(st);
        } else {
            pr_say(st, true, "Not deleted: %s", ap_error_detail());
            pr_load_record(st);
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
    st->clv = (struct listview){.columns = contact_columns, .ncolumns = CONTACT_COLS, .cell = pr_contact_cell, .ctx = st,
                                .sort_column = -1};
    pr_set_hints(MODE_LIST);
    if (load_list(st))
        pr_refilter(st, 0);
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
    pr_free_record(st);
    pr_doc_clear(st);
    free(st->doc);
    free(st);
}

static void providers_draw(void *state, WINDOW *body)
{
    struct providers *st = state;
    switch (st->mode) {
    case MODE_LIST: draw_list(st, body); break;
    case MODE_RECORD: pr_draw_record(st, body); break;
    case MODE_CONTACTS: pr_draw_contacts(st, body); break;
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

void pr_providers_reload(void *state)
{
    struct providers *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->rec_id;
    if (load_list(st))
        pr_refilter(st, keep);
    if (st->mode != MODE_LIST && !pr_load_record(st)) {
        st->mode = MODE_LIST;
        pr_set_hints(MODE_LIST);
    }
}

static void providers_flags_changed(void *state)
{
    struct providers *st = state;
    int64_t keep = st->mode == MODE_LIST ? current_id(st) : st->rec_id;
    apply_list_flags(st);
    pr_refilter(st, keep);
    if (st->mode != MODE_LIST)
        pr_apply_record_flags(st);
}

static const char *providers_detail(void *state)
{
    struct providers *st = state;
    make_detail(st);
    return st->detail[0] ? st->detail : NULL;
}

/* Something opened from the list is showing: q goes back (pane_ops.nested). */
static bool providers_nested(void *state)
{
    const struct providers *st = state;
    return st->mode != MODE_LIST;
}

const struct pane_ops pane_providers = {
    .title = "Providers",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PROVIDER,
    .hints = hints,
    .open = providers_open,
    .close = providers_close,
    .draw = providers_draw,
    .key = providers_key,
    .reload = pr_providers_reload,
    .detail = providers_detail,
    .flags_changed = providers_flags_changed,
    .nested = providers_nested,
};
