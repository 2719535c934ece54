#include "panes.h"

#include "shell.h"

static void *providers_open(struct ui *ui)
{
    return ui;
}

static void providers_draw(void *state, WINDOW *body)
{
    (void)state;
    mvwprintw(body, 2, 2, "Providers: this pane is not built yet.");
}

const struct pane_ops pane_providers = {.title = "Providers", .open = providers_open, .draw = providers_draw};
