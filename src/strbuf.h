#ifndef APTERM_STRBUF_H
#define APTERM_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/* A growable NUL-terminated string. Zero-initialise, append, read .s, then
 * strbuf_free(). After an allocation failure .failed is set and later appends
 * do nothing, so a caller checks once at the end. */
struct strbuf {
    char *s;
    size_t len, cap;
    bool failed;
};

void strbuf_append(struct strbuf *b, const char *text);
void strbuf_appendn(struct strbuf *b, const char *text, size_t n);
void strbuf_appendf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n more bytes at the end (NUL-terminated after them) for the caller to
 * fill: where they start, or NULL (and .failed) when out of memory. */
char *strbuf_extend(struct strbuf *b, size_t n);
/* .s, or "" when nothing was appended. */
const char *strbuf_str(const struct strbuf *b);
void strbuf_reset(struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
