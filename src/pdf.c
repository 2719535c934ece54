/* A4 documents with Cairo and Pango: see pdf.h. */
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "date.h"
#include "dynlib.h"
#include "outfile.h"

/* Cairo, Pango, GLib and fontconfig are loaded when the first document is
 * made (src/dynlib.h says why): every call goes through `lib`. */
#define PDF_FUNCTIONS(X) \
    X(FcFini) \
    X(cairo_create) \
    X(cairo_destroy) \
    X(cairo_fill) \
    X(cairo_font_options_create) \
    X(cairo_font_options_destroy) \
    X(cairo_font_options_set_hint_metrics) \
    X(cairo_font_options_set_hint_style) \
    X(cairo_font_options_status) \
    X(cairo_line_to) \
    X(cairo_move_to) \
    X(cairo_pdf_surface_create_for_stream) \
    X(cairo_pdf_surface_set_metadata) \
    X(cairo_rectangle) \
    X(cairo_set_line_width) \
    X(cairo_set_source_rgb) \
    X(cairo_show_page) \
    X(cairo_status) \
    X(cairo_status_to_string) \
    X(cairo_stroke) \
    X(cairo_surface_destroy) \
    X(cairo_surface_finish) \
    X(cairo_surface_status) \
    X(g_free) \
    X(g_object_unref) \
    X(g_utf8_make_valid) \
    X(pango_cairo_context_set_font_options) \
    X(pango_cairo_context_set_resolution) \
    X(pango_cairo_font_map_get_default) \
    X(pango_cairo_font_map_set_default) \
    X(pango_cairo_show_layout) \
    X(pango_cairo_show_layout_line) \
    X(pango_font_description_free) \
    X(pango_font_description_from_string) \
    X(pango_font_map_create_context) \
    X(pango_layout_get_iter) \
    X(pango_layout_get_size) \
    X(pango_layout_iter_free) \
    X(pango_layout_iter_get_baseline) \
    X(pango_layout_iter_get_line_extents) \
    X(pango_layout_iter_get_line_readonly) \
    X(pango_layout_iter_next_line) \
    X(pango_layout_new) \
    X(pango_layout_set_font_description) \
    X(pango_layout_set_text) \
    X(pango_layout_set_width) \
    X(pango_layout_set_wrap)
#define PDF_SLOT(f) __typeof__(&f) f;
static struct {
    PDF_FUNCTIONS(PDF_SLOT)
} lib;
#define PDF_FN(f) {#f, (void **)&lib.f},
static const struct dynlib_fn pdf_fns[] = {PDF_FUNCTIONS(PDF_FN)};
/* The sonames of Debian 12's packages (libpangocairo-1.0-0, libpango-1.0-0,
 * libglib2.0-0, libcairo2, libfontconfig1): what -lpangocairo-1.0 and the
 * rest linked. */
static const char *const pdf_libs[] = {"libpangocairo-1.0.so.0", "libpango-1.0.so.0", "libgobject-2.0.so.0",
                                       "libglib-2.0.so.0", "libcairo.so.2", "libfontconfig.so.1"};
static struct dynlib pdf_dynlib = {"the PDF libraries (Cairo and Pango)", pdf_libs, sizeof pdf_libs / sizeof *pdf_libs,
                                   pdf_fns, sizeof pdf_fns / sizeof *pdf_fns, 0, ""};

#define A4_SHORT 595.28
#define A4_LONG 841.89
#define MARGIN 42.0          /* about 15 mm */
#define BAND 36.0            /* the header and footer bands inside the margin */
#define CELL_PAD 3.0
#define FONT_BODY "DejaVu Sans 10"
#define FONT_BOLD "DejaVu Sans Bold 10"
#define FONT_TABLE_COMPACT "DejaVu Sans 9"
#define FONT_TABLE_COMPACT_BOLD "DejaVu Sans Bold 9"
#define FONT_ITALIC "DejaVu Sans Italic 9.5"
#define FONT_BAND "DejaVu Sans 9"
#define FONT_BAND_BOLD "DejaVu Sans Bold 9"
#define FONT_TITLE "DejaVu Sans Bold 18"
#define FONT_H1 "DejaVu Sans Bold 13"
#define FONT_H2 "DejaVu Sans Bold 11"

struct pdf {
    struct outfile out;
    bool out_open;
    FILE *f;
    ap_status status;
    char title[256], organisation[256], author[128], produced[16];
    double w, h;                    /* the page */
    double left, right, top, bottom;        /* the text area */
    double y;                       /* where the next item goes */
    /* The first pass (pass 0) only measures: no drawing, no file; it counts
     * the pages. The second (pass 1) draws each page straight into the PDF
     * stream, with "Page n of N" known, so no page is held in memory. */
    int pass;
    int n_pages;                    /* pages so far in this pass */
    int total_pages;                /* what the first pass came to */
    cairo_surface_t *surface;       /* the PDF (second pass) */
    cairo_t *cr;                    /* drawing on the current page; NULL in the first pass */
    void (*progress)(void *ctx, double fraction, const char *what);
    void *progress_ctx;
    /* the table being laid out */
    bool in_table;
    bool compact;
    double pad;                     /* inside a cell */
    int ncols;
    double colx[PDF_MAX_COLS + 1];
    char *headers[PDF_MAX_COLS];
    /* Pango: one context and the fonts used, for the whole document */
    PangoContext *ctx;
#define PDF_FONTS 16
    const char *font_names[PDF_FONTS];
    PangoFontDescription *fonts[PDF_FONTS];
    int n_fonts;
};

/* ------------------------------------------------------------------ */

static ap_status fail(struct pdf *p, ap_status st, const char *what)
{
    if (p->status == AP_OK) {
        p->status = st;
        ap_fail(st, "cannot write %s: %s; nothing was written", p->out.target, what);
    }
    return p->status;
}

static bool usable(struct pdf *p)
{
    if (!p || p->status != AP_OK)
        return false;
    if (outfile_interrupted()) {
        fail(p, AP_ERR_IO, "stopped");
        return false;
    }
    return true;
}

/* Valid UTF-8 (a stray byte becomes U+FFFD rather than a Pango warning). */
static char *clean(const char *text)
{
    return lib.g_utf8_make_valid(text ? text : "", -1);
}

/* A font of the FONT_ list, parsed once per document. */
static const PangoFontDescription *font_of(struct pdf *p, const char *font)
{
    int i = 0;
    for (; i < p->n_fonts; i++)
        if (p->font_names[i] == font)
            return p->fonts[i];
    if (i == PDF_FONTS)
        i = PDF_FONTS - 1; /* not reached: the module names fewer */
    else
        p->n_fonts++;
    if (p->fonts[i])
        lib.pango_font_description_free(p->fonts[i]);
    p->font_names[i] = font;
    p->fonts[i] = lib.pango_font_description_from_string(font);
    return p->fonts[i];
}

/* A layout in the document's one Pango context (72 dpi, so that a 10 pt
 * font is 10 PDF points high; Pango's default of 96 dpi would print it a
 * third larger; no hinting of metrics, which a PDF does not want). */
static PangoLayout *new_layout(struct pdf *p, const char *font)
{
    PangoLayout *l = lib.pango_layout_new(p->ctx);
    lib.pango_layout_set_font_description(l, font_of(p, font));
    return l;
}

static PangoLayout *layout(struct pdf *p, const char *text, const char *font, double width)
{
    PangoLayout *l = new_layout(p, font);
    if (width > 0) {
        lib.pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        lib.pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    char *t = clean(text);
    lib.pango_layout_set_text(l, t, -1);
    lib.g_free(t);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    lib.pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void draw_table_header(struct pdf *p);

static void draw_bands(struct pdf *p, cairo_t *cr, int page);

/* The next page: in the first pass only counted; in the second the page
 * before it is finished and written out, and the new one gets its header
 * and footer at once. */
static void start_page(struct pdf *p)
{
    if (!usable(p))
        return;
    if (p->pass == 1) {
        if (p->n_pages > 0)
            lib.cairo_show_page(p->cr);
        if (p->n_pages == p->total_pages) {
            fail(p, AP_ERR_INVALID, "the pages came out differently the second time they were laid out");
            return;
        }
        if (lib.cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
            cairo_status_t cst = lib.cairo_status(p->cr);
            fail(p, cst == CAIRO_STATUS_WRITE_ERROR ? AP_ERR_IO : AP_ERR_NOMEM, lib.cairo_status_to_string(cst));
            return;
        }
        draw_bands(p, p->cr, p->n_pages);
    }
    p->n_pages++;
    p->y = p->top;
    if (p->cr)
        lib.cairo_set_source_rgb(p->cr, 0, 0, 0);
    if (p->in_table)
        draw_table_header(p);
}

/* Room for `need` points below y, else a new page (unless this one is
 * still empty: then the item goes here whatever its height). */
static void ensure(struct pdf *p, double need)
{
    if (p->y + need > p->bottom && p->y > p->top + 0.5)
        start_page(p);
}

/* Draws a layout's lines at x from y on, moving to a new page between lines
 * when the page is full. */
static void draw_lines(struct pdf *p, PangoLayout *l, double x)
{
    PangoLayoutIter *it = lib.pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        lib.pango_layout_iter_get_line_extents(it, NULL, &logical);
        int baseline = lib.pango_layout_iter_get_baseline(it);
        double lh = (double)logical.height / PANGO_SCALE;
        ensure(p, lh);
        if (!usable(p))
            break;
        if (p->cr) {
            lib.cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE,
                          p->y + (double)(baseline - logical.y) / PANGO_SCALE);
            lib.pango_cairo_show_layout_line(p->cr, lib.pango_layout_iter_get_line_readonly(it));
        }
        p->y += lh;
    } while (lib.pango_layout_iter_next_line(it));
    lib.pango_layout_iter_free(it);
}

static void text_block(struct pdf *p, const char *text, const char *font, double grey, double after)
{
    if (!usable(p))
        return;
    PangoLayout *l = layout(p, text, font, p->right - p->left);
    if (p->cr)
        lib.cairo_set_source_rgb(p->cr, grey, grey, grey);
    draw_lines(p, l, p->left);
    if (p->cr)
        lib.cairo_set_source_rgb(p->cr, 0, 0, 0);
    lib.g_object_unref(l);
    p->y += after;
}

/* ------------------------------------------------------------------ */

/* Gives back what Pango and fontconfig keep (the font map and its fonts,
 * the font list) when the process ends, so that a leak checker sees nothing
 * left; registered by the first pdf_open. */
static void release_fonts(void)
{
    lib.pango_cairo_font_map_set_default(NULL);
    lib.FcFini();
}

ap_status pdf_open(const char *target, const struct pdf_doc *doc, struct pdf **out)
{
    *out = NULL;
    char doing[300];
    snprintf(doing, sizeof doing, "cannot write %s", target ? target : "");
    ap_status loaded = dynlib_load(&pdf_dynlib, doing);
    if (loaded != AP_OK)
        return loaded;
    static bool registered;
    if (!registered && atexit(release_fonts) == 0)
        registered = true;
    struct pdf *p = calloc(1, sizeof *p);
    if (!p)
        return ap_fail(AP_ERR_NOMEM, "cannot write %s: out of memory", target ? target : "");
    ap_status st = outfile_open(&p->out, target);
    if (st != AP_OK) {
        free(p);
        return st;
    }
    p->out_open = true;
    snprintf(p->title, sizeof p->title, "%s", doc->title ? doc->title : "");
    snprintf(p->organisation, sizeof p->organisation, "%s",
             doc->organisation && *doc->organisation ? doc->organisation : "Alternative Provision");
    snprintf(p->author, sizeof p->author, "%s", doc->author ? doc->author : "");
    int y, m, d;
    date_to_ymd(doc->today, &y, &m, &d);
    snprintf(p->produced, sizeof p->produced, "%02d/%02d/%04d", d, m, y);
    p->compact = doc->compact;
    p->progress = doc->progress;
    p->progress_ctx = doc->progress_ctx;
    p->pad = doc->compact ? 2.0 : CELL_PAD;
    p->w = doc->landscape ? A4_LONG : A4_SHORT;
    p->h = doc->landscape ? A4_SHORT : A4_LONG;
    p->left = MARGIN;
    p->right = p->w - MARGIN;
    p->top = MARGIN + BAND;
    p->bottom = p->h - MARGIN - BAND;
    p->ctx = lib.pango_font_map_create_context(lib.pango_cairo_font_map_get_default());
    cairo_font_options_t *fo = lib.cairo_font_options_create();
    if (!p->ctx || lib.cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
        lib.cairo_font_options_destroy(fo);
        pdf_discard(p);
        return ap_fail(AP_ERR_NOMEM, "cannot write %s: Pango could not start", target);
    }
    lib.pango_cairo_context_set_resolution(p->ctx, 72.0);
    lib.cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    lib.cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    lib.pango_cairo_context_set_font_options(p->ctx, fo);
    lib.cairo_font_options_destroy(fo);
    start_page(p);
    if (p->status != AP_OK) {
        st = p->status;
        pdf_discard(p);
        return st;
    }
    *out = p;
    return AP_OK;
}

/* Frees what the document holds but the file: the PDF surface (writing
 * nothing more once p->f is closed), the fonts and the Pango context. */
static void free_pages(struct pdf *p)
{
    if (p->cr)
        lib.cairo_destroy(p->cr);
    p->cr = NULL;
    if (p->surface)
        lib.cairo_surface_destroy(p->surface);
    p->surface = NULL;
    for (int c = 0; c < PDF_MAX_COLS; c++) {
        free(p->headers[c]);
        p->headers[c] = NULL;
    }
    for (int i = 0; i < p->n_fonts; i++)
        lib.pango_font_description_free(p->fonts[i]);
    p->n_fonts = 0;
    if (p->ctx)
        lib.g_object_unref(p->ctx);
    p->ctx = NULL;
}


void pdf_discard(struct pdf *p)
{
    if (!p)
        return;
    if (p->f)
        fclose(p->f);
    p->f = NULL; /* write_out refuses what Cairo still flushes */
    if (p->out_open)
        outfile_abandon(&p->out);
    free_pages(p);
    free(p);
}

int pdf_pages(const struct pdf *p)
{
    return p ? p->n_pages : 0;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    struct pdf *p = closure;
    if (!p->f)
        return CAIRO_STATUS_WRITE_ERROR;
    return fwrite(data, 1, length, p->f) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* One line of band text: left, centred or right aligned at baseline y. */
static void band_text(struct pdf *p, cairo_t *cr, const char *text, const char *font, int align, double y)
{
    PangoLayout *l = new_layout(p, font);
    char *t = clean(text);
    lib.pango_layout_set_text(l, t, -1);
    lib.g_free(t);
    int w, h;
    lib.pango_layout_get_size(l, &w, &h);
    double x = align < 0 ? p->left : align == 0 ? (p->w - (double)w / PANGO_SCALE) / 2 : p->right - (double)w / PANGO_SCALE;
    lib.cairo_move_to(cr, x, y);
    lib.pango_cairo_show_layout(cr, l);
    lib.g_object_unref(l);
}

/* The header: the marking and the organisation, the title below; the
 * footer: the marking and "Page n of N", the organisation and the date
 * below. Two lines each, so that a long title or name never runs into the
 * marking. */
static void draw_bands(struct pdf *p, cairo_t *cr, int page)
{
    lib.cairo_set_source_rgb(cr, 0, 0, 0);
    double head = MARGIN - 6;
    band_text(p, cr, PDF_MARKING, FONT_BAND_BOLD, -1, head);
    band_text(p, cr, p->organisation, FONT_BAND, 1, head);
    lib.cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    band_text(p, cr, p->title, FONT_BAND, -1, head + 13);
    lib.cairo_set_source_rgb(cr, 0, 0, 0);
    lib.cairo_set_line_width(cr, 0.5);
    lib.cairo_move_to(cr, p->left, head + 28);
    lib.cairo_line_to(cr, p->right, head + 28);
    lib.cairo_stroke(cr);
    double foot = p->h - MARGIN - 20;
    lib.cairo_move_to(cr, p->left, foot - 4);
    lib.cairo_line_to(cr, p->right, foot - 4);
    lib.cairo_stroke(cr);
    char below[320], right[48];
    snprintf(below, sizeof below, "%s \xe2\x80\x93 produced %s", p->organisation, p->produced);
    snprintf(right, sizeof right, "Page %d of %d", page + 1, p->total_pages);
    band_text(p, cr, PDF_MARKING, FONT_BAND_BOLD, -1, foot);
    band_text(p, cr, right, FONT_BAND, 1, foot);
    lib.cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    band_text(p, cr, below, FONT_BAND, -1, foot + 13);
    lib.cairo_set_source_rgb(cr, 0, 0, 0);
}

/* The first pass is over: starts the PDF stream and its first page. */
static void start_second_pass(struct pdf *p)
{
    if (p->in_table)
        fail(p, AP_ERR_INVALID, "a table was left open");
    if (!usable(p))
        return;
    p->f = outfile_stream(&p->out);
    if (!p->f) {
        p->status = AP_ERR_IO; /* outfile_stream recorded why */
        return;
    }
    p->surface = lib.cairo_pdf_surface_create_for_stream(write_out, p, p->w, p->h);
    if (lib.cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
        fail(p, AP_ERR_NOMEM, "Cairo could not start the PDF");
        return;
    }
    lib.cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, p->title);
    lib.cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, p->author);
    lib.cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, PDF_MARKING);
    lib.cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_KEYWORDS, PDF_MARKING);
    lib.cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "apterm");
    cairo_t *cr = lib.cairo_create(p->surface);
    if (lib.cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        lib.cairo_destroy(cr);
        fail(p, AP_ERR_NOMEM, "Cairo could not start the PDF");
        return;
    }
    p->cr = cr;
    p->total_pages = p->n_pages;
    p->n_pages = 0;
    p->pass = 1;
    start_page(p);
}

bool pdf_again(struct pdf *p)
{
    if (!usable(p) || p->pass != 0)
        return false;
    start_second_pass(p);
    return usable(p);
}

int pdf_pass(const struct pdf *p)
{
    return p ? p->pass : 0;
}

ap_status pdf_close(struct pdf *p)
{
    if (!p)
        return ap_fail(AP_ERR_INVALID, "no document");
    if (usable(p) && p->pass == 0)
        fail(p, AP_ERR_INVALID, "the pages were laid out only once, so their number was not known");
    if (usable(p) && p->n_pages != p->total_pages)
        fail(p, AP_ERR_INVALID, "the pages came out differently the second time they were laid out");
    if (!usable(p)) {
        ap_status st = p->status;
        pdf_discard(p);
        return st;
    }
    lib.cairo_show_page(p->cr);
    cairo_status_t cst = lib.cairo_status(p->cr);
    lib.cairo_destroy(p->cr);
    p->cr = NULL;
    lib.cairo_surface_finish(p->surface);
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = lib.cairo_surface_status(p->surface);
    lib.cairo_surface_destroy(p->surface);
    p->surface = NULL;
    if (outfile_interrupted())
        fail(p, AP_ERR_IO, "stopped");
    else if (cst != CAIRO_STATUS_SUCCESS)
        fail(p, cst == CAIRO_STATUS_WRITE_ERROR ? AP_ERR_IO : AP_ERR_NOMEM, lib.cairo_status_to_string(cst));
    FILE *f = p->f;
    p->f = NULL;
    if (fclose(f) != 0)
        fail(p, AP_ERR_IO, "the disk would not take it");
    if (p->status != AP_OK) {
        ap_status st = p->status;
        pdf_discard(p);
        return st;
    }
    if (p->progress)
        p->progress(p->progress_ctx, 1.0, "Writing the pages");
    p->out_open = false;
    ap_status st = outfile_commit(&p->out);
    free_pages(p);
    free(p);
    return st;
}

/* ------------------------------------------------------------------ */

void pdf_title(struct pdf *p, const char *text)
{
    text_block(p, text, FONT_TITLE, 0, 8);
}

void pdf_heading(struct pdf *p, int level, const char *text)
{
    if (!usable(p))
        return;
    /* a heading keeps company with at least three lines of what follows */
    ensure(p, (level <= 1 ? 60 : 50));
    p->y += level <= 1 ? 8 : 4;
    text_block(p, text, level <= 1 ? FONT_H1 : FONT_H2, level <= 1 ? 0.1 : 0.2, 3);
    if (level <= 1 && usable(p)) {
        if (p->cr) {
            lib.cairo_set_line_width(p->cr, 0.6);
            lib.cairo_move_to(p->cr, p->left, p->y);
            lib.cairo_line_to(p->cr, p->right, p->y);
            lib.cairo_stroke(p->cr);
        }
        p->y += 4;
    }
}

void pdf_paragraph(struct pdf *p, const char *text)
{
    if (!text || !*text)
        text_block(p, "Not recorded.", FONT_ITALIC, 0.35, 5);
    else
        text_block(p, text, FONT_BODY, 0, 5);
}

void pdf_note(struct pdf *p, const char *text)
{
    text_block(p, text, FONT_ITALIC, 0.35, 4);
}

void pdf_space(struct pdf *p, double points)
{
    if (usable(p))
        p->y += points;
}

void pdf_new_page(struct pdf *p)
{
    if (usable(p) && p->y > p->top + 0.5)
        start_page(p);
}

void pdf_field(struct pdf *p, const char *label, const char *value)
{
    if (!usable(p))
        return;
    double label_w = (p->right - p->left) * 0.3;
    double value_w = p->right - p->left - label_w - 8;
    bool empty = !value || !*value;
    PangoLayout *lab = layout(p, label, FONT_BOLD, label_w);
    PangoLayout *val = layout(p, empty ? "Not recorded" : value, empty ? FONT_ITALIC : FONT_BODY, value_w);
    double h = layout_height(val), hl = layout_height(lab);
    if (hl > h)
        h = hl;
    if (h > (p->bottom - p->top) / 2) {
        /* a long value: the label, then the value as a paragraph */
        lib.g_object_unref(lab);
        lib.g_object_unref(val);
        text_block(p, label, FONT_BOLD, 0, 1);
        pdf_paragraph(p, value);
        return;
    }
    ensure(p, h);
    if (usable(p) && p->cr) {
        lib.cairo_move_to(p->cr, p->left, p->y);
        lib.pango_cairo_show_layout(p->cr, lab);
        if (empty)
            lib.cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
        lib.cairo_move_to(p->cr, p->left + label_w + 8, p->y);
        lib.pango_cairo_show_layout(p->cr, val);
        lib.cairo_set_source_rgb(p->cr, 0, 0, 0);
    }
    if (usable(p))
        p->y += h + 3;
    lib.g_object_unref(lab);
    lib.g_object_unref(val);
}

/* ------------------------------------------------------------------ */
/* Tables */

/* Lays out and draws one row of cells at y (the caller made room). */
static double row_height(struct pdf *p, PangoLayout **cells)
{
    double h = 0;
    for (int c = 0; c < p->ncols; c++) {
        double ch = layout_height(cells[c]);
        if (ch > h)
            h = ch;
    }
    return h + 2 * p->pad;
}

static void make_cells(struct pdf *p, const char *const cells[], const char *font, PangoLayout **out)
{
    for (int c = 0; c < p->ncols; c++)
        out[c] = layout(p, cells[c] ? cells[c] : "", font, p->colx[c + 1] - p->colx[c] - 2 * p->pad);
}

static void draw_cells(struct pdf *p, PangoLayout **cells, double h, bool shade)
{
    cairo_t *cr = p->cr;
    if (!cr) { /* the first pass: measured only */
        p->y += h;
        return;
    }
    if (shade) {
        lib.cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        lib.cairo_rectangle(cr, p->left, p->y, p->right - p->left, h);
        lib.cairo_fill(cr);
        lib.cairo_set_source_rgb(cr, 0, 0, 0);
    }
    for (int c = 0; c < p->ncols; c++) {
        lib.cairo_move_to(cr, p->colx[c] + p->pad, p->y + p->pad);
        lib.pango_cairo_show_layout(cr, cells[c]);
    }
    lib.cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    lib.cairo_set_line_width(cr, 0.4);
    lib.cairo_move_to(cr, p->left, p->y + h);
    lib.cairo_line_to(cr, p->right, p->y + h);
    lib.cairo_stroke(cr);
    lib.cairo_set_source_rgb(cr, 0, 0, 0);
    p->y += h;
}

static void draw_table_header(struct pdf *p)
{
    PangoLayout *cells[PDF_MAX_COLS];
    make_cells(p, (const char *const *)p->headers, p->compact ? FONT_TABLE_COMPACT_BOLD : FONT_BOLD, cells);
    double h = row_height(p, cells);
    draw_cells(p, cells, h, true);
    for (int c = 0; c < p->ncols; c++)
        lib.g_object_unref(cells[c]);
}

void pdf_table_begin(struct pdf *p, int ncols, const char *const headers[], const double widths[])
{
    if (!usable(p))
        return;
    if (ncols < 1 || ncols > PDF_MAX_COLS || p->in_table) {
        fail(p, AP_ERR_INVALID, "a table of that shape cannot be laid out");
        return;
    }
    double total = 0;
    for (int c = 0; c < ncols; c++)
        total += widths[c] > 0 ? widths[c] : 1;
    p->ncols = ncols;
    p->colx[0] = p->left;
    for (int c = 0; c < ncols; c++) {
        p->colx[c + 1] = p->colx[c] + (p->right - p->left) * (widths[c] > 0 ? widths[c] : 1) / total;
        free(p->headers[c]);
        p->headers[c] = strdup(headers[c] ? headers[c] : "");
        if (!p->headers[c]) {
            fail(p, AP_ERR_NOMEM, "out of memory");
            return;
        }
    }
    /* the header and a row at least on this page */
    ensure(p, 48);
    if (!usable(p))
        return;
    draw_table_header(p);
    p->in_table = true;
}

void pdf_table_row(struct pdf *p, const char *const cells[], bool bold)
{
    if (!usable(p) || !p->in_table)
        return;
    PangoLayout *ls[PDF_MAX_COLS];
    make_cells(p, cells,
               bold ? (p->compact ? FONT_TABLE_COMPACT_BOLD : FONT_BOLD) : (p->compact ? FONT_TABLE_COMPACT : FONT_BODY),
               ls);
    double h = row_height(p, ls);
    ensure(p, h); /* a new page draws the header again */
    if (usable(p))
        draw_cells(p, ls, h, false);
    for (int c = 0; c < p->ncols; c++)
        lib.g_object_unref(ls[c]);
}

void pdf_table_end(struct pdf *p)
{
    if (!p)
        return;
    p->in_table = false;
    if (usable(p))
        p->y += 6;
}

/* ------------------------------------------------------------------ */

static void rule_with_label(struct pdf *p, const char *label, double x0, double x1, double baseline)
{
    if (!p->cr)
        return;
    PangoLayout *l = layout(p, label, FONT_BODY, 0);
    int w, h;
    lib.pango_layout_get_size(l, &w, &h);
    lib.cairo_move_to(p->cr, x0, baseline - (double)h / PANGO_SCALE);
    lib.pango_cairo_show_layout(p->cr, l);
    lib.cairo_set_line_width(p->cr, 0.5);
    lib.cairo_move_to(p->cr, x0 + (double)w / PANGO_SCALE + 4, baseline);
    lib.cairo_line_to(p->cr, x1, baseline);
    lib.cairo_stroke(p->cr);
    lib.g_object_unref(l);
}

void pdf_signatures(struct pdf *p, const char *const parties[], int n)
{
    double mid = (p->left + p->right) / 2;
    for (int i = 0; i < n; i++) {
        if (!usable(p))
            return;
        ensure(p, 78);
        text_block(p, parties[i], FONT_BOLD, 0, 2);
        if (!usable(p))
            return;
        p->y += 20;
        rule_with_label(p, "Name", p->left, mid - 12, p->y);
        rule_with_label(p, "Role", mid, p->right, p->y);
        p->y += 24;
        rule_with_label(p, "Signature", p->left, mid - 12, p->y);
        rule_with_label(p, "Date", mid, p->right, p->y);
        p->y += 14;
    }
}
