#include "panes.h"

#include <stddef.h>

#include "psp_pane.h" /* pane_psp: ui/psp.c */
#include "shell.h"

/* Panes still to be built say so, with what they will hold. */
struct placeholder {
    const char *what;
};

static void *placeholder_open(struct ui *ui)
{
    (void)ui;
    static struct placeholder p;
    return &p;
}

#define PLACEHOLDER(name, title_text, text)                                            \
    static void name##_draw(void *state, WINDOW *body)                                 \
    {                                                                                  \
        (void)state;                                                                   \
        mvwprintw(body, 2, 2, "%s: this pane is not built yet.", title_text);          \
        mvwprintw(body, 4, 2, "%s", text);                                             \
    }                                                                                  \
    static const struct pane_ops name = {                                              \
        .title = title_text, .open = placeholder_open, .draw = name##_draw,            \
    };

extern const struct pane_ops pane_tracking; /* ui/tracking.c */
PLACEHOLDER(pane_panel, "Panel", "It will hold panel cases and the workbook exports.")

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
