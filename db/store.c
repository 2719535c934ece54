#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embedded.h"
#include "seed.h"
#include "strbuf.h"

/* How long a write waits for another user's save to finish before saying the
 * store is busy (README, "The store"). Saves take milliseconds; nothing holds
 * the write lock while it waits on readers (see store_close). */
#define BUSY_TIMEOUT_MS 5000
#define MIGRATIONS_DIR "db/migrations/"

struct store {
    sqlite3 *db;
    char path[4096];
    char login[65];
    char code_set[16];
    enum role role;
    bool created;
    bool audit_on;
    bool in_transaction;
    bool batch;         /* store_batch_begin: each store_begin is a savepoint in it */
    bool nested;        /* a record's savepoint inside the batch is open */
    bool export_audit;  /* audit_export's insert is being made (db/audit.c) */
    bool disk_full;     /* a failure said the disk holding the store is full */
    bool read_only;     /* opened for reading only because the disk is full */
    /* Statements kept prepared (store_stmt): by their SQL's address. */
    struct kept_stmt {
        const char *sql;
        sqlite3_stmt *st;
        bool in_use;
    } kept[STORE_KEPT_STMTS];
    int n_kept;
};

static const char *const role_names[ROLE_COUNT] = {"admin", "officer", "lead", "viewer"};

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "none";
}

enum role role_from_name(const char *name)
{
    for (int r = 0; r < ROLE_COUNT; r++)
        if (name && strcmp(name, role_names[r]) == 0)
            return (enum role)r;
    return ROLE_COUNT;
}

sqlite3 *store_db(struct store *s) { return s->db; }
const char *store_path(const struct store *s) { return s->path; }
const char *store_login(const struct store *s) { return s->login; }
enum role store_role(const struct store *s) { return s->role; }
const char *store_code_set(const struct store *s) { return s->code_set; }
bool store_can_write(const struct store *s) { return s->role != ROLE_VIEWER; }
bool store_was_created(const struct store *s) { return s->created; }
void store_allow_export_audit(struct store *s, bool on) { s->export_audit = on; }
bool store_read_only(const struct store *s) { return s->read_only; }

void store_now(char buf[20])
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(buf, 20, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        strcpy(buf, "1970-01-01 00:00:00");
}

/* True when rc says the disk is full: SQLITE_FULL, an I/O error whose
 * system error is ENOSPC or EDQUOT (SQLite reports a failed write of the WAL
 * or the -shm file so), or a write refused on a store opened for reading
 * only because its disk was full. */
static bool disk_full(struct store *s, int rc)
{
    if ((rc & 0xff) == SQLITE_FULL)
        return true;
    if ((rc & 0xff) == SQLITE_READONLY && s && s->read_only)
        return true; /* opened for reading only because the disk was full */
    if ((rc & 0xff) != SQLITE_IOERR || !s || !s->db)
        return false;
    int err = sqlite3_system_errno(s->db);
    return err == ENOSPC || err == EDQUOT;
}

ap_status store_fail(struct store *s, int rc, const char *what)
{
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    /* Every write is one transaction, rolled back when it fails: whatever
     * failed, nothing of it was saved. */
    if (disk_full(s, rc)) {
        s->disk_full = true;
        return ap_fail(AP_ERR_IO, "%s: the disk holding %s is full: nothing was saved; free some space and try again",
                       what, s->path);
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ap_fail(AP_ERR_BUSY,
                       "%s: the store is busy: another user's save did not finish within %d seconds; "
                       "nothing was saved, try again",
                       what, BUSY_TIMEOUT_MS / 1000);
    case SQLITE_CONSTRAINT:
        return ap_fail(AP_ERR_INVALID, "%s: %s", what, msg);
    case SQLITE_AUTH:
        return ap_fail(AP_ERR_DENIED, "%s: your role (%s) cannot do this", what,
                       s ? role_name(s->role) : "none");
    case SQLITE_NOMEM:
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    default:
        return ap_fail(AP_ERR_DB, "%s: %s", what, msg);
    }
}

static ap_status exec(struct store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? AP_OK : store_fail(s, rc, what);
}

ap_status store_query_int(struct store *s, const char *sql, int64_t def, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the store");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_type(st, 0) == SQLITE_NULL ? def : sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        *out = def;
    ap_status result = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? AP_OK : store_fail(s, rc, "reading the store");
    sqlite3_finalize(st);
    return result;
}

ap_status store_busy_wait(struct store *s, bool wait)
{
    int rc = sqlite3_busy_timeout(s->db, wait ? BUSY_TIMEOUT_MS : 0);
    return rc == SQLITE_OK ? AP_OK : store_fail(s, rc, "setting the busy timeout");
}

ap_status store_cache_limit(struct store *s, int kib)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib > 0 ? kib : 1);
    return exec(s, sql, "setting the cache size");
}

ap_status store_map(struct store *s, int64_t bytes)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA mmap_size = %lld", (long long)(bytes > 0 ? bytes : 0));
    return exec(s, sql, "setting how the store is read");
}

/* ---- SQL functions the triggers call ---------------------------------- */

static void fn_login(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    struct store *s = sqlite3_user_data(ctx);
    sqlite3_result_text(ctx, s->login, -1, SQLITE_TRANSIENT);
}

static void fn_audit_enabled(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    struct store *s = sqlite3_user_data(ctx);
    sqlite3_result_int(ctx, s->audit_on);
}

/* ---- The viewer's authorizer ------------------------------------------- */

/* Columns of the safeguarding chronology a viewer may read: enough for the
 * QA rule (a concern brings Stage 2 forward), never what was written. */
static bool concern_column_visible(const char *column)
{
    static const char *const visible[] = {"id", "pupil_id", "provider_id", "concern_date", NULL};
    for (int i = 0; visible[i]; i++)
        if (column && strcmp(column, visible[i]) == 0)
            return true;
    return false;
}

static int viewer_authorizer(void *ctx, int action, const char *a, const char *b,
                             const char *db, const char *trigger)
{
    const struct store *s = ctx;
    (void)db;
    switch (action) {
    case SQLITE_INSERT:
        /* A viewer's export is audited: that one insert, made by audit_export, and no other. */
        if (s->export_audit && !trigger && a && strcmp(a, "audit_log") == 0)
            return SQLITE_OK;
        return SQLITE_DENY;
    case SQLITE_READ:
        if (a && strcmp(a, "concern") == 0 && !concern_column_visible(b))
            return SQLITE_IGNORE;
        return SQLITE_OK;
    case SQLITE_SELECT:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        /* Reading a pragma is fine; setting one is not, but for the size of
         * this connection's own page cache (store_cache_limit: the exports,
         * print and the TUI size it), which changes nothing in the store. */
        if (!b || (a && strcmp(a, "cache_size") == 0))
            return SQLITE_OK;
        return SQLITE_DENY;
    default:
        return SQLITE_DENY;
    }
}

/* ---- Creating the file -------------------------------------------------- */

static ap_status create_store_file(const char *path, const char *group)
{
    bool shared = group && *group;
    mode_t mode = shared ? 0660 : 0600;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && (errno == ENOSPC || errno == EDQUOT))
        return ap_fail(AP_ERR_IO, "cannot create the store %s: the disk holding it is full", path);
    if (fd < 0)
        return ap_fail(AP_ERR_IO, "cannot create the store %s: %s", path, strerror(errno));
    ap_status st = AP_OK;
    if (shared) {
        struct group *gr = getgrnam(group);
        if (!gr)
            st = ap_fail(AP_ERR_CONFIG, "[store] group = \"%s\": no such group on this host", group);
        else if (fchown(fd, (uid_t)-1, gr->gr_gid) != 0)
            st = ap_fail(AP_ERR_IO, "cannot give the store %s to group %s: %s", path, group, strerror(errno));
    }
    /* The umask may have removed bits we asked for: set the mode exactly. */
    if (st == AP_OK && fchmod(fd, mode) != 0)
        st = ap_fail(AP_ERR_IO, "cannot set the mode of %s: %s", path, strerror(errno));
    if (close(fd) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_IO, "cannot create the store %s: %s", path, strerror(errno));
    if (st != AP_OK)
        unlink(path);
    return st;
}

bool store_world_readable(const struct store *s)
{
    struct stat sb;
    return stat(s->path, &sb) == 0 && (sb.st_mode & (S_IROTH | S_IWOTH));
}

/* ---- Migrations and generated triggers --------------------------------- */

static int migration_number(const char *path)
{
    const char *name = path + strlen(MIGRATIONS_DIR);
    return atoi(name);
}

int store_latest_schema(void)
{
    size_t n;
    const struct embedded_file *files = embedded_files(&n);
    int latest = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(files[i].path, MIGRATIONS_DIR, strlen(MIGRATIONS_DIR)) == 0 &&
            migration_number(files[i].path) > latest)
            latest = migration_number(files[i].path);
    return latest;
}

int store_schema_version(struct store *s)
{
    int64_t v = 0;
    if (store_query_int(s, "PRAGMA user_version", 0, &v) != AP_OK)
        return -1;
    return (int)v;
}

/* Every table but the audit itself, the derived attendance_week,
 * flag_cache, provider_attended_week, placement_week and progress_span,
 * and the PSP drafts (unsaved typing, written every few seconds; what is
 * saved to the PSP is audited). */
static bool table_is_audited(const char *name)
{
    return strcmp(name, "audit_log") != 0 && strcmp(name, "attendance_week") != 0 &&
           strcmp(name, "flag_cache") != 0 && strcmp(name, "provider_attended_week") != 0 &&
           strcmp(name, "progress_span") != 0 && strcmp(name, "placement_week") != 0 &&
           strcmp(name, "psp_draft") != 0 && strncmp(name, "sqlite_", 7) != 0;
}

/* json_object('a', X.a, 'b', X.b, ...) for the columns of a table; X NULL
 * for the table's own columns (in its audit_row view). */
static void append_json_row(struct strbuf *sql, sqlite3_stmt *cols, const char *prefix)
{
    strbuf_append(sql, "json_object(");
    bool first = true;
    sqlite3_reset(cols);
    while (sqlite3_step(cols) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(cols, 0);
        strbuf_appendf(sql, "%s'%s', %s%s\"%s\"", first ? "" : ", ", col, prefix ? prefix : "", prefix ? "." : "",
                       col);
        first = false;
    }
    strbuf_append(sql, ")");
}

/* The audit key of a row: its id, or its primary-key columns joined by '/'. */
static void append_row_key(struct strbuf *sql, sqlite3_stmt *pk, const char *prefix)
{
    bool first = true;
    sqlite3_reset(pk);
    while (sqlite3_step(pk) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(pk, 0);
        strbuf_appendf(sql, "%s%s.\"%s\"", first ? "" : " || '/' || ", prefix, col);
        first = false;
    }
    if (first)
        strbuf_appendf(sql, "%s.rowid", prefix);
}

/* The condition that finds the row of NEW or OLD in the table's audit_row
 * view: by rowid, or by the primary key of a WITHOUT ROWID table. */
static void append_row_match(struct strbuf *sql, sqlite3_stmt *pk, bool rowid, const char *prefix)
{
    if (rowid) {
        strbuf_appendf(sql, "audit_rowid = %s.rowid", prefix);
        return;
    }
    bool first = true;
    sqlite3_reset(pk);
    while (sqlite3_step(pk) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(pk, 0);
        strbuf_appendf(sql, "%s\"%s\" = %s.\"%s\"", first ? "" : " AND ", col, prefix, col);
        first = false;
    }
}

/* The audit of one table: a view audit_row_T that shows each row as the
 * JSON object of its columns, and three triggers that copy a change into
 * audit_log in the change's own transaction. Each row's JSON is written once,
 * in the view, and not in each trigger: SQLite parses every trigger and view
 * of the schema whenever a connection opens the store, and the column lists
 * were most of that work (apterm's first frame waited on it). So an insert's
 * new row is read back from the view after it is written (AFTER INSERT), a
 * deleted row before it goes (BEFORE DELETE, so a delete refused later, by a
 * foreign key, is rolled back with its audit row), and an update, which needs
 * both, names the old row's columns and reads the new from the view. No
 * trigger may change the row it fires on, or the audit would record what it
 * wrote rather than what was written. */
static ap_status make_table_triggers(struct store *s, const char *table)
{
    sqlite3_stmt *cols = NULL, *pk = NULL;
    struct strbuf sql = {0};
    ap_status st = AP_OK;
    int rc = sqlite3_prepare_v2(s->db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &cols, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                                -1, &pk, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(pk, 1, table, -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        st = store_fail(s, rc, "making the audit triggers");
        goto done;
    }
    char probe[256];
    int64_t without_rowid = 0;
    snprintf(probe, sizeof probe, "SELECT wr FROM pragma_table_list('%s') WHERE schema = 'main'", table);
    if ((st = store_query_int(s, probe, 0, &without_rowid)) != AP_OK)
        goto done;
    bool rowid = !without_rowid;

    strbuf_appendf(&sql, "CREATE VIEW \"audit_row_%s\" AS SELECT ", table);
    if (rowid) {
        strbuf_append(&sql, "rowid AS audit_rowid");
    } else {
        bool first = true;
        sqlite3_reset(pk);
        while (sqlite3_step(pk) == SQLITE_ROW) {
            strbuf_appendf(&sql, "%s\"%s\"", first ? "" : ", ", (const char *)sqlite3_column_text(pk, 0));
            first = false;
        }
    }
    strbuf_append(&sql, ", ");
    append_json_row(&sql, cols, NULL);
    strbuf_appendf(&sql, " AS audit_row FROM \"%s\";\n", table);

    static const struct {
        const char *suffix, *when, *event, *action, *key_from;
        bool old_row;
    } kinds[] = {
        {"ins", "AFTER", "INSERT", "insert", "NEW", false},
        {"upd", "AFTER", "UPDATE", "update", "NEW", true},
        {"del", "BEFORE", "DELETE", "delete", "OLD", false},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        bool is_delete = strcmp(kinds[k].key_from, "OLD") == 0;
        strbuf_appendf(&sql,
                       "CREATE TRIGGER \"audit_%s_%s\" %s %s ON \"%s\" WHEN apterm_audit_enabled() BEGIN "
                       "INSERT INTO audit_log (login, tbl, row_key, action, %s) SELECT apterm_login(), '%s', ",
                       table, kinds[k].suffix, kinds[k].when, kinds[k].event, table,
                       kinds[k].old_row ? "old_value, new_value" : is_delete ? "old_value" : "new_value", table);
        append_row_key(&sql, pk, kinds[k].key_from);
        strbuf_appendf(&sql, ", '%s', ", kinds[k].action);
        if (kinds[k].old_row) {
            append_json_row(&sql, cols, "OLD");
            strbuf_append(&sql, ", ");
        }
        strbuf_appendf(&sql, "audit_row FROM \"audit_row_%s\" WHERE ", table);
        append_row_match(&sql, pk, rowid, kinds[k].key_from);
        strbuf_append(&sql, "; END;\n");
    }
    /* Optimistic locking cannot be forgotten: a change must raise version by one. */
    int64_t has_version = 0;
    snprintf(probe, sizeof probe, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = 'version'", table);
    st = store_query_int(s, probe, 0, &has_version);
    if (st != AP_OK)
        goto done;
    if (has_version)
        strbuf_appendf(&sql,
                       "CREATE TRIGGER \"version_%s\" BEFORE UPDATE ON \"%s\" "
                       "WHEN NEW.version IS NOT OLD.version + 1 BEGIN "
                       "SELECT RAISE(ABORT, 'every change to %s must raise its version by one'); END;\n",
                       table, table, table);
    if (sql.failed) {
        st = ap_fail(AP_ERR_NOMEM, "making the audit triggers: out of memory");
        goto done;
    }
    st = exec(s, strbuf_str(&sql), "making the audit triggers");
done:
    sqlite3_finalize(cols);
    sqlite3_finalize(pk);
    strbuf_free(&sql);
    return st;
}

/* Drops and remakes the generated triggers and audit_row views of every
 * table, so that columns added by a migration are audited too. Runs inside
 * the migration transaction. (A migration that rebuilds an audited table
 * drops its audit_row view first: SQLite will not rename a table over a view
 * that names the old one.) */
static ap_status make_generated_triggers(struct store *s)
{
    sqlite3_stmt *st = NULL;
    struct strbuf drops = {0};
    ap_status result = AP_OK;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT type, name FROM sqlite_schema "
                                "WHERE (type = 'trigger' AND (name GLOB 'audit_*' OR name GLOB 'version_*')) "
                                "OR (type = 'view' AND name GLOB 'audit_row_*') ORDER BY type = 'view'",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            strbuf_appendf(&drops, "DROP %s \"%s\";\n",
                           strcmp((const char *)sqlite3_column_text(st, 0), "view") == 0 ? "VIEW" : "TRIGGER",
                           (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE) {
        result = store_fail(s, rc, "reading the triggers");
        goto done;
    }
    if (drops.len && (result = exec(s, strbuf_str(&drops), "dropping the old triggers")) != AP_OK)
        goto done;

    rc = sqlite3_prepare_v2(s->db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1, &st,
                            NULL);
    if (rc == SQLITE_OK)
        while (result == AP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            if (table_is_audited(name))
                result = make_table_triggers(s, name);
        }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "reading the tables");
done:
    sqlite3_finalize(st);
    strbuf_free(&drops);
    return result;
}

static ap_status apply_migrations(struct store *s, int from)
{
    size_t n;
    const struct embedded_file *files = embedded_files(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(files[i].path, MIGRATIONS_DIR, strlen(MIGRATIONS_DIR)) != 0)
            continue;
        if (migration_number(files[i].path) <= from)
            continue;
        int rc = sqlite3_exec(s->db, files[i].text, NULL, NULL, NULL);
        if (disk_full(s, rc))
            return store_fail(s, rc, "upgrading the store");
        if (rc != SQLITE_OK)
            return ap_fail(AP_ERR_DB, "upgrading the store with %s: %s", files[i].path, sqlite3_errmsg(s->db));
    }
    return AP_OK;
}

/* Prepares sql, binds the n texts after n to ?1..?n and steps it once:
 * SQLite's code for the step, or for what failed before it. *st is the
 * caller's to read and finalize. */
static int step_texts(struct store *s, const char *sql, sqlite3_stmt **st, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    for (int i = 1; i <= n; i++) {
        const char *text = va_arg(ap, const char *);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(*st, i, text, -1, SQLITE_STATIC);
    }
    va_end(ap);
    return rc == SQLITE_OK ? sqlite3_step(*st) : rc;
}

static ap_status set_meta(struct store *s, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    int rc = step_texts(s,
                        "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &st, 2, key, value);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "writing the store's settings");
}

static ap_status first_user(struct store *s)
{
    int64_t users = 0;
    ap_status st = store_query_int(s, "SELECT count(*) FROM app_user", 0, &users);
    if (st != AP_OK || users > 0)
        return st;
    sqlite3_stmt *ins = NULL;
    int rc = step_texts(s, "INSERT INTO app_user (login, role, updated_by) VALUES (?1, 'admin', ?1)", &ins, 1,
                        s->login);
    sqlite3_finalize(ins);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "adding you as the store's admin");
}

/* Brings the schema up to date in one transaction; a new store also gets
 * its reference data (code sets, checklists, calendar) and its first admin. */
static ap_status migrate(struct store *s, const char *code_set)
{
    int latest = store_latest_schema();
    int version = store_schema_version(s);
    if (version < 0)
        return ap_fail(AP_ERR_DB, "%s is not an apterm store (or is damaged): %s", s->path, sqlite3_errmsg(s->db));
    if (version > latest)
        return ap_fail(AP_ERR_TOO_NEW,
                       "%s was made by a newer apterm (store version %d; this apterm knows up to %d): "
                       "use the newer apterm",
                       s->path, version, latest);
    if (version == latest)
        return AP_OK;
    if (s->read_only)
        return ap_fail(AP_ERR_IO, "%s needs upgrading, and the disk holding it is full: nothing was changed; "
                       "free some space and try again", s->path);

    ap_status st = exec(s, "BEGIN IMMEDIATE", "upgrading the store");
    if (st != AP_OK)
        return st;
    s->in_transaction = true;
    /* Another apterm may have upgraded it while we waited for the lock. */
    version = store_schema_version(s);
    if (version == latest)
        goto commit;
    if (version > latest) {
        st = ap_fail(AP_ERR_TOO_NEW, "%s was upgraded by a newer apterm while opening", s->path);
        goto fail;
    }
    if ((st = apply_migrations(s, version)) != AP_OK)
        goto fail;
    if (version == 0) {
        char now[20];
        store_now(now);
        if ((st = set_meta(s, "code_set", code_set)) != AP_OK || (st = set_meta(s, "created_at", now)) != AP_OK ||
            (st = set_meta(s, "created_by", s->login)) != AP_OK)
            goto fail;
        if ((st = seed_new_store(s->db)) != AP_OK)
            goto fail;
    }
    if ((st = make_generated_triggers(s)) != AP_OK)
        goto fail;
    if ((st = first_user(s)) != AP_OK)
        goto fail;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", latest);
    if ((st = exec(s, pragma, "upgrading the store")) != AP_OK)
        goto fail;
commit:
    return store_commit(s);
fail:
    store_rollback(s);
    return st;
}

/* ---- Opening -------------------------------------------------------------- */

static ap_status os_login(char *buf, size_t len)
{
    /* The real user id: the installed apterm runs set-group-id, and the login
     * it acts for is the one who started it (src/privilege.h). */
    struct passwd *pw = getpwuid(getuid());
    if (!pw || !pw->pw_name || !*pw->pw_name)
        return ap_fail(AP_ERR_UNKNOWN_USER, "cannot tell who you are: user id %u has no login name",
                       (unsigned)getuid());
    snprintf(buf, len, "%s", pw->pw_name);
    return AP_OK;
}

static ap_status set_pragmas(struct store *s)
{
    int rc = sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "setting the busy timeout");
    /* synchronous=FULL: an acknowledged mark must survive a power cut; about
     * 5,000 commits a second is far more than people typing need. */
    ap_status st = exec(s,
                        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; "
                        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;",
                        "setting up the store");
    if (st != AP_OK)
        return st;
    sqlite3_stmt *wal = NULL;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &wal, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(wal);
    bool is_wal = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(wal, 0), "wal") == 0;
    sqlite3_finalize(wal);
    if (rc != SQLITE_ROW)
        return store_fail(s, rc, "switching the store to WAL mode");
    if (!is_wal)
        return ap_fail(AP_ERR_DB, "%s: the store could not be put in WAL mode", s->path);
    return AP_OK;
}

static ap_status register_functions(struct store *s)
{
    int rc = sqlite3_create_function(s->db, "apterm_login", 0, SQLITE_UTF8, s, fn_login, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(s->db, "apterm_audit_enabled", 0, SQLITE_UTF8, s, fn_audit_enabled, NULL,
                                     NULL);
    return rc == SQLITE_OK ? AP_OK : store_fail(s, rc, "setting up the store");
}

static ap_status read_code_set(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'code_set'", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        snprintf(s->code_set, sizeof s->code_set, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return ap_fail(AP_ERR_DB, "%s: the store does not say which attendance code set it uses", s->path);
    return AP_OK;
}

/* The list of admins, for the message to a login that is not a user. */
static void admin_list(struct store *s, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(s->db, "SELECT group_concat(login, ', ') FROM app_user WHERE role = 'admin'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static ap_status identify_user(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = step_texts(s, "SELECT role FROM app_user WHERE login = ?1", &st, 1, s->login);
    if (rc == SQLITE_ROW)
        s->role = role_from_name((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return AP_OK;
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the users");
    char admins[512];
    admin_list(s, admins, sizeof admins);
    return ap_fail(AP_ERR_UNKNOWN_USER,
                   "%s is not a user of the store %s: an admin (%s) can add you with "
                   "'apterm user add %s officer' (or lead, viewer)",
                   s->login, s->path, admins[0] ? admins : "none recorded", s->login);
}

/* "file:" URI of a path for sqlite3_open_v2 with SQLITE_OPEN_URI: the
 * characters a URI gives meaning to are escaped. False when it does not fit. */
static bool path_uri(const char *path, const char *query, char *buf, size_t len)
{
    size_t n = 0;
    int w = snprintf(buf, len, "file:");
    if (w < 0 || (size_t)w >= len)
        return false;
    n = (size_t)w;
    for (const char *p = path; *p; p++) {
        bool esc = *p == '%' || *p == '?' || *p == '#';
        w = esc ? snprintf(buf + n, len - n, "%%%02X", (unsigned char)*p) : snprintf(buf + n, len - n, "%c", *p);
        if (w < 0 || (size_t)w >= len - n)
            return false;
        n += (size_t)w;
    }
    w = snprintf(buf + n, len - n, "?%s", query);
    return w >= 0 && (size_t)w < len - n;
}

/* Opens s->db and sets it up: read-write, or when s->read_only for reading
 * only with the WAL index in heap memory (readonly_shm=1, SQLite's
 * parameter for reading a WAL store whose -shm file cannot be written,
 * since 3.22). On failure s->db may be left open for the caller to close. */
static ap_status open_connection(struct store *s, const struct store_options *opt)
{
    char uri[sizeof s->path * 3 + 64];
    int rc;
    if (!s->read_only) {
        rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
                             NULL);
    } else if (!path_uri(s->path, "mode=ro&readonly_shm=1", uri, sizeof uri)) {
        return ap_fail(AP_ERR_IO, "cannot open the store %s: the path is too long", s->path);
    } else {
        rc = sqlite3_open_v2(uri, &s->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
    }
    if (rc != SQLITE_OK) {
        if (s->db && disk_full(s, rc))
            return store_fail(s, rc, "opening the store");
        return ap_fail(AP_ERR_DB, "cannot open the store %s: %s", s->path,
                       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    }
    sqlite3_extended_result_codes(s->db, 1);
    ap_status st;
    if ((st = register_functions(s)) != AP_OK || (st = set_pragmas(s)) != AP_OK ||
        (st = migrate(s, opt->code_set ? opt->code_set : "wales")) != AP_OK || (st = read_code_set(s)) != AP_OK ||
        (st = identify_user(s)) != AP_OK)
        return st;
    return AP_OK;
}

ap_status store_open(const struct store_options *opt, struct store **out)
{
    *out = NULL;
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return ap_fail(AP_ERR_NOMEM, "opening the store: out of memory");
    s->audit_on = true;
    snprintf(s->path, sizeof s->path, "%s", opt->path);
    ap_status st = AP_OK;
    if (opt->login)
        snprintf(s->login, sizeof s->login, "%s", opt->login);
    else if ((st = os_login(s->login, sizeof s->login)) != AP_OK)
        goto fail;

    /* AT_EACCESS: the installed apterm reaches the store through its effective group. */
    if (faccessat(AT_FDCWD, s->path, F_OK, AT_EACCESS) != 0) {
        if (errno != ENOENT || !opt->create) {
            st = ap_fail(AP_ERR_IO, "cannot open the store %s: %s", s->path, strerror(errno));
            goto fail;
        }
        const char *set = opt->code_set ? opt->code_set : "wales";
        if (strcmp(set, "wales") != 0 && strcmp(set, "england") != 0) {
            st = ap_fail(AP_ERR_INVALID, "code set \"%s\": expected wales or england", set);
            goto fail;
        }
        if ((st = create_store_file(s->path, opt->group)) != AP_OK)
            goto fail;
        s->created = true;
    }

    st = open_connection(s, opt);
    if (st != AP_OK && s->disk_full && !s->created) {
        /* Opening writes nothing to the store when it needs no upgrade, but
         * SQLite must size the WAL index (the -shm file) before the first
         * read, and on a full disk it cannot. Reading can still work: open
         * again for reading only, with the WAL index in memory. Writes then
         * say the disk is full. */
        ap_error_clear();
        sqlite3_close(s->db);
        s->db = NULL;
        s->read_only = true;
        st = open_connection(s, opt);
    }
    if (st != AP_OK)
        goto fail;
    int rc;
    if (s->role == ROLE_VIEWER && (rc = sqlite3_set_authorizer(s->db, viewer_authorizer, s)) != SQLITE_OK) {
        st = store_fail(s, rc, "setting up the viewer's access");
        goto fail;
    }
    *out = s;
    return AP_OK;
fail:
    if (s->db)
        sqlite3_close(s->db);
    if (s->created && st != AP_OK)
        store_remove_files(s->path); /* a store we failed to set up is not left half-made */
    free(s);
    return st;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->in_transaction)
        store_rollback(s);
    for (int i = 0; i < s->n_kept; i++)
        sqlite3_finalize(s->kept[i].st);
    s->n_kept = 0;
    if (s->read_only)
        goto close; /* nothing was written, and it could not be */
    /* Deleted rows must not linger in the WAL: copy it into the store and
     * empty it, but never wait. A TRUNCATE checkpoint holds the write lock
     * while it waits for readers (an export, a check, a pane loading), so
     * under the busy timeout every other writer would queue behind us and
     * fail. So, with no busy handler: first a PASSIVE checkpoint copies
     * into the store every frame no reader still needs, without the write
     * lock; then a TRUNCATE one takes the write lock only if it is free,
     * and empties the WAL only if no reader is using it, returning at once
     * (SQLITE_BUSY) otherwise. With readers present the frames stay until
     * a later close finds none, or the last connection closes (SQLite then
     * checkpoints and deletes the WAL). */
    int rc = sqlite3_busy_timeout(s->db, 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    /* Busy: a reader or writer is there, and a later close does it. Full
     * disk: the frames stay, and whatever failed to be saved has said so.
     * Either way nothing is lost, and the error of the caller is kept. */
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED && !disk_full(s, rc))
        fprintf(stderr, "apterm: emptying the journal of the store %s: %s\n", s->path, sqlite3_errmsg(s->db));
close:
    if (sqlite3_close(s->db) != SQLITE_OK)
        fprintf(stderr, "apterm: closing the store %s: %s\n", s->path, sqlite3_errmsg(s->db));
    free(s);
}

void store_remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096 + 16];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        if (unlink(name) != 0 && errno != ENOENT)
            fprintf(stderr, "apterm: cannot remove %s: %s\n", name, strerror(errno));
    }
}

/* ---- Statements kept prepared ------------------------------------------------- */

int store_stmt(struct store *s, const char *sql, sqlite3_stmt **st)
{
    *st = NULL;
    int free_slot = -1;
    for (int i = 0; i < s->n_kept; i++) {
        if (s->kept[i].sql != sql)
            continue;
        if (s->kept[i].in_use)
            break; /* in use by a caller up the stack: a statement of its own */
        s->kept[i].in_use = true;
        *st = s->kept[i].st;
        return SQLITE_OK;
    }
    if (s->n_kept < STORE_KEPT_STMTS)
        free_slot = s->n_kept;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, free_slot >= 0 ? SQLITE_PREPARE_PERSISTENT : 0, st, NULL);
    if (rc == SQLITE_OK && free_slot >= 0) {
        s->kept[free_slot] = (struct kept_stmt){sql, *st, true};
        s->n_kept++;
    }
    return rc;
}

void store_stmt_done(struct store *s, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < s->n_kept; i++) {
        if (s->kept[i].st == st) {
            /* Ends its read at once; its bindings start clear next time.
             * sqlite3_reset repeats the last step's error, which the caller
             * has seen. */
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            s->kept[i].in_use = false;
            return;
        }
    }
    sqlite3_finalize(st);
}

/* ---- Transactions ----------------------------------------------------------- */

ap_status store_begin(struct store *s)
{
    if (!store_can_write(s))
        return ap_fail(AP_ERR_DENIED, "%s has the viewer role: viewers can read but not change anything",
                       s->login);
    if (s->batch && !s->nested) {
        ap_status st = exec(s, "SAVEPOINT apterm_record", "starting to save");
        if (st == AP_OK)
            s->nested = true;
        return st;
    }
    if (s->in_transaction)
        return ap_fail(AP_ERR_DB, "a change is already being saved");
    if (s->read_only)
        return ap_fail(AP_ERR_IO, "the disk holding %s is full: nothing was saved; free some space and try again",
                       s->path);
    ap_status st = exec(s, "BEGIN IMMEDIATE", "starting to save");
    if (st == AP_OK)
        s->in_transaction = true;
    return st;
}

ap_status store_commit(struct store *s)
{
    if (s->nested) {
        ap_status st = exec(s, "RELEASE apterm_record", "saving");
        s->nested = false;
        return st;
    }
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        ap_status st = store_fail(s, rc, "saving");
        store_rollback(s);
        return st;
    }
    s->in_transaction = false;
    return AP_OK;
}

void store_rollback(struct store *s)
{
    if (s->nested) {
        /* Only this record's changes: the batch decides about the rest. */
        sqlite3_exec(s->db, "ROLLBACK TO apterm_record; RELEASE apterm_record", NULL, NULL, NULL);
        s->nested = false;
        return;
    }
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_transaction = false;
}

ap_status store_batch_begin(struct store *s)
{
    ap_status st = store_begin(s);
    if (st == AP_OK)
        s->batch = true;
    return st;
}

ap_status store_batch_end(struct store *s, bool commit)
{
    if (s->nested)
        store_rollback(s);
    s->batch = false;
    if (commit)
        return store_commit(s);
    store_rollback(s);
    return AP_OK;
}

int64_t store_data_version(struct store *s)
{
    /* Kept prepared: a session asks every turn of its loop. */
    static const char sql[] = "PRAGMA data_version";
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (store_stmt(s, sql, &st) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    store_stmt_done(s, st);
    return v;
}

ap_status store_last_change(struct store *s, const char *table, const char *key, char *who, size_t who_len,
                            char *when, size_t when_len, bool *deleted)
{
    sqlite3_stmt *st = NULL;
    int rc = step_texts(s,
                        "SELECT login, strftime('%Y-%m-%d %H:%M', at, 'localtime'), action "
                        "FROM audit_log WHERE tbl = ?1 AND row_key = ?2 ORDER BY id DESC LIMIT 1",
                        &st, 2, table, key);
    ap_status result;
    if (rc == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        const char *action = (const char *)sqlite3_column_text(st, 2);
        snprintf(who, who_len, "%s", w ? w : "");
        snprintf(when, when_len, "%s", t ? t : "");
        *deleted = action && strcmp(action, "delete") == 0;
        result = AP_OK;
    } else if (rc == SQLITE_DONE) {
        result = ap_fail(AP_ERR_NOT_FOUND, "the audit log has no change of %s %s", table, key);
    } else {
        result = store_fail(s, rc, "finding who changed the record");
    }
    sqlite3_finalize(st);
    return result;
}

ap_status store_conflict(struct store *s, const char *table, const char *key)
{
    char who[80], when[24];
    bool deleted = false;
    ap_status st = store_last_change(s, table, key, who, sizeof who, when, sizeof when, &deleted);
    if (st == AP_OK && deleted)
        return ap_fail(AP_ERR_NOT_FOUND, "deleted by %s at %s", who, when);
    if (st == AP_OK)
        return ap_fail(AP_ERR_CONFLICT, "changed by %s at %s since you opened it", who, when);
    if (st == AP_ERR_NOT_FOUND)
        return ap_fail(AP_ERR_CONFLICT, "changed by someone else since you opened it");
    return st;
}

/* ---- Users ----------------------------------------------------------------- */

static bool login_valid(const char *login)
{
    size_t n = strlen(login);
    if (n == 0 || n > 64 || login[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = login[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '$'))
            return false;
    }
    return true;
}

ap_status store_user_add(struct store *s, const char *login, const char *role)
{
    if (s->role != ROLE_ADMIN) {
        char admins[512];
        admin_list(s, admins, sizeof admins);
        return ap_fail(AP_ERR_DENIED, "only an admin can add users (admins: %s)", admins);
    }
    if (!login_valid(login))
        return ap_fail(AP_ERR_INVALID, "login \"%s\": expected a login name of letters, digits, '.', '_' or '-'",
                       login);
    if (role_from_name(role) == ROLE_COUNT)
        return ap_fail(AP_ERR_INVALID, "role \"%s\": expected admin, officer, lead or viewer", role);
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    char now[20];
    store_now(now);
    sqlite3_stmt *ins = NULL;
    int rc = step_texts(s,
                        "INSERT INTO app_user (login, role, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) "
                        "ON CONFLICT (login) DO UPDATE SET role = excluded.role, version = version + 1, "
                        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        &ins, 4, login, role, now, s->login);
    sqlite3_finalize(ins);
    if (rc != SQLITE_DONE) {
        st = store_fail(s, rc, "adding the user");
        store_rollback(s);
        return st;
    }
    return store_commit(s);
}

ap_status store_user_list(struct store *s, store_user_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT login, role, updated_at FROM app_user ORDER BY login", -1, &st, NULL);
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "listing the users");
}

ap_status store_demo_mode(struct store *s, bool on)
{
    if (!s->created)
        return ap_fail(AP_ERR_DENIED, "demo data can only be generated into a new store");
    if (!on) {
        ap_status st = exec(s,
                            "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                            "VALUES (apterm_login(), 'meta', 'demo', 'insert', "
                            "json_object('note', 'fictional demo data generated without row-by-row audit'))",
                            "recording the demo generation");
        if (st != AP_OK)
            return st;
    }
    s->audit_on = on;
    return AP_OK;
}
