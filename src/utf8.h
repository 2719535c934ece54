#ifndef APTERM_UTF8_H
#define APTERM_UTF8_H

/* Display-width-aware UTF-8: the one place that knows how wide text is on a
 * terminal and where a character may be cut. No curses here.
 *
 * Words used below:
 *   character  one code point, or one invalid byte (a byte that does not
 *              start a well-formed sequence counts as one character of its
 *              own, one column wide, drawn as U+FFFD).
 *   cluster    what moves, deletes and fits as one: a base character plus
 *              the zero-width characters that follow it (combining marks,
 *              variation selectors, joiners). Marks never attach to a
 *              control character (so not to a newline); a mark with nothing
 *              to attach to is a cluster of its own, drawn on U+25CC.
 *   columns    terminal cells, from wcwidth(): a cluster is 1 or 2 columns
 *              (combining marks 0, CJK and most emoji 2). A character wcwidth
 *              cannot measure (controls, unassigned code points) is 1 column
 *              and drawn as U+FFFD, so what is measured is what is drawn.
 *
 * Widths follow LC_CTYPE: the program runs under a UTF-8 locale (tests call
 * setlocale(LC_ALL, "C.UTF-8")). Every function is pure and reentrant;
 * buffers are the caller's. Positions are byte offsets. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#define UTF8_REPLACEMENT 0xFFFDu  /* drawn for invalid bytes and unshowable characters */
#define UTF8_ORPHAN_BASE 0x25CCu  /* dotted circle: drawn under a mark with no base */
#define UTF8_ELLIPSIS "\u2026"    /* "…", one column */
/* Wide characters a drawn cluster can hold: a base and four marks, as many
 * as one ncurses cell (CCHARW_MAX); further marks are not drawn. */
#define UTF8_CLUSTER_MAX 5

/* ---- Characters ------------------------------------------------------------ */

/* Decodes the character at s[0], reading at most len bytes. Returns its length
 * in bytes (1 to 4), or 0 when len is 0. An invalid byte (stray continuation,
 * overlong form, surrogate, beyond U+10FFFF, sequence cut short) returns 1 with
 * *cp = UTF8_REPLACEMENT. cp may be NULL. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Writes cp as UTF-8 into out; returns its length (1 to 4), or 0 for a
 * surrogate or a value beyond U+10FFFF (nothing written). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* The start of the next character after pos (len when pos >= len). */
size_t utf8_next(const char *s, size_t len, size_t pos);

/* The start of the character before pos, which must be a character boundary
 * (0 when pos is 0). Agrees with utf8_next on invalid bytes. */
size_t utf8_prev(const char *s, size_t pos);

/* True when pos is 0, len, or the start of a character (not inside one). */
bool utf8_is_char_start(const char *s, size_t len, size_t pos);

/* ---- Clusters ---------------------------------------------------------------- */

/* The end of the cluster that starts at pos; *cols (may be NULL) receives its
 * width in columns (1 or 2; 0 only when pos >= len). */
size_t utf8_next_cluster(const char *s, size_t len, size_t pos, int *cols);

/* The start of the cluster that ends at pos (0 when pos is 0). pos must be a
 * character boundary; when it is inside a cluster (between a base and its
 * mark) the result is that cluster's start. */
size_t utf8_prev_cluster(const char *s, size_t len, size_t pos);

/* True when pos is 0, len, or the start of a cluster: a cursor may stand
 * there without separating a mark from its base. */
bool utf8_is_cluster_start(const char *s, size_t len, size_t pos);

/* The number of clusters in s[0..len): what a user calls characters. */
size_t utf8_clusters(const char *s, size_t len);

/* What to draw for the cluster at pos: fills out[0..max-1] with at most max-1
 * wide characters and a terminating 0 (max should be UTF8_CLUSTER_MAX + 1):
 * the base, replaced by U+FFFD when it cannot be shown, or U+25CC before a
 * mark that has no base, then as many of its marks as fit. Returns the end of
 * the cluster; *cols (may be NULL) its width. */
size_t utf8_cluster_display(const char *s, size_t len, size_t pos, wchar_t *out, size_t max,
                            int *cols);

/* ---- Width and fitting ------------------------------------------------------- */

/* Columns that s (NUL-terminated) takes on a terminal: the sum of its
 * clusters' widths. */
int utf8_width(const char *s);
/* The same for s[0..len). */
int utf8_nwidth(const char *s, size_t len);

/* The length in bytes of the longest prefix of s[0..len) made of whole
 * clusters that fits in cols columns; *used (may be NULL) receives its width,
 * which is cols - 1 when a 2-column cluster would straddle the edge. */
size_t utf8_prefix(const char *s, size_t len, int cols, int *used);

/* Options for utf8_fit. */
enum {
    UTF8_FIT_PAD = 1 << 0,      /* add spaces after, up to exactly cols columns */
    UTF8_FIT_ELLIPSIS = 1 << 1, /* text that does not fit ends in "…" */
};

/* Writes a display copy of s (NUL-terminated) into out, of outsz bytes:
 * the longest prefix of whole clusters that fits in cols columns. With
 * UTF8_FIT_ELLIPSIS a string too wide for cols becomes its longest prefix
 * that fits in cols - 1 columns followed by "…" (and a space, when a 2-column
 * character stopped it a column short), so it is exactly cols columns. With
 * UTF8_FIT_PAD spaces follow up to exactly cols columns, also where a
 * 2-column character would have straddled the edge.
 *
 * The copy is made to be drawn: invalid bytes and unshowable characters
 * become U+FFFD and a mark with no base is put on U+25CC, so its width as
 * measured equals its width on screen, and it is always valid UTF-8. out is
 * always NUL-terminated (when outsz > 0) and never ends inside a character:
 * when outsz is too small the copy stops at the last whole cluster (and pad)
 * that fits. 4 * cols + 1 bytes is enough for text without marks. Returns the
 * columns written. This is for display: never store the result. */
int utf8_fit(char *out, size_t outsz, const char *s, int cols, unsigned flags);

/* A copy of s (NUL-terminated) fit to print on a terminal or in a message:
 * every control character (C0 such as ESC and BEL, DEL, and C1) and every
 * byte that is not UTF-8 becomes '?', so stored text can never move the
 * cursor, change colours or retitle the window. Cut on a character boundary
 * to fit outsz bytes (always NUL-terminated when outsz > 0). Returns out.
 * The one escaping for text that did not come from apterm itself. */
const char *utf8_printable(char *out, size_t outsz, const char *s);

/* ---- Validation and search ----------------------------------------------------- */

/* True when s (NUL-terminated) is well-formed UTF-8. */
bool utf8_valid(const char *s);

/* True when s holds nothing but spaces, tabs and line ends ("" too). */
bool utf8_blank(const char *s);

/* The offset of the first invalid byte in s[0..len), or len when there is
 * none: for messages such as "line 4: not UTF-8 at byte 17". */
size_t utf8_first_invalid(const char *s, size_t len);

/* The letter a search compares cp as: ASCII and towlower() case folding, and
 * the accented letters of Latin-1 Supplement, Latin Extended-A and Welsh
 * (ŵ ŷ ẁ ẃ ẅ ỳ) folded to their plain letters (Â â -> a, Ŵ -> w, Ł -> l).
 * Letters with no one-letter plain form (æ œ ß þ ĳ ŋ) only fold case. */
uint32_t utf8_fold(uint32_t cp);

/* True when needle occurs in haystack (both NUL-terminated) comparing folded
 * letters and ignoring zero-width marks, so "sian" finds "Siân", "llyr"
 * finds "Llŷr" and "zoe" finds "Zoë" however the accent was encoded. An
 * empty needle is found everywhere. For search-as-you-type. */
bool utf8_contains(const char *haystack, const char *needle);

/* text as utf8_contains compares it: each letter folded (utf8_fold), the
 * zero-width marks left out, as UTF-8. So utf8_contains(h, n) is exactly
 * strstr(folded h, folded n) != NULL: a list folds its rows once and each
 * typed key costs a strstr per row. Writes at most outsz - 1 bytes and a NUL
 * to out (stopping before a letter that does not fit; out may be NULL when
 * outsz is 0); returns the bytes the whole text needs, less the NUL. */
size_t utf8_fold_text(const char *text, char *out, size_t outsz);

/* Compares as a search matches: case and accents folded (utf8_fold), so
 * that Siân sorts with Sian. <0, 0, >0 as strcmp. */
int utf8_fold_cmp(const char *a, const char *b);

#endif
