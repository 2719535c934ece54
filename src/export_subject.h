#ifndef APTERM_EXPORT_SUBJECT_H
#define APTERM_EXPORT_SUBJECT_H

/* The subject access export (`apterm export pupil UPN --out FILE.xlsx`):
 * everything the store holds about one pupil (db/subject.h), one worksheet
 * a part, every column with a readable heading, "None held." where a part
 * has no rows; audited as an export naming one pupil. Reads, never writes,
 * the records. */

#include "status.h"
#include "store.h"

/* out: the .xlsx (replaced only when complete); organisation for the pages.
 * *rows: how many rows were written in all. AP_ERR_NOT_FOUND naming the UPN
 * when no pupil has it. */
ap_status export_subject(struct store *s, const char *upn, const char *out, const char *organisation, int today,
                         long *rows);

#endif
