#ifndef APTERM_RETENTION_H
#define APTERM_RETENTION_H

/* Registers are kept at least 6 years (the Education (Pupil Registration)
 * Regulations; apterm.ini [retention] years, 6 or more). Pupils whose every
 * placement has ended, the last more than that many years before today, are
 * due to be erased. Erasing one removes every row about them (the record,
 * contacts, placements, marks, calls, PSPs, panel cases, tracking, the
 * chronology) and the audit rows that hold their data, in one transaction,
 * after adding their attendance to the anonymised counts (retained_count:
 * month, provider, cohort; no pupil), and writes one 'erase' audit row with
 * how many pupils went, and nothing about them. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

struct retention_item {
    int64_t pupil_id;
    char upn[14];
    char name[204];
    int last_end;                   /* the last placement's end date */
};

/* The pupils due, oldest first. *out is malloc'd (NULL when none); the
 * caller frees it. */
ap_status retention_due(struct store *s, int years, int today, struct retention_item **out, size_t *n);

/* Erases them (re-checked inside the transaction: a pupil no longer due is
 * kept and not counted). Admins only. *erased: how many went. */
ap_status retention_erase(struct store *s, int years, int today, const struct retention_item *items, size_t n,
                          size_t *erased);

#endif
