#ifndef APTERM_ATTR_H
#define APTERM_ATTR_H

#include <curses.h>
#include <stdbool.h>

/* Colours by meaning. Each has a colour attribute and a monochrome one, so a
 * flag still reads without colour (with its marker: '!' red, '~' amber). */
enum attr_meaning {
    ATTR_NORMAL = 0,
    ATTR_TAB,
    ATTR_TAB_ACTIVE,
    ATTR_HEADER,       /* column headings */
    ATTR_SELECTED,     /* the cursor row or cell */
    ATTR_FLAG_RED,
    ATTR_FLAG_AMBER,
    ATTR_FLAG_GREEN,
    ATTR_STATUS,       /* the status line */
    ATTR_HINT,         /* the key hints line */
    ATTR_ERROR,        /* a message that something went wrong */
    ATTR_DIM,          /* secondary text, not timetabled cells */
    ATTR_MISSING,      /* expected but not yet reported */
    ATTR_FIELD,        /* an editable field */
    ATTR_COUNT
};

/* Call once after the screen starts: colour unless use_colour is false, the
 * NO_COLOR environment variable is set and non-empty, or the terminal has none. */
void attr_init(bool use_colour);
bool attr_colour(void);
attr_t attr_of(enum attr_meaning m);
/* The colour pair of a meaning (0 in monochrome), for wattr_set/cchar_t. */
short attr_pair(enum attr_meaning m);

#endif
