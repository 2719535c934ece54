#ifndef APTERM_AUDIT_H
#define APTERM_AUDIT_H

/* Exports of personal data are audited in the store's audit_log, as every
 * change is: one 'export' row with the login, the real time (SQLite's clock,
 * never APTERM_TODAY), the kind, the file written and how many pupils it
 * names. A viewer's exports are audited too: the viewer's authorizer lets
 * this one insert through and nothing else. */

#include "store.h"

/* kind: "marks", "panel" or "dmt"; path: the file written (recorded as its
 * full path when it can be resolved); pupils: how many pupils it names;
 * detail: what was asked for ("2026-09-01 to 2026-11-20"), may be NULL.
 * Call it once the file is complete. When the row cannot be written the file
 * is removed, so that no export goes unaudited, and the detail says so. */
ap_status audit_export(struct store *s, const char *kind, const char *path, long pupils, const char *detail);

#endif
