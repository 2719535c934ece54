#ifndef APTERM_PICKER_H
#define APTERM_PICKER_H

/* One picker for every "choose one of many" screen: a line editor on the
 * body's first line after a label, the list narrowing below it as the user
 * types, ↑/↓ PgUp/PgDn choosing, Enter picking, Esc cancelling. A view on
 * the shell's stack (ui/view.h); the owner keeps the rows and filters them. */

#include <stdbool.h>
#include <stddef.h>

#include "listview.h"
#include "shell.h"

struct picker_spec {
    const char *label;        /* " New case for: " */
    const char *empty;        /* shown when nothing matches */
    /* The owner's rows, in their own order: shown when they match search
     * (its list_rows_ops' shown), the cursor going to the first as it changes. */
    struct list_rows *rows;
    char *search;             /* the owner's search text (size bytes) */
    size_t size;
    void *ctx;
    /* "12 of 40 pupils on roll" after the field. */
    void (*count)(void *ctx, char *buf, size_t len);
};

/* Runs the picker. True when the user picked the row under the cursor
 * (list_rows_current: there was one); false when cancelled or quitting. */
bool picker_view_run(struct ui *ui, const struct picker_spec *spec);

#endif
