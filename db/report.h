#ifndef APTERM_REPORT_H
#define APTERM_REPORT_H

/* The figures of the two workbooks (src/export_panel.c, src/export_dmt.c),
 * gathered from the store into plain structs: every query of the exports is
 * here, and nothing here writes, so a viewer may run both. Each load reads
 * in one read transaction (one snapshot), opened here unless the caller
 * holds one. Flags come from db/flags.h, so a flag in a workbook is exactly
 * the one `apterm check` prints.
 *
 * Money is whole pence (int64_t); a date is an apterm date (date.h),
 * DATE_NONE when absent. Strings point into the report and live until its
 * free function; they are UTF-8, "" when empty, never NULL.
 *
 * ==== The definitions every figure follows ====
 *
 * Annual cost (a placement or a quote): tuition for RULES_SCHOOL_WEEKS (39)
 *   school weeks by the cost basis - per session x sessions a week x 39,
 *   per day x days a week x 39, per week x 39, per year as it is - plus
 *   transport per week x 39 (rules_annual_cost). A placement's sessions and
 *   days a week come from its timetable (placement_annual_cost); a quote
 *   gives sessions a week, and its days are the whole days those half-day
 *   sessions fill, (sessions + 1) / 2, as db/flags.c counts them.
 * School day: a weekday inside a term that is not a closure day (calendar.h).
 * Attendance: sessions by the category of their code (rules.h): possible =
 *   every session not "not counted"; attending = present or approved
 *   educational activity. Attendance % = attending / possible, shown as a
 *   fraction here (0.923), no figure when nothing was possible.
 *
 * Inclusion Panel pack (report_panel_load):
 *   cases        panel_date given: every case with that panel date,
 *                whatever its status; panel_date DATE_NONE: every open
 *                case (status 'open'), with or without a panel date. By
 *                pupil surname, forename, then case id.
 *   recommended  the quote marked chosen; when none is chosen, the one with
 *                the lowest annual cost (the earliest entered of equals) -
 *                the same pick db/flags.c makes for the quotations rule.
 *   quotations warning  when rules_quotes() raises a flag for the
 *                recommended quote's annual cost and the number of quotes
 *                (under th->quote_threshold with fewer than
 *                th->quotes_required), or when a case has no quotes at all.
 *   cost per week   annual tuition / 39, to the nearest penny.
 *   cost per session annual tuition / (39 x sessions a week), to the
 *                nearest penny; no figure when the quote gives no sessions.
 *   pupils       the pupils of those cases, by surname and forename.
 *   weekly hours the hours of the pupil's placements running today (status
 *                active, started on or before today, no end or not ended
 *                before today), against rules_min_weekly_hours for the year
 *                group on today; "below minimum" is rules_is_reduced.
 *   last 6 weeks attendance_week rows of the six weeks ending with the week
 *                holding today (its Monday and the five Mondays before):
 *                the marks from that Monday five weeks back to today.
 *   term         attendance_week rows of the term holding today, else the
 *                latest term before it (as the roll and the flags count it),
 *                up to today; with no terms recorded, since 1 September.
 *   PSP          the pupil's PSP that is not ceased: status, meeting date,
 *                last review (up to today), next review (for an active PSP:
 *                the rules_psp_review due date, or the next review date the
 *                last meeting set when sooner - as the flag uses; for a
 *                draft, the next review date recorded), end (rules_psp_end).
 *   placements   every placement of those pupils: active, proposed, ended,
 *                each newest start first.
 *   providers    every provider quoted in a case or with a placement of
 *                those pupils that is running today or proposed and not
 *                ended: their QA status (below).
 *
 * DMT value-for-money report (report_dmt_load), for the days from..to:
 *   placements counted  status active or ended (never proposed) with at
 *                least one school day in the range between its start and
 *                its end (or the range's end when it has none).
 *   placement days  the school days in the range on which the placement
 *                runs: from max(start, from) to min(end, to).
 *   COMMITTED    a placement's annual cost spread evenly over the 195
 *                school days of a 39-week year (39 x 5), times its
 *                placement days: annual x days / 195, to the nearest penny
 *                (halves up), per placement. What the placements commit the
 *                authority to for the range, whether or not the pupil
 *                attends. A sum of committed is the sum of these rounded
 *                per-placement amounts.
 *   a mark's placement  a mark of a school day in the range belongs to the
 *                pupil's counted placement running that day whose timetable
 *                has that weekday and session; when two do, the latest
 *                starting (then the highest id) - the rule marks_expected
 *                uses. A mark on a session no placement timetables belongs
 *                to none.
 *   ACTUAL       a placement's annual cost spread evenly over the sessions
 *                of a 39-week year (sessions a week x 39), times the
 *                attended sessions (present or approved educational
 *                activity) that belong to it: annual x attended /
 *                (sessions a week x 39), to the nearest penny (halves up),
 *                per placement. The cost of the sessions pupils attended.
 *                Committed minus actual is the cost of sessions not
 *                attended (absence, and the days the timetable does not
 *                cover).
 *   attended hours  the timetabled hours of each attended session that
 *                belongs to a placement.
 *   cost per attended session  committed / attended sessions that belong
 *                to a placement; per attended hour: committed / attended
 *                hours; both to the nearest penny; no figure when none.
 *   attendance   per provider: the marks that belong to its placements;
 *                per pupil, per cohort and in total: all the pupil's marks
 *                in the range (a session no placement timetables - a
 *                reduced timetable's C - still counts for the pupil). By
 *                week: all marks, grouped by the Monday of their week, for
 *                every week from the one holding `from` to the one holding
 *                `to` that has a school day in the range.
 *   pupils       every pupil with a counted placement or a counted mark in
 *                the range, by surname and forename; cohort and year group
 *                as they are today (the year group on `to`).
 *   providers    every provider of a counted placement, by name.
 *   progress     per tracking area, over progress_entry rows whose week
 *                (Monday) is in the range: pupils rated at least once;
 *                pupils rated in two weeks or more, and of those how many
 *                improved (last rating above first), stayed the same or
 *                declined, their average first and last rating and average
 *                movement (last - first).
 *   QA status    of those providers, as of today.
 *
 * Provider QA status (both workbooks), as of today: the latest closed
 * Stage 1, Stage 2 and any visit on or before today, with its outcome; the
 * Stage 1 due date (rules_qa_stage1) and Stage 2 due date (rules_qa_stage2,
 * counted as db/flags.c counts it: from the last Stage 2, else from the
 * provider's first placement, else its first Stage 1, brought forward by a
 * later concern) - neither for a state-maintained provider (maintained
 * school, PRU, academy), which has no AP due diligence; pupils placed there
 * today; and its flags. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

#define REPORT_SCHOOL_DAYS_PER_YEAR (RULES_SCHOOL_WEEKS * 5)   /* 195 */
#define REPORT_LAST_WEEKS 6
#define REPORT_AREAS 5                 /* LABELS_PROGRESS_AREA */
#define REPORT_COHORTS 5               /* LABELS_COHORT */
#define REPORT_MAX_RANGE_DAYS 3660     /* a DMT range of at most ten years */

struct arena;

/* Session counts by category (see "Attendance" above). */
struct report_att {
    int possible, attending, authorised, unauthorised;
};
/* attending / possible as a fraction; false (and *fraction untouched) when
 * nothing was possible. */
bool report_att_fraction(const struct report_att *a, double *fraction);

/* The flags db/flags.h raises about one record. */
struct report_flags {
    enum flag_level worst;          /* FLAG_NONE, FLAG_AMBER or FLAG_RED */
    int red, amber;
    const char *text;               /* "Red: reason" lines joined with "\n"; "" when none */
};

/* A provider's QA status (see above). */
struct report_provider {
    int64_t id;
    const char *name;
    char registration[24];          /* LABELS_REGISTRATION */
    char status[12];                /* LABELS_PROVIDER_STATUS */
    bool qa_required;               /* false for a state-maintained provider */
    int pupils_now;                 /* distinct pupils with a placement there running today */
    int last_stage1, stage1_due;    /* DATE_NONE when none (due: when not required) */
    char stage1_outcome[24];        /* LABELS_QA_OUTCOME code; "" when none */
    int last_stage2, stage2_due;
    char stage2_outcome[24];
    int last_visit;                 /* any stage */
    char last_visit_stage[12];      /* LABELS_QA_STAGE code */
    int declaration_date, dbs_date;
    struct report_flags flags;
};

/* ---- Inclusion Panel pack ---- */

struct report_quote {
    int64_t id, case_id, provider_id;
    const char *provider;
    char cost_basis[8];             /* LABELS_COST_BASIS */
    int64_t rate;                   /* pence per basis unit */
    int sessions_per_week;
    double hours_per_week;
    int64_t transport_per_week;
    int64_t annual_tuition;         /* see "Annual cost" */
    int64_t annual_transport;       /* transport_per_week x 39 */
    int64_t annual_total;           /* the two together */
    int64_t cost_per_week;          /* annual_tuition / 39, nearest penny */
    bool has_cost_per_session;
    int64_t cost_per_session;       /* annual_tuition / (39 x sessions), nearest penny */
    const char *notes;
    bool chosen;                    /* as stored */
    bool recommended;               /* see "recommended" */
    bool suspended;                 /* the provider is suspended */
    bool safeguarding_no;           /* the provider has an open safeguarding No */
};

struct report_case {
    int64_t id, pupil_id;
    size_t pupil;                   /* index into report_panel.pupils */
    char reason[24];                /* LABELS_CASE_REASON */
    char status[12];                /* LABELS_CASE_STATUS */
    int referral_date, panel_date;
    const char *triage;             /* triage recommendation */
    const char *decision;
    size_t first_quote, n_quotes;   /* report_panel.quotes[first_quote ..] */
    bool has_recommended;
    size_t recommended;             /* index into report_panel.quotes */
    bool recommended_chosen;        /* true: chosen; false: lowest annual cost */
    bool recommended_unsafe;        /* chosen, but its provider is suspended or red-flagged */
    bool quotes_warning;            /* see "quotations warning" */
    const char *quotes_text;        /* the warning in words, "" when none */
    struct report_flags flags;      /* the case's own flags */
};

struct report_placement {
    int64_t id, pupil_id, provider_id, panel_case_id;
    const char *provider;
    char status[12];                /* LABELS_PLACEMENT_STATUS */
    int start, end;                 /* end DATE_NONE while open-ended */
    int planned_weeks;              /* 0 when not planned */
    char cost_basis[8];
    int64_t rate, transport_per_week;
    int sessions_per_week, days_per_week;
    double weekly_hours;
    int64_t annual_cost;            /* see "Annual cost" */
    bool running_today;             /* counted in the pupil's weekly hours */
};

struct report_pupil {
    int64_t id;
    const char *name;               /* roll_display_name */
    const char *legal_name;         /* "Forename Surname" as registered */
    char upn[14];
    int dob;
    int year_group;                 /* on today */
    const char *home_school;        /* "" when none */
    char roll_status[16], cohort[24], plan[16];
    bool cla, fsm;
    size_t first_placement, n_placements;  /* report_panel.placements[...] */
    const char *current;            /* providers of the placements running today, ", "; "" when none */
    int placements_today;
    double weekly_hours;
    double min_hours;               /* 0: no minimum for the year group */
    bool below_minimum;
    struct report_att last6, term;
    bool has_psp;                   /* a PSP that is not ceased */
    char psp_status[12];            /* LABELS_PSP_STATUS */
    int psp_meeting, psp_last_review, psp_next_review, psp_end;
    bool psp_reduced;               /* it records a reduced timetable */
    struct report_flags flags;      /* the pupil's own flags (not its cases') */
};

struct report_panel {
    int today;
    int panel_date;                 /* DATE_NONE: every open case */
    int last6_from, last6_to;       /* the Monday five weeks back, today */
    bool have_term;
    int term_start, term_to;        /* the term's start, and min(its end, today) */
    char term_name[40];             /* "spring 2025/26"; "since 1 September" without terms */
    int quotes_required;
    int64_t quote_threshold;
    struct report_case *cases;
    size_t n_cases;
    struct report_quote *quotes;    /* by case id, then quote id */
    size_t n_quotes;
    struct report_pupil *pupils;
    size_t n_pupils;
    struct report_placement *placements;  /* grouped by pupil, in pupils' order */
    size_t n_placements;
    struct report_provider *providers;    /* by name */
    size_t n_providers;
    struct arena *arena;     /* private: the strings */
};

/* Loads the pack for panel_date (DATE_NONE: every open case) as of today.
 * *out is the caller's, to free with report_panel_free. */
ap_status report_panel_load(struct store *s, const struct thresholds *th, int today, int panel_date,
                            struct report_panel **out);
void report_panel_free(struct report_panel *r);

/* ---- DMT value-for-money report ---- */

/* The money and attendance of a provider, a pupil, a cohort or the total. */
struct report_vfm {
    int64_t committed, actual;      /* pence: see COMMITTED and ACTUAL */
    int placements;                 /* counted placements */
    int pupils;                     /* distinct pupils */
    int placement_days;             /* sum of their placement days */
    struct report_att att;          /* see "attendance" */
    int attended_placed;            /* attended sessions that belong to a placement */
    double attended_hours;
    bool has_cost_per_session, has_cost_per_hour;
    int64_t cost_per_session;       /* committed / attended_placed, nearest penny */
    int64_t cost_per_hour;          /* committed / attended_hours, nearest penny */
};

struct report_dmt_provider {
    struct report_provider qa;      /* name, registration, QA status and flags */
    struct report_vfm v;
};

struct report_dmt_pupil {
    int64_t id;
    const char *name;
    char upn[14];
    char cohort[24];
    int year_group;                 /* on `to` */
    const char *providers;          /* of its counted placements, by name, ", " */
    struct report_vfm v;
    bool has_pct;
    double pct;                     /* attendance fraction, when has_pct */
};

struct report_dmt_cohort {
    char cohort[24];                /* LABELS_COHORT code; every cohort, in that order */
    struct report_vfm v;
};

struct report_week {
    int monday;
    int school_days;                /* in the range */
    struct report_att att;
};

struct report_progress {
    char area[16];                  /* LABELS_PROGRESS_AREA code, in that order */
    int rated;                      /* pupils rated at least once */
    int compared;                   /* pupils rated in two weeks or more */
    int improved, same, declined;
    double first_avg, last_avg, movement_avg;   /* over `compared`; 0 when none */
};

struct report_dmt {
    int from, to, today;
    int school_days;                /* in the range */
    int school_days_after_today;    /* of those, after today: counted in committed spend, not yet reached */
    struct report_vfm total;
    int pupils_below_threshold;     /* pupils whose attendance is below th->persistent_absence_pct */
    double threshold_pct;           /* that threshold, in percent */
    int unplaced_attended;          /* attended sessions that belong to no placement */
    struct report_dmt_provider *providers;  /* by name */
    size_t n_providers;
    struct report_dmt_pupil *pupils;        /* by surname, forename */
    size_t n_pupils;
    struct report_dmt_cohort cohorts[REPORT_COHORTS];
    struct report_week *weeks;
    size_t n_weeks;
    struct report_progress progress[REPORT_AREAS];
    struct arena *arena;
};

/* Loads the report for the days from..to (inclusive) as of today.
 * AP_ERR_INVALID when from is after to or the range is longer than
 * REPORT_MAX_RANGE_DAYS. progress (may be NULL) is told the fraction of
 * the load done (0..1) as it goes, with a few words on what it is doing.
 * *out is the caller's, to free with report_dmt_free. */
typedef void (*report_progress_fn)(void *ctx, double fraction, const char *what);
ap_status report_dmt_load(struct store *s, const struct thresholds *th, int today, int from, int to,
                          report_progress_fn progress, void *progress_ctx, struct report_dmt **out);
void report_dmt_free(struct report_dmt *r);

/* ---- shared rounding (exported for the tests) ---- */

/* amount x num / den to the nearest whole number, halves away from zero;
 * 0 when den <= 0. Exact for the pence of any real placement (no overflow
 * below 2^62). */
int64_t report_prorate(int64_t amount, int64_t num, int64_t den);

#endif
