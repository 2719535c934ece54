#include "search.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "lineedit.h"

#define SEARCH_COLS 32

static void draw_prompt(WINDOW *w, struct lineedit *le)
{
    static const char label[] = " Search: ", keys[] = "  Enter keeps it, Esc clears it";
    int x = draw_text(w, 0, 0, 0, label, attr_of(ATTR_HEADER), DRAW_CLEAR);
    int cols = getmaxx(w) - x - 1;
    if (cols > SEARCH_COLS)
        cols = SEARCH_COLS;
    if (cols < 1)
        return;
    if (x + cols + utf8_width(keys) < getmaxx(w))
        draw_text(w, 0, x + cols, 0, keys, attr_of(ATTR_HINT), 0);
    lineedit_set_width(le, cols);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_draw(w, 0, x, cols, le, true);
    wattrset(w, A_NORMAL);
}

static enum action_id list_move(int ret, wint_t ch)
{
    if (ret != KEY_CODE_YES) /* letters are search text, not j/k */
        return ACT_NONE;
    switch (ch) {
    case KEY_UP: return ACT_UP;
    case KEY_DOWN: return ACT_DOWN;
    case KEY_PPAGE: return ACT_PAGE_UP;
    case KEY_NPAGE: return ACT_PAGE_DOWN;
    default: return ACT_NONE;
    }
}

bool search_run(struct ui *ui, char *buf, size_t size, const char *hint, struct listview *lv,
                const struct search_ops *ops, void *ctx)
{
    struct lineedit le = {0};
    if (lineedit_init(&le, buf, size - 1) != AP_OK) {
        lineedit_free(&le);
        ui_error(ui, "Out of memory");
        return false;
    }
    int64_t keep = ops->current(ctx);
    ui_message(ui, "%s", hint);
    for (;;) {
        WINDOW *w = ui_body(ui); /* a new window after a resize */
        werase(w);
        ops->draw(ctx, w);
        curs_set(1);
        draw_prompt(w, &le); /* last, so the cursor stays in the editor */
        wnoutrefresh(w);
        ui_show_status(ui);
        wint_t ch;
        int ret = ui_modal_key(ui, &ch);
        if (ui_quitting(ui) || (ret == OK && (ch == '\r' || ch == '\n')))
            break;
        if (ret == KEY_CODE_YES && ch == KEY_RESIZE)
            continue; /* the shell laid the screen out again */
        if (ret == OK && ch == 27) {
            buf[0] = '\0';
            ops->apply(ctx, keep);
            break;
        }
        enum action_id move = list_move(ret, ch);
        if (move != ACT_NONE) {
            listview_move(lv, move);
            keep = ops->current(ctx);
            continue;
        }
        enum lineedit_result r = lineedit_key(&le, ret, ch);
        if (r == LINEEDIT_CHANGED) {
            snprintf(buf, size, "%s", lineedit_text(&le));
            ops->apply(ctx, keep);
        } else if (r == LINEEDIT_REFUSED) {
            ui_error(ui, "%s", lineedit_reason(&le));
        }
    }
    curs_set(0);
    lineedit_free(&le);
    return true;
}
