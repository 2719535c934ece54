#ifndef APTERM_TRACKING_H
#define APTERM_TRACKING_H

/* The weekly tracking meeting: one row per pupil on roll for a week, with
 * attendance that week and that term, the week's ratings in the five
 * tracking areas beside the previous ones, the PSP review and provider QA
 * due dates, and the pupil's actions; and the writes of the meeting (a
 * week's ratings and notes, the actions).
 *
 * Loading is a handful of set-based statements in one read transaction
 * (pupils, attendance from attendance_week, ratings, placements, provider QA
 * dates, PSPs, actions), never one per pupil. The due states come from the
 * rules of src/rules.h with the same inputs as db/flags.c, so the column
 * agrees with the flag on the status line. Every write is one transaction;
 * a rating or action read with a version is written only if nobody changed
 * it since (AP_ERR_CONFLICT naming who, else AP_ERR_NOT_FOUND).
 *
 * Definitions:
 *   week       a Monday (tracking_week_of); progress_entry.week_start.
 *   on roll    during the week: no start date or one on or before its
 *              Sunday, and no end date or one on or after its Monday.
 *   this term  the term holding the week's Friday (else the latest before
 *              it), from its start to the end of the week shown.
 *   trend      this week's attendance % against the previous four school
 *              weeks' (their sessions pooled; weeks with no school day in
 *              the calendar skipped): TRACKING_TREND_POINTS or more higher
 *              is up, as much lower is down, otherwise level; no mark when
 *              either has no possible session.
 *   previous   the ratings of the pupil's latest earlier week of ratings
 *              within TRACKING_LOOKBACK_WEEKS weeks (so a half-term or a
 *              missed meeting does not blank them); usually last week's.
 *   overdue    an action not done whose due date is before today.
 * PSP, QA and actions are as of today, whichever week is shown. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

#define TRACKING_AREAS 5            /* LABELS_PROGRESS_AREA, in that order */
#define TRACKING_NOTE_SIZE 401      /* a note: 400 bytes */
#define TRACKING_TREND_POINTS 5     /* percentage points */
#define TRACKING_TREND_WEEKS 4
#define TRACKING_LOOKBACK_WEEKS 6

/* "attendance", "wellbeing", "engagement", "social", "qualifications"
 * (progress_entry.area); NULL out of range. */
const char *tracking_area_code(int area);
/* "Attendance", "Wellbeing", "Engagement", "Social", "Qualif." */
const char *tracking_area_brief(int area);
/* -1 when not an area code. */
int tracking_area_parse(const char *code);

/* The Monday on or before date. */
int tracking_week_of(int date);

enum tracking_trend { TREND_NONE = 0, TREND_UP, TREND_DOWN, TREND_LEVEL };
/* "", "↑", "↓", "→" */
const char *tracking_trend_mark(enum tracking_trend t);
/* The trend of this week's sessions against the previous weeks' (above). */
enum tracking_trend tracking_trend_of(int attending, int possible, int prev_attending, int prev_possible);

/* ---- the meeting's rows ---- */

/* One pupil. The strings point into the tracking and live until tracking_free. */
struct tracking_row {
    int64_t id;
    const char *display_name;       /* roll_display_name */
    const char *legal_name;         /* "forename surname" */
    char upn[14];
    int year_group;                 /* rules_year_group(dob, today) */
    char cohort[24];                /* LABELS_COHORT */
    /* Active placements today. */
    const char *providers;          /* their providers' names by name, ", "; "" when none */
    const int64_t *provider_ids;
    size_t n_providers;
    /* Attendance (sessions from attendance_week). has_*: any possible session. */
    int week_possible, week_attending;
    int prev_possible, prev_attending;  /* the previous four school weeks */
    int term_possible, term_attending;
    bool has_week, has_prev, has_term;
    double week_pct, prev_pct, term_pct;
    enum tracking_trend trend;
    /* Ratings, by area (tracking_area_code): 0 = none. */
    int rating[TRACKING_AREAS];         /* the week shown */
    int64_t version[TRACKING_AREAS];    /* of the week's entries; 0 = none */
    int prev_rating[TRACKING_AREAS];    /* the previous week of ratings */
    int prev_week;                      /* its Monday; DATE_NONE when none */
    int n_rated;                        /* areas rated in the week shown */
    unsigned areas;                     /* the areas that apply (rules_tracking_areas), bit per area */
    int n_areas;                        /* how many */
    const char *notes;                  /* the week's notes, "Wellbeing: ...; Social: ..."; "" */
    /* PSP review of an active PSP (rules_psp_review, as db/flags.c). */
    bool has_psp;
    int psp_due;                        /* DATE_NONE without an active PSP */
    enum flag_level psp_level;
    const char *psp_why;                /* the rule's reason when amber or red; else "" */
    /* QA of the providers the pupil is placed with today: the worst of
     * their Stage 1 and Stage 2 (rules_qa_stage1/2, as db/flags.c: providers
     * that are state-maintained are not checked). */
    bool has_qa;
    int qa_due;                         /* the earliest due date of the worst level */
    enum flag_level qa_level;
    const char *qa_why;                 /* "Cwm Farm: QA Stage 1 overdue since ..."; "" when none raised */
    /* Actions. */
    int actions_open, actions_overdue;
    int next_due;                       /* earliest due date of the open ones; DATE_NONE */
};

struct arena;

struct tracking {
    struct tracking_row *rows;      /* by legal surname, then forename (case-insensitive), then id */
    size_t n;
    int week;                       /* the Monday shown */
    int today;
    bool have_term;
    int term_start, term_to;        /* this term, up to the end of the week shown */
    char term_name[40];             /* "autumn 2026/27" */
    int prev_from, prev_to;         /* Mondays of the previous school weeks; DATE_NONE when none */
    int fully_rated;                /* rows rated in every area that applies to them */
    struct arena *arena;   /* private: the strings */
};

/* Loads the rows of the week holding `week` (any day of it) as of today.
 * Read-only: a viewer may load it. *out is the caller's, to free with
 * tracking_free. */
ap_status tracking_load(struct store *s, const struct thresholds *th, int today, int week, struct tracking **out);
void tracking_free(struct tracking *t);

/* The row of a pupil, or NULL. Linear. */
const struct tracking_row *tracking_find(const struct tracking *t, int64_t pupil_id);

/* ---- a week's ratings ---- */

struct tracking_rating {
    int rating;                     /* 1..5; 0 = none */
    char note[TRACKING_NOTE_SIZE];  /* needs a rating */
    int64_t version;                /* as read; 0 when there was none */
    bool changed;                   /* tracking_save_week writes this area */
};

/* The pupil's ratings for the week holding `week`, by area, with their
 * versions (for the entry line: read fresh, then saved). */
ap_status tracking_get_week(struct store *s, int64_t pupil_id, int week, struct tracking_rating out[TRACKING_AREAS]);

/* Writes the changed areas in one transaction: a rating where there was
 * none is added, one read with a version is updated or, with rating 0,
 * deleted - each only if nobody changed it since (else nothing is written:
 * AP_ERR_CONFLICT naming the area and who, or AP_ERR_NOT_FOUND). On success
 * the versions follow and changed is cleared. AP_ERR_INVALID naming the
 * area: a rating outside 0..5, a bad note, a note without a rating; the
 * week must be a Monday, and one that has begun by today (AP_ERR_INVALID
 * "Week: ..." for a rating of a week to come; clearing one is allowed),
 * and a 1-5 rating only in an area that applies to the pupil
 * (rules_tracking_areas with th: "Qualification pathway: does not apply in
 * Reception (tracked from Year 10)").
 * Viewers are refused by store_begin. */
ap_status tracking_save_week(struct store *s, int64_t pupil_id, int week, struct tracking_rating r[TRACKING_AREAS],
                             int today, const struct thresholds *th);

/* One area: an upsert with the same checks. *version: in, the version read
 * (0 when there was no rating); out, the new one (0 after deleting). */
ap_status tracking_set_rating(struct store *s, int64_t pupil_id, int week, int area, int rating,
                              const char *note, int64_t *version, int today, const struct thresholds *th);

/* ---- actions ---- */

struct tracking_action {
    int64_t id;                     /* 0 until added */
    int64_t pupil_id;
    char text[401];                 /* required */
    char owner[121];                /* who will do it; "" when not said */
    int due;                        /* DATE_NONE when none */
    bool done;
    int64_t version;
    char updated_at[20];            /* UTC */
    char updated_by[65];
};

void tracking_action_init(struct tracking_action *a);
/* Not done and due before today. */
bool tracking_action_overdue(const struct tracking_action *a, int today);
/* AP_ERR_INVALID naming the field ("Action: must not be empty"). A due date
 * in the past is allowed (recording what was agreed late). */
ap_status tracking_action_validate(const struct tracking_action *a);

/* The pupil's actions: open ones first by due date (none last), then the
 * done ones, latest due first. *out is a malloc'd array of *n (NULL when
 * none) that the caller frees with free(). */
ap_status tracking_action_list(struct store *s, int64_t pupil_id, struct tracking_action **out, size_t *n);
ap_status tracking_action_get(struct store *s, int64_t id, struct tracking_action *out);
/* Each one transaction. insert sets id, version and the stamps; update and
 * set_done need a->version / *version as read and move it on. */
ap_status tracking_action_insert(struct store *s, struct tracking_action *a);
ap_status tracking_action_update(struct store *s, struct tracking_action *a);
ap_status tracking_action_set_done(struct store *s, int64_t id, int64_t *version, bool done);
ap_status tracking_action_delete(struct store *s, int64_t id, int64_t version);

#endif
