#ifndef APTERM_SEED_H
#define APTERM_SEED_H

#include <sqlite3.h>

#include "status.h"

/* Loads the reference data shipped in data/ (compiled in by src/embed.sh)
 * into a brand-new store, inside the caller's migration transaction: both
 * attendance code sets, the QA checklist templates (revision 1), and the
 * local authority's calendar (terms and closure days). */
ap_status seed_new_store(sqlite3 *db);

#endif
