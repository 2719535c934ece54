/* apterm calendar: the local authority's terms and closure days. Every
 * "school day", "session" and "week" in the rules comes from them. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "date.h"

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
static ap_status read_file(const char *path, char **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ap_fail(AP_ERR_IO, "%s: cannot be read", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return ap_fail(AP_ERR_NOMEM, "%s: out of memory reading it", path);
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return ap_fail(AP_ERR_IO, "%s: a read failed", path);
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        return ap_fail(AP_ERR_INVALID, "%s: holds a NUL byte: not a CSV text file", path);
    }
    *out = buf;
    return AP_OK;
}

static int calendar_list(struct cli *cli)
{
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("calendar");
    struct calendar cal;
    if (calendar_load(s, &cal) != AP_OK) {
        store_close(s);
        return fail("calendar");
    }
    for (size_t i = 0; i < cal.nterms; i++) {
        const struct term_info *t = &cal.terms[i];
        char a[11], b[11];
        printf("%s %-6s %s to %s  %3d school days\n", cli_text(t->academic_year), cli_text(t->name), date_format(t->start, a),
               date_format(t->end, b), calendar_school_days_between(&cal, t->start, t->end));
    }
    printf("%zu closure days inside the terms\n", cal.nclosures);
    calendar_free(&cal);
    store_close(s);
    return EXIT_SUCCESS;
}

static int calendar_load_files(struct cli *cli, const char *terms_path, const char *closures_path)
{
    char *terms = NULL, *closures = NULL;
    if (read_file(terms_path, &terms) != AP_OK || read_file(closures_path, &closures) != AP_OK) {
        free(terms);
        return fail("calendar");
    }
    struct store *s = NULL;
    ap_status st = open_store(cli, false, &s);
    if (st == AP_OK)
        st = calendar_replace(s, terms_path, terms, closures_path, closures);
    store_close(s);
    free(terms);
    free(closures);
    if (st != AP_OK)
        return fail("calendar");
    printf("The calendar now holds the terms of %s and the closure days of %s\n", terms_path, closures_path);
    return EXIT_SUCCESS;
}

int cmd_calendar(struct cli *cli, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return calendar_list(cli);
    if (argc == 4 && strcmp(argv[1], "load") == 0)
        return calendar_load_files(cli, argv[2], argv[3]);
    return usage_error("%s", "usage: apterm calendar list | apterm calendar load TERMS.csv CLOSURES.csv");
}
