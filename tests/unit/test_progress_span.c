/* progress_span, each pupil's first and last rating of each tracking area
 * kept by the triggers of migration 039: after any mix of changes to the
 * ratings (added, changed, set to "not applicable", moved to another week,
 * area or pupil, written over by INSERT OR REPLACE, deleted, a pupil's all at
 * once), by this login or another, it equals the spans counted afresh from
 * progress_entry; a stale span is seen by that count; and the DMT report's
 * progress figures read from the spans equal those counted from the ratings
 * directly, for ranges holding a pair's ratings whole, cutting them, or
 * missing them. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "report.h"
#include "store.h"
#include "unit.h"

/* Monday 7 September 2026, and WEEKS Mondays from it. */
#define MON (date_from_ymd(2026, 9, 7))
#define WEEKS 8
#define PUPILS 4

static const char *const areas[] = {"attendance", "wellbeing", "engagement", "social", "qualifications"};
#define AREAS 5

/* The spans counted afresh from the ratings (a format for unit_int). */
#define RECOUNT                                                                                                   \
    "SELECT x.pupil_id, x.area, x.fw AS first_week, "                                                             \
    "  (SELECT e.rating FROM progress_entry e WHERE e.pupil_id = x.pupil_id AND e.area = x.area "               \
    "     AND e.week_start = x.fw) AS first_rating, x.lw AS last_week, "                                         \
    "  (SELECT e.rating FROM progress_entry e WHERE e.pupil_id = x.pupil_id AND e.area = x.area "               \
    "     AND e.week_start = x.lw) AS last_rating "                                                              \
    "FROM (SELECT pupil_id, area, min(week_start) AS fw, max(week_start) AS lw FROM progress_entry "            \
    "      WHERE rating IS NOT NULL GROUP BY pupil_id, area) x"
#define SAME(a, b)                                                                                                \
    a ".pupil_id = " b ".pupil_id AND " a ".area = " b ".area AND " a ".first_week = " b ".first_week AND " a   \
    ".first_rating = " b ".first_rating AND " a ".last_week = " b ".last_week AND " a ".last_rating = " b      \
    ".last_rating"

/* Spans that differ from the recount, both ways round. */
static int64_t stale_spans(struct store *s)
{
    return unit_int(s,
                    "SELECT (SELECT count(*) FROM (" RECOUNT ") x WHERE NOT EXISTS (SELECT 1 FROM progress_span p "
                    "  WHERE " SAME("p", "x") ")) "
                    "+ (SELECT count(*) FROM progress_span p WHERE NOT EXISTS (SELECT 1 FROM (" RECOUNT ") x "
                    "  WHERE " SAME("p", "x") "))");
}

static int setup(void **state)
{
    struct unit_fixture *f = unit_fixture_new(state, sizeof *f, "span", "tester");
    assert_int_equal(store_begin(f->s), AP_OK);
    unit_numbered_pupils(f->s, PUPILS);
    assert_int_equal(store_commit(f->s), AP_OK);
    return 0;
}

/* A rating as SQL: 1..5, or NULL ("not applicable") one time in six. */
static const char *rating_sql(unsigned *seed)
{
    static const char *const r[] = {"NULL", "1", "2", "3", "4", "5"};
    return r[unit_rand(seed) % 6];
}

/* n random changes, every other one by another login on the store. */
static void random_changes(struct unit_fixture *f, unsigned seed, int n)
{
    struct store *other = unit_open_as(f->s, f->path, "officer1", "officer");
    for (int i = 0; i < n; i++) {
        int pupil = 1 + (int)(unit_rand(&seed) % PUPILS);
        char week[11], to_week[11];
        snprintf(week, sizeof week, "%s", unit_date(MON + 7 * (int)(unit_rand(&seed) % WEEKS)));
        snprintf(to_week, sizeof to_week, "%s", unit_date(MON + 7 * (int)(unit_rand(&seed) % WEEKS)));
        const char *area = areas[unit_rand(&seed) % AREAS], *to_area = areas[unit_rand(&seed) % AREAS];
        int to_pupil = 1 + (int)(unit_rand(&seed) % PUPILS);
        char sql[768];
        switch (unit_rand(&seed) % 9) {
        case 0:
        case 1:
        case 2: /* a rating added where there is none */
            snprintf(sql, sizeof sql,
                     "INSERT OR IGNORE INTO progress_entry (pupil_id, week_start, area, rating) "
                     "VALUES (%d, '%s', '%s', %s)",
                     pupil, week, area, rating_sql(&seed));
            break;
        case 3: /* changed, or set to "not applicable" */
            snprintf(sql, sizeof sql,
                     "UPDATE progress_entry SET rating = %s, version = version + 1 "
                     "WHERE pupil_id = %d AND week_start = '%s' AND area = '%s'",
                     rating_sql(&seed), pupil, week, area);
            break;
        case 4: /* moved to another week, area or pupil, where free */
            snprintf(sql, sizeof sql,
                     "UPDATE OR IGNORE progress_entry SET pupil_id = %d, week_start = '%s', area = '%s', "
                     "version = version + 1 WHERE pupil_id = %d AND week_start = '%s' AND area = '%s'",
                     to_pupil, to_week, to_area, pupil, week, area);
            break;
        case 5: /* written over whole */
            snprintf(sql, sizeof sql,
                     "INSERT OR REPLACE INTO progress_entry (pupil_id, week_start, area, rating) "
                     "VALUES (%d, '%s', '%s', %s)",
                     pupil, week, area, rating_sql(&seed));
            break;
        case 6:
        case 7:
            snprintf(sql, sizeof sql,
                     "DELETE FROM progress_entry WHERE pupil_id = %d AND week_start = '%s' AND area = '%s'", pupil,
                     week, area);
            break;
        default: /* several at once: a pupil's ratings from a week on */
            if (unit_rand(&seed) % 4 == 0)
                snprintf(sql, sizeof sql, "DELETE FROM progress_entry WHERE pupil_id = %d AND week_start >= '%s'",
                         pupil, week);
            else
                snprintf(sql, sizeof sql,
                         "UPDATE progress_entry SET rating = %s, version = version + 1 "
                         "WHERE pupil_id = %d AND week_start >= '%s'",
                         rating_sql(&seed), pupil, week);
            break;
        }
        unit_sql(i % 2 ? f->s : other, "%s", sql);
        if (i % 97 == 0)
            assert_int_equal(stale_spans(f->s), 0);
    }
    store_close(other);
}

static void test_spans_equal_a_recount_after_random_changes(void **state)
{
    struct unit_fixture *f = *state;
    random_changes(f, 39, 2000);
    /* a test that tried something: pairs rated once, and in two weeks or more */
    assert_true(unit_int(f->s, "SELECT count(*) FROM progress_span WHERE first_week = last_week") > 0);
    assert_true(unit_int(f->s, "SELECT count(*) FROM progress_span WHERE first_week < last_week") > 5);
    assert_true(unit_int(f->s, "SELECT count(*) FROM progress_entry WHERE rating IS NULL") > 0);
    assert_int_equal(stale_spans(f->s), 0);
}

/* The recount itself catches a stale span: the check above can fail. */
static void test_a_stale_span_is_seen(void **state)
{
    struct unit_fixture *f = *state;
    unit_sql(f->s,
             "INSERT INTO progress_entry (pupil_id, week_start, area, rating) VALUES "
             "(1, '%s', 'social', 2), (1, '%s', 'social', 4)",
             unit_date(MON), unit_date(MON + 14));
    assert_int_equal(stale_spans(f->s), 0);
    unit_sql(f->s, "UPDATE progress_span SET last_rating = 3 WHERE pupil_id = 1");
    assert_int_equal(stale_spans(f->s), 2); /* the span differs, both ways round */
}

/* The progress figures counted from the ratings of the range directly (the
 * definition in db/report.h), in the report's order of areas. */
static void progress_counted(struct store *s, int from, int to, struct report_progress out[REPORT_AREAS])
{
    memset(out, 0, REPORT_AREAS * sizeof *out);
    for (int a = 0; a < REPORT_AREAS; a++) {
        char where[160];
        snprintf(where, sizeof where,
                 "e.area = '%s' AND e.rating IS NOT NULL AND e.week_start BETWEEN '%s' AND ",
                 LABELS_PROGRESS_AREA[a].code, unit_date(from));
        strncat(where, "'", sizeof where - strlen(where) - 1);
        strncat(where, unit_date(to), sizeof where - strlen(where) - 1);
        strncat(where, "'", sizeof where - strlen(where) - 1);
#define PAIRS                                                                                                     \
    "(SELECT y.n, "                                                                                               \
    "  (SELECT f.rating FROM progress_entry f WHERE f.pupil_id = y.pupil_id AND f.area = y.area "                \
    "     AND f.week_start = y.fw) AS fr, "                                                                       \
    "  (SELECT f.rating FROM progress_entry f WHERE f.pupil_id = y.pupil_id AND f.area = y.area "                \
    "     AND f.week_start = y.lw) AS lr "                                                                        \
    "  FROM (SELECT e.pupil_id, e.area, count(*) AS n, min(e.week_start) AS fw, max(e.week_start) AS lw "        \
    "        FROM progress_entry e WHERE %s GROUP BY e.pupil_id) y)"
        out[a].rated = (int)unit_int(s, "SELECT count(*) FROM " PAIRS, where);
        out[a].compared = (int)unit_int(s, "SELECT count(*) FROM " PAIRS " WHERE n > 1", where);
        out[a].improved = (int)unit_int(s, "SELECT count(*) FROM " PAIRS " WHERE n > 1 AND lr > fr", where);
        out[a].same = (int)unit_int(s, "SELECT count(*) FROM " PAIRS " WHERE n > 1 AND lr = fr", where);
        out[a].declined = (int)unit_int(s, "SELECT count(*) FROM " PAIRS " WHERE n > 1 AND lr < fr", where);
        /* the sums of first and last ratings, in hundredths of their average */
        out[a].first_avg = (double)unit_int(s, "SELECT coalesce(sum(fr), 0) FROM " PAIRS " WHERE n > 1", where);
        out[a].last_avg = (double)unit_int(s, "SELECT coalesce(sum(lr), 0) FROM " PAIRS " WHERE n > 1", where);
#undef PAIRS
    }
}

static void test_report_progress_from_the_spans(void **state)
{
    struct unit_fixture *f = *state;
    random_changes(f, 12, 600);
    assert_int_equal(stale_spans(f->s), 0);
    int cut = 0, whole = 0;
    /* every range from a day of the first weeks to a day of the last ones:
     * pairs held whole, cut at either end, or missed */
    for (int from = MON - 1; from <= MON + 7 * 3; from += 3)
        for (int to = from; to <= MON + 7 * WEEKS + 1; to += 5) {
            struct report_dmt *r = NULL;
            assert_int_equal(report_dmt_load(f->s, &f->th, to, from, to, NULL, NULL, &r), AP_OK);
            struct report_progress want[REPORT_AREAS];
            progress_counted(f->s, from, to, want);
            for (int a = 0; a < REPORT_AREAS; a++) {
                const struct report_progress *got = &r->progress[a];
                assert_string_equal(got->area, LABELS_PROGRESS_AREA[a].code);
                assert_int_equal(got->rated, want[a].rated);
                assert_int_equal(got->compared, want[a].compared);
                assert_int_equal(got->improved, want[a].improved);
                assert_int_equal(got->same, want[a].same);
                assert_int_equal(got->declined, want[a].declined);
                double first = got->first_avg * got->compared, last = got->last_avg * got->compared;
                assert_true(first > want[a].first_avg - 1e-6 && first < want[a].first_avg + 1e-6);
                assert_true(last > want[a].last_avg - 1e-6 && last < want[a].last_avg + 1e-6);
            }
            report_dmt_free(r);
            int64_t n_cut = unit_int(f->s,
                                     "SELECT count(*) FROM progress_span WHERE first_week <= '%s' AND "
                                     "last_week >= '%s' AND NOT (first_week >= '%s' AND last_week <= '%s')",
                                     unit_date(to), unit_date(from), unit_date(from), unit_date(to));
            cut += n_cut > 0;
            whole += n_cut == 0 && unit_int(f->s, "SELECT count(*) FROM progress_span WHERE first_week >= '%s' "
                                                  "AND last_week <= '%s'", unit_date(from), unit_date(to)) > 0;
        }
    /* both ways of reading a pair were tried */
    assert_true(cut > 10);
    assert_true(whole > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_spans_equal_a_recount_after_random_changes, setup),
        UNIT_TEST(test_a_stale_span_is_seen, setup),
        UNIT_TEST(test_report_progress_from_the_spans, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
