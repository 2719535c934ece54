/* The weekly tracking meeting on a real temporary store: the rows of a week
 * (attendance this week and this term from marks, the trend against the
 * previous school weeks, this week's ratings beside the previous ones, PSP
 * and provider QA due, actions), the rating upsert with its version check,
 * and actions with their overdue state. */

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
#include "flags.h"
#include "placement.h"
#include "provider.h"
#include "pupil.h"
#include "store.h"
#include "thresholds.h"
#include "tracking.h"
#include "upn.h"
#include "unit.h"

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

static int today(void)
{
    return ymd(2026, 11, 18); /* a Wednesday in the autumn term 2026/27 */
}

static int this_week(void)
{
    return ymd(2026, 11, 16);
}

/* Terms and a half-term week closed (26-30 October); the codes are the
 * store's Welsh set. */
static void calendar(struct store *s)
{
    unit_calendar(s, UNIT_TERMS_2026);
    unit_sql(s, "INSERT INTO closure (day, reason) VALUES ('2026-10-26', 'half term'), "
                "('2026-10-27', 'half term'), ('2026-10-28', 'half term'), ('2026-10-29', 'half term'), "
                "('2026-10-30', 'half term');");
}

static int setup(void **state)
{
    struct unit_fixture *f = unit_fixture_new(state, sizeof *f, "tracking", "tester");
    calendar(f->s);
    return 0;
}

static int64_t add_pupil(struct unit_fixture *f, int serial, const char *forename, const char *surname, int start,
                         int end)
{
    struct pupil p;
    unit_pupil(&p, "820200106", serial, forename, surname, ymd(2012, 3, 14), "ks4_pathway");
    p.start_date = start;
    p.end_date = end;
    assert_int_equal(pupil_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

static int64_t add_provider(struct unit_fixture *f, const char *name, const char *registration)
{
    struct provider p;
    provider_init(&p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.registration, sizeof p.registration, "%s", registration);
    assert_int_equal(provider_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

/* A placement with its purpose's tracking areas ("" = by year group),
 * running from start (ended on end unless DATE_NONE). */
static int64_t place_for(struct unit_fixture *f, int64_t pupil, int64_t provider, int start, int end, const char *areas)
{
    struct placement pl;
    placement_init(&pl);
    pl.pupil_id = pupil;
    pl.provider_id = provider;
    strcpy(pl.status, end == DATE_NONE ? "active" : "ended");
    pl.start_date = start;
    pl.end_date = end;
    pl.rate = 4000;
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM placement l JOIN placement_session t ON t.placement_id = l.id "
             "WHERE l.pupil_id = %lld",
             (long long)pupil);
    int64_t used = 0;
    assert_int_equal(store_query_int(f->s, sql, -1, &used), AP_OK);
    /* The next session the pupil's other placements leave free: a session is
     * at one provider only (db/placement.h). */
    pl.hours[used / 2][used % 2] = 3;
    snprintf(pl.tracking_areas, sizeof pl.tracking_areas, "%s", areas);
    assert_int_equal(placement_insert(f->s, &pl), AP_OK);
    return pl.id;
}

static void place(struct unit_fixture *f, int64_t pupil, int64_t provider, int start)
{
    place_for(f, pupil, provider, start, DATE_NONE, "");
}

static const struct tracking_row *row_for(const struct tracking *t, int64_t id)
{
    const struct tracking_row *r = tracking_find(t, id);
    if (!r)
        fail_msg("pupil %lld is not among the rows", (long long)id);
    return r;
}

/* ---- the pure parts ---- */

static void test_tracking_week_and_trend(void **state)
{
    (void)state;
    assert_int_equal(tracking_week_of(ymd(2026, 11, 16)), ymd(2026, 11, 16));
    assert_int_equal(tracking_week_of(ymd(2026, 11, 18)), ymd(2026, 11, 16));
    assert_int_equal(tracking_week_of(ymd(2026, 11, 22)), ymd(2026, 11, 16)); /* Sunday */
    assert_int_equal(tracking_week_of(ymd(2026, 11, 23)), ymd(2026, 11, 23));
    assert_int_equal(tracking_week_of(ymd(2027, 1, 1)), ymd(2026, 12, 28));

    /* Exactly five points either way is a trend; less is level. */
    assert_int_equal(tracking_trend_of(9, 10, 19, 20), TREND_DOWN);   /* 90 against 95 */
    assert_int_equal(tracking_trend_of(19, 20, 9, 10), TREND_UP);     /* 95 against 90 */
    assert_int_equal(tracking_trend_of(47, 50, 95, 100), TREND_LEVEL); /* 94 against 95 */
    assert_int_equal(tracking_trend_of(10, 10, 10, 10), TREND_LEVEL);
    assert_int_equal(tracking_trend_of(0, 0, 5, 10), TREND_NONE);
    assert_int_equal(tracking_trend_of(5, 10, 0, 0), TREND_NONE);
    assert_string_equal(tracking_trend_mark(TREND_UP), "↑");
    assert_string_equal(tracking_trend_mark(TREND_DOWN), "↓");
    assert_string_equal(tracking_trend_mark(TREND_LEVEL), "→");
    assert_string_equal(tracking_trend_mark(TREND_NONE), "");

    assert_string_equal(tracking_area_code(0), "attendance");
    assert_string_equal(tracking_area_code(4), "qualifications");
    assert_null(tracking_area_code(5));
    assert_int_equal(tracking_area_parse("social"), 3);
    assert_int_equal(tracking_area_parse("Social"), -1);
}

/* ---- the rows of a week ---- */

static void test_tracking_rows_attendance(void **state)
{
    struct unit_fixture *f = *state;
    int64_t ann = add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    int64_t bryn = add_pupil(f, 2, "Bryn", "Bevan", DATE_NONE, DATE_NONE);
    int64_t cai = add_pupil(f, 3, "Cai", "Cole", DATE_NONE, DATE_NONE);
    int64_t gone = add_pupil(f, 4, "Dai", "Dunn", DATE_NONE, ymd(2026, 11, 13));  /* left last Friday */
    int64_t tue = add_pupil(f, 5, "Efa", "Evans", DATE_NONE, ymd(2026, 11, 17));  /* left this Tuesday */
    int64_t later = add_pupil(f, 6, "Ffion", "Fox", ymd(2026, 11, 23), DATE_NONE); /* starts next week */

    /* Ann: this week Monday to Wednesday 4 of 6 (a D not counted); the
     * previous four school weeks (9 Nov, 2 Nov, 19 Oct, 12 Oct: half term
     * skipped) 38 of 40; 5 Oct 0 of 10, in the term but not the trend; the
     * summer term not in this term. */
    unit_marks(f->s, ann, ymd(2026, 11, 16), "BBBBOOD");
    unit_marks(f->s, ann, ymd(2026, 11, 9), "BBBBBBBBBB");
    unit_marks(f->s, ann, ymd(2026, 11, 2), "BBBBBBBBBB");
    unit_marks(f->s, ann, ymd(2026, 10, 19), "BBBBBBBBBB");
    unit_marks(f->s, ann, ymd(2026, 10, 12), "BBBBBBBBOO");
    unit_marks(f->s, ann, ymd(2026, 10, 5), "OOOOOOOOOO");
    unit_marks(f->s, ann, ymd(2026, 7, 6), "OOOOOOOOOO");
    /* Cai: 10 of 10 this week against 8 of 10 last week only: up. */
    unit_marks(f->s, cai, ymd(2026, 11, 16), "BBBBBBBBBB");
    unit_marks(f->s, cai, ymd(2026, 11, 9), "BBBBBBIIBB");
    unit_marks(f->s, gone, ymd(2026, 11, 16), "OO");

    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), today(), &t), AP_OK);
    assert_int_equal(t->week, this_week());
    assert_true(t->have_term);
    assert_string_equal(t->term_name, "autumn 2026/27");
    assert_int_equal(t->term_start, ymd(2026, 9, 1));
    assert_int_equal(t->term_to, ymd(2026, 11, 22));
    assert_int_equal(t->prev_from, ymd(2026, 10, 12));
    assert_int_equal(t->prev_to, ymd(2026, 11, 9));

    /* On roll during the week, by name. */
    assert_int_equal(t->n, 4);
    assert_string_equal(t->rows[0].display_name, "Ann Ashe");
    assert_string_equal(t->rows[1].display_name, "Bryn Bevan");
    assert_string_equal(t->rows[2].display_name, "Cai Cole");
    assert_string_equal(t->rows[3].display_name, "Efa Evans");
    assert_null(tracking_find(t, gone));
    assert_null(tracking_find(t, later));
    assert_non_null(tracking_find(t, tue));

    const struct tracking_row *a = row_for(t, ann);
    assert_int_equal(a->week_possible, 6);
    assert_int_equal(a->week_attending, 4);
    assert_true(a->has_week);
    assert_true(fabs(a->week_pct - 400.0 / 6) < 1e-9);
    assert_int_equal(a->prev_possible, 40);
    assert_int_equal(a->prev_attending, 38);
    assert_int_equal(a->term_possible, 56);
    assert_int_equal(a->term_attending, 42);
    assert_true(fabs(a->term_pct - 75.0) < 1e-9);
    assert_int_equal(a->trend, TREND_DOWN);

    const struct tracking_row *b = row_for(t, bryn);
    assert_false(b->has_week);
    assert_false(b->has_term);
    assert_int_equal(b->trend, TREND_NONE);

    const struct tracking_row *c = row_for(t, cai);
    assert_int_equal(c->week_attending, 10);
    assert_int_equal(c->prev_possible, 10);
    assert_int_equal(c->prev_attending, 8);
    assert_int_equal(c->trend, TREND_UP);
    assert_int_equal(c->term_possible, 20);
    tracking_free(t);

    /* A week in the past: its own attendance, the term up to that week. */
    assert_int_equal(tracking_load(f->s, &f->th, today(), ymd(2026, 11, 11), &t), AP_OK);
    assert_int_equal(t->week, ymd(2026, 11, 9));
    assert_int_equal(t->term_to, ymd(2026, 11, 15));
    a = row_for(t, ann);
    assert_int_equal(a->week_possible, 10);
    assert_int_equal(a->term_possible, 50);
    assert_int_equal(a->term_attending, 38);
    /* Dai was on roll that week. */
    assert_non_null(tracking_find(t, gone));
    tracking_free(t);

    /* The half-term week itself: no school day, the term to date. */
    assert_int_equal(tracking_load(f->s, &f->th, today(), ymd(2026, 10, 28), &t), AP_OK);
    assert_int_equal(t->prev_from, ymd(2026, 9, 28));
    assert_int_equal(t->prev_to, ymd(2026, 10, 19));
    assert_false(row_for(t, ann)->has_week);
    tracking_free(t);

    /* The summer holiday: the summer term as a whole. */
    assert_int_equal(tracking_load(f->s, &f->th, today(), ymd(2026, 8, 12), &t), AP_OK);
    assert_string_equal(t->term_name, "summer 2025/26");
    assert_int_equal(t->term_to, ymd(2026, 7, 20));
    a = row_for(t, ann);
    assert_int_equal(a->term_possible, 10);
    assert_int_equal(a->term_attending, 0);
    tracking_free(t);
}

static void test_tracking_rows_ratings(void **state)
{
    struct unit_fixture *f = *state;
    int64_t ann = add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    int64_t bryn = add_pupil(f, 2, "Bryn", "Bevan", DATE_NONE, DATE_NONE);
    int64_t cai = add_pupil(f, 3, "Cai", "Cole", DATE_NONE, DATE_NONE);
    int week = this_week(), last = week - 7;
    int64_t v = 0;

    /* Ann: last week 3 in every area, this week 4, 2, -, 5, 3 with a note. */
    for (int a = 0; a < TRACKING_AREAS; a++) {
        v = 0;
        assert_int_equal(tracking_set_rating(f->s, ann, last, a, 3, "", &v, today(), &f->th), AP_OK);
        assert_int_equal(v, 1);
    }
    struct tracking_rating r[TRACKING_AREAS];
    assert_int_equal(tracking_get_week(f->s, ann, week, r), AP_OK);
    int want[TRACKING_AREAS] = {4, 2, 0, 5, 3};
    for (int a = 0; a < TRACKING_AREAS; a++) {
        assert_int_equal(r[a].rating, 0);
        assert_int_equal(r[a].version, 0);
        r[a].rating = want[a];
        r[a].changed = true;
    }
    strcpy(r[1].note, "Upset after a contact visit; calmer by Thursday.");
    assert_int_equal(tracking_save_week(f->s, ann, week, r, today(), &f->th), AP_OK);
    assert_int_equal(r[0].version, 1);
    assert_int_equal(r[2].version, 0);
    assert_false(r[0].changed);
    /* Bryn: rated two weeks ago in wellbeing only (last week missed). */
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, bryn, week - 14, 1, 2, "", &v, today(), &f->th), AP_OK);
    /* Cai: rated only longer ago than the look-back, and next week (as an
     * older store may hold: a week to come can no longer be rated). */
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, cai, week - 7 * (TRACKING_LOOKBACK_WEEKS + 1), 0, 5, "", &v, today(), &f->th),
                     AP_OK);
    v = 0;
    unit_refused(tracking_set_rating(f->s, cai, week + 7, 0, 1, "", &v, today(), &f->th), "has not begun");
    /* The boundary: on the Sunday before, still to come; on its Monday, rated. */
    assert_int_equal(tracking_set_rating(f->s, cai, week + 7, 0, 1, "", &v, week + 6, &f->th), AP_ERR_INVALID);
    assert_int_equal(tracking_set_rating(f->s, cai, week + 7, 0, 1, "", &v, week + 7, &f->th), AP_OK);

    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    const struct tracking_row *a = row_for(t, ann);
    for (int k = 0; k < TRACKING_AREAS; k++) {
        assert_int_equal(a->rating[k], want[k]);
        assert_int_equal(a->prev_rating[k], 3);
    }
    assert_int_equal(a->version[0], 1);
    assert_int_equal(a->version[2], 0);
    assert_int_equal(a->prev_week, last);
    assert_int_equal(a->n_rated, 4);
    assert_string_equal(a->notes, "Wellbeing: Upset after a contact visit; calmer by Thursday.");

    const struct tracking_row *b = row_for(t, bryn);
    assert_int_equal(b->prev_week, week - 14);
    assert_int_equal(b->prev_rating[1], 2);
    assert_int_equal(b->prev_rating[0], 0);
    assert_int_equal(b->n_rated, 0);
    assert_string_equal(b->notes, "");

    const struct tracking_row *c = row_for(t, cai);
    assert_int_equal(c->prev_week, DATE_NONE);
    assert_int_equal(c->rating[0], 0);
    assert_int_equal(c->prev_rating[0], 0);
    assert_int_equal(t->fully_rated, 0);
    tracking_free(t);

    /* Rating Ann's fifth area makes her fully rated; the week after shows
     * this week's as the previous ones. */
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 2, 1, "", &v, today(), &f->th), AP_OK);
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    assert_int_equal(t->fully_rated, 1);
    tracking_free(t);
    assert_int_equal(tracking_load(f->s, &f->th, today(), week + 7, &t), AP_OK);
    a = row_for(t, ann);
    assert_int_equal(a->prev_week, week);
    assert_int_equal(a->prev_rating[0], 4);
    assert_int_equal(a->prev_rating[2], 1);
    assert_int_equal(a->n_rated, 0);
    c = row_for(t, cai);
    assert_int_equal(c->rating[0], 1);
    tracking_free(t);
}

static int64_t count(struct unit_fixture *f, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(store_query_int(f->s, sql, -1, &n), AP_OK);
    return n;
}

static void test_tracking_rating_upsert_and_conflict(void **state)
{
    struct unit_fixture *f = *state;
    int64_t ann = add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    int week = this_week();

    /* Insert, then update: the version moves on by one each time. */
    int64_t v = 0;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 1, 2, "first", &v, today(), &f->th), AP_OK);
    assert_int_equal(v, 1);
    int64_t stale = v;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 1, 4, "better", &v, today(), &f->th), AP_OK);
    assert_int_equal(v, 2);
    assert_int_equal(count(f, "SELECT rating FROM progress_entry WHERE area = 'wellbeing'"), 4);
    assert_int_equal(count(f, "SELECT version FROM progress_entry WHERE area = 'wellbeing'"), 2);
    /* The audit log keeps both. */
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE tbl = 'progress_entry'"), 2);

    /* Someone else (another login) changes it: a stale version is refused,
     * naming the area and who. */
    assert_int_equal(store_user_add(f->s, "olwen", "lead"), AP_OK);
    struct store *other = NULL;
    struct store_options o = {.path = f->path, .login = "olwen"};
    assert_int_equal(store_open(&o, &other), AP_OK);
    int64_t ov = v;
    assert_int_equal(tracking_set_rating(other, ann, week, 1, 5, "", &ov, today(), &f->th), AP_OK);
    assert_int_equal(tracking_set_rating(f->s, ann, week, 1, 3, "", &v, today(), &f->th), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "Wellbeing"));
    assert_non_null(strstr(ap_error_detail(), "olwen"));
    assert_int_equal(v, 2); /* untouched */
    assert_int_equal(tracking_set_rating(f->s, ann, week, 1, 3, "", &stale, today(), &f->th), AP_ERR_CONFLICT);
    /* Adding where someone else has added meanwhile is a conflict too. */
    int64_t nv = 0;
    assert_int_equal(tracking_set_rating(other, ann, week, 3, 2, "", &nv, today(), &f->th), AP_OK);
    nv = 0;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 3, 4, "", &nv, today(), &f->th), AP_ERR_CONFLICT);
    assert_int_equal(count(f, "SELECT rating FROM progress_entry WHERE area = 'social'"), 2);
    store_close(other);

    /* One transaction: one conflicting area writes nothing at all. */
    struct tracking_rating r[TRACKING_AREAS];
    assert_int_equal(tracking_get_week(f->s, ann, week, r), AP_OK);
    assert_int_equal(r[1].rating, 5);
    assert_int_equal(r[1].version, 3);
    for (int a = 0; a < TRACKING_AREAS; a++) {
        r[a].rating = 1;
        r[a].changed = true;
    }
    r[1].version = 2; /* stale */
    assert_int_equal(tracking_save_week(f->s, ann, week, r, today(), &f->th), AP_ERR_CONFLICT);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry"), 2);
    assert_true(r[0].changed);
    r[1].version = 3;
    assert_int_equal(tracking_save_week(f->s, ann, week, r, today(), &f->th), AP_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry WHERE rating = 1"), 5);

    /* Rating 0 deletes, version-checked. */
    v = r[0].version;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 0, 0, "", &v, today(), &f->th), AP_OK);
    assert_int_equal(v, 0);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry WHERE area = 'attendance'"), 0);
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, ann, week, 0, 0, "", &v, today(), &f->th), AP_OK); /* nothing to do */

    /* Refused before the store is touched. */
    v = 0;
    unit_refused(tracking_set_rating(f->s, ann, week, 0, 6, "", &v, today(), &f->th),
                 "Attendance within the provision");
    assert_int_equal(tracking_set_rating(f->s, ann, week, 0, 0, "a note alone", &v, today(), &f->th), AP_ERR_INVALID);
    assert_int_equal(tracking_set_rating(f->s, ann, week + 2, 0, 3, "", &v, today(), &f->th), AP_ERR_INVALID);
    assert_int_equal(tracking_set_rating(f->s, ann, week, 5, 3, "", &v, today(), &f->th), AP_ERR_INVALID);
    assert_int_equal(tracking_set_rating(f->s, ann, week, 0, 3, "bad\x01note", &v, today(), &f->th), AP_ERR_INVALID);
    assert_int_equal(tracking_set_rating(f->s, 9999, week, 0, 3, "", &v, today(), &f->th), AP_ERR_NOT_FOUND);

    /* A viewer reads the rows but cannot rate. */
    assert_int_equal(store_user_add(f->s, "victor", "viewer"), AP_OK);
    struct store *viewer = NULL;
    struct store_options vo = {.path = f->path, .login = "victor"};
    assert_int_equal(store_open(&vo, &viewer), AP_OK);
    v = 0;
    assert_int_equal(tracking_set_rating(viewer, ann, week, 0, 3, "", &v, today(), &f->th), AP_ERR_DENIED);
    struct tracking *t = NULL;
    assert_int_equal(tracking_load(viewer, &f->th, today(), week, &t), AP_OK);
    assert_int_equal(row_for(t, ann)->rating[1], 1);
    tracking_free(t);
    store_close(viewer);
}

static void test_tracking_actions_overdue(void **state)
{
    struct unit_fixture *f = *state;
    int64_t ann = add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    int64_t bryn = add_pupil(f, 2, "Bryn", "Bevan", DATE_NONE, DATE_NONE);
    struct {
        const char *text;
        int due;
        bool done;
    } plan[] = {
        {"Call Mum about transport", today() + 1, false},
        {"Send the PSP to school", today() - 1, false}, /* overdue */
        {"Book the review meeting", today(), false},    /* due today: not overdue */
        {"Ask CAMHS for an update", DATE_NONE, false},
        {"Chase the taxi firm", today() - 7, true},     /* done: not overdue */
    };
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        struct tracking_action a;
        tracking_action_init(&a);
        a.pupil_id = ann;
        strcpy(a.text, plan[i].text);
        strcpy(a.owner, "Siân (ALP Lead)");
        a.due = plan[i].due;
        a.done = plan[i].done;
        assert_int_equal(tracking_action_insert(f->s, &a), AP_OK);
        assert_true(a.id > 0);
        assert_int_equal(a.version, 1);
        assert_string_equal(a.updated_by, "tester");
        ids[i] = a.id;
        assert_int_equal(tracking_action_overdue(&a, today()), i == 1);
    }

    struct tracking_action *list = NULL;
    size_t n = 0;
    assert_int_equal(tracking_action_list(f->s, ann, &list, &n), AP_OK);
    assert_int_equal(n, 5);
    /* Open by due date, none last; then done. */
    assert_int_equal(list[0].id, ids[1]);
    assert_int_equal(list[1].id, ids[2]);
    assert_int_equal(list[2].id, ids[0]);
    assert_int_equal(list[3].id, ids[3]);
    assert_int_equal(list[4].id, ids[4]);
    assert_string_equal(list[0].owner, "Siân (ALP Lead)");
    assert_true(tracking_action_overdue(&list[0], today()));
    assert_false(tracking_action_overdue(&list[4], today()));
    /* Tomorrow the one due today is overdue too. */
    assert_true(tracking_action_overdue(&list[1], today() + 1));
    free(list);

    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), this_week(), &t), AP_OK);
    const struct tracking_row *a = row_for(t, ann);
    assert_int_equal(a->actions_open, 4);
    assert_int_equal(a->actions_overdue, 1);
    assert_int_equal(a->next_due, today() - 1);
    assert_int_equal(row_for(t, bryn)->actions_open, 0);
    assert_int_equal(row_for(t, bryn)->next_due, DATE_NONE);
    tracking_free(t);

    /* Done with Space: version-checked. */
    struct tracking_action got;
    assert_int_equal(tracking_action_get(f->s, ids[1], &got), AP_OK);
    int64_t v = got.version, stale = got.version;
    assert_int_equal(tracking_action_set_done(f->s, ids[1], &v, true), AP_OK);
    assert_int_equal(v, 2);
    assert_int_equal(tracking_action_set_done(f->s, ids[1], &stale, false), AP_ERR_CONFLICT);
    assert_int_equal(tracking_action_get(f->s, ids[1], &got), AP_OK);
    assert_true(got.done);
    assert_false(tracking_action_overdue(&got, today()));

    /* Edit: owner and a new due date in the past. */
    strcpy(got.owner, "Gwyn (CO)");
    got.due = today() - 3;
    got.done = false;
    assert_int_equal(tracking_action_update(f->s, &got), AP_OK);
    assert_int_equal(got.version, 3);
    got.version = 2;
    assert_int_equal(tracking_action_update(f->s, &got), AP_ERR_CONFLICT);

    assert_int_equal(tracking_load(f->s, &f->th, today(), this_week(), &t), AP_OK);
    assert_int_equal(row_for(t, ann)->actions_overdue, 1);
    assert_int_equal(row_for(t, ann)->next_due, today() - 3);
    tracking_free(t);

    /* Delete: version-checked; afterwards not found. */
    assert_int_equal(tracking_action_delete(f->s, ids[3], 7), AP_ERR_CONFLICT);
    assert_int_equal(tracking_action_delete(f->s, ids[3], 1), AP_OK);
    assert_int_equal(tracking_action_get(f->s, ids[3], &got), AP_ERR_NOT_FOUND);
    assert_int_equal(tracking_action_delete(f->s, ids[3], 1), AP_ERR_NOT_FOUND);

    /* Validation names the field. */
    struct tracking_action bad;
    tracking_action_init(&bad);
    bad.pupil_id = ann;
    strcpy(bad.text, "   ");
    unit_refused(tracking_action_insert(f->s, &bad), "Action");
    strcpy(bad.text, "Fine");
    bad.pupil_id = 9999;
    unit_refused(tracking_action_insert(f->s, &bad), "Pupil");
}

/* PSP review and provider QA due, agreeing with the flags. */
static struct {
    int psp_review, qa_stage1;
} seen;

static void note_flag(void *ctx, const struct flag_row *fr)
{
    (void)ctx;
    if (strcmp(fr->kind, FLAG_KIND_PSP_REVIEW) == 0)
        seen.psp_review = (int)fr->level;
    if (strcmp(fr->kind, FLAG_KIND_QA_STAGE1) == 0 && (int)fr->level > seen.qa_stage1)
        seen.qa_stage1 = (int)fr->level;
}

static void test_tracking_psp_and_qa_due(void **state)
{
    struct unit_fixture *f = *state;
    int64_t ann = add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    int64_t bryn = add_pupil(f, 2, "Bryn", "Bevan", DATE_NONE, DATE_NONE);
    int64_t cai = add_pupil(f, 3, "Cai", "Cole", DATE_NONE, DATE_NONE);
    int64_t farm = add_provider(f, "Cwm Farm", "unregistered");
    int64_t tutor = add_provider(f, "Tiwtor Da", "unregistered");
    int64_t school = add_provider(f, "Ysgol y Dref", "maintained_school");
    /* Cwm Farm: Stage 1 and 2 visited recently; Tiwtor Da: no Stage 1. */
    unit_sql(f->s,
             "INSERT INTO qa_visit (provider_id, stage, visit_date, closed) VALUES "
             "(%lld, 'stage1', '2026-06-01', 1), (%lld, 'stage2', '2026-06-01', 1)",
             (long long)farm, (long long)farm);
    place(f, ann, farm, ymd(2026, 9, 7));
    place(f, bryn, farm, ymd(2026, 9, 7));
    place(f, bryn, tutor, ymd(2026, 9, 7));
    place(f, cai, school, ymd(2026, 9, 7));
    /* Ann: an active PSP met 7 weeks ago (review overdue); Bryn: reviewed
     * last week (due in 5 weeks). */
    unit_sql(f->s, "INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'active', '2026-09-30'); "
                   "INSERT INTO psp (pupil_id, status, meeting_date) VALUES (%lld, 'active', '2026-09-30'); "
                   "INSERT INTO psp_review (psp_id, review_date, outcome) VALUES (last_insert_rowid(), "
                   "'2026-11-11', 'continue');",
             (long long)ann, (long long)bryn);

    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), this_week(), &t), AP_OK);
    const struct tracking_row *a = row_for(t, ann), *b = row_for(t, bryn), *c = row_for(t, cai);
    assert_true(a->has_psp);
    assert_int_equal(a->psp_due, ymd(2026, 11, 11));
    assert_int_equal(a->psp_level, FLAG_RED);
    assert_non_null(strstr(a->psp_why, "overdue"));
    assert_true(b->has_psp);
    assert_int_equal(b->psp_due, ymd(2026, 12, 23));
    assert_int_equal(b->psp_level, FLAG_NONE);
    assert_string_equal(b->psp_why, "");
    assert_false(c->has_psp);
    assert_int_equal(c->psp_due, DATE_NONE);

    assert_string_equal(a->providers, "Cwm Farm");
    assert_true(a->has_qa);
    assert_int_equal(a->qa_level, FLAG_NONE);
    assert_int_equal(a->qa_due, ymd(2027, 6, 1)); /* Stage 1 after 12 months: sooner than Stage 2 */
    /* Bryn: the worst of his two providers: Tiwtor Da's missing Stage 1. */
    assert_string_equal(b->providers, "Cwm Farm, Tiwtor Da");
    assert_int_equal(b->n_providers, 2);
    assert_int_equal(b->qa_level, FLAG_RED);
    assert_int_equal(b->qa_due, today());
    assert_non_null(strstr(b->qa_why, "Tiwtor Da: "));
    /* A maintained school is not checked. */
    assert_false(c->has_qa);
    assert_int_equal(c->qa_level, FLAG_NONE);

    /* The same levels as the flags on the status line. */
    memset(&seen, 0, sizeof seen);
    assert_int_equal(flags_for_pupil(f->s, &f->th, today(), ann, note_flag, NULL, NULL), AP_OK);
    assert_int_equal(seen.psp_review, (int)a->psp_level);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(flags_for_provider(f->s, &f->th, today(), tutor, note_flag, NULL, NULL), AP_OK);
    assert_int_equal(seen.qa_stage1, (int)b->qa_level);
    tracking_free(t);
}

static void test_tracking_empty_store(void **state)
{
    struct unit_fixture *f = *state;
    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), today(), &t), AP_OK);
    assert_int_equal(t->n, 0);
    assert_int_equal(t->fully_rated, 0);
    assert_null(tracking_find(t, 1));
    tracking_free(t);
    /* No terms at all: no term figure, the previous calendar weeks. */
    unit_sql(f->s, "DELETE FROM closure; DELETE FROM term;");
    add_pupil(f, 1, "Ann", "Ashe", DATE_NONE, DATE_NONE);
    assert_int_equal(tracking_load(f->s, &f->th, today(), today(), &t), AP_OK);
    assert_false(t->have_term);
    assert_int_equal(t->prev_from, this_week() - 28);
    assert_int_equal(t->n, 1);
    assert_false(t->rows[0].has_term);
    tracking_free(t);
}

/* Issue 13: every pupil was rated in all five areas, so a Reception child
 * was rated on a qualification pathway. The qualification pathway applies
 * from Year 10 (qualifications_year): not in Reception or Year 9, from
 * Year 10; the other four areas at every age; the load shows which apply. */
static void test_tracking_areas_follow_the_year_group(void **state)
{
    struct unit_fixture *f = *state;
    int64_t young = add_pupil(f, 1, "Nia", "Wyn", DATE_NONE, DATE_NONE);
    int64_t nine = add_pupil(f, 2, "Osian", "Rees", DATE_NONE, DATE_NONE);
    int64_t ten = add_pupil(f, 3, "Gwen", "Prydderch", DATE_NONE, DATE_NONE); /* born 2012-03-14: Year 10 */
    char sql[200];
    assert_int_equal(store_begin(f->s), AP_OK);
    snprintf(sql, sizeof sql, "UPDATE pupil SET dob = '2021-10-01', version = version + 1 WHERE id = %lld",
             (long long)young);
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE pupil SET dob = '2012-09-01', version = version + 1 WHERE id = %lld",
             (long long)nine);
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_commit(f->s), AP_OK);
    int week = this_week();
    int64_t v = 0;
    enum { Q = 4 };
    unit_refused(tracking_set_rating(f->s, young, week, Q, 3, "", &v, today(), &f->th),
                 "Qualification pathway: does not apply to this pupil (Reception");
    assert_int_equal(tracking_set_rating(f->s, nine, week, Q, 3, "", &v, today(), &f->th), AP_ERR_INVALID);
    assert_non_null(strstr(ap_error_detail(), "does not apply to this pupil (Year 9; tracked in: attendance, "
                                              "wellbeing, engagement, social)"));
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, ten, week, Q, 3, "", &v, today(), &f->th), AP_OK);
    for (int a = 0; a < Q; a++) {
        v = 0;
        assert_int_equal(tracking_set_rating(f->s, young, week, a, 4, "", &v, today(), &f->th), AP_OK);
    }
    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    const struct tracking_row *ry = row_for(t, young), *rt = row_for(t, ten);
    assert_int_equal(ry->n_areas, 4);
    assert_false((ry->areas >> Q) & 1u);
    assert_int_equal(rt->n_areas, 5);
    /* Four of four is fully rated for the Reception child. */
    assert_int_equal(ry->n_rated, 4);
    assert_int_equal(t->fully_rated, 1);
    tracking_free(t);
    /* Configurable: from Year 9, Osian is rated on it. */
    f->th.qualifications_year = 9;
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, nine, week, Q, 3, "", &v, today(), &f->th), AP_OK);
}

static void set_dob(struct unit_fixture *f, int64_t pupil, const char *dob)
{
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE pupil SET dob = '%s', version = version + 1 WHERE id = %lld", dob,
             (long long)pupil);
    assert_int_equal(store_begin(f->s), AP_OK);
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_commit(f->s), AP_OK);
}

/* Issue 13: the areas follow the purpose of the placements running today;
 * the areas' words are stored as codes; a word that is not an area is
 * refused naming the field; an ended placement's purpose does not count. */
static void test_tracking_areas_follow_the_placement(void **state)
{
    struct unit_fixture *f = *state;
    int64_t farm = add_provider(f, "Cwm Farm", "unregistered");
    int64_t gwen = add_pupil(f, 3, "Gwen", "Prydderch", DATE_NONE, DATE_NONE); /* Year 9 or 10: all by default */
    int week = this_week();
    enum { ATT = 0, WELL = 1, SOC = 3, Q = 4 };
    /* Refused: not an area, named. */
    struct placement bad;
    placement_init(&bad);
    bad.pupil_id = gwen;
    bad.provider_id = farm;
    bad.start_date = today();
    bad.rate = 1;
    strcpy(bad.tracking_areas, "wellbeing, maths");
    unit_refused(placement_insert(f->s, &bad), "Tracking areas: \"maths\" is not a tracking area");
    assert_int_equal(count(f, "SELECT count(*) FROM placement"), 0);
    /* An ended placement's purpose says wellbeing only: it does not count. */
    place_for(f, gwen, farm, today() - 60, today() - 30, "wellbeing");
    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    int all = row_for(t, gwen)->n_areas;
    tracking_free(t);
    assert_true(all >= 4);
    /* Running today: words or codes, any case; stored as codes. */
    int64_t id = place_for(f, gwen, farm, today() - 7, DATE_NONE, "Wellbeing and emotional regulation,SOCIAL");
    struct placement got;
    assert_int_equal(placement_get(f->s, id, &got), AP_OK);
    assert_string_equal(got.tracking_areas, "wellbeing, social");
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    const struct tracking_row *r = row_for(t, gwen);
    assert_int_equal(r->areas, (1u << WELL) | (1u << SOC));
    assert_int_equal(r->n_areas, 2);
    tracking_free(t);
    int64_t v = 0;
    unit_refused(tracking_set_rating(f->s, gwen, week, ATT, 3, "", &v, today(), &f->th),
                 "tracked in: wellbeing, social");
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, gwen, week, WELL, 3, "", &v, today(), &f->th), AP_OK);
    /* A second placement whose purpose does not say: the year group's too. */
    place_for(f, gwen, farm, today() - 7, DATE_NONE, "");
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    assert_int_equal(row_for(t, gwen)->n_areas, all);
    tracking_free(t);
    /* Cannot be fooled: a Reception child placed for the qualification
     * pathway is still not rated on it. */
    int64_t nia = add_pupil(f, 4, "Nia", "Wyn", DATE_NONE, DATE_NONE);
    set_dob(f, nia, "2021-10-01");
    place_for(f, nia, farm, today() - 7, DATE_NONE, "qualifications, wellbeing");
    v = 0;
    unit_refused(tracking_set_rating(f->s, nia, week, Q, 3, "", &v, today(), &f->th),
                 "Qualification pathway: does not apply to this pupil (Reception");
}

/* Issue 13: "not applicable this week" is stored (rating NULL), counts as
 * done, not as missing; it may carry a note; it is refused for a week to
 * come and in an area that does not apply; ratings still run 1 to 5. */
static void test_tracking_not_applicable_this_week(void **state)
{
    struct unit_fixture *f = *state;
    int64_t nia = add_pupil(f, 1, "Nia", "Wyn", DATE_NONE, DATE_NONE);
    set_dob(f, nia, "2021-10-01"); /* Reception: four areas */
    int week = this_week();
    enum { Q = 4 };
    int64_t v = 0;
    for (int a = 0; a < 3; a++) {
        v = 0;
        assert_int_equal(tracking_set_rating(f->s, nia, week, a, 4, "", &v, today(), &f->th), AP_OK);
    }
    struct tracking *t = NULL;
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    assert_int_equal(row_for(t, nia)->n_rated, 3);
    assert_int_equal(t->fully_rated, 0); /* social is missing */
    tracking_free(t);
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, nia, week, 3, TRACKING_NA, "on a residential trip", &v, today(), &f->th),
                     AP_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry WHERE area = 'social' AND rating IS NULL"), 1);
    assert_int_equal(tracking_load(f->s, &f->th, today(), week, &t), AP_OK);
    const struct tracking_row *r = row_for(t, nia);
    assert_int_equal(r->n_rated, 4);
    assert_int_equal(r->rating[3], TRACKING_NA);
    assert_int_equal(t->fully_rated, 1); /* not counted as missing */
    assert_non_null(strstr(r->notes, "on a residential trip"));
    tracking_free(t);
    struct tracking_rating got[TRACKING_AREAS];
    assert_int_equal(tracking_get_week(f->s, nia, week, got), AP_OK);
    assert_int_equal(got[3].rating, TRACKING_NA);
    /* Refused: an area that does not apply at all, a week to come, out of range. */
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, nia, week, Q, TRACKING_NA, "", &v, today(), &f->th), AP_ERR_INVALID);
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, nia, week + 7, 0, TRACKING_NA, "", &v, today(), &f->th),
                     AP_ERR_INVALID);
    assert_non_null(strstr(ap_error_detail(), "has not begun"));
    v = 0;
    assert_int_equal(tracking_set_rating(f->s, nia, week - 7, 0, -2, "", &v, today(), &f->th), AP_ERR_INVALID);
    unit_refused(tracking_set_rating(f->s, nia, week - 7, 0, 6, "", &v, today(), &f->th),
                 "a rating is 1 to 5, or not applicable this week");
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry"), 4);
    /* Back to a rating, and cleared. */
    v = got[3].version;
    assert_int_equal(tracking_set_rating(f->s, nia, week, 3, 2, "", &v, today(), &f->th), AP_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry WHERE area = 'social' AND rating = 2"), 1);
    assert_int_equal(tracking_set_rating(f->s, nia, week, 3, 0, "", &v, today(), &f->th), AP_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM progress_entry WHERE area = 'social'"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracking_week_and_trend),
        UNIT_TEST(test_tracking_rows_attendance, setup),
        UNIT_TEST(test_tracking_rows_ratings, setup),
        UNIT_TEST(test_tracking_rating_upsert_and_conflict, setup),
        UNIT_TEST(test_tracking_actions_overdue, setup),
        UNIT_TEST(test_tracking_psp_and_qa_due, setup),
        UNIT_TEST(test_tracking_empty_store, setup),
        UNIT_TEST(test_tracking_areas_follow_the_year_group, setup),
        UNIT_TEST(test_tracking_areas_follow_the_placement, setup),
        UNIT_TEST(test_tracking_not_applicable_this_week, setup),
    };
    return cmocka_run_group_tests_name("tracking", tests, NULL, NULL);
}
