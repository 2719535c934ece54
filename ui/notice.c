#include "notice.h"

#include <stdarg.h>
#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "shell.h"
#include "store.h"

void notice_say(struct ui *ui, struct notice *n, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof n->text, fmt, ap);
    va_end(ap);
    n->error = error;
    if (error)
        ui_error(ui, "%s", n->text);
    else
        ui_message(ui, "%s", n->text);
}

bool notice_can_write(struct ui *ui, struct notice *n)
{
    if (store_can_write(ui_store(ui)))
        return true;
    notice_say(ui, n, true, "You have the viewer role: you can read but not change anything");
    return false;
}

enum view_key notice_key_start(struct notice *n, bool gone, const struct action *act)
{
    notice_clear(n);
    if (gone)
        return VIEW_CLOSE;
    return act ? VIEW_DONE : VIEW_PASS;
}

bool notice_clear(struct notice *n)
{
    bool had = n->text[0] != '\0';
    n->text[0] = '\0';
    return had;
}

bool notice_draw_foot(const struct notice *n, WINDOW *w, bool have_row)
{
    int y = getmaxy(w) - 1;
    if (n->text[0]) {
        draw_line(w, y, 1, n->text, attr_of(n->error ? ATTR_ERROR : ATTR_HEADER));
        return false;
    }
    if (!have_row) {
        wmove(w, y, 0);
        wclrtoeol(w);
        return false;
    }
    return true;
}
