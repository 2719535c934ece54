#ifndef APTERM_DOCUMENTS_H
#define APTERM_DOCUMENTS_H

/* The documents people print, sign and send, as PDF (src/pdf.h), from the
 * command line (`apterm print`) and the panes alike:
 *
 *   the PSP          the initial-meeting form of seed 003 - pupil facts,
 *                    reason, strategies tried, what is working, SMART targets
 *                    with baseline and measure, what each party agrees to,
 *                    the timetable, the reduced-timetable section with its
 *                    RAG and reasons, the reviews so far, the next review -
 *                    with signature lines for each party;
 *   a QA visit       the report that goes back to the provider: provider,
 *                    date, visitors, every checklist item with its answer and
 *                    comment under its section, the outcome, follow-ups (items
 *                    answered No) and the next due dates;
 *   the tracking     the week's meeting sheet: every pupil's attendance,
 *   sheet            ratings against the last rated week, PSP and QA due,
 *                    open actions with owners (A4 landscape).
 *
 * Each is written like every export (temporary file, mode 0600, renamed
 * when complete) and recorded by audit_export. Refusals name what is wrong
 * ("UPN M123...: no pupil has it") and write nothing. No curses. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"
#include "thresholds.h"

typedef void (*document_progress_fn)(void *ctx, double fraction, const char *what);

struct document_request {
    const char *out;                /* the .pdf to write */
    int today;                      /* date_today() */
    const char *organisation;       /* apterm.ini [exports] organisation */
    const struct thresholds *th;    /* apterm.ini [rules] */
    document_progress_fn progress;  /* may be NULL */
    void *progress_ctx;
};

struct document_result {
    int pages;
    size_t pupils;                  /* pupils the document is about */
    char what[400];                 /* "the PSP of Ffion Hughes", for the message */
};

/* The PSP psp_id (a ceased one too: it prints as it was left). */
ap_status document_psp(struct store *s, int64_t psp_id, const struct document_request *req,
                       struct document_result *res);
/* The open (draft or active) PSP of the pupil with this UPN. */
ap_status document_psp_upn(struct store *s, const char *upn, const struct document_request *req,
                           struct document_result *res);
/* A QA visit (closed: the report is of what was found; an open visit is
 * refused, as it may still change). */
ap_status document_visit(struct store *s, int64_t visit_id, const struct document_request *req,
                         struct document_result *res);
/* The tracking sheet of the week holding `week`. */
ap_status document_tracking(struct store *s, int week, const struct document_request *req,
                            struct document_result *res);

#endif
