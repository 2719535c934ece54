#ifndef APTERM_FLAGS_H
#define APTERM_FLAGS_H

/* The flags of DOMAIN.md's rules table, evaluated over the store.
 *
 * The rules themselves are the pure functions of src/rules.h; this module
 * reads what they need from the store with a handful of set-based queries
 * (one statement per table, not one per pupil or provider) inside one read
 * transaction, so every flag of a pass sees the same snapshot. It never
 * writes, so a viewer may run it. 5,000 pupils, 400 providers and 2.6
 * million marks take about 150 ms; one record about 1 ms.
 *
 * Every pass - the whole store, one provider, one pupil, one panel case - is
 * the same code with a narrower WHERE: a flag shown on a provider's pane is
 * exactly the one `apterm check` prints for that provider.
 *
 * What each rule applies to:
 *   providers  in use: an active placement running today, or a proposed one
 *              not yet ended. Registration, suspension and (for providers
 *              that are not state-maintained: maintained school, PRU,
 *              academy) insurance, Stage 1, Stage 2, monitoring visits and
 *              the safeguarding declaration / DBS.
 *   pupils     on roll: pupil.end_date NULL or today or later.
 *   cases      panel cases with status 'open'. */

#include <stdint.h>

#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

/* One raised flag. The strings belong to the pass and are valid only during
 * the callback: copy what you keep. */
struct flag_row {
    enum flag_level level;      /* FLAG_AMBER or FLAG_RED */
    const char *kind;           /* a short stable id, FLAG_KIND_* below */
    const char *subject;        /* "Provider: Cwm Farm", "Pupil: Siân Jones (Y9)",
                                   "Panel case 12: Llŷr Evans" */
    const char *reason;         /* the rule's reason in words */
    int64_t pupil_id, provider_id, case_id;  /* 0 when not about one */
};

/* The kinds, in the order a record's flags are reported. */
#define FLAG_KIND_REGISTRATION "registration"
#define FLAG_KIND_SUSPENDED "provider_suspended"
#define FLAG_KIND_INSURANCE "insurance"
#define FLAG_KIND_QA_STAGE1 "qa_stage1"
#define FLAG_KIND_QA_STAGE2 "qa_stage2"
#define FLAG_KIND_MONITORING "monitoring"
#define FLAG_KIND_SAFEGUARDING "safeguarding"
#define FLAG_KIND_ABSENCE "persistent_absence"
#define FLAG_KIND_UNAUTH_RUN "unauthorised_run"
#define FLAG_KIND_REDUCED "reduced_timetable"
#define FLAG_KIND_PSP_REVIEW "psp_review"
#define FLAG_KIND_PSP_END "psp_end"
#define FLAG_KIND_INTERVENTION "intervention"
#define FLAG_KIND_QUOTATIONS "quotations"

struct flag_counts {
    int red, amber;
};

typedef void (*flag_fn)(void *ctx, const struct flag_row *f);

/* Evaluates every rule of DOMAIN.md over the store as of `today` and calls fn
 * once per amber or red flag: providers first, then pupils, then panel
 * cases, each sorted by name (a record's flags in the FLAG_KIND_* order
 * above). fn may be NULL to count only. *counts (when not NULL) is set to
 * the number of flags of each level. Read-only; inside a transaction the
 * caller holds, it reads within that transaction. On failure fn may already
 * have been called for some flags; the counts say how many. */
ap_status flags_collect(struct store *s, const struct thresholds *th, int today,
                        flag_fn fn, void *ctx, struct flag_counts *counts);

/* The flags flags_collect reports about providers, and no others: one pass
 * that reads no pupil's own rules and no panel case (for the DMT report,
 * which shows providers' flags only). counts may be NULL. */
ap_status flags_for_providers(struct store *s, const struct thresholds *th, int today,
                              flag_fn fn, void *ctx, struct flag_counts *counts);

/* The same, for one record: the flags flags_collect reports about that
 * provider, or that pupil (together with the flags of the pupil's open panel
 * cases), or that panel case. A provider not in use, a pupil off roll or a
 * case that is not open has none. counts may be NULL. */
ap_status flags_for_provider(struct store *s, const struct thresholds *th, int today,
                             int64_t provider_id, flag_fn fn, void *ctx,
                             struct flag_counts *counts);
/* The monitoring flag (FLAG_KIND_MONITORING) of one provider, and nothing
 * else: all that a change to its learners' marks can change among its
 * flags (db/flagset.c, after another login's mark). */
ap_status flags_monitoring_of_provider(struct store *s, const struct thresholds *th, int today,
                                       int64_t provider_id, flag_fn fn, void *ctx);
ap_status flags_for_pupil(struct store *s, const struct thresholds *th, int today,
                          int64_t pupil_id, flag_fn fn, void *ctx,
                          struct flag_counts *counts);
ap_status flags_for_case(struct store *s, const struct thresholds *th, int today,
                         int64_t case_id, flag_fn fn, void *ctx,
                         struct flag_counts *counts);

#endif
