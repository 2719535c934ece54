/* The figures of the two workbooks (db/report.h) on a tiny hand-built
 * store whose every number can be worked out by hand: committed spend
 * pro rata by school days, actual spend from attended sessions, which
 * placement a mark belongs to, costs per attended session and hour,
 * attendance by pupil and week, progress movement, the panel's cases,
 * recommended quote and quotations warning, the pupil picture; and the
 * safe write of src/xlsx_util.h (nothing replaced unless workbook_close
 * succeeded). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "report.h"
#include "rules.h"
#include "store.h"
#include "thresholds.h"
#include "xlsx_util.h"
#include "unit.h"

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

/* Wednesday 4 March 2026, in the spring term. */
static int today(void)
{
    return ymd(2026, 3, 4);
}

static int64_t last_id(struct unit_fixture *f)
{
    return sqlite3_last_insert_rowid(store_db(f->s));
}

static int setup(void **state)
{
    struct unit_fixture *f = unit_fixture_new(state, sizeof *f, "report", "tester");
    /* One term with one closure day in it (Wednesday 14 January) and a
     * half-term week (the codes are the store's Welsh set). */
    unit_sql(f->s,
             "DELETE FROM closure; DELETE FROM term; "
             "INSERT INTO term (academic_year, name, start_date, end_date) VALUES "
             "('2025/26', 'spring', '2026-01-05', '2026-03-27'); "
             "INSERT INTO closure (day, reason) VALUES ('2026-01-14', 'INSET'), ('2026-02-16', 'Half term'), "
             "('2026-02-17', 'Half term'), ('2026-02-18', 'Half term'), ('2026-02-19', 'Half term'), "
             "('2026-02-20', 'Half term');");
    return 0;
}

static int64_t add_provider(struct unit_fixture *f, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO provider (name, registration) VALUES ('%s', 'unregistered')", name);
    unit_sql(f->s, "%s", sql);
    return last_id(f);
}

static int64_t add_pupil(struct unit_fixture *f, int serial, const char *forename, const char *surname, const char *dob,
                         const char *cohort)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) "
             "VALUES ('A69020010%04d', '%s', '%s', '%s', 'dual_prs', '%s')",
             serial, forename, surname, dob, cohort);
    unit_sql(f->s, "%s", sql);
    return last_id(f);
}

/* A placement with sessions "0am:2.5 0pm:2 1am:2.5 ..." (weekday:hours). */
static int64_t add_placement(struct unit_fixture *f, int64_t pupil, int64_t provider, const char *status,
                             const char *start, const char *end, const char *basis, int64_t rate, int64_t transport,
                             const char *sessions)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO placement (pupil_id, provider_id, status, start_date, end_date, cost_basis, rate, "
             "transport_per_week) VALUES (%lld, %lld, '%s', '%s', %s%s%s, '%s', %lld, %lld)",
             (long long)pupil, (long long)provider, status, start, end ? "'" : "", end ? end : "NULL",
             end ? "'" : "", basis, (long long)rate, (long long)transport);
    unit_sql(f->s, "%s", sql);
    int64_t id = last_id(f);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", sessions);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        int wd = tok[0] - '0';
        const char *half = tok + 1;
        double hours = atof(strchr(tok, ':') + 1);
        snprintf(sql, sizeof sql,
                 "INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (%lld, %d, '%.2s', %g)",
                 (long long)id, wd, half, hours);
        unit_sql(f->s, "%s", sql);
    }
    return id;
}

static void mark(struct unit_fixture *f, int64_t pupil, int date, const char *session, const char *code)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, %d, '%s', '%s', "
             "'phone')",
             (long long)pupil, date, session, code);
    unit_sql(f->s, "%s", sql);
}

static const struct report_dmt_pupil *dmt_pupil(const struct report_dmt *r, int64_t id)
{
    for (size_t i = 0; i < r->n_pupils; i++)
        if (r->pupils[i].id == id)
            return &r->pupils[i];
    fail_msg("pupil %lld is not in the report", (long long)id);
    return NULL;
}

/* ---- rounding ---- */

static void test_prorate_rounds_halves_up(void **state)
{
    (void)state;
    assert_int_equal(report_prorate(1, 1, 2), 1);        /* 0.5 -> 1 */
    assert_int_equal(report_prorate(3, 1, 2), 2);        /* 1.5 -> 2 */
    assert_int_equal(report_prorate(100, 1, 3), 33);     /* 33.33 */
    assert_int_equal(report_prorate(200, 1, 3), 67);     /* 66.67 */
    assert_int_equal(report_prorate(-3, 1, 2), -2);      /* away from zero */
    assert_int_equal(report_prorate(500, 7, 0), 0);      /* no denominator: nothing */
    /* no overflow for a £10m placement over ten years of days */
    assert_int_equal(report_prorate(INT64_C(1000000000), 3660, 195), INT64_C(18769230769));
}

/* ---- DMT: committed, actual, the placement a mark belongs to ---- */

/* Session basis £50, Monday and Tuesday AM (2.5 h) and PM (2 h): 4 sessions
 * on 2 days; transport £10 a week. Annual: 50 x 4 x 39 + 10 x 39 = £8,190,
 * that is £42 a school day (8,190 / 195) and £52.50 a session (8,190 / 156). */
static int64_t session_placement(struct unit_fixture *f, int64_t pupil, int64_t provider, const char *start)
{
    return add_placement(f, pupil, provider, "active", start, NULL, "session", 5000, 1000,
                         "0am:2.5 0pm:2 1am:2.5 1pm:2");
}

static void test_dmt_committed_is_pro_rata_by_school_days(void **state)
{
    struct unit_fixture *f = *state;
    int64_t prov = add_provider(f, "Fferm Cwm");
    int64_t sian = add_pupil(f, 1, "Siân", "Jones", "2012-01-10", "ks4_pathway");
    session_placement(f, sian, prov, "2026-01-05");
    /* A yearly rate: £19,500 a year is £100 a school day. Starts on Tuesday
     * 20 January, inside the range. */
    int64_t llyr = add_pupil(f, 2, "Llŷr", "Evans", "2011-10-01", "pru_plus");
    add_placement(f, llyr, prov, "active", "2026-01-20", NULL, "year", 1950000, 0, "2am:3");
    /* Proposed placements commit nothing. */
    add_placement(f, llyr, prov, "proposed", "2026-01-12", NULL, "week", 99900, 0, "3am:3");
    /* An ended one counts up to its end: Monday 12 and Tuesday 13 January. */
    int64_t gwen = add_pupil(f, 3, "Gwen", "Prydderch", "2012-05-02", "aln_bespoke");
    add_placement(f, gwen, prov, "ended", "2025-11-03", "2026-01-13", "day", 8000, 0, "4am:3 4pm:2");

    /* Monday 12 to Friday 23 January: ten weekdays less the closure on the
     * 14th = 9 school days. */
    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 23), NULL, NULL, &r), AP_OK);
    assert_int_equal(r->school_days, 9);
    assert_int_equal(r->n_providers, 1);
    const struct report_dmt_pupil *u = dmt_pupil(r, sian);
    assert_int_equal(u->v.placement_days, 9);
    assert_int_equal(u->v.committed, 9 * 4200);             /* £42 x 9 days */
    u = dmt_pupil(r, llyr);
    assert_int_equal(u->v.placements, 1);                   /* not the proposed one */
    assert_int_equal(u->v.placement_days, 4);               /* Tue 20 to Fri 23 */
    assert_int_equal(u->v.committed, 4 * 10000);
    u = dmt_pupil(r, gwen);
    assert_int_equal(u->v.placement_days, 2);
    /* £80 a day x 1 day a week x 39 = £3,120 a year: £16 a school day */
    assert_int_equal(u->v.committed, 2 * 1600);
    assert_int_equal(r->total.committed, 9 * 4200 + 4 * 10000 + 2 * 1600);
    assert_int_equal(r->providers[0].v.committed, r->total.committed);
    assert_int_equal(r->providers[0].v.pupils, 3);
    assert_int_equal(r->total.placements, 3);
    report_dmt_free(r);
}

static void test_dmt_actual_is_attended_sessions_of_the_placement(void **state)
{
    struct unit_fixture *f = *state;
    int64_t prov = add_provider(f, "Fferm Cwm");
    int64_t sian = add_pupil(f, 1, "Siân", "Jones", "2012-01-10", "ks4_pathway");
    session_placement(f, sian, prov, "2026-01-05");
    int mon = ymd(2026, 1, 12);
    mark(f, sian, mon, "am", "/");          /* attended, 2.5 h */
    mark(f, sian, mon, "pm", "\\");         /* attended, 2 h */
    mark(f, sian, mon + 1, "am", "O");      /* possible, not attended */
    mark(f, sian, mon + 1, "pm", "I");      /* possible, authorised */
    mark(f, sian, mon + 2, "am", "D");      /* not counted (and the closure day) */
    mark(f, sian, mon + 3, "am", "C");      /* a session no placement timetables: counts for the pupil only */
    mark(f, sian, mon + 4, "am", "/");      /* attended outside the timetable: no cost, no hours */
    mark(f, sian, mon + 7, "am", "B");      /* approved activity counts as attending: 2.5 h */

    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 23), NULL, NULL, &r), AP_OK);
    const struct report_dmt_pupil *u = dmt_pupil(r, sian);
    /* The pupil: every counted mark. */
    assert_int_equal(u->v.att.possible, 7);
    assert_int_equal(u->v.att.attending, 4);
    assert_int_equal(u->v.att.authorised, 2);
    assert_int_equal(u->v.att.unauthorised, 1);
    assert_true(u->has_pct);
    assert_true(u->pct > 4.0 / 7 - 1e-12 && u->pct < 4.0 / 7 + 1e-12);
    /* The placement: 3 attended sessions of its timetable. */
    assert_int_equal(u->v.attended_placed, 3);
    assert_int_equal(u->v.actual, 3 * 5250);                 /* £52.50 a session */
    assert_true(u->v.attended_hours > 6.999 && u->v.attended_hours < 7.001);
    assert_int_equal(u->v.committed, 9 * 4200);
    assert_true(u->v.has_cost_per_session);
    assert_int_equal(u->v.cost_per_session, 9 * 4200 / 3);   /* committed / attended */
    assert_int_equal(u->v.cost_per_hour, 9 * 4200 / 7);
    assert_int_equal(r->unplaced_attended, 1);
    /* The provider: only the marks of its placement's sessions. */
    const struct report_vfm *pv = &r->providers[0].v;
    assert_int_equal(pv->att.possible, 5);
    assert_int_equal(pv->att.attending, 3);
    assert_int_equal(pv->actual, 3 * 5250);
    /* Weeks: two, Monday-keyed, with their school days. */
    assert_int_equal(r->n_weeks, 2);
    assert_int_equal(r->weeks[0].monday, mon);
    assert_int_equal(r->weeks[0].school_days, 4);
    assert_int_equal(r->weeks[0].att.possible, 6);
    assert_int_equal(r->weeks[0].att.attending, 3);
    assert_int_equal(r->weeks[1].school_days, 5);
    assert_int_equal(r->weeks[1].att.possible, 1);
    /* Cohorts and the total are sums of pupils. */
    assert_int_equal(r->cohorts[4].v.actual, 3 * 5250);      /* ks4_pathway */
    assert_int_equal(r->cohorts[4].v.pupils, 1);
    assert_int_equal(r->cohorts[0].v.pupils, 0);
    assert_int_equal(r->total.att.possible, 7);
    assert_int_equal(r->pupils_below_threshold, 1);          /* 57 % < 90 % */
    report_dmt_free(r);
}

static void test_dmt_mark_belongs_to_the_latest_starting_placement(void **state)
{
    struct unit_fixture *f = *state;
    int64_t a = add_provider(f, "Antur"), b = add_provider(f, "Bont");
    int64_t u = add_pupil(f, 1, "Ffion", "Hughes", "2012-01-10", "pru_plus");
    add_placement(f, u, a, "active", "2026-01-05", NULL, "session", 1000, 0, "0am:3");
    add_placement(f, u, b, "active", "2026-01-12", NULL, "session", 3900, 0, "0am:2");
    mark(f, u, ymd(2026, 1, 12), "am", "/");
    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 16), NULL, NULL, &r), AP_OK);
    assert_int_equal(r->n_providers, 2);
    /* by name: Antur then Bont */
    assert_int_equal(r->providers[0].v.attended_placed, 0);
    assert_int_equal(r->providers[1].v.attended_placed, 1);
    assert_int_equal(r->providers[1].v.actual, 3900);        /* one session at £39 */
    assert_true(r->providers[1].v.attended_hours > 1.999 && r->providers[1].v.attended_hours < 2.001);
    report_dmt_free(r);
}

static void test_dmt_progress_first_and_last_rating(void **state)
{
    struct unit_fixture *f = *state;
    int64_t u = add_pupil(f, 1, "Siân", "Jones", "2012-01-10", "ks4_pathway");
    int64_t v = add_pupil(f, 2, "Llŷr", "Evans", "2011-10-01", "pru_plus");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO progress_entry (pupil_id, week_start, area, rating) VALUES "
             "(%1$lld, '2026-01-05', 'attendance', 1), "     /* before the range */
             "(%1$lld, '2026-01-12', 'attendance', 2), (%1$lld, '2026-01-19', 'attendance', 3), "
             "(%1$lld, '2026-01-26', 'attendance', 4), "      /* 2 -> 4: improved */
             "(%1$lld, '2026-01-12', 'wellbeing', 3), "        /* once only: rated, not compared */
             "(%2$lld, '2026-01-12', 'attendance', 3), (%2$lld, '2026-01-26', 'attendance', 3), "  /* same */
             "(%2$lld, '2026-01-12', 'social', 5), (%2$lld, '2026-01-19', 'social', 2), "  /* declined */
             "(%2$lld, '2026-02-02', 'social', 1)",            /* after the range */
             (long long)u, (long long)v);
    unit_sql(f->s, "%s", sql);
    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 30), NULL, NULL, &r), AP_OK);
    const struct report_progress *att = &r->progress[0], *well = &r->progress[1], *soc = &r->progress[3];
    assert_string_equal(att->area, "attendance");
    assert_int_equal(att->rated, 2);
    assert_int_equal(att->compared, 2);
    assert_int_equal(att->improved, 1);
    assert_int_equal(att->same, 1);
    assert_int_equal(att->declined, 0);
    assert_true(att->first_avg > 2.499 && att->first_avg < 2.501);  /* (2 + 3) / 2 */
    assert_true(att->last_avg > 3.499 && att->last_avg < 3.501);    /* (4 + 3) / 2 */
    assert_true(att->movement_avg > 0.999 && att->movement_avg < 1.001);
    assert_int_equal(well->rated, 1);
    assert_int_equal(well->compared, 0);
    assert_int_equal(soc->declined, 1);
    assert_true(soc->movement_avg < -2.999 && soc->movement_avg > -3.001);
    /* pupils with no placement and no mark are not listed */
    assert_int_equal(r->n_pupils, 0);
    report_dmt_free(r);
}

static void test_dmt_refuses_a_bad_range(void **state)
{
    struct unit_fixture *f = *state;
    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 2, 1), ymd(2026, 1, 1), NULL, NULL, &r),
                     AP_ERR_INVALID);
    assert_null(r);
    assert_non_null(strstr(ap_error_detail(), "2026-02-01"));
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2010, 1, 1), ymd(2026, 1, 1), NULL, NULL, &r),
                     AP_ERR_INVALID);
    /* a range of holidays only: no weeks, nothing committed */
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 2, 14), ymd(2026, 2, 22), NULL, NULL, &r), AP_OK);
    assert_int_equal(r->school_days, 0);
    assert_int_equal(r->n_weeks, 0);
    assert_int_equal(r->total.committed, 0);
    report_dmt_free(r);
}

/* ---- the panel pack ---- */

static int64_t add_case(struct unit_fixture *f, int64_t pupil, const char *panel, const char *status)
{
    char sql[320];
    snprintf(sql, sizeof sql,
             "INSERT INTO panel_case (pupil_id, reason, referral_date, panel_date, status, triage_recommendation) "
             "VALUES (%lld, 'risk_of_pex', '2026-02-10', %s%s%s, '%s', 'Triage: Cwm')",
             (long long)pupil, panel ? "'" : "", panel ? panel : "NULL", panel ? "'" : "", status);
    unit_sql(f->s, "%s", sql);
    return last_id(f);
}

static int64_t add_quote(struct unit_fixture *f, int64_t case_id, int64_t provider, const char *basis, int64_t rate,
                         int sessions, int64_t transport, int chosen)
{
    char sql[320];
    snprintf(sql, sizeof sql,
             "INSERT INTO quote (case_id, provider_id, cost_basis, rate, sessions_per_week, hours_per_week, "
             "transport_per_week, chosen) VALUES (%lld, %lld, '%s', %lld, %d, %d, %lld, %d)",
             (long long)case_id, (long long)provider, basis, (long long)rate, sessions, sessions * 2,
             (long long)transport, chosen);
    unit_sql(f->s, "%s", sql);
    return last_id(f);
}

static const struct report_case *find_case(const struct report_panel *r, int64_t id)
{
    for (size_t i = 0; i < r->n_cases; i++)
        if (r->cases[i].id == id)
            return &r->cases[i];
    return NULL;
}

static void test_panel_quotes_recommended_and_warning(void **state)
{
    struct unit_fixture *f = *state;
    int64_t cwm = add_provider(f, "Fferm Cwm"), bont = add_provider(f, "Bont"), tal = add_provider(f, "Tal");
    int64_t u = add_pupil(f, 1, "Siân", "Jones", "2012-01-10", "ks4_pathway");
    int64_t v = add_pupil(f, 2, "Llŷr", "Evans", "2011-10-01", "pru_plus");
    int64_t two = add_case(f, u, "2026-03-05", "open");
    /* £40 a session x 4 sessions (2 days), £5 a week transport: £6,240 +
     * £195 = £6,435 a year. £150 a week: £5,850 a year, the lowest. */
    int64_t qa = add_quote(f, two, cwm, "session", 4000, 4, 500, 0);
    int64_t qb = add_quote(f, two, bont, "week", 15000, 0, 0, 0);
    int64_t none = add_case(f, v, "2026-03-05", "open");
    int64_t three = add_case(f, v, "2026-03-05", "agreed");
    add_quote(f, three, cwm, "day", 10000, 3, 0, 0);
    add_quote(f, three, bont, "year", 2000000, 6, 0, 1);
    add_quote(f, three, tal, "session", 3000, 6, 0, 0);
    int64_t later = add_case(f, u, NULL, "open");

    /* The panel of 5 March: every case with that date, whatever its status. */
    struct report_panel *r = NULL;
    assert_int_equal(report_panel_load(f->s, &f->th, today(), ymd(2026, 3, 5), &r), AP_OK);
    assert_int_equal(r->n_cases, 3);
    assert_null(find_case(r, later));
    const struct report_case *c = find_case(r, two);
    assert_non_null(c);
    assert_int_equal(c->n_quotes, 2);
    const struct report_quote *a = &r->quotes[c->first_quote], *b = &r->quotes[c->first_quote + 1];
    assert_int_equal(a->id, qa);
    assert_int_equal(a->annual_tuition, 624000);
    assert_int_equal(a->annual_transport, 19500);
    assert_int_equal(a->annual_total, 643500);
    assert_int_equal(a->cost_per_week, 16000);
    assert_true(a->has_cost_per_session);
    assert_int_equal(a->cost_per_session, 4000);
    assert_int_equal(b->id, qb);
    assert_int_equal(b->annual_total, 585000);
    assert_int_equal(b->cost_per_week, 15000);
    assert_false(b->has_cost_per_session);
    assert_true(c->has_recommended);
    assert_int_equal(r->quotes[c->recommended].id, qb);     /* lowest: none chosen */
    assert_false(c->recommended_chosen);
    assert_true(b->recommended);
    assert_false(a->recommended);
    assert_true(c->quotes_warning);                         /* 2 of 3, under £25,000 */
    assert_non_null(strstr(c->quotes_text, "3 quotations needed, 2 received"));
    c = find_case(r, none);
    assert_true(c->quotes_warning);
    assert_false(c->has_recommended);
    assert_non_null(strstr(c->quotes_text, "No quotations"));
    c = find_case(r, three);
    assert_false(c->quotes_warning);
    assert_true(c->recommended_chosen);
    assert_string_equal(r->quotes[c->recommended].provider, "Bont");
    /* (3 + 1) / 2 = 2 days for 3 sessions: £100 x 2 x 39 */
    assert_int_equal(r->quotes[c->first_quote].annual_total, 780000);
    report_panel_free(r);

    /* No panel date: every open case, with or without a date. */
    assert_int_equal(report_panel_load(f->s, &f->th, today(), DATE_NONE, &r), AP_OK);
    assert_int_equal(r->n_cases, 3);
    assert_non_null(find_case(r, later));
    assert_null(find_case(r, three));
    assert_int_equal(r->n_pupils, 2);
    /* pupils by surname: Evans, Jones */
    assert_string_equal(r->pupils[0].name, "Llŷr Evans");
    assert_int_equal(r->n_providers, 2);                    /* quoted: Bont, Fferm Cwm */
    assert_string_equal(r->providers[0].name, "Bont");
    report_panel_free(r);
}

static void test_panel_pupil_picture(void **state)
{
    struct unit_fixture *f = *state;
    int64_t cwm = add_provider(f, "Fferm Cwm");
    /* Year 9 in 2025/26: minimum 24 hours */
    int64_t u = add_pupil(f, 1, "Gwenllïan", "Prydderch", "2012-01-10", "aln_bespoke");
    add_case(f, u, "2026-03-05", "open");
    add_placement(f, u, cwm, "active", "2026-01-05", NULL, "session", 5000, 0, "0am:2.5 0pm:2 1am:2.5 1pm:3");
    add_placement(f, u, cwm, "ended", "2025-09-01", "2025-12-19", "session", 5000, 0, "2am:3");
    mark(f, u, ymd(2026, 1, 12), "am", "/");   /* the term, not the last 6 weeks */
    mark(f, u, ymd(2026, 3, 2), "am", "O");    /* both */
    mark(f, u, ymd(2026, 3, 3), "am", "B");    /* both */
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO psp (pupil_id, status, meeting_date, next_review_date) "
             "VALUES (%lld, 'active', '2026-01-12', '2026-03-09')",
             (long long)u);
    unit_sql(f->s, "%s", sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (%lld, '2026-02-02', 'continue')",
             (long long)last_id(f));
    unit_sql(f->s, "%s", sql);

    struct report_panel *r = NULL;
    assert_int_equal(report_panel_load(f->s, &f->th, today(), ymd(2026, 3, 5), &r), AP_OK);
    assert_int_equal(r->n_pupils, 1);
    const struct report_pupil *p = &r->pupils[0];
    assert_string_equal(p->name, "Gwenllïan Prydderch");
    assert_int_equal(p->year_group, 9);
    assert_int_equal(p->n_placements, 2);
    assert_string_equal(r->placements[p->first_placement].status, "active");
    assert_int_equal(r->placements[p->first_placement].annual_cost, 5000 * 4 * 39);
    assert_int_equal(p->placements_today, 1);
    assert_true(p->weekly_hours > 9.999 && p->weekly_hours < 10.001);
    assert_true(p->min_hours > 23.999 && p->min_hours < 24.001);
    assert_true(p->below_minimum);
    assert_string_equal(p->current, "Fferm Cwm");
    /* The last 6 weeks: Monday 26 January to today. */
    assert_int_equal(r->last6_from, ymd(2026, 1, 26));
    assert_int_equal(p->last6.possible, 2);
    assert_int_equal(p->last6.attending, 1);
    assert_int_equal(p->term.possible, 3);
    assert_int_equal(p->term.attending, 2);
    assert_int_equal(r->term_start, ymd(2026, 1, 5));
    /* PSP: the next review set at the last meeting comes before the
     * six-weekly one (2 February + 6 weeks = 16 March). */
    assert_true(p->has_psp);
    assert_int_equal(p->psp_last_review, ymd(2026, 2, 2));
    assert_int_equal(p->psp_next_review, ymd(2026, 3, 9));
    assert_int_equal(p->psp_end, ymd(2026, 5, 3));           /* 16 weeks from 12 January */
    /* Its reduced timetable has a PSP but no end date: flagged red. */
    assert_int_equal(p->flags.worst, FLAG_RED);
    assert_non_null(strstr(p->flags.text, "Red: "));
    /* The provider of its placement is in the pack with its QA status. */
    assert_int_equal(r->n_providers, 1);
    assert_int_equal(r->providers[0].pupils_now, 1);
    assert_int_equal(r->providers[0].last_stage1, DATE_NONE);
    assert_int_equal(r->providers[0].stage1_due, today());   /* never visited: due now */
    report_panel_free(r);
}

/* A provider's QA status in the DMT report: of its counted visits up to
 * today (closed, every checklist item answered), the last of each stage
 * (the later entered of two on one day), its last of any stage, and its due
 * dates from them. Visits not closed, half answered, or after today do not
 * count. */
static void test_dmt_qa_status_is_of_the_counted_visits(void **state)
{
    struct unit_fixture *f = *state;
    int64_t cwm = add_provider(f, "Fferm Cwm");
    int64_t tir = add_provider(f, "Tir Glas");
    int64_t sian = add_pupil(f, 1, "Siân", "Jones", "2012-01-10", "ks4_pathway");
    int64_t llyr = add_pupil(f, 2, "Llŷr", "Evans", "2011-10-01", "pru_plus");
    session_placement(f, sian, cwm, "2025-10-06");
    session_placement(f, llyr, tir, "2026-01-05");
    unit_sql(f->s,
             "INSERT INTO qa_visit (provider_id, stage, visit_date, outcome, closed) VALUES "
             "(%lld, 'stage1', '2025-06-10', 'satisfactory', 1), "
             "(%lld, 'stage1', '2025-11-12', 'improvement_needed', 1), "
             "(%lld, 'stage1', '2025-11-12', 'unsatisfactory', 1), "
             "(%lld, 'stage2', '2025-09-01', 'satisfactory', 1), "
             "(%lld, 'monitoring', '2026-02-02', 'satisfactory', 1), "
             "(%lld, 'stage2', '2026-01-20', 'unsatisfactory', 0), "   /* not closed */
             "(%lld, 'stage1', '2026-03-10', 'satisfactory', 1), "     /* after today */
             "(%lld, 'stage1', '2026-03-05', 'satisfactory', 1)",      /* the day after today */
             (long long)cwm, (long long)cwm, (long long)cwm, (long long)cwm, (long long)cwm, (long long)cwm,
             (long long)cwm, (long long)tir);
    /* Closed with its checklist half answered (one item of the template): not counted. */
    unit_sql(f->s,
             "INSERT INTO qa_visit (provider_id, stage, template_id, visit_date, outcome, closed) "
             "SELECT %lld, 'stage2', t.id, '2026-02-10', 'satisfactory', 1 FROM qa_template t "
             "WHERE t.stage = 'stage2' LIMIT 1; "
             "INSERT INTO qa_answer (visit_id, item_id, answer) SELECT v.id, i.id, 'yes' FROM qa_visit v "
             "JOIN qa_template_item i ON i.template_id = v.template_id WHERE v.visit_date = '2026-02-10' LIMIT 1",
             (long long)tir);
    /* On the day of the visit (today): counted. */
    unit_sql(f->s,
             "INSERT INTO qa_visit (provider_id, stage, visit_date, outcome, closed) "
             "VALUES (%lld, 'stage2', '2026-03-04', 'improvement_needed', 1)",
             (long long)tir);

    struct report_dmt *r = NULL;
    assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 23), NULL, NULL, &r), AP_OK);
    assert_int_equal(r->n_providers, 2);
    const struct report_provider *c = &r->providers[0].qa, *t = &r->providers[1].qa;
    assert_int_equal(c->id, cwm);
    assert_int_equal(c->last_stage1, ymd(2025, 11, 12));
    assert_string_equal(c->stage1_outcome, "unsatisfactory");
    assert_int_equal(c->last_stage2, ymd(2025, 9, 1));
    assert_string_equal(c->stage2_outcome, "satisfactory");
    assert_int_equal(c->last_visit, ymd(2026, 2, 2));
    assert_string_equal(c->last_visit_stage, "monitoring");
    int due = DATE_NONE;
    rules_qa_stage1(ymd(2025, 11, 12), true, today(), &f->th, &due, NULL, 0);
    assert_int_equal(c->stage1_due, due);
    rules_qa_stage2(ymd(2025, 9, 1), false, ymd(2025, 10, 6), DATE_NONE, today(), &f->th, &due, NULL, 0);
    assert_int_equal(c->stage2_due, due);

    assert_int_equal(t->id, tir);
    assert_int_equal(t->last_stage1, DATE_NONE);
    assert_string_equal(t->stage1_outcome, "");
    assert_int_equal(t->last_stage2, today());
    assert_string_equal(t->stage2_outcome, "improvement_needed");
    assert_int_equal(t->last_visit, today());
    assert_string_equal(t->last_visit_stage, "stage2");
    assert_int_equal(t->stage1_due, today()); /* never visited at Stage 1: due now */
    report_dmt_free(r);

    /* A Stage 1 visit with every item of its checklist answered counts; with
     * one answer cleared (NULL), or once its template has an item more, it
     * does not. */
    unit_sql(f->s,
             "INSERT INTO qa_visit (provider_id, stage, template_id, visit_date, outcome, closed) "
             "SELECT %lld, 'stage1', t.id, '2026-02-11', 'satisfactory', 1 FROM qa_template t "
             "WHERE t.stage = 'stage1' LIMIT 1; "
             "INSERT INTO qa_answer (visit_id, item_id, answer) SELECT v.id, i.id, 'na' FROM qa_visit v "
             "JOIN qa_template_item i ON i.template_id = v.template_id WHERE v.visit_date = '2026-02-11'",
             (long long)tir);
    int64_t visit = unit_int(f->s, "SELECT id FROM qa_visit WHERE visit_date = '2026-02-11'");
    for (int k = 0; k < 2; k++) {
        assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 23), NULL, NULL, &r),
                         AP_OK);
        assert_int_equal(r->providers[1].qa.last_stage1, ymd(2026, 2, 11));
        report_dmt_free(r);
        if (k == 0)
            unit_sql(f->s,
                     "UPDATE qa_answer SET answer = NULL, version = version + 1 WHERE visit_id = %lld AND item_id = "
                     "(SELECT max(item_id) FROM qa_answer WHERE visit_id = %lld)",
                     (long long)visit, (long long)visit);
        else
            unit_sql(f->s,
                     "INSERT INTO qa_template_item (template_id, position, text) "
                     "SELECT template_id, 999, 'A new item' FROM qa_visit WHERE id = %lld",
                     (long long)visit);
        assert_int_equal(report_dmt_load(f->s, &f->th, today(), ymd(2026, 1, 12), ymd(2026, 1, 23), NULL, NULL, &r),
                         AP_OK);
        assert_int_equal(r->providers[1].qa.last_stage1, DATE_NONE);
        report_dmt_free(r);
        if (k == 0)
            unit_sql(f->s,
                     "UPDATE qa_answer SET answer = 'yes', version = version + 1 "
                     "WHERE visit_id = %lld AND answer IS NULL",
                     (long long)visit);
    }
}

/* ---- the safe write ---- */

static void test_xlsx_failed_close_leaves_the_target(void **state)
{
    struct unit_fixture *f = *state;
    char target[192], tmp[PATH_MAX];
    snprintf(target, sizeof target, "%s/report.xlsx", f->dir);
    unit_write_file(target, "the earlier report\n");
    struct xlsx_doc doc = {.title = "Test", .organisation = "Cyngor & Co", .today = today()};
    struct xlsx *x = NULL;
    assert_int_equal(xlsx_open(target, &doc, &x), AP_OK);
    struct stat sb;
    assert_int_equal(stat(x->tmp, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Sheet", "Title", NULL);
    assert_non_null(s);
    xlsx_text(s, 3, 0, "Siân", x->f.text);
    xlsx_finish_sheet(s, 3, 3, 0, 0);
    /* The temporary file cannot be written any more: workbook_close fails. */
    snprintf(tmp, sizeof tmp, "%s", x->tmp);
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(mkdir(tmp, 0700), 0);
    assert_int_equal(xlsx_close(x), AP_ERR_IO);
    assert_non_null(strstr(ap_error_detail(), "libxlsxwriter"));
    assert_non_null(strstr(ap_error_detail(), target));
    unit_expect_file(target, "the earlier report\n");
    rmdir(tmp);

    /* A bad sheet name is refused before anything is written, and the
     * library's complaint never reaches stderr. */
    assert_int_equal(xlsx_open(target, &doc, &x), AP_OK);
    snprintf(tmp, sizeof tmp, "%s", x->tmp);
    assert_null(xlsx_add_sheet(x, "Bad [name]", NULL, NULL));
    assert_int_equal(x->status, AP_ERR_IO);
    xlsx_discard(x);
    assert_int_equal(stat(tmp, &sb), -1);
    unit_expect_file(target, "the earlier report\n");

    /* A good close replaces the target, mode 0600. */
    assert_int_equal(xlsx_open(target, &doc, &x), AP_OK);
    s = xlsx_add_sheet(x, "Sheet", "Title", NULL);
    xlsx_money(s, 3, 0, 12345);
    xlsx_finish_sheet(s, -1, 3, 0, -1);
    assert_int_equal(xlsx_close(x), AP_OK);
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_true(sb.st_size > 1000);

    /* A directory as the target, or a missing directory, is refused at once. */
    assert_int_equal(xlsx_open(f->dir, &doc, &x), AP_ERR_IO);
    assert_non_null(strstr(ap_error_detail(), "is a directory"));
    snprintf(target, sizeof target, "%s/none/r.xlsx", f->dir);
    assert_int_equal(xlsx_open(target, &doc, &x), AP_ERR_IO);
}

/* A workbook on target with a streamed sheet "Stream", which is returned. */
static struct xlsx_sheet *streamed_sheet(const char *target, const struct xlsx_doc *doc, struct xlsx **x)
{
    assert_int_equal(xlsx_open(target, doc, x), AP_OK);
    xlsx_stream_sheets(*x, true);
    struct xlsx_sheet *s = xlsx_add_sheet(*x, "Stream", "Title", NULL);
    xlsx_stream_sheets(*x, false);
    assert_non_null(s);
    return s;
}

/* A streamed sheet (a row per pupil in the DMT report): measured, then its
 * header, then its rows strictly in order; a cell above the row being
 * written fails the export, naming the cell, and replaces nothing. */
static void test_xlsx_streamed_sheet_rows_in_order(void **state)
{
    struct unit_fixture *f = *state;
    char target[192];
    snprintf(target, sizeof target, "%s/stream.xlsx", f->dir);
    unit_write_file(target, "the earlier report\n");
    struct xlsx_doc doc = {.title = "Test", .today = today()};
    static const char *const headers[] = {"Pupil", "Sessions"};
    struct xlsx *x = NULL;
    struct xlsx_sheet *s = streamed_sheet(target, &doc, &x);
    struct xlsx_sheet *t = xlsx_add_sheet(x, "Table", "Title", NULL);
    assert_non_null(s);
    assert_non_null(t);
    assert_true(s->stream && s->measuring);
    assert_false(t->stream || t->measuring);
    /* measuring: the width is taken, nothing is written (so row 4 again is fine) */
    xlsx_text(s, 4, 0, "Siân Lloyd-Roberts", x->f.text);
    assert_true(s->width[0] >= 18);
    xlsx_stream_header(s, 3, 2, headers);
    assert_false(s->measuring);
    xlsx_text(s, 4, 0, "Siân Lloyd-Roberts", x->f.text);
    xlsx_text(s, 5, 0, "Ann Bell", x->f.text);
    xlsx_int(s, 5, 1, 3); /* the row being written: still open */
    assert_int_equal(x->status, AP_OK);
    xlsx_int(s, 4, 1, 2); /* the row before it: gone */
    assert_int_equal(x->status, AP_ERR_IO);
    assert_non_null(strstr(ap_error_detail(), "the sheet Stream, cell B5"));
    assert_int_equal(xlsx_close(x), AP_ERR_IO);
    unit_expect_file(target, "the earlier report\n");

    /* A header row for a sheet that is not streamed is refused. */
    assert_int_equal(xlsx_open(target, &doc, &x), AP_OK);
    t = xlsx_add_sheet(x, "Table", "Title", NULL);
    xlsx_stream_header(t, 3, 2, headers);
    assert_int_equal(x->status, AP_ERR_INVALID);
    xlsx_discard(x);
    unit_expect_file(target, "the earlier report\n");

    /* So is the table of a streamed sheet whose header row was never
     * written (its rows were only measured). */
    s = streamed_sheet(target, &doc, &x);
    xlsx_int(s, 4, 1, 2);
    xlsx_table(s, 3, 4, 2, headers, NULL, NULL, NULL);
    assert_int_equal(x->status, AP_ERR_INVALID);
    assert_non_null(strstr(ap_error_detail(), "header row never written"));
    xlsx_discard(x);
    unit_expect_file(target, "the earlier report\n");

    /* Written in order, with its total row, it is saved. */
    s = streamed_sheet(target, &doc, &x);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            xlsx_stream_header(s, 3, 2, headers);
        xlsx_text(s, 4, 0, "Siân", x->f.wrap);
        xlsx_int(s, 4, 1, 2);
        xlsx_text(s, 5, 0, "Ann", x->f.wrap);
        xlsx_int(s, 5, 1, 3);
    }
    int totals[] = {XLSX_TOTAL_LABEL, XLSX_TOTAL_SUM};
    double values[] = {0, 5};
    lxw_format *formats[] = {NULL, x->f.integer};
    xlsx_table(s, 3, 6, 2, headers, totals, values, formats);
    xlsx_finish_sheet(s, 3, 6, 1, 0);
    assert_int_equal(x->status, AP_OK);
    assert_int_equal(xlsx_close(x), AP_OK);
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    assert_true(sb.st_size > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prorate_rounds_halves_up),
        UNIT_TEST(test_dmt_committed_is_pro_rata_by_school_days, setup),
        UNIT_TEST(test_dmt_actual_is_attended_sessions_of_the_placement, setup),
        UNIT_TEST(test_dmt_mark_belongs_to_the_latest_starting_placement, setup),
        UNIT_TEST(test_dmt_progress_first_and_last_rating, setup),
        UNIT_TEST(test_dmt_refuses_a_bad_range, setup),
        UNIT_TEST(test_dmt_qa_status_is_of_the_counted_visits, setup),
        UNIT_TEST(test_panel_quotes_recommended_and_warning, setup),
        UNIT_TEST(test_panel_pupil_picture, setup),
        UNIT_TEST(test_xlsx_failed_close_leaves_the_target, setup),
        UNIT_TEST(test_xlsx_streamed_sheet_rows_in_order, setup),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
