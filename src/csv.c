#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define CSV_MAX_FILE (256u * 1024u * 1024u)

void csv_open_at(struct csv_reader *r, const char *name, const char *text, int first_line)
{
    memset(r, 0, sizeof *r);
    r->name = name ? name : "CSV";
    r->p = text ? text : "";
    /* A byte-order mark is not part of the first field. */
    if ((unsigned char)r->p[0] == 0xEF && (unsigned char)r->p[1] == 0xBB && (unsigned char)r->p[2] == 0xBF)
        r->p += 3;
    r->next_line = first_line > 0 ? first_line : 1;
    r->line = r->next_line;
}

void csv_open(struct csv_reader *r, const char *name, const char *text)
{
    csv_open_at(r, name, text, 1);
}

void csv_close(struct csv_reader *r)
{
    /* Where it had got to stays; what it held goes. */
    struct csv_reader closed = {
        .name = r->name, .comment = r->comment, .line = r->line, .p = r->p, .next_line = r->next_line};
    free(r->buf);
    free(r->offsets);
    free(r->field);
    *r = closed;
}

__attribute__((format(printf, 3, 0)))
static ap_status fail_at(const struct csv_reader *r, int line, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return ap_fail(AP_ERR_INVALID, "%s line %d: %s", r->name, line, msg);
}

ap_status csv_fail(const struct csv_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ap_status st = fail_at(r, r->line, fmt, ap);
    va_end(ap);
    return st;
}

__attribute__((format(printf, 3, 4)))
static ap_status fail_line(const struct csv_reader *r, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ap_status st = fail_at(r, line, fmt, ap);
    va_end(ap);
    return st;
}

static bool put_byte(struct csv_reader *r, char c)
{
    if (r->buf_len + 1 > r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap * 2 : 256;
        char *b = realloc(r->buf, cap);
        if (!b)
            return false;
        r->buf = b;
        r->buf_cap = cap;
    }
    r->buf[r->buf_len++] = c;
    return true;
}

static bool start_field(struct csv_reader *r)
{
    if (r->nfield + 1 > r->field_cap) {
        size_t cap = r->field_cap ? r->field_cap * 2 : 16;
        size_t *o = realloc(r->offsets, cap * sizeof *o);
        if (!o)
            return false;
        r->offsets = o;
        char **f = realloc(r->field, cap * sizeof *f);
        if (!f)
            return false;
        r->field = f;
        r->field_cap = cap;
    }
    r->offsets[r->nfield++] = r->buf_len;
    return true;
}

bool csv_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) < len)
            return false;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += len;
    }
    return true;
}

static ap_status nomem(const struct csv_reader *r)
{
    return ap_fail(AP_ERR_NOMEM, "%s line %d: out of memory", r->name, r->line);
}

/* Steps over a line end ("\n" or "\r\n") at r->p, counting the line; false
 * when there is none there. */
static bool end_of_line(struct csv_reader *r)
{
    size_t n = r->p[0] == '\n' ? 1 : r->p[0] == '\r' && r->p[1] == '\n' ? 2 : 0;
    r->p += n;
    r->next_line += n > 0;
    return n > 0;
}

ap_status csv_next(struct csv_reader *r, bool *got)
{
    *got = false;
    r->nfield = 0;
    r->buf_len = 0;

    /* Skip blank and comment lines. */
    for (;;) {
        if (*r->p == '\0')
            return AP_OK;
        if (end_of_line(r)) {
            /* a blank line */
        } else if (r->comment && *r->p == r->comment) {
            while (*r->p && *r->p != '\n')
                r->p++;
            if (*r->p == '\n') {
                r->p++;
                r->next_line++;
            }
        } else {
            break;
        }
    }

    r->line = r->next_line;
    for (;;) {
        size_t number = r->nfield + 1;
        if (!start_field(r))
            return nomem(r);
        if (*r->p == '"') {
            int opened = r->next_line;
            r->p++;
            for (;;) {
                char c = *r->p;
                if (c == '\0')
                    return fail_line(r, opened, "field %zu opens a quote that is never closed", number);
                if (c == '"') {
                    if (r->p[1] != '"') {
                        r->p++;
                        break;
                    }
                    r->p++; /* a doubled quote is one quote */
                }
                if (c == '\r' && r->p[1] == '\n') { /* CRLF inside a field is a line break: LF */
                    r->p++;
                    continue;
                }
                if (c == '\n')
                    r->next_line++;
                if (!put_byte(r, c))
                    return nomem(r);
                r->p++;
            }
            char after = *r->p;
            if (after != ',' && after != '\n' && after != '\0' && !(after == '\r' && r->p[1] == '\n'))
                return fail_line(r, r->next_line,
                                 "field %zu has text after its closing quote (a quote inside a field is written \"\")",
                                 number);
        } else {
            while (*r->p && *r->p != ',' && *r->p != '\n' && !(r->p[0] == '\r' && r->p[1] == '\n')) {
                if (*r->p == '"')
                    return fail_line(r, r->next_line,
                                     "field %zu has a double quote but does not start with one: "
                                     "quote the whole field and double the quote inside it",
                                     number);
                if (!put_byte(r, *r->p))
                    return nomem(r);
                r->p++;
            }
        }
        if (!put_byte(r, '\0'))
            return nomem(r);
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        end_of_line(r);
        break;
    }

    for (size_t i = 0; i < r->nfield; i++) {
        r->field[i] = r->buf + r->offsets[i];
        if (!csv_utf8_valid(r->field[i], strlen(r->field[i])))
            return csv_fail(r, "field %zu is not valid UTF-8 (save the file as UTF-8)", i + 1);
    }
    *got = true;
    return AP_OK;
}

ap_status csv_expect_fields(const struct csv_reader *r, size_t n)
{
    if (r->nfield == n)
        return AP_OK;
    return csv_fail(r, "expected %zu field%s, found %zu", n, n == 1 ? "" : "s", r->nfield);
}

ap_status csv_expect_header(const struct csv_reader *r, const char *const *names, size_t n)
{
    bool same = r->nfield == n;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(r->field[i], names[i]) == 0;
    if (same)
        return AP_OK;
    char want[512];
    size_t len = 0;
    want[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof want; i++)
        len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", i ? "," : "", names[i]);
    return csv_fail(r, "expected the header line %s", want);
}

ap_status csv_read_file(const char *path, char **text)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ap_fail(AP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    ap_status st = AP_OK;
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        st = ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", path);
        goto done;
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= CSV_MAX_FILE) {
                st = ap_fail(AP_ERR_IO, "%s is larger than 256 MB: split it", path);
                goto done;
            }
            char *b = realloc(buf, cap * 2);
            if (!b) {
                st = ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", path);
                goto done;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = ap_fail(AP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
    }
    if (st == AP_OK && memchr(buf, '\0', len))
        st = ap_fail(AP_ERR_INVALID, "%s holds a NUL byte: it is not a text file", path);
done:
    fclose(f);
    if (st != AP_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    *text = buf;
    return AP_OK;
}

/* The first characters a spreadsheet takes as the start of a formula. */
static bool formula_start(char c)
{
    switch (c) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return true;
    default: return false;
    }
}

static bool needs_protection(const char *v)
{
    return formula_start(v[0]) || (v[0] == '\'' && (formula_start(v[1]) || v[1] == '\''));
}

const char *csv_unprotect(const char *field)
{
    return field[0] == '\'' && (formula_start(field[1]) || field[1] == '\'') ? field + 1 : field;
}

void csv_append_field(struct strbuf *b, const char *v, bool last)
{
    bool protect = needs_protection(v);
    size_t plain = strcspn(v, ",\"\r\n");
    if (protect || v[plain]) {
        strbuf_append(b, protect ? "\"'" : "\"");
        for (const char *p = v; *p;) {
            size_t run = strcspn(p, "\"");
            strbuf_appendn(b, p, run);
            p += run;
            if (*p) {
                strbuf_append(b, "\"\"");
                p++;
            }
        }
        strbuf_append(b, last ? "\"\n" : "\",");
        return;
    }
    /* most fields: the value and its separator in one copy (a term's
     * marks CSV is millions of fields) */
    char *at = strbuf_extend(b, plain + 1);
    if (at) {
        memcpy(at, v, plain);
        at[plain] = last ? '\n' : ',';
    }
}

bool csv_write_field(FILE *out, const char *v, bool last)
{
    struct strbuf b = {0};
    csv_append_field(&b, v, last);
    bool ok = !b.failed && fwrite(b.s, 1, b.len, out) == b.len;
    if (b.failed)
        errno = ENOMEM;
    strbuf_free(&b);
    return ok;
}
