#ifndef APTERM_SCHOOL_H
#define APTERM_SCHOOL_H

/* Schools: the pupils' home schools (and the PRS itself), for pick-lists and
 * the roll. Text fields are NUL-terminated UTF-8; a value longer than its
 * field is refused by school_validate, never cut. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

struct school {
    int64_t id;                 /* 0 until inserted */
    char name[121];
    char urn[16];               /* URN or school number; digits, may be "" */
    char phase[16];             /* LABELS_SCHOOL_PHASE */
    char phone[32];
    char email[129];
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A new record's defaults: no id, phase "secondary", everything else empty. */
void school_init(struct school *sc);

/* Checks every field; on failure AP_ERR_INVALID with a detail naming the field. */
ap_status school_validate(const struct school *sc);

/* Each write is one transaction. Insert sets id and version; update succeeds
 * only if nobody changed the row since it was read (else AP_ERR_CONFLICT
 * naming who and when) and raises sc->version. */
ap_status school_insert(struct store *s, struct school *sc);
ap_status school_update(struct store *s, struct school *sc);
ap_status school_get(struct store *s, int64_t id, struct school *out);

/* For pick-lists: every school, by name. */
struct school_item {
    int64_t id;
    char name[121];
};
/* *out is a malloc'd array of *n items (NULL when there are none) that the
 * caller frees with free(). */
ap_status school_list(struct store *s, struct school_item **out, size_t *n);

#endif
