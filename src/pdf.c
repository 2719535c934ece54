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
#include "outfile.h"

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
    cairo_surface_t **pages;        /* one recording surface per page */
    int n_pages, cap_pages;
    cairo_t *cr;                    /* drawing on the last page */
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
    return g_utf8_make_valid(text ? text : "", -1);
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
        pango_font_description_free(p->fonts[i]);
    p->font_names[i] = font;
    p->fonts[i] = pango_font_description_from_string(font);
    return p->fonts[i];
}

/* A layout in the document's one Pango context (72 dpi, so that a 10 pt
 * font is 10 PDF points high; Pango's default of 96 dpi would print it a
 * third larger; no hinting of metrics, which a PDF does not want). */
static PangoLayout *new_layout(struct pdf *p, const char *font)
{
    PangoLayout *l = pango_layout_new(p->ctx);
    pango_layout_set_font_description(l, font_of(p, font));
    return l;
}

static PangoLayout *layout(struct pdf *p, const char *text, const char *font, double width)
{
    PangoLayout *l = new_layout(p, font);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    char *t = clean(text);
    pango_layout_set_text(l, t, -1);
    g_free(t);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void draw_table_header(struct pdf *p);

static void start_page(struct pdf *p)
{
    if (!usable(p))
        return;
    if (p->n_pages == p->cap_pages) {
        int cap = p->cap_pages ? p->cap_pages * 2 : 16;
        cairo_surface_t **pages = realloc(p->pages, (size_t)cap * sizeof *pages);
        if (!pages) {
            fail(p, AP_ERR_NOMEM, "out of memory");
            return;
        }
        p->pages = pages;
        p->cap_pages = cap;
    }
    cairo_rectangle_t extents = {0, 0, p->w, p->h};
    cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
    if (cairo_surface_status(rec) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(rec);
        fail(p, AP_ERR_NOMEM, "Cairo could not start a page");
        return;
    }
    cairo_t *cr = cairo_create(rec);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(rec);
        fail(p, AP_ERR_NOMEM, "Cairo could not start a page");
        return;
    }
    if (p->cr)
        cairo_destroy(p->cr);
    p->cr = cr;
    p->pages[p->n_pages++] = rec;
    p->y = p->top;
    cairo_set_source_rgb(cr, 0, 0, 0);
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
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        int baseline = pango_layout_iter_get_baseline(it);
        double lh = (double)logical.height / PANGO_SCALE;
        ensure(p, lh);
        if (!usable(p))
            break;
        cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE,
                      p->y + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        p->y += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void text_block(struct pdf *p, const char *text, const char *font, double grey, double after)
{
    if (!usable(p))
        return;
    PangoLayout *l = layout(p, text, font, p->right - p->left);
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    draw_lines(p, l, p->left);
    if (p->cr)
        cairo_set_source_rgb(p->cr, 0, 0, 0);
    g_object_unref(l);
    p->y += after;
}

/* ------------------------------------------------------------------ */

/* Gives back what Pango and fontconfig keep (the font map and its fonts,
 * the font list) when the process ends, so that a leak checker sees nothing
 * left; registered by the first pdf_open. */
static void release_fonts(void)
{
    pango_cairo_font_map_set_default(NULL);
    FcFini();
}

ap_status pdf_open(const char *target, const struct pdf_doc *doc, struct pdf **out)
{
    *out = NULL;
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
    p->ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
    cairo_font_options_t *fo = cairo_font_options_create();
    if (!p->ctx || cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
        cairo_font_options_destroy(fo);
        pdf_discard(p);
        return ap_fail(AP_ERR_NOMEM, "cannot write %s: Pango could not start", target);
    }
    pango_cairo_context_set_resolution(p->ctx, 72.0);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(p->ctx, fo);
    cairo_font_options_destroy(fo);
    start_page(p);
    if (p->status != AP_OK) {
        st = p->status;
        pdf_discard(p);
        return st;
    }
    *out = p;
    return AP_OK;
}

static void free_pages(struct pdf *p)
{
    if (p->cr)
        cairo_destroy(p->cr);
    p->cr = NULL;
    for (int i = 0; i < p->n_pages; i++)
        cairo_surface_destroy(p->pages[i]);
    free(p->pages);
    p->pages = NULL;
    p->n_pages = 0;
    for (int c = 0; c < PDF_MAX_COLS; c++) {
        free(p->headers[c]);
        p->headers[c] = NULL;
    }
    for (int i = 0; i < p->n_fonts; i++)
        pango_font_description_free(p->fonts[i]);
    p->n_fonts = 0;
    if (p->ctx)
        g_object_unref(p->ctx);
    p->ctx = NULL;
}


void pdf_discard(struct pdf *p)
{
    if (!p)
        return;
    if (p->f)
        fclose(p->f);
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
    return fwrite(data, 1, length, p->f) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* One line of band text: left, centred or right aligned at baseline y. */
static void band_text(struct pdf *p, cairo_t *cr, const char *text, const char *font, int align, double y)
{
    PangoLayout *l = new_layout(p, font);
    char *t = clean(text);
    pango_layout_set_text(l, t, -1);
    g_free(t);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    double x = align < 0 ? p->left : align == 0 ? (p->w - (double)w / PANGO_SCALE) / 2 : p->right - (double)w / PANGO_SCALE;
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
}

/* The header: the marking and the organisation, the title below; the
 * footer: the marking and "Page n of N", the organisation and the date
 * below. Two lines each, so that a long title or name never runs into the
 * marking. */
static void draw_bands(struct pdf *p, cairo_t *cr, int page)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    double head = MARGIN - 6;
    band_text(p, cr, PDF_MARKING, FONT_BAND_BOLD, -1, head);
    band_text(p, cr, p->organisation, FONT_BAND, 1, head);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    band_text(p, cr, p->title, FONT_BAND, -1, head + 13);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, p->left, head + 28);
    cairo_line_to(cr, p->right, head + 28);
    cairo_stroke(cr);
    double foot = p->h - MARGIN - 20;
    cairo_move_to(cr, p->left, foot - 4);
    cairo_line_to(cr, p->right, foot - 4);
    cairo_stroke(cr);
    char below[320], right[48];
    snprintf(below, sizeof below, "%s \xe2\x80\x93 produced %s", p->organisation, p->produced);
    snprintf(right, sizeof right, "Page %d of %d", page + 1, p->n_pages);
    band_text(p, cr, PDF_MARKING, FONT_BAND_BOLD, -1, foot);
    band_text(p, cr, right, FONT_BAND, 1, foot);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    band_text(p, cr, below, FONT_BAND, -1, foot + 13);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

ap_status pdf_close(struct pdf *p)
{
    if (!p)
        return ap_fail(AP_ERR_INVALID, "no document");
    if (!usable(p)) {
        ap_status st = p->status;
        pdf_discard(p);
        return st;
    }
    p->f = outfile_stream(&p->out);
    if (!p->f) {
        p->status = AP_ERR_IO; /* outfile_stream recorded why */
        pdf_discard(p);
        return AP_ERR_IO;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_out, p, p->w, p->h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        fail(p, AP_ERR_NOMEM, "Cairo could not start the PDF");
        pdf_discard(p);
        return AP_ERR_NOMEM;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, p->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, p->author);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, PDF_MARKING);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, PDF_MARKING);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "apterm");
    cairo_t *cr = cairo_create(surface);
    for (int i = 0; i < p->n_pages && cairo_status(cr) == CAIRO_STATUS_SUCCESS; i++) {
        if (outfile_interrupted())
            break;
        if (p->progress && i % 25 == 0)
            p->progress(p->progress_ctx, 0.9 + 0.1 * i / p->n_pages, "Writing the pages");
        cairo_set_source_surface(cr, p->pages[i], 0, 0);
        cairo_paint(cr);
        draw_bands(p, cr, i);
        cairo_show_page(cr);
    }
    if (p->progress && !outfile_interrupted())
        p->progress(p->progress_ctx, 1.0, "Writing the pages");
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (outfile_interrupted())
        fail(p, AP_ERR_IO, "stopped");
    else if (cst != CAIRO_STATUS_SUCCESS)
        fail(p, cst == CAIRO_STATUS_WRITE_ERROR ? AP_ERR_IO : AP_ERR_NOMEM, cairo_status_to_string(cst));
    FILE *f = p->f;
    p->f = NULL;
    if (fclose(f) != 0)
        fail(p, AP_ERR_IO, "the disk would not take it");
    if (p->status != AP_OK) {
        ap_status st = p->status;
        pdf_discard(p);
        return st;
    }
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
        cairo_set_line_width(p->cr, 0.6);
        cairo_move_to(p->cr, p->left, p->y);
        cairo_line_to(p->cr, p->right, p->y);
        cairo_stroke(p->cr);
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
        g_object_unref(lab);
        g_object_unref(val);
        text_block(p, label, FONT_BOLD, 0, 1);
        pdf_paragraph(p, value);
        return;
    }
    ensure(p, h);
    if (usable(p)) {
        cairo_move_to(p->cr, p->left, p->y);
        pango_cairo_show_layout(p->cr, lab);
        if (empty)
            cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
        cairo_move_to(p->cr, p->left + label_w + 8, p->y);
        pango_cairo_show_layout(p->cr, val);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        p->y += h + 3;
    }
    g_object_unref(lab);
    g_object_unref(val);
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
    if (shade) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_rectangle(cr, p->left, p->y, p->right - p->left, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    for (int c = 0; c < p->ncols; c++) {
        cairo_move_to(cr, p->colx[c] + p->pad, p->y + p->pad);
        pango_cairo_show_layout(cr, cells[c]);
    }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, p->left, p->y + h);
    cairo_line_to(cr, p->right, p->y + h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    p->y += h;
}

static void draw_table_header(struct pdf *p)
{
    PangoLayout *cells[PDF_MAX_COLS];
    make_cells(p, (const char *const *)p->headers, p->compact ? FONT_TABLE_COMPACT_BOLD : FONT_BOLD, cells);
    double h = row_height(p, cells);
    draw_cells(p, cells, h, true);
    for (int c = 0; c < p->ncols; c++)
        g_object_unref(cells[c]);
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
        g_object_unref(ls[c]);
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
    PangoLayout *l = layout(p, label, FONT_BODY, 0);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    cairo_move_to(p->cr, x0, baseline - (double)h / PANGO_SCALE);
    pango_cairo_show_layout(p->cr, l);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, x0 + (double)w / PANGO_SCALE + 4, baseline);
    cairo_line_to(p->cr, x1, baseline);
    cairo_stroke(p->cr);
    g_object_unref(l);
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
