#ifndef APTERM_QA_H
#define APTERM_QA_H

/* Provider quality assurance: QA visits, their checklists and when the next
 * visit of each stage is due. No curses here; ui/qa.c draws it.
 *
 * Templates are data (data/qa-*.csv, loaded by db/seed.c): each load of a
 * template file makes a new revision of its key. A visit is started from
 * the latest revision of a template and keeps its template_id, so the
 * wording it was answered against never changes: revisions are never
 * edited, only added.
 *
 * Due dates follow src/rules.h (rules_qa_stage1, rules_qa_stage2,
 * rules_monitoring) over the same facts db/flags.c reads: closed visits
 * dated today or earlier, the latest concern about the provider, its
 * placements. A provider's rules apply, as in flags.h, while it is in use
 * (a pupil placed today or a placement proposed) and is not
 * state-maintained; monitoring only while pupils are placed.
 *
 * A "No" to a safeguarding item (qa_template_item.safeguarding = 1) stays
 * open until a later visit to the same provider answers the same item
 * "Yes". The same item is the same question: the same template key and the
 * same text, so a new revision that keeps an item's wording keeps its
 * identity, while a reworded item is a new question (its old "No" stays
 * open until the old wording is answered "Yes" or someone looks at it).
 * "Later" is by visit date, then by the order visits were started. N/A does
 * not close a "No". db/flags.c raises FLAG_KIND_QA_SAFEGUARDING (red) for
 * each provider with an open "No".
 *
 * Every write is one transaction; writes to a row read earlier are checked
 * against its version (AP_ERR_CONFLICT naming who changed it). Text fields
 * are NUL-terminated UTF-8; a value longer than its field is refused, never
 * cut. Field errors name the field: "Visitors: must not be empty". */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "placement.h"
#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

/* SQL, in a query over providers aliased p with :today bound: 1 when the
 * latest counted visit (the view qa_visit_counted, migration 005) of the stage
 * found the provider Unsatisfactory, else 0. Shared by every reader of the
 * QA rules so the follow-up rule (rules.h) reads the same facts. */
#define QA_SQL_UNSATISFACTORY(stage)                                                                      \
    "coalesce((SELECT v.outcome = 'unsatisfactory' FROM qa_visit_counted v WHERE v.provider_id = p.id " \
    "AND v.stage = '" stage "' AND v.visit_date <= :today ORDER BY v.visit_date DESC, v.id DESC LIMIT 1), 0)"

/* The flag db/flags.c raises on a provider with an open safeguarding "No". */
#define FLAG_KIND_QA_SAFEGUARDING "qa_safeguarding"

/* The stages a visit can be (qa_visit.stage). A template may also be of the
 * stage "checks" (the provider checks before commissioning), answered at a
 * Stage 1 visit. */
enum qa_stage { QA_STAGE1 = 0, QA_STAGE2, QA_MONITORING, QA_STAGE_COUNT };

const char *qa_stage_code(enum qa_stage stage);   /* "stage1", "stage2", "monitoring" */
const char *qa_stage_name(enum qa_stage stage);   /* "Stage 1", "Stage 2", "Monitoring" */
/* false (and *out untouched) for anything else, "checks" included. */
bool qa_stage_parse(const char *code, enum qa_stage *out);
/* The visit stage a template of stage code template_stage is answered at:
 * its own, or Stage 1 for "checks". false for an unknown code. */
bool qa_stage_of_template(const char *template_stage, enum qa_stage *out);

/* The next visit of the stage is due this day after a visit on visit_date:
 * + th->qa_stage1_months, + th->qa_stage2_months, + th->monitoring_days; or,
 * when followup (the visit found the provider Unsatisfactory or answered a
 * safeguarding item No), + th->qa_followup_days, whichever is sooner. */
int qa_next_due(enum qa_stage stage, int visit_date, bool followup, const struct thresholds *th);

/* ---- When visits are due ------------------------------------------------------ */

#define QA_WHY_LEN 200

struct qa_due {
    bool applies;            /* the rule applies to the provider now */
    int last;                /* latest closed visit of the stage (of any stage for monitoring); DATE_NONE */
    int due;                 /* when the next is due; DATE_NONE when the rule does not apply */
    enum flag_level level;   /* FLAG_RED overdue, FLAG_AMBER due soon (monitoring: due), FLAG_NONE */
    char why[QA_WHY_LEN];    /* the rule's reason when raised, else "" */
};

struct qa_provider_row {
    int64_t id;
    char name[121];
    char status[12];                  /* "active", "suspended" */
    bool in_use;                      /* a pupil placed today or a placement proposed */
    bool state_maintained;            /* maintained school, PRU, academy: no AP QA duties */
    int placed;                       /* pupils placed today */
    struct qa_due due[QA_STAGE_COUNT];
    int open_visits;                  /* visits started and not yet closed */
    int sg_open;                      /* safeguarding items answered No, not yet Yes */
    enum flag_level worst;            /* the worst of due[].level, red when sg_open */
    int worst_due;                    /* the earliest due date of a raised state; DATE_NONE */
};

struct qa_overview {
    struct qa_provider_row *rows;
    size_t n;
};

/* Every provider (or the one provider_id when not 0) with its due dates as
 * of today, most overdue first: red before amber before none, then the
 * earliest due date (a red provider whose only flag is an open safeguarding
 * "No" after the red ones with a date; among the unflagged, the next due
 * first), then by name; providers not in use come last, by name. *out is the caller's, to
 * free with qa_overview_free. Read-only. */
ap_status qa_overview_load(struct store *s, const struct thresholds *th, int today, int64_t provider_id,
                           struct qa_overview **out);
void qa_overview_free(struct qa_overview *o);

/* After a caller changed a row's due[] (the QA pane takes the monitoring
 * rule's "sessions attended" part from the shell's flag pass rather than
 * count the marks again): worst and worst_due again, and the order again. */
void qa_row_worst(struct qa_provider_row *r);
void qa_overview_sort(struct qa_overview *o);

/* ---- Open safeguarding "No"s ---------------------------------------------------- */

struct qa_open_no {
    int64_t provider_id;
    int64_t visit_id;
    int visit_date;
    const char *stage;       /* the visit's stage code */
    const char *section;
    const char *text;        /* the item's wording */
};
typedef void (*qa_open_no_fn)(void *ctx, const struct qa_open_no *r);

/* Calls fn once per open safeguarding "No" (one per item: its latest "No"),
 * for every provider or the one provider_id when not 0, counting visits
 * dated today or earlier; by provider id, then the newest visit first. The
 * strings are valid only during the call. Read-only; inside a caller's
 * transaction it reads within it (db/flags.c calls it in its pass). */
ap_status qa_safeguarding_open(struct store *s, int today, int64_t provider_id, qa_open_no_fn fn, void *ctx);

/* ---- Counted visits by provider ------------------------------------------------ */

/* One provider's counted visits (qa_visit_counted: closed, the whole
 * checklist answered) dated today or earlier. The last of a stage is the
 * latest by date, then the later started (as QA_SQL_UNSATISFACTORY). */
struct qa_counted {
    int64_t provider_id;
    int last_stage1, first_stage1, last_stage2, last_visit; /* DATE_NONE when none */
    char stage1_outcome[24], stage2_outcome[24];             /* of the last of the stage; "" */
    char last_visit_stage[16];                                /* qa_stage_code of the last visit */
    int visits_since;                                         /* dated on or after since */
};
typedef void (*qa_counted_fn)(void *ctx, const struct qa_counted *c);
/* Calls fn once per provider with a counted visit dated today or earlier,
 * for every provider or the one provider_id when not 0, by provider id: the
 * visits read once in provider and date order (asked per provider, as
 * subqueries of a query over providers, SQLite builds its index of the
 * visits again for each). Read-only; inside a caller's transaction it reads
 * within it (db/flags.c's pass, db/report.c's loader). */
ap_status qa_counted_each(struct store *s, int today, int since, int64_t provider_id, qa_counted_fn fn, void *ctx);

/* ---- Templates ------------------------------------------------------------------ */

struct qa_template_info {
    int64_t id;
    char key[64];
    char title[256];
    char stage[16];          /* "stage1", "stage2", "monitoring", "checks" */
    int revision;
    bool latest;             /* the newest revision of its key */
    int items, safeguarding_items;
    int visits;              /* visits answered against this revision */
    char loaded_at[20];
    char loaded_by[65];
};

/* The templates by stage (Stage 1, Stage 2, monitoring, checks), key and
 * revision; only the latest revision of each key when latest_only. *out is
 * a malloc'd array of *n (NULL when none) that the caller frees. */
ap_status qa_template_list(struct store *s, bool latest_only, struct qa_template_info **out, size_t *n);

/* Loads a template file's text (name is the file's name, for messages) as
 * a new revision of the template its first line names, in one transaction.
 * A bad file fails with AP_ERR_INVALID naming the line, and nothing is
 * written. A file the same as the latest revision (title, stage and every
 * item) adds nothing: *unchanged is set and *out describes that revision.
 * out and unchanged may be NULL. */
ap_status qa_template_load(struct store *s, const char *name, const char *text, struct qa_template_info *out,
                           bool *unchanged);

/* ---- Visits --------------------------------------------------------------------- */

struct qa_visit {
    int64_t id;                       /* 0 until started */
    int64_t provider_id;
    int64_t template_id;              /* 0: recorded without a checklist */
    char stage[16];                   /* qa_stage_code */
    int visit_date;
    char visitors[256];
    char outcome[24];                 /* LABELS_QA_OUTCOME; "" while open */
    int next_due;                     /* DATE_NONE while open */
    bool closed;
    char notes[1024];
    int64_t version;
    char updated_at[20];
    char updated_by[65];
    /* read with the visit */
    char provider_name[121];
    char template_key[64];            /* start: the template to use (its latest revision) */
    char template_title[256];
    int template_revision;
    int items, answered, no_count, sg_no; /* sg_no: safeguarding items answered No */
};

/* A new visit's defaults: no id, no dates, nothing answered. */
void qa_visit_init(struct qa_visit *v);

/* Starts a visit to v->provider_id of stage v->stage on v->visit_date by
 * v->visitors, from the latest revision of the template v->template_key
 * (whose stage must be the visit's: a "checks" template goes with any).
 * Sets v->id, v->template_id, version and the template fields. Fields:
 * "Provider", "Checklist", "Stage", "Visit date" (required; a day from
 * 1900 to 2199), "Visitors" (required), "Notes". One transaction. */
ap_status qa_visit_start(struct store *s, struct qa_visit *v);

ap_status qa_visit_get(struct store *s, int64_t id, struct qa_visit *out);

/* The provider's visits, newest first (by date, then the later started).
 * *out is a malloc'd array of *n (NULL when none) that the caller frees. */
ap_status qa_visit_list(struct store *s, int64_t provider_id, struct qa_visit **out, size_t *n);

/* Changes an open visit's date, visitors and notes (v->visit_date,
 * v->visitors, v->notes) if it is still at v->version; raises v->version.
 * A closed visit is the record and is refused. Fields as qa_visit_start. */
ap_status qa_visit_update(struct store *s, struct qa_visit *v);

/* Closes the visit v->id at v->version with v->outcome (required) and
 * v->notes: next_due = qa_next_due(stage, visit date, followup), closed = 1,
 * followup when the outcome is Unsatisfactory or a safeguarding item was
 * answered No. Refused when the visit is already closed, dated after today
 * (a visit is closed once it has taken place), or any item of its checklist
 * is unanswered ("Checklist: 25 of 26 items not answered ..."): only a whole
 * checklist counts (qa_visit_counted). On success v->next_due, v->closed and v->version are updated. */
ap_status qa_visit_close(struct store *s, struct qa_visit *v, const struct thresholds *th, int today);

/* Deletes an open visit (one started by mistake) and its answers. Closed
 * visits are the record and are never deleted. */
ap_status qa_visit_delete(struct store *s, int64_t id, int64_t version);

/* ---- Checklists and answers ------------------------------------------------------ */

enum qa_answer { QA_UNANSWERED = 0, QA_YES, QA_NO, QA_NA };

/* "yes", "no", "na"; NULL for QA_UNANSWERED. */
const char *qa_answer_code(enum qa_answer a);

struct qa_item {
    int64_t item_id;
    int position;
    char section[128];
    char text[1024];
    bool safeguarding;
    enum qa_answer answer;
    char comment[1000];
    int64_t version;         /* of the answer row; 0 while there is none */
    char updated_at[20];
    char updated_by[65];
};

/* The visit's checklist in the order asked, from the revision the visit was
 * started from, with its answers. *out is a malloc'd array of *n (NULL when
 * the visit has no checklist) that the caller frees. */
ap_status qa_checklist_load(struct store *s, int64_t visit_id, struct qa_item **out, size_t *n);

/* Records item->answer and item->comment for item->item_id of the visit, in
 * one transaction, if the answer row is still at item->version (0: nobody
 * has answered it yet); else AP_ERR_CONFLICT naming who answered it. Refused
 * for a closed visit, a visit dated after today (nothing has been seen yet)
 * and for an item not on the visit's checklist. On
 * success item->version and the stamp are updated. Field: "Comment". */
ap_status qa_answer_save(struct store *s, int64_t visit_id, struct qa_item *item, int today);

/* The monitoring rule's count of sessions at a provider in use whose last
 * closed visit of any stage was last_visit and whose placements have run
 * since since (either DATE_NONE): the day after which its attended sessions
 * count - the last visit, else the day before the placements began - or
 * DATE_NONE when it has neither. *due_by_date: the monthly visit is already
 * due by date today (then the count changes nothing). */
int qa_count_after(int last_visit, int since, int today, const struct thresholds *th, bool *due_by_date);

/* For the SELECT list of a query over providers p with a :today parameter
 * (db/flags.c, db/tracking.c): the last and the first closed stage 1 visit
 * and the last closed stage 2 visit up to today, three columns. */
#define QA_STAGE_VISITS_SQL                                                                               \
    "  (SELECT max(v.visit_date) FROM qa_visit_counted v WHERE v.provider_id = p.id AND v.stage = 'stage1' " \
    "     AND v.closed = 1 AND v.visit_date <= :today), "                                                 \
    "  (SELECT min(v.visit_date) FROM qa_visit_counted v WHERE v.provider_id = p.id AND v.stage = 'stage1' " \
    "     AND v.closed = 1 AND v.visit_date <= :today), "                                                 \
    "  (SELECT max(v.visit_date) FROM qa_visit_counted v WHERE v.provider_id = p.id AND v.stage = 'stage2' " \
    "     AND v.closed = 1 AND v.visit_date <= :today), "

/* For the SELECT list of a query over providers p with :today and
 * :term_start parameters (db/flags.c's provider pass, db/qa.c's overview):
 * QA_STAGE_VISITS_SQL's three columns, then the last closed visit of any
 * stage, the closed visits this term, the last concern, the first day
 * placed, the first day of a placement running today, the pupils placed
 * today and the proposed placements not yet ended, ten columns. */
#define QA_PROVIDER_FACTS_SQL QA_STAGE_VISITS_SQL QA_PROVIDER_DATES_SQL
/* ... less the visits by stage: what the monitoring rule reads (db/flags.c). */
#define QA_PROVIDER_DATES_SQL                                                                              \
    "  (SELECT max(v.visit_date) FROM qa_visit_counted v WHERE v.provider_id = p.id "                      \
    "     AND v.closed = 1 AND v.visit_date <= :today), "                                                  \
    "  (SELECT count(*) FROM qa_visit_counted v WHERE v.provider_id = p.id AND v.closed = 1 "              \
    "     AND v.visit_date >= :term_start AND v.visit_date <= :today), " QA_PROVIDER_USE_SQL
/* ... less every visit: the last concern, the first day placed, the first
 * day of a placement running today, the pupils placed today and the
 * proposed placements not yet ended, five columns (db/flags.c reads the
 * visits with qa_counted_each). */
#define QA_PROVIDER_USE_SQL                                                                                \
    "  (SELECT max(c.concern_date) FROM concern c WHERE c.provider_id = p.id AND c.concern_date <= :today), " \
    "  (SELECT min(l.start_date) FROM placement l WHERE l.provider_id = p.id AND l.status != 'proposed' "   \
    "     AND l.start_date <= :today), "                                                                   \
    "  (SELECT min(l.start_date) FROM placement l WHERE l.provider_id = p.id AND "                         \
    PLACEMENT_ACTIVE_TODAY("l") "), "                                                                      \
    "  (SELECT count(DISTINCT l.pupil_id) FROM placement l WHERE l.provider_id = p.id AND "                \
    PLACEMENT_ACTIVE_TODAY("l") "), "                                                                      \
    "  (SELECT count(*) FROM placement l WHERE l.provider_id = p.id AND l.status = 'proposed' "            \
    "     AND (l.end_date IS NULL OR l.end_date >= :today)), "

#endif
