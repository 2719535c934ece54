#include "export_subject.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "ixdb.h"
#include "subject.h"
#include "xlsx_util.h"

#define HDR 3                       /* the header row; title and subtitle above */

struct subject_book {
    struct xlsx *x;
    struct xlsx_sheet *sheet;
    int row, ncols;
    long rows;
    char subtitle[256];
};

/* "legal_forename" -> "Legal forename". */
static void heading(const char *name, char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < len; p++, n++)
        out[n] = *p == '_' ? ' ' : (n == 0 ? (char)toupper((unsigned char)*p) : *p);
    out[n] = '\0';
}

static void finish(struct subject_book *b)
{
    if (!b->sheet)
        return;
    if (b->row == HDR + 1)
        xlsx_note(b->sheet, HDR + 1, 0, "None held.", b->x->f.note);
    xlsx_finish_sheet(b->sheet, HDR, b->row > HDR + 1 ? b->row - 1 : HDR + 1, b->ncols - 1, 0);
    b->sheet = NULL;
}

static ap_status begin(void *ctx, const struct subject_part *part, int ncols, const char *const *names)
{
    struct subject_book *b = ctx;
    finish(b);
    b->sheet = xlsx_add_sheet(b->x, part->sheet, part->title, b->subtitle);
    if (!b->sheet)
        return b->x->status;
    b->ncols = ncols < XLSX_MAX_COLS ? ncols : XLSX_MAX_COLS;
    for (int c = 0; c < b->ncols; c++) {
        char h[80];
        heading(names[c], h, sizeof h);
        xlsx_text(b->sheet, HDR, c, h, b->x->f.header);
        xlsx_cap(b->sheet, c, 50);
    }
    b->row = HDR + 1;
    return b->x->status;
}

static ap_status row(void *ctx, const struct subject_part *part, sqlite3_stmt *st)
{
    struct subject_book *b = ctx;
    for (int c = 0; c < b->ncols; c++) {
        switch (sqlite3_column_type(st, c)) {
        case SQLITE_NULL: break;
        case SQLITE_INTEGER:
            /* Attendance days are stored as day numbers: shown as dates. */
            if (strcmp(part->table, "attendance_mark") == 0 && strcmp(sqlite3_column_name(st, c), "day") == 0)
                xlsx_date(b->sheet, b->row, c, sqlite3_column_int(st, c));
            else
                xlsx_int(b->sheet, b->row, c, sqlite3_column_int64(st, c));
            break;
        case SQLITE_FLOAT: xlsx_number(b->sheet, b->row, c, sqlite3_column_double(st, c), b->x->f.decimal); break;
        default: xlsx_text(b->sheet, b->row, c, (const char *)sqlite3_column_text(st, c), b->x->f.wrap); break;
        }
    }
    b->row++;
    b->rows++;
    return b->x->status;
}

ap_status export_subject(struct store *s, const char *upn, const char *out, const char *organisation, int today,
                         long *rows)
{
    *rows = 0;
    int64_t id = 0;
    ap_status st = ixdb_pupil_by_upn(s, upn, &id);
    if (st != AP_OK)
        return st;
    if (!id)
        return ap_fail(AP_ERR_NOT_FOUND, "no pupil has the UPN %s: nothing was written", upn);
    char title[64];
    snprintf(title, sizeof title, "Subject access: pupil %s", upn);
    struct xlsx_doc doc = {
        .title = title,
        .subject = "Everything apterm holds about one pupil (a subject access request)",
        .organisation = organisation,
        .author = store_login(s),
        .keywords = "subject access; UK GDPR; " XLSX_MARKING,
        .comments = "Produced by apterm. " XLSX_MARKING ": personal data about a child.",
        .today = today,
    };
    struct subject_book b = {0};
    if ((st = xlsx_open(out, &doc, &b.x)) != AP_OK)
        return st;
    char d[11];
    snprintf(b.subtitle, sizeof b.subtitle, "Pupil %s \xe2\x80\x93 %s \xe2\x80\x93 produced %s", upn, XLSX_MARKING,
             date_format(today, d));
    struct subject_sink sink = {.ctx = &b, .begin = begin, .row = row};
    st = subject_read(s, id, &sink);
    if (st == AP_OK) {
        finish(&b);
        if (b.x->n_sheets > 0 && b.x->status == AP_OK)
            worksheet_activate(b.x->sheets[0]->ws);
        st = xlsx_close(b.x);
    } else
        xlsx_discard(b.x);
    if (st != AP_OK)
        return st;
    *rows = b.rows;
    return audit_export(s, "pupil", out, 1, upn);
}
