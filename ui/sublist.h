#ifndef APTERM_SUBLIST_H
#define APTERM_SUBLIST_H

/* A pupil's sub-list (contacts, actions, placements): a list view over the
 * pupil's rows of one kind, opened from a record. The sub-list owns the
 * reading, the cursor kept on the same row, the moves, the live reload, and
 * the add / open / edit / delete keys; a list is a table (struct
 * sublist_def) of its columns, its texts and a few callbacks. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listview.h"
#include "status.h"
#include "view.h"

struct sublist;

/* What a sub-list says about a row (struct sublist_def's say). */
enum sublist_say {
    SAY_ADDED,       /* on the status line after an add */
    SAY_SAVED,       /* after an edit saved */
    SAY_DELETE_ASK,  /* the question before a delete */
    SAY_DELETED,     /* after a delete */
};

struct sublist_def {
    struct view_ops ops;        /* SUBLIST_VIEW_OPS(title, keys, hints) */
    const struct list_column *columns;
    int ncolumns;
    list_cell_fn cell;          /* its ctx is the struct sublist */
    size_t item_size;           /* one row of items */
    const char *what;           /* "contacts": "The contacts could not be read" */
    const char *empty;          /* shown where the rows would be when there are none */
    int list_y, below;          /* the list's first line; lines kept below it */
    /* Reads the pupil's rows into s->items and s->n. */
    ap_status (*read)(struct sublist *s);
    /* After a read (sums for the heading); NULL: none. */
    void (*loaded)(struct sublist *s);
    int64_t (*id)(const void *item);
    /* A new row's first values (ACT_ADD). */
    void (*init)(struct sublist *s, void *item);
    /* The row's form: true when saved (the row's id set on an add). */
    bool (*form)(struct sublist *s, void *item, bool read_only);
    void (*say)(const struct sublist *s, const void *item, enum sublist_say what, char *buf, size_t len);
    /* Deletes the row (ACT_DELETE); NULL when the list has no delete. */
    ap_status (*remove)(struct sublist *s, const void *item);
    /* Draws what stands above the list (its title lines). */
    void (*draw_head)(struct sublist *s, WINDOW *w);
    /* Draws what stands below the list about the row under the cursor;
     * y is the first line after the list. */
    void (*draw_foot)(struct sublist *s, WINDOW *w, int y, const void *item);
    /* The list's other keys (in ops.keys), on a copy of the row under the
     * cursor (the list may be read again while a form is open): called only
     * when there is a row and the user may change it. True when the store
     * may have changed: the list is read again, the cursor on the row. */
    bool (*row_key)(struct sublist *s, enum action_id id, void *cur);
};

struct sublist {
    const struct sublist_def *def;
    struct ui *ui;
    int64_t pupil_id;
    char pupil[300];            /* the pupil's name, for titles */
    void *items;                /* n rows of def->item_size */
    size_t n;
    struct listview lv;
};

/* The view functions every sub-list's ops name. */
void sublist_draw(void *self, WINDOW *w);
enum view_key sublist_key(void *self, const struct action *act, int ret, wint_t ch);
void sublist_reload(void *self, const struct view_change *what);
#define SUBLIST_VIEW_OPS(title_, keys_, hints_)                                                                \
    {.title = (title_), .keys = (keys_), .hints = (hints_), .draw = sublist_draw, .key = sublist_key,         \
     .reload = sublist_reload}

/* Row i of the list. */
const void *sublist_item(const struct sublist *s, size_t i);
/* Reads the rows again, the cursor on the row keep_id when it is there. */
void sublist_load(struct sublist *s, int64_t keep_id);
/* Runs the sub-list of the pupil until it closes. s may be the first
 * member of a larger struct that the callbacks use. */
void sublist_run(struct ui *ui, struct sublist *s, const struct sublist_def *def, int64_t pupil_id);

#endif
