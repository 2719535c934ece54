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
#include "prompt.h"

/* ---- Prompts: find a pupil, go to a date -------------------------------------------------- */

static bool row_matches(struct att *a, size_t i, const char *q)
{
    const struct grid_row *r = &a->rows[i];
    const struct roll_row *p = row_pupil(a, r);
    char legal[256];
    snprintf(legal, sizeof legal, "%s %s", p->legal_forename, p->legal_surname);
    return utf8_contains(p->display_name, q) || utf8_contains(legal, q) || utf8_contains(p->upn, q) ||
           utf8_contains(r->provider, q);
}

/* The next row matching q from `from` in direction step (wrapping); -1 when none. */
static int find_match(struct att *a, int from, int step, const char *q)
{
    read_rows(a, 0, a->nrows); /* every row's names, once */
    for (size_t k = 0; k < a->nrows; k++) {
        long i = ((long)from + step * (long)k) % (long)a->nrows;
        if (i < 0)
            i += (long)a->nrows;
        if (row_matches(a, (size_t)i, q))
            return (int)i;
    }
    return -1;
}

/* The grid beneath a prompt. */
static void draw_grid(void *ctx, WINDOW *w, struct lineedit *le)
{
    (void)le;
    struct att *a = ctx;
    werase(w);
    att_draw(a, w);
    ui_show_status(a->ui);
}

/* Find a pupil: a prompt over the grid, the matches under the cursor as typed. */
struct att_find {
    struct att *a;
    int start_row;
};

static void find_draw(void *ctx, WINDOW *w, struct lineedit *le)
{
    struct att_find *f = ctx;
    draw_grid(f->a, w, le);
}

static void find_hint(void *ctx, const char *q, char *after, size_t len)
{
    struct att_find *f = ctx;
    struct att *a = f->a;
    int matches = 0;
    for (size_t i = 0; q[0] && i < a->nrows; i++)
        matches += row_matches(a, i, q);
    if (!q[0])
        snprintf(after, len, "name, UPN or provider · Enter stays · Esc goes back");
    else if (!matches)
        snprintf(after, len, "no pupil matches · Esc goes back");
    else
        snprintf(after, len, "%d %s · ↓↑ next · Enter stays · Esc back", matches, matches == 1 ? "match" : "matches");
}

static void find_change(void *ctx, const char *q)
{
    struct att_find *f = ctx;
    struct att *a = f->a;
    int m = q[0] && a->nrows ? find_match(a, 0, 1, q) : -1;
    a->cur_row = m >= 0 ? m : f->start_row;
}

static void find_cancel(void *ctx)
{
    struct att_find *f = ctx;
    f->a->cur_row = f->start_row;
}

static void find_action(void *ctx, enum action_id id, const char *q)
{
    struct att_find *f = ctx;
    struct att *a = f->a;
    bool down = id == ACT_MATCH_NEXT;
    if (q[0] && a->nrows) {
        int m = find_match(a, a->cur_row + (down ? 1 : -1), down ? 1 : -1, q);
        if (m >= 0)
            a->cur_row = m;
    }
}

static const enum action_id find_keys[] = {ACT_KEEP_TEXT, ACT_MATCH_NEXT, ACT_MATCH_PREV, ACT_NONE};
static const struct prompt_spec find_prompt = {
    .title = "finding a pupil in the grid",
    .label = "Find:",
    .keys = find_keys,
    .draw = find_draw,
    .hint = find_hint,
    .on_change = find_change,
    .on_cancel = find_cancel,
    .on_action = find_action,
};

const struct prompt_spec *attendance_find_prompt(void) { return &find_prompt; }

void run_search(struct att *a)
{
    struct att_find f = {.a = a, .start_row = a->cur_row};
    prompt_run(a->ui, &find_prompt, &f, NULL, 100);
}

/* Go to a date: a prompt over the grid; a date it cannot read is said
 * after it closes. */
static bool goto_enter(void *ctx, const char *text)
{
    struct att *a = ctx;
    while (*text == ' ')
        text++;
    int date;
    if (!date_parse(text, a->today, &date)) {
        ui_error(a->ui, "\"%s\" is not a date: type YYYY-MM-DD, today, +1w or -3d", text);
        return true;
    }
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
    return true;
}

static const struct prompt_spec goto_prompt = {
    .title = "going to a date",
    .label = "Go to date:",
    .draw = draw_grid,
    .hint_text = "YYYY-MM-DD, today, +1w, -3d · Enter goes · Esc cancels",
    .on_enter = goto_enter,
};

const struct prompt_spec *attendance_goto_prompt(void) { return &goto_prompt; }

void run_goto(struct att *a)
{
    prompt_run(a->ui, &goto_prompt, a, NULL, 30);
}
