/* Unit tests of src/rules.c and src/money.c: every row of DOMAIN.md's rules
 * table at its boundary and either side of it, with the default thresholds
 * of thresholds_default(). Reasons are asserted word for word: they are what
 * a user reads on screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "money.h"
#include "rules.h"
#include "status.h"
#include "thresholds.h"

#define D(y, m, d) date_from_ymd((y), (m), (d))

static struct thresholds th;

/* A date as YYYY-MM-DD (or "none") in one of 4 static slots, for messages. */
static const char *date_str(int date)
{
    static char slots[4][11];
    static unsigned next;
    char *d = slots[next++ % 4];
    if (date == DATE_NONE)
        return strcpy(d, "none");
    return date_format(date, d);
}
static char why[RULES_WHY_LEN];

static int setup(void **state)
{
    (void)state;
    thresholds_default(&th);
    memset(why, 'x', sizeof why - 1); /* a stale reason must be overwritten */
    why[sizeof why - 1] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ */
/* Flag helpers */

static void test_flag_helpers(void **state)
{
    (void)state;
    assert_string_equal(rules_flag_name(FLAG_NONE), "");
    assert_string_equal(rules_flag_name(FLAG_GREEN), "green");
    assert_string_equal(rules_flag_name(FLAG_AMBER), "amber");
    assert_string_equal(rules_flag_name(FLAG_RED), "red");
    assert_false(rules_flag_raised(FLAG_NONE));
    assert_false(rules_flag_raised(FLAG_GREEN));
    assert_true(rules_flag_raised(FLAG_AMBER));
    assert_true(rules_flag_raised(FLAG_RED));
    assert_int_equal(rules_flag_worst(FLAG_AMBER, FLAG_GREEN), FLAG_AMBER);
    assert_int_equal(rules_flag_worst(FLAG_AMBER, FLAG_RED), FLAG_RED);
    assert_int_equal(rules_flag_worst(FLAG_NONE, FLAG_GREEN), FLAG_GREEN);
    /* 16 weeks from Monday 5 January 2026 end on Sunday 26 April. */
    assert_int_equal(rules_weeks_end(D(2026, 1, 5), 16), D(2026, 4, 26));
    assert_int_equal(rules_weeks_end(DATE_NONE, 16), DATE_NONE);
}

static void test_reason_truncated(void **state)
{
    (void)state;
    struct rules_insurance none = {0};
    char small[16];
    assert_int_equal(rules_insurance(&none, &th, small, sizeof small), FLAG_AMBER);
    assert_int_equal(strlen(small), 15);
    assert_string_equal(small, "no public liabi");
    /* No buffer at all: the level alone. */
    assert_int_equal(rules_insurance(&none, &th, NULL, 0), FLAG_AMBER);
}

/* ------------------------------------------------------------------ */
/* Year groups */

static void test_year_group_september_boundary(void **state)
{
    (void)state;
    /* In 2025/26: born 1 Sep 2020 - 31 Aug 2021 turn 5 in it: Reception. */
    assert_int_equal(rules_year_group(D(2020, 9, 1), D(2025, 9, 1)), 0);
    assert_int_equal(rules_year_group(D(2021, 8, 31), D(2025, 9, 1)), 0);
    assert_int_equal(rules_year_group(D(2020, 8, 31), D(2025, 9, 1)), 1);
    assert_int_equal(rules_year_group(D(2021, 9, 1), D(2025, 9, 1)), -1);
    /* The last day of the academic year, and the first of the next. */
    assert_int_equal(rules_year_group(D(2020, 9, 1), D(2026, 8, 31)), 0);
    assert_int_equal(rules_year_group(D(2020, 9, 1), D(2026, 9, 1)), 1);
    assert_int_equal(rules_year_group(D(2020, 8, 31), D(2025, 8, 31)), 0);
}

static void test_year_group_leap_and_older(void **state)
{
    (void)state;
    /* 29 February 2020 is in the 2019/20 birth year: Reception in 2024/25. */
    assert_int_equal(rules_year_group(D(2020, 2, 29), D(2025, 1, 15)), 0);
    assert_int_equal(rules_year_group(D(2020, 2, 29), D(2025, 9, 1)), 1);
    assert_int_equal(rules_year_group(D(2016, 2, 29), D(2026, 2, 28)), 5);
    /* Year 11 in 2025/26: born 1 Sep 2009 - 31 Aug 2010. */
    assert_int_equal(rules_year_group(D(2009, 9, 1), D(2025, 10, 1)), 11);
    assert_int_equal(rules_year_group(D(2010, 8, 31), D(2025, 10, 1)), 11);
    assert_int_equal(rules_year_group(D(2010, 9, 1), D(2025, 10, 1)), 10);
    assert_int_equal(rules_year_group(D(2007, 9, 1), D(2025, 10, 1)), 13);
    assert_int_equal(rules_year_group(D(2023, 1, 1), D(2025, 10, 1)), -2);
    assert_int_equal(rules_year_group(DATE_NONE, D(2025, 10, 1)), RULES_NO_YEAR_GROUP);
}

static void test_year_group_names(void **state)
{
    (void)state;
    /* The name and the short form a list shows, either side of Reception. */
    static const struct {
        int year_group;
        const char *name, *short_name;
    } cases[] = {
        {-2, "Nursery", "N"},   {-1, "Nursery", "N"},  {0, "Reception", "R"}, {1, "Year 1", "Y1"},
        {9, "Year 9", "Y9"},    {13, "Year 13", "Y13"}, {RULES_NO_YEAR_GROUP, "?", "?"},
    };
    char b[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(rules_year_group_name(cases[i].year_group, b, sizeof b), cases[i].name);
        assert_string_equal(rules_year_group_short(cases[i].year_group, b, sizeof b), cases[i].short_name);
    }
}

static void test_year_band_and_minimum_hours(void **state)
{
    (void)state;
    /* Each year group either side of each band's ends: its band (none
     * outside Reception to Year 11) and its weekly minimum (none there). */
    static const struct {
        int year;
        bool banded;
        enum year_band band;
        double minimum;
    } years[] = {
        {-1, false, BAND_COUNT, 0.0},       {0, true, BAND_RECEPTION_Y2, 21.0}, {2, true, BAND_RECEPTION_Y2, 21.0},
        {3, true, BAND_Y3_Y6, 23.5},        {6, true, BAND_Y3_Y6, 23.5},        {7, true, BAND_Y7_Y10, 24.0},
        {10, true, BAND_Y7_Y10, 24.0},      {11, true, BAND_Y11, 25.0},         {12, false, BAND_COUNT, 0.0},
        {13, false, BAND_COUNT, 0.0},
    };
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        enum year_band band = BAND_COUNT; /* left as it is when there is none */
        bool banded = rules_year_band(years[i].year, &band);
        if (banded != years[i].banded || band != years[i].band)
            fail_msg("year group %d: band %d (%s), expected %d", years[i].year, (int)band, banded ? "given" : "none",
                     (int)years[i].band);
        double minimum = rules_min_weekly_hours(years[i].year, &th);
        if (minimum != years[i].minimum)
            fail_msg("year group %d: minimum %g h, expected %g h", years[i].year, minimum, years[i].minimum);
    }
}

/* ------------------------------------------------------------------ */
/* Attendance categories and % */

/* The words of an enum the rules name (the attendance categories, the cost
 * bases): each value's word, read back to the value; words that are not
 * one refused, leaving the value as it was; no word past the last value. */
struct enum_words {
    int count;
    const char *const *words;
    const char *const *bad; /* ends with NULL, itself refused */
    const char *(*str)(int value);
    bool (*parse)(const char *text, int *value);
};

static void check_enum_words(const struct enum_words *e)
{
    for (int i = 0; i < e->count; i++) {
        int v = e->count;
        assert_string_equal(e->str(i), e->words[i]);
        if (!e->parse(e->words[i], &v) || v != i)
            fail_msg("\"%s\" read as %d, expected %d", e->words[i], v, i);
    }
    for (size_t i = 0;; i++) {
        int v = 1;
        if (e->parse(e->bad[i], &v) || v != 1)
            fail_msg("\"%s\" was not refused", e->bad[i] ? e->bad[i] : "(null)");
        if (!e->bad[i])
            break;
    }
    assert_null(e->str(e->count));
}

/* An enum's str and parse as struct enum_words takes them (int for the
 * enum): C has no generic functions, so a macro makes the pair. */
#define ENUM_WORDS_FNS(name, type, str_fn, parse_fn)                                                               \
    static const char *name##_str(int value)                                                                       \
    {                                                                                                              \
        return str_fn((type)value);                                                                                \
    }                                                                                                              \
    static bool name##_parse(const char *text, int *value)                                                         \
    {                                                                                                              \
        type v = (type)*value;                                                                                     \
        bool ok = parse_fn(text, &v);                                                                              \
        *value = (int)v;                                                                                           \
        return ok;                                                                                                 \
    }
ENUM_WORDS_FNS(category, enum code_category, rules_category_str, rules_category_parse)
ENUM_WORDS_FNS(basis, enum cost_basis, rules_basis_str, rules_basis_parse)

static void test_category_strings(void **state)
{
    (void)state;
    static const char *const words[] = {"present", "aea", "authorised", "unauthorised", "not_counted"};
    static const char *const bad[] = {"Present", "present ", "", NULL};
    check_enum_words(&(struct enum_words){CAT_COUNT, words, bad, category_str, category_parse});

    assert_true(rules_category_attending(CAT_PRESENT));
    assert_true(rules_category_attending(CAT_AEA));
    assert_false(rules_category_attending(CAT_AUTHORISED));
    assert_false(rules_category_attending(CAT_UNAUTHORISED));
    assert_false(rules_category_attending(CAT_NOT_COUNTED));
    assert_true(rules_category_possible(CAT_AUTHORISED));
    assert_true(rules_category_possible(CAT_UNAUTHORISED));
    assert_false(rules_category_possible(CAT_NOT_COUNTED));
}

static void test_attendance_pct(void **state)
{
    (void)state;
    struct attendance_tally t = {{0}};
    double pct = -1.0;
    /* Only not-counted sessions: no figure, and no flag. */
    rules_tally_add(&t, CAT_NOT_COUNTED);
    assert_false(rules_attendance_pct(&t, &pct));
    assert_true(pct == -1.0);
    assert_int_equal(rules_persistent_absence(&t, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");

    /* 15 present + 3 AEA of 20 possible (4 not counted aside) = 90 %. */
    struct attendance_tally u = {{15, 3, 1, 1, 4}};
    assert_int_equal(rules_tally_attending(&u), 18);
    assert_int_equal(rules_tally_possible(&u), 20);
    assert_true(rules_attendance_pct(&u, &pct));
    assert_true(pct == 90.0);
}

static void test_persistent_absence_boundary(void **state)
{
    (void)state;
    struct attendance_tally at = {{18, 0, 1, 1, 0}};   /* exactly 90 % */
    assert_int_equal(rules_persistent_absence(&at, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    struct attendance_tally below = {{17, 0, 2, 1, 3}}; /* 85 % */
    assert_int_equal(rules_persistent_absence(&below, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "attendance 85.0 % is below 90 %");
    /* 899 of 1000 is just below; 900 of 1000 is not. */
    struct attendance_tally just = {{899, 0, 101, 0, 0}};
    assert_int_equal(rules_persistent_absence(&just, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "attendance 89.9 % is below 90 %");
    struct attendance_tally ok = {{900, 0, 100, 0, 0}};
    assert_int_equal(rules_persistent_absence(&ok, &th, NULL, 0), FLAG_NONE);
}

/* ------------------------------------------------------------------ */
/* Consecutive unauthorised absence */

#define P CAT_PRESENT
#define A CAT_AUTHORISED
#define U CAT_UNAUTHORISED
#define X CAT_NOT_COUNTED

static void test_unauth_sessions_amber(void **state)
{
    (void)state;
    struct rules_run run;
    /* Mon AM P, PM P; Tue AM P, PM U; Wed AM U: two sessions, none. */
    struct rules_mark two[] = {
        {D(2026, 3, 2), P}, {D(2026, 3, 2), P},
        {D(2026, 3, 3), P}, {D(2026, 3, 3), U}, {D(2026, 3, 4), U},
    };
    assert_int_equal(rules_unauthorised_run(two, 5, &th, &run, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    assert_int_equal(run.sessions, 2);
    assert_int_equal(run.days, 1); /* Tuesday was half present */
    assert_int_equal(run.first, D(2026, 3, 3));

    /* Wed PM U too: three sessions, amber. */
    struct rules_mark three[] = {
        {D(2026, 3, 2), P}, {D(2026, 3, 2), P},
        {D(2026, 3, 3), P}, {D(2026, 3, 3), U}, {D(2026, 3, 4), U}, {D(2026, 3, 4), U},
    };
    assert_int_equal(rules_unauthorised_run(three, 6, &th, &run, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "3 unauthorised sessions in a row since 2026-03-03");
    assert_int_equal(run.sessions, 3);
    assert_int_equal(run.days, 1);
}

static void test_unauth_not_counted_and_breaks(void **state)
{
    (void)state;
    struct rules_run run;
    /* A not-counted session neither breaks nor extends the run. */
    struct rules_mark across[] = {
        {D(2026, 3, 2), U}, {D(2026, 3, 2), X}, {D(2026, 3, 3), U}, {D(2026, 3, 3), U},
    };
    assert_int_equal(rules_unauthorised_run(across, 4, &th, &run, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "3 unauthorised sessions in a row since 2026-03-02");
    assert_int_equal(run.sessions, 3);
    assert_int_equal(run.days, 2);
    /* Trailing not-counted sessions do not end it either. */
    struct rules_mark trailing[] = {
        {D(2026, 3, 2), U}, {D(2026, 3, 2), U}, {D(2026, 3, 3), U}, {D(2026, 3, 3), X},
    };
    assert_int_equal(rules_unauthorised_run(trailing, 4, &th, &run, NULL, 0), FLAG_AMBER);
    assert_int_equal(run.sessions, 3);
    /* An authorised session ends the run. */
    struct rules_mark broken[] = {
        {D(2026, 3, 2), U}, {D(2026, 3, 2), U}, {D(2026, 3, 3), A}, {D(2026, 3, 3), U},
    };
    assert_int_equal(rules_unauthorised_run(broken, 4, &th, &run, why, sizeof why), FLAG_NONE);
    assert_int_equal(run.sessions, 1);
    assert_int_equal(run.days, 0); /* Tuesday AM was authorised */
    /* Nothing at all. */
    assert_int_equal(rules_unauthorised_run(NULL, 0, &th, &run, why, sizeof why), FLAG_NONE);
    assert_int_equal(run.sessions, 0);
    assert_int_equal(run.days, 0);
    assert_int_equal(run.first, DATE_NONE);
}

/* Fill both sessions of each weekday from `from` for `days` school days. */
static size_t school_days(struct rules_mark *m, int from, int days, enum code_category c)
{
    size_t n = 0;
    for (int d = from; days > 0; d++) {
        if (date_weekday(d) >= 5)
            continue;
        m[n++] = (struct rules_mark){d, c};
        m[n++] = (struct rules_mark){d, c};
        days--;
    }
    return n;
}

static void test_unauth_days_red(void **state)
{
    (void)state;
    struct rules_mark m[64];
    struct rules_run run;
    /* Ten school days, Mon 2 - Fri 13 March 2026, across a weekend: red. */
    size_t n = school_days(m, D(2026, 3, 2), 10, U);
    assert_int_equal(n, 20);
    assert_int_equal(rules_unauthorised_run(m, n, &th, &run, why, sizeof why), FLAG_RED);
    assert_string_equal(why, "unauthorised absence for 10 school days in a row "
                             "(20 sessions) since 2026-03-02");
    assert_int_equal(run.days, 10);

    /* Present on the first Monday morning: 9 whole days, 19 sessions. */
    m[0].cat = P;
    assert_int_equal(rules_unauthorised_run(m, n, &th, &run, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "19 unauthorised sessions in a row since 2026-03-02");
    assert_int_equal(run.days, 9);
    assert_int_equal(run.sessions, 19);

    /* Nine whole days and the tenth day's morning (afternoon not yet
     * marked): the tenth day counts. */
    n = school_days(m, D(2026, 3, 2), 10, U) - 1;
    assert_int_equal(rules_unauthorised_run(m, n, &th, &run, why, sizeof why), FLAG_RED);
    assert_int_equal(run.days, 10);
    assert_int_equal(run.sessions, 19);

    /* A part-time pupil expected only in the mornings: a session a day. */
    struct rules_mark am[10];
    int d = D(2026, 3, 2);
    for (int i = 0; i < 10; d++) {
        if (date_weekday(d) < 5)
            am[i++] = (struct rules_mark){d, U};
    }
    assert_int_equal(rules_unauthorised_run(am, 10, &th, &run, why, sizeof why), FLAG_RED);
    assert_int_equal(run.days, 10);
    assert_int_equal(rules_unauthorised_run(am + 1, 9, &th, &run, why, sizeof why), FLAG_AMBER);
    assert_int_equal(run.days, 9);
}

#undef P
#undef A
#undef U
#undef X

/* ------------------------------------------------------------------ */
/* Registration */

static void test_registration_five_pupils(void **state)
{
    (void)state;
    struct rules_reg_pupil p[5] = {
        {18.0, false, false}, {18.0, false, false}, {20.0, false, false},
        {25.0, false, false}, {18.0, false, false},
    };
    assert_int_equal(rules_registration(false, p, 5, &th, why, sizeof why), FLAG_RED);
    assert_string_equal(why, "unregistered, 5 pupils at 18 h/week or more: "
                             "must be a registered school");
    /* Registered schools never flag. */
    assert_int_equal(rules_registration(true, p, 5, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    /* Four full time, the fifth at 17.9 h: none. */
    p[4].weekly_hours = 17.9;
    assert_int_equal(rules_registration(false, p, 5, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    assert_int_equal(rules_registration(false, p, 4, &th, why, sizeof why), FLAG_NONE);
}

static void test_registration_one_cla_or_plan(void **state)
{
    (void)state;
    struct rules_reg_pupil cla = {18.0, true, false};
    assert_int_equal(rules_registration(false, &cla, 1, &th, why, sizeof why), FLAG_RED);
    assert_string_equal(why, "unregistered, 1 pupil at 18 h/week or more, 1 looked after: "
                             "must be a registered school");
    cla.weekly_hours = 17.9;
    assert_int_equal(rules_registration(false, &cla, 1, &th, why, sizeof why), FLAG_NONE);

    struct rules_reg_pupil plan[2] = {{18.0, false, true}, {10.0, true, true}};
    assert_int_equal(rules_registration(false, plan, 2, &th, why, sizeof why), FLAG_RED);
    assert_string_equal(why, "unregistered, 1 pupil at 18 h/week or more, 1 with an EHCP/IDP: "
                             "must be a registered school");
    plan[0].weekly_hours = 17.9;
    assert_int_equal(rules_registration(false, plan, 2, &th, why, sizeof why), FLAG_NONE);
    assert_int_equal(rules_registration(true, &cla, 1, &th, why, sizeof why), FLAG_NONE);
}

static void test_full_time_boundary(void **state)
{
    (void)state;
    assert_true(rules_full_time(18.0, &th));
    assert_false(rules_full_time(17.9, &th));
    assert_false(rules_full_time(17.99, &th));
    /* 180 steps of 0.1 h add up to a hair under 18.0 in binary. */
    double sum = 0.0;
    for (int i = 0; i < 180; i++)
        sum += 0.1;
    assert_true(sum != 18.0);
    assert_true(rules_full_time(sum, &th));
}

/* ------------------------------------------------------------------ */
/* Insurance */

static void test_insurance(void **state)
{
    (void)state;
    struct rules_insurance ok = {
        INT64_C(500000000), INT64_C(1000000000), INT64_C(200000000), true, true,
    };
    assert_int_equal(rules_insurance(&ok, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");

    struct rules_insurance low = ok;
    low.public_liability = INT64_C(200000000); /* £2m */
    assert_int_equal(rules_insurance(&low, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "public liability £2,000,000 is below the £5,000,000 minimum");
    low.public_liability = INT64_C(499999999); /* a penny short */
    assert_int_equal(rules_insurance(&low, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "public liability £4,999,999.99 is below the £5,000,000 minimum");

    struct rules_insurance none = {0};
    assert_int_equal(rules_insurance(&none, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why,
        "no public liability cover recorded (minimum £5,000,000); "
        "no employer's liability cover recorded (minimum £10,000,000); "
        "no professional indemnity cover recorded (minimum £2,000,000); "
        "no motor vehicle cover; no subcontractor liability cover");

    struct rules_insurance mixed = ok;
    mixed.employers_liability = INT64_C(500000000);
    mixed.motor = false;
    assert_int_equal(rules_insurance(&mixed, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "employer's liability £5,000,000 is below the £10,000,000 "
                             "minimum; no motor vehicle cover");
}

/* ------------------------------------------------------------------ */
/* QA */

static void test_qa_stage1(void **state)
{
    (void)state;
    /* At and either side of the date 12 months after the last visit, and
     * 28 days before it; and no visit at all. */
    const struct {
        int last, today;
        enum flag_level level;
        int due;
        const char *why;
    } cases[] = {
        {D(2025, 3, 1), D(2026, 3, 1), FLAG_AMBER, D(2026, 3, 1), "Stage 1 visit due today"},
        {D(2025, 3, 1), D(2026, 3, 2), FLAG_RED, D(2026, 3, 1), "Stage 1 visit overdue since 2026-03-01"},
        {D(2025, 3, 1), D(2026, 2, 1), FLAG_AMBER, D(2026, 3, 1), "Stage 1 visit due on 2026-03-01, in 28 days"},
        {D(2025, 3, 1), D(2026, 1, 31), FLAG_NONE, D(2026, 3, 1), ""},
        {DATE_NONE, D(2026, 1, 31), FLAG_RED, D(2026, 1, 31), "no Stage 1 visit recorded: due now"},
    };
    int due = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum flag_level level = rules_qa_stage1(cases[i].last, false, cases[i].today, &th, &due, why, sizeof why);
        if (level != cases[i].level || due != cases[i].due || strcmp(why, cases[i].why) != 0)
            fail_msg("case %zu: %s, due %s, \"%s\"; expected %s, due %s, \"%s\"", i + 1, rules_flag_name(level),
                     date_str(due), why, rules_flag_name(cases[i].level), date_str(cases[i].due), cases[i].why);
    }
    /* A leap-day visit falls due on 28 February. */
    rules_qa_stage1(D(2024, 2, 29), false, D(2024, 3, 1), &th, &due, NULL, 0);
    assert_int_equal(due, D(2025, 2, 28));
}

static void test_qa_stage2(void **state)
{
    (void)state;
    int due = 0;
    int last = D(2024, 3, 1);
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, DATE_NONE, D(2026, 3, 1), &th, &due,
                                     why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, D(2026, 3, 1));
    assert_string_equal(why, "Stage 2 visit due today");
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, DATE_NONE, D(2026, 3, 2), &th, &due,
                                     why, sizeof why), FLAG_RED);
    assert_string_equal(why, "Stage 2 visit overdue since 2026-03-01");
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, DATE_NONE, D(2026, 1, 31), &th, &due,
                                     why, sizeof why), FLAG_NONE);

    /* A concern after the last Stage 2 brings it to concern + 30 days. */
    int concern = D(2025, 6, 10);
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, concern, D(2025, 7, 11), &th, &due,
                                     why, sizeof why), FLAG_RED);
    assert_int_equal(due, D(2025, 7, 10));
    assert_string_equal(why, "Stage 2 visit overdue since 2025-07-10 "
                             "(after the concern of 2025-06-10)");
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, concern, D(2025, 7, 10), &th, &due,
                                     why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "Stage 2 visit due today (after the concern of 2025-06-10)");
    assert_int_equal(rules_qa_stage2(last, false, DATE_NONE, concern, D(2025, 6, 11), &th, &due,
                                     why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2025, 7, 10));

    /* A concern on or before the last Stage 2 is already answered. */
    int visit = D(2025, 1, 10);
    rules_qa_stage2(visit, false, DATE_NONE, D(2025, 1, 5), D(2025, 2, 20), &th, &due, why, sizeof why);
    assert_int_equal(due, D(2027, 1, 10));
    rules_qa_stage2(visit, false, DATE_NONE, visit, D(2025, 2, 20), &th, &due, why, sizeof why);
    assert_int_equal(due, D(2027, 1, 10));
    assert_string_equal(why, "");

    /* No Stage 2 yet: counted from first use; due now when none known. */
    assert_int_equal(rules_qa_stage2(DATE_NONE, false, D(2025, 1, 6), DATE_NONE, D(2025, 3, 1), &th,
                                     &due, why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2027, 1, 6));
    assert_int_equal(rules_qa_stage2(DATE_NONE, false, DATE_NONE, DATE_NONE, D(2025, 3, 1), &th,
                                     &due, why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, D(2025, 3, 1));
    assert_string_equal(why, "no Stage 2 visit recorded: due now");
    /* Any concern counts when there has been no Stage 2. */
    assert_int_equal(rules_qa_stage2(DATE_NONE, false, D(2025, 1, 6), D(2025, 2, 1), D(2025, 3, 4),
                                     &th, &due, why, sizeof why), FLAG_RED);
    assert_int_equal(due, D(2025, 3, 3));
}

/* Issue 13: an Unsatisfactory Stage 1 or Stage 2 sets a follow-up due
 * th->qa_followup_days (28) after it and is red from the visit on, whatever
 * the annual date says: the day before the follow-up, on it, after it. */
static void test_qa_followup_after_unsatisfactory(void **state)
{
    (void)state;
    int due = 0, last = D(2026, 3, 2);
    struct { int today; const char *phrase; } rows[] = {
        {D(2026, 3, 2), "due by 2026-03-30"},
        {D(2026, 3, 29), "due by 2026-03-30"},
        {D(2026, 3, 30), "due by 2026-03-30"},
        {D(2026, 3, 31), "overdue since 2026-03-30"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(rules_qa_stage1(last, true, rows[i].today, &th, &due, why, sizeof why), FLAG_RED);
        assert_int_equal(due, D(2026, 3, 30));
        assert_non_null(strstr(why, "Stage 1 visit of 2026-03-02 found Unsatisfactory"));
        assert_non_null(strstr(why, rows[i].phrase));
        assert_int_equal(rules_qa_stage2(last, true, DATE_NONE, DATE_NONE, rows[i].today, &th, &due, why,
                                         sizeof why), FLAG_RED);
        assert_int_equal(due, D(2026, 3, 30));
        assert_non_null(strstr(why, "Stage 2 visit of 2026-03-02 found Unsatisfactory"));
    }
    /* Cannot be fooled: the same visit Satisfactory is not due for a year. */
    assert_int_equal(rules_qa_stage1(last, false, D(2026, 3, 31), &th, &due, why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2027, 3, 2));
    /* The period is configurable. */
    th.qa_followup_days = 10;
    rules_qa_stage1(last, true, D(2026, 3, 3), &th, &due, why, sizeof why);
    assert_int_equal(due, D(2026, 3, 12));
}

static void test_monitoring_days(void **state)
{
    (void)state;
    int due = 0;
    int term = D(2026, 1, 5), last = D(2026, 2, 2);
    /* 30 days after the last visit: none; 31: due today (amber); 32: overdue,
     * red as the QA pane's legend says (issue 13). */
    assert_int_equal(rules_monitoring(last, DATE_NONE, 6, 1, term, D(2026, 3, 4), &th, &due,
                                      why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2026, 3, 5));
    assert_string_equal(why, "");
    assert_int_equal(rules_monitoring(last, DATE_NONE, 6, 1, term, D(2026, 3, 5), &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "monitoring visit due today (last visit 2026-02-02)");
    assert_int_equal(rules_monitoring(last, DATE_NONE, 6, 1, term, D(2026, 3, 6), &th, &due,
                                      why, sizeof why), FLAG_RED);
    assert_string_equal(why, "monitoring visit overdue since 2026-03-05 "
                             "(last visit 2026-02-02)");
    /* No visit yet: from the start of the placements. */
    assert_int_equal(rules_monitoring(DATE_NONE, D(2026, 1, 5), 0, 0, term, D(2026, 2, 4),
                                      &th, &due, why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2026, 2, 5));
    assert_int_equal(rules_monitoring(DATE_NONE, D(2026, 1, 5), 0, 0, term, D(2026, 2, 5),
                                      &th, &due, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "monitoring visit due today (no visit since placements "
                             "began on 2026-01-05); no visit this term (term began 2026-01-05)");
    assert_int_equal(rules_monitoring(DATE_NONE, DATE_NONE, 0, 0, term, D(2026, 1, 10), &th,
                                      &due, why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, D(2026, 1, 10));
    assert_string_equal(why, "no monitoring visit recorded");
}

static void test_monitoring_sessions_and_term(void **state)
{
    (void)state;
    int due = 0;
    int term = D(2026, 1, 5), last = D(2026, 2, 2), today = D(2026, 2, 10);
    /* Nine sessions since the last visit: none; ten: a visit is due now. */
    assert_int_equal(rules_monitoring(last, DATE_NONE, 9, 1, term, today, &th, &due,
                                      why, sizeof why), FLAG_NONE);
    assert_int_equal(due, D(2026, 3, 5));
    assert_int_equal(rules_monitoring(last, DATE_NONE, 10, 1, term, today, &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, today);
    assert_string_equal(why, "a learner has attended 10 of their own sessions since the last visit "
                             "(a visit every 10)");
    /* Ten sessions and overdue by date: still red, both named. */
    assert_int_equal(rules_monitoring(last, DATE_NONE, 10, 1, term, D(2026, 3, 6), &th, &due,
                                      why, sizeof why), FLAG_RED);
    assert_non_null(strstr(why, "overdue since 2026-03-05"));
    assert_non_null(strstr(why, "10 of their own sessions"));

    /* Two visits a term wanted: one made, a month into the term. */
    th.visit_per_term = 2;
    assert_int_equal(rules_monitoring(last, DATE_NONE, 3, 1, term, D(2026, 2, 5), &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "1 visit this term, at least 2 needed (term began 2026-01-05)");
    assert_int_equal(rules_monitoring(last, DATE_NONE, 3, 1, term, D(2026, 2, 4), &th, &due,
                                      why, sizeof why), FLAG_NONE);
    assert_int_equal(rules_monitoring(last, DATE_NONE, 3, 2, term, D(2026, 2, 5), &th, &due,
                                      why, sizeof why), FLAG_NONE);
    /* Each part off at 0. */
    th.visit_per_term = 0;
    th.monitoring_days = 0;
    th.monitoring_sessions = 0;
    assert_int_equal(rules_monitoring(DATE_NONE, DATE_NONE, 50, 0, term, D(2026, 4, 1), &th,
                                      &due, why, sizeof why), FLAG_NONE);
    assert_int_equal(due, DATE_NONE);
}

/* ------------------------------------------------------------------ */
/* Safeguarding declaration and DBS */

static void test_safeguarding(void **state)
{
    (void)state;
    int signed_on = D(2023, 3, 1);
    /* Exactly 3 years: not older, but its renewal is due today. */
    assert_int_equal(rules_safeguarding(signed_on, signed_on, D(2026, 3, 1), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "safeguarding declaration renewal due today (dated 2023-03-01); "
                             "enhanced DBS check renewal due today (dated 2023-03-01)");
    /* A day more: over 3 years old. */
    assert_int_equal(rules_safeguarding(signed_on, D(2025, 1, 1), D(2026, 3, 2), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "safeguarding declaration is over 3 years old "
                             "(dated 2023-03-01)");
    /* Renewal in 28 days: amber; 29: none. */
    assert_int_equal(rules_safeguarding(D(2025, 1, 1), signed_on, D(2026, 2, 1), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "enhanced DBS check renewal due on 2026-03-01 (dated 2023-03-01)");
    assert_int_equal(rules_safeguarding(signed_on, signed_on, D(2026, 1, 31), &th,
                                        why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    /* Missing. */
    assert_int_equal(rules_safeguarding(DATE_NONE, D(2025, 1, 1), D(2026, 1, 31), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "no safeguarding declaration recorded");
    assert_int_equal(rules_safeguarding(DATE_NONE, DATE_NONE, D(2026, 1, 31), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "no safeguarding declaration recorded; "
                             "no enhanced DBS check recorded");
}

/* ------------------------------------------------------------------ */
/* PSP */

static void test_psp_review(void **state)
{
    (void)state;
    int due = 0;
    int review = D(2026, 1, 12); /* a Monday: next due Monday 23 February */
    assert_int_equal(rules_psp_review(review, DATE_NONE, D(2026, 2, 23), &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, D(2026, 2, 23));
    assert_string_equal(why, "PSP review due today");
    assert_int_equal(rules_psp_review(review, DATE_NONE, D(2026, 2, 24), &th, &due,
                                      why, sizeof why), FLAG_RED);
    assert_string_equal(why, "PSP review overdue since 2026-02-23");
    /* Due within a week: amber; eight days: none. */
    assert_int_equal(rules_psp_review(review, DATE_NONE, D(2026, 2, 16), &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "PSP review due on 2026-02-23, in 7 days");
    assert_int_equal(rules_psp_review(review, DATE_NONE, D(2026, 2, 15), &th, &due,
                                      why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    /* Before any review, from the meeting; the latest review wins. */
    rules_psp_review(DATE_NONE, D(2026, 1, 5), D(2026, 1, 6), &th, &due, why, sizeof why);
    assert_int_equal(due, D(2026, 2, 16));
    rules_psp_review(review, D(2026, 1, 5), D(2026, 1, 13), &th, &due, why, sizeof why);
    assert_int_equal(due, D(2026, 2, 23));
    assert_int_equal(rules_psp_review(DATE_NONE, DATE_NONE, D(2026, 1, 6), &th, &due,
                                      why, sizeof why), FLAG_AMBER);
    assert_int_equal(due, DATE_NONE);
    assert_string_equal(why, "no PSP meeting or review date recorded");
}

static void test_psp_end(void **state)
{
    (void)state;
    int end = 0;
    int start = D(2026, 1, 5);
    /* 16 weeks from Monday 5 January end on Sunday 26 April. */
    assert_int_equal(rules_psp_end(start, DATE_NONE, false, D(2026, 4, 26), &th, &end,
                                   why, sizeof why), FLAG_NONE);
    assert_int_equal(end, D(2026, 4, 26));
    assert_int_equal(rules_psp_end(start, DATE_NONE, false, D(2026, 4, 27), &th, &end,
                                   why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "PSP past its end date 2026-04-26 without a ceasing review");
    assert_int_equal(rules_psp_end(start, DATE_NONE, true, D(2026, 4, 27), &th, &end,
                                   why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    /* An explicit end date wins. */
    assert_int_equal(rules_psp_end(start, D(2026, 3, 31), false, D(2026, 3, 31), &th, &end,
                                   why, sizeof why), FLAG_NONE);
    assert_int_equal(end, D(2026, 3, 31));
    assert_int_equal(rules_psp_end(start, D(2026, 3, 31), false, D(2026, 4, 1), &th, &end,
                                   why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "PSP past its end date 2026-03-31 without a ceasing review");
    assert_int_equal(rules_psp_end(DATE_NONE, DATE_NONE, false, D(2026, 4, 1), &th, &end,
                                   why, sizeof why), FLAG_NONE);
    assert_int_equal(end, DATE_NONE);
}

/* ------------------------------------------------------------------ */
/* Reduced timetable */

static void test_reduced_threshold_by_year(void **state)
{
    (void)state;
    assert_true(rules_is_reduced(20.9, 0, &th));
    assert_false(rules_is_reduced(21.0, 0, &th));
    assert_true(rules_is_reduced(20.9, 2, &th));
    assert_true(rules_is_reduced(23.4, 3, &th));
    assert_false(rules_is_reduced(23.5, 6, &th));
    assert_true(rules_is_reduced(23.9, 7, &th));
    assert_false(rules_is_reduced(24.0, 10, &th));
    assert_true(rules_is_reduced(24.9, 11, &th));
    assert_false(rules_is_reduced(25.0, 11, &th));
    assert_false(rules_is_reduced(10.0, 12, &th)); /* post-16: no minimum */
    assert_false(rules_is_reduced(5.0, -1, &th));  /* nursery: no minimum */
}

/* The initialisers of a reduced timetable with everything in order, to which
 * a case adds what it changes (fields not named here). */
#define RTT_GOOD                                                                                                   \
    .weekly_hours = 15.0, .year_group = 9, .start = D(2026, 1, 5), .end = D(2026, 3, 27), .has_psp = true,        \
    .medical_ihp = false, .exit_plan = true, .authorised = false,                                                  \
    /* The PSP's own indicators: progressing, up from 2 h a day to 3 h (15 h a                                     \
     * week), the LA's safeguarding officer told, the risk assessment                                               \
     * reviewed on 1 March. */                                                                                     \
    .progression = RULES_PROGRESS_YES, .start_hours_per_day = 2.0, .la_told = true, .risk_assessed = true,          \
    .risk_assessed_on = D(2026, 3, 1)

static struct rules_rtt rtt_good(void)
{
    return (struct rules_rtt){RTT_GOOD};
}

static void test_reduced_timetable_green_and_none(void **state)
{
    (void)state;
    struct rules_rtt r = rtt_good();
    int today = D(2026, 2, 1);
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_GREEN);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: PSP, end date and exit plan in place");
    r.weekly_hours = 24.0;
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    r.weekly_hours = 23.9;
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_GREEN);
    /* Medical, set out in an IHP: no PSP needed. */
    r = rtt_good();
    r.has_psp = false;
    r.medical_ihp = true;
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_GREEN);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: health care plan, end date and exit plan in place");
}

static void test_reduced_timetable_twelve_weeks(void **state)
{
    (void)state;
    struct rules_rtt r = rtt_good();
    int today = D(2026, 2, 1);
    /* 12 weeks from Monday 5 January end on Sunday 29 March. */
    r.end = D(2026, 3, 29);
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_GREEN);
    r.end = D(2026, 3, 30);
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: over 12 weeks (from 2026-01-05) without the "
                             "Director's authorisation");
    r.authorised = true;
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_GREEN);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: PSP, end date and exit plan in place; "
                             "over 12 weeks, authorised");
    /* Still running after its end date: amber, and over 12 weeks by now. */
    r = rtt_good();
    r.end = D(2026, 2, 27);
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 3, 2), &th, why, sizeof why),
                     FLAG_AMBER);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: still running after its provisional end date 2026-02-27");
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 3, 30), &th, why, sizeof why),
                     FLAG_AMBER);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: over 12 weeks (from 2026-01-05) without the Director's "
                             "authorisation; still running after its provisional end date "
                             "2026-02-27");
}

/* Issue 13: the indicators only the PSP records (seed 003 Appendix 2):
 * progression, hours over time, the LA's safeguarding officer told, the risk
 * assessment - each amber when it fails, at and either side of its day. */
static void test_reduced_timetable_psp_indicators(void **state)
{
    (void)state;
    const char *head = "reduced timetable, 15 h of the 24 h/week local minimum for Year 9: ";
    char want[RULES_WHY_LEN];
    struct rules_rtt r = rtt_good();
    /* Start Monday 5 January; the first review 6 weeks on is 16 February. */
    int review = D(2026, 2, 16);
    r.risk_assessed_on = review;
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_GREEN);
    /* Progression: little is amber at once; not recorded only from the first review. */
    r.progression = RULES_PROGRESS_LITTLE;
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 1, 12), &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%slittle or no progression", head);
    assert_string_equal(why, want);
    r.progression = RULES_PROGRESS_UNKNOWN;
    assert_int_equal(rules_reduced_timetable(&r, review - 1, &th, why, sizeof why), FLAG_GREEN);
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%sprogression not recorded 6 weeks on", head);
    assert_string_equal(why, want);
    assert_int_equal(rules_reduced_timetable(&r, review + 1, &th, why, sizeof why), FLAG_AMBER);
    r.progression = RULES_PROGRESS_YES;
    /* Hours over time: 3 h a day now (15 h / 5 days) against the start. */
    r.start_hours_per_day = 0;
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 1, 12), &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%shours a day at the start not recorded", head);
    assert_string_equal(why, want);
    r.start_hours_per_day = 3.0; /* no increase: fine before the first review, amber from it */
    assert_int_equal(rules_reduced_timetable(&r, review - 1, &th, why, sizeof why), FLAG_GREEN);
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%sno increase in hours: 3 h a day at the start, 3 h now", head);
    assert_string_equal(why, want);
    r.start_hours_per_day = 2.75; /* a quarter of an hour more now */
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_GREEN);
    r.start_hours_per_day = 3.25; /* fewer hours now than at the start */
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    /* Cannot be fooled: raising the PSP's hours a day does not make an
     * increase the timetable does not give. */
    r.start_hours_per_day = 3.0;
    r.psp_hours_per_day = 3.5;
    r.timetable_hours_per_day = 3.0;
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    assert_non_null(strstr(why, "no increase in hours: 3 h a day at the start, 3 h now"));
    r = rtt_good();
    r.risk_assessed_on = review;
    /* The LA's safeguarding officer. */
    r.la_told = false;
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%sthe LA's safeguarding officer not told", head);
    assert_string_equal(why, want);
    r.la_told = true;
    /* The risk assessment: reviewed within 6 weeks, to the day (on a
     * timetable authorised to run to the end of April). */
    r.end = D(2026, 4, 30);
    r.authorised = true;
    assert_int_equal(rules_reduced_timetable(&r, review + 42, &th, why, sizeof why), FLAG_GREEN);
    assert_int_equal(rules_reduced_timetable(&r, review + 43, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%srisk assessment last reviewed on 2026-02-16, over 6 weeks ago", head);
    assert_string_equal(why, want);
    r.risk_assessed = false;
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want, "%sno risk assessment recorded", head);
    assert_string_equal(why, want);
    /* Red first: a red indicator, then the PSP's ambers after it. */
    r.looked_after = true;
    assert_int_equal(rules_reduced_timetable(&r, review, &th, why, sizeof why), FLAG_RED);
    snprintf(want, sizeof want, "%sa child looked after; no risk assessment recorded", head);
    assert_string_equal(why, want);
    /* Cannot be fooled: a PSP that records none of them is never green. */
    struct rules_rtt bare = {.weekly_hours = 15.0, .year_group = 9, .start = D(2026, 1, 5), .end = D(2026, 3, 27),
                             .has_psp = true, .exit_plan = true};
    assert_int_equal(rules_reduced_timetable(&bare, review, &th, why, sizeof why), FLAG_AMBER);
    snprintf(want, sizeof want,
             "%sprogression not recorded 6 weeks on; hours a day at the start not recorded; the LA's "
             "safeguarding officer not told; no risk assessment recorded",
             head);
    assert_string_equal(why, want);
    /* Medical, in an IHP, no PSP: the PSP's indicators are not asked. */
    bare.has_psp = false;
    bare.medical_ihp = true;
    assert_int_equal(rules_reduced_timetable(&bare, review, &th, why, sizeof why), FLAG_GREEN);
}

/* Issue 13: the whole audit matrix. A ticked safeguarding concern or a
 * looked-after pupil stayed green; each red indicator now makes it red, with
 * its reason, before the amber ones; attendance at and either side of the
 * threshold; hours a day against the timetable at the tolerance. */
static void test_reduced_timetable_audit_matrix(void **state)
{
    (void)state;
    int today = D(2026, 2, 1);
    /* Each indicator changed from a timetable in order: the level, and a
     * phrase of the reason where there is one to read. */
    const struct {
        struct rules_rtt r;
        enum flag_level level;
        const char *phrase;
    } cases[] = {
        {{RTT_GOOD, .safeguarding_concern = true}, FLAG_RED, "safeguarding concern ticked on the PSP"},
        {{RTT_GOOD, .looked_after = true}, FLAG_RED, "a child looked after"},
        {{RTT_GOOD, .concern = true, .concern_date = D(2026, 1, 20)}, FLAG_RED,
         "safeguarding concern recorded on 2026-01-20"},
        {{RTT_GOOD, .single_agency = true}, FLAG_RED, "single-agency plan"},
        /* Not attending: below 50 % red; at 50 % and above, not. */
        {{RTT_GOOD, .attendance_known = true, .attendance_pct = 49.9}, FLAG_RED,
         "not attending: 49.9 % this term, below 50 %"},
        {{RTT_GOOD, .attendance_known = true, .attendance_pct = 50.0}, FLAG_GREEN, NULL},
        {{RTT_GOOD, .attendance_known = true, .attendance_pct = 50.1}, FLAG_GREEN, NULL},
        /* Amber: no parent/carer agreement; hours a day off the timetable by
         * more than half an hour (the 38 demo PSPs that said 7.0 h a day),
         * at the tolerance and either side of it. */
        {{RTT_GOOD, .no_parent_agreement = true}, FLAG_AMBER, "no parent/carer agreement recorded"},
        {{RTT_GOOD, .psp_hours_per_day = 7.0, .timetable_hours_per_day = 3.0}, FLAG_AMBER,
         "the PSP says 7 h a day, the timetable gives 3 h a day"},
        {{RTT_GOOD, .psp_hours_per_day = 3.5, .timetable_hours_per_day = 3.0}, FLAG_GREEN, NULL},
        {{RTT_GOOD, .psp_hours_per_day = 3.6, .timetable_hours_per_day = 3.0}, FLAG_AMBER, NULL},
        {{RTT_GOOD, .psp_hours_per_day = 2.5, .timetable_hours_per_day = 3.0}, FLAG_GREEN, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum flag_level level = rules_reduced_timetable(&cases[i].r, today, &th, why, sizeof why);
        if (level != cases[i].level || (cases[i].phrase && !strstr(why, cases[i].phrase)))
            fail_msg("case %zu: %s \"%s\", expected %s with \"%s\"", i + 1, rules_flag_name(level), why,
                     rules_flag_name(cases[i].level), cases[i].phrase ? cases[i].phrase : "");
    }

    /* Red first, then amber, all named. */
    struct rules_rtt r = rtt_good();
    r.no_parent_agreement = true;
    r.looked_after = true;
    assert_int_equal(rules_reduced_timetable(&r, today, &th, why, sizeof why), FLAG_RED);
    const char *red = strstr(why, "a child looked after"), *amber = strstr(why, "no parent/carer agreement");
    assert_non_null(red);
    assert_non_null(amber);
    assert_true(red < amber);
}

static void test_reduced_timetable_red(void **state)
{
    (void)state;
    struct rules_rtt r = rtt_good();
    r.has_psp = false;
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 2, 1), &th, why, sizeof why),
                     FLAG_RED);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: no PSP");
    r = rtt_good();
    r.exit_plan = false;
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 2, 1), &th, why, sizeof why),
                     FLAG_RED);
    assert_string_equal(why, "reduced timetable, 15 h of the 24 h/week local minimum for "
                             "Year 9: no exit plan");
    /* Everything missing, and past 12 weeks: red with every reason. */
    r = (struct rules_rtt){
        .weekly_hours = 10.5, .year_group = 3, .start = D(2026, 1, 5), .end = DATE_NONE,
    };
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 3, 30), &th, why, sizeof why),
                     FLAG_RED);
    assert_string_equal(why, "reduced timetable, 10.5 h of the 23.5 h/week local minimum "
                             "for Year 3: no PSP; no end date; no exit plan; over 12 weeks "
                             "(from 2026-01-05) without the Director's authorisation");
    assert_int_equal(rules_reduced_timetable(&r, D(2026, 3, 29), &th, why, sizeof why),
                     FLAG_RED);
    assert_string_equal(why, "reduced timetable, 10.5 h of the 23.5 h/week local minimum "
                             "for Year 3: no PSP; no end date; no exit plan");
}

/* ------------------------------------------------------------------ */
/* Costs and quotations */

static void test_cost_basis_strings(void **state)
{
    (void)state;
    static const char *const words[] = {"session", "day", "week", "year"};
    static const char *const bad[] = {"Week", "term", NULL};
    check_enum_words(&(struct enum_words){BASIS_COUNT, words, bad, basis_str, basis_parse});
}

static void test_annual_cost(void **state)
{
    (void)state;
    /* £45 a session x 4 sessions x 39 weeks = £7,020;
     * transport £20 a day x 2 days x 39 weeks = £1,560. */
    struct rules_cost c = {BASIS_SESSION, 4500, BASIS_DAY, 2000, 4, 2};
    assert_int_equal(rules_annual_cost(&c, RULES_SCHOOL_WEEKS), 858000);
    /* 38 weeks: £6,840 + £1,520. */
    assert_int_equal(rules_annual_cost(&c, 38), 836000);
    /* £90 a day x 3 days x 39 = £10,530; transport £50 a week x 39 = £1,950. */
    c = (struct rules_cost){BASIS_DAY, 9000, BASIS_WEEK, 5000, 6, 3};
    assert_int_equal(rules_annual_cost(&c, 39), 1053000 + 195000);
    /* £300 a week x 39 = £11,700, no transport. */
    c = (struct rules_cost){BASIS_WEEK, 30000, BASIS_DAY, 0, 10, 5};
    assert_int_equal(rules_annual_cost(&c, 39), 1170000);
    /* £18,500 a year whatever the weeks; transport £12.50 a session. */
    c = (struct rules_cost){BASIS_YEAR, 1850000, BASIS_SESSION, 1250, 2, 1};
    assert_int_equal(rules_annual_cost(&c, 39), 1850000 + 1250 * 2 * 39);
    assert_int_equal(rules_annual_amount(BASIS_YEAR, 1850000, 2, 1, 38), 1850000);
    assert_int_equal(rules_annual_amount(BASIS_SESSION, 100, 3, 2, 39), 11700);
    assert_int_equal(rules_annual_amount(BASIS_DAY, 100, 3, 2, 39), 7800);
    assert_int_equal(rules_annual_amount(BASIS_WEEK, 100, 3, 2, 39), 3900);
}

/* Issue 13: two quotes from one provider count once; a suspended or
 * red-flagged provider's quote does not count and cannot be recommended;
 * choosing a dear quote does not silence the warning. */
static void test_quotations_cannot_be_fooled(void **state)
{
    (void)state;
    struct rules_quote_pick pick;
    /* Quotes from providers in good standing: ids 1 and 2 in every set. */
    const struct rules_quote cwm = {1, "Cwm Farm", 900000, false, false, false, NULL},
                             tyddyn = {2, "Tyddyn Hir", 800000, false, false, false, NULL};
    struct rules_quote three[] = {cwm, tyddyn, {3, "Hafod", 1000000, false, false, false, NULL}};
    assert_int_equal(rules_quotations(three, 3, &th, &pick, why, sizeof why), FLAG_NONE);
    assert_int_equal(pick.counted, 3);
    assert_int_equal(pick.pick, 1); /* the cheapest */
    assert_false(pick.chosen);

    /* The same provider twice: 2 count, amber, naming the repeat. */
    struct rules_quote twice[] = {cwm, cwm, tyddyn};
    assert_int_equal(rules_quotations(twice, 3, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_int_equal(pick.counted, 2);
    assert_non_null(strstr(why, "3 quotations needed, 2 received"));
    assert_non_null(strstr(why, "Cwm Farm quoted more than once"));

    /* A suspended provider with an open safeguarding No: not counted, not
     * picked as the cheapest, and red when chosen. */
    struct rules_quote bad[] = {cwm, tyddyn, {3, "Ridgeway", 500000, false, true, true, NULL}};
    assert_int_equal(rules_quotations(bad, 3, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_int_equal(pick.counted, 2);
    assert_int_equal(pick.pick, 1);
    assert_non_null(strstr(why, "Ridgeway is suspended"));
    bad[2].chosen = true;
    assert_int_equal(rules_quotations(bad, 3, &th, &pick, why, sizeof why), FLAG_RED);
    assert_true(pick.unsafe_pick);
    assert_non_null(strstr(why, "the recommended provider Ridgeway is suspended: it cannot be recommended"));
    bad[2].suspended = false; /* red-flagged only */
    assert_int_equal(rules_quotations(bad, 3, &th, &pick, why, sizeof why), FLAG_RED);
    assert_non_null(strstr(why, "red-flagged"));
    /* With a recorded reason: amber while it stands, quoting it; a blank
     * reason is no reason (cannot be fooled). */
    bad[2].recommend_reason = " \n ";
    assert_int_equal(rules_quotations(bad, 3, &th, &pick, why, sizeof why), FLAG_RED);
    assert_false(pick.reasoned);
    bad[2].recommend_reason = "only equine provider";
    assert_int_equal(rules_quotations(bad, 3, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_true(pick.reasoned);
    assert_non_null(strstr(why, "Ridgeway is red-flagged (a safeguarding item answered No, not yet Yes): "
                                "recommended for the reason recorded: \"only equine provider\""));
    /* Still not counted towards route 1. */
    assert_int_equal(pick.counted, 2);
    /* The provider no longer suspended nor red-flagged: nothing about it. */
    bad[2].safeguarding_no = false;
    rules_quotations(bad, 3, &th, &pick, why, sizeof why);
    assert_false(pick.unsafe_pick);
    assert_null(strstr(why, "reason recorded"));

    /* Three good quotes, the chosen one over £25,000: amber, another route. */
    three[2].annual = 2500000;
    three[2].chosen = true;
    assert_int_equal(rules_quotations(three, 3, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_non_null(strstr(why, "another procurement route is needed (chosen quote: Hafod)"));
    three[2].annual = 2499999;
    assert_int_equal(rules_quotations(three, 3, &th, &pick, why, sizeof why), FLAG_NONE);
    /* Fewer than three with a dear one chosen: still flagged (it used to be silenced). */
    assert_int_equal(rules_quotations(three + 1, 2, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_non_null(strstr(why, "2 received"));
    three[2].annual = 3000000;
    assert_int_equal(rules_quotations(three + 1, 2, &th, &pick, why, sizeof why), FLAG_AMBER);
    assert_non_null(strstr(why, "another procurement route is needed"));
}

static void test_tracking_areas(void **state)
{
    (void)state;
    unsigned four = RULES_AREAS_ALL & ~(1u << RULES_AREA_QUALIFICATIONS);
    assert_int_equal(rules_tracking_areas(0, &th), four);   /* Reception */
    assert_int_equal(rules_tracking_areas(9, &th), four);
    assert_int_equal(rules_tracking_areas(10, &th), RULES_AREAS_ALL);
    assert_int_equal(rules_tracking_areas(11, &th), RULES_AREAS_ALL);
    assert_int_equal(rules_tracking_areas(RULES_NO_YEAR_GROUP, &th), RULES_AREAS_ALL);
    th.qualifications_year = 0;
    assert_int_equal(rules_tracking_areas(0, &th), RULES_AREAS_ALL);
    assert_int_equal(rules_tracking_areas(-1, &th), four); /* nursery */
}

/* Areas by the purposes of the placements running today (seed 000): the
 * union of what each says, 0 = by the year group; the qualification pathway
 * never before Year 7 whatever a purpose says (at, and either side of, 7). */
static void test_tracking_areas_by_purpose(void **state)
{
    (void)state;
    const unsigned Q = 1u << RULES_AREA_QUALIFICATIONS, W = 1u << 1, S = 1u << 3, A = 1u;
    unsigned four = RULES_AREAS_ALL & ~Q;
    /* No placement: the year group's areas. */
    assert_int_equal(rules_tracking_areas_for(0, NULL, 0, &th), four);
    assert_int_equal(rules_tracking_areas_for(10, NULL, 0, &th), RULES_AREAS_ALL);
    /* One purpose: only its areas, even where the year group would add more. */
    unsigned ws[] = {W | S};
    assert_int_equal(rules_tracking_areas_for(10, ws, 1, &th), W | S);
    /* A second placement whose purpose does not say adds the year group's. */
    unsigned ws_default[] = {W | S, 0};
    assert_int_equal(rules_tracking_areas_for(4, ws_default, 2, &th), four);
    assert_int_equal(rules_tracking_areas_for(10, ws_default, 2, &th), RULES_AREAS_ALL);
    /* Qualifications by purpose: Year 6 no, Year 7 and 8 yes. */
    unsigned aq[] = {A | Q};
    assert_int_equal(rules_tracking_areas_for(6, aq, 1, &th), A);
    assert_int_equal(rules_tracking_areas_for(RULES_QUALIFICATIONS_EARLIEST_YEAR, aq, 1, &th), A | Q);
    assert_int_equal(rules_tracking_areas_for(8, aq, 1, &th), A | Q);
    /* Cannot be fooled: a Reception child's placement saying only the
     * qualification pathway does not make it apply (attendance is tracked). */
    unsigned q[] = {Q};
    assert_int_equal(rules_tracking_areas_for(0, q, 1, &th), A);
    /* Unknown year group: the purpose as it says. */
    assert_int_equal(rules_tracking_areas_for(RULES_NO_YEAR_GROUP, q, 1, &th), Q);
}

static void test_quotes(void **state)
{
    (void)state;
    assert_int_equal(rules_quotes(2499999, 2, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "annual cost £24,999.99 is under £25,000: "
                             "3 quotations needed, 2 received");
    assert_int_equal(rules_quotes(2499999, 3, &th, why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    /* At or over £25,000 route 1 does not apply: another route is needed
     * (issue 13: it used to say nothing). One penny either side. */
    assert_int_equal(rules_quotes(2500000, 0, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "annual cost £25,000.00 is at or over £25,000: procurement route 1 "
                             "(quotations) does not apply, another procurement route is needed");
    assert_int_equal(rules_quotes(2500001, 3, &th, why, sizeof why), FLAG_AMBER);
    assert_int_equal(rules_quotes(2499999, 3, &th, why, sizeof why), FLAG_NONE);
    assert_int_equal(rules_quotes(858000, 0, &th, why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "annual cost £8,580.00 is under £25,000: "
                             "3 quotations needed, 0 received");
}

/* ------------------------------------------------------------------ */
/* KS1-3 intervention placements */

static void test_intervention(void **state)
{
    (void)state;
    int start = D(2026, 1, 5);
    assert_int_equal(rules_intervention(start, D(2026, 4, 26), D(2026, 2, 1), &th,
                                        why, sizeof why), FLAG_NONE);
    assert_string_equal(why, "");
    assert_int_equal(rules_intervention(start, D(2026, 4, 27), D(2026, 2, 1), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "intervention placement ends on 2026-04-27, after its "
                             "16 weeks (to 2026-04-26)");
    assert_int_equal(rules_intervention(start, DATE_NONE, D(2026, 4, 26), &th,
                                        why, sizeof why), FLAG_NONE);
    assert_int_equal(rules_intervention(start, DATE_NONE, D(2026, 4, 27), &th,
                                        why, sizeof why), FLAG_AMBER);
    assert_string_equal(why, "intervention placement running past its 16 weeks "
                             "(to 2026-04-26)");
    assert_int_equal(rules_intervention(DATE_NONE, DATE_NONE, D(2026, 4, 27), &th,
                                        why, sizeof why), FLAG_NONE);
}

/* ------------------------------------------------------------------ */
/* Money */

static void test_money_format(void **state)
{
    (void)state;
    char b[MONEY_LEN];
    assert_string_equal(money_format(0, b, sizeof b), "£0.00");
    assert_string_equal(money_format(1, b, sizeof b), "£0.01");
    assert_string_equal(money_format(99, b, sizeof b), "£0.99");
    assert_string_equal(money_format(100, b, sizeof b), "£1.00");
    assert_string_equal(money_format(99999, b, sizeof b), "£999.99");
    assert_string_equal(money_format(100000, b, sizeof b), "£1,000.00");
    assert_string_equal(money_format(1234567, b, sizeof b), "£12,345.67");
    assert_string_equal(money_format(12345678, b, sizeof b), "£123,456.78");
    assert_string_equal(money_format(100000000, b, sizeof b), "£1,000,000.00");
    assert_string_equal(money_format(-50, b, sizeof b), "-£0.50");
    assert_string_equal(money_format(-1234567, b, sizeof b), "-£12,345.67");
    assert_string_equal(money_format(INT64_MAX, b, sizeof b), "£92,233,720,368,547,758.07");
    assert_string_equal(money_format(INT64_MIN, b, sizeof b), "-£92,233,720,368,547,758.08");
    assert_string_equal(money_format_short(500000000, b, sizeof b), "£5,000,000");
    assert_string_equal(money_format_short(1250, b, sizeof b), "£12.50");
    assert_string_equal(money_format_short(-100, b, sizeof b), "-£1");
    /* Truncated, but never half a pound sign. */
    char s[4];
    assert_string_equal(money_format(1234567, s, sizeof s), "£1");
    char t[2];
    assert_string_equal(money_format(1234567, t, sizeof t), "");
    assert_string_equal(money_format(-5, t, sizeof t), "-");
    /* money_chars counts what money_format writes, either side of each
     * comma and of zero, and at the ends of the range. */
    const int64_t amounts[] = {0, 1, -1, 99, 100, -100, 99999, 100000, -100000, 99999999, 100000000,
                               1234567, -1234567, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        money_format(amounts[i], b, sizeof b);
        assert_int_equal(money_chars(amounts[i]), (int)strlen(b) - 1); /* "£" is two bytes */
    }
}

static void money_ok(const char *text, int64_t want)
{
    int64_t got = -777;
    ap_error_clear();
    if (money_parse(text, &got) != AP_OK)
        fail_msg("money_parse(\"%s\") failed: %s", text, ap_error_detail());
    if (got != want)
        fail_msg("money_parse(\"%s\") = %lld, want %lld", text, (long long)got,
                 (long long)want);
}

static void money_bad(const char *text, const char *detail)
{
    int64_t got = -777;
    assert_int_equal(money_parse(text, &got), AP_ERR_INVALID);
    assert_int_equal(got, -777);
    assert_string_equal(ap_error_detail(), detail);
}

static void test_money_parse(void **state)
{
    (void)state;
    money_ok("12,345.67", 1234567);
    money_ok("12345.67", 1234567);
    money_ok("£12345", 1234500);
    money_ok("£12,345", 1234500);
    money_ok("-£5.5", -550);
    money_ok("£-5", -500);
    money_ok(" 250 ", 25000);
    money_ok("0.05", 5);
    money_ok(".5", 50);
    money_ok("7.", 700);
    money_ok("1,000,000", 100000000);
    money_ok("£5,000,000.00", 500000000);
    money_ok("0", 0);

    money_bad("", "amount: nothing entered");
    money_bad("   ", "amount: nothing entered");
    money_bad(NULL, "amount: nothing entered");
    money_bad("12.345", "amount: more than two decimal places in \"12.345\"");
    money_bad("1,23", "amount: misplaced comma in \"1,23\"");
    money_bad("12,3456", "amount: misplaced comma in \"12,3456\"");
    money_bad("1234,567", "amount: misplaced comma in \"1234,567\"");
    money_bad(",123", "amount: \",123\" is not a sum of money, such as 1,250.00");
    money_bad("1,,234", "amount: misplaced comma in \"1,,234\"");
    money_bad("abc", "amount: \"abc\" is not a sum of money, such as 1,250.00");
    money_bad("£", "amount: \"£\" is not a sum of money, such as 1,250.00");
    money_bad("12a", "amount: \"12a\" is not a sum of money, such as 1,250.00");
    money_bad("1.2.3", "amount: \"1.2.3\" is not a sum of money, such as 1,250.00");
    money_bad(".", "amount: \".\" is not a sum of money, such as 1,250.00");
    money_bad("--5", "amount: \"--5\" is not a sum of money, such as 1,250.00");
    money_bad("99999999999999999999", "amount: \"99999999999999999999\" is too large");
}

/* The store's UTC stamps: exactly "YYYY-MM-DD HH:MM:SS" reads, as UTC. */
static void test_utc_stamp(void **state)
{
    (void)state;
    time_t t = 0;
    assert_true(date_parse_utc_stamp("1970-01-01 00:00:00", &t));
    assert_int_equal((long long)t, 0);
    assert_true(date_parse_utc_stamp("2026-11-20 09:05:00", &t));
    assert_int_equal((long long)t, 1795165500LL);
    assert_true(date_parse_utc_stamp("2026-11-20 09:05:01", &t));
    assert_int_equal((long long)t, 1795165501LL);
    assert_false(date_parse_utc_stamp("2026-11-20 09:05", &t)); /* no seconds */
    assert_false(date_parse_utc_stamp("2026-11-20", &t));
    assert_false(date_parse_utc_stamp("", &t));
    /* The monotonic clock never goes back. */
    long long a = date_monotonic_ms(), b = date_monotonic_ms();
    assert_true(a > 0 && b >= a);
}

static void test_money_round_trip(void **state)
{
    (void)state;
    const int64_t values[] = {0, 1, 10, 99, 100, 123456, 2500000, 500000000, -1234567};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char b[MONEY_LEN];
        int64_t back = -1;
        money_format(values[i], b, sizeof b);
        assert_int_equal(money_parse(b, &back), AP_OK);
        assert_int_equal(back, values[i]);
    }
}

int main(void)
{
    const struct CMUnitTest rules[] = {
        cmocka_unit_test_setup(test_flag_helpers, setup),
        cmocka_unit_test_setup(test_reason_truncated, setup),
        cmocka_unit_test_setup(test_year_group_september_boundary, setup),
        cmocka_unit_test_setup(test_year_group_leap_and_older, setup),
        cmocka_unit_test_setup(test_year_group_names, setup),
        cmocka_unit_test_setup(test_year_band_and_minimum_hours, setup),
        cmocka_unit_test_setup(test_category_strings, setup),
        cmocka_unit_test_setup(test_attendance_pct, setup),
        cmocka_unit_test_setup(test_persistent_absence_boundary, setup),
        cmocka_unit_test_setup(test_unauth_sessions_amber, setup),
        cmocka_unit_test_setup(test_unauth_not_counted_and_breaks, setup),
        cmocka_unit_test_setup(test_unauth_days_red, setup),
        cmocka_unit_test_setup(test_registration_five_pupils, setup),
        cmocka_unit_test_setup(test_registration_one_cla_or_plan, setup),
        cmocka_unit_test_setup(test_full_time_boundary, setup),
        cmocka_unit_test_setup(test_insurance, setup),
        cmocka_unit_test_setup(test_qa_stage1, setup),
        cmocka_unit_test_setup(test_qa_stage2, setup),
        cmocka_unit_test_setup(test_qa_followup_after_unsatisfactory, setup),
        cmocka_unit_test_setup(test_monitoring_days, setup),
        cmocka_unit_test_setup(test_monitoring_sessions_and_term, setup),
        cmocka_unit_test_setup(test_safeguarding, setup),
        cmocka_unit_test_setup(test_psp_review, setup),
        cmocka_unit_test_setup(test_psp_end, setup),
        cmocka_unit_test_setup(test_reduced_threshold_by_year, setup),
        cmocka_unit_test_setup(test_reduced_timetable_green_and_none, setup),
        cmocka_unit_test_setup(test_reduced_timetable_twelve_weeks, setup),
        cmocka_unit_test_setup(test_reduced_timetable_red, setup),
        cmocka_unit_test_setup(test_reduced_timetable_audit_matrix, setup),
        cmocka_unit_test_setup(test_cost_basis_strings, setup),
        cmocka_unit_test_setup(test_annual_cost, setup),
        cmocka_unit_test_setup(test_quotes, setup),
        cmocka_unit_test_setup(test_tracking_areas, setup),
        cmocka_unit_test_setup(test_tracking_areas_by_purpose, setup),
        cmocka_unit_test_setup(test_reduced_timetable_psp_indicators, setup),
        cmocka_unit_test_setup(test_quotations_cannot_be_fooled, setup),
        cmocka_unit_test_setup(test_intervention, setup),
    };
    const struct CMUnitTest money[] = {
        cmocka_unit_test(test_money_format),
        cmocka_unit_test(test_money_parse),
        cmocka_unit_test(test_money_round_trip),
        cmocka_unit_test(test_utc_stamp),
    };
    int failed = cmocka_run_group_tests_name("rules", rules, NULL, NULL);
    failed += cmocka_run_group_tests_name("money", money, NULL, NULL);
    return failed;
}
