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
#include "view.h"
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









/* The list's hint line; the record and the contacts are views of their own
 * (below), each with its own keys. */
static const enum action_id hints[] = {ACT_OPEN, ACT_SEARCH, ACT_SORT, ACT_FILTER, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_NONE};

/* ---- messages ---------------------------------------------------------------------- */

/* ---- text helpers ------------------------------------------------------------------ */

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

/* The hours of a week as people write them: 25, 22.5. */
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
 * (ui_flags), so that the list shows exactly what `apterm check` says.
 * False when there is no list to flag. */
static bool apply_list_flags(void *pane)
{
    struct providers *st = pane;
    if (!st->list || !st->flags)
        return false;
    for (size_t i = 0; i < st->list->n; i++) {
        free(st->flags[i].worst_reason);
        memset(&st->flags[i], 0, sizeof st->flags[i]);
    }
    const struct flag_row *rows;
    size_t n;
    st->flags_known = ui_flags(st->ui, &rows, &n);
    for (size_t i = 0; i < n; i++)
        count_flag(st, &rows[i]);
    return true;
}

/* Reads every provider, and its flags. On failure the old list stays. */
static bool load_list(void *pane)
{
    struct providers *st = pane;
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
    st->list = l;
    st->load_error[0] = '\0';
    size_t n = l->n ? l->n : 1;
    st->flags = calloc(n, sizeof *st->flags);
    st->by_id = malloc(n * sizeof *st->by_id);
    st->rows.n = st->rows.nview = 0;
    if (!st->flags || !st->by_id || !list_rows_reserve(&st->rows, n)) {
        snprintf(st->load_error, sizeof st->load_error, "Out of memory reading the providers");
        free(st->flags);
        free(st->by_id);
        st->flags = NULL;
        st->by_id = NULL;
        provider_list_free(st->list);
        st->list = NULL;
        return false;
    }
    st->rows.n = l->n;
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

static bool row_shown(const void *ctx, size_t i)
{
    const struct providers *st = ctx;
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

static int compare_rows(const void *ctx, size_t i, size_t j)
{
    const struct providers *st = ctx;
    const struct provider_list_row *x = &st->list->rows[i], *y = &st->list->rows[j];
    long long d = 0;
    switch (st->sort_col) {
    case COL_REG:
        d = utf8_fold_cmp(label_text(LABELS_REGISTRATION, x->registration), label_text(LABELS_REGISTRATION, y->registration));
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
        d = utf8_fold_cmp(x->name, y->name);
    if (!d)
        d = x->id < y->id ? -1 : x->id > y->id;
    return d < 0 ? -1 : d > 0;
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct providers *)ctx)->list->rows[i].id;
}

static void list_under(void *ctx, WINDOW *w);
static const struct list_rows_ops rows_ops = {row_shown, compare_rows, row_id, list_under};

static int64_t current_id(const struct providers *st)
{
    return list_rows_current(&st->rows);
}

static const struct provider_list_row *current_row(const struct providers *st)
{
    if (!st->list || st->rows.nview == 0 || (size_t)st->lv.cursor >= st->rows.nview)
        return NULL;
    return &st->list->rows[st->rows.view[st->lv.cursor]];
}

/* Rebuilds the rows shown and puts the cursor on keep_id when it is among
 * them (else keeps the cursor's position). */
void pr_refilter(void *pane, int64_t keep_id)
{
    struct providers *st = pane;
    list_rows_sort(&st->rows, false, keep_id);
}

/* ---- the list's cells ------------------------------------------------------------------ */

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct providers *st = ctx;
    int i = (int)st->rows.view[row];
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
            *attr = draw_flag_attr(rules_flag_worst(f->ins, r->insurance_level));
        else if (insurance_rank(r) == 3)
            *attr = ATTR_DIM;
        break;
    }
    case COL_S1:
        snprintf(buf, len, "%s", short_date(r->last_stage1, st->wide, d));
        *attr = rules_flag_raised(f->s1) ? draw_flag_attr(f->s1) : r->last_stage1 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
        break;
    case COL_S2:
        snprintf(buf, len, "%s", short_date(r->last_stage2, st->wide, d));
        *attr = rules_flag_raised(f->s2) ? draw_flag_attr(f->s2) : r->last_stage2 == DATE_NONE ? ATTR_DIM : ATTR_NORMAL;
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
        *attr = draw_flag_attr(f->worst);
        break;
    default:
        buf[0] = '\0';
    }
}

/* ---- the status-line detail -------------------------------------------------------- */

static void make_detail(struct providers *st)
{
    st->detail[0] = '\0';
    if (!st->in_record) {
        const struct provider_list_row *r = current_row(st);
        if (!r)
            return;
        const struct row_flags *f = &st->flags[st->rows.view[st->lv.cursor]];
        int more = f->red + f->amber - 1;
        const char *susp = strcmp(r->status, "suspended") == 0 ? "Suspended. " : "";
        if (f->worst_reason && more > 0)
            snprintf(st->detail, sizeof st->detail, "%s %s%s (and %d more: Enter)", draw_flag_marker(f->worst), susp,
                     f->worst_reason, more);
        else if (f->worst_reason)
            snprintf(st->detail, sizeof st->detail, "%s %s%s", draw_flag_marker(f->worst), susp, f->worst_reason);
        else
            snprintf(st->detail, sizeof st->detail, "%s%s: no flags", susp, r->name);
    } else if (!st->in_contacts && st->npupils > 0) {
        snprintf(st->detail, sizeof st->detail, "Enter opens %s in the roll", st->pupils[st->doc.cursor].name);
    }
}

/* ---- drawing the list ------------------------------------------------------------------ */

/* What is shown: count, search, filter and sort, in words. */
static void summary_text(const struct providers *st, char *buf, size_t len)
{
    const char *filters[4];
    int nf = 0;
    if (st->f_reg >= 0)
        filters[nf++] = LABELS_REGISTRATION[st->f_reg].text;
    if (st->f_status)
        filters[nf++] = st->f_status == 1 ? "active" : "suspended";
    if (st->f_flags)
        filters[nf++] = st->f_flags == 1 ? "flagged" : st->f_flags == 2 ? "red flags" : "no flags";
    filters[nf] = NULL;
    list_rows_summary(&st->rows, buf, len, "provider", "providers", st->search, filters, column_words[st->sort_col],
                      st->sort_desc, st->flags_known);
}

/* The last line of the list: the notice, else the flags of the provider under the cursor. */
static void draw_detail_line(void *pane, WINDOW *w)
{
    struct providers *st = pane;
    int y = getmaxy(w) - 1;
    const struct provider_list_row *r = current_row(st);
    if (!notice_draw_foot(&st->notice, w, r != NULL))
        return;
    const struct row_flags *f = &st->flags[st->rows.view[st->lv.cursor]];
    make_detail(st);
    char line[NOTICE_LEN + sizeof r->name + 8];
    if (utf8_width(r->name) > st->name_cols && f->worst_reason)
        snprintf(line, sizeof line, "%s: %s", r->name, st->detail); /* the whole name, cut in the list */
    else
        snprintf(line, sizeof line, "%s", st->detail);
    draw_line(w, y, 1, line, attr_of(f->worst_reason ? draw_flag_attr(f->worst) : ATTR_DIM));
}

static void draw_list_at(struct providers *st, WINDOW *w, int y)
{
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
        draw_line(w, y + 1, 1, st->load_error[0] ? st->load_error : "Reading the providers…", attr_of(ATTR_ERROR));
        return;
    }
    static const char *const why[4] = {
        "No providers yet: press a to add one.", "No provider matches: Esc clears the search, F the filter.",
        "No provider's name matches the search: Esc clears it.", "No provider matches the filter: F clears it."};
    list_rows_draw(&st->rows, w, y, why, st->search[0], filtered(st));
    draw_detail_line(st, w);
}

/* The pane's body: the list with its summary above it. */
static void providers_draw(void *state, WINDOW *w)
{
    struct providers *st = state;
    char summary[600];
    summary_text(st, summary, sizeof summary);
    if (st->load_error[0] && st->list)
        draw_line(w, 0, 1, st->load_error, attr_of(ATTR_ERROR));
    else
        draw_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- search and filter (views over the list) ---------------------------------------------------------- */

/* The list under the search. */
static void list_under(void *ctx, WINDOW *w)
{
    draw_list_at(ctx, w, 1);
}

static const struct list_search searching = {
    .noun = "provider",
    .hint = "Search by name: type to narrow the list; Enter keeps it, Esc clears it",
    .ops = LIST_ROWS_SEARCH_OPS,
};

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

static void run_filter(void *pane)
{
    struct providers *st = pane;
    static const char *const labels[] = {"Registration", "Status", "Flags"};
    struct pfilter f = {.st = st, .saved_reg = st->f_reg, .saved_status = st->f_status,
                        .saved_flags = st->f_flags, .keep = current_id(st)};
    const struct filter_panel fp = {"Filter the providers", 3, labels, &f, pfilter_value, pfilter_step,
                                    pfilter_clear, pfilter_restore, pfilter_list};
    filter_panel_run(st->ui, &fp);
    ui_message(st->ui, filtered(st) ? "%zu of %zu providers shown: F clears the filter" : "No filter: every provider shown",
               st->rows.nview, st->list ? st->list->n : (size_t)0);
}

/* F: every provider shown. */
static bool clear_filter(void *pane)
{
    struct providers *st = pane;
    bool had = filtered(st);
    int64_t keep = current_id(st);
    st->f_reg = -1;
    st->f_status = st->f_flags = 0;
    pr_refilter(st, keep);
    return had;
}

/* ---- keys ---------------------------------------------------------------------------------------- */

static const struct list_sort sort_orders = {COL_COUNT, column_desc, column_words, "highest first", "lowest first"};

/* After the record's views closed: a search, sort or filter pressed there is
 * the list's. */
static unsigned after_record(struct providers *st)
{
    struct list_then then = st->then;
    st->then.act = NULL;
    unsigned redraw;
    if (then.act && !ui_quitting(st->ui))
        list_pane_key(st->ui, st, &pane_providers.list_keys, then.act, then.key, &redraw);
    return REDRAW_ALL;
}

static unsigned providers_key(void *state, const struct action *act, int key)
{
    (void)key;
    struct providers *st = state;
    switch (act->id) {
    case ACT_OPEN:
        if (!current_id(st))
            return REDRAW_NONE;
        st->doc.top = 0;
        pr_run_record(st, current_id(st), false);
        return after_record(st);
    case ACT_ADD:
        pr_add_provider(st); /* shows the new provider's record */
        return after_record(st);
    case ACT_IMPORT:
        return ui_import_run(st->ui, UI_IMPORT_PROVIDERS);
    case ACT_EDIT:
        return pr_edit_provider(st, current_id(st));
    case ACT_DELETE:
        return pr_delete_provider(st, current_id(st));
    case ACT_PROVIDER_CONTACTS:
        if (!current_id(st))
            return REDRAW_NONE;
        pr_run_record(st, current_id(st), true);
        return after_record(st);
    default:
        return REDRAW_NONE;
    }
}

/* ---- the pane's functions ---------------------------------------------------------------------- */

static void providers_open(void *state, struct ui *ui)
{
    struct providers *st = state;
    st->ui = ui;
    st->f_reg = -1;
    st->lv = (struct listview){.columns = narrow_columns, .ncolumns = COL_COUNT, .cell = list_cell, .ctx = st,
                               .sort_column = COL_NAME};
    st->sort_col = COL_NAME;
    st->rows = (struct list_rows){.ops = &rows_ops, .ctx = st, .lv = &st->lv};
    st->clv = (struct listview){.columns = contact_columns, .ncolumns = CONTACT_COLS, .cell = pr_contact_cell, .ctx = st,
                                .sort_column = -1};
    if (load_list(st))
        pr_refilter(st, 0);
}

static void providers_close(void *state)
{
    struct providers *st = state;
    free_flags(st);
    provider_list_free(st->list);
    free(st->by_id);
    list_rows_free(&st->rows);
    pr_free_record(st);
    docview_free(&st->doc);
}

/* Changes to these are nothing the providers pane shows (its flags come
 * from the shell's set: flags_changed). */
static const char *const providers_ignored[] = {
    "attendance_mark", "absence_call", "contact", "progress_entry", "tracking_action", "psp", "psp_target",
    "psp_review", "psp_review_progress", "psp_timetable", "panel_case", "quote", "register_close", NULL,
};

bool pr_providers_reload(void *state, const struct view_change *what)
{
    (void)what;
    struct providers *st = state;
    list_rows_read(&st->rows, load_list, pr_refilter);
    return true;
}

static void providers_flags_changed(void *state)
{
    struct providers *st = state;
    list_rows_read(&st->rows, apply_list_flags, pr_refilter);
    if (st->in_record)
        pr_apply_record_flags(st, false);
}

static const char *providers_detail(void *state)
{
    struct providers *st = state;
    make_detail(st);
    return st->detail[0] ? st->detail : NULL;
}

/* The notice shown on the list's last line until the next key. */
static struct notice *providers_notice(void *state)
{
    return &((struct providers *)state)->notice;
}

const struct pane_ops pane_providers = {
    .size = sizeof(struct providers),
    .title = "Providers",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PROVIDER,
    .hints = hints,
    .open = providers_open,
    .close = providers_close,
    .draw = providers_draw,
    .key = providers_key,
    .list_keys = {.sort = &sort_orders,
                  .search_size = SEARCH_MAX + 1,
                  .sorted = pr_refilter,
                  .filter = run_filter,
                  .clear_filter = clear_filter,
                  .searching = &searching,
                  .cleared = "Filter cleared: every provider shown",
                  .foot = draw_detail_line,
                  .rows = offsetof(struct providers, rows),
                  .search = offsetof(struct providers, search),
                  .sort_col = offsetof(struct providers, sort_col),
                  .sort_desc = offsetof(struct providers, sort_desc)},
    .reload = pr_providers_reload,
    .ignored = providers_ignored,
    .detail = providers_detail,
    .flags_changed = providers_flags_changed,
    .notice = providers_notice,
};
