#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowio.h"

/* What a change to each table means for the flags (db/flags.c reads the
 * tables named here as FEED_FLAGS_RECORD and the wide ones; nothing of the
 * FEED_FLAGS_NONE ones). */
static const struct {
    const char *table;
    enum feed_flags flags;
} table_flags[] = {
    {"attendance_mark", FEED_FLAGS_MARK},
    {"placement", FEED_FLAGS_RECORD},
    {"placement_session", FEED_FLAGS_RECORD},
    {"concern", FEED_FLAGS_RECORD},
    {"psp", FEED_FLAGS_RECORD},
    {"psp_review", FEED_FLAGS_RECORD},
    {"psp_target", FEED_FLAGS_RECORD},
    {"psp_review_progress", FEED_FLAGS_RECORD},
    {"psp_timetable", FEED_FLAGS_RECORD},
    {"panel_case", FEED_FLAGS_RECORD},
    {"quote", FEED_FLAGS_RECORD},
    {"pupil", FEED_FLAGS_PUPIL_WIDE},
    {"provider", FEED_FLAGS_PROVIDER_WIDE},
    {"qa_visit", FEED_FLAGS_PROVIDER_WIDE},
    {"qa_answer", FEED_FLAGS_PROVIDER_WIDE},
    /* The rules read nothing of these. */
    {"contact", FEED_FLAGS_NONE},
    {"provider_contact", FEED_FLAGS_NONE},
    {"absence_call", FEED_FLAGS_NONE},
    {"progress_entry", FEED_FLAGS_NONE},
    {"tracking_action", FEED_FLAGS_NONE},
    {"app_user", FEED_FLAGS_NONE},
    {"psp_draft", FEED_FLAGS_NONE},
    {"school", FEED_FLAGS_NONE},
    {"closure", FEED_FLAGS_NONE},
    {"register_close", FEED_FLAGS_NONE},
    /* Everything else (term, attendance_code, qa_template,
     * qa_template_item, meta, and any table added later) is FEED_FLAGS_ALL:
     * the rules read them for every record. */
};

enum feed_flags feed_table_flags(const char *table)
{
    for (size_t i = 0; table && i < sizeof table_flags / sizeof *table_flags; i++)
        if (strcmp(table, table_flags[i].table) == 0)
            return table_flags[i].flags;
    return FEED_FLAGS_ALL;
}

void feed_pending_init(struct feed_pending *p, size_t max)
{
    memset(p, 0, sizeof *p);
    p->max = max;
}

void feed_pending_read(struct feed_pending *p)
{
    p->read_from = p->n;
}

bool feed_pending_add(struct feed_pending *p, const struct feed_change *c)
{
    if (c->whole || p->whole) {
        p->whole = true;
        return false;
    }
    struct feed_pending_change k;
    memset(&k, 0, sizeof k); /* compared whole below, padding too */
    k.id = c->row_id;
    k.pupil_id = c->pupil_id;
    k.provider_id = c->provider_id;
    k.case_id = c->case_id;
    snprintf(k.table, sizeof k.table, "%s", c->table);
    snprintf(k.key, sizeof k.key, "%s", c->row_key);
    snprintf(k.action, sizeof k.action, "%s", c->action);
    for (size_t i = p->read_from; i < p->n; i++)
        if (memcmp(&p->rows[i], &k, sizeof k) == 0)
            return false;
    if (!p->rows && p->max)
        p->rows = malloc(p->max * sizeof *p->rows);
    if (!p->rows || p->n == p->max) {
        p->whole = true; /* too many at once (or no memory): read everything again */
        return false;
    }
    p->rows[p->n++] = k;
    return true;
}

void feed_pending_clear(struct feed_pending *p)
{
    p->n = 0;
    p->read_from = 0;
    p->whole = false;
}

void feed_pending_free(struct feed_pending *p)
{
    free(p->rows);
    feed_pending_init(p, p->max);
}

ap_status feed_head(struct store *s, struct feed_pos *pos)
{
    memset(pos, 0, sizeof *pos);
    return rowio_row(s, "SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1", "reading the audit log", NULL, "",
                     "It", &pos->id, pos->at, sizeof pos->at);
}

/* Each audit row from the one at ?1 (the last applied, to check it is still
 * the same), ?2 rows in all, as one or two sides: the old values (updates
 * and deletes) and the new (always, so that every audit row comes back),
 * with whom each is about, through the parent row when the changed row
 * names it only by its parent (a placement's sessions, a visit's answers, a
 * PSP's targets and reviews, a case's quotes). */
static const char FEED_SQL[] =
    "WITH a AS (SELECT id, at, tbl, row_key, action, old_value, new_value FROM audit_log "
    "           WHERE id >= ?1 ORDER BY id LIMIT ?2), "
    "s AS (SELECT a.id, a.at, a.tbl, a.row_key, a.action, n.side, "
    "             CASE WHEN n.side = 0 THEN a.old_value ELSE a.new_value END AS raw "
    "      FROM a JOIN (SELECT 0 AS side UNION ALL SELECT 1) n), "
    "v AS (SELECT id, at, tbl, row_key, action, side, CASE WHEN json_valid(raw) THEN raw END AS j FROM s "
    "      WHERE side = 1 OR json_valid(raw)) "
    "SELECT id, at, tbl, row_key, action, side, json_extract(j, '$.id'), "
    "  coalesce(json_extract(j, '$.pupil_id'), "
    "    (SELECT l.pupil_id FROM placement l WHERE l.id = json_extract(j, '$.placement_id')), "
    "    (SELECT p.pupil_id FROM psp p WHERE p.id = coalesce(json_extract(j, '$.psp_id'), "
    "       (SELECT r.psp_id FROM psp_review r WHERE r.id = json_extract(j, '$.review_id')))), "
    "    (SELECT c.pupil_id FROM panel_case c WHERE c.id = json_extract(j, '$.case_id'))), "
    "  coalesce(json_extract(j, '$.provider_id'), "
    "    (SELECT l.provider_id FROM placement l WHERE l.id = json_extract(j, '$.placement_id')), "
    "    (SELECT q.provider_id FROM qa_visit q WHERE q.id = json_extract(j, '$.visit_id'))), "
    "  json_extract(j, '$.case_id') "
    "FROM v ORDER BY id, side";

/* Audit rows that record no change to the data. */
static bool records_no_change(const char *action)
{
    return strcmp(action, "export") == 0 || strcmp(action, "backup") == 0;
}

/* Audit rows that stand for many changes at once. */
static bool stands_for_many(const char *table, const char *action)
{
    return strcmp(action, "import") == 0 || strcmp(action, "restore") == 0 || strcmp(action, "erase") == 0 ||
           strcmp(table, "meta") == 0;
}

ap_status feed_read(struct store *s, struct feed_pos *pos, int limit, feed_fn fn, void *ctx, bool *more)
{
    const char *what = "reading the changes in the audit log";
    *more = false;
    if (limit < 1)
        limit = 1;
    sqlite3_stmt *st = NULL;
    /* Kept prepared (db/store.h): a session reads the feed after every commit. */
    ap_status result = rowio_prepare_kept(s, FEED_SQL, &st, what);
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, pos->id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, limit + 1); /* with the row at pos */
    struct feed_change prev = {0};
    int64_t prev_side_id = -1;
    int rows = 0;
    bool checked = pos->id == 0, restart = false;
    struct feed_pos at = *pos;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        int64_t id = sqlite3_column_int64(st, 0);
        const char *when = (const char *)sqlite3_column_text(st, 1);
        if (!checked) {
            checked = true;
            if (id != pos->id || !when || strcmp(when, pos->at) != 0) {
                restart = true; /* the row applied last is gone or another: another history */
                break;
            }
            continue; /* the row at pos: applied already */
        }
        if (id == pos->id)
            continue; /* its second side */
        if (id != at.id) {
            rows++;
            at.id = id;
            snprintf(at.at, sizeof at.at, "%s", when ? when : "");
        }
        const char *table = (const char *)sqlite3_column_text(st, 2);
        const char *key = (const char *)sqlite3_column_text(st, 3);
        const char *action = (const char *)sqlite3_column_text(st, 4);
        if (!table || !key || !action || records_no_change(action))
            continue;
        struct feed_change c = {
            .audit_id = id,
            .table = table,
            .row_key = key,
            .action = action,
            .row_id = sqlite3_column_int64(st, 6),
            .pupil_id = sqlite3_column_int64(st, 7),
            .provider_id = sqlite3_column_int64(st, 8),
            .case_id = sqlite3_column_int64(st, 9),
            .whole = stands_for_many(table, action),
        };
        /* A row's own id is whom it is about, for the records themselves. */
        if (strcmp(table, "pupil") == 0)
            c.pupil_id = c.row_id;
        else if (strcmp(table, "provider") == 0)
            c.provider_id = c.row_id;
        else if (strcmp(table, "panel_case") == 0)
            c.case_id = c.row_id;
        int side = sqlite3_column_int(st, 5);
        /* An update whose new side names the same records as its old: one change. */
        if (side == 1 && prev_side_id == id && prev.pupil_id == c.pupil_id &&
            prev.provider_id == c.provider_id && prev.case_id == c.case_id)
            continue;
        prev = c;
        prev_side_id = side == 0 ? id : -1;
        fn(ctx, &c);
    }
    if (rc == SQLITE_ROW || rc == SQLITE_OK || rc == SQLITE_DONE)
        rc = SQLITE_DONE;
    else
        result = store_fail(s, rc, what);
    store_stmt_done(s, st);
    if (result != AP_OK)
        return result;
    if (restart || !checked) {
        /* Nothing at or after pos (checked false): the log was cut back
         * below it; or the row there is another. Read everything again. */
        if (!restart && pos->id == 0)
            return AP_OK;
        struct feed_pos head;
        if ((result = feed_head(s, &head)) != AP_OK)
            return result;
        if (!restart && head.id == pos->id && strcmp(head.at, pos->at) == 0)
            return AP_OK;
        struct feed_change all = {.audit_id = head.id, .table = "", .row_key = "", .action = "", .whole = true};
        fn(ctx, &all);
        *pos = head;
        return AP_OK;
    }
    *more = rows >= limit;
    *pos = at;
    return AP_OK;
}
