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
    struct listview *lv;      /* the owner's list of the rows shown */
    char *search;             /* the owner's search text (size bytes) */
    size_t size;
    void *ctx;
    /* Narrow the rows to those matching search; the cursor to the first. */
    void (*refilter)(void *ctx);
    /* "12 of 40 pupils on roll" after the field. */
    void (*count)(void *ctx, char *buf, size_t len);
};

/* Runs the picker. True when the user picked the row under lv's cursor
 * (there was one); false when cancelled or quitting. */
bool picker_view_run(struct ui *ui, const struct picker_spec *spec);

#endif
