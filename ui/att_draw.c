/* Drawing the attendance grid: its layout, cells, rows, summary and title. */

#include "att_draw.h"
#include "panes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attr.h"
#include "draw.h"
#include "calendar.h"
#include "date.h"
#include "flags.h"
#include "form.h"
#include "register.h"
#include "lineedit.h"
#include "marks.h"
#include "provider.h"
#include "roll.h"
#include "rules.h"
#include "shell.h"
#include "utf8.h"

static const char *const day_names[5] = {"Mon", "Tue", "Wed", "Thu", "Fri"};

/* ---- Drawing ------------------------------------------------------------------------ */

static void layout(struct att *a, int width, int height)
{
    int left = width - GRID_W - 1 - 2 - 1; /* less the grid, its gap, the markers, the name's gap */
    if (left < 12)
        left = 12;
    a->name_w = left * 55 / 100;
    if (a->name_w > 32)
        a->name_w = 32;
    a->prov_w = left - a->name_w;
    if (a->prov_w > 40)
        a->prov_w = 40;
    a->grid_x = 2 + a->name_w + 1 + a->prov_w + 1;
    a->rows_h = height - HEAD_LINES;
    if (a->rows_h < 1)
        a->rows_h = 1;
}

static int cell_x(const struct att *a, int col)
{
    return a->grid_x + (col / 2) * DAY_W + (col % 2) * CELL_W;
}

static int row_y(const struct att *a, int row)
{
    return HEAD_LINES + row - a->top;
}

static bool row_visible(const struct att *a, int row)
{
    return row >= a->top && row < a->top + a->rows_h && (size_t)row < a->nrows;
}

/* What a cell shows: three columns, the code in the middle. */
static void cell_look(const struct att *a, const struct grid_row *r, int col, char out[16], enum attr_meaning *m)
{
    const struct cell *c = &r->c[col];
    *m = ATTR_NORMAL;
    if (c->code) {
        const struct code_info *info = code_of(a, c->code);
        bool changed = c->reported && c->reported != c->code;
        snprintf(out, 16, " %c%s", c->code, changed ? "*" : " ");
        if (info && info->category == CAT_UNAUTHORISED)
            *m = ATTR_FLAG_RED;
    } else if (!a->school[col / 2]) {
        snprintf(out, 16, " – ");
        *m = ATTR_DIM;
    } else if (!expected_at(r, col)) {
        snprintf(out, 16, " · ");
        *m = ATTR_DIM;
    } else if (started(a, col)) {
        snprintf(out, 16, " ? ");
        *m = ATTR_MISSING;
    } else {
        snprintf(out, 16, " _ ");
    }
}

void draw_cell(struct att *a, WINDOW *w, int row, int col)
{
    if (!row_visible(a, row))
        return;
    char text[16];
    enum attr_meaning m;
    cell_look(a, &a->rows[row], col, text, &m);
    bool cursor = row == a->cur_row && col == a->cur_col;
    wattrset(w, attr_of(cursor ? ATTR_SELECTED : m));
    mvwaddstr(w, row_y(a, row), cell_x(a, col), text);
    wattrset(w, A_NORMAL);
}

static void draw_row(struct att *a, WINDOW *w, int row)
{
    if (!row_visible(a, row))
        return;
    const struct grid_row *r = &a->rows[row];
    const struct roll_row *p = row_pupil(a, r);
    int y = row_y(a, row);
    wmove(w, y, 0);
    wclrtoeol(w);
    if (r->run == FLAG_RED)
        put_fit(w, y, 0, "!", 1, attr_of(ATTR_FLAG_RED), 0);
    else if (r->run == FLAG_AMBER)
        put_fit(w, y, 0, "~", 1, attr_of(ATTR_FLAG_AMBER), 0);
    char name[260];
    snprintf(name, sizeof name, "%s%s", p->display_name, p->on_roll ? "" : " (left)");
    put_fit(w, y, 2, name, a->name_w, attr_of(p->on_roll ? ATTR_NORMAL : ATTR_DIM), UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
    put_fit(w, y, 2 + a->name_w + 1, r->provider, a->prov_w, attr_of(ATTR_DIM), UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
    for (int col = 0; col < NSESS; col++)
        draw_cell(a, w, row, col);
}

/* The week's attendance of a row: false when no possible session. */
static bool week_pct(const struct att *a, const struct grid_row *r, double *pct)
{
    struct attendance_tally t = {{0}};
    for (int col = 0; col < NSESS; col++) {
        const struct code_info *info = code_of(a, r->c[col].code);
        if (info)
            rules_tally_add(&t, info->category);
    }
    return rules_attendance_pct(&t, pct);
}

/* The summary of the cursor's session and the cursor's pupil. Numbers have
 * a fixed width (the digits of the row count), so that a mark or a move
 * rewrites a digit or two on the terminal, not the line. Shorter words when
 * the line would not fit in cols. */
static void summary_text(const struct att *a, char *buf, size_t len, int cols)
{
    char where[40];
    int col = a->cur_col;
    snprintf(where, sizeof where, "%s %s", day_names[col / 2], session_word(col_session(col)));
    if (!a->school[col / 2]) {
        snprintf(buf, len, "%s: not a school day (holiday or closure): no register", where);
        return;
    }
    int expected = 0, marked = 0, unreported = 0, absent = 0;
    for (size_t i = 0; i < a->nrows; i++) {
        const struct grid_row *r = &a->rows[i];
        bool exp = expected_at(r, col);
        expected += exp;
        if (r->c[col].code) {
            marked++;
            absent += is_absence(code_of(a, r->c[col].code));
        } else if (exp) {
            unreported++;
        }
    }
    int dg = a->nrows >= 10000 ? 5 : a->nrows >= 1000 ? 4 : a->nrows >= 100 ? 3 : a->nrows >= 10 ? 2 : 1;
    char pupil[64] = "";
    if (a->nrows) {
        const struct grid_row *r = &a->rows[a->cur_row];
        double wk, term;
        char wks[12] = "   –", terms[12] = "   –";
        if (week_pct(a, r, &wk))
            snprintf(wks, sizeof wks, "%3d%%", (int)wk);
        struct attendance_tally t = {{0}};
        t.n[CAT_PRESENT] = r->term_attending;
        t.n[CAT_UNAUTHORISED] = r->term_possible - r->term_attending;
        if (r->term_possible > 0 && rules_attendance_pct(&t, &term))
            snprintf(terms, sizeof terms, "%3d%%", (int)term);
        snprintf(pupil, sizeof pupil, " │ wk %s term %s", wks, terms); /* the pupil's */
    }
    /* Before a session begins its unmarked pupils are still to come, not missing. */
    bool begun = started(a, col);
    snprintf(buf, len, "%s: %*d expected, %*d marked, %*d %s, %*d absent%s", where, dg, expected, dg, marked, dg,
             unreported, begun ? "unreported" : "to come", dg, absent, pupil);
    if (utf8_width(buf) > cols)
        snprintf(buf, len, "%s %*d expected %*d marked %*d %s %*d absent%s", where, dg, expected, dg, marked, dg,
                 unreported, begun ? "unrep." : "to come", dg, absent, pupil);
}

static void draw_summary(struct att *a, WINDOW *w)
{
    char text[300];
    if (a->nrows)
        row_term(a, &a->rows[a->cur_row]); /* the cursor's pupil's term figure */
    summary_text(a, text, sizeof text, getmaxx(w) - 2);
    put_fit(w, 1, 1, text, getmaxx(w) - 1, A_NORMAL, UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
}

static void title_text(const struct att *a, char *buf, size_t len)
{
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(a->week, &y1, &m1, &d1);
    date_to_ymd(a->week + 4, &y2, &m2, &d2);
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char span[48];
    if (m1 == m2)
        snprintf(span, sizeof span, "%d–%d %s %d", d1, d2, months[m2 - 1], y2);
    else
        snprintf(span, sizeof span, "%d %s – %d %s %d", d1, months[m1 - 1], d2, months[m2 - 1], y2);
    char who[80];
    if (a->all)
        snprintf(who, sizeof who, "%zu on roll (a: expected)", a->nrows);
    else
        snprintf(who, sizeof who, "%zu expected (a: all)", a->nrows);
    /* The state, each with the key that changes it, and the keys the hint
     * line has no room for at 80 columns. */
    snprintf(buf, len, "%s · %s · by %s (@) · : date  ! calls", span, who, mark_source_name(a->via));
}

void att_draw(void *state, WINDOW *w)
{
    struct att *a = state;
    int width = getmaxx(w), height = getmaxy(w);
    layout(a, width, height);
    if (!a->loaded) {
        put_fit(w, 0, 1, "Attendance: not loaded (see the message below); Ctrl-L tries again", width - 1,
                attr_of(ATTR_HEADER), 0);
        return;
    }
    /* Keep the cursor on screen. */
    if (a->cur_row < a->top)
        a->top = a->cur_row;
    if (a->cur_row >= a->top + a->rows_h)
        a->top = a->cur_row - a->rows_h + 1;
    if (a->top < 0)
        a->top = 0;
    char title[400];
    title_text(a, title, sizeof title);
    put_fit(w, 0, 1, title, width - 1, attr_of(ATTR_HEADER), UTF8_FIT_ELLIPSIS);
    draw_summary(a, w);
    /* Headings: the days, then AM/PM. */
    put_fit(w, 3, 2, a->by_name ? "Pupil ▲" : "Pupil (^O)", a->name_w, attr_of(ATTR_HEADER), 0);
    put_fit(w, 3, 2 + a->name_w + 1, a->by_name ? "Provider (^O)" : "Provider ▲", a->prov_w, attr_of(ATTR_HEADER),
            0);
    for (int d = 0; d < 5; d++) {
        int day = a->week + d, y, m, dd;
        date_to_ymd(day, &y, &m, &dd);
        char head[16];
        snprintf(head, sizeof head, "%s %d", day_names[d], dd);
        int x = a->grid_x + d * DAY_W;
        enum attr_meaning hm = day == a->today ? ATTR_TAB_ACTIVE : a->school[d] ? ATTR_HEADER : ATTR_DIM;
        put_fit(w, 2, x, head, DAY_W - 1, attr_of(hm), UTF8_FIT_PAD);
        put_fit(w, 3, x, a->school[d] ? " am pm" : "closed", DAY_W - 1, attr_of(a->school[d] ? ATTR_HEADER : ATTR_DIM),
                0);
    }
    if (a->nrows == 0) {
        put_fit(w, HEAD_LINES + 1, 3,
                a->all ? "Nobody is on roll." : "No pupil is timetabled this week: a shows everyone on roll.",
                width - 4, attr_of(ATTR_DIM), 0);
        return;
    }
    for (int row = a->top; row < a->top + a->rows_h && (size_t)row < a->nrows; row++)
        draw_row(a, w, row);
}

/* A cursor move: repaints the old and the new cell (and the pointers and
 * the summary when they change), or the body when it must scroll. */
unsigned move_to(struct att *a, int row, int col)
{
    if (a->nrows == 0)
        row = 0;
    else if (row < 0)
        row = 0;
    else if ((size_t)row >= a->nrows)
        row = (int)a->nrows - 1;
    col = col < 0 ? 0 : col >= NSESS ? NSESS - 1 : col;
    int old_row = a->cur_row, old_col = a->cur_col;
    const char *old_detail = a->nrows ? a->rows[old_row].run_why : NULL;
    a->cur_row = row;
    a->cur_col = col;
    const char *new_detail = a->nrows ? a->rows[row].run_why : NULL;
    unsigned status = old_detail != new_detail ? REDRAW_STATUS : 0;
    if (row < a->top || row >= a->top + a->rows_h) {
        /* Scroll by half a page, so that a run down the column repaints seldom. */
        a->top = row - a->rows_h / 2;
        if (a->top + a->rows_h > (int)a->nrows)
            a->top = (int)a->nrows - a->rows_h;
        if (a->top < 0)
            a->top = 0;
        return REDRAW_BODY | status;
    }
    /* Only the two cells (no row marker: the bench's budget is 100 bytes a
     * move), the summary when its figures change, the new cell last. */
    WINDOW *w = ui_body(a->ui);
    draw_summary(a, w);
    draw_cell(a, w, old_row, old_col);
    draw_cell(a, w, row, col);
    return REDRAW_PARTIAL | status;
}

/* A cell changed in place (a mark): its cell and the summary. */
unsigned repaint_cell(struct att *a, int row, int col)
{
    WINDOW *w = ui_body(a->ui);
    draw_cell(a, w, row, col);
    draw_summary(a, w);
    return REDRAW_PARTIAL;
}
