#ifndef APTERM_CONCERN_H
#define APTERM_CONCERN_H

/* The safeguarding and incident chronology of a pupil. It is kept, not
 * edited: entries are added and listed, newest first. Viewers never see it:
 * concern_list refuses them (and the store's authorizer hides the words
 * from any other query of theirs). Text fields are NUL-terminated UTF-8; a
 * value longer than its field is refused by concern_validate, never cut. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

struct concern {
    int64_t id;                 /* 0 until added */
    int64_t pupil_id;
    int64_t provider_id;        /* where it happened or was raised; 0 = none */
    int concern_date;           /* required; not after today */
    char kind[16];              /* LABELS_CONCERN_KIND: safeguarding, incident */
    char summary[1024];         /* required; may hold newlines */
    char told[256];             /* who was told: "DSL (Mr Evans), social worker" */
    char action[1024];          /* action taken */
    int64_t version;
    char recorded_at[20];       /* UTC "YYYY-MM-DD HH:MM:SS" (the row's updated_at) */
    char recorded_by[65];       /* login (the row's updated_by) */
    char provider_name[121];    /* filled by concern_list; "" when none */
};

/* A new record's defaults: a safeguarding concern, no date. */
void concern_init(struct concern *c);

/* AP_ERR_INVALID naming the field: pupil, date (given, not in the future),
 * kind, summary (not empty), told, action. */
ap_status concern_validate(const struct concern *c, int today);

/* Adds the entry in one transaction; sets id, version, recorded_at and
 * recorded_by. Viewers are refused (AP_ERR_DENIED) by store_begin. */
ap_status concern_add(struct store *s, struct concern *c, int today);

/* The pupil's chronology, newest first (by date, then by when recorded).
 * A viewer gets AP_ERR_DENIED, "the safeguarding chronology is not shown to
 * viewers", and nothing is read. *out is a malloc'd array of *n (NULL when
 * none) that the caller frees with free(). */
ap_status concern_list(struct store *s, int64_t pupil_id, struct concern **out, size_t *n);

#endif
