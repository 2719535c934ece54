#ifndef APTERM_FILTERVIEW_H
#define APTERM_FILTERVIEW_H

/* The filter panel of a list pane: a few items, each a choice stepped with
 * ←/→ (the list below narrows as it changes), ↑/↓ or j/k between them, Enter
 * or f keeps the filter, F clears it, Esc puts back what was there. A view
 * on the shell's stack (ui/view.h); the pane supplies the items. */

#include <curses.h>
#include <stddef.h>

#include "shell.h"

struct filter_panel {
    const char *title;          /* "Filter the providers" */
    int nitems;
    const char *const *labels;  /* nitems labels: "Status" */
    void *ctx;
    /* The item's current choice as shown: "active only". */
    void (*value)(void *ctx, int item, char *buf, size_t len);
    /* Step the item's choice by +1 or -1, and narrow the list. */
    void (*step)(void *ctx, int item, int step);
    /* Clear every item (F), and narrow the list. */
    void (*clear_all)(void *ctx);
    /* Put back the filter as it was when the panel opened (Esc). */
    void (*restore)(void *ctx);
    /* Draw the list from line y down. */
    void (*draw_list)(void *ctx, WINDOW *w, int y);
};

/* Runs the panel until Enter, f, F or Esc. */
void filter_panel_run(struct ui *ui, const struct filter_panel *fp);

#endif
