/* The one UTF-8 line editor (see lineedit.h): state, keys, undo, drawing. */

#include "lineedit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "utf8.h"

#define CTRL_KEY(c) ((c) & 0x1f)
#define KEY_DEL 0x7f

/* The kinds of change a run of keys may extend (lineedit.run). */
enum run {
    RUN_NONE = 0,
    RUN_INSERT,
    RUN_BACKSPACE,
    RUN_DELETE,
    RUN_OTHER, /* never extended: each one is its own change */
};

/* ---- State ------------------------------------------------------------------ */

/* Makes room for need bytes (and a NUL) in text and undo_text. */
static ap_status reserve(struct lineedit *le, size_t need)
{
    if (le->text && need <= le->cap)
        return AP_OK;
    char *t = realloc(le->text, need + 1);
    if (!t)
        return ap_fail(AP_ERR_NOMEM, "out of memory for a field of %zu bytes", need);
    le->text = t;
    char *u = realloc(le->undo_text, need + 1);
    if (!u)
        return ap_fail(AP_ERR_NOMEM, "out of memory for a field of %zu bytes", need);
    le->undo_text = u;
    le->cap = need;
    return AP_OK;
}

ap_status lineedit_init(struct lineedit *le, const char *text, size_t limit)
{
    *le = (struct lineedit){.limit = limit};
    return lineedit_set_text(le, text);
}

void lineedit_free(struct lineedit *le)
{
    free(le->text);
    free(le->undo_text);
    *le = (struct lineedit){0};
}

ap_status lineedit_set_text(struct lineedit *le, const char *text)
{
    if (!text)
        text = "";
    size_t n = strlen(text);
    ap_status st = reserve(le, n > le->limit ? n : le->limit);
    if (st != AP_OK)
        return st;
    memcpy(le->text, text, n + 1);
    le->len = n;
    le->cursor = n;
    le->scroll = 0;
    le->can_undo = false;
    le->run = RUN_NONE;
    le->reason[0] = '\0';
    return AP_OK;
}

const char *lineedit_text(const struct lineedit *le)
{
    return le->text ? le->text : "";
}

bool lineedit_over_limit(const struct lineedit *le)
{
    return le->len > le->limit;
}

const char *lineedit_reason(const struct lineedit *le)
{
    return le->reason;
}

size_t lineedit_line_start(const struct lineedit *le, size_t pos)
{
    while (pos > 0 && le->text[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t lineedit_line_end(const struct lineedit *le, size_t pos)
{
    const char *nl = memchr(le->text + pos, '\n', le->len - pos);
    return nl ? (size_t)(nl - le->text) : le->len;
}

static enum lineedit_result refuse(struct lineedit *le, const char *why)
{
    snprintf(le->reason, sizeof le->reason, "%s", why);
    return LINEEDIT_REFUSED;
}

/* ---- Changes and undo -------------------------------------------------------- */

/* The cursor after an edit: a cluster start, moved forward past any mark
 * that the edit joined to the letter before it. */
static size_t align(const struct lineedit *le, size_t pos)
{
    if (pos > le->len)
        return le->len;
    if (utf8_is_cluster_start(le->text, le->len, pos))
        return pos;
    return utf8_next_cluster(le->text, le->len, utf8_prev_cluster(le->text, le->len, pos), NULL);
}

/* Called before every change: keeps a copy for undo unless the change
 * extends the run of the same kind that left the cursor where it is. */
static void begin_change(struct lineedit *le, enum run kind, bool new_run)
{
    if (new_run || kind == RUN_OTHER || kind != (enum run)le->run || le->cursor != le->run_at) {
        memcpy(le->undo_text, le->text, le->len + 1);
        le->undo_len = le->len;
        le->undo_cursor = le->cursor;
        le->can_undo = true;
    }
    le->run = kind;
}

static void end_change(struct lineedit *le)
{
    le->run_at = le->cursor;
}

/* Removes text[from..to) as one change of the given kind. */
static enum lineedit_result delete_range(struct lineedit *le, size_t from, size_t to,
                                         enum run kind)
{
    if (from >= to)
        return LINEEDIT_NOTHING;
    begin_change(le, kind, false);
    memmove(le->text + from, le->text + to, le->len - to + 1);
    le->len -= to - from;
    le->cursor = align(le, from);
    end_change(le);
    return LINEEDIT_CHANGED;
}

static enum lineedit_result insert_run(struct lineedit *le, const char *bytes, size_t n,
                                       enum run kind)
{
    if (n == 0)
        return LINEEDIT_NOTHING;
    if (le->len + n > le->limit) {
        char why[96];
        snprintf(why, sizeof why, "the field is full (%zu characters)",
                 utf8_clusters(le->text, le->len));
        return refuse(le, why);
    }
    /* Typing is undone a word at a time: a letter after a space starts anew. */
    bool new_word = le->cursor > 0 && le->text[le->cursor - 1] == ' ' && bytes[0] != ' ';
    begin_change(le, kind, new_word);
    memmove(le->text + le->cursor + n, le->text + le->cursor, le->len - le->cursor + 1);
    memcpy(le->text + le->cursor, bytes, n);
    le->len += n;
    le->cursor = align(le, le->cursor + n);
    end_change(le);
    return LINEEDIT_CHANGED;
}

enum lineedit_result lineedit_insert(struct lineedit *le, const char *bytes, size_t n)
{
    return insert_run(le, bytes, n, RUN_OTHER);
}

static enum lineedit_result undo(struct lineedit *le)
{
    if (!le->can_undo)
        return refuse(le, "nothing to undo");
    char *t = le->text;
    le->text = le->undo_text;
    le->undo_text = t;
    size_t len = le->len, cursor = le->cursor;
    le->len = le->undo_len;
    le->cursor = align(le, le->undo_cursor);
    le->undo_len = len;
    le->undo_cursor = cursor;
    le->run = RUN_NONE;
    return LINEEDIT_CHANGED;
}

enum lineedit_result lineedit_move(struct lineedit *le, size_t pos)
{
    le->run = RUN_NONE;
    pos = align(le, pos);
    if (pos == le->cursor)
        return LINEEDIT_NOTHING;
    le->cursor = pos;
    return LINEEDIT_MOVED;
}

/* ---- Words --------------------------------------------------------------------- */

static uint32_t cp_at(const struct lineedit *le, size_t pos)
{
    uint32_t cp;
    utf8_decode(le->text + pos, le->len - pos, &cp);
    return cp;
}

/* A letter or digit of any script; a cluster counts by its base. */
static bool word_at(const struct lineedit *le, size_t pos)
{
    return iswalnum((wint_t)cp_at(le, pos));
}

static size_t word_right(const struct lineedit *le, size_t pos)
{
    while (pos < le->len && !word_at(le, pos))
        pos = utf8_next_cluster(le->text, le->len, pos, NULL);
    while (pos < le->len && word_at(le, pos))
        pos = utf8_next_cluster(le->text, le->len, pos, NULL);
    return pos;
}

static size_t word_left(const struct lineedit *le, size_t pos)
{
    while (pos > 0) {
        size_t p = utf8_prev_cluster(le->text, le->len, pos);
        if (word_at(le, p))
            break;
        pos = p;
    }
    while (pos > 0) {
        size_t p = utf8_prev_cluster(le->text, le->len, pos);
        if (!word_at(le, p))
            break;
        pos = p;
    }
    return pos;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Ctrl-W: back over blanks, then back to the previous blank. */
static size_t rubout_start(const struct lineedit *le)
{
    size_t pos = le->cursor;
    while (pos > 0 && blank(le->text[pos - 1]))
        pos--;
    while (pos > 0 && !blank(le->text[pos - 1]))
        pos--;
    return align(le, pos);
}

/* ---- Keys -------------------------------------------------------------------------- */

const char *lineedit_key_name(int ret, wint_t ch)
{
    if (ret != KEY_CODE_YES || ch <= KEY_MAX || ch >= LINEEDIT_ALT_BASE)
        return NULL;
    return keyname((int)ch);
}

static bool name_is(const char *name, const char *want)
{
    return name && strcmp(name, want) == 0;
}

/* The first byte to show; defined with the scrolling below. */
static size_t view_from(const struct lineedit *le, int width, size_t from);

static enum lineedit_result type_char(struct lineedit *le, wint_t ch)
{
    char bytes[4];
    size_t n = (ch >= 0x20 && ch != KEY_DEL && (ch < 0x80 || ch >= 0xA0))
                   ? utf8_encode((uint32_t)ch, bytes)
                   : 0;
    if (n == 0)
        return LINEEDIT_UNHANDLED; /* a control character or not a character */
    return insert_run(le, bytes, n, RUN_INSERT);
}

static enum lineedit_result backspace(struct lineedit *le)
{
    size_t from = utf8_prev_cluster(le->text, le->len, le->cursor);
    return delete_range(le, from, le->cursor, RUN_BACKSPACE);
}

static enum lineedit_result delete_forward(struct lineedit *le)
{
    size_t to = utf8_next_cluster(le->text, le->len, le->cursor, NULL);
    return delete_range(le, le->cursor, to, RUN_DELETE);
}

static enum lineedit_result control_key(struct lineedit *le, wint_t ch)
{
    switch (ch) {
    case CTRL_KEY('A'):
        return lineedit_move(le, 0);
    case CTRL_KEY('E'):
        return lineedit_move(le, le->len);
    case CTRL_KEY('H'):
    case KEY_DEL:
        return backspace(le);
    case CTRL_KEY('D'):
        return delete_forward(le);
    case CTRL_KEY('U'):
        return delete_range(le, lineedit_line_start(le, le->cursor), le->cursor, RUN_OTHER);
    case CTRL_KEY('K'):
        return delete_range(le, le->cursor, lineedit_line_end(le, le->cursor), RUN_OTHER);
    case CTRL_KEY('W'):
        return delete_range(le, rubout_start(le), le->cursor, RUN_OTHER);
    case CTRL_KEY('Z'):
    case CTRL_KEY('_'):
        return undo(le);
    default:
        return type_char(le, ch);
    }
}

static enum lineedit_result code_key(struct lineedit *le, wint_t ch)
{
    switch (ch) {
    case KEY_LEFT:
        return lineedit_move(le, utf8_prev_cluster(le->text, le->len, le->cursor));
    case KEY_RIGHT:
        return lineedit_move(le, utf8_next_cluster(le->text, le->len, le->cursor, NULL));
    case KEY_HOME:
        return lineedit_move(le, 0);
    case KEY_END:
        return lineedit_move(le, le->len);
    case KEY_BACKSPACE:
        return backspace(le);
    case KEY_DC:
        return delete_forward(le);
    case LINEEDIT_ALT('b'):
        return lineedit_move(le, word_left(le, le->cursor));
    case LINEEDIT_ALT('f'):
        return lineedit_move(le, word_right(le, le->cursor));
    default:
        break;
    }
    const char *name = lineedit_key_name(KEY_CODE_YES, ch);
    if (name_is(name, "kLFT5") || name_is(name, "kLFT3"))
        return lineedit_move(le, word_left(le, le->cursor));
    if (name_is(name, "kRIT5") || name_is(name, "kRIT3"))
        return lineedit_move(le, word_right(le, le->cursor));
    return LINEEDIT_UNHANDLED;
}

enum lineedit_result lineedit_key(struct lineedit *le, int ret, wint_t ch)
{
    enum lineedit_result r = LINEEDIT_UNHANDLED;
    if (!le->text)
        return r; /* lineedit_init failed */
    if (ret == OK)
        r = (ch == '\n' || ch == '\r' || ch == '\t' || ch == 27) ? LINEEDIT_UNHANDLED
                                                                 : control_key(le, ch);
    else if (ret == KEY_CODE_YES)
        r = code_key(le, ch);
    if (r != LINEEDIT_REFUSED)
        le->reason[0] = '\0';
    if ((r == LINEEDIT_MOVED || r == LINEEDIT_CHANGED) && le->width > 0)
        le->scroll = view_from(le, le->width, le->scroll);
    return r;
}

/* ---- Scrolling --------------------------------------------------------------------- */

/* How a field of width columns looks when it shows text from byte from. */
struct view {
    bool left, right; /* scroll markers */
    int area;         /* columns for text */
};

static struct view layout(const struct lineedit *le, int width, size_t from)
{
    struct view v = {.area = width};
    if (width < 3)
        return v; /* too narrow for markers */
    v.left = from > 0;
    int avail = width - v.left;
    v.right = utf8_nwidth(le->text + from, le->len - from) > avail;
    v.area = avail - v.right;
    return v;
}

/* True when the cursor's cell (the cluster under it, or one blank column at
 * the end of the text) is wholly in the text area. */
static bool cursor_shown(const struct lineedit *le, int width, size_t from)
{
    if (le->cursor < from)
        return false;
    struct view v = layout(le, width, from);
    int cell;
    if (le->cursor < le->len)
        utf8_next_cluster(le->text, le->len, le->cursor, &cell);
    else
        cell = 1;
    return utf8_nwidth(le->text + from, le->cursor - from) + cell <= v.area;
}

/* The first byte to show at width so that the cursor is in view, moving as
 * little as possible from the previous first byte: a cursor that went off
 * the left comes back half a field in; one that went off the right sits at
 * the right edge; and text is pulled back in from the left to use room freed
 * on the right. */
static size_t view_from(const struct lineedit *le, int width, size_t from)
{
    const char *s = le->text;
    size_t len = le->len;
    if (width <= 0)
        return 0;
    if (from > len)
        from = len;
    if (!utf8_is_cluster_start(s, len, from))
        from = utf8_prev_cluster(s, len, from);
    if (le->cursor < from) {
        from = le->cursor;
        while (from > 0) {
            size_t p = utf8_prev_cluster(s, len, from);
            if (utf8_nwidth(s + p, le->cursor - p) > width / 2)
                break;
            from = p;
        }
    }
    while (from < le->cursor && !cursor_shown(le, width, from))
        from = utf8_next_cluster(s, len, from, NULL);
    while (from > 0) {
        size_t p = utf8_prev_cluster(s, len, from);
        if (!cursor_shown(le, width, p) || layout(le, width, p).right)
            break;
        from = p;
    }
    return from;
}

void lineedit_set_width(struct lineedit *le, int width)
{
    le->width = width > 0 ? width : 0;
    if (le->width > 0)
        le->scroll = view_from(le, le->width, le->scroll);
}

/* ---- Drawing ---------------------------------------------------------------------- */

/* Columns left in w's row from x, so that nothing is drawn past its edge. */
static int clip(WINDOW *w, int x, int cols)
{
    int room = getmaxx(w) - x;
    if (room < 0)
        room = 0;
    return cols < room ? cols : room;
}

int lineedit_put(WINDOW *w, int y, int x, const char *s, size_t len, int cols)
{
    cols = clip(w, x, cols);
    int col = 0;
    for (size_t p = 0; p < len;) {
        wchar_t wc[UTF8_CLUSTER_MAX + 1];
        int cw;
        size_t q = utf8_cluster_display(s, len, p, wc, sizeof wc / sizeof wc[0], &cw);
        if (col + cw > cols)
            break;
        cchar_t cc;
        setcchar(&cc, wc, A_NORMAL, 0, NULL);
        mvwadd_wch(w, y, x + col, &cc);
        col += cw;
        p = q;
    }
    int drawn = col;
    if (col < cols)
        wmove(w, y, x + col);
    for (; col < cols; col++)
        waddch(w, ' ');
    return drawn;
}

/* '‹' and '›' where the locale can show them, else '<' and '>'. */
static void put_marker(WINDOW *w, int y, int x, wchar_t fancy, wchar_t plain)
{
    wchar_t wc[2] = {wcwidth(fancy) == 1 ? fancy : plain, 0};
    cchar_t cc;
    setcchar(&cc, wc, A_NORMAL, 0, NULL);
    mvwadd_wch(w, y, x, &cc);
}

void lineedit_draw(WINDOW *w, int y, int x, int width, const struct lineedit *le, bool focused)
{
    width = clip(w, x, width);
    if (width <= 0 || !le->text)
        return;
    size_t from = focused ? view_from(le, width, le->scroll) : 0;
    struct view v = layout(le, width, from);
    if (v.left)
        put_marker(w, y, x, 0x2039, '<');
    lineedit_put(w, y, x + v.left, le->text + from, le->len - from, v.area);
    if (v.right)
        put_marker(w, y, x + width - 1, 0x203A, '>');
    if (focused) {
        int col = v.left + utf8_nwidth(le->text + from, le->cursor - from);
        wmove(w, y, x + (col < width ? col : width - 1));
    }
}
