#ifndef APTERM_PDF_H
#define APTERM_PDF_H

/* The documents people print, sign and send (the PSP, the QA visit report,
 * the weekly tracking sheet) as PDF, laid out with Cairo and Pango: Pango
 * shapes and wraps the text (every Welsh letter, in DejaVu Sans from
 * fonts-dejavu-core), Cairo embeds the subset of the font it used.
 *
 * Every page carries the marking OFFICIAL-SENSITIVE, the organisation and
 * the document's title at the top, and the marking, the organisation, the
 * date produced and "Page n of N" at the foot. Pages are recorded as they
 * are laid out and written out at pdf_close, when N is known.
 *
 * The file is written like every export (src/outfile.h): a temporary file
 * beside the target, mode 0600, renamed over the target only when Cairo has
 * finished it without error; pdf_discard leaves the target as it was.
 *
 * Text is NUL-terminated UTF-8 and is never markup (a name with "<" or "&"
 * prints as itself). The layout calls record the first failure and do
 * nothing after it; pdf_close reports it. No curses, no SQL. */

#include <stdbool.h>

#include "status.h"

#define PDF_MARKING "OFFICIAL-SENSITIVE"
#define PDF_MAX_COLS 12

struct pdf;

struct pdf_doc {
    const char *title;              /* in the page header and the document properties */
    const char *organisation;       /* apterm.ini [exports] organisation; NULL: "Alternative Provision" */
    const char *author;             /* the login; may be NULL */
    int today;                      /* the date on every page */
    bool landscape;                 /* A4 landscape (a wide table); else A4 portrait */
    bool compact;                   /* tables in 9 pt with less padding (a long sheet); else 10 pt */
    /* May be NULL: told 0.9 .. 1 as pdf_close writes the pages out (the
     * caller reports the layout's progress before that). */
    void (*progress)(void *ctx, double fraction, const char *what);
    void *progress_ctx;
};

/* Checks the target and starts the document (outfile_open's refusals,
 * naming the path). On AP_OK end it with pdf_close or pdf_discard. */
ap_status pdf_open(const char *target, const struct pdf_doc *doc, struct pdf **out);

/* Writes every page with its header and footer, finishes the PDF and
 * renames it over the target. On failure nothing is written (the target is
 * left as it was) and ap_error_detail() says why. Frees p either way. */
ap_status pdf_close(struct pdf *p);

/* Abandons the document: the target is untouched. Frees p. */
void pdf_discard(struct pdf *p);

/* The pages so far (the current one included). */
int pdf_pages(const struct pdf *p);

/* The document's title line, larger, at the top of the first page. */
void pdf_title(struct pdf *p, const char *text);
/* A section heading (level 1) or a sub-heading (level 2); never left alone
 * at the foot of a page. */
void pdf_heading(struct pdf *p, int level, const char *text);
/* A paragraph, wrapped to the page and broken across pages between lines.
 * NULL or "" prints "Not recorded." in italics, so an empty field shows. */
void pdf_paragraph(struct pdf *p, const char *text);
/* A short note in smaller grey italics. */
void pdf_note(struct pdf *p, const char *text);
/* A label and its value on one row (the value wrapped beside the label);
 * NULL or "" value prints "Not recorded". */
void pdf_field(struct pdf *p, const char *label, const char *value);
/* Vertical space, in points. */
void pdf_space(struct pdf *p, double points);
/* Starts the next item on a new page. */
void pdf_new_page(struct pdf *p);

/* A table: ncols columns with their headers and relative widths (any
 * positive numbers: they share the text width). The header row is drawn
 * again at the top of every page the table runs onto; a row is never split
 * across pages. */
void pdf_table_begin(struct pdf *p, int ncols, const char *const headers[], const double widths[]);
/* One row: ncols cells (NULL reads as ""), wrapped within their columns.
 * bold: the row in bold (a total, a group's name across the row when only
 * the first cell is given). */
void pdf_table_row(struct pdf *p, const char *const cells[], bool bold);
void pdf_table_end(struct pdf *p);

/* A signature block for each party: its name, then lines for the name,
 * role, signature and date written by hand. */
void pdf_signatures(struct pdf *p, const char *const parties[], int n);

#endif
