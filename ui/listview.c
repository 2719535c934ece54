#include "listview.h"

#include "shell.h"
#include "draw.h"
#include "lineedit.h"
#include "pane.h"
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define CELL_MAX 512

/* Column widths for the window's width: the flexible column takes the rest. */
static void column_widths(const struct listview *lv, int total, int *widths)
{
    int fixed = 0, flex = -1;
    for (int c = 0; c < lv->ncolumns; c++) {
        widths[c] = lv->columns[c].width;
        fixed += widths[c] + 1;
        if (lv->columns[c].flex && flex < 0)
            flex = c;
    }
    int spare = total - fixed - 1; /* a column for the cursor marker */
    if (flex >= 0 && spare > 0)
        widths[flex] += spare;
    /* On a narrow window the last columns are simply cut at the edge. */
}

static void draw_row(struct listview *lv, int row)
{
    WINDOW *w = lv->win;
    int y = lv->y0 + (row - lv->top);
    if (row < lv->top || row >= lv->top + lv->height)
        return;
    int widths[32];
    column_widths(lv, getmaxx(w), widths);
    bool selected = row == lv->cursor;
    /* A narrow highlight: a marker and the first column only, so a move
     * repaints a few cells rather than two whole rows. */
    wmove(w, y, 0);
    wattron(w, attr_of(ATTR_SELECTED));
    waddstr(w, selected ? "▶" : "");
    wattroff(w, attr_of(ATTR_SELECTED));
    if (!selected)
        waddch(w, ' ');
    int x = 1;
    for (int c = 0; c < lv->ncolumns && c < 32; c++) {
        char text[CELL_MAX] = "";
        enum attr_meaning meaning = ATTR_NORMAL;
        lv->cell(lv->ctx, row, c, text, sizeof text, &meaning);
        attr_t attr = attr_of(meaning);
        if (selected && c == 0)
            attr = attr_of(ATTR_SELECTED);
        draw_cell_text(w, y, x, widths[c], text, attr, lv->columns[c].right);
        x += widths[c] + 1;
        if (x >= getmaxx(w))
            break;
    }
}

void listview_draw(struct listview *lv, WINDOW *w, int y, int height)
{
    lv->win = w;
    lv->y0 = y + 1;
    lv->height = height - 1;
    if (lv->height < 1)
        lv->height = 1;
    listview_select(lv, lv->cursor);
    int widths[32];
    column_widths(lv, getmaxx(w), widths);
    int x = 1;
    wmove(w, y, 0);
    wclrtoeol(w);
    for (int c = 0; c < lv->ncolumns && c < 32; c++) {
        char title[128];
        const char *arrow = c == lv->sort_column ? (lv->sort_desc ? "▼" : "▲") : "";
        snprintf(title, sizeof title, "%s%s", lv->columns[c].title, arrow);
        draw_cell_text(w, y, x, widths[c], title, attr_of(ATTR_HEADER), false);
        x += widths[c] + 1;
        if (x >= getmaxx(w))
            break;
    }
    for (int i = 0; i < lv->height; i++) {
        wmove(w, lv->y0 + i, 0);
        wclrtoeol(w);
        if (lv->top + i < lv->rows)
            draw_row(lv, lv->top + i);
    }
}

void listview_select(struct listview *lv, int row)
{
    if (row >= lv->rows)
        row = lv->rows - 1;
    if (row < 0)
        row = 0;
    lv->cursor = row;
    int h = lv->height > 0 ? lv->height : 1;
    if (lv->cursor < lv->top)
        lv->top = lv->cursor;
    if (lv->cursor >= lv->top + h)
        lv->top = lv->cursor - h + 1;
    if (lv->top > lv->rows - h)
        lv->top = lv->rows - h > 0 ? lv->rows - h : 0;
}

void listview_set_rows(struct listview *lv, int rows)
{
    lv->rows = rows;
    listview_select(lv, lv->cursor);
}

bool listview_move(struct listview *lv, enum action_id act)
{
    int target = lv->cursor, page = lv->height > 1 ? lv->height - 1 : 1;
    switch (act) {
    case ACT_UP: target--; break;
    case ACT_DOWN: target++; break;
    case ACT_PAGE_UP: target -= page; break;
    case ACT_PAGE_DOWN: target += page; break;
    case ACT_HOME: target = 0; break;
    case ACT_END: target = lv->rows - 1; break;
    default: return false;
    }
    if (lv->rows == 0)
        return true;
    int old = lv->cursor, old_top = lv->top;
    listview_select(lv, target);
    if (!lv->win)
        return true;
    if (lv->top != old_top) {
        /* Scrolled: the rows all moved. */
        for (int i = 0; i < lv->height; i++) {
            wmove(lv->win, lv->y0 + i, 0);
            wclrtoeol(lv->win);
            if (lv->top + i < lv->rows)
                draw_row(lv, lv->top + i);
        }
    } else if (old != lv->cursor) {
        draw_row(lv, old);
        draw_row(lv, lv->cursor);
    }
    return true;
}

const enum action_id listview_typing_keys[] = {ACT_KEEP_TEXT, ACT_GRID_UP, ACT_GRID_DOWN, ACT_GRID_PAGE_UP,
                                               ACT_GRID_PAGE_DOWN, ACT_NONE};

bool listview_typing_move(struct listview *lv, enum action_id act)
{
    switch (act) {
    case ACT_GRID_UP: return listview_move(lv, ACT_UP);
    case ACT_GRID_DOWN: return listview_move(lv, ACT_DOWN);
    case ACT_GRID_PAGE_UP: return listview_move(lv, ACT_PAGE_UP);
    case ACT_GRID_PAGE_DOWN: return listview_move(lv, ACT_PAGE_DOWN);
    default: return false;
    }
}

void listview_sort_key(struct ui *ui, const struct list_sort *t, int key, int *col, bool *desc)
{
    if (key == 'S') {
        *desc = !*desc;
    } else {
        *col = (*col + 1) % t->ncolumns;
        *desc = t->first_desc[*col];
    }
    if (t->words)
        ui_message(ui, "Sorted by %s, %s (s: next column, S: reverse)", t->words[*col], *desc ? t->desc : t->asc);
}

bool list_then_take(struct list_then *t, const struct action *act, int ret, wint_t ch)
{
    if (!act || (act->id != ACT_SEARCH && act->id != ACT_SORT && act->id != ACT_FILTER))
        return false;
    t->act = act;
    t->key = action_key(ret, ch);
    return true;
}

void list_rows_read(struct list_rows *r, bool (*read)(void *pane), void (*sorted)(void *pane, int64_t keep))
{
    int64_t keep = list_rows_current(r);
    if (read(r->ctx))
        sorted(r->ctx, keep);
}

bool list_rows_reserve(struct list_rows *r, size_t n)
{
    if (!n)
        n = 1;
    size_t *order = realloc(r->order, n * sizeof *order);
    if (!order)
        return false;
    r->order = order;
    size_t *view = realloc(r->view, n * sizeof *view);
    if (!view)
        return false;
    r->view = view;
    return true;
}

void list_rows_free(struct list_rows *r)
{
    free(r->order);
    free(r->view);
    r->order = r->view = NULL;
    r->n = r->nview = 0;
}

static const struct list_rows *sorting; /* qsort has no context argument */

static int compare_rows(const void *a, const void *b)
{
    return sorting->ops->compare(sorting->ctx, *(const size_t *)a, *(const size_t *)b);
}

void list_rows_sort(struct list_rows *r, bool natural, int64_t keep_id)
{
    for (size_t i = 0; i < r->n; i++)
        r->order[i] = i;
    if (!natural) {
        sorting = r;
        qsort(r->order, r->n, sizeof *r->order, compare_rows);
        sorting = NULL;
    }
    list_rows_filter(r, keep_id);
}

void list_rows_filter(struct list_rows *r, int64_t keep_id)
{
    if (r->prepare)
        r->prepare(r->ctx);
    r->nview = 0;
    for (size_t k = 0; k < r->n; k++)
        if (r->ops->shown(r->ctx, r->order[k]))
            r->view[r->nview++] = r->order[k];
    listview_set_rows(r->lv, (int)r->nview);
    list_rows_select(r, keep_id);
}

bool list_rows_select(struct list_rows *r, int64_t id)
{
    for (size_t i = 0; id && i < r->nview; i++)
        if (r->ops->id(r->ctx, r->view[i]) == id) {
            listview_select(r->lv, (int)i);
            return true;
        }
    return false;
}

int64_t list_rows_current(const struct list_rows *r)
{
    if (r->nview == 0 || r->lv->cursor < 0 || (size_t)r->lv->cursor >= r->nview)
        return 0;
    return r->ops->id(r->ctx, r->view[r->lv->cursor]);
}

void list_rows_search_draw(void *rows, WINDOW *w)
{
    struct list_rows *r = rows;
    r->ops->draw(r->ctx, w);
}

void list_rows_search_apply(void *rows, int64_t keep)
{
    list_rows_filter(rows, keep);
}

int64_t list_rows_search_current(void *rows)
{
    return list_rows_current(rows);
}

static struct lineedit **rows_typing(void *rows)
{
    return &((struct list_rows *)rows)->typing;
}

void list_rows_draw_typing(WINDOW *w, int y, struct lineedit *typing, const char *matches)
{
    int width = getmaxx(w);
    char text[128];
    draw_text(w, y, 1, 0, "Search:", attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
    int fx = 9, fw = width > 100 ? width / 4 : 20;
    if (fx + fw > width)
        fw = width - fx;
    snprintf(text, sizeof text, "%s · Enter keeps it, Esc clears it", matches);
    draw_text(w, y, fx + fw + 1, 0, text, attr_of(ATTR_NORMAL), DRAW_ELLIPSIS);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_set_width(typing, fw);
    lineedit_draw(w, y, fx, fw, typing, true); /* leaves the cursor in the field */
    wattrset(w, A_NORMAL);
}

bool list_rows_draw_state(struct list_rows *r, WINDOW *w, int y, const char *count, const char *one,
                          const char *many, const char *search, const char *filter, bool filter_count)
{
    wmove(w, y, 0);
    wclrtoeol(w);
    char matches[64], text[800];
    if (r->nview == 0)
        snprintf(matches, sizeof matches, "no %s matches", one);
    else if (r->nview == 1)
        snprintf(matches, sizeof matches, "%s %s matches", count, one);
    else
        snprintf(matches, sizeof matches, "%s %s match", count, many);
    if (r->typing) {
        list_rows_draw_typing(w, y, r->typing, matches);
        return true;
    }
    while (*search == ' ')
        search++;
    if (*search && filter[0])
        snprintf(text, sizeof text, "Search “%s”: %s · Filter: %s · Esc clears the search, F the filter", search,
                 matches, filter);
    else if (*search)
        snprintf(text, sizeof text, "Search “%s”: %s · Esc clears it", search, matches);
    else if (filter[0] && filter_count)
        snprintf(text, sizeof text, "Filter: %s · %s · F clears it", filter, matches);
    else if (filter[0])
        snprintf(text, sizeof text, "Filter: %s · F clears it", filter);
    else
        return false;
    draw_put(w, y, 1, text, ATTR_NORMAL);
    return true;
}

bool list_pane_key(struct ui *ui, void *pane, const struct list_keys *k, const struct action *act, int key,
                   unsigned *redraw)
{
    struct list_rows *r = (struct list_rows *)((char *)pane + k->rows);
    char *search = (char *)pane + k->search;
    int64_t id = list_rows_current(r);
    if (listview_move(r->lv, act->id)) {
        if (k->foot && r->lv->win)
            k->foot(r->ctx, r->lv->win);
        *redraw = REDRAW_PARTIAL | REDRAW_STATUS;
        return true;
    }
    *redraw = REDRAW_BODY | REDRAW_STATUS;
    switch (act->id) {
    case ACT_SEARCH: {
        if (k->searching) {
            *redraw = search_list(ui, k->searching, r, search, k->search_size, r->lv);
            return true;
        }
        static const struct search_ops ops = {list_rows_search_draw, list_rows_search_apply,
                                              list_rows_search_current, rows_typing, true};
        search_run(ui, search, k->search_size, k->search_hint, r->lv, &ops, r);
        *redraw = REDRAW_ALL;
        return true;
    }
    case ACT_BACK:
        if (!search[0]) {
            *redraw = REDRAW_NONE;
            return true;
        }
        search[0] = '\0';
        list_rows_filter(r, id);
        ui_message(ui, "Search cleared");
        return true;
    case ACT_SORT:
        if (!k->sort)
            return false;
        listview_sort_key(ui, k->sort, key, (int *)((char *)pane + k->sort_col), (bool *)((char *)pane + k->sort_desc));
        k->sorted(r->ctx, id);
        return true;
    case ACT_FILTER:
        if (!k->filter)
            return false;
        if (key == 'F') {
            bool had = k->clear_filter(r->ctx);
            ui_message(ui, "%s", !had ? "No filter to clear" : k->cleared ? k->cleared : "Filter cleared");
            return true;
        }
        k->filter(r->ctx);
        *redraw = REDRAW_ALL;
        return true;
    default: return false;
    }
}

void list_rows_summary(const struct list_rows *r, char *buf, size_t len, const char *one, const char *many,
                       const char *search, const char *const *filters, const char *sort_words, bool desc,
                       bool flags_known)
{
    int used;
    if (r->nview == r->n)
        used = snprintf(buf, len, "%zu %s", r->n, r->n == 1 ? one : many);
    else
        used = snprintf(buf, len, "%zu of %zu %s", r->nview, r->n, many);
    if (used < 0 || (size_t)used >= len)
        return;
    if (search[0])
        used += snprintf(buf + used, len - (size_t)used, " │ search \"%s\"", search);
    for (size_t i = 0; filters[i] && (size_t)used < len; i++)
        used += snprintf(buf + used, len - (size_t)used, "%s%s", i ? ", " : " │ filter: ", filters[i]);
    if ((size_t)used < len)
        used += snprintf(buf + used, len - (size_t)used, " │ by %s %s", sort_words, desc ? "▼" : "▲");
    if ((size_t)used < len && !flags_known)
        snprintf(buf + used, len - (size_t)used, " │ counting the flags…");
}

void list_rows_draw(struct list_rows *r, WINDOW *w, int y, const char *const why[4], bool searched, bool filtered)
{
    listview_draw(r->lv, w, y, getmaxy(w) - y - 1);
    if (r->nview)
        return;
    const char *text = r->n == 0 ? why[0] : searched && filtered ? why[1] : searched ? why[2] : why[3];
    draw_line(w, y + 2, 2, text, attr_of(ATTR_DIM));
}
