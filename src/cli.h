#ifndef APTERM_CLI_H
#define APTERM_CLI_H

/* What the subcommands share: the parsed global options and one way to
 * report failure. Subcommands that grow beyond a screen live in their own
 * src/cmd_*.c file and are listed in main.c's command table. */

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "status.h"
#include "store.h"

/* Exit codes, the same for every command so that a script can trust them:
 * 0 done; 1 failed (for `check`: a red flag was found); 2 a usage or
 * configuration error (a wrong command, option or value, a bad apterm.ini),
 * nothing done; 3 `check` could not run (the store could not be opened or
 * read), so that a cron job can tell "red flags" from "did not run". */
enum { EXIT_USAGE = 2, EXIT_CHECK_NOT_RUN = 3 };

struct cli {
    const char *db;         /* --db: overrides [store] path */
    const char *config;     /* --config */
    struct apterm_config cfg;
};

/* The one escaping printer of the command line: text that did not come from
 * apterm itself (anything stored, read from a file or typed) goes through
 * it before it is printed, so an ESC or BEL in a note, a checklist or a
 * file can never reach the terminal (utf8_printable: controls become '?').
 * Returns one of 8 static copies, reused in turn: use it within one
 * printf. */
const char *cli_text(const char *text);
/* Prints "apterm: WHAT: detail" (the last ap_fail detail) to stderr; returns 1. */
int fail(const char *what);
/* Prints the message and the usage to stderr; returns 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "apterm: WHAT: detail" for a failed export or print, adding
 * "; nothing was written" unless the detail says so already; returns 2 when
 * st is AP_ERR_INVALID (a wrong value), else 1. */
int fail_unwritten(const char *what, ap_status st);

/* One option of a command, for cli_options: --NAME VALUE stores VALUE in
 * *value; a switch (value NULL) sets *on. A table ends with a NULL name. */
struct cli_opt {
    const char *name;
    const char **value;
    bool *on;
};
/* Takes the options of command `what` (as usage messages name it: "mark",
 * "export dmt") out of argv[1..argc) against opts (any number), leaving
 * what is not an option from argv[optind]: at most max_args of
 * them (any number when negative). Returns 0; 1 when out of memory; or 2
 * after saying "unknown option for WHAT" or "WHAT: unexpected argument "X"". */
int cli_options(const char *what, int argc, char **argv, const struct cli_opt *opts, int max_args);
/* Opens the store of --db or [store] path; warns when others can read it. */
ap_status open_store(struct cli *cli, bool create, struct store **out);

/* Progress of a long export or print on stderr, only when it is a terminal:
 * "apterm:  42% what" rewritten in place. Start with cli_progress_start;
 * cli_progress is the progress callback (ctx: the struct cli_progress);
 * cli_progress_end clears the line when anything was shown. */
struct cli_progress {
    bool on;
    int shown;                      /* the last percentage printed, -1 none */
};
struct cli_progress cli_progress_start(void);
void cli_progress(void *ctx, double fraction, const char *what);
void cli_progress_end(const struct cli_progress *p);

/* The register close of src/register.h, as every command that opens the
 * store for work applies it: says what it closed on out, one line a
 * register ("AM register closed at 09:30: 3 unmarked pupils got N"); false,
 * with a message on stderr, when it failed. */
bool cli_close_due_registers(struct cli *cli, struct store *s, FILE *out);

/* The subcommands in files of their own. */
int cmd_calendar(struct cli *cli, int argc, char **argv);
int cmd_close_register(struct cli *cli, int argc, char **argv);
int cmd_print(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
/* export pupil UPN --out FILE.xlsx: subject access */
int cmd_export_pupil(struct cli *cli, int argc, char **argv);
/* export census --date D --out FILE.csv (England's AP census) */
int cmd_export_census(struct cli *cli, int argc, char **argv);
int cmd_retention(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
/* export pupils|contacts|providers|placements (argv[1]) --out FILE.csv */
int cmd_export_table(struct cli *cli, int argc, char **argv);

#endif
