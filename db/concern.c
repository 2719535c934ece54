#include "concern.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "rowio.h"

void concern_init(struct concern *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->kind, "safeguarding");
    c->concern_date = DATE_NONE;
}

ap_status concern_validate(const struct concern *c, int today)
{
    ap_status st;
    if (c->pupil_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Pupil: a concern must be about a pupil");
    if (c->provider_id < 0)
        return ap_fail(AP_ERR_INVALID, "Provider: not a provider");
    if ((st = rowio_check_date("Date", c->concern_date, true, today)) != AP_OK ||
        (st = rowio_check_choice("Kind", c->kind, LABELS_CONCERN_KIND)) != AP_OK ||
        (st = rowio_check_text("Summary", c->summary, sizeof c->summary, true, true)) != AP_OK ||
        (st = rowio_check_text("Who was told", c->told, sizeof c->told, false, false)) != AP_OK ||
        (st = rowio_check_text("Action taken", c->action, sizeof c->action, false, true)) != AP_OK)
        return st;
    return AP_OK;
}

ap_status concern_add(struct store *s, struct concern *c, int today)
{
    ap_status st = rowio_begin(s, concern_validate(c, today));
    if (st != AP_OK)
        return st;
    const char *what = "recording the concern";
    if ((st = rowio_need_row(s, "pupil", c->pupil_id, "Pupil")) == AP_OK && c->provider_id)
        st = rowio_need_row(s, "provider", c->provider_id, "Provider");
    struct concern added = *c;
    if (st == AP_OK)
        st = rowio_add(s,
                       "INSERT INTO concern (pupil_id, provider_id, concern_date, kind, summary, told, action, "
                       "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                       "RETURNING id, updated_at, updated_by",
                       what, &added.id, added.recorded_at, sizeof added.recorded_at, added.recorded_by,
                       sizeof added.recorded_by, "Irdtttts", c->pupil_id, c->provider_id, c->concern_date, c->kind,
                       c->summary, c->told, c->action, s);
    if ((st = rowio_finish(s, st, true, added.id, &added.id, &added.version)) == AP_OK)
        *c = added;
    return st;
}

static void read_concern_list_row(sqlite3_stmt *st, void *row)
{
    struct concern *c = row;
    memset(c, 0, sizeof *c);
    rowio_read(st, 0, "IIIdttttIttt", &c->id, &c->pupil_id, &c->provider_id, &c->concern_date, ROWIO_BUF(c->kind),
               ROWIO_BUF(c->summary), ROWIO_BUF(c->told), ROWIO_BUF(c->action), &c->version,
               ROWIO_BUF(c->recorded_at), ROWIO_BUF(c->recorded_by), ROWIO_BUF(c->provider_name));
}

ap_status concern_list(struct store *s, int64_t pupil_id, struct concern **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (store_role(s) == ROLE_VIEWER)
        return ap_fail(AP_ERR_DENIED, "the safeguarding chronology is not shown to viewers");
    const char *what = "reading the safeguarding chronology";
    return rowio_list(s,
                      "SELECT c.id, c.pupil_id, c.provider_id, c.concern_date, c.kind, c.summary, "
                      "c.told, c.action, c.version, c.updated_at, c.updated_by, ifnull(v.name, '') "
                      "FROM concern c LEFT JOIN provider v ON v.id = c.provider_id "
                      "WHERE c.pupil_id = ?1 ORDER BY c.concern_date DESC, c.id DESC",
                      pupil_id, sizeof **out, read_concern_list_row, out, n, what);
}
