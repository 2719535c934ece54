#include "thresholds.h"

#include <string.h>

/* The defaults of DOMAIN.md's rules table. Money is in pence. */
void thresholds_default(struct thresholds *t)
{
    memset(t, 0, sizeof *t);

    t->fulltime_hours = 18.0;
    t->registration_pupils = 5;

    t->public_liability_min = INT64_C(5000000) * 100;        /* £5m */
    t->employers_liability_min = INT64_C(10000000) * 100;    /* £10m */
    t->professional_indemnity_min = INT64_C(2000000) * 100;  /* £2m */

    t->qa_stage1_months = 12;
    t->qa_stage2_months = 24;
    t->qa_stage2_after_concern_days = 30;
    t->qa_followup_days = 28;
    t->monitoring_days = 31;
    t->monitoring_sessions = 10;
    t->visit_per_term = 1;
    t->due_soon_days = 28;

    t->declaration_years = 3;

    t->psp_review_weeks = 6;
    t->psp_review_amber_days = 7;
    t->psp_length_weeks = 16;

    /* The seed Welsh county's local policy, not national law. */
    t->min_weekly_hours[BAND_RECEPTION_Y2] = 21.0;
    t->min_weekly_hours[BAND_Y3_Y6] = 23.5;
    t->min_weekly_hours[BAND_Y7_Y10] = 24.0;
    t->min_weekly_hours[BAND_Y11] = 25.0;
    t->reduced_timetable_weeks = 12;
    t->rtt_attendance_red_pct = 50.0;

    t->quote_threshold = INT64_C(25000) * 100;               /* £25,000 */
    t->quotes_required = 3;

    t->intervention_weeks = 16;
    t->qualifications_year = 10;

    t->persistent_absence_pct = 90.0;
    t->unauth_amber_sessions = 3;
    t->unauth_red_days = 10;
}
