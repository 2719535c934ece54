#include "panes.h"

#include <stddef.h>

#include "psp_pane.h" /* pane_psp: ui/psp.c */

extern const struct pane_ops pane_tracking; /* ui/tracking.c */
extern const struct pane_ops pane_panel; /* ui/panel.c */

extern const struct pane_ops pane_qa; /* ui/qa.c */

static const struct pane_ops *const all[] = {
    &pane_roll, &pane_providers, &pane_attendance, &pane_qa, &pane_psp, &pane_tracking, &pane_panel,
    &pane_calls,
};

const struct pane_ops *const *panes_all(int *count)
{
    *count = (int)(sizeof all / sizeof all[0]);
    return all;
}
