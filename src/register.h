#ifndef APTERM_REGISTER_H
#define APTERM_REGISTER_H

/* The register closes without a screen: every apterm process that opens the
 * store for work (the full-screen program on every idle tick, apterm check,
 * apterm mark, apterm close-register) calls register_close_due, and the
 * first to see that close_am / close_pm of apterm.ini has passed today
 * closes that register (db/marks.h marks_close_due: every expected pupil
 * without a mark gets N, once, audited). Today and now come from
 * date_today and date_now_secs (APTERM_TODAY, APTERM_NOW for tests).
 *
 * Cheap when nothing is due: the process remembers which of today's
 * registers it has already seen closed, so the store is asked once per
 * session per day; after a failure it asks again a minute later. */

#include <stddef.h>

#include "config.h"
#include "marks.h"
#include "status.h"
#include "store.h"

ap_status register_close_due(struct store *s, const struct apterm_config *cfg, struct register_closed out[2], int *n);

/* "AM register closed at 09:30: 3 unmarked pupils got N" into buf. */
void register_closed_text(const struct register_closed *c, const struct apterm_config *cfg, char *buf, size_t len);

#endif
