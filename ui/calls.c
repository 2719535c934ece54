/* The first-day absence calls list (tab 8): being written. */
#include "panes.h"

static void *calls_open(struct ui *ui) { (void)ui; static int x; return &x; }
static void calls_draw(void *state, WINDOW *body) { (void)state; mvwprintw(body, 2, 2, "Calls: being built."); }
const struct pane_ops pane_calls = {.title = "Calls", .open = calls_open, .draw = calls_draw};
