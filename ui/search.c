#include "search.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "lineedit.h"
#include "pane.h"

#define SEARCH_COLS 32

static void draw_prompt(WINDOW *w, struct lineedit *le)
{
    static const char label[] = " Search: ", keys[] = "  Enter keeps it, Esc clears it";
    int x = draw_text(w, 0, 0, 0, label, attr_of(ATTR_HEADER), DRAW_CLEAR);
    int cols = getmaxx(w) - x - 1;
    if (cols > SEARCH_COLS)
        cols = SEARCH_COLS;
    if (cols < 1)
        return;
    if (x + cols + utf8_width(keys) < getmaxx(w))
        draw_text(w, 0, x + cols, 0, keys, attr_of(ATTR_HINT), 0);
    lineedit_set_width(le, cols);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_draw(w, 0, x, cols, le, true);
    wattrset(w, A_NORMAL);
}

/* The search as a view on the shell's stack: every character is search
 * text; the arrows and the page keys move in the list meanwhile. */
struct search {
    struct ui *ui;
    char *buf;
    size_t size;
    struct listview *lv;
    const struct search_ops *ops;
    void *ctx;
    struct lineedit le;
    int64_t keep;
    const char *hint; /* on the status line while nothing else is said */
};

static void search_draw(void *self, WINDOW *w)
{
    struct search *s = self;
    if (s->hint)
        ui_message_if_quiet(s->ui, s->hint);
    curs_set(1);
    s->ops->draw(s->ctx, w);
    if (!s->ops->typing_of)
        draw_prompt(w, &s->le); /* last, so the cursor stays in the editor */
}

static enum view_key search_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct search *s = self;
    if (act) {
        switch (act->id) {
        case ACT_KEEP_TEXT:
            return VIEW_CLOSE;
        case ACT_VIEW_CLOSE: /* Esc clears the search */
            s->buf[0] = '\0';
            s->ops->apply(s->ctx, s->keep);
            return VIEW_CLOSE;
        default:
            if (!listview_typing_move(s->lv, act->id))
                return VIEW_PASS;
        }
        s->keep = s->ops->current(s->ctx);
        return VIEW_DONE;
    }
    if (listview_typing_key(s->ui, &s->le, ret, ch, s->buf, s->size)) {
        s->ops->apply(s->ctx, s->ops->to_first ? 0 : s->keep);
        if (s->ops->to_first)
            listview_select(s->lv, 0);
    }
    return VIEW_DONE;
}

static const enum action_id search_keys[] = {ACT_KEEP_TEXT, ACT_GRID_UP, ACT_GRID_DOWN, ACT_GRID_PAGE_UP,
                                             ACT_GRID_PAGE_DOWN, ACT_NONE};
static const struct view_ops search_view = {
    .title = "the search",
    .keys = search_keys,
    .draw = search_draw,
    .key = search_key,
    .takes_text = view_takes_text_always,
};

const struct view_ops *search_view_ops(void) { return &search_view; }

bool search_run(struct ui *ui, char *buf, size_t size, const char *hint, struct listview *lv,
                const struct search_ops *ops, void *ctx)
{
    struct search s = {.ui = ui, .buf = buf, .size = size, .lv = lv, .ops = ops, .ctx = ctx};
    if (lineedit_init(&s.le, buf, size - 1) != AP_OK) {
        lineedit_free(&s.le);
        ui_error(ui, "Out of memory");
        return false;
    }
    s.keep = ops->current(ctx);
    s.hint = hint;
    if (ops->typing_of)
        *ops->typing_of(ctx) = &s.le;
    ui_run_view(ui, &search_view, &s);
    if (ops->typing_of)
        *ops->typing_of(ctx) = NULL;
    curs_set(0);
    lineedit_free(&s.le);
    return true;
}

unsigned search_list(struct ui *ui, const struct list_search *ls, void *ctx, char *buf, size_t size,
                     struct listview *lv)
{
    bool had = buf[0] != '\0';
    if (!search_run(ui, buf, size, ls->hint, lv, &ls->ops, ctx))
        return REDRAW_STATUS;
    if (buf[0])
        ui_message(ui, "%d %s%s match \"%s\": Esc clears the search", lv->rows, ls->noun, lv->rows == 1 ? "" : "s",
                   buf);
    else
        ui_message(ui, "%s", had ? "Search cleared" : "");
    return REDRAW_ALL;
}

bool search_list_clear(struct ui *ui, const struct list_search *ls, void *ctx, char *buf)
{
    if (!buf[0])
        return false;
    int64_t keep = ls->ops.current(ctx);
    buf[0] = '\0';
    ls->ops.apply(ctx, keep);
    ui_message(ui, "Search cleared");
    return true;
}
