#ifndef APTERM_SEARCH_H
#define APTERM_SEARCH_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineedit.h"
#include "listview.h"
#include "shell.h"

/* Search as you type, the same in every list pane: a line editor on the
 * body's first line ("Search: "), the list narrowing below it with each key,
 * ↑/↓/PgUp/PgDn moving in the list meanwhile; Enter keeps the search, Esc
 * clears it. The pane supplies how to draw itself and how to filter. */
struct search_ops {
    /* Draw the pane from the body's second line down (the list). */
    void (*draw)(void *ctx, WINDOW *w);
    /* Filter by the text now in the search buffer, keeping the cursor on
     * the record with id keep when it is still shown. */
    void (*apply)(void *ctx, int64_t keep);
    /* The id of the record under the cursor, 0 for none. */
    int64_t (*current)(void *ctx);
    /* The pane draws the search line itself, from the editor put in
     * *typing while the search runs (the roll, tracking); NULL: the search
     * draws it on the body's first line. */
    struct lineedit **(*typing_of)(void *ctx);
    /* As the text changes the cursor goes to the first match (true) or
     * stays on the record it was on (false). */
    bool to_first;
};

/* Runs the search; buf (size bytes) holds the search text before and after.
 * hint goes on the status line while typing. False only when out of memory
 * (nothing changed). */
bool search_run(struct ui *ui, char *buf, size_t size, const char *hint, struct listview *lv,
                const struct search_ops *ops, void *ctx);

/* A list pane's search as a table: what its rows are, the hint, and the
 * search's callbacks. search_list runs it (`/`) and says the outcome on
 * the status line ("3 providers match "cwm": Esc clears the search"),
 * with the list refiltered and the cursor kept. */
struct list_search {
    const char *noun;   /* one row: "provider" (more: "providers") */
    const char *hint;
    struct search_ops ops;
};
unsigned search_list(struct ui *ui, const struct list_search *ls, void *ctx, char *buf, size_t size,
                     struct listview *lv);

#endif
