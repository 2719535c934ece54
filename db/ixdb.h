#ifndef APTERM_IXDB_H
#define APTERM_IXDB_H

/* The look-ups and lists that imports and exports of whole tables need
 * (src/interchange.c): which rows to export in which order, and how a line
 * of a file finds the stored record it is about. The records themselves are
 * read and written through their own modules (db/pupil.h, db/contact.h,
 * db/provider.h, db/placement.h), so every rule and the audit stay theirs. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

enum ix_table { IX_TABLE_PUPIL, IX_TABLE_CONTACT, IX_TABLE_PROVIDER, IX_TABLE_PLACEMENT };

/* Every row's id in the export order: pupils by surname, forename and UPN;
 * contacts by pupil and priority; providers by name; placements by pupil and
 * start. *ids is malloc'd (NULL when none); the caller frees it. */
ap_status ixdb_ids(struct store *s, enum ix_table t, int64_t **ids, size_t *n);

/* The pupil with this UPN: *id, or 0 when there is none. */
ap_status ixdb_pupil_by_upn(struct store *s, const char *upn, int64_t *id);
/* The pupil's UPN (upn holds 14 bytes); "" when there is no such pupil. */
ap_status ixdb_pupil_upn(struct store *s, int64_t id, char upn[14]);

/* A school by its URN when urn is not "", else by its name (exactly, ignoring
 * ASCII case): *id, or 0 when none; AP_ERR_INVALID when the name is shared by
 * more than one school (the message says to give the URN). */
ap_status ixdb_school_find(struct store *s, const char *urn, const char *name, int64_t *id);
/* The school's name and URN ("" and "" for id 0 or an unknown id). */
ap_status ixdb_school_of(struct store *s, int64_t id, char *name, size_t name_len, char *urn, size_t urn_len);

/* Every provider's id, name and address, for matching on name and postcode.
 * *out is malloc'd (NULL when none); the caller frees it. */
struct ixdb_provider {
    int64_t id;
    char name[121];
    char address[256];
};
ap_status ixdb_providers(struct store *s, struct ixdb_provider **out, size_t *n);

/* The pupil's placement with the provider that starts on start_date: *id,
 * or 0 when none. */
ap_status ixdb_placement_find(struct store *s, int64_t pupil_id, int64_t provider_id, int start_date, int64_t *id);

/* One 'import' row in the audit log, in the caller's open transaction: the
 * kind, the file (its full path when it can be resolved) and how many
 * records were added and changed. */
ap_status ixdb_audit_import(struct store *s, const char *kind, const char *path, long added, long changed);

#endif
