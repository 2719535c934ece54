#ifndef APTERM_PRIVILEGE_H
#define APTERM_PRIVILEGE_H

/* Running installed: `make install` makes apterm setgid to the store's group
 * (root:apterm, mode 2755) and the store's folder root:apterm 2770, so only
 * apterm can open the team's store; no login is in the group.
 *
 * While it holds the group apterm acts for the login of the real user id and
 * trusts nothing a user can change: it reads only the installed apterm.ini,
 * ignores APTERM_TODAY and APTERM_NOW, keeps core dumps off and works as the
 * plain user except for the moment it opens the store, after which it gives
 * the group up for good (the open descriptors are all it needs). A user's
 * own --db, --config or $APTERM_CONFIG makes it give the group up at once:
 * it is then a plain program working on the user's own files.
 *
 * Not installed (the checkout's ./apterm, the tests) none of this applies
 * and apterm behaves as before. */

#include <stdbool.h>

#include "config.h"
#include "status.h"

/* No core file (RLIMIT_CORE 0: a core would hold personal data), and the
 * process not dumpable, so no other process of the login can read its memory
 * through /proc. Every apterm process calls this first. */
ap_status privilege_no_core_dumps(void);

/* Call first in main, before any file is read or the environment used.
 * own_files: --db, --config or $APTERM_CONFIG was given. Notes on stderr
 * what is ignored. AP_ERR_DENIED when the set-up cannot be made safe. */
ap_status privilege_start(bool own_files);

/* True when apterm runs installed for the team's store (started with the
 * group and no --db, --config or $APTERM_CONFIG), also after the store is
 * opened and the group given up. */
bool privilege_installed(void);

/* True when the installed apterm was given --db, --config or $APTERM_CONFIG
 * and so works as the plain user: a store it makes is the user's alone
 * (the [store] group of the system's apterm.ini does not apply). */
bool privilege_own_files(void);

/* The settings of the installed apterm: only config_system_file(), which must
 * exist and give the store as an absolute path. */
ap_status privilege_config(struct apterm_config *cfg);

/* Around opening the store: _begin takes the group back for the open,
 * _end gives it up for good (also on a failed open). Both do nothing when
 * not installed. */
ap_status privilege_open_begin(void);
ap_status privilege_open_end(void);

#endif
