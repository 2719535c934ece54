/* qa: QA visits over a real temporary store (db/qa.h), and the flag a
 * safeguarding "No" raises (db/flags.c). Each test makes a new store in its
 * own mkdtemp directory; the store's seed holds the shipped checklists
 * (data/qa-*.csv, revision 1). "Today" is Wednesday 11 March 2026, in the
 * spring term 2025/26. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "flags.h"
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

#define sql(...) unit_sql(S, __VA_ARGS__)

#define query(...) unit_int(S, __VA_ARGS__)

static int64_t last_id(void)
{
    return query("SELECT last_insert_rowid()");
}

#define day_s(days) unit_date(TODAY + (days)) /* today + days, several per expression */

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

static int setup(void **state)
{
    F = unit_fixture_new(state, sizeof *F, "qa", "tester");
    TODAY = ymd(2026, 3, 11);
    unit_calendar(S, UNIT_TERMS_2025_26);
    return 0;
}

/* ------------------------------------------------------------ scenario helpers */

/* An unregistered provider with full insurance and a recent declaration,
 * and no visits. */
static int64_t provider(const char *name)
{
    sql("INSERT INTO provider (name, public_liability, employers_liability, professional_indemnity, motor_cover, "
        "subcontractor_cover, insurance_expiry, declaration_date, dbs_checked_date) "
        "VALUES ('%s', 500000000, 1000000000, 200000000, 1, 1, '%s', '%s', '%s')",
        name, day_s(300), day_s(-400), day_s(-400));
    return last_id();
}

static int upn_seq;

/* A Year 9 pupil placed at the provider since `start` days from today
 * (10 sessions a week), so the provider is in use. */
static int64_t place_pupil(int64_t provider_id, int start)
{
    sql("INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) "
        "VALUES ('A%012d', 'Siân', 'Jones', '2012-01-15', 'sole_prs', 'aln_bespoke')",
        ++upn_seq);
    int64_t pupil = last_id();
    sql("INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
        "VALUES (%lld, %lld, 'active', '%s', 'week', 30000)",
        (long long)pupil, (long long)provider_id, day_s(start));
    int64_t pl = last_id();
    for (int i = 0; i < 10; i++)
        sql("INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (%lld, %d, '%s', 2.5)",
            (long long)pl, i / 2, i % 2 ? "pm" : "am");
    return pupil;
}

/* A closed visit recorded directly (no checklist), as older records are. */
static void closed_visit(int64_t provider_id, const char *stage, int days)
{
    sql("INSERT INTO qa_visit (provider_id, stage, visit_date, closed) VALUES (%lld, '%s', '%s', 1)",
        (long long)provider_id, stage, day_s(days));
}

/* Starts a visit through the data layer; fails the test on error. */
static int64_t start(int64_t provider_id, const char *key, const char *stage, int date)
{
    struct qa_visit v;
    qa_visit_init(&v);
    v.provider_id = provider_id;
    snprintf(v.template_key, sizeof v.template_key, "%s", key);
    snprintf(v.stage, sizeof v.stage, "%s", stage);
    v.visit_date = date;
    snprintf(v.visitors, sizeof v.visitors, "Mererid Howells; Llŷr Evans");
    if (qa_visit_start(S, &v) != AP_OK)
        fail_msg("qa_visit_start: %s", ap_error_detail());
    assert_true(v.id > 0);
    assert_int_equal(v.version, 1);
    assert_false(v.closed);
    return v.id;
}

/* The checklist of a visit; the caller frees. */
static struct qa_item *checklist(int64_t visit_id, size_t *n)
{
    struct qa_item *items = NULL;
    if (qa_checklist_load(S, visit_id, &items, n) != AP_OK)
        fail_msg("qa_checklist_load: %s", ap_error_detail());
    return items;
}

/* Answers item i (0-based) of the visit as it is in the store now. */
static ap_status answer(int64_t visit_id, size_t i, enum qa_answer a, const char *comment)
{
    size_t n;
    struct qa_item *items = checklist(visit_id, &n);
    assert_true(i < n);
    struct qa_item it = items[i];
    free(items);
    it.answer = a;
    if (comment)
        snprintf(it.comment, sizeof it.comment, "%s", comment);
    return qa_answer_save(S, visit_id, &it, TODAY);
}

/* Answers every item not yet answered with a; the others stay as they are. */
static void answer_rest(int64_t visit_id, enum qa_answer a)
{
    size_t n;
    struct qa_item *items = checklist(visit_id, &n);
    for (size_t i = 0; i < n; i++) {
        if (items[i].answer != QA_UNANSWERED)
            continue;
        items[i].answer = a;
        if (qa_answer_save(S, visit_id, &items[i], TODAY) != AP_OK)
            fail_msg("qa_answer_save: %s", ap_error_detail());
    }
    free(items);
}

/* The first safeguarding item's index on the visit's checklist. */
static size_t first_safeguarding(int64_t visit_id)
{
    size_t n;
    struct qa_item *items = checklist(visit_id, &n);
    size_t i = 0;
    while (i < n && !items[i].safeguarding)
        i++;
    assert_true(i < n);
    free(items);
    return i;
}

static ap_status close_visit(int64_t visit_id, const char *outcome, struct qa_visit *out)
{
    struct qa_visit v;
    if (qa_visit_get(S, visit_id, &v) != AP_OK)
        fail_msg("qa_visit_get: %s", ap_error_detail());
    snprintf(v.outcome, sizeof v.outcome, "%s", outcome);
    ap_status st = qa_visit_close(S, &v, &TH, TODAY);
    if (out)
        *out = v;
    return st;
}

/* The one provider's row of the overview. */
static struct qa_provider_row row_of(int64_t provider_id)
{
    struct qa_overview *o = NULL;
    if (qa_overview_load(S, &TH, TODAY, provider_id, &o) != AP_OK)
        fail_msg("qa_overview_load: %s", ap_error_detail());
    assert_int_equal(o->n, 1);
    struct qa_provider_row r = o->rows[0];
    qa_overview_free(o);
    return r;
}

/* The flags flags.c raises about the provider: a kind's level and reason. */
struct found {
    int64_t provider_id;
    const char *kind;
    enum flag_level level;
    char reason[RULES_WHY_LEN];
    int count;
};

static void find_flag(void *ctx, const struct flag_row *f)
{
    struct found *x = ctx;
    if (strcmp(f->kind, x->kind) != 0 || f->provider_id != x->provider_id)
        return;
    x->count++;
    x->level = f->level;
    snprintf(x->reason, sizeof x->reason, "%s", f->reason);
}

static struct found flag_of(int64_t provider_id, const char *kind)
{
    struct found x = {.provider_id = provider_id, .kind = kind};
    if (flags_for_provider(S, &TH, TODAY, provider_id, find_flag, &x, NULL) != AP_OK)
        fail_msg("flags_for_provider: %s", ap_error_detail());
    /* The whole-store pass says the same. */
    struct found all = {.provider_id = provider_id, .kind = kind};
    assert_int_equal(flags_collect(S, &TH, TODAY, find_flag, &all, NULL), AP_OK);
    assert_int_equal(all.count, x.count);
    return x;
}

/* ------------------------------------------------------------ stages and due dates */

/* A provider in use: a pupil placed with it since 60 days ago. */
static int64_t in_use(const char *name)
{
    int64_t id = provider(name);
    place_pupil(id, -60);
    return id;
}

static void test_stage_words_and_next_due(void **state)
{
    (void)state;
    enum qa_stage s;
    assert_true(qa_stage_parse("stage2", &s));
    assert_int_equal(s, QA_STAGE2);
    assert_false(qa_stage_parse("checks", &s));
    assert_false(qa_stage_parse("Stage1", &s));
    assert_true(qa_stage_of_template("checks", &s));
    assert_int_equal(s, QA_STAGE1);
    assert_true(qa_stage_of_template("monitoring", &s));
    assert_int_equal(s, QA_MONITORING);
    assert_string_equal(qa_stage_code(QA_MONITORING), "monitoring");
    assert_string_equal(qa_stage_name(QA_STAGE1), "Stage 1");
    assert_null(qa_answer_code(QA_UNANSWERED));
    assert_string_equal(qa_answer_code(QA_NA), "na");

    /* Visit date + 12 months, + 24 months, + the monitoring days (31). */
    assert_int_equal(qa_next_due(QA_STAGE1, ymd(2026, 3, 11), false, &TH), ymd(2027, 3, 11));
    assert_int_equal(qa_next_due(QA_STAGE2, ymd(2026, 3, 11), false, &TH), ymd(2028, 3, 11));
    assert_int_equal(qa_next_due(QA_MONITORING, ymd(2026, 3, 11), false, &TH), ymd(2026, 4, 11));
    /* 29 February: the last day of February a year on. */
    assert_int_equal(qa_next_due(QA_STAGE1, ymd(2028, 2, 29), false, &TH), ymd(2029, 2, 28));
    assert_int_equal(qa_next_due(QA_STAGE1, DATE_NONE, false, &TH), DATE_NONE);
    /* The thresholds move them. */
    struct thresholds th = TH;
    th.qa_stage1_months = 6;
    th.monitoring_days = 28;
    assert_int_equal(qa_next_due(QA_STAGE1, ymd(2026, 3, 11), false, &th), ymd(2026, 9, 11));
    assert_int_equal(qa_next_due(QA_MONITORING, ymd(2026, 3, 11), false, &th), ymd(2026, 4, 8));
}

static void test_stage1_due(void **state)
{
    (void)state;
    int64_t ok = in_use("Cwm Farm");
    int64_t late = in_use("Tyddyn Hir");
    int64_t soon = in_use("Hafod Wen");
    int64_t never = in_use("Llwybr Newydd");
    int64_t idle = provider("Empty Barn");
    closed_visit(ok, "stage1", -150);
    closed_visit(late, "stage1", -400);
    closed_visit(soon, "stage1", -350);
    closed_visit(idle, "stage1", -400);
    /* An open Stage 1 (not yet closed) does not count. */
    sql("INSERT INTO qa_visit (provider_id, stage, visit_date, closed) VALUES (%lld, 'stage1', '%s', 0)",
        (long long)never, day_s(-2));

    struct qa_provider_row r = row_of(ok);
    assert_true(r.in_use);
    assert_true(r.due[QA_STAGE1].applies);
    assert_int_equal(r.due[QA_STAGE1].last, TODAY - 150);
    assert_int_equal(r.due[QA_STAGE1].due, date_add_months(TODAY - 150, 12));
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_NONE);

    r = row_of(late);
    assert_int_equal(r.due[QA_STAGE1].due, date_add_months(TODAY - 400, 12));
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_RED);
    assert_non_null(strstr(r.due[QA_STAGE1].why, "overdue since"));
    assert_int_equal(r.worst, FLAG_RED);

    r = row_of(soon); /* due in 15 days: within the 28 of due_soon_days */
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_AMBER);

    r = row_of(never);
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_RED);
    assert_int_equal(r.due[QA_STAGE1].due, TODAY);
    assert_int_equal(r.due[QA_STAGE1].last, DATE_NONE);
    assert_int_equal(r.open_visits, 1);

    /* Not in use: the date is shown, the rule does not apply. */
    r = row_of(idle);
    assert_false(r.in_use);
    assert_false(r.due[QA_STAGE1].applies);
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_NONE);
    assert_int_equal(r.due[QA_STAGE1].due, date_add_months(TODAY - 400, 12));

    /* The same as flags.c says. */
    assert_int_equal(flag_of(late, FLAG_KIND_QA_STAGE1).level, FLAG_RED);
    assert_int_equal(flag_of(soon, FLAG_KIND_QA_STAGE1).level, FLAG_AMBER);
    assert_int_equal(flag_of(ok, FLAG_KIND_QA_STAGE1).count, 0);
}

static void test_stage2_due_and_concern(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm");
    int64_t pupil = place_pupil(v, -200);
    closed_visit(v, "stage1", -100);
    closed_visit(v, "stage2", -270);
    struct qa_provider_row r = row_of(v);
    assert_true(r.due[QA_STAGE2].applies);
    assert_int_equal(r.due[QA_STAGE2].due, date_add_months(TODAY - 270, 24));
    assert_int_equal(r.due[QA_STAGE2].level, FLAG_NONE);

    /* A concern after the last Stage 2 brings it forward to 30 days after. */
    sql("INSERT INTO concern (pupil_id, provider_id, concern_date, summary) VALUES (%lld, %lld, '%s', 'x')",
        (long long)pupil, (long long)v, day_s(-10));
    r = row_of(v);
    assert_int_equal(r.due[QA_STAGE2].due, TODAY + 20);
    assert_int_equal(r.due[QA_STAGE2].level, FLAG_AMBER);
    assert_non_null(strstr(r.due[QA_STAGE2].why, "after the concern of"));
    /* ... and past it, red. */
    sql("UPDATE concern SET concern_date = '%s', version = version + 1", day_s(-40));
    r = row_of(v);
    assert_int_equal(r.due[QA_STAGE2].due, TODAY - 10);
    assert_int_equal(r.due[QA_STAGE2].level, FLAG_RED);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_STAGE2).level, FLAG_RED);

    /* A Stage 2 after the concern puts it back to 24 months. */
    closed_visit(v, "stage2", -5);
    r = row_of(v);
    assert_int_equal(r.due[QA_STAGE2].due, date_add_months(TODAY - 5, 24));
    assert_int_equal(r.due[QA_STAGE2].level, FLAG_NONE);

    /* Never a Stage 2: counted from the first placement. */
    int64_t w = provider("Tyddyn Hir");
    place_pupil(w, -30);
    closed_visit(w, "stage1", -40);
    r = row_of(w);
    assert_int_equal(r.due[QA_STAGE2].due, date_add_months(TODAY - 30, 24));
}

static void test_monitoring_due(void **state)
{
    (void)state;
    int64_t v = in_use("Cwm Farm");
    closed_visit(v, "stage1", -100);
    closed_visit(v, "monitoring", -9);
    struct qa_provider_row r = row_of(v);
    assert_true(r.due[QA_MONITORING].applies);
    assert_int_equal(r.due[QA_MONITORING].last, TODAY - 9);
    assert_int_equal(r.due[QA_MONITORING].due, TODAY - 9 + TH.monitoring_days);
    assert_int_equal(r.due[QA_MONITORING].level, FLAG_NONE);

    /* A month since the last visit of any stage, to the day: due (amber). */
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE stage = 'monitoring'",
        day_s(-TH.monitoring_days));
    r = row_of(v);
    assert_int_equal(r.due[QA_MONITORING].level, FLAG_AMBER);
    assert_int_equal(flag_of(v, FLAG_KIND_MONITORING).level, FLAG_AMBER);
    /* Past it: overdue, red as the pane's legend says (issue 13). */
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE stage = 'monitoring'", day_s(-40));
    r = row_of(v);
    assert_int_equal(r.due[QA_MONITORING].level, FLAG_RED);
    assert_int_equal(r.due[QA_MONITORING].due, TODAY - 40 + TH.monitoring_days);
    assert_int_equal(flag_of(v, FLAG_KIND_MONITORING).level, FLAG_RED);

    /* No pupil placed today: no monitoring visit is due. */
    int64_t w = provider("Tyddyn Hir");
    sql("INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
        "VALUES (%lld, %lld, 'proposed', '%s', 'week', 100)",
        (long long)place_pupil(v, -10), (long long)w, day_s(20));
    r = row_of(w);
    assert_true(r.in_use);
    assert_false(r.due[QA_MONITORING].applies);
    assert_int_equal(r.due[QA_MONITORING].due, DATE_NONE);
}

static void test_overview_most_overdue_first(void **state)
{
    (void)state;
    /* Each in use with Stage 2 and monitoring in order; Stage 1 visited
     * that many days ago. */
    static const struct {
        const char *name;
        int stage1;
    } in[] = {{"A Fine", -100}, {"B Soon", -350}, {"C Long Overdue", -500}, {"D Just Overdue", -370}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        int64_t id = in_use(in[i].name);
        closed_visit(id, "stage1", in[i].stage1);
        closed_visit(id, "stage2", -100);
        closed_visit(id, "monitoring", -5);
    }
    provider("E Not Used");
    struct qa_overview *o = NULL;
    assert_int_equal(qa_overview_load(S, &TH, TODAY, 0, &o), AP_OK);
    assert_int_equal(o->n, 5);
    static const char *const order[] = {"C Long Overdue", "D Just Overdue", "B Soon", "A Fine", "E Not Used"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        assert_string_equal(o->rows[i].name, order[i]);
    assert_int_equal(o->rows[0].worst, FLAG_RED);
    assert_int_equal(o->rows[2].worst, FLAG_AMBER);
    assert_int_equal(o->rows[3].worst, FLAG_NONE);
    qa_overview_free(o);
}

/* ------------------------------------------------------------ templates */

static const char *const T1 =
    "# key=spot_check stage=stage1 title=\"Spot check\"\n"
    "# a comment line\n"
    "section,text,safeguarding\n"
    "Safety,Fire exits are clear,1\n"
    "Safety,\"First aid kit, stocked\",0\n"
    "Records,Register seen,1\n";

static void test_template_revisions_keep_wording(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm");
    struct qa_template_info t;
    bool unchanged = true;
    assert_int_equal(qa_template_load(S, "spot.csv", T1, &t, &unchanged), AP_OK);
    assert_false(unchanged);
    assert_string_equal(t.key, "spot_check");
    assert_int_equal(t.revision, 1);
    assert_int_equal(t.items, 3);
    assert_int_equal(t.safeguarding_items, 2);
    assert_true(t.latest);
    assert_string_equal(t.loaded_by, "tester");

    int64_t old_visit = start(v, "spot_check", "stage1", TODAY - 20);
    assert_int_equal(answer(old_visit, 0, QA_YES, "Seen."), AP_OK);

    /* The same file again adds nothing. */
    assert_int_equal(qa_template_load(S, "spot.csv", T1, &t, &unchanged), AP_OK);
    assert_true(unchanged);
    assert_int_equal(t.revision, 1);
    assert_int_equal(query("SELECT count(*) FROM qa_template WHERE key = 'spot_check'"), 1);

    /* An edited file: a new revision, reworded and with an item more. */
    const char *t2 = "# key=spot_check stage=stage1 title=\"Spot check (2026)\"\n"
                     "section,text,safeguarding\n"
                     "Safety,Fire exits are clear and signed,1\n"
                     "Safety,\"First aid kit, stocked\",0\n"
                     "Records,Register seen,1\n"
                     "Records,Visitor book signed,0\n";
    assert_int_equal(qa_template_load(S, "spot2.csv", t2, &t, &unchanged), AP_OK);
    assert_false(unchanged);
    assert_int_equal(t.revision, 2);
    assert_int_equal(t.items, 4);

    /* The old visit keeps the wording it was answered against. */
    size_t n;
    struct qa_item *items = checklist(old_visit, &n);
    assert_int_equal(n, 3);
    assert_string_equal(items[0].text, "Fire exits are clear");
    assert_int_equal(items[0].answer, QA_YES);
    assert_string_equal(items[0].comment, "Seen.");
    assert_string_equal(items[1].text, "First aid kit, stocked");
    assert_string_equal(items[1].section, "Safety");
    assert_true(items[0].safeguarding);
    assert_false(items[1].safeguarding);
    free(items);
    struct qa_visit got;
    assert_int_equal(qa_visit_get(S, old_visit, &got), AP_OK);
    assert_int_equal(got.template_revision, 1);
    assert_string_equal(got.template_title, "Spot check");

    /* A new visit starts from the latest revision. */
    answer_rest(old_visit, QA_YES);
    assert_int_equal(close_visit(old_visit, "satisfactory", NULL), AP_OK);
    int64_t new_visit = start(v, "spot_check", "stage1", TODAY);
    items = checklist(new_visit, &n);
    assert_int_equal(n, 4);
    assert_string_equal(items[0].text, "Fire exits are clear and signed");
    assert_int_equal(items[0].answer, QA_UNANSWERED);
    free(items);

    /* The list: every revision, or the latest only. */
    struct qa_template_info *all = NULL;
    assert_int_equal(qa_template_list(S, false, &all, &n), AP_OK);
    size_t revs = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].key, "spot_check") == 0) {
            revs++;
            assert_int_equal(all[i].latest, all[i].revision == 2);
            assert_int_equal(all[i].visits, 1);
        }
    assert_int_equal(revs, 2);
    free(all);
    assert_int_equal(qa_template_list(S, true, &all, &n), AP_OK);
    assert_int_equal(n, 5); /* the four shipped checklists and ours */
    assert_string_equal(all[0].stage, "stage1");
    free(all);
}

static void test_template_bad_file_writes_nothing(void **state)
{
    (void)state;
    int64_t before = query("SELECT count(*) FROM qa_template_item");
    const char *bad = "# key=spot_check stage=stage1 title=\"Spot check\"\n"
                      "section,text,safeguarding\n"
                      "Safety,Fire exits are clear,1\n"
                      "Safety,First aid,yes\n";
    bool unchanged = true;
    unit_refused(qa_template_load(S, "bad.csv", bad, NULL, &unchanged), "bad.csv line 4");
    assert_false(unchanged);
    assert_int_equal(query("SELECT count(*) FROM qa_template WHERE key = 'spot_check'"), 0);
    assert_int_equal(query("SELECT count(*) FROM qa_template_item"), before);

    assert_int_equal(qa_template_load(S, "head.csv", "# key=x stage=stage9 title=\"X\"\nsection,text,safeguarding\n",
                                      NULL, NULL),
                     AP_ERR_INVALID);
    assert_non_null(strstr(ap_error_detail(), "head.csv line 1"));
    assert_int_equal(qa_template_load(S, "empty.csv", "", NULL, NULL), AP_ERR_INVALID);
    assert_int_equal(query("SELECT count(*) FROM qa_template_item"), before);
    /* Nothing left open. */
    assert_true(sqlite3_get_autocommit(store_db(S)));
}

/* ------------------------------------------------------------ visits, answers, close */

static void test_start_checks(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm");
    struct qa_visit x;
    qa_visit_init(&x);
    x.provider_id = v;
    snprintf(x.template_key, sizeof x.template_key, "stage2_progress");
    snprintf(x.stage, sizeof x.stage, "stage1");
    x.visit_date = TODAY;
    snprintf(x.visitors, sizeof x.visitors, "Mererid Howells");
    /* A Stage 2 checklist is not for a Stage 1 visit. */
    assert_int_equal(qa_visit_start(S, &x), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Stage:", 6) == 0);
    /* The provider checks go with a Stage 1 visit. */
    snprintf(x.template_key, sizeof x.template_key, "provider_checks");
    x.visitors[0] = '\0';
    assert_int_equal(qa_visit_start(S, &x), AP_ERR_INVALID);
    assert_string_equal(ap_error_detail(), "Visitors: must not be empty");
    snprintf(x.visitors, sizeof x.visitors, "Mererid Howells");
    x.visit_date = DATE_NONE;
    assert_int_equal(qa_visit_start(S, &x), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Visit date:", 11) == 0);
    x.visit_date = TODAY;
    snprintf(x.template_key, sizeof x.template_key, "nonesuch");
    assert_int_equal(qa_visit_start(S, &x), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Checklist:", 10) == 0);
    snprintf(x.template_key, sizeof x.template_key, "provider_checks");
    x.provider_id = 9999;
    assert_int_equal(qa_visit_start(S, &x), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Provider:", 9) == 0);
    x.provider_id = v;
    assert_int_equal(qa_visit_start(S, &x), AP_OK);
    assert_string_equal(x.template_key, "provider_checks");
    assert_string_equal(x.stage, "stage1");
    assert_string_equal(x.provider_name, "Cwm Farm");
    assert_true(x.items > 30);
    /* A second open Stage 1 to the same provider is refused. */
    int64_t first = x.id;
    snprintf(x.template_key, sizeof x.template_key, "stage1_safety");
    unit_refused(qa_visit_start(S, &x), "still open");
    assert_int_equal(query("SELECT count(*) FROM qa_visit"), 1);

    /* An open visit may be deleted (with its answers); a closed one never. */
    assert_int_equal(answer(first, 0, QA_YES, NULL), AP_OK);
    assert_int_equal(qa_visit_get(S, first, &x), AP_OK);
    assert_int_equal(qa_visit_delete(S, first, x.version + 1), AP_ERR_CONFLICT);
    assert_int_equal(qa_visit_delete(S, first, x.version), AP_OK);
    assert_int_equal(query("SELECT count(*) FROM qa_answer"), 0);
    int64_t second = start(v, "stage1_safety", "stage1", TODAY);
    answer_rest(second, QA_YES);
    assert_int_equal(close_visit(second, "satisfactory", &x), AP_OK);
    assert_int_equal(qa_visit_delete(S, second, x.version), AP_ERR_INVALID);
    assert_int_equal(query("SELECT count(*) FROM qa_visit"), 1);
}

static void test_answer_versions(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm");
    int64_t visit = start(v, "stage1_safety", "stage1", TODAY);
    size_t n;
    struct qa_item *items = checklist(visit, &n);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].position, (int)i + 1);
        assert_int_equal(items[i].answer, QA_UNANSWERED);
        assert_int_equal(items[i].version, 0);
    }
    /* Two people read the same item; the first answer wins, the second is
     * told who answered. */
    struct qa_item mine = items[2], theirs = items[2];
    free(items);
    mine.answer = QA_YES;
    assert_int_equal(qa_answer_save(S, visit, &mine, TODAY), AP_OK);
    assert_int_equal(mine.version, 1);
    assert_string_equal(mine.updated_by, "tester");
    theirs.answer = QA_NO;
    assert_int_equal(qa_answer_save(S, visit, &theirs, TODAY), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "tester"));
    /* Changing it again with the version read works and raises it. */
    mine.answer = QA_NA;
    snprintf(mine.comment, sizeof mine.comment, "Not on site: the office is elsewhere.\nTo see next time.");
    assert_int_equal(qa_answer_save(S, visit, &mine, TODAY), AP_OK);
    assert_int_equal(mine.version, 2);
    theirs.version = 1; /* a stale version */
    assert_int_equal(qa_answer_save(S, visit, &theirs, TODAY), AP_ERR_CONFLICT);
    items = checklist(visit, &n);
    assert_int_equal(items[2].answer, QA_NA);
    assert_int_equal(items[2].version, 2);
    assert_string_equal(items[2].comment, "Not on site: the office is elsewhere.\nTo see next time.");
    /* A bad comment names the field; an item of another checklist is refused. */
    struct qa_item bad = items[3];
    bad.comment[0] = '\x01';
    bad.comment[1] = '\0';
    assert_int_equal(qa_answer_save(S, visit, &bad, TODAY), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Comment:", 8) == 0);
    bad = items[3];
    bad.item_id = query("SELECT i.id FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id "
                        "WHERE t.key = 'stage2_progress' LIMIT 1");
    assert_int_equal(qa_answer_save(S, visit, &bad, TODAY), AP_ERR_INVALID);
    free(items);
    /* Each answer is one audited transaction. */
    assert_int_equal(query("SELECT count(*) FROM audit_log WHERE tbl = 'qa_answer'"), 2);
    assert_int_equal(query("SELECT count(*) FROM qa_answer"), 1);

    /* The visit counts its answers. */
    assert_int_equal(answer(visit, 0, QA_NO, NULL), AP_OK);
    struct qa_visit got;
    assert_int_equal(qa_visit_get(S, visit, &got), AP_OK);
    assert_int_equal(got.answered, 2);
    assert_int_equal(got.no_count, 1);
    assert_int_equal(got.items, (int)n);
}

static void test_close(void **state)
{
    (void)state;
    int64_t v = in_use("Cwm Farm");
    closed_visit(v, "stage1", -400); /* overdue */
    assert_int_equal(row_of(v).due[QA_STAGE1].level, FLAG_RED);
    int64_t visit = start(v, "stage1_safety", "stage1", TODAY - 2);
    size_t n;
    struct qa_item *items = checklist(visit, &n);
    free(items);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(answer(visit, i, QA_YES, NULL), AP_OK);
    /* Still open: the overdue Stage 1 stands. */
    assert_int_equal(row_of(v).due[QA_STAGE1].level, FLAG_RED);

    /* An outcome is required. */
    assert_int_equal(close_visit(visit, "", NULL), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Outcome:", 8) == 0);
    /* A stale version is a conflict. */
    struct qa_visit x;
    assert_int_equal(qa_visit_get(S, visit, &x), AP_OK);
    snprintf(x.outcome, sizeof x.outcome, "satisfactory");
    x.version++;
    assert_int_equal(qa_visit_close(S, &x, &TH, TODAY), AP_ERR_CONFLICT);

    struct qa_visit closed;
    assert_int_equal(close_visit(visit, "satisfactory", &closed), AP_OK);
    assert_true(closed.closed);
    assert_int_equal(closed.next_due, date_add_months(TODAY - 2, 12));
    assert_int_equal(qa_visit_get(S, visit, &x), AP_OK);
    assert_true(x.closed);
    assert_string_equal(x.outcome, "satisfactory");
    assert_int_equal(x.next_due, date_add_months(TODAY - 2, 12));
    assert_int_equal(x.version, closed.version);

    /* The closed visit now counts: Stage 1 is due a year after it. */
    struct qa_provider_row r = row_of(v);
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_NONE);
    assert_int_equal(r.due[QA_STAGE1].due, closed.next_due);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_STAGE1).count, 0);

    /* Closed: its answers stay as they are, and it cannot close again. */
    unit_refused(answer(visit, 0, QA_NO, NULL), "closed");
    assert_int_equal(close_visit(visit, "unsatisfactory", NULL), AP_ERR_INVALID);

    /* A visit dated after today cannot be closed yet. */
    int64_t planned = start(v, "monitoring_visit", "monitoring", TODAY + 7);
    assert_int_equal(close_visit(planned, "satisfactory", NULL), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Visit date:", 11) == 0);

    /* An open visit's date and visitors can be put right (version-checked);
     * a monitoring visit is then next due a month (31 days) on. */
    assert_int_equal(qa_visit_get(S, planned, &x), AP_OK);
    x.visit_date = TODAY - 1;
    snprintf(x.visitors, sizeof x.visitors, "Siân Ellis");
    int64_t read_at = x.version;
    assert_int_equal(qa_visit_update(S, &x), AP_OK);
    assert_int_equal(x.version, read_at + 1);
    x.version = read_at;
    assert_int_equal(qa_visit_update(S, &x), AP_ERR_CONFLICT);
    x.visitors[0] = '\0';
    x.version = read_at + 1;
    assert_int_equal(qa_visit_update(S, &x), AP_ERR_INVALID);
    assert_string_equal(ap_error_detail(), "Visitors: must not be empty");
    answer_rest(planned, QA_YES);
    assert_int_equal(close_visit(planned, "improvement_needed", &closed), AP_OK);
    assert_int_equal(closed.next_due, TODAY - 1 + 31);
    assert_int_equal(qa_visit_get(S, planned, &x), AP_OK);
    assert_string_equal(x.visitors, "Siân Ellis");
    /* A closed visit is the record: not changed. */
    x.visit_date = TODAY - 3;
    assert_int_equal(qa_visit_update(S, &x), AP_ERR_INVALID);

    /* The visits, newest first. */
    struct qa_visit *list = NULL;
    assert_int_equal(qa_visit_list(S, v, &list, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, planned); /* yesterday */
    assert_int_equal(list[1].id, visit);   /* the day before */
    assert_int_equal(list[2].template_id, 0); /* recorded without a checklist */
    assert_int_equal(list[1].answered, list[1].items);
    free(list);
}

/* Issue 13: a Stage 1 visit with 1 of its items answered closed, was taken
 * as Satisfactory and set the annual date a year on. Now closing needs every
 * item answered; a half-answered closed visit (as older records may be) does
 * not count; a future-dated visit cannot be answered; Unsatisfactory sets a
 * follow-up 28 days on and keeps Stage 1 red until a later closed visit. */
static void test_close_cannot_be_fooled(void **state)
{
    (void)state;
    int64_t v = in_use("Cwm Farm");
    closed_visit(v, "stage2", -100);
    int64_t visit = start(v, "stage1_safety", "stage1", TODAY - 2);
    size_t n;
    free(checklist(visit, &n));
    assert_true(n > 2);
    assert_int_equal(answer(visit, 0, QA_YES, NULL), AP_OK);
    /* 1 answered: refused, naming how many are left; nothing changes. */
    assert_int_equal(close_visit(visit, "satisfactory", NULL), AP_ERR_INVALID);
    char want[128];
    snprintf(want, sizeof want, "Checklist: %zu of %zu items not answered", n - 1, n);
    assert_non_null(strstr(ap_error_detail(), want));
    assert_int_equal(query("SELECT closed FROM qa_visit WHERE id = %lld", (long long)visit), 0);
    assert_int_equal(row_of(v).due[QA_STAGE1].level, FLAG_RED);
    /* All but one answered: still refused (the boundary). */
    answer_rest(visit, QA_YES);
    sql("DELETE FROM qa_answer WHERE visit_id = %lld AND item_id = "
        "(SELECT max(item_id) FROM qa_answer WHERE visit_id = %lld)",
        (long long)visit, (long long)visit);
    assert_int_equal(close_visit(visit, "satisfactory", NULL), AP_ERR_INVALID);
    /* A closed visit with an item unanswered, written straight to the store,
     * does not count either. */
    sql("UPDATE qa_visit SET closed = 1, outcome = 'satisfactory', version = version + 1 WHERE id = %lld",
        (long long)visit);
    assert_int_equal(row_of(v).due[QA_STAGE1].level, FLAG_RED);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_STAGE1).level, FLAG_RED);
    sql("DELETE FROM qa_visit WHERE id = %lld", (long long)visit);

    /* A visit dated tomorrow cannot be answered yet; today's can. */
    int64_t planned = start(v, "stage1_safety", "stage1", TODAY + 1);
    assert_int_equal(answer(planned, 0, QA_YES, NULL), AP_ERR_INVALID);
    assert_true(strncmp(ap_error_detail(), "Visit date:", 11) == 0);
    sql("UPDATE qa_visit SET visit_date = '%s', version = version + 1 WHERE id = %lld", day_s(0),
        (long long)planned);
    assert_int_equal(answer(planned, 0, QA_YES, NULL), AP_OK);
    sql("DELETE FROM qa_visit WHERE id = %lld", (long long)planned);

    /* Every item answered, Unsatisfactory: the next Stage 1 is a follow-up
     * 28 days on, not a year, and Stage 1 stays red meanwhile. */
    int64_t bad = start(v, "stage1_safety", "stage1", TODAY - 2);
    answer_rest(bad, QA_YES);
    struct qa_visit closed;
    assert_int_equal(close_visit(bad, "unsatisfactory", &closed), AP_OK);
    assert_int_equal(closed.next_due, TODAY - 2 + TH.qa_followup_days);
    struct qa_provider_row r = row_of(v);
    assert_int_equal(r.due[QA_STAGE1].level, FLAG_RED);
    assert_int_equal(r.due[QA_STAGE1].due, TODAY - 2 + TH.qa_followup_days);
    struct found f = flag_of(v, FLAG_KIND_QA_STAGE1);
    assert_int_equal(f.level, FLAG_RED);
    assert_non_null(strstr(f.reason, "found Unsatisfactory: follow-up visit due by"));
    /* A later open visit does not clear it; closed Satisfactory does. */
    int64_t again = start(v, "stage1_safety", "stage1", TODAY);
    answer_rest(again, QA_YES);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_STAGE1).level, FLAG_RED);
    assert_int_equal(close_visit(again, "satisfactory", &closed), AP_OK);
    assert_int_equal(closed.next_due, date_add_months(TODAY, 12));
    assert_int_equal(flag_of(v, FLAG_KIND_QA_STAGE1).count, 0);
    assert_int_equal(row_of(v).due[QA_STAGE1].level, FLAG_NONE);
}

/* ------------------------------------------------------------ the safeguarding flag */

static void test_safeguarding_no_flags_until_later_yes(void **state)
{
    (void)state;
    int64_t v = in_use("Cwm Farm");
    closed_visit(v, "stage2", -100);
    int64_t first = start(v, "stage1_safety", "stage1", TODAY - 30);
    size_t sg = first_safeguarding(first);
    /* A No on an item that is not about safeguarding raises nothing. */
    size_t plain = sg == 0 ? 1 : 0;
    assert_int_equal(answer(first, plain, QA_NO, NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 0);

    /* A No on a safeguarding item: red at once, open or closed. */
    assert_int_equal(answer(first, sg, QA_NO, "Policy not seen"), AP_OK);
    struct found f = flag_of(v, FLAG_KIND_QA_SAFEGUARDING);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.level, FLAG_RED);
    assert_non_null(strstr(f.reason, "answered No at the Stage 1 visit of 2026-02-09"));
    assert_non_null(strstr(f.reason, "follow-up visit overdue since 2026-03-09"));
    assert_non_null(strstr(f.reason, "red until a later closed visit answers it Yes"));
    struct qa_provider_row r = row_of(v);
    assert_int_equal(r.sg_open, 1);
    assert_int_equal(r.worst, FLAG_RED);
    answer_rest(first, QA_YES);
    assert_int_equal(close_visit(first, "unsatisfactory", NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);

    /* Answering it again on the same visit is not possible (closed); a
     * later visit's N/A does not clear it. */
    int64_t second = start(v, "stage1_safety", "stage1", TODAY - 10);
    assert_int_equal(answer(second, sg, QA_NA, NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);
    /* Two open Nos: one flag that says so. */
    size_t sg2 = sg + 1;
    {
        size_t n;
        struct qa_item *items = checklist(second, &n);
        while (sg2 < n && !items[sg2].safeguarding)
            sg2++;
        assert_true(sg2 < n);
        free(items);
    }
    assert_int_equal(answer(second, sg2, QA_NO, NULL), AP_OK);
    f = flag_of(v, FLAG_KIND_QA_SAFEGUARDING);
    assert_int_equal(f.count, 1);
    assert_non_null(strstr(f.reason, "(and 1 more)"));
    assert_int_equal(row_of(v).sg_open, 2);

    /* A later Yes to each clears them once that visit is closed with every
     * item answered (issue 13: an open visit's Yes cleared the red). */
    assert_int_equal(answer(second, sg, QA_YES, NULL), AP_OK);
    assert_int_equal(answer(second, sg2, QA_YES, NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);
    assert_int_equal(row_of(v).sg_open, 1); /* the first visit's No: second is still open */
    answer_rest(second, QA_YES);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);
    assert_int_equal(close_visit(second, "satisfactory", NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 0);
    assert_int_equal(row_of(v).sg_open, 0);

    /* An earlier visit's Yes does not clear a later No. */
    sql("INSERT INTO qa_visit (provider_id, stage, template_id, visit_date, visitors, closed) "
        "SELECT provider_id, stage, template_id, '%s', 'x', 1 FROM qa_visit WHERE id = %lld",
        day_s(-200), (long long)second);
    int64_t older = last_id();
    sql("INSERT INTO qa_answer (visit_id, item_id, answer) SELECT %lld, item_id, 'yes' FROM qa_answer "
        "WHERE visit_id = %lld",
        (long long)older, (long long)first);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 0);
    int64_t third = start(v, "stage1_safety", "stage1", TODAY);
    assert_int_equal(answer(third, sg, QA_NO, NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);
}

/* The same question in a new revision of the checklist clears the No. */
static void test_safeguarding_yes_in_new_revision(void **state)
{
    (void)state;
    int64_t v = in_use("Cwm Farm");
    assert_int_equal(qa_template_load(S, "spot.csv", T1, NULL, NULL), AP_OK);
    int64_t first = start(v, "spot_check", "stage1", TODAY - 30);
    assert_int_equal(answer(first, 2, QA_NO, NULL), AP_OK); /* Register seen */
    assert_int_equal(answer(first, 0, QA_NO, NULL), AP_OK); /* Fire exits are clear */
    answer_rest(first, QA_YES);
    assert_int_equal(close_visit(first, "unsatisfactory", NULL), AP_OK);
    assert_int_equal(row_of(v).sg_open, 2);

    const char *t2 = "# key=spot_check stage=stage1 title=\"Spot check\"\n"
                     "section,text,safeguarding\n"
                     "Records,Register seen,1\n"
                     "Safety,Fire exits are clear and signed,1\n";
    assert_int_equal(qa_template_load(S, "spot2.csv", t2, NULL, NULL), AP_OK);
    int64_t second = start(v, "spot_check", "stage1", TODAY);
    assert_int_equal(answer(second, 0, QA_YES, NULL), AP_OK); /* the same wording: clears */
    assert_int_equal(answer(second, 1, QA_YES, NULL), AP_OK); /* reworded: a new question */
    assert_int_equal(close_visit(second, "satisfactory", NULL), AP_OK);
    assert_int_equal(row_of(v).sg_open, 1);
    struct found f = flag_of(v, FLAG_KIND_QA_SAFEGUARDING);
    assert_int_equal(f.count, 1);
    assert_non_null(strstr(f.reason, "\"Fire exits are clear\""));
}

/* A provider not in use raises no flag, but the pane still counts its No. */
static void test_safeguarding_not_in_use(void **state)
{
    (void)state;
    int64_t v = provider("Empty Barn");
    int64_t visit = start(v, "stage1_safety", "stage1", TODAY);
    assert_int_equal(answer(visit, first_safeguarding(visit), QA_NO, NULL), AP_OK);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 0);
    struct qa_provider_row r = row_of(v);
    assert_int_equal(r.sg_open, 1);
    assert_false(r.in_use);
    assert_int_equal(r.worst, FLAG_NONE);
    /* Once a pupil is placed there, it is flagged. */
    place_pupil(v, 0);
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).level, FLAG_RED);
}

/* ------------------------------------------------------------ roles */

static void test_viewer_reads_not_writes(void **state)
{
    (void)state;
    int64_t v = provider("Cwm Farm");
    int64_t pupil = place_pupil(v, -60);
    sql("INSERT INTO concern (pupil_id, provider_id, concern_date, summary) VALUES (%lld, %lld, '%s', 'x')",
        (long long)pupil, (long long)v, day_s(-40));
    int64_t visit = start(v, "stage1_safety", "stage1", TODAY);
    assert_int_equal(answer(visit, first_safeguarding(visit), QA_NO, NULL), AP_OK);
    assert_int_equal(store_user_add(S, "viewer1", "viewer"), AP_OK);

    struct store *admin = S, *view = NULL;
    struct store_options o = {.path = F->path, .login = "viewer1"};
    if (store_open(&o, &view) != AP_OK)
        fail_msg("store_open as viewer: %s", ap_error_detail());
    S = view;
    struct qa_provider_row r = row_of(v);
    assert_int_equal(r.sg_open, 1);
    assert_int_equal(r.due[QA_STAGE2].level, FLAG_RED); /* the concern's date is readable */
    assert_int_equal(flag_of(v, FLAG_KIND_QA_SAFEGUARDING).count, 1);
    size_t n;
    struct qa_item *items = checklist(visit, &n);
    items[0].answer = QA_YES;
    assert_int_equal(qa_answer_save(view, visit, &items[0], TODAY), AP_ERR_DENIED);
    free(items);
    assert_int_equal(qa_template_load(view, "spot.csv", T1, NULL, NULL), AP_ERR_DENIED);
    S = admin;
    store_close(view);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, unit_teardown)
        T(test_stage_words_and_next_due),
        T(test_stage1_due),
        T(test_stage2_due_and_concern),
        T(test_monitoring_due),
        T(test_overview_most_overdue_first),
        T(test_template_revisions_keep_wording),
        T(test_template_bad_file_writes_nothing),
        T(test_start_checks),
        T(test_answer_versions),
        T(test_close),
        T(test_close_cannot_be_fooled),
        T(test_safeguarding_no_flags_until_later_yes),
        T(test_safeguarding_yes_in_new_revision),
        T(test_safeguarding_not_in_use),
        T(test_viewer_reads_not_writes),
#undef T
    };
    return cmocka_run_group_tests_name("qa", tests, NULL, NULL);
}
