#include "export_dmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "export_panel.h"
#include "labels.h"
#include "money.h"
#include "report.h"
#include "rules.h"


struct dmt {
    struct xlsx *x;
    const struct report_dmt *r;
    const struct export_dmt_request *req;
    char subtitle[400];
};

static void attendance_rule(struct xlsx_sheet *s, int first, int last, int c, double threshold_pct)
{
    s = xlsx_locate(s, &c); /* a split sheet: the page with the column */
    char col[4], formula[96];
    xlsx_col_name(c, col);
    snprintf(formula, sizeof formula, "=AND(ISNUMBER(%s%d),%s%d<%.6g)", col, first + 1, col, first + 1,
             threshold_pct / 100.0);
    xlsx_flag_rule(s, first, c, last, c, formula, s->x->f.amber);
}

/* ------------------------------------------------------------------ */
/* Summary */

static void summary_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Summary", "Value for money: Alternative Provision", d->subtitle);
    if (!s)
        return;
    static const char *const headers[] = {"Measure", "Value", "How it is worked out"};
    xlsx_cap(s, 0, 40);
    xlsx_cap(s, 2, 90);
    const struct report_vfm *t = &r->total;
    double pct;
    bool has_pct = report_att_fraction(&t->att, &pct);
    char line[600], money[MONEY_LEN], on[16];
    int row = XLSX_HDR;
#define KPI(label, how) (row++, xlsx_text(s, row, 0, label, f->bold), xlsx_text(s, row, 2, how, f->wrap))
    KPI("From", "The first day of the period.");
    xlsx_date(s, row, 1, r->from);
    KPI("To", "The last day of the period.");
    xlsx_date(s, row, 1, r->to);
    KPI("School days", "Weekdays inside a term that are not closure days (the calendar in the store).");
    xlsx_int(s, row, 1, r->school_days);
    if (r->school_days_after_today > 0)
        snprintf(line, sizeof line,
                 "The period ends after today (%s): committed spend counts these school days, which have not yet "
                 "happened; actual spend and attendance count only the sessions marked so far.",
                 xlsx_uk_date(r->today, on, sizeof on));
    else
        snprintf(line, sizeof line, "School days of the period after today (%s): none, the period is over.",
                 xlsx_uk_date(r->today, on, sizeof on));
    KPI("School days after today", line);
    xlsx_int(s, row, 1, r->school_days_after_today);
    KPI("Pupils", "Pupils with a placement (active or ended, never proposed) running on a school day of the "
                  "period, or with an attendance mark in it.");
    xlsx_int(s, row, 1, t->pupils);
    KPI("Providers", "Providers of those placements.");
    xlsx_int(s, row, 1, (int64_t)r->n_providers);
    KPI("Placements", "Placements (active or ended) running on at least one school day of the period.");
    xlsx_int(s, row, 1, t->placements);
    snprintf(line, sizeof line,
             "Each placement's annual cost (tuition for %d school weeks by its cost basis, plus transport for %d "
             "weeks) spread evenly over the %d school days of a %d-week year, times the school days in the period "
             "on which it runs; to the penny per placement. What the placements commit the authority to, "
             "attended or not.",
             RULES_SCHOOL_WEEKS, RULES_SCHOOL_WEEKS, REPORT_SCHOOL_DAYS_PER_YEAR, RULES_SCHOOL_WEEKS);
    KPI("Committed spend", line);
    xlsx_money(s, row, 1, t->committed);
    snprintf(line, sizeof line,
             "Each placement's annual cost spread evenly over its timetabled sessions of a %d-week year (sessions a "
             "week x %d), times the sessions attended (present or approved educational activity) that belong to "
             "it; to the penny per placement. A mark belongs to the placement whose timetable has that weekday and "
             "session on that day.",
             RULES_SCHOOL_WEEKS, RULES_SCHOOL_WEEKS);
    KPI("Actual spend (sessions attended)", line);
    xlsx_money(s, row, 1, t->actual);
    KPI("Committed but not attended", "Committed spend minus actual spend: the cost of sessions not attended.");
    xlsx_money(s, row, 1, t->committed - t->actual);
    KPI("Sessions possible", "AM and PM sessions marked with a code that counts (all but not-counted codes such as "
                             "D, X or #).");
    xlsx_int(s, row, 1, t->att.possible);
    KPI("Sessions attended", "Sessions marked present or approved educational activity.");
    xlsx_int(s, row, 1, t->att.attending);
    KPI("Attendance", "Sessions attended / sessions possible.");
    xlsx_pct(s, row, 1, has_pct, pct);
    KPI("Attended hours", "The timetabled hours of the attended sessions that belong to a placement.");
    xlsx_number(s, row, 1, t->attended_hours, f->hours);
    KPI("Cost per attended session", "Committed spend / attended sessions that belong to a placement.");
    xlsx_money_or_blank(s, row, 1, t->has_cost_per_session, t->cost_per_session);
    KPI("Cost per attended hour", "Committed spend / attended hours.");
    xlsx_money_or_blank(s, row, 1, t->has_cost_per_hour, t->cost_per_hour);
    snprintf(line, sizeof line, "Pupils whose attendance in the period is below %g%% (apterm.ini [rules] "
                                "persistent_absence_pct).",
             r->threshold_pct);
    KPI("Pupils below the attendance threshold", line);
    xlsx_int(s, row, 1, r->pupils_below_threshold);
    KPI("Attended sessions outside any placement", "Attended sessions on a weekday and session no placement "
                                                   "timetables: counted in attendance, not in spend.");
    xlsx_int(s, row, 1, r->unplaced_attended);
    if (r->retained_months || r->retained_partial) {
        char partial[160] = "";
        if (r->retained_partial == 1)
            snprintf(partial, sizeof partial, " 1 month of them is only partly in the period and is left out.");
        else if (r->retained_partial > 1)
            snprintf(partial, sizeof partial, " %d months of them are only partly in the period and are left out.",
                     r->retained_partial);
        snprintf(line, sizeof line,
                 "Months whose anonymised counts of pupils erased under the retention rule (apterm retention) are "
                 "included above, so that erasing them changes no figure. They are kept by month, provider and "
                 "cohort, so only months wholly in the period count, and erased pupils are counted month by month "
                 "(the most in any one month).%s",
                 partial);
        KPI("Counts kept of erased pupils", line);
        xlsx_int(s, row, 1, r->retained_months);
    }
#undef KPI
    int last = row;
    xlsx_table(s, XLSX_HDR, last, 3, headers, NULL, NULL, NULL);
    int note = last + 2;
    snprintf(line, sizeof line,
             "Money is in pounds; every sum is the sum of the rows it totals. Procurement route 1 applies under %s. "
             "QA status and flags are as on %s.",
             money_format_short(d->req->th->quote_threshold, money, sizeof money), xlsx_uk_date(r->today, on, sizeof on));
    xlsx_paragraph(s, note, 0, 2, line, f->note);
    if (r->school_days_after_today > 0) {
        char until[16];
        snprintf(line, sizeof line,
                 "This period runs to %s, after today: %d of its %d school days have not happened yet, so committed "
                 "spend includes days not yet reached.",
                 xlsx_uk_date(r->to, until, sizeof until), r->school_days_after_today, r->school_days);
        xlsx_paragraph(s, ++note, 0, 2, line, f->bold);
    }
    xlsx_finish_sheet(s, XLSX_HDR, note, 2, -1);
}

/* ------------------------------------------------------------------ */
/* Providers, pupils, cohorts */

/* Where a sheet has the value-for-money columns; -1 for one it has not. */
struct vfm_cols {
    int pupils, placements, days, committed, actual, gap, possible, attended, pct, hours, per_session, per_hour;
    bool sum_pupils;                /* the total row sums the pupils (not a provider's: a pupil may attend two) */
};

static void int_or_none(struct xlsx_sheet *s, int row, int col, int64_t value)
{
    if (col >= 0)
        xlsx_int(s, row, col, value);
}

/* A row's value-for-money cells; pct when has_pct. */
static void vfm_cells(struct xlsx_sheet *s, int rr, const struct vfm_cols *c, const struct report_vfm *v, bool has_pct,
                      double pct)
{
    int_or_none(s, rr, c->pupils, v->pupils);
    int_or_none(s, rr, c->placements, v->placements);
    int_or_none(s, rr, c->days, v->placement_days);
    xlsx_money(s, rr, c->committed, v->committed);
    xlsx_money(s, rr, c->actual, v->actual);
    if (c->gap >= 0)
        xlsx_money(s, rr, c->gap, v->committed - v->actual);
    xlsx_int(s, rr, c->possible, v->att.possible);
    xlsx_int(s, rr, c->attended, v->att.attending);
    xlsx_pct(s, rr, c->pct, has_pct, pct);
    xlsx_number(s, rr, c->hours, v->attended_hours, s->x->f.hours);
    xlsx_money_or_blank(s, rr, c->per_session, v->has_cost_per_session, v->cost_per_session);
    if (c->per_hour >= 0)
        xlsx_money_or_blank(s, rr, c->per_hour, v->has_cost_per_hour, v->cost_per_hour);
}

/* t added into sum, as the total row sums the rows. */
static void vfm_sum(struct report_vfm *sum, const struct report_vfm *t)
{
    sum->pupils += t->pupils;
    sum->placements += t->placements;
    sum->placement_days += t->placement_days;
    sum->committed += t->committed;
    sum->actual += t->actual;
    sum->att.possible += t->att.possible;
    sum->att.attending += t->att.attending;
    sum->attended_hours += t->attended_hours;
}

/* The table of rows (from XLSX_HDR + 1) with its total row after them (t:
 * the totals), or a row saying none when there are no rows; the attendance
 * rule on the rows; the sheet finished. */
static void vfm_table(struct dmt *d, struct xlsx_sheet *s, size_t rows, const char *none, int ncols,
                      const char *const headers[], const struct vfm_cols *c, const struct report_vfm *t)
{
    const struct xlsx_formats *f = &d->x->f;
    if (rows == 0) {
        int last = xlsx_rows_or_none(s, 0, none);
        xlsx_table(s, XLSX_HDR, last, ncols, headers, NULL, NULL, NULL);
        xlsx_finish_sheet(s, XLSX_HDR, last, ncols - 1, 1);
        return;
    }
    int totals[XLSX_MAX_COLS] = {0};
    lxw_format *formats[XLSX_MAX_COLS] = {0};
    double values[XLSX_MAX_COLS] = {0};
    totals[0] = XLSX_TOTAL_LABEL;
    struct {
        int col;
        double value;
        lxw_format *fmt;
    } sums[] = {
        {c->sum_pupils ? c->pupils : -1, t->pupils, f->integer},
        {c->placements, t->placements, f->integer},
        {c->days, t->placement_days, f->integer},
        {c->committed, (double)t->committed / 100.0, f->money_bold},
        {c->actual, (double)t->actual / 100.0, f->money_bold},
        {c->gap, (double)(t->committed - t->actual) / 100.0, f->money_bold},
        {c->possible, t->att.possible, f->integer},
        {c->attended, t->att.attending, f->integer},
        {c->hours, t->attended_hours, f->hours},
    };
    for (size_t k = 0; k < sizeof sums / sizeof sums[0]; k++) {
        if (sums[k].col < 0)
            continue;
        totals[sums[k].col] = XLSX_TOTAL_SUM;
        values[sums[k].col] = sums[k].value;
        formats[sums[k].col] = sums[k].fmt;
    }
    int last = XLSX_HDR + (int)rows + 1; /* with the total row */
    xlsx_table(s, XLSX_HDR, last, ncols, headers, totals, values, formats);
    attendance_rule(s, XLSX_HDR + 1, last - 1, c->pct, d->r->threshold_pct);
    xlsx_finish_sheet(s, XLSX_HDR, last, ncols - 1, 1);
}

static void providers_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, "Providers", "Spend and attendance by provider", "Provider attendance",
                                                "Attendance and cost per attended session by provider", d->subtitle, 8, 1);
    if (!s)
        return;
    static const char *const headers[] = {
        "Provider", "Registration", "Pupils", "Placements", "Placement days", "Committed", "Actual",
        "Not attended", "Sessions possible", "Sessions attended", "Attendance", "Attended hours",
        "Cost per attended session", "Cost per attended hour", "QA",
    };
    enum { C_NAME, C_REG, C_PUPILS, C_PLACEMENTS, C_DAYS, C_COMMITTED, C_ACTUAL, C_GAP, C_POSSIBLE, C_ATTENDED,
           C_PCT, C_HOURS, C_PER_SESSION, C_PER_HOUR, C_QA, NCOLS };
    static const struct vfm_cols cols = {C_PUPILS, C_PLACEMENTS, C_DAYS, C_COMMITTED, C_ACTUAL, C_GAP, C_POSSIBLE,
                                         C_ATTENDED, C_PCT, C_HOURS, C_PER_SESSION, C_PER_HOUR, false};
    xlsx_cap(s, C_NAME, 28);
    xlsx_cap(s, C_REG, 18);
    struct report_vfm sum = {0};
    for (size_t i = 0; i < r->n_providers; i++) {
        const struct report_dmt_provider *p = &r->providers[i];
        int rr = XLSX_HDR + 1 + (int)i;
        double pct;
        bool has = report_att_fraction(&p->v.att, &pct);
        xlsx_text(s, rr, C_NAME, p->qa.name, f->bold_wrap);
        xlsx_text(s, rr, C_REG, label_text(LABELS_REGISTRATION, p->qa.registration), f->wrap);
        vfm_cells(s, rr, &cols, &p->v, has, pct);
        xlsx_text(s, rr, C_QA, xlsx_rag(p->qa.flags.worst), f->bold);
        vfm_sum(&sum, &p->v);
    }
    vfm_table(d, s, r->n_providers, "No placements in the period", NCOLS, headers, &cols, &sum);
    if (r->n_providers)
        xlsx_rag_rules(s, XLSX_HDR + 1, XLSX_HDR + (int)r->n_providers, C_QA, C_QA, C_QA);
}

enum { P_NAME, P_UPN, P_COHORT, P_YEAR, P_PROVIDERS, P_PLACEMENTS, P_COMMITTED, P_ACTUAL, P_POSSIBLE,
       P_ATTENDED, P_PCT, P_HOURS, P_PER_SESSION, P_NCOLS };
static const struct vfm_cols pupil_cols = {-1, P_PLACEMENTS, -1, P_COMMITTED, P_ACTUAL, -1, P_POSSIBLE, P_ATTENDED,
                                           P_PCT, P_HOURS, P_PER_SESSION, -1, false};

static void pupil_row(struct xlsx_sheet *s, int rr, const struct report_dmt_pupil *u)
{
    const struct xlsx_formats *f = &s->x->f;
    char y[24];
    xlsx_text(s, rr, P_NAME, u->name, f->bold_wrap);
    xlsx_text(s, rr, P_UPN, u->upn, f->text);
    xlsx_text(s, rr, P_COHORT, label_text(LABELS_COHORT, u->cohort), f->wrap);
    xlsx_text(s, rr, P_YEAR, rules_year_group_name(u->year_group, y, sizeof y), f->text);
    xlsx_text(s, rr, P_PROVIDERS, u->providers, f->wrap);
    vfm_cells(s, rr, &pupil_cols, &u->v, u->has_pct, u->pct);
}

/* A row per pupil: at 50,000 pupils most of the workbook's cells, so these
 * two sheets are streamed (src/xlsx_util.h: each row written out as the next
 * is begun, not kept until the workbook is closed). The rows are run twice:
 * once to measure the columns, once to write them. */
static void pupils_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    xlsx_stream_sheets(x, true);
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, "Pupils", "Spend and attendance by pupil", "Pupil attendance",
                                                "Attendance and cost per attended session by pupil", d->subtitle, 8, 2);
    xlsx_stream_sheets(x, false);
    if (!s)
        return;
    static const char *const headers[] = {
        "Pupil", "UPN", "Cohort", "Year group", "Providers", "Placements", "Committed", "Actual",
        "Sessions possible", "Sessions attended", "Attendance", "Attended hours", "Cost per attended session",
    };
    xlsx_cap(s, P_NAME, 20);
    xlsx_cap(s, P_COHORT, 16);
    xlsx_cap(s, P_PROVIDERS, 30);
    for (size_t i = 0; i < r->n_pupils && x->status == AP_OK; i++)
        pupil_row(s, XLSX_HDR + 1 + (int)i, &r->pupils[i]);
    xlsx_stream_header(s, XLSX_HDR, P_NCOLS, headers);
    struct report_vfm sum = {0};
    for (size_t i = 0; i < r->n_pupils && x->status == AP_OK; i++) {
        pupil_row(s, XLSX_HDR + 1 + (int)i, &r->pupils[i]);
        vfm_sum(&sum, &r->pupils[i].v);
        if (i % 1024 == 1023)
            xlsx_progress(x, 0.7 + 0.1 * (double)i / (double)r->n_pupils, "Writing the pupils");
    }
    vfm_table(d, s, r->n_pupils, "No pupils in the period", P_NCOLS, headers, &pupil_cols, &sum);
}

static void cohorts_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, "Cohorts", "Spend and attendance by cohort", "Cohort attendance",
                                                "Attendance and cost per attended session by cohort", d->subtitle, 6, 1);
    if (!s)
        return;
    static const char *const headers[] = {
        "Cohort", "Pupils", "Placements", "Committed", "Actual", "Not attended", "Sessions possible",
        "Sessions attended", "Attendance", "Attended hours", "Cost per attended session", "Cost per attended hour",
    };
    enum { C_NAME, C_PUPILS, C_PLACEMENTS, C_COMMITTED, C_ACTUAL, C_GAP, C_POSSIBLE, C_ATTENDED, C_PCT, C_HOURS,
           C_PER_SESSION, C_PER_HOUR, NCOLS };
    static const struct vfm_cols cols = {C_PUPILS, C_PLACEMENTS, -1, C_COMMITTED, C_ACTUAL, C_GAP, C_POSSIBLE,
                                         C_ATTENDED, C_PCT, C_HOURS, C_PER_SESSION, C_PER_HOUR, true};
    for (int i = 0; i < REPORT_COHORTS; i++) {
        const struct report_vfm *v = &r->cohorts[i].v;
        double pct;
        bool has = report_att_fraction(&v->att, &pct);
        xlsx_text(s, XLSX_HDR + 1 + i, C_NAME, label_text(LABELS_COHORT, r->cohorts[i].cohort), f->bold);
        vfm_cells(s, XLSX_HDR + 1 + i, &cols, v, has, pct);
    }
    /* the total row: the report's total, which counts each pupil once */
    vfm_table(d, s, REPORT_COHORTS, "", NCOLS, headers, &cols, &r->total);
}

/* ------------------------------------------------------------------ */
/* Attendance by week, progress */

static void weeks_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Attendance by week", "Attendance by week", d->subtitle);
    if (!s)
        return;
    static const char *const headers[] = {"Week commencing", "School days", "Sessions possible",
                                          "Sessions attended", "Authorised absence", "Unauthorised absence",
                                          "Attendance"};
    for (size_t i = 0; i < r->n_weeks; i++) {
        const struct report_week *w = &r->weeks[i];
        int rr = XLSX_HDR + 1 + (int)i;
        double pct;
        xlsx_date(s, rr, 0, w->monday);
        xlsx_int(s, rr, 1, w->school_days);
        xlsx_int(s, rr, 2, w->att.possible);
        xlsx_int(s, rr, 3, w->att.attending);
        xlsx_int(s, rr, 4, w->att.authorised);
        xlsx_int(s, rr, 5, w->att.unauthorised);
        bool has = report_att_fraction(&w->att, &pct);
        xlsx_pct(s, rr, 6, has, pct);
    }
    int last = xlsx_rows_or_none(s, r->n_weeks, "No school days in the period");
    xlsx_table(s, XLSX_HDR, last, 7, headers, NULL, NULL, NULL);
    if (r->n_weeks)
        attendance_rule(s, XLSX_HDR + 1, last, 6, r->threshold_pct);
    xlsx_finish_sheet(s, XLSX_HDR, last, 6, 1);
}

static void progress_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Progress", "Progress in the tracking areas", d->subtitle);
    if (!s)
        return;
    static const char *const headers[] = {"Tracking area", "Pupils rated", "Rated in two weeks or more",
                                          "Improved", "No change", "Declined", "Average first rating",
                                          "Average last rating", "Average movement"};
    for (int a = 0; a < REPORT_AREAS; a++) {
        const struct report_progress *p = &r->progress[a];
        int rr = XLSX_HDR + 1 + a;
        xlsx_text(s, rr, 0, label_text(LABELS_PROGRESS_AREA, p->area), f->bold);
        xlsx_int(s, rr, 1, p->rated);
        xlsx_int(s, rr, 2, p->compared);
        xlsx_int(s, rr, 3, p->improved);
        xlsx_int(s, rr, 4, p->same);
        xlsx_int(s, rr, 5, p->declined);
        if (p->compared) {
            xlsx_number(s, rr, 6, p->first_avg, f->decimal);
            xlsx_number(s, rr, 7, p->last_avg, f->decimal);
            xlsx_number(s, rr, 8, p->movement_avg, f->decimal);
        } else {
            for (int c = 6; c <= 8; c++)
                xlsx_blank(s, rr, c, f->decimal);
        }
    }
    int last = XLSX_HDR + REPORT_AREAS;
    xlsx_table(s, XLSX_HDR, last, 9, headers, NULL, NULL, NULL);
    /* Movement: green up, red down (I5 is the first data cell of column 9). */
    xlsx_flag_rule(s, XLSX_HDR + 1, 8, last, 8, "=AND(ISNUMBER(I5),I5<0)", f->red);
    xlsx_flag_rule(s, XLSX_HDR + 1, 8, last, 8, "=AND(ISNUMBER(I5),I5>0)", f->green);
    char line[300];
    snprintf(line, sizeof line,
             "Ratings 1 (low) to 5 (high) from the weekly tracking, for weeks beginning in the period. Movement is "
             "each pupil's last rating minus their first, over pupils rated in two weeks or more.");
    xlsx_paragraph(s, last + 2, 0, 8, line, f->note);
    xlsx_finish_sheet(s, XLSX_HDR, last + 2, 8, 1);
}

/* ------------------------------------------------------------------ */
/* Charts */

/* The providers of the spend chart: the top by committed spend (then by
 * name, the report's order), the rest as one bar. */
struct ranked {
    size_t at;
    int64_t committed;
};

static int committed_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->committed != y->committed)
        return x->committed > y->committed ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* The charts: 480 pixels wide at scale 1, from column E (index 4); the
 * columns after the chart data keep Excel's default 64 pixels, so the
 * charts (10 pixels in) end in column 4 + (10 + 480 x scale) / 64, rounded up. */
#define CHART_X_SCALE 1.4
#define CHART_BAR_Y 1.5  /* 288 pixels high at scale 1: both charts on one printed page */
#define CHART_LINE_Y 1.1
#define CHART_LAST_COL (4 + (int)((10 + 480 * CHART_X_SCALE + 63) / 64) - 1)

static void charts_sheet(struct dmt *d)
{
    const struct report_dmt *r = d->r;
    struct xlsx *x = d->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Charts", "Spend by provider and attendance by week", d->subtitle);
    if (!s)
        return;
    size_t n = r->n_providers;
    struct ranked *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        xlsx_fail(x, AP_ERR_NOMEM, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (struct ranked){i, r->providers[i].v.committed};
    qsort(order, n, sizeof *order, committed_desc);
    size_t shown = n > EXPORT_DMT_CHART_PROVIDERS ? EXPORT_DMT_CHART_PROVIDERS : n;
    static const char *const headers[] = {"Provider", "Committed", "Actual"};
    xlsx_cap(s, 0, 28);
    int rr = XLSX_HDR;
    for (size_t i = 0; i < shown; i++) {
        const struct report_dmt_provider *p = &r->providers[order[i].at];
        rr++;
        xlsx_text(s, rr, 0, p->qa.name, f->wrap);
        xlsx_money(s, rr, 1, p->v.committed);
        xlsx_money(s, rr, 2, p->v.actual);
    }
    if (n > shown) {
        int64_t committed = 0, actual = 0;
        for (size_t i = shown; i < n; i++) {
            committed += r->providers[order[i].at].v.committed;
            actual += r->providers[order[i].at].v.actual;
        }
        char label[80];
        snprintf(label, sizeof label, "All other providers (%zu)", n - shown);
        rr++;
        xlsx_text(s, rr, 0, label, f->text);
        xlsx_money(s, rr, 1, committed);
        xlsx_money(s, rr, 2, actual);
    }
    free(order);
    int data_last = rr;
    if (rr == XLSX_HDR) {
        data_last = XLSX_HDR + 1;
        xlsx_text(s, data_last, 0, "No placements in the period", f->note);
    }
    xlsx_table(s, XLSX_HDR, data_last, 3, headers, NULL, NULL, NULL);
    if (x->status != AP_OK)
        return;

    /* The attendance chart's points: one per school week with sessions
     * marked, labelled by its Monday (text, so that the axis has no gaps for
     * holidays); a week the period or today cuts short says so. */
    int wk_hdr = data_last + 2, wk_last = wk_hdr, left_out = 0;
    int marked_to = r->to < r->today ? r->to : r->today;
    char left[400] = "";
    xlsx_text(s, wk_hdr, 0, "Week commencing", f->header);
    xlsx_text(s, wk_hdr, 1, "Attendance", f->header);
    for (size_t i = 0; i < r->n_weeks; i++) {
        const struct report_week *w = &r->weeks[i];
        double pct;
        char label[40], day[16];
        xlsx_uk_date(w->monday, day, sizeof day);
        if (!report_att_fraction(&w->att, &pct)) {
            size_t used = strlen(left);
            if (used + 20 < sizeof left)
                snprintf(left + used, sizeof left - used, "%s%s", left_out ? ", " : "", day);
            else if (used + 5 < sizeof left && strcmp(left + used - 3, "\xe2\x80\xa6") != 0)
                snprintf(left + used, sizeof left - used, ", \xe2\x80\xa6"); /* and more: the count says how many */
            left_out++;
            continue;
        }
        bool part = w->monday < r->from || w->monday + 4 > marked_to;
        snprintf(label, sizeof label, "%s%s", day, part ? " (part week)" : "");
        wk_last++;
        xlsx_text(s, wk_last, 0, label, f->text);
        xlsx_pct(s, wk_last, 1, true, pct);
    }
    int wk_note = wk_last + 1;
    if (left_out) {
        char line[600];
        snprintf(line, sizeof line, "Left out of the chart: %d school week%s with no sessions marked (%s).", left_out,
                 left_out == 1 ? "" : "s", left);
        xlsx_paragraph(s, wk_note, 0, 2, line, f->note);
    }

    int bottom = data_last;
    if (rr > XLSX_HDR) {
        lxw_chart *bar = workbook_add_chart(x->wb, LXW_CHART_BAR);
        if (!bar) {
            xlsx_fail(x, AP_ERR_NOMEM, "the spend chart: libxlsxwriter could not make it");
            return;
        }
        chart_title_set_name(bar, "Spend by provider");
        const char *names[] = {"Committed", "Actual"};
        for (int k = 0; k < 2; k++) {
            lxw_chart_series *series = chart_add_series(bar, NULL, NULL);
            if (!series) {
                xlsx_fail(x, AP_ERR_NOMEM, "the spend chart: libxlsxwriter could not add a series");
                return;
            }
            chart_series_set_categories(series, s->name, XLSX_HDR + 1, 0, (lxw_row_t)rr, 0);
            chart_series_set_values(series, s->name, XLSX_HDR + 1, (lxw_col_t)(1 + k), (lxw_row_t)rr,
                                    (lxw_col_t)(1 + k));
            chart_series_set_name(series, names[k]);
        }
        chart_axis_set_num_format(bar->x_axis, "\"\xc2\xa3\"#,##0");
        chart_axis_set_name(bar->x_axis, "Pounds");
        chart_axis_set_reverse(bar->y_axis);      /* the largest at the top */
        chart_axis_set_crossing_max(bar->y_axis); /* and the pounds below */
        chart_legend_set_position(bar, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options place = {.x_offset = 10, .y_offset = 0, .x_scale = CHART_X_SCALE, .y_scale = CHART_BAR_Y};
        if (!xlsx_ok(x, worksheet_insert_chart_opt(s->ws, XLSX_HDR, 4, bar, &place), "the spend chart"))
            return;
    }
    if (wk_last > wk_hdr) {
        lxw_chart *line = workbook_add_chart(x->wb, LXW_CHART_LINE);
        if (!line) {
            xlsx_fail(x, AP_ERR_NOMEM, "the attendance chart: libxlsxwriter could not make it");
            return;
        }
        chart_title_set_name(line, "Attendance by week");
        lxw_chart_series *series = chart_add_series(line, NULL, NULL);
        if (!series) {
            xlsx_fail(x, AP_ERR_NOMEM, "the attendance chart: libxlsxwriter could not add a series");
            return;
        }
        chart_series_set_categories(series, s->name, (lxw_row_t)(wk_hdr + 1), 0, (lxw_row_t)wk_last, 0);
        chart_series_set_values(series, s->name, (lxw_row_t)(wk_hdr + 1), 1, (lxw_row_t)wk_last, 1);
        chart_series_set_name(series, "Attendance");
        chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
        chart_axis_set_num_format(line->y_axis, "0%");
        chart_axis_set_max(line->y_axis, 1.0);
        chart_axis_set_name(line->x_axis, "Week commencing");
        chart_legend_set_position(line, LXW_CHART_LEGEND_NONE);
        /* under the spend chart by pixels from the same cell, so that taller
         * (wrapped) rows beside it cannot push it off the page */
        lxw_chart_options place = {.x_offset = 10, .y_offset = (int32_t)(288 * CHART_BAR_Y) + 14,
                                   .x_scale = CHART_X_SCALE, .y_scale = CHART_LINE_Y};
        if (!xlsx_ok(x, worksheet_insert_chart_opt(s->ws, XLSX_HDR, 4, line, &place), "the attendance chart"))
            return;
    }
    if (rr > XLSX_HDR || wk_last > wk_hdr)
        bottom = XLSX_HDR + (int)((288 * (CHART_BAR_Y + CHART_LINE_Y) + 14) / 20) + 1; /* rows of 20 px */
    if (bottom < wk_note)
        bottom = wk_note;
    xlsx_finish_sheet(s, XLSX_HDR, bottom, CHART_LAST_COL, -1);
}

/* ------------------------------------------------------------------ */

struct scale {
    struct xlsx *x;
};

static void load_progress(void *ctx, double fraction, const char *what)
{
    struct scale *sc = ctx;
    xlsx_progress(sc->x, 0.02 + 0.58 * fraction, what);
}

ap_status export_dmt(struct store *s, const struct export_dmt_request *req, struct export_dmt_result *result)
{
    if (result)
        memset(result, 0, sizeof *result);
    char a[16], b[16], title[160];
    if (req->from == DATE_NONE || req->to == DATE_NONE)
        return ap_fail(AP_ERR_INVALID, "the report needs --from and --to");
    if (req->from > req->to)
        return ap_fail(AP_ERR_INVALID, "--from %s is after --to %s: nothing was written",
                       date_format(req->from, a), date_format(req->to, b));
    if (req->to - req->from + 1 > REPORT_MAX_RANGE_DAYS)
        return ap_fail(AP_ERR_INVALID, "--from %s to --to %s is longer than ten years: nothing was written",
                       date_format(req->from, a), date_format(req->to, b));
    int y, m, dd;
    date_to_ymd(req->from, &y, &m, &dd);
    int y2;
    date_to_ymd(req->to, &y2, &m, &dd);
    if (y < 1900 || y2 > 9999)
        return ap_fail(AP_ERR_INVALID, "--from/--to: dates from 1900 to 9999 only: nothing was written");
    snprintf(title, sizeof title, "Value for money report %s to %s", xlsx_uk_date(req->from, a, sizeof a),
             xlsx_uk_date(req->to, b, sizeof b));
    struct xlsx_doc doc = {
        .title = title,
        .subject = "Alternative Provision: spend, attendance, progress and quality assurance for the DMT",
        .organisation = req->organisation,
        .author = store_login(s),
        .keywords = "Alternative Provision; value for money; DMT; " XLSX_MARKING,
        .comments = "Produced by apterm. " XLSX_MARKING ": personal data about children.",
        .today = req->today,
        .progress = req->progress,
        .progress_ctx = req->progress_ctx,
    };
    struct xlsx *x = NULL;
    ap_status st = xlsx_open(req->out, &doc, &x);
    if (st != AP_OK)
        return st;
    xlsx_progress(x, 0.0, "Reading the store");
    struct scale sc = {.x = x};
    struct report_dmt *r = NULL;
    st = report_dmt_load(s, req->th, req->today, req->from, req->to, load_progress, &sc, &r);
    if (st != AP_OK) {
        xlsx_discard(x);
        return st;
    }
    struct dmt d = {.x = x, .r = r, .req = req};
    char t[16];
    snprintf(d.subtitle, sizeof d.subtitle, "%s \xe2\x80\x93 %s to %s \xe2\x80\x93 %s \xe2\x80\x93 produced %s",
             req->organisation && *req->organisation ? req->organisation : "Alternative Provision",
             xlsx_uk_date(r->from, a, sizeof a), xlsx_uk_date(r->to, b, sizeof b), XLSX_MARKING,
             xlsx_uk_date(req->today, t, sizeof t));
    xlsx_progress(x, 0.62, "Writing the summary");
    summary_sheet(&d);
    charts_sheet(&d);
    xlsx_progress(x, 0.66, "Writing the providers");
    providers_sheet(&d);
    xlsx_progress(x, 0.7, "Writing the pupils");
    pupils_sheet(&d);
    xlsx_progress(x, 0.82, "Writing the cohorts, weeks and progress");
    cohorts_sheet(&d);
    weeks_sheet(&d);
    progress_sheet(&d);
    xlsx_progress(x, 0.88, "Writing the QA status");
    export_qa_sheet(x, "QA status", "QA checks", "Quality assurance of the providers used", d.subtitle, &r->providers[0].qa,
                    r->n_providers, sizeof *r->providers, r->today);
    if (x->n_sheets > 0 && x->status == AP_OK)
        worksheet_activate(x->sheets[0]->ws);
    if (result) {
        result->providers = r->n_providers;
        result->pupils = r->n_pupils;
        result->weeks = r->n_weeks;
        result->committed = r->total.committed;
        result->actual = r->total.actual;
        result->school_days_after_today = r->school_days_after_today;
    }
    long pupils = (long)r->n_pupils;
    report_dmt_free(r);
    st = xlsx_close(x);
    if (st != AP_OK)
        return st;
    char asked[40];
    snprintf(asked, sizeof asked, "%s to %s", date_format(req->from, a), date_format(req->to, b));
    return audit_export(s, "dmt", req->out, pupils, asked);
}
