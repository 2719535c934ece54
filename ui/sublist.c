#include "sublist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pupil_views.h"
#include "shell.h"
#include "store.h"

const void *sublist_item(const struct sublist *s, size_t i)
{
    return (const char *)s->items + i * s->def->item_size;
}

void sublist_load(struct sublist *s, int64_t keep_id)
{
    const struct sublist_def *d = s->def;
    free(s->items);
    s->items = NULL;
    s->n = 0;
    if (d->read(s) != AP_OK)
        ui_error(s->ui, "The %s could not be read: %s", d->what, ap_error_detail());
    if (d->loaded)
        d->loaded(s);
    listview_set_rows(&s->lv, (int)s->n);
    for (size_t i = 0; i < s->n; i++)
        if (d->id(sublist_item(s, i)) == keep_id)
            listview_select(&s->lv, (int)i);
}

void sublist_draw(void *self, WINDOW *w)
{
    struct sublist *s = self;
    const struct sublist_def *d = s->def;
    werase(w);
    d->draw_head(s, w);
    int list_h = getmaxy(w) - d->list_y - d->below;
    if (list_h < 3)
        list_h = 3;
    listview_draw(&s->lv, w, d->list_y, list_h);
    if (s->n == 0)
        draw_text(w, d->list_y + 2, 3, 0, d->empty, attr_of(ATTR_DIM), DRAW_ELLIPSIS);
    else
        d->draw_foot(s, w, d->list_y + list_h, sublist_item(s, (size_t)s->lv.cursor));
}

void sublist_reload(void *self, const struct view_change *what)
{
    struct sublist *s = self;
    if (view_change_not_pupil(what, s->pupil_id))
        return; /* about another pupil */
    sublist_load(s, s->n ? s->def->id(sublist_item(s, (size_t)s->lv.cursor)) : 0);
}

/* a (ACT_ADD): a new row in its form. */
static void add_row(struct sublist *s, void *item)
{
    const struct sublist_def *d = s->def;
    char said[600];
    if (!ui_can_write(s->ui))
        return;
    memset(item, 0, d->item_size);
    d->init(s, item);
    if (d->form(s, item, false)) {
        ui_store_changed(s->ui);
        d->say(s, item, SAY_ADDED, said, sizeof said);
        ui_message(s->ui, "%s", said);
        sublist_load(s, d->id(item));
    }
}

/* Enter (ACT_OPEN) or e (ACT_EDIT): the row in its form, read-only for a viewer. */
static void edit_row(struct sublist *s, void *cur, bool edit)
{
    const struct sublist_def *d = s->def;
    char said[600];
    if (!cur || (edit && !ui_can_write(s->ui)))
        return;
    if (d->form(s, cur, !store_can_write(ui_store(s->ui)))) {
        ui_store_changed(s->ui);
        d->say(s, cur, SAY_SAVED, said, sizeof said);
        ui_message(s->ui, "%s", said);
    }
    sublist_load(s, d->id(cur));
}

/* d (ACT_DELETE): asks, deletes, and puts the cursor on the row after. */
static void delete_row(struct sublist *s, const void *cur)
{
    const struct sublist_def *d = s->def;
    char text[600];
    if (!cur || !ui_can_write(s->ui))
        return;
    size_t next = (size_t)s->lv.cursor + 1;
    int64_t keep = next < s->n ? d->id(sublist_item(s, next)) : 0;
    d->say(s, cur, SAY_DELETE_ASK, text, sizeof text);
    if (!ui_confirm(s->ui, text))
        return;
    if (d->remove(s, cur) != AP_OK) {
        ui_error(s->ui, "Not deleted: %s", ap_error_detail());
    } else {
        ui_store_changed(s->ui);
        d->say(s, cur, SAY_DELETED, text, sizeof text);
        ui_message(s->ui, "%s", text);
    }
    sublist_load(s, keep);
}

/* One of the list's own keys (its row_key) on the row cur. */
static enum view_key own_key(struct sublist *s, enum action_id id, void *cur)
{
    const struct sublist_def *d = s->def;
    if (!d->row_key)
        return VIEW_PASS;
    if (cur && ui_can_write(s->ui) && d->row_key(s, id, cur))
        sublist_load(s, d->id(cur));
    return VIEW_DONE;
}

enum view_key sublist_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct sublist *s = self;
    const struct sublist_def *d = s->def;
    if (!act)
        return VIEW_PASS;
    if (listview_move(&s->lv, act->id))
        return VIEW_DONE;
    /* A copy: the list may be read again while a form or question is open. */
    void *row = malloc(d->item_size), *cur = NULL;
    if (!row) {
        ui_error(s->ui, "Out of memory");
        return VIEW_DONE;
    }
    if (s->n) {
        memcpy(row, sublist_item(s, (size_t)s->lv.cursor), d->item_size);
        cur = row;
    }
    enum view_key r = VIEW_DONE;
    switch (act->id) {
    case ACT_ADD: add_row(s, row); break;
    case ACT_OPEN:
    case ACT_EDIT: edit_row(s, cur, act->id == ACT_EDIT); break;
    case ACT_VIEW_CLOSE: r = VIEW_PASS; break;
    case ACT_DELETE:
        if (d->remove)
            delete_row(s, cur);
        else
            r = VIEW_PASS;
        break;
    default: r = own_key(s, act->id, cur); break;
    }
    free(row);
    return r;
}

void sublist_run(struct ui *ui, struct sublist *s, const struct sublist_def *def, int64_t pupil_id)
{
    s->def = def;
    s->ui = ui;
    s->pupil_id = pupil_id;
    s->lv = (struct listview){.columns = def->columns, .ncolumns = def->ncolumns, .cell = def->cell, .ctx = s,
                              .sort_column = -1};
    pupil_views_name(ui, pupil_id, s->pupil, sizeof s->pupil);
    sublist_load(s, 0);
    ui_run_view(ui, &def->ops, s);
    free(s->items);
    s->items = NULL;
}
