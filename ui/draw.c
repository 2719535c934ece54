#include "draw.h"

#include <stdio.h>
#include <string.h>

#define DRAW_MAX_COLS 1000

int draw_fit_question(char *out, size_t outsz, const char *text, int cols)
{
    const char *q = strrchr(text, '?');
    int tail_w = q ? utf8_width(q) : 0;
    if (!q || utf8_width(text) <= cols || tail_w + 2 > cols)
        return utf8_fit(out, outsz, text, cols, UTF8_FIT_ELLIPSIS);
    /* The head without its end, then the ellipsis, then the question's end. */
    char head[4 * DRAW_MAX_COLS + 16];
    size_t hn = (size_t)(q - text) < sizeof head - 1 ? (size_t)(q - text) : sizeof head - 1;
    memcpy(head, text, hn);
    head[hn] = '\0';
    char fit[4 * DRAW_MAX_COLS + 16];
    int used = utf8_fit(fit, sizeof fit, head, cols - tail_w, UTF8_FIT_ELLIPSIS);
    snprintf(out, outsz, "%s%s", fit, q);
    return used + tail_w;
}

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
    int used = flags & DRAW_KEEP_QUESTION ? draw_fit_question(fit, sizeof fit, text, cols)
                                          : utf8_fit(fit, sizeof fit, text, cols, flags & (DRAW_PAD | DRAW_ELLIPSIS));
    wattron(w, attr);
    mvwaddstr(w, y, x, fit);
    wattroff(w, attr);
    return drawn + used;
}

void draw_cell_text(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool right)
{
    if (cols > 0)
        draw_text(w, y, x, cols, text, attr, DRAW_PAD | DRAW_ELLIPSIS | (right ? DRAW_RIGHT : 0));
}

void draw_line(WINDOW *w, int y, int x, const char *text, attr_t attr)
{
    draw_text(w, y, x, 0, text, attr, DRAW_CLEAR | DRAW_ELLIPSIS);
}

void draw_put(WINDOW *w, int y, int x, const char *text, enum attr_meaning m)
{
    draw_text(w, y, x, 0, text, attr_of(m), DRAW_ELLIPSIS);
}

void draw_gone(WINDOW *w, const char *why)
{
    werase(w);
    draw_line(w, 0, 1, why && why[0] ? why : "That is no longer in the store", attr_of(ATTR_ERROR));
    draw_line(w, 2, 1, "Esc goes back", attr_of(ATTR_DIM));
}

const char *draw_flag_marker(enum flag_level level)
{
    return level == FLAG_RED ? "!" : level == FLAG_AMBER ? "~" : " ";
}

enum attr_meaning draw_flag_attr(enum flag_level level)
{
    return level == FLAG_RED     ? ATTR_FLAG_RED
           : level == FLAG_AMBER ? ATTR_FLAG_AMBER
           : level == FLAG_GREEN ? ATTR_FLAG_GREEN
                                 : ATTR_NORMAL;
}

void draw_hours(double h, char *buf, size_t len)
{
    if (h == (double)(long)h)
        snprintf(buf, len, "%ld", (long)h);
    else
        snprintf(buf, len, "%.1f", h);
}
