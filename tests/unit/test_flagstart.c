/* Starting from the flags kept in the store (db/flagset.h flagset_start),
 * as a session's first frame and the reports do: whatever another login
 * changed after they were kept, the flags used must be exactly what a fresh
 * count gives, or not be used at all (the caller then counts them).
 *
 * A demo store; connection A is the one starting (a new session, or a
 * report), B another login. Each test keeps the flags (flagset_save, as a
 * session does at its start and when it quits), then changes the store from
 * B in one of the ways that could leave them stale - a change to a pupil's
 * or provider's flags, more changes than a pass per record is worth, other
 * thresholds, another day, another schema or rules, the audit row they were
 * kept at gone - and compares what A starts from with a fresh flags_collect,
 * row by row. The DMT report is also compared with one made with nothing
 * kept. And a test of the tests: flags kept stale on purpose (an audit row
 * not in the feed) are seen to differ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "feed.h"
#include "flags.h"
#include "flagset.h"
#include "report.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"
#include "unit.h"

static char dir[64];
static char path[128];
static struct store *A, *B; /* A: starting; B: someone else */
static struct thresholds TH;
static int TODAY;

static int setup(void **state)
{
    (void)state;
    setenv("APTERM_TODAY", "2026-11-18", 1);
    TODAY = date_today();
    thresholds_default(&TH);
    B = unit_demo_store("flagstart", "tester", 120, 6, dir, path, sizeof path);
    A = unit_open_as(B, path, "tester", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(A);
    unit_store_end(B, dir);
    A = B = NULL;
    return 0;
}

/* Keeps the flags as a session does: counted, at the newest audit row. */
static void keep_flags(void)
{
    struct flagset fs = {0};
    struct feed_pos pos;
    assert_int_equal(feed_head(A, &pos), AP_OK);
    assert_int_equal(flagset_load(&fs, A, &TH, TODAY), AP_OK);
    assert_int_equal(flagset_save(&fs, A, &TH, &pos), AP_OK);
    assert_int_equal(unit_int(B, "SELECT count(*) FROM flag_cache"), 1);
    flagset_free(&fs);
}

/* Where fs differs from a fresh count as of today, in words (empty: nowhere). */
static void differences(const struct flagset *fs, char *buf, size_t len)
{
    unit_flags_differences(B, &TH, TODAY, fs, buf, len);
}

/* The flags load (flagset_start or flagset_load_saved) gives A: found, and
 * not those of a fresh count (the test could fail). */
static void expect_stale(ap_status (*load)(struct flagset *, struct store *, const struct thresholds *, int,
                                           struct feed_pos *, bool *))
{
    struct flagset fs = {0};
    struct feed_pos pos;
    bool found = false;
    assert_int_equal(load(&fs, A, &TH, TODAY, &pos, &found), AP_OK);
    assert_true(found);
    char why[600];
    differences(&fs, why, sizeof why);
    assert_true(why[0] != '\0');
    flagset_free(&fs);
}

/* What A starts from: the flags kept and brought up to date (found), else
 * none. When found they must be a fresh count's; the feed position is the
 * newest audit row. Returns found. */
static bool start_is_fresh(const char *after)
{
    struct flagset fs = {0};
    struct feed_pos pos;
    bool found = false;
    assert_int_equal(flagset_start(&fs, A, &TH, TODAY, &pos, &found), AP_OK);
    if (found) {
        char why[600];
        differences(&fs, why, sizeof why);
        if (why[0])
            fail_msg("after %s the flags started from differ from a fresh count: %s", after, why);
        assert_int_equal(pos.id, unit_int(B, "SELECT max(id) FROM audit_log"));
        assert_true(fs.known);
        assert_int_equal(fs.today, TODAY);
    } else {
        assert_false(fs.known); /* nothing used: the caller counts */
    }
    flagset_free(&fs);
    return found;
}

/* A provider placing pupils today, suspended: its flag and its pupils'. */
static void suspend_a_provider(void)
{
    int64_t v = unit_int(B, "SELECT provider_id FROM placement WHERE status = 'active' AND start_date <= '2026-11-18' "
                            "AND end_date IS NULL AND provider_id IN (SELECT id FROM provider WHERE status != "
                            "'suspended') LIMIT 1");
    assert_true(v > 0);
    unit_sql(B, "UPDATE provider SET status = 'suspended', version = version + 1 WHERE id = %lld", (long long)v);
}

/* Marks for n pupils on a school day before today with none yet: n pupils touched. */
static void mark_pupils(int n)
{
    unit_mark_unmarked_day(B, TODAY, n);
}

/* Nothing changed since they were kept: they are used, and are a fresh count. */
static void test_unchanged_flags_are_used(void **state)
{
    (void)state;
    keep_flags();
    assert_true(start_is_fresh("nothing"));
}

/* Another login changes flags after they were kept (a provider suspended,
 * a pupil's unauthorised absences): the start applies those changes before
 * anything is shown, and equals a fresh count - which the kept rows alone
 * do not. */
static void test_changes_by_another_login_are_applied(void **state)
{
    (void)state;
    keep_flags();
    suspend_a_provider();
    mark_pupils(3);
    expect_stale(flagset_load_saved); /* the kept rows alone are stale now: the test can fail */
    assert_true(start_is_fresh("a provider suspended and three pupils marked absent"));
}

/* As many records touched as a pass per record is worth, and one more:
 * used and fresh at the limit, not used beyond it (a whole count then). */
static void test_many_changes_at_the_limit(void **state)
{
    (void)state;
    assert_true(unit_int(B, "SELECT count(*) FROM pupil") > FLAGSET_MAX_RECORDS + 1);
    keep_flags();
    mark_pupils(FLAGSET_MAX_RECORDS - 1);
    assert_true(start_is_fresh("marks for one pupil fewer than the limit"));
    keep_flags();
    mark_pupils(FLAGSET_MAX_RECORDS);
    assert_true(start_is_fresh("marks for as many pupils as the limit"));
    keep_flags();
    mark_pupils(FLAGSET_MAX_RECORDS + 1);
    assert_false(start_is_fresh("marks for one pupil more than the limit"));
}

/* Changes that stand for every record (the terms; an import) are not
 * applied record by record: the kept flags are not used. */
static void test_a_change_to_every_record_is_not_applied(void **state)
{
    (void)state;
    keep_flags();
    unit_sql(B, "UPDATE term SET end_date = date(end_date, '-1 day'), version = version + 1 WHERE start_date <= '2026-11-18' "
                "AND end_date >= '2026-11-18'");
    assert_false(start_is_fresh("a term shortened"));
    keep_flags();
    unit_sql(B, "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
                "VALUES ('b', 'pupil', 'import', 'import', json_object('rows', 40))");
    assert_false(start_is_fresh("an import"));
}

/* Kept on another day: not used on the day after (every date rule moves),
 * nor before; kept today, used today. */
static void test_a_day_boundary(void **state)
{
    (void)state;
    keep_flags();
    struct flagset fs = {0};
    struct feed_pos pos;
    bool found = true;
    assert_int_equal(flagset_start(&fs, A, &TH, TODAY + 1, &pos, &found), AP_OK);
    assert_false(found);
    assert_int_equal(flagset_start(&fs, A, &TH, TODAY - 1, &pos, &found), AP_OK);
    assert_false(found);
    assert_false(fs.known);
    assert_true(start_is_fresh("nothing, on the day they were kept"));
}

/* Kept with other thresholds, by another schema, rules or encoding (a new
 * apterm): not used. The settings they were kept with are tampered with,
 * each part in turn, to show each is compared. */
static void test_other_settings_schema_or_rules_are_not_used(void **state)
{
    (void)state;
    keep_flags();
    struct thresholds th2 = TH;
    th2.persistent_absence_pct += 1;
    struct flagset fs = {0};
    struct feed_pos pos;
    bool found = true;
    assert_int_equal(flagset_start(&fs, A, &th2, TODAY, &pos, &found), AP_OK);
    assert_false(found);
    char settings[1024];
    unit_text(B, settings, sizeof settings, "SELECT settings FROM flag_cache");
    char want[32];
    snprintf(want, sizeof want, "|s%d|", store_schema_version(A));
    assert_int_equal(strncmp(settings, "f2|r", 4), 0);
    assert_non_null(strstr(settings, want));
    static const char *const parts[][2] = {{"f2|", "f1|"}, {"|r", "|r9"}, {"|s", "|s9"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        unit_sql(B, "UPDATE flag_cache SET settings = replace(settings, '%s', '%s')", parts[i][0], parts[i][1]);
        assert_int_equal(flagset_start(&fs, A, &TH, TODAY, &pos, &found), AP_OK);
        assert_false(found);
        unit_sql(B, "UPDATE flag_cache SET settings = replace(settings, '%s', '%s')", parts[i][1], parts[i][0]);
        assert_true(start_is_fresh("the settings put back"));
    }
}

/* The audit row they were kept at is gone (the log cut back, a store
 * restored from an older backup): the feed cannot say what changed since,
 * so they are not used. */
static void test_the_audit_row_kept_at_gone(void **state)
{
    (void)state;
    suspend_a_provider(); /* an audit row to keep the flags at */
    keep_flags();
    int64_t at = unit_int(B, "SELECT audit_id FROM flag_cache");
    unit_sql(B, "DELETE FROM audit_log WHERE id >= %lld", (long long)at);
    mark_pupils(2);
    assert_false(start_is_fresh("the audit log cut back below the flags kept"));
}

/* Where the flags kept were counted to, read without their rows (what a
 * session quitting compares with its own position before keeping them
 * again): the newest audit row when kept; none for another day or other
 * thresholds, or when none are kept. */
static void test_kept_at(void **state)
{
    (void)state;
    struct feed_pos at;
    bool found = true;
    assert_int_equal(flagset_kept_at(A, &TH, TODAY, &at, &found), AP_OK);
    assert_false(found);
    keep_flags();
    assert_int_equal(flagset_kept_at(A, &TH, TODAY, &at, &found), AP_OK);
    assert_true(found);
    assert_int_equal(at.id, unit_int(B, "SELECT max(id) FROM audit_log"));
    char when[32];
    assert_string_equal(at.at, unit_text(B, when, sizeof when, "SELECT at FROM audit_log WHERE id = %lld",
                                         (long long)at.id));
    assert_int_equal(flagset_kept_at(A, &TH, TODAY + 1, &at, &found), AP_OK);
    assert_false(found);
    struct thresholds th2 = TH;
    th2.unauth_red_days += 1;
    assert_int_equal(flagset_kept_at(A, &th2, TODAY, &at, &found), AP_OK);
    assert_false(found);
}

/* Kept flags that read back damaged are not used. */
static void test_damaged_bytes_are_not_used(void **state)
{
    (void)state;
    keep_flags();
    unit_sql(B, "UPDATE flag_cache SET flags = substr(flags, 1, length(flags) - 1)");
    assert_false(start_is_fresh("the last byte cut off"));
    keep_flags();
    unit_sql(B, "UPDATE flag_cache SET flags = zeroblob(40)");
    assert_false(start_is_fresh("the bytes zeroed"));
}

/* A test of the tests: a change the feed does not carry (an audit row
 * deleted after it) leaves kept flags stale, and the comparison says so. */
static void test_a_change_the_feed_lost_is_seen(void **state)
{
    (void)state;
    keep_flags();
    int64_t before = unit_int(B, "SELECT max(id) FROM audit_log");
    suspend_a_provider();
    unit_sql(B, "DELETE FROM audit_log WHERE id > %lld", (long long)before);
    expect_stale(flagset_start);
}

/* The DMT report of the last 60 days made as the store is (with the flags
 * kept, if any), then again with nothing kept (a fresh count). */
static void two_reports(struct report_dmt **kept, struct report_dmt **fresh)
{
    int from = TODAY - 60;
    assert_int_equal(report_dmt_load(A, &TH, TODAY, from, TODAY, NULL, NULL, kept), AP_OK);
    unit_sql(B, "DELETE FROM flag_cache");
    assert_int_equal(report_dmt_load(A, &TH, TODAY, from, TODAY, NULL, NULL, fresh), AP_OK);
    assert_int_equal((*kept)->n_providers, (*fresh)->n_providers);
}

/* The DMT report's flags (providers') made with kept flags that other
 * logins have since made stale equal those of a report made with nothing
 * kept (a fresh count). */
static void test_report_with_stale_kept_flags_equals_fresh(void **state)
{
    (void)state;
    keep_flags();
    suspend_a_provider();
    mark_pupils(4);
    /* The kept flags are still usable (brought up to date from the feed),
     * so the first report is made from them, not from a count of its own. */
    struct flagset start = {0};
    struct feed_pos pos;
    bool found = false;
    assert_int_equal(flagset_start(&start, A, &TH, TODAY, &pos, &found), AP_OK);
    assert_true(found);
    flagset_free(&start);
    struct report_dmt *kept = NULL, *fresh = NULL;
    two_reports(&kept, &fresh);
    int raised = 0;
    for (size_t i = 0; i < fresh->n_providers; i++) {
        const struct report_flags *a = &kept->providers[i].qa.flags, *b = &fresh->providers[i].qa.flags;
        assert_int_equal(kept->providers[i].qa.id, fresh->providers[i].qa.id);
        assert_int_equal(a->worst, b->worst);
        assert_int_equal(a->red, b->red);
        assert_int_equal(a->amber, b->amber);
        assert_string_equal(a->text, b->text);
        raised += b->red + b->amber;
    }
    assert_true(raised > 0); /* the comparison compared flags */
    report_dmt_free(kept);
    report_dmt_free(fresh);
}

/* The DMT report is made from the kept flags, not from a count of its own:
 * with a change the feed does not carry (its audit rows deleted), its
 * providers' flags are those kept, and differ from a report made with
 * nothing kept. (A report that counted for itself would give both the
 * same.) */
static void test_the_report_uses_the_kept_flags(void **state)
{
    (void)state;
    keep_flags();
    int64_t before = unit_int(B, "SELECT max(id) FROM audit_log");
    unit_sql(B, "UPDATE provider SET insurance_expiry = '2020-01-01', version = version + 1 WHERE id IN "
                "(SELECT provider_id FROM placement WHERE status = 'active' AND end_date IS NULL)");
    unit_sql(B, "DELETE FROM audit_log WHERE id > %lld", (long long)before);
    struct report_dmt *kept = NULL, *fresh = NULL;
    two_reports(&kept, &fresh);
    int differ = 0;
    for (size_t i = 0; i < fresh->n_providers; i++) {
        const struct report_flags *a = &kept->providers[i].qa.flags, *b = &fresh->providers[i].qa.flags;
        differ += a->red != b->red || a->amber != b->amber || strcmp(a->text, b->text) != 0;
    }
    assert_true(differ > 0);
    report_dmt_free(kept);
    report_dmt_free(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unchanged_flags_are_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_by_another_login_are_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_changes_at_the_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_change_to_every_record_is_not_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_day_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_settings_schema_or_rules_are_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_audit_row_kept_at_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_bytes_are_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_change_the_feed_lost_is_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_with_stale_kept_flags_equals_fresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_report_uses_the_kept_flags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
