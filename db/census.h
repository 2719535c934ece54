#ifndef APTERM_CENSUS_H
#define APTERM_CENSUS_H

/* England's alternative provision census (the LA's return each January):
 * one row per pupil placement open on the census date, with the items of
 * ../shared/INTERCHANGE.md §9.1 the store can fill. Items the store does not
 * hold (ULN, middle names, ethnicity, the primary reason for placement) or
 * cannot tell (the setting type of a provider with neither URN nor UKPRN
 * that is not FE or unregistered) are left empty and named in `unknown`, so
 * the officer can complete them before the return. */

#include <stddef.h>

#include "status.h"
#include "store.h"

#define CENSUS_COLUMNS 18
extern const char *const CENSUS_HEADER[CENSUS_COLUMNS];

/* Called once per row with CENSUS_COLUMNS values (never NULL); the last is
 * the unknown items, "; "-separated, "" when none. */
typedef ap_status (*census_row_fn)(void *ctx, const char *const *values);

/* AP_ERR_INVALID for a Welsh store (Wales has no AP census). *rows and
 * *pupils: rows written and different pupils; *incomplete: rows with an
 * unknown item. */
ap_status census_rows(struct store *s, int date, census_row_fn fn, void *ctx, long *rows, long *pupils,
                      long *incomplete);

#endif
