#include "search.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "lineedit.h"
#include "pane.h"
#include "prompt.h"

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

/* The search as a prompt (ui/prompt.h) over the list: every character is
 * search text; the arrows and the page keys move in the list meanwhile. */
struct search {
    struct ui *ui;
    char *buf;
    size_t size;
    struct listview *lv;
    const struct search_ops *ops;
    void *ctx;
    int64_t keep;
    const char *hint; /* on the status line while nothing else is said */
};

static void search_draw(void *self, WINDOW *w, struct lineedit *le)
{
    struct search *s = self;
    if (s->hint)
        ui_message_if_quiet(s->ui, s->hint);
    if (s->ops->typing_of)
        *s->ops->typing_of(s->ctx) = le; /* the pane draws the editor */
    s->ops->draw(s->ctx, w);
    if (!s->ops->typing_of)
        draw_prompt(w, le); /* last, so the cursor stays in the editor */
}

static void search_change(void *self, const char *text)
{
    struct search *s = self;
    snprintf(s->buf, s->size, "%s", text);
    s->ops->apply(s->ctx, s->ops->to_first ? 0 : s->keep);
    if (s->ops->to_first)
        listview_select(s->lv, 0);
}

static void search_cancel(void *self) /* Esc clears the search */
{
    struct search *s = self;
    s->buf[0] = '\0';
    s->ops->apply(s->ctx, s->keep);
}

static void search_move(void *self, enum action_id id, const char *text)
{
    (void)text;
    struct search *s = self;
    if (listview_typing_move(s->lv, id))
        s->keep = s->ops->current(s->ctx);
}

static const struct prompt_spec search_prompt = {
    .title = "the search",
    .label = "Search:",
    .keys = listview_typing_keys,
    .draw = search_draw,
    .draws_editor = true,
    .on_change = search_change,
    .on_cancel = search_cancel,
    .on_action = search_move,
};

const struct prompt_spec *search_prompt_spec(void) { return &search_prompt; }

bool search_run(struct ui *ui, char *buf, size_t size, const char *hint, struct listview *lv,
                const struct search_ops *ops, void *ctx)
{
    struct search s = {.ui = ui, .buf = buf, .size = size, .lv = lv, .ops = ops, .ctx = ctx, .hint = hint};
    s.keep = ops->current(ctx);
    enum prompt_end end = prompt_run(ui, &search_prompt, &s, buf, size - 1);
    if (ops->typing_of)
        *ops->typing_of(ctx) = NULL;
    return end != PROMPT_NO_MEMORY;
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
