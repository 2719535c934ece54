#include "contact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowio.h"

void contact_init(struct contact *c)
{
    memset(c, 0, sizeof *c);
    c->parental_responsibility = true;
}

ap_status contact_validate(const struct contact *c)
{
    ap_status st;
    if (c->pupil_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Pupil: a contact must belong to a pupil");
    if ((st = rowio_check_text("Name", c->name, sizeof c->name, true, false)) != AP_OK ||
        (st = rowio_check_text("Relationship", c->relationship, sizeof c->relationship, false, false)) != AP_OK ||
        (st = rowio_check_phone_field("Phone", ROWIO_BUF(c->phone))) != AP_OK ||
        (st = rowio_check_phone_field("Other phone", ROWIO_BUF(c->phone2))) != AP_OK ||
        (st = rowio_check_email_field("Email", ROWIO_BUF(c->email))) != AP_OK)
        return st;
    if (!c->phone[0] && !c->phone2[0] && !c->email[0])
        return ap_fail(AP_ERR_INVALID, "Phone: give a phone number or an email address to reach them by");
    return AP_OK;
}

/* Sets one contact's priority (raising its version), inside the transaction. */
static ap_status set_priority(struct store *s, int64_t id, int priority)
{
    return rowio_run(s,
                     "UPDATE contact SET priority = ?1, updated_at = ?2, updated_by = ?3, "
                     "version = version + 1 WHERE id = ?4 AND priority IS NOT ?1",
                     "reordering the contacts", "isI", (int)priority, s, id);
}

/* The ids of the pupil's contacts in order (at most CONTACT_MAX + 1 are
 * read; *n says how many there are in all). */
static ap_status ordered_ids(struct store *s, int64_t pupil_id, int64_t ids[CONTACT_MAX + 1], size_t *n)
{
    const char *what = "reading the contacts' order";
    sqlite3_stmt *st = NULL;
    *n = 0;
    ap_status result = rowio_prepare(s, "SELECT id FROM contact WHERE pupil_id = ?1 ORDER BY priority, id", &st, what);
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, pupil_id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n <= CONTACT_MAX)
            ids[*n] = sqlite3_column_int64(st, 0);
        (*n)++;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

/* Numbers the pupil's contacts 1..n in their present order, inside the
 * transaction, touching only the rows whose priority changes. */
static ap_status renumber(struct store *s, int64_t pupil_id, int64_t ids[CONTACT_MAX + 1], size_t *n)
{
    ap_status st = ordered_ids(s, pupil_id, ids, n);
    for (size_t i = 0; st == AP_OK && i < *n && i < CONTACT_MAX; i++)
        st = set_priority(s, ids[i], (int)i + 1);
    return st;
}

/* The pupil of a contact at a version, inside the transaction; the conflict
 * (who changed or deleted it) when the version is not the row's. */
static void read_pupil_id(sqlite3_stmt *st, void *row)
{
    *(int64_t *)row = sqlite3_column_int64(st, 0);
}

static ap_status contact_pupil(struct store *s, int64_t id, int64_t version, int64_t *pupil_id)
{
    return rowio_get_versioned(s, "SELECT pupil_id FROM contact WHERE id = ?1 AND version = ?2", "contact", id,
                               version, read_pupil_id, pupil_id, "reading the contact");
}

ap_status contact_insert(struct store *s, struct contact *c)
{
    ap_status st = rowio_begin(s, contact_validate(c));
    if (st != AP_OK)
        return st;
    const char *what = "adding the contact";
    int64_t ids[CONTACT_MAX + 1];
    size_t n = 0;
    if ((st = rowio_need_row(s, "pupil", c->pupil_id, "Pupil")) != AP_OK ||
        (st = renumber(s, c->pupil_id, ids, &n)) != AP_OK)
        goto fail;
    if (n >= CONTACT_MAX) {
        st = ap_fail(AP_ERR_INVALID, "Contacts: a pupil can have at most %d contacts; delete one first", CONTACT_MAX);
        goto fail;
    }
    int priority = (int)n + 1;
    if ((st = rowio_run(s,
                        "INSERT INTO contact (pupil_id, priority, name, relationship, phone, phone2, email, "
                        "parental_responsibility, updated_at, updated_by) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        what, "Iitttttis", c->pupil_id, (int)priority, c->name, c->relationship, c->phone, c->phone2,
                        c->email, (int)c->parental_responsibility, s)) != AP_OK)
        goto fail;
    int64_t id = sqlite3_last_insert_rowid(store_db(s));
    if ((st = store_commit(s)) != AP_OK)
        return st;
    c->id = id;
    c->priority = priority;
    c->version = 1;
    return AP_OK;
fail:
    store_rollback(s);
    return st;
}

ap_status contact_update(struct store *s, struct contact *c)
{
    ap_status st = rowio_begin(s, contact_validate(c));
    if (st != AP_OK)
        return st;
    st = rowio_run(s,
                   "UPDATE contact SET (name, relationship, phone, phone2, email, parental_responsibility, "
                   "updated_at, updated_by) = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8), version = version + 1 "
                   "WHERE id = ?9 AND version = ?10 AND pupil_id = ?11",
                   "saving the contact", "tttttisIII", c->name, c->relationship, c->phone, c->phone2, c->email,
                   (int)c->parental_responsibility, s, c->id, c->version, c->pupil_id);
    if (st == AP_OK)
        st = rowio_changed(s, "contact", c->id);
    return rowio_finish(s, st, false, 0, &c->id, &c->version);
}

ap_status contact_delete(struct store *s, int64_t id, int64_t version)
{
    const char *what = "deleting the contact";
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    int64_t pupil_id = 0, ids[CONTACT_MAX + 1];
    size_t n;
    if ((st = contact_pupil(s, id, version, &pupil_id)) != AP_OK)
        goto fail;
    st = rowio_exec_versioned(s, "DELETE FROM contact WHERE id = ?1 AND version = ?2", "contact", id, version, what);
    if (st == AP_OK)
        st = renumber(s, pupil_id, ids, &n);
fail:
    return rowio_end(s, st);
}

ap_status contact_move(struct store *s, int64_t id, int64_t *version, int delta)
{
    if (delta != -1 && delta != 1)
        return ap_fail(AP_ERR_INVALID, "Order: a contact moves one place up or down");
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    int64_t pupil_id = 0, ids[CONTACT_MAX + 1], now = *version;
    size_t n = 0;
    if ((st = contact_pupil(s, id, *version, &pupil_id)) != AP_OK || (st = renumber(s, pupil_id, ids, &n)) != AP_OK)
        goto fail;
    size_t at = 0;
    while (at < n && at < CONTACT_MAX && ids[at] != id)
        at++;
    long to = (long)at + delta;
    if (at < n && to >= 0 && (size_t)to < n && to < CONTACT_MAX) {
        if ((st = set_priority(s, id, (int)to + 1)) != AP_OK || (st = set_priority(s, ids[to], (int)at + 1)) != AP_OK)
            goto fail;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT version FROM contact WHERE id = %lld", (long long)id);
    st = store_query_int(s, sql, now, &now);
fail:
    if ((st = rowio_end(s, st)) == AP_OK)
        *version = now;
    return st;
}

#define CONTACT_SELECT                                                                                   \
    "SELECT id, pupil_id, priority, name, relationship, phone, phone2, email, parental_responsibility, "  \
    "version, updated_at, updated_by FROM contact "

static void read_contact(sqlite3_stmt *st, void *row)
{
    struct contact *c = row;
    *c = (struct contact){0};
    rowio_read(st, 0, "IIitttttbItt", &c->id, &c->pupil_id, &c->priority, ROWIO_BUF(c->name),
               ROWIO_BUF(c->relationship), ROWIO_BUF(c->phone), ROWIO_BUF(c->phone2), ROWIO_BUF(c->email),
               &c->parental_responsibility, &c->version, ROWIO_BUF(c->updated_at), ROWIO_BUF(c->updated_by));
}

ap_status contact_get(struct store *s, int64_t id, struct contact *out)
{
    return rowio_get(s, CONTACT_SELECT "WHERE id = ?1", id, read_contact, out, "reading the contact", "contact", false);
}

ap_status contact_list(struct store *s, int64_t pupil_id, struct contact **out, size_t *n)
{
    const char *what = "listing the contacts";
    return rowio_list(s, CONTACT_SELECT "WHERE pupil_id = ?1 ORDER BY priority, id", pupil_id,
                      sizeof **out, read_contact, out, n, what);
}
