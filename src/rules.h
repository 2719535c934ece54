#ifndef APTERM_RULES_H
#define APTERM_RULES_H

/* The rules of DOMAIN.md ("Rules the tool computes"), as pure functions:
 * plain values in, a flag level and a reason out. No I/O, no store, no
 * screen. Dates are apterm dates (date.h: days since 1970-01-01, DATE_NONE
 * when absent); money is pence; hours are hours.
 *
 * Reasons: every flagging rule takes (char *why, size_t why_len), a buffer
 * the caller owns; it is always written ("" when nothing to say) and always
 * NUL-terminated, truncated to fit. why may be NULL when only the level is
 * wanted. Several shortfalls are joined with "; ". RULES_WHY_LEN is a size
 * that holds any reason in full. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "thresholds.h"

#define RULES_WHY_LEN 512

/* Ordered by severity, so the worst of several is their maximum.
 * FLAG_GREEN is returned only by a RAG rating (rules_reduced_timetable):
 * it means "the rule applies and all is in order". */
enum flag_level { FLAG_NONE = 0, FLAG_GREEN, FLAG_AMBER, FLAG_RED };

/* Every flag kind in one table (src/rules_table.c): what it checks, its
 * inputs, its source (seed and section), its apterm.ini [rules] keys and
 * the evidence its reason gives. */
struct rules_info {
    const char *kind;        /* the flag kind, as db/flags.h FLAG_KIND_* */
    const char *rule;        /* the function that decides it */
    const char *inputs;
    const char *source;
    const char *thresholds;  /* apterm.ini [rules] keys, ", " between; "" for none */
    const char *evidence;
};
const struct rules_info *rules_info_all(size_t *n);
/* NULL for an unknown kind. */
const struct rules_info *rules_info_for(const char *kind);

/* "", "green", "amber", "red". */
const char *rules_flag_name(enum flag_level level);
/* true for amber and red: something to act on. */
bool rules_flag_raised(enum flag_level level);
enum flag_level rules_flag_worst(enum flag_level a, enum flag_level b);

/* A period of whole weeks that begins on start ends on its last day,
 * start + 7 * weeks - 1: a 16-week placement from Monday 5 January 2026
 * ends on Sunday 26 April; Monday 27 April is past it. */
int rules_weeks_end(int start, int weeks);

/* Generic due-date flag: today after due is red ("WHAT overdue since D"), due
 * within soon_days (today included) amber ("WHAT due today" / "WHAT due on D,
 * in N days"), otherwise none. DATE_NONE due: none. */
enum flag_level rules_due(const char *what, int due, int today, int soon_days,
                          char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Year groups (England and Wales): the academic year starts 1 September,
 * and a child is in Reception (0) in the academic year in which they turn 5.
 * Year 1 = 1 ... Year 13 = 13; beyond Year 13 the count carries on. Nursery
 * age is negative (-1 = the year before Reception). */
#define RULES_NO_YEAR_GROUP (-100) /* dob is DATE_NONE */
int rules_year_group(int dob, int on_date);

/* "Nursery", "Reception", "Year 1" ... "Year 13", "Year 14"; "?" for
 * RULES_NO_YEAR_GROUP. Returns buf. */
char *rules_year_group_name(int year_group, char *buf, size_t len);
/* The same in a list's narrow column: "N", "R", "Y1" ... "Y13"; "?" for
 * RULES_NO_YEAR_GROUP. Returns buf. */
char *rules_year_group_short(int year_group, char *buf, size_t len);

/* The band of the minimum-hours table. Reception to Year 11 only: false for
 * nursery age and Year 12 onwards (post-16 has no minimum). */
bool rules_year_band(int year_group, enum year_band *band);

/* Minimum weekly hours for the year group (the seed county's local policy,
 * from th->min_weekly_hours): 21, 23.5, 24, 25; 0.0 for nursery age and
 * Year 12 onwards, meaning "no minimum": such a pupil is never on a reduced
 * timetable by this rule. */
double rules_min_weekly_hours(int year_group, const struct thresholds *th);

/* ------------------------------------------------------------------ */
/* Attendance. Each code of either nation's set has one category. */
enum code_category {
    CAT_PRESENT = 0,
    CAT_AEA,          /* approved educational activity: counts as attending */
    CAT_AUTHORISED,
    CAT_UNAUTHORISED,
    CAT_NOT_COUNTED,  /* neither possible nor attending (D, X, #...) */
    CAT_COUNT
};

/* The exact strings stored in the database: "present", "aea", "authorised",
 * "unauthorised", "not_counted" (LABELS_CODE_CATEGORY's codes). NULL for a
 * value out of range. */
const char *rules_category_str(enum code_category cat);
/* The reverse; false (and *out untouched) for anything else, including NULL,
 * other case or surrounding spaces. */
bool rules_category_parse(const char *text, enum code_category *out);

bool rules_category_attending(enum code_category cat); /* present, aea */
bool rules_category_possible(enum code_category cat);  /* all but not_counted */

/* Session counts per category; fill with rules_tally_add or directly from a
 * GROUP BY category query. */
struct attendance_tally {
    int n[CAT_COUNT];
};
void rules_tally_add(struct attendance_tally *t, enum code_category cat);
int rules_tally_attending(const struct attendance_tally *t);
int rules_tally_possible(const struct attendance_tally *t);

/* Attendance % = attending / possible * 100. With no possible sessions there
 * is no figure: returns false and leaves *pct untouched (show "–", not 0 %). */
bool rules_attendance_pct(const struct attendance_tally *t, double *pct);

/* Persistent absence: attendance below th->persistent_absence_pct is amber
 * ("attendance 85.0 % is below 90 %"); exactly at the threshold is not
 * flagged; no possible sessions: none. Compared without rounding error. */
enum flag_level rules_persistent_absence(const struct attendance_tally *t,
                                         const struct thresholds *th,
                                         char *why, size_t why_len);

/* One session's mark, as read from the store. */
struct rules_mark {
    int date;
    enum code_category cat;
};

/* The pupil's current (trailing) run of unauthorised absence.
 *   sessions  unauthorised sessions in the run
 *   days      school days in the run: dates whose every counted session in
 *             the run is unauthorised. The run's first date counts only if
 *             no attending or authorised session that day came before it
 *             (an AM present then PM absent is not a day of absence); the
 *             latest date counts as soon as it holds one unauthorised
 *             session (the day's later session is not yet marked).
 *   first     date of the run's first session (DATE_NONE when no run) */
struct rules_run {
    int sessions;
    int days;
    int first;
};

/* marks: every session the pupil was expected at, oldest first (by date,
 * then AM before PM). Not-counted sessions (D, X, school closed...) neither
 * break nor extend a run; days with no marks (weekends, holidays, days the
 * pupil's timetable has no session) do not break it either. Present, AEA and
 * authorised sessions end it. Writes *run when run is not NULL.
 * Red when days >= th->unauth_red_days ("unauthorised absence for 10 school
 * days in a row since D: the local authority must be told"); amber when
 * sessions >= th->unauth_amber_sessions. */
enum flag_level rules_unauthorised_run(const struct rules_mark *marks, size_t n,
                                       const struct thresholds *th,
                                       struct rules_run *run,
                                       char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Registration (001, 002): an unregistered provider giving full-time
 * education (>= th->fulltime_hours a week, so exactly 18 h counts) to
 * th->registration_pupils or more pupils, or to one looked-after pupil, or
 * to one pupil with an EHCP/IDP, is red. Registered schools (independent,
 * maintained, PRU, academy) never flag. One entry per pupil placed at the
 * provider now; hours are that pupil's total weekly hours there. Hours are
 * compared with a tolerance of 0.001 h, so sums such as 6 x 3.0 h or
 * 0.1 h steps still reach 18. */
struct rules_reg_pupil {
    double weekly_hours;
    bool looked_after;
    bool ehcp_or_idp;
};

bool rules_full_time(double weekly_hours, const struct thresholds *th);

enum flag_level rules_registration(bool registered_school,
                                   const struct rules_reg_pupil *pupils, size_t n,
                                   const struct thresholds *th,
                                   char *why, size_t why_len);

/* Whether a provider's registration (a LABELS_REGISTRATION code) makes it
 * state-maintained: a maintained school, a PRU or an academy. Those are not
 * AP: no QA visits, due diligence or insurance checks. */
bool rules_state_maintained(const char *registration);

/* ------------------------------------------------------------------ */
/* Insurance (001): amounts in pence, 0 = none recorded. Any amount below its
 * minimum, or motor or subcontractor cover missing, is amber, with every
 * shortfall named. */
struct rules_insurance {
    int64_t public_liability;
    int64_t employers_liability;
    int64_t professional_indemnity;
    bool motor;
    bool subcontractor;
};

enum flag_level rules_insurance(const struct rules_insurance *ins,
                                const struct thresholds *th,
                                char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Provider QA (000). Each writes the due date to *due when due is not NULL
 * and flags through rules_due (overdue red; within th->due_soon_days amber).
 *
 * Which visits count (the store's view qa_visit_counted, migration 005): a
 * visit counts only when it is closed, every item of its checklist has an
 * answer (Yes, No or N/A), and it was closed on or after its date (closing a
 * visit dated after today is refused). Open or half-answered visits neither
 * reset a due date nor clear a safeguarding No.
 *
 * Follow-up (000, 001: a provider found wanting is visited again soon):
 * when the latest counted visit of a stage found the provider Unsatisfactory
 * (unsatisfactory true), the next visit of that stage is due
 * th->qa_followup_days after it, and the stage is red from that visit on
 * ("Stage 1 visit of D found Unsatisfactory: follow-up visit due by D2")
 * until a later counted visit of the stage has another outcome.
 *
 * Stage 1 (health & safety, safeguarding): due last_stage1 +
 * th->qa_stage1_months. No Stage 1 ever: due now, and red, since a provider
 * must pass its Stage 1 checks before pupils are placed ("no Stage 1 visit
 * recorded"). */
enum flag_level rules_qa_stage1(int last_stage1, bool unsatisfactory, int today,
                                const struct thresholds *th, int *due,
                                char *why, size_t why_len);

/* Stage 2 (learner progress): due last_stage2 + th->qa_stage2_months; when
 * there has been no Stage 2, counted from since (the date the provider was
 * first used: its first placement or Stage 1), and due now when that is
 * DATE_NONE too. A concern dated after the last Stage 2 (any concern when
 * there has been none) brings it forward to concern_date +
 * th->qa_stage2_after_concern_days if that is sooner. concern_date is the
 * latest concern about the provider, DATE_NONE for none. */
enum flag_level rules_qa_stage2(int last_stage2, bool unsatisfactory, int since,
                                int concern_date, int today, const struct thresholds *th, int *due,
                                char *why, size_t why_len);

/* Monitoring visits (001, 002), every shortfall named:
 *  - a visit is due th->monitoring_days after the last one (from since, the
 *    date the current placements began, when there has been none; now when
 *    both are DATE_NONE): amber on the due day, red after it (overdue);
 *  - or, amber, when one learner has attended th->monitoring_sessions of
 *    their own sessions there since the last visit (sessions_since is the
 *    most any one learner placed there has attended: seed 002 counts each
 *    learner's sessions, never the provider's total), whichever is sooner;
 *  - fewer than th->visit_per_term visits since term_start (visits_this_term)
 *    once th->monitoring_days of the term have passed.
 * last_visit is the latest counted visit of any kind to the provider. A
 * threshold of 0 turns its part off. *due: the day-based due date, or today when the
 * sessions part is due. */
enum flag_level rules_monitoring(int last_visit, int since, int sessions_since,
                                 int visits_this_term, int term_start, int today,
                                 const struct thresholds *th, int *due,
                                 char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Safeguarding declaration and enhanced DBS (003): each missing, or older
 * than th->declaration_years (today after date + that many years), is amber;
 * one due for renewal within th->due_soon_days is amber too ("renewal due
 * on D"). */
enum flag_level rules_safeguarding(int declaration_date, int dbs_date, int today,
                                   const struct thresholds *th,
                                   char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* PSP (000, 003).
 * Review: next due = last_review (or, before any review, meeting_date) +
 * th->psp_review_weeks weeks. Overdue (today after due) red; due within
 * th->psp_review_amber_days, the due day included, amber. Both dates
 * DATE_NONE: amber, "no PSP meeting or review date recorded". */
enum flag_level rules_psp_review(int last_review, int meeting_date, int today,
                                 const struct thresholds *th, int *due,
                                 char *why, size_t why_len);

/* End: the PSP ends on end_date, or when that is DATE_NONE on
 * rules_weeks_end(start, th->psp_length_weeks). Today after the end without
 * a review whose outcome was to cease it (ceased) is amber. Written to *end
 * when not NULL. */
enum flag_level rules_psp_end(int start, int end_date, bool ceased, int today,
                              const struct thresholds *th, int *end,
                              char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Reduced timetable (003). Weekly hours below the year group's minimum
 * (rules_min_weekly_hours) make a reduced timetable. */
bool rules_is_reduced(double weekly_hours, int year_group,
                      const struct thresholds *th);

/* Progression since a reduced timetable began, as the PSP records it. */
enum rules_progression { RULES_PROGRESS_UNKNOWN = 0, RULES_PROGRESS_YES, RULES_PROGRESS_LITTLE };

struct rules_rtt {
    double weekly_hours;
    int year_group;
    int start;            /* reduced timetable start, DATE_NONE if unknown */
    int end;              /* provisional end date, DATE_NONE if none */
    bool has_psp;         /* a PSP records the arrangement */
    bool medical_ihp;     /* purely medical and set out in an IHP: no PSP needed */
    bool exit_plan;       /* an agreed plan for return to full time */
    bool authorised;      /* the Director's authorisation to go past 12 weeks */
    /* The rest of seed 003's audit matrix (Appendix 2), as the PSP records it
     * or the store knows it; zero values mean "nothing known against". */
    bool safeguarding_concern; /* the PSP's safeguarding concern ticked */
    bool looked_after;         /* the pupil is a child looked after (CLA) */
    bool concern;              /* a safeguarding concern about the pupil recorded
                                  since the reduced timetable began ... */
    int concern_date;          /* ... the latest, on this day */
    bool attendance_known;     /* attendance_pct holds this term's attendance */
    double attendance_pct;
    bool single_agency;        /* no other professional's agreement recorded */
    bool no_parent_agreement;  /* no parent/carer agreement recorded */
    double psp_hours_per_day;  /* the PSP's hours a day; <= 0: not recorded */
    double timetable_hours_per_day; /* the timetable's, over the days it has
                                       sessions; <= 0: not known */
    /* Indicators only the PSP can record (checked when has_psp); here zero
     * values mean "not recorded", which keeps the RAG from green: */
    enum rules_progression progression;
    double start_hours_per_day; /* hours a day when it began; <= 0: not recorded */
    bool la_told;              /* the LA's safeguarding officer was told */
    bool risk_assessed;        /* a risk assessment was done or reviewed ... */
    int risk_assessed_on;      /* ... last on this day */
};

/* Hours a day in the PSP and the timetable further apart than this are amber. */
#define RULES_HOURS_PER_DAY_TOLERANCE 0.5

/* The audit matrix RAG (seed 003, Appendix 2), every reason listed, the red
 * ones first:
 *   none  not reduced (or no minimum for the year group);
 *   red   no PSP (unless medical_ihp), no end date, or no exit plan; the
 *         school the single agency (no other professional's agreement); a
 *         pupil known to be at risk: the PSP's safeguarding concern ticked,
 *         looked after, or a safeguarding concern recorded since the
 *         reduced timetable began (concern); not attending: this
 *         term's attendance below th->rtt_attendance_red_pct;
 *   amber longer than th->reduced_timetable_weeks weeks - planned (start to
 *         end) or actual (start to today) - without authorisation; or still
 *         running after its provisional end date; no parent/carer agreement
 *         recorded (the matrix's parental dissatisfaction); the PSP's hours
 *         a day more than RULES_HOURS_PER_DAY_TOLERANCE from the
 *         timetable's; and, with a PSP, its indicators:
 *           - little or no progression recorded; or progression not
 *             recorded once th->psp_review_weeks weeks have passed since
 *             the start (the first review: start + 7 x weeks, that day on);
 *           - the hours a day at the start not recorded; or, from that same
 *             first review on, no increase in hours: the hours a day now
 *             (the timetable's, else the PSP's, else the weekly hours / 5)
 *             not above them;
 *           - the LA's safeguarding officer not told (green needs it);
 *           - no risk assessment recorded, or the last one more than
 *             th->psp_review_weeks weeks old (today after it + 7 x weeks);
 *   green reduced, and none of the above.
 * A 12-week timetable starting on a Monday may end on the Sunday of its 12th
 * week (rules_weeks_end). */
enum flag_level rules_reduced_timetable(const struct rules_rtt *r, int today,
                                        const struct thresholds *th,
                                        char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Costs and procurement route 1 (000). */
enum cost_basis {
    BASIS_SESSION = 0,
    BASIS_DAY,
    BASIS_WEEK,
    BASIS_YEAR,
    BASIS_COUNT
};
/* The stored strings: "session", "day", "week", "year" (LABELS_COST_BASIS's
 * codes); NULL out of range. */
const char *rules_basis_str(enum cost_basis basis);
bool rules_basis_parse(const char *text, enum cost_basis *out);

#define RULES_SCHOOL_WEEKS 39 /* weeks in the school year, the usual default */

/* A placement's or a quote's costing, as stored. */
struct rules_cost {
    enum cost_basis basis;
    int64_t rate;                   /* pence per basis unit */
    enum cost_basis transport_basis;
    int64_t transport;              /* pence per transport unit; 0 = none */
    int sessions_per_week;          /* sessions attended a week (AM/PM halves) */
    int days_per_week;              /* days attended (and travelled) a week */
};

/* One amount a year: per session x sessions_per_week x weeks, per day x
 * days_per_week x weeks, per week x weeks, per year as it is. */
int64_t rules_annual_amount(enum cost_basis basis, int64_t amount,
                            int sessions_per_week, int days_per_week,
                            int weeks_per_year);

/* Tuition plus transport for a year of weeks_per_year school weeks. */
int64_t rules_annual_cost(const struct rules_cost *c, int weeks_per_year);

/* Procurement route 1 (000: three quotations under £25,000), by counts.
 * Annual cost under th->quote_threshold (strictly) with fewer than
 * th->quotes_required quotations (quotes: the ones that count, see
 * rules_quotations) is amber, naming both numbers. At or over the threshold
 * route 1 does not apply and another procurement route is needed: amber,
 * saying so (issue 13: choosing a dear quote used to silence the warning). */
enum flag_level rules_quotes(int64_t annual_cost, int quotes,
                             const struct thresholds *th,
                             char *why, size_t why_len);

/* One quotation of a case, as rules_quotations weighs it. */
struct rules_quote {
    int64_t provider_id;
    const char *provider;        /* its name, for the reason */
    int64_t annual;              /* annualised cost incl. transport (pence) */
    bool chosen;                 /* marked as the recommended option */
    bool suspended;              /* the provider is suspended */
    bool safeguarding_no;        /* the provider has an open safeguarding No (red) */
    const char *recommend_reason; /* chosen all the same, for this recorded reason;
                                     NULL or "" for none */
};

struct rules_quote_pick {
    int pick;                    /* the recommended option: the chosen one, else the
                                    cheapest whose provider may be recommended; -1 none */
    bool chosen;                 /* pick is the chosen one */
    int counted;                 /* quotations that count for route 1 */
    bool unsafe_pick;            /* the chosen provider is suspended or red-flagged */
    bool reasoned;               /* ... and chosen with a recorded reason */
};

/* The case's quotations against route 1 (000), every reason named:
 *  - a quotation counts only if its provider is not already counted (two
 *    quotes from one provider are one) and may be recommended: not
 *    suspended, no open safeguarding No;
 *  - the recommended option is the chosen quote, else the cheapest quote
 *    from a provider that may be recommended;
 *  - rules_quotes on its annual cost and the count (amber);
 *  - a chosen provider that is suspended or red-flagged is red: it cannot
 *    be recommended ("recommended provider X is suspended"); chosen with a
 *    recorded reason (issue 13: "or only with a recorded reason, flagged"),
 *    amber while it stands, quoting the reason.
 * n == 0: none (the caller says no quotations are recorded). out may be
 * NULL. */
enum flag_level rules_quotations(const struct rules_quote *q, size_t n,
                                 const struct thresholds *th,
                                 struct rules_quote_pick *out,
                                 char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* Weekly tracking areas (000, "Tracking and Monitoring": progress is
 * tracked in the areas the purpose of the provision needs). Bit a is the
 * area a of LABELS_PROGRESS_AREA (attendance, wellbeing, engagement,
 * social, qualifications). */
#define RULES_AREA_QUALIFICATIONS 4
#define RULES_AREAS_ALL 0x1fu

/* The areas a pupil of year_group is tracked in when nothing else says:
 * attendance, wellbeing, engagement and social at every age; the
 * qualification pathway from Year th->qualifications_year (10: Key Stage
 * 4), and for a pupil whose year group is not known. A Reception child is
 * not rated on a qualification pathway (issue 13). */
unsigned rules_tracking_areas(int year_group, const struct thresholds *th);

/* The earliest year group in which a placement's purpose may track the
 * qualification pathway (secondary school, Key Stage 3). */
#define RULES_QUALIFICATIONS_EARLIEST_YEAR 7

/* The areas that apply to a pupil by the purposes of their placements
 * running today (seed 000: "linked to the purpose of the agreed
 * provision"): the union of purposes[0..n), each a set of area bits, 0 for
 * a placement whose purpose does not say (it counts as
 * rules_tracking_areas(year_group)). With no placement (n == 0), the year
 * group's areas. Whatever a purpose says, the qualification pathway never
 * applies before Year RULES_QUALIFICATIONS_EARLIEST_YEAR (a known year
 * group), and at least one area always does (attendance). */
unsigned rules_tracking_areas_for(int year_group, const unsigned *purposes, size_t n,
                                  const struct thresholds *th);

/* ------------------------------------------------------------------ */
/* KS1-3 intervention placements (004) are planned for
 * th->intervention_weeks weeks: a placement whose end date (or, while it has
 * none, today) is after rules_weeks_end(start, weeks) is amber. */
enum flag_level rules_intervention(int start, int end, int today,
                                   const struct thresholds *th,
                                   char *why, size_t why_len);

#endif
