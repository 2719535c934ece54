#ifndef APTERM_STORE_H
#define APTERM_STORE_H

/* The store: one SQLite file shared by every login on the host.
 *
 * Opening sets the pragmas (WAL, synchronous=FULL, foreign keys, busy
 * timeout, secure_delete), upgrades an older schema in one transaction,
 * refuses a newer one, and identifies the OS login and its role. Writes go
 * through store_begin()/store_commit(): one BEGIN IMMEDIATE transaction each.
 * Viewers are refused by an SQLite authorizer on the connection, so no code
 * path can write for them, and they cannot read the safeguarding chronology.
 * Every insert, update and delete is audited by triggers that the store
 * generates for every table after each migration. */

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum role { ROLE_ADMIN = 0, ROLE_OFFICER, ROLE_LEAD, ROLE_VIEWER, ROLE_COUNT };

struct store;

struct store_options {
    const char *path;       /* the store file */
    const char *login;      /* NULL: the OS login of the real user id */
    const char *code_set;   /* for a new store: "wales" or "england" */
    const char *group;      /* for a new store: make it 0660 for this group; NULL or "" for 0600 */
    bool create;            /* create the file when it does not exist */
};

/* Opens (and creates, migrates) the store. On failure *out is NULL and the
 * detail is in ap_error_detail(). The caller closes with store_close(). */
ap_status store_open(const struct store_options *opt, struct store **out);

/* Checkpoints the WAL (so deleted rows leave the disk) without waiting for
 * anyone, and closes. NULL is fine. */
void store_close(struct store *s);

/* Removes a store file with its -wal, -shm and -journal files: for a store
 * this process made and failed to fill (closed first). Says on stderr what
 * it could not remove. */
void store_remove_files(const char *path);

sqlite3 *store_db(struct store *s);

/* Statements run again and again on one connection (the flags of one record
 * after each change another login makes: db/flagset.h) are kept prepared,
 * so that their SQL is not parsed each time. store_stmt gives the statement
 * kept for this SQL text, by its address (a string literal), preparing it
 * the first time; or, when that one is in use or STORE_KEPT_STMTS are kept,
 * a new one. An SQLite result code. Give it back with store_stmt_done
 * (reset, bindings cleared, or finalized when not kept), never finalize it;
 * store_close finalizes those kept. */
#define STORE_KEPT_STMTS 32
int store_stmt(struct store *s, const char *sql, sqlite3_stmt **st);
void store_stmt_done(struct store *s, sqlite3_stmt *st);
const char *store_path(const struct store *s);
const char *store_login(const struct store *s);
enum role store_role(const struct store *s);
const char *store_code_set(const struct store *s);
bool store_can_write(const struct store *s);
/* True when the store file is readable or writable by others: say so to the user. */
bool store_world_readable(const struct store *s);
/* True when this open created the store file. */
bool store_was_created(const struct store *s);
/* True when the disk holding the store was full at open, so it was opened
 * for reading only: store_begin says the disk is full. */
bool store_read_only(const struct store *s);

const char *role_name(enum role r);
/* Parses "admin", "officer", "lead", "viewer"; ROLE_COUNT when unknown. */
enum role role_from_name(const char *name);

/* BEGIN IMMEDIATE (waits up to 5 seconds for another writer, then fails with
 * AP_ERR_BUSY saying so: a deferred BEGIN that later writes would get
 * SQLITE_BUSY at once under WAL, without waiting its turn). Viewers
 * get AP_ERR_DENIED with a sentence saying why. */
ap_status store_begin(struct store *s);
ap_status store_commit(struct store *s);
/* Safe to call when no transaction is open. */
void store_rollback(struct store *s);

/* Many records' writes in ONE transaction (an import: all or nothing).
 * store_batch_begin opens it (BEGIN IMMEDIATE); until store_batch_end, each
 * record module's own store_begin/store_commit/store_rollback becomes a
 * savepoint inside it, so the usual insert and update functions can be used
 * unchanged. store_batch_end commits everything when commit is true, else
 * rolls everything back (and then returns AP_OK). */
ap_status store_batch_begin(struct store *s);
ap_status store_batch_end(struct store *s, bool commit);

/* Maps an SQLite result code to a status with a detail naming what was being
 * done ("saving the pupil: UNIQUE constraint failed: pupil.upn"). */
ap_status store_fail(struct store *s, int rc, const char *what);

/* After an "UPDATE ... WHERE id = ? AND version = ?" changed no row: the
 * distinct result AP_ERR_CONFLICT naming who changed the row and when, or
 * AP_ERR_NOT_FOUND naming who deleted it. key is the row's audit key (its id
 * as text for tables with an id). */
ap_status store_conflict(struct store *s, const char *table, const char *key);
/* The last change of the row from the audit log: who (login) and when
 * (local "YYYY-MM-DD HH:MM"), and whether it was a delete. AP_ERR_NOT_FOUND
 * when the audit log has none (a demo store's generated rows). */
ap_status store_last_change(struct store *s, const char *table, const char *key, char *who, size_t who_len,
                            char *when, size_t when_len, bool *deleted);

/* PRAGMA data_version: changes when another connection commits. */
int64_t store_data_version(struct store *s);

/* The store's schema version, and the newest this build knows. */
int store_schema_version(struct store *s);
int store_latest_schema(void);

/* Users. store_user_add needs an admin; it replaces the role of an existing login. */
ap_status store_user_add(struct store *s, const char *login, const char *role);
typedef void (*store_user_fn)(void *ctx, const char *login, const char *role, const char *updated_at);
ap_status store_user_list(struct store *s, store_user_fn fn, void *ctx);

/* A single-value query helper: the first column of the first row as int64
 * (def when no row). For counts and look-ups in tests and reports. */
ap_status store_query_int(struct store *s, const char *sql, int64_t def, int64_t *out);

/* Whether a write waits for another user's save to finish (the busy
 * timeout, as the store opens) or gives up at once (AP_ERR_BUSY): for a
 * write that is worth doing only when it costs nobody a wait. */
ap_status store_busy_wait(struct store *s, bool wait);

/* Limits SQLite's page cache on this connection to about kib KiB (the
 * store opens with 32 MB, which a long-lived TUI reuses). For a one-shot
 * command that reads each page about once, such as `apterm print`: the
 * larger cache only adds to its peak memory. */
ap_status store_cache_limit(struct store *s, int kib);

/* Reads the store through a memory map of up to `bytes` of it (0: through
 * the page cache again, the default). Reading a page already in the
 * kernel's cache then costs no page of the process's own memory to copy it
 * into: what a session's start reads once (the flags kept, the first
 * screen) is read so, and the map is dropped before the panes load whole,
 * whose pages the page cache keeps (a map would count every page read in
 * the session's memory). Call it between statements and transactions. */
ap_status store_map(struct store *s, int64_t bytes);

/* Bulk loading of a fictional demo store only: turns the audit triggers off
 * on this connection while a brand-new store is filled (an audit row per
 * generated mark would double the file), and writes one audit row saying so.
 * Refused unless this open created the store. */
ap_status store_demo_mode(struct store *s, bool on);

/* Lets the next statement insert into audit_log on a viewer's connection:
 * for audit_export (db/audit.h) only, which turns it off again. */
void store_allow_export_audit(struct store *s, bool on);

/* The "now" stamp the data layer writes into updated_at. */
void store_now(char buf[20]);

#endif
