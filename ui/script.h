#ifndef APTERM_SCRIPT_H
#define APTERM_SCRIPT_H

/* Headless runs for the golden-screen tests (tests/golden), as tig's tests
 * run tig: with APTERM_SCRIPT=FILE the full-screen program draws on a
 * virtual terminal of APTERM_SCREEN=COLSxROWS (default 80x24; ncurses
 * newterm on xterm-256color, output to /dev/null, no terminal needed), takes
 * its keys from FILE instead of the keyboard, and ends when the file does.
 *
 * The file, one item a line ('#' starts a comment line; blank lines are
 * ignored):
 *   :dump PATH   write the screen as text to PATH (one line per row, spaces
 *                at the ends of rows dropped), from curses' own copy of the
 *                screen, wide characters included
 *   :attrs PATH  write a map of the screen's attributes, column for column
 *                with the text: r reverse (the cursor), b bold, u underline,
 *                d dim, a space for none
 *   :tick        one idle pause (the timers and the live refresh run once)
 *   anything else is keys, typed in order: characters as they are, and
 *   <Enter> <Esc> <Tab> <BTab> <BS> <Del> <Space> <Up> <Down> <Left>
 *   <Right> <PgUp> <PgDn> <Home> <End> <F1> <F2> <lt> (a '<'), <colon> (a ':',
 *   for a line that starts with one) and <C-x> (Ctrl-x).
 * A bad line is refused before anything starts, naming the file and line.
 *
 * For testing only: the installed (set-group-id) apterm ignores these
 * variables (src/privilege.c). No SQL here. */

#include <curses.h>
#include <stdbool.h>

/* Reads APTERM_SCRIPT if set. 0: no script; 1: a script is loaded; -1: the
 * script is bad (the message is on stderr). */
int script_load(void);

/* True once script_load has loaded a script. */
bool script_active(void);

/* The headless screen (APTERM_SCREEN); NULL with a message on stderr. */
SCREEN *script_newterm(void);

/* The one source of keys: wget_wch(w, ch), or the script's next key. At a
 * :tick, and at the end of the script, ERR (as a key timeout). */
int script_get_wch(WINDOW *w, wint_t *ch);

/* True when the script has ended: the program quits as when input is gone. */
bool script_finished(void);

/* False when a :dump could not be written (said on stderr). */
bool script_ok(void);

#endif
