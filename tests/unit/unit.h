#ifndef APTERM_TESTS_UNIT_H
#define APTERM_TESTS_UNIT_H

/* What the unit tests share: a real store in a temporary directory of its
 * own, other logins on it, and SQL run or queried by the test itself. Each
 * function fails the running cmocka test (fail_msg) on any error, so a
 * test never goes on from a set-up that did not happen. Linked into every
 * test binary (Makefile: UNIT_OBJ). */

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "thresholds.h"

/* The fixture most tests start from: a new store of their own. A file that
 * needs more holds this as the first member of its own fixture, so that
 * unit_teardown ends both. */
struct unit_fixture {
    char dir[64];
    char path[128];
    struct store *s;
    struct store *other;  /* a second login on the store, or NULL; unit_teardown closes it */
    struct thresholds th; /* thresholds_default */
    /* When set, unit_teardown calls it first: it ends what the test file
     * itself started in its set-up. */
    void (*end)(struct unit_fixture *f);
};

/* For a cmocka set-up: *state = a zeroed fixture of size bytes (at least a
 * struct unit_fixture, which it starts with) with a new store made by
 * unit_store_new(tag, login). Returns it. */
void *unit_fixture_new(void **state, size_t size, const char *tag, const char *login);
/* cmocka set-up and teardown of a struct unit_fixture (teardown also of
 * any fixture made by unit_fixture_new): ends the store, frees the fixture. */
int unit_setup(void **state);
int unit_teardown(void **state);
/* For a cmocka set-up of a test that needs only a folder of its own: a
 * struct unit_fixture with no store and a new directory /tmp/apterm-dir-XXXXXX,
 * which unit_teardown removes with everything in it. */
int unit_setup_dir(void **state);
/* One row of a test table: the test fn on a fixture made by setup (unit_setup
 * or the file's own) and ended by unit_teardown. */
#define UNIT_TEST(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, unit_teardown)

/* The terms of 2025/26, as VALUES rows for unit_calendar. */
#define UNIT_TERMS_2025_26                                                                                             \
    "('2025/26', 'autumn', '2025-09-01', '2025-12-19'), ('2025/26', 'spring', '2026-01-05', '2026-03-27'), "          \
    "('2025/26', 'summer', '2026-04-13', '2026-07-20')"
/* The terms from summer 2026 to spring 2027 (2025/26's summer, 2026/27's
 * autumn and spring), as VALUES rows for unit_calendar. */
#define UNIT_TERMS_2026                                                                                                \
    "('2025/26', 'summer', '2026-04-13', '2026-07-20'), ('2026/27', 'autumn', '2026-09-01', '2026-12-18'), "          \
    "('2026/27', 'spring', '2027-01-04', '2027-03-19')"
/* A calendar of the test's own in place of the seed's: no closures, and the
 * terms terms, the VALUES rows of an INSERT INTO term (academic_year, name,
 * start_date, end_date). */
void unit_calendar(struct store *s, const char *terms);

/* A new directory /tmp/apterm-<tag>-XXXXXX into dir (64 bytes). */
void unit_dir_new(const char *tag, char dir[64]);
/* A new store, created with the Welsh codes and opened as login, in a new
 * directory /tmp/apterm-<tag>-XXXXXX: dir (64 bytes) gets the directory and
 * path (path_len bytes) the store's file in it. The caller ends it with
 * unit_store_end. */
struct store *unit_store_new(const char *tag, const char *login, char dir[64], char *path, size_t path_len);
/* Closes s (may be NULL) and removes dir with everything in it. */
void unit_store_end(struct store *s, const char *dir);
/* The store at path opened as login, after adding login with role through
 * admin (role NULL: added by no one; the open is expected to succeed). */
struct store *unit_open_as(struct store *admin, const char *path, const char *login, const char *role);

/* Fills s, a store unit_store_new has just made, with the demo generator's
 * store of pupils pupils, weeks school weeks of marks and seed (db/demo.h). */
void unit_demo(struct store *s, int pupils, int weeks, unsigned long seed);

/* Runs the SQL made from fmt as it is (the caller's transaction or none). */
void unit_exec(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pupils 1..n ("Pupil Number i", UPN A69020010 and i in four digits), inside
 * the caller's transaction. */
void unit_numbered_pupils(struct store *s, int n);
/* A small random number generator: the same sequence from the same seed on
 * every run (a random test that fails, fails again). */
unsigned unit_rand(unsigned *seed);
/* The same in a transaction of its own (store_begin ... store_commit). */
void unit_sql(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The integer the query made from fmt answers (-1 for no row). */
int64_t unit_int(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The integer the query sql answers on a raw connection (not a store);
 * fails unless it answers a row. */
int64_t unit_db_int(sqlite3 *db, const char *sql);
/* The text of the first column of the query's first row into buf ("(null)"
 * for NULL or no row); returns buf. */
char *unit_text(struct store *s, char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct pupil;
/* A pupil ready for pupil_insert: a valid UPN made from the nine digits of
 * prefix and serial (three digits), the legal names, dob and cohort; on the
 * dual (PRS) roll, no plan, no start or end date. */
void unit_pupil(struct pupil *p, const char *prefix, int serial, const char *forename, const char *surname, int dob,
                const char *cohort);
/* A valid UPN (13 characters and the NUL) into out: the check letter, then
 * the nine digits of prefix and serial as three digits. */
void unit_upn(char out[14], const char *prefix, int serial);
/* date as "YYYY-MM-DD" in one of 16 static slots, so that several can stand
 * in one expression. */
const char *unit_date(int date);
/* Marks of pupil from day on, one a session (AM, PM, the next day's AM...):
 * a code a character of codes, by phone. */
void unit_marks(struct store *s, int64_t pupil, int day, const char *codes);
/* Writes text to the file at path (made, or emptied first). */
void unit_write_file(const char *path, const char *text);
/* Fails unless the file at path holds exactly text. */
void unit_expect_file(const char *path, const char *text);
/* Fails unless the last error's detail contains fragment. */
void unit_expect_detail(const char *fragment);
/* Fails unless st is AP_ERR_INVALID (a value refused) and the last error's
 * detail contains fragment. */
void unit_refused(ap_status st, const char *fragment);

/* Marks the first n pupils (by id) O in the AM of the latest school day
 * before today that has no mark for anyone yet (so every mark is new);
 * returns that day. */
int unit_mark_unmarked_day(struct store *s, int today, int n);
/* unit_store_new, filled with a demo of that many pupils and weeks (seed 1). */
struct store *unit_demo_store(const char *tag, const char *login, int pupils, int weeks, char dir[64], char *path,
                              size_t path_len);
struct flagset;
/* Where the flags fs differ from a fresh count on s as of today, in words
 * (buf empty when nowhere): the counts, how many, or the first row that
 * differs (compared in any order). */
void unit_flags_differences(struct store *s, const struct thresholds *th, int today, const struct flagset *fs,
                            char *buf, size_t len);

#endif
