#ifndef APTERM_DOCVIEW_H
#define APTERM_DOCVIEW_H

/* One document view for the records the panes open (a provider, a panel
 * case): lines made for the window's width - text, "Label  value" fields,
 * and the items a cursor walks (the pupils placed, the quotations) under
 * their heading - scrolled by the same keys everywhere. The owner builds
 * the lines and draws its own items; the rest is drawn here. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "action.h"
#include "attr.h"
#include "view.h"

#define DOC_LABEL_COLS 26 /* where a field's value starts */

enum doc_kind { DOC_TEXT, DOC_FIELD, DOC_ITEM_HEAD, DOC_ITEM };

struct doc_line {
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;   /* DOC_FIELD, first line: static */
    char *text;          /* owned */
    int indent;
    int item;            /* DOC_ITEM: the owner's index */
};

struct docview {
    struct doc_line *lines;
    int n, cap;
    int width;           /* the window's, set before the lines are made */
    int item0;           /* the line of item 0; -1 when none */
    int cursor;          /* the item under the cursor */
    int top;             /* the first line shown */
    int height;          /* lines shown, from the last draw */
};

/* Drops the lines (the allocation is kept); docview_free frees it. */
void docview_clear(struct docview *d);
void docview_free(struct docview *d);
void docview_add(struct docview *d, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                 size_t len, int indent, int item);
/* Text wrapped to cols columns, the first line at indent (carrying label)
 * and the rest at cont. */
void docview_wrap(struct docview *d, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                  int indent, int cont, int cols);
void docview_text(struct docview *d, enum attr_meaning attr, const char *text, int indent);
/* A labelled field; empty shows as `empty`, or "–" when that is NULL. */
void docview_field(struct docview *d, const char *label, const char *value, const char *empty);

/* Keeps top in range, and the cursor's item on screen. */
void docview_clamp_top(struct docview *d);
void docview_keep_cursor_visible(struct docview *d);
/* ACT_UP/DOWN/PAGE_UP/PAGE_DOWN/HOME/END: the cursor walks the nitems
 * items; past them (or with none) the lines scroll. */
void docview_move(struct docview *d, enum action_id id, int nitems);

/* Draws line i where it is on screen (nothing when it is not): text and
 * fields here, an item or its heading by draw_item (the cursor's "▶" in
 * the first column here too). */
typedef void (*doc_item_fn)(void *ctx, WINDOW *w, int y, const struct doc_line *line);
void docview_draw_line(struct docview *d, WINDOW *w, int i, doc_item_fn draw_item, void *ctx);
/* Draws the lines from top in height lines. */
void docview_draw(struct docview *d, WINDOW *w, doc_item_fn draw_item, void *ctx);
/* "↓ more below: PgDn, G for the end (lines 1–20 of 55)" when the lines do
 * not all show; false when they do. */
bool docview_more(const struct docview *d, char *buf, size_t len);

/* The start of a key in a record opened from a list (a provider, a panel
 * case): the notice's start (notice_key_start), then a key of the list's
 * own (search, sort, filter) kept in then to be done on the list after the
 * view closes, then the moves, walking the record's nitems items. True with
 * what the view returns in *res when the key was one of those; false: the
 * view acts on the key. */
struct notice;
struct list_then;
bool docview_record_key(struct docview *d, int nitems, struct notice *n, bool gone, struct list_then *then,
                        const struct action *act, int ret, wint_t ch, enum view_key *res);

#endif
