/* The change feed (db/feed.h): a session that refreshes from it shows
 * exactly what a fresh start would.
 *
 * A demo store; connection A is the session (its flags kept in a flagset,
 * its roll loaded once) and connection B another login making a random mix
 * of changes - marks set, changed and cleared, pupils and providers edited,
 * pupils added and taken off roll, concerns, placements made, moved and
 * ended, QA visits, PSP dates, panel cases and quotations. After each few
 * changes A reads the feed in small batches and applies it exactly as the
 * TUI does (flag_touch_add + flagset_apply for the flags, roll_change_of +
 * roll_reload_pupils for the roll); then its flags (rows and counts) and
 * every field of every roll row must equal a fresh flags_collect and
 * roll_load. Each pupil's flags as the roll shows them (how many red and
 * amber, the worst and its reason), taken after a pass over some pupils
 * from their new rows alone (flagset.h, fresh; ui/roll.c map_flags), must
 * equal the same taken from every row. The summaries the flags read instead of the marks
 * (provider_attended_week, migration 035) must equal what the marks give.
 * A test also skips one row of the feed, and another lets the summary go
 * stale, and each checks the comparison then fails, so that the proof
 * cannot pass by accident. */
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
#include "demo.h"
#include "feed.h"
#include "flags.h"
#include "flagset.h"
#include "roll.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"
#include "unit.h"

static struct unit_fixture *F; /* unit_fixture_new's, ended by unit_teardown */
#define A (F->other) /* the session */
#define B (F->s)     /* someone else */
#define TH (F->th)
static int TODAY;

/* ---- the session --------------------------------------------------------------- */

/* Each pupil's flags as the roll shows them (ui/roll.c), by pupil id. */
#define TALLY_PUPILS 8192

struct session {
    struct flag_tally *tally; /* TALLY_PUPILS of them, kept as ui/roll.c keeps its rows' */
    struct flagset flags;
    struct roll *roll;
    struct feed_pos pos;
    int64_t skip_audit_id; /* a test of the test: this audit row is "lost" */
};

struct batch {
    struct flag_touch touch;
    int64_t *pupils;
    size_t n, cap;
    bool roll_whole;
    int64_t skip_audit_id;
    int changes;
};

static void take_change(void *ctx, const struct feed_change *c)
{
    struct batch *b = ctx;
    if (b->skip_audit_id && c->audit_id == b->skip_audit_id)
        return;
    b->changes++;
    flag_touch_add(&b->touch, c);
    switch (c->whole ? ROLL_CHANGE_WHOLE : roll_change_of(c->table, c->action, c->pupil_id)) {
    case ROLL_CHANGE_NONE:
        break;
    case ROLL_CHANGE_WHOLE:
        b->roll_whole = true;
        break;
    case ROLL_CHANGE_ROW:
        if (b->n == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 16;
            b->pupils = realloc(b->pupils, b->cap * sizeof *b->pupils);
            assert_non_null(b->pupils);
        }
        b->pupils[b->n++] = c->pupil_id;
        break;
    }
}

/* One feed_read of at most limit audit rows into b, which gathers them
 * across calls: whether there is more to read. */
static bool batch_read(struct session *x, int limit, struct batch *b)
{
    bool more = false;
    assert_int_equal(feed_read(A, &x->pos, limit, take_change, b, &more), AP_OK);
    return more;
}

static void batch_free(struct batch *b)
{
    flag_touch_free(&b->touch);
    free(b->pupils);
}

/* Adds n flag rows to the pupils they name, as ui/roll.c's add_flags. */
static void tally_add(struct flag_tally *t, const struct flag_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].pupil_id)
            continue;
        assert_true(rows[i].pupil_id < TALLY_PUPILS);
        flag_tally_add(&t[rows[i].pupil_id], &rows[i]);
    }
}

static void tally_all(struct flag_tally *t, const struct flagset *fs)
{
    memset(t, 0, TALLY_PUPILS * sizeof *t);
    tally_add(t, fs->rows, fs->n);
}

/* After flagset_apply changed the set: the tally as ui/roll.c's map_flags
 * brings it up to date. */
static void tally_changed(struct flag_tally *t, const struct flagset *fs)
{
    if (!fs->fresh) {
        tally_all(t, fs);
        return;
    }
    assert_true(fs->fresh_from <= fs->n);
    for (size_t i = 0; i < fs->n_fresh_pupils; i++) {
        assert_true(fs->fresh_pupils[i] > 0 && fs->fresh_pupils[i] < TALLY_PUPILS);
        t[fs->fresh_pupils[i]] = (struct flag_tally){0};
    }
    tally_add(t, fs->rows + fs->fresh_from, fs->n - fs->fresh_from);
}

static void session_start(struct session *x)
{
    memset(x, 0, sizeof *x);
    assert_int_equal(feed_head(A, &x->pos), AP_OK);
    assert_int_equal(flagset_load(&x->flags, A, &TH, TODAY), AP_OK);
    assert_int_equal(roll_load(A, TODAY, &x->roll), AP_OK);
    x->tally = malloc(TALLY_PUPILS * sizeof *x->tally);
    assert_non_null(x->tally);
    tally_all(x->tally, &x->flags);
}

static void session_end(struct session *x)
{
    free(x->tally);
    flagset_free(&x->flags);
    roll_free(x->roll);
    memset(x, 0, sizeof *x); /* ended twice (a test failed between end and start) frees nothing twice */
}

/* Reads the feed in batches of at most `limit` audit rows and applies each:
 * whether flagset_apply said the flags changed in any. */
static bool session_refresh(struct session *x, int limit)
{
    bool more = true, moved = false;
    while (more) {
        struct batch b = {.skip_audit_id = x->skip_audit_id};
        bool changed = false;
        more = batch_read(x, limit, &b);
        assert_int_equal(flagset_apply(&x->flags, A, &TH, TODAY, &b.touch, &changed), AP_OK);
        moved |= changed;
        if (changed)
            tally_changed(x->tally, &x->flags);
        bool whole = b.roll_whole;
        if (!whole)
            assert_int_equal(roll_reload_pupils(A, x->roll, b.pupils, b.n, &whole), AP_OK);
        if (whole) {
            roll_free(x->roll);
            assert_int_equal(roll_load(A, TODAY, &x->roll), AP_OK);
        }
        free(b.pupils);
    }
    return moved;
}

/* ---- comparing with a fresh start ------------------------------------------ */


/* provider_attended_week as the marks give it: per provider, week and
 * learner, a bit for each session attended (migration 035). */
#define ATTENDED_FROM_MARKS                                                                         \
    "SELECT m.provider_id, m.day - (m.day + 3) %% 7, m.pupil_id, "                                 \
    "  sum(1 << (2 * ((m.day + 3) %% 7) + (m.session = 'pm'))) "                                   \
    "FROM attendance_mark m JOIN attendance_code c "                                               \
    "  ON c.code_set = (SELECT value FROM meta WHERE key = 'code_set') AND c.code = m.code "      \
    "WHERE m.provider_id IS NOT NULL AND c.category IN ('present', 'aea') GROUP BY 1, 2, 3"
#define ATTENDED_KEPT "SELECT provider_id, week, pupil_id, sessions FROM provider_attended_week"

/* Where the session differs from a fresh start, in words (buf empty: nowhere). */
static void differences(const struct session *x, char *buf, size_t len)
{
    buf[0] = '\0';
    /* A fresh start reads the summaries too: they must be what the marks say. */
    int64_t stale = unit_int(B, "SELECT count(*) FROM (" ATTENDED_KEPT " EXCEPT " ATTENDED_FROM_MARKS ")") +
                    unit_int(B, "SELECT count(*) FROM (" ATTENDED_FROM_MARKS " EXCEPT " ATTENDED_KEPT ")");
    if (stale) {
        snprintf(buf, len, "%lld rows of provider_attended_week differ from the marks", (long long)stale);
        return;
    }
    unit_flags_differences(B, &TH, TODAY, &x->flags, buf, len);
    if (buf[0])
        return;
    struct flag_tally *all = malloc(TALLY_PUPILS * sizeof *all);
    assert_non_null(all);
    tally_all(all, &x->flags);
    for (int64_t id = 1; !buf[0] && id < TALLY_PUPILS; id++) {
        const struct flag_tally *a = &x->tally[id], *b = &all[id];
        if (a->red != b->red || a->amber != b->amber || a->level != b->level ||
            strcmp(a->reason ? a->reason : "", b->reason ? b->reason : "") != 0)
            snprintf(buf, len, "pupil %lld's flags taken from the changed rows: %d red %d amber (%s); "
                     "from every row: %d red %d amber (%s)", (long long)id, a->red, a->amber,
                     a->reason ? a->reason : "-", b->red, b->amber, b->reason ? b->reason : "-");
    }
    free(all);
    if (buf[0])
        return;

    struct roll *r = NULL;
    assert_int_equal(roll_load(B, TODAY, &r), AP_OK);
    const struct roll *m = x->roll;
    if (m->n != r->n)
        snprintf(buf, len, "%zu pupils on the roll, fresh %zu", m->n, r->n);
    for (size_t i = 0; !buf[0] && i < r->n; i++) {
        const struct roll_row *a = &m->rows[i], *b = &r->rows[i];
        bool same = a->id == b->id && strcmp(a->display_name, b->display_name) == 0 &&
                    strcmp(a->upn, b->upn) == 0 && a->dob == b->dob && a->year_group == b->year_group &&
                    a->home_school_id == b->home_school_id && strcmp(a->home_school, b->home_school) == 0 &&
                    strcmp(a->roll_status, b->roll_status) == 0 && strcmp(a->cohort, b->cohort) == 0 &&
                    strcmp(a->plan, b->plan) == 0 && a->cla == b->cla && a->fsm == b->fsm &&
                    strcmp(a->providers, b->providers) == 0 && a->n_providers == b->n_providers &&
                    a->weekly_hours == b->weekly_hours && a->possible == b->possible &&
                    a->attending == b->attending && a->has_attendance == b->has_attendance &&
                    (!a->has_attendance || a->attendance_pct == b->attendance_pct) &&
                    a->start_date == b->start_date && a->end_date == b->end_date && a->on_roll == b->on_roll;
        for (size_t k = 0; same && k < a->n_providers; k++)
            same = a->provider_ids[k] == b->provider_ids[k];
        if (!same)
            snprintf(buf, len, "roll row %zu (pupil %lld): %s %d/%d [%s], fresh %s %d/%d [%s]", i, (long long)b->id,
                     a->display_name, a->attending, a->possible, a->providers, b->display_name, b->attending,
                     b->possible, b->providers);
    }
    roll_free(r);
}

static void assert_same_as_fresh(const struct session *x, const char *after)
{
    char diff[1024];
    differences(x, diff, sizeof diff);
    if (diff[0])
        fail_msg("after %s the session differs from a fresh start: %s", after, diff);
}

/* ---- the other login's changes ------------------------------------------------ */

static unsigned long rng = 12345;
static int pick(int n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (int)((rng >> 33) % (unsigned long)n);
}

static int64_t any_pupil(void)
{
    return unit_int(B, "SELECT id FROM pupil ORDER BY id LIMIT 1 OFFSET %d", pick((int)unit_int(B, "SELECT count(*) FROM pupil")));
}

static int64_t any_provider(void)
{
    return unit_int(B, "SELECT id FROM provider ORDER BY id LIMIT 1 OFFSET %d",
                   pick((int)unit_int(B, "SELECT count(*) FROM provider")));
}

/* A school day in the last four weeks, today included. */
static int recent_day(void)
{
    int d;
    do
        d = TODAY - pick(28);
    while (date_weekday(d) > 4);
    return d;
}

static const char *const codes[] = {"/", "\\", "B", "I", "C", "O", "N", "U", "M", "D", "L", "G"};

static const char *change_one(void)
{
    static char what[128];
    char day[11], today[11];
    date_format(TODAY, today);
    int64_t p = any_pupil(), v = any_provider();
    int kind = pick(16);
    switch (kind) {
    case 0: case 1: case 2: case 3: case 4: { /* a mark, set or changed: the commonest change */
        int d = recent_day();
        int64_t at = unit_int(B, "SELECT coalesce((SELECT provider_id FROM placement WHERE pupil_id = %lld AND status = 'active' LIMIT 1), 0)",
                             (long long)p);
        const char *code = codes[pick((int)(sizeof codes / sizeof *codes))];
        unit_sql(B, "INSERT INTO attendance_mark (pupil_id, day, session, code, provider_id, source) "
              "VALUES (%lld, %d, '%s', '%s', %s, 'officer') "
              "ON CONFLICT (pupil_id, day, session) DO UPDATE SET code = excluded.code, version = version + 1",
              (long long)p, d, pick(2) ? "am" : "pm", code[0] == '\\' ? "\\" : code,
              at ? (snprintf(what, sizeof what, "%lld", (long long)at), what) : "NULL");
        snprintf(what, sizeof what, "a mark");
        break;
    }
    case 5: /* a mark cleared, or put down to another provider */
        if (pick(2)) {
            unit_sql(B, "DELETE FROM attendance_mark WHERE pupil_id = %lld AND day = "
                  "(SELECT max(day) FROM attendance_mark WHERE pupil_id = %lld)",
                  (long long)p, (long long)p);
            snprintf(what, sizeof what, "a mark cleared");
        } else {
            unit_sql(B, "UPDATE attendance_mark SET provider_id = %lld, version = version + 1 "
                  "WHERE pupil_id = %lld AND day = (SELECT max(day) FROM attendance_mark WHERE pupil_id = %lld)",
                  (long long)v, (long long)p, (long long)p);
            snprintf(what, sizeof what, "a mark moved to another provider");
        }
        break;
    case 6: /* a pupil edited */
        switch (pick(4)) {
        case 0:
            unit_sql(B, "UPDATE pupil SET cla = 1 - cla, version = version + 1 WHERE id = %lld", (long long)p);
            break;
        case 1:
            unit_sql(B, "UPDATE pupil SET end_date = CASE WHEN end_date IS NULL THEN '%s' ELSE NULL END, "
                  "version = version + 1 WHERE id = %lld",
                  date_format(TODAY - 1 - pick(3), day), (long long)p);
            break;
        case 2:
            unit_sql(B, "UPDATE pupil SET preferred_name = CASE WHEN preferred_name = '' THEN 'Zed' ELSE '' END, "
                  "version = version + 1 WHERE id = %lld",
                  (long long)p);
            break;
        default:
            unit_sql(B, "UPDATE pupil SET plan = CASE plan WHEN 'none' THEN 'ehcp' ELSE 'none' END, "
                  "version = version + 1 WHERE id = %lld",
                  (long long)p);
            break;
        }
        snprintf(what, sizeof what, "a pupil edited");
        break;
    case 7: /* a provider edited */
        switch (pick(3)) {
        case 0:
            unit_sql(B, "UPDATE provider SET status = CASE status WHEN 'active' THEN 'suspended' ELSE 'active' END, "
                  "version = version + 1 WHERE id = %lld",
                  (long long)v);
            break;
        case 1:
            unit_sql(B, "UPDATE provider SET insurance_expiry = '%s', version = version + 1 WHERE id = %lld",
                  date_format(TODAY + pick(60) - 30, day), (long long)v);
            break;
        default:
            unit_sql(B, "UPDATE provider SET name = name || ' (new)', version = version + 1 WHERE id = %lld",
                  (long long)v);
            break;
        }
        snprintf(what, sizeof what, "a provider edited");
        break;
    case 8: /* a concern */
        if (pick(2))
            unit_sql(B, "INSERT INTO concern (pupil_id, concern_date, kind, summary) "
                  "VALUES (%lld, '%s', 'safeguarding', 'worried')",
                  (long long)p, date_format(TODAY - pick(10), day));
        else
            unit_sql(B, "INSERT INTO concern (pupil_id, provider_id, concern_date, kind, summary) "
                  "VALUES (%lld, %lld, '%s', 'incident', 'late again')",
                  (long long)p, (long long)v, date_format(TODAY - pick(10), day));
        snprintf(what, sizeof what, "a concern");
        break;
    case 9: /* a placement made, with sessions */
        unit_sql(B, "INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
              "VALUES (%lld, %lld, '%s', '%s', 'session', 5000); "
              "INSERT INTO placement_session (placement_id, weekday, session, hours) "
              "VALUES (last_insert_rowid(), %d, 'am', 3)",
              (long long)p, (long long)v, pick(3) ? "active" : "proposed", date_format(TODAY - pick(20), day),
              pick(5));
        snprintf(what, sizeof what, "a placement made");
        break;
    case 10: { /* a placement ended or moved to another provider */
        int64_t l = unit_int(B, "SELECT coalesce((SELECT id FROM placement WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET %d), 0)",
                            pick(20));
        if (!l)
            return "nothing";
        if (pick(2))
            unit_sql(B, "UPDATE placement SET status = 'ended', end_date = max(start_date, '%s'), version = version + 1 "
                  "WHERE id = %lld",
                  date_format(TODAY - 1, day), (long long)l);
        else
            unit_sql(B, "UPDATE placement SET provider_id = %lld, version = version + 1 WHERE id = %lld", (long long)v,
                  (long long)l);
        snprintf(what, sizeof what, "a placement ended or moved");
        break;
    }
    case 11: { /* a placement's sessions changed */
        int64_t l = unit_int(B, "SELECT coalesce((SELECT id FROM placement WHERE status = 'active' ORDER BY id DESC LIMIT 1 OFFSET %d), 0)",
                            pick(20));
        if (!l)
            return "nothing";
        unit_sql(B, "DELETE FROM placement_session WHERE placement_id = %lld AND weekday = %d", (long long)l, pick(5));
        snprintf(what, sizeof what, "a placement's sessions");
        break;
    }
    case 12: /* a QA visit */
        unit_sql(B, "INSERT INTO qa_visit (provider_id, stage, visit_date, outcome, closed) "
              "VALUES (%lld, '%s', '%s', '%s', 1)",
              (long long)v, pick(2) ? "stage1" : "monitoring", date_format(TODAY - pick(30), day),
              pick(2) ? "satisfactory" : "unsatisfactory");
        snprintf(what, sizeof what, "a QA visit");
        break;
    case 13: /* a PSP's review date */
        unit_sql(B, "UPDATE psp SET next_review_date = '%s', version = version + 1 WHERE id = "
              "(SELECT id FROM psp ORDER BY id LIMIT 1 OFFSET %d)",
              date_format(TODAY + pick(40) - 20, day), pick(5));
        snprintf(what, sizeof what, "a PSP review date");
        break;
    case 14: /* a panel case with a quotation */
        unit_sql(B, "INSERT INTO panel_case (pupil_id, reason, referral_date, panel_date) VALUES (%lld, 'pex', '%s', '%s'); "
              "INSERT INTO quote (case_id, provider_id, cost_basis, rate, sessions_per_week) "
              "VALUES (last_insert_rowid(), %lld, 'week', %d, 5)",
              (long long)p, date_format(TODAY - 20, day), today, (long long)v, 10000 + pick(900000));
        snprintf(what, sizeof what, "a panel case");
        break;
    default: /* a new pupil */
        unit_sql(B, "INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) "
              "VALUES ('Z%012d', 'New', 'Pupil%d', '2012-05-01', 'sole_prs', 'pru_plus')",
              pick(999999999), pick(1000));
        snprintf(what, sizeof what, "a new pupil");
        break;
    }
    return what;
}

/* ---- fixtures ------------------------------------------------------------------ */

static struct session X; /* the session each test starts with, A's */

static void end_session(struct unit_fixture *f)
{
    (void)f;
    session_end(&X);
}

static int setup(void **state)
{
    setenv("APTERM_TODAY", "2026-11-18", 1);
    TODAY = date_today();
    F = unit_fixture_new(state, sizeof *F, "feed", "tester");
    unit_demo(B, 120, 6, 1);
    A = unit_open_as(B, F->path, "tester", NULL);
    session_start(&X);
    F->end = end_session;
    return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

/* Nothing changed: nothing read, and the session is a fresh start. */
static void test_quiet_feed(void **state)
{
    (void)state;
    struct feed_pos before = X.pos;
    session_refresh(&X, 10);
    assert_int_equal(X.pos.id, before.id);
    assert_same_as_fresh(&X, "no change");
}

/* The proof: 300 random changes, applied after every few in batches of a
 * few audit rows, and compared with a fresh start each time. */
static void test_random_changes_match_fresh_start(void **state)
{
    (void)state;
    assert_same_as_fresh(&X, "the start");
    char after[2048];
    int done = 0;
    while (done < 300) {
        int n = 1 + pick(5);
        after[0] = '\0';
        for (int i = 0; i < n; i++, done++) {
            size_t used = strlen(after);
            snprintf(after + used, sizeof after - used, "%s%s", i ? ", " : "", change_one());
        }
        session_refresh(&X, 1 + pick(6));
        assert_same_as_fresh(&X, after);
    }
}

/* The proof can fail: a session that loses one audit row of a change that
 * raises a flag (a provider in use suspended) no longer matches. */
static void test_a_skipped_row_is_seen(void **state)
{
    (void)state;
    int64_t v = unit_int(B, "SELECT provider_id FROM placement WHERE status = 'active' AND start_date <= '2026-11-18' "
                        "AND end_date IS NULL LIMIT 1");
    assert_true(v > 0);
    unit_sql(B, "UPDATE provider SET status = 'suspended', version = version + 1 WHERE id = %lld", (long long)v);
    X.skip_audit_id = unit_int(B, "SELECT max(id) FROM audit_log");
    session_refresh(&X, 10);
    char diff[1024];
    differences(&X, diff, sizeof diff);
    assert_true(diff[0] != '\0');
    /* ... and one that reads it is right. */
    session_end(&X);
    session_start(&X);
    unit_sql(B, "UPDATE provider SET status = 'active', version = version + 1 WHERE id = %lld", (long long)v);
    session_refresh(&X, 10);
    assert_same_as_fresh(&X, "a provider suspended and back");
}

/* The monitoring reasons of the session's flags, by provider, joined (to
 * see them change: one row a provider at most). */
static void monitoring_reasons(const struct session *x, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
    int64_t last = 0;
    for (;;) {
        const struct flag_row *next = NULL;
        for (size_t i = 0; i < x->flags.n; i++) {
            const struct flag_row *r = &x->flags.rows[i];
            if (strcmp(r->kind, FLAG_KIND_MONITORING) == 0 && r->provider_id > last &&
                (!next || r->provider_id < next->provider_id))
                next = r;
        }
        if (!next || used >= len)
            return;
        snprintf(buf + used, len - used, "%lld %s|", (long long)next->provider_id, next->reason);
        used = strlen(buf);
        last = next->provider_id;
    }
}

/* A mark changes its provider's monitoring flag alone (flags_monitoring_of_
 * provider): the learners' attended sessions of the last two weeks taken
 * away, then put back, and the session shows each as a fresh start does,
 * with the sessions counted (the reasons) changed and then as they were. */
static void test_marks_move_the_monitoring_count(void **state)
{
    (void)state;
    char before[8192], gone[8192], back[8192];
    monitoring_reasons(&X, before, sizeof before);
    assert_non_null(strstr(before, "of their own sessions since the last visit"));
    unit_sql(B, "CREATE TABLE kept_marks AS SELECT * FROM attendance_mark WHERE provider_id IS NOT NULL "
                "AND code IN (SELECT code FROM attendance_code WHERE category IN ('present', 'aea') "
                "AND code_set = (SELECT value FROM meta WHERE key = 'code_set')) AND day > %d", TODAY - 14);
    assert_true(unit_int(B, "SELECT count(*) FROM kept_marks") > 0);
    unit_sql(B, "DELETE FROM attendance_mark WHERE (pupil_id, day, session) IN "
                "(SELECT pupil_id, day, session FROM kept_marks)");
    session_refresh(&X, 64);
    assert_same_as_fresh(&X, "attended marks of two weeks cleared");
    monitoring_reasons(&X, gone, sizeof gone);
    assert_string_not_equal(gone, before);
    unit_sql(B, "INSERT INTO attendance_mark SELECT * FROM kept_marks");
    session_refresh(&X, 64);
    assert_same_as_fresh(&X, "the same marks recorded again");
    monitoring_reasons(&X, back, sizeof back);
    assert_string_equal(back, before);
}

/* The proof can fail: with the summary's trigger gone, clearing marks
 * leaves provider_attended_week stale, and the comparison says so. */
static void test_a_stale_summary_is_seen(void **state)
{
    (void)state;
    unit_sql(B, "DROP TRIGGER provider_attended_week_del");
    unit_sql(B, "DELETE FROM attendance_mark WHERE provider_id IS NOT NULL AND day > %d", TODAY - 7);
    session_refresh(&X, 64);
    char diff[1024];
    differences(&X, diff, sizeof diff);
    assert_non_null(strstr(diff, "provider_attended_week"));
}

/* A pupil's marks all cleared (as an erasure does) leave no row of them in
 * provider_attended_week: the summary keeps nobody's pattern of attendance. */
static void test_cleared_marks_leave_no_attended_rows(void **state)
{
    (void)state;
    int64_t p = unit_int(B, "SELECT pupil_id FROM provider_attended_week ORDER BY pupil_id LIMIT 1");
    assert_true(p > 0);
    unit_sql(B, "DELETE FROM attendance_mark WHERE pupil_id = %lld", (long long)p);
    assert_int_equal(unit_int(B, "SELECT count(*) FROM provider_attended_week WHERE pupil_id = %lld", (long long)p), 0);
}

#define EDIT_PUPIL "UPDATE pupil SET fsm = 1 - fsm, version = version + 1 WHERE id = %lld"

/* feed_fn for a session with a view open (ui/ui.c's read_feed): the
 * changes wait in a feed_pending, and each one kept is what the views are
 * told of. */
static void keep_pending(void *ctx, const struct feed_change *c)
{
    feed_pending_add(ctx, c);
}

static size_t read_pending(struct session *x, struct feed_pending *p)
{
    size_t from = p->n;
    feed_pending_read(p);
    bool more = true;
    while (more)
        assert_int_equal(feed_read(A, &x->pos, 64, keep_pending, p, &more), AP_OK);
    return p->n - from;
}

/* Two changes to one row while a view is open: in one read the row is kept
 * (and the views told) once; a change to it in a later read, while the
 * earlier still waits for the panes, is kept again, for the views must hear
 * of it again. Another row is kept beside it; more than the set holds makes
 * it whole. */
static void test_two_changes_to_one_row_while_a_view_is_open(void **state)
{
    (void)state;
    struct feed_pending p;
    feed_pending_init(&p, 4);
    int64_t a = unit_int(B, "SELECT min(id) FROM pupil"), b = unit_int(B, "SELECT max(id) FROM pupil");
    unit_sql(B, EDIT_PUPIL, (long long)a);
    unit_sql(B, EDIT_PUPIL, (long long)a);
    assert_int_equal(read_pending(&X, &p), 1);
    assert_int_equal(p.rows[0].pupil_id, a);
    assert_string_equal(p.rows[0].table, "pupil");
    /* The view is still open: the next read's change to the same row is kept again. */
    unit_sql(B, EDIT_PUPIL, (long long)a);
    unit_sql(B, EDIT_PUPIL, (long long)b);
    unit_sql(B, EDIT_PUPIL, (long long)a);
    assert_int_equal(read_pending(&X, &p), 2);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.rows[1].pupil_id, a);
    assert_int_equal(p.rows[2].pupil_id, b);
    assert_false(p.whole);
    /* A mark and an edit of the same pupil are two changes. */
    unit_sql(B, "INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, %d, 'am', 'N', 'officer') "
                "ON CONFLICT (pupil_id, day, session) DO UPDATE SET code = 'N', version = version + 1",
             (long long)a, TODAY);
    assert_int_equal(read_pending(&X, &p), 1);
    assert_int_equal(p.n, 4);
    /* The set is full: one more change makes it whole, and it stays whole. */
    unit_sql(B, EDIT_PUPIL, (long long)b);
    assert_int_equal(read_pending(&X, &p), 0);
    assert_true(p.whole);
    unit_sql(B, EDIT_PUPIL, (long long)a);
    assert_int_equal(read_pending(&X, &p), 0);
    assert_true(p.whole);
    /* Given to the panes: empty again. */
    feed_pending_clear(&p);
    assert_int_equal(p.n, 0);
    assert_false(p.whole);
    unit_sql(B, EDIT_PUPIL, (long long)a);
    assert_int_equal(read_pending(&X, &p), 1);
    feed_pending_free(&p);
}

/* flagset_apply says the flags changed only when a row did: a pupil's free
 * school meals (no rule reads them) changes none; a provider in use
 * suspended raises one; and either way the set is a fresh start's. */
static void test_apply_says_whether_the_flags_changed(void **state)
{
    (void)state;
    int64_t p = unit_int(B, "SELECT pupil_id FROM placement WHERE status = 'active' LIMIT 1");
    unit_sql(B, EDIT_PUPIL, (long long)p);
    assert_false(session_refresh(&X, 64));
    assert_same_as_fresh(&X, "free school meals");
    int64_t v = unit_int(B, "SELECT provider_id FROM placement WHERE status = 'active' AND start_date <= '2026-11-18' "
                        "AND end_date IS NULL LIMIT 1");
    unit_sql(B, "UPDATE provider SET status = 'suspended', version = version + 1 WHERE id = %lld", (long long)v);
    assert_true(session_refresh(&X, 64));
    assert_same_as_fresh(&X, "a provider suspended");
}

/* Exports and backups change nothing: the feed moves past them and nothing is touched. */
static void test_export_rows_touch_nothing(void **state)
{
    (void)state;
    unit_sql(B, "INSERT INTO audit_log (login, tbl, row_key, action, new_value) "
          "VALUES ('b', 'export', 'dmt', 'export', json_object('file', '/tmp/x.xlsx'))");
    struct batch b = {0};
    assert_false(batch_read(&X, 10, &b));
    assert_int_equal(b.changes, 0);
    assert_int_equal(X.pos.id, unit_int(B, "SELECT max(id) FROM audit_log"));
    batch_free(&b);
}

/* A store whose audit log no longer holds the row last applied (restored
 * from an older backup): the feed says read everything again. */
static void test_restored_store_reads_whole(void **state)
{
    (void)state;
    unit_sql(B, "UPDATE pupil SET cla = 1 - cla, version = version + 1 WHERE id = (SELECT min(id) FROM pupil)");
    session_refresh(&X, 10);
    /* The history after an older point, made again differently. */
    int64_t last = X.pos.id;
    unit_sql(B, "DELETE FROM audit_log WHERE id >= %lld", (long long)last);
    unit_sql(B, "UPDATE pupil SET cla = 1 - cla, version = version + 1 WHERE id = (SELECT min(id) FROM pupil)");
    assert_int_equal(unit_int(B, "SELECT max(id) FROM audit_log"), last); /* the same id, another row */
    struct batch b = {0};
    batch_read(&X, 10, &b);
    assert_true(b.touch.all);
    assert_true(b.roll_whole);
    batch_free(&b);
}

/* Batches: at most `limit` audit rows are read per call, and more says so. */
static void test_batches_are_bounded(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        unit_sql(B, "UPDATE pupil SET fsm = 1 - fsm, version = version + 1 WHERE id = (SELECT min(id) FROM pupil)");
    int64_t start = X.pos.id;
    struct batch b = {0};
    assert_true(batch_read(&X, 2, &b));
    assert_int_equal(b.changes, 2);
    assert_int_equal(X.pos.id - start, 2);
    batch_read(&X, 3, &b);
    assert_int_equal(b.changes, 5);
    assert_false(batch_read(&X, 3, &b));
    assert_int_equal(b.changes, 5);
    batch_free(&b);
}

/* The flags kept in the store: a new session starts from them and the feed
 * from where they were counted, and then matches a fresh start; kept flags
 * of another day or other thresholds are not used; deleting a pupil drops
 * them (they name pupils). */
static void test_kept_flags_and_the_feed_match_fresh_start(void **state)
{
    (void)state;
    assert_int_equal(flagset_save(&X.flags, A, &TH, &X.pos), AP_OK);
    for (int i = 0; i < 40; i++)
        change_one();
    /* A new session: the kept flags, then the feed from their audit row. */
    struct session y;
    memset(&y, 0, sizeof y);
    bool found = false;
    assert_int_equal(flagset_load_saved(&y.flags, A, &TH, TODAY, &y.pos, &found), AP_OK);
    assert_true(found);
    assert_int_equal(y.pos.id, X.pos.id);
    assert_int_equal(y.flags.n, X.flags.n);
    assert_int_equal(roll_load(A, TODAY, &y.roll), AP_OK);
    y.tally = malloc(TALLY_PUPILS * sizeof *y.tally);
    assert_non_null(y.tally);
    tally_all(y.tally, &y.flags);
    session_refresh(&y, 5);
    assert_same_as_fresh(&y, "40 changes after the flags were kept");
    /* Kept as of now: read back, they are the same rows. */
    assert_int_equal(flagset_save(&y.flags, A, &TH, &y.pos), AP_OK);
    struct flagset back = {0};
    struct feed_pos at;
    assert_int_equal(flagset_load_saved(&back, A, &TH, TODAY, &at, &found), AP_OK);
    assert_true(found);
    assert_int_equal(at.id, y.pos.id);
    assert_int_equal(back.n, y.flags.n);
    assert_int_equal(back.counts.red, y.flags.counts.red);
    assert_int_equal(back.counts.amber, y.flags.counts.amber);
    for (size_t i = 0; i < back.n; i++)
        assert_int_equal(flagset_row_cmp(&back.rows[i], &y.flags.rows[i]), 0);
    flagset_free(&back);
    /* Another day, other thresholds: not used, and the set is left alone. */
    struct flagset other = {0};
    assert_int_equal(flagset_load_saved(&other, A, &TH, TODAY + 1, &at, &found), AP_OK);
    assert_false(found);
    assert_false(other.known);
    struct thresholds th2 = TH;
    th2.persistent_absence_pct += 1;
    assert_int_equal(flagset_load_saved(&other, A, &th2, TODAY, &at, &found), AP_OK);
    assert_false(found);
    /* A pupil deleted: nothing kept names them any more. */
    int64_t p = unit_int(B, "SELECT max(id) FROM pupil WHERE id NOT IN (SELECT pupil_id FROM attendance_mark) "
                        "AND id NOT IN (SELECT pupil_id FROM placement) AND id NOT IN (SELECT pupil_id FROM contact) "
                        "AND id NOT IN (SELECT pupil_id FROM concern) AND id NOT IN (SELECT pupil_id FROM panel_case) "
                        "AND id NOT IN (SELECT pupil_id FROM psp) AND id NOT IN (SELECT pupil_id FROM tracking_action) "
                        "AND id NOT IN (SELECT pupil_id FROM progress_entry) AND id NOT IN (SELECT pupil_id FROM absence_call)");
    if (p == 0) {
        unit_sql(B, "INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) "
              "VALUES ('Z123456789012', 'Gone', 'Soon', '2012-05-01', 'sole_prs', 'pru_plus')");
        p = unit_int(B, "SELECT max(id) FROM pupil");
        assert_int_equal(flagset_save(&y.flags, A, &TH, &y.pos), AP_OK);
    }
    assert_int_equal(unit_int(B, "SELECT count(*) FROM flag_cache"), 1);
    unit_sql(B, "DELETE FROM pupil WHERE id = %lld", (long long)p);
    assert_int_equal(unit_int(B, "SELECT count(*) FROM flag_cache"), 0);
    assert_int_equal(flagset_load_saved(&other, A, &TH, TODAY, &at, &found), AP_OK);
    assert_false(found);
    /* ... and keeping them is not audited (derived, like attendance_week). */
    int64_t audited = unit_int(B, "SELECT count(*) FROM audit_log WHERE tbl = 'flag_cache'");
    assert_int_equal(audited, 0);
    session_end(&y);
}

/* At, below and above FLAGSET_MAX_RECORDS pupils touched by one batch (a
 * pass per pupil up to it, one whole pass beyond): the same flags as a fresh
 * start either way. Marks with no provider touch their pupil alone. */
static void touch_pupils(int n)
{
    session_end(&X); /* a session of its own, started after what the store holds now */
    session_start(&X);
    unit_mark_unmarked_day(B, TODAY, n); /* the marks are all new */
    struct batch b = {0};
    while (batch_read(&X, 1000, &b))
        ;
    assert_false(b.touch.all);
    assert_int_equal((int)b.touch.np, n);
    assert_int_equal((int)b.touch.nv, 0);
    bool changed = false;
    assert_int_equal(flagset_apply(&X.flags, A, &TH, TODAY, &b.touch, &changed), AP_OK);
    assert_true(changed);
    tally_changed(X.tally, &X.flags);
    free(b.pupils);
    roll_free(X.roll);
    assert_int_equal(roll_load(A, TODAY, &X.roll), AP_OK);
    char after[64];
    snprintf(after, sizeof after, "marks for %d pupils in one batch", n);
    assert_same_as_fresh(&X, after);
}

static void test_many_pupils_at_the_limit(void **state)
{
    (void)state;
    assert_true(unit_int(B, "SELECT count(*) FROM pupil") > FLAGSET_MAX_RECORDS + 1);
    touch_pupils(FLAGSET_MAX_RECORDS - 1);
    touch_pupils(FLAGSET_MAX_RECORDS);
    touch_pupils(FLAGSET_MAX_RECORDS + 1);
}

/* Keeping the flags never waits for another user's save: with B writing,
 * it keeps nothing and says nothing (the next session counts again); once B
 * is done it keeps them. */
static void test_keeping_flags_never_waits(void **state)
{
    (void)state;
    assert_int_equal(store_begin(B), AP_OK);
    assert_int_equal(flagset_save(&X.flags, A, &TH, &X.pos), AP_OK);
    store_rollback(B);
    bool found = true;
    struct flagset other = {0};
    struct feed_pos at;
    assert_int_equal(flagset_load_saved(&other, A, &TH, TODAY, &at, &found), AP_OK);
    assert_false(found);
    assert_int_equal(flagset_save(&X.flags, A, &TH, &X.pos), AP_OK);
    assert_int_equal(flagset_load_saved(&other, A, &TH, TODAY, &at, &found), AP_OK);
    assert_true(found);
    flagset_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_quiet_feed, setup),
        UNIT_TEST(test_random_changes_match_fresh_start, setup),
        UNIT_TEST(test_a_skipped_row_is_seen, setup),
        UNIT_TEST(test_marks_move_the_monitoring_count, setup),
        UNIT_TEST(test_a_stale_summary_is_seen, setup),
        UNIT_TEST(test_cleared_marks_leave_no_attended_rows, setup),
        UNIT_TEST(test_two_changes_to_one_row_while_a_view_is_open, setup),
        UNIT_TEST(test_apply_says_whether_the_flags_changed, setup),
        UNIT_TEST(test_export_rows_touch_nothing, setup),
        UNIT_TEST(test_restored_store_reads_whole, setup),
        UNIT_TEST(test_batches_are_bounded, setup),
        UNIT_TEST(test_kept_flags_and_the_feed_match_fresh_start, setup),
        UNIT_TEST(test_many_pupils_at_the_limit, setup),
        UNIT_TEST(test_keeping_flags_never_waits, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
