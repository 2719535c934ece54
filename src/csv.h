#ifndef APTERM_CSV_H
#define APTERM_CSV_H

/* A small CSV reader over text held in memory, for the shipped data files
 * and for imports. The dialect is RFC 4180 with the usual liberties:
 *  - fields are separated by commas and records by LF or CRLF;
 *  - a field in double quotes may hold commas, line breaks and doubled
 *    quotes (""); a quote inside an unquoted field, or anything but a comma
 *    or the end of the line after a closing quote, is an error;
 *  - a UTF-8 byte-order mark at the very start is skipped, and every field
 *    must be valid UTF-8;
 *  - blank lines are skipped, and so are comment lines when r->comment is
 *    set: lines whose first character is that one. A quoted first field is
 *    never a comment, so with comment '#' the value # is written "#".
 *
 * Use:
 *     struct csv_reader r;
 *     csv_open(&r, "data/terms.csv", text);
 *     r.comment = '#';
 *     bool got;
 *     while ((st = csv_next(&r, &got)) == AP_OK && got)
 *         ... r.field[0] .. r.field[r.nfield - 1], r.line ...
 *     csv_close(&r);
 *
 * Failures are AP_ERR_INVALID (AP_ERR_NOMEM when memory runs out) with a
 * detail naming the file and line: "data/terms.csv line 7: ...".
 *
 * Ownership: the reader does not copy text, which must outlive it. The
 * fields belong to the reader and last until the next csv_next() or
 * csv_close(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

struct csv_reader {
    const char *name;   /* for messages, e.g. "data/terms.csv" */
    char comment;       /* '\0' (the default): no comment lines */
    int line;           /* the line on which the current record began, from 1 */
    size_t nfield;      /* fields of the current record */
    char **field;       /* NUL-terminated UTF-8 */

    /* private */
    const char *p;
    int next_line;
    char *buf;
    size_t buf_len, buf_cap;
    size_t *offsets;
    size_t field_cap;
};

/* Starts reading text (NUL-terminated) at its line 1. */
void csv_open(struct csv_reader *r, const char *name, const char *text);

/* The same for text that begins on line first_line of the named file (the
 * caller read the lines before it itself), so messages give the file's own
 * line numbers. */
void csv_open_at(struct csv_reader *r, const char *name, const char *text, int first_line);

/* Reads the next record: *got is true with the fields set, or false at the
 * end of the text. */
ap_status csv_next(struct csv_reader *r, bool *got);

/* Frees the reader's buffers. Safe on a reader that was opened and never
 * read, and twice. */
void csv_close(struct csv_reader *r);

/* AP_ERR_INVALID with the detail "NAME line N: MESSAGE", N being the current
 * record's line: for callers checking the values of a record. */
ap_status csv_fail(const struct csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* AP_OK when the current record has exactly n fields, else a failure saying
 * how many were expected and found. */
ap_status csv_expect_fields(const struct csv_reader *r, size_t n);

/* AP_OK when the current record is exactly the header names[0..n-1], else a
 * failure quoting the header expected. */
ap_status csv_expect_header(const struct csv_reader *r, const char *const *names, size_t n);

/* Reads a whole file into *text (NUL-terminated; the caller frees it). Fails
 * with AP_ERR_IO naming the path. Files over 256 MB are refused. */
ap_status csv_read_file(const char *path, char **text);

/* ---- Writing ----
 *
 * Formula injection (OWASP "CSV Injection", CWE-1236): a spreadsheet opening
 * a CSV file runs a cell that begins with = + - @, a tab or a carriage return
 * as a formula (=HYPERLINK(...) sends the sheet to a web site). Such a value
 * is written quoted, behind a single quote, which spreadsheets take as "this
 * is text" and do not show. So that every value reads back exactly as it was
 * written, a value that begins with a single quote followed by one of those
 * characters or by another single quote gets one too (''=x for '=x);
 * csv_unprotect undoes it. */

/* Writes one field of a record to out, followed by ',' or, when last, '\n':
 * protected as above, and quoted (quotes doubled) when it holds a comma, a
 * quote or a line break or was protected. false on a write error (errno
 * set by stdio). */
bool csv_write_field(FILE *out, const char *value, bool last);
/* The same field added to b instead (b->failed when out of memory), so that
 * a long export writes whole blocks of records. */
struct strbuf;
void csv_append_field(struct strbuf *b, const char *value, bool last);

/* The value csv_write_field was given, from a field read back: field
 * without its protecting quote when it has one (a quote followed by one of
 * = + - @ tab CR or a quote), else field itself. Points into field. */
const char *csv_unprotect(const char *field);

/* true when the n bytes at s are valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool csv_utf8_valid(const char *s, size_t n);

#endif
