#include "picker.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "lineedit.h"
#include "prompt.h"

#define PICKER_COLS 30

/* The picker is a prompt (ui/prompt.h) drawn over its list. */

/* The rows matching the search, the cursor on the first. */
static void narrow(struct list_rows *rows)
{
    list_rows_filter(rows, 0);
    listview_select(rows->lv, 0);
}

static void picker_draw(void *self, WINDOW *w, struct lineedit *le)
{
    const struct picker_spec *sp = self;
    int x = draw_text(w, 0, 0, 0, sp->label, attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
    int cols = getmaxx(w) - x - 1;
    if (cols > PICKER_COLS)
        cols = PICKER_COLS;
    if (cols < 1)
        cols = 1;
    char count[120] = "";
    sp->count(sp->ctx, count, sizeof count);
    draw_text(w, 0, x + cols, 0, count, attr_of(ATTR_DIM), DRAW_ELLIPSIS);
    listview_draw(sp->rows->lv, w, 1, getmaxy(w) - 1);
    if (sp->rows->lv->rows == 0)
        draw_text(w, 3, 2, 0, sp->empty, attr_of(ATTR_DIM), DRAW_ELLIPSIS);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_set_width(le, cols);
    lineedit_draw(w, 0, x, cols, le, true);
    wattrset(w, A_NORMAL);
}

static void picker_change(void *self, const char *text)
{
    const struct picker_spec *sp = self;
    snprintf(sp->search, sp->size, "%s", text);
    narrow(sp->rows);
}

/* Enter picks the row under the cursor; nothing when no row matches. */
static bool picker_enter(void *self, const char *text)
{
    (void)text;
    const struct picker_spec *sp = self;
    return sp->rows->lv->rows != 0;
}

static void picker_move(void *self, enum action_id id, const char *text)
{
    (void)text;
    const struct picker_spec *sp = self;
    listview_typing_move(sp->rows->lv, id);
}

static const struct prompt_spec picker_prompt = {
    .title = "the picker",
    .label = "Search:",
    .keys = listview_typing_keys,
    .draw = picker_draw,
    .draws_editor = true,
    .on_change = picker_change,
    .on_enter = picker_enter,
    .on_action = picker_move,
};

const struct prompt_spec *picker_prompt_spec(void) { return &picker_prompt; }

bool picker_view_run(struct ui *ui, const struct picker_spec *spec)
{
    list_rows_sort(spec->rows, true, 0);
    narrow(spec->rows);
    return prompt_run(ui, &picker_prompt, (void *)spec, spec->search, spec->size - 1) == PROMPT_ENTERED;
}
