/* The multi-line text field (see textedit.h): wrapping, vertical moves and
 * the scrolled box. Editing itself is the line editor's. */

#include "textedit.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

#define CTRL_KEY(c) ((c) & 0x1f)

/* ---- Wrapping ------------------------------------------------------------- */

size_t textedit_next_line(const char *s, size_t len, size_t start, int width, size_t *end)
{
    int room = width > 1 ? width - 1 : 1; /* the last column is the cursor's */
    size_t p = start, brk = start, slash = start;
    int cols = 0;
    while (p < len && s[p] != '\n') {
        int cw;
        size_t q = utf8_next_cluster(s, len, p, &cw);
        bool space = s[p] == ' ' && q == p + 1;
        if (cols + cw <= room) {
            cols += cw;
            if (s[p] == '/' && q < len && s[q] != ' ' && s[q] != '\n')
                slash = q;
            p = q;
            if (space)
                brk = q;
            continue;
        }
        if (space && cols + cw <= width) {
            *end = q; /* the space at the break takes the last column */
            return q;
        }
        if (brk > start) {
            *end = brk; /* after the last space */
            return brk;
        }
        if (cols == 0) {
            *end = q; /* one character wider than the line */
            return q;
        }
        if (slash > start) {
            *end = slash; /* a file's path longer than a line: after a '/' */
            return slash;
        }
        *end = p; /* a word longer than a line */
        return p;
    }
    *end = p;
    return p < len ? p + 1 : SIZE_MAX;
}

/* One visual line: text [start, end), and the start of the next or SIZE_MAX.
 * After a soft break next == end; after a newline next == end + 1. */
struct vline {
    size_t start, end, next;
};

static struct vline line_from(const char *s, size_t len, size_t start, int width)
{
    struct vline l = {.start = start};
    l.next = textedit_next_line(s, len, start, width, &l.end);
    return l;
}

static size_t para_start(const char *s, size_t pos)
{
    while (pos > 0 && s[pos - 1] != '\n')
        pos--;
    return pos;
}

/* The visual line that shows pos: the cursor at a soft break stands at the
 * start of the lower line. */
static struct vline line_at(const char *s, size_t len, size_t pos, int width)
{
    struct vline l = line_from(s, len, para_start(s, pos), width);
    while (l.next != SIZE_MAX && pos >= l.next)
        l = line_from(s, len, l.next, width);
    return l;
}

/* The visual line before the one starting at start; false at the top. */
static bool line_before(const char *s, size_t len, size_t start, int width, struct vline *out)
{
    if (start == 0)
        return false;
    size_t ps = s[start - 1] == '\n' ? para_start(s, start - 1) : para_start(s, start);
    struct vline l = line_from(s, len, ps, width);
    while (l.next < start)
        l = line_from(s, len, l.next, width);
    *out = l;
    return true;
}

/* The cursor position in line l nearest to column goal without passing it
 * (a soft-wrapped line's own end belongs to the line below). */
static size_t pos_at_col(const char *s, size_t len, struct vline l, int goal)
{
    bool soft = l.next == l.end;
    size_t p = l.start;
    int col = 0;
    while (p < l.end) {
        int cw;
        size_t q = utf8_next_cluster(s, len, p, &cw);
        if (col + cw > goal || (soft && q == l.end))
            break;
        col += cw;
        p = q;
    }
    return p;
}

/* ---- The view --------------------------------------------------------------------- */

/* The first visual line to show in a box of height x width, starting from a
 * previous one and moving as little as possible to show the cursor; when the
 * text ends above the bottom, earlier lines are pulled in to fill the box. */
static size_t view_top(const struct textedit *te, int height, int width, size_t top)
{
    const char *s = te->ed.text;
    size_t len = te->ed.len;
    if (height < 1)
        height = 1;
    if (top > len)
        top = len;
    top = line_at(s, len, top, width).start;
    size_t cl = line_at(s, len, te->ed.cursor, width).start;
    if (cl < top) {
        top = cl;
    } else {
        int rows = 0;
        struct vline l = line_from(s, len, top, width);
        while (l.start < cl && l.next != SIZE_MAX) {
            l = line_from(s, len, l.next, width);
            rows++;
        }
        for (struct vline t = line_from(s, len, top, width); rows >= height; rows--) {
            t = line_from(s, len, t.next, width);
            top = t.start;
        }
    }
    int shown = 1;
    for (struct vline l = line_from(s, len, top, width); shown < height && l.next != SIZE_MAX;
         shown++)
        l = line_from(s, len, l.next, width);
    struct vline prev;
    for (; shown < height && line_before(s, len, top, width, &prev); shown++)
        top = prev.start;
    return top;
}

static void keep_in_view(struct textedit *te)
{
    te->top = view_top(te, te->height, te->width, te->top);
}

/* ---- State ---------------------------------------------------------------------- */

ap_status textedit_init(struct textedit *te, const char *text, size_t limit, int height,
                        int width)
{
    *te = (struct textedit){.height = height, .width = width, .goal_col = -1};
    ap_status st = lineedit_init(&te->ed, text, limit);
    te->ed.cursor = 0;
    return st;
}

void textedit_free(struct textedit *te)
{
    lineedit_free(&te->ed);
}

ap_status textedit_set_text(struct textedit *te, const char *text)
{
    ap_status st = lineedit_set_text(&te->ed, text);
    te->ed.cursor = 0;
    te->top = 0;
    te->goal_col = -1;
    return st;
}

const char *textedit_text(const struct textedit *te)
{
    return lineedit_text(&te->ed);
}

const char *textedit_reason(const struct textedit *te)
{
    return lineedit_reason(&te->ed);
}

void textedit_set_size(struct textedit *te, int height, int width)
{
    te->height = height;
    te->width = width;
    keep_in_view(te);
}

void textedit_cursor_at(const struct textedit *te, int *line, int *col)
{
    const char *s = te->ed.text;
    size_t len = te->ed.len;
    struct vline l = line_from(s, len, 0, te->width);
    int n = 0;
    while (l.next != SIZE_MAX && te->ed.cursor >= l.next) {
        l = line_from(s, len, l.next, te->width);
        n++;
    }
    *line = n;
    *col = utf8_nwidth(s + l.start, te->ed.cursor - l.start);
}

/* ---- Keys ------------------------------------------------------------------------- */

/* Moves *l by lines visual lines (negative: up), stopping at the first or
 * the last line; returns how many it moved. */
static int step_lines(const char *s, size_t len, int width, struct vline *l, int lines)
{
    int want = lines < 0 ? -lines : lines, moved = 0;
    for (; moved < want; moved++) {
        if (lines < 0) {
            if (!line_before(s, len, l->start, width, l))
                break;
        } else {
            if (l->next == SIZE_MAX)
                break;
            *l = line_from(s, len, l->next, width);
        }
    }
    return moved;
}

/* Moves the cursor by lines visual lines (negative: up), keeping the goal
 * column; a page move takes the view along. Unhandled when there is no line
 * that way, so that the form may move to another field. */
static enum lineedit_result move_lines(struct textedit *te, int lines, bool page)
{
    const char *s = te->ed.text;
    size_t len = te->ed.len;
    int width = te->width;
    struct vline l = line_at(s, len, te->ed.cursor, width);
    int goal = te->goal_col >= 0 ? te->goal_col : utf8_nwidth(s + l.start, te->ed.cursor - l.start);
    int moved = step_lines(s, len, width, &l, lines);
    if (moved == 0)
        return LINEEDIT_UNHANDLED;
    lineedit_move(&te->ed, pos_at_col(s, len, l, goal));
    te->goal_col = goal;
    if (page) {
        struct vline t = line_at(s, len, te->top, width);
        step_lines(s, len, width, &t, lines < 0 ? -moved : moved);
        te->top = t.start;
    }
    return LINEEDIT_MOVED;
}

static enum lineedit_result code_key(struct textedit *te, wint_t ch, bool *vertical)
{
    struct lineedit *ed = &te->ed;
    int page = te->height > 1 ? te->height - 1 : 1;
    struct vline l;
    switch (ch) {
    case KEY_ENTER:
        return lineedit_insert(ed, "\n", 1);
    case KEY_UP:
    case KEY_DOWN:
    case KEY_PPAGE:
    case KEY_NPAGE:
        *vertical = true;
        return move_lines(te, ch == KEY_UP ? -1 : ch == KEY_DOWN ? 1 : ch == KEY_PPAGE ? -page : page,
                          ch == KEY_PPAGE || ch == KEY_NPAGE);
    case KEY_HOME:
        l = line_at(ed->text, ed->len, ed->cursor, te->width);
        return lineedit_move(ed, l.start);
    case KEY_END:
        l = line_at(ed->text, ed->len, ed->cursor, te->width);
        return lineedit_move(ed, pos_at_col(ed->text, ed->len, l, INT_MAX));
    default:
        break;
    }
    const char *name = lineedit_key_name(KEY_CODE_YES, ch);
    if (name && strcmp(name, "kHOM5") == 0)
        return lineedit_move(ed, 0);
    if (name && strcmp(name, "kEND5") == 0)
        return lineedit_move(ed, ed->len);
    return lineedit_key(ed, KEY_CODE_YES, ch);
}

enum lineedit_result textedit_key(struct textedit *te, int ret, wint_t ch)
{
    struct lineedit *ed = &te->ed;
    enum lineedit_result r;
    bool vertical = false;
    if (!ed->text)
        return LINEEDIT_UNHANDLED; /* textedit_init failed */
    if (ret == OK && (ch == '\n' || ch == '\r'))
        r = lineedit_insert(ed, "\n", 1);
    else if (ret == OK && ch == CTRL_KEY('A'))
        r = lineedit_move(ed, lineedit_line_start(ed, ed->cursor));
    else if (ret == OK && ch == CTRL_KEY('E'))
        r = lineedit_move(ed, lineedit_line_end(ed, ed->cursor));
    else if (ret == KEY_CODE_YES)
        r = code_key(te, ch, &vertical);
    else
        r = lineedit_key(ed, ret, ch);
    if (!vertical)
        te->goal_col = -1;
    if (r != LINEEDIT_REFUSED)
        ed->reason[0] = '\0';
    if (r == LINEEDIT_MOVED || r == LINEEDIT_CHANGED)
        keep_in_view(te);
    return r;
}

/* ---- Drawing ------------------------------------------------------------------------ */

void textedit_draw(WINDOW *w, int y, int x, int height, int width, const struct textedit *te,
                   bool focused)
{
    int room = getmaxx(w) - x;
    if (width > room)
        width = room;
    if (width <= 0 || height <= 0 || !te->ed.text)
        return;
    const char *s = te->ed.text;
    size_t len = te->ed.len, cursor = te->ed.cursor;
    size_t top = focused ? view_top(te, height, width, te->top) : 0;
    struct vline l = line_from(s, len, top, width);
    bool more = true;
    int crow = -1, ccol = 0;
    for (int row = 0; row < height; row++) {
        if (!more) {
            lineedit_put(w, y + row, x, "", 0, width);
            continue;
        }
        lineedit_put(w, y + row, x, s + l.start, l.end - l.start, width);
        if (cursor >= l.start && (l.next == SIZE_MAX || cursor < l.next)) {
            crow = row;
            ccol = utf8_nwidth(s + l.start, cursor - l.start);
        }
        if (l.next == SIZE_MAX)
            more = false;
        else
            l = line_from(s, len, l.next, width);
    }
    if (focused && crow >= 0)
        wmove(w, y + crow, x + (ccol < width ? ccol : width - 1));
}

void textedit_wrap(const char *text, int width, textedit_line_fn fn, void *ctx)
{
    size_t len = strlen(text), start = 0, end;
    bool first = true;
    while (start != SIZE_MAX) {
        size_t next = textedit_next_line(text, len, start, width, &end);
        size_t shown = end;
        while (shown > start && text[shown - 1] == ' ')
            shown--;
        fn(ctx, text + start, shown - start, first);
        first = false;
        start = next;
    }
}
