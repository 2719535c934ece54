#ifndef APTERM_TEXTEDIT_H
#define APTERM_TEXTEDIT_H

/* A multi-line field for long text (a PSP's reason, a concern's summary):
 * the line editor's text, cursor, byte limit and undo (lineedit.h), shown
 * soft-wrapped in a box of height rows by width columns that scrolls to keep
 * the cursor in view. Newlines in the text are paragraph breaks.
 *
 * Wrapping: a visual line holds at most width - 1 columns of text; the last
 * column is kept for the cursor at the end of a line and for the space at
 * which a line broke. Lines break after a space; a word longer than a line is
 * broken between characters; a 2-column character that would straddle the
 * edge goes to the next line.
 *
 * Keys, besides the line editor's (Left/Right, Ctrl-Left/Right and Alt-b/f
 * by word, Backspace, Delete, Ctrl-W, Ctrl-Z, typing):
 *   Enter              insert a newline
 *   Up, Down           one visual line, keeping the column (across several
 *                      presses, even through shorter lines)
 *   PgUp, PgDn         height - 1 visual lines, and the view with them
 *   Home, End          start and end of the visual line
 *   Ctrl-A, Ctrl-E     start and end of the paragraph (the text between
 *                      newlines): the same span that Ctrl-U and Ctrl-K
 *                      delete, as Ctrl-A/Ctrl-U and Ctrl-E/Ctrl-K pair up
 *                      over the whole line in the line editor
 *   Ctrl-Home, Ctrl-End  start and end of the text
 *   Ctrl-U, Ctrl-K     delete to the start / end of the paragraph
 * Up on the first line, Down on the last, and PgUp/PgDn there are
 * LINEEDIT_UNHANDLED, so that a form may move to the field above or below.
 * Tab and Esc are unhandled as in the line editor. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "status.h"

struct textedit {
    struct lineedit ed; /* the text, cursor, limit and undo */
    int height, width;  /* the box the keys keep the cursor visible in */
    size_t top;         /* the start of the first visual line shown */
    int goal_col;       /* the column Up/Down keep; -1 when not moving vertically */
};

/* Starts a field holding a copy of text (NULL for empty), cursor at the start,
 * for a box of height x width. Same limits and ownership as lineedit_init. */
ap_status textedit_init(struct textedit *te, const char *text, size_t limit, int height,
                        int width);
void textedit_free(struct textedit *te);

/* Replaces the text (a copy): cursor and view at the start, no undo. */
ap_status textedit_set_text(struct textedit *te, const char *text);
const char *textedit_text(const struct textedit *te);

/* Tells the field its box after a layout or resize. */
void textedit_set_size(struct textedit *te, int height, int width);

/* Acts on one key as returned by wget_wch; see the table above. */
enum lineedit_result textedit_key(struct textedit *te, int ret, wint_t ch);
const char *textedit_reason(const struct textedit *te);

/* Draws the box of height rows by width columns at (y, x) of w in the window's
 * current attributes, every cell written, nothing past width columns. A
 * focused field shows the lines around the cursor and leaves the window's
 * cursor on it; an unfocused one shows the start of its text. */
void textedit_draw(WINDOW *w, int y, int x, int height, int width, const struct textedit *te,
                   bool focused);

/* Wrapping, for the field and for any read-only view of long text: the
 * visual line of s[0..len) wrapped to width columns that starts at start (a
 * line start: 0, just after a newline, or a value returned before). Sets
 * *end to the end of its text (its newline excluded) and returns the start of
 * the next visual line, or SIZE_MAX when this is the last. */
size_t textedit_next_line(const char *s, size_t len, size_t start, int width, size_t *end);

/* Calls fn for each visual line of text (NUL-terminated) wrapped as
 * textedit_next_line wraps it, without the spaces at the end of the line;
 * first is true for the first. For read-only views of long text. */
typedef void (*textedit_line_fn)(void *ctx, const char *line, size_t len, bool first);
void textedit_wrap(const char *text, int width, textedit_line_fn fn, void *ctx);

/* The visual line (0 = the first of the text) and column of the cursor. */
void textedit_cursor_at(const struct textedit *te, int *line, int *col);

#endif
