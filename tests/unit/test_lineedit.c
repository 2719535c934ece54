/* Unit tests of ui/lineedit.c and ui/textedit.c: keys as wget_wch returns
 * them, the byte limit, undo, wrapping and vertical moves, and drawing on a
 * headless ncurses screen (a terminal on /dev/null, 24 x 80) read back cell
 * by cell.
 *
 * Bytes: ŷ = C5 B7, ï = C3 AF, â = C3 A2, 日 = E6 97 A5 (2 columns),
 * U+0301 combining acute = CC 81, U+0308 combining diaeresis = CC 88. */
#include <curses.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lineedit.h"
#include "textedit.h"
#include "utf8.h"

#define ACUTE "\xCC\x81"
#define DIAERESIS "\xCC\x88"
#define CTRL(c) ((wint_t)((c) & 0x1f))

/* ---- The headless screen ------------------------------------------------- */

static FILE *screen_out, *screen_in;
static SCREEN *screen;

static int setup(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return -1;
    screen_out = fopen("/dev/null", "w");
    screen_in = fopen("/dev/null", "r");
    if (!screen_out || !screen_in)
        return -1;
    screen = newterm("xterm-256color", screen_out, screen_in);
    if (!screen)
        return -1;
    set_term(screen);
    resizeterm(24, 80);
    keypad(stdscr, TRUE); /* defines the extended keys (Ctrl-Home...) */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(screen);
    fclose(screen_out);
    fclose(screen_in);
    return 0;
}

/* The text in cols columns of row y from x, as UTF-8: each cell's
 * characters (a letter and its marks), a 2-column character once. Fails if
 * a character straddles the end of the span. Moves the window's cursor:
 * check the cursor first. */
static const char *screen_row(int y, int x, int cols)
{
    static char buf[1024];
    size_t at = 0;
    int c = x;
    while (c < x + cols) {
        cchar_t cc;
        wchar_t wc[CCHARW_MAX + 1] = {0};
        attr_t attrs;
        short pair;
        assert_int_equal(mvwin_wch(stdscr, y, c, &cc), OK);
        assert_int_equal(getcchar(&cc, wc, &attrs, &pair, NULL), OK);
        for (int i = 0; wc[i]; i++)
            at += utf8_encode((uint32_t)wc[i], buf + at);
        c += wcwidth(wc[0]) == 2 ? 2 : 1;
    }
    buf[at] = '\0';
    if (c != x + cols)
        fail_msg("a 2-column character straddles column %d: \"%s\"", x + cols - 1, buf);
    return buf;
}

/* Fills row y with '#', so that a test can see nothing was drawn outside. */
static void hash_row(int y)
{
    mvwhline(stdscr, y, 0, '#', COLS);
}

/* ---- Keys -------------------------------------------------------------------- */

#define KEY(le, c) lineedit_key((le), OK, (wint_t)(c))
#define CODE(le, c) lineedit_key((le), KEY_CODE_YES, (wint_t)(c))

/* Types a UTF-8 string a character at a time, as wget_wch delivers it. */
static void type(struct lineedit *le, const char *s)
{
    size_t len = strlen(s);
    for (size_t p = 0; p < len;) {
        uint32_t cp;
        p += utf8_decode(s + p, len - p, &cp);
        assert_int_equal(lineedit_key(le, OK, (wint_t)cp), LINEEDIT_CHANGED);
    }
}

static void expect(const struct lineedit *le, const char *text, size_t cursor)
{
    assert_string_equal(lineedit_text(le), text);
    assert_int_equal(le->len, strlen(text));
    assert_int_equal(le->cursor, cursor);
}

static void test_type_multibyte(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, NULL, 60), AP_OK);
    expect(&le, "", 0);
    type(&le, "Llŷr");
    expect(&le, "Llŷr", 5);
    assert_int_equal(CODE(&le, KEY_LEFT), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 4);
    assert_int_equal(CODE(&le, KEY_LEFT), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 2); /* over the 2 bytes of ŷ */
    type(&le, "ï");
    expect(&le, "Llïŷr", 4);
    lineedit_free(&le);
}

static void test_backspace_spellings(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Llŷŷŷr", 60), AP_OK);
    CODE(&le, KEY_LEFT);
    assert_int_equal(CODE(&le, KEY_BACKSPACE), LINEEDIT_CHANGED);
    expect(&le, "Llŷŷr", 6);
    assert_int_equal(KEY(&le, 127), LINEEDIT_CHANGED);
    expect(&le, "Llŷr", 4);
    assert_int_equal(KEY(&le, 8), LINEEDIT_CHANGED); /* Ctrl-H */
    expect(&le, "Llr", 2);
    CODE(&le, KEY_HOME);
    assert_int_equal(KEY(&le, 127), LINEEDIT_NOTHING);
    expect(&le, "Llr", 0);
    lineedit_free(&le);
}

static void test_backspace_removes_cluster(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Rene" ACUTE, 60), AP_OK);
    expect(&le, "Rene" ACUTE, 6);
    assert_int_equal(CODE(&le, KEY_BACKSPACE), LINEEDIT_CHANGED);
    expect(&le, "Ren", 3);
    /* A combining mark typed after a letter joins it: Left passes both. */
    type(&le, "e" ACUTE "e");
    expect(&le, "Rene" ACUTE "e", 7);
    CODE(&le, KEY_LEFT);
    assert_int_equal(le.cursor, 6);
    CODE(&le, KEY_LEFT);
    assert_int_equal(le.cursor, 3);
    /* Delete removes the letter with its mark. */
    assert_int_equal(CODE(&le, KEY_DC), LINEEDIT_CHANGED);
    expect(&le, "Rene", 3);
    assert_int_equal(KEY(&le, CTRL('D')), LINEEDIT_CHANGED);
    expect(&le, "Ren", 3);
    assert_int_equal(CODE(&le, KEY_DC), LINEEDIT_NOTHING);
    /* Several marks go with their letter. */
    assert_int_equal(lineedit_set_text(&le, "xe" ACUTE DIAERESIS), AP_OK);
    assert_int_equal(KEY(&le, 127), LINEEDIT_CHANGED);
    expect(&le, "x", 1);
    lineedit_free(&le);
}

static void test_moves(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Siân", 60), AP_OK);
    assert_int_equal(CODE(&le, KEY_RIGHT), LINEEDIT_NOTHING);
    assert_int_equal(CODE(&le, KEY_HOME), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 0);
    assert_int_equal(CODE(&le, KEY_LEFT), LINEEDIT_NOTHING);
    assert_int_equal(KEY(&le, CTRL('E')), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 5);
    assert_int_equal(KEY(&le, CTRL('A')), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 0);
    assert_int_equal(CODE(&le, KEY_END), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 5);
    lineedit_free(&le);
}

static void test_words(void **state)
{
    (void)state;
    struct lineedit le;
    /* S i â n = 5 bytes, then " ap-Llŷr Huws". */
    assert_int_equal(lineedit_init(&le, "Siân ap-Llŷr Huws", 60), AP_OK);
    size_t back[] = {15, 9, 6, 0};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(CODE(&le, LINEEDIT_ALT('b')), LINEEDIT_MOVED);
        assert_int_equal(le.cursor, back[i]);
    }
    assert_int_equal(CODE(&le, LINEEDIT_ALT('b')), LINEEDIT_NOTHING);
    size_t fwd[] = {5, 8, 14, 19};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(CODE(&le, LINEEDIT_ALT('f')), LINEEDIT_MOVED);
        assert_int_equal(le.cursor, fwd[i]);
    }
    /* Ctrl-Left and Ctrl-Right, as the terminal's extended keys. */
    int ctrl_left = key_defined("\033[1;5D"), ctrl_right = key_defined("\033[1;5C");
    assert_true(ctrl_left > KEY_MAX && ctrl_right > KEY_MAX);
    assert_string_equal(lineedit_key_name(KEY_CODE_YES, (wint_t)ctrl_left), "kLFT5");
    assert_int_equal(CODE(&le, ctrl_left), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 15);
    assert_int_equal(CODE(&le, ctrl_left), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 9);
    assert_int_equal(CODE(&le, ctrl_right), LINEEDIT_MOVED);
    assert_int_equal(le.cursor, 14);
    lineedit_free(&le);
}

static void test_ctrl_w_u_k(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Siân ap Llŷr  ", 60), AP_OK);
    assert_int_equal(KEY(&le, CTRL('W')), LINEEDIT_CHANGED);
    expect(&le, "Siân ap ", 9);
    assert_int_equal(KEY(&le, CTRL('W')), LINEEDIT_CHANGED);
    expect(&le, "Siân ", 6);
    assert_int_equal(KEY(&le, CTRL('W')), LINEEDIT_CHANGED);
    expect(&le, "", 0);
    assert_int_equal(KEY(&le, CTRL('W')), LINEEDIT_NOTHING);
    /* A word is everything back to a space, accents and hyphens included. */
    assert_int_equal(lineedit_set_text(&le, "Gwenllïan Jones-Rene" ACUTE), AP_OK);
    KEY(&le, CTRL('W'));
    expect(&le, "Gwenllïan ", 11);
    /* From the middle: only what is before the cursor. */
    assert_int_equal(lineedit_set_text(&le, "Siân Jones"), AP_OK);
    CODE(&le, KEY_LEFT);
    CODE(&le, KEY_LEFT);
    KEY(&le, CTRL('W'));
    expect(&le, "Siân es", 6);
    /* Ctrl-U: to the start; Ctrl-K: to the end. */
    assert_int_equal(lineedit_set_text(&le, "Siân Jones"), AP_OK);
    for (int i = 0; i < 5; i++)
        CODE(&le, KEY_LEFT);
    assert_int_equal(le.cursor, 6);
    assert_int_equal(KEY(&le, CTRL('U')), LINEEDIT_CHANGED);
    expect(&le, "Jones", 0);
    assert_int_equal(KEY(&le, CTRL('U')), LINEEDIT_NOTHING);
    assert_int_equal(lineedit_set_text(&le, "Siân Jones"), AP_OK);
    for (int i = 0; i < 6; i++)
        CODE(&le, KEY_LEFT);
    assert_int_equal(KEY(&le, CTRL('K')), LINEEDIT_CHANGED);
    expect(&le, "Siân", 5);
    assert_int_equal(KEY(&le, CTRL('K')), LINEEDIT_NOTHING);
    lineedit_free(&le);
}

static void test_byte_limit(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, NULL, 6), AP_OK);
    type(&le, "Siân"); /* 5 bytes: 1 left */
    assert_int_equal(KEY(&le, 0x177), LINEEDIT_REFUSED); /* ŷ needs 2 */
    assert_string_equal(lineedit_reason(&le), "the field is full (4 characters)");
    expect(&le, "Siân", 5);
    assert_int_equal(KEY(&le, 0x301), LINEEDIT_REFUSED); /* a mark needs 2 too */
    expect(&le, "Siân", 5);
    assert_int_equal(KEY(&le, 's'), LINEEDIT_CHANGED);
    assert_string_equal(lineedit_reason(&le), "");
    expect(&le, "Siâns", 6);
    assert_int_equal(KEY(&le, 'x'), LINEEDIT_REFUSED);
    assert_string_equal(lineedit_reason(&le), "the field is full (5 characters)");
    assert_false(lineedit_over_limit(&le));
    lineedit_free(&le);
}

/* A stored value longer than the field is kept whole, never cut. */
static void test_over_limit_value_kept(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Gwenllïan", 5), AP_OK);
    expect(&le, "Gwenllïan", 10);
    assert_true(lineedit_over_limit(&le));
    assert_int_equal(KEY(&le, 'x'), LINEEDIT_REFUSED);
    assert_int_equal(KEY(&le, CTRL('W')), LINEEDIT_CHANGED);
    assert_false(lineedit_over_limit(&le));
    type(&le, "Siân");
    expect(&le, "Siân", 5);
    lineedit_free(&le);
}

static void test_undo(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, NULL, 60), AP_OK);
    assert_int_equal(KEY(&le, CTRL('Z')), LINEEDIT_REFUSED);
    assert_string_equal(lineedit_reason(&le), "nothing to undo");
    type(&le, "Gwen");
    assert_int_equal(KEY(&le, CTRL('Z')), LINEEDIT_CHANGED);
    expect(&le, "", 0);
    assert_int_equal(KEY(&le, CTRL('Z')), LINEEDIT_CHANGED); /* again: redo */
    expect(&le, "Gwen", 4);
    /* Typing is undone a word at a time. */
    type(&le, " Jones");
    assert_int_equal(KEY(&le, CTRL('_')), LINEEDIT_CHANGED);
    expect(&le, "Gwen ", 5);
    /* A run of Backspaces is one change. */
    assert_int_equal(lineedit_set_text(&le, "Llŷr"), AP_OK);
    assert_int_equal(KEY(&le, CTRL('Z')), LINEEDIT_REFUSED); /* a new text has no undo */
    KEY(&le, 127);
    KEY(&le, 127);
    KEY(&le, 127);
    expect(&le, "L", 1);
    KEY(&le, CTRL('Z'));
    expect(&le, "Llŷr", 5);
    /* Ctrl-U undone puts the cursor back where it was. */
    CODE(&le, KEY_LEFT);
    KEY(&le, CTRL('U'));
    expect(&le, "r", 0);
    KEY(&le, CTRL('Z'));
    expect(&le, "Llŷr", 4);
    /* A move ends a run: typing after it is a change of its own. */
    type(&le, "x");
    CODE(&le, KEY_HOME);
    type(&le, "y");
    KEY(&le, CTRL('Z'));
    expect(&le, "Llŷxr", 0);
    lineedit_free(&le);
}

static void test_unhandled_keys(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Zoë", 60), AP_OK);
    assert_int_equal(KEY(&le, '\n'), LINEEDIT_UNHANDLED);
    assert_int_equal(KEY(&le, '\r'), LINEEDIT_UNHANDLED);
    assert_int_equal(KEY(&le, '\t'), LINEEDIT_UNHANDLED);
    assert_int_equal(KEY(&le, 27), LINEEDIT_UNHANDLED);
    assert_int_equal(KEY(&le, CTRL('S')), LINEEDIT_UNHANDLED);
    assert_int_equal(KEY(&le, 0x85), LINEEDIT_UNHANDLED); /* a C1 control */
    assert_int_equal(CODE(&le, KEY_ENTER), LINEEDIT_UNHANDLED);
    assert_int_equal(CODE(&le, KEY_UP), LINEEDIT_UNHANDLED);
    assert_int_equal(CODE(&le, KEY_DOWN), LINEEDIT_UNHANDLED);
    assert_int_equal(CODE(&le, KEY_F(1)), LINEEDIT_UNHANDLED);
    assert_int_equal(CODE(&le, KEY_BTAB), LINEEDIT_UNHANDLED);
    assert_int_equal(lineedit_key(&le, ERR, 0), LINEEDIT_UNHANDLED);
    expect(&le, "Zoë", 4);
    lineedit_free(&le);
}

static void test_invalid_utf8_value(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "a\xFF" "b\xE2\x82", 60), AP_OK);
    expect(&le, "a\xFF" "b\xE2\x82", 5);
    CODE(&le, KEY_LEFT);
    assert_int_equal(le.cursor, 4); /* each invalid byte is a character */
    KEY(&le, 127);
    expect(&le, "a\xFF" "b\x82", 3);
    CODE(&le, KEY_LEFT);
    KEY(&le, 127);
    expect(&le, "ab\x82", 1);
    CODE(&le, KEY_END);
    type(&le, "ŷ");
    expect(&le, "ab\x82ŷ", 5);
    lineedit_free(&le);
}

/* Pseudo-random keys never leave the cursor inside a character or a
 * cluster, never break the UTF-8, never pass the limit, and always keep the
 * cursor on screen. */
static void test_cursor_always_on_a_boundary(void **state)
{
    (void)state;
    const wint_t chars[] = {'a', ' ', 0x177, 0x301, 0x65E5, 0x1F600, 'Z'};
    const wint_t codes[] = {KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_BACKSPACE, KEY_DC,
                            LINEEDIT_ALT('b'), LINEEDIT_ALT('f')};
    const wint_t ctrls[] = {127, 8, CTRL('D'), CTRL('W'), CTRL('U'), CTRL('K'), CTRL('Z')};
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Siân Llŷr e" ACUTE " 日本 😀", 40), AP_OK);
    lineedit_set_width(&le, 9);
    uint32_t seed = 12345;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = (seed >> 16) & 0x7fff;
        switch (r % 3) {
        case 0:
            lineedit_key(&le, OK, chars[(r / 3) % (sizeof chars / sizeof chars[0])]);
            break;
        case 1:
            lineedit_key(&le, KEY_CODE_YES, codes[(r / 3) % (sizeof codes / sizeof codes[0])]);
            break;
        default:
            lineedit_key(&le, OK, ctrls[(r / 3) % (sizeof ctrls / sizeof ctrls[0])]);
            break;
        }
        assert_true(le.len <= 40);
        assert_int_equal(strlen(le.text), le.len);
        assert_true(utf8_valid(le.text));
        if (!utf8_is_cluster_start(le.text, le.len, le.cursor))
            fail_msg("step %d: cursor %zu inside a cluster of \"%s\"", i, le.cursor, le.text);
        assert_true(utf8_is_cluster_start(le.text, le.len, le.scroll));
        /* The cursor is in the 9 columns shown. */
        hash_row(1);
        lineedit_draw(stdscr, 1, 3, 9, &le, true);
        int x = getcurx(stdscr);
        assert_true(x >= 3 && x < 12);
        assert_int_equal(getcury(stdscr), 1);
        assert_string_equal(screen_row(1, 0, 3), "###");
        assert_string_equal(screen_row(1, 12, 3), "###");
        screen_row(1, 3, 9);
    }
    lineedit_free(&le);
}

/* ---- Drawing the line editor -------------------------------------------------- */

static void test_draw_long_name_in_10_columns(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Gwenllïan Prydderch", 60), AP_OK);
    hash_row(2);
    lineedit_draw(stdscr, 2, 5, 10, &le, false);
    assert_string_equal(screen_row(2, 5, 10), "Gwenllïan›");
    assert_string_equal(screen_row(2, 4, 1), "#");
    assert_string_equal(screen_row(2, 15, 1), "#");
    /* Focused, cursor at the end: the end shows, the start is hidden. */
    lineedit_set_width(&le, 10);
    lineedit_draw(stdscr, 2, 5, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 14);
    assert_string_equal(screen_row(2, 5, 10), "‹rydderch ");
    assert_string_equal(screen_row(2, 15, 1), "#");
    /* Home scrolls right back. */
    assert_int_equal(CODE(&le, KEY_HOME), LINEEDIT_MOVED);
    lineedit_draw(stdscr, 2, 5, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 5);
    assert_string_equal(screen_row(2, 5, 10), "Gwenllïan›");
    /* Moving right past the edge scrolls as little as it can. */
    for (int i = 0; i < 9; i++)
        CODE(&le, KEY_RIGHT);
    lineedit_draw(stdscr, 2, 5, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 5 + 8);
    assert_string_equal(screen_row(2, 5, 10), "‹enllïan ›");
    /* Moving back left within the view does not scroll. */
    CODE(&le, KEY_LEFT);
    CODE(&le, KEY_LEFT);
    lineedit_draw(stdscr, 2, 5, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 5 + 6);
    assert_string_equal(screen_row(2, 5, 10), "‹enllïan ›");
    /* A short text fills from the start with no markers. */
    assert_int_equal(lineedit_set_text(&le, "Siân"), AP_OK);
    lineedit_draw(stdscr, 2, 5, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 9);
    assert_string_equal(screen_row(2, 5, 10), "Siân      ");
    lineedit_free(&le);
}

static void test_draw_wide_characters_at_the_edge(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "日本語テキスト", 60), AP_OK);
    hash_row(3);
    lineedit_draw(stdscr, 3, 0, 7, &le, false);
    assert_string_equal(screen_row(3, 0, 7), "日本語›");
    lineedit_draw(stdscr, 3, 0, 6, &le, false);
    assert_string_equal(screen_row(3, 0, 6), "日本 ›"); /* 語 would straddle: a space */
    lineedit_set_width(&le, 6);
    hash_row(3);
    lineedit_draw(stdscr, 3, 0, 6, &le, true);
    assert_int_equal(getcurx(stdscr), 5);
    assert_string_equal(screen_row(3, 0, 6), "‹スト ");
    assert_string_equal(screen_row(3, 6, 1), "#");
    /* A field narrower than a character, and no room at all. */
    hash_row(3);
    lineedit_draw(stdscr, 3, 0, 1, &le, false);
    assert_string_equal(screen_row(3, 0, 2), " #");
    lineedit_draw(stdscr, 3, 0, 0, &le, true);
    assert_string_equal(screen_row(3, 0, 2), " #");
    /* Drawn at the window's right edge, clipped to it. */
    hash_row(3);
    lineedit_draw(stdscr, 3, COLS - 4, 10, &le, false);
    assert_string_equal(screen_row(3, COLS - 5, 5), "#日 ›");
    lineedit_free(&le);
}

static void test_draw_marks_and_invalid_bytes(void **state)
{
    (void)state;
    struct lineedit le;
    assert_int_equal(lineedit_init(&le, "Zoe" DIAERESIS " a\xFF" "b", 60), AP_OK);
    hash_row(4);
    lineedit_draw(stdscr, 4, 0, 10, &le, true);
    assert_int_equal(getcurx(stdscr), 7);
    assert_string_equal(screen_row(4, 0, 10), "Zoe" DIAERESIS " a\xEF\xBF\xBD" "b   ");
    /* The letter and its mark share one cell. */
    cchar_t cc;
    wchar_t wc[CCHARW_MAX + 1] = {0};
    attr_t attrs;
    short pair;
    mvwin_wch(stdscr, 4, 2, &cc);
    getcchar(&cc, wc, &attrs, &pair, NULL);
    assert_true(wc[0] == L'e' && wc[1] == 0x308 && wc[2] == 0);
    lineedit_free(&le);
}

static void test_put(void **state)
{
    (void)state;
    hash_row(5);
    const char *s = "Gwenllïan";
    assert_int_equal(lineedit_put(stdscr, 5, 2, s, strlen(s), 12), 9);
    assert_string_equal(screen_row(5, 0, 16), "##Gwenllïan   ##");
    assert_int_equal(lineedit_put(stdscr, 5, 2, "ab日", 5, 3), 2);
    assert_string_equal(screen_row(5, 0, 6), "##ab n");
}

/* ---- The text field: wrapping -------------------------------------------------- */

/* The visual lines of s at width, joined with '|'. */
static const char *wrapped(const char *s, int width)
{
    static char buf[1024];
    size_t len = strlen(s), at = 0;
    size_t start = 0;
    for (;;) {
        size_t end;
        size_t next = textedit_next_line(s, len, start, width, &end);
        memcpy(buf + at, s + start, end - start);
        at += end - start;
        if (next == SIZE_MAX)
            break;
        assert_true(next > start);
        buf[at++] = '|';
        start = next;
    }
    buf[at] = '\0';
    return buf;
}

/* Wrapping at and either side of each rule: a text, a width and its visual
 * lines joined with '|', in three groups, each a test of its own (main). */
enum wrap_group { WRAP_AT_SPACES, WRAP_LONG_WORDS, WRAP_PATHS };
static const struct {
    enum wrap_group group;
    const char *text;
    int width;
    const char *lines;
} wraps[] = {
    /* Width 10: at most 9 columns of text, a space may take the 10th. */
    {WRAP_AT_SPACES, "Gwenllïan ap Llŷr Prydderch", 10, "Gwenllïan |ap Llŷr |Prydderch"},
    {WRAP_AT_SPACES, "Siân a Zoë yn yr ysgol", 10, "Siân a |Zoë yn yr |ysgol"},
    {WRAP_AT_SPACES, "one two", 20, "one two"},
    {WRAP_AT_SPACES, "", 10, ""},
    {WRAP_AT_SPACES, "one\ntwo\n", 10, "one|two|"},
    {WRAP_AT_SPACES, "one\n\ntwo", 10, "one||two"},
    /* A line ending exactly at a space keeps the space; a run of them wraps. */
    {WRAP_AT_SPACES, "abcdefghi jkl", 10, "abcdefghi |jkl"},
    {WRAP_AT_SPACES, "abc      def", 6, "abc   |   |def"},
    /* Words longer than a line are broken. */
    {WRAP_LONG_WORDS, "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi|jklmnopqr|stuvwxyz"},
    {WRAP_LONG_WORDS, "Ysgol Gwenllïanllanfairpwllgwyngyll", 10, "Ysgol |Gwenllïan|llanfairp|wllgwyngy|ll"},
    /* A 2-column character that would straddle goes down a line. */
    {WRAP_LONG_WORDS, "ab日本語", 4, "ab|日|本|語"},
    {WRAP_LONG_WORDS, "e" ACUTE "e" ACUTE "e" ACUTE, 3, "e" ACUTE "e" ACUTE "|e" ACUTE},
    /* Tiny widths still make progress; the cursor after 日 needs a line. */
    {WRAP_LONG_WORDS, "ab日", 1, "a|b|日|"},
    {WRAP_LONG_WORDS, "ab日", 2, "a|b|日|"},
    /* A path longer than a line breaks after its last '/' that fits, not
     * in the middle of a name (dmt-report-2026|-11-20.xlsx). */
    {WRAP_PATHS, "/tmp/ab/dmt-report.xlsx", 10, "/tmp/ab/|dmt-repor|t.xlsx"},
    /* The '/' in the last column that fits (9th of width 10), and one past it. */
    {WRAP_PATHS, "abcdefgh/ijk", 10, "abcdefgh/|ijk"},
    {WRAP_PATHS, "abcdefghi/jk", 10, "abcdefghi|/jk"},
    /* A space before the path still wins; a trailing '/' is no break. */
    {WRAP_PATHS, "to /home/gwen/x-report-2026.xlsx", 16, "to |/home/gwen/|x-report-2026.x|lsx"},
    {WRAP_PATHS, "abcdefghijk/", 10, "abcdefghi|jk/"},
};

/* The cases of the group *state names. */
static void test_wraps(void **state)
{
    enum wrap_group group = *(const enum wrap_group *)*state;
    for (size_t i = 0; i < sizeof wraps / sizeof wraps[0]; i++) {
        if (wraps[i].group != group)
            continue;
        const char *got = wrapped(wraps[i].text, wraps[i].width);
        if (strcmp(got, wraps[i].lines) != 0)
            fail_msg("\"%s\" at width %d: \"%s\", expected \"%s\"", wraps[i].text, wraps[i].width, got,
                     wraps[i].lines);
    }
}

static const enum wrap_group wrap_groups[] = {WRAP_AT_SPACES, WRAP_LONG_WORDS, WRAP_PATHS};

/* ---- The text field: keys --------------------------------------------------------- */

#define TKEY(te, c) textedit_key((te), OK, (wint_t)(c))
#define TCODE(te, c) textedit_key((te), KEY_CODE_YES, (wint_t)(c))

static void expect_at(const struct textedit *te, int line, int col)
{
    int l, c;
    textedit_cursor_at(te, &l, &c);
    if (l != line || c != col)
        fail_msg("cursor at line %d column %d, expected %d, %d", l, c, line, col);
}

/* The visual line index of byte pos (a line start). */
static int line_index(const struct textedit *te, size_t pos)
{
    size_t start = 0, end;
    int n = 0;
    while (start < pos) {
        start = textedit_next_line(te->ed.text, te->ed.len, start, te->width, &end);
        n++;
    }
    assert_int_equal(start, pos);
    return n;
}

static void test_text_up_down_keep_column(void **state)
{
    (void)state;
    struct textedit te;
    assert_int_equal(textedit_init(&te, "abcdefgh\nab\nabcdefgh", 200, 5, 20), AP_OK);
    expect_at(&te, 0, 0);
    for (int i = 0; i < 6; i++)
        TCODE(&te, KEY_RIGHT);
    assert_int_equal(TCODE(&te, KEY_DOWN), LINEEDIT_MOVED);
    expect_at(&te, 1, 2);
    assert_int_equal(TCODE(&te, KEY_DOWN), LINEEDIT_MOVED);
    expect_at(&te, 2, 6); /* the column came back */
    assert_int_equal(te.ed.cursor, 18);
    assert_int_equal(TCODE(&te, KEY_DOWN), LINEEDIT_UNHANDLED);
    expect_at(&te, 2, 6);
    TCODE(&te, KEY_UP);
    TCODE(&te, KEY_UP);
    expect_at(&te, 0, 6);
    assert_int_equal(TCODE(&te, KEY_UP), LINEEDIT_UNHANDLED);
    /* Any other key forgets the column. */
    TCODE(&te, KEY_DOWN);
    TCODE(&te, KEY_LEFT);
    TCODE(&te, KEY_DOWN);
    expect_at(&te, 2, 1);
    /* A 2-column character under the column: the cursor stops before it. */
    assert_int_equal(textedit_set_text(&te, "abcd\n日本語"), AP_OK);
    for (int i = 0; i < 3; i++)
        TCODE(&te, KEY_RIGHT);
    TCODE(&te, KEY_DOWN);
    expect_at(&te, 1, 2);
    TCODE(&te, KEY_UP);
    expect_at(&te, 0, 3);
    textedit_free(&te);
}

static void test_text_visual_lines(void **state)
{
    (void)state;
    struct textedit te;
    assert_int_equal(textedit_init(&te, "Gwenllïan ap Llŷr Prydderch\nYsgol", 200, 5, 10), AP_OK);
    /* Lines: "Gwenllïan ", "ap Llŷr ", "Prydderch", "Ysgol". */
    TCODE(&te, KEY_DOWN);
    expect_at(&te, 1, 0);
    assert_int_equal(TCODE(&te, KEY_END), LINEEDIT_MOVED);
    expect_at(&te, 1, 7); /* after "Llŷr", before the space at the break */
    TCODE(&te, KEY_DOWN);
    expect_at(&te, 2, 7);
    TCODE(&te, KEY_END);
    expect_at(&te, 2, 9); /* the end of the paragraph */
    TCODE(&te, KEY_HOME);
    expect_at(&te, 2, 0);
    TCODE(&te, KEY_RIGHT);
    TCODE(&te, KEY_UP);
    expect_at(&te, 1, 1);
    /* Ctrl-A and Ctrl-E: the paragraph. */
    assert_int_equal(TKEY(&te, CTRL('E')), LINEEDIT_MOVED);
    expect_at(&te, 2, 9);
    assert_int_equal(TKEY(&te, CTRL('A')), LINEEDIT_MOVED);
    expect_at(&te, 0, 0);
    /* Ctrl-End and Ctrl-Home: the text. */
    int ctrl_end = key_defined("\033[1;5F"), ctrl_home = key_defined("\033[1;5H");
    assert_true(ctrl_end > KEY_MAX && ctrl_home > KEY_MAX);
    assert_int_equal(TCODE(&te, ctrl_end), LINEEDIT_MOVED);
    expect_at(&te, 3, 5);
    assert_int_equal(te.ed.cursor, te.ed.len);
    TKEY(&te, CTRL('A'));
    expect_at(&te, 3, 0);
    assert_int_equal(TCODE(&te, ctrl_home), LINEEDIT_MOVED);
    assert_int_equal(te.ed.cursor, 0);
    /* Right across a soft break goes to the start of the next line. */
    for (int i = 0; i < 10; i++)
        TCODE(&te, KEY_RIGHT);
    expect_at(&te, 1, 0);
    TCODE(&te, KEY_LEFT);
    expect_at(&te, 0, 9);
    textedit_free(&te);
}

static void test_text_page_moves(void **state)
{
    (void)state;
    char text[200] = "";
    for (int i = 1; i <= 20; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "line %02d%s", i,
                 i < 20 ? "\n" : "");
    struct textedit te;
    assert_int_equal(textedit_init(&te, text, 400, 5, 20), AP_OK);
    for (int i = 0; i < 3; i++)
        TCODE(&te, KEY_RIGHT);
    assert_int_equal(TCODE(&te, KEY_NPAGE), LINEEDIT_MOVED);
    expect_at(&te, 4, 3);
    assert_int_equal(line_index(&te, te.top), 4); /* the view went with it */
    TCODE(&te, KEY_NPAGE);
    TCODE(&te, KEY_NPAGE);
    TCODE(&te, KEY_NPAGE);
    expect_at(&te, 16, 3);
    assert_int_equal(line_index(&te, te.top), 15); /* the last page is full */
    assert_int_equal(TCODE(&te, KEY_NPAGE), LINEEDIT_MOVED);
    expect_at(&te, 19, 3);
    assert_int_equal(TCODE(&te, KEY_NPAGE), LINEEDIT_UNHANDLED);
    assert_int_equal(TCODE(&te, KEY_PPAGE), LINEEDIT_MOVED);
    expect_at(&te, 15, 3);
    assert_int_equal(line_index(&te, te.top), 11);
    for (int i = 0; i < 4; i++)
        TCODE(&te, KEY_PPAGE);
    expect_at(&te, 0, 3);
    assert_int_equal(te.top, 0);
    assert_int_equal(TCODE(&te, KEY_PPAGE), LINEEDIT_UNHANDLED);
    textedit_free(&te);
}

static void test_text_editing(void **state)
{
    (void)state;
    struct textedit te;
    assert_int_equal(textedit_init(&te, NULL, 12, 3, 10), AP_OK);
    for (const char *p = "Siân"; *p;) {
        uint32_t cp;
        p += utf8_decode(p, strlen(p), &cp);
        assert_int_equal(TKEY(&te, cp), LINEEDIT_CHANGED);
    }
    assert_int_equal(TKEY(&te, '\n'), LINEEDIT_CHANGED);
    assert_int_equal(TCODE(&te, KEY_ENTER), LINEEDIT_CHANGED);
    TKEY(&te, 'Z');
    assert_string_equal(textedit_text(&te), "Siân\n\nZ");
    expect_at(&te, 2, 1);
    /* Backspace at the start of a line joins it to the one above. */
    TCODE(&te, KEY_LEFT);
    TKEY(&te, 127);
    assert_string_equal(textedit_text(&te), "Siân\nZ");
    expect_at(&te, 1, 0);
    /* Ctrl-K and Ctrl-U act on the paragraph. */
    TCODE(&te, KEY_UP);
    TCODE(&te, KEY_RIGHT);
    assert_int_equal(TKEY(&te, CTRL('K')), LINEEDIT_CHANGED);
    assert_string_equal(textedit_text(&te), "S\nZ");
    TKEY(&te, CTRL('Z'));
    assert_string_equal(textedit_text(&te), "Siân\nZ");
    /* The byte limit refuses a newline too. */
    TKEY(&te, CTRL('E'));
    for (const char *p = "ŷŷ"; *p;) {
        uint32_t cp;
        p += utf8_decode(p, strlen(p), &cp);
        assert_int_equal(TKEY(&te, cp), LINEEDIT_CHANGED);
    }
    assert_int_equal(te.ed.len, 11);
    assert_int_equal(TKEY(&te, 0x177), LINEEDIT_REFUSED);
    assert_string_equal(textedit_reason(&te), "the field is full (8 characters)");
    assert_int_equal(TKEY(&te, '\n'), LINEEDIT_CHANGED);
    assert_int_equal(TKEY(&te, '\n'), LINEEDIT_REFUSED);
    assert_string_equal(textedit_text(&te), "Siânŷŷ\n\nZ");
    assert_int_equal(TKEY(&te, '\t'), LINEEDIT_UNHANDLED);
    assert_int_equal(TKEY(&te, 27), LINEEDIT_UNHANDLED);
    /* Words: Alt-b / Alt-f as in the line editor. */
    assert_int_equal(TCODE(&te, LINEEDIT_ALT('b')), LINEEDIT_MOVED);
    assert_int_equal(te.ed.cursor, 0);
    assert_int_equal(TCODE(&te, LINEEDIT_ALT('f')), LINEEDIT_MOVED);
    assert_int_equal(te.ed.cursor, 9);
    textedit_free(&te);
}

/* ---- The text field: drawing -------------------------------------------------------- */

static void test_text_draw(void **state)
{
    (void)state;
    struct textedit te;
    assert_int_equal(textedit_init(&te, "Gwenllïan ap Llŷr Prydderch\nYsgol", 200, 3, 10), AP_OK);
    for (int y = 6; y < 10; y++)
        hash_row(y);
    textedit_draw(stdscr, 6, 4, 3, 10, &te, false);
    assert_string_equal(screen_row(6, 3, 12), "#Gwenllïan #");
    assert_string_equal(screen_row(7, 3, 12), "#ap Llŷr   #");
    assert_string_equal(screen_row(8, 3, 12), "#Prydderch #");
    assert_string_equal(screen_row(9, 3, 12), "############");
    /* Focused at the end: the view scrolls down a line. */
    int ctrl_end = key_defined("\033[1;5F");
    TCODE(&te, ctrl_end);
    textedit_draw(stdscr, 6, 4, 3, 10, &te, true);
    assert_int_equal(getcury(stdscr), 8);
    assert_int_equal(getcurx(stdscr), 9);
    assert_string_equal(screen_row(6, 4, 10), "ap Llŷr   ");
    assert_string_equal(screen_row(7, 4, 10), "Prydderch ");
    assert_string_equal(screen_row(8, 4, 10), "Ysgol     ");
    /* A new text starts at the top; a short text leaves blank rows. */
    assert_int_equal(textedit_set_text(&te, "Zoë"), AP_OK);
    textedit_draw(stdscr, 6, 4, 3, 10, &te, true);
    assert_int_equal(getcury(stdscr), 6);
    assert_int_equal(getcurx(stdscr), 4);
    assert_string_equal(screen_row(6, 4, 10), "Zoë       ");
    assert_string_equal(screen_row(7, 4, 10), "          ");
    assert_string_equal(screen_row(8, 4, 10), "          ");
    textedit_free(&te);
}

/* Typing a long text into a small box always keeps the cursor in it. */
static void test_text_cursor_stays_in_view(void **state)
{
    (void)state;
    struct textedit te;
    assert_int_equal(textedit_init(&te, NULL, 2000, 3, 12), AP_OK);
    const char *words = "Mae Gwenllïan a Llŷr yn mynd i'r ysgol bob dydd. Zoë a Siân\n"
                        "hefyd. 日本語 e" ACUTE " Ysgol-Gyfun-Gymraeg-Llanhari.\n\n";
    const wint_t moves[] = {KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END,
                            KEY_LEFT, KEY_RIGHT, KEY_BACKSPACE, KEY_DC};
    uint32_t seed = 99;
    for (int round = 0; round < 6; round++) {
        for (const char *p = words; *p;) {
            uint32_t cp;
            p += utf8_decode(p, strlen(p), &cp);
            textedit_key(&te, OK, (wint_t)cp);
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 5 == 0)
                textedit_key(&te, KEY_CODE_YES, moves[(seed >> 20) % 10]);
            if ((seed >> 16) % 37 == 0)
                textedit_key(&te, OK, CTRL('Z'));
            int line, col;
            textedit_cursor_at(&te, &line, &col);
            int top = line_index(&te, te.top);
            if (line < top || line >= top + 3)
                fail_msg("cursor line %d outside the view from %d", line, top);
            assert_true(col < 12);
            assert_true(utf8_is_cluster_start(te.ed.text, te.ed.len, te.ed.cursor));
            assert_true(utf8_valid(te.ed.text));
            textedit_draw(stdscr, 10, 0, 3, 12, &te, true);
            assert_int_equal(getcury(stdscr), 10 + line - top);
            assert_int_equal(getcurx(stdscr), col);
            for (int y = 10; y < 13; y++)
                screen_row(y, 0, 12);
        }
    }
    textedit_free(&te);
}

/* textedit_wrap: the read-only wrapping the panes use for long text. */
struct wrapped {
    char lines[8][64];
    int n;
    int firsts;
};

static void collect_line(void *ctx, const char *line, size_t len, bool first)
{
    struct wrapped *w = ctx;
    assert_true(w->n < 8);
    snprintf(w->lines[w->n++], sizeof w->lines[0], "%.*s", (int)len, line);
    w->firsts += first;
}

static void test_text_wrap_for_views(void **state)
{
    (void)state;
    struct wrapped w = {0};
    textedit_wrap("Gwenllïan agreed to attend every session\nThanks", 13, collect_line, &w);
    assert_int_equal(w.n, 5);
    assert_string_equal(w.lines[0], "Gwenllïan");
    assert_string_equal(w.lines[1], "agreed to");
    assert_string_equal(w.lines[2], "attend every");
    assert_string_equal(w.lines[3], "session");
    assert_string_equal(w.lines[4], "Thanks");
    assert_int_equal(w.firsts, 1);
    struct wrapped e = {0};
    textedit_wrap("", 12, collect_line, &e);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.lines[0], "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_multibyte),
        cmocka_unit_test(test_backspace_spellings),
        cmocka_unit_test(test_backspace_removes_cluster),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_ctrl_w_u_k),
        cmocka_unit_test(test_byte_limit),
        cmocka_unit_test(test_over_limit_value_kept),
        cmocka_unit_test(test_undo),
        cmocka_unit_test(test_unhandled_keys),
        cmocka_unit_test(test_invalid_utf8_value),
        cmocka_unit_test(test_cursor_always_on_a_boundary),
        cmocka_unit_test(test_draw_long_name_in_10_columns),
        cmocka_unit_test(test_draw_wide_characters_at_the_edge),
        cmocka_unit_test(test_draw_marks_and_invalid_bytes),
        cmocka_unit_test(test_put),
        /* One test body, the group of wraps its state names. */
        {"test_wrap_at_spaces", test_wraps, NULL, NULL, (void *)&wrap_groups[WRAP_AT_SPACES]},
        {"test_wrap_breaks_long_words", test_wraps, NULL, NULL, (void *)&wrap_groups[WRAP_LONG_WORDS]},
        {"test_wrap_breaks_paths_after_a_slash", test_wraps, NULL, NULL, (void *)&wrap_groups[WRAP_PATHS]},
        cmocka_unit_test(test_text_up_down_keep_column),
        cmocka_unit_test(test_text_visual_lines),
        cmocka_unit_test(test_text_page_moves),
        cmocka_unit_test(test_text_editing),
        cmocka_unit_test(test_text_draw),
        cmocka_unit_test(test_text_cursor_stays_in_view),
        cmocka_unit_test(test_text_wrap_for_views),
    };
    return cmocka_run_group_tests_name("lineedit", tests, setup, teardown);
}
