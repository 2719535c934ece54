#include "picker.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "lineedit.h"

#define PICKER_COLS 30

struct picker_state {
    struct ui *ui;
    const struct picker_spec *spec;
    struct lineedit le;
    bool picked;
};

/* The rows matching the search, the cursor on the first. */
static void narrow(struct list_rows *rows)
{
    list_rows_filter(rows, 0);
    listview_select(rows->lv, 0);
}

static void picker_draw(void *self, WINDOW *w)
{
    struct picker_state *p = self;
    const struct picker_spec *sp = p->spec;
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
    lineedit_set_width(&p->le, cols);
    curs_set(1);
    lineedit_draw(w, 0, x, cols, &p->le, true);
    wattrset(w, A_NORMAL);
}

static enum view_key picker_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct picker_state *p = self;
    const struct picker_spec *sp = p->spec;
    if (act) {
        switch (act->id) {
        case ACT_KEEP_TEXT:
            if (sp->rows->lv->rows == 0)
                return VIEW_DONE;
            p->picked = true;
            return VIEW_CLOSE;
        default: return listview_typing_move(sp->rows->lv, act->id) ? VIEW_DONE : VIEW_PASS;
        }
    }
    if (listview_typing_key(p->ui, &p->le, ret, ch, sp->search, sp->size))
        narrow(sp->rows);
    return VIEW_DONE;
}

static const enum action_id picker_keys[] = {ACT_KEEP_TEXT, ACT_GRID_UP, ACT_GRID_DOWN, ACT_GRID_PAGE_UP,
                                             ACT_GRID_PAGE_DOWN, ACT_NONE};
static const struct view_ops picker_view = {
    .title = "the picker",
    .keys = picker_keys,
    .draw = picker_draw,
    .key = picker_key,
    .takes_text = view_takes_text_always,
};

const struct view_ops *picker_view_ops(void) { return &picker_view; }

bool picker_view_run(struct ui *ui, const struct picker_spec *spec)
{
    struct picker_state p = {.ui = ui, .spec = spec};
    if (lineedit_init(&p.le, spec->search, spec->size - 1) != AP_OK) {
        lineedit_free(&p.le);
        ui_error(ui, "Out of memory");
        return false;
    }
    list_rows_sort(spec->rows, true, 0);
    narrow(spec->rows);
    ui_run_view(ui, &picker_view, &p);
    curs_set(0);
    lineedit_free(&p.le);
    return p.picked && !ui_quitting(ui);
}
