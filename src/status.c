#include "status.h"

#include <stdarg.h>
#include <stdio.h>

#define AP_STATUS_TEXT(name, text) [name] = text,
static const char *const status_texts[AP_STATUS_COUNT] = { AP_STATUSES(AP_STATUS_TEXT) };
#undef AP_STATUS_TEXT

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
