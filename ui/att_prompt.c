/* The attendance grid's prompts: find a pupil (the matches under the
 * cursor as typed) and go to a date, each a view over the grid. */

#include "att_prompt.h"
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

#include "att_draw.h"
#include "att_mark.h"

/* ---- Prompts: find a pupil, go to a date -------------------------------------------------- */

static bool row_matches(const struct att *a, size_t i, const char *q)
{
    const struct grid_row *r = &a->rows[i];
    const struct roll_row *p = row_pupil(a, r);
    char legal[256];
    snprintf(legal, sizeof legal, "%s %s", p->legal_forename, p->legal_surname);
    return utf8_contains(p->display_name, q) || utf8_contains(legal, q) || utf8_contains(p->upn, q) ||
           utf8_contains(r->provider, q);
}

/* The next row matching q from `from` in direction step (wrapping); -1 when none. */
static int find_match(const struct att *a, int from, int step, const char *q)
{
    for (size_t k = 0; k < a->nrows; k++) {
        long i = ((long)from + step * (long)k) % (long)a->nrows;
        if (i < 0)
            i += (long)a->nrows;
        if (row_matches(a, (size_t)i, q))
            return (int)i;
    }
    return -1;
}

/* Draws the body with a prompt on the title line; the terminal's cursor is
 * left in the field. */
static void draw_prompt(struct att *a, const char *label, struct lineedit *le, const char *after)
{
    WINDOW *w = ui_body(a->ui);
    werase(w);
    att_draw(a, w);
    wmove(w, 0, 0);
    wclrtoeol(w);
    int width = getmaxx(w);
    int lw = utf8_width(label);
    put_fit(w, 0, 1, label, lw, attr_of(ATTR_HEADER), 0);
    int fx = 2 + lw, fw = width / 3 > 16 ? width / 3 : 16;
    if (fx + fw > width)
        fw = width - fx;
    put_fit(w, 0, fx + fw + 1, after, width - fx - fw - 1, attr_of(ATTR_HINT), UTF8_FIT_ELLIPSIS);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_set_width(le, fw);
    lineedit_draw(w, 0, fx, fw, le, true);
    wattrset(w, A_NORMAL);
    ui_show_status(a->ui);
    wnoutrefresh(w);
}

/* Find a pupil: a view over the grid, the matches under the cursor as typed. */
struct att_find {
    struct att *a;
    struct lineedit le;
    int start_row;
};

static void find_draw(void *self, WINDOW *w)
{
    (void)w;
    struct att_find *f = self;
    struct att *a = f->a;
    const char *q = lineedit_text(&f->le);
    int matches = 0;
    for (size_t i = 0; q[0] && i < a->nrows; i++)
        matches += row_matches(a, i, q);
    char after[120];
    if (!q[0])
        snprintf(after, sizeof after, "name, UPN or provider · Enter stays · Esc goes back");
    else if (!matches)
        snprintf(after, sizeof after, "no pupil matches · Esc goes back");
    else
        snprintf(after, sizeof after, "%d %s · ↓↑ next · Enter stays · Esc back", matches,
                 matches == 1 ? "match" : "matches");
    curs_set(1);
    draw_prompt(a, "Find:", &f->le, after);
}

static enum view_key find_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct att_find *f = self;
    struct att *a = f->a;
    const char *q = lineedit_text(&f->le);
    if (act) {
        switch (act->id) {
        case ACT_KEEP_TEXT:
            return VIEW_CLOSE;
        case ACT_VIEW_CLOSE:
            a->cur_row = f->start_row;
            return VIEW_CLOSE;
        case ACT_MATCH_NEXT:
        case ACT_MATCH_PREV: {
            bool down = act->id == ACT_MATCH_NEXT;
            if (q[0] && a->nrows) {
                int m = find_match(a, a->cur_row + (down ? 1 : -1), down ? 1 : -1, q);
                if (m >= 0)
                    a->cur_row = m;
            }
            return VIEW_DONE;
        }
        default:
            return VIEW_PASS;
        }
    }
    enum lineedit_result r = lineedit_key(&f->le, ret, ch);
    if (r == LINEEDIT_CHANGED) {
        q = lineedit_text(&f->le);
        int m = q[0] && a->nrows ? find_match(a, 0, 1, q) : -1;
        a->cur_row = m >= 0 ? m : f->start_row;
    } else if (r == LINEEDIT_REFUSED) {
        ui_error(a->ui, "Find: %s", lineedit_reason(&f->le));
    }
    return VIEW_DONE;
}

static const enum action_id find_keys[] = {ACT_KEEP_TEXT, ACT_MATCH_NEXT, ACT_MATCH_PREV, ACT_NONE};
static const struct view_ops find_view = {
    .title = "finding a pupil in the grid",
    .keys = find_keys,
    .draw = find_draw,
    .key = find_key,
    .takes_text = view_takes_text_always,
};

const struct view_ops *attendance_find_view_ops(void) { return &find_view; }

void run_search(struct att *a)
{
    struct att_find f = {.a = a, .start_row = a->cur_row};
    if (lineedit_init(&f.le, NULL, 100) != AP_OK) {
        ui_error(a->ui, "Out of memory");
        return;
    }
    ui_run_view(a->ui, &find_view, &f);
    curs_set(0);
    lineedit_free(&f.le);
}

/* Go to a date: a view over the grid. */
struct att_goto {
    struct att *a;
    struct lineedit le;
    bool go;
};

static void goto_draw(void *self, WINDOW *w)
{
    (void)w;
    struct att_goto *g = self;
    curs_set(1);
    draw_prompt(g->a, "Go to date:", &g->le, "YYYY-MM-DD, today, +1w, -3d · Enter goes · Esc cancels");
}

static enum view_key goto_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct att_goto *g = self;
    if (act && act->id == ACT_KEEP_TEXT) {
        g->go = true;
        return VIEW_CLOSE;
    }
    if (act)
        return VIEW_PASS;
    if (lineedit_key(&g->le, ret, ch) == LINEEDIT_REFUSED)
        ui_error(g->a->ui, "Go to date: %s", lineedit_reason(&g->le));
    return VIEW_DONE;
}

static const enum action_id goto_keys[] = {ACT_KEEP_TEXT, ACT_NONE};
static const struct view_ops goto_view = {
    .title = "going to a date",
    .keys = goto_keys,
    .draw = goto_draw,
    .key = goto_key,
    .takes_text = view_takes_text_always,
};

const struct view_ops *attendance_goto_view_ops(void) { return &goto_view; }

void run_goto(struct att *a)
{
    struct att_goto g = {.a = a};
    struct lineedit *lep = &g.le;
    if (lineedit_init(lep, NULL, 30) != AP_OK) {
        ui_error(a->ui, "Out of memory");
        return;
    }
    ui_run_view(a->ui, &goto_view, &g);
    bool go = g.go && !ui_quitting(a->ui);
    struct lineedit le = g.le;
    curs_set(0);
    if (go) {
        const char *text = lineedit_text(&le);
        while (*text == ' ')
            text++;
        int date;
        if (!date_parse(text, a->today, &date)) {
            ui_error(a->ui, "\"%s\" is not a date: type YYYY-MM-DD, today, +1w or -3d", text);
        } else {
            int wd = date_weekday(date);
            int col = wd > 4 ? NSESS - 1 : wd * 2;
            if (date == a->today && current_col(a) >= 0)
                col = current_col(a);
            show_week(a, date, cursor_pupil(a), col);
            char d[24];
            day_text(date, d, sizeof d);
            if (wd > 4)
                ui_message(a->ui, "%s is a weekend: showing the week before it", d);
            else if (!a->school[wd])
                ui_message(a->ui, "%s is not a school day (holiday or closure)", d);
        }
    }
    lineedit_free(&le);
}
