#include "docview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "listview.h"
#include "notice.h"
#include "textedit.h"

void docview_clear(struct docview *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->lines[i].text);
    d->n = 0;
}

void docview_free(struct docview *d)
{
    docview_clear(d);
    free(d->lines);
    d->lines = NULL;
    d->cap = 0;
}

void docview_add(struct docview *d, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                 size_t len, int indent, int item)
{
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 64;
        struct doc_line *grown = realloc(d->lines, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        d->lines = grown;
        d->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    d->lines[d->n++] = (struct doc_line){kind, attr, label, copy, indent, item};
}

struct wrap_ctx {
    struct docview *d;
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;
    int indent, cont;
};

static void wrap_line(void *ctx, const char *line, size_t len, bool first)
{
    struct wrap_ctx *c = ctx;
    docview_add(c->d, c->kind, c->attr, first ? c->label : NULL, line, len, first ? c->indent : c->cont, -1);
}

void docview_wrap(struct docview *d, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                  int indent, int cont, int cols)
{
    struct wrap_ctx c = {d, kind, attr, label, indent, cont};
    textedit_wrap(text, cols, wrap_line, &c);
}

void docview_text(struct docview *d, enum attr_meaning attr, const char *text, int indent)
{
    docview_wrap(d, DOC_TEXT, attr, NULL, text, indent, indent, d->width - indent - 1);
}

void docview_field(struct docview *d, const char *label, const char *value, const char *empty)
{
    bool none = !value || !*value;
    docview_wrap(d, DOC_FIELD, none ? ATTR_DIM : ATTR_NORMAL, label, none ? (empty ? empty : "–") : value,
                 DOC_LABEL_COLS, DOC_LABEL_COLS, d->width - DOC_LABEL_COLS - 1);
}

void docview_clamp_top(struct docview *d)
{
    int max_top = d->n - d->height;
    if (d->top > max_top)
        d->top = max_top;
    if (d->top < 0)
        d->top = 0;
}

void docview_keep_cursor_visible(struct docview *d)
{
    if (d->item0 < 0)
        return;
    int line = d->item0 + d->cursor;
    if (line < d->top)
        d->top = line;
    if (line >= d->top + d->height)
        d->top = line - d->height + 1;
}

void docview_move(struct docview *d, enum action_id id, int nitems)
{
    int page = d->height > 1 ? d->height - 1 : 1;
    int line = d->item0 + d->cursor;
    bool visible = nitems && line >= d->top && line < d->top + d->height;
    switch (id) {
    case ACT_UP:
        if (visible && d->cursor > 0) {
            d->cursor--;
            docview_keep_cursor_visible(d);
        } else {
            d->top--;
        }
        break;
    case ACT_DOWN:
        if (visible && d->cursor < nitems - 1) {
            d->cursor++;
            docview_keep_cursor_visible(d);
        } else {
            d->top++;
        }
        break;
    case ACT_PAGE_UP: d->top -= page; break;
    case ACT_PAGE_DOWN: d->top += page; break;
    case ACT_HOME:
        d->top = 0;
        d->cursor = 0;
        break;
    case ACT_END:
        d->top = d->n;
        if (nitems)
            d->cursor = nitems - 1;
        break;
    default: break;
    }
    docview_clamp_top(d);
}

void docview_draw_line(struct docview *d, WINDOW *w, int i, doc_item_fn draw_item, void *ctx)
{
    int y = i - d->top;
    if (y < 0 || y >= d->height)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    if (i >= d->n)
        return;
    const struct doc_line *l = &d->lines[i];
    int width = getmaxx(w);
    switch (l->kind) {
    case DOC_TEXT: draw_cell_text(w, y, l->indent, width - l->indent, l->text, attr_of(l->attr), false); break;
    case DOC_FIELD:
        if (l->label)
            draw_cell_text(w, y, 3, DOC_LABEL_COLS - 4, l->label, attr_of(ATTR_DIM), false);
        draw_cell_text(w, y, DOC_LABEL_COLS, width - DOC_LABEL_COLS, l->text, attr_of(l->attr), false);
        break;
    case DOC_ITEM:
        if (l->item == d->cursor) {
            wattron(w, attr_of(ATTR_SELECTED));
            mvwaddstr(w, y, 0, "▶");
            wattroff(w, attr_of(ATTR_SELECTED));
        }
        draw_item(ctx, w, y, l);
        break;
    case DOC_ITEM_HEAD: draw_item(ctx, w, y, l); break;
    }
}

void docview_draw(struct docview *d, WINDOW *w, doc_item_fn draw_item, void *ctx)
{
    docview_clamp_top(d);
    for (int y = 0; y < d->height; y++)
        docview_draw_line(d, w, d->top + y, draw_item, ctx);
}

bool docview_more(const struct docview *d, char *buf, size_t len)
{
    if (d->n <= d->height)
        return false;
    bool below = d->top + d->height < d->n;
    snprintf(buf, len, "%s (lines %d–%d of %d)",
             below ? "↓ more below: PgDn, G for the end" : "↑ more above: PgUp, g for the top", d->top + 1,
             d->top + d->height, d->n);
    return true;
}

bool docview_record_key(struct docview *d, int nitems, struct notice *n, bool gone, struct list_then *then,
                        const struct action *act, int ret, wint_t ch, enum view_key *res)
{
    *res = notice_key_start(n, gone, act);
    if (*res != VIEW_DONE)
        return true;
    if (list_then_take(then, act, ret, ch)) {
        *res = VIEW_CLOSE; /* the list's key: back to it, and done there */
        return true;
    }
    if (action_is_move(act)) {
        docview_move(d, act->id, nitems);
        return true;
    }
    return false;
}
