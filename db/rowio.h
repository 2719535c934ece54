#ifndef APTERM_ROWIO_H
#define APTERM_ROWIO_H

/* Small helpers shared by the record modules (provider, placement, contact,
 * concern, school, roll): binding and reading columns the same way
 * db/pupil.c does, the field checks their validate functions make (each
 * message names the field in words: "Name: must not be empty"), and the
 * version check after an UPDATE or DELETE. Not for the screens: ui/ calls the
 * record modules, never this. */

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "status.h"
#include "store.h"

/* Returns from the calling function the status of expr when it is not AP_OK. */
#define ROWIO_TRY(expr)                \
    do {                               \
        ap_status rowio_try_ = (expr); \
        if (rowio_try_ != AP_OK)       \
            return rowio_try_;         \
    } while (0)

/* Binding: each returns an SQLite result code. Text is copied (TRANSIENT). */
int rowio_bind_text(sqlite3_stmt *st, int i, const char *v);
int rowio_bind_date(sqlite3_stmt *st, int i, int date);    /* DATE_NONE -> NULL */
int rowio_bind_id(sqlite3_stmt *st, int i, int64_t id);    /* 0 -> NULL */
/* Binds now (store_now) and store_login(s) to i and i + 1. */
int rowio_bind_stamp(sqlite3_stmt *st, int i, struct store *s);
/* Binds the values after fmt to ?first, ?first + 1, ..., one a letter:
 *   t  const char *    text (NULL as "")     T  const char *: text (NULL as NULL)
 *   i  int             integer (a bool too)
 *   I  int64_t         integer               f  double
 *   r  int64_t         an id: 0 binds NULL   d  int     a date: DATE_NONE binds NULL
 *   n  (no value)      NULL                  s  struct store *: the stamp, two places
 *   N  int             0 binds NULL          F  double: 0 or less binds NULL
 * Stops at the first failure; returns that SQLite result code, or SQLITE_OK.
 * The callers pass int64_t for I and r, never a narrower type. */
int rowio_bind(sqlite3_stmt *st, int first, const char *fmt, ...);
int rowio_vbind(sqlite3_stmt *st, int first, const char *fmt, va_list ap);
/* How many places rowio_bind fills for fmt. */
int rowio_bind_places(const char *fmt);

/* Copies src (NULL reads as "") into dst of len bytes, always terminated; a
 * longer value is cut where a character (with its accents) begins, never
 * inside one. */
void rowio_copy(char *dst, size_t len, const char *src);
/* Reading: column col as rowio_copy copies it. */
void rowio_text(sqlite3_stmt *st, int col, char *dst, size_t len);
int rowio_date(sqlite3_stmt *st, int col);                 /* NULL or bad -> DATE_NONE */
/* Reads columns first, first + 1, ... of st's current row into the places
 * after fmt, one a letter:
 *   I  int64_t *        i  int *        b  bool *: the column is not 0
 *   f  double *         d  int *: a date, as rowio_date reads it
 *   t  char *, size_t: text into a buffer of that size, as rowio_text (pass
 *      ROWIO_BUF(buffer))
 * The callers pass exactly those types. */
void rowio_read(sqlite3_stmt *st, int first, const char *fmt, ...);
#define ROWIO_BUF(buf) (buf), sizeof(buf)

/* Field checks. label is the field's name on the form ("Name"). Each returns
 * AP_OK or AP_ERR_INVALID with a detail "Label: ...". */
/* Text held in a char[size]: terminated within it, valid UTF-8, no control
 * characters (newlines and tabs allowed when multiline), and when required
 * not empty or only spaces. */
ap_status rowio_check_text(const char *label, const char *buf, size_t size, bool required, bool multiline);
/* One of the codes of a labels table. */
ap_status rowio_check_choice(const char *label, const char *code, const struct label *table);
/* Money in pence: 0 or more. */
ap_status rowio_check_money(const char *label, int64_t pence);
/* A date: when required not DATE_NONE; otherwise DATE_NONE or a day from
 * 1900 to 2199 (the range a YYYY-MM-DD column can hold sensibly); when
 * latest is not DATE_NONE, not after it ("Date of the DBS check: 2027-01-03
 * is in the future"). */
ap_status rowio_check_date(const char *label, int date, bool required, int latest);
/* A phone number: digits, spaces and + ( ) - only, with at least 6 digits;
 * "" allowed. */
ap_status rowio_check_phone(const char *label, const char *phone);
/* An email address: "" or something@something with no spaces. */
ap_status rowio_check_email(const char *label, const char *email);
/* A phone or email field held in a char[size]: rowio_check_text (not
 * required, one line), then rowio_check_phone or rowio_check_email. */
ap_status rowio_check_phone_field(const char *label, const char *buf, size_t size);
ap_status rowio_check_email_field(const char *label, const char *buf, size_t size);

/* Steps a prepared write to completion. On failure returns store_fail's
 * status naming what ("saving the provider"). Does not finalize. */
ap_status rowio_step(struct store *s, sqlite3_stmt *st, const char *what);

/* Prepares sql, binds nothing, for the caller to bind and rowio_step.
 * On failure returns store_fail's status. */
ap_status rowio_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what);
/* The same, for a statement kept prepared (store_stmt, db/store.h): give it
 * back with store_stmt_done, never finalize it. */
ap_status rowio_prepare_kept(struct store *s, const char *sql, sqlite3_stmt **st, const char *what);

/* A statement that changes rows, in the caller's transaction: prepares sql,
 * binds fmt's values from ?1 (rowio_bind), steps it to completion and
 * finalizes it. On failure store_fail's status naming what. */
ap_status rowio_run(struct store *s, const char *sql, const char *what, const char *fmt, ...);

/* After an "UPDATE/DELETE ... WHERE id = ? AND version = ?" in the open
 * transaction: AP_OK when a row changed, else store_conflict's status
 * (AP_ERR_CONFLICT naming who, or AP_ERR_NOT_FOUND naming who deleted it). */
ap_status rowio_changed(struct store *s, const char *table, int64_t id);

/* One record's write, in the caller's open transaction: sql is its INSERT,
 * or its versioned UPDATE ending "WHERE id = ?N+3 AND version = ?N+4",
 * where bind puts the record's N columns in ?1..?N; the stamp (updated_at,
 * updated_by) goes in ?N+1 and ?N+2. An UPDATE that changed no row returns
 * store_conflict's status (who changed or deleted it, and when). On success
 * *new_id (may be NULL) is the inserted row's id. */
ap_status rowio_write(struct store *s, const char *sql, int ncolumns, int (*bind)(sqlite3_stmt *, const void *),
                      const void *record, const char *table, int64_t id, int64_t version, const char *what,
                      int64_t *new_id);

/* Into sql (len bytes), the statement rowio_write runs for a record of table
 * whose ncolumns columns are listed in columns ("name, urn, phase"): its
 * INSERT when insert, else its versioned UPDATE. False when len is too
 * small. */
bool rowio_write_sql(char *sql, size_t len, const char *table, const char *columns, int ncolumns, bool insert);
/* rowio_write of such a record with that statement (insert, or an update of
 * id). */
ap_status rowio_write_record(struct store *s, const char *table, const char *columns, int ncolumns,
                             int (*bind)(sqlite3_stmt *, const void *), const void *record, bool insert, int64_t id,
                             int64_t version, const char *what, int64_t *new_id);

/* A record's save in a transaction of its own: when valid (the status of its
 * validation) is AP_OK, rowio_write_record and rowio_finish (*id and
 * *version); otherwise valid, with nothing written. */
ap_status rowio_save(struct store *s, ap_status valid, const char *table, const char *columns, int ncolumns,
                     int (*bind)(sqlite3_stmt *, const void *), const void *record, bool insert, int64_t *id,
                     int64_t *version, const char *what);

/* rowio_write with the record's columns given by rowio_bind's fmt and the
 * values after it (N = rowio_bind_places(fmt)). */
ap_status rowio_writef(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                       const char *what, int64_t *new_id, const char *fmt, ...);

/* In the caller's open transaction: an "INSERT ... RETURNING id, updated_at,
 * updated_by" with fmt's values bound from ?1 (rowio_bind); *id, at and by
 * (at_len, by_len bytes) from the row it returns. On failure store_fail's
 * status naming what. */
ap_status rowio_add(struct store *s, const char *sql, const char *what, int64_t *id, char *at, size_t at_len, char *by,
                    size_t by_len, const char *fmt, ...);

/* In the caller's open transaction: a statement on one record whose ?1 is
 * its id and ?2 the version the user saw (and, when it has them, ?3 and ?4
 * the stamp), typically "DELETE FROM t WHERE id = ?1 AND version = ?2".
 * When no row changed, store_conflict's status (who changed or deleted it). */
ap_status rowio_exec_versioned(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                               const char *what);
/* The same, with text bound to ?5 as well. */
ap_status rowio_exec_versioned_text(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                                    const char *text, const char *what);

/* Opens the transaction of a write whose validation gave valid: valid when
 * it is not AP_OK (nothing opened), else store_begin's status. */
ap_status rowio_begin(struct store *s, ap_status valid);

/* One read transaction, so that every statement of a load sees the same
 * snapshot: BEGIN when the caller holds no transaction. True when it began
 * one, for rowio_snapshot_end to end (it only read: nothing to lose if the
 * COMMIT fails); when BEGIN fails the load reads without one. */
bool rowio_snapshot_begin(struct store *s);
void rowio_snapshot_end(struct store *s, bool began);

/* Ends the caller's transaction: commits when st is AP_OK, else rolls back.
 * Returns the final status. */
ap_status rowio_end(struct store *s, ap_status st);

/* Ends the transaction of a record's write: commits when st is AP_OK (then
 * sets *id and *version: the new id and 1 after an insert, version + 1
 * after an update), else rolls back. Returns the final status. */
ap_status rowio_finish(struct store *s, ap_status st, bool insert, int64_t new_id, int64_t *id, int64_t *version);

/* A row reader: copies the current row of st into row (a record struct). */
typedef void rowio_reader(sqlite3_stmt *st, void *row);

/* The one row of sql, whose ?1 is bound to id, read into row. When there is
 * none: AP_ERR_NOT_FOUND "<noun> <id>: not found", followed by "(deleted by
 * someone else?)" when gone; on failure store_fail's status naming what. */
ap_status rowio_get(struct store *s, const char *sql, int64_t id, rowio_reader *read, void *row, const char *what,
                    const char *noun, bool gone);

/* In the caller's open transaction: the one row of sql, whose ?1 is bound to
 * id and ?2 to version (the version the user saw), read into row. When there
 * is none, store_conflict's status (who changed or deleted it); on failure
 * store_fail's status naming what. */
ap_status rowio_get_versioned(struct store *s, const char *sql, const char *table, int64_t id, int64_t version,
                              rowio_reader *read, void *row, const char *what);

/* Every row of sql, whose ?1 (when it has one) is bound to key, each read
 * into an element of size bytes: items is the address of the caller's
 * pointer to them (a struct x **, passed as void *), set to a malloc'd array
 * the caller frees, *n its length; on failure NULL and 0 and the status
 * names what. */
ap_status rowio_list(struct store *s, const char *sql, int64_t key, size_t size, rowio_reader *read, void *items,
                     size_t *n, const char *what);

/* A row reader that is given the caller's context (today, thresholds...). */
typedef void rowio_reader_ctx(sqlite3_stmt *st, void *row, const void *ctx);

/* rowio_list with sql's parameters bound from ?1 to fmt's values
 * (rowio_bind) and a reader given ctx. */
ap_status rowio_listf(struct store *s, const char *sql, size_t size, rowio_reader_ctx *read, const void *ctx,
                      void *items, size_t *n, const char *what, const char *fmt, ...);

/* Gives each row of sql, its parameters bound from ?1 to fmt's values
 * (rowio_bind), to row with the caller's ctx; row returns false to stop
 * there. On failure store_fail's status naming what. */
typedef bool rowio_row_fn(sqlite3_stmt *st, void *ctx);
/* A ctx for a row function that fills in the elements of an array. */
struct rowio_items {
    void *items;
    size_t n;
};
ap_status rowio_each(struct store *s, const char *sql, rowio_row_fn *row, void *ctx, const char *what, const char *fmt,
                     ...);

/* The first row of sql: its parameters bound from ?1 to the values after
 * read, one for each letter of bind (rowio_bind's letters), and its columns
 * from 0 read into the places after those, one for each letter of read
 * (rowio_read's letters). *found (may be NULL) says whether there was a row;
 * without one the places are left as they were. On failure store_fail's
 * status naming what. */
ap_status rowio_row(struct store *s, const char *sql, const char *what, bool *found, const char *bind,
                    const char *read, ...);
/* The same through a statement kept prepared (rowio_prepare_kept): for a
 * row read again with each change another login makes (the term, in every
 * pass of the flags). */
ap_status rowio_row_kept(struct store *s, const char *sql, const char *what, bool *found, const char *bind,
                         const char *read, ...);

/* rowio_list, then each row of the query more (its ?1 bound to key too)
 * given to fill with a struct rowio_items of the list, to fill in what the
 * list's rows lack (their timetables, say). On failure of either, the list
 * is freed, NULL and 0. */
ap_status rowio_list_more(struct store *s, const char *sql, int64_t key, size_t size, rowio_reader *read, void *items,
                          size_t *n, const char *more, rowio_row_fn *fill, const char *what);

/* Whether a row with the id exists in table (a name from our own code, never
 * from input). */
ap_status rowio_exists(struct store *s, const char *table, int64_t id, bool *exists);

/* AP_ERR_INVALID "Label: there is no table N (deleted by someone else?)"
 * when the row with the id is not in table (a name from our own code, which
 * is also the word for it: "pupil", "provider"). */
ap_status rowio_need_row(struct store *s, const char *table, int64_t id, const char *label);

/* Room for one more element of size bytes in a malloc'd array of count
 * used and *cap allocated: returns the (possibly moved) array, or NULL when
 * out of memory, in which case items is unchanged and still the caller's. */
void *rowio_grow(void *items, size_t *cap, size_t count, size_t size);
/* The same for the array *items: moved there when it grows; false when out
 * of memory, *items unchanged. */
bool rowio_grow_at(void **items, size_t *cap, size_t count, size_t size);

/* qsort/bsearch comparison of two int64_t (ids). */
int rowio_id_cmp(const void *a, const void *b);
/* The first position in the sorted ids[0..n) whose id is not less than id
 * (n when none): a binary search without bsearch's call per step, inline
 * (asked of every flag row after each change, db/flagset.c). */
static inline size_t rowio_id_lower(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* An index from id to a record's position in an array in another order. */
struct rowio_id_at {
    int64_t id;
    size_t at;
};
/* qsort comparison of two, by id. */
int rowio_id_at_cmp(const void *a, const void *b);
/* A malloc'd index, sorted by id, of n records of size bytes whose int64_t
 * id lies id_offset bytes in; NULL when out of memory. */
struct rowio_id_at *rowio_id_at_build(const void *records, size_t n, size_t size, size_t id_offset);
/* The position of id in the sorted ix[0..n), or -1. */
long rowio_id_at_find(const struct rowio_id_at *ix, size_t n, int64_t id);
/* A malloc'd dense index of n records of size bytes whose int64_t id lies
 * id_offset bytes in: [id] is the record's position, -1 where none, for ids
 * 0 to *len - 1. NULL when the ids are too sparse for it (a negative one, or
 * the largest over 4n + 1024) or out of memory: use rowio_id_at_build. */
int32_t *rowio_id_dense(const void *records, size_t n, size_t size, size_t id_offset, size_t *len);
/* The first of n records of size bytes whose int64_t id (id_offset bytes
 * in) is id, or NULL. Linear: for an occasional look-up. */
const void *rowio_find_id(const void *records, size_t n, size_t size, size_t id_offset, int64_t id);

#endif
