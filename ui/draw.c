#include "draw.h"

#define DRAW_MAX_COLS 1000

int draw_text(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, unsigned flags)
{
    if (y < 0 || y >= getmaxy(w) || x < 0)
        return 0;
    if (flags & DRAW_CLEAR) {
        wmove(w, y, 0);
        wclrtoeol(w);
    }
    int room = getmaxx(w) - x;
    if (cols <= 0 || cols > room)
        cols = room;
    if (cols > DRAW_MAX_COLS)
        cols = DRAW_MAX_COLS;
    if (cols <= 0)
        return 0;
    int drawn = 0;
    if (flags & DRAW_RIGHT) {
        int tw = utf8_width(text);
        if (tw < cols) {
            mvwprintw(w, y, x, "%*s", cols - tw, "");
            drawn = cols - tw;
            x += drawn;
            cols = tw;
        }
    }
    char fit[4 * DRAW_MAX_COLS + 16];
    int used = utf8_fit(fit, sizeof fit, text, cols, flags & (DRAW_PAD | DRAW_ELLIPSIS));
    wattron(w, attr);
    mvwaddstr(w, y, x, fit);
    wattroff(w, attr);
    return drawn + used;
}
