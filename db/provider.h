#ifndef APTERM_PROVIDER_H
#define APTERM_PROVIDER_H

/* Providers of alternative provision and their contacts. Text fields are
 * NUL-terminated UTF-8; a value longer than its field is refused by the
 * validate functions, never cut. Codes (registration, cost basis, status)
 * are the stored strings; db/labels.h has their words. Money is pence. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

/* Every column of the provider table. */
struct provider {
    int64_t id;                      /* 0 until inserted */
    char name[121];
    char organisation[121];          /* the over-arching organisation */
    char registered_manager[101];
    char address[256];               /* may hold newlines */
    char phone[32];
    char email[129];
    char registration[24];           /* LABELS_REGISTRATION */
    char urn[16];                    /* digits; "" when none */
    char ukprn[16];                  /* 8 digits; "" when none */
    int age_from, age_to;            /* 3..25; 0 = not recorded */
    char aln_areas[256];
    char purpose[512];
    char cost_basis[8];              /* LABELS_COST_BASIS */
    int64_t cost_rate;               /* pence per cost_basis unit */
    char dsl_name[101];              /* Designated Safeguarding Lead */
    int safeguarding_policy_date;    /* dates: DATE_NONE when not recorded */
    int safeguarding_training_date;
    int dbs_checked_date;
    bool references_checked;
    int declaration_date;
    int64_t public_liability;        /* cover in pence; 0 = none recorded */
    int64_t employers_liability;
    int64_t professional_indemnity;
    bool motor_cover, subcontractor_cover;
    int insurance_expiry;
    int initial_visit_date;
    char status[12];                 /* LABELS_PROVIDER_STATUS */
    char notes[1024];                /* may hold newlines */
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A new record's defaults: unregistered, per session, active, no dates. */
void provider_init(struct provider *p);

/* Checks every field; on failure AP_ERR_INVALID with a detail naming the
 * field ("Age to: must not be below Age from"). Dates of things done (policy,
 * training, DBS, declaration, initial visit) may not be after today. */
ap_status provider_validate(const struct provider *p, int today);

/* Each write is one transaction. Insert sets id and version; update succeeds
 * only if nobody changed the row since it was read (else AP_ERR_CONFLICT
 * naming who and when) and raises p->version. */
ap_status provider_insert(struct store *s, struct provider *p, int today);
ap_status provider_update(struct store *s, struct provider *p, int today);
ap_status provider_get(struct store *s, int64_t id, struct provider *out);

/* Sets the status ("active" or "suspended") of the row at version; raises
 * *version on success. The usual alternative to deleting. */
ap_status provider_set_status(struct store *s, int64_t id, int64_t *version, const char *status);

/* Deletes the provider and its contacts. Refused (AP_ERR_INVALID, saying what
 * refers to it and to suspend it instead) while any placement, quote, QA
 * visit, concern or attendance mark refers to the provider. */
ap_status provider_delete(struct store *s, int64_t id, int64_t version);

/* ---- provider contacts ---- */

struct provider_contact {
    int64_t id;                 /* 0 until inserted */
    int64_t provider_id;
    char name[101];
    char job_role[101];
    char phone[32];
    char email[129];
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* Name required; phone and email well-formed when given. */
ap_status provider_contact_validate(const struct provider_contact *c);
ap_status provider_contact_insert(struct store *s, struct provider_contact *c);
ap_status provider_contact_update(struct store *s, struct provider_contact *c);
ap_status provider_contact_delete(struct store *s, int64_t id, int64_t version);
ap_status provider_contact_get(struct store *s, int64_t id, struct provider_contact *out);
/* The provider's contacts by name. *out is a malloc'd array of *n (NULL when
 * none) that the caller frees with free(). */
ap_status provider_contact_list(struct store *s, int64_t provider_id, struct provider_contact **out, size_t *n);

#endif
