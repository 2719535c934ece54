#ifndef APTERM_EXPORT_PANEL_H
#define APTERM_EXPORT_PANEL_H

/* The Inclusion Panel pack (.xlsx), from the command line
 * (`apterm export panel`) and, later, the Panel pane.
 *
 * Sheets: Cover (organisation, panel date, the cases with their reason and
 * recommendation), Cases (one row per case), Option analysis (every quote:
 * provider, sessions, cost per session and week, transport, annualised
 * total; the recommended option marked; the fewer-than-required-quotations
 * warning), Pupil picture (hours against the year group's minimum,
 * attendance over the last 6 weeks and the term, PSP status and next
 * review, flags), Placements (every placement of those pupils) and
 * Provider QA (every provider in the pack). The figures and which cases
 * are in the pack are defined in db/report.h.
 *
 * Reads the store, never writes it (a viewer may export). Nothing here
 * draws: progress goes to the caller's callback. */

#include <stddef.h>

#include "report.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"
#include "xlsx_util.h"

struct export_panel_request {
    const char *out;                /* the .xlsx to write (replaced only when complete) */
    int panel_date;                 /* the panel's date; DATE_NONE: every open case */
    int today;                      /* date_today() */
    const char *organisation;       /* apterm.ini [exports] organisation */
    const struct thresholds *th;    /* apterm.ini [rules] */
    export_progress_fn progress;    /* may be NULL */
    void *progress_ctx;
};

struct export_panel_result {
    size_t cases, quotes, pupils, placements, providers;
    size_t short_of_quotes;         /* cases with the quotations warning */
};

/* Writes the pack to req->out. On failure nothing is written and any
 * existing file is left as it was; ap_error_detail() says why (naming the
 * file). result may be NULL. */
ap_status export_panel(struct store *s, const struct export_panel_request *req, struct export_panel_result *result);

/* The provider QA sheet, shared with the DMT report: one row per provider
 * (rows[0..n), each a struct report_provider at `stride` bytes from the
 * last), header in row 3; printed over two sheets, sheet_name (the stages'
 * visits and dues) and more_name (the last visit, checks and flags), each
 * naming the provider. Returns the last row written. */
int export_qa_sheet(struct xlsx *x, const char *sheet_name, const char *more_name, const char *title,
                    const char *subtitle, const void *rows, size_t n, size_t stride, int today);

#endif
