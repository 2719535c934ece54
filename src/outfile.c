#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- What the signal handlers may touch -------------------------------- */

/* The temporary files this process has open, for the handlers: fixed
 * buffers (no allocation), each published by setting its flag only once
 * the name in it is complete, with the caught signals blocked meanwhile. */
#define OUTFILE_SLOTS 4
static char slot_path[OUTFILE_SLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[OUTFILE_SLOTS];
static volatile sig_atomic_t interrupted;

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
#define N_CAUGHT (sizeof caught / sizeof caught[0])

void outfile_remove_all(void)
{
    int saved = errno;
    for (int i = 0; i < OUTFILE_SLOTS; i++)
        if (slot_used[i])
            unlink(slot_path[i]);
    errno = saved;
}

void outfile_interrupt(void) { interrupted = 1; }
bool outfile_interrupted(void) { return interrupted != 0; }

/* Runs with every caught signal blocked and is reset to the default action
 * (SA_RESETHAND): the raise() is delivered as soon as it returns, and ends
 * the process by that signal. Only async-signal-safe calls. */
static void on_signal(int sig)
{
    outfile_remove_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

ap_status outfile_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (size_t i = 0; i < N_CAUGHT; i++) {
        struct sigaction old;
        if (sigaction(caught[i], NULL, &old) != 0)
            return ap_fail(AP_ERR_IO, "cannot read the handling of signal %d: %s", caught[i], strerror(errno));
        if (old.sa_handler == SIG_IGN)
            continue; /* nohup apterm export ...: carry on when the terminal goes */
        if (sigaction(caught[i], &sa, NULL) != 0)
            return ap_fail(AP_ERR_IO, "cannot handle signal %d: %s", caught[i], strerror(errno));
    }
    return AP_OK;
}

/* Blocks (or, with how SIG_SETMASK and *old, restores) the caught signals. */
static void mask_caught(int how, sigset_t *old)
{
    sigset_t set;
    if (how == SIG_BLOCK) {
        sigemptyset(&set);
        for (size_t i = 0; i < N_CAUGHT; i++)
            sigaddset(&set, caught[i]);
    }
    /* sigprocmask fails only for a bad how, which these two are not. */
    if (sigprocmask(how, how == SIG_BLOCK ? &set : old, how == SIG_BLOCK ? old : NULL) != 0)
        abort();
}

/* ---- Names ---------------------------------------------------------------- */

bool outfile_is_temp_name(const char *name)
{
    size_t n = strlen(name), tag = strlen(OUTFILE_TAG);
    if (name[0] != '.' || n < 1 + 1 + tag + 6)
        return false;
    const char *t = name + n - 6 - tag;
    if (memcmp(t, OUTFILE_TAG, tag) != 0)
        return false;
    for (const char *c = t + tag; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return false;
    return true;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* ---- Stale temporary files -------------------------------------------- */

int outfile_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int dfd = dirfd(d);
    uid_t me = geteuid();
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!outfile_is_temp_name(e->d_name))
            continue;
        struct stat by_name, by_fd;
        if (fstatat(dfd, e->d_name, &by_name, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(by_name.st_mode) ||
            by_name.st_uid != me)
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        /* Locked: an export still running. Unlocked, and the name still
         * leads to the file locked: its writer is gone. */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &by_fd) == 0 &&
            fstatat(dfd, e->d_name, &by_name, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&by_fd, &by_name) &&
            unlinkat(dfd, e->d_name, 0) == 0)
            removed++;
        close(fd); /* a read-only descriptor: nothing to lose */
    }
    closedir(d);
    return removed;
}

/* ---- Writing ---------------------------------------------------------- */

/* Checks the target before anything is written; fills o->target, o->dir
 * and *base. */
static ap_status check_target(struct outfile *o, const char *target, const char **base)
{
    if (!target || !*target)
        return ap_fail(AP_ERR_INVALID, "--out needs a file name");
    if (snprintf(o->target, sizeof o->target, "%s", target) >= (int)sizeof o->target)
        return ap_fail(AP_ERR_INVALID, "cannot write %.200s...: the name is too long; nothing was written", target);
    const char *slash = strrchr(o->target, '/');
    *base = slash ? slash + 1 : o->target;
    if (!**base)
        return ap_fail(AP_ERR_IO, "cannot write %s: it is a directory, not a file name; nothing was written", target);
    if (slash)
        snprintf(o->dir, sizeof o->dir, "%.*s", slash == o->target ? 1 : (int)(slash - o->target), o->target);
    else
        snprintf(o->dir, sizeof o->dir, ".");
    struct stat sb;
    if (stat(target, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return ap_fail(AP_ERR_IO, "cannot write %s: it is a directory; nothing was written", target);
        if (access(target, W_OK) != 0)
            return ap_fail(AP_ERR_IO, "cannot write %s: %s; it was left as it was", target, strerror(errno));
    }
    if (stat(o->dir, &sb) != 0)
        return ap_fail(AP_ERR_IO, "cannot write %s: the directory %s: %s; nothing was written", target, o->dir,
                       strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return ap_fail(AP_ERR_IO, "cannot write %s: %s is not a directory; nothing was written", target, o->dir);
    return AP_OK;
}

static void release_slot(struct outfile *o)
{
    if (o->slot >= 0)
        slot_used[o->slot] = 0;
    o->slot = -1;
}

ap_status outfile_open(struct outfile *o, const char *target)
{
    o->fd = o->slot = -1;
    o->tmp[0] = '\0';
    const char *base = NULL;
    ap_status st = check_target(o, target, &base);
    if (st != AP_OK)
        return st;
    char tmpl[PATH_MAX];
    if (snprintf(tmpl, sizeof tmpl, "%s/.%s" OUTFILE_TAG "XXXXXX", o->dir, base) >= (int)sizeof tmpl)
        return ap_fail(AP_ERR_INVALID, "cannot write %s: the name is too long; nothing was written", target);
    (void)outfile_sweep(o->dir); /* best effort: a folder we cannot list fails below, naming why */

    /* A sweep in another process may take our file between mkstemp and
     * flock (it was not locked yet): then the name no longer leads to it,
     * and we make another. Rare, so a few tries are plenty. */
    for (int tries = 0; tries < 8; tries++) {
        sigset_t old;
        mask_caught(SIG_BLOCK, &old);
        int slot = -1;
        for (int i = 0; i < OUTFILE_SLOTS && slot < 0; i++)
            if (!slot_used[i])
                slot = i;
        int fd = -1, err = 0;
        if (slot >= 0) {
            memcpy(slot_path[slot], tmpl, strlen(tmpl) + 1);
            fd = mkstemp(slot_path[slot]);
            err = errno;
            if (fd >= 0)
                slot_used[slot] = 1;
        }
        mask_caught(SIG_SETMASK, &old);
        if (slot < 0)
            return ap_fail(AP_ERR_IO, "cannot write %s: %d exports are already being written; nothing was written",
                           target, OUTFILE_SLOTS);
        if (fd < 0)
            return ap_fail(AP_ERR_IO, "cannot write %s: cannot create a file in %s: %s; nothing was written", target,
                           o->dir, strerror(err));
        o->fd = fd;
        o->slot = slot;
        snprintf(o->tmp, sizeof o->tmp, "%s", slot_path[slot]);
        /* mkstemp makes it 0600; say so explicitly whatever the libc. */
        if (fchmod(fd, 0600) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || flock(fd, LOCK_EX) != 0) {
            st = ap_fail(AP_ERR_IO, "cannot write %s: %s; nothing was written", target, strerror(errno));
            outfile_abandon(o);
            return st;
        }
        struct stat by_fd, by_name;
        if (fstat(fd, &by_fd) == 0 && lstat(o->tmp, &by_name) == 0 && same_file(&by_fd, &by_name))
            return AP_OK;
        /* Swept away before we locked it: the name is not ours any more. */
        close(fd);
        o->fd = -1;
        release_slot(o);
    }
    return ap_fail(AP_ERR_IO, "cannot write %s: its temporary file in %s kept disappearing; nothing was written",
                   target, o->dir);
}

FILE *outfile_stream(struct outfile *o)
{
    int fd = dup(o->fd);
    if (fd < 0) {
        ap_fail(AP_ERR_IO, "cannot write %s: %s", o->target, strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        ap_fail(AP_ERR_IO, "cannot write %s: %s", o->target, strerror(errno));
        close(fd);
    }
    return f;
}

void outfile_abandon(struct outfile *o)
{
    if (o->fd < 0)
        return;
    /* Unlinked while still locked. If it cannot be, the next export's
     * sweep removes it (ENOENT: a signal handler was first). */
    (void)unlink(o->tmp);
    release_slot(o);
    close(o->fd);
    o->fd = -1;
}

ap_status outfile_commit(struct outfile *o)
{
    ap_status st = AP_OK;
    if (interrupted)
        st = ap_fail(AP_ERR_IO, "cannot write %s: apterm was interrupted; nothing was written", o->target);
    else if (fchmod(o->fd, 0600) != 0 || fsync(o->fd) != 0 || rename(o->tmp, o->target) != 0)
        st = ap_fail(AP_ERR_IO, "cannot write %s: %s", o->target, strerror(errno));
    if (st != AP_OK) {
        outfile_abandon(o);
        return st;
    }
    release_slot(o);
    /* The data was fsynced before the rename: a failing close loses nothing. */
    (void)close(o->fd);
    o->fd = -1;
    /* The rename itself survives a crash once the folder is synced. The
     * file is in place either way, so a folder that cannot be synced (some
     * file systems refuse) does not fail the export. */
    int dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return AP_OK;
}

ap_status outfile_write(const char *target, ap_status (*write)(void *ctx, FILE *f), void *ctx)
{
    struct outfile o;
    ap_status st = outfile_open(&o, target);
    if (st != AP_OK)
        return st;
    FILE *f = outfile_stream(&o);
    st = f ? write(ctx, f) : AP_ERR_IO; /* outfile_stream recorded why */
    if (f && fclose(f) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_IO, "cannot write %s: %s", target, strerror(errno));
    if (st == AP_OK)
        return outfile_commit(&o);
    outfile_abandon(&o);
    return st;
}
