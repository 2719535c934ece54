#ifndef APTERM_ATT_MARK_H
#define APTERM_ATT_MARK_H

/* Writing the attendance grid's marks: a code key, clear, undo, repeat,
 * and the mark form on Enter (ui/attendance.c is the pane). */

#include "att_model.h"

/* Records code in the cursor's cell, then moves to the next unreported pupil. */
unsigned mark_code(struct att *a, char code);

unsigned clear_mark(struct att *a);

int monday_of(int date);

/* Shows the week holding date with the cursor on the pupil and column given. */
void show_week(struct att *a, int date, int64_t pupil_id, int col);

unsigned undo_last(struct att *a);

/* '.': the pupil's code from the session before. */
unsigned repeat_code(struct att *a);

void open_mark(struct att *a);

#endif
