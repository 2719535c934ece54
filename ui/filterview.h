#ifndef APTERM_FILTERVIEW_H
#define APTERM_FILTERVIEW_H

/* The filter panel of a list pane: a few items, each a choice stepped with
 * ←/→ (the list below narrows as it changes), ↑/↓ or j/k between them, Enter
 * or f keeps the filter, F clears it, Esc puts back what was there. A view
 * on the shell's stack (ui/view.h); the pane supplies the items. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A filter menu in a box over the list (the roll, tracking), as a table:
 * items that are choices stepped with ←/→ or Space, and at most one chosen
 * by typing its name (the provider). ↑/↓ between items, Enter applies, F
 * clears every item, Esc cancels. */
struct pick;
struct filter_menu {
    const char *title;          /* "Filter the roll" */
    int nitems;
    const char *const *labels;  /* nitems labels: "Cohort" */
    int pick_item;              /* the item chosen by typing a name; -1: none */
    struct pick *pick;          /* its choices */
    void *ctx;
    /* An item's current choice as shown: "any cohort". */
    void (*value)(void *ctx, int item, char *buf, size_t len);
    /* Step an item's choice by +1 or -1. */
    void (*step)(void *ctx, int item, int step);
    /* Clear every item (F). */
    void (*clear_all)(void *ctx);
    /* Draw the pane under the box. */
    void (*draw_under)(void *ctx, WINDOW *w);
};

/* Runs the menu: true when the user applied it (Enter). */
bool filter_menu_run(struct ui *ui, const struct filter_menu *fm);

/* The providers pupils are placed with now (and keep_id, whatever), as the
 * choices of a filter's provider item after "any provider":
 * "Cwm Eilir Farm (3 placed)". Says so when they cannot be read. */
void filter_menu_providers(struct ui *ui, struct pick *p, int64_t keep_id);
/* The chosen provider's name, without the "(3 placed)". */
void filter_menu_provider_name(struct pick *p, char *buf, size_t len);
/* After the menu: the provider chosen into *provider (0: any) and its name
 * into name ("" for any). */
void filter_menu_take_provider(struct pick *p, int64_t *provider, char *name, size_t len);
/* A labels table's item in a menu: 0 for any (code "", or one the table has
 * not), else the code's place in the table plus one. */
struct label;
int filter_menu_label(const struct label *table, const char *code);

#endif
