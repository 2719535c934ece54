#ifndef APTERM_PROMPT_H
#define APTERM_PROMPT_H

/* One line of text typed over a view (find a pupil, go to a date, a note):
 * a label, a line editor with its limit, the text after it, and what Enter
 * (and Esc, and any extra keys such as n/N) do. Every prompt is the same
 * view (one view_ops); the spec gives what differs, its help's title and
 * keys too. Refused keys are said with the label ("Find: ..."). */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "view.h"

struct ui;

struct prompt_spec {
    const char *title;          /* the help's heading: "going to a date" */
    const char *label;          /* before the editor and in refusals: "Find:" */
    /* ACT_KEEP_TEXT (Enter) and any more (n/N), ACT_NONE-terminated; NULL:
     * Enter only. */
    const enum action_id *keys;
    /* Draws the body beneath the prompt. */
    void (*draw)(void *ctx, WINDOW *w, struct lineedit *le);
    /* true: draw puts the editor in its own place (tracking's note line, a
     * list's search line); false: the prompt draws it on the body's first
     * line, a third of the width. */
    bool draws_editor;
    /* The text after the editor for what is typed; NULL: hint_text, the
     * same words whatever is typed (NULL too: none). */
    void (*hint)(void *ctx, const char *text, char *buf, size_t len);
    const char *hint_text;
    /* The text changed (incremental: find). NULL: nothing. */
    void (*on_change)(void *ctx, const char *text);
    /* Enter: true to close (false: it said why and stays). NULL: closes. */
    bool (*on_enter)(void *ctx, const char *text);
    /* Esc. NULL: the shell closes the prompt as any view. */
    void (*on_cancel)(void *ctx);
    /* One of the extra keys (not ACT_KEEP_TEXT). */
    void (*on_action)(void *ctx, enum action_id id, const char *text);
};

/* How a prompt ended. */
enum prompt_end {
    PROMPT_ENTERED,   /* Enter closed it */
    PROMPT_LEFT,      /* Esc, or the program is quitting, or another pane */
    PROMPT_NO_MEMORY, /* never opened (said on the status line) */
};

/* Runs the prompt over the view beneath, the editor holding text at first
 * (NULL: empty) and taking at most limit bytes. */
enum prompt_end prompt_run(struct ui *ui, const struct prompt_spec *spec, void *ctx, const char *text, size_t limit);

/* The view table a prompt runs as, filled into out (for the test that each
 * view's help lists exactly the keys it takes). */
const struct view_ops *prompt_view_ops(const struct prompt_spec *spec, struct view_ops *out);

#endif
