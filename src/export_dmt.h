#ifndef APTERM_EXPORT_DMT_H
#define APTERM_EXPORT_DMT_H

/* The DMT value-for-money report (.xlsx) for a date range, from the
 * command line (`apterm export dmt`) and, later, the Panel pane.
 *
 * Sheets: Summary (the KPIs, each with how it is worked out), Charts (spend
 * by provider, bar; attendance by week, line), Providers, Pupils and
 * Cohorts (committed and actual spend, cost per attended session and hour,
 * attendance; each with a total row), Attendance by week, Progress
 * (movement in each tracking area) and QA status. Every figure is defined
 * in db/report.h ("committed", "actual" above all).
 *
 * Reads the store, never writes it (a viewer may export). Nothing here
 * draws: progress goes to the caller's callback. */

#include <stddef.h>

#include "status.h"
#include "store.h"
#include "thresholds.h"
#include "xlsx_util.h"

/* Providers drawn by name in the spend chart; the rest are one bar. */
#define EXPORT_DMT_CHART_PROVIDERS 15

struct export_dmt_request {
    const char *out;                /* the .xlsx to write (replaced only when complete) */
    int from, to;                   /* the range, inclusive */
    int today;                      /* date_today(): QA status and flags as of this day */
    const char *organisation;       /* apterm.ini [exports] organisation */
    const struct thresholds *th;    /* apterm.ini [rules] */
    export_progress_fn progress;    /* may be NULL */
    void *progress_ctx;
};

struct export_dmt_result {
    size_t providers, pupils, weeks;
    int64_t committed, actual;      /* pence */
    int school_days_after_today;    /* the range ends after today: school days not yet reached */
};

/* Writes the report to req->out. A bad range (from after to, DATE_NONE, or
 * longer than ten years) is AP_ERR_INVALID before anything is touched. On
 * failure nothing is written and any existing file is left as it was;
 * ap_error_detail() says why. result may be NULL. */
ap_status export_dmt(struct store *s, const struct export_dmt_request *req, struct export_dmt_result *result);

#endif
