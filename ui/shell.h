#ifndef APTERM_SHELL_H
#define APTERM_SHELL_H

#include <stdbool.h>
#include <wchar.h>

#include "config.h"
#include "status.h"
#include "store.h"

/* What the shell offers the panes. */
struct ui;

struct store *ui_store(struct ui *ui);
const struct apterm_config *ui_config(struct ui *ui);
int ui_today(struct ui *ui);

/* One-line messages on the status line (plain British English). */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last failure (ap_error_detail) as an error message. */
void ui_error_status(struct ui *ui, ap_status st);

/* True when the login may write; otherwise says why on the status line. */
bool ui_can_write(struct ui *ui);

/* A yes/no question on the status line; true for y. */
bool ui_confirm(struct ui *ui, const char *question);

/* Reads one key, waiting; returns what wget_wch returned. Quits cleanly when
 * the terminal has gone away. */
int ui_get_key(struct ui *ui, wint_t *ch);

/* The window panes and forms draw in, and a way to repaint the status line
 * (with the latest message) from inside a modal loop. */
struct _win_st *ui_body(struct ui *ui);
void ui_show_status(struct ui *ui);
/* True once the user asked to quit or the terminal went away: modal loops end. */
bool ui_quitting(struct ui *ui);

/* Open another pane by number (0-based) — e.g. from a provider's pupil to the roll. */
void ui_switch_pane(struct ui *ui, int index);
/* Ask the roll pane to select a pupil (used when opening a pupil from elsewhere). */
void ui_show_pupil(struct ui *ui, long long pupil_id);

#endif
