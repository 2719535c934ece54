/* flags: every rule of DOMAIN.md evaluated over a real temporary store.
 * Each test makes a new store in its own mkdtemp directory, builds a small
 * scenario with SQL, and checks exactly which flags flags_collect reports
 * (kind, level and a key phrase of the reason). "Today" is fixed at
 * Wednesday 11 March 2026, in the spring term 2025/26. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "flags.h"
#include "flagset.h"
#include "qa.h"
#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"
#include "unit.h"

/* ------------------------------------------------------------ fixtures */

static struct unit_fixture *F; /* unit_fixture_new's, ended by unit_teardown */
#define S (F->s)
#define TH (F->th)
static int TODAY;

#define MAX_GOT 256
struct got {
    enum flag_level level;
    char *kind, *subject, *reason;
    int64_t pupil_id, provider_id, case_id;
};
static struct got got[MAX_GOT];
static int ngot;

static void got_clear(void)
{
    for (int i = 0; i < ngot; i++) {
        free(got[i].kind);
        free(got[i].subject);
        free(got[i].reason);
    }
    ngot = 0;
}

static void collect(void *ctx, const struct flag_row *f)
{
    int *calls = ctx;
    if (calls)
        (*calls)++;
    assert_true(ngot < MAX_GOT);
    assert_true(f->level == FLAG_AMBER || f->level == FLAG_RED);
    assert_non_null(f->kind);
    assert_non_null(f->subject);
    assert_non_null(f->reason);
    got[ngot] = (struct got){
        .level = f->level,
        .kind = strdup(f->kind),
        .subject = strdup(f->subject),
        .reason = strdup(f->reason),
        .pupil_id = f->pupil_id,
        .provider_id = f->provider_id,
        .case_id = f->case_id,
    };
    ngot++;
}

#define sql(...) unit_sql(S, __VA_ARGS__)

static int64_t last_id(void)
{
    int64_t id = 0;
    assert_int_equal(store_query_int(S, "SELECT last_insert_rowid()", 0, &id), AP_OK);
    return id;
}

#define day_s(days) unit_date(TODAY + (days)) /* today + days, several per expression */

static int setup(void **state)
{
    F = unit_fixture_new(state, sizeof *F, "flags", "tester");
    TODAY = date_from_ymd(2026, 3, 11);
    unit_calendar(S, UNIT_TERMS_2025_26); /* the codes are the store's Welsh set */
    return 0;
}

static int teardown(void **state)
{
    got_clear();
    return unit_teardown(state);
}

/* ------------------------------------------------------------ scenario helpers */

/* A provider with every check in order as of today: full insurance, recent
 * declaration and DBS, Stage 1 five months ago, Stage 2 nine months ago, a
 * monitoring visit nine days ago (this term). */
static int64_t provider(const char *name, const char *registration)
{
    sql("INSERT INTO provider (name, registration, public_liability, employers_liability, "
        "professional_indemnity, motor_cover, subcontractor_cover, insurance_expiry, declaration_date, "
        "dbs_checked_date) VALUES ('%s', '%s', 500000000, 1000000000, 200000000, 1, 1, '%s', '%s', '%s')",
        name, registration, day_s(300), day_s(-400), day_s(-400));
    int64_t id = last_id();
    sql("INSERT INTO qa_visit (provider_id, stage, visit_date, closed) VALUES "
        "(%lld, 'stage1', '%s', 1), (%lld, 'stage2', '%s', 1), (%lld, 'monitoring', '%s', 1)",
        (long long)id, day_s(-150), (long long)id, day_s(-270), (long long)id, day_s(-9));
    return id;
}

static int upn_seq;

/* A pupil on the PRS roll, in year group `year` today. */
static int64_t pupil(const char *forename, const char *surname, int year, const char *extra_cols,
                     const char *extra_vals)
{
    /* Born 15 January of the academic year that puts them in `year`. */
    int dob = date_from_ymd(2025 - year - 5 + 1, 1, 15);
    char d[11];
    sql("INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort%s%s) "
        "VALUES ('A%012d', '%s', '%s', '%s', 'sole_prs', 'aln_bespoke'%s%s)",
        extra_cols ? ", " : "", extra_cols ? extra_cols : "", ++upn_seq, forename, surname, date_format(dob, d),
        extra_vals ? ", " : "", extra_vals ? extra_vals : "");
    return last_id();
}

/* An active placement from start (days from today) with `sessions` sessions
 * a week of `hours` each. */
static int64_t placement(int64_t pupil_id, int64_t provider_id, const char *status, int start, int sessions,
                         double hours)
{
    sql("INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
        "VALUES (%lld, %lld, '%s', '%s', 'week', 30000)",
        (long long)pupil_id, (long long)provider_id, status, day_s(start));
    int64_t id = last_id();
    for (int i = 0; i < sessions; i++)
        sql("INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (%lld, %d, '%s', %g)",
            (long long)id, i / 2, i % 2 ? "pm" : "am", hours);
    return id;
}

/* A full-time pupil (25 h) at the provider since the start of term. */
static int64_t placed_pupil(const char *forename, const char *surname, int64_t provider_id)
{
    int64_t id = pupil(forename, surname, 9, NULL, NULL);
    placement(id, provider_id, "active", -65, 10, 2.5);
    return id;
}

static void mark(int64_t pupil_id, int day, const char *session, const char *code, int64_t provider_id)
{
    if (provider_id)
        sql("INSERT INTO attendance_mark (pupil_id, day, session, code, provider_id, source) "
            "VALUES (%lld, %d, '%s', '%s', %lld, 'officer')",
            (long long)pupil_id, day, session, code, (long long)provider_id);
    else
        sql("INSERT INTO attendance_mark (pupil_id, day, session, code, source) "
            "VALUES (%lld, %d, '%s', '%s', 'officer')",
            (long long)pupil_id, day, session, code);
}

/* The n-th school day (Monday-Friday) back from today; 0 is today. */
static int school_day(int n)
{
    int d = TODAY;
    while (n > 0 || date_weekday(d) > 4) {
        d--;
        if (date_weekday(d) <= 4)
            n--;
    }
    return d;
}

/* Both sessions of the last `days` school days (ending today) marked code. */
static void mark_days(int64_t pupil_id, int days, const char *am, const char *pm, int64_t provider_id)
{
    for (int i = days - 1; i >= 0; i--) {
        mark(pupil_id, school_day(i), "am", am, provider_id);
        mark(pupil_id, school_day(i), "pm", pm, provider_id);
    }
}

static void dump(void);

/* flags_collect into got[]; FLAGS_DUMP=1 in the environment prints them. */
/* The indicators only the PSP records (issue 13), all in order: progressing,
 * up from 2 h a day, the LA's safeguarding officer told and the risk
 * assessment done 10 days ago - on every PSP so far. */
static void psp_indicators_recorded(void)
{
    sql("UPDATE psp SET reduced_progression = 'progressing', reduced_start_hours = 2, reduced_la_told = '%s', "
        "reduced_risk_assessed = '%s', version = version + 1",
        day_s(-10), day_s(-10));
}

static void run(void)
{
    got_clear();
    int calls = 0;
    struct flag_counts c = {-1, -1};
    if (flags_collect(S, &TH, TODAY, collect, &calls, &c) != AP_OK)
        fail_msg("flags_collect: %s", ap_error_detail());
    int red = 0, amber = 0;
    for (int i = 0; i < ngot; i++)
        *(got[i].level == FLAG_RED ? &red : &amber) += 1;
    assert_int_equal(calls, ngot);
    assert_int_equal(c.red, red);
    assert_int_equal(c.amber, amber);
    if (getenv("FLAGS_DUMP"))
        dump();
}

static void dump(void)
{
    for (int i = 0; i < ngot; i++)
        fprintf(stderr, "  %s %s | %s | %s\n", rules_flag_name(got[i].level), got[i].kind, got[i].subject,
                got[i].reason);
}

/* The flag of this kind whose subject contains `who`, or NULL. */
static const struct got *find(const char *kind, const char *who)
{
    for (int i = 0; i < ngot; i++)
        if (strcmp(got[i].kind, kind) == 0 && strstr(got[i].subject, who))
            return &got[i];
    return NULL;
}

static void expect(const char *kind, const char *who, enum flag_level level, const char *phrase)
{
    const struct got *g = find(kind, who);
    if (!g) {
        dump();
        fail_msg("expected a %s %s flag about %s", rules_flag_name(level), kind, who);
    }
    if (g->level != level || !strstr(g->reason, phrase)) {
        dump();
        fail_msg("%s about %s: got %s \"%s\", expected %s with \"%s\"", kind, who, rules_flag_name(g->level),
                 g->reason, rules_flag_name(level), phrase);
    }
}

static void expect_none(const char *kind, const char *who)
{
    const struct got *g = find(kind, who);
    if (g) {
        dump();
        fail_msg("unexpected %s flag about %s: %s", kind, who, g->reason);
    }
}

static void expect_count(int n)
{
    if (ngot != n) {
        dump();
        fail_msg("expected %d flags, got %d", n, ngot);
    }
}

/* ------------------------------------------------------------ empty and clean */

static void test_empty_store(void **state)
{
    (void)state;
    run();
    expect_count(0);
}

static void test_clean_provider_and_pupil(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark_days(u, 4, "/", "\\", v); /* 8 sessions since the visit: under 10 */
    run();
    expect_count(0);
}

/* A provider nobody is placed with raises nothing, whatever its records. */
static void test_provider_not_in_use(void **state)
{
    (void)state;
    sql("INSERT INTO provider (name) VALUES ('Empty Barn')");
    run();
    expect_count(0);
}

/* ------------------------------------------------------------ registration */

static void test_registration_four_full_time(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Aled", "Evans", v);
    placed_pupil("Bethan", "Evans", v);
    placed_pupil("Cai", "Evans", v);
    placed_pupil("Dafydd", "Evans", v);
    /* Part time does not count. */
    int64_t u = pupil("Elin", "Evans", 9, NULL, NULL);
    placement(u, v, "active", -30, 6, 2.5); /* 15 h */
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, reduced_end, "
        "reduced_reason, exit_plan) VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'back to full')",
        (long long)u, day_s(-30), day_s(60), day_s(-30), day_s(30));
    /* The agreements the audit matrix asks for (issue 13). */
    sql("UPDATE psp SET professionals_agree = 'Educational psychologist', parent_agrees = 'Agreed at the meeting', "
        "version = version + 1");
    psp_indicators_recorded();
    run();
    expect_none("registration", "Cwm Farm");
    expect_count(0);
}

static void test_registration_five_full_time(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Aled", "Evans", v);
    placed_pupil("Bethan", "Evans", v);
    placed_pupil("Cai", "Evans", v);
    placed_pupil("Dafydd", "Evans", v);
    /* Exactly 18 h in two placements at the same provider is full time. */
    int64_t u = pupil("Elin", "Evans", 9, NULL, NULL);
    placement(u, v, "active", -65, 4, 3.0);
    placement(u, v, "active", -65, 2, 3.0);
    run();
    expect("registration", "Provider: Cwm Farm", FLAG_RED, "5 pupils at 18 h/week or more");
    expect("registration", "Cwm Farm", FLAG_RED, "must be a registered school");
    const struct got *g = find("registration", "Cwm Farm");
    assert_int_equal(g->provider_id, v);
    assert_int_equal(g->pupil_id, 0);
    assert_int_equal(g->case_id, 0);
    /* Elin's 18 h is below the Year 9 minimum: a reduced timetable, but
     * nothing else. */
    expect("reduced_timetable", "Elin Evans", FLAG_RED, "no PSP");
    expect_count(2);
}

static void test_registration_one_cla(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = pupil("Llŷr", "Evans", 9, "cla", "1");
    placement(u, v, "active", -65, 10, 2.5);
    int64_t w = provider("Tyddyn Hir", "unregistered");
    int64_t x = pupil("Gwenllïan", "Hughes", 9, "plan", "'ehcp'");
    placement(x, w, "active", -65, 10, 2.5);
    /* A looked-after pupil part time does not count. */
    int64_t y = provider("Y Gweithdy", "unregistered");
    int64_t z = pupil("Iolo", "Price", 11, "cla", "1");
    placement(z, y, "active", -65, 10, 2.5);
    sql("UPDATE placement_session SET hours = 1.5 "
        "WHERE placement_id = (SELECT id FROM placement WHERE pupil_id = %lld)",
        (long long)z);
    run();
    expect("registration", "Cwm Farm", FLAG_RED, "1 looked after");
    expect("registration", "Tyddyn Hir", FLAG_RED, "1 with an EHCP/IDP");
    expect_none("registration", "Y Gweithdy");
    /* Iolo's 15 h is a reduced timetable. */
    expect("reduced_timetable", "Iolo Price (Y11)", FLAG_RED, "no PSP");
    expect_count(3);
}

static void test_registration_registered_school_never(void **state)
{
    (void)state;
    int64_t v = provider("Ysgol Glan", "independent_school");
    for (int i = 0; i < 6; i++) {
        char name[24];
        snprintf(name, sizeof name, "Pupil%d", i);
        int64_t u = pupil(name, "Rees", 9, "cla, plan", "1, 'idp_la'");
        placement(u, v, "active", -65, 10, 2.5);
    }
    run();
    expect_none("registration", "Ysgol Glan");
    expect_count(0);
}

/* ------------------------------------------------------------ provider checks */

static void test_insurance_shortfalls(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Siân", "Jones", v);
    sql("UPDATE provider SET public_liability = 100000000, motor_cover = 0, version = version + 1 WHERE id = %lld",
        (long long)v);
    int64_t w = provider("Tyddyn Hir", "unregistered");
    placed_pupil("Owain", "Jones", w);
    sql("UPDATE provider SET insurance_expiry = '%s', version = version + 1 WHERE id = %lld", day_s(-2),
        (long long)w);
    run();
    expect("insurance", "Cwm Farm", FLAG_AMBER, "public liability");
    expect("insurance", "Cwm Farm", FLAG_AMBER, "no motor vehicle cover");
    expect("insurance", "Tyddyn Hir", FLAG_AMBER, "insurance expired on");
    expect_count(2);
}

static void test_stage1(void **state)
{
    (void)state;
    int64_t a = provider("A Thirteen", "unregistered");
    int64_t b = provider("B Eleven", "unregistered");
    int64_t c = provider("C Nearly", "unregistered");
    int64_t d = provider("D Never", "unregistered");
    placed_pupil("Siân", "Jones", a);
    placed_pupil("Owain", "Jones", b);
    placed_pupil("Rhys", "Jones", c);
    placed_pupil("Tomos", "Jones", d);
    sql("UPDATE qa_visit SET visit_date = '2025-02-11', version = version + 1 "
        "WHERE provider_id = %lld AND stage = 'stage1'", (long long)a);
    sql("UPDATE qa_visit SET visit_date = '2025-04-11', version = version + 1 "
        "WHERE provider_id = %lld AND stage = 'stage1'", (long long)b);
    sql("UPDATE qa_visit SET visit_date = '2025-03-21', version = version + 1 "
        "WHERE provider_id = %lld AND stage = 'stage1'", (long long)c);
    /* An open (unfinished) Stage 1 does not count. */
    sql("UPDATE qa_visit SET closed = 0, version = version + 1 WHERE provider_id = %lld AND stage = 'stage1'",
        (long long)d);
    run();
    expect("qa_stage1", "A Thirteen", FLAG_RED, "Stage 1 visit overdue since 2026-02-11");
    expect_none("qa_stage1", "B Eleven");
    expect("qa_stage1", "C Nearly", FLAG_AMBER, "Stage 1 visit due on 2026-03-21");
    expect("qa_stage1", "D Never", FLAG_RED, "no Stage 1 visit recorded");
    expect_count(3);
}

static void test_stage2_brought_forward_by_concern(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    int64_t w = provider("Tyddyn Hir", "unregistered");
    int64_t x = placed_pupil("Owain", "Jones", w);
    /* After Cwm Farm's last Stage 2 (270 days ago): brings it forward to
     * 30 days after the concern, which has passed. */
    sql("INSERT INTO concern (pupil_id, provider_id, concern_date, summary) VALUES (%lld, %lld, '%s', 'x')",
        (long long)u, (long long)v, day_s(-40));
    /* Before Tyddyn Hir's last Stage 2: no effect. */
    sql("INSERT INTO concern (pupil_id, provider_id, concern_date, summary) VALUES (%lld, %lld, '%s', 'x')",
        (long long)x, (long long)w, day_s(-300));
    run();
    expect("qa_stage2", "Cwm Farm", FLAG_RED, "after the concern of");
    expect_none("qa_stage2", "Tyddyn Hir");
    expect_count(1);
}

static void test_stage2_overdue(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Siân", "Jones", v);
    sql("UPDATE qa_visit SET visit_date = '2024-01-10', version = version + 1 "
        "WHERE provider_id = %lld AND stage = 'stage2'", (long long)v);
    run();
    expect("qa_stage2", "Cwm Farm", FLAG_RED, "Stage 2 visit overdue since 2026-01-10");
    expect_count(1);
}

static void test_monitoring(void **state)
{
    (void)state;
    /* Last visit 40 days ago (last term): overdue by date, and no visit
     * this term. */
    int64_t a = provider("A Late", "unregistered");
    placed_pupil("Siân", "Jones", a);
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE provider_id = %lld AND stage = "
        "'monitoring'", day_s(-80), (long long)a);
    /* Visited 9 days ago, but 12 sessions attended since. */
    int64_t b = provider("B Busy", "unregistered");
    int64_t u = placed_pupil("Owain", "Jones", b);
    mark_days(u, 6, "/", "\\", b); /* 12 sessions, all after the visit */
    /* Visited 9 days ago, 8 sessions since, 4 before: fine. */
    int64_t c = provider("C Fine", "unregistered");
    int64_t x = placed_pupil("Rhys", "Jones", c);
    mark_days(x, 6, "/", "\\", c);
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE provider_id = %lld AND stage = "
        "'monitoring'", date_format(school_day(4), (char[11]){0}), (long long)c);
    run();
    expect("monitoring", "A Late", FLAG_RED, "monitoring visit overdue since");
    expect("monitoring", "A Late", FLAG_RED, "no visit this term");
    expect("monitoring", "B Busy", FLAG_AMBER, "attended 12 of their own sessions since the last visit");
    expect_none("monitoring", "C Fine");
    expect_count(2);
}

static void test_safeguarding_and_suspended(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Siân", "Jones", v);
    sql("UPDATE provider SET declaration_date = '2022-01-05', dbs_checked_date = NULL, status = 'suspended', "
        "version = version + 1 WHERE id = %lld", (long long)v);
    run();
    expect("safeguarding", "Cwm Farm", FLAG_AMBER, "safeguarding declaration is over 3 years old");
    expect("safeguarding", "Cwm Farm", FLAG_AMBER, "no enhanced DBS check recorded");
    expect("provider_suspended", "Cwm Farm", FLAG_AMBER, "1 pupil is placed there");
    expect_count(2);
}

/* A maintained school needs none of the AP checks; only a proposed
 * placement puts a provider in use, and then Stage 1 is due before it. */
static void test_maintained_and_proposed(void **state)
{
    (void)state;
    sql("INSERT INTO provider (name, registration) VALUES ('Ysgol y Cwm', 'maintained_school')");
    int64_t school = last_id();
    placed_pupil("Siân", "Jones", school);
    sql("INSERT INTO provider (name, registration, public_liability, employers_liability, "
        "professional_indemnity, motor_cover, subcontractor_cover, declaration_date, dbs_checked_date) "
        "VALUES ('New Barn', 'unregistered', 500000000, 1000000000, 200000000, 1, 1, '%s', '%s')",
        day_s(-10), day_s(-10));
    int64_t barn = last_id();
    int64_t u = pupil("Owain", "Jones", 9, NULL, NULL);
    placement(u, barn, "proposed", 14, 10, 2.5);
    run();
    expect_none("insurance", "Ysgol y Cwm");
    expect_none("qa_stage1", "Ysgol y Cwm");
    expect("qa_stage1", "New Barn", FLAG_RED, "no Stage 1 visit recorded");
    expect_none("qa_stage2", "New Barn");  /* nobody has started there */
    expect_none("monitoring", "New Barn"); /* nobody attends yet */
    expect_count(1);
    /* Only proposed placements in the whole store. */
    sql("UPDATE placement SET status = 'ended', end_date = start_date, version = version + 1 "
        "WHERE provider_id = %lld", (long long)school);
    run();
    expect("qa_stage1", "New Barn", FLAG_RED, "no Stage 1 visit recorded");
    expect_count(1);
}

/* ------------------------------------------------------------ pupils: attendance */

static void test_unauthorised_run_amber(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark_days(u, 3, "/", "\\", v);
    /* Yesterday PM, today AM and PM: three sessions in a row. */
    sql("UPDATE attendance_mark SET code = 'O', version = version + 1 WHERE pupil_id = %lld "
        "AND ((day = %d AND session = 'pm') OR day = %d)",
        (long long)u, school_day(1), school_day(0));
    /* Two sessions only: nothing. */
    int64_t x = placed_pupil("Owain", "Jones", v);
    mark_days(x, 3, "/", "N", v);
    sql("UPDATE attendance_mark SET code = 'O', version = version + 1 WHERE pupil_id = %lld AND day = %d "
        "AND session = 'am'", (long long)x, school_day(0));
    sql("UPDATE attendance_mark SET code = '/', version = version + 1 WHERE pupil_id = %lld AND day = %d "
        "AND session = 'pm'", (long long)x, school_day(2));
    sql("UPDATE attendance_mark SET code = '\\', version = version + 1 WHERE pupil_id = %lld AND day = %d "
        "AND session = 'pm'", (long long)x, school_day(1));
    run();
    expect("unauthorised_run", "Siân Jones (Y9)", FLAG_AMBER, "3 unauthorised sessions in a row");
    expect_none("unauthorised_run", "Owain");
}

static void test_unauthorised_ten_days(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    for (int i = 11; i >= 10; i--) {
        mark(u, school_day(i), "am", "/", v);
        mark(u, school_day(i), "pm", "\\", v);
    }
    for (int i = 9; i >= 0; i--) {
        mark(u, school_day(i), "am", "O", v);
        mark(u, school_day(i), "pm", "N", v);
    }
    /* Nine days: amber only. */
    int64_t x = placed_pupil("Owain", "Jones", v);
    mark(x, school_day(9), "am", "/", v);
    mark(x, school_day(9), "pm", "\\", v);
    for (int i = 8; i >= 0; i--) {
        mark(x, school_day(i), "am", "O", v);
        mark(x, school_day(i), "pm", "O", v);
    }
    run();
    expect("unauthorised_run", "Siân", FLAG_RED, "unauthorised absence for 10 school days in a row");
    expect("unauthorised_run", "Owain", FLAG_AMBER, "18 unauthorised sessions in a row");
}

/* A run longer than the window of marks read at first is read in full. */
static void test_unauthorised_long_run(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark(u, school_day(40), "am", "/", v);
    for (int i = 39; i >= 0; i--) {
        mark(u, school_day(i), "am", "O", v);
        mark(u, school_day(i), "pm", "O", v);
    }
    run();
    char since[11];
    date_format(school_day(39), since);
    expect("unauthorised_run", "Siân", FLAG_RED, "40 school days in a row (80 sessions)");
    expect("unauthorised_run", "Siân", FLAG_RED, since);
}

static void test_persistent_absence(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    /* 17 of 20 sessions this term: 85 %. */
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark_days(u, 10, "/", "\\", v);
    sql("UPDATE attendance_mark SET code = 'I', version = version + 1 WHERE pupil_id = %lld AND day IN (%d, %d) "
        "AND session = 'am'; UPDATE attendance_mark SET code = 'I', version = version + 1 WHERE pupil_id = %lld "
        "AND day = %d AND session = 'pm'",
        (long long)u, school_day(3), school_day(5), (long long)u, school_day(7));
    /* 18 of 20: exactly 90 % is not flagged. Absences last term do not count. */
    int64_t x = placed_pupil("Owain", "Jones", v);
    mark_days(x, 10, "/", "\\", v);
    sql("UPDATE attendance_mark SET code = 'I', version = version + 1 WHERE pupil_id = %lld AND day IN (%d, %d) "
        "AND session = 'am'", (long long)x, school_day(3), school_day(5));
    for (int i = 0; i < 10; i++)
        mark(x, date_from_ymd(2025, 12, 1) + i, "am", "I", 0);
    /* Not-counted sessions are neither possible nor attending. */
    int64_t y = placed_pupil("Rhys", "Jones", v);
    mark_days(y, 10, "D", "\\", v);
    run();
    expect("persistent_absence", "Siân", FLAG_AMBER, "attendance 85.0 % is below 90 %");
    expect("persistent_absence", "Siân", FLAG_AMBER, "(17 of 20 sessions in the spring term 2025/26)");
    expect_none("persistent_absence", "Owain");
    expect_none("persistent_absence", "Rhys");
    /* Cwm Farm: 50 attended sessions since its visit nine days ago. */
    expect("monitoring", "Cwm Farm", FLAG_AMBER, "of their own sessions since the last visit");
    expect_count(2);
}

/* In the Easter holiday the spring term is the one that counts. */
static void test_persistent_absence_in_holiday(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark_days(u, 5, "O", "\\", v);
    TODAY = date_from_ymd(2026, 4, 1);
    run();
    expect("persistent_absence", "Siân", FLAG_AMBER, "(5 of 10 sessions in the spring term 2025/26)");
}

/* With no calendar loaded the school year so far stands in for the term. */
static void test_persistent_absence_no_terms(void **state)
{
    (void)state;
    sql("DELETE FROM closure; DELETE FROM term");
    int64_t u = pupil("Siân", "Jones", 9, NULL, NULL);
    mark_days(u, 5, "I", "\\", 0);
    run();
    expect("persistent_absence", "Siân", FLAG_AMBER, "(5 of 10 sessions since 2025-09-01; no terms recorded)");
    expect_count(1);
}

/* ------------------------------------------------------------ pupils: PSP and timetable */

static void test_reduced_timetable(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    /* 15 h, no PSP: red. */
    int64_t a = pupil("Siân", "Jones", 9, NULL, NULL);
    placement(a, v, "active", -20, 6, 2.5);
    /* 15 h with an active PSP, end date and exit plan: green, not reported. */
    int64_t b = pupil("Owain", "Jones", 9, NULL, NULL);
    placement(b, v, "active", -20, 6, 2.5);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, reduced_end, "
        "reduced_reason, exit_plan) VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'Add a day "
        "every fortnight')",
        (long long)b, day_s(-20), day_s(80), day_s(-20), day_s(40));
    psp_indicators_recorded();
    /* Running for 14 weeks without authorisation: amber. */
    int64_t c = pupil("Rhys", "Jones", 9, NULL, NULL);
    placement(c, v, "active", -98, 6, 2.5);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, reduced_end, "
        "reduced_reason, exit_plan) VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'plan')",
        (long long)c, day_s(-5), day_s(80), day_s(-98), day_s(40));
    sql("INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (last_insert_rowid(), '%s', 'continue')",
        day_s(-5));
    /* A pupil on a school's roll: the rest of the week is at school. */
    int64_t d = pupil("Tomos", "Jones", 9, NULL, NULL);
    sql("UPDATE pupil SET roll_status = 'sole_school', version = version + 1 WHERE id = %lld", (long long)d);
    placement(d, v, "active", -20, 4, 2.5);
    /* Year 12: no minimum. */
    int64_t e = pupil("Wil", "Jones", 12, NULL, NULL);
    placement(e, v, "active", -20, 4, 2.5);
    /* The agreements the audit matrix asks for (issue 13). */
    sql("UPDATE psp SET professionals_agree = 'Educational psychologist', parent_agrees = 'Agreed at the meeting', "
        "version = version + 1");
    run();
    expect("reduced_timetable", "Siân", FLAG_RED, "reduced timetable, 15 h of the 24 h/week local minimum");
    expect("reduced_timetable", "Siân", FLAG_RED, "no PSP");
    expect_none("reduced_timetable", "Owain");
    expect("reduced_timetable", "Rhys", FLAG_AMBER, "over 12 weeks");
    expect_none("reduced_timetable", "Tomos");
    expect_none("reduced_timetable", "Wil");
    expect_count(2);
}

/* Issue 13: the audit matrix from what the store knows. Owain's PSP is in
 * order (green); the same PSP for a looked-after pupil, for one with a
 * safeguarding concern recorded since the timetable began, or with the
 * PSP's concern ticked is red; one who is hardly attending is red; a PSP
 * that says 7 h a day over a 2.5 h-a-day timetable is amber. */
static void test_reduced_timetable_audit_matrix(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    const char *names[] = {"Owain", "Cai", "Dafydd", "Elin", "Ffion", "Gethin"};
    int64_t id[6];
    for (int i = 0; i < 6; i++) {
        id[i] = pupil(names[i], "Jones", 9, NULL, NULL);
        placement(id[i], v, "active", -20, 6, 2.5); /* 15 h over 3 days: 5 h a day */
        sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, "
            "reduced_end, reduced_reason, exit_plan, professionals_agree, parent_agrees, reduced_hours_per_day) "
            "VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'Add a day every fortnight', "
            "'Educational psychologist', 'Agreed at the meeting', %g)",
            (long long)id[i], day_s(-20), day_s(80), day_s(-20), day_s(40), i == 5 ? 7.0 : 5.0);
    }
    sql("UPDATE pupil SET cla = 1, version = version + 1 WHERE id = %lld", (long long)id[1]);
    sql("INSERT INTO concern (pupil_id, concern_date, summary) VALUES (%lld, '%s', 'Disclosure at the farm')",
        (long long)id[2], day_s(-3));
    /* A concern from before the reduced timetable began is not this one. */
    sql("INSERT INTO concern (pupil_id, concern_date, summary) VALUES (%lld, '%s', 'Old matter')",
        (long long)id[0], day_s(-200));
    sql("UPDATE psp SET reduced_safeguarding_concern = 1, version = version + 1 WHERE pupil_id = %lld",
        (long long)id[3]);
    mark_days(id[4], 5, "O", "O", v); /* no attendance this term so far */
    psp_indicators_recorded();
    /* Issue 13: a PSP that records none of the indicators the store did
     * not hold is not green, each named; little or no progression is amber. */
    int64_t h = pupil("Heledd", "Jones", 9, NULL, NULL);
    placement(h, v, "active", -20, 6, 2.5);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, "
        "reduced_end, reduced_reason, exit_plan, professionals_agree, parent_agrees) "
        "VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'Add a day every fortnight', "
        "'Educational psychologist', 'Agreed at the meeting')",
        (long long)h, day_s(-20), day_s(80), day_s(-20), day_s(40));
    int64_t l = pupil("Llinos", "Jones", 9, NULL, NULL);
    placement(l, v, "active", -20, 6, 2.5);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date, reduced_timetable, reduced_start, "
        "reduced_end, reduced_reason, exit_plan, professionals_agree, parent_agrees, reduced_progression, "
        "reduced_start_hours, reduced_la_told, reduced_risk_assessed) "
        "VALUES (%lld, 'active', '%s', '%s', 1, '%s', '%s', 'behaviour', 'Add a day every fortnight', "
        "'Educational psychologist', 'Agreed at the meeting', 'little', 2, '%s', '%s')",
        (long long)l, day_s(-20), day_s(80), day_s(-20), day_s(40), day_s(-20), day_s(-20));
    run();
    expect("reduced_timetable", "Heledd", FLAG_AMBER,
           "hours a day at the start not recorded; the LA's safeguarding officer not told; no risk assessment "
           "recorded");
    expect("reduced_timetable", "Llinos", FLAG_AMBER, "little or no progression");
    expect_none("reduced_timetable", "Owain");
    expect("reduced_timetable", "Cai", FLAG_RED, "a child looked after");
    expect("reduced_timetable", "Dafydd", FLAG_RED, "safeguarding concern recorded on");
    expect("reduced_timetable", "Elin", FLAG_RED, "safeguarding concern ticked on the PSP");
    expect("reduced_timetable", "Ffion", FLAG_RED, "not attending: 0 % this term, below 50 %");
    expect("reduced_timetable", "Gethin", FLAG_AMBER, "the PSP says 7 h a day, the timetable gives 5 h a day");
}

/* A reduced timetable the PSP records, with no placement running: its
 * hours a day stand for the week. A medical one set out in an IHP needs no
 * agreed PSP. */
static void test_reduced_recorded_in_psp(void **state)
{
    (void)state;
    int64_t a = pupil("Siân", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, reduced_timetable, reduced_start, reduced_hours_per_day, "
        "reduced_reason, exit_plan) VALUES (%lld, 'active', '%s', 1, '%s', 3, 'behaviour', 'plan')",
        (long long)a, day_s(-10), day_s(-10));
    int64_t b = pupil("Owain", "Jones", 9, "has_ihp", "1");
    sql("INSERT INTO psp (pupil_id, status, reduced_timetable, reduced_start, reduced_end, reduced_hours_per_day, "
        "reduced_reason, exit_plan) VALUES (%lld, 'draft', 1, '%s', '%s', 3, 'medical', 'plan')",
        (long long)b, day_s(-10), day_s(30));
    /* The agreements the audit matrix asks for (issue 13). */
    sql("UPDATE psp SET professionals_agree = 'Educational psychologist', parent_agrees = 'Agreed at the meeting', "
        "version = version + 1");
    run();
    expect("reduced_timetable", "Siân", FLAG_RED, "15 h of the 24 h/week");
    expect("reduced_timetable", "Siân", FLAG_RED, "no end date");
    expect_none("reduced_timetable", "Owain");
    expect_count(1);
}

static void test_psp_review_and_end(void **state)
{
    (void)state;
    /* Meeting eight weeks ago, no review: overdue, red. */
    int64_t a = pupil("Siân", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'active', '%s')", (long long)a,
        day_s(-56));
    /* Reviewed 39 days ago: due in 3 days, amber. */
    int64_t b = pupil("Owain", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'active', '%s')", (long long)b,
        day_s(-80));
    sql("INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (last_insert_rowid(), '%s', 'continue')",
        day_s(-39));
    /* Reviewed last week, but its end date has passed: amber. */
    int64_t c = pupil("Rhys", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date) VALUES (%lld, 'active', '%s', '%s')",
        (long long)c, day_s(-120), day_s(-3));
    sql("INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (last_insert_rowid(), '%s', 'adapt')",
        day_s(-7));
    /* Past its end, but the last review ceased it: nothing (review not due either). */
    int64_t d = pupil("Tomos", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date, end_date) VALUES (%lld, 'active', '%s', '%s')",
        (long long)d, day_s(-120), day_s(-3));
    sql("INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (last_insert_rowid(), '%s', 'cease')",
        day_s(-2));
    /* A draft is not yet running. */
    int64_t e = pupil("Wil", "Jones", 9, NULL, NULL);
    sql("INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'draft', '%s')", (long long)e,
        day_s(-100));
    run();
    expect("psp_review", "Siân", FLAG_RED, "PSP review overdue since");
    expect("psp_review", "Owain", FLAG_AMBER, "PSP review due on");
    expect("psp_end", "Rhys", FLAG_AMBER, "without a ceasing review");
    expect_none("psp_end", "Tomos");
    expect_count(3);
}

static void test_intervention(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    /* 20 weeks into a 16-week KS1-3 intervention placement. */
    int64_t a = pupil("Siân", "Jones", 5, NULL, NULL);
    sql("UPDATE pupil SET cohort = 'ks13_intervention', roll_status = 'sole_school', version = version + 1 "
        "WHERE id = %lld", (long long)a);
    placement(a, v, "active", -140, 10, 2.5);
    /* Planned for 24 weeks: fine at 20. */
    int64_t b = pupil("Owain", "Jones", 5, NULL, NULL);
    sql("UPDATE pupil SET cohort = 'ks13_intervention', roll_status = 'sole_school', version = version + 1 "
        "WHERE id = %lld", (long long)b);
    int64_t pl = placement(b, v, "active", -140, 10, 2.5);
    sql("UPDATE placement SET planned_weeks = 24, version = version + 1 WHERE id = %lld", (long long)pl);
    /* Another cohort: not an intervention placement. */
    int64_t c = pupil("Rhys", "Jones", 5, NULL, NULL);
    placement(c, v, "active", -140, 10, 2.5);
    run();
    expect("intervention", "Siân", FLAG_AMBER, "Cwm Farm: intervention placement running past its 16 weeks");
    assert_int_equal(find("intervention", "Siân")->provider_id, v);
    expect_none("intervention", "Owain");
    expect_none("intervention", "Rhys");
    expect_count(1);
}

/* A pupil off roll raises nothing. */
static void test_off_roll(void **state)
{
    (void)state;
    int64_t u = pupil("Siân", "Jones", 9, "end_date", "'2026-02-01'");
    sql("INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'active', '2025-11-01')", (long long)u);
    mark_days(u, 5, "O", "O", 0);
    run();
    expect_count(0);
}

/* ------------------------------------------------------------ panel cases */

static int64_t panel_case(int64_t pupil_id, const char *status)
{
    sql("INSERT INTO panel_case (pupil_id, reason, referral_date, panel_date, status) "
        "VALUES (%lld, 'risk_of_pex', '%s', '%s', '%s')",
        (long long)pupil_id, day_s(-20), day_s(7), status);
    return last_id();
}

static void quote(int64_t case_id, int64_t provider_id, int weekly_pence, int chosen)
{
    sql("INSERT INTO quote (case_id, provider_id, cost_basis, rate, sessions_per_week, chosen) "
        "VALUES (%lld, %lld, 'week', %d, 10, %d)",
        (long long)case_id, (long long)provider_id, weekly_pence, chosen);
}

static void test_quotations(void **state)
{
    (void)state;
    sql("INSERT INTO provider (name) VALUES ('Q1'), ('Q2'), ('Q3')");
    int64_t q1 = 1, q2 = 2, q3 = 3;
    /* Two quotes of £300 a week (£11,700 a year): flagged. */
    int64_t a = pupil("Llŷr", "Evans", 9, NULL, NULL);
    int64_t ca = panel_case(a, "open");
    quote(ca, q1, 30000, 0);
    quote(ca, q2, 35000, 0);
    /* Three quotes: not. */
    int64_t b = pupil("Owain", "Jones", 9, NULL, NULL);
    int64_t cb = panel_case(b, "open");
    quote(cb, q1, 30000, 0);
    quote(cb, q2, 35000, 0);
    quote(cb, q3, 32000, 0);
    /* The chosen quote is £1,000 a week (£39,000): route 1 does not apply,
     * and the flag says another route is needed (issue 13: choosing it used
     * to silence the warning). */
    int64_t c = pupil("Rhys", "Jones", 9, NULL, NULL);
    int64_t cc = panel_case(c, "open");
    quote(cc, q1, 30000, 0);
    quote(cc, q2, 100000, 1);
    /* Not open: not flagged. */
    int64_t d = pupil("Tomos", "Jones", 9, NULL, NULL);
    int64_t cd = panel_case(d, "agreed");
    quote(cd, q1, 30000, 0);
    /* Open with a panel date and no quotes. */
    int64_t e = pupil("Wil", "Jones", 9, NULL, NULL);
    panel_case(e, "open");
    run();
    char subject[64];
    snprintf(subject, sizeof subject, "Panel case %lld: Llŷr Evans", (long long)ca);
    expect("quotations", subject, FLAG_AMBER,
           "annual cost £11,700.00 is under £25,000: 3 quotations needed, 2 received");
    expect("quotations", subject, FLAG_AMBER, "cheapest quote: Q1");
    const struct got *g = find("quotations", subject);
    assert_int_equal(g->case_id, ca);
    assert_int_equal(g->pupil_id, a);
    expect_none("quotations", "Owain");
    expect("quotations", "Rhys", FLAG_AMBER, "another procurement route is needed (chosen quote: Q2)");
    expect_none("quotations", "Tomos");
    expect("quotations", "Wil Jones", FLAG_AMBER, "no quotations recorded");
    expect_count(3);

    /* Owain's three quotes, one provider suspended with an open safeguarding
     * No: it no longer counts (2 of 3), and chosen it is red. */
    sql("UPDATE provider SET status = 'suspended', version = version + 1 WHERE id = %lld", (long long)q3);
    run();
    expect("quotations", "Owain", FLAG_AMBER, "3 quotations needed, 2 received");
    expect("quotations", "Owain", FLAG_AMBER, "Q3 is suspended");
    sql("UPDATE quote SET chosen = 1, version = version + 1 WHERE case_id = %lld AND provider_id = %lld",
        (long long)cb, (long long)q3);
    run();
    expect("quotations", "Owain", FLAG_RED, "the recommended provider Q3 is suspended: it cannot be recommended");
}

/* A quotation from a provider with an open safeguarding No does not count,
 * in the whole pass and in the case's own, also when the provider is in no
 * use (the whole pass reads the Nos once, with the providers' flags). */
static void test_quotation_from_provider_with_open_no(void **state)
{
    (void)state;
    sql("INSERT INTO provider (name) VALUES ('Q1'), ('Q2'), ('Q3')");
    int64_t a = pupil("Owain", "Jones", 9, NULL, NULL);
    int64_t ca = panel_case(a, "open");
    quote(ca, 1, 30000, 0);
    quote(ca, 2, 35000, 0);
    quote(ca, 3, 32000, 0);
    run();
    expect_none("quotations", "Owain"); /* three quotes: enough */
    /* Q3 (no placements) answers a safeguarding item No at a visit today. */
    sql("INSERT INTO qa_visit (id, provider_id, stage, template_id, visit_date, visitors) "
        "SELECT 9001, 3, 'stage1', t.id, '%s', 'x' FROM qa_template t WHERE t.stage = 'stage1' LIMIT 1; "
        "INSERT INTO qa_answer (visit_id, item_id, answer) SELECT 9001, i.id, 'no' FROM qa_template_item i "
        "JOIN qa_visit v ON v.template_id = i.template_id WHERE v.id = 9001 AND i.safeguarding = 1 LIMIT 1",
        day_s(0));
    run();
    expect("quotations", "Owain", FLAG_AMBER, "3 quotations needed, 2 received");
    expect_count(1);
    got_clear();
    struct flag_counts c;
    assert_int_equal(flags_for_case(S, &TH, TODAY, ca, collect, NULL, &c), AP_OK);
    expect("quotations", "Owain", FLAG_AMBER, "3 quotations needed, 2 received");
    expect_count(1);
}

/* ------------------------------------------------------------ order, passes, roles */

/* A mixed store: providers first, then pupils, then cases, each by name. */
static void build_mixed(int64_t *ids)
{
    int64_t zed = provider("Zeal Training", "unregistered");
    int64_t abe = provider("aber Farm", "unregistered");
    sql("UPDATE provider SET motor_cover = 0, version = version + 1");
    int64_t u1 = placed_pupil("Siân", "Williams", zed);
    int64_t u2 = placed_pupil("Aled", "Bowen", abe);
    mark_days(u1, 2, "O", "O", zed);
    mark_days(u2, 2, "N", "N", abe);
    int64_t c = panel_case(u1, "open");
    quote(c, zed, 30000, 0);
    ids[0] = zed, ids[1] = abe, ids[2] = u1, ids[3] = u2, ids[4] = c;
}

static void test_order_and_counts(void **state)
{
    (void)state;
    int64_t ids[5];
    build_mixed(ids);
    run();
    expect_count(7);
    assert_string_equal(got[0].subject, "Provider: aber Farm");
    assert_string_equal(got[0].kind, "insurance");
    assert_string_equal(got[1].subject, "Provider: Zeal Training");
    assert_string_equal(got[2].subject, "Pupil: Aled Bowen (Y9)");
    assert_string_equal(got[2].kind, "persistent_absence");
    assert_string_equal(got[3].subject, "Pupil: Aled Bowen (Y9)");
    assert_string_equal(got[3].kind, "unauthorised_run");
    assert_string_equal(got[4].subject, "Pupil: Siân Williams (Y9)");
    assert_string_equal(got[5].subject, "Pupil: Siân Williams (Y9)");
    assert_true(strncmp(got[6].subject, "Panel case ", 11) == 0);
    assert_string_equal(got[6].kind, "quotations");
    /* The counts are reset even when the caller's were not, and fn may be NULL. */
    struct flag_counts c = {99, 99};
    assert_int_equal(flags_collect(S, &TH, TODAY, NULL, NULL, &c), AP_OK);
    assert_int_equal(c.red, 0);
    assert_int_equal(c.amber, 7);
}

/* Each single-record pass reports exactly what the whole pass reports
 * about that record. */
static void test_single_record_passes(void **state)
{
    (void)state;
    int64_t ids[5];
    build_mixed(ids);
    run();
    struct got all[MAX_GOT];
    int nall = ngot;
    memcpy(all, got, sizeof all);
    ngot = 0; /* the strings now belong to all[] */

    struct flag_counts c;
    for (int k = 0; k < 5; k++) {
        got_clear();
        ap_status st = k < 2    ? flags_for_provider(S, &TH, TODAY, ids[k], collect, NULL, &c)
                       : k < 4 ? flags_for_pupil(S, &TH, TODAY, ids[k], collect, NULL, &c)
                               : flags_for_case(S, &TH, TODAY, ids[k], collect, NULL, &c);
        assert_int_equal(st, AP_OK);
        int want = 0;
        for (int i = 0; i < nall; i++) {
            bool about = k < 2 ? all[i].provider_id == ids[k] && all[i].pupil_id == 0
                         : k < 4 ? all[i].pupil_id == ids[k]
                                 : all[i].case_id == ids[k];
            if (!about)
                continue;
            assert_true(want < ngot);
            assert_string_equal(got[want].kind, all[i].kind);
            assert_string_equal(got[want].subject, all[i].subject);
            assert_string_equal(got[want].reason, all[i].reason);
            assert_int_equal(got[want].level, all[i].level);
            want++;
        }
        assert_int_equal(ngot, want);
        assert_int_equal(c.red + c.amber, want);
        assert_true(want > 0);
        if (k >= 2 && k < 4) { /* a pupil's: the same rows, kept (flag_rows_for_pupil) */
            struct flag_row *rows = NULL;
            size_t n = 99;
            assert_int_equal(flag_rows_for_pupil(S, &TH, TODAY, ids[k], &rows, &n), AP_OK);
            assert_int_equal((int)n, ngot);
            for (size_t i = 0; i < n; i++) {
                assert_string_equal(rows[i].kind, got[i].kind);
                assert_string_equal(rows[i].reason, got[i].reason);
                assert_int_equal(rows[i].level, got[i].level);
            }
            flag_rows_free(rows, n);
        }
    }
    for (int i = 0; i < nall; i++) {
        free(all[i].kind);
        free(all[i].subject);
        free(all[i].reason);
    }
    assert_int_equal(flags_for_pupil(S, &TH, TODAY, 0, collect, NULL, NULL), AP_ERR_INVALID);
    struct flag_row *rows = (struct flag_row *)&nall;
    size_t n = 99;
    assert_int_equal(flag_rows_for_pupil(S, &TH, TODAY, 0, &rows, &n), AP_ERR_INVALID);
    assert_null(rows); /* none on failure */
    assert_int_equal(n, 0);
}

/* The providers-only pass (the DMT report's) reports exactly the provider
 * flags of the whole pass, in its order, and nothing about pupils or cases. */
static void test_providers_pass(void **state)
{
    (void)state;
    int64_t ids[5];
    build_mixed(ids);
    run();
    struct got all[MAX_GOT];
    int nall = ngot;
    memcpy(all, got, sizeof all);
    ngot = 0; /* the strings now belong to all[] */
    struct flag_counts c = {99, 99};
    got_clear();
    assert_int_equal(flags_for_providers(S, &TH, TODAY, collect, NULL, &c), AP_OK);
    int want = 0;
    for (int i = 0; i < nall; i++) {
        if (all[i].provider_id == 0 || all[i].pupil_id != 0 || all[i].case_id != 0)
            continue;
        assert_true(want < ngot);
        assert_string_equal(got[want].kind, all[i].kind);
        assert_string_equal(got[want].subject, all[i].subject);
        assert_string_equal(got[want].reason, all[i].reason);
        assert_int_equal(got[want].level, all[i].level);
        want++;
    }
    assert_int_equal(want, 2); /* build_mixed's two providers, and only they */
    assert_int_equal(ngot, want);
    assert_int_equal(c.red + c.amber, want);
    assert_true(nall > want);
    for (int i = 0; i < nall; i++) {
        free(all[i].kind);
        free(all[i].subject);
        free(all[i].reason);
    }
}

/* The monitoring count is the same whichever pass counts it. */
/* Issue 13: "every ten sessions" (seed 002) counts each learner's own
 * sessions. Before, sessions were pooled across the provider's pupils, so
 * most providers were amber all the time. Two learners with 6 sessions each
 * since the visit (12 in all): nothing; one learner with 9: nothing; with 10,
 * at the threshold: amber, naming the count. */
static void test_monitoring_sessions_per_learner(void **state)
{
    (void)state;
    struct {
        int learners, days_each; /* both sessions of each day attended */
        int extra_am;            /* one more morning for the first learner */
        bool flagged;
    } rows[] = {
        {2, 3, 0, false}, /* 6 + 6 = 12 pooled: not a reason to visit */
        {1, 4, 1, false}, /* 9 */
        {1, 5, 0, true},  /* 10 */
        {1, 5, 1, true},  /* 11 */
        {3, 4, 0, false}, /* 8 + 8 + 8 = 24 pooled */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "Provider %zu", i);
        int64_t v = provider(name, "unregistered");
        for (int k = 0; k < rows[i].learners; k++) {
            char forename[40];
            snprintf(forename, sizeof forename, "Learner%zu%d", i, k);
            int64_t u = placed_pupil(forename, "Jones", v);
            mark_days(u, rows[i].days_each, "/", "\\", v);
            if (k == 0 && rows[i].extra_am)
                mark(u, school_day(rows[i].days_each), "am", "/", v);
        }
        got_clear();
        assert_int_equal(flags_for_provider(S, &TH, TODAY, v, collect, NULL, NULL), AP_OK);
        if (rows[i].flagged) {
            char phrase[64];
            snprintf(phrase, sizeof phrase, "attended %d of their own sessions",
                     2 * rows[i].days_each + rows[i].extra_am);
            expect("monitoring", name, FLAG_AMBER, phrase);
        } else {
            expect_none("monitoring", name);
        }
        /* The QA pane's overview reads the same count. */
        struct qa_overview *o = NULL;
        assert_int_equal(qa_overview_load(S, &TH, TODAY, v, &o), AP_OK);
        assert_int_equal(o->n, 1);
        assert_int_equal(rules_flag_raised(o->rows[0].due[QA_MONITORING].level), rows[i].flagged);
        qa_overview_free(o);
    }
}

/* Issue 13: the same sessions timetabled at two providers (rows written
 * past placement_insert's check, as an older store may hold) counted twice
 * and lifted a pupil out of a reduced timetable. Each session counts once. */
static void test_reduced_hours_count_each_session_once(void **state)
{
    (void)state;
    int64_t a = provider("A Farm", "unregistered"), b = provider("B Boxing", "unregistered");
    int64_t u = pupil("Siân", "Jones", 9, NULL, NULL);
    placement(u, a, "active", -65, 8, 2.5);  /* 20 h: below 24 */
    placement(u, b, "active", -20, 8, 2.5);  /* the same 8 sessions again */
    run();
    expect("reduced_timetable", "Siân", FLAG_RED, "reduced timetable, 20 h of the 24 h/week local minimum");
    /* One more distinct session pair at B lifts it to 25 h: no longer reduced. */
    placement(u, b, "active", -20, 10, 2.5);
    run();
    expect_none("reduced_timetable", "Siân");
}

/* Each flag kind is described in the one rules table (src/rules_table.c),
 * and every apterm.ini key it names is a key apterm reads. */
static void test_every_kind_in_the_rules_table(void **state)
{
    (void)state;
    const char *kinds[] = {FLAG_KIND_REGISTRATION, FLAG_KIND_SUSPENDED,    FLAG_KIND_INSURANCE,
                           FLAG_KIND_QA_STAGE1,    FLAG_KIND_QA_STAGE2,    FLAG_KIND_MONITORING,
                           FLAG_KIND_QA_SAFEGUARDING, FLAG_KIND_SAFEGUARDING, FLAG_KIND_ABSENCE,
                           FLAG_KIND_UNAUTH_RUN,   FLAG_KIND_REDUCED,      FLAG_KIND_PSP_REVIEW,
                           FLAG_KIND_PSP_END,      FLAG_KIND_INTERVENTION, FLAG_KIND_QUOTATIONS};
    size_t n = 0;
    rules_info_all(&n);
    assert_int_equal(n, sizeof kinds / sizeof kinds[0]);
    FILE *ini = fopen("apterm.ini", "r");
    assert_non_null(ini);
    char text[16384];
    size_t len = fread(text, 1, sizeof text - 1, ini);
    fclose(ini);
    text[len] = '\0';
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const struct rules_info *r = rules_info_for(kinds[i]);
        if (!r)
            fail_msg("no row for %s in the rules table", kinds[i]);
        assert_true(r->rule[0] && r->inputs[0] && r->source[0] && r->evidence[0]);
        char keys[400];
        snprintf(keys, sizeof keys, "%s", r->thresholds);
        for (char *k = strtok(keys, ", "); k; k = strtok(NULL, ", ")) {
            char line[80];
            snprintf(line, sizeof line, "\n%s = ", k);
            if (!strstr(text, line))
                fail_msg("%s names %s, which apterm.ini does not set", kinds[i], k);
        }
    }
    assert_null(rules_info_for("no_such_rule"));
}

static void test_single_provider_sessions(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    mark_days(u, 6, "/", "\\", v);
    got_clear();
    assert_int_equal(flags_for_provider(S, &TH, TODAY, v, collect, NULL, NULL), AP_OK);
    expect("monitoring", "Cwm Farm", FLAG_AMBER, "attended 12 of their own sessions since the last visit");
    expect_count(1);
}

/* A provider overdue by date whose sessions since the visit are within the
 * marks read anyway: the same reason, with the count, in both passes. */
static void test_monitoring_same_in_every_pass(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE provider_id = %lld AND stage = "
        "'monitoring'", day_s(-35), (long long)v);
    mark_days(u, 6, "/", "\\", v);
    run();
    expect("monitoring", "Cwm Farm", FLAG_RED, "monitoring visit overdue since");
    expect("monitoring", "Cwm Farm", FLAG_RED, "attended 12 of their own sessions since the last visit");
    char *whole = strdup(find("monitoring", "Cwm Farm")->reason);
    got_clear();
    assert_int_equal(flags_for_provider(S, &TH, TODAY, v, collect, NULL, NULL), AP_OK);
    expect_count(1);
    assert_string_equal(got[0].reason, whole);
    got_clear();
    assert_int_equal(flags_for_providers(S, &TH, TODAY, collect, NULL, NULL), AP_OK);
    expect_count(1);
    assert_string_equal(got[0].reason, whole);
    free(whole);
}

static void test_viewer_can_run(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    int64_t u = placed_pupil("Siân", "Jones", v);
    sql("INSERT INTO concern (pupil_id, provider_id, concern_date, summary) VALUES (%lld, %lld, '%s', 'x')",
        (long long)u, (long long)v, day_s(-40));
    mark_days(u, 2, "O", "O", v);
    assert_int_equal(store_user_add(S, "viewer1", "viewer"), AP_OK);
    run();
    int n_admin = ngot;
    assert_true(n_admin >= 2);

    struct store *view = NULL;
    struct store_options o = {.path = F->path, .login = "viewer1"};
    if (store_open(&o, &view) != AP_OK)
        fail_msg("store_open as viewer: %s", ap_error_detail());
    assert_int_equal(store_role(view), ROLE_VIEWER);
    got_clear();
    struct flag_counts c;
    ap_status st = flags_collect(view, &TH, TODAY, collect, NULL, &c);
    if (st != AP_OK)
        fail_msg("viewer flags_collect: %s", ap_error_detail());
    store_close(view);
    expect_count(n_admin);
    expect("qa_stage2", "Cwm Farm", FLAG_RED, "after the concern of");
    expect("unauthorised_run", "Siân", FLAG_AMBER, "4 unauthorised sessions");
}

/* Inside a caller's transaction the pass uses that transaction. */
static void test_inside_transaction(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm", "unregistered");
    placed_pupil("Siân", "Jones", v);
    assert_int_equal(store_begin(S), AP_OK);
    assert_int_equal(sqlite3_exec(store_db(S), "UPDATE provider SET motor_cover = 0, version = version + 1", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    got_clear();
    assert_int_equal(flags_collect(S, &TH, TODAY, collect, NULL, NULL), AP_OK);
    expect("insurance", "Cwm Farm", FLAG_AMBER, "no motor vehicle cover");
    assert_false(sqlite3_get_autocommit(store_db(S)));
    store_rollback(S);
    run();
    expect_count(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_empty_store),
        T(test_clean_provider_and_pupil),
        T(test_provider_not_in_use),
        T(test_registration_four_full_time),
        T(test_registration_five_full_time),
        T(test_registration_one_cla),
        T(test_registration_registered_school_never),
        T(test_insurance_shortfalls),
        T(test_stage1),
        T(test_stage2_brought_forward_by_concern),
        T(test_stage2_overdue),
        T(test_monitoring),
        T(test_safeguarding_and_suspended),
        T(test_maintained_and_proposed),
        T(test_unauthorised_run_amber),
        T(test_unauthorised_ten_days),
        T(test_unauthorised_long_run),
        T(test_persistent_absence),
        T(test_persistent_absence_in_holiday),
        T(test_persistent_absence_no_terms),
        T(test_reduced_timetable),
        T(test_reduced_recorded_in_psp),
        T(test_psp_review_and_end),
        T(test_intervention),
        T(test_off_roll),
        T(test_quotations),
        T(test_quotation_from_provider_with_open_no),
        T(test_order_and_counts),
        T(test_single_record_passes),
    T(test_providers_pass),
        T(test_monitoring_sessions_per_learner),
        T(test_reduced_hours_count_each_session_once),
        T(test_reduced_timetable_audit_matrix),
        T(test_every_kind_in_the_rules_table),
        T(test_single_provider_sessions),
        T(test_monitoring_same_in_every_pass),
        T(test_viewer_can_run),
        T(test_inside_transaction),
#undef T
    };
    return cmocka_run_group_tests_name("flags", tests, NULL, NULL);
}
