#ifndef APTERM_SEED_H
#define APTERM_SEED_H

#include <sqlite3.h>

#include "status.h"

/* Loads the reference data shipped in data/ (compiled in by src/embed.sh)
 * into a brand-new store, inside the caller's migration transaction: both
 * attendance code sets, the QA checklist templates (revision 1), and the
 * local authority's calendar (terms and closure days). */
ap_status seed_new_store(sqlite3 *db);

/* The loaders seed_new_store uses, one per kind of file, for other commands
 * (reloading a changed checklist, importing next year's calendar) and tests.
 * Each reads text (the contents of the file called name, used in messages),
 * checks every line and inserts the rows. Each is all or nothing: it works
 * inside a savepoint, so on failure nothing of the file is left, whether or
 * not the caller holds a transaction. A bad line fails with AP_ERR_INVALID
 * and a detail naming the file and line: "data/qa-stage1.csv line 7: ...".
 * The formats are described at the top of each shipped file. */

/* data/codes-*.csv into attendance_code for code_set ("wales", "england"). */
ap_status seed_codes_from_text(sqlite3 *db, const char *code_set, const char *name, const char *text);

/* A data/qa-*.csv checklist as a new revision of its template (1 for a new
 * key, else one more than the latest); loaded_by is login. *revision (when
 * not NULL) is set to the revision made. */
ap_status seed_template_from_text(sqlite3 *db, const char *name, const char *text, const char *login,
                                  int *revision);

/* data/terms.csv and data/closures.csv. Closure days must be weekdays inside
 * a term already in the store, so load the terms first. */
ap_status seed_terms_from_text(sqlite3 *db, const char *name, const char *text, const char *login);
ap_status seed_closures_from_text(sqlite3 *db, const char *name, const char *text, const char *login);

#endif
