#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rowio.h"

#define PREFIX "apterm-"
#define AFTER_PREFIX_LEN 17              /* YYYY-MM-DD-HHMMSS */

/* Rows of every table of db, summed; *tables how many. */
static ap_status count_rows(sqlite3 *db, const char *what, int *tables, int64_t *rows)
{
    sqlite3_stmt *list = NULL;
    *tables = 0;
    *rows = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                    "ORDER BY name", -1, &list, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", (const char *)sqlite3_column_text(list, 0));
        sqlite3_stmt *c = NULL;
        rc = sqlite3_prepare_v2(db, sql, -1, &c, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(c)) == SQLITE_ROW) {
            *rows += sqlite3_column_int64(c, 0);
            ++*tables;
            rc = SQLITE_OK;
        }
        sqlite3_finalize(c);
    }
    sqlite3_finalize(list);
    if (rc != SQLITE_DONE)
        return ap_fail(AP_ERR_DB, "counting the rows of %s: %s", what, sqlite3_errmsg(db));
    return AP_OK;
}

static ap_status integrity(sqlite3 *db, const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
    char first[200] = "";
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return ap_fail(AP_ERR_INVALID, "%s is not a readable SQLite file: %s", what, sqlite3_errmsg(db));
    if (strcmp(first, "ok") != 0)
        return ap_fail(AP_ERR_INVALID, "%s failed its integrity check: %s", what, first);
    return AP_OK;
}

/* Copies src into the file path (made 0600; must not exist), checks it
 * against tables/rows counted in src in the same read transaction. */
static ap_status copy_to_file(sqlite3 *src, const char *path, struct backup_info *out)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ap_fail(AP_ERR_IO, "cannot make %s: %s", path, strerror(errno));
    close(fd);
    sqlite3 *dst = NULL;
    ap_status st = AP_OK;
    int rc = sqlite3_exec(src, "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        st = count_rows(src, "the store", &out->tables, &out->rows);
    else
        st = ap_fail(AP_ERR_DB, "reading the store: %s", sqlite3_errmsg(src));
    if (st == AP_OK && (rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL)) != SQLITE_OK)
        st = ap_fail(AP_ERR_IO, "cannot open %s: %s", path, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    if (st == AP_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        if (!b)
            st = ap_fail(AP_ERR_DB, "copying the store to %s: %s", path, sqlite3_errmsg(dst));
        else {
            rc = sqlite3_backup_step(b, -1);
            int fin = sqlite3_backup_finish(b);
            if (rc != SQLITE_DONE || fin != SQLITE_OK)
                st = ap_fail(AP_ERR_IO, "copying the store to %s: %s", path,
                             sqlite3_errstr(rc != SQLITE_DONE ? rc : fin));
        }
    }
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    int tables = 0;
    int64_t rows = 0;
    if (st == AP_OK)
        st = integrity(dst, path);
    if (st == AP_OK && (st = count_rows(dst, path, &tables, &rows)) == AP_OK &&
        (tables != out->tables || rows != out->rows))
        st = ap_fail(AP_ERR_IO, "the copy %s has %d tables and %lld rows, the store %d and %lld", path, tables,
                     (long long)rows, out->tables, (long long)out->rows);
    /* The copy keeps the store's WAL mode; leave it as one file. */
    if (st == AP_OK && sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
        st = ap_fail(AP_ERR_IO, "finishing %s: %s", path, sqlite3_errmsg(dst));
    if (dst && sqlite3_close(dst) != SQLITE_OK && st == AP_OK)
        st = ap_fail(AP_ERR_IO, "closing %s", path);
    if (st == AP_OK) {
        int f = open(path, O_RDONLY | O_CLOEXEC);
        if (f < 0 || fsync(f) != 0)
            st = ap_fail(AP_ERR_IO, "saving %s to disk: %s", path, strerror(errno));
        if (f >= 0)
            close(f);
    }
    if (st != AP_OK) {
        char wal[PATH_MAX + 8];
        unlink(path);
        snprintf(wal, sizeof wal, "%s-wal", path);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", path);
        unlink(wal);
    } else
        snprintf(out->file, sizeof out->file, "%s", path);
    return st;
}

static ap_status make_dir(const char *dir)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return ap_fail(AP_ERR_IO, "cannot make the folder %s: %s", dir, strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ap_fail(AP_ERR_IO, "%s is not a folder", dir);
    if (sb.st_mode & 0007)
        return ap_fail(AP_ERR_DENIED, "%s can be read by other users of this host; backups hold children's "
                                      "personal data: chmod o-rwx it, or choose another folder", dir);
    return AP_OK;
}

/* dir/NAME-YYYY-MM-DD-HHMMSS.db, a free name. */
static ap_status dated_name(const char *dir, const char *name, char *out, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];
    if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &tm))
        return ap_fail(AP_ERR_IO, "cannot read the clock");
    for (int n = 1; n < 100; n++) {
        int w = n == 1 ? snprintf(out, len, "%s/%s%s.db", dir, name, stamp)
                       : snprintf(out, len, "%s/%s%s-%d.db", dir, name, stamp, n);
        if (w < 0 || (size_t)w >= len)
            return ap_fail(AP_ERR_IO, "the folder name %s is too long", dir);
        if (access(out, F_OK) != 0)
            return AP_OK;
    }
    return ap_fail(AP_ERR_IO, "too many backups this second in %s", dir);
}

static bool is_backup_name(const char *n)
{
    size_t len = strlen(n);
    if (strncmp(n, PREFIX, strlen(PREFIX)) != 0 || len < strlen(PREFIX) + AFTER_PREFIX_LEN + 3 ||
        strcmp(n + len - 3, ".db") != 0)
        return false;
    const char *d = n + strlen(PREFIX);
    static const char shape[] = "dddd-dd-dd-dddddd";
    for (size_t i = 0; i < AFTER_PREFIX_LEN; i++)
        if (shape[i] == 'd' ? (d[i] < '0' || d[i] > '9') : d[i] != shape[i])
            return false;
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes all but the newest keep backups in dir; returns how many went. */
static int prune(const char *dir, int keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_backup_name(e->d_name))
            continue;
        char **grown = rowio_grow(names, &cap, n, sizeof *names);
        char *copy = grown ? strdup(e->d_name) : NULL;
        if (!copy)
            break;
        names = grown;
        names[n++] = copy;
    }
    closedir(d);
    int removed = 0;
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (i + (size_t)keep < n) {
            char path[PATH_MAX];
            if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path && unlink(path) == 0)
                removed++;
        }
        free(names[i]);
    }
    free(names);
    return removed;
}

static ap_status audit_row(struct store *s, const char *action, const char *file, const char *detail_key,
                           const char *detail, int64_t rows)
{
    return rowio_run(s,
                     "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                     "VALUES (apterm_login(), 'store', ?1, ?2, "
                     "json_object('file', ?1, ?3, ?4, 'rows', ?5))",
                     "recording it in the audit log", "ttttI", file, action, detail_key, detail, rows);
}

ap_status backup_make(struct store *s, const char *dir, int keep, struct backup_info *out)
{
    memset(out, 0, sizeof *out);
    if (store_role(s) != ROLE_ADMIN)
        return ap_fail(AP_ERR_DENIED, "%s is not an admin: only an admin can back up the store (a copy holds "
                                      "everything in it)", store_login(s));
    char path[PATH_MAX];
    ap_status st = make_dir(dir);
    if (st == AP_OK)
        st = dated_name(dir, PREFIX, path, sizeof path);
    if (st == AP_OK)
        st = copy_to_file(store_db(s), path, out);
    if (st == AP_OK) {
        char kept[16];
        snprintf(kept, sizeof kept, "%d", keep);
        st = audit_row(s, "backup", path, "keep", kept, out->rows);
        if (st != AP_OK)
            unlink(path);
    }
    if (st == AP_OK)
        out->removed = prune(dir, keep);
    return st;
}

ap_status backup_check(const char *file, int *schema, int64_t *rows)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    ap_status st = AP_OK;
    if (rc != SQLITE_OK)
        st = ap_fail(AP_ERR_IO, "cannot open %s: %s", file, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (st == AP_OK)
        st = integrity(db, file);
    sqlite3_stmt *q = NULL;
    int version = -1, meta = 0;
    if (st == AP_OK && sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                                              "(SELECT count(*) FROM sqlite_schema WHERE name IN ('meta', 'pupil', "
                                              "'audit_log'))", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        version = sqlite3_column_int(q, 0);
        meta = sqlite3_column_int(q, 1);
    }
    sqlite3_finalize(q);
    if (st == AP_OK && (version < 1 || meta != 3))
        st = ap_fail(AP_ERR_INVALID, "%s is not an apterm store", file);
    if (st == AP_OK && version > store_latest_schema())
        st = ap_fail(AP_ERR_TOO_NEW, "%s was made by a newer apterm (store version %d; this apterm knows up to %d): "
                                     "restore it with the newer apterm", file, version, store_latest_schema());
    int tables = 0;
    if (st == AP_OK)
        st = count_rows(db, file, &tables, rows);
    *schema = version;
    sqlite3_close(db);
    return st;
}

ap_status backup_restore(struct store *s, const char *file, const char *aside_dir, struct backup_info *aside)
{
    memset(aside, 0, sizeof *aside);
    if (store_role(s) != ROLE_ADMIN)
        return ap_fail(AP_ERR_DENIED, "%s is not an admin: only an admin can restore the store", store_login(s));
    int schema;
    int64_t rows;
    ap_status st = backup_check(file, &schema, &rows);
    char path[PATH_MAX];
    if (st == AP_OK)
        st = make_dir(aside_dir);
    if (st == AP_OK)
        st = dated_name(aside_dir, PREFIX "before-restore-", path, sizeof path);
    if (st == AP_OK)
        st = copy_to_file(store_db(s), path, aside);
    if (st != AP_OK)
        return st;
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK)
        st = ap_fail(AP_ERR_IO, "cannot open %s: %s", file, src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
    else {
        sqlite3_backup *b = sqlite3_backup_init(store_db(s), "main", src, "main");
        if (!b)
            st = ap_fail(AP_ERR_DB, "restoring %s: %s", file, sqlite3_errmsg(store_db(s)));
        else {
            rc = sqlite3_backup_step(b, -1);
            int fin = sqlite3_backup_finish(b);
            if (rc != SQLITE_DONE || fin != SQLITE_OK)
                st = ap_fail(AP_ERR_DB, "restoring %s: %s; the store was kept as it was in %s", file,
                             sqlite3_errstr(rc != SQLITE_DONE ? rc : fin), path);
        }
    }
    sqlite3_close(src);
    return st;
}

ap_status backup_audit_restore(struct store *s, const char *file, const char *aside)
{
    return audit_row(s, "restore", file, "kept_aside", aside, 0);
}
