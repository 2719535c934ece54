#include "filterview.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "labels.h"
#include "pupil_views.h"
#include "roll.h"

#include <string.h>

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
/* The hint line of the filter panel and of the filter menu. */
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

/* ---- the filter menu in a box ---- */

struct menu_view {
    const struct filter_menu *fm;
    int focus;
    bool apply;
};

static void menu_draw(void *self, WINDOW *w)
{
    struct menu_view *v = self;
    const struct filter_menu *fm = v->fm;
    fm->draw_under(fm->ctx, w);
    int width = getmaxx(w);
    int boxw = width < 80 ? width : 80;
    WINDOW *frame = derwin(w, fm->nitems + 6, boxw, 1, 0);
    if (frame) {
        werase(frame);
        box(frame, 0, 0);
        delwin(frame);
    }
    draw_text(w, 2, 2, boxw - 4, fm->title, attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
    int x = 19, cols = boxw - 21 < 4 ? 4 : boxw - 21;
    for (int i = 0; i < fm->nitems; i++) {
        int y = 4 + i;
        bool focused = i == v->focus;
        draw_text(w, y, 3, 1, focused ? "▶" : " ", attr_of(ATTR_SELECTED), 0);
        draw_text(w, y, 5, x - 6, fm->labels[i], attr_of(focused ? ATTR_HEADER : ATTR_NORMAL), DRAW_ELLIPSIS);
        if (i == fm->pick_item) {
            pick_draw(fm->pick, w, y, x, cols, focused);
            continue;
        }
        char value[160], shown[200];
        fm->value(fm->ctx, i, value, sizeof value);
        snprintf(shown, sizeof shown, "‹ %s ›", value);
        draw_text(w, y, x, cols, shown, attr_of(focused ? ATTR_SELECTED : ATTR_FIELD), DRAW_PAD | DRAW_ELLIPSIS);
    }
    draw_text(w, 5 + fm->nitems, 2, boxw - 4,
              v->focus == fm->pick_item ? "↑↓ choose  ←/→ change  type to find  F clear all  Enter apply  Esc cancel"
                                        : "↑↓ choose  ←/→ or Space change  F clear all  Enter apply  Esc cancel",
              attr_of(ATTR_HINT), DRAW_ELLIPSIS);
}

static bool menu_takes_text(void *self)
{
    struct menu_view *v = self;
    return v->focus == v->fm->pick_item; /* the provider is picked by typing its name */
}

static enum view_key menu_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct menu_view *v = self;
    const struct filter_menu *fm = v->fm;
    bool picking = v->focus == fm->pick_item;
    enum action_id id = act ? act->id : ACT_NONE;
    switch (id) {
    case ACT_KEEP_TEXT:
        v->apply = true;
        return VIEW_CLOSE;
    case ACT_VIEW_CLOSE:
        return VIEW_CLOSE;
    case ACT_FILTER_CLEAR:
        if (picking && fm->pick->query[0])
            break; /* an F in the provider's name */
        fm->clear_all(fm->ctx);
        return VIEW_DONE;
    case ACT_PREV_FIELD:
    case ACT_UP:
        if (picking && id == ACT_UP && ret == OK)
            break; /* a k in the provider's name */
        v->focus = (v->focus + fm->nitems - 1) % fm->nitems;
        return VIEW_DONE;
    case ACT_NEXT_FIELD:
    case ACT_DOWN:
        if (picking && id == ACT_DOWN && ret == OK)
            break; /* a j in the provider's name */
        v->focus = (v->focus + 1) % fm->nitems;
        return VIEW_DONE;
    default:
        break;
    }
    if (picking) {
        pick_key(fm->pick, ret, ch);
        return VIEW_DONE;
    }
    if (id != ACT_CHOICE_NEXT && id != ACT_CHOICE_PREV)
        return VIEW_PASS;
    fm->step(fm->ctx, v->focus, id == ACT_CHOICE_NEXT ? 1 : -1);
    return VIEW_DONE;
}

static const enum action_id menu_keys[] = {ACT_KEEP_TEXT,   ACT_NEXT_FIELD,  ACT_PREV_FIELD,   ACT_UP, ACT_DOWN,
                                           ACT_CHOICE_NEXT, ACT_CHOICE_PREV, ACT_FILTER_CLEAR, ACT_NONE};
static const struct view_ops menu_view_ops_ = {
    .title = "the filter",
    .keys = menu_keys,
    .hints = filter_hints,
    .draw = menu_draw,
    .key = menu_key,
    .takes_text = menu_takes_text,
};

const struct view_ops *filter_menu_view_ops(void) { return &menu_view_ops_; }

bool filter_menu_run(struct ui *ui, const struct filter_menu *fm)
{
    struct menu_view v = {.fm = fm};
    ui_run_view(ui, &menu_view_ops_, &v);
    return v.apply && !ui_quitting(ui);
}

void filter_menu_providers(struct ui *ui, struct pick *p, int64_t keep_id)
{
    if (pick_add(p, 0, "any provider") != AP_OK) {
        ui_error(ui, "Out of memory");
        return;
    }
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(ui), &ui_config(ui)->th, ui_today(ui), &pl) != AP_OK) {
        ui_error(ui, "The providers could not be read: %s", ap_error_detail());
        provider_list_free(pl);
        return;
    }
    for (size_t i = 0; i < pl->n; i++) {
        if (pl->rows[i].pupils_now == 0 && pl->rows[i].id != keep_id)
            continue;
        char label[200];
        snprintf(label, sizeof label, "%s (%d placed)", pl->rows[i].name, pl->rows[i].pupils_now);
        if (pick_add(p, pl->rows[i].id, label) != AP_OK) {
            ui_error(ui, "Out of memory: not every provider is offered");
            break;
        }
    }
    provider_list_free(pl);
}

void filter_menu_provider_name(struct pick *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s", pick_label(p));
    char *paren = strrchr(buf, '(');
    if (paren && paren > buf)
        paren[-1] = '\0';
}

void filter_menu_take_provider(struct pick *p, int64_t *provider, char *name, size_t len)
{
    *provider = *p->value;
    name[0] = '\0';
    if (*provider)
        filter_menu_provider_name(p, name, len);
}

int filter_menu_label(const struct label *table, const char *code)
{
    int rank = label_rank(table, code);
    return rank == LABEL_RANK_UNKNOWN ? 0 : rank + 1;
}
