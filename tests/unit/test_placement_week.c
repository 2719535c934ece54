/* placement_week, each placement's status, days and week of sessions, kept
 * by triggers for the attendance grid and the register (migration 037;
 * db/marks.c expected_days reads it): after a random mix of changes to
 * placements and their timetables - inserted, their status, dates, pupil
 * and provider changed, deleted (the timetable going with them), sessions
 * added, replaced, moved and removed - made through db/placement.c, as SQL
 * by another login, and by a second process, every row equals the same
 * worked out afresh in C from placement and placement_session. The
 * migration fills it for a store made before it, and the expected sessions
 * read from it are those of before. A test lets a row go stale and checks
 * the comparison then fails, so that the proof cannot pass by accident. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calendar.h"
#include "date.h"
#include "marks.h"
#include "placement.h"
#include "rowio.h"
#include "store.h"
#include "unit.h"

#define PUPILS 5
#define PROVIDERS 3
/* Monday 9 November 2026, in the autumn term of data/terms.csv. */
#define MON (date_from_ymd(2026, 11, 9))

/* ---- the kept rows against a fresh reading ---------------------------------- */

/* One placement as the grid's rule reads it. */
struct week_row {
    int64_t pupil_id, placement_id, provider_id;
    char status[12];
    int start, end; /* day numbers; end DATE_NONE when none */
    int64_t sessions;
};

struct rows {
    struct week_row *r;
    size_t n, cap;
};

static struct week_row *add_row(struct rows *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->r = realloc(l->r, l->cap * sizeof *l->r);
        assert_non_null(l->r);
    }
    memset(&l->r[l->n], 0, sizeof l->r[l->n]);
    return &l->r[l->n++];
}

static sqlite3_stmt *prepare(struct store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
    return st;
}

static int text_day(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return DATE_NONE;
    int day = DATE_NONE;
    assert_true(date_parse_iso((const char *)sqlite3_column_text(st, col), &day));
    return day;
}

/* A new row of l with the pupil, placement, provider and status of st's
 * columns 0 to 3 (the same in both readings). */
static struct week_row *read_row(struct rows *l, sqlite3_stmt *st)
{
    struct week_row *w = add_row(l);
    w->pupil_id = sqlite3_column_int64(st, 0);
    w->placement_id = sqlite3_column_int64(st, 1);
    w->provider_id = sqlite3_column_int64(st, 2);
    snprintf(w->status, sizeof w->status, "%s", (const char *)sqlite3_column_text(st, 3));
    return w;
}

/* The placements read afresh, in placement order: dates parsed in C, the
 * sessions' bits set in C from the timetable's rows. */
static struct rows fresh_rows(struct store *s)
{
    struct rows l = {0};
    sqlite3_stmt *st =
        prepare(s, "SELECT pupil_id, id, provider_id, status, start_date, end_date FROM placement ORDER BY id");
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct week_row *w = read_row(&l, st);
        w->start = text_day(st, 4);
        w->end = text_day(st, 5);
    }
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    st = prepare(s, "SELECT placement_id, weekday, session FROM placement_session");
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int bit = 2 * sqlite3_column_int(st, 1) + (strcmp((const char *)sqlite3_column_text(st, 2), "pm") == 0);
        size_t i = 0;
        while (i < l.n && l.r[i].placement_id != id)
            i++;
        assert_true(i < l.n); /* a timetable row of no placement: the cascade failed */
        l.r[i].sessions |= (int64_t)1 << bit;
    }
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    return l;
}

static struct rows kept_rows(struct store *s)
{
    struct rows l = {0};
    sqlite3_stmt *st = prepare(s, "SELECT pupil_id, placement_id, provider_id, status, start_day, end_day, sessions "
                                  "FROM placement_week ORDER BY placement_id");
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct week_row *w = read_row(&l, st);
        w->start = sqlite3_column_int(st, 4);
        w->end = sqlite3_column_type(st, 5) == SQLITE_NULL ? DATE_NONE : sqlite3_column_int(st, 5);
        w->sessions = sqlite3_column_int64(st, 6);
    }
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    return l;
}

/* How many placements placement_week has wrong, missing or extra; the
 * first says which in why. */
static int stale(struct store *s, char *why, size_t len)
{
    struct rows f = fresh_rows(s), k = kept_rows(s);
    int bad = 0;
    why[0] = '\0';
    size_t i = 0, j = 0;
    while (i < f.n || j < k.n) {
        const struct week_row *a = i < f.n ? &f.r[i] : NULL, *b = j < k.n ? &k.r[j] : NULL;
        if (a && (!b || a->placement_id < b->placement_id)) {
            if (!bad++)
                snprintf(why, len, "placement %lld has no row", (long long)a->placement_id);
            i++;
        } else if (!a || b->placement_id < a->placement_id) {
            if (!bad++)
                snprintf(why, len, "placement %lld is gone but has a row", (long long)b->placement_id);
            j++;
        } else {
            if (a->pupil_id != b->pupil_id || a->provider_id != b->provider_id || strcmp(a->status, b->status) ||
                a->start != b->start || a->end != b->end || a->sessions != b->sessions) {
                if (!bad++)
                    snprintf(why, len,
                             "placement %lld: pupil %lld/%lld provider %lld/%lld %s/%s days %d-%d/%d-%d "
                             "sessions %lld/%lld (fresh/kept)",
                             (long long)a->placement_id, (long long)a->pupil_id, (long long)b->pupil_id,
                             (long long)a->provider_id, (long long)b->provider_id, a->status, b->status, a->start,
                             a->end, b->start, b->end, (long long)a->sessions, (long long)b->sessions);
            }
            i++;
            j++;
        }
    }
    free(f.r);
    free(k.r);
    return bad;
}

#define ASSERT_FRESH(s)                                                                                              \
    do {                                                                                                             \
        char why_[256];                                                                                              \
        int bad_ = stale((s), why_, sizeof why_);                                                                    \
        if (bad_)                                                                                                    \
            fail_msg("%d rows of placement_week differ from the placements: %s", bad_, why_);                       \
    } while (0)

/* ---- random changes -------------------------------------------------------------- */

static const char *const statuses[] = {"proposed", "active", "ended"};

/* One random change to the placements or their timetables, as SQL another
 * login could type; SQLite's code for it. */
static int one_change(sqlite3 *db, unsigned *seed)
{
    char sql[640];
    int placement = 1 + (int)(unit_rand(seed) % 14), pupil = 1 + (int)(unit_rand(seed) % PUPILS);
    int provider = 1 + (int)(unit_rand(seed) % PROVIDERS), weekday = (int)(unit_rand(seed) % 5);
    const char *session = unit_rand(seed) % 2 ? "pm" : "am", *status = statuses[unit_rand(seed) % 3];
    int start = MON - 10 + (int)(unit_rand(seed) % 30), end = start + (int)(unit_rand(seed) % 20);
    char from[11], to[11];
    date_format(start, from);
    date_format(end, to);
    bool open = unit_rand(seed) % 3 == 0;
    switch (unit_rand(seed) % 10) {
    case 0:
    case 1:
        snprintf(sql, sizeof sql,
                 "INSERT INTO placement (id, pupil_id, provider_id, status, start_date, end_date, cost_basis, rate) "
                 "SELECT %d, %d, %d, '%s', '%s', %s%s%s, 'session', 5000 "
                 "WHERE NOT EXISTS (SELECT 1 FROM placement WHERE id = %d)",
                 placement, pupil, provider, status, from, open ? "" : "'", open ? "NULL" : to, open ? "" : "'",
                 placement);
        break;
    case 2: /* its status and dates */
        snprintf(sql, sizeof sql,
                 "UPDATE placement SET status = '%s', start_date = '%s', end_date = %s%s%s, version = version + 1 "
                 "WHERE id = %d",
                 status, from, open ? "" : "'", open ? "NULL" : to, open ? "" : "'", placement);
        break;
    case 3: /* another pupil and provider */
        snprintf(sql, sizeof sql,
                 "UPDATE placement SET pupil_id = %d, provider_id = %d, version = version + 1 WHERE id = %d", pupil,
                 provider, placement);
        break;
    case 9: /* a REPLACE of the placement, perhaps for another pupil */
        snprintf(sql, sizeof sql,
                 "INSERT OR REPLACE INTO placement (id, pupil_id, provider_id, status, start_date, cost_basis, rate) "
                 "SELECT id, %d, provider_id, status, start_date, 'session', 6000 FROM placement WHERE id = %d",
                 pupil, placement);
        break;
    case 4: /* the timetable goes with it */
        snprintf(sql, sizeof sql, "DELETE FROM placement WHERE id = %d", placement);
        break;
    case 5:
        snprintf(sql, sizeof sql,
                 "INSERT OR IGNORE INTO placement_session (placement_id, weekday, session, hours) "
                 "SELECT id, %d, '%s', 2.5 FROM placement WHERE id = %d",
                 weekday, session, placement);
        break;
    case 6: /* REPLACE deletes the row it replaces without its delete trigger */
        snprintf(sql, sizeof sql,
                 "INSERT OR REPLACE INTO placement_session (placement_id, weekday, session, hours) "
                 "SELECT id, %d, '%s', 1.5 FROM placement WHERE id = %d",
                 weekday, session, placement);
        break;
    case 7: /* a session moved to another day, or to another placement */
        snprintf(sql, sizeof sql,
                 "UPDATE OR IGNORE placement_session SET weekday = %d, session = '%s', placement_id = "
                 "coalesce((SELECT id FROM placement WHERE id = %d), placement_id) "
                 "WHERE (placement_id, weekday, session) IN "
                 "(SELECT placement_id, weekday, session FROM placement_session WHERE placement_id = %d LIMIT 1)",
                 weekday, session, 1 + (int)(unit_rand(seed) % 14), placement);
        break;
    default:
        snprintf(sql, sizeof sql, "DELETE FROM placement_session WHERE placement_id = %d AND weekday = %d", placement,
                 weekday);
        break;
    }
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int setup(void **state)
{
    struct unit_fixture *f = unit_fixture_new(state, sizeof *f, "placement-week", "tester");
    assert_int_equal(store_begin(f->s), AP_OK);
    for (int i = 1; i <= PROVIDERS; i++)
        unit_exec(f->s, "INSERT INTO provider (id, name) VALUES (%d, 'Provider %d')", i, i);
    unit_numbered_pupils(f->s, PUPILS);
    assert_int_equal(store_commit(f->s), AP_OK);
    return 0;
}

/* A placement saved through the API: the pupil at provider 1 from Tuesday,
 * Monday and Wednesday mornings. */
static int64_t api_placement(struct store *s, int64_t pupil)
{
    struct placement p;
    placement_init(&p);
    p.pupil_id = pupil;
    p.provider_id = 1;
    snprintf(p.status, sizeof p.status, "active");
    p.start_date = MON + 1;
    p.end_date = DATE_NONE;
    p.rate = 4000;
    p.hours[0][PLACEMENT_AM] = 3;
    p.hours[2][PLACEMENT_AM] = 3;
    if (placement_insert(s, &p) != AP_OK)
        fail_msg("placement_insert: %s", ap_error_detail());
    return p.id;
}

/* The child: n random changes on a connection of its own; its exit status
 * says how many failed (0 when none). */
static int child_changes(const char *path, unsigned seed, int n)
{
    struct store_options opt = {.path = path, .login = "officer2"};
    struct store *c = NULL;
    if (store_open(&opt, &c) != AP_OK)
        return 100;
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += one_change(store_db(c), &seed) != SQLITE_OK;
    store_close(c);
    return failed > 99 ? 99 : failed;
}

static void test_kept_rows_equal_the_placements_after_random_changes(void **state)
{
    struct unit_fixture *f = *state;
    struct store *other = unit_open_as(f->s, f->path, "officer1", "officer");
    assert_int_equal(store_user_add(f->s, "officer2", "officer"), AP_OK);
    unsigned seed = 37;
    int64_t most_sessions = 0, most_statuses = 0; /* that the changes did something */
    for (int round = 0; round < 6; round++) {
        /* this login and another, as SQL */
        for (int i = 0; i < 150; i++) {
            int rc = one_change(store_db(i % 2 ? f->s : other), &seed);
            if (rc != SQLITE_OK)
                fail_msg("change %d of round %d: %s", i, round, sqlite3_errmsg(store_db(i % 2 ? f->s : other)));
            if (i % 25 == 0) {
                ASSERT_FRESH(f->s);
                int64_t n = unit_int(f->s, "SELECT count(*) FROM placement_session");
                int64_t k = unit_int(f->s, "SELECT count(DISTINCT status) FROM placement_week WHERE sessions != 0");
                most_sessions = n > most_sessions ? n : most_sessions;
                most_statuses = k > most_statuses ? k : most_statuses;
            }
        }
        ASSERT_FRESH(f->s);
        /* a second process */
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(child_changes(f->path, seed + (unsigned)round, 150));
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        ASSERT_FRESH(f->s);
        ASSERT_FRESH(other);
    }
    /* The changes did something: timetables, and placements of every status with sessions. */
    assert_true(most_sessions > 10);
    assert_int_equal(most_statuses, 3);
    /* apterm's own writes: a placement saved with its timetable, its
     * timetable and dates changed, ended, and deleted. */
    int64_t id = api_placement(f->s, 1);
    ASSERT_FRESH(f->s);
    assert_int_equal(unit_int(f->s, "SELECT sessions FROM placement_week WHERE placement_id = %lld", (long long)id),
                     (1 << 0) | (1 << 4));
    struct placement p;
    assert_int_equal(placement_get(f->s, id, &p), AP_OK);
    p.hours[0][PLACEMENT_AM] = 0;
    p.hours[4][PLACEMENT_PM] = 2;
    p.start_date = MON;
    assert_int_equal(placement_update(f->s, &p), AP_OK);
    ASSERT_FRESH(f->s);
    assert_int_equal(unit_int(f->s, "SELECT sessions FROM placement_week WHERE placement_id = %lld", (long long)id),
                     (1 << 4) | (1 << 9));
    int64_t version = p.version;
    if (placement_end(f->s, id, &version, MON + 3, MON + 3) != AP_OK)
        fail_msg("placement_end: %s", ap_error_detail());
    ASSERT_FRESH(f->s);
    assert_int_equal(unit_int(f->s, "SELECT end_day FROM placement_week WHERE placement_id = %lld", (long long)id),
                     MON + 3);
    /* a proposed one, deleted (a pupil of its own: no clash with the random ones) */
    unit_sql(f->s, "INSERT INTO pupil (id, upn, legal_forename, legal_surname, dob, roll_status, cohort) "
                   "VALUES (9, 'A690200109999', 'Pupil', 'Nine', '2012-03-14', 'dual_prs', 'pru_plus')");
    id = api_placement(f->s, 9);
    assert_int_equal(placement_get(f->s, id, &p), AP_OK);
    snprintf(p.status, sizeof p.status, "proposed");
    assert_int_equal(placement_update(f->s, &p), AP_OK);
    ASSERT_FRESH(f->s);
    assert_int_equal(placement_delete(f->s, id, p.version), AP_OK);
    ASSERT_FRESH(f->s);
    assert_int_equal(unit_int(f->s, "SELECT count(*) FROM placement_week WHERE placement_id = %lld", (long long)id),
                     0);
    store_close(other);
}

/* The comparison catches a stale row: the proof above can fail. */
static void test_a_stale_row_is_seen(void **state)
{
    struct unit_fixture *f = *state;
    int64_t id = api_placement(f->s, 1);
    ASSERT_FRESH(f->s);
    unit_sql(f->s, "DROP TRIGGER placement_week_session_del");
    unit_sql(f->s, "DELETE FROM placement_session WHERE placement_id = %lld AND weekday = 2", (long long)id);
    char why[256];
    assert_int_equal(stale(f->s, why, sizeof why), 1);
    assert_non_null(strstr(why, "sessions 1/17"));
}

/* The kept table is derived: its writes are not in the audit (nor in the
 * change feed the sessions read), its placement's and timetable's are. */
static void test_kept_rows_are_not_audited(void **state)
{
    struct unit_fixture *f = *state;
    int64_t before = unit_int(f->s, "SELECT count(*) FROM audit_log");
    api_placement(f->s, 1);
    assert_int_equal(unit_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'placement_week'"), 0);
    assert_int_equal(unit_int(f->s, "SELECT count(*) FROM audit_log WHERE id > %lld AND tbl = 'placement_session'",
                              (long long)before),
                     2);
    assert_int_equal(unit_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                                    "AND tbl_name = 'placement_week'"),
                     0);
}

/* ---- a store made before migration 037 ---------------------------------------------- */

/* The expected sessions of the week from monday, as text: one line each. */
static bool add_expected(void *ctx, const struct expected *e)
{
    char line[96];
    snprintf(line, sizeof line, "%lld %lld %d %d\n", (long long)e->pupil_id, (long long)e->provider_id, e->day,
             (int)e->session);
    size_t have = strlen(*(char **)ctx);
    char *grown = realloc(*(char **)ctx, have + strlen(line) + 1);
    if (!grown)
        return false;
    memcpy(grown + have, line, strlen(line) + 1);
    *(char **)ctx = grown;
    return true;
}

static char *week_expected(struct store *s, int monday)
{
    struct calendar cal;
    assert_int_equal(calendar_load(s, &cal), AP_OK);
    char *text = calloc(1, 1);
    assert_non_null(text);
    assert_int_equal(marks_expected_week(s, &cal, monday, add_expected, &text), AP_OK);
    calendar_free(&cal);
    return text;
}

static int setup_demo(void **state)
{
    struct unit_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    *state = f;
    f->s = unit_demo_store("placement-week-demo", "tester", 60, 4, f->dir, f->path, sizeof f->path);
    return 0;
}

static void test_migration_fills_it_for_an_older_store(void **state)
{
    struct unit_fixture *f = *state;
    int monday = date_from_ymd(2026, 11, 16);
    char *before = week_expected(f->s, monday);
    assert_true(strlen(before) > 200); /* the demo's pupils are expected that week */
    ASSERT_FRESH(f->s);
    /* The store as 036 left it: no placement_week, no triggers keeping it;
     * and none of what the later migrations make (039's progress spans),
     * which run again after 037. */
    store_close(f->s);
    f->s = NULL;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "BEGIN; DROP TRIGGER placement_week_ins; DROP TRIGGER placement_week_upd; "
                                  "DROP TRIGGER placement_week_del; DROP TRIGGER placement_week_session_ins; "
                                  "DROP TRIGGER placement_week_session_upd; DROP TRIGGER placement_week_session_del; "
                                  "DROP VIEW placement_week_fresh; DROP TABLE placement_week; "
                                  "DROP TRIGGER progress_span_ins; DROP TRIGGER progress_span_ins_na; "
                                  "DROP TRIGGER progress_span_del; DROP TRIGGER progress_span_upd; "
                                  "DROP VIEW progress_span_counted; DROP TABLE progress_span; "
                                  "PRAGMA user_version = 36; COMMIT",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    struct store_options opt = {.path = f->path, .login = "tester"};
    assert_int_equal(store_open(&opt, &f->s), AP_OK);
    assert_int_equal(store_schema_version(f->s), store_latest_schema());
    ASSERT_FRESH(f->s);
    char *after = week_expected(f->s, monday);
    assert_string_equal(before, after);
    /* And the expected sessions do come from it: emptied, nobody is expected. */
    unit_sql(f->s, "DELETE FROM placement_week");
    char *emptied = week_expected(f->s, monday);
    assert_string_equal(emptied, "");
    free(before);
    free(after);
    free(emptied);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_kept_rows_equal_the_placements_after_random_changes, setup),
        UNIT_TEST(test_a_stale_row_is_seen, setup),
        UNIT_TEST(test_kept_rows_are_not_audited, setup),
        UNIT_TEST(test_migration_fills_it_for_an_older_store, setup_demo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
