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

#include "panel_pane.h"

extern const struct pane_ops pane_panel; /* its list keys act after a case's view too */

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

/* The list's hint line; a case is a view of its own (ui/panel_case.c). */
static const enum action_id hints[] = {ACT_OPEN,      ACT_ADD,    ACT_PANEL_DECISION, ACT_PANEL_EXPORT,
                                       ACT_PANEL_DMT, ACT_SEARCH, ACT_FILTER,         ACT_NONE};

/* ---- messages ------------------------------------------------------------------------ */

/* ---- small helpers ------------------------------------------------------------------ */


/* Whole pounds, for the list: "£7,800". */
char *pp_pounds(int64_t pence, char *buf, size_t len)
{
    int64_t p = pence >= 0 ? (pence + 50) / 100 * 100 : -((-pence + 50) / 100 * 100);
    return money_format_short(p, buf, len);
}

/* The words of a basis for "£45.00 per session": "session", "day"... */
const char *pp_basis_word(const char *basis)
{
    return strcmp(basis, "session") == 0 ? "session"
           : strcmp(basis, "day") == 0   ? "day"
           : strcmp(basis, "week") == 0  ? "week"
           : strcmp(basis, "year") == 0  ? "year"
                                         : basis;
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

int pp_row_of_id(const struct panel *st, int64_t id)
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
 * `apterm check` prints). A case's flags: only the quotations rule. False
 * when there is no list to flag. */
static bool apply_list_flags(void *pane)
{
    struct panel *st = pane;
    if (!st->flags)
        return false;
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
        int i = pp_row_of_id(st, rows[k].case_id);
        if (i < 0 || rows[k].level <= st->flags[i].level)
            continue;
        free(st->flags[i].reason);
        st->flags[i].level = rows[k].level;
        st->flags[i].reason = strdup(rows[k].reason);
    }
    return true;
}

static bool load_list(void *pane)
{
    struct panel *st = pane;
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
    free(st->dates);
    calendar_free(&st->cal);
    if (calendar_load(s, &st->cal) != AP_OK)
        memset(&st->cal, 0, sizeof st->cal); /* no terms: every weekday counts */
    st->rows = rows;
    st->n = n;
    st->dates = dates;
    st->ndates = ndates;
    st->load_error[0] = '\0';
    st->loaded = true;
    st->flags = calloc(n ? n : 1, sizeof *st->flags);
    st->shown.n = st->shown.nview = 0;
    if (!st->flags || !list_rows_reserve(&st->shown, n)) {
        snprintf(st->load_error, sizeof st->load_error, "Out of memory reading the panel cases");
        free(st->flags);
        st->flags = NULL;
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
    st->shown.n = n;
    apply_list_flags(st);
    return true;
}

/* ---- filter and sort -------------------------------------------------------------------- */

static bool filtered(const struct panel *st)
{
    return st->f_date || st->f_status || st->f_flags;
}

static bool row_shown(const void *ctx, size_t i)
{
    const struct panel *st = ctx;
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


/* Dates: a case with no panel date yet sorts as the latest (it is awaiting one). */
static long long date_key(int d)
{
    return d == DATE_NONE ? 10000000LL : d;
}

static int compare_rows(const void *ctx, size_t i, size_t j)
{
    const struct panel *st = ctx;
    const struct panel_case_row *x = &st->rows[i], *y = &st->rows[j];
    long long d = 0;
    switch (st->sort_col) {
    case COL_REASON:
        d = utf8_fold_cmp(label_text(LABELS_CASE_REASON, x->reason), label_text(LABELS_CASE_REASON, y->reason));
        break;
    case COL_REFERRED: d = date_key(x->referral_date) - date_key(y->referral_date); break;
    case COL_PANEL: d = date_key(x->panel_date) - date_key(y->panel_date); break;
    case COL_STATUS: d = label_rank(LABELS_CASE_STATUS, x->status) - label_rank(LABELS_CASE_STATUS, y->status); break;
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
        d = utf8_fold_cmp(x->pupil_name, y->pupil_name);
    if (!d)
        d = x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* newest case first */
    return d < 0 ? -1 : d > 0;
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct panel *)ctx)->rows[i].id;
}

static void list_under(void *ctx, WINDOW *w);
static const struct list_rows_ops rows_ops = {row_shown, compare_rows, row_id, list_under};

int64_t pp_current_id(const struct panel *st)
{
    return list_rows_current(&st->shown);
}

static const struct panel_case_row *current_row(const struct panel *st)
{
    if (!st->rows || st->shown.nview == 0 || st->lv.cursor < 0 || (size_t)st->lv.cursor >= st->shown.nview)
        return NULL;
    return &st->rows[st->shown.view[st->lv.cursor]];
}

void pp_refilter(void *pane, int64_t keep_id)
{
    struct panel *st = pane;
    list_rows_sort(&st->shown, false, keep_id);
}

/* ---- the list: cells, detail, drawing ------------------------------------------------------- */

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct panel *st = ctx;
    int i = (int)st->shown.view[row];
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
            *attr = draw_flag_attr(f->level);
        else if (!r->quotes)
            *attr = ATTR_DIM;
        break;
    case COL_ANNUAL:
        if (r->has_chosen) {
            pp_pounds(r->chosen_annual, buf, len);
        } else {
            snprintf(buf, len, "–");
            *attr = ATTR_DIM;
        }
        break;
    case COL_FLAG:
        snprintf(buf, len, "%s", f->level != FLAG_NONE ? draw_flag_marker(f->level) : "");
        *attr = draw_flag_attr(f->level);
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
    const struct row_flag *f = &st->flags[st->shown.view[st->lv.cursor]];
    if (f->reason) {
        snprintf(st->detail, sizeof st->detail, "%s %s", draw_flag_marker(f->level), f->reason);
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
    const char *filters[4];
    int nf = 0;
    char d[11], date[20];
    if (st->f_date == FD_NONE) {
        filters[nf++] = "no panel date";
    } else if (st->f_date) {
        snprintf(date, sizeof date, "panel %s", date_format(st->filter_date, d));
        filters[nf++] = date;
    }
    if (st->f_status)
        filters[nf++] = st->f_status == FS_DECIDED ? "decided" : LABELS_CASE_STATUS[st->f_status - 1].text;
    if (st->f_flags)
        filters[nf++] = st->f_flags == FF_WARNING ? "short of quotations" : "no warning";
    filters[nf] = NULL;
    list_rows_summary(&st->shown, buf, len, "panel case", "panel cases", st->search, filters,
                      column_words[st->sort_col], st->sort_desc, st->flags_known);
}

static void draw_detail_line(void *pane, WINDOW *w)
{
    struct panel *st = pane;
    int y = getmaxy(w) - 1;
    if (!notice_draw_foot(&st->notice, w, current_row(st) != NULL))
        return;
    const struct row_flag *f = &st->flags[st->shown.view[st->lv.cursor]];
    make_list_detail(st);
    draw_line(w, y, 1, st->detail, attr_of(f->reason ? draw_flag_attr(f->level) : ATTR_DIM));
}

static void draw_list_at(struct panel *st, WINDOW *w, int y)
{
    st->lv.sort_column = st->sort_col;
    st->lv.sort_desc = st->sort_desc;
    if (st->sort_col == COL_FLAG || st->sort_col == COL_QUOTES)
        st->lv.sort_column = -1; /* no room for the arrow: the summary line says */
    if (!st->loaded) {
        draw_line(w, y + 1, 1, st->load_error[0] ? st->load_error : "Reading the panel cases…", attr_of(ATTR_ERROR));
        return;
    }
    static const char *const why[4] = {
        "No panel cases yet: press a to add one.", "No case matches: Esc clears the search, F the filter.",
        "No case matches the search: Esc clears it.", "No case matches the filter: F clears it."};
    list_rows_draw(&st->shown, w, y, why, st->search[0], filtered(st));
    draw_detail_line(st, w);
}

static void draw_list(struct panel *st, WINDOW *w)
{
    char summary[700];
    summary_text(st, summary, sizeof summary);
    if (st->load_error[0] && st->loaded)
        draw_line(w, 0, 1, st->load_error, attr_of(ATTR_ERROR));
    else
        draw_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- the case view: loading ------------------------------------------------------------------ */

void pp_free_case(struct panel *st)
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

/* The case's warning: from the shell's latest pass, or (before its first,
 * or own_pass: the case read again under its view, before the shell counts
 * again) a pass over this case alone. */
static void apply_case_flags(struct panel *st, bool own_pass)
{
    st->warn_level = FLAG_NONE;
    st->warn[0] = '\0';
    struct warn_ctx c = {st};
    const struct flag_row *rows;
    size_t n;
    if (!own_pass && ui_flags(st->ui, &rows, &n)) {
        for (size_t i = 0; i < n; i++)
            take_warning(&c, &rows[i]);
    } else if (flags_for_case(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), st->case_id, take_warning,
                              &c, NULL) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Could not work out the flags: %s", ap_error_detail());
    }
}

/* Reads the case of the view afresh; false (with a message) when it cannot
 * be read, e.g. someone else deleted it. Keeps the cursor on its quotation. */
bool pp_load_case(struct panel *st)
{
    struct store *s = ui_store(st->ui);
    int64_t keep = st->nquotes && st->doc.cursor < (int)st->nquotes ? st->quotes[st->doc.cursor].q.id : 0;
    pp_free_case(st);
    if (!st->rec && !(st->rec = malloc(sizeof *st->rec))) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return false;
    }
    ap_status rc = panel_case_get(s, st->case_id, st->rec);
    if (rc != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", rc == AP_ERR_NOT_FOUND ? "That panel case is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    if (panel_quote_list(s, st->case_id, &st->quotes, &st->nquotes) != AP_OK)
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
    st->pupil_name[0] = '\0';
    int i = pp_row_of_id(st, st->case_id);
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
    apply_case_flags(st, true);
    st->doc.cursor = 0;
    for (size_t k = 0; k < st->nquotes; k++)
        if (st->quotes[k].q.id == keep)
            st->doc.cursor = (int)k;
    return true;
}

/* ---- notices and confirmations ------------------------------------------------------------ */

#define NOTICE_LINES 3 /* a notice under a list or a case */


void pp_keep_line(void *ctx, const char *line, size_t len, bool first)
{
    (void)first;
    struct lines *c = ctx;
    if (c->n < LINES_MAX)
        snprintf(c->text[c->n++], NOTICE_LEN, "%.*s", (int)len, line);
}

/* The notice across the pane's last lines (up to three), wrapped. */
void pp_draw_notice(struct panel *st, WINDOW *w)
{
    if (!st->notice.text[0])
        return;
    struct lines c = {.n = 0};
    textedit_wrap(st->notice.text, getmaxx(w) - 2, pp_keep_line, &c);
    if (c.n > NOTICE_LINES)
        c.n = NOTICE_LINES;
    int h = getmaxy(w);
    for (int i = 0; i < c.n; i++)
        draw_line(w, h - c.n + i, 1, c.text[i], attr_of(st->notice.error ? ATTR_ERROR : ATTR_HEADER));
}

/* ui_confirm, with the question also across the pane's last lines. */
bool pp_confirm(struct panel *st, const char *why, const char *question)
{
    WINDOW *w = ui_body(st->ui);
    struct lines c = {.n = 0};
    char text[NOTICE_LEN * 2];
    snprintf(text, sizeof text, "%s%s%s (y/n)", why ? why : "", why ? "\n" : "", question);
    textedit_wrap(text, getmaxx(w) - 2, pp_keep_line, &c);
    int h = getmaxy(w);
    for (int i = 0; i < c.n; i++)
        draw_line(w, h - c.n + i, 1, c.text[i], attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(st->ui, question);
}

/* ---- search and filter ------------------------------------------------------------------------------ */

/* The list under the search. */
static void list_under(void *ctx, WINDOW *w)
{
    draw_list_at(ctx, w, 1);
}

static const struct list_search searching = {
    .noun = "case",
    .hint = "Search by pupil, UPN, reason or chosen provider: Enter keeps it, Esc clears it",
    .ops = LIST_ROWS_SEARCH_OPS,
};

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
    pp_refilter(st, f->keep);
}

static void cfilter_clear(void *ctx)
{
    struct cfilter *f = ctx;
    clear_filter(f->st);
    pp_refilter(f->st, f->keep);
}

static void cfilter_restore(void *ctx)
{
    struct cfilter *f = ctx;
    f->st->f_date = f->saved[0];
    f->st->f_status = f->saved[1];
    f->st->f_flags = f->saved[2];
    f->st->filter_date = f->saved_date;
    pp_refilter(f->st, f->keep);
}

static void cfilter_list(void *ctx, WINDOW *w, int y)
{
    draw_list_at(((struct cfilter *)ctx)->st, w, y);
}

static void run_filter(void *pane)
{
    struct panel *st = pane;
    static const char *const labels[] = {"Panel date", "Status", "Quotations"};
    struct cfilter f = {.st = st, .saved = {st->f_date, st->f_status, st->f_flags}, .saved_date = st->filter_date,
                        .keep = pp_current_id(st)};
    const struct filter_panel fp = {"Filter the panel cases", 3, labels, &f, cfilter_value, cfilter_step,
                                    cfilter_clear, cfilter_restore, cfilter_list};
    filter_panel_run(st->ui, &fp);
    ui_message(st->ui, filtered(st) ? "%zu of %zu cases shown: F clears the filter" : "No filter: every case shown",
               st->shown.nview, st->n);
}

/* F: every case shown. */
static bool filter_cleared(void *pane)
{
    struct panel *st = pane;
    bool had = filtered(st);
    int64_t keep = pp_current_id(st);
    clear_filter(st);
    pp_refilter(st, keep);
    return had;
}

static const struct list_sort sort_orders = {COL_COUNT, column_desc, column_words, "highest or latest first",
                                         "lowest or earliest first"};

/* ---- keys -------------------------------------------------------------------------------------------- */

/* After the case's view closed: a search, sort or filter pressed there is
 * the list's; p there shows the pupil in the roll. */
static unsigned after_case(struct panel *st)
{
    struct list_then then = st->then;
    st->then.act = NULL;
    unsigned redraw;
    if (then.act && !ui_quitting(st->ui))
        list_pane_key(st->ui, st, &pane_panel.list_keys, then.act, then.key, &redraw);
    if (st->show_pupil) {
        int64_t pupil = st->show_pupil;
        st->show_pupil = 0;
        pp_show_pupil(st, pupil);
    }
    return REDRAW_ALL;
}

static unsigned panel_key(void *state, const struct action *act, int key)
{
    (void)key;
    struct panel *st = state;
    const struct panel_case_row *r = current_row(st);
    switch (act->id) {
    case ACT_OPEN:
        if (!r)
            return REDRAW_NONE;
        st->doc.top = 0;
        pp_run_case(st, r->id);
        return after_case(st);
    case ACT_ADD:
        pp_add_case(st); /* shows the new case */
        return after_case(st);
    case ACT_EDIT:
    case ACT_PANEL_EDIT_CASE: return pp_edit_case(st, pp_current_id(st));
    case ACT_DELETE: return pp_delete_case(st, pp_current_id(st));
    case ACT_PANEL_DECISION:
        pp_decide(st); /* then shows the case */
        return after_case(st);
    case ACT_PANEL_QUOTE:
        if (!r)
            return REDRAW_NONE;
        if (!pp_open_case(st, r->id))
            return REDRAW_ALL;
        pp_add_quote(st);
        pp_run_case(st, r->id);
        return after_case(st);
    case ACT_PANEL_CHOOSE:
        notice_say(st->ui, &st->notice, false, "Enter opens the case: c there chooses among its quotations");
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_PANEL_PUPIL: return pp_show_pupil(st, r ? r->pupil_id : 0);
    case ACT_PANEL_EXPORT: return pp_export_pack(st);
    case ACT_PANEL_DMT: return pp_export_report(st);
    default: return REDRAW_NONE;
    }
}

/* ---- the pane's functions ----------------------------------------------------------------------------- */

static void panel_open(void *state, struct ui *ui)
{
    struct panel *st = state;
    st->ui = ui;
    st->lv = (struct listview){.columns = columns, .ncolumns = COL_COUNT, .cell = list_cell, .ctx = st,
                               .sort_column = COL_PANEL, .sort_desc = true};
    st->sort_col = COL_PANEL;
    st->sort_desc = true;
    st->shown = (struct list_rows){.ops = &rows_ops, .ctx = st, .lv = &st->lv};
    st->dmt_from = st->dmt_to = DATE_NONE;
    st->filter_date = DATE_NONE;
    if (load_list(st))
        pp_refilter(st, 0);
}

static void panel_close(void *state)
{
    struct panel *st = state;
    free_flags(st);
    free(st->rows);
    list_rows_free(&st->shown);
    free(st->dates);
    calendar_free(&st->cal);
    pp_free_case(st);
    free(st->rec);
    docview_free(&st->doc);
}

static void panel_draw(void *state, WINDOW *body)
{
    struct panel *st = state;
    draw_list(st, body);
    pp_draw_notice(st, body);
}

/* Changes to these are nothing the panel pane shows. */
static const char *const panel_ignored[] = {
    "attendance_mark", "absence_call", "contact", "progress_entry", "tracking_action", "psp_target",
    "psp_review_progress", "psp_timetable", "qa_template_item", "provider_contact", "register_close", NULL,
};

static bool panel_reload(void *state, const struct view_change *what)
{
    (void)what;
    struct panel *st = state;
    list_rows_read(&st->shown, load_list, pp_refilter);
    return true;
}

static void panel_flags_changed(void *state)
{
    struct panel *st = state;
    list_rows_read(&st->shown, apply_list_flags, pp_refilter);
    if (st->in_case)
        apply_case_flags(st, false);
}

static const char *panel_detail(void *state)
{
    struct panel *st = state;
    if (!st->in_case)
        make_list_detail(st);
    else
        pp_make_case_detail(st);
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
    pp_run_case(st, (int64_t)id);
    after_case(st);
}

/* The notice shown on the list's last line until the next key. */
static struct notice *panel_notice(void *state)
{
    return &((struct panel *)state)->notice;
}

const struct pane_ops pane_panel = {
    .size = sizeof(struct panel),
    .title = "Panel",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PANEL,
    .hints = hints,
    .open = panel_open,
    .close = panel_close,
    .draw = panel_draw,
    .key = panel_key,
    .list_keys = {.sort = &sort_orders,
                  .search_size = SEARCH_MAX + 1,
                  .sorted = pp_refilter,
                  .filter = run_filter,
                  .clear_filter = filter_cleared,
                  .searching = &searching,
                  .cleared = "Filter cleared: every case shown",
                  .foot = draw_detail_line,
                  .rows = offsetof(struct panel, shown),
                  .search = offsetof(struct panel, search),
                  .sort_col = offsetof(struct panel, sort_col),
                  .sort_desc = offsetof(struct panel, sort_desc)},
    .reload = panel_reload,
    .ignored = panel_ignored,
    .detail = panel_detail,
    .flags_changed = panel_flags_changed,
    .show_record = panel_show_record,
    .help_line = panel_help_line,
    .notice = panel_notice,
};
