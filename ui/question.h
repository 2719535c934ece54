#ifndef APTERM_QUESTION_H
#define APTERM_QUESTION_H

/* A question answered by one of a few keys (y or n; reload or overwrite;
 * restore or discard): one view for every such question. It takes only its
 * answers (q and the digits are not answers), Ctrl-C and F1; any other
 * character leaves it asked. The spec gives what differs, its help's title
 * and keys too; what an answer does is the caller's, after it closes. */

#include <curses.h>
#include <stdbool.h>

#include "view.h"

struct ui;

struct question {
    const char *title;             /* the help's heading: "a question" */
    const enum action_id *answers; /* ACT_VIEW_CLOSE among them when Esc answers; ACT_NONE-terminated */
    /* Draws it; NULL: nothing is drawn (the status line asks it). */
    void (*draw)(void *ctx, WINDOW *w);
    bool overlay;                  /* drawn over the view below (see struct view_ops) */
};

/* Asks the question until it is answered: the answer's action, or ACT_NONE
 * when the program is quitting or going to another pane. */
enum action_id ui_ask(struct ui *ui, const struct question *q, void *ctx);

/* The view table a question runs as, filled into out (for the test that each
 * view's help lists exactly the keys it takes). */
const struct view_ops *question_view_ops(const struct question *q, struct view_ops *out);

#endif
