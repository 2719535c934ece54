#ifndef APTERM_ATT_PROMPT_H
#define APTERM_ATT_PROMPT_H

/* The attendance grid's prompts: find a pupil, go to a date (views over
 * the grid; ui/attendance.c is the pane). */

#include "att_model.h"

void run_search(struct att *a);

void run_goto(struct att *a);

#endif
