#ifndef APTERM_SUBJECT_H
#define APTERM_SUBJECT_H

/* Everything the store holds about one pupil, for a subject access request
 * (UK GDPR Article 15): the pupil's record and every row that belongs to it
 * (contacts, placements and their timetables, attendance marks, absence
 * calls, PSPs with their targets, reviews and timetables, panel cases and
 * their quotes, tracking ratings and actions, the safeguarding chronology),
 * the QA answers whose comments name the pupil, and the audit rows about all
 * of these. src/export_subject.c writes them as a workbook. */

#include <sqlite3.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

struct subject_part {
    const char *sheet;      /* the worksheet's name (at most 31 characters) */
    const char *title;      /* what it holds, in words */
    const char *table;      /* the table read */
};

/* The parts, in the workbook's order; *n of them. Static. */
const struct subject_part *subject_parts(size_t *n);

/* Called once per part with its columns (names as stored), then once per
 * row with the statement positioned on it (column i as sqlite3_column_*). */
struct subject_sink {
    void *ctx;
    ap_status (*begin)(void *ctx, const struct subject_part *part, int ncols, const char *const *names);
    ap_status (*row)(void *ctx, const struct subject_part *part, sqlite3_stmt *row);
};

/* Reads every part for the pupil with this id, in one read transaction so
 * the parts agree. Refused (AP_ERR_DENIED) for viewers, who cannot read the
 * safeguarding chronology: the answer would be incomplete. */
ap_status subject_read(struct store *s, int64_t pupil_id, const struct subject_sink *sink);

#endif
