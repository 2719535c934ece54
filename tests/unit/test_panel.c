/* Inclusion Panel cases, quotations and decisions (db/panel.h) on a real
 * temporary store: case CRUD and validation, quotations with their
 * annualised totals (the same figures as the pack's), choosing one option
 * per case, recording the decision, and version conflicts between two
 * logins. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "flags.h"
#include "panel.h"
#include "placement.h"
#include "provider.h"
#include "pupil.h"
#include "report.h"
#include "rules.h"
#include "store.h"
#include "thresholds.h"
#include "upn.h"
#include "unit.h"

struct fixture {
    struct unit_fixture u; /* first: unit_teardown ends it */
    int64_t pupil, farm, tutor, college;
};

static int today(void)
{
    return date_from_ymd(2026, 11, 18); /* a Wednesday */
}

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

static int64_t query_int(struct store *s, const char *sql)
{
    return unit_int(s, "%s", sql);
}

static int64_t add_pupil(struct fixture *f, int serial, const char *forename, const char *surname)
{
    struct pupil p;
    unit_pupil(&p, "820200107", serial, forename, surname, ymd(2012, 3, 4), "pru_plus");
    assert_int_equal(pupil_insert(f->u.s, &p, today()), AP_OK);
    return p.id;
}

static int64_t add_provider(struct fixture *f, const char *name)
{
    struct provider p;
    provider_init(&p);
    snprintf(p.name, sizeof p.name, "%s", name);
    assert_int_equal(provider_insert(f->u.s, &p, today()), AP_OK);
    return p.id;
}

static int setup(void **state)
{
    struct fixture *f = unit_fixture_new(state, sizeof *f, "panel", "tester");
    f->pupil = add_pupil(f, 1, "Llŷr", "Evans");
    f->farm = add_provider(f, "Cwm Farm");
    f->tutor = add_provider(f, "Siân's Tutoring");
    f->college = add_provider(f, "Coleg Sir Gâr");
    return 0;
}

static struct store *open_as(struct fixture *f, const char *login, const char *role)
{
    return unit_open_as(f->u.s, f->u.path, login, role);
}

/* An open case for the fixture's pupil, panel on 2026-12-03. */
static int64_t add_case(struct fixture *f, struct panel_case *c)
{
    panel_case_init(c, f->pupil, today());
    strcpy(c->reason, "pex");
    c->referral_date = ymd(2026, 11, 10);
    c->panel_date = ymd(2026, 12, 3);
    snprintf(c->triage_recommendation, sizeof c->triage_recommendation, "Farm-based provision, four sessions.");
    assert_int_equal(panel_case_insert(f->u.s, c, today()), AP_OK);
    return c->id;
}

static int64_t add_quote(struct fixture *f, int64_t case_id, int64_t provider, const char *basis, int64_t rate,
                         int sessions, int64_t transport, struct panel_quote *out)
{
    struct panel_quote q;
    panel_quote_init(&q, case_id);
    q.provider_id = provider;
    snprintf(q.cost_basis, sizeof q.cost_basis, "%s", basis);
    q.rate = rate;
    q.sessions_per_week = sessions;
    q.hours_per_week = sessions * 3.0;
    q.transport_per_week = transport;
    assert_int_equal(panel_quote_insert(f->u.s, &q), AP_OK);
    if (out)
        *out = q;
    return q.id;
}

/* The farm's quote for case id: £45 a session, four sessions a week,
 * transport £20 a week. */
static int64_t farm_quote(struct fixture *f, int64_t id, struct panel_quote *out)
{
    return add_quote(f, id, f->farm, "session", 4500, 4, 2000, out);
}

/* ---- cases ---- */

static void test_case_crud(void **state)
{
    struct fixture *f = *state;
    struct panel_case c, got;
    int64_t id = add_case(f, &c);
    assert_true(id > 0);
    assert_int_equal(c.version, 1);
    assert_int_equal(panel_case_get(f->u.s, id, &got), AP_OK);
    assert_int_equal(got.pupil_id, f->pupil);
    assert_string_equal(got.reason, "pex");
    assert_string_equal(got.status, "open");
    assert_int_equal(got.referral_date, ymd(2026, 11, 10));
    assert_int_equal(got.panel_date, ymd(2026, 12, 3));
    assert_string_equal(got.updated_by, "tester");

    /* Update raises the version; a multi-line triage recommendation survives. */
    snprintf(got.triage_recommendation, sizeof got.triage_recommendation, "Line one\nLine two: Siân's view");
    got.panel_date = DATE_NONE;
    assert_int_equal(panel_case_update(f->u.s, &got, today()), AP_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(panel_case_get(f->u.s, id, &c), AP_OK);
    assert_string_equal(c.triage_recommendation, "Line one\nLine two: Siân's view");
    assert_int_equal(c.panel_date, DATE_NONE);
    assert_int_equal(c.version, 2);

    /* The list: the pupil's name, counts, no chosen quote yet. */
    struct panel_case_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(panel_case_list(f->u.s, &rows, &n), AP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].pupil_name, "Llŷr Evans");
    assert_int_equal(rows[0].quotes, 0);
    assert_false(rows[0].has_chosen);
    assert_string_equal(rows[0].status, "open");
    free(rows);

    /* An open case with quotes is deleted with its quotes. */
    add_quote(f, id, f->farm, "week", 50000, 4, 0, NULL);
    assert_int_equal(panel_case_delete(f->u.s, id, c.version), AP_OK);
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM panel_case"), 0);
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote"), 0);
    assert_int_equal(panel_case_get(f->u.s, id, &c), AP_ERR_NOT_FOUND);
}

/* c is refused by panel_case_validate, the message holding fragment. */
static void case_refused(const struct panel_case *c, const char *fragment)
{
    unit_refused(panel_case_validate(c, today()), fragment);
}

/* q is refused by panel_quote_validate, the message holding fragment. */
static void quote_refused(const struct panel_quote *q, const char *fragment)
{
    unit_refused(panel_quote_validate(q), fragment);
}

static void test_case_validation_names_the_field(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    panel_case_init(&c, 0, today());
    unit_refused(panel_case_insert(f->u.s, &c, today()), "Pupil: ");

    panel_case_init(&c, 9999, today());
    unit_refused(panel_case_insert(f->u.s, &c, today()), "Pupil: there is no pupil 9999");

    panel_case_init(&c, f->pupil, today());
    strcpy(c.reason, "bored");
    case_refused(&c, "Reason: \"bored\" is not one of");

    panel_case_init(&c, f->pupil, today());
    c.referral_date = DATE_NONE;
    case_refused(&c, "Referral date: must be given");
    c.referral_date = today() + 1;
    case_refused(&c, "Referral date: 2026-11-19 is in the future");

    panel_case_init(&c, f->pupil, today());
    c.panel_date = today() - 1;
    case_refused(&c, "Panel date: 2026-11-17 is before the referral date 2026-11-18");

    /* Agreed needs what was decided, and the panel's date. */
    panel_case_init(&c, f->pupil, today());
    strcpy(c.status, "agreed");
    case_refused(&c, "Decision: say what the panel decided");
    strcpy(c.decision, "Agreed: four sessions at Cwm Farm");
    case_refused(&c, "Panel date: a case agreed by the panel needs the date of that panel");
    c.panel_date = today();
    assert_int_equal(panel_case_validate(&c, today()), AP_OK);
    /* Withdrawn needs neither. */
    panel_case_init(&c, f->pupil, today());
    strcpy(c.status, "withdrawn");
    assert_int_equal(panel_case_validate(&c, today()), AP_OK);
    strcpy(c.status, "closed");
    case_refused(&c, "Status: ");

    /* Text: control characters refused, a text filling the field refused whole. */
    panel_case_init(&c, f->pupil, today());
    strcpy(c.triage_recommendation, "bell\a");
    case_refused(&c, "Triage recommendation: holds a control character");
    panel_case_init(&c, f->pupil, today());
    memset(c.decision, 'x', sizeof c.decision);
    case_refused(&c, "Decision: too long");
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM panel_case"), 0);
}

static void test_referral_deadline_is_thursday_of_the_week_before(void **state)
{
    struct fixture *f = *state;
    /* Panel Thursday 3 December 2026: referrals by Thursday 26 November. */
    assert_int_equal(panel_referral_deadline(NULL, ymd(2026, 12, 3)), ymd(2026, 11, 26));
    /* Panel Monday 7 December: still the Thursday of the week before. */
    assert_int_equal(panel_referral_deadline(NULL, ymd(2026, 12, 7)), ymd(2026, 12, 3));
    assert_int_equal(panel_referral_deadline(NULL, DATE_NONE), DATE_NONE);

    /* Issue 13: the deadline is a school day. The shipped calendar's
     * half-term is 26-30 October 2026: for the panel of Thursday 5 November
     * the Thursday before (29 October) is a holiday, so referrals are due
     * by Friday 23 October, the last school day before it. */
    struct calendar cal = {0};
    assert_int_equal(calendar_load(f->u.s, &cal), AP_OK);
    assert_int_equal(panel_referral_deadline(&cal, ymd(2026, 11, 5)), ymd(2026, 10, 23));
    assert_int_equal(panel_referral_deadline(&cal, ymd(2026, 11, 12)), ymd(2026, 11, 5));

    /* The date offered: 24 December is outside term (the autumn term ends
     * 18 December); the fortnight after lands on 7 January 2027, in term. */
    int dates[] = {ymd(2026, 12, 10)};
    /* On 3 December the 10 December panel's deadline is today: offered. */
    assert_int_equal(panel_offer_date(&cal, dates, 1, ymd(2026, 12, 3)), ymd(2026, 12, 10));
    /* On 4 December it has passed: 24 December is skipped, 7 January offered. */
    assert_int_equal(panel_offer_date(&cal, dates, 1, ymd(2026, 12, 4)), ymd(2027, 1, 7));
    /* A listed date outside term is never offered. */
    int holiday[] = {ymd(2026, 12, 24), ymd(2027, 1, 7)};
    assert_int_equal(panel_offer_date(&cal, holiday, 2, ymd(2026, 12, 1)), ymd(2027, 1, 7));
    assert_int_equal(panel_offer_date(&cal, NULL, 0, ymd(2026, 12, 1)), DATE_NONE);
    calendar_free(&cal);

    /* And a case cannot be listed for a panel outside term. */
    struct panel_case c;
    panel_case_init(&c, f->pupil, today());
    c.referral_date = ymd(2026, 11, 10);
    c.panel_date = ymd(2026, 12, 24);
    unit_refused(panel_case_insert(f->u.s, &c, today()),
                 "Panel date: 2026-12-24 is not a school day (outside term or a closure day)");
    c.panel_date = ymd(2026, 12, 19);
    unit_refused(panel_case_insert(f->u.s, &c, today()), "(a weekend)");
    c.panel_date = ymd(2026, 12, 18); /* the last day of term */
    assert_int_equal(panel_case_insert(f->u.s, &c, today()), AP_OK);
}

/* ---- quotations ---- */

static void test_quotes_with_annualised_totals(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    int64_t id = add_case(f, &c);
    /* £45 a session x 4 a week x 39 = £7,020; transport £20 a week x 39 = £780. */
    farm_quote(f, id, NULL);
    /* £95 a day x 3 days (5 sessions fill 3 days) x 39 = £11,115; no transport. */
    add_quote(f, id, f->tutor, "day", 9500, 5, 0, NULL);
    /* £14,000 a year as it is; transport £12.50 a week x 39 = £487.50. */
    add_quote(f, id, f->college, "year", 1400000, 0, 1250, NULL);

    struct panel_quote_row *q = NULL;
    size_t n = 0;
    assert_int_equal(panel_quote_list(f->u.s, id, &q, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_string_equal(q[0].provider, "Cwm Farm");
    assert_int_equal(q[0].cost.tuition, 702000);
    assert_int_equal(q[0].cost.transport, 78000);
    assert_int_equal(q[0].cost.total, 780000);
    assert_int_equal(q[0].cost.per_week, 18000);
    assert_true(q[0].cost.has_per_session);
    assert_int_equal(q[0].cost.per_session, 4500);
    assert_int_equal(q[1].cost.tuition, 1111500);
    assert_int_equal(q[1].cost.total, 1111500);
    assert_int_equal(q[1].cost.per_week, 28500);
    assert_int_equal(q[1].cost.per_session, 5700);
    assert_int_equal(q[2].cost.tuition, 1400000);
    assert_int_equal(q[2].cost.transport, 48750);
    assert_int_equal(q[2].cost.total, 1448750);
    assert_int_equal(q[2].cost.per_week, 35897); /* £14,000 / 39 = £358.974... */
    assert_false(q[2].cost.has_per_session);

    /* The pack (db/report.h) works out the very same figures. */
    struct report_panel *r = NULL;
    assert_int_equal(report_panel_load(f->u.s, &f->u.th, today(), ymd(2026, 12, 3), &r), AP_OK);
    assert_int_equal(r->n_quotes, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r->quotes[i].id, q[i].q.id);
        assert_int_equal(r->quotes[i].annual_total, q[i].cost.total);
        assert_int_equal(r->quotes[i].annual_tuition, q[i].cost.tuition);
        assert_int_equal(r->quotes[i].cost_per_week, q[i].cost.per_week);
        assert_int_equal(r->quotes[i].cost_per_session, q[i].cost.per_session);
    }
    report_panel_free(r);

    /* Update: sessions change the total; the version rises. */
    struct panel_quote one;
    assert_int_equal(panel_quote_get(f->u.s, q[0].q.id, &one), AP_OK);
    one.sessions_per_week = 6;
    assert_int_equal(panel_quote_update(f->u.s, &one), AP_OK);
    assert_int_equal(one.version, 2);
    struct panel_cost cost;
    panel_quote_cost(&one, &cost);
    assert_int_equal(cost.total, 4500 * 6 * 39 + 2000 * 39);
    free(q);

    /* Delete one. */
    assert_int_equal(panel_quote_delete(f->u.s, one.id, one.version), AP_OK);
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote"), 2);
}

static void test_quote_validation_names_the_field(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    int64_t id = add_case(f, &c);
    struct panel_quote q;
    panel_quote_init(&q, id);
    unit_refused(panel_quote_insert(f->u.s, &q), "Provider: choose the provider that quoted");
    q.provider_id = 4242;
    q.rate = 1000;
    q.sessions_per_week = 2;
    unit_refused(panel_quote_insert(f->u.s, &q), "Provider: there is no provider 4242");
    q.provider_id = f->farm;
    q.rate = 0;
    quote_refused(&q, "Rate: must be more than £0.00 (the price quoted, per session)");
    q.rate = 1000;
    q.sessions_per_week = 0;
    quote_refused(&q, "Sessions a week: a price per session needs the sessions a week");
    q.sessions_per_week = 11;
    quote_refused(&q, "Sessions a week: 11 is not from 0 to 10");
    q.sessions_per_week = 2;
    q.hours_per_week = 61;
    quote_refused(&q, "Hours a week: 61.0 is not from 0 to 60");
    q.hours_per_week = 6;
    q.transport_per_week = -1;
    quote_refused(&q, "Transport a week: must not be negative");
    q.transport_per_week = 0;
    strcpy(q.cost_basis, "month");
    quote_refused(&q, "Cost basis: \"month\" is not one of");
    strcpy(q.cost_basis, "week");
    q.sessions_per_week = 0; /* a weekly price needs no sessions */
    assert_int_equal(panel_quote_validate(&q), AP_OK);
    q.case_id = 777;
    unit_refused(panel_quote_insert(f->u.s, &q), "Case: there is no panel case 777");
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote"), 0);
}

/* Issue 13: a suspended provider, or one with a safeguarding No not yet
 * answered Yes, cannot be the recommended option; the choice is refused
 * naming the provider, and nothing changes. */
/* Issue 13: a decision becomes a placement. Refused until the case is
 * agreed with a chosen quotation; then one proposed placement from the
 * quotation, linked to the case, in the sessions the pupil's timetable
 * leaves free; never a second. */
static void test_agreed_case_makes_the_placement(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    int64_t id = add_case(f, &c);
    struct panel_quote a, b;
    farm_quote(f, id, &a);
    add_quote(f, id, f->tutor, "week", 30000, 0, 0, &b);
    struct placement pl;
    int start = ymd(2026, 12, 7);
    unit_refused(panel_case_make_placement(f->u.s, id, start, &pl),
                 "the case is Open: a placement comes from an agreed case");
    int64_t version = c.version;
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "agreed", "Agreed: Cwm Farm, four sessions a week",
                                       ymd(2026, 12, 3), ymd(2026, 12, 3)),
                     AP_OK);
    unit_refused(panel_case_make_placement(f->u.s, id, start, &pl), "no chosen quotation");
    /* (chosen before the decision, as the pane does; written here directly) */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE quote SET chosen = 1, version = version + 1 WHERE id = %lld", (long long)a.id);
    assert_int_equal(store_begin(f->u.s), AP_OK);
    assert_int_equal(sqlite3_exec(store_db(f->u.s), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_commit(f->u.s), AP_OK);
    /* The pupil already attends Monday AM elsewhere: the placement starts
     * after it. */
    struct placement other;
    placement_init(&other);
    other.pupil_id = f->pupil;
    other.provider_id = f->college;
    strcpy(other.status, "active");
    other.start_date = ymd(2026, 9, 7);
    strcpy(other.cost_basis, "week");
    other.rate = 100;
    other.hours[0][0] = 3;
    assert_int_equal(placement_insert(f->u.s, &other), AP_OK);

    assert_int_equal(panel_case_make_placement(f->u.s, id, start, &pl), AP_OK);
    struct placement got;
    assert_int_equal(placement_get(f->u.s, pl.id, &got), AP_OK);
    assert_int_equal(got.pupil_id, f->pupil);
    assert_int_equal(got.provider_id, f->farm);
    assert_string_equal(got.status, "proposed");
    assert_int_equal(got.start_date, start);
    assert_string_equal(got.cost_basis, "session");
    assert_int_equal(got.rate, 4500);
    assert_int_equal(got.transport_per_week, 2000);
    assert_int_equal(got.panel_case_id, id);
    assert_string_equal(got.purpose, "Agreed: Cwm Farm, four sessions a week");
    assert_int_equal(placement_sessions_per_week(&got), 4);
    assert_true(got.hours[0][0] == 0);  /* Monday AM is taken */
    assert_true(got.hours[0][1] > 0);   /* Monday PM on */
    assert_true(got.hours[2][0] > 0);   /* ... to Wednesday AM */
    assert_true(got.hours[2][1] == 0);
    /* Never twice from one case. */
    unit_refused(panel_case_make_placement(f->u.s, id, start, &pl), "already came from this case");
}

static void suspend(struct fixture *f, int64_t provider)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE provider SET status = 'suspended', version = version + 1 WHERE id = %lld",
             (long long)provider);
    assert_int_equal(sqlite3_exec(store_db(f->u.s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* A case with two quotations, a from the farm (suspended) and b from the
 * tutor. */
static int64_t unsafe_case(struct fixture *f, struct panel_case *c, struct panel_quote *a, struct panel_quote *b)
{
    int64_t id = add_case(f, c);
    farm_quote(f, id, a);
    add_quote(f, id, f->tutor, "week", 30000, 0, 0, b);
    suspend(f, f->farm);
    return id;
}

static void test_choose_refuses_unsafe_provider(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    struct panel_quote a, b;
    unsafe_case(f, &c, &a, &b);
    char sql[512];
    unit_refused(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()),
                 "is suspended: it cannot be the recommended option without a reason");
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote WHERE chosen = 1"), 0);
    /* An open safeguarding No at a visit dated today: refused too. */
    snprintf(sql, sizeof sql,
             "INSERT INTO qa_visit (id, provider_id, stage, template_id, visit_date, visitors) "
             "SELECT 9001, %lld, 'stage1', t.id, '%s', 'x' FROM qa_template t WHERE t.stage = 'stage1' LIMIT 1; "
             "INSERT INTO qa_answer (visit_id, item_id, answer) SELECT 9001, i.id, 'no' FROM qa_template_item i "
             "JOIN qa_visit v ON v.template_id = i.template_id WHERE v.id = 9001 AND i.safeguarding = 1 LIMIT 1",
             (long long)f->tutor, date_format(today(), (char[11]){0}));
    assert_int_equal(sqlite3_exec(store_db(f->u.s), sql, NULL, NULL, NULL), SQLITE_OK);
    unit_refused(panel_quote_choose(f->u.s, b.id, &b.version, NULL, today()),
                 "answered No at a QA visit and not yet Yes");
    /* The day before the visit, it was not yet known: allowed. */
    assert_int_equal(panel_quote_choose(f->u.s, b.id, &b.version, NULL, today() - 1), AP_OK);
}

static void test_choose_one_per_case(void **state)
{
    struct fixture *f = *state;
    struct panel_case c, other;
    int64_t id = add_case(f, &c);
    int64_t id2 = add_case(f, &other);
    struct panel_quote a, b, elsewhere;
    farm_quote(f, id, &a);
    add_quote(f, id, f->tutor, "week", 30000, 0, 0, &b);
    add_quote(f, id2, f->college, "week", 20000, 0, 0, &elsewhere);
    assert_int_equal(panel_quote_choose(f->u.s, elsewhere.id, &elsewhere.version, NULL, today()), AP_OK);

    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()), AP_OK);
    assert_int_equal(a.version, 2);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT chosen FROM quote WHERE id = %lld", (long long)a.id);
    assert_int_equal(query_int(f->u.s, sql), 1);
    /* Choosing the other clears the first in the same transaction. */
    assert_int_equal(panel_quote_choose(f->u.s, b.id, &b.version, NULL, today()), AP_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM quote WHERE case_id = %lld AND chosen = 1", (long long)id);
    assert_int_equal(query_int(f->u.s, sql), 1);
    snprintf(sql, sizeof sql, "SELECT id FROM quote WHERE case_id = %lld AND chosen = 1", (long long)id);
    assert_int_equal(query_int(f->u.s, sql), b.id);
    snprintf(sql, sizeof sql, "SELECT chosen FROM quote WHERE id = %lld", (long long)a.id);
    assert_int_equal(query_int(f->u.s, sql), 0);
    /* The other case's choice stays. */
    snprintf(sql, sizeof sql, "SELECT chosen FROM quote WHERE id = %lld", (long long)elsewhere.id);
    assert_int_equal(query_int(f->u.s, sql), 1);
    /* Choosing again at a stale version is a conflict, and changes nothing. */
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()), AP_ERR_CONFLICT);
    snprintf(sql, sizeof sql, "SELECT id FROM quote WHERE case_id = %lld AND chosen = 1", (long long)id);
    assert_int_equal(query_int(f->u.s, sql), b.id);

    /* The list shows the chosen quote's annualised cost: £300 x 39. */
    struct panel_case_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(panel_case_list(f->u.s, &rows, &n), AP_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id) {
            assert_true(rows[i].has_chosen);
            assert_int_equal(rows[i].chosen_annual, 30000 * 39);
            assert_string_equal(rows[i].chosen_provider, "Siân's Tutoring");
            assert_int_equal(rows[i].quotes, 2);
        }
    free(rows);

    /* Unchoose: the case has none. */
    assert_int_equal(panel_quote_unchoose(f->u.s, b.id, &b.version), AP_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM quote WHERE case_id = %lld AND chosen = 1", (long long)id);
    assert_int_equal(query_int(f->u.s, sql), 0);

    /* An update keeps the choice. Clearing a choice is a change to that
     * quotation too: its version rose, so read it again first. */
    struct panel_quote got;
    assert_int_equal(panel_quote_get(f->u.s, a.id, &got), AP_OK);
    assert_int_equal(got.version, a.version + 1);
    a = got;
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()), AP_OK);
    assert_int_equal(panel_quote_get(f->u.s, a.id, &got), AP_OK);
    assert_true(got.chosen);
    got.transport_per_week = 0;
    assert_int_equal(panel_quote_update(f->u.s, &got), AP_OK);
    assert_int_equal(panel_quote_get(f->u.s, a.id, &got), AP_OK);
    assert_true(got.chosen);
}

static struct flag_row last_flag;
static char last_reason[RULES_WHY_LEN + 300];
static int flag_calls;

static void keep_flag(void *ctx, const struct flag_row *f)
{
    (void)ctx;
    last_flag = *f;
    snprintf(last_reason, sizeof last_reason, "%s", f->reason);
    flag_calls++;
}

/* The flags of case id, counted in flag_calls, the last in last_flag. */
static void case_flags(struct fixture *f, int64_t id)
{
    flag_calls = 0;
    assert_int_equal(flags_for_case(f->u.s, &f->u.th, today(), id, keep_flag, NULL, NULL), AP_OK);
}

static void test_quotations_flag_follows_the_quotes(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    int64_t id = add_case(f, &c);
    farm_quote(f, id, NULL);
    case_flags(f, id);
    assert_int_equal(flag_calls, 1);
    assert_string_equal(last_flag.kind, FLAG_KIND_QUOTATIONS);
    if (!strstr(last_reason, "3 quotations needed, 1 received"))
        fail_msg("reason: %s", last_reason);
    add_quote(f, id, f->tutor, "week", 30000, 0, 0, NULL);
    add_quote(f, id, f->college, "week", 20000, 0, 0, NULL);
    case_flags(f, id);
    assert_int_equal(flag_calls, 0);
}

/* Issue 13: a suspended or red-flagged provider's quote is recommended only
 * with a reason typed: blank refused, the reason stored and audited, the
 * quotations flag raised (amber, quoting it) while the choice stands, and
 * the pack says so; another choice or clearing it drops the reason. */
static void test_choose_unsafe_with_a_reason(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    struct panel_quote a, b;
    int64_t id = unsafe_case(f, &c, &a, &b);
    char sql[512];
    /* Cannot be fooled: no reason, an empty one, one of spaces and line ends. */
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()), AP_ERR_INVALID);
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, "", today()), AP_ERR_INVALID);
    unit_refused(panel_quote_choose(f->u.s, a.id, &a.version, "  \n\t ", today()),
                 "cannot be the recommended option without a reason");
    /* A reason that is not text: refused, naming the field. */
    unit_refused(panel_quote_choose(f->u.s, a.id, &a.version, "bad\x01", today()), "Reason:");
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote WHERE chosen = 1 OR recommend_reason != ''"), 0);
    assert_int_equal(a.version, 1);
    /* With a reason: chosen, stored, audited. */
    const char *why = "The only provider with equine therapy within 30 miles; the panel to decide";
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, why, today()), AP_OK);
    assert_int_equal(a.version, 2);
    struct panel_quote got;
    assert_int_equal(panel_quote_get(f->u.s, a.id, &got), AP_OK);
    assert_true(got.chosen);
    assert_string_equal(got.recommend_reason, why);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE tbl = 'quote' AND row_key = '%lld' "
             "AND new_value LIKE '%%equine therapy%%'",
             (long long)a.id);
    assert_int_equal(query_int(f->u.s, sql), 1);
    /* Flagged while it stands: amber, quoting the reason. */
    case_flags(f, id);
    assert_int_equal(flag_calls, 1);
    assert_int_equal(last_flag.level, FLAG_AMBER);
    if (!strstr(last_reason, "is suspended: recommended for the reason recorded: \"The only provider with equine"))
        fail_msg("reason: %s", last_reason);
    /* The pack says it. */
    struct report_panel *r = NULL;
    assert_int_equal(report_panel_load(f->u.s, &f->u.th, today(), c.panel_date, &r), AP_OK);
    assert_int_equal(r->n_cases, 1);
    assert_true(r->cases[0].recommended_unsafe);
    assert_true(r->cases[0].recommended_reasoned);
    assert_non_null(strstr(r->cases[0].quotes_text, "equine therapy"));
    report_panel_free(r);
    /* Choosing another drops the first's reason; a reason for a provider
     * that needs none is not kept. */
    assert_int_equal(panel_quote_choose(f->u.s, b.id, &b.version, "cheaper", today()), AP_OK);
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote WHERE recommend_reason != ''"), 0);
    a.version++;
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, why, today()), AP_OK);
    assert_int_equal(panel_quote_unchoose(f->u.s, a.id, &a.version), AP_OK);
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM quote WHERE chosen = 1 OR recommend_reason != ''"), 0);
    /* Chosen without a reason before it was suspended: red, as before. */
    b.version++;
    assert_int_equal(panel_quote_choose(f->u.s, b.id, &b.version, NULL, today()), AP_OK);
    suspend(f, f->tutor);
    case_flags(f, id);
    assert_int_equal(last_flag.level, FLAG_RED);
    if (!strstr(last_reason, "it cannot be recommended"))
        fail_msg("reason: %s", last_reason);
}

/* ---- decisions ---- */

static void test_decision_and_what_it_locks(void **state)
{
    struct fixture *f = *state;
    struct panel_case c;
    int64_t id = add_case(f, &c);
    struct panel_quote a;
    farm_quote(f, id, &a);
    int64_t version = c.version;
    /* Agreed needs words. */
    unit_refused(panel_case_decide(f->u.s, id, &version, "agreed", "", DATE_NONE, today()),
                 "Decision: say what the panel decided");
    unit_refused(panel_case_decide(f->u.s, id, &version, "maybe", "x", DATE_NONE, today()),
                 "Status: \"maybe\" is not one of");
    assert_int_equal(version, 1);
    /* Issue 13: not before the panel has met (the day before; then on it). */
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "agreed", "Agreed: Cwm Farm, four sessions a week",
                                       ymd(2026, 12, 3), today()),
                     AP_ERR_INVALID);
    unit_expect_detail("Panel date: the panel of 2026-12-03 has not met yet");
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "agreed", "Agreed: Cwm Farm, four sessions a week",
                                       ymd(2026, 12, 3), ymd(2026, 12, 2)),
                     AP_ERR_INVALID);
    assert_int_equal(version, 1);
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "agreed", "Agreed: Cwm Farm, four sessions a week",
                                       ymd(2026, 12, 3), ymd(2026, 12, 3)),
                     AP_OK);
    assert_int_equal(version, 2);
    struct panel_case got;
    assert_int_equal(panel_case_get(f->u.s, id, &got), AP_OK);
    assert_string_equal(got.status, "agreed");
    assert_string_equal(got.decision, "Agreed: Cwm Farm, four sessions a week");
    assert_int_equal(got.panel_date, ymd(2026, 12, 3));

    /* An agreed case's quotations are the record: no changes, no delete. */
    struct panel_quote q;
    panel_quote_init(&q, id);
    q.provider_id = f->tutor;
    strcpy(q.cost_basis, "week");
    q.rate = 100;
    unit_refused(panel_quote_insert(f->u.s, &q), "the case is Agreed");
    assert_int_equal(panel_quote_choose(f->u.s, a.id, &a.version, NULL, today()), AP_ERR_INVALID);
    assert_int_equal(panel_quote_delete(f->u.s, a.id, a.version), AP_ERR_INVALID);
    unit_refused(panel_case_delete(f->u.s, id, version), "only an open case can be deleted");

    /* Deferred: more quotations may be gathered. */
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "deferred", "Deferred: a third quotation is needed",
                                       DATE_NONE, ymd(2026, 12, 3)),
                     AP_OK);
    assert_int_equal(panel_quote_insert(f->u.s, &q), AP_OK);
    /* Open again: may be deleted - unless a placement came from it. */
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "open", "", DATE_NONE, today()), AP_OK);
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO placement (pupil_id, provider_id, start_date, cost_basis, rate, panel_case_id) "
             "VALUES (%lld, %lld, '2026-12-07', 'week', 100, %lld)",
             (long long)f->pupil, (long long)f->farm, (long long)id);
    assert_int_equal(sqlite3_exec(store_db(f->u.s), sql, NULL, NULL, NULL), SQLITE_OK);
    unit_refused(panel_case_delete(f->u.s, id, version), "the case cannot be deleted while 1 placement refers to it");
    assert_int_equal(query_int(f->u.s, "SELECT count(*) FROM panel_case"), 1);
}

/* ---- two logins ---- */

static void test_version_conflicts(void **state)
{
    struct fixture *f = *state;
    struct store *other = open_as(f, "colleague", "officer");
    struct panel_case mine, theirs;
    int64_t id = add_case(f, &mine);
    assert_int_equal(panel_case_get(other, id, &theirs), AP_OK);
    snprintf(theirs.triage_recommendation, sizeof theirs.triage_recommendation, "Their words");
    assert_int_equal(panel_case_update(other, &theirs, today()), AP_OK);
    snprintf(mine.triage_recommendation, sizeof mine.triage_recommendation, "My words");
    assert_int_equal(panel_case_update(f->u.s, &mine, today()), AP_ERR_CONFLICT);
    unit_expect_detail("changed by colleague");
    int64_t version = mine.version;
    assert_int_equal(panel_case_decide(f->u.s, id, &version, "withdrawn", "", DATE_NONE, today()), AP_ERR_CONFLICT);
    unit_expect_detail("changed by colleague");
    assert_int_equal(panel_case_delete(f->u.s, id, mine.version), AP_ERR_CONFLICT);
    assert_int_equal(panel_case_get(f->u.s, id, &mine), AP_OK);
    assert_string_equal(mine.triage_recommendation, "Their words");

    struct panel_quote q, q2;
    farm_quote(f, id, &q);
    assert_int_equal(panel_quote_get(other, q.id, &q2), AP_OK);
    q2.rate = 5000;
    assert_int_equal(panel_quote_update(other, &q2), AP_OK);
    q.rate = 4000;
    assert_int_equal(panel_quote_update(f->u.s, &q), AP_ERR_CONFLICT);
    unit_expect_detail("changed by colleague");
    assert_int_equal(panel_quote_delete(f->u.s, q.id, q.version), AP_ERR_CONFLICT);
    /* Deleted by them: the next save says so. */
    assert_int_equal(panel_quote_delete(other, q2.id, q2.version), AP_OK);
    assert_int_equal(panel_quote_update(f->u.s, &q), AP_ERR_NOT_FOUND);
    unit_expect_detail("deleted by colleague");

    /* A viewer is refused every write. */
    struct store *viewer = open_as(f, "reader", "viewer");
    struct panel_case v;
    panel_case_init(&v, f->pupil, today());
    assert_int_equal(panel_case_insert(viewer, &v, today()), AP_ERR_DENIED);
    store_close(viewer);
    store_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_case_crud, setup),
        UNIT_TEST(test_case_validation_names_the_field, setup),
        UNIT_TEST(test_referral_deadline_is_thursday_of_the_week_before, setup),
        UNIT_TEST(test_quotes_with_annualised_totals, setup),
        UNIT_TEST(test_quote_validation_names_the_field, setup),
        UNIT_TEST(test_choose_one_per_case, setup),
        UNIT_TEST(test_choose_refuses_unsafe_provider, setup),
        UNIT_TEST(test_choose_unsafe_with_a_reason, setup),
        UNIT_TEST(test_agreed_case_makes_the_placement, setup),
        UNIT_TEST(test_quotations_flag_follows_the_quotes, setup),
        UNIT_TEST(test_decision_and_what_it_locks, setup),
        UNIT_TEST(test_version_conflicts, setup),
    };
    return cmocka_run_group_tests_name("panel", tests, NULL, NULL);
}
