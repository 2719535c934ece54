#define _GNU_SOURCE /* setresgid, getresgid */
#include "privilege.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static bool installed;   /* started with the group, for the team's store */
static bool own_files_only; /* installed, but given the user's own files */
static bool group_gone;  /* the group has been given up for good */
static gid_t store_gid;  /* the group apterm was started with */
static gid_t user_gid;   /* the real group of the user */

bool privilege_installed(void) { return installed; }
bool privilege_own_files(void) { return own_files_only; }

/* No core file, and no other process of the user may read this one's memory
 * or open its descriptors through /proc (the kernel refuses ptrace of a
 * process that is not dumpable). */
ap_status privilege_no_core_dumps(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return ap_fail(AP_ERR_DENIED, "cannot turn core dumps off: %s", strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return ap_fail(AP_ERR_DENIED, "cannot turn core dumps off: %s", strerror(errno));
    return AP_OK;
}

/* Gives the group up for good: real, effective and saved group ids all the
 * user's, then checks that it cannot be taken back. */
static ap_status drop_for_good(void)
{
    if (setresgid(user_gid, user_gid, user_gid) != 0)
        return ap_fail(AP_ERR_DENIED, "cannot give up the store's group: %s", strerror(errno));
    gid_t r, e, s;
    if (getresgid(&r, &e, &s) != 0 || r != user_gid || e != user_gid || s != user_gid)
        return ap_fail(AP_ERR_DENIED, "cannot give up the store's group: it is still held");
    if (user_gid != store_gid && getuid() != 0 && setegid(store_gid) == 0)
        return ap_fail(AP_ERR_DENIED, "cannot give up the store's group: it could be taken back");
    group_gone = true;
    /* Changing ids resets the dumpable flag from fs.suid_dumpable: set it again. */
    return privilege_no_core_dumps();
}

/* Variables that would change what is recorded or where, or point a library
 * at files of the user's choosing, are taken out of the environment. */
static void ignore_environment(void)
{
    static const char *const recorded[] = {"APTERM_TODAY", "APTERM_NOW"};
    for (size_t i = 0; i < sizeof recorded / sizeof recorded[0]; i++)
        if (getenv(recorded[i])) {
            fprintf(stderr, "apterm: %s is ignored: the installed apterm uses the real date and time\n", recorded[i]);
            unsetenv(recorded[i]);
        }
    /* The headless test mode (ui/script.h) would write the screen to files. */
    static const char *const testing[] = {"APTERM_SCRIPT", "APTERM_SCREEN"};
    for (size_t i = 0; i < sizeof testing / sizeof testing[0]; i++)
        if (getenv(testing[i])) {
            fprintf(stderr, "apterm: %s is ignored: it is for testing the checkout's apterm\n", testing[i]);
            unsetenv(testing[i]);
        }
    /* ncurses reads terminal descriptions from these; the system's are used. */
    static const char *const terminal[] = {"TERMINFO", "TERMINFO_DIRS", "TERMCAP"};
    for (size_t i = 0; i < sizeof terminal / sizeof terminal[0]; i++)
        unsetenv(terminal[i]);
}

ap_status privilege_start(bool own_files)
{
    bool setgid_run = getegid() != getgid();
    if (!setgid_run && geteuid() == getuid() && getauxval(AT_SECURE) == 0)
        return AP_OK;
    if (geteuid() != getuid())
        return ap_fail(AP_ERR_DENIED, "apterm is installed set-user-id: it must be set-group-id only "
                                      "(make install does this)");
    ap_status st = privilege_no_core_dumps();
    if (st != AP_OK)
        return st;
    store_gid = getegid();
    user_gid = getgid();
    if (own_files) {
        /* The user's own store or settings: a plain program, on the user's own files. */
        fprintf(stderr, "apterm: --db, --config or $APTERM_CONFIG given: working as you on your own files, "
                        "without access to the team's store\n");
        own_files_only = true;
        return drop_for_good();
    }
    installed = true;
    umask(007);
    ignore_environment();
    /* Until the store is opened, act as the user: a file named on the command
     * line is read or written with the user's rights only. */
    if (setegid(user_gid) != 0)
        return ap_fail(AP_ERR_DENIED, "cannot set the group: %s", strerror(errno));
    return privilege_no_core_dumps();
}

ap_status privilege_config(struct apterm_config *cfg)
{
    struct stat sb;
    if (stat(config_system_file(), &sb) != 0)
        return ap_fail(AP_ERR_CONFIG, "%s: %s: the installed apterm reads its settings only from there "
                                      "(make install writes it)", config_system_file(), strerror(errno));
    ap_status st = config_load_file(config_system_file(), cfg);
    if (st != AP_OK)
        return st;
    if (cfg->store_path[0] != '/')
        return ap_fail(AP_ERR_CONFIG, "%s: [store] path = \"%s\": the installed apterm needs the full path of "
                                      "the team's store, starting with /", config_system_file(), cfg->store_path);
    return AP_OK;
}

ap_status privilege_open_begin(void)
{
    if (!installed)
        return AP_OK;
    if (group_gone)
        return ap_fail(AP_ERR_DENIED, "the store can be opened only once in a run of the installed apterm");
    if (setegid(store_gid) != 0)
        return ap_fail(AP_ERR_DENIED, "cannot take the store's group: %s", strerror(errno));
    return AP_OK;
}

ap_status privilege_open_end(void)
{
    if (!installed || group_gone)
        return AP_OK;
    return drop_for_good();
}
