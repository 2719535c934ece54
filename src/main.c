/* apterm: the command line. Arguments are parsed, and every subcommand runs,
 * before curses starts; with no subcommand the TUI opens on the store. */

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "date.h"
#include "flags.h"
#include "config.h"
#include "demo.h"
#include "status.h"
#include "store.h"
#include "ui.h"

#define APTERM_VERSION "0.1.0"

/* Exit codes: 0 done, 1 failed (or `check` found a red flag), 2 usage. */
enum { EXIT_USAGE = 2 };

struct cli {
    const char *db;         /* --db: overrides [store] path */
    const char *config;     /* --config */
    struct apterm_config cfg;
};

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

static const struct command commands[] = {
    {"demo", "demo --db PATH [--pupils N] [--weeks N] [--seed S]",
     "make a new store filled with fictional, realistic demo data", cmd_demo},
    {"check", "check [--db PATH]", "print every red and amber flag, one per line; exit 1 if any is red", cmd_check},
    {"user", "user add LOGIN ROLE | user list [--db PATH]",
     "add a login with a role (admin, officer, lead, viewer), or list the users", cmd_user},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: apterm [--db PATH] [--config FILE]       open the store in the terminal\n"
            "       apterm COMMAND [OPTIONS]\n\n"
            "Commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  apterm %s\n", commands[i].usage);
    fprintf(out,
            "\nOptions for every command:\n"
            "  --db PATH       the store file (default: [store] path in apterm.ini)\n"
            "  --config FILE   the configuration file (default: see README)\n"
            "  --help          this help\n"
            "  --version       the version of apterm\n");
}

static int fail(const char *what)
{
    fprintf(stderr, "apterm: %s%s%s\n", what ? what : "", what ? ": " : "", ap_error_detail());
    return EXIT_FAILURE;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "apterm: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n");
    usage(stderr);
    return EXIT_USAGE;
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

static ap_status open_store(struct cli *cli, bool create, struct store **out)
{
    struct store_options opt = {
        .path = store_path_of(cli),
        .code_set = config_region_name(cli->cfg.region),
        .group = cli->cfg.store_group,
        .create = create,
    };
    ap_status st = store_open(&opt, out);
    if (st == AP_OK && store_world_readable(*out))
        fprintf(stderr,
                "apterm: warning: %s can be read by other users of this host; "
                "it holds children's personal data: chmod o-rwx it\n",
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
        remove(cli->db);
        return fail("demo");
    }
    printf("Made %s: %d pupils, %d school weeks of attendance (seed %lu)\n", cli->db, o.pupils, o.weeks, o.seed);
    return EXIT_SUCCESS;
}

/* ---- check ---- */

static void print_flag(void *ctx, const struct flag_row *f)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\n", f->level == FLAG_RED ? "red" : "amber", f->kind, f->subject, f->reason);
}

static int cmd_check(struct cli *cli, int argc, char **argv)
{
    if (argc > 1)
        return usage_error("check: unexpected argument \"%s\"", argv[1]);
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("check");
    struct flag_counts counts = {0};
    ap_status st = flags_collect(s, &cli->cfg.th, date_today(), print_flag, NULL, &counts);
    store_close(s);
    if (st != AP_OK)
        return fail("check");
    fprintf(stderr, "%d red, %d amber\n", counts.red, counts.amber);
    return counts.red > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- user ---- */

static void print_user(void *ctx, const char *login, const char *role, const char *updated_at)
{
    (void)ctx;
    printf("%-20s %-8s %s\n", login, role, updated_at);
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
    if (open_store(cli, false, &s) != AP_OK)
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
    return st == AP_OK ? EXIT_SUCCESS : fail("user");
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

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    struct cli cli = {0};
    int rc = take_global_options(&cli, &argc, argv);
    if (rc)
        return rc;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("apterm %s (store version %d)\n", APTERM_VERSION, store_latest_schema());
        return EXIT_SUCCESS;
    }
    config_default(&cli.cfg);
    if (config_load(cli.config, &cli.cfg) != AP_OK) {
        fprintf(stderr, "apterm: %s\n", ap_error_detail());
        return EXIT_FAILURE;
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
