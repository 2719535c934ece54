#ifndef APTERM_PANES_H
#define APTERM_PANES_H

#include "pane.h"

#define PANE_MAX 9

/* Every pane, in tab order (number key 1 opens the first). */
const struct pane_ops *const *panes_all(int *count);

/* The panes; each lives in its own file. */
extern const struct pane_ops pane_roll;
extern const struct pane_ops pane_providers;
extern const struct pane_ops pane_attendance; /* ui/attendance.c */
extern const struct pane_ops pane_calls;      /* ui/calls.c */

#endif
