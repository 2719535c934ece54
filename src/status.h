#ifndef APTERM_STATUS_H
#define APTERM_STATUS_H

/* One way to fail: every fallible function returns an ap_status; the detail
 * of the most recent failure (naming the field, line or file) is kept in one
 * place and read with ap_error_detail(). */

/* Every status with the short sentence ap_status_text gives for it: the
 * enum and the sentences are both made from this one list. */
#define AP_STATUSES(X)                                                                                  \
    X(AP_OK, "done")                                                                                    \
    X(AP_ERR_NOMEM, "out of memory")                                                                    \
    X(AP_ERR_IO, "a file could not be read or written")                                                \
    X(AP_ERR_DB, "the store reported an error")                                                         \
    X(AP_ERR_BUSY, "the store is busy: another user is saving, try again") /* stayed locked */          \
    X(AP_ERR_CONFLICT, "changed by someone else since you opened it")                                   \
    X(AP_ERR_DENIED, "your role does not allow this")                                                   \
    X(AP_ERR_INVALID, "not valid") /* bad input: a field, line or value */                              \
    X(AP_ERR_NOT_FOUND, "not found") /* no such record */                                               \
    X(AP_ERR_TOO_NEW, "the store was made by a newer version of apterm")                                \
    X(AP_ERR_UNKNOWN_USER, "you are not a user of this store")                                          \
    X(AP_ERR_CONFIG, "the configuration file has a problem") /* apterm.ini malformed or a bad value */

#define AP_STATUS_NAME(name, text) name,
typedef enum { AP_STATUSES(AP_STATUS_NAME) AP_STATUS_COUNT } ap_status;
#undef AP_STATUS_NAME

/* A short sentence for the status: "changed by someone else", ... */
const char *ap_status_text(ap_status st);

/* Record the detail of a failure (printf-style) and return st, so that
 * callers can write: return ap_fail(AP_ERR_INVALID, "UPN: ..."); */
ap_status ap_fail(ap_status st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The detail of the last failure, or the status text when none was given.
 * The string belongs to this module and lives until the next ap_fail. */
const char *ap_error_detail(void);
void ap_error_clear(void);

#endif
