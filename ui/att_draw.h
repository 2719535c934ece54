#ifndef APTERM_ATT_DRAW_H
#define APTERM_ATT_DRAW_H

/* Drawing the attendance grid (ui/attendance.c is the pane). */

#include <curses.h>

#include "att_model.h"

void draw_cell(struct att *a, WINDOW *w, int row, int col);

void att_draw(void *state, WINDOW *w);

/* A cursor move: repaints the old and the new cell (and the pointers and
 * the summary when they change), or the body when it must scroll. */
unsigned move_to(struct att *a, int row, int col);

/* A cell changed in place (a mark): its cell and the summary. */
unsigned repaint_cell(struct att *a, int row, int col);

#endif
