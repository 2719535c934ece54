#include "filterview.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"

struct filter_view {
    const struct filter_panel *fp;
    int focus;
};

static void filter_view_draw(void *self, WINDOW *w)
{
    struct filter_view *v = self;
    const struct filter_panel *fp = v->fp;
    draw_text(w, 0, 1, 0, fp->title, attr_of(ATTR_HEADER), DRAW_ELLIPSIS | DRAW_CLEAR);
    for (int i = 0; i < fp->nitems; i++) {
        char value[160], line[220];
        fp->value(fp->ctx, i, value, sizeof value);
        snprintf(line, sizeof line, "%-13s ‹ %s ›", fp->labels[i], value);
        draw_text(w, 1 + i, 3, 0, line, attr_of(i == v->focus ? ATTR_SELECTED : ATTR_NORMAL),
                  DRAW_ELLIPSIS | DRAW_CLEAR);
    }
    draw_text(w, 1 + fp->nitems, 1, 0, "↑/↓ choose  ←/→ change  Enter keep  F clear  Esc cancel", attr_of(ATTR_HINT),
              DRAW_ELLIPSIS | DRAW_CLEAR);
    fp->draw_list(fp->ctx, w, 2 + fp->nitems);
}

static enum view_key filter_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct filter_view *v = self;
    const struct filter_panel *fp = v->fp;
    if (!act)
        return VIEW_DONE;
    switch (act->id) {
    case ACT_KEEP_TEXT:
    case ACT_FILTER:
        return VIEW_CLOSE;
    case ACT_VIEW_CLOSE:
        fp->restore(fp->ctx);
        return VIEW_CLOSE;
    case ACT_FILTER_CLEAR:
        fp->clear_all(fp->ctx);
        return VIEW_CLOSE;
    case ACT_UP:
    case ACT_PREV_FIELD:
        v->focus = (v->focus + fp->nitems - 1) % fp->nitems;
        return VIEW_DONE;
    case ACT_DOWN:
    case ACT_NEXT_FIELD:
        v->focus = (v->focus + 1) % fp->nitems;
        return VIEW_DONE;
    case ACT_CHOICE_NEXT:
    case ACT_CHOICE_PREV:
        fp->step(fp->ctx, v->focus, act->id == ACT_CHOICE_NEXT ? 1 : -1);
        return VIEW_DONE;
    default:
        return VIEW_PASS;
    }
}

static const enum action_id filter_keys[] = {ACT_KEEP_TEXT, ACT_FILTER_CLEAR, ACT_FILTER, ACT_UP, ACT_DOWN,
                                             ACT_PREV_FIELD, ACT_NEXT_FIELD, ACT_CHOICE_NEXT, ACT_CHOICE_PREV,
                                             ACT_NONE};
static const enum action_id filter_hints[] = {ACT_KEEP_TEXT, ACT_NEXT_FIELD, ACT_CHOICE_NEXT, ACT_FILTER_CLEAR,
                                              ACT_NONE};
static const struct view_ops filter_view_ops_ = {
    .title = "the filter",
    .keys = filter_keys,
    .hints = filter_hints,
    .draw = filter_view_draw,
    .key = filter_view_key,
};

const struct view_ops *filter_panel_view_ops(void) { return &filter_view_ops_; }

void filter_panel_run(struct ui *ui, const struct filter_panel *fp)
{
    struct filter_view v = {.fp = fp};
    ui_message(ui, "Filter: ↑/↓ choose, ←/→ or Space change, Enter keeps it, F clears, Esc cancels");
    ui_run_view(ui, &filter_view_ops_, &v);
}
