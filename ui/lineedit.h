#ifndef APTERM_LINEEDIT_H
#define APTERM_LINEEDIT_H

/* The one UTF-8 line editor: every single-line field of every form, and the
 * text, cursor, byte limit and undo underneath the multi-line textedit.
 *
 * The text is UTF-8 held in bytes (a field gives its byte limit); the cursor
 * is a byte offset that always stands at the start of a cluster (utf8.h), so
 * no key ever splits a character or parts a combining mark from its letter.
 * Invalid bytes in a loaded value are kept as they are (shown as U+FFFD, one
 * character each): the editor never changes stored data it was not told to.
 *
 * Keys, given exactly as wget_wch() returned them (ret OK or KEY_CODE_YES):
 *   printable characters   insert (refused whole when the byte limit is
 *                          reached: never part of a character)
 *   Left, Right            one cluster
 *   Home, Ctrl-A           start of the text
 *   End, Ctrl-E            end of the text
 *   Ctrl-Left, Alt-b       start of this or the previous word (letters and
 *                          digits, as Emacs's backward-word)
 *   Ctrl-Right, Alt-f      end of this or the next word
 *   Backspace (KEY_BACKSPACE, 127, Ctrl-H)   delete the cluster before
 *   Delete (KEY_DC, Ctrl-D)                  delete the cluster after
 *   Ctrl-U                 delete to the start of the line
 *   Ctrl-K                 delete to the end of the line
 *   Ctrl-W                 delete the word before the cursor (back over
 *                          spaces, then to the previous space, as in a shell)
 *   Ctrl-Z, Ctrl-_         undo the last change; again to redo it
 * Everything else, Enter, Tab, Esc, Up, Down, PgUp, PgDn, function keys and
 * unbound control keys included, is LINEEDIT_UNHANDLED: the form decides.
 * Ctrl-Z arrives as a key only when the shell uses raw() (or clears the
 * terminal's suspend character); under cbreak() it stops the program.
 *
 * Undo keeps one change: a run of typing (broken at the start of each new
 * word), a run of Backspaces or Deletes, or one deletion command. Undoing
 * swaps the text with the copy, so a second Ctrl-Z redoes. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum lineedit_result {
    LINEEDIT_UNHANDLED = 0, /* not an editing key: the form decides */
    LINEEDIT_NOTHING,       /* an editing key with nothing to do (Backspace at the start) */
    LINEEDIT_MOVED,         /* the cursor moved: redraw the field */
    LINEEDIT_CHANGED,       /* the text changed: redraw, mark the form modified */
    LINEEDIT_REFUSED,       /* refused: show lineedit_reason() on the status line */
};

/* Alt (Meta) keys. ncurses delivers Alt-b as Esc then 'b'; a shell that
 * reads the second key at once after Esc passes them on as one key:
 * ret = KEY_CODE_YES, ch = LINEEDIT_ALT('b'). Beyond every curses key code. */
#define LINEEDIT_ALT_BASE 0x200000
#define LINEEDIT_ALT(c) ((wint_t)(LINEEDIT_ALT_BASE + (c)))

/* Zero-initialise, then lineedit_init. Read the fields, change them only
 * through the functions. */
struct lineedit {
    char *text;       /* NUL-terminated, len bytes; owned, freed by lineedit_free */
    size_t len;
    size_t limit;     /* the most bytes typing may make */
    size_t cap;       /* bytes allocated for text and undo, less the NUL */
    size_t cursor;    /* byte offset of a cluster start, 0..len */
    size_t scroll;    /* the first byte shown when focused (kept by lineedit_key) */
    int width;        /* columns of the field, for scroll; 0 when not yet known */
    char *undo_text;  /* the text before the last change */
    size_t undo_len, undo_cursor;
    bool can_undo;
    int run;          /* the kind of change being extended (private) */
    size_t run_at;    /* where the cursor was left by it (private) */
    char reason[96];  /* why the last key was refused */
};

/* Starts an editor holding a copy of text (NULL for empty) with the cursor at
 * its end. limit is the field's byte limit; a longer text is kept whole (never
 * cut) and lineedit_over_limit() says so, until the user shortens it.
 * AP_ERR_NOMEM leaves le empty and safe to free. */
ap_status lineedit_init(struct lineedit *le, const char *text, size_t limit);
void lineedit_free(struct lineedit *le);

/* Replaces the text (a copy), cursor at the end, no undo, scroll reset. */
ap_status lineedit_set_text(struct lineedit *le, const char *text);
/* The text, owned by le, valid until the next call that changes it. */
const char *lineedit_text(const struct lineedit *le);
bool lineedit_over_limit(const struct lineedit *le);

/* Tells the editor the field's width in columns, so that keys keep the
 * cursor in view with as little scrolling as possible. Call on layout and
 * resize; drawing at another width still shows the cursor. */
void lineedit_set_width(struct lineedit *le, int width);

/* Acts on one key; see the table at the top. */
enum lineedit_result lineedit_key(struct lineedit *le, int ret, wint_t ch);

/* Why the last key was refused: "the field is full (60 characters)",
 * "nothing to undo". Owned by le. */
const char *lineedit_reason(const struct lineedit *le);

/* Draws the field in exactly width columns at (y, x) of w, in the window's
 * current attributes (set ATTR_FIELD first): the visible part of the text,
 * a '‹' in the first column when text is hidden to the left and a '›' in the
 * last when text is hidden to the right ('<' '>' where the locale cannot show
 * those). A focused field shows the part around the cursor and leaves the
 * window's cursor on it (draw the focused field last); an unfocused field
 * shows the start of its text. Never writes past width columns nor past the
 * window's edge. */
void lineedit_draw(WINDOW *w, int y, int x, int width, const struct lineedit *le, bool focused);

/* Draws s[0..len) at (y, x) in at most cols columns, whole clusters only,
 * then spaces up to exactly cols (including where a 2-column character would
 * straddle the edge). Invalid bytes and unshowable characters appear as
 * U+FFFD. In the window's current attributes; clipped at the window's edge.
 * Returns the columns of text drawn (before the spaces). For any list or
 * label that draws text from the store. */
int lineedit_put(WINDOW *w, int y, int x, const char *s, size_t len, int cols);

/* ---- Shared with textedit --------------------------------------------------- */

/* Inserts n bytes at the cursor as one undoable change and moves the cursor
 * past them: LINEEDIT_CHANGED, or LINEEDIT_REFUSED when the limit forbids. */
enum lineedit_result lineedit_insert(struct lineedit *le, const char *bytes, size_t n);

/* Moves the cursor to pos (moved forward to a cluster start if need be).
 * LINEEDIT_MOVED, or LINEEDIT_NOTHING when it was there already. */
enum lineedit_result lineedit_move(struct lineedit *le, size_t pos);

/* The start and end (the '\n' or the end of the text) of the line that holds
 * pos: the whole text for a single-line field. */
size_t lineedit_line_start(const struct lineedit *le, size_t pos);
size_t lineedit_line_end(const struct lineedit *le, size_t pos);

/* The name ncurses gives an extended key code ("kHOM5" for Ctrl-Home), or
 * NULL for a standard key or character. */
const char *lineedit_key_name(int ret, wint_t ch);

#endif
