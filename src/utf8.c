/* Display-width-aware UTF-8 (see utf8.h for the words "character",
 * "cluster" and "columns"). */

/* wcwidth() is an X/Open function: declare it under -std=c11 (the build
 * may already define this for ncursesw). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "utf8.h"

#include <limits.h>
#include <string.h>
#include <wctype.h>

/* ---- Characters ---------------------------------------------------------- */

static bool is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    uint32_t dummy;
    if (!cp)
        cp = &dummy;
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    const unsigned char *u = (const unsigned char *)s;
    unsigned char b = u[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t n;
    uint32_t c, min;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2, c = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, c = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, c = b & 0x07, min = 0x10000;
    } else {
        goto invalid; /* continuation byte, C0/C1 overlong lead, F5..FF */
    }
    if (len < n)
        goto invalid;
    for (size_t i = 1; i < n; i++) {
        if (!is_cont(u[i]))
            goto invalid;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        goto invalid;
    *cp = c;
    return n;
invalid:
    *cp = UTF8_REPLACEMENT;
    return 1;
}

/* True when the bytes at s decode as a well-formed sequence (not a lone
 * invalid byte). */
static size_t decode_valid(const char *s, size_t len, uint32_t *cp)
{
    size_t n = utf8_decode(s, len, cp);
    if (n == 1 && (unsigned char)s[0] >= 0x80)
        return 0;
    return n;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_next(const char *s, size_t len, size_t pos)
{
    if (pos >= len)
        return len;
    return pos + utf8_decode(s + pos, len - pos, NULL);
}

/* A well-formed character is a lead byte and its continuations, so the
 * character before pos is either the one led by the nearest non-continuation
 * byte within three bytes back, when it ends exactly at pos, or else the lone
 * invalid byte at pos - 1. */
size_t utf8_prev(const char *s, size_t pos)
{
    if (pos == 0)
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t p = pos - 1;
    size_t back = 0;
    while (p > 0 && is_cont(u[p]) && back < 3) {
        p--;
        back++;
    }
    if (p + decode_valid(s + p, pos - p, NULL) == pos)
        return p;
    return pos - 1;
}

bool utf8_is_char_start(const char *s, size_t len, size_t pos)
{
    if (pos == 0 || pos >= len || !is_cont((unsigned char)s[pos]))
        return true;
    /* A continuation byte starts a character only when it is a stray one. */
    size_t p = pos;
    for (int back = 0; back < 3 && p > 0; back++) {
        p--;
        if (!is_cont((unsigned char)s[p]))
            return p + decode_valid(s + p, len - p, NULL) <= pos;
    }
    return true;
}

/* ---- Classes of characters ------------------------------------------------ */

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* The columns wcwidth gives cp: 0, 1, 2, or -1 when it cannot be shown. */
static int cp_columns(uint32_t cp)
{
    if (cp < 0x7F)
        return cp < 0x20 ? -1 : 1;
    if (is_control(cp))
        return -1;
    return wcwidth((wchar_t)cp);
}

/* A zero-width character that joins the cluster before it. */
static bool is_mark(uint32_t cp)
{
    return cp >= 0x300 && cp_columns(cp) == 0;
}

/* ---- Clusters --------------------------------------------------------------- */

size_t utf8_next_cluster(const char *s, size_t len, size_t pos, int *cols)
{
    if (pos >= len) {
        if (cols)
            *cols = 0;
        return len;
    }
    uint32_t base;
    size_t end = pos + utf8_decode(s + pos, len - pos, &base);
    int w = cp_columns(base);
    if (w <= 0)
        w = 1; /* unshowable (drawn as U+FFFD) or a mark with no base */
    if (!is_control(base)) {
        while (end < len) {
            uint32_t cp;
            size_t n = utf8_decode(s + end, len - end, &cp);
            if (!is_mark(cp))
                break;
            end += n;
        }
    }
    if (cols)
        *cols = w;
    return end;
}

static uint32_t cp_at(const char *s, size_t len, size_t pos)
{
    uint32_t cp;
    utf8_decode(s + pos, len - pos, &cp);
    return cp;
}

size_t utf8_prev_cluster(const char *s, size_t len, size_t pos)
{
    if (pos == 0)
        return 0;
    if (pos > len)
        pos = len;
    size_t p = utf8_prev(s, pos);
    while (p > 0 && is_mark(cp_at(s, len, p))) {
        size_t q = utf8_prev(s, p);
        if (is_control(cp_at(s, len, q)))
            break; /* p is a mark with no base: a cluster of its own */
        p = q;
    }
    return p;
}

bool utf8_is_cluster_start(const char *s, size_t len, size_t pos)
{
    if (pos == 0 || pos >= len)
        return true;
    if (!utf8_is_char_start(s, len, pos))
        return false;
    if (!is_mark(cp_at(s, len, pos)))
        return true;
    return is_control(cp_at(s, len, utf8_prev(s, pos)));
}

size_t utf8_clusters(const char *s, size_t len)
{
    /* Plain ASCII is one cluster a byte (only a mark, never ASCII, joins
     * what is before it): most text a workbook measures is. */
    size_t ascii = 0;
    while (ascii < len && (unsigned char)s[ascii] < 0x80)
        ascii++;
    if (ascii == len)
        return len;
    size_t n = 0;
    for (size_t p = 0; p < len; p = utf8_next_cluster(s, len, p, NULL))
        n++;
    return n;
}

size_t utf8_cluster_display(const char *s, size_t len, size_t pos, wchar_t *out, size_t max,
                            int *cols)
{
    size_t end = utf8_next_cluster(s, len, pos, cols);
    size_t n = 0;
    if (max == 0)
        return end;
    if (pos < len) {
        uint32_t cp;
        size_t p = pos + utf8_decode(s + pos, len - pos, &cp);
        int w = cp_columns(cp);
        if (is_mark(cp)) {
            /* A mark with no base: shown on a dotted circle. */
            if (n + 1 < max)
                out[n++] = (wchar_t)UTF8_ORPHAN_BASE;
            if (n + 1 < max)
                out[n++] = (wchar_t)cp;
        } else if (n + 1 < max) {
            out[n++] = (wchar_t)(w < 0 ? UTF8_REPLACEMENT : cp);
        }
        while (p < end) {
            p += utf8_decode(s + p, end - p, &cp);
            if (n + 1 < max)
                out[n++] = (wchar_t)cp;
        }
    }
    out[n] = 0;
    return end;
}

/* ---- Width and fitting -------------------------------------------------------- */

int utf8_nwidth(const char *s, size_t len)
{
    long total = 0;
    for (size_t p = 0; p < len;) {
        int w;
        p = utf8_next_cluster(s, len, p, &w);
        if (total < INT_MAX)
            total += w;
    }
    return total > INT_MAX ? INT_MAX : (int)total;
}

int utf8_width(const char *s)
{
    return utf8_nwidth(s, strlen(s));
}

size_t utf8_prefix(const char *s, size_t len, int cols, int *used)
{
    size_t p = 0;
    int w = 0;
    while (p < len) {
        int cw;
        size_t q = utf8_next_cluster(s, len, p, &cw);
        if (w + cw > cols)
            break;
        w += cw;
        p = q;
    }
    if (used)
        *used = w;
    return p;
}

/* Appends n bytes to out when they fit with room for the NUL. */
static bool put(char *out, size_t outsz, size_t *at, const char *bytes, size_t n)
{
    if (*at + n >= outsz)
        return false;
    memcpy(out + *at, bytes, n);
    *at += n;
    out[*at] = '\0';
    return true;
}

/* Appends the display form of the cluster at pos (see utf8_cluster_display)
 * whole, or nothing when it does not fit. */
static bool put_cluster(char *out, size_t outsz, size_t *at, const char *s, size_t len,
                        size_t pos)
{
    wchar_t wc[UTF8_CLUSTER_MAX + 1];
    char bytes[UTF8_CLUSTER_MAX * 4];
    size_t n = 0;
    utf8_cluster_display(s, len, pos, wc, sizeof wc / sizeof wc[0], NULL);
    for (size_t i = 0; wc[i]; i++)
        n += utf8_encode((uint32_t)wc[i], bytes + n);
    return put(out, outsz, at, bytes, n);
}

int utf8_fit(char *out, size_t outsz, const char *s, int cols, unsigned flags)
{
    if (outsz == 0)
        return 0;
    out[0] = '\0';
    if (cols <= 0)
        return 0;
    size_t len = strlen(s);
    int used;
    size_t keep = utf8_prefix(s, len, cols, &used);
    bool ellipsis = false;
    if (keep < len && (flags & UTF8_FIT_ELLIPSIS)) {
        keep = utf8_prefix(s, len, cols - 1, &used);
        ellipsis = true;
    }
    size_t at = 0;
    int w = 0;
    for (size_t p = 0; p < keep;) {
        int cw;
        size_t q = utf8_next_cluster(s, len, p, &cw);
        if (!put_cluster(out, outsz, &at, s, len, p))
            return w; /* out of room: stop at a whole cluster */
        w += cw;
        p = q;
    }
    if (ellipsis) {
        if (!put(out, outsz, &at, UTF8_ELLIPSIS, strlen(UTF8_ELLIPSIS)))
            return w;
        w++;
    }
    if ((flags & UTF8_FIT_PAD) || ellipsis) {
        while (w < cols && put(out, outsz, &at, " ", 1))
            w++;
    }
    return w;
}

/* ---- Validation and search ----------------------------------------------------- */

size_t utf8_first_invalid(const char *s, size_t len)
{
    for (size_t p = 0; p < len;) {
        size_t n = decode_valid(s + p, len - p, NULL);
        if (n == 0)
            return p;
        p += n;
    }
    return len;
}

bool utf8_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

bool utf8_valid(const char *s)
{
    size_t len = strlen(s);
    return utf8_first_invalid(s, len) == len;
}

/* Plain letters of U+00C0..U+017F, '.' where there is no one-letter form or
 * the character is not a letter. Both cases fold to the small letter. */
static const char fold_latin[] =
    /* U+00C0 */ "aaaaaa.c" "eeeeiiii" "dnooooo." "ouuuuy.."
    /* U+00E0 */ "aaaaaa.c" "eeeeiiii" "dnooooo." "ouuuuy.y"
    /* U+0100 */ "aaaaaacc" "ccccccdd" "ddeeeeee" "eeeegggg"
    /* U+0120 */ "gggghhhh" "iiiiiiii" "ii..jjkk" "klllllll"
    /* U+0140 */ "lllnnnnn" "n...oooo" "oo..rrrr" "rrssssss"
    /* U+0160 */ "sstttttt" "uuuuuuuu" "uuuuwwyy" "yzzzzzzs";

uint32_t utf8_fold(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
    if (cp >= 0xC0 && cp <= 0x17F && fold_latin[cp - 0xC0] != '.')
        return (uint32_t)fold_latin[cp - 0xC0];
    if (cp >= 0x1E80 && cp <= 0x1E85) /* Ẁ ẁ Ẃ ẃ Ẅ ẅ */
        return 'w';
    if (cp == 0x1EF2 || cp == 0x1EF3) /* Ỳ ỳ */
        return 'y';
    return (uint32_t)towlower((wint_t)cp);
}

/* The next letter to compare at *pos, folded, skipping zero-width marks;
 * false at the end. */
static bool next_folded(const char *s, size_t len, size_t *pos, uint32_t *out)
{
    while (*pos < len) {
        uint32_t cp;
        *pos += utf8_decode(s + *pos, len - *pos, &cp);
        if (!is_mark(cp)) {
            *out = utf8_fold(cp);
            return true;
        }
    }
    return false;
}

bool utf8_contains(const char *haystack, const char *needle)
{
    size_t hlen = strlen(haystack), nlen = strlen(needle);
    size_t start = 0;
    for (;;) {
        size_t h = start, n = 0;
        uint32_t hc, nc;
        for (;;) {
            if (!next_folded(needle, nlen, &n, &nc))
                return true;
            if (!next_folded(haystack, hlen, &h, &hc))
                return false; /* the rest of the haystack is too short */
            if (hc != nc)
                break;
        }
        /* Try from the next letter that is not a mark. */
        do {
            if (start >= hlen)
                return false;
            start = utf8_next(haystack, hlen, start);
        } while (start < hlen && is_mark(cp_at(haystack, hlen, start)));
        if (start >= hlen)
            return false;
    }
}

size_t utf8_fold_text(const char *text, char *out, size_t outsz)
{
    size_t len = strlen(text), pos = 0, need = 0;
    bool room = outsz > 0;
    if (room)
        out[0] = '\0';
    uint32_t cp;
    while (next_folded(text, len, &pos, &cp)) {
        char bytes[4];
        size_t k = utf8_encode(cp, bytes);
        if (k == 0)
            k = utf8_encode(UTF8_REPLACEMENT, bytes); /* no such letter: as a bad byte decodes */
        if (room && need + k < outsz)
            memcpy(out + need, bytes, k);
        else
            room = false;
        need += k;
        if (room)
            out[need] = '\0';
    }
    return need;
}

const char *utf8_printable(char *out, size_t outsz, const char *s)
{
    size_t n = 0, len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        bool invalid = k == 1 && cp == UTF8_REPLACEMENT;
        bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
        const char *from = invalid || control ? "?" : s + i;
        size_t m = invalid || control ? 1 : k;
        if (n + m >= outsz)
            break;
        memcpy(out + n, from, m);
        n += m;
        i += k;
    }
    if (outsz > 0)
        out[n] = '\0';
    return out;
}

int utf8_fold_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i = 0, j = 0;
    while (i < la && j < lb) {
        uint32_t ca, cb;
        i += utf8_decode(a + i, la - i, &ca);
        j += utf8_decode(b + j, lb - j, &cb);
        ca = utf8_fold(ca);
        cb = utf8_fold(cb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (i < la) - (j < lb);
}
