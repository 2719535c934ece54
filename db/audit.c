#include "audit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rowio.h"

ap_status audit_export(struct store *s, const char *kind, const char *path, long pupils, const char *detail)
{
    char full[PATH_MAX];
    const char *file = realpath(path, full) ? full : path;
    sqlite3_stmt *st = NULL;
    /* One statement in autocommit: atomic on its own, and allowed to a viewer. */
    store_allow_export_audit(s, true);
    int rc = sqlite3_prepare_v2(store_db(s),
                                "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                                "VALUES (apterm_login(), 'export', ?1, 'export', "
                                "json_object('kind', ?1, 'file', ?2, 'pupils', ?3, 'detail', ?4))",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "TTIT", kind, file, (int64_t)pupils, detail);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    store_allow_export_audit(s, false);
    if (rc == SQLITE_DONE)
        return AP_OK;
    ap_status result = store_fail(s, rc, "recording the export in the audit log");
    char why[512];
    snprintf(why, sizeof why, "%s", ap_error_detail());
    if (unlink(path) != 0)
        return ap_fail(result, "%s; %s could not be removed: %s", why, path, strerror(errno));
    return ap_fail(result, "%s; so %s was removed and nothing was written", why, path);
}
