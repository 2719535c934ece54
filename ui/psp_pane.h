#ifndef APTERM_PSP_PANE_H
#define APTERM_PSP_PANE_H

/* The PSP pane (tab 5, ui/psp.c): the pupils with a Pastoral Support
 * Programme, the PSP editor (the initial-meeting form, targets, timetable,
 * reduced-timetable section, the reviews so far) and the review form.
 * Named psp_pane.h so that "psp.h" stays the data layer's (db/psp.h). */

#include "pane.h"

extern const struct pane_ops pane_psp;

#endif
