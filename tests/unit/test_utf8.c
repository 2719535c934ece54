/* Unit tests of src/utf8.c: characters, clusters, display widths, fitting to
 * a width, validation and accent-folding search.
 *
 * Bytes used below: ŷ = C5 B7, ï = C3 AF, â = C3 A2, ë = C3 AB, € = E2 82 AC,
 * 日 = E6 97 A5 (2 columns), 😀 = F0 9F 98 80 (2 columns), U+0301 combining
 * acute = CC 81, U+0308 combining diaeresis = CC 88, … = E2 80 A6,
 * U+FFFD = EF BF BD, U+25CC = E2 97 8C. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

#define ACUTE "\xCC\x81"     /* U+0301 */
#define DIAERESIS "\xCC\x88" /* U+0308 */

static int setup(void **state)
{
    (void)state;
    return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

/* ---- Characters ----------------------------------------------------------- */

static void expect_decode(const char *s, size_t len, size_t n, uint32_t cp)
{
    uint32_t got = 0;
    assert_int_equal(utf8_decode(s, len, &got), n);
    assert_int_equal(got, cp);
}

static void test_decode(void **state)
{
    (void)state;
    expect_decode("A", 1, 1, 'A');
    expect_decode("ŷ", 2, 2, 0x177);
    expect_decode("€", 3, 3, 0x20AC);
    expect_decode("😀", 4, 4, 0x1F600);
    assert_int_equal(utf8_decode("", 0, NULL), 0);
    /* Invalid: one byte each, as U+FFFD. */
    expect_decode("\x80", 1, 1, UTF8_REPLACEMENT);         /* stray continuation */
    expect_decode("\xC0\xAF", 2, 1, UTF8_REPLACEMENT);     /* overlong '/' */
    expect_decode("\xE0\x80\xAF", 3, 1, UTF8_REPLACEMENT); /* overlong */
    expect_decode("\xED\xA0\x80", 3, 1, UTF8_REPLACEMENT); /* surrogate D800 */
    expect_decode("\xF4\x90\x80\x80", 4, 1, UTF8_REPLACEMENT); /* beyond U+10FFFF */
    expect_decode("\xE2\x82", 2, 1, UTF8_REPLACEMENT);     /* cut short */
    expect_decode("\xE2\x82" "A", 3, 1, UTF8_REPLACEMENT);
    expect_decode("\xFF", 1, 1, UTF8_REPLACEMENT);
    /* A length shorter than the sequence is respected. */
    expect_decode("ŷ", 1, 1, UTF8_REPLACEMENT);
}

static void test_encode(void **state)
{
    (void)state;
    char out[4];
    assert_int_equal(utf8_encode('a', out), 1);
    assert_int_equal(utf8_encode(0x177, out), 2);
    assert_memory_equal(out, "ŷ", 2);
    assert_int_equal(utf8_encode(0x20AC, out), 3);
    assert_memory_equal(out, "€", 3);
    assert_int_equal(utf8_encode(0x1F600, out), 4);
    assert_memory_equal(out, "😀", 4);
    assert_int_equal(utf8_encode(0xD800, out), 0);
    assert_int_equal(utf8_encode(0x110000, out), 0);
}

/* Forward and backward steps agree on every boundary, invalid bytes too, and
 * utf8_is_char_start says yes exactly there. */
static void test_next_prev_agree(void **state)
{
    (void)state;
    const char s[] = "a\xC5\xB7" "\x80\x80" "\xE2\x82" "b\xF0\x9F\x98\x80" "\xC3" "\xE6\x97\xA5"
                     "\xBF\xBF\xBF\xBF" "z";
    size_t len = sizeof s - 1;
    size_t starts[64], n = 0;
    for (size_t p = 0; p < len; p = utf8_next(s, len, p))
        starts[n++] = p;
    starts[n] = len;
    /* a, ŷ, 80, 80, E2, 82, b, 😀, C3, 日, BF x4, z */
    assert_int_equal(n, 15);
    for (size_t i = n; i > 0; i--)
        assert_int_equal(utf8_prev(s, starts[i]), starts[i - 1]);
    assert_int_equal(utf8_prev(s, 0), 0);
    assert_int_equal(utf8_next(s, len, len), len);
    for (size_t p = 0, i = 0; p <= len; p++) {
        bool is_start = starts[i] == p;
        if (is_start)
            i++;
        assert_int_equal(utf8_is_char_start(s, len, p), is_start);
    }
}

/* ---- Clusters -------------------------------------------------------------- */

static void test_clusters(void **state)
{
    (void)state;
    const char *s = "Rene" ACUTE "!";
    size_t len = strlen(s);
    int cols;
    assert_int_equal(utf8_next_cluster(s, len, 3, &cols), 6); /* e + U+0301 */
    assert_int_equal(cols, 1);
    assert_int_equal(utf8_prev_cluster(s, len, 6), 3);
    assert_true(utf8_is_cluster_start(s, len, 3));
    assert_false(utf8_is_cluster_start(s, len, 4)); /* between e and its accent */
    assert_false(utf8_is_cluster_start(s, len, 5)); /* inside the accent */
    assert_true(utf8_is_cluster_start(s, len, 6));
    assert_int_equal(utf8_clusters(s, len), 5);
    /* Several marks stay with their letter. */
    const char *z = "e" ACUTE DIAERESIS "x";
    assert_int_equal(utf8_next_cluster(z, strlen(z), 0, NULL), 5);
    assert_int_equal(utf8_prev_cluster(z, strlen(z), 5), 0);
    /* A mark with no letter before it, or after a newline, stands alone. */
    const char *orphan = ACUTE "a\n" ACUTE;
    size_t olen = strlen(orphan);
    assert_int_equal(utf8_next_cluster(orphan, olen, 0, &cols), 2);
    assert_int_equal(cols, 1);
    assert_int_equal(utf8_next_cluster(orphan, olen, 3, NULL), 4); /* the newline */
    assert_int_equal(utf8_prev_cluster(orphan, olen, olen), 4);
    assert_true(utf8_is_cluster_start(orphan, olen, 4));
    assert_int_equal(utf8_clusters(orphan, olen), 4);
    /* utf8_clusters counts what utf8_next_cluster steps over, on plain
     * ASCII (its fast path: a byte each) and around its edges: CR LF (two
     * clusters here), an accent after ASCII, control characters, nothing. */
    const char *counted[] = {"", "abc", "a\r\nb", "a\rb", "\r\n", "a\n\rb", "\x01\x7f ~", "ab" ACUTE, ACUTE "ab",
                             "Rene" ACUTE "!", "日本"};
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
        size_t n = strlen(counted[i]), steps = 0;
        for (size_t p = 0; p < n; p = utf8_next_cluster(counted[i], n, p, NULL))
            steps++;
        assert_int_equal(utf8_clusters(counted[i], n), steps);
    }
    assert_int_equal(utf8_clusters("a\r\nb", 4), 4);
    assert_int_equal(utf8_clusters("a\rb", 3), 3);
    /* Wide characters are 2 columns; at the end, 0. */
    assert_int_equal(utf8_next_cluster("日", 3, 0, &cols), 3);
    assert_int_equal(cols, 2);
    assert_int_equal(utf8_next_cluster("日", 3, 3, &cols), 3);
    assert_int_equal(cols, 0);
}

static void test_cluster_display(void **state)
{
    (void)state;
    wchar_t wc[UTF8_CLUSTER_MAX + 1];
    int cols;
    const char *s = "e" ACUTE "\xFF" ACUTE "\t";
    size_t len = strlen(s);
    assert_int_equal(utf8_cluster_display(s, len, 0, wc, 6, &cols), 3);
    assert_true(wc[0] == L'e' && wc[1] == 0x301 && wc[2] == 0);
    /* An invalid byte is drawn as U+FFFD, and keeps a mark that follows. */
    assert_int_equal(utf8_cluster_display(s, len, 3, wc, 6, &cols), 6);
    assert_true(wc[0] == 0xFFFD && wc[1] == 0x301 && wc[2] == 0);
    assert_int_equal(cols, 1);
    /* So is a control character. */
    assert_int_equal(utf8_cluster_display(s, len, 6, wc, 6, &cols), 7);
    assert_true(wc[0] == 0xFFFD && wc[1] == 0);
    /* A mark with no base is drawn on a dotted circle. */
    assert_int_equal(utf8_cluster_display(ACUTE, 2, 0, wc, 6, &cols), 2);
    assert_true(wc[0] == 0x25CC && wc[1] == 0x301 && wc[2] == 0);
    /* Marks beyond a cell's room are not drawn, and nothing overflows. */
    const char *many = "a" ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE;
    wchar_t small[3] = {1, 1, 1};
    assert_int_equal(utf8_cluster_display(many, strlen(many), 0, small, 3, NULL), strlen(many));
    assert_true(small[0] == L'a' && small[1] == 0x301 && small[2] == 0);
}

/* ---- Width ------------------------------------------------------------------ */

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(utf8_width(""), 0);
    assert_int_equal(utf8_width("Siân"), 4);
    assert_int_equal(utf8_width("Gwenllïan"), 9);
    assert_int_equal(utf8_width("Llŷr"), 4);
    assert_int_equal(utf8_width("Zoe" DIAERESIS), 3); /* combining: 0 columns */
    assert_int_equal(utf8_width("日本"), 4);
    assert_int_equal(utf8_width("😀!"), 3);
    assert_int_equal(utf8_width("a\xFF\xFE" "b"), 4); /* one column per invalid byte */
    assert_int_equal(utf8_width("a\tb"), 3);          /* drawn as U+FFFD */
    assert_int_equal(utf8_width(ACUTE "a"), 2);       /* drawn on U+25CC */
    assert_int_equal(utf8_nwidth("Siân ap", 5), 4);
}

static void test_prefix(void **state)
{
    (void)state;
    int used;
    const char *s = "日本語";
    assert_int_equal(utf8_prefix(s, strlen(s), 5, &used), 6);
    assert_int_equal(used, 4);
    assert_int_equal(utf8_prefix(s, strlen(s), 1, &used), 0);
    assert_int_equal(used, 0);
    const char *r = "Rene" ACUTE "e";
    assert_int_equal(utf8_prefix(r, strlen(r), 4, &used), 6); /* the accent comes along */
    assert_int_equal(used, 4);
    assert_int_equal(utf8_prefix(r, strlen(r), 0, &used), 0);
    assert_int_equal(utf8_prefix(r, strlen(r), 99, NULL), strlen(r));
}

/* ---- Fitting ------------------------------------------------------------------- */

static char fitted[256];

static const char *fit(const char *s, int cols, unsigned flags)
{
    int w = utf8_fit(fitted, sizeof fitted, s, cols, flags);
    assert_int_equal(w, utf8_width(fitted));
    assert_true(utf8_valid(fitted));
    return fitted;
}

static void test_fit_truncates_whole_characters(void **state)
{
    (void)state;
    assert_string_equal(fit("Gwenllïan Prydderch", 9, 0), "Gwenllïan");
    assert_string_equal(fit("Gwenllïan Prydderch", 7, 0), "Gwenllï");
    assert_string_equal(fit("Siân", 10, 0), "Siân");
    assert_string_equal(fit("Zoe" DIAERESIS " Jones", 3, 0), "Zoe" DIAERESIS);
    assert_string_equal(fit("ab日本", 3, 0), "ab"); /* 日 would straddle */
    assert_string_equal(fit("ab日本", 4, 0), "ab日");
    assert_string_equal(fit("Siân", 0, 0), "");
    assert_string_equal(fit("Siân", -3, 0), "");
    assert_string_equal(fit("", 5, 0), "");
}

static void test_fit_ellipsis(void **state)
{
    (void)state;
    assert_string_equal(fit("Gwenllïan Prydderch", 17, UTF8_FIT_ELLIPSIS), "Gwenllïan Prydde…");
    assert_int_equal(utf8_width(fitted), 17);
    /* Text that fits is left alone. */
    assert_string_equal(fit("Gwenllïan Prydderch", 19, UTF8_FIT_ELLIPSIS),
                        "Gwenllïan Prydderch");
    assert_string_equal(fit("Llŷr", 4, UTF8_FIT_ELLIPSIS), "Llŷr");
    assert_string_equal(fit("Llŷr Huws", 4, UTF8_FIT_ELLIPSIS), "Llŷ…");
    /* A 2-column character stopping a column short: a space after "…". */
    assert_string_equal(fit("ab日本", 4, UTF8_FIT_ELLIPSIS), "ab… ");
    assert_string_equal(fit("Rene" ACUTE "e Smith", 5, UTF8_FIT_ELLIPSIS), "Rene" ACUTE "…");
    assert_string_equal(fit("Siân", 1, UTF8_FIT_ELLIPSIS), "…");
}

static void test_fit_pad(void **state)
{
    (void)state;
    assert_string_equal(fit("Siân", 8, UTF8_FIT_PAD), "Siân    ");
    assert_string_equal(fit("ab日本", 3, UTF8_FIT_PAD), "ab ");
    assert_string_equal(fit("日本語", 5, UTF8_FIT_PAD), "日本 ");
    assert_string_equal(fit("Gwenllïan Prydderch", 12, UTF8_FIT_PAD | UTF8_FIT_ELLIPSIS),
                        "Gwenllïan P…");
    assert_string_equal(fit("Zoë", 6, UTF8_FIT_PAD | UTF8_FIT_ELLIPSIS), "Zoë   ");
}

/* Every row of a list comes out exactly N columns wide. */
static void test_fit_rows_line_up(void **state)
{
    (void)state;
    const char *names[] = {
        "Siân Jones", "Gwenllïan Prydderch-Llewelyn", "Llŷr", "Zoë", "Zoe" DIAERESIS " Ellis",
        "Rene" ACUTE "e", "日本語の名前", "a日", "😀😀😀😀😀😀", "", "\xFF\xFE bad",
        ACUTE "orphan", "tab\there",
    };
    for (int cols = 1; cols <= 14; cols++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            fit(names[i], cols, UTF8_FIT_PAD);
            if (utf8_width(fitted) != cols)
                fail_msg("\"%s\" padded to %d is %d columns", names[i], cols, utf8_width(fitted));
            fit(names[i], cols, UTF8_FIT_PAD | UTF8_FIT_ELLIPSIS);
            if (utf8_width(fitted) != cols)
                fail_msg("\"%s\" with ellipsis to %d is %d columns", names[i], cols,
                         utf8_width(fitted));
        }
    }
}

static void test_fit_makes_drawable_text(void **state)
{
    (void)state;
    assert_string_equal(fit("a\xFF" "b", 5, 0), "a\xEF\xBF\xBD" "b");
    assert_string_equal(fit("a\tb", 5, 0), "a\xEF\xBF\xBD" "b");
    assert_string_equal(fit(ACUTE "x", 5, 0), "\xE2\x97\x8C" ACUTE "x");
    assert_string_equal(fit("\xE2\x82", 5, UTF8_FIT_PAD), "\xEF\xBF\xBD\xEF\xBF\xBD   ");
}

/* A small buffer stops at a whole character and says how wide it got. */
static void test_fit_small_buffer(void **state)
{
    (void)state;
    char out[5];
    assert_int_equal(utf8_fit(out, sizeof out, "ŷŷŷ", 10, 0), 2);
    assert_string_equal(out, "ŷŷ");
    char tiny[4];
    assert_int_equal(utf8_fit(tiny, sizeof tiny, "日本", 10, UTF8_FIT_PAD), 2);
    assert_string_equal(tiny, "日");
    char three[3];
    assert_int_equal(utf8_fit(three, sizeof three, "日本", 10, UTF8_FIT_PAD), 0);
    assert_string_equal(three, "");
    char one[1];
    assert_int_equal(utf8_fit(one, sizeof one, "abc", 3, UTF8_FIT_PAD), 0);
    assert_string_equal(one, "");
    assert_int_equal(utf8_fit(one, 0, "abc", 3, 0), 0);
    char six[6];
    assert_int_equal(utf8_fit(six, sizeof six, "ab", 8, UTF8_FIT_PAD), 5);
    assert_string_equal(six, "ab   ");
}

/* ---- Validation --------------------------------------------------------------------- */

static void test_valid(void **state)
{
    (void)state;
    assert_true(utf8_valid(""));
    assert_true(utf8_valid("Siân Gwenllïan Llŷr Zoë 日本 😀 e" ACUTE));
    assert_false(utf8_valid("Si\xE2n"));            /* Latin-1 â */
    assert_false(utf8_valid("\xC0\xAF"));
    assert_false(utf8_valid("\xED\xA0\x80"));
    assert_false(utf8_valid("\xF4\x90\x80\x80"));
    assert_false(utf8_valid("abc\xE2\x82"));
    const char *s = "Llŷr \xFF Huws";
    assert_int_equal(utf8_first_invalid(s, strlen(s)), 6);
    assert_int_equal(utf8_first_invalid("Siân", 5), 5);
    assert_int_equal(utf8_first_invalid("Siân", 3), 2); /* â cut in two */
}

/* ---- Search ---------------------------------------------------------------------------- */

static void test_fold(void **state)
{
    (void)state;
    assert_int_equal(utf8_fold('S'), 's');
    assert_int_equal(utf8_fold(0xC2), 'a');  /* Â */
    assert_int_equal(utf8_fold(0xE2), 'a');  /* â */
    assert_int_equal(utf8_fold(0x174), 'w'); /* Ŵ */
    assert_int_equal(utf8_fold(0x177), 'y'); /* ŷ */
    assert_int_equal(utf8_fold(0x178), 'y'); /* Ÿ */
    assert_int_equal(utf8_fold(0x141), 'l'); /* Ł */
    assert_int_equal(utf8_fold(0x1E83), 'w'); /* ẃ */
    assert_int_equal(utf8_fold(0x1EF3), 'y'); /* ỳ */
    assert_int_equal(utf8_fold(0xC6), 0xE6); /* Æ: case only */
    assert_int_equal(utf8_fold(0xDF), 0xDF); /* ß */
    assert_int_equal(utf8_fold(0xD7), 0xD7); /* × is not a letter */
    assert_int_equal(utf8_fold(0x391), 0x3B1); /* Greek by towlower */
}

/* Sorting as a search matches: accents and case folded, then by length. */
static void test_fold_cmp(void **state)
{
    (void)state;
    assert_int_equal(utf8_fold_cmp("Siân", "sian"), 0);
    assert_true(utf8_fold_cmp("Sian", "Siaz") < 0);
    assert_true(utf8_fold_cmp("Siaz", "Siân") > 0);
    assert_true(utf8_fold_cmp("Sian", "Siân Jones") < 0); /* a prefix first */
    assert_true(utf8_fold_cmp("Siân Jones", "Sian") > 0);
    assert_int_equal(utf8_fold_cmp("", ""), 0);
}

static void test_contains(void **state)
{
    (void)state;
    assert_true(utf8_contains("Siân", "sian"));
    assert_true(utf8_contains("Gwenllïan", "GWENLLIAN"));
    assert_true(utf8_contains("Zoë", "zoe"));
    assert_true(utf8_contains("Llŷr", "llyr"));
    assert_true(utf8_contains("Siân Ŵyn", "wyn"));
    assert_true(utf8_contains("Gwenllïan Prydderch", "prydd"));
    assert_true(utf8_contains("Gwenllïan Prydderch", "n p"));
    /* Accents typed are folded too, and decomposed accents are matched. */
    assert_true(utf8_contains("Sian", "siân"));
    assert_true(utf8_contains("Zoe" DIAERESIS " Ellis", "zoe e"));
    assert_true(utf8_contains("Zoe" DIAERESIS, "ZOË"));
    assert_true(utf8_contains("Zoë", "zoe" DIAERESIS));
    assert_true(utf8_contains("Rhys ap Gwŷn", "GWY"));
    assert_true(utf8_contains("Ẁyn", "wyn"));
    assert_true(utf8_contains("ΑΛΦΑ", "αλφα"));
    assert_true(utf8_contains("anything", ""));
    assert_true(utf8_contains("", ""));
    assert_false(utf8_contains("Siân", "sion"));
    assert_false(utf8_contains("Siân", "siana"));
    assert_false(utf8_contains("", "a"));
    assert_false(utf8_contains("Llŷr", "lyrr"));
    /* A repeated prefix does not hide a later match. */
    assert_true(utf8_contains("llllyr", "llyr"));
    /* Invalid bytes: no crash, still searchable around them. */
    assert_true(utf8_contains("Si\xE2n Jones", "jones"));
    assert_false(utf8_contains("Si\xE2n", "sian"));
    assert_true(utf8_contains("\xFF\xFE", "\xFE"));
    assert_false(utf8_contains("\xE2\x82", "x"));
}

/* A list folds its rows once (utf8_fold_text) and matches with strstr:
 * exactly what utf8_contains says, on every case above and a few more. */
static bool folded_contains(const char *haystack, const char *needle)
{
    char h[256], n[256];
    assert_true(utf8_fold_text(haystack, h, sizeof h) < sizeof h);
    assert_true(utf8_fold_text(needle, n, sizeof n) < sizeof n);
    return strstr(h, n) != NULL;
}

static void test_fold_text(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"Siân", "sian"}, {"Gwenllïan", "GWENLLIAN"}, {"Zoë", "zoe"}, {"Llŷr", "llyr"}, {"Siân Ŵyn", "wyn"},
        {"Gwenllïan Prydderch", "prydd"}, {"Gwenllïan Prydderch", "n p"}, {"Sian", "siân"},
        {"Zoe" DIAERESIS " Ellis", "zoe e"}, {"Zoe" DIAERESIS, "ZOË"}, {"Zoë", "zoe" DIAERESIS},
        {"Rhys ap Gwŷn", "GWY"}, {"Ẁyn", "wyn"}, {"ΑΛΦΑ", "αλφα"}, {"anything", ""}, {"", ""},
        {"Siân", "sion"}, {"Siân", "siana"}, {"", "a"}, {"Llŷr", "lyrr"}, {"llllyr", "llyr"},
        {"Si\xE2n Jones", "jones"}, {"Si\xE2n", "sian"}, {"\xFF\xFE", "\xFE"}, {"\xE2\x82", "x"},
        {DIAERESIS "a", "a"}, {"a" DIAERESIS, DIAERESIS}, {"A0123456789", "a01"}, {"ŷ", "yy"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (utf8_contains(pairs[i][0], pairs[i][1]) != folded_contains(pairs[i][0], pairs[i][1]))
            fail_msg("\"%s\" in \"%s\": utf8_contains and the folded text disagree", pairs[i][1], pairs[i][0]);
    /* Folded: small letters, plain, no marks. */
    char out[32];
    assert_int_equal(utf8_fold_text("Zoe" DIAERESIS " ŴYN", out, sizeof out), 7);
    assert_string_equal(out, "zoe wyn");
    /* A short buffer stops before a letter that does not fit, and says what
     * the whole needs; no buffer, only the length. */
    assert_int_equal(utf8_fold_text("Siân", out, 3), 4);
    assert_string_equal(out, "si");
    assert_int_equal(utf8_fold_text("ΑΛΦΑ", out, 4), 8);
    assert_string_equal(out, "α");
    assert_int_equal(utf8_fold_text("ΑΛΦΑ", NULL, 0), 8);
    assert_int_equal(utf8_fold_text("", out, sizeof out), 0);
    assert_string_equal(out, "");
}

/* The one escaping for printing stored text: every C0, DEL and C1 control
 * and every invalid byte becomes '?'; letters, a no-break space and emoji
 * stay; the copy is cut on a character boundary. */
static void test_printable(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(utf8_printable(out, sizeof out, "a\x1b[2Jb\x07" "c"), "a?[2Jb?c");
    assert_string_equal(utf8_printable(out, sizeof out, "\x1f \x7f~"), "? ?~");
    assert_string_equal(utf8_printable(out, sizeof out, "\xc2\x9b" "x\xc2\x9f\xc2\xa0" "y"), "?x?\xc2\xa0" "y");
    assert_string_equal(utf8_printable(out, sizeof out, "Llŷr ŵ \xf0\x9f\x98\x80"), "Llŷr ŵ \xf0\x9f\x98\x80");
    assert_string_equal(utf8_printable(out, sizeof out, "Si\xe2n\n"), "Si?n?");
    assert_string_equal(utf8_printable(out, 5, "abŷ"), "abŷ");
    assert_string_equal(utf8_printable(out, 4, "abŷ"), "ab");
    assert_string_equal(utf8_printable(out, sizeof out, ""), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_next_prev_agree),
        cmocka_unit_test(test_clusters),
        cmocka_unit_test(test_cluster_display),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_fit_truncates_whole_characters),
        cmocka_unit_test(test_fit_ellipsis),
        cmocka_unit_test(test_fit_pad),
        cmocka_unit_test(test_fit_rows_line_up),
        cmocka_unit_test(test_fit_makes_drawable_text),
        cmocka_unit_test(test_fit_small_buffer),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_cmp),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_fold_text),
        cmocka_unit_test(test_printable),
    };
    return cmocka_run_group_tests_name("utf8", tests, setup, NULL);
}
