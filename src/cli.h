#ifndef APTERM_CLI_H
#define APTERM_CLI_H

/* What the subcommands share: the parsed global options and one way to
 * report failure. Subcommands that grow beyond a screen live in their own
 * src/cmd_*.c file and are listed in main.c's command table. */

#include <stdbool.h>

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

/* Prints "apterm: WHAT: detail" (the last ap_fail detail) to stderr; returns 1. */
int fail(const char *what);
/* Prints the message and the usage to stderr; returns 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens the store of --db or [store] path; warns when others can read it. */
ap_status open_store(struct cli *cli, bool create, struct store **out);

/* The subcommands in files of their own. */
int cmd_calendar(struct cli *cli, int argc, char **argv);

#endif
