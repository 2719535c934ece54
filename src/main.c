/* apterm: the command line. Arguments are parsed, and every subcommand runs,
 * before curses starts; with no subcommand the TUI opens on the store. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "csv.h"
#include "date.h"
#include "flags.h"
#include "cli.h"
#include "config.h"
#include "labels.h"
#include "demo.h"
#include "export_dmt.h"
#include "export_panel.h"
#include "marks.h"
#include "money.h"
#include "outfile.h"
#include "privilege.h"
#include "pupil.h"
#include "qa.h"
#include "roll.h"
#include "status.h"
#include "store.h"
#include "ui.h"
#include "utf8.h"

#define APTERM_VERSION "0.1.0"


typedef int (*command_fn)(struct cli *cli, int argc, char **argv);

struct command {
    const char *name;
    const char *usage;
    const char *help;
    command_fn run;
};

static int cmd_demo(struct cli *cli, int argc, char **argv);
static int cmd_check(struct cli *cli, int argc, char **argv);
static int cmd_user(struct cli *cli, int argc, char **argv);
static int cmd_mark(struct cli *cli, int argc, char **argv);
static int cmd_export(struct cli *cli, int argc, char **argv);
static int cmd_templates(struct cli *cli, int argc, char **argv);

static const struct command commands[] = {
    {"demo", "demo --db PATH [--pupils N] [--weeks N] [--seed S]",
     "make a new store filled with fictional, realistic demo data", cmd_demo},
    {"check", "check [--db PATH]", "print every red and amber flag, one per line; exit 1 if any is red, 3 if it cannot run", cmd_check},
    {"user", "user add LOGIN ROLE | user list [--db PATH]",
     "add a login with a role (admin, officer, lead, viewer), or list the users", cmd_user},
    {"mark",
     "mark --date YYYY-MM-DD --session am|pm --upn UPN --code C [--note TEXT]\n"
     "              [--source phone|email|portal|call|officer] [--replace] [--db PATH]\n"
     "  apterm mark --file MARKS.csv [--replace] [--db PATH]",
     "record an attendance mark, or a CSV file of marks in one go (all or nothing)", cmd_mark},
    {"calendar", "calendar list | calendar load TERMS.csv CLOSURES.csv [--db PATH]",
     "list the terms and closure days, or replace them from two CSV files (all or nothing)", cmd_calendar},
    {"close-register", "close-register [--db PATH]",
     "close today's AM/PM register once its close time has passed (for cron; any command does it too)",
     cmd_close_register},
    {"export",
     "export marks --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.csv [--db PATH]\n"
     "  apterm export panel --out FILE.xlsx [--panel-date YYYY-MM-DD] [--db PATH]\n"
     "  apterm export dmt --out FILE.xlsx --from YYYY-MM-DD --to YYYY-MM-DD [--db PATH]\n"
     "  apterm export pupils|contacts|providers|placements --out FILE.csv [--db PATH]\n"
     "  apterm export pupil UPN --out FILE.xlsx [--db PATH]\n"
     "  apterm export census --date YYYY-MM-DD --out FILE.csv [--db PATH]",
     "write marks as CSV for the school MIS; the Inclusion Panel pack or the DMT report as .xlsx; a table as CSV; "
     "everything about one pupil (subject access); England's AP census",
     cmd_export},
    {"import", "import pupils|contacts|providers|placements FILE.csv [--dry-run] [--db PATH]\n"
     "  apterm import ctf FILE.xml [--dry-run] [--db PATH]",
     "add and change records from a CSV file or a school's CTF (all or nothing; --dry-run shows what would change)",
     cmd_import},
    {"backup", "backup [--to DIR] [--db PATH]",
     "copy the store, checked, to a dated file (admins; keeps the last [backup] keep)", cmd_backup},
    {"retention", "retention [--dry-run|--apply] [--db PATH]",
     "list (and with --apply, after asking, erase) pupils past the [retention] years", cmd_retention},
    {"restore", "restore FILE [--db PATH]",
     "replace the store by a checked backup, keeping the current store aside (admins)", cmd_restore},
    {"print",
     "print psp UPN --out FILE.pdf [--db PATH]\n"
     "  apterm print visit ID --out FILE.pdf [--db PATH]\n"
     "  apterm print tracking --week YYYY-MM-DD --out FILE.pdf [--db PATH]",
     "a pupil's PSP, a closed QA visit's report or a week's tracking sheet as PDF, to print and sign", cmd_print},
    {"templates", "templates list | templates load FILE.csv [--db PATH]",
     "list the QA checklists, or load an edited one as its new revision", cmd_templates},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: apterm [--db PATH] [--config FILE]       open the store in the terminal\n"
            "       apterm COMMAND [OPTIONS]\n\n"
            "Commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  apterm %s\n", commands[i].usage);
    fprintf(out,
            "\nOptions for every command:\n"
            "  --db PATH       the store file (default: [store] path in apterm.ini)\n"
            "  --config FILE   the configuration file (default: see README)\n"
            "  --help          this help\n"
            "  --version       the version of apterm\n"
            "\nExit status, for every command:\n"
            "  0  done\n"
            "  1  failed, with a message on stderr (for check: a flag is red)\n"
            "  2  a wrong command, option or value, or a bad apterm.ini: nothing was done\n"
            "  3  check could not run (the store could not be opened or read)\n");
}

int fail(const char *what)
{
    fprintf(stderr, "apterm: %s%s%s\n", what ? what : "", what ? ": " : "", cli_text(ap_error_detail()));
    return EXIT_FAILURE;
}

const char *cli_text(const char *text)
{
    static char copies[8][2048];
    static unsigned next;
    char *out = copies[next++ % 8];
    return utf8_printable(out, sizeof copies[0], text);
}

int usage_error(const char *fmt, ...)
{
    va_list ap;
    char message[1024];
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "apterm: %s\n\n", cli_text(message));
    usage(stderr);
    return EXIT_USAGE;
}

int fail_unwritten(const char *what, ap_status st)
{
    const char *detail = cli_text(ap_error_detail());
    fprintf(stderr, "apterm: %s: %s%s\n", what, detail,
            strstr(detail, "nothing was written") || strstr(detail, "left as it was") ? "" : "; nothing was written");
    return st == AP_ERR_INVALID ? EXIT_USAGE : EXIT_FAILURE;
}

int cli_options(const char *what, int argc, char **argv, const struct cli_opt *opts, int max_args)
{
    enum { FIRST = 256 }; /* getopt_long's own answers ('?', ':') stay below */
    int n = 0;
    while (opts[n].name)
        n++;
    struct option *longs = calloc((size_t)n + 1, sizeof *longs); /* the last stays all zero */
    if (!longs) {
        fprintf(stderr, "apterm: %s: out of memory\n", what);
        return EXIT_FAILURE;
    }
    for (int k = 0; k < n; k++)
        longs[k] = (struct option){opts[k].name, opts[k].value ? required_argument : no_argument, NULL, FIRST + k};
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (c < FIRST || c >= FIRST + n) {
            free(longs);
            return usage_error("unknown option for %s", what);
        }
        const struct cli_opt *o = &opts[c - FIRST];
        if (o->value)
            *o->value = optarg;
        else
            *o->on = true;
    }
    free(longs);
    if (max_args >= 0 && argc - optind > max_args)
        return usage_error("%s: unexpected argument \"%s\"", what, argv[optind + max_args]);
    return 0;
}

/* Parses a whole positive number for an option; false on anything else. */
static bool parse_count(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static const char *store_path_of(const struct cli *cli)
{
    return cli->db ? cli->db : cli->cfg.store_path;
}

ap_status open_store(struct cli *cli, bool create, struct store **out)
{
    /* Children's data: nothing apterm creates (the store, its -wal and -shm
     * files, exports) may be readable by others, and a shared store's files
     * must be group-writable from the moment they exist, or a second login
     * opening them while SQLite is still setting their mode gets a
     * read-only connection. */
    umask(cli->cfg.store_group[0] ? 007 : 077);
    if (privilege_installed() && getuid() != 0)
        create = false; /* the team's store is made by root: sudo apterm user add LOGIN admin */
    struct store_options opt = {
        .path = store_path_of(cli),
        .code_set = config_region_name(cli->cfg.region),
        .group = cli->cfg.store_group,
        .create = create,
    };
    ap_status st = privilege_open_begin();
    if (st == AP_OK) {
        st = store_open(&opt, out);
        if (st != AP_OK && privilege_installed() &&
            faccessat(AT_FDCWD, opt.path, F_OK, AT_EACCESS) != 0 && errno == ENOENT)
            ap_fail(st, "the team's store %s has not been made yet: an administrator makes it with "
                        "'sudo apterm user add LOGIN admin'", opt.path);
    }
    ap_status dropped = privilege_open_end();
    if (st == AP_OK && dropped != AP_OK) {
        store_close(*out);
        *out = NULL;
        st = dropped;
    }
    if (st == AP_OK && store_world_readable(*out))
        fprintf(stderr,
                "apterm: warning: %s can be read by other users of this host; "
                "it holds children's personal data: chmod o-rwx it\n",
                store_path(*out));
    if (st == AP_OK && store_read_only(*out))
        fprintf(stderr, "apterm: warning: the disk holding %s is full: the store is open for reading only\n",
                store_path(*out));
    return st;
}

/* ---- demo ---- */

static int cmd_demo(struct cli *cli, int argc, char **argv)
{
    struct demo_options o;
    demo_options_default(&o);
    static const struct option opts[] = {
        {"pupils", required_argument, NULL, 'p'},
        {"weeks", required_argument, NULL, 'w'},
        {"seed", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (!parse_count(optarg, 1, 100000, &v))
                return usage_error("--pupils \"%s\": expected a whole number from 1 to 100000", optarg);
            o.pupils = (int)v;
            break;
        case 'w':
            if (!parse_count(optarg, 1, 78, &v))
                return usage_error("--weeks \"%s\": expected a whole number of school weeks from 1 to 78", optarg);
            o.weeks = (int)v;
            break;
        case 's':
            if (!parse_count(optarg, 0, 2147483647L, &v))
                return usage_error("--seed \"%s\": expected a whole number", optarg);
            o.seed = (unsigned long)v;
            break;
        default:
            return usage_error("%s", "unknown option for demo");
        }
    }
    if (optind < argc)
        return usage_error("demo: unexpected argument \"%s\"", argv[optind]);
    if (!cli->db)
        return usage_error("%s", "demo needs --db PATH for the new store");
    struct stat sb;
    if (stat(cli->db, &sb) == 0) {
        fprintf(stderr, "apterm: %s already exists: demo data goes only into a new store\n", cli->db);
        return EXIT_FAILURE;
    }
    struct store *s = NULL;
    if (open_store(cli, true, &s) != AP_OK)
        return fail("demo");
    ap_status st = demo_generate(s, &o);
    store_close(s);
    if (st != AP_OK) {
        store_remove_files(cli->db); /* with its -wal and -shm: no half-made store is left */
        return fail("demo");
    }
    printf("Made %s: %d pupils, %d school weeks of attendance (seed %lu)\n", cli->db, o.pupils, o.weeks, o.seed);
    return EXIT_SUCCESS;
}

/* ---- check ---- */

static void print_flag(void *ctx, const struct flag_row *f)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\n", f->level == FLAG_RED ? "red" : "amber", cli_text(f->kind), cli_text(f->subject),
           cli_text(f->reason));
}

static int cmd_check(struct cli *cli, int argc, char **argv)
{
    if (argc > 1)
        return usage_error("check: unexpected argument \"%s\"", argv[1]);
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK) {
        fail("check could not run");
        return EXIT_CHECK_NOT_RUN;
    }
    cli_close_due_registers(cli, s, stderr); /* a failure is said; the flags are still checked */
    struct flag_counts counts = {0};
    ap_status st = flags_collect(s, &cli->cfg.th, date_today(), print_flag, NULL, &counts);
    store_close(s);
    if (st != AP_OK) {
        fail("check could not run");
        return EXIT_CHECK_NOT_RUN;
    }
    fprintf(stderr, "%d red, %d amber\n", counts.red, counts.amber);
    return counts.red > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- user ---- */

static void print_user(void *ctx, const char *login, const char *role, const char *updated_at)
{
    (void)ctx;
    printf("%-20s %-8s %s\n", cli_text(login), cli_text(role), cli_text(updated_at));
}

static int cmd_user(struct cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "user needs add or list");
    bool add = strcmp(argv[1], "add") == 0;
    if (!add && strcmp(argv[1], "list") != 0)
        return usage_error("user: unknown action \"%s\" (expected add or list)", argv[1]);
    if (add && argc != 4)
        return usage_error("%s", "usage: apterm user add LOGIN ROLE");
    if (!add && argc != 2)
        return usage_error("%s", "usage: apterm user list");
    struct store *s = NULL;
    /* Installed, root's first 'user add' makes the team's store (root its first admin). */
    if (open_store(cli, add && privilege_installed() && getuid() == 0, &s) != AP_OK)
        return fail("user");
    ap_status st;
    if (add) {
        st = store_user_add(s, argv[2], argv[3]);
        if (st == AP_OK)
            printf("%s is now a user of %s with the %s role\n", argv[2], store_path(s), argv[3]);
    } else {
        st = store_user_list(s, print_user, NULL);
    }
    store_close(s);
    if (st == AP_ERR_INVALID) { /* a login or role that cannot be: a wrong value */
        fail("user");
        return EXIT_USAGE;
    }
    return st == AP_OK ? EXIT_SUCCESS : fail("user");
}

/* ---- mark ---- */

/* One mark, or a file of them. A mark already in the store is replaced only
 * with --replace: without it the mark is refused, naming who set it and when
 * (the same conflict the grid gives when someone else marked the cell
 * first), so a mistyped UPN or date never overwrites a mark silently. With
 * --replace the mark read is the version replaced: one changed by someone
 * else in between is still refused. */
static int cmd_mark(struct cli *cli, int argc, char **argv)
{
    const char *date_text = NULL, *session_text = NULL, *upn = NULL, *code_text = NULL, *note = NULL;
    const char *source_text = NULL, *file = NULL;
    bool replace = false;
    const struct cli_opt opts[] = {
        {"date", &date_text, NULL}, {"session", &session_text, NULL}, {"upn", &upn, NULL},
        {"code", &code_text, NULL}, {"note", &note, NULL},            {"source", &source_text, NULL},
        {"file", &file, NULL},      {"replace", NULL, &replace},      {NULL, NULL, NULL},
    };
    int rc = cli_options("mark", argc, argv, opts, 0);
    if (rc)
        return rc;
    struct store *s = NULL;
    ap_status st;
    if (file) {
        if (date_text || session_text || upn || code_text || note || source_text)
            return usage_error("%s", "mark --file takes the marks from the file: leave out --date, --session, "
                                     "--upn, --code, --note and --source");
        char *text = NULL;
        if (csv_read_file(file, &text) != AP_OK)
            return fail("mark");
        int count = 0;
        if ((st = open_store(cli, false, &s)) == AP_OK) {
            st = marks_import_csv(s, file, text, replace, &count);
            cli_close_due_registers(cli, s, stderr); /* after the marks: a late mark is not an N */
        }
        free(text);
        store_close(s);
        if (st != AP_OK)
            fprintf(stderr, "apterm: mark: %s; nothing was recorded\n", cli_text(ap_error_detail()));
        if (st != AP_OK)
            return EXIT_FAILURE;
        printf("Recorded %d mark%s from %s\n", count, count == 1 ? "" : "s", file);
        return EXIT_SUCCESS;
    }

    if (!date_text || !session_text || !upn || !code_text)
        return usage_error("%s", "mark needs --date, --session, --upn and --code (or --file)");
    struct mark_input in = {.source = SOURCE_OFFICER, .note = note};
    if (!date_parse_iso(date_text, &in.day))
        return usage_error("--date \"%s\": expected a date, YYYY-MM-DD", date_text);
    if (!session_parse(session_text, &in.session))
        return usage_error("--session \"%s\": expected am or pm", session_text);
    if (strlen(code_text) != 1)
        return usage_error("--code \"%s\": expected one character, an attendance code such as / or O", code_text);
    in.code = code_text[0] >= 'a' && code_text[0] <= 'z' ? (char)(code_text[0] - 'a' + 'A') : code_text[0];
    if (source_text && !mark_source_parse(source_text, &in.source))
        return usage_error("--source \"%s\": expected phone, email, portal, call or officer", source_text);

    if (open_store(cli, false, &s) != AP_OK)
        return fail("mark");
    int64_t expected = 0;
    struct mark m;
    struct pupil p;
    st = marks_pupil_by_upn(s, upn, &in.pupil_id);
    if (st == AP_OK && replace && (st = marks_get(s, in.pupil_id, in.day, in.session, &m)) == AP_OK)
        expected = m.version;
    if (st == AP_OK)
        st = marks_set(s, &in, expected, &m);
    if (st == AP_ERR_CONFLICT && !replace)
        st = marks_refuse_existing(s, in.pupil_id, in.day, in.session);
    if (st == AP_OK)
        st = pupil_get(s, in.pupil_id, &p);
    char detail[1024];
    snprintf(detail, sizeof detail, "%s", st == AP_OK ? "" : ap_error_detail());
    cli_close_due_registers(cli, s, stderr); /* after the mark: a late mark is not an N */
    if (st != AP_OK)
        ap_fail(st, "%s", detail);
    store_close(s);
    if (st != AP_OK)
        return fail("mark");
    char name[210], d[11];
    roll_display_name(name, sizeof name, p.preferred_name, p.legal_forename, p.legal_surname);
    printf("Recorded %s for %s (%s) on %s %s%s%s%s\n", cli_text(m.code), cli_text(name), cli_text(p.upn), date_format(m.day, d),
           m.session == SESSION_PM ? "PM" : "AM", m.reported_code[0] ? " (the provider reported " : "",
           cli_text(m.reported_code), m.reported_code[0] ? ")" : "");
    return EXIT_SUCCESS;
}

/* ---- export ---- */

/* What export_marks_to asks of write_marks_csv. */
struct marks_csv {
    struct store *s;
    int from, to;
    int *count;
};

static ap_status write_marks_csv(void *ctx, FILE *f)
{
    struct marks_csv *m = ctx;
    return marks_export_csv(m->s, m->from, m->to, f, m->count);
}

/* Writes the export through src/outfile.h: a temporary file beside path,
 * renamed into place only when it is complete, so a failure (disk full, a
 * bad range, a store error, a signal) leaves any existing file as it was. */
static int export_marks_to(struct store *s, int from, int to, const char *path, int *count)
{
    struct marks_csv m = {s, from, to, count};
    ap_status st = outfile_write(path, write_marks_csv, &m);
    if (st != AP_OK) {
        if (st == AP_ERR_IO && !strstr(ap_error_detail(), path)) {
            char detail[512];
            snprintf(detail, sizeof detail, "%s", ap_error_detail());
            ap_fail(AP_ERR_IO, "%s: %s", path, detail);
        }
        return -1;
    }
    return 0;
}

static int cmd_export_xlsx(struct cli *cli, int argc, char **argv);

/* --from and --to of an export: two dates, the first not after the second.
 * Returns 0, or 2 after naming the option that is wrong. */
static int parse_dates(const char *from_text, const char *to_text, int *from, int *to)
{
    if (!date_parse_iso(from_text, from))
        return usage_error("--from \"%s\": expected a date, YYYY-MM-DD", from_text);
    if (!date_parse_iso(to_text, to))
        return usage_error("--to \"%s\": expected a date, YYYY-MM-DD", to_text);
    if (*from > *to)
        return usage_error("--from %s is after --to %s: nothing was written", from_text, to_text);
    return 0;
}

static int cmd_export(struct cli *cli, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-')
        return usage_error("%s", "export needs what to export: apterm export marks|panel|dmt ...");
    if (strcmp(argv[1], "panel") == 0 || strcmp(argv[1], "dmt") == 0)
        return cmd_export_xlsx(cli, argc, argv);
    if (strcmp(argv[1], "pupils") == 0 || strcmp(argv[1], "contacts") == 0 || strcmp(argv[1], "providers") == 0 ||
        strcmp(argv[1], "placements") == 0)
        return cmd_export_table(cli, argc, argv);
    if (strcmp(argv[1], "pupil") == 0)
        return cmd_export_pupil(cli, argc, argv);
    if (strcmp(argv[1], "census") == 0)
        return cmd_export_census(cli, argc, argv);
    if (strcmp(argv[1], "marks") != 0)
        return usage_error("export: unknown export \"%s\" (expected marks, panel, dmt, pupils, contacts, providers "
                           "or placements)", argv[1]);
    const char *from_text = NULL, *to_text = NULL, *out = NULL;
    const struct cli_opt opts[] = {
        {"from", &from_text, NULL}, {"to", &to_text, NULL}, {"out", &out, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_options("export marks", argc - 1, argv + 1, opts, 0);
    if (rc)
        return rc;
    if (!from_text || !to_text || !out)
        return usage_error("%s", "export marks needs --from, --to and --out");
    int from, to;
    if ((rc = parse_dates(from_text, to_text, &from, &to)))
        return rc;
    if (!*out)
        return usage_error("%s", "--out needs a file name");
    struct store *s = NULL;
    /* each page of the marks is read once: a small cache, not the TUI's */
    if (open_store(cli, false, &s) != AP_OK || store_cache_limit(s, 2000) != AP_OK) {
        store_close(s);
        return fail("export");
    }
    int count = 0;
    long pupils = 0;
    char asked[40];
    snprintf(asked, sizeof asked, "%s to %s", from_text, to_text);
    rc = export_marks_to(s, from, to, out, &count);
    if (rc == 0 && (marks_export_pupils(s, from, to, &pupils) != AP_OK ||
                    audit_export(s, "marks", out, pupils, asked) != AP_OK))
        rc = -1;
    store_close(s);
    if (rc != 0)
        return fail_unwritten("export", AP_ERR_IO); /* never a wrong value: the dates were checked */
    printf("Wrote %d mark%s from %s to %s to %s\n", count, count == 1 ? "" : "s", from_text, to_text, out);
    return EXIT_SUCCESS;
}

struct cli_progress cli_progress_start(void)
{
    return (struct cli_progress){.on = isatty(STDERR_FILENO) != 0, .shown = -1};
}

void cli_progress(void *ctx, double fraction, const char *what)
{
    struct cli_progress *p = ctx;
    int pct = (int)(fraction * 100 + 0.5);
    if (!p->on || pct == p->shown)
        return;
    p->shown = pct;
    fprintf(stderr, "\r\033[Kapterm: %3d%% %s", pct, what ? what : "");
    fflush(stderr);
}

void cli_progress_end(const struct cli_progress *p)
{
    if (p->shown >= 0)
        fprintf(stderr, "\r\033[K");
}

/* The two workbooks (src/export_panel.h, src/export_dmt.h), with progress
 * (cli_progress). */
static int cmd_export_xlsx(struct cli *cli, int argc, char **argv)
{
    bool panel = strcmp(argv[1], "panel") == 0;
    const char *from_text = NULL, *to_text = NULL, *out = NULL, *panel_text = NULL;
    const struct cli_opt opts[] = {
        {"from", &from_text, NULL}, {"to", &to_text, NULL}, {"out", &out, NULL},
        {"panel-date", &panel_text, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_options(panel ? "export panel" : "export dmt", argc - 1, argv + 1, opts, 0);
    if (rc)
        return rc;
    if (!out || !*out)
        return usage_error("export %s needs --out FILE.xlsx", panel ? "panel" : "dmt");
    int from = DATE_NONE, to = DATE_NONE, panel_date = DATE_NONE;
    if (panel) {
        if (from_text || to_text)
            return usage_error("%s", "export panel takes --panel-date, not --from or --to");
        if (panel_text && !date_parse_iso(panel_text, &panel_date))
            return usage_error("--panel-date \"%s\": expected a date, YYYY-MM-DD", panel_text);
    } else {
        if (panel_text)
            return usage_error("%s", "export dmt takes --from and --to, not --panel-date");
        if (!from_text || !to_text)
            return usage_error("%s", "export dmt needs --from, --to and --out");
        if ((rc = parse_dates(from_text, to_text, &from, &to)))
            return rc;
        if (to - from + 1 > REPORT_MAX_RANGE_DAYS)
            return usage_error("--from %s to --to %s is longer than ten years: nothing was written", from_text,
                               to_text);
    }
    struct store *s = NULL;
    /* the workbooks read each page about once: a small cache, not the TUI's */
    if (open_store(cli, false, &s) != AP_OK || store_cache_limit(s, 2000) != AP_OK) {
        store_close(s);
        return fail("export");
    }
    struct cli_progress progress = cli_progress_start();
    ap_status st;
    struct export_panel_result pr;
    struct export_dmt_result dr;
    if (panel) {
        struct export_panel_request req = {
            .out = out, .panel_date = panel_date, .today = date_today(), .organisation = cli->cfg.organisation,
            .th = &cli->cfg.th, .progress = cli_progress, .progress_ctx = &progress,
        };
        st = export_panel(s, &req, &pr);
    } else {
        struct export_dmt_request req = {
            .out = out, .from = from, .to = to, .today = date_today(), .organisation = cli->cfg.organisation,
            .th = &cli->cfg.th, .progress = cli_progress, .progress_ctx = &progress,
        };
        st = export_dmt(s, &req, &dr);
    }
    store_close(s);
    cli_progress_end(&progress);
    if (st != AP_OK)
        return fail_unwritten("export", st);
    char money_c[MONEY_LEN], money_a[MONEY_LEN];
    if (panel)
        printf("Wrote the Inclusion Panel pack (%s%s) to %s: %zu case%s, %zu quotation%s, %zu pupil%s, "
               "%zu provider%s; %zu case%s short of quotations\n",
               panel_text ? "panel of " : "every open case", panel_text ? panel_text : "", out, pr.cases,
               pr.cases == 1 ? "" : "s", pr.quotes, pr.quotes == 1 ? "" : "s", pr.pupils, pr.pupils == 1 ? "" : "s",
               pr.providers, pr.providers == 1 ? "" : "s", pr.short_of_quotes, pr.short_of_quotes == 1 ? "" : "s");
    else
        printf("Wrote the value-for-money report for %s to %s to %s: %zu provider%s, %zu pupil%s, %zu week%s; "
               "committed %s, actual %s\n",
               from_text, to_text, out, dr.providers, dr.providers == 1 ? "" : "s", dr.pupils,
               dr.pupils == 1 ? "" : "s", dr.weeks, dr.weeks == 1 ? "" : "s",
               money_format(dr.committed, money_c, sizeof money_c), money_format(dr.actual, money_a, sizeof money_a));
    if (!panel && dr.school_days_after_today > 0)
        printf("The range ends after today: committed spend counts %d school day%s not yet reached (see the "
               "Summary).\n",
               dr.school_days_after_today, dr.school_days_after_today == 1 ? "" : "s");
    return EXIT_SUCCESS;
}

/* ---- templates ---- */

/* The QA checklists are data: an edited data/qa-*.csv file becomes the new
 * revision of the checklist its first line names. Visits already started
 * keep the wording they were answered against. */
static int cmd_templates(struct cli *cli, int argc, char **argv)
{
    bool list = argc == 2 && strcmp(argv[1], "list") == 0;
    bool load = argc == 3 && strcmp(argv[1], "load") == 0;
    if (!list && !load)
        return usage_error("%s", "usage: apterm templates list | apterm templates load FILE.csv");
    char *text = NULL;
    if (load && csv_read_file(argv[2], &text) != AP_OK)
        return fail("templates");
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK) {
        free(text);
        return fail("templates");
    }
    ap_status st;
    if (load) {
        struct qa_template_info t;
        bool unchanged = false;
        st = qa_template_load(s, argv[2], text, &t, &unchanged);
        if (st == AP_OK && unchanged)
            printf("%s is the same as %s revision %d: nothing was loaded\n", cli_text(argv[2]), cli_text(t.key),
                   t.revision);
        else if (st == AP_OK)
            printf("Loaded %s as %s revision %d (%s, %d items, %d safeguarding): new visits use it; visits "
                   "already started keep their wording\n",
                   cli_text(argv[2]), cli_text(t.key), t.revision, cli_text(t.title), t.items, t.safeguarding_items);
    } else {
        struct qa_template_info *all = NULL;
        size_t n = 0;
        st = qa_template_list(s, false, &all, &n);
        if (st == AP_OK) {
            printf("%-20s %4s %-10s %5s %6s %6s  %-16s %-12s %s\n", "KEY", "REV", "STAGE", "ITEMS", "SAFEG.",
                   "VISITS", "LOADED", "BY", "TITLE");
            for (size_t i = 0; i < n; i++)
                printf("%-20s %3d%s %-10s %5d %6d %6d  %-16.16s %-12s %s\n", cli_text(all[i].key), all[i].revision,
                       all[i].latest ? "*" : " ", cli_text(all[i].stage), all[i].items, all[i].safeguarding_items,
                       all[i].visits, cli_text(all[i].loaded_at), cli_text(all[i].loaded_by), cli_text(all[i].title));
            printf("* the latest revision: new visits start from it\n");
        }
        free(all);
    }
    store_close(s);
    free(text);
    if (st != AP_OK) {
        fprintf(stderr, "apterm: templates: %s%s\n", cli_text(ap_error_detail()), load ? "; nothing was loaded" : "");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* ---- the TUI ---- */

static int run_tui(struct cli *cli)
{
    struct store *s = NULL;
    if (open_store(cli, true, &s) != AP_OK)
        return fail(NULL);
    int rc = ui_run(s, &cli->cfg);
    store_close(s);
    return rc;
}

/* Global options may come before the command (apterm --db x check) or after
 * it (apterm check --db x): they are taken out of argv wherever they are. */
static int take_global_options(struct cli *cli, int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--db") == 0 ? &cli->db : strcmp(a, "--config") == 0 ? &cli->config : NULL;
        if (slot) {
            if (i + 1 >= *argc)
                return usage_error("%s needs a value", a);
            *slot = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            cli->db = a + 5;
        } else if (strncmp(a, "--config=", 9) == 0) {
            cli->config = a + 9;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

/* Names are UTF-8 (Siân, Llŷr): character handling (LC_CTYPE, which ncursesw
 * and wcwidth() use) follows the user's locale, falling back to C.UTF-8 when
 * that is not UTF-8 (over SSH it is often plain C, where wcwidth() rejects
 * every accented letter). Every other category stays "C", whatever LC_ALL,
 * LC_NUMERIC or LANG say: libxlsxwriter and our own messages print numbers
 * with printf, and a decimal comma forwarded by an SSH client would make a
 * workbook invalid; exports are the same bytes in every locale. */
static void use_utf8_locale(void)
{
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset && strcmp(codeset, "UTF-8") != 0 && !setlocale(LC_CTYPE, "C.UTF-8"))
        fprintf(stderr, "apterm: warning: no UTF-8 locale here (codeset %s): names with accents may show as \ufffd\n",
                codeset);
}

int main(int argc, char **argv)
{
    if (privilege_no_core_dumps() != AP_OK) {
        fprintf(stderr, "apterm: %s\n", ap_error_detail());
        return EXIT_FAILURE;
    }
    /* Every export's temporary file goes on SIGINT, SIGTERM, SIGHUP, SIGPIPE
     * and SIGQUIT (the TUI puts its own handlers over these). */
    if (outfile_catch_signals() != AP_OK) {
        fprintf(stderr, "apterm: %s\n", ap_error_detail());
        return EXIT_FAILURE;
    }
    use_utf8_locale();
    struct cli cli = {0};
    int rc = take_global_options(&cli, &argc, argv);
    if (rc)
        return rc;
    const char *env_config = getenv("APTERM_CONFIG");
    if (privilege_start(cli.db || cli.config || (env_config && *env_config)) != AP_OK) {
        fprintf(stderr, "apterm: %s\n", ap_error_detail());
        return EXIT_FAILURE;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("apterm %s (store version %d)\n", APTERM_VERSION, store_latest_schema());
        return EXIT_SUCCESS;
    }
    config_default(&cli.cfg);
    if ((privilege_installed() ? privilege_config(&cli.cfg) : config_load(cli.config, &cli.cfg)) != AP_OK) {
        fprintf(stderr, "apterm: %s\n", cli_text(ap_error_detail()));
        return EXIT_USAGE;
    }
    if (privilege_own_files())
        cli.cfg.store_group[0] = '\0';
    char why[200];
    if (!labels_census_configure(cli.cfg.census_reasons, why, sizeof why)) {
        fprintf(stderr, "apterm: [census]: %s\n", cli_text(why));
        return EXIT_USAGE;
    }
    if (argc == 1)
        return run_tui(&cli);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            optind = 1;
            return commands[i].run(&cli, argc - 1, argv + 1);
        }
    return usage_error(argv[1][0] == '-' ? "unknown option \"%s\"" : "unknown command \"%s\"", argv[1]);
}
