/* The PSP pane (tab 5): the pupils with a Pastoral Support Programme, the
 * PSP editor and the review form. No SQL here: db/psp.h reads and writes,
 * each write one transaction.
 *
 * The list shows every open PSP (f adds the ceased ones): status, meeting
 * date, the next review with its due/overdue flag, the reduced-timetable
 * RAG, and a ✎ where this login has a draft kept. Enter opens the editor, a
 * creates a PSP for a pupil picked from the roll, r adds a review.
 *
 * The editor is one scrolling form (ui/form.h): the pupil's facts from the
 * roll, the initial-meeting form, the targets with their Outcome Sequence
 * checks, the agreements, signatures, review dates, the reviews so far, the
 * Mon-Fri timetable and the reduced-timetable section with the audit
 * matrix's RAG and reasons, recomputed as the fields change.
 *
 * Drafts: the form hands every changed field's text to ps_ed_draft (every few
 * seconds of typing, on leaving the field, and when the program is told to
 * quit or the terminal goes), which keeps it in psp_draft. Opening the PSP
 * again offers the drafts back; saving or a deliberate close discards them. */

#include "psp_pane.h"
#include "psp_parts.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "picker.h"
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "psp.h"
#include "print.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "view.h"
#include "textedit.h"
#include "utf8.h"



/* ---- small helpers ----------------------------------------------------------------- */

/* As a list shows it, but "Rec": the PSP list has room. */
static const char *short_year(int yg, char *buf, size_t len)
{
    if (yg == 0) {
        snprintf(buf, len, "Rec");
        return buf;
    }
    return rules_year_group_short(yg, buf, len);
}

/* Copies src into dst of size bytes, cut (if need be) where a character starts. */
void ps_copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && !utf8_is_char_start(src, strlen(src), n))
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}


/* Columns a form gives its inputs on this screen (ui/form.c's layout). */
int ps_form_input_cols(void)
{
    int cols = COLS - FORM_LABEL_COLS - 2;
    return cols > FORM_INPUT_MAX ? FORM_INPUT_MAX : cols < 10 ? 10 : cols;
}

/* Wrapped lines of text in cols columns (at most max), for read-only blocks. */
int ps_wrap_lines(const char *text, int cols, size_t *starts, size_t *ends, int max)
{
    size_t len = strlen(text), pos = 0;
    int n = 0;
    while (n < max) {
        size_t end;
        size_t next = textedit_next_line(text, len, pos, cols, &end);
        starts[n] = pos;
        ends[n] = end;
        n++;
        if (next == SIZE_MAX)
            break;
        pos = next;
    }
    return n;
}

/* ---- the pane's state ----------------------------------------------------------------- */



static const struct list_column columns[COL_COUNT] = {
    {"Pupil", 14, true, false},  {"Year", 4, false, false},         {"Status", 6, false, false},
    {"Meeting", 10, false, false}, {"Next review", 12, false, false}, {"RTT", 6, false, false},
    {"✎", 1, false, false},
};


static const char *const sort_words[SORT_COUNT] = {"pupil", "next review (overdue first)", "reduced timetable RAG"};
static const int sort_column[SORT_COUNT] = {COL_NAME, COL_REVIEW, COL_RTT};



static const enum action_id hints[] = {ACT_OPEN, ACT_ADD, ACT_PSP_REVIEW, ACT_SEARCH, ACT_FILTER, ACT_SORT, ACT_NONE};

/* ---- the list -------------------------------------------------------------------------- */

bool ps_load_list(void *pane)
{
    struct psp_pane *st = pane;
    struct psp_row *rows = NULL;
    size_t n = 0;
    ap_status rc = psp_list(ui_store(st->ui), ui_today(st->ui), &ui_config(st->ui)->th, st->with_ceased, &rows, &n);
    if (rc != AP_OK) {
        snprintf(st->load_error, sizeof st->load_error, "Could not read the PSPs: %s", ap_error_detail());
        return false;
    }
    if (!list_rows_reserve(&st->shown, n)) {
        free(rows);
        snprintf(st->load_error, sizeof st->load_error, "Out of memory reading the PSPs");
        return false;
    }
    free(st->rows);
    st->rows = rows;
    st->n = st->shown.n = n;
    st->shown.nview = 0;
    st->load_error[0] = '\0';
    return true;
}

static int review_rank(const struct psp_row *r)
{
    /* overdue, due soon, due later, drafts, ceased */
    if (strcmp(r->status, "ceased") == 0)
        return 4;
    if (strcmp(r->status, "draft") == 0)
        return 3;
    return r->review_level == FLAG_RED ? 0 : r->review_level == FLAG_AMBER ? 1 : 2;
}

static int compare_rows(const void *ctx, size_t a, size_t b)
{
    const struct psp_pane *st = ctx;
    const struct psp_row *x = &st->rows[a], *y = &st->rows[b];
    long d = 0;
    if (st->sort == SORT_REVIEW) {
        d = review_rank(x) - review_rank(y);
        if (!d && x->review_due != y->review_due)
            d = x->review_due < y->review_due ? -1 : 1;
    } else if (st->sort == SORT_RTT) {
        d = (long)y->rtt.level - (long)x->rtt.level; /* red first */
    }
    if (!d)
        d = a < b ? -1 : a > b; /* the store's order: by name */
    return d < 0 ? -1 : d > 0;
}

static bool row_shown(const void *ctx, size_t i)
{
    const struct psp_pane *st = ctx;
    return !st->search[0] || utf8_contains(st->rows[i].name, st->search);
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct psp_pane *)ctx)->rows[i].psp_id;
}

static void list_under(void *ctx, WINDOW *w);
static const struct list_rows_ops rows_ops = {row_shown, compare_rows, row_id, list_under};

static int64_t current_id(const struct psp_pane *st)
{
    return list_rows_current(&st->shown);
}

static const struct psp_row *current_row(const struct psp_pane *st)
{
    if (st->shown.nview == 0 || st->lv.cursor < 0 || (size_t)st->lv.cursor >= st->shown.nview)
        return NULL;
    return &st->rows[st->shown.view[st->lv.cursor]];
}

void ps_refilter(void *pane, int64_t keep)
{
    struct psp_pane *st = pane;
    list_rows_sort(&st->shown, false, keep);
    st->lv.sort_column = sort_column[st->sort];
    st->lv.sort_desc = false;
}

static void list_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct psp_pane *st = ctx;
    const struct psp_row *r = &st->rows[st->shown.view[row]];
    bool ceased = strcmp(r->status, "ceased") == 0;
    char d[11];
    buf[0] = '\0';
    switch (col) {
    case COL_NAME:
        snprintf(buf, len, "%s", r->name);
        if (ceased)
            *attr = ATTR_DIM;
        break;
    case COL_YEAR:
        short_year(r->year_group, buf, len);
        break;
    case COL_STATUS:
        snprintf(buf, len, "%s", label_brief(LABELS_PSP_STATUS, r->status));
        *attr = ceased ? ATTR_DIM : strcmp(r->status, "draft") == 0 ? ATTR_FLAG_AMBER : ATTR_NORMAL;
        break;
    case COL_MEETING:
        snprintf(buf, len, "%s", r->meeting_date == DATE_NONE ? "–" : date_format(r->meeting_date, d));
        if (r->meeting_date == DATE_NONE)
            *attr = ATTR_DIM;
        break;
    case COL_REVIEW:
        if (strcmp(r->status, "active") == 0 && r->review_due != DATE_NONE) {
            snprintf(buf, len, "%s%s", draw_flag_marker(r->review_level), date_format(r->review_due, d));
            *attr = draw_flag_attr(r->review_level);
        } else if (strcmp(r->status, "active") == 0) {
            snprintf(buf, len, "~none set");
            *attr = ATTR_FLAG_AMBER;
        } else {
            snprintf(buf, len, " %s", r->next_review_date == DATE_NONE ? "–" : date_format(r->next_review_date, d));
            *attr = ATTR_DIM;
        }
        break;
    case COL_RTT:
        if (r->rtt.level == FLAG_RED)
            snprintf(buf, len, "!red");
        else if (r->rtt.level == FLAG_AMBER)
            snprintf(buf, len, "~amber");
        else if (r->rtt.level == FLAG_GREEN)
            snprintf(buf, len, " green");
        *attr = draw_flag_attr(r->rtt.level);
        break;
    case COL_DRAFT:
        if (r->has_draft)
            snprintf(buf, len, "✎");
        *attr = ATTR_FLAG_AMBER;
        break;
    default:
        break;
    }
}

/* The row's flags in words, for the detail line and the status line. */
static void make_detail(struct psp_pane *st)
{
    st->detail[0] = '\0';
    const struct psp_row *r = current_row(st);
    if (!r)
        return;
    char d[11];
    size_t n = 0;
#define ADD(...)                                                                          \
    do {                                                                                  \
        if (n < sizeof st->detail)                                                        \
            n += (size_t)snprintf(st->detail + n, sizeof st->detail - n, __VA_ARGS__);   \
    } while (0)
    if (r->has_draft)
        ADD("✎ a draft of yours is kept (Enter offers it back). ");
    if (strcmp(r->status, "ceased") == 0)
        ADD("Ceased%s%s: kept read-only. ", r->end_date != DATE_NONE ? " on " : "",
            r->end_date != DATE_NONE ? date_format(r->end_date, d) : "");
    else if (strcmp(r->status, "draft") == 0)
        ADD("Draft: set it Active in the editor once it is agreed. ");
    if (rules_flag_raised(r->review_level))
        ADD("%s %s. ", draw_flag_marker(r->review_level), r->review_why);
    if (r->rtt.level != FLAG_NONE)
        ADD("%s %s", draw_flag_marker(r->rtt.level), r->rtt.why);
    if (!n)
        ADD("%d target%s, %d review%s%s%s", r->targets, r->targets == 1 ? "" : "s", r->reviews,
            r->reviews == 1 ? "" : "s", r->last_review != DATE_NONE ? ", last on " : "",
            r->last_review != DATE_NONE ? date_format(r->last_review, d) : "");
#undef ADD
}

static void draw_detail_line(void *pane, WINDOW *w)
{
    struct psp_pane *st = pane;
    int y = getmaxy(w) - 1;
    if (!notice_draw_foot(&st->notice, w, true)) /* the detail says when no row is shown */
        return;
    const struct psp_row *r = current_row(st);
    make_detail(st);
    enum flag_level worst = r ? rules_flag_worst(r->review_level, r->rtt.level) : FLAG_NONE;
    draw_line(w, y, 1, st->detail, attr_of(rules_flag_raised(worst) ? draw_flag_attr(worst) : ATTR_DIM));
}

static void draw_list_at(struct psp_pane *st, WINDOW *w, int y)
{
    listview_draw(&st->lv, w, y, getmaxy(w) - y - 1);
    if (st->shown.nview == 0) {
        const char *why = st->load_error[0] ? st->load_error
                          : st->n == 0     ? "No PSPs yet: press a to make one for a pupil."
                                           : "No PSP matches the search: Esc clears it.";
        draw_line(w, y + 2, 2, why, attr_of(st->load_error[0] ? ATTR_ERROR : ATTR_DIM));
    }
    draw_detail_line(st, w);
}

/* The pane's body: the list with its summary above it. */
static void psp_draw(void *state, WINDOW *w)
{
    struct psp_pane *st = state;
    char summary[400];
    int used = snprintf(summary, sizeof summary, "%zu %s PSP%s", st->shown.nview, st->with_ceased ? "" : "open",
                        st->shown.nview == 1 ? "" : "s");
    if (st->with_ceased && used > 0)
        used = snprintf(summary, sizeof summary, "%zu PSP%s, ceased ones too", st->shown.nview, st->shown.nview == 1 ? "" : "s");
    if (used > 0 && (size_t)used < sizeof summary && st->search[0])
        used += snprintf(summary + used, sizeof summary - (size_t)used, " │ search \"%s\"", st->search);
    if (used > 0 && (size_t)used < sizeof summary)
        snprintf(summary + used, sizeof summary - (size_t)used, " │ by %s │ ✎ a draft of yours", sort_words[st->sort]);
    draw_line(w, 0, 1, summary, attr_of(ATTR_DIM));
    draw_list_at(st, w, 1);
}

/* ---- a new PSP: the pupil picked from the roll ---------------------------------------------- */

struct picker {
    struct roll *roll;
    struct list_rows shown;
    struct listview lv;
    char search[SEARCH_MAX + 1];
    const struct psp_pane *st;
};

enum { PK_NAME, PK_YEAR, PK_UPN, PK_SCHOOL, PK_PSP, PK_COUNT };
static const struct list_column pick_columns[PK_COUNT] = {
    {"Pupil", 16, true, false}, {"Year", 4, false, false}, {"UPN", 13, false, false},
    {"Home school", 18, false, false}, {"PSP", 6, false, false},
};

static const struct psp_row *open_psp_of(const struct psp_pane *st, int64_t pupil_id)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->rows[i].pupil_id == pupil_id && strcmp(st->rows[i].status, "ceased") != 0)
            return &st->rows[i];
    return NULL;
}

static void pick_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct picker *pk = ctx;
    const struct roll_row *r = &pk->roll->rows[pk->shown.view[row]];
    buf[0] = '\0';
    switch (col) {
    case PK_NAME: snprintf(buf, len, "%s", r->display_name); break;
    case PK_YEAR: short_year(r->year_group, buf, len); break;
    case PK_UPN: snprintf(buf, len, "%s", r->upn); break;
    case PK_SCHOOL: snprintf(buf, len, "%s", r->home_school); break;
    case PK_PSP: {
        const struct psp_row *p = open_psp_of(pk->st, r->id);
        if (p) {
            snprintf(buf, len, "%s", label_brief(LABELS_PSP_STATUS, p->status));
            *attr = ATTR_DIM;
        }
        break;
    }
    default: break;
    }
}

static bool pick_shown(const void *ctx, size_t i)
{
    const struct picker *pk = ctx;
    const struct roll_row *r = &pk->roll->rows[i];
    return r->on_roll && (!pk->search[0] || utf8_contains(r->display_name, pk->search) ||
                          utf8_contains(r->legal_forename, pk->search) || utf8_contains(r->upn, pk->search));
}

static int64_t pick_id(const void *ctx, size_t i)
{
    return ((const struct picker *)ctx)->roll->rows[i].id;
}

static const struct list_rows_ops pick_rows = {pick_shown, NULL, pick_id, NULL};

static void pick_count(void *ctx, char *buf, size_t len)
{
    struct picker *pk = ctx;
    snprintf(buf, len, "  %zu pupil%s on roll", pk->shown.nview, pk->shown.nview == 1 ? "" : "s");
}

/* The pupil picked (0 when none): type to narrow by name or UPN (ui/picker.h). */
static int64_t pick_pupil(struct psp_pane *st)
{
    struct picker pk = {.st = st};
    if (roll_load(ui_store(st->ui), ui_today(st->ui), &pk.roll) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Could not read the roll: %s", ap_error_detail());
        return 0;
    }
    pk.shown = (struct list_rows){.ops = &pick_rows, .ctx = &pk, .lv = &pk.lv};
    if (!list_rows_reserve(&pk.shown, pk.roll->n)) {
        list_rows_free(&pk.shown);
        roll_free(pk.roll);
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return 0;
    }
    pk.shown.n = pk.roll->n;
    pk.lv = (struct listview){.columns = pick_columns, .ncolumns = PK_COUNT, .cell = pick_cell, .ctx = &pk,
                              .sort_column = -1};
    const struct picker_spec spec = {" New PSP for: ", "No pupil on roll matches: Backspace widens the search",
                                     &pk.shown, pk.search, sizeof pk.search, &pk, pick_count};
    ui_message(st->ui, "A new PSP: type part of the pupil's name or UPN, ↑/↓ choose, Enter picks, Esc cancels");
    int64_t chosen = 0;
    if (picker_view_run(st->ui, &spec))
        chosen = list_rows_current(&pk.shown);
    list_rows_free(&pk.shown);
    roll_free(pk.roll);
    ui_message(st->ui, "%s", "");
    return chosen;
}

static unsigned add_psp(struct psp_pane *st)
{
    if (!ui_can_write(st->ui))
        return REDRAW_STATUS;
    int64_t pupil = pick_pupil(st);
    if (!pupil || ui_quitting(st->ui))
        return REDRAW_ALL;
    struct store *s = ui_store(st->ui);
    int64_t existing = 0;
    if (psp_open_for_pupil(s, pupil, &existing) == AP_OK && existing) {
        ui_store_changed(st->ui);
        ps_refilter(st, existing);
        ui_message(st->ui, "That pupil already has an open PSP (one at a time): here it is");
        return ps_open_editor(st, existing);
    }
    int64_t id = 0;
    if (psp_create(s, pupil, ui_today(st->ui), ui_today(st->ui), &id) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "No PSP made: %s", ap_error_detail());
        return REDRAW_ALL;
    }
    ui_store_changed(st->ui);
    ps_refilter(st, id);
    ui_message(st->ui, "A draft PSP, meeting today, timetable from the placements: fill it in, ^S saves");
    return ps_open_editor(st, id);
}

/* ui_confirm, with the question also on the pane's last line: the status
 * line has little room at 80 columns. */
static bool confirm(struct psp_pane *st, const char *question)
{
    WINDOW *w = ui_body(st->ui);
    char text[400];
    snprintf(text, sizeof text, "%s (y/n)", question);
    draw_line(w, getmaxy(w) - 1, 1, text, attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(st->ui, question);
}

static unsigned delete_psp(struct psp_pane *st)
{
    const struct psp_row *r = current_row(st);
    if (!r)
        return REDRAW_NONE;
    if (!ui_can_write(st->ui))
        return REDRAW_STATUS;
    if (strcmp(r->status, "draft") != 0 || r->reviews) {
        notice_say(st->ui, &st->notice, true, "Only a draft PSP can be deleted; an agreed one is part of the pupil's record (a review ceases it)");
        return REDRAW_ALL;
    }
    struct psp *p = malloc(sizeof *p);
    if (!p)
        return REDRAW_NONE;
    char name[sizeof r->name];
    snprintf(name, sizeof name, "%s", r->name);
    char q[300];
    snprintf(q, sizeof q, "Delete the draft PSP of %s?", name);
    if (psp_get(ui_store(st->ui), r->psp_id, p) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
    } else if (!confirm(st, q)) {
        notice_say(st->ui, &st->notice, false, "Nothing deleted");
    } else if (psp_delete(ui_store(st->ui), p->id, p->version) == AP_OK) {
        notice_say(st->ui, &st->notice, false, "Deleted the draft PSP of %s", name);
        ui_store_changed(st->ui);
    } else {
        notice_say(st->ui, &st->notice, true, "Not deleted: %s", ap_error_detail());
    }
    free(p);
    return REDRAW_ALL;
}

/* ---- search ------------------------------------------------------------------------------------ */

/* The list under the search. */
static void list_under(void *ctx, WINDOW *w)
{
    draw_list_at(ctx, w, 1);
}

static const struct list_search searching = {
    .noun = "PSP",
    .hint = "Search by the pupil's name: Enter keeps it, Esc clears it",
    .ops = LIST_ROWS_SEARCH_OPS,
};

/* ---- the pane's functions ------------------------------------------------------------------------ */

static void psp_open(void *state, struct ui *ui)
{
    struct psp_pane *st = state;
    st->ui = ui;
    st->lv = (struct listview){.columns = columns, .ncolumns = COL_COUNT, .cell = list_cell, .ctx = st,
                               .sort_column = COL_NAME};
    st->shown = (struct list_rows){.ops = &rows_ops, .ctx = st, .lv = &st->lv};
    if (ps_load_list(st))
        ps_refilter(st, 0);
}

static void psp_close(void *state)
{
    struct psp_pane *st = state;
    free(st->rows);
    list_rows_free(&st->shown);
}

static unsigned psp_key(void *state, const struct action *act, int key)
{
    struct psp_pane *st = state;
    const struct psp_row *r = current_row(st);
    switch (act->id) {
    case ACT_OPEN:
    case ACT_EDIT:
        return ps_open_editor(st, current_id(st));
    case ACT_ADD:
        return add_psp(st);
    case ACT_PSP_REVIEW:
        return ps_add_review(st, current_id(st));
    case ACT_DELETE:
        return delete_psp(st);
    case ACT_PSP_PUPIL:
        if (!r)
            return REDRAW_NONE;
        ui_show_pupil(st->ui, (long long)r->pupil_id);
        return REDRAW_ALL;
    case ACT_PRINT:
        return r ? ui_print_psp(st->ui, current_id(st)) : REDRAW_NONE;
    case ACT_FILTER: {
        int64_t keep = current_id(st);
        st->with_ceased = key == 'F' ? false : !st->with_ceased;
        if (ps_load_list(st))
            ps_refilter(st, keep);
        ui_message(st->ui, st->with_ceased ? "Showing ceased PSPs too (read-only): f again for open ones only"
                                           : "Showing open PSPs only: f shows the ceased ones too");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    case ACT_SORT: {
        int64_t keep = current_id(st);
        st->sort = key == 'S' ? (enum sort_by)((st->sort + SORT_COUNT - 1) % SORT_COUNT)
                              : (enum sort_by)((st->sort + 1) % SORT_COUNT);
        ps_refilter(st, keep);
        ui_message(st->ui, "Sorted by %s (s: next, S: previous)", sort_words[st->sort]);
        return REDRAW_BODY | REDRAW_STATUS;
    }
    default:
        return REDRAW_NONE;
    }
}

/* Changes to these are nothing the PSP pane shows. */
static const char *const psp_ignored[] = {
    "absence_call", "contact", "provider_contact", "progress_entry", "tracking_action", "qa_visit",
    "qa_answer", "qa_template", "qa_template_item", "panel_case", "quote", "register_close", NULL,
};

static bool psp_reload(void *state, const struct view_change *what)
{
    (void)what;
    struct psp_pane *st = state;
    list_rows_read(&st->shown, ps_load_list, ps_refilter);
    return true;
}

static const char *psp_detail(void *state)
{
    struct psp_pane *st = state;
    make_detail(st);
    return st->detail[0] ? st->detail : NULL;
}

static const char *const psp_help_lines[] = {
    "",
    "In the editor: Tab/↓ next field, S-Tab/↑ previous, PgDn/PgUp a screen of",
    "fields, ^S saves (one transaction), Esc closes (asks if changed). Long",
    "text wraps: ↑/↓ by line, ^←/^→ by word, PgUp/PgDn through the text.",
    "Next review: reviews at least every few weeks (apterm.ini psp_review_weeks).",
    "RTT: the reduced-timetable audit matrix; ! red, ~ amber.",
    "What you type is kept as a draft (✎) if the connection drops; opening",
    "the PSP again offers it back: r restore, d discard.",
    NULL,
};

/* The notice shown on the list's last line until the next key. */
static struct notice *psp_notice(void *state)
{
    return &((struct psp_pane *)state)->notice;
}

const struct pane_ops pane_psp = {
    .size = sizeof(struct psp_pane),
    .title = "PSP",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PSP,
    .hints = hints,
    .open = psp_open,
    .close = psp_close,
    .draw = psp_draw,
    .key = psp_key,
    /* The moves and the search; the pane's sort and filter are its own. */
    .list_keys = {.search_size = SEARCH_MAX + 1,
                  .searching = &searching,
                  .foot = draw_detail_line,
                  .rows = offsetof(struct psp_pane, shown),
                  .search = offsetof(struct psp_pane, search)},
    .reload = psp_reload,
    .ignored = psp_ignored,
    .detail = psp_detail,
    .help_lines = psp_help_lines,
    .notice = psp_notice,
};
