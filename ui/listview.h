#ifndef APTERM_LISTVIEW_H
#define APTERM_LISTVIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "attr.h"

struct ui;

/* A generic list of rows with column headings, a cursor and scrolling. The
 * owner supplies the cells through a callback; the list knows nothing of
 * pupils or providers. A cursor move repaints the old and the new row only. */

struct list_column {
    const char *title;
    int width;      /* columns; the flexible column gets what is left too */
    bool flex;
    bool right;     /* right-aligned (numbers) */
};

/* Fills buf (UTF-8) with the text of a cell and may set *attr (a meaning). */
typedef void (*list_cell_fn)(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr);

struct listview {
    const struct list_column *columns;
    int ncolumns;
    list_cell_fn cell;
    void *ctx;
    int rows;       /* number of rows */
    int cursor;     /* selected row, 0 when empty */
    int top;        /* first visible row */
    int sort_column, sort_desc; /* shown as ▲/▼ in the heading; -1: none */
    /* Set by listview_draw: where the list is in the window. */
    WINDOW *win;
    int y0, height; /* first row line, number of row lines */
};

/* Draws the heading at line y and the rows below it, using height lines in all. */
void listview_draw(struct listview *lv, WINDOW *w, int y, int height);

/* Moves for ACT_UP/DOWN/PAGE_UP/PAGE_DOWN/HOME/END. Returns true when the
 * action was a move (the rows that changed are already drawn). */
bool listview_move(struct listview *lv, enum action_id act);

/* The moves in a list while text is typed above it (a search, a picker):
 * ACT_GRID_UP, _DOWN, _PAGE_UP, _PAGE_DOWN (the arrows and the page keys).
 * True when the action was one (and the cursor moved). */
bool listview_typing_move(struct listview *lv, enum action_id act);
/* The keys of text typed above a list: Enter (ACT_KEEP_TEXT) and those
 * moves; ACT_NONE-terminated. */
extern const enum action_id listview_typing_keys[];

/* Sets the row count (after a reload or a filter), keeping the cursor in range. */
void listview_set_rows(struct listview *lv, int rows);
/* Puts the cursor on a row and scrolls so that it is visible (no drawing). */
void listview_select(struct listview *lv, int row);

/* The rows a list pane shows, as indexes into the pane's own array of n
 * rows: every row in the sort order (order), less those its filter and
 * search hide (view, shown in the list view lv). The pane gives the
 * callbacks, each with its ctx. */
struct list_rows_ops {
    bool (*shown)(const void *ctx, size_t row);
    /* The sort order: < 0 when row a comes before row b. */
    int (*compare)(const void *ctx, size_t a, size_t b);
    int64_t (*id)(const void *ctx, size_t row);
    /* Draws the pane under a view over its list (the search): the list
     * from the body's second line down. */
    void (*draw)(void *ctx, WINDOW *w);
};
struct list_rows {
    const struct list_rows_ops *ops;
    void *ctx;
    struct listview *lv;
    size_t n;
    size_t *order, *view;
    size_t nview;
    struct lineedit *typing;    /* while a search is typed (list_keys' search_hint): its editor */
    /* NULL, or called with ctx before the rows are filtered, to ready what
     * ops->shown compares (the roll folds its rows and the search once). */
    void (*prepare)(void *ctx);
};
/* A list pane's rows read again by read (false: they could not be, and
 * are as they were), then sorted and filtered again by sorted with the
 * cursor kept on the same record. */
void list_rows_read(struct list_rows *r, bool (*read)(void *pane), void (*sorted)(void *pane, int64_t keep));
/* Room for n rows (to be set in n once the pane holds them); false when out
 * of memory, the rows as they were. */
bool list_rows_reserve(struct list_rows *r, size_t n);
void list_rows_free(struct list_rows *r);
/* Sorts (natural: the rows' own order, not compare), then filters. */
void list_rows_sort(struct list_rows *r, bool natural, int64_t keep_id);
/* The rows shown again, the cursor on keep_id when it is still shown, else
 * on the line it was on (after a reload: the row that took its place). */
void list_rows_filter(struct list_rows *r, int64_t keep_id);
/* Puts the cursor on the row with id when shown; false when not. */
bool list_rows_select(struct list_rows *r, int64_t id);
/* The id of the row under the cursor; 0 when none. */
int64_t list_rows_current(const struct list_rows *r);
/* The search over a list pane's rows (ui/search.h's search_ops, ctx the
 * struct list_rows): the pane's draw, the rows filtered, the cursor's id;
 * LIST_ROWS_SEARCH_OPS, a struct list_search's ops. */
void list_rows_search_draw(void *rows, WINDOW *w);
void list_rows_search_apply(void *rows, int64_t keep);
int64_t list_rows_search_current(void *rows);
#define LIST_ROWS_SEARCH_OPS                                                                                    \
    {.draw = list_rows_search_draw, .apply = list_rows_search_apply, .current = list_rows_search_current}

/* Draws the list from line y (its heading) to the window's last line but
 * one and, when no row is shown, why on the second row's line: why[0] when
 * the pane has no rows at all, else why[1] searched and filtered, why[2]
 * searched, why[3] filtered. */
void list_rows_draw(struct list_rows *r, WINDOW *w, int y, const char *const why[4], bool searched, bool filtered);

/* What a list pane shows, in words, for the line above its list:
 * "3 of 40 providers │ search "cwm" │ filter: active, flagged │ by name ▲",
 * then " │ counting the flags…" until the flags are known. filters: the
 * words of the filter's parts that are set, NULL-terminated. */
void list_rows_summary(const struct list_rows *r, char *buf, size_t len, const char *one, const char *many,
                       const char *search, const char *const *filters, const char *sort_words, bool desc,
                       bool flags_known);

/* A list pane's own keys, taken the same way in every pane that gives them
 * here: the moves (j/k, arrows, PgUp/PgDn, g/G), / searches, Esc clears a
 * search kept, s and S sort (as sort says), f opens the filter, F clears
 * it. The callbacks get the pane (the rows' ctx). */
struct list_search;
struct list_keys {
    const struct list_sort *sort;  /* NULL: s and S are the pane's own */
    /* The search typed on the pane's own line (the pane draws it, from the
     * rows' typing, with list_rows_draw_typing), the cursor going to the
     * first match: its hint and the size of the search text. */
    const char *search_hint;
    size_t search_size;
    void (*sorted)(void *pane, int64_t keep);  /* sort again after s or S */
    void (*filter)(void *pane);                /* NULL: f and F are the pane's own */
    bool (*clear_filter)(void *pane);          /* false: there was none */
    /* Or the search as a view over the list, its outcome said on the status
     * line (ui/search.h's search_list); then search_hint is not used. */
    const struct list_search *searching;
    /* What F says when it cleared a filter (NULL: "Filter cleared"); with
     * none, F says "No filter to clear". */
    const char *cleared;
    /* After a cursor move, once the list is drawn: the pane's line under the
     * list drawn again (the row's detail); NULL when it has none. */
    void (*foot)(void *pane, WINDOW *w);
    /* Where the pane's state holds what the keys act on, as offsetof: its
     * rows (a struct list_rows), its search text (search_size bytes) and,
     * with sort, its sort column (an int) and direction (a bool). */
    size_t rows, search, sort_col, sort_desc;
};
/* Acts on such a key in the pane (its state): true with what to redraw in
 * *redraw, false (nothing done) for any other action. */
bool list_pane_key(struct ui *ui, void *pane, const struct list_keys *k, const struct action *act, int key,
                   unsigned *redraw);
/* The search line while the search is typed: "Search:", the field, then
 * matches ("12 pupils match") and how to end it. */
void list_rows_draw_typing(WINDOW *w, int y, struct lineedit *typing, const char *matches);
/* Line y of a list pane that searches as it is typed: the search being
 * typed (list_rows_draw_typing), else the search kept and the filter (its
 * words) with how to clear them. count: the rows shown, in figures; one and
 * many: a row and rows ("pupil", "pupils"); filter_count: the count is said
 * with a filter alone too. False, the line cleared, when neither is on (the
 * line is the pane's). */
bool list_rows_draw_state(struct list_rows *r, WINDOW *w, int y, const char *count, const char *one,
                          const char *many, const char *search, const char *filter, bool filter_count);

/* A list's sort orders as a table of its columns, the same keys in every
 * list: s the next column in its first direction, S the other way. */
struct list_sort {
    int ncolumns;
    const bool *first_desc;        /* each column's first direction: biggest or latest first */
    const char *const *words;      /* each column in words ("Sorted by ..."); NULL: nothing said */
    const char *desc, *asc;        /* the directions in words: "highest first", "lowest first" */
};
/* A list's own key pressed in a record opened from it (search, sort,
 * filter): list_then_take keeps it (true) so that the record's view closes
 * and the list does it then; false for any other action. */
struct list_then {
    const struct action *act;
    int key;
};
bool list_then_take(struct list_then *t, const struct action *act, int ret, wint_t ch);

/* ACT_SORT with key s or S: changes *col and *desc (and says so when the
 * table has words); the owner sorts again. */
void listview_sort_key(struct ui *ui, const struct list_sort *t, int key, int *col, bool *desc);

#endif
