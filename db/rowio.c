#include "rowio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "utf8.h"

int rowio_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

int rowio_bind_date(sqlite3_stmt *st, int i, int date)
{
    if (date == DATE_NONE)
        return sqlite3_bind_null(st, i);
    char buf[11];
    return sqlite3_bind_text(st, i, date_format(date, buf), -1, SQLITE_TRANSIENT);
}

int rowio_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

int rowio_bind_stamp(sqlite3_stmt *st, int i, struct store *s)
{
    char now[20];
    store_now(now);
    int rc = sqlite3_bind_text(st, i, now, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, i + 1, store_login(s), -1, SQLITE_TRANSIENT);
    return rc;
}

void rowio_copy(char *dst, size_t len, const char *src)
{
    if (!len)
        return;
    size_t n = src ? strlen(src) : 0;
    if (n >= len) {
        size_t total = n;
        n = len - 1;
        while (n > 0 && !utf8_is_cluster_start(src, total, n))
            n--; /* never half a character, nor a mark without its letter */
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void rowio_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
    rowio_copy(dst, len, (const char *)sqlite3_column_text(st, col));
}

int rowio_date(sqlite3_stmt *st, int col)
{
    int d;
    const unsigned char *v = sqlite3_column_text(st, col);
    return v && date_parse_iso((const char *)v, &d) ? d : DATE_NONE;
}

ap_status rowio_check_text(const char *label, const char *buf, size_t size, bool required, bool multiline)
{
    const char *end = memchr(buf, '\0', size);
    if (!end)
        return ap_fail(AP_ERR_INVALID, "%s: too long (the limit is %zu characters; accented letters count as two)",
                       label, size - 1);
    size_t n = (size_t)(end - buf);
    bool blank = true;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(buf + i, n - i, &cp);
        if (k == 1 && cp == UTF8_REPLACEMENT)
            return ap_fail(AP_ERR_INVALID, "%s: holds bytes that are not UTF-8 text", label);
        bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
        if (control && !(multiline && (cp == '\n' || cp == '\t')))
            return ap_fail(AP_ERR_INVALID, "%s: holds a control character", label);
        if (cp != ' ' && cp != '\n' && cp != '\t')
            blank = false;
        i += k;
    }
    if (required && blank)
        return ap_fail(AP_ERR_INVALID, "%s: must not be empty", label);
    return AP_OK;
}

ap_status rowio_check_choice(const char *label, const char *code, const struct label *table)
{
    if (label_known(table, code))
        return AP_OK;
    char choices[512];
    return ap_fail(AP_ERR_INVALID, "%s: \"%s\" is not one of %s", label, code ? code : "",
                   label_choices(table, choices, sizeof choices));
}

ap_status rowio_check_money(const char *label, int64_t pence)
{
    if (pence < 0)
        return ap_fail(AP_ERR_INVALID, "%s: must not be negative", label);
    return AP_OK;
}

ap_status rowio_check_date(const char *label, int date, bool required, int latest)
{
    if (date == DATE_NONE)
        return required ? ap_fail(AP_ERR_INVALID, "%s: must be given", label) : AP_OK;
    if (date < date_from_ymd(1900, 1, 1) || date > date_from_ymd(2199, 12, 31))
        return ap_fail(AP_ERR_INVALID, "%s: not a date between 1900 and 2199", label);
    if (latest != DATE_NONE && date > latest) {
        char d[11];
        return ap_fail(AP_ERR_INVALID, "%s: %s is in the future", label, date_format(date, d));
    }
    return AP_OK;
}

ap_status rowio_check_phone(const char *label, const char *phone)
{
    int digits = 0;
    for (const char *p = phone; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +()-", *p))
            return ap_fail(AP_ERR_INVALID, "%s: \"%s\" is not a phone number (digits, spaces, + ( ) - only)",
                           label, phone);
    }
    if (phone[0] && digits < 6)
        return ap_fail(AP_ERR_INVALID, "%s: \"%s\" has too few digits for a phone number", label, phone);
    return AP_OK;
}

ap_status rowio_check_email(const char *label, const char *email)
{
    if (!email[0])
        return AP_OK;
    const char *at = strchr(email, '@');
    if (!at || at == email || !at[1] || strchr(at + 1, '@') || strpbrk(email, " \t\n"))
        return ap_fail(AP_ERR_INVALID, "%s: \"%s\" is not an email address", label, email);
    return AP_OK;
}

ap_status rowio_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what)
{
    *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s), sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        ap_status result = store_fail(s, rc, what);
        sqlite3_finalize(*st);
        *st = NULL;
        return result;
    }
    return AP_OK;
}

ap_status rowio_step(struct store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW) /* a RETURNING clause: the caller read nothing */
        rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, what);
}

ap_status rowio_changed(struct store *s, const char *table, int64_t id)
{
    if (sqlite3_changes(store_db(s)) > 0)
        return AP_OK;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return store_conflict(s, table, key);
}

void *rowio_grow(void *items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, ncap * size);
    if (grown)
        *cap = ncap;
    return grown;
}

ap_status rowio_exists(struct store *s, const char *table, int64_t id, bool *exists)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM \"%s\" WHERE id = %lld)", table, (long long)id);
    int64_t v = 0;
    ap_status st = store_query_int(s, sql, 0, &v);
    *exists = v != 0;
    return st;
}

ap_status rowio_write(struct store *s, const char *sql, int ncolumns, int (*bind)(sqlite3_stmt *, const void *),
                      const void *record, const char *table, int64_t id, int64_t version, const char *what,
                      int64_t *new_id)
{
    sqlite3_stmt *stmt = NULL;
    ap_status st = rowio_prepare(s, sql, &stmt, what);
    if (st != AP_OK)
        return st;
    bool update = strncmp(sql, "UPDATE", 6) == 0; /* an update of id 0 then fails: no row */
    int rc = bind(stmt, record);
    if (rc == SQLITE_OK)
        rc = rowio_bind_stamp(stmt, ncolumns + 1, s);
    if (rc == SQLITE_OK && update)
        rc = sqlite3_bind_int64(stmt, ncolumns + 3, id);
    if (rc == SQLITE_OK && update)
        rc = sqlite3_bind_int64(stmt, ncolumns + 4, version);
    st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
    if (st == AP_OK && update)
        st = rowio_changed(s, table, id);
    if (st == AP_OK && new_id)
        *new_id = sqlite3_last_insert_rowid(store_db(s));
    sqlite3_finalize(stmt);
    return st;
}

ap_status rowio_finish(struct store *s, ap_status st, bool insert, int64_t new_id, int64_t *id, int64_t *version)
{
    if (st != AP_OK) {
        store_rollback(s);
        return st;
    }
    if ((st = store_commit(s)) != AP_OK)
        return st;
    if (insert) {
        *id = new_id;
        *version = 1;
    } else {
        ++*version;
    }
    return AP_OK;
}

ap_status rowio_exec_versioned(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                               const char *what)
{
    return rowio_exec_versioned_text(s, sql, table, id, version, NULL, what);
}

ap_status rowio_exec_versioned_text(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                                    const char *text, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    ap_status st = rowio_prepare(s, sql, &stmt, what);
    if (st != AP_OK)
        return st;
    int rc = sqlite3_bind_int64(stmt, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 2, version);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(stmt) >= 3)
        rc = rowio_bind_stamp(stmt, 3, s);
    if (rc == SQLITE_OK && text)
        rc = rowio_bind_text(stmt, 5, text);
    st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
    if (st == AP_OK)
        st = rowio_changed(s, table, id);
    sqlite3_finalize(stmt);
    return st;
}
