#ifndef APTERM_DEMO_H
#define APTERM_DEMO_H

/* The demo generator (`apterm demo`): fills a brand-new store with a
 * fictional but realistic local authority - schools, providers, pupils with
 * Welsh and English names, placements and timetables, a run of attendance
 * marks, PSPs, QA visits, panel cases, tracking and concerns - in which every
 * flag of DOMAIN.md's rules table shows at least once (see db/demo.c for
 * which record plants which flag).
 *
 * Deterministic: the same options give the same store on the same day (the
 * marks run back from date_today(), which APTERM_TODAY can fix). Names and
 * places come from data/demo-names.txt; the calendar and code set from the
 * store itself. */

#include <stdint.h>

#include "status.h"
#include "store.h"

struct demo_options {
    int pupils;          /* 1 .. DEMO_MAX_PUPILS; default 120 */
    int weeks;           /* school weeks of marks back from today, 1 .. DEMO_MAX_WEEKS; default 12 */
    unsigned long seed;  /* any value; default 1 */
};

#define DEMO_MAX_PUPILS 100000
#define DEMO_MAX_WEEKS 78

/* Sets the defaults: 120 pupils, 12 weeks, seed 1. */
void demo_options_default(struct demo_options *o);

/* Fills s, which store_open() must just have created (store_was_created):
 * anything else is refused with AP_ERR_DENIED. Turns the row-by-row audit
 * off for the bulk load (store_demo_mode; one audit row says so) and back on
 * at the end, and writes everything in one transaction: on failure nothing
 * but that audit row is written. AP_ERR_INVALID when an option is out of
 * range or the store's calendar holds fewer school weeks before today than
 * asked for. */
ap_status demo_generate(struct store *s, const struct demo_options *o);

#endif
