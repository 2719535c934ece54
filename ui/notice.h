#ifndef APTERM_NOTICE_H
#define APTERM_NOTICE_H

/* A pane's notice: a message said on the status line and shown on the
 * pane's own last lines too until the next key, because the status line is
 * short at 80 columns (the providers, QA, PSP and panel panes). */

#include <stdbool.h>

#include "view.h"

#define NOTICE_MAX 700

struct notice {
    char text[NOTICE_MAX];  /* "" when none */
    bool error;
};

struct ui;
struct action;

__attribute__((format(printf, 4, 5))) void notice_say(struct ui *ui, struct notice *n, bool error, const char *fmt,
                                                      ...);
/* A key clears the notice: true when there was one (its lines are to be
 * drawn again). */
bool notice_clear(struct notice *n);

/* A list pane's last line: the notice when there is one, else nothing when
 * no row is under the cursor (have_row false). True when the line is the
 * pane's to fill with the row's detail. */
bool notice_draw_foot(const struct notice *n, WINDOW *w, bool have_row);

/* True when this login may change the store; else false, and the notice
 * says the viewer role only reads. */
bool notice_can_write(struct ui *ui, struct notice *n);

/* The start of a key in a view over a pane's record: the notice goes (it
 * was for the key before); the view of a record gone from the store closes
 * (VIEW_CLOSE); a key that is none of the view's actions is the shell's
 * (VIEW_PASS); else VIEW_DONE, and the view acts on the key. */
enum view_key notice_key_start(struct notice *n, bool gone, const struct action *act);

#endif
