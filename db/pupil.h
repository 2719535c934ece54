#ifndef APTERM_PUPIL_H
#define APTERM_PUPIL_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

/* The roll's one rule in SQL: pupil row u is on roll on day d (no end date,
 * or one not before d); PUPIL_LEFT_BEFORE is its opposite (counted by the
 * pupil_end index alone). roll_row.on_roll is the same rule in C. */
#define PUPIL_ON_ROLL(u, d) "(" u "end_date IS NULL OR " u "end_date >= " d ")"
#define PUPIL_LEFT_BEFORE(u, d) u "end_date < " d

/* A pupil record as the forms edit it. Text fields are NUL-terminated UTF-8;
 * a value longer than its field is refused by pupil_validate, never cut. */
struct pupil {
    int64_t id;                 /* 0 until inserted */
    char upn[14];
    char legal_forename[101];
    char legal_surname[101];
    char preferred_name[101];
    char middle_names[101];     /* all of them, space separated */
    char uln[16];               /* unique learner number: 10 digits, or "" (room for a longer one, so
                                 * that pupil_validate names what is wrong) */
    char ethnicity[5];          /* LABELS_ETHNICITY code, "" = not recorded */
    int dob;                    /* date (src/date.h) */
    char gender[8];             /* "", female, male, other */
    int64_t home_school_id;     /* 0 = none */
    char roll_status[16];       /* sole_school, dual_prs, sole_prs */
    char cohort[24];            /* aln_bespoke, pru_plus, school_ap, ks13_intervention, ks4_pathway */
    bool fsm, cla;
    char plan[16];              /* none, idp_school, idp_la, ehcp */
    char aln_areas[256];
    char social_worker[101];
    char social_worker_phone[32];
    int start_date, end_date;   /* DATE_NONE when not set */
    char destination[256];
    bool has_idp, has_psp, has_ra, has_ihp, has_php, has_pep;
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* The unique learner number: "" (none yet) or exactly 10 digits; else
 * AP_ERR_INVALID naming the ULN. */
ap_status pupil_check_uln(const char *uln);

/* Checks every field; on failure AP_ERR_INVALID with a detail naming the field. */
ap_status pupil_validate(const struct pupil *p, int today);

/* Each write is one transaction. Insert sets id and version; update succeeds
 * only if nobody changed the row since it was read (else AP_ERR_CONFLICT
 * naming who and when) and raises p->version. */
ap_status pupil_insert(struct store *s, struct pupil *p, int today);
ap_status pupil_update(struct store *s, struct pupil *p, int today);
ap_status pupil_delete(struct store *s, int64_t id, int64_t version);
ap_status pupil_get(struct store *s, int64_t id, struct pupil *out);

#endif
