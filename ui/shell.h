#ifndef APTERM_SHELL_H
#define APTERM_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "config.h"
#include "flags.h"
#include "status.h"
#include "store.h"
#include "view.h"

/* What the shell offers the panes. */
struct ui;

struct store *ui_store(struct ui *ui);
const struct apterm_config *ui_config(struct ui *ui);
int ui_today(struct ui *ui);

/* One-line messages on the status line (plain British English). */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A view's standing hint: shown when no other message is (drawing a view). */
void ui_message_if_quiet(struct ui *ui, const char *text);
/* The last failure (ap_error_detail) as an error message. */
void ui_error_status(struct ui *ui, ap_status st);

/* True when the login may write; otherwise says why on the status line. */
bool ui_can_write(struct ui *ui);

/* A yes/no question on the status line; true for y. */
bool ui_confirm(struct ui *ui, const char *question);


/* The window panes and forms draw in, and a way to repaint the status line
 * (with the latest message) from inside a modal loop. */
struct _win_st *ui_body(struct ui *ui);
void ui_show_status(struct ui *ui);
/* True once the user asked to quit, the terminal went away, or the user
 * went to another pane from a view: modal loops and views end. */
bool ui_quitting(struct ui *ui);

/* Open another pane by number (0-based) — e.g. from a provider's pupil to the roll. */
void ui_switch_pane(struct ui *ui, int index);
/* Opens a pupil from elsewhere: switches to the roll pane (the first),
 * selects the pupil there and opens the pupil's record (a modal view that
 * returns when the user closes it, leaving the roll showing with the pupil
 * under the cursor). The screen is drawn; the caller returns REDRAW_ALL. */
void ui_show_pupil(struct ui *ui, long long pupil_id);
/* Open pane `index` on the record with this id (pane_ops.show_record), e.g.
 * the calls list on the grid's pupil. */
void ui_show_record(struct ui *ui, int index, long long id);

/* The flags of the latest pass over the store (flags_collect, the counts on
 * the status line), so that panes need not make a pass of their own. False
 * (and *rows NULL, *n 0) until the first pass after start-up has finished.
 * The rows and their strings belong to the shell and stay valid until the
 * next pass, which calls each open pane's flags_changed hook. */
bool ui_flags(struct ui *ui, const struct flag_row **rows, size_t *n);
/* In a pane's flags_changed hook: true when the pass worked out again only
 * some pupils' flags (the change feed's usual case, a mark): *pupils (sorted,
 * *n of them) are those pupils, and their rows are now ui_flags' rows from
 * *from on; every row before is as it was at the last pass, strings and all.
 * False otherwise: take every row again. */
bool ui_flags_fresh(struct ui *ui, const int64_t **pupils, size_t *n, size_t *from);

/* This session wrote to the store: every open pane reloads (its reload
 * hook) and the flags are counted again, as when another user commits (our
 * own commits do not change PRAGMA data_version). Draws nothing. */
void ui_store_changed(struct ui *ui);

#endif
