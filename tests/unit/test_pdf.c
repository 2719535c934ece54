/* src/pdf.c on real files in a temporary folder: pages as laid out, the
 * file written whole (mode 0600) or not at all, laid out twice (the first
 * pass counts the pages, the second writes them and must agree), and text that is not valid
 * UTF-8 or looks like markup printed as itself without a crash. The text of
 * the pages is read back with poppler-utils in tests/export/test_print.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "pdf.h"
#include "unit.h"

static const struct pdf_doc DOC = {.title = "PSP: Siân Ŵyn", .organisation = "Cyngor & Co", .author = "test"};

/* The tests' document, dated 4 March 2026, portrait or landscape; target
 * (len bytes) gets the file name in the fixture's folder. */
static struct pdf_doc doc_in(const struct unit_fixture *f, const char *name, bool landscape, char *target, size_t len)
{
    snprintf(target, len, "%s/%s", f->dir, name);
    struct pdf_doc doc = DOC;
    doc.today = date_from_ymd(2026, 3, 4);
    doc.landscape = landscape;
    return doc;
}

/* The same, opened (pdf_open) into *doc. */
static struct pdf *open_in(const struct unit_fixture *f, const char *name, bool landscape, struct pdf_doc *doc,
                           char *target, size_t len)
{
    *doc = doc_in(f, name, landscape, target, len);
    struct pdf *p = NULL;
    assert_int_equal(pdf_open(target, doc, &p), AP_OK);
    return p;
}

/* Entries of the folder (not . and ..). */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    fseek(in, 0, SEEK_END);
    long n = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, in) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(in);
    if (buf)
        buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* Page objects in the file ("/Type /Page", not "/Type /Pages"). */
static int page_objects(const char *buf, size_t len)
{
    int n = 0;
    for (size_t i = 0; i + 12 <= len; i++)
        n += memcmp(buf + i, "/Type /Page", 11) == 0 && buf[i + 11] != 's';
    return n;
}

/* The size of the temporary file the document is being written to. */
static long temp_size(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    long size = -1;
    char path[PATH_MAX];
    while (d && (e = readdir(d))) {
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".apterm-") && stat(path, &sb) == 0)
            size = (long)sb.st_size;
    }
    if (d)
        closedir(d);
    return size;
}

/* A title, a table of n pupils and two signature blocks. */
static void long_sheet(struct pdf *p, int n)
{
    pdf_title(p, "Tracking meeting");
    pdf_heading(p, 1, "The pupils");
    pdf_field(p, "Week", "02/03/2026");
    static const char *const headers[] = {"Pupil", "Attendance", "Actions"};
    static const double widths[] = {2, 1, 3};
    pdf_table_begin(p, 3, headers, widths);
    for (int i = 0; i < n; i++) {
        char name[40];
        snprintf(name, sizeof name, "Pupil %d Llŷr", i);
        const char *cells[] = {name, "95.0%", i % 7 ? NULL : "Ring the school\nand the parent"};
        pdf_table_row(p, cells, false);
    }
    pdf_table_end(p);
    static const char *const parties[] = {"The lead", "The officer"};
    pdf_signatures(p, parties, 2);
}

static void test_pdf_long_table_runs_over_pages(void **state)
{
    struct unit_fixture *f = *state;
    char target[192];
    struct pdf_doc doc;
    struct pdf *p = open_in(f, "sheet.pdf", true, &doc, target, sizeof target);
    assert_int_equal(pdf_pages(p), 1);
    int pages[2] = {0, 0}, passes = 0;
    do {
        assert_int_equal(pdf_pass(p), passes);
        long_sheet(p, 300);
        pages[passes++] = pdf_pages(p);
    } while (pdf_again(p));
    assert_int_equal(passes, 2);
    assert_true(pages[0] > 5);
    assert_int_equal(pages[1], pages[0]);
    assert_int_equal(pdf_close(p), AP_OK);
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(entries(f->dir), 1); /* no temporary file left */
    size_t len;
    char *buf = slurp(target, &len);
    assert_non_null(buf);
    assert_memory_equal(buf, "%PDF-", 5);
    assert_int_equal(page_objects(buf, len), pages[0]);
    free(buf);
}

/* The page count is known only from a first pass: a document laid out once,
 * or whose second pass comes to more or fewer pages than the first (so that
 * "Page n of N" would be wrong), is refused and nothing is written. */
static void test_pdf_needs_two_passes_that_agree(void **state)
{
    struct unit_fixture *f = *state;
    char target[192];
    struct pdf_doc doc;

    /* Once only. */
    struct pdf *p = open_in(f, "sheet.pdf", true, &doc, target, sizeof target);
    long_sheet(p, 100);
    unit_refused(pdf_close(p), "sheet.pdf");
    assert_int_equal(entries(f->dir), 0);

    /* A second pass with more rows, then one with fewer. */
    for (int more = 0; more < 2; more++) {
        assert_int_equal(pdf_open(target, &doc, &p), AP_OK);
        int passes = 0;
        do
            long_sheet(p, passes++ == 0 ? 100 : more ? 160 : 40);
        while (pdf_again(p));
        assert_int_equal(passes, 2);
        unit_refused(pdf_close(p), "differently");
        assert_int_equal(entries(f->dir), 0);
    }

    /* The same rows twice: written, a page object for each page counted.
     * The pages go to the file as the second pass lays them out: the
     * temporary file grows before pdf_close (pages held in memory until the
     * end, as they once were, would leave it empty). */
    assert_int_equal(pdf_open(target, &doc, &p), AP_OK);
    int pages = 0;
    long before = -1, after = -1;
    do {
        if (pdf_pass(p) == 1)
            before = temp_size(f->dir);
        long_sheet(p, 300);
        pages = pdf_pages(p);
    } while (pdf_again(p));
    after = temp_size(f->dir);
    assert_true(before >= 0);
    assert_true(after > before);
    assert_int_equal(pdf_close(p), AP_OK);
    size_t len;
    char *buf = slurp(target, &len);
    assert_non_null(buf);
    assert_int_equal(page_objects(buf, len), pages);
    free(buf);
}

static void test_pdf_discard_and_failed_finish_leave_the_target(void **state)
{
    struct unit_fixture *f = *state;
    char target[192], tmp[PATH_MAX];
    struct pdf_doc doc = doc_in(f, "psp.pdf", false, target, sizeof target);
    unit_write_file(target, "the earlier PSP\n");
    struct pdf *p = NULL;

    /* Abandoned: nothing written, no temporary file. */
    assert_int_equal(pdf_open(target, &doc, &p), AP_OK);
    pdf_paragraph(p, "Reason");
    pdf_discard(p);
    assert_int_equal(entries(f->dir), 1);

    /* The rename cannot happen (a folder has taken the temporary name): the
     * target is left as it was and the message names it. */
    assert_int_equal(pdf_open(target, &doc, &p), AP_OK);
    do
        pdf_paragraph(p, "Reason");
    while (pdf_again(p));
    DIR *d = opendir(f->dir);
    struct dirent *e;
    tmp[0] = '\0';
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".psp.pdf.apterm-"))
            snprintf(tmp, sizeof tmp, "%s/%s", f->dir, e->d_name);
    closedir(d);
    assert_true(tmp[0] != '\0');
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(mkdir(tmp, 0700), 0);
    assert_int_not_equal(pdf_close(p), AP_OK);
    assert_non_null(strstr(ap_error_detail(), "psp.pdf"));
    unit_expect_file(target, "the earlier PSP\n");
    rmdir(tmp);

    /* A missing folder is refused at the start. */
    char missing[220];
    snprintf(missing, sizeof missing, "%s/no/such/folder/p.pdf", f->dir);
    assert_int_not_equal(pdf_open(missing, &doc, &p), AP_OK);
    assert_null(p);
    assert_non_null(strstr(ap_error_detail(), "no/such/folder"));
}

static void test_pdf_odd_text_prints_as_itself(void **state)
{
    struct unit_fixture *f = *state;
    char target[192];
    struct pdf_doc doc;
    struct pdf *p = open_in(f, "odd.pdf", false, &doc, target, sizeof target);
    static const char *const h[] = {"Only"};
    static const double w[] = {1};
    do {
        pdf_heading(p, 1, "<b>not bold</b> & <i>");
        pdf_paragraph(p, "a stray byte \xff\xfe in the middle");
        pdf_paragraph(p, NULL); /* "Not recorded." */
        pdf_field(p, "Empty", "");
        pdf_table_begin(p, 1, h, w);
        const char *row[] = {"\xc3"}; /* a cut character */
        pdf_table_row(p, row, true);
        pdf_table_end(p);
    } while (pdf_again(p));
    assert_int_equal(pdf_close(p), AP_OK);

    /* A table the layout cannot make: refused, nothing written. */
    snprintf(target, sizeof target, "%s/bad.pdf", f->dir);
    assert_int_equal(pdf_open(target, &doc, &p), AP_OK);
    pdf_table_begin(p, PDF_MAX_COLS + 1, h, w);
    assert_false(pdf_again(p));
    assert_int_equal(pdf_close(p), AP_ERR_INVALID);
    struct stat sb;
    assert_int_equal(stat(target, &sb), -1);
    assert_int_equal(entries(f->dir), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_pdf_long_table_runs_over_pages, unit_setup_dir),
        UNIT_TEST(test_pdf_needs_two_passes_that_agree, unit_setup_dir),
        UNIT_TEST(test_pdf_discard_and_failed_finish_leave_the_target, unit_setup_dir),
        UNIT_TEST(test_pdf_odd_text_prints_as_itself, unit_setup_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
