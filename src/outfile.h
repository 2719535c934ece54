#ifndef APTERM_OUTFILE_H
#define APTERM_OUTFILE_H

/* The one way apterm writes an export file (the marks CSV, the two
 * workbooks, from the command line and from the TUI alike): the data goes to
 * a hidden temporary file beside the target, ".NAME.apterm-XXXXXX", mode
 * 0600, locked with flock(2) for as long as this process has it open; it is
 * fsynced and renamed over the target only when complete, so the target is
 * either as it was or the whole new export, and a partial copy of personal
 * data is never left behind:
 *
 * - a failure or outfile_abandon removes the temporary file;
 * - SIGINT, SIGTERM, SIGHUP, SIGPIPE and SIGQUIT remove it from the signal
 *   handler (outfile_catch_signals), which then re-raises the signal with
 *   its default action, so the exit status says what happened; the TUI's
 *   own handlers (ui/ui.c) call outfile_interrupt and outfile_remove_all;
 * - what a kill -9 (or a power cut) leaves is removed by the next export to
 *   that folder: see outfile_sweep.
 *
 * No curses and no SQL here. */

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "status.h"

/* The part of a temporary file's name after the target's name. */
#define OUTFILE_TAG ".apterm-"

/* An export file being written. */
struct outfile {
    char target[PATH_MAX];
    char dir[PATH_MAX];             /* the target's directory ("." when none given) */
    char tmp[PATH_MAX];             /* dir/.NAME.apterm-XXXXXX */
    int fd;                         /* the temporary file, flock'ed; -1 when finished */
    int slot;                       /* its entry in the signal handler's table; -1 none */
};

/* Checks the target, removes stale temporary files of earlier apterm
 * exports in its folder (outfile_sweep), and makes this export's temporary
 * file. Refused before anything is written (AP_ERR_INVALID or AP_ERR_IO,
 * naming the path and ending "nothing was written" or "it was left as it
 * was"): an empty name, a directory, a file that exists but cannot be
 * written, a directory that does not exist or cannot be written. On AP_OK
 * end o with outfile_commit or outfile_abandon. */
ap_status outfile_open(struct outfile *o, const char *target);

/* A stdio stream on the temporary file (its own descriptor: fclose it,
 * checking the result, before outfile_commit). NULL, with the failure
 * recorded (ap_fail), when it cannot be made. */
FILE *outfile_stream(struct outfile *o);

/* fsyncs the temporary file, renames it over the target and fsyncs the
 * folder. On failure, or when outfile_interrupt was called, the temporary
 * file is removed, the target is left as it was and the failure recorded
 * (AP_ERR_IO naming the target). Ends o either way. */
ap_status outfile_commit(struct outfile *o);

/* Removes the temporary file; the target is untouched. Ends o; does
 * nothing for an o already ended. */
void outfile_abandon(struct outfile *o);

/* A whole export written as one stream: outfile_open, then write(ctx, f)
 * on the temporary file, then fclose and outfile_commit when write returned
 * AP_OK (outfile_abandon when anything failed). Returns the first failure
 * (a failed fclose: AP_ERR_IO naming the target). */
ap_status outfile_write(const char *target, ap_status (*write)(void *ctx, FILE *f), void *ctx);
/* True for a name apterm gives its temporary files: "." + a non-empty
 * target name + OUTFILE_TAG + six letters or digits. */
bool outfile_is_temp_name(const char *name);

/* Removes, in dir, the temporary files apterm exports left behind (killed
 * with SIGKILL, a crash, a power cut), and only those: regular files whose
 * name outfile_is_temp_name accepts, owned by this user, and not locked. An
 * export still running in another process holds the flock on its file from
 * the moment it exists under its name (outfile_open locks it, then checks
 * that the name still leads to its file, and makes another if a sweep took
 * it in between), so it is never removed. Returns how many were removed,
 * -1 when dir cannot be read (nothing is removed then). */
int outfile_sweep(const char *dir);

/* For the command line: SIGINT, SIGTERM, SIGHUP, SIGPIPE and SIGQUIT remove
 * every temporary file of this process, then end it by the same signal with
 * its default action. A signal ignored when apterm started (nohup) stays
 * ignored. AP_ERR_IO when sigaction failed. */
ap_status outfile_catch_signals(void);

/* Async-signal-safe: unlinks every temporary file this process has open.
 * For signal handlers that end the process (ui/ui.c's fatal handler). */
void outfile_remove_all(void);

/* Async-signal-safe: from now on every export of this process stops at its
 * next step and outfile_commit refuses (the TUI calls it when it is asked
 * to quit by a signal, so that an export under way is abandoned cleanly). */
void outfile_interrupt(void);
bool outfile_interrupted(void);

#endif
