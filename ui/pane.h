#ifndef APTERM_PANE_H
#define APTERM_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "action.h"
#include "listview.h"

struct ui;
struct notice;
struct view_change;

/* What a handler asks the shell to repaint. The pane repaints its own rows
 * for a cursor move (REDRAW_PARTIAL: it has already drawn into its window);
 * the shell then refreshes once with wnoutrefresh + doupdate. */
enum redraw {
    REDRAW_NONE = 0,
    REDRAW_PARTIAL = 1 << 0, /* the pane drew what changed itself */
    REDRAW_BODY = 1 << 1,    /* redraw the whole body */
    REDRAW_STATUS = 1 << 2,  /* the status and hint lines */
    REDRAW_ALL = 0xff,
    /* From a keys_first pane's handler: "not mine" - the shell acts on
     * the key as a global action (?, Ctrl-L). Never passed to redraw. */
    REDRAW_PASS = 1 << 8,
};

/* A pane is a small table of functions; the shell drives them all the same
 * way. State is the pane's own: the shell makes it (size), open fills it
 * and close frees what it holds. */
struct pane_ops {
    /* The pane's state: the shell makes it, size bytes of zeros, and open
     * fills it (its ui, the list's columns, the first read of the rows);
     * close frees what it holds, and then the shell frees the state itself. */
    size_t size;
    const char *title;                 /* on the tab bar */
    unsigned scopes;                   /* action scopes besides SCOPE_GLOBAL */
    const enum action_id *hints;       /* shown on the hint line, ACT_NONE-terminated */
    void (*open)(void *state, struct ui *ui);
    void (*close)(void *state);
    /* Draw the whole body window. */
    void (*draw)(void *state, WINDOW *body);
    /* A key the shell did not take, bound to act in this pane's scopes (a
     * key bound to none is not passed); key is action_key(ret, ch). */
    unsigned (*key)(void *state, const struct action *act, int key);
    /* A list pane's own keys (the moves, search, sort, filter): the shell
     * acts on them before key (list_pane_key). Not given (search_size 0):
     * none, or the pane takes them itself. */
    struct list_keys list_keys;
    /* The store changed (what: see struct view_change in view.h; table NULL:
     * anything may have): read again what the change touches - a row when
     * it can, everything when it cannot - keeping the cursor on the same
     * record. Returns true when it read everything: the shell then gives it
     * no more of the same batch of changes. NULL when the pane shows nothing
     * from the store. */
    bool (*reload)(void *state, const struct view_change *what);
    /* Tables whose changes are nothing the pane shows, NULL-terminated: the
     * shell does not pass those to reload. NULL: none. */
    const char *const *ignored;
    /* One line about the row under the cursor (a flag's reason), or NULL. */
    const char *(*detail)(void *state);
    /* The shell counted the flags again (ui_flags in shell.h): take what the
     * pane shows from them. Called after reload when both happen. NULL when
     * the pane shows no flags. Draws nothing: the shell redraws. */
    void (*flags_changed)(void *state);
    /* Show one record of this pane (ui_show_pupil for the roll): select it
     * and open it. May run a modal view. NULL when not offered. */
    void (*show_record)(void *state, long long id);
    /* Or, instead of key: the pane sees every key before the shell's global
     * actions except the pane numbers and quit (1-8, q, Ctrl-C): in the
     * attendance grid every key that is a code is a mark. It gets act as
     * key does, or NULL for a key bound to none, with the key as read (ret,
     * ch), and returns REDRAW_PASS (alone or with other bits) for a key it
     * leaves to the shell. */
    unsigned (*keys_first)(void *state, const struct action *act, int key, int ret, wint_t ch);
    /* Called for every open pane about every quarter second while no key
     * comes (timers: a register that closes at a set time). active: the
     * pane is the one shown. Returns what to redraw, as key does; the shell
     * redraws only for the active pane. NULL when not needed. */
    unsigned (*tick)(void *state, bool active);
    /* Lines the ? help screen shows after the keys (a code legend): line i
     * into buf; false when there is no line i. NULL when none. */
    bool (*help_line)(void *state, int i, char *buf, size_t len);
    /* Or, when help_line is NULL: the same lines as they are, ending with NULL. */
    const char *const *help_lines;
    /* The state's notice (ui/notice.h: a message shown on the body's last
     * line until the next key), or NULL when it has none: the shell clears
     * it before the pane's key handler runs, and redraws the body when
     * there was one. */
    struct notice *(*notice)(void *state);
};

#endif
