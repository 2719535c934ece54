#ifndef APTERM_DRAW_H
#define APTERM_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "attr.h"
#include "rules.h"
#include "utf8.h"

/* How draw_text fits its text (the first two are utf8_fit's). */
enum {
    DRAW_PAD = UTF8_FIT_PAD,           /* spaces after the text, to exactly cols columns */
    DRAW_ELLIPSIS = UTF8_FIT_ELLIPSIS, /* text that does not fit ends in "…" */
    DRAW_RIGHT = 1 << 8,               /* right-aligned in cols (numbers) */
    DRAW_CLEAR = 1 << 9,               /* clear the whole line first */
    DRAW_KEEP_QUESTION = 1 << 10,      /* too long: cut before the last "?", keeping what follows it */
};

/* The one way panes put UTF-8 text from the store on screen: at (y, x) of w,
 * in attr (added to the window's attributes for the text only), fitted to
 * cols columns by whole characters (cols <= 0: to the window's right edge),
 * never past the edge nor outside the window. Returns the columns the text
 * took (padding included). */
int draw_text(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, unsigned flags);

/* Fits text to cols columns into out as utf8_fit does with an ellipsis, but
 * a question keeps its end: when text does not fit and has a "?", what is
 * cut is before it ("Delete the contact Siân Jo…? (y/n)"). Returns the
 * columns used. */
int draw_fit_question(char *out, size_t outsz, const char *text, int cols);

/* A table's cell: text in exactly cols columns at (y, x) - padded, "…"
 * when cut, numbers right-aligned; nothing when cols < 1. */
void draw_cell_text(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool right);

/* A whole line of w: cleared, then text from x to the right edge, ending in
 * "…" when it does not fit. */
void draw_line(WINDOW *w, int y, int x, const char *text, attr_t attr);
/* The same without clearing the rest of the line, in the colour of a meaning. */
void draw_put(WINDOW *w, int y, int x, const char *text, enum attr_meaning m);

/* What a view shows once its record has gone from the store (deleted
 * meanwhile): why, in red, and that Esc goes back. */
void draw_gone(WINDOW *w, const char *why);

/* A flag as every pane shows it: its marker ("!" red, "~" amber, " " none)
 * and its colour (a RAG rating's green too). */
const char *draw_flag_marker(enum flag_level level);
enum attr_meaning draw_flag_attr(enum flag_level level);

/* Hours as the panes show them: "20", "7.8". */
void draw_hours(double h, char *buf, size_t len);

#endif
