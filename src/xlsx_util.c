#include "xlsx_util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "date.h"
#include "money.h"
#include "utf8.h"

#define EXCEL_MAX_STRING 32767
#define HEADER_MAX 255                /* Excel's limit on a page header or footer */
#define DEFAULT_CAP 50.0              /* characters; longer text wraps */
#define MIN_WIDTH 6.0
#define LINE_POINTS 15.0              /* the height of a line of 11-point text */
#define MAX_ROW_POINTS 409.0          /* Excel's tallest row */
/* A disk with less room than this, just after a workbook failed to be
 * written to it, is full: the zip is written in buffers smaller than this. */
#define FULL_BELOW_BYTES (1024.0 * 1024.0)
#ifndef P_tmpdir
#define P_tmpdir "/tmp"
#endif

/* ------------------------------------------------------------------ */
/* Failures */

ap_status xlsx_fail(struct xlsx *x, ap_status st, const char *fmt, ...)
{
    if (x->status != AP_OK)
        return x->status;
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    x->status = ap_fail(st, "cannot write %s: %s", x->target, detail);
    return x->status;
}

bool xlsx_ok(struct xlsx *x, lxw_error err, const char *what)
{
    if (err == LXW_NO_ERROR)
        return true;
    xlsx_fail(x, AP_ERR_IO, "%s: libxlsxwriter: %s", what, lxw_strerror(err));
    return false;
}

/* ------------------------------------------------------------------ */
/* stderr, kept away from the terminal while libxlsxwriter runs */

static void quiet_on(struct xlsx *x)
{
    if (x->capture_fd < 0 || x->saved_stderr >= 0)
        return;
    fflush(stderr);
    x->saved_stderr = dup(STDERR_FILENO);
    if (x->saved_stderr >= 0 && dup2(x->capture_fd, STDERR_FILENO) < 0) {
        close(x->saved_stderr);
        x->saved_stderr = -1;
    }
}

static void quiet_off(struct xlsx *x)
{
    if (x->saved_stderr < 0)
        return;
    fflush(stderr);
    dup2(x->saved_stderr, STDERR_FILENO);
    close(x->saved_stderr);
    x->saved_stderr = -1;
}

/* What libxlsxwriter printed, as one line (the first of them), into buf;
 * false when nothing. */
static bool captured(struct xlsx *x, char *buf, size_t len)
{
    if (x->capture_fd < 0 || len == 0)
        return false;
    off_t size = lseek(x->capture_fd, 0, SEEK_END);
    if (size <= 0)
        return false;
    ssize_t n = pread(x->capture_fd, buf, len - 1, 0);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    return true;
}

void xlsx_progress(struct xlsx *x, double fraction, const char *what)
{
    if (outfile_interrupted()) /* the TUI is quitting: stop here, write nothing */
        xlsx_fail(x, AP_ERR_IO, "apterm was interrupted; nothing was written");
    if (!x->progress)
        return;
    bool was_quiet = x->saved_stderr >= 0;
    quiet_off(x);
    x->progress(x->progress_ctx, fraction < 0 ? 0 : fraction > 1 ? 1 : fraction, what);
    if (was_quiet)
        quiet_on(x);
}

/* ------------------------------------------------------------------ */
/* The page marking */

/* Appends text to a header/footer, & doubled (a single & starts a code). */
static void header_append(char *dst, size_t len, const char *text, size_t max_text)
{
    size_t used = strlen(dst), taken = 0;
    for (const char *p = text; *p && used + 2 < len && taken < max_text;) {
        size_t n = utf8_next(p, strlen(p), 0);
        if (*p == '&') {
            dst[used++] = '&';
            dst[used++] = '&';
        } else {
            if (used + n >= len)
                break;
            memcpy(dst + used, p, n);
            used += n;
        }
        taken += n;
        p += n;
    }
    dst[used] = '\0';
}

static void make_marking(struct xlsx *x, const struct xlsx_doc *doc)
{
    char d[11], uk[16];
    int y, m, dd;
    date_format(doc->today, d);
    date_to_ymd(doc->today, &y, &m, &dd);
    snprintf(uk, sizeof uk, "%02d/%02d/%04d", dd, m, y);
    const char *org = doc->organisation ? doc->organisation : "";
    const char *title = doc->title ? doc->title : "";
    /* Header: marking left, organisation centre, title right. The
     * organisation and title are cut so that the whole stays within
     * Excel's 255 characters. */
    snprintf(x->header, sizeof x->header, "&L&\"-,Bold\"" XLSX_MARKING "&C");
    header_append(x->header, HEADER_MAX - 80, org, 90);
    strcat(x->header, "&R");
    header_append(x->header, HEADER_MAX, title, 80);
    snprintf(x->footer, sizeof x->footer, "&L&\"-,Bold\"" XLSX_MARKING "&C");
    header_append(x->footer, HEADER_MAX - 60, org, 90);
    strcat(x->footer, " \xe2\x80\x93 produced ");
    strcat(x->footer, uk);
    strcat(x->footer, "&RPage &P of &N");
}

/* ------------------------------------------------------------------ */
/* Opening and closing */

/* A format: what differs from the default (colours 0: unset). */
struct format_spec {
    lxw_format **slot;
    bool bold, italic, wrap, top, left, border_below;
    uint8_t size;
    lxw_color_t colour, fill;
    const char *num;
};

static void add_formats(struct xlsx *x, const struct format_spec *specs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lxw_format *fm = *specs[i].slot = workbook_add_format(x->wb);
        if (!fm) {
            xlsx_fail(x, AP_ERR_NOMEM, "making the cell formats: out of memory");
            return;
        }
        if (specs[i].num)
            format_set_num_format(fm, specs[i].num);
        if (specs[i].bold)
            format_set_bold(fm);
        if (specs[i].italic)
            format_set_italic(fm);
        if (specs[i].size)
            format_set_font_size(fm, specs[i].size);
        if (specs[i].border_below)
            format_set_bottom(fm, LXW_BORDER_THIN);
        if (specs[i].colour)
            format_set_font_color(fm, specs[i].colour);
        if (specs[i].fill)
            format_set_bg_color(fm, specs[i].fill);
        if (specs[i].wrap)
            format_set_text_wrap(fm);
        if (specs[i].left)
            format_set_align(fm, LXW_ALIGN_LEFT);
        if (specs[i].top)
            format_set_align(fm, LXW_ALIGN_VERTICAL_TOP);
    }
}

static void make_formats(struct xlsx *x)
{
    struct xlsx_formats *f = &x->f;
    const char *money = "\"\xc2\xa3\"#,##0.00;[Red]-\"\xc2\xa3\"#,##0.00";
    /* Every format, in the order they are added. */
    const struct format_spec specs[] = {
        {&f->title, .bold = true, .size = 16},
        {&f->subtitle, .colour = 0x595959},
        {&f->heading, .bold = true, .size = 12, .border_below = true},
        {&f->note, .italic = true, .colour = 0x595959, .wrap = true, .top = true},
        {&f->label, .bold = true, .top = true},
        {&f->header, .bold = true, .wrap = true, .top = true},
        {&f->text, .top = true},
        {&f->wrap, .wrap = true, .top = true},
        {&f->bold, .bold = true, .top = true},
        {&f->bold_wrap, .bold = true, .wrap = true, .top = true}, /* a name in a capped column */
        {&f->date, .num = "dd/mm/yyyy", .left = true, .top = true},
        {&f->money, .num = money, .top = true},
        {&f->money_bold, .num = money, .bold = true, .top = true},
        {&f->pct, .num = "0.0%", .top = true},
        {&f->integer, .num = "#,##0", .top = true},
        {&f->hours, .num = "#,##0.00", .top = true}, /* 17.75, not 17.8 */
        {&f->decimal, .num = "0.00", .top = true},
        {&f->marker, .bold = true, .colour = 0x006100, .top = true},
        /* Conditional fills: Excel's own "light red / yellow / green fill
         * with dark text", readable in black and white too (the cell says
         * the word). */
        {&f->red, .fill = 0xFFC7CE, .colour = 0x9C0006},
        {&f->amber, .fill = 0xFFEB9C, .colour = 0x9C5700},
        {&f->green, .fill = 0xC6EFCE, .colour = 0x006100},
        {&f->recommended, .fill = 0xC6EFCE, .bold = true},
    };
    add_formats(x, specs, sizeof specs / sizeof specs[0]);
}

ap_status xlsx_open(const char *target, const struct xlsx_doc *doc, struct xlsx **out)
{
    *out = NULL;
    char doing[300];
    snprintf(doing, sizeof doing, "cannot write %s", target ? target : "");
    ap_status loaded = xlsx_lib_load(doing);
    if (loaded != AP_OK)
        return loaded;
    struct xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return ap_fail(AP_ERR_NOMEM, "cannot write %s: out of memory", target ? target : "");
    x->saved_stderr = x->capture_fd = -1;
    x->today = doc->today;
    x->progress = doc->progress;
    x->progress_ctx = doc->progress_ctx;
    ap_status st = outfile_open(&x->out, target);
    if (st != AP_OK) {
        free(x);
        return st;
    }
    x->target = x->out.target;
    x->tmp = x->out.tmp;

    /* Capture libxlsxwriter's stderr from here on. */
    FILE *cap = tmpfile();
    if (cap) {
        x->capture_fd = dup(fileno(cap));
        fclose(cap);
    }
    quiet_on(x);

    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    x->wb = workbook_new_opt(x->out.tmp, &opts);
    if (!x->wb) {
        xlsx_fail(x, AP_ERR_NOMEM, "libxlsxwriter could not start a workbook");
        st = x->status;
        xlsx_discard(x);
        return st;
    }
    make_formats(x);
    make_marking(x, doc);
    lxw_doc_properties props = {
        .title = (char *)(doc->title ? doc->title : ""),
        .subject = (char *)(doc->subject ? doc->subject : ""),
        .author = (char *)(doc->author ? doc->author : ""),
        .company = (char *)(doc->organisation ? doc->organisation : ""),
        .category = (char *)XLSX_MARKING,
        .keywords = (char *)(doc->keywords ? doc->keywords : ""),
        .comments = (char *)(doc->comments ? doc->comments : ""),
        .status = (char *)XLSX_MARKING,
    };
    if (x->status == AP_OK)
        xlsx_ok(x, workbook_set_properties(x->wb, &props), "the document properties");
    if (x->status == AP_OK)
        xlsx_ok(x, workbook_set_custom_property_string(x->wb, "Classification", XLSX_MARKING),
                "the classification property");
    if (x->status == AP_OK && doc->organisation && *doc->organisation)
        xlsx_ok(x, workbook_set_custom_property_string(x->wb, "Organisation", doc->organisation),
                "the organisation property");
    if (x->status != AP_OK) {
        st = x->status;
        xlsx_discard(x);
        return st;
    }
    *out = x;
    return AP_OK;
}

static void free_sheets(struct xlsx *x)
{
    for (int i = 0; i < x->n_sheets; i++) {
        free(x->sheets[i]->wrapped);
        free(x->sheets[i]);
    }
    x->n_sheets = 0;
}

static void release(struct xlsx *x)
{
    quiet_off(x);
    if (x->capture_fd >= 0)
        close(x->capture_fd);
    free_sheets(x);
    free(x);
}

void xlsx_discard(struct xlsx *x)
{
    if (!x)
        return;
    if (x->wb)
        lxw_workbook_free(x->wb);
    outfile_abandon(&x->out);
    release(x);
}

/* The folder a path is in ("." when it names none), into buf. */
static void folder_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(buf, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    else
        snprintf(buf, len, ".");
}

/* True when the disk holding folder has (nearly) no room left. */
static bool folder_full(const char *folder)
{
    struct statvfs v;
    return statvfs(folder, &v) == 0 && (double)v.f_bavail * (double)v.f_frsize < FULL_BELOW_BYTES;
}

/* After workbook_close failed with err (sys_errno: errno just after it):
 * when it failed writing a file and the disk is full, records that in words,
 * naming the disk, and returns true; false otherwise. The temporary file is
 * still there, so the space it took is not yet given back. */
static bool fail_if_disk_full(struct xlsx *x, lxw_error err, int sys_errno)
{
    switch (err) {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_PARAMETER_ERROR:
    case LXW_ERROR_ZIP_BAD_ZIP_FILE:
    case LXW_ERROR_ZIP_INTERNAL_ERROR:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
        break;
    default:
        return false; /* not a failure to write a file */
    }
    char folder[PATH_MAX];
    folder_of(x->target, folder, sizeof folder);
    struct stat sb;
    const char *outcome = stat(x->target, &sb) == 0 ? "it was left as it was" : "nothing was written";
    if (folder_full(folder)) {
        xlsx_fail(x, AP_ERR_IO, "the disk holding it is full; %s", outcome);
        return true;
    }
    /* libxlsxwriter puts the parts of the workbook together in tmpfile()s. */
    if (sys_errno == ENOSPC || sys_errno == EDQUOT || folder_full(P_tmpdir)) {
        xlsx_fail(x, AP_ERR_IO, "the disk holding %s (where the workbook is put together) is full; %s", P_tmpdir,
                  outcome);
        return true;
    }
    return false;
}

ap_status xlsx_close(struct xlsx *x)
{
    if (x->status != AP_OK) {
        ap_status st = x->status;
        xlsx_discard(x);
        return st;
    }
    xlsx_progress(x, 0.95, "Saving the workbook");
    lxw_error err = workbook_close(x->wb);
    int sys_errno = errno;
    x->wb = NULL; /* freed by workbook_close, whatever it returned */
    char said[512];
    ap_status st = AP_OK;
    if (err != LXW_NO_ERROR) {
        if (fail_if_disk_full(x, err, sys_errno))
            st = x->status;
        else if (captured(x, said, sizeof said))
            st = xlsx_fail(x, AP_ERR_IO, "libxlsxwriter: %s (%s)", lxw_strerror(err), said);
        else
            st = xlsx_fail(x, AP_ERR_IO, "libxlsxwriter: %s", lxw_strerror(err));
    } else if (captured(x, said, sizeof said)) {
        st = xlsx_fail(x, AP_ERR_IO, "libxlsxwriter warned: %s", said);
    }
    quiet_off(x);
    if (st != AP_OK) {
        outfile_abandon(&x->out);
        release(x);
        return st;
    }
    st = outfile_commit(&x->out);
    if (st != AP_OK) {
        x->status = st;
        release(x);
        return st;
    }
    xlsx_progress(x, 1.0, "Done");
    release(x);
    return AP_OK;
}

/* ------------------------------------------------------------------ */
/* Sheets */

struct xlsx_sheet *xlsx_add_sheet(struct xlsx *x, const char *name, const char *title, const char *subtitle)
{
    if (x->status != AP_OK)
        return NULL;
    if (x->n_sheets >= XLSX_MAX_SHEETS) {
        xlsx_fail(x, AP_ERR_INVALID, "more than %d sheets", XLSX_MAX_SHEETS);
        return NULL;
    }
    if (!xlsx_ok(x, workbook_validate_sheet_name(x->wb, name), name))
        return NULL;
    struct xlsx_sheet *s = calloc(1, sizeof *s);
    if (!s) {
        xlsx_fail(x, AP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    x->sheets[x->n_sheets++] = s;
    s->x = x;
    s->stream = x->streaming;
    s->cur_row = s->band_last = -1;
    snprintf(s->name, sizeof s->name, "%s", name);
    for (int c = 0; c < XLSX_MAX_COLS; c++)
        s->cap[c] = DEFAULT_CAP;
    s->ws = workbook_add_worksheet(x->wb, name);
    if (!s->ws) {
        xlsx_fail(x, AP_ERR_IO, "the sheet %s: libxlsxwriter refused it", name);
        return NULL;
    }
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_set_margins(s->ws, 0.4, 0.4, 0.75, 0.75);
    worksheet_fit_to_pages(s->ws, 1, 0);
    lxw_header_footer_options hf = {.margin = 0.3};
    if (!xlsx_ok(x, worksheet_set_header_opt(s->ws, x->header, &hf), "the page header") ||
        !xlsx_ok(x, worksheet_set_footer_opt(s->ws, x->footer, &hf), "the page footer"))
        return NULL;
    /* The title and subtitle run across the columns: they do not widen A. */
    if (title) {
        xlsx_note(s, 0, 0, title, x->f.title);
        if (x->status == AP_OK)
            xlsx_ok(x, worksheet_set_row(s->ws, 0, 22, NULL), "the title row");
    }
    if (subtitle)
        xlsx_note(s, 1, 0, subtitle, x->f.subtitle);
    s->measuring = s->stream; /* until xlsx_stream_header */
    return x->status == AP_OK ? s : NULL;
}

void xlsx_stream_sheets(struct xlsx *x, bool on)
{
    if (on && x->status != AP_OK)
        return;
    if (on && !x->f.stream_header) {
        /* TableStyleMedium2's header and band colours, which the tables have */
        const struct format_spec specs[] = {
            {&x->f.stream_header, .bold = true, .wrap = true, .top = true, .colour = 0xFFFFFF, .fill = 0x4F81BD},
            {&x->f.band, .fill = 0xDCE6F1},
        };
        add_formats(x, specs, sizeof specs / sizeof specs[0]);
        if (x->status != AP_OK)
            return;
    }
    x->streaming = on;
    x->wb->options.constant_memory = on ? LXW_TRUE : LXW_FALSE; /* read by workbook_add_worksheet */
}

/* The column of the continuation sheet that column col of a split sheet is
 * also (or only) written to; -1 when none. */
static int split_col(const struct xlsx_sheet *s, int col)
{
    if (!s || !s->cont)
        return -1;
    if (col < s->keys)
        return col;
    return col >= s->split_at ? col - s->split_at + s->keys : -1;
}

/* In a writer: sends the cell on to the continuation sheet of a split
 * sheet (CALL sees the column there as c2_), and returns when the column is
 * not also on s. */
#define SPLIT_ROUTE(s, col, CALL)                                                                                  \
    do {                                                                                                           \
        if ((s) && (s)->cont) {                                                                                    \
            int c2_ = split_col((s), (col));                                                                       \
            if (c2_ >= 0)                                                                                          \
                CALL;                                                                                              \
            if ((col) >= (s)->split_at)                                                                            \
                return;                                                                                            \
        }                                                                                                          \
    } while (0)

void xlsx_cap(struct xlsx_sheet *s, int col, double chars)
{
    SPLIT_ROUTE(s, col, xlsx_cap(s->cont, c2_, chars));
    if (col >= 0 && col < XLSX_MAX_COLS)
        s->cap[col] = chars;
}

static void need(struct xlsx_sheet *s, int col, double chars)
{
    if (col >= 0 && col < XLSX_MAX_COLS && chars > s->width[col])
        s->width[col] = chars;
}

/* The widest line of text, in characters. */
static double text_width(const char *text)
{
    double widest = 0;
    const char *line = text;
    for (;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        double w = (double)utf8_clusters(line, len);
        if (w > widest)
            widest = w;
        if (!nl)
            break;
        line = nl + 1;
    }
    return widest;
}

/* A wrapped cell's lines (characters in each) into w. */
static void wrap_segments(struct xlsx_wrapped *w, int row, int col, int last_col, const char *text)
{
    memset(w, 0, sizeof *w);
    w->row = row;
    w->col = col;
    w->last_col = last_col;
    const char *line = text;
    for (;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        size_t chars = utf8_clusters(line, len);
        int at = w->n < XLSX_WRAP_SEGMENTS ? w->n++ : XLSX_WRAP_SEGMENTS - 1;
        size_t sum = w->len[at] + chars + (at == XLSX_WRAP_SEGMENTS - 1 && w->len[at] ? 1 : 0);
        w->len[at] = (unsigned short)(sum > 65535 ? 65535 : sum);
        if (!nl)
            break;
        line = nl + 1;
    }
}

/* The lines a wrapped cell takes in columns of these widths. */
static int wrap_lines(const struct xlsx_wrapped *w, const double *widths, int ncols)
{
    double width = 0;
    for (int c = w->col; c <= w->last_col && c < ncols; c++)
        width += widths[c];
    /* Words wrap whole: allow a little less than the full width. */
    double usable_chars = width * 0.92 - 1;
    if (usable_chars < 4)
        usable_chars = 4;
    int n = 0;
    for (int k = 0; k < w->n; k++) {
        int l = (int)((w->len[k] + usable_chars - 1) / usable_chars);
        n += l < 1 ? 1 : l;
    }
    return n;
}

/* Remembers a wrapped cell's lines for its row height; on a streamed sheet,
 * the lines of the row being written (its widths are fixed). */
static void remember_wrap(struct xlsx_sheet *s, int row, int col, int last_col, const char *text)
{
    if (s->stream) {
        struct xlsx_wrapped w;
        wrap_segments(&w, row, col, last_col, text);
        int n = wrap_lines(&w, s->fixed, XLSX_MAX_COLS);
        if (n > s->cur_lines)
            s->cur_lines = n;
        return;
    }
    if (s->n_wrapped == s->cap_wrapped) {
        size_t cap = s->cap_wrapped ? s->cap_wrapped * 2 : 64;
        struct xlsx_wrapped *w = realloc(s->wrapped, cap * sizeof *w);
        if (!w) {
            xlsx_fail(s->x, AP_ERR_NOMEM, "out of memory");
            return;
        }
        s->wrapped = w;
        s->cap_wrapped = cap;
    }
    wrap_segments(&s->wrapped[s->n_wrapped++], row, col, last_col, text);
}

/* A row tall enough for lines of text. */
static void row_height(struct xlsx_sheet *s, int row, int lines)
{
    double points = lines * LINE_POINTS;
    lxw_error err = worksheet_set_row(s->ws, (lxw_row_t)row, points > MAX_ROW_POINTS ? MAX_ROW_POINTS : points, NULL);
    if (err != LXW_NO_ERROR) {
        char what[80];
        snprintf(what, sizeof what, "the height of row %d on the sheet %s", row + 1, s->name);
        xlsx_ok(s->x, err, what);
    }
}

/* Rows tall enough for their wrapped cells, with the final widths. */
static void set_row_heights(struct xlsx_sheet *s, const double *widths, int ncols)
{
    struct xlsx *x = s->x;
    /* the cells come in row order, one row's after another */
    for (size_t i = 0; i < s->n_wrapped && x->status == AP_OK;) {
        int row = s->wrapped[i].row, lines = 1;
        for (; i < s->n_wrapped && s->wrapped[i].row == row; i++) {
            int n = wrap_lines(&s->wrapped[i], widths, ncols);
            if (n > lines)
                lines = n;
        }
        if (lines > 1)
            row_height(s, row, lines);
    }
}

/* The row of a streamed sheet being written is done: its height, when its
 * wrapped cells need more than a line (libxlsxwriter refuses it once the
 * next row is begun). */
static void end_stream_row(struct xlsx_sheet *s)
{
    if (s->cur_row >= 0 && s->cur_lines > 1)
        row_height(s, s->cur_row, s->cur_lines);
    s->cur_lines = 1;
}

/* Before a cell of row is written: false while the sheet is measuring; on a
 * streamed sheet, the row before it finished first. */
static bool writing(struct xlsx_sheet *s, int row)
{
    if (s->measuring)
        return false;
    if (s->stream && row != s->cur_row) {
        end_stream_row(s);
        s->cur_row = row;
    }
    return true;
}

static bool usable(struct xlsx_sheet *s, int row, int col)
{
    if (!s || s->x->status != AP_OK)
        return false;
    if (row < 0 || col < 0 || col >= XLSX_MAX_COLS || row > 1048575) {
        xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s: cell (%d, %d) is out of range", s->name, row, col);
        return false;
    }
    return true;
}

struct xlsx_sheet *xlsx_split(struct xlsx_sheet *s, const char *name, const char *title, const char *subtitle,
                              int split_at, int keys)
{
    if (!s || s->x->status != AP_OK)
        return NULL;
    if (s->cont || keys < 0 || keys >= split_at || split_at >= XLSX_MAX_COLS) {
        xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s cannot be split at column %d", s->name, split_at + 1);
        return NULL;
    }
    struct xlsx_sheet *c = xlsx_add_sheet(s->x, name, title, subtitle);
    if (!c)
        return NULL;
    for (int k = 0; k < keys; k++)
        c->cap[k] = s->cap[k];
    s->cont = c;
    s->split_at = split_at;
    s->keys = keys;
    return c;
}

struct xlsx_sheet *xlsx_locate(struct xlsx_sheet *s, int *col)
{
    int c2 = split_col(s, *col);
    if (c2 < 0 || *col < s->keys)
        return s;
    *col = c2;
    return s->cont;
}

static void where(const struct xlsx_sheet *s, int row, int col, char *buf, size_t len)
{
    char c[4];
    snprintf(buf, len, "the sheet %s, cell %s%d", s->name, xlsx_col_name(col, c), row + 1);
}

/* Records a failed write of the cell at row, col, naming the cell; true when
 * err is none. */
static bool cell_ok(struct xlsx_sheet *s, int row, int col, lxw_error err)
{
    if (err == LXW_NO_ERROR)
        return true;
    char at[80];
    where(s, row, col, at, sizeof at);
    return xlsx_ok(s->x, err, at);
}

void xlsx_text(struct xlsx_sheet *s, int row, int col, const char *text, lxw_format *fmt)
{
    SPLIT_ROUTE(s, col, xlsx_text(s->cont, row, c2_, text, fmt));
    if (!usable(s, row, col))
        return;
    if (!text || !*text) {
        if (writing(s, row))
            cell_ok(s, row, col, worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, fmt));
        return;
    }
    size_t len = strlen(text);
    char *cut = NULL;
    if (len > EXCEL_MAX_STRING) {
        size_t keep = EXCEL_MAX_STRING;
        while (keep > 0 && !utf8_is_char_start(text, len, keep))
            keep--;
        if (!(cut = malloc(keep + 1))) {
            xlsx_fail(s->x, AP_ERR_NOMEM, "out of memory");
            return;
        }
        memcpy(cut, text, keep);
        cut[keep] = '\0';
        text = cut;
    }
    if ((double)len > s->width[col]) /* a line has no more characters than bytes */
        need(s, col, text_width(text));
    if (!writing(s, row)) {
        free(cut);
        return;
    }
    if (fmt && (fmt == s->x->f.wrap || fmt == s->x->f.bold_wrap))
        remember_wrap(s, row, col, col, text);
    lxw_error err = worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, fmt);
    free(cut);
    cell_ok(s, row, col, err);
}

void xlsx_note(struct xlsx_sheet *s, int row, int col, const char *text, lxw_format *fmt)
{
    if (!usable(s, row, col) || !text || !*text || !writing(s, row))
        return;
    cell_ok(s, row, col, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, fmt));
}

void xlsx_paragraph(struct xlsx_sheet *s, int row, int first_col, int last_col, const char *text, lxw_format *fmt)
{
    if (!usable(s, row, last_col) || !text || !*text || first_col < 0 || first_col > last_col || !writing(s, row))
        return;
    char at[80];
    where(s, row, first_col, at, sizeof at);
    if (first_col == last_col) {
        if (xlsx_ok(s->x, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)first_col, text, fmt), at))
            remember_wrap(s, row, first_col, last_col, text);
        return;
    }
    if (xlsx_ok(s->x,
                worksheet_merge_range(s->ws, (lxw_row_t)row, (lxw_col_t)first_col, (lxw_row_t)row,
                                      (lxw_col_t)last_col, text, fmt),
                at))
        remember_wrap(s, row, first_col, last_col, text);
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN has one too */
}

/* The decimal digits of v (1 for 0). */
static int decimal_digits(uint64_t v)
{
    int n = 1;
    for (; v >= 10; v /= 10)
        n++;
    return n;
}

void xlsx_number(struct xlsx_sheet *s, int row, int col, double value, lxw_format *fmt)
{
    SPLIT_ROUTE(s, col, xlsx_number(s->cont, row, c2_, value, fmt));
    if (!usable(s, row, col))
        return;
    /* "%.2f" has at most a sign, the digits of |value| + 1 and ".00": it is
     * printed only when that many could widen the column */
    double mag = fabs(value);
    if (!(mag < 1e15) || (signbit(value) ? 1 : 0) + decimal_digits((uint64_t)mag + 1) + 3 + 1 > s->width[col]) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.2f", value);
        need(s, col, (double)strlen(buf) + 1);
    }
    if (writing(s, row))
        cell_ok(s, row, col, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, value, fmt));
}

void xlsx_int(struct xlsx_sheet *s, int row, int col, int64_t value)
{
    SPLIT_ROUTE(s, col, xlsx_int(s->cont, row, c2_, value));
    if (!usable(s, row, col))
        return;
    int n = (value < 0) + decimal_digits(magnitude(value)); /* the characters of "%lld" */
    need(s, col, (double)n + (double)(n - 1) / 3);
    if (writing(s, row))
        cell_ok(s, row, col,
                worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)value, s->x->f.integer));
}

void xlsx_money(struct xlsx_sheet *s, int row, int col, int64_t pence)
{
    SPLIT_ROUTE(s, col, xlsx_money(s->cont, row, c2_, pence));
    if (!usable(s, row, col))
        return;
    need(s, col, (double)money_chars(pence) + 1);
    if (writing(s, row))
        cell_ok(s, row, col,
                worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)pence / 100.0, s->x->f.money));
}

void xlsx_pct(struct xlsx_sheet *s, int row, int col, bool has, double fraction)
{
    SPLIT_ROUTE(s, col, xlsx_pct(s->cont, row, c2_, has, fraction));
    if (!usable(s, row, col))
        return;
    lxw_error err;
    if (has)
        need(s, col, 7);
    if (!writing(s, row))
        return;
    if (!has) {
        err = worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, s->x->f.pct);
    } else {
        err = worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, fraction, s->x->f.pct);
    }
    cell_ok(s, row, col, err);
}

void xlsx_date(struct xlsx_sheet *s, int row, int col, int date)
{
    SPLIT_ROUTE(s, col, xlsx_date(s->cont, row, c2_, date));
    if (!usable(s, row, col))
        return;
    char at[80];
    lxw_error err;
    if (date == DATE_NONE) {
        if (!writing(s, row))
            return;
        err = worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, s->x->f.date);
    } else {
        int y, m, d;
        date_to_ymd(date, &y, &m, &d);
        if (y < 1900 || y > 9999) {
            where(s, row, col, at, sizeof at);
            xlsx_fail(s->x, AP_ERR_INVALID, "%s: the year %d cannot be an Excel date", at, y);
            return;
        }
        lxw_datetime dt = {.year = y, .month = m, .day = d};
        need(s, col, 11);
        if (!writing(s, row))
            return;
        err = worksheet_write_datetime(s->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, s->x->f.date);
    }
    cell_ok(s, row, col, err);
}

void xlsx_blank(struct xlsx_sheet *s, int row, int col, lxw_format *fmt)
{
    SPLIT_ROUTE(s, col, xlsx_blank(s->cont, row, c2_, fmt));
    if (!usable(s, row, col) || !writing(s, row))
        return;
    cell_ok(s, row, col, worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, fmt));
}

void xlsx_formula_num(struct xlsx_sheet *s, int row, int col, const char *formula, double value, lxw_format *fmt)
{
    SPLIT_ROUTE(s, col, xlsx_formula_num(s->cont, row, c2_, formula, value, fmt));
    if (!usable(s, row, col))
        return;
    char at[80];
    if (!formula || !*formula) { /* 1.1.4 mishandles an empty formula */
        where(s, row, col, at, sizeof at);
        xlsx_fail(s->x, AP_ERR_INVALID, "%s: empty formula", at);
        return;
    }
    need(s, col, 14);
    if (writing(s, row))
        cell_ok(s, row, col, worksheet_write_formula_num(s->ws, (lxw_row_t)row, (lxw_col_t)col, formula, fmt, value));
}

/* A table name from the sheet name: letters and digits, unique. */
static void table_name(struct xlsx_sheet *s, char *buf, size_t len)
{
    size_t n = 0;
    for (const char *p = s->name; *p && n + 1 < len && n < 20; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (n > 0 && *p >= '0' && *p <= '9'))
            buf[n++] = *p;
    buf[n] = '\0';
    snprintf(buf + n, len - n, "%s%d", n ? "" : "Table", ++s->x->n_tables);
}

/* The headers of a split sheet's continuation (the key columns, then
 * split_at..) into h2; how many. */
static int cont_headers(const struct xlsx_sheet *s, int ncols, const char *const headers[], const char **h2)
{
    int n2 = 0;
    for (int c = 0; c < ncols && n2 < XLSX_MAX_COLS; c++)
        if (split_col(s, c) >= 0)
            h2[n2++] = headers[c];
    return n2;
}

/* The column captions: each there, none twice; false (the failure
 * recorded) otherwise. */
static bool headers_ok(struct xlsx_sheet *s, int ncols, const char *const headers[])
{
    for (int c = 0; c < ncols; c++) {
        if (!headers[c] || !*headers[c]) {
            xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s: column %d has no header", s->name, c + 1);
            return false;
        }
        for (int k = 0; k < c; k++)
            if (strcmp(headers[k], headers[c]) == 0) {
                xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s: two columns are headed \"%s\"", s->name, headers[c]);
                return false;
            }
    }
    return true;
}

/* A header wraps between its words: a column is at least as wide as its
 * longest word, and the filter button. */
static void header_widths(struct xlsx_sheet *s, int ncols, const char *const headers[])
{
    for (int c = 0; c < ncols; c++) {
        double word = 0, run = 0;
        for (const char *p = headers[c];; p++) {
            if (*p == ' ' || !*p) {
                if (run > word)
                    word = run;
                run = 0;
                if (!*p)
                    break;
            } else if (((unsigned char)*p & 0xC0) != 0x80) {
                run++;
            }
        }
        need(s, c, word + 2);
    }
}

/* The header row wraps: its captions (with room for the filter button),
 * for its height. */
static void header_heights(struct xlsx_sheet *s, int header_row, int ncols, const char *const headers[])
{
    for (int c = 0; c < ncols; c++) {
        char caption[160];
        snprintf(caption, sizeof caption, "%s  ", headers[c]);
        remember_wrap(s, header_row, c, c, caption);
    }
}

/* The widths the columns are given: what their cells need, within the caps. */
static void final_widths(const struct xlsx_sheet *s, double *widths)
{
    for (int c = 0; c < XLSX_MAX_COLS; c++) {
        double w = s->width[c] > 0 ? s->width[c] + 2 : LXW_DEF_COL_WIDTH;
        if (w > s->cap[c] + 2)
            w = s->cap[c] + 2;
        if (w < MIN_WIDTH)
            w = MIN_WIDTH;
        widths[c] = w;
    }
}

void xlsx_stream_header(struct xlsx_sheet *s, int header_row, int ncols, const char *const headers[])
{
    if (s && s->cont && ncols > s->split_at) {
        const char *h2[XLSX_MAX_COLS];
        int n2 = cont_headers(s, ncols, headers, h2);
        xlsx_stream_header(s->cont, header_row, n2, h2);
        ncols = s->split_at;
    }
    if (!usable(s, header_row, ncols - 1))
        return;
    if (!s->stream || !s->measuring || ncols < 1) {
        xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s: a header row for a sheet that is not streamed", s->name);
        return;
    }
    if (!headers_ok(s, ncols, headers))
        return;
    header_widths(s, ncols, headers);
    s->measuring = false;
    final_widths(s, s->fixed);
    for (int c = 0; c < ncols && s->x->status == AP_OK; c++)
        if (writing(s, header_row))
            cell_ok(s, header_row, c,
                    worksheet_write_string(s->ws, (lxw_row_t)header_row, (lxw_col_t)c, headers[c],
                                           s->x->f.stream_header));
    header_heights(s, header_row, ncols, headers);
}

/* The total row of a table on a streamed sheet (no worksheet table there):
 * what the table's would be, the SUBTOTAL formulas naming the rows'
 * ranges; the autofilter, and the banded rows for xlsx_finish_sheet. */
static void stream_table(struct xlsx_sheet *s, int header_row, int last_row, int ncols, const int *totals,
                         const double *total_values, lxw_format *const *total_formats)
{
    struct xlsx *x = s->x;
    if (s->measuring) {
        xlsx_fail(x, AP_ERR_INVALID, "the sheet %s: its rows were measured but its header row never written", s->name);
        return;
    }
    int last_data = totals ? last_row - 1 : last_row;
    char what[80];
    snprintf(what, sizeof what, "the autofilter on the sheet %s", s->name);
    /* now, before the total row: in constant_memory mode libxlsxwriter
     * refuses a range that ends above the row being written */
    if (!xlsx_ok(x, worksheet_autofilter(s->ws, (lxw_row_t)header_row, 0, (lxw_row_t)last_data,
                                         (lxw_col_t)(ncols - 1)),
                 what))
        return;
    s->band_first = header_row + 1;
    s->band_last = last_data;
    if (!totals)
        return;
    for (int c = 0; c < ncols && x->status == AP_OK; c++) {
        if (totals[c] == XLSX_TOTAL_LABEL && writing(s, last_row)) {
            /* as the table writes its label: not counted in the width */
            cell_ok(s, last_row, c, worksheet_write_string(s->ws, (lxw_row_t)last_row, (lxw_col_t)c, "Total", x->f.bold));
        } else if (totals[c] == XLSX_TOTAL_SUM) {
            char col[4], formula[64];
            xlsx_col_name(c, col);
            snprintf(formula, sizeof formula, "=SUBTOTAL(109,%s%d:%s%d)", col, header_row + 2, col, last_data + 1);
            xlsx_formula_num(s, last_row, c, formula, total_values ? total_values[c] : 0,
                             total_formats ? total_formats[c] : NULL);
        }
    }
}

void xlsx_table(struct xlsx_sheet *s, int header_row, int last_row, int ncols, const char *const headers[],
                const int *totals, const double *total_values, lxw_format *const *total_formats)
{
    if (s && s->cont && ncols > s->split_at) {
        /* the continuation: the key columns, then split_at.. */
        const char *h2[XLSX_MAX_COLS];
        int t2[XLSX_MAX_COLS];
        double v2[XLSX_MAX_COLS];
        lxw_format *f2[XLSX_MAX_COLS];
        int n2 = cont_headers(s, ncols, headers, h2);
        for (int c = 0, k = 0; c < ncols && k < n2; c++) {
            if (split_col(s, c) < 0)
                continue;
            t2[k] = totals ? totals[c] : 0;
            v2[k] = total_values ? total_values[c] : 0;
            f2[k] = total_formats ? total_formats[c] : NULL;
            k++;
        }
        xlsx_table(s->cont, header_row, last_row, n2, h2, totals ? t2 : NULL, total_values ? v2 : NULL,
                   total_formats ? f2 : NULL);
        ncols = s->split_at;
    }
    if (!usable(s, last_row, ncols - 1))
        return;
    struct xlsx *x = s->x;
    if (ncols < 1 || ncols > XLSX_MAX_COLS || last_row <= header_row) {
        xlsx_fail(x, AP_ERR_INVALID, "the sheet %s: a table needs a header and a row", s->name);
        return;
    }
    if (s->stream) {
        stream_table(s, header_row, last_row, ncols, totals, total_values, total_formats);
        return;
    }
    if (!headers_ok(s, ncols, headers))
        return;
    header_widths(s, ncols, headers);
    lxw_table_column cols[XLSX_MAX_COLS];
    lxw_table_column *ptrs[XLSX_MAX_COLS + 1];
    memset(cols, 0, sizeof cols);
    for (int c = 0; c < ncols; c++) {
        cols[c].header = (char *)headers[c];
        cols[c].header_format = x->f.header;
        if (totals && totals[c] == XLSX_TOTAL_LABEL) {
            cols[c].total_string = "Total";
        } else if (totals && totals[c] == XLSX_TOTAL_SUM) {
            cols[c].total_function = LXW_TABLE_FUNCTION_SUM;
            cols[c].total_value = total_values ? total_values[c] : 0;
            cols[c].format = total_formats ? total_formats[c] : NULL;
        }
        ptrs[c] = &cols[c];
    }
    ptrs[ncols] = NULL;
    header_heights(s, header_row, ncols, headers);
    char name[40];
    table_name(s, name, sizeof name);
    lxw_table_options opt = {
        .name = name,
        .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM,
        .style_type_number = 2,
        .total_row = totals ? LXW_TRUE : LXW_FALSE,
        .columns = ptrs,
    };
    char what[80];
    snprintf(what, sizeof what, "the table on the sheet %s", s->name);
    if (!xlsx_ok(x, worksheet_add_table(s->ws, (lxw_row_t)header_row, 0, (lxw_row_t)last_row, (lxw_col_t)(ncols - 1),
                                        &opt),
                 what) ||
        !totals)
        return;
    /* libxlsxwriter 1.1.4 writes a total as SUBTOTAL(109,[Column]); Excel
     * accepts that, but LibreOffice cannot read a column name with a space
     * in it unqualified. Write what Excel itself writes, qualified with the
     * table's name (', [, ] and # escaped with '), with the known result. */
    for (int c = 0; c < ncols && x->status == AP_OK; c++) {
        if (totals[c] != XLSX_TOTAL_SUM)
            continue;
        char formula[256];
        size_t n = (size_t)snprintf(formula, sizeof formula, "=SUBTOTAL(109,%s[", name);
        for (const char *p = headers[c]; *p && n + 4 < sizeof formula; p++) {
            if (*p == '\'' || *p == '[' || *p == ']' || *p == '#')
                formula[n++] = '\'';
            formula[n++] = *p;
        }
        formula[n++] = ']';
        formula[n++] = ')';
        formula[n] = '\0';
        xlsx_formula_num(s, last_row, c, formula, total_values ? total_values[c] : 0,
                         total_formats ? total_formats[c] : NULL);
    }
}

void xlsx_flag_rule(struct xlsx_sheet *s, int first_row, int first_col, int last_row, int last_col,
                    const char *formula, lxw_format *fmt)
{
    if (!usable(s, last_row, last_col) || last_row < first_row)
        return;
    if (!formula || !*formula) {
        xlsx_fail(s->x, AP_ERR_INVALID, "the sheet %s: empty conditional formula", s->name);
        return;
    }
    lxw_conditional_format cf = {
        .type = LXW_CONDITIONAL_TYPE_FORMULA,
        .value_string = (char *)formula,
        .format = fmt,
    };
    char what[80];
    snprintf(what, sizeof what, "a conditional format on the sheet %s", s->name);
    xlsx_ok(s->x,
            worksheet_conditional_format_range(s->ws, (lxw_row_t)first_row, (lxw_col_t)first_col,
                                               (lxw_row_t)last_row, (lxw_col_t)last_col, &cf),
            what);
}

void xlsx_finish_sheet(struct xlsx_sheet *s, int header_row, int last_row, int last_col, int freeze_cols)
{
    if (s && s->cont && last_col >= s->split_at) {
        xlsx_finish_sheet(s->cont, header_row, last_row, last_col - s->split_at + s->keys, freeze_cols);
        last_col = s->split_at - 1;
    }
    if (!usable(s, last_row, last_col))
        return;
    struct xlsx *x = s->x;
    char what[80];
    double widths[XLSX_MAX_COLS];
    final_widths(s, widths);
    if (s->stream) {
        end_stream_row(s); /* the last row's height */
        /* the banded rows, the last of its conditional formats so that the
         * others (added before, so first in priority) show over them */
        if (s->band_last >= s->band_first) {
            char formula[40];
            snprintf(formula, sizeof formula, "=MOD(ROW()-%d,2)=0", s->band_first + 1);
            xlsx_flag_rule(s, s->band_first, 0, s->band_last, last_col, formula, x->f.band);
        }
    }
    for (int c = 0; c <= last_col && x->status == AP_OK; c++) {
        if (s->width[c] <= 0)
            continue; /* nothing written: Excel's default width */
        snprintf(what, sizeof what, "the width of column %d on the sheet %s", c + 1, s->name);
        xlsx_ok(x, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL), what);
    }
    /* wrapped cells may come out of row order (a header after its rows):
     * sort them by row (stable enough: insertion order within a row). */
    for (size_t i = 1; i < s->n_wrapped; i++) {
        struct xlsx_wrapped w = s->wrapped[i];
        size_t j = i;
        for (; j > 0 && s->wrapped[j - 1].row > w.row; j--)
            s->wrapped[j] = s->wrapped[j - 1];
        s->wrapped[j] = w;
    }
    set_row_heights(s, widths, XLSX_MAX_COLS);
    if (x->status != AP_OK)
        return;
    if (header_row >= 0) {
        if (freeze_cols >= 0)
            worksheet_freeze_panes(s->ws, (lxw_row_t)(header_row + 1), (lxw_col_t)freeze_cols);
        snprintf(what, sizeof what, "the repeated header row on the sheet %s", s->name);
        if (!xlsx_ok(x, worksheet_repeat_rows(s->ws, (lxw_row_t)header_row, (lxw_row_t)header_row), what))
            return;
    }
    snprintf(what, sizeof what, "the print area of the sheet %s", s->name);
    xlsx_ok(x, worksheet_print_area(s->ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col), what);
}

char *xlsx_col_name(int col, char *buf)
{
    char tmp[4];
    int n = 0;
    col++;
    while (col > 0 && n < 3) {
        int r = (col - 1) % 26;
        tmp[n++] = (char)('A' + r);
        col = (col - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

const char *xlsx_rag(enum flag_level level)
{
    switch (level) {
    case FLAG_RED: return "Red";
    case FLAG_AMBER: return "Amber";
    case FLAG_GREEN:
    case FLAG_NONE: return "Green";
    }
    return "";
}

/* ------------------------------------------------------------------ */
/* What the workbooks share (src/export_dmt.c, src/export_panel.c) */

struct xlsx_sheet *xlsx_add_split_sheet(struct xlsx *x, const char *name, const char *title, const char *more_name,
                                        const char *more_title, const char *subtitle, int split_at, int keys)
{
    struct xlsx_sheet *s = xlsx_add_sheet(x, name, title, subtitle);
    return s && xlsx_split(s, more_name, more_title, subtitle, split_at, keys) ? s : NULL;
}

char *xlsx_uk_date(int date, char *buf, size_t len)
{
    int y, m, d;
    if (date == DATE_NONE) {
        snprintf(buf, len, "-");
        return buf;
    }
    date_to_ymd(date, &y, &m, &d);
    snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
    return buf;
}

void xlsx_money_or_blank(struct xlsx_sheet *s, int row, int col, bool has, int64_t pence)
{
    if (has)
        xlsx_money(s, row, col, pence);
    else
        xlsx_blank(s, row, col, s->x->f.money);
}

int xlsx_rows_or_none(struct xlsx_sheet *s, size_t n, const char *none)
{
    if (n == 0) {
        xlsx_text(s, XLSX_HDR + 1, 0, none, s->x->f.note);
        return XLSX_HDR + 1;
    }
    return XLSX_HDR + (int)n;
}

void xlsx_rag_rules(struct xlsx_sheet *s, int first, int last, int c0, int c1, int key)
{
    static const char *const words[] = {"Red", "Amber", "Green"};
    char col[4], formula[64];
    int at = key;
    s = xlsx_locate(s, &at); /* a split sheet: c0..c1 are on key's page */
    c0 += at - key, c1 += at - key, key = at;
    xlsx_col_name(key, col);
    lxw_format *fills[] = {s->x->f.red, s->x->f.amber, s->x->f.green};
    for (int i = 0; i < 3; i++) {
        snprintf(formula, sizeof formula, "=$%s%d=\"%s\"", col, first + 1, words[i]);
        xlsx_flag_rule(s, first, c0, last, c1, formula, fills[i]);
    }
}
