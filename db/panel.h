#ifndef APTERM_PANEL_H
#define APTERM_PANEL_H

/* Inclusion Panel cases, their quotations and the panel's decisions.
 *
 * A case is a pupil referred to the fortnightly panel (DOMAIN.md "Panel
 * case"): the reason raised, the referral and panel dates, the triage
 * recommendation, and - once the panel has met - its decision and the
 * case's status (open until then; agreed, declined, deferred or
 * withdrawn). Each case gathers quotations from providers (procurement
 * route 1: three under £25,000); one of them may be chosen as the
 * recommended option (the unique index quote_one_chosen allows one per
 * case).
 *
 * Text fields are NUL-terminated UTF-8; a value longer than its field is
 * refused by the validate functions, never cut. Codes (reason, status, cost
 * basis) are the stored strings; db/labels.h has their words. Money is
 * pence; a date is an apterm date (date.h), DATE_NONE when absent.
 *
 * Every write is one transaction. Updates, deletes, choosing and recording
 * a decision succeed only at the version the caller read (else
 * AP_ERR_CONFLICT naming who changed the row and when, or AP_ERR_NOT_FOUND
 * naming who deleted it). Validation failures are AP_ERR_INVALID with a
 * detail starting with the field's label as the forms show it
 * ("Referral date: 2027-01-03 is in the future"). No curses here. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "status.h"
#include "store.h"

/* ---- cases ---- */

#define PANEL_REASON_SIZE 1001  /* a reason to recommend a quotation all the same: 1000 bytes */
#define PANEL_TEXT_MAX 2000     /* triage recommendation and decision, in bytes */

struct panel_case {
    int64_t id;                     /* 0 until inserted */
    int64_t pupil_id;
    char reason[24];                /* LABELS_CASE_REASON */
    int referral_date;              /* required; not after today */
    char triage_recommendation[PANEL_TEXT_MAX + 1];  /* may hold newlines */
    int panel_date;                 /* DATE_NONE: not yet listed for a panel */
    char decision[PANEL_TEXT_MAX + 1];               /* may hold newlines */
    char status[12];                /* LABELS_CASE_STATUS */
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A new case's defaults: for pupil_id, at risk of permanent exclusion,
 * referred today, no panel date, open. */
void panel_case_init(struct panel_case *c, int64_t pupil_id, int today);

/* Checks every field:
 *   Pupil          a pupil must be given (its existence is checked by the write)
 *   Reason         one of LABELS_CASE_REASON
 *   Referral date  given, 1900..2199, not after today
 *   Panel date     optional; not before the referral date
 *   Status         one of LABELS_CASE_STATUS
 *   Decision       required once agreed, declined or deferred (what the panel
 *                  decided); such a case needs its panel date too, today
 *                  or earlier (a panel decides once it has met)
 * The writes also refuse a panel date from today on that is not a school
 * day by the calendar (panels meet in term).
 *   texts          valid UTF-8, no control characters but newlines and tabs */
ap_status panel_case_validate(const struct panel_case *c, int today);

/* Insert sets id and version 1. Update writes every column of the row at
 * c->version and raises it. Refused (AP_ERR_INVALID, "Pupil: ...") when the
 * pupil does not exist. */
ap_status panel_case_insert(struct store *s, struct panel_case *c, int today);
ap_status panel_case_update(struct store *s, struct panel_case *c, int today);
ap_status panel_case_get(struct store *s, int64_t id, struct panel_case *out);

/* Deletes the case and its quotations. Refused (AP_ERR_INVALID, saying why)
 * unless the case is open and no placement refers to it: a decided case is
 * the record of the panel's decision (withdraw it with a decision instead). */
ap_status panel_case_delete(struct store *s, int64_t id, int64_t version);

/* Records the panel's decision on the case at *version: status (agreed,
 * declined, deferred, withdrawn - or open again, to correct a mistake),
 * the decision in words and the date of the panel (DATE_NONE keeps the
 * case's own). Validated as panel_case_validate does; raises *version. */
ap_status panel_case_decide(struct store *s, int64_t id, int64_t *version, const char *status,
                            const char *decision, int panel_date, int today);

/* The Thursday of the week before the panel: the day referrals for that
 * panel must be received by the Pupil Referral Team (seed 004); when that
 * Thursday is not a school day by cal (a holiday or closure day), the school
 * day before it. cal NULL, or a calendar with no terms: every weekday is a
 * school day. DATE_NONE for DATE_NONE. */
int panel_referral_deadline(const struct calendar *cal, int panel_date);

/* The panel date to offer a new case on today: the earliest of dates (the
 * panels listed so far) that is today or later, a school day, and whose
 * referral deadline has not passed; past the deadline of the next one,
 * the fortnightly panel after it, skipping dates outside term. DATE_NONE
 * when no panel is listed from today on. */
int panel_offer_date(const struct calendar *cal, const int *dates, size_t n, int today);

/* One case as the list shows it. */
struct panel_case_row {
    int64_t id, pupil_id;
    char pupil_name[204];           /* roll_display_name: preferred or legal forename, surname */
    char legal_name[204];           /* "Forename Surname" as registered, for searching */
    char upn[14];
    int dob;
    char reason[24];
    int referral_date, panel_date;
    char status[12];
    int quotes;                     /* quotations recorded */
    bool has_chosen;
    int64_t chosen_annual;          /* the chosen quotation's annual total incl. transport; 0 when none */
    char chosen_provider[121];      /* "" when none */
    int64_t version;
};

/* Every case, newest referral first (then id). *out is a malloc'd array of
 * *n (NULL when none) that the caller frees with free(). */
ap_status panel_case_list(struct store *s, struct panel_case_row **out, size_t *n);

/* The distinct panel dates of the cases, latest first, into a malloc'd
 * array the caller frees. For the filter's and the export's choices. */
ap_status panel_dates(struct store *s, int **out, size_t *n);

/* ---- quotations ---- */

struct panel_quote {
    int64_t id;                     /* 0 until inserted */
    int64_t case_id, provider_id;
    char cost_basis[8];             /* LABELS_COST_BASIS */
    int64_t rate;                   /* pence per basis unit; more than 0 */
    int sessions_per_week;          /* half-day sessions, 0..10 */
    double hours_per_week;          /* 0..60 */
    int64_t transport_per_week;     /* pence; 0 = none */
    char notes[1001];               /* may hold newlines */
    bool chosen;                    /* the recommended option (panel_quote_choose) */
    char recommend_reason[PANEL_REASON_SIZE]; /* why it was chosen although its provider may not
                                       be recommended; "" when none (panel_quote_choose) */
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A quotation's costs over a school year of RULES_SCHOOL_WEEKS (39) weeks,
 * exactly as the Inclusion Panel pack works them out (db/report.h "Annual
 * cost"): tuition by the cost basis (sessions a week; days a week are the
 * whole days the half-day sessions fill, (sessions + 1) / 2) through
 * rules_annual_amount, plus transport per week x 39. */
struct panel_cost {
    int64_t tuition;                /* a year's tuition */
    int64_t transport;              /* a year's transport */
    int64_t total;                  /* the two together: the annualised cost */
    int64_t per_week;               /* tuition / 39, to the nearest penny */
    bool has_per_session;           /* false when no sessions a week are given */
    int64_t per_session;            /* tuition / (39 x sessions), to the nearest penny */
};
void panel_quote_cost(const struct panel_quote *q, struct panel_cost *out);

/* A new quotation's defaults for the case: per session, no sessions. */
void panel_quote_init(struct panel_quote *q, int64_t case_id);

/* Checks every field:
 *   Provider           one must be chosen
 *   Cost basis         one of LABELS_COST_BASIS
 *   Rate               more than £0.00
 *   Sessions a week    0..10; at least 1 for a price per session or per day
 *   Hours a week       0..60
 *   Transport a week   0 or more
 *   Notes              valid UTF-8 */
ap_status panel_quote_validate(const struct panel_quote *q);

/* Insert sets id and version 1 (never chosen: panel_quote_choose does
 * that); update writes the row at q->version, keeping whether it is chosen,
 * and raises it. Both refused (AP_ERR_INVALID) when the case or the provider
 * does not exist, or when the case is decided (agreed, declined or
 * withdrawn: its quotations are part of the record of the decision; a
 * deferred case may gather more). */
ap_status panel_quote_insert(struct store *s, struct panel_quote *q);
ap_status panel_quote_update(struct store *s, struct panel_quote *q);
ap_status panel_quote_get(struct store *s, int64_t id, struct panel_quote *out);
/* Deletes the quotation at version; refused as insert is for a decided case. */
ap_status panel_quote_delete(struct store *s, int64_t id, int64_t version);

/* Marks the quotation at *version as its case's recommended option,
 * clearing the case's previous choice (and its reason) in the same
 * transaction; raises *version. Refused as insert is for a decided case.
 * When the provider is suspended or has a safeguarding item answered No and
 * not yet Yes as of today (db/qa.h), it may be recommended only with a
 * reason (issue 13): reason NULL or blank is refused (AP_ERR_INVALID,
 * "Provider: ... it cannot be the recommended option without a reason"), a
 * bad reason too ("Reason: ..."); a reason is stored in recommend_reason
 * (audited) and the quotations flag stays raised, quoting it, while the
 * choice stands (src/rules.h rules_quotations). For any other provider the
 * reason is not needed and not kept. */
ap_status panel_quote_choose(struct store *s, int64_t id, int64_t *version, const char *reason, int today);
/* Clears the choice of the quotation at *version (the case then has none)
 * and its reason; raises *version. */
ap_status panel_quote_unchoose(struct store *s, int64_t id, int64_t *version);

/* ---- a decision becomes a placement ---- */

/* Issue 13: recording "Agreed" on a case with a chosen quotation offers the
 * placement, so nothing is keyed twice. Writes a proposed placement for the
 * case's pupil from its chosen quotation: the provider, cost basis, rate
 * and transport a week; its sessions a week laid out from Monday AM in the
 * sessions the pupil's active placements leave free on start, the hours a
 * week shared among them (at most PLACEMENT_SESSION_MAX_HOURS each, 3 h
 * when the quotation gives none); from start; linked to the case
 * (panel_case_id); its purpose the case's decision, cut to fit. Refused
 * (AP_ERR_INVALID, saying why) unless the case is agreed and has a chosen
 * quotation, or when a placement already came from the case. The placement
 * is written by placement_insert (one transaction, its checks); *out is it,
 * with its id. */
struct placement;
ap_status panel_case_make_placement(struct store *s, int64_t case_id, int start, struct placement *out);

/* One quotation as the case shows it. */
struct panel_quote_row {
    struct panel_quote q;
    char provider[121];
    char provider_status[12];       /* LABELS_PROVIDER_STATUS */
    struct panel_cost cost;
};

/* The case's quotations in the order they were entered. *out is a malloc'd
 * array of *n (NULL when none) that the caller frees with free(). */
ap_status panel_quote_list(struct store *s, int64_t case_id, struct panel_quote_row **out, size_t *n);

#endif
