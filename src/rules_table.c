#include "rules.h"

#include <string.h>

/* Every flag apterm raises, in one place: what it checks, from which facts,
 * where the rule comes from (the seed documents of ../shared/seeds and their
 * sections, DOMAIN.md), which apterm.ini [rules] keys set its thresholds,
 * and what its reason names as evidence. The rules themselves are the
 * functions of rules.h; db/flags.c gathers their inputs. Kept in the order
 * of db/flags.h's FLAG_KIND_* (test_rules checks every kind has a row). */
static const struct rules_info table[] = {
    {"registration", "rules_registration",
     "provider registration type; each pupil placed today: weekly hours there (each session once), looked "
     "after, EHCP/IDP",
     "001 and 002 (DfE registration): full time is 18 h a week",
     "fulltime_hours, registration_pupils",
     "red: how many pupils at 18 h/week or more, how many looked after or with an EHCP/IDP"},
    {"provider_suspended", "db/flags.c",
     "provider status; pupils placed today and placements proposed there",
     "000 (provider due diligence)", "",
     "amber: how many pupils are placed and placements proposed at a suspended provider"},
    {"insurance", "rules_insurance",
     "public liability, employer's liability, professional indemnity, motor and subcontractor cover, expiry",
     "001 (Appendix 1: insurance with minimum cover)",
     "public_liability_min, employers_liability_min, professional_indemnity_min, due_soon_days",
     "amber: each shortfall against its minimum, cover missing, expired or expiring"},
    {"qa_stage1", "rules_qa_stage1",
     "the latest counted Stage 1 visit (closed, every item answered: view qa_visit_counted) and its outcome",
     "000 (QA Stage 1, annual)", "qa_stage1_months, qa_followup_days, due_soon_days",
     "red overdue, or an Unsatisfactory visit not yet followed up (its date and the follow-up date); amber due "
     "soon"},
    {"qa_stage2", "rules_qa_stage2",
     "the latest counted Stage 2 visit and its outcome; first use of the provider; the latest concern",
     "000 (QA Stage 2, two-yearly, sooner after a concern)",
     "qa_stage2_months, qa_stage2_after_concern_days, qa_followup_days, due_soon_days",
     "red overdue or Unsatisfactory not followed up; amber due soon; the concern that brought it forward"},
    {"monitoring", "rules_monitoring",
     "the latest counted visit of any stage; when the current placements began; the most sessions any one "
     "learner attended there since; counted visits this term",
     "002 (a visit monthly or every ten of the learner's sessions, whichever is sooner); 001 (a visit a term)",
     "monitoring_days, monitoring_sessions, visit_per_term",
     "red overdue by date; amber due today, a learner's session count, or no visit this term"},
    {"qa_safeguarding", "db/qa.h qa_safeguarding_open",
     "safeguarding checklist items answered No and not Yes at a later counted visit",
     "000 (QA Stage 1: safeguarding), 001 (Appendix 1)", "qa_followup_days",
     "red: the item's wording, the visit and its date, the follow-up date"},
    {"safeguarding", "rules_safeguarding",
     "the provider's safeguarding declaration and enhanced DBS dates",
     "003 (safeguarding declaration for providers)", "declaration_years, due_soon_days",
     "amber: missing, older than 3 years, or due for renewal, with the dates"},
    {"persistent_absence", "rules_persistent_absence",
     "this term's sessions by category (attendance_week)", "common practice (DOMAIN.md)",
     "persistent_absence_pct", "amber: the attendance % and the sessions attended of possible"},
    {"unauthorised_run", "rules_unauthorised_run",
     "the pupil's marks, oldest first, by category", "Welsh registration regulations (DOMAIN.md)",
     "unauth_amber_sessions, unauth_red_days",
     "amber sessions in a row, red school days in a row (the LA must be told), from which date"},
    {"reduced_timetable", "rules_reduced_timetable",
     "weekly hours (each session once) against the year group's minimum; the PSP's reduced-timetable section "
     "(dates, exit plan, authorisation, concern ticked, agreements, hours a day, progression, hours a day at the "
     "start, LA safeguarding officer told, risk assessment); CLA; safeguarding concerns since it began; this "
     "term's attendance; the timetable's hours a day",
     "003 (reduced timetables; Appendix 2, the audit matrix)",
     "min_hours_reception_y2, min_hours_y3_y6, min_hours_y7_y10, min_hours_y11, reduced_timetable_weeks, "
     "rtt_attendance_red_pct, psp_review_weeks",
     "red or amber with every indicator of the matrix that fails, red ones first"},
    {"psp_review", "rules_psp_review",
     "the PSP's meeting, its latest review and the next review date set", "000, 003 (reviews every 6 weeks)",
     "psp_review_weeks, psp_review_amber_days", "red overdue since a date; amber due on a date"},
    {"psp_end", "rules_psp_end", "the PSP's end date (or start + length) and a ceasing review",
     "003, common LA practice (PSPs are time-limited)", "psp_length_weeks",
     "amber: past its end date without a ceasing review"},
    {"intervention", "rules_intervention", "KS1-3 intervention placements: start, end, planned weeks",
     "004 (16-week intervention placements)", "intervention_weeks",
     "amber: the placement and the date its weeks ended"},
    {"quotations", "rules_quotations",
     "the open case's quotations: annual cost with transport, chosen (and the reason recorded for choosing an "
     "unsafe provider), provider suspended or with an open safeguarding No; the panel date",
     "000 (Procurement Route 1: three quotations under £25,000)", "quote_threshold, quotes_required",
     "amber: quotations that count and needed, the quotes not counted and why, or another route needed at or "
     "over the threshold, or a suspended or red-flagged provider recommended for the reason it quotes; red: such "
     "a provider chosen without a reason"},
};

const struct rules_info *rules_info_all(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const struct rules_info *rules_info_for(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].kind, kind) == 0)
            return &table[i];
    return NULL;
}
