#include "panes.h"

#include "shell.h"

static void *roll_open(struct ui *ui)
{
    return ui;
}

static void roll_draw(void *state, WINDOW *body)
{
    (void)state;
    mvwprintw(body, 2, 2, "Roll: this pane is not built yet.");
}

const struct pane_ops pane_roll = {.title = "Roll", .open = roll_open, .draw = roll_draw};
