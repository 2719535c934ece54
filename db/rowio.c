#include "rowio.h"

#include <stdint.h>
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

int rowio_bind_places(const char *fmt)
{
    int n = 0;
    for (const char *c = fmt; *c; c++)
        n += *c == 's' ? 2 : 1;
    return n;
}

/* rowio_bind from the values at *ap, leaving *ap after the last one used. */
static int bind_args(sqlite3_stmt *st, int first, const char *fmt, va_list *ap)
{
    int rc = SQLITE_OK;
    int i = first;
    for (const char *c = fmt; *c && rc == SQLITE_OK; c++, i++) {
        switch (*c) {
        case 't':
            rc = rowio_bind_text(st, i, va_arg(*ap, const char *));
            break;
        case 'T':
            rc = sqlite3_bind_text(st, i, va_arg(*ap, const char *), -1, SQLITE_TRANSIENT);
            break;
        case 'i':
            rc = sqlite3_bind_int(st, i, va_arg(*ap, int));
            break;
        case 'I':
            rc = sqlite3_bind_int64(st, i, va_arg(*ap, int64_t));
            break;
        case 'r':
            rc = rowio_bind_id(st, i, va_arg(*ap, int64_t));
            break;
        case 'd':
            rc = rowio_bind_date(st, i, va_arg(*ap, int));
            break;
        case 'f':
            rc = sqlite3_bind_double(st, i, va_arg(*ap, double));
            break;
        case 'N': {
            int v = va_arg(*ap, int);
            rc = v ? sqlite3_bind_int(st, i, v) : sqlite3_bind_null(st, i);
            break;
        }
        case 'F': {
            double v = va_arg(*ap, double);
            rc = v > 0 ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
            break;
        }
        case 'n':
            rc = sqlite3_bind_null(st, i);
            break;
        case 's':
            rc = rowio_bind_stamp(st, i++, va_arg(*ap, struct store *));
            break;
        default:
            rc = SQLITE_MISUSE; /* a letter our own code got wrong */
            break;
        }
    }
    return rc;
}

int rowio_vbind(sqlite3_stmt *st, int first, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int rc = bind_args(st, first, fmt, &copy);
    va_end(copy);
    return rc;
}

int rowio_bind(sqlite3_stmt *st, int first, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = rowio_vbind(st, first, fmt, ap);
    va_end(ap);
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

/* rowio_read from the values at *ap, leaving *ap after the last one used. */
static void read_args(sqlite3_stmt *st, int first, const char *fmt, va_list *ap)
{
    for (int col = first; *fmt; fmt++, col++) {
        switch (*fmt) {
        case 'I':
            *va_arg(*ap, int64_t *) = sqlite3_column_int64(st, col);
            break;
        case 'i':
            *va_arg(*ap, int *) = sqlite3_column_int(st, col);
            break;
        case 'b':
            *va_arg(*ap, bool *) = sqlite3_column_int(st, col) != 0;
            break;
        case 'f':
            *va_arg(*ap, double *) = sqlite3_column_double(st, col);
            break;
        case 'd':
            *va_arg(*ap, int *) = rowio_date(st, col);
            break;
        case 't': {
            char *dst = va_arg(*ap, char *);
            rowio_text(st, col, dst, va_arg(*ap, size_t));
            break;
        }
        default:
            break;
        }
    }
}

void rowio_read(sqlite3_stmt *st, int first, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    read_args(st, first, fmt, &ap);
    va_end(ap);
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

ap_status rowio_check_phone_field(const char *label, const char *buf, size_t size)
{
    ap_status st = rowio_check_text(label, buf, size, false, false);
    return st == AP_OK ? rowio_check_phone(label, buf) : st;
}

ap_status rowio_check_email_field(const char *label, const char *buf, size_t size)
{
    ap_status st = rowio_check_text(label, buf, size, false, false);
    return st == AP_OK ? rowio_check_email(label, buf) : st;
}

ap_status rowio_prepare_kept(struct store *s, const char *sql, sqlite3_stmt **st, const char *what)
{
    int rc = store_stmt(s, sql, st);
    if (rc != SQLITE_OK) {
        ap_status result = store_fail(s, rc, what);
        store_stmt_done(s, *st);
        *st = NULL;
        return result;
    }
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

/* sql prepared into *stmt with fmt's values bound from ?1; on failure
 * store_fail's status naming what, and *stmt is NULL. */
static ap_status prepare_bound(struct store *s, const char *sql, const char *what, sqlite3_stmt **stmt,
                               const char *fmt, va_list ap)
{
    ap_status st = rowio_prepare(s, sql, stmt, what);
    if (st != AP_OK)
        return st;
    int rc = rowio_vbind(*stmt, 1, fmt, ap);
    if (rc != SQLITE_OK) {
        st = store_fail(s, rc, what);
        sqlite3_finalize(*stmt);
        *stmt = NULL;
    }
    return st;
}

ap_status rowio_run(struct store *s, const char *sql, const char *what, const char *fmt, ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    va_start(ap, fmt);
    ap_status st = prepare_bound(s, sql, what, &stmt, fmt, ap);
    va_end(ap);
    if (st == AP_OK)
        st = rowio_step(s, stmt, what);
    sqlite3_finalize(stmt);
    return st;
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

bool rowio_grow_at(void **items, size_t *cap, size_t count, size_t size)
{
    void *grown = rowio_grow(*items, cap, count, size);
    if (grown)
        *items = grown;
    return grown != NULL;
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

ap_status rowio_need_row(struct store *s, const char *table, int64_t id, const char *label)
{
    bool exists = false;
    ap_status st = rowio_exists(s, table, id, &exists);
    if (st == AP_OK && !exists)
        st = ap_fail(AP_ERR_INVALID, "%s: there is no %s %lld (deleted by someone else?)", label, table, (long long)id);
    return st;
}

/* The values rowio_writef binds: its fmt and a copy of its arguments. */
struct fmt_values {
    const char *fmt;
    va_list ap;
};

static int bind_fmt_values(sqlite3_stmt *st, const void *ctx)
{
    struct fmt_values *v = (struct fmt_values *)ctx; /* rowio_writef's own, bound once */
    return rowio_vbind(st, 1, v->fmt, v->ap);
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
        rc = rowio_bind(stmt, ncolumns + 3, "II", id, version);
    st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
    if (st == AP_OK && update)
        st = rowio_changed(s, table, id);
    if (st == AP_OK && new_id)
        *new_id = sqlite3_last_insert_rowid(store_db(s));
    sqlite3_finalize(stmt);
    return st;
}

bool rowio_write_sql(char *sql, size_t len, const char *table, const char *columns, int ncolumns, bool insert)
{
    char params[512] = "";
    size_t used = 0;
    for (int i = 1; i <= ncolumns + 2 && used < sizeof params; i++)
        used += (size_t)snprintf(params + used, sizeof params - used, "%s?%d", i > 1 ? ", " : "", i);
    int n = insert ? snprintf(sql, len, "INSERT INTO %s (%s, updated_at, updated_by) VALUES (%s)", table, columns,
                              params)
                   : snprintf(sql, len,
                              "UPDATE %s SET (%s, updated_at, updated_by) = (%s), version = version + 1 "
                              "WHERE id = ?%d AND version = ?%d",
                              table, columns, params, ncolumns + 3, ncolumns + 4);
    return used < sizeof params && n >= 0 && (size_t)n < len;
}

ap_status rowio_write_record(struct store *s, const char *table, const char *columns, int ncolumns,
                             int (*bind)(sqlite3_stmt *, const void *), const void *record, bool insert, int64_t id,
                             int64_t version, const char *what, int64_t *new_id)
{
    char sql[4096];
    if (!rowio_write_sql(sql, sizeof sql, table, columns, ncolumns, insert))
        return ap_fail(AP_ERR_DB, "%s: the statement for %s is too long", what, table);
    return rowio_write(s, sql, ncolumns, bind, record, table, insert ? 0 : id, version, what, new_id);
}

ap_status rowio_save(struct store *s, ap_status valid, const char *table, const char *columns, int ncolumns,
                     int (*bind)(sqlite3_stmt *, const void *), const void *record, bool insert, int64_t *id,
                     int64_t *version, const char *what)
{
    ap_status st = valid;
    if (st != AP_OK || (st = store_begin(s)) != AP_OK)
        return st;
    int64_t new_id = 0;
    st = rowio_write_record(s, table, columns, ncolumns, bind, record, insert, *id, *version, what, &new_id);
    return rowio_finish(s, st, insert, new_id, id, version);
}

ap_status rowio_writef(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                       const char *what, int64_t *new_id, const char *fmt, ...)
{
    struct fmt_values v = {.fmt = fmt};
    va_start(v.ap, fmt);
    ap_status st = rowio_write(s, sql, rowio_bind_places(fmt), bind_fmt_values, &v, table, id, version, what, new_id);
    va_end(v.ap);
    return st;
}

bool rowio_snapshot_begin(struct store *s)
{
    return sqlite3_get_autocommit(store_db(s)) && sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void rowio_snapshot_end(struct store *s, bool began)
{
    if (began)
        sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
}

ap_status rowio_begin(struct store *s, ap_status valid)
{
    return valid == AP_OK ? store_begin(s) : valid;
}

ap_status rowio_end(struct store *s, ap_status st)
{
    if (st == AP_OK)
        return store_commit(s);
    store_rollback(s);
    return st;
}

ap_status rowio_finish(struct store *s, ap_status st, bool insert, int64_t new_id, int64_t *id, int64_t *version)
{
    if ((st = rowio_end(s, st)) != AP_OK)
        return st;
    if (insert) {
        *id = new_id;
        *version = 1;
    } else {
        ++*version;
    }
    return AP_OK;
}

ap_status rowio_add(struct store *s, const char *sql, const char *what, int64_t *id, char *at, size_t at_len, char *by,
                    size_t by_len, const char *fmt, ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    va_start(ap, fmt);
    ap_status st = prepare_bound(s, sql, what, &stmt, fmt, ap);
    va_end(ap);
    if (st != AP_OK)
        return st;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        rowio_read(stmt, 0, "Itt", id, at, at_len, by, by_len);
        st = rowio_step(s, stmt, what);
    } else {
        st = store_fail(s, rc, what);
    }
    sqlite3_finalize(stmt);
    return st;
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
    int rc = rowio_bind(stmt, 1, "II", id, version);
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

ap_status rowio_get(struct store *s, const char *sql, int64_t id, rowio_reader *read, void *row, const char *what,
                    const char *noun, bool gone)
{
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read(st, row);
    else if (rc == SQLITE_DONE)
        result = ap_fail(AP_ERR_NOT_FOUND, "%s %lld: not found%s", noun, (long long)id,
                         gone ? " (deleted by someone else?)" : "");
    else
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

ap_status rowio_get_versioned(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                              rowio_reader *read, void *row, const char *what)
{
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "II", id, version);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read(st, row);
    } else if (rc == SQLITE_DONE) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        result = store_conflict(s, table, key);
    } else {
        result = store_fail(s, rc, what);
    }
    sqlite3_finalize(st);
    return result;
}

/* Stores array into the caller's pointer at items (a T ** for any T). */
static void set_array(void *items, void *array)
{
    memcpy(items, &array, sizeof array);
}

/* rowio_list's loop over a prepared statement whose binding ended with rc:
 * reads every row, finalizes st. */
static ap_status list_rows(struct store *s, sqlite3_stmt *st, int rc, size_t size, rowio_reader_ctx *read,
                           const void *ctx, void *items, size_t *n, const char *what)
{
    ap_status result = AP_OK;
    char *rows = NULL;
    size_t count = 0, cap = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *grown = rowio_grow(rows, &cap, count, size);
        if (!grown) {
            result = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
            break;
        }
        rows = grown;
        read(st, rows + count++ * size, ctx);
        rc = SQLITE_OK;
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    if (result != AP_OK) {
        free(rows);
        return result;
    }
    set_array(items, rows);
    *n = count;
    return AP_OK;
}

struct plain_reader {
    rowio_reader *read;
};

static void read_plain(sqlite3_stmt *st, void *row, const void *ctx)
{
    ((const struct plain_reader *)ctx)->read(st, row);
}

ap_status rowio_list(struct store *s, const char *sql, int64_t key, size_t size, rowio_reader *read, void *items,
                     size_t *n, const char *what)
{
    set_array(items, NULL);
    *n = 0;
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_parameter_count(st) > 0 ? sqlite3_bind_int64(st, 1, key) : SQLITE_OK;
    struct plain_reader plain = {read};
    return list_rows(s, st, rc, size, read_plain, &plain, items, n, what);
}

ap_status rowio_listf(struct store *s, const char *sql, size_t size, rowio_reader_ctx *read, const void *ctx,
                      void *items, size_t *n, const char *what, const char *fmt, ...)
{
    set_array(items, NULL);
    *n = 0;
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, fmt);
    ap_status result = prepare_bound(s, sql, what, &st, fmt, ap);
    va_end(ap);
    return result != AP_OK ? result : list_rows(s, st, SQLITE_OK, size, read, ctx, items, n, what);
}

ap_status rowio_each(struct store *s, const char *sql, rowio_row_fn *row, void *ctx, const char *what, const char *fmt,
                     ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, fmt);
    ap_status result = prepare_bound(s, sql, what, &st, fmt, ap);
    va_end(ap);
    if (result != AP_OK)
        return result;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!row(st, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    if (rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

/* rowio_row, through a statement kept prepared or not. */
static ap_status row_of(struct store *s, bool kept, const char *sql, const char *what, bool *found, const char *bind,
                        const char *read, va_list *ap)
{
    sqlite3_stmt *st = NULL;
    ap_status result = kept ? rowio_prepare_kept(s, sql, &st, what) : rowio_prepare(s, sql, &st, what);
    int rc = result == AP_OK ? bind_args(st, 1, bind, ap) : SQLITE_OK;
    if (result == AP_OK && rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (found)
        *found = result == AP_OK && rc == SQLITE_ROW;
    if (result == AP_OK && rc == SQLITE_ROW)
        read_args(st, 0, read, ap);
    else if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, what);
    if (kept)
        store_stmt_done(s, st);
    else
        sqlite3_finalize(st);
    return result;
}

ap_status rowio_row(struct store *s, const char *sql, const char *what, bool *found, const char *bind,
                    const char *read, ...)
{
    va_list ap;
    va_start(ap, read);
    ap_status result = row_of(s, false, sql, what, found, bind, read, &ap);
    va_end(ap);
    return result;
}

ap_status rowio_row_kept(struct store *s, const char *sql, const char *what, bool *found, const char *bind,
                         const char *read, ...)
{
    va_list ap;
    va_start(ap, read);
    ap_status result = row_of(s, true, sql, what, found, bind, read, &ap);
    va_end(ap);
    return result;
}

ap_status rowio_list_more(struct store *s, const char *sql, int64_t key, size_t size, rowio_reader *read, void *items,
                          size_t *n, const char *more, rowio_row_fn *fill, const char *what)
{
    ap_status result = rowio_list(s, sql, key, size, read, items, n, what);
    struct rowio_items list = {NULL, *n};
    memcpy(&list.items, items, sizeof list.items);
    if (result == AP_OK && *n > 0)
        result = rowio_each(s, more, fill, &list, what, "I", key);
    if (result != AP_OK) {
        free(list.items);
        set_array(items, NULL);
        *n = 0;
    }
    return result;
}

int rowio_id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int rowio_id_at_cmp(const void *a, const void *b)
{
    return rowio_id_cmp(&((const struct rowio_id_at *)a)->id, &((const struct rowio_id_at *)b)->id);
}

/* The byte of id that radix pass `pass` sorts on, ids ordered as signed. */
static unsigned id_byte(int64_t id, int pass)
{
    return (unsigned)((((uint64_t)id) ^ UINT64_C(0x8000000000000000)) >> (8 * pass)) & 0xffu;
}

struct rowio_id_at *rowio_id_at_build(const void *records, size_t n, size_t size, size_t id_offset)
{
    struct rowio_id_at *ix = malloc((n ? n : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        memcpy(&id, (const char *)records + i * size + id_offset, sizeof id);
        ix[i] = (struct rowio_id_at){id, i};
    }
    /* A radix sort, a byte a pass from the lowest, skipping the bytes all
     * ids share: a few passes over n for ids of a store's size, where
     * qsort compares n log n times (50,000 pupils: 30 million instructions
     * against 3). qsort when there is no room for the second array. */
    struct rowio_id_at *other = n > 64 ? malloc(n * sizeof *other) : NULL;
    if (!other) {
        qsort(ix, n, sizeof *ix, rowio_id_at_cmp);
        return ix;
    }
    for (int pass = 0; pass < 8; pass++) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[id_byte(ix[i].id, pass) + 1]++;
        if (count[id_byte(ix[0].id, pass) + 1] == n)
            continue; /* every id has this byte */
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            other[count[id_byte(ix[i].id, pass)]++] = ix[i];
        struct rowio_id_at *t = ix;
        ix = other;
        other = t;
    }
    free(other);
    return ix;
}

long rowio_id_at_find(const struct rowio_id_at *ix, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ix[lo].id == id ? (long)ix[lo].at : -1;
}

int32_t *rowio_id_dense(const void *records, size_t n, size_t size, size_t id_offset, size_t *len)
{
    *len = 0;
    int64_t max_id = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        memcpy(&id, (const char *)records + i * size + id_offset, sizeof id);
        if (id < 0)
            return NULL;
        if (id > max_id)
            max_id = id;
    }
    if (n == 0 || n >= INT32_MAX || max_id >= (int64_t)(4 * n + 1024))
        return NULL;
    int32_t *at = malloc(((size_t)max_id + 1) * sizeof *at);
    if (!at)
        return NULL;
    for (int64_t i = 0; i <= max_id; i++)
        at[i] = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        memcpy(&id, (const char *)records + i * size + id_offset, sizeof id);
        at[id] = (int32_t)i;
    }
    *len = (size_t)max_id + 1;
    return at;
}

const void *rowio_find_id(const void *records, size_t n, size_t size, size_t id_offset, int64_t id)
{
    for (size_t i = 0; i < n; i++) {
        const char *record = (const char *)records + i * size;
        int64_t at;
        memcpy(&at, record + id_offset, sizeof at);
        if (at == id)
            return record;
    }
    return NULL;
}
