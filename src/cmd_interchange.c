/* apterm import ... and apterm export pupils|contacts|providers|placements:
 * the command line over src/interchange.h. */

#include <ctype.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "backup.h"
#include "census.h"
#include "cli.h"
#include "csv.h"
#include "ctf.h"
#include "date.h"
#include "export_subject.h"
#include "interchange.h"
#include "outfile.h"
#include "retention.h"

int cmd_import(struct cli *cli, int argc, char **argv)
{
    bool dry_run = false;
    const struct cli_opt opts[] = {{"dry-run", NULL, &dry_run}, {NULL, NULL, NULL}};
    int rc = cli_options("import", argc, argv, opts, -1);
    if (rc)
        return rc;
    if (argc - optind != 2)
        return usage_error("%s", "import needs what and a file: apterm import pupils|contacts|providers|placements "
                                 "FILE.csv [--dry-run]");
    enum ix_kind kind = IX_PUPILS;
    const char *what = argv[optind], *path = argv[optind + 1];
    bool ctf = strcmp(what, "ctf") == 0;
    if (!ctf && !ix_kind_parse(what, &kind))
        return usage_error("import: unknown kind \"%s\" (expected pupils, contacts, providers, placements or ctf)",
                           what);
    char *text = NULL;
    if (csv_read_file(path, &text) != AP_OK)
        return fail("import");
    /* As the TUI does, the first import makes a new store (its maker is its
     * admin): that is how a team starts on its real data. */
    struct store *s = NULL;
    if (open_store(cli, true, &s) != AP_OK) {
        free(text);
        return fail("import");
    }
    struct ix_result res;
    ap_status st = ctf ? ctf_import(s, path, path, text, strlen(text), dry_run, date_today(), stdout, stderr, &res)
                       : ix_import(s, kind, path, path, text, dry_run, date_today(), stdout, stderr, &res);
    free(text);
    store_close(s);
    if (st != AP_OK)
        return fail("import");
    return EXIT_SUCCESS;
}

/* A table export, for write_table_csv: what it writes and what it counts. */
struct table_csv {
    struct store *s;
    enum ix_kind kind;
    long rows, pupils;
};

static ap_status write_table_csv(void *ctx, FILE *f)
{
    struct table_csv *t = ctx;
    return ix_export(t->s, t->kind, f, &t->rows, &t->pupils);
}

int cmd_export_table(struct cli *cli, int argc, char **argv)
{
    enum ix_kind kind;
    if (!ix_kind_parse(argv[1], &kind))
        return usage_error("export: unknown export \"%s\"", argv[1]);
    const char *out = NULL;
    const struct cli_opt opts[] = {{"out", &out, NULL}, {NULL, NULL, NULL}};
    char what[32];
    snprintf(what, sizeof what, "export %s", ix_kind_name(kind));
    int rc = cli_options(what, argc - 1, argv + 1, opts, 0);
    if (rc)
        return rc;
    if (!out || !*out)
        return usage_error("export %s needs --out FILE.csv", ix_kind_name(kind));
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("export");
    struct table_csv t = {s, kind, 0, 0};
    ap_status st = outfile_write(out, write_table_csv, &t);
    if (st == AP_OK)
        st = audit_export(s, ix_kind_name(kind), out, t.pupils, NULL);
    store_close(s);
    if (st != AP_OK)
        return fail("export");
    printf("Wrote %ld %s to %s\n", t.rows, ix_kind_name(kind), out);
    return EXIT_SUCCESS;
}

/* ---- backup and restore ---- */

/* The folder of path ("." when it has none), into out. */
static void folder_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int cmd_backup(struct cli *cli, int argc, char **argv)
{
    const char *to = NULL;
    const struct cli_opt opts[] = {{"to", &to, NULL}, {NULL, NULL, NULL}};
    int rc = cli_options("backup", argc, argv, opts, 0);
    if (rc)
        return rc;
    if (to && !*to)
        return usage_error("%s", "--to needs a folder");
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("backup");
    char dir[PATH_MAX];
    if (to)
        snprintf(dir, sizeof dir, "%s", to);
    else {
        char folder[PATH_MAX];
        folder_of(store_path(s), folder, sizeof folder);
        snprintf(dir, sizeof dir, "%.*s/backups", (int)(sizeof dir - 9), folder);
    }
    struct backup_info info;
    ap_status st = backup_make(s, dir, cli->cfg.backup_keep, &info);
    store_close(s);
    if (st != AP_OK)
        return fail("backup");
    printf("Backed up the store to %s: checked (integrity ok, %d tables, %lld rows, the same as the store)\n",
           cli_text(info.file), info.tables, (long long)info.rows);
    if (info.removed)
        printf("Removed %d older backup%s: the last %d are kept ([backup] keep)\n", info.removed,
               info.removed == 1 ? "" : "s", cli->cfg.backup_keep);
    return EXIT_SUCCESS;
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    int rc = cli_options("restore", argc, argv, opts, -1);
    if (rc)
        return rc;
    if (argc - optind != 1 || !*argv[optind])
        return usage_error("%s", "restore needs the backup file: apterm restore FILE");
    const char *file = argv[optind];
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("restore");
    char aside_dir[PATH_MAX];
    folder_of(file, aside_dir, sizeof aside_dir);
    struct backup_info aside;
    ap_status st = backup_restore(s, file, aside_dir, &aside);
    store_close(s);
    if (st != AP_OK)
        return fail("restore");
    /* Opened again: a backup from an older apterm is upgraded now. */
    if (open_store(cli, false, &s) != AP_OK)
        return fail("restore: the store was restored but cannot be opened again");
    st = backup_audit_restore(s, file, aside.file);
    store_close(s);
    if (st != AP_OK)
        return fail("restore: the store was restored but the audit row could not be written");
    printf("Restored the store from %s; the store as it was is kept in %s\n", cli_text(file), cli_text(aside.file));
    return EXIT_SUCCESS;
}

/* ---- export pupil UPN --out FILE.xlsx (subject access) ---- */

int cmd_export_pupil(struct cli *cli, int argc, char **argv)
{
    const char *out = NULL;
    const struct cli_opt opts[] = {{"out", &out, NULL}, {NULL, NULL, NULL}};
    argc--;
    argv++;
    int rc = cli_options("export pupil", argc, argv, opts, -1);
    if (rc)
        return rc;
    if (argc - optind != 1)
        return usage_error("%s", "export pupil needs the pupil's UPN: apterm export pupil UPN --out FILE.xlsx");
    if (!out || !*out)
        return usage_error("%s", "export pupil needs --out FILE.xlsx");
    char upn[16];
    size_t n = 0;
    for (const char *p = argv[optind]; *p && n + 1 < sizeof upn; p++)
        if (*p != ' ')
            upn[n++] = (char)toupper((unsigned char)*p);
    upn[n] = '\0';
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("export");
    long rows = 0;
    ap_status st = export_subject(s, upn, out, cli->cfg.organisation, date_today(), &rows);
    store_close(s);
    if (st != AP_OK)
        return fail("export");
    printf("Wrote everything held about pupil %s (%ld rows) to %s\n", upn, rows, cli_text(out));
    return EXIT_SUCCESS;
}

/* ---- retention ---- */

int cmd_retention(struct cli *cli, int argc, char **argv)
{
    bool apply = false, dry = false;
    const struct cli_opt opts[] = {{"dry-run", NULL, &dry}, {"apply", NULL, &apply}, {NULL, NULL, NULL}};
    int rc = cli_options("retention", argc, argv, opts, 0);
    if (rc)
        return rc;
    if (apply && dry)
        return usage_error("%s", "retention takes --dry-run or --apply, not both");
    int years = cli->cfg.retention_years, today = date_today();
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("retention");
    struct retention_item *items = NULL;
    size_t n = 0;
    ap_status st = retention_due(s, years, today, &items, &n);
    if (st != AP_OK) {
        store_close(s);
        return fail("retention");
    }
    char d[11];
    for (size_t i = 0; i < n; i++)
        printf("%s  %s  last placement ended %s\n", items[i].upn, cli_text(items[i].name),
               date_format(items[i].last_end, d));
    printf("%zu pupil%s whose last placement ended more than %d years ago ([retention] years)%s\n", n,
           n == 1 ? "" : "s", years, apply || !n ? "" : ": apterm retention --apply erases them");
    rc = EXIT_SUCCESS;
    if (apply && n) {
        printf("Erase %s %zu pupil%s and everything about them, keeping only anonymised counts? "
               "This cannot be undone. Type yes to erase: ", n == 1 ? "this" : "these", n, n == 1 ? "" : "s");
        fflush(stdout);
        char answer[16] = "";
        if (!fgets(answer, sizeof answer, stdin) || strcmp(answer, "yes\n") != 0) {
            printf("\nNothing was erased.\n");
            rc = EXIT_FAILURE;
        } else {
            size_t erased = 0;
            st = retention_erase(s, years, today, items, n, &erased);
            if (st != AP_OK)
                rc = fail("retention");
            else
                printf("Erased %zu pupil%s; their attendance is kept as anonymised counts\n", erased,
                       erased == 1 ? "" : "s");
        }
    }
    free(items);
    store_close(s);
    return rc;
}

/* ---- export census --date D --out FILE.csv (England) ---- */

struct census_out {
    struct store *s;
    int date;
    const char *out;
    long rows, pupils, incomplete;
    FILE *f;
    long line;
    bool failed;
    struct {
        const char *item;
        long rows;
    } items[6];
    FILE *notes;                    /* per-row notes for what the officer can fix in apterm */
};

static ap_status census_row(void *ctx, const char *const *v)
{
    struct census_out *o = ctx;
    o->line++;
    for (size_t c = 0; c < CENSUS_COLUMNS; c++)
        if (!csv_write_field(o->f, v[c], c + 1 == CENSUS_COLUMNS))
            o->failed = true;
    const char *unknown = v[CENSUS_COLUMNS - 1];
    for (size_t i = 0; i < sizeof o->items / sizeof o->items[0] && o->items[i].item; i++)
        if (strstr(unknown, o->items[i].item))
            o->items[i].rows++;
    if (strstr(unknown, "setting_type") || strstr(unknown, "sex"))
        fprintf(o->notes, "  line %ld: %s (%s %s) at %s: %s%s%s\n", o->line, v[0], cli_text(v[3]), cli_text(v[2]),
                cli_text(v[16]), strstr(unknown, "setting_type") ? "no URN, UKPRN or setting type" : "",
                strstr(unknown, "setting_type") && strstr(unknown, "sex") ? "; " : "",
                strstr(unknown, "sex") ? "sex not recorded" : "");
    return o->failed ? ap_fail(AP_ERR_IO, "writing the file failed") : AP_OK;
}

/* The census file: its header line, then a line a placement (census_row). */
static ap_status write_census(void *ctx, FILE *f)
{
    struct census_out *o = ctx;
    o->f = f;
    for (size_t i = 0; i < CENSUS_COLUMNS; i++)
        if (!csv_write_field(f, CENSUS_HEADER[i], i + 1 == CENSUS_COLUMNS))
            return ap_fail(AP_ERR_IO, "writing %s failed", o->out);
    o->line = 1;
    return census_rows(o->s, o->date, census_row, o, &o->rows, &o->pupils, &o->incomplete);
}

int cmd_export_census(struct cli *cli, int argc, char **argv)
{
    const char *out = NULL, *date_text = NULL;
    const struct cli_opt opts[] = {{"date", &date_text, NULL}, {"out", &out, NULL}, {NULL, NULL, NULL}};
    int rc = cli_options("export census", argc - 1, argv + 1, opts, 0);
    if (rc)
        return rc;
    int date;
    if (!date_text || !out || !*out)
        return usage_error("%s", "export census needs --date YYYY-MM-DD (the census day) and --out FILE.csv");
    if (!date_parse_iso(date_text, &date))
        return usage_error("--date \"%s\": expected a date, YYYY-MM-DD", date_text);
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("export");
    struct census_out o = {.s = s, .date = date, .out = out,
                           .items = {{"uln", 0}, {"ethnicity", 0}, {"reason", 0}, {"setting_type", 0}, {"sex", 0}}};
    char *notes = NULL;
    size_t notes_len = 0;
    o.notes = open_memstream(&notes, &notes_len);
    ap_status st = o.notes ? outfile_write(out, write_census, &o) : ap_fail(AP_ERR_NOMEM, "out of memory");
    long rows = o.rows, pupils = o.pupils, incomplete = o.incomplete;
    if (st == AP_OK)
        st = audit_export(s, "census", out, pupils, date_text);
    store_close(s);
    if (o.notes)
        fclose(o.notes);
    if (st != AP_OK) {
        free(notes);
        return fail("export census");
    }
    printf("Wrote %ld placement%s of %ld pupil%s open on %s to %s\n", rows, rows == 1 ? "" : "s", pupils,
           pupils == 1 ? "" : "s", date_text, cli_text(out));
    if (incomplete) {
        printf("%ld row%s with items not recorded yet, empty in the file and named in its unknown column; record "
               "them (on the pupil: uln, ethnicity; on the placement: setting_type, census_reason; apterm import "
               "pupils or placements takes them) before the return:\n",
               incomplete, incomplete == 1 ? "" : "s");
        for (size_t i = 0; i < sizeof o.items / sizeof o.items[0] && o.items[i].item; i++)
            if (o.items[i].rows)
                printf("  %s: %ld row%s\n", o.items[i].item, o.items[i].rows, o.items[i].rows == 1 ? "" : "s");
        if (notes && *notes)
            printf("Rows to complete in apterm (the provider's URN or UKPRN or the placement's setting type, or the "
                   "pupil's sex):\n%s", notes);
    } else if (rows)
        printf("Every row is complete.\n");
    free(notes);
    return EXIT_SUCCESS;
}
