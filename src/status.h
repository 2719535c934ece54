#ifndef APTERM_STATUS_H
#define APTERM_STATUS_H

/* One way to fail: every fallible function returns an ap_status; the detail
 * of the most recent failure (naming the field, line or file) is kept in one
 * place and read with ap_error_detail(). */

typedef enum {
    AP_OK = 0,
    AP_ERR_NOMEM,      /* out of memory */
    AP_ERR_IO,         /* a file could not be read or written */
    AP_ERR_DB,         /* the store reported an error */
    AP_ERR_BUSY,       /* the store stayed locked by another user */
    AP_ERR_CONFLICT,   /* the record was changed by someone else first */
    AP_ERR_DENIED,     /* the login's role does not allow this */
    AP_ERR_INVALID,    /* bad input: a field, line or value */
    AP_ERR_NOT_FOUND,  /* no such record */
    AP_ERR_TOO_NEW,    /* the store was made by a newer apterm */
    AP_ERR_UNKNOWN_USER, /* the login is not a user of this store */
    AP_ERR_CONFIG,     /* apterm.ini is malformed or holds a bad value */
    AP_STATUS_COUNT
} ap_status;

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
