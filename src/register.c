#include "register.h"

#include <stdbool.h>
#include <stdio.h>

#include "date.h"

static struct {
    int day;
    bool seen[2];   /* closed (by anyone), or nothing to close, today */
    int retry_at;   /* after a failure: not before this second of the day */
} state = {.day = DATE_NONE};

ap_status register_close_due(struct store *s, const struct apterm_config *cfg, struct register_closed out[2], int *n)
{
    *n = 0;
    int today = date_today(), now = date_now_secs();
    if (today != state.day) {
        state.day = today;
        state.seen[0] = state.seen[1] = false;
        state.retry_at = 0;
    }
    bool due[2] = {now >= cfg->close_am_minutes * 60 && !state.seen[0],
                   now >= cfg->close_pm_minutes * 60 && !state.seen[1]};
    if ((!due[0] && !due[1]) || now < state.retry_at)
        return AP_OK;
    /* A session already seen is not due again: pass a close time past midnight for it. */
    ap_status st = marks_close_due(s, today, now, due[0] ? cfg->close_am_minutes : 24 * 60,
                                   due[1] ? cfg->close_pm_minutes : 24 * 60, out, n);
    if (st != AP_OK) {
        state.retry_at = now + 60;
        return st;
    }
    state.seen[0] |= due[0];
    state.seen[1] |= due[1];
    return AP_OK;
}

void register_closed_text(const struct register_closed *c, const struct apterm_config *cfg, char *buf, size_t len)
{
    int at = c->session == SESSION_PM ? cfg->close_pm_minutes : cfg->close_am_minutes;
    const char *word = c->session == SESSION_PM ? "PM" : "AM";
    if (c->marked)
        snprintf(buf, len, "%s register closed at %02d:%02d: %d unmarked pupil%s got N", word, at / 60, at % 60, c->marked,
                 c->marked == 1 ? "" : "s");
    else
        snprintf(buf, len, "%s register closed at %02d:%02d: every expected pupil had a mark", word, at / 60, at % 60);
}
