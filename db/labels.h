#ifndef APTERM_LABELS_H
#define APTERM_LABELS_H

/* The words for the codes the store keeps: one table per enumerated column
 * of db/migrations/001_initial.sql, in the order a pick-list shows them.
 * Forms and lists show .text (or .brief in a narrow column), never the code;
 * the data layer validates a code with label_known() against the same table,
 * so the list of allowed values lives here and in the schema's CHECK only.
 *
 * Every table ends with an entry whose code is NULL. The strings are static:
 * nobody frees them. */

#include <stdbool.h>
#include <stddef.h>

struct label {
    const char *code;   /* as stored */
    const char *text;   /* for forms, pick-lists and reports */
    const char *brief;  /* at most 12 columns wide, for list columns */
};

extern const struct label LABELS_ROLL_STATUS[];     /* pupil.roll_status */
extern const struct label LABELS_COHORT[];          /* pupil.cohort */
extern const struct label LABELS_PLAN[];            /* pupil.plan */
extern const struct label LABELS_GENDER[];          /* pupil.gender */
extern const struct label LABELS_SCHOOL_PHASE[];    /* school.phase */
extern const struct label LABELS_REGISTRATION[];    /* provider.registration */
extern const struct label LABELS_PROVIDER_STATUS[]; /* provider.status */
extern const struct label LABELS_COST_BASIS[];      /* provider/placement/quote.cost_basis */
extern const struct label LABELS_PLACEMENT_STATUS[];/* placement.status */
extern const struct label LABELS_SESSION[];         /* am, pm */
extern const struct label LABELS_CONCERN_KIND[];    /* concern.kind */
extern const struct label LABELS_MARK_SOURCE[];     /* attendance_mark.source */
extern const struct label LABELS_CODE_CATEGORY[];   /* attendance_code.category */
extern const struct label LABELS_CASE_REASON[];     /* panel_case.reason */
extern const struct label LABELS_CASE_STATUS[];     /* panel_case.status */
extern const struct label LABELS_QA_STAGE[];        /* qa_template/qa_visit.stage */
extern const struct label LABELS_QA_OUTCOME[];      /* qa_visit.outcome */
extern const struct label LABELS_QA_ANSWER[];       /* qa_answer.answer */
extern const struct label LABELS_PSP_STATUS[];      /* psp.status */
extern const struct label LABELS_REDUCED_REASON[];  /* psp.reduced_reason */
extern const struct label LABELS_PROGRESSION[];     /* psp.reduced_progression ("" = not recorded) */
extern const struct label LABELS_REVIEW_OUTCOME[];  /* psp_review.outcome */
extern const struct label LABELS_PROGRESS_AREA[];   /* progress_entry.area */
extern const struct label LABELS_ROLE[];            /* app_user.role */
extern const struct label LABELS_ETHNICITY[];       /* pupil.ethnicity (DfE codes) */
/* The AP census lists. The setting types are the census guide's (and the
 * store's CHECK); the reasons are unverified, replaceable from apterm.ini
 * ([census] reasons) with labels_census_configure, so that an authority can
 * correct them without a new build. Read them, never write. */
extern const struct label LABELS_CENSUS_SETTING[];  /* placement.setting_type (AP census) */
extern struct label LABELS_CENSUS_REASON[];         /* placement.census_reason (AP census) */

/* A census list as apterm.ini gives it: "CODE words, CODE words, ...", each
 * code 1 to 3 capital letters or digits (what the store's column holds), then
 * its words; no code twice; at most LABELS_CENSUS_MAX. false with why (in
 * words, naming the item) when spec is not one. */
#define LABELS_CENSUS_MAX 20
bool labels_census_check(const char *spec, char *why, size_t len);
/* Replaces LABELS_CENSUS_REASON by the spec's list ("" or NULL: the
 * built-in list stays); "Not recorded" stays first. false with why when the
 * spec is not a list (labels_census_check), and then nothing is changed.
 * Called once at start-up, before any record is read. */
bool labels_census_configure(const char *reason_spec, char *why, size_t len);

/* The entry for code, or NULL when the table has none (NULL code too). */
const struct label *label_find(const struct label *table, const char *code);
bool label_known(const struct label *table, const char *code);
/* Where code stands in table (0 first), for sorting in the table's order;
 * an unknown code sorts after every known one (LABEL_RANK_UNKNOWN). */
#define LABEL_RANK_UNKNOWN 1000
int label_rank(const struct label *table, const char *code);

/* The words for code; an unknown code is shown as itself (never NULL:
 * "" for a NULL code), so a value written by a newer apterm still reads. */
const char *label_text(const struct label *table, const char *code);
const char *label_brief(const struct label *table, const char *code);

/* "Monday".."Friday" and "Mon".."Fri" for 0..4 (placement_session.weekday;
 * date_weekday() counts the same way); "?" out of range. */
const char *label_weekday(int weekday);
const char *label_weekday_brief(int weekday);

/* Entries before the terminator. */
size_t label_count(const struct label *table);

/* The allowed words joined for a message: "none, IDP (school), IDP (LA) or
 * EHCP". Written into the caller's buf (always terminated); returns buf. */
char *label_choices(const struct label *table, char *buf, size_t len);

#endif
