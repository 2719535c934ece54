/* The unit tests' shared set-up: see unit.h. */

#include "unit.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "date.h"
#include "demo.h"
#include "flagset.h"
#include "pupil.h"
#include "status.h"
#include "upn.h"

void unit_dir_new(const char *tag, char dir[64])
{
    int n = snprintf(dir, 64, "/tmp/apterm-%s-XXXXXX", tag);
    if (n < 0 || n >= 64 || !mkdtemp(dir))
        fail_msg("making a directory for the test (%s) failed", tag);
}

struct store *unit_store_new(const char *tag, const char *login, char dir[64], char *path, size_t path_len)
{
    unit_dir_new(tag, dir);
    int n = snprintf(path, path_len, "%s/test.db", dir);
    if (n < 0 || (size_t)n >= path_len)
        fail_msg("the store's path in %s is too long", dir);
    struct store_options opt = {.path = path, .login = login, .code_set = "wales", .create = true};
    struct store *s = NULL;
    if (store_open(&opt, &s) != AP_OK)
        fail_msg("store_open(%s): %s", path, ap_error_detail());
    return s;
}

void unit_store_end(struct store *s, const char *dir)
{
    store_close(s);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

void *unit_fixture_new(void **state, size_t size, const char *tag, const char *login)
{
    if (size < sizeof(struct unit_fixture))
        fail_msg("a fixture of %zu bytes cannot hold a struct unit_fixture", size);
    struct unit_fixture *f = calloc(1, size);
    if (!f)
        fail_msg("out of memory for the fixture");
    f->s = unit_store_new(tag, login, f->dir, f->path, sizeof f->path);
    thresholds_default(&f->th);
    *state = f;
    return f;
}

int unit_setup(void **state)
{
    unit_fixture_new(state, sizeof(struct unit_fixture), "unit", "tester");
    return 0;
}

int unit_setup_dir(void **state)
{
    struct unit_fixture *f = calloc(1, sizeof *f);
    if (!f)
        fail_msg("out of memory for the fixture");
    unit_dir_new("dir", f->dir);
    thresholds_default(&f->th);
    *state = f;
    return 0;
}

int unit_teardown(void **state)
{
    struct unit_fixture *f = *state;
    if (f->end)
        f->end(f);
    store_close(f->other);
    unit_store_end(f->s, f->dir);
    free(f);
    *state = NULL;
    return 0;
}

struct store *unit_open_as(struct store *admin, const char *path, const char *login, const char *role)
{
    if (role && store_user_add(admin, login, role) != AP_OK)
        fail_msg("adding %s as %s: %s", login, role, ap_error_detail());
    struct store_options opt = {.path = path, .login = login};
    struct store *s = NULL;
    if (store_open(&opt, &s) != AP_OK)
        fail_msg("store_open(%s) as %s: %s", path, login, ap_error_detail());
    return s;
}

void unit_demo(struct store *s, int pupils, int weeks, unsigned long seed)
{
    struct demo_options o;
    demo_options_default(&o);
    o.pupils = pupils;
    o.weeks = weeks;
    o.seed = seed;
    if (demo_generate(s, &o) != AP_OK)
        fail_msg("demo_generate: %s", ap_error_detail());
}

/* fmt with ap into buf, failing the test when it does not fit. */
static void fmt_sql(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
static void fmt_sql(char *buf, size_t len, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, len, fmt, ap);
    if (n < 0 || (size_t)n >= len)
        fail_msg("the test's SQL is longer than %zu bytes: %.60s...", len, buf);
}

/* Runs sql; on failure rolls back first when the transaction is ours. */
static void exec(struct store *s, const char *sql, bool ours)
{
    char *err = NULL;
    if (sqlite3_exec(store_db(s), sql, NULL, NULL, &err) != SQLITE_OK) {
        if (ours)
            store_rollback(s);
        fail_msg("SQL failed: %s\n%s", err ? err : "?", sql);
    }
}

/* fmt with ap, run by exec. */
static void vexec(struct store *s, bool ours, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
static void vexec(struct store *s, bool ours, const char *fmt, va_list ap)
{
    static char buf[16384];
    fmt_sql(buf, sizeof buf, fmt, ap);
    exec(s, buf, ours);
}

void unit_exec(struct store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vexec(s, false, fmt, ap);
    va_end(ap);
}

unsigned unit_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

void unit_numbered_pupils(struct store *s, int n)
{
    for (int i = 1; i <= n; i++)
        unit_exec(s,
                  "INSERT INTO pupil (id, upn, legal_forename, legal_surname, dob, roll_status, cohort) "
                  "VALUES (%d, 'A69020010%04d', 'Pupil', 'Number %d', '2012-03-14', 'dual_prs', 'pru_plus')",
                  i, i, i);
}

void unit_sql(struct store *s, const char *fmt, ...)
{
    if (store_begin(s) != AP_OK)
        fail_msg("store_begin: %s", ap_error_detail());
    va_list ap;
    va_start(ap, fmt);
    vexec(s, true, fmt, ap);
    va_end(ap);
    if (store_commit(s) != AP_OK)
        fail_msg("store_commit: %s", ap_error_detail());
}

void unit_calendar(struct store *s, const char *terms)
{
    unit_sql(s, "DELETE FROM closure; DELETE FROM term; "
                "INSERT INTO term (academic_year, name, start_date, end_date) VALUES %s;",
             terms);
}

void unit_marks(struct store *s, int64_t pupil, int day, const char *codes)
{
    char sql[4096] = "INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES ";
    for (size_t i = 0; codes[i]; i++) {
        char one[96];
        snprintf(one, sizeof one, "%s(%lld, %d, '%s', '%c', 'phone')", i ? ", " : "", (long long)pupil,
                 day + (int)i / 2, i % 2 ? "pm" : "am", codes[i]);
        if (strlen(sql) + strlen(one) >= sizeof sql)
            fail_msg("unit_marks: too many codes (%zu)", strlen(codes));
        strcat(sql, one);
    }
    unit_sql(s, "%s", sql);
}

void unit_write_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");
    if (!out)
        fail_msg("opening %s: %s", path, strerror(errno));
    bool ok = fputs(text, out) >= 0;
    if (fclose(out) != 0 || !ok)
        fail_msg("writing %s: %s", path, strerror(errno));
}

void unit_expect_file(const char *path, const char *text)
{
    char buf[4096];
    FILE *in = fopen(path, "r");
    if (!in)
        fail_msg("opening %s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    buf[n] = '\0';
    if (ferror(in) || fclose(in) != 0)
        fail_msg("reading %s: %s", path, strerror(errno));
    assert_string_equal(buf, text);
}

int64_t unit_int(struct store *s, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    fmt_sql(buf, sizeof buf, fmt, ap);
    va_end(ap);
    int64_t v = -1;
    if (store_query_int(s, buf, -1, &v) != AP_OK)
        fail_msg("query failed: %s\n%s", ap_error_detail(), buf);
    return v;
}

int64_t unit_db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        fail_msg("no row from: %s (%s)", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

char *unit_text(struct store *s, char *buf, size_t len, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    fmt_sql(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("query failed: %s\n%s", sqlite3_errmsg(store_db(s)), sql);
    buf[0] = '\0';
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        snprintf(buf, len, "(null)");
    else
        fail_msg("query failed: %s\n%s", sqlite3_errmsg(store_db(s)), sql);
    sqlite3_finalize(st);
    return buf;
}

void unit_upn(char out[14], const char *prefix, int serial)
{
    char last12[13];
    snprintf(last12, sizeof last12, "%.9s%03d", prefix, serial);
    out[0] = upn_check_letter(last12);
    memcpy(out + 1, last12, sizeof last12);
}

void unit_pupil(struct pupil *p, const char *prefix, int serial, const char *forename, const char *surname, int dob,
                const char *cohort)
{
    memset(p, 0, sizeof *p);
    unit_upn(p->upn, prefix, serial);
    snprintf(p->legal_forename, sizeof p->legal_forename, "%s", forename);
    snprintf(p->legal_surname, sizeof p->legal_surname, "%s", surname);
    p->dob = dob;
    snprintf(p->roll_status, sizeof p->roll_status, "dual_prs");
    snprintf(p->cohort, sizeof p->cohort, "%s", cohort);
    snprintf(p->plan, sizeof p->plan, "none");
    p->start_date = p->end_date = DATE_NONE;
}

const char *unit_date(int date)
{
    static char slots[16][11];
    static unsigned next;
    return date_format(date, slots[next++ % 16]);
}

void unit_expect_detail(const char *fragment)
{
    if (!strstr(ap_error_detail(), fragment))
        fail_msg("expected \"%s\" in \"%s\"", fragment, ap_error_detail());
}

void unit_refused(ap_status st, const char *fragment)
{
    if (st != AP_ERR_INVALID)
        fail_msg("status %d (%s), expected AP_ERR_INVALID; detail: %s", (int)st, ap_status_text(st),
                 ap_error_detail());
    unit_expect_detail(fragment);
}

int unit_mark_unmarked_day(struct store *s, int today, int n)
{
    int day = today;
    do
        day--;
    while (date_weekday(day) > 4 || unit_int(s, "SELECT count(*) FROM attendance_mark WHERE day = %d", day) > 0);
    unit_sql(s, "INSERT INTO attendance_mark (pupil_id, day, session, code, source) "
                "SELECT id, %d, 'am', 'O', 'officer' FROM pupil ORDER BY id LIMIT %d",
             day, n);
    return day;
}

struct store *unit_demo_store(const char *tag, const char *login, int pupils, int weeks, char dir[64], char *path,
                              size_t path_len)
{
    struct store *s = unit_store_new(tag, login, dir, path, path_len);
    unit_demo(s, pupils, weeks, 1);
    return s;
}

void unit_flags_differences(struct store *s, const struct thresholds *th, int today, const struct flagset *fs,
                            char *buf, size_t len)
{
    buf[0] = '\0';
    struct flagset fresh = {0};
    if (flagset_load(&fresh, s, th, today) != AP_OK)
        fail_msg("counting the flags: %s", ap_error_detail());
    struct flag_row *mine = malloc((fs->n + 1) * sizeof *mine);
    if (!mine)
        fail_msg("out of memory");
    if (fs->n)
        memcpy(mine, fs->rows, fs->n * sizeof *mine);
    qsort(mine, fs->n, sizeof *mine, flagset_row_cmp);
    qsort(fresh.rows, fresh.n, sizeof *fresh.rows, flagset_row_cmp);
    if (fs->counts.red != fresh.counts.red || fs->counts.amber != fresh.counts.amber)
        snprintf(buf, len, "flag counts %d red %d amber, fresh %d red %d amber", fs->counts.red, fs->counts.amber,
                 fresh.counts.red, fresh.counts.amber);
    else if (fs->n != fresh.n)
        snprintf(buf, len, "%zu flags, fresh %zu", fs->n, fresh.n);
    for (size_t i = 0; !buf[0] && i < fresh.n; i++)
        if (flagset_row_cmp(&mine[i], &fresh.rows[i]) != 0)
            snprintf(buf, len, "flag %zu: %s %s \"%s\", fresh %s %s \"%s\"", i, mine[i].kind, mine[i].subject,
                     mine[i].reason, fresh.rows[i].kind, fresh.rows[i].subject, fresh.rows[i].reason);
    free(mine);
    flagset_free(&fresh);
}
