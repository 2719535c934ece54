#ifndef APTERM_XLSX_UTIL_H
#define APTERM_XLSX_UTIL_H

/* What the two workbooks share on top of libxlsxwriter 1.1.4: the safe
 * write (src/outfile.h: a temporary file beside the target, renamed into
 * place only after workbook_close returned LXW_NO_ERROR), the formats (made once), cell
 * writers that track column widths so the columns fit, the printed page
 * (landscape A4, one page wide, header row repeated, print area,
 * OFFICIAL-SENSITIVE with the organisation and the date in the header and
 * footer), document properties, and progress.
 *
 * One way to fail: the first libxlsxwriter error (named with lxw_strerror
 * and what was being written) is kept, every later call does nothing, and
 * xlsx_close reports it. libxlsxwriter prints [WARNING] lines to stderr,
 * which would scribble over a curses screen: from xlsx_open to
 * xlsx_close/xlsx_discard stderr is captured into a temporary file, except
 * while the progress callback runs, and anything captured fails the export
 * with the captured words (inputs are validated first so nothing should be).
 *
 * No curses and no SQL here. */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "outfile.h"
#include "rules.h"
#include "status.h"
#include "xlsx_lib.h" /* the library's functions, loaded when first used */

/* Progress of a long export, for a terminal line or a TUI gauge: fraction
 * 0..1 done, and a few words on what is being done. Called from the
 * export's own thread between steps; may be NULL. */
typedef void (*export_progress_fn)(void *ctx, double fraction, const char *what);

#define XLSX_MAX_COLS 40
#define XLSX_MAX_SHEETS 20
#define XLSX_MARKING "OFFICIAL-SENSITIVE"

/* The formats, made once per workbook. */
struct xlsx_formats {
    lxw_format *title, *subtitle, *heading, *note, *label;
    lxw_format *header;             /* table header row: bold, wrapped */
    lxw_format *text, *wrap, *bold, *bold_wrap, *date, *money, *money_bold, *pct, *integer, *hours, *decimal, *marker;
    lxw_format *red, *amber, *green;        /* conditional fills (dxf) */
    lxw_format *recommended;                /* conditional: the recommended option */
    /* made with the first streamed sheet (xlsx_stream_sheets), so that a
     * workbook without one is as it was: */
    lxw_format *stream_header;              /* a header row without a table: bold, wrapped, white on blue */
    lxw_format *band;                       /* conditional: the banded rows of a sheet without a table */
};

struct xlsx;

/* A wrapped cell (or merged paragraph), kept so that its row can be made
 * tall enough once the column widths are known: neither Excel nor
 * LibreOffice grows a row written by libxlsxwriter to fit wrapped text. */
#define XLSX_WRAP_SEGMENTS 8
struct xlsx_wrapped {
    int row, col, last_col;         /* columns col..last_col (a merged range) */
    int n;                          /* lines of the text (segments beyond the last are added into it) */
    unsigned short len[XLSX_WRAP_SEGMENTS];  /* characters in each line */
};

/* One worksheet, with the widths its cells need. */
struct xlsx_sheet {
    struct xlsx *x;
    lxw_worksheet *ws;
    char name[32];
    double width[XLSX_MAX_COLS];    /* widest cell so far, in characters */
    double cap[XLSX_MAX_COLS];      /* the most a column may take (long text wraps) */
    struct xlsx_wrapped *wrapped;   /* malloc'd, n_wrapped of them */
    size_t n_wrapped, cap_wrapped;
    /* A table too wide for one printed page goes on over two sheets:
     * columns from split_at on are written to cont after its first `keys`
     * columns, which repeat this sheet's first `keys` (xlsx_split). */
    struct xlsx_sheet *cont;
    int split_at, keys;
    /* A streamed sheet (xlsx_stream_sheets): measuring until
     * xlsx_stream_header, then written row by row; the row being written and
     * the lines its wrapped cells need, its height set before the next row. */
    bool stream, measuring;
    int cur_row, cur_lines;
    double fixed[XLSX_MAX_COLS];    /* the widths the rows' heights are worked out with */
    int band_first, band_last;      /* the data rows banded by xlsx_finish_sheet; band_last < 0: none */
};

/* The workbook being written. */
struct xlsx {
    lxw_workbook *wb;
    struct xlsx_formats f;
    struct outfile out;             /* the file being written (src/outfile.h) */
    const char *target, *tmp;       /* out.target, out.tmp */
    int today;
    ap_status status;               /* AP_OK until something fails */
    char header[256], footer[256];  /* the page marking */
    struct xlsx_sheet *sheets[XLSX_MAX_SHEETS];
    int n_sheets;
    int n_tables;
    export_progress_fn progress;
    void *progress_ctx;
    bool streaming;                 /* sheets added now are streamed (xlsx_stream_sheets) */
    int saved_stderr;               /* -1 when stderr is not captured */
    int capture_fd;                 /* the capture file, -1 when none */
};

/* The document: every string is copied by libxlsxwriter; NULL reads as "". */
struct xlsx_doc {
    const char *title;              /* properties and page header: "Inclusion Panel pack" */
    const char *subject;
    const char *organisation;       /* apterm.ini [exports] organisation */
    const char *author;             /* the login */
    const char *keywords;
    const char *comments;
    int today;                      /* the date on every page */
    export_progress_fn progress;
    void *progress_ctx;
};

/* Checks target and opens the workbook on a temporary file beside it
 * (mode 0600). Refused before anything is written (AP_ERR_IO or
 * AP_ERR_INVALID, naming the path): an empty name, a directory, a file that
 * exists but cannot be written, a directory that does not exist or cannot
 * be written. *out is the caller's: end it with xlsx_close or xlsx_discard. */
ap_status xlsx_open(const char *target, const struct xlsx_doc *doc, struct xlsx **out);

/* Writes the workbook, and when workbook_close returned LXW_NO_ERROR and
 * nothing went wrong before, fsyncs it and renames it over the target.
 * On any failure the temporary file is removed and the target is left as it
 * was. Frees x either way. */
ap_status xlsx_close(struct xlsx *x);

/* Abandons the workbook: nothing is written, the target is untouched. */
void xlsx_discard(struct xlsx *x);

/* Records a failure (keeps the first); returns x->status. */
ap_status xlsx_fail(struct xlsx *x, ap_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Checks a libxlsxwriter return: false (and the failure recorded, naming
 * what and lxw_strerror) unless LXW_NO_ERROR. */
bool xlsx_ok(struct xlsx *x, lxw_error err, const char *what);

/* Tells the progress callback (with stderr given back for the call). */
void xlsx_progress(struct xlsx *x, double fraction, const char *what);

/* A new printable sheet: landscape, A4, one page wide, margins, the
 * OFFICIAL-SENSITIVE header and footer; title in A1, subtitle in A2 (either
 * may be NULL). The name must be a valid sheet name (at most 31 characters,
 * none of []:*?/\): it is checked with workbook_validate_sheet_name. NULL
 * when anything failed (x->status says what). */
struct xlsx_sheet *xlsx_add_sheet(struct xlsx *x, const char *name, const char *title, const char *subtitle);

/* Streamed sheets. libxlsxwriter keeps every cell of a sheet in memory
 * until workbook_close, unless the sheet is in its constant_memory mode:
 * then each row goes to a temporary file as soon as the next row is begun
 * (strings written in the cell, not shared). The mode is a workbook option,
 * but 1.1.4 reads it only when a sheet is added (workbook_add_worksheet
 * copies options.constant_memory into the sheet, and everything after that
 * - where cells are kept, how strings are written, the sheet's temporary
 * file, close - asks the sheet), so it is set just for the sheets that need
 * it: those with a row per pupil. Such a sheet cannot hold a worksheet
 * table (LXW_ERROR_FEATURE_NOT_SUPPORTED); xlsx_table gives it what the
 * table would: the header row (autofilter, frozen, repeated on each page),
 * banded rows, and a total row of SUBTOTAL(109, range) formulas with their
 * results.
 *
 * Sheets added (xlsx_add_sheet, xlsx_add_split_sheet) while on are
 * streamed. A streamed sheet begins by measuring: after its title and
 * subtitle, the writers only take the widths its cells need, so run its
 * rows once to measure; xlsx_stream_header then fixes the widths (the rows'
 * heights are worked out with them) and writes the header row; then write
 * the rows again, strictly in order (a cell above the row being written
 * fails the export), then xlsx_table (its total row) and
 * xlsx_finish_sheet. */
void xlsx_stream_sheets(struct xlsx *x, bool on);
/* The header row of a streamed sheet (and its continuation), as xlsx_table
 * would write it; ends its measuring. */
void xlsx_stream_header(struct xlsx_sheet *s, int header_row, int ncols, const char *const headers[]);

/* Splits a table that would not print readably on one A4 landscape page
 * wide: the writers below, xlsx_cap, xlsx_table and xlsx_finish_sheet then
 * send columns split_at.. of s to a new sheet `name` (after its first `keys`
 * columns, which are written to both sheets so that each page names its
 * rows). Returns the new sheet, or NULL with the failure recorded. */
struct xlsx_sheet *xlsx_split(struct xlsx_sheet *s, const char *name, const char *title, const char *subtitle,
                              int split_at, int keys);
/* Where column col of s is printed: the sheet (s or its continuation), with
 * *col set to the column there (a key column: s). */
struct xlsx_sheet *xlsx_locate(struct xlsx_sheet *s, int *col);

/* Cell writers; each remembers the width the cell needs. Text is UTF-8 and
 * is cut (at a character boundary) at Excel's 32,767-character limit. */
void xlsx_text(struct xlsx_sheet *s, int row, int col, const char *text, lxw_format *fmt);
/* Text that runs across the columns (a title, a note): not counted in the
 * column's width; nothing is written for "". */
void xlsx_note(struct xlsx_sheet *s, int row, int col, const char *text, lxw_format *fmt);
/* A paragraph: columns first_col..last_col of the row merged, the text
 * wrapped in them (fmt should wrap), the row made tall enough. */
void xlsx_paragraph(struct xlsx_sheet *s, int row, int first_col, int last_col, const char *text, lxw_format *fmt);
void xlsx_number(struct xlsx_sheet *s, int row, int col, double value, lxw_format *fmt);
void xlsx_int(struct xlsx_sheet *s, int row, int col, int64_t value);
void xlsx_money(struct xlsx_sheet *s, int row, int col, int64_t pence);
/* A fraction (0.923) shown as a percentage; a blank cell when !has. */
void xlsx_pct(struct xlsx_sheet *s, int row, int col, bool has, double fraction);
/* An Excel date (worksheet_write_datetime); a blank cell for DATE_NONE. */
void xlsx_date(struct xlsx_sheet *s, int row, int col, int date);
void xlsx_blank(struct xlsx_sheet *s, int row, int col, lxw_format *fmt);
/* A formula with its known result, so readers that do not calculate see it. */
void xlsx_formula_num(struct xlsx_sheet *s, int row, int col, const char *formula, double value, lxw_format *fmt);

/* The most a column may take; text beyond it wraps (use the wrap format). */
void xlsx_cap(struct xlsx_sheet *s, int col, double chars);

/* A table over header_row..last_row (which includes the total row when
 * totals is not NULL) and columns 0..ncols-1: header row with autofilter,
 * banded rows. headers[] are the column captions (distinct, not empty).
 * totals (may be NULL): for each column, XLSX_TOTAL_NONE, XLSX_TOTAL_LABEL
 * ("Total") or XLSX_TOTAL_SUM with its known value in total_values[] and
 * total_formats[] (a SUBTOTAL formula). */
enum { XLSX_TOTAL_NONE = 0, XLSX_TOTAL_LABEL, XLSX_TOTAL_SUM };
void xlsx_table(struct xlsx_sheet *s, int header_row, int last_row, int ncols, const char *const headers[],
                const int *totals, const double *total_values, lxw_format *const *total_formats);

/* A conditional format with a FORMULA rule (the formula refers to the
 * range's top-left cell, as Excel does). */
void xlsx_flag_rule(struct xlsx_sheet *s, int first_row, int first_col, int last_row, int last_col,
                    const char *formula, lxw_format *fmt);

/* Finishes a sheet: the column widths that fit, rows tall enough for their
 * wrapped text, the header row frozen (and
 * freeze_cols columns; nothing frozen when freeze_cols < 0), repeated on
 * every printed page, and the print area A1 to (last_row, last_col).
 * header_row < 0: no frozen or repeated row. */
void xlsx_finish_sheet(struct xlsx_sheet *s, int header_row, int last_row, int last_col, int freeze_cols);

/* The column letter(s) of col ("A", "AB"), into buf of at least 4 bytes. */
char *xlsx_col_name(int col, char *buf);

/* "Red", "Amber", or "Green" (nothing raised) for the worst flag of a record. */
const char *xlsx_rag(enum flag_level level);

/* ---- What the workbooks share (export_dmt.c, export_panel.c) ---- */

/* Every table sheet: title in row 1, subtitle in row 2 (xlsx_add_sheet), the
 * table's header in row 4 (index 3), data from row 5. */
#define XLSX_HDR 3

/* A table sheet too wide for one page: xlsx_add_sheet, then xlsx_split at
 * split_at onto a sheet more_name titled more_title, keeping `keys` key
 * columns. The first page, or NULL. */
struct xlsx_sheet *xlsx_add_split_sheet(struct xlsx *x, const char *name, const char *title, const char *more_name,
                                        const char *more_title, const char *subtitle, int split_at, int keys);
/* date as dd/mm/yyyy into buf (len bytes), "-" for DATE_NONE; returns buf. */
char *xlsx_uk_date(int date, char *buf, size_t len);
/* pence in the money format, or a blank cell in it when !has. */
void xlsx_money_or_blank(struct xlsx_sheet *s, int row, int col, bool has, int64_t pence);
/* The last data row of a table of n rows from XLSX_HDR + 1; with none, one
 * row saying `none` (a note). */
int xlsx_rows_or_none(struct xlsx_sheet *s, size_t n, const char *none);
/* Red, amber and green fills on rows first..last, columns c0..c1, when the
 * cell of column `key` on the same row says so (xlsx_rag's words); on a
 * split sheet, on key's page. */
void xlsx_rag_rules(struct xlsx_sheet *s, int first, int last, int c0, int c1, int key);

#endif
