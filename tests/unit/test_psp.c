/* psp: Pastoral Support Programmes on a real temporary store (db/psp.h).
 * The next review suggested from the meeting and moved on by each review, a
 * "cease" review ceasing the PSP, one open PSP per pupil, targets kept,
 * renumbered and protected once a review recorded progress on them, the
 * reduced-timetable RAG through the data layer, the pupil's facts from the
 * roll, and drafts kept, offered back and discarded. Each test makes its own
 * store; "today" is Monday 16 November 2026, in the autumn term 2026/27. */

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
#include "psp.h"
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

#define sql(...) unit_sql(S, __VA_ARGS__)

#define q_int(...) unit_int(S, __VA_ARGS__)

/* A text value of a query (static buffer). */
static char q_text_buf[4096];
#define q_text(...) unit_text(S, q_text_buf, sizeof q_text_buf, __VA_ARGS__)

#define ds(date) unit_date(date)

/* A new zeroed struct psp, the test's: unit_teardown frees it (free_psps). */
static struct psp *psps[16];
static size_t npsps;

static struct psp *new_psp(void)
{
    assert_true(npsps < sizeof psps / sizeof psps[0]);
    struct psp *p = calloc(1, sizeof *p);
    assert_non_null(p);
    return psps[npsps++] = p;
}

static void free_psps(struct unit_fixture *f)
{
    (void)f;
    while (npsps > 0)
        free(psps[--npsps]);
}

static int setup(void **state)
{
    F = unit_fixture_new(state, sizeof *F, "psp", "tester");
    TODAY = date_from_ymd(2026, 11, 16);
    unit_calendar(S, "('2026/27', 'autumn', '2026-09-01', '2026-12-18'), "
                     "('2026/27', 'spring', '2027-01-04', '2027-03-26')");
    sql("INSERT INTO app_user (login, role) VALUES ('other', 'officer') ON CONFLICT DO NOTHING;");
    F->end = free_psps;
    return 0;
}

/* A pupil of the year group on TODAY (Year 9 by default), on the PRS roll. */
static int64_t add_pupil(const char *forename, const char *surname, int year_group)
{
    /* Born in the academic year that makes them that year group now:
     * Year 9 in 2026/27 were born September 2012 - August 2013. */
    int born_year = 2021 - year_group; /* Year 9: 2012 */
    static int n;
    char upn[14];
    snprintf(upn, sizeof upn, "A%012d", ++n);
    sql("INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort, fsm, cla, plan, "
        "aln_areas, has_ihp) VALUES ('%s', '%s', '%s', '%04d-10-15', 'sole_prs', 'pru_plus', 1, 0, 'idp_la', "
        "'SEMH', 0)",
        upn, forename, surname, born_year);
    return q_int("SELECT max(id) FROM pupil");
}

static int64_t add_provider(const char *name)
{
    sql("INSERT INTO provider (name, registration) VALUES ('%s', 'independent_school')", name);
    return q_int("SELECT max(id) FROM provider");
}

/* An active placement from start with sessions: mask bit (day*2 + pm), hours each. */
static void add_placement(int64_t pupil, int64_t provider, int start, unsigned mask, double hours,
                          const char *purpose)
{
    sql("INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate, purpose) "
        "VALUES (%lld, %lld, 'active', '%s', 'session', 5000, '%s')",
        (long long)pupil, (long long)provider, ds(start), purpose);
    int64_t id = q_int("SELECT max(id) FROM placement");
    for (int s = 0; s < 10; s++)
        if (mask & (1u << s))
            sql("INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (%lld, %d, '%s', %g)",
                (long long)id, s / 2, s % 2 ? "pm" : "am", hours);
}


/* A new draft PSP of pupil, its meeting on meeting: its id. */
static int64_t draft_psp(int64_t pupil, int meeting)
{
    int64_t id = 0;
    assert_int_equal(psp_create(S, pupil, meeting, TODAY, &id), AP_OK);
    return id;
}

/* The stored PSP id, in a new struct psp (new_psp's). */
static struct psp *stored_psp(int64_t id)
{
    struct psp *p = new_psp();
    assert_int_equal(psp_get(S, id, p), AP_OK);
    return p;
}

/* The PSP list (all: the ceased too) into *rows (to free): how many. */
static size_t list_psps(bool all, struct psp_row **rows)
{
    size_t n = 0;
    assert_int_equal(psp_list(S, TODAY, &TH, all, rows, &n), AP_OK);
    return n;
}

/* p saved, then the reduced timetable's flag of PSP id into *r. */
static void save_rtt(struct psp *p, int64_t id, struct psp_rtt *r)
{
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_int_equal(psp_rtt_for(S, id, TODAY, &TH, r), AP_OK);
}

/* A review to add: no progress, next review left to the suggestion. */
static void review_init(struct psp_review *r, int date, const char *outcome)
{
    memset(r, 0, sizeof *r);
    r->review_date = date;
    snprintf(r->outcome, sizeof r->outcome, "%s", outcome);
    r->next_review = DATE_NONE;
}

/* Creates a PSP for the pupil and makes it active with one target. */
static int64_t active_psp(int64_t pupil, int meeting, struct psp *p)
{
    int64_t id = draft_psp(pupil, meeting);
    assert_int_equal(psp_get(S, id, p), AP_OK);
    strcpy(p->status, "active");
    strcpy(p->lead, "Ms Rees, deputy head");
    strcpy(p->reason, "At risk of exclusion after repeated incidents in class.");
    p->ntargets = 1;
    strcpy(p->targets[0].target, "Stay in lessons for the whole morning, four days a week.");
    strcpy(p->targets[0].baseline, "One morning a week");
    strcpy(p->targets[0].measure, "Class register and key worker log");
    p->targets[0].is_measurable = true;
    if (psp_save(S, p, TODAY, &TH) != AP_OK)
        fail_msg("psp_save: %s", ap_error_detail());
    return id;
}

/* ------------------------------------------------------------ next review */

static void test_suggest_review(void **state)
{
    (void)state;
    assert_int_equal(psp_suggest_review(date_from_ymd(2026, 10, 5), &TH), date_from_ymd(2026, 11, 16));
    assert_int_equal(psp_suggest_review(DATE_NONE, &TH), DATE_NONE);
    struct thresholds th = TH;
    th.psp_review_weeks = 8;
    assert_int_equal(psp_suggest_review(date_from_ymd(2026, 10, 5), &th), date_from_ymd(2026, 11, 30));
}

/* A new PSP is a draft, its timetable filled from the placements; the first
 * save takes the review date suggested from the meeting; a typed one stays. */
static void test_create_and_first_save(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Siân", "Jones", 9);
    int64_t farm = add_provider("Cwm Farm");
    /* Monday AM+PM 3 h each, Wednesday AM 3 h. */
    add_placement(pupil, farm, TODAY - 30, (1u << 0) | (1u << 1) | (1u << 4), 3.0, "Land-based skills");
    int meeting = date_from_ymd(2026, 11, 9);
    int64_t id = draft_psp(pupil, meeting);
    assert_true(id > 0);
    struct psp *p = stored_psp(id);
    assert_string_equal(p->status, "draft");
    assert_int_equal(p->meeting_date, meeting);
    assert_int_equal(p->next_review_date, DATE_NONE);
    assert_true(p->days[0].hours == 6.0);
    assert_string_equal(p->days[0].venue, "Cwm Farm");
    assert_string_equal(p->days[0].activity, "Land-based skills");
    assert_true(p->days[1].hours == 0.0);
    assert_true(p->days[2].hours == 3.0);
    assert_int_equal(q_int("SELECT count(*) FROM psp_timetable WHERE psp_id = %lld", (long long)id), 5);

    /* Saved with no review date: meeting + 6 weeks. */
    strcpy(p->lead, "Mr Price");
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_int_equal(p->next_review_date, date_from_ymd(2026, 12, 21));
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "2026-12-21");
    assert_int_equal(p->version, 2);

    /* A review date typed in is kept (editable). */
    p->next_review_date = date_from_ymd(2026, 12, 7);
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "2026-12-07");
    /* ...but not one on or before the meeting. */
    p->next_review_date = meeting;
    unit_refused(psp_save(S, p, TODAY, &TH), "Next review: must be after the meeting");
}

/* A review moves the next review date on: to the review date + 6 weeks, or
 * to the date the review set; the PSP's version goes up with it. */
static void test_review_moves_next_review_on(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Llŷr", "Evans", 8);
    struct psp *p = new_psp();
    int meeting = date_from_ymd(2026, 9, 21);
    int64_t id = active_psp(pupil, meeting, p);
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "2026-11-02");
    int64_t version = p->version;

    struct psp_review r;
    review_init(&r, date_from_ymd(2026, 11, 2), "continue");
    strcpy(r.attended, "Pupil; parent; CO");
    r.next_review = DATE_NONE;
    r.nprogress = 1;
    r.progress[0].target_id = p->targets[0].id;
    strcpy(r.progress[0].progress, "Three mornings a week now.");
    assert_int_equal(psp_review_add(S, id, &version, &r, TODAY, &TH), AP_OK);
    assert_true(r.id > 0);
    assert_int_equal(version, p->version + 1);
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "2026-12-14");
    assert_string_equal(q_text("SELECT progress FROM psp_review_progress WHERE review_id = %lld", (long long)r.id),
                        "Three mornings a week now.");

    /* A review may set its own next date. */
    review_init(&r, date_from_ymd(2026, 11, 16), "adapt");
    r.next_review = date_from_ymd(2026, 12, 7);
    assert_int_equal(psp_review_add(S, id, &version, &r, TODAY, &TH), AP_OK);
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "2026-12-07");

    /* The reviews, newest first, with their progress. */
    struct psp_review *list = NULL;
    size_t n = 0;
    assert_int_equal(psp_reviews(S, id, &list, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].outcome, "adapt");
    assert_int_equal(list[0].nprogress, 0);
    assert_string_equal(list[1].outcome, "continue");
    assert_int_equal(list[1].nprogress, 1);
    assert_int_equal(list[1].progress[0].target_id, p->targets[0].id);
    free(list);

    /* The list's review flag follows: due 2026-12-07, three weeks away. */
    struct psp_row *rows = NULL;
    n = list_psps(false, &rows);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].review_due, date_from_ymd(2026, 12, 7));
    assert_int_equal(rows[0].review_level, FLAG_NONE);
    assert_int_equal(rows[0].reviews, 2);
    free(rows);

    /* A stale version is a conflict naming who changed it; a review in the
     * future, or with no outcome, is refused. */
    int64_t stale = version - 1;
    review_init(&r, TODAY, "continue");
    assert_int_equal(psp_review_add(S, id, &stale, &r, TODAY, &TH), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "tester"));
    r.review_date = TODAY + 1;
    unit_refused(psp_review_add(S, id, &version, &r, TODAY, &TH), "Review date:");
    r.review_date = TODAY;
    strcpy(r.outcome, "");
    unit_refused(psp_review_add(S, id, &version, &r, TODAY, &TH), "Outcome:");
    assert_int_equal(q_int("SELECT count(*) FROM psp_review WHERE psp_id = %lld", (long long)id), 2);
}

/* An overdue review is red in the list, as db/flags.c has it. */
static void test_review_overdue_in_list(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Elin", "Price", 7);
    struct psp *p = new_psp();
    active_psp(pupil, TODAY - 7 * 8, p);
    struct psp_row *rows = NULL;
    size_t n = list_psps(false, &rows);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].review_level, FLAG_RED);
    assert_int_equal(rows[0].review_due, TODAY - 14);
    assert_non_null(strstr(rows[0].review_why, "overdue"));
    free(rows);
}

/* A draft PSP is not reviewed: it has not been agreed. */
static void test_review_refused_on_draft(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Iolo", "Hughes", 10);
    int64_t id = draft_psp(pupil, TODAY - 7);
    int64_t version = 1;
    struct psp_review r;
    review_init(&r, TODAY, "continue");
    unit_refused(psp_review_add(S, id, &version, &r, TODAY, &TH), "still a draft");
}

/* ------------------------------------------------------------ cease, one open PSP */

static void test_cease_and_one_open(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Gwenllïan", "Morgan", 9);
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, date_from_ymd(2026, 9, 14), p);

    /* One open PSP: a second is refused, by the data layer and the schema. */
    int64_t second = 0;
    unit_refused(psp_create(S, pupil, TODAY, TODAY, &second), "Gwenllïan Morgan already has an open PSP (active");
    assert_int_equal(second, 0);
    assert_int_equal(store_begin(S), AP_OK);
    char insert[200];
    snprintf(insert, sizeof insert, "INSERT INTO psp (pupil_id, status) VALUES (%lld, 'draft')", (long long)pupil);
    assert_int_not_equal(sqlite3_exec(store_db(S), insert, NULL, NULL, NULL), SQLITE_OK);
    store_rollback(S);
    int64_t open = 0;
    assert_int_equal(psp_open_for_pupil(S, pupil, &open), AP_OK);
    assert_int_equal(open, id);

    /* A cease review ceases it: status, end date, no next review. */
    int64_t version = p->version;
    struct psp_review r;
    review_init(&r, date_from_ymd(2026, 11, 9), "cease");
    strcpy(r.notes, "Targets met: back to full time.");
    r.next_review = date_from_ymd(2026, 12, 21); /* ignored when ceasing */
    assert_int_equal(psp_review_add(S, id, &version, &r, TODAY, &TH), AP_OK);
    assert_string_equal(q_text("SELECT status FROM psp WHERE id = %lld", (long long)id), "ceased");
    assert_string_equal(q_text("SELECT end_date FROM psp WHERE id = %lld", (long long)id), "2026-11-09");
    assert_string_equal(q_text("SELECT next_review_date FROM psp WHERE id = %lld", (long long)id), "(null)");

    /* Ceased: kept, read-only - no save, no more reviews. */
    assert_int_equal(psp_get(S, id, p), AP_OK);
    assert_string_equal(p->status, "ceased");
    strcpy(p->status, "active");
    unit_refused(psp_save(S, p, TODAY, &TH), "ceased on 2026-11-09 and is kept read-only");
    review_init(&r, TODAY, "continue");
    unit_refused(psp_review_add(S, id, &version, &r, TODAY, &TH), "ceased");

    /* Now a new PSP may open; the ceased one stays in the list with ceased ones. */
    assert_int_equal(psp_create(S, pupil, TODAY, TODAY, &second), AP_OK);
    assert_true(second != id);
    struct psp_row *rows = NULL;
    size_t n = list_psps(false, &rows);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].psp_id, second);
    free(rows);
    n = list_psps(true, &rows);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].psp_id, second); /* the open one first */
    assert_string_equal(rows[1].status, "ceased");
    free(rows);
}

/* Only a draft with no reviews may be deleted. */
static void test_delete_only_drafts(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Nia", "Lewis", 6);
    int64_t id = draft_psp(pupil, TODAY);
    assert_int_equal(psp_delete(S, id, 1), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_timetable"), 0);
    struct psp *p = new_psp();
    id = active_psp(pupil, TODAY - 7, p);
    assert_int_equal(psp_delete(S, id, p->version), AP_ERR_INVALID);
    assert_int_equal(q_int("SELECT count(*) FROM psp WHERE id = %lld", (long long)id), 1);
}

/* ------------------------------------------------------------ the form's checks and targets */

static void test_validate_names_fields(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Rhys", "Owen", 9);
    int64_t id = draft_psp(pupil, TODAY);
    struct psp *p = stored_psp(id);
    /* A draft may be nearly empty; an active PSP needs its essentials. */
    assert_int_equal(psp_validate(p, TODAY), AP_OK);
    strcpy(p->status, "active");
    unit_refused(psp_validate(p, TODAY), "PSP school lead:");
    strcpy(p->lead, "Ms Rees");
    unit_refused(psp_validate(p, TODAY), "Reason for PSP:");
    strcpy(p->reason, "Disengaged since September.");
    unit_refused(psp_validate(p, TODAY), "Target 1: an active PSP needs at least one target");
    p->ntargets = 3;
    strcpy(p->targets[1].baseline, "none yet");
    unit_refused(psp_validate(p, TODAY), "Target 2: say the target");
    strcpy(p->targets[1].target, "Arrive by 9:15 every day.");
    assert_int_equal(psp_validate(p, TODAY), AP_OK);
    p->signed_parent_date = TODAY + 3;
    unit_refused(psp_validate(p, TODAY), "Signed: parent/carer:");
    p->signed_parent_date = DATE_NONE;
    p->reduced_timetable = true;
    unit_refused(psp_validate(p, TODAY), "Reduced from:");
    p->reduced_start = TODAY;
    p->reduced_end = TODAY - 1;
    unit_refused(psp_validate(p, TODAY), "Provisional end:");
    p->reduced_end = TODAY + 60;
    p->days[2].hours = 11;
    unit_refused(psp_validate(p, TODAY), "Wednesday hours:");
}

/* Targets: new ones added in order, an emptied one removed and the rest
 * renumbered; one with progress at a review cannot be removed. */
static void test_targets_kept_in_order(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Cerys", "Bowen", 9);
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, TODAY - 14, p);
    p->ntargets = 4; /* the editor shows an empty slot after the targets */
    strcpy(p->targets[1].target, "Second target");
    strcpy(p->targets[2].target, "Third target");
    p->targets[2].everyday_language = true;
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_int_equal(p->ntargets, 3);
    assert_int_equal(q_int("SELECT count(*) FROM psp_target WHERE psp_id = %lld", (long long)id), 3);
    assert_string_equal(q_text("SELECT target FROM psp_target WHERE psp_id = %lld AND position = 3", (long long)id),
                        "Third target");
    assert_int_equal(q_int("SELECT everyday_language FROM psp_target WHERE position = 3"), 1);

    /* Emptying the second removes it; the third becomes the second. */
    int64_t third = p->targets[2].id;
    p->targets[1].target[0] = '\0';
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_int_equal(p->ntargets, 2);
    assert_int_equal(p->targets[1].id, third);
    assert_int_equal(q_int("SELECT position FROM psp_target WHERE id = %lld", (long long)third), 2);
    /* An unchanged target is not written again (its version stays). */
    assert_int_equal(q_int("SELECT version FROM psp_target WHERE id = %lld", (long long)p->targets[0].id), 1);

    /* Progress at a review protects a target from removal. */
    int64_t version = p->version;
    struct psp_review r;
    review_init(&r, TODAY, "continue");
    r.nprogress = 1;
    r.progress[0].target_id = third;
    strcpy(r.progress[0].progress, "Good start");
    assert_int_equal(psp_review_add(S, id, &version, &r, TODAY, &TH), AP_OK);
    assert_int_equal(psp_get(S, id, p), AP_OK);
    p->targets[1].target[0] = '\0';
    unit_refused(psp_save(S, p, TODAY, &TH), "Target 2: a review recorded progress on it");
    assert_int_equal(q_int("SELECT count(*) FROM psp_target WHERE psp_id = %lld", (long long)id), 2);

    /* Progress for a target of another PSP is refused, and nothing is written. */
    int64_t other_pupil = add_pupil("Dylan", "Rees", 8);
    struct psp *o = new_psp();
    int64_t other = active_psp(other_pupil, TODAY - 7, o);
    int64_t ov = o->version;
    review_init(&r, TODAY, "continue");
    r.nprogress = 1;
    r.progress[0].target_id = third;
    strcpy(r.progress[0].progress, "not theirs");
    assert_int_equal(psp_review_add(S, other, &ov, &r, TODAY, &TH), AP_ERR_INVALID);
    assert_int_equal(q_int("SELECT count(*) FROM psp_review WHERE psp_id = %lld", (long long)other), 0);
}

/* Two people edit the same PSP: the second save is a conflict naming the first. */
static void test_save_conflict(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Osian", "Jenkins", 9);
    struct psp *a = new_psp(), *b = new_psp();
    int64_t id = active_psp(pupil, TODAY - 7, a);
    assert_int_equal(psp_get(S, id, b), AP_OK);
    strcpy(a->what_is_working, "Art sessions on Fridays");
    assert_int_equal(psp_save(S, a, TODAY, &TH), AP_OK);
    strcpy(b->what_is_working, "Football at lunch");
    assert_int_equal(psp_save(S, b, TODAY, &TH), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "changed by tester"));
    /* Taking the stored version writes over it (audited). */
    assert_int_equal(psp_take_version(S, b), AP_OK);
    assert_int_equal(psp_save(S, b, TODAY, &TH), AP_OK);
    assert_string_equal(q_text("SELECT what_is_working FROM psp WHERE id = %lld", (long long)id), "Football at lunch");
}

/* ------------------------------------------------------------ reduced timetable RAG */

static void test_rtt_rag(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Tomos", "Davies", 9); /* Year 9: 24 h minimum */
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, TODAY - 14, p);
    struct psp_rtt r;

    /* The timetable the placements gave: none, so nothing recorded: n/a. */
    assert_int_equal(psp_rtt_for(S, id, TODAY, &TH, &r), AP_OK);
    assert_int_equal(r.source, PSP_HOURS_NONE);
    assert_false(r.applies);
    assert_int_equal(r.level, FLAG_NONE);

    /* 3 h a day in the PSP's timetable: 15 h, reduced; no end, no exit plan: red. */
    for (int d = 0; d < PSP_DAYS; d++)
        p->days[d].hours = 3;
    p->reduced_timetable = true;
    p->reduced_start = TODAY - 14;
    strcpy(p->reduced_reason, "mental_health");
    save_rtt(p, id, &r);
    assert_int_equal(r.source, PSP_HOURS_TIMETABLE);
    assert_true(r.weekly_hours == 15.0);
    assert_true(r.min_hours == 24.0);
    assert_true(r.below_minimum);
    assert_int_equal(r.level, FLAG_RED);
    assert_non_null(strstr(r.why, "no end date"));
    assert_non_null(strstr(r.why, "no exit plan"));

    /* End date and exit plan, but the school alone and no parent's word:
     * still red (the audit matrix's single agency; issue 13). */
    p->reduced_end = TODAY + 28;
    strcpy(p->exit_plan, "One more hour a day each fortnight until full time.");
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_RED);
    assert_non_null(strstr(r.why, "single-agency plan"));
    assert_non_null(strstr(r.why, "no parent/carer agreement recorded"));
    /* With the agreements, but none of the PSP's own indicators: amber,
     * each named (issue 13: the matrix's green needs them). */
    strcpy(p->professionals_agree, "Educational psychologist; school nurse");
    strcpy(p->parent_agrees, "Mother agreed at the meeting");
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_AMBER);
    assert_non_null(strstr(r.why, "hours a day at the start not recorded; the LA's safeguarding officer not told; "
                                  "no risk assessment recorded"));
    /* Refused: a day to come, a progression that is not one, too many hours;
     * nothing is saved. */
    p->reduced_la_told = TODAY + 1;
    unit_refused(psp_save(S, p, TODAY, &TH), "LA safeguarding officer told");
    p->reduced_la_told = TODAY - 14;
    p->reduced_risk_assessed = TODAY + 1;
    unit_refused(psp_save(S, p, TODAY, &TH), "Risk assessment");
    p->reduced_risk_assessed = TODAY - 14;
    strcpy(p->reduced_progression, "great");
    unit_refused(psp_save(S, p, TODAY, &TH), "Progression");
    strcpy(p->reduced_progression, "progressing");
    p->reduced_start_hours = 7.5;
    unit_refused(psp_save(S, p, TODAY, &TH), "Hours a day at the start");
    assert_int_equal(psp_rtt_for(S, id, TODAY, &TH, &r), AP_OK);
    assert_int_equal(r.level, FLAG_AMBER); /* as stored */
    /* Recorded: green, and stored as typed. */
    p->reduced_start_hours = 2;
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_GREEN);
    {
        struct psp *back = stored_psp(id);
        assert_string_equal(back->reduced_progression, "progressing");
        assert_true(back->reduced_start_hours == 2.0);
        assert_int_equal(back->reduced_la_told, TODAY - 14);
        assert_int_equal(back->reduced_risk_assessed, TODAY - 14);
    }
    /* Little or no progression: amber. */
    strcpy(p->reduced_progression, "little");
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_AMBER);
    assert_non_null(strstr(r.why, "little or no progression"));
    strcpy(p->reduced_progression, "progressing");
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    /* The PSP's hours a day against its timetable (3 h): 4 h is amber. */
    p->reduced_hours_per_day = 4;
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_AMBER);
    assert_non_null(strstr(r.why, "the PSP says 4 h a day, the timetable gives 3 h a day"));
    p->reduced_hours_per_day = 3;
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);

    /* Planned past 12 weeks without authorisation: amber; authorised: green. */
    p->reduced_end = p->reduced_start + 7 * 14;
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_AMBER);
    assert_non_null(strstr(r.why, "over 12 weeks"));
    p->reduced_authorised = true;
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_GREEN);

    /* The list shows the same. */
    struct psp_row *rows = NULL;
    size_t n = list_psps(false, &rows);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].rtt.level, FLAG_GREEN);
    assert_true(rows[0].rtt.weekly_hours == 15.0);
    free(rows);

    /* Back to draft: a draft is no agreed PSP, so red, saying why. */
    strcpy(p->status, "draft");
    save_rtt(p, id, &r);
    assert_int_equal(r.level, FLAG_RED);
    assert_non_null(strstr(r.why, "no PSP"));
    assert_non_null(strstr(r.why, "draft"));

    /* Full hours in the timetable: not reduced, whatever the tick says. */
    for (int d = 0; d < PSP_DAYS; d++)
        p->days[d].hours = 5;
    save_rtt(p, id, &r);
    assert_false(r.below_minimum);
    assert_int_equal(r.level, FLAG_NONE);
    assert_non_null(strstr(r.why, "meets the 24 h minimum"));
}

/* With no timetable hours, the section's hours per day (x 5), else the
 * placements running now, make the week. */
static void test_rtt_hours_sources(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Mali", "Thomas", 4); /* Year 4: 23.5 h */
    int64_t prov = add_provider("Tŷ Tutors");
    add_placement(pupil, prov, TODAY - 10, 0x3FF, 2.0, "Tuition"); /* 10 sessions x 2 h = 20 h */
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, TODAY - 7, p);
    for (int d = 0; d < PSP_DAYS; d++)
        p->days[d].hours = 0;
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    struct psp_rtt r;
    assert_int_equal(psp_rtt_for(S, id, TODAY, &TH, &r), AP_OK);
    assert_int_equal(r.source, PSP_HOURS_PLACEMENTS);
    assert_true(r.weekly_hours == 20.0);
    assert_true(r.min_hours == 23.5);
    assert_true(r.applies);
    assert_int_equal(r.level, FLAG_RED);
    p->reduced_hours_per_day = 4.5;
    save_rtt(p, id, &r);
    assert_int_equal(r.source, PSP_HOURS_PER_DAY);
    assert_true(r.weekly_hours == 22.5);
}

/* ------------------------------------------------------------ the pupil's facts */

static void test_facts(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Ffion", "Hopkins", 9);
    int64_t prov = add_provider("Cwm Farm");
    add_placement(pupil, prov, TODAY - 60, 0x3FF, 2.5, "Land-based skills");
    /* Marks: Thu 5 and Fri 6 November excluded (E) all day, Tue 10 AM only;
     * the rest of that week present. */
    int days[] = {date_from_ymd(2026, 11, 5), date_from_ymd(2026, 11, 6), date_from_ymd(2026, 11, 10)};
    for (int i = 0; i < 3; i++) {
        sql("INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, %d, 'am', 'E', 'officer')",
            (long long)pupil, days[i]);
        if (i < 2)
            sql("INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, %d, 'pm', 'E', "
                "'officer')",
                (long long)pupil, days[i]);
    }
    sql("INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, %d, 'pm', '\\', 'officer')",
        (long long)pupil, days[2]);
    struct psp_facts f;
    assert_int_equal(psp_facts_load(S, pupil, TODAY, &f), AP_OK);
    assert_string_equal(f.name, "Ffion Hopkins");
    assert_int_equal(f.year_group, 9);
    assert_true(f.fsm);
    assert_false(f.cla);
    assert_string_equal(f.plan, "idp_la");
    assert_string_equal(f.aln_areas, "SEMH");
    assert_true(f.has_term);
    assert_string_equal(f.term_name, "autumn 2026/27");
    assert_int_equal(f.possible, 6);
    assert_int_equal(f.attending, 1);
    assert_true(f.has_attendance);
    assert_int_equal(f.excluded_sessions, 5);
    assert_true(f.excluded_days == 2.5);
    assert_int_equal(f.exclusion_spells, 2); /* Thu-Fri, then Tuesday */
    assert_int_equal(f.placements, 1);
    assert_true(f.placement_hours == 25.0);
    assert_int_equal(psp_facts_load(S, 999999, TODAY, &f), AP_ERR_NOT_FOUND);
}

/* ------------------------------------------------------------ drafts */

static void test_drafts(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Alys", "Roberts", 9);
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, TODAY - 7, p);

    /* Kept, replaced, listed by prefix with the time it was kept. */
    assert_int_equal(psp_draft_save(S, id, "form.reason", "Half a sentence about wh"), AP_OK);
    assert_int_equal(psp_draft_save(S, id, "form.reason", "Half a sentence about what happened in Siân's class"),
                     AP_OK);
    assert_int_equal(psp_draft_save(S, id, "form.target.2", "Arrive by 9"), AP_OK);
    assert_int_equal(psp_draft_save(S, id, "review.notes", "Next steps: meet the EP"), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft"), 3);
    struct psp_draft *d = NULL;
    size_t n = 0;
    assert_int_equal(psp_drafts(S, id, "form.", &d, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].field, "form.reason");
    assert_string_equal(d[0].text, "Half a sentence about what happened in Siân's class");
    assert_int_equal(strlen(d[0].saved_at), 16); /* "YYYY-MM-DD HH:MM", local time */
    assert_string_equal(d[1].field, "form.target.2");
    psp_drafts_free(d, n);

    /* Another login sees none of them. */
    struct store *other = NULL;
    struct store_options o = {.path = F->path, .login = "other"};
    assert_int_equal(store_open(&o, &other), AP_OK);
    assert_int_equal(psp_drafts(other, id, "", &d, &n), AP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(psp_draft_save(other, id, "form.reason", "their own"), AP_OK);
    store_close(other);

    /* Discarded one by one. */
    assert_int_equal(psp_draft_discard(S, id, "form.target.2", true), AP_OK);
    assert_int_equal(psp_drafts(S, id, "form.", &d, &n), AP_OK);
    assert_int_equal(n, 1);
    psp_drafts_free(d, n);

    /* Saving the PSP discards this login's editor drafts, not the review's
     * nor anyone else's; adding a review discards the review's. */
    assert_int_equal(psp_draft_save(S, id, "form.target.2", "Arrive by 9:15"), AP_OK);
    strcpy(p->reason, "Half a sentence about what happened in Siân's class");
    assert_int_equal(psp_save(S, p, TODAY, &TH), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE login = 'tester' AND field LIKE 'form.%%'"), 0);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE login = 'tester' AND field = 'review.notes'"), 1);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE login = 'other'"), 1);
    int64_t version = p->version;
    struct psp_review r;
    review_init(&r, TODAY, "next_steps");
    strcpy(r.notes, "Next steps: meet the EP");
    assert_int_equal(psp_review_add(S, id, &version, &r, TODAY, &TH), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE login = 'tester'"), 0);

    /* The list marks a PSP with a draft kept by this login. */
    struct psp_row *rows = NULL;
    n = list_psps(false, &rows);
    assert_false(rows[0].has_draft);
    free(rows);
    assert_int_equal(psp_draft_save(S, id, "form.exit_plan", "Back to full"), AP_OK);
    n = list_psps(false, &rows);
    assert_true(rows[0].has_draft);
    free(rows);

    /* Discard by prefix; a deleted draft PSP takes its drafts with it. */
    assert_int_equal(psp_draft_discard(S, id, "form.", false), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE login = 'tester'"), 0);
    int64_t pupil2 = add_pupil("Bethan", "Hughes", 9);
    int64_t draft_id = draft_psp(pupil2, TODAY);
    assert_int_equal(psp_draft_save(S, draft_id, "form.reason", "x"), AP_OK);
    assert_int_equal(psp_delete(S, draft_id, 1), AP_OK);
    assert_int_equal(q_int("SELECT count(*) FROM psp_draft WHERE psp_id = %lld", (long long)draft_id), 0);
}

/* A viewer keeps no drafts and writes nothing. */
static void test_viewer_writes_nothing(void **state)
{
    (void)state;
    int64_t pupil = add_pupil("Deio", "Parry", 9);
    struct psp *p = new_psp();
    int64_t id = active_psp(pupil, TODAY - 7, p);
    sql("INSERT INTO app_user (login, role) VALUES ('reader', 'viewer')");
    struct store *v = NULL;
    struct store_options o = {.path = F->path, .login = "reader"};
    assert_int_equal(store_open(&o, &v), AP_OK);
    assert_int_equal(psp_draft_save(v, id, "form.reason", "x"), AP_ERR_DENIED);
    struct psp *q = new_psp();
    assert_int_equal(psp_get(v, id, q), AP_OK);
    assert_int_equal(psp_save(v, q, TODAY, &TH), AP_ERR_DENIED);
    store_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_suggest_review, setup),
        UNIT_TEST(test_create_and_first_save, setup),
        UNIT_TEST(test_review_moves_next_review_on, setup),
        UNIT_TEST(test_review_overdue_in_list, setup),
        UNIT_TEST(test_review_refused_on_draft, setup),
        UNIT_TEST(test_cease_and_one_open, setup),
        UNIT_TEST(test_delete_only_drafts, setup),
        UNIT_TEST(test_validate_names_fields, setup),
        UNIT_TEST(test_targets_kept_in_order, setup),
        UNIT_TEST(test_save_conflict, setup),
        UNIT_TEST(test_rtt_rag, setup),
        UNIT_TEST(test_rtt_hours_sources, setup),
        UNIT_TEST(test_facts, setup),
        UNIT_TEST(test_drafts, setup),
        UNIT_TEST(test_viewer_writes_nothing, setup),
    };
    return cmocka_run_group_tests_name("psp", tests, NULL, NULL);
}
