#include "attr.h"

#include <stdlib.h>

struct attr_def {
    short fg, bg;   /* -1: the terminal's default */
    attr_t colour;  /* extra attributes in colour */
    attr_t mono;    /* attributes without colour */
};

static const struct attr_def defs[ATTR_COUNT] = {
    [ATTR_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ATTR_TAB] = {-1, -1, A_NORMAL, A_NORMAL},
    [ATTR_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [ATTR_HEADER] = {-1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
    [ATTR_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ATTR_FLAG_RED] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ATTR_FLAG_AMBER] = {COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE},
    [ATTR_FLAG_GREEN] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ATTR_STATUS] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
    [ATTR_HINT] = {-1, -1, A_DIM, A_NORMAL},
    [ATTR_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [ATTR_DIM] = {-1, -1, A_DIM, A_DIM},
    [ATTR_MISSING] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
    [ATTR_FIELD] = {-1, -1, A_UNDERLINE, A_UNDERLINE},
};

static bool use_colours;

void attr_init(bool use_colour)
{
    const char *no_colour = getenv("NO_COLOR");
    use_colours = use_colour && !(no_colour && *no_colour) && has_colors();
    if (!use_colours)
        return;
    if (start_color() != OK) {
        use_colours = false;
        return;
    }
    use_default_colors();
    for (int m = 1; m < ATTR_COUNT; m++)
        init_pair((short)m, defs[m].fg, defs[m].bg);
}

bool attr_colour(void)
{
    return use_colours;
}

short attr_pair(enum attr_meaning m)
{
    return use_colours && m > 0 && m < ATTR_COUNT ? (short)m : 0;
}

attr_t attr_of(enum attr_meaning m)
{
    if (m < 0 || m >= ATTR_COUNT)
        return A_NORMAL;
    if (!use_colours)
        return defs[m].mono;
    return defs[m].colour | (m ? COLOR_PAIR(m) : 0);
}
