#ifndef APTERM_CONTACT_H
#define APTERM_CONTACT_H

/* A pupil's parent/carer contacts, called in priority order (1 first) on a
 * first-day absence. Text fields are NUL-terminated UTF-8; a value longer
 * than its field is refused by contact_validate, never cut. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

#define CONTACT_MAX 9                /* priorities 1..9 */

struct contact {
    int64_t id;                      /* 0 until inserted */
    int64_t pupil_id;
    int priority;                    /* 1 = called first; set by insert and contact_move */
    char name[101];
    char relationship[51];           /* "Mother", "Foster carer", "Nain"... */
    char phone[32];
    char phone2[32];
    char email[129];
    bool parental_responsibility;
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A new record's defaults: parental responsibility on, nothing else. */
void contact_init(struct contact *c);

/* Name required, and a phone number or an email address to reach them by;
 * phones and email well-formed. AP_ERR_INVALID naming the field. */
ap_status contact_validate(const struct contact *c);

/* Adds the contact last in the pupil's order (c->priority is set); refused
 * beyond CONTACT_MAX contacts. Sets id and version. */
ap_status contact_insert(struct store *s, struct contact *c);
/* Saves every field but the priority (contact_move changes that). Refused
 * with AP_ERR_CONFLICT naming who when the row changed since it was read;
 * raises c->version. */
ap_status contact_update(struct store *s, struct contact *c);
/* Deletes the contact and closes the gap in the order, in one transaction. */
ap_status contact_delete(struct store *s, int64_t id, int64_t version);
ap_status contact_get(struct store *s, int64_t id, struct contact *out);

/* Moves the contact one place earlier (delta -1, "up") or later (+1,
 * "down") in one transaction, renumbering the pupil's contacts 1..n.
 * *version is the version read and is updated to the new one. Moving the
 * first up or the last down does nothing and succeeds. Other contacts of
 * the pupil whose priority changes get a new version too: reload the list. */
ap_status contact_move(struct store *s, int64_t id, int64_t *version, int delta);

/* The pupil's contacts in priority order. *out is a malloc'd array of *n
 * (NULL when none) that the caller frees with free(). */
ap_status contact_list(struct store *s, int64_t pupil_id, struct contact **out, size_t *n);

#endif
