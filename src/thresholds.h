#ifndef APTERM_THRESHOLDS_H
#define APTERM_THRESHOLDS_H

#include <stdint.h>

/* Every threshold of DOMAIN.md's rules table. Defaults come from
 * thresholds_default() (each stated once, in src/config.c's table of
 * settings beside its key and limits); apterm.ini [rules] may change each one. Money is in
 * pence, hours are in hours (a double: 23.5 h), periods in the unit named. */

enum year_band {
    BAND_RECEPTION_Y2 = 0, /* Reception to Year 2 */
    BAND_Y3_Y6,
    BAND_Y7_Y10,
    BAND_Y11,
    BAND_COUNT
};

struct thresholds {
    /* Registration: full time is >= fulltime_hours a week; 5+ such pupils, or
     * one looked-after pupil, or one with an EHCP/IDP, needs registration. */
    double fulltime_hours;            /* 18 */
    int registration_pupils;          /* 5 */

    /* Insurance minimums, in pence. */
    int64_t public_liability_min;     /* £5m */
    int64_t employers_liability_min;  /* £10m */
    int64_t professional_indemnity_min; /* £2m */

    /* QA visits. */
    int qa_stage1_months;             /* 12 */
    int qa_stage2_months;             /* 24 */
    int qa_stage2_after_concern_days; /* 30: Stage 2 due this soon after a concern */
    int qa_followup_days;             /* 28: a follow-up visit after an Unsatisfactory outcome or a safeguarding No */
    int monitoring_days;              /* 31: at least monthly */
    int monitoring_sessions;          /* 10: or every ten sessions attended */
    int visit_per_term;               /* 1: at least one visit each term (0 = off) */
    int due_soon_days;                /* 28: a visit or renewal due within this is amber */

    /* Safeguarding declaration and enhanced DBS. */
    int declaration_years;            /* 3 */

    /* PSP. */
    int psp_review_weeks;             /* 6 */
    int psp_review_amber_days;        /* 7: due within a week is amber */
    int psp_length_weeks;             /* 16 */

    /* Reduced timetables: minimum weekly hours per year band. */
    double min_weekly_hours[BAND_COUNT]; /* 21, 23.5, 24, 25 */
    int reduced_timetable_weeks;      /* 12 */
    double rtt_attendance_red_pct;    /* 50: a reduced timetable with attendance below this is red (not attending) */

    /* Procurement route 1. */
    int64_t quote_threshold;          /* £25,000 in pence */
    int quotes_required;              /* 3 */

    /* Weekly tracking: the qualification pathway is tracked from this year group. */
    int qualifications_year;          /* 10: Key Stage 4 */

    /* KS1-3 intervention placements. */
    int intervention_weeks;           /* 16 */

    /* Attendance. */
    double persistent_absence_pct;    /* 90: below this is flagged */
    int unauth_amber_sessions;        /* 3 consecutive unauthorised sessions */
    int unauth_red_days;              /* 10 continuous school days */
};

/* Every threshold at its default (src/config.c). */
void thresholds_default(struct thresholds *t);

#endif
