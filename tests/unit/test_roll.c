/* The roll and the provider list on a real temporary store: names, year
 * groups, current providers, attendance this term from attendance_week,
 * pupils and full-time pupils per provider, insurance and QA dates. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "placement.h"
#include "provider.h"
#include "pupil.h"
#include "roll.h"
#include "school.h"
#include "store.h"
#include "thresholds.h"
#include "upn.h"
#include "unit.h"

/* The calendar the tests use: the seed's own terms are replaced by these (the
 * codes are the store's Welsh set). */
static void calendar(struct store *s)
{
    unit_calendar(s, UNIT_TERMS_2026);
}

static int setup(void **state)
{
    struct unit_fixture *f = unit_fixture_new(state, sizeof *f, "roll", "tester");
    calendar(f->s);
    return 0;
}

static int today(void)
{
    return date_from_ymd(2026, 11, 18); /* Wednesday, autumn term 2026/27 */
}

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

static int64_t add_pupil(struct unit_fixture *f, int serial, const char *preferred, const char *forename,
                         const char *surname, int dob, int64_t school)
{
    struct pupil p;
    unit_pupil(&p, "820200105", serial, forename, surname, dob, "ks4_pathway");
    snprintf(p.preferred_name, sizeof p.preferred_name, "%s", preferred);
    p.home_school_id = school;
    assert_int_equal(pupil_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

static int64_t add_provider(struct unit_fixture *f, const char *name, const char *registration, int64_t pl_pounds,
                            int64_t el_pounds, int64_t pi_pounds, bool motor, bool sub)
{
    struct provider p;
    provider_init(&p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.registration, sizeof p.registration, "%s", registration);
    p.public_liability = pl_pounds * 100;
    p.employers_liability = el_pounds * 100;
    p.professional_indemnity = pi_pounds * 100;
    p.motor_cover = motor;
    p.subcontractor_cover = sub;
    assert_int_equal(provider_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

/* A placement from start with `sessions` sessions of `hours` each, from
 * Monday AM, after the sessions of the pupil's active placements still
 * running on start (a session is at one provider only: db/placement.h). */
static int64_t place(struct unit_fixture *f, int64_t pupil, int64_t provider, int start, int sessions, double hours,
                     const char *status)
{
    struct placement pl;
    placement_init(&pl);
    pl.pupil_id = pupil;
    pl.provider_id = provider;
    snprintf(pl.status, sizeof pl.status, "%s", status);
    pl.start_date = start;
    pl.rate = 4000;
    char sql[320], day[11];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM placement l JOIN placement_session t ON t.placement_id = l.id "
             "WHERE l.pupil_id = %lld AND l.status = 'active' AND (l.end_date IS NULL OR l.end_date >= '%s')",
             (long long)pupil, date_format(start, day));
    int64_t used = 0;
    assert_int_equal(store_query_int(f->s, sql, -1, &used), AP_OK);
    int from = strcmp(status, "proposed") == 0 ? 0 : (int)used;
    assert_true(from + sessions <= 10);
    for (int i = from; i < from + sessions; i++)
        pl.hours[i / 2][i % 2] = hours;
    assert_int_equal(placement_insert(f->s, &pl), AP_OK);
    return pl.id;
}

/* ---- the roll ---- */

static void test_roll_names_year_groups_and_schools(void **state)
{
    struct unit_fixture *f = *state;
    struct school sc;
    school_init(&sc);
    strcpy(sc.name, "Ysgol Penglais");
    assert_int_equal(school_insert(f->s, &sc), AP_OK);
    /* Year groups: 1 September is the first birthday of an academic year. */
    int64_t gwen = add_pupil(f, 1, "Gwen", "Gwenllïan", "Prydderch", ymd(2012, 3, 14), sc.id);
    int64_t llyr = add_pupil(f, 2, "", "Llŷr", "Evans", ymd(2011, 9, 1), 0);
    int64_t aled = add_pupil(f, 3, "", "Aled", "ap Iorwerth", ymd(2011, 8, 31), sc.id);
    int64_t nia = add_pupil(f, 4, "", "Nia", "Wyn", ymd(2021, 9, 1), 0);

    struct roll *r = NULL;
    assert_int_equal(roll_load(f->s, today(), &r), AP_OK);
    assert_int_equal(r->n, 4);
    /* By surname, case-insensitively. */
    assert_int_equal(r->rows[0].id, aled);
    assert_int_equal(r->rows[1].id, llyr);
    assert_int_equal(r->rows[2].id, gwen);
    assert_int_equal(r->rows[3].id, nia);

    const struct roll_row *g = roll_find(r, gwen);
    assert_non_null(g);
    assert_string_equal(g->display_name, "Gwen Prydderch");
    assert_string_equal(g->legal_forename, "Gwenllïan");
    assert_string_equal(g->legal_surname, "Prydderch");
    assert_string_equal(g->preferred_name, "Gwen");
    assert_int_equal(strlen(g->upn), 13);
    assert_int_equal(g->year_group, 10);
    assert_int_equal(g->home_school_id, sc.id);
    assert_string_equal(g->home_school, "Ysgol Penglais");
    assert_string_equal(g->roll_status, "dual_prs");
    assert_string_equal(g->cohort, "ks4_pathway");
    assert_true(g->on_roll);

    const struct roll_row *l = roll_find(r, llyr);
    assert_string_equal(l->display_name, "Llŷr Evans");
    assert_string_equal(l->home_school, "");
    assert_int_equal(l->home_school_id, 0);
    assert_int_equal(l->year_group, 10);           /* born 1 September 2011 */
    assert_int_equal(roll_find(r, aled)->year_group, 11); /* born the day before */
    assert_int_equal(roll_find(r, nia)->year_group, 0);   /* Reception */
    assert_null(roll_find(r, 9999));
    assert_true(r->have_term);
    assert_string_equal(r->term_name, "autumn 2026/27");
    assert_int_equal(r->term_start, ymd(2026, 9, 1));
    assert_int_equal(r->term_end, ymd(2026, 12, 18));
    roll_free(r);

    char buf[15];
    roll_display_name(buf, sizeof buf, "", "Gwenllïan", "Llŷr-Prydderch");
    assert_string_equal(buf, "Gwenllïan Ll"); /* never half of the ŷ */
    roll_display_name(buf, sizeof buf, "Gwen", "Gwenllïan", "");
    assert_string_equal(buf, "Gwen");
}

static void test_roll_current_providers(void **state)
{
    struct unit_fixture *f = *state;
    int64_t gwen = add_pupil(f, 1, "", "Gwen", "Prydderch", ymd(2012, 3, 14), 0);
    int64_t osian = add_pupil(f, 2, "", "Osian", "Rees", ymd(2012, 3, 14), 0);
    int64_t farm = add_provider(f, "Tŷ Coch, Fferm", "unregistered", 0, 0, 0, false, false);
    int64_t gym = add_provider(f, "Aber Boxing Club", "unregistered", 0, 0, 0, false, false);
    int64_t tutor = add_provider(f, "Zed Tuition", "unregistered", 0, 0, 0, false, false);
    int64_t college = add_provider(f, "Coleg Ceredigion", "further_education", 0, 0, 0, false, false);
    /* Gwen: active at the farm (twice) and the gym; ended at the tutor;
     * proposed at the college; an active one starting next week. */
    int64_t old = place(f, gwen, tutor, ymd(2026, 1, 5), 4, 2.0, "active");
    int64_t v = 1;
    assert_int_equal(placement_end(f->s, old, &v, ymd(2026, 7, 17), today()), AP_OK);
    place(f, gwen, farm, ymd(2026, 9, 7), 6, 3.0, "active");
    place(f, gwen, farm, ymd(2026, 10, 5), 2, 2.5, "active");
    place(f, gwen, gym, ymd(2026, 9, 7), 2, 3.0, "active");
    place(f, gwen, college, ymd(2027, 1, 4), 4, 3.0, "proposed");
    /* An active one from next week, written straight to the store (its
     * sessions are taken until the others end): not counted today. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
             "VALUES (%lld, %lld, 'active', '%s', 'week', 4000)",
             (long long)gwen, (long long)tutor, date_format(today() + 5, (char[11]){0}));
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "INSERT INTO placement_session VALUES (%lld, 0, 'am', 2), (%lld, 0, 'pm', 2)",
             (long long)sqlite3_last_insert_rowid(store_db(f->s)), (long long)sqlite3_last_insert_rowid(store_db(f->s)));
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);

    struct roll *r = NULL;
    assert_int_equal(roll_load(f->s, today(), &r), AP_OK);
    const struct roll_row *g = roll_find(r, gwen);
    /* By name, each provider once, joined with ", " (a comma in a name is kept). */
    assert_string_equal(g->providers, "Aber Boxing Club, Tŷ Coch, Fferm");
    assert_int_equal(g->n_providers, 2);
    assert_int_equal(g->provider_ids[0], gym);
    assert_int_equal(g->provider_ids[1], farm);
    assert_true(roll_row_has_provider(g, farm));
    assert_false(roll_row_has_provider(g, tutor));
    assert_false(roll_row_has_provider(g, college));
    assert_true(fabs(g->weekly_hours - (18.0 + 5.0 + 6.0)) < 1e-9);
    const struct roll_row *o = roll_find(r, osian);
    assert_string_equal(o->providers, "");
    assert_int_equal(o->n_providers, 0);
    assert_true(o->weekly_hours == 0);
    roll_free(r);
}

static void test_roll_attendance_this_term(void **state)
{
    struct unit_fixture *f = *state;
    /* Four pupils of the same age, and their marks from a day on. */
    enum { GWEN, LLYR, NIA, CAI, PUPILS };
    static const char *const names[PUPILS][2] = {{"Gwen", "Prydderch"}, {"Llŷr", "Evans"}, {"Nia", "Wyn"},
                                                 {"Cai", "Owen"}};
    int64_t id[PUPILS];
    for (int i = 0; i < PUPILS; i++)
        id[i] = add_pupil(f, i + 1, "", names[i][0], names[i][1], ymd(2012, 3, 14), 0);
    const struct {
        int pupil, day;
        const char *codes;
    } marks[] = {
        /* Gwen this term: week of 9 November, 10 sessions: 6 present, 1
         * off-site (attending), 1 illness, 1 unauthorised, 1 dual registered
         * (not counted): 7 of 9. Week of 16 November, Monday and Tuesday: 3
         * present, 1 no reason yet: 10 of 13. */
        {GWEN, ymd(2026, 11, 9), "/\\/\\/\\BIOD"},
        {GWEN, ymd(2026, 11, 16), "/\\/N"},
        /* Last term (not counted): four unauthorised sessions. */
        {GWEN, ymd(2026, 7, 6), "OOOO"},
        /* Llŷr: only "not counted" sessions: no figure. Nia: no marks at all. */
        {LLYR, ymd(2026, 11, 9), "DD"},
        /* Cai: present at the start of term (term starts on a Tuesday). */
        {CAI, ymd(2026, 9, 1), "/\\/O"},
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        unit_marks(f->s, id[marks[i].pupil], marks[i].day, marks[i].codes);

    struct roll *r = NULL;
    assert_int_equal(roll_load(f->s, today(), &r), AP_OK);
    const struct roll_row *g = roll_find(r, id[GWEN]);
    assert_int_equal(g->possible, 13);
    assert_int_equal(g->attending, 10);
    assert_true(g->has_attendance);
    assert_true(fabs(g->attendance_pct - 1000.0 / 13.0) < 1e-9);
    const struct roll_row *l = roll_find(r, id[LLYR]);
    assert_int_equal(l->possible, 0);
    assert_false(l->has_attendance);
    assert_false(roll_find(r, id[NIA])->has_attendance);
    const struct roll_row *c = roll_find(r, id[CAI]);
    assert_int_equal(c->possible, 4);
    assert_true(fabs(c->attendance_pct - 75.0) < 1e-9);
    roll_free(r);

    /* In the summer holiday the latest term is summer 2025/26: Gwen 0 of 4. */
    assert_int_equal(roll_load(f->s, ymd(2026, 8, 10), &r), AP_OK);
    assert_string_equal(r->term_name, "summer 2025/26");
    g = roll_find(r, id[GWEN]);
    assert_int_equal(g->possible, 4);
    assert_true(g->has_attendance);
    assert_true(g->attendance_pct == 0.0);
    assert_false(roll_find(r, id[CAI])->has_attendance);
    roll_free(r);

    /* Before any term: no figure for anyone. */
    assert_int_equal(roll_load(f->s, ymd(2025, 1, 1), &r), AP_OK);
    assert_false(r->have_term);
    for (size_t i = 0; i < r->n; i++)
        assert_false(r->rows[i].has_attendance);
    roll_free(r);

    /* A correction moves the figure: Gwen's N becomes B (off-site activity: attending). */
    unit_sql(f->s, "UPDATE attendance_mark SET code = 'B', version = version + 1 WHERE code = 'N'");
    assert_int_equal(roll_load(f->s, today(), &r), AP_OK);
    assert_int_equal(roll_find(r, id[GWEN])->attending, 11);
    roll_free(r);
}

/* On roll on the day of the end date and after it, not the day after: the
 * first screenful's count (SQL, PUPIL_LEFT_BEFORE) and each row's on_roll
 * (C) agree at and either side of the boundary. */
static void test_roll_on_roll_at_the_end_date(void **state)
{
    struct unit_fixture *f = *state;
    static const struct {
        const char *surname;
        int end; /* days from today; INT32_MIN: none */
        bool on_roll;
    } cases[] = {
        {"Stays", INT32_MIN, true},
        {"Yesterday", -1, false},
        {"Today", 0, true},
        {"Tomorrow", 1, true},
    };
    int on = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t id = add_pupil(f, 30 + (int)i, "", "Siân", cases[i].surname, ymd(2012, 3, 14), 0);
        char day[11];
        if (cases[i].end != INT32_MIN)
            unit_sql(f->s, "UPDATE pupil SET end_date = '%s', version = version + 1 WHERE id = %lld",
                     date_format(today() + cases[i].end, day), (long long)id);
        on += cases[i].on_roll;
    }
    struct roll *all = NULL, *first = NULL;
    assert_int_equal(roll_load_first(f->s, today(), 2, &first), AP_OK);
    assert_int_equal(first->on_roll_total, on);
    assert_int_equal(roll_load(f->s, today(), &all), AP_OK);
    assert_int_equal(all->n, sizeof cases / sizeof cases[0]);
    size_t matched = 0;
    for (size_t i = 0; i < all->n; i++)
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            if (strcmp(all->rows[i].legal_surname, cases[k].surname) != 0)
                continue;
            matched++;
            if (all->rows[i].on_roll != cases[k].on_roll)
                fail_msg("%s (end %+d days): on_roll %d, expected %d", cases[k].surname, cases[k].end,
                         all->rows[i].on_roll, cases[k].on_roll);
        }
    assert_int_equal(matched, sizeof cases / sizeof cases[0]); /* every case was a row and was checked */
    roll_free(first);
    roll_free(all);
}

/* The first screenful is exactly the head of the whole roll (pupils on roll,
 * by name) with the same figures, and counts the whole roll. */
static void test_roll_first_screenful_matches_the_whole(void **state)
{
    struct unit_fixture *f = *state;
    int64_t school = 0;
    int64_t prov = add_provider(f, "Cwm Farm", "unregistered", 5000000, 10000000, 2000000, true, true);
    static const char *const surnames[] = {"Wyn", "Evans", "Ápsley", "Owen", "prydderch", "Jones", "Bevan"};
    int64_t ids[7];
    for (int i = 0; i < 7; i++) {
        ids[i] = add_pupil(f, 10 + i, "", "Siân", surnames[i], ymd(2012, 3, 14), school);
        place(f, ids[i], prov, ymd(2026, 9, 1), 2 + i, 3.0, "active");
        unit_marks(f->s, ids[i], ymd(2026, 11, 9), i % 2 ? "/\\OI" : "/\\/\\");
    }
    /* Bevan has left the roll: not in the first screenful. */
    unit_sql(f->s, "UPDATE pupil SET end_date = '2026-10-01', version = version + 1 WHERE legal_surname = 'Bevan'");
    struct roll *all = NULL, *first = NULL;
    assert_int_equal(roll_load(f->s, today(), &all), AP_OK);
    assert_int_equal(roll_load_first(f->s, today(), 4, &first), AP_OK);
    assert_int_equal(first->n, 4);
    assert_int_equal(first->first_limit, 4);
    assert_int_equal(first->on_roll_total, 6);
    size_t k = 0;
    for (size_t i = 0; i < all->n && k < first->n; i++) {
        if (!all->rows[i].on_roll)
            continue;
        const struct roll_row *a = &all->rows[i], *b = &first->rows[k++];
        assert_int_equal(a->id, b->id);
        assert_string_equal(a->display_name, b->display_name);
        assert_string_equal(a->providers, b->providers);
        assert_int_equal(a->possible, b->possible);
        assert_int_equal(a->attending, b->attending);
        assert_true(a->weekly_hours == b->weekly_hours);
    }
    assert_int_equal(k, 4);
    roll_free(all);
    roll_free(first);
}

static void test_roll_on_roll_flag_and_viewer(void **state)
{
    struct unit_fixture *f = *state;
    int64_t gwen = add_pupil(f, 1, "", "Gwen", "Prydderch", ymd(2012, 3, 14), 0);
    int64_t left = add_pupil(f, 2, "", "Dewi", "Lewis", ymd(2010, 3, 14), 0);
    int64_t leaving = add_pupil(f, 3, "", "Elin", "Hughes", ymd(2010, 3, 14), 0);
    struct pupil p;
    assert_int_equal(pupil_get(f->s, left, &p), AP_OK);
    p.start_date = ymd(2025, 9, 1);
    p.end_date = ymd(2026, 7, 17);
    strcpy(p.destination, "College");
    assert_int_equal(pupil_update(f->s, &p, today()), AP_OK);
    assert_int_equal(pupil_get(f->s, leaving, &p), AP_OK);
    p.end_date = today();
    assert_int_equal(pupil_update(f->s, &p, today()), AP_OK);

    /* A viewer may load the roll. */
    assert_int_equal(store_user_add(f->s, "victor", "viewer"), AP_OK);
    struct store_options opt = {.path = f->path, .login = "victor"};
    struct store *v = NULL;
    assert_int_equal(store_open(&opt, &v), AP_OK);
    struct roll *r = NULL;
    assert_int_equal(roll_load(v, today(), &r), AP_OK);
    assert_int_equal(r->n, 3);
    assert_true(roll_find(r, gwen)->on_roll);
    assert_false(roll_find(r, left)->on_roll);
    assert_int_equal(roll_find(r, left)->start_date, ymd(2025, 9, 1));
    assert_int_equal(roll_find(r, left)->end_date, ymd(2026, 7, 17));
    assert_true(roll_find(r, leaving)->on_roll); /* leaves today: still on roll */
    roll_free(r);
    struct provider_list *l = NULL;
    assert_int_equal(provider_list_load(v, &f->th, today(), &l), AP_OK);
    assert_int_equal(l->n, 0);
    provider_list_free(l);
    store_close(v);
    roll_free(NULL);
    provider_list_free(NULL);
}

static void test_roll_of_an_empty_store(void **state)
{
    struct unit_fixture *f = *state;
    struct roll *r = NULL;
    assert_int_equal(roll_load(f->s, today(), &r), AP_OK);
    assert_int_equal(r->n, 0);
    roll_free(r);
}

/* ---- the provider list ---- */

static void test_provider_list_counts(void **state)
{
    struct unit_fixture *f = *state;
    int64_t farm = add_provider(f, "Fferm Tŷ Coch", "unregistered", 5000000, 10000000, 2000000, true, true);
    int64_t gym = add_provider(f, "Aber Boxing Club", "unregistered", 2000000, 10000000, 2000000, true, true);
    int64_t bare = add_provider(f, "Bare Tutors", "unregistered", 0, 0, 0, false, false);
    int64_t school = add_provider(f, "Ysgol Bro Teifi", "maintained_school", 0, 0, 0, false, false);
    int64_t a = add_pupil(f, 1, "", "Aled", "Ap Iorwerth", ymd(2011, 3, 1), 0);
    int64_t b = add_pupil(f, 2, "", "Betsan", "Bowen", ymd(2011, 3, 1), 0);
    int64_t c = add_pupil(f, 3, "", "Cai", "Cadwaladr", ymd(2011, 3, 1), 0);
    int64_t d = add_pupil(f, 4, "", "Dafydd", "Davies", ymd(2011, 3, 1), 0);
    /* Farm: A 6 x 3 h = 18 h (full time, exactly), B 5 x 3 h = 15 h, C two
     * placements of 4 x 2.5 h = 20 h together (full time), D ended there. */
    place(f, a, farm, ymd(2026, 9, 7), 6, 3.0, "active");
    place(f, b, farm, ymd(2026, 9, 7), 5, 3.0, "active");
    place(f, c, farm, ymd(2026, 9, 7), 4, 2.5, "active");
    place(f, c, farm, ymd(2026, 10, 5), 4, 2.5, "active");
    int64_t ended = place(f, d, farm, ymd(2026, 9, 7), 10, 3.0, "active");
    int64_t v = 1;
    assert_int_equal(placement_end(f->s, ended, &v, ymd(2026, 10, 23), today()), AP_OK);
    /* Gym: D 2 sessions; A proposed. */
    place(f, d, gym, ymd(2026, 10, 26), 2, 3.0, "active");
    place(f, a, gym, ymd(2026, 12, 1), 2, 3.0, "proposed");
    /* QA: the farm's closed Stage 1 visits 2025 and 2026 and an open one in
     * October; a closed Stage 2; a monitoring visit. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO qa_visit (provider_id, stage, visit_date, closed) VALUES "
             "(%1$lld, 'stage1', '2025-03-01', 1), (%1$lld, 'stage1', '2026-03-02', 1), "
             "(%1$lld, 'stage1', '2026-10-01', 0), (%1$lld, 'stage2', '2025-06-01', 1), "
             "(%1$lld, 'monitoring', '2026-11-02', 1), (%2$lld, 'stage2', '2026-02-01', 0)",
             (long long)farm, (long long)gym);
    unit_sql(f->s, "%s", sql);

    struct provider_list *l = NULL;
    assert_int_equal(provider_list_load(f->s, &f->th, today(), &l), AP_OK);
    assert_int_equal(l->n, 4);
    /* By name. */
    assert_int_equal(l->rows[0].id, gym);
    assert_int_equal(l->rows[1].id, bare);
    assert_int_equal(l->rows[2].id, farm);
    assert_int_equal(l->rows[3].id, school);

    const struct provider_list_row *fr = &l->rows[2];
    assert_string_equal(fr->name, "Fferm Tŷ Coch");
    assert_string_equal(fr->registration, "unregistered");
    assert_string_equal(fr->status, "active");
    assert_int_equal(fr->pupils_now, 3);
    assert_int_equal(fr->fulltime_now, 2);
    assert_int_equal(fr->insurance_level, FLAG_NONE);
    assert_string_equal(fr->insurance, "meets minimums");
    assert_true(fabs(fr->insurance_ratio - 1.0) < 1e-9);
    assert_string_equal(fr->insurance_why, "");
    assert_int_equal(fr->last_stage1, ymd(2026, 3, 2));
    assert_int_equal(fr->last_stage2, ymd(2025, 6, 1));

    const struct provider_list_row *gr = &l->rows[0];
    assert_int_equal(gr->pupils_now, 1);
    assert_int_equal(gr->fulltime_now, 0);
    assert_int_equal(gr->insurance_level, FLAG_AMBER);
    assert_string_equal(gr->insurance, "below minimum");
    assert_true(fabs(gr->insurance_ratio - 0.4) < 1e-9);
    assert_non_null(strstr(gr->insurance_why, "public liability"));
    assert_int_equal(gr->last_stage1, DATE_NONE);
    assert_int_equal(gr->last_stage2, DATE_NONE); /* not closed */

    const struct provider_list_row *br = &l->rows[1];
    assert_int_equal(br->pupils_now, 0);
    assert_string_equal(br->insurance, "none recorded");
    assert_int_equal(br->insurance_level, FLAG_AMBER);
    assert_true(br->insurance_ratio == 0.0);

    const struct provider_list_row *sr = &l->rows[3];
    assert_string_equal(sr->insurance, "not checked");
    assert_int_equal(sr->insurance_level, FLAG_NONE);
    assert_true(sr->insurance_ratio < 0);
    provider_list_free(l);

    /* The full-time line follows the thresholds. */
    f->th.fulltime_hours = 15.0;
    assert_int_equal(provider_list_load(f->s, &f->th, today(), &l), AP_OK);
    assert_int_equal(l->rows[2].fulltime_now, 3);
    provider_list_free(l);
    /* Suspension shows. */
    v = 1;
    assert_int_equal(provider_set_status(f->s, bare, &v, "suspended"), AP_OK);
    assert_int_equal(provider_list_load(f->s, &f->th, today(), &l), AP_OK);
    assert_string_equal(l->rows[1].status, "suspended");
    provider_list_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_roll_names_year_groups_and_schools, setup),
        UNIT_TEST(test_roll_current_providers, setup),
        UNIT_TEST(test_roll_attendance_this_term, setup),
        UNIT_TEST(test_roll_first_screenful_matches_the_whole, setup),
        UNIT_TEST(test_roll_on_roll_at_the_end_date, setup),
        UNIT_TEST(test_roll_on_roll_flag_and_viewer, setup),
        UNIT_TEST(test_roll_of_an_empty_store, setup),
        UNIT_TEST(test_provider_list_counts, setup),
    };
    return cmocka_run_group_tests_name("roll", tests, NULL, NULL);
}
