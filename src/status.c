#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const status_texts[AP_STATUS_COUNT] = {
    [AP_OK] = "done",
    [AP_ERR_NOMEM] = "out of memory",
    [AP_ERR_IO] = "a file could not be read or written",
    [AP_ERR_DB] = "the store reported an error",
    [AP_ERR_BUSY] = "the store is busy: another user is saving, try again",
    [AP_ERR_CONFLICT] = "changed by someone else since you opened it",
    [AP_ERR_DENIED] = "your role does not allow this",
    [AP_ERR_INVALID] = "not valid",
    [AP_ERR_NOT_FOUND] = "not found",
    [AP_ERR_TOO_NEW] = "the store was made by a newer version of apterm",
    [AP_ERR_UNKNOWN_USER] = "you are not a user of this store",
    [AP_ERR_CONFIG] = "the configuration file has a problem",
};

static char detail[1024];

const char *ap_status_text(ap_status st)
{
    if ((unsigned)st >= AP_STATUS_COUNT)
        return "unknown error";
    return status_texts[st];
}

ap_status ap_fail(ap_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return st;
}

const char *ap_error_detail(void)
{
    return detail[0] ? detail : "no detail";
}

void ap_error_clear(void)
{
    detail[0] = '\0';
}
