/* The reference data a new store is seeded with (both attendance code sets,
 * the QA checklists, the calendar), the CSV reader behind it, and the demo
 * generator, on real temporary SQLite files. The clock is fixed at
 * 2026-11-22 (APTERM_TODAY) so the demo's weeks of marks are the same on
 * every run. */

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
#include "demo.h"
#include "embedded.h"
#include "flags.h"
#include "seed.h"
#include "store.h"
#include "thresholds.h"
#include "upn.h"
#include "unit.h"

#define TODAY "2026-11-22"

static struct store *create_store(const char *path, const char *code_set)
{
    struct store_options opt = {.path = path, .login = "tester", .code_set = code_set, .create = true};
    struct store *s = NULL;
    ap_status st = store_open(&opt, &s);
    if (st != AP_OK)
        fail_msg("store_open(%s): %s", path, ap_error_detail());
    return s;
}

static int64_t query_int(struct store *s, const char *sql)
{
    return unit_int(s, "%s", sql);
}

static char *query_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

/* ---- Seeding a new store ------------------------------------------------------------------ */

static void test_new_store_holds_both_code_sets(void **state)
{
    struct unit_fixture *f = *state;
    char buf[256];
    sqlite3 *db = store_db(f->s);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_code WHERE code_set = 'wales'") >= 25);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_code WHERE code_set = 'england'") >= 25);
    /* England's K, current; H, J and Y retired at the end of August 2024. */
    assert_string_equal(query_text(db,
                                   "SELECT category || '|' || valid_from || '|' || coalesce(valid_to, '') "
                                   "FROM attendance_code WHERE code_set = 'england' AND code = 'K'",
                                   buf, sizeof buf),
                        "aea|2024-09-01|");
    for (const char *c = "HJY"; *c; c++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT valid_to FROM attendance_code WHERE code_set = 'england' AND code = '%c'",
                 *c);
        assert_string_equal(query_text(db, sql, buf, sizeof buf), "2024-08-31");
    }
    /* Wales has no K; its codes are all current. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_code WHERE code_set = 'wales' AND code = 'K'"),
                     0);
    assert_int_equal(
        query_int(f->s, "SELECT count(*) FROM attendance_code WHERE code_set = 'wales' AND valid_to IS NOT NULL"), 0);
    /* The codes DOMAIN.md names, with their categories, in both sets. */
    static const char *const both[][2] = {
        {"/", "present"},  {"\\", "present"},    {"L", "present"},        {"B", "aea"},
        {"I", "authorised"}, {"M", "authorised"}, {"C", "authorised"},     {"O", "unauthorised"},
        {"G", "unauthorised"}, {"N", "unauthorised"}, {"U", "unauthorised"}, {"D", "not_counted"},
        {"X", "not_counted"}, {"#", "not_counted"},
    };
    for (size_t i = 0; i < sizeof both / sizeof both[0]; i++) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "SELECT group_concat(category) FROM attendance_code WHERE code = '%s' ORDER BY code_set",
                 both[i][0]);
        char want[64];
        snprintf(want, sizeof want, "%s,%s", both[i][1], both[i][1]);
        assert_string_equal(query_text(db, sql, buf, sizeof buf), want);
    }
    /* Closures and the admin-only codes are entered by admins alone. */
    assert_string_equal(query_text(db, "SELECT group_concat(DISTINCT roles) FROM attendance_code WHERE code = '#'", buf,
                                   sizeof buf),
                        "admin");
    assert_string_equal(query_text(db, "SELECT value FROM meta WHERE key = 'code_set'", buf, sizeof buf), "wales");
}

static void test_new_store_holds_the_four_checklists(void **state)
{
    struct unit_fixture *f = *state;
    char buf[512];
    assert_string_equal(query_text(store_db(f->s),
                                   "SELECT group_concat(key || ':' || stage || ':' || revision || ':' || loaded_by, ' ') "
                                   "FROM (SELECT * FROM qa_template ORDER BY key)",
                                   buf, sizeof buf),
                        "monitoring_visit:monitoring:1:tester provider_checks:checks:1:tester "
                        "stage1_safety:stage1:1:tester stage2_progress:stage2:1:tester");
    static const struct {
        const char *sql;
        int64_t want;
    } counts[] = {
        /* Every template has items numbered 1..n, each with text. */
        {"SELECT count(*) FROM qa_template t "
         "WHERE (SELECT count(*) FROM qa_template_item i WHERE i.template_id = t.id) < 10", 0},
        {"SELECT count(*) FROM qa_template t "
         "WHERE (SELECT max(position) - count(*) FROM qa_template_item i WHERE i.template_id = t.id) != 0", 0},
        /* The checks list covers policies a to q and the insurance. */
        {"SELECT count(*) FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id "
         "WHERE t.key = 'provider_checks' AND i.text GLOB '([a-q])*'", 17},
        {"SELECT count(*) FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id "
         "WHERE t.key = 'provider_checks' AND i.section = 'Insurance'", 5},
        /* UTF-8 survives: the pound sign of the insurance minimums. */
        {"SELECT count(*) FROM qa_template_item WHERE text LIKE '%£5 million%'", 2},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        assert_int_equal(query_int(f->s, counts[i].sql), counts[i].want);
    /* Stage 1 has safeguarding items. */
    assert_true(query_int(f->s, "SELECT count(*) FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id "
                                "WHERE t.key = 'stage1_safety' AND i.safeguarding = 1") >= 8);
}

static void test_new_store_holds_the_calendar(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM term"), 12);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT academic_year) FROM term"), 4);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM term WHERE academic_year IN ('2025/26', '2026/27', "
                                     "'2027/28')"),
                     9);
    /* Closures are weekdays inside terms. */
    assert_true(query_int(f->s, "SELECT count(*) FROM closure") > 60);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM closure WHERE strftime('%w', day) IN ('0', '6')"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM closure c WHERE NOT EXISTS (SELECT 1 FROM term t "
                                     "WHERE c.day BETWEEN t.start_date AND t.end_date)"),
                     0);
    /* 190 teaching days in each academic year. */
    assert_int_equal(query_int(f->s,
                               "WITH RECURSIVE d(day) AS (SELECT '2024-08-01' UNION ALL "
                               "  SELECT date(day, '+1 day') FROM d WHERE day < '2028-08-31') "
                               "SELECT count(*) FROM (SELECT t.academic_year, count(*) AS n FROM d "
                               "  JOIN term t ON d.day BETWEEN t.start_date AND t.end_date "
                               "  WHERE strftime('%w', d.day) NOT IN ('0', '6') "
                               "  AND NOT EXISTS (SELECT 1 FROM closure c WHERE c.day = d.day) "
                               "  GROUP BY t.academic_year) WHERE n != 190"),
                     0);
    /* The half-term week of autumn 2026 is closed, the week after is not. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM closure WHERE day BETWEEN '2026-10-26' AND '2026-10-30'"), 5);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM closure WHERE day BETWEEN '2026-11-02' AND '2026-11-06'"), 0);
}

/* ---- Loading files with bad lines ------------------------------------------------------------ */

/* An empty schema in memory, as a migration leaves it before seeding. */
static sqlite3 *schema_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    const char *sql = embedded_file("db/migrations/001_initial.sql");
    assert_non_null(sql);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void expect_failure(ap_status st, const char *needle1, const char *needle2)
{
    assert_int_equal(st, AP_ERR_INVALID);
    const char *detail = ap_error_detail();
    if (!strstr(detail, needle1) || (needle2 && !strstr(detail, needle2)))
        fail_msg("expected \"%s\"%s%s%s in the message, got: %s", needle1, needle2 ? " and \"" : "",
                 needle2 ? needle2 : "", needle2 ? "\"" : "", detail);
}

#define CODES_HEADER "code,meaning,category,valid_from,valid_to,roles\n"

static void test_code_file_with_a_bad_line_is_rejected_whole(void **state)
{
    (void)state;
    sqlite3 *db = schema_db();
    /* A bad category on line 4 (after a comment line): nothing of the file is kept. */
    expect_failure(seed_codes_from_text(db, "england", "test.csv",
                                        CODES_HEADER "# a comment\n"
                                        "/,Present (morning),present,2024-09-01,,admin officer lead\n"
                                        "Q,\"Lost, somewhere\",sideways,2024-09-01,,admin\n"),
                   "test.csv line 4", "sideways");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM attendance_code"), 0);
    /* An unclosed quote is blamed on the line where it opened. */
    expect_failure(seed_codes_from_text(db, "england", "test.csv",
                                        CODES_HEADER "/,\"Present,present,2024-09-01,,admin\n\n"),
                   "test.csv line 2", "never closed");
    /* Too few fields; a two-character code; a bad date; an unknown role; a wrong header. */
    expect_failure(seed_codes_from_text(db, "wales", "w.csv", CODES_HEADER "/,Present,present,2010-09-01\n"),
                   "w.csv line 2", "expected 6 fields, found 4");
    expect_failure(seed_codes_from_text(db, "wales", "w.csv", CODES_HEADER "C2,Part time,authorised,2010-09-01,,admin\n"),
                   "w.csv line 2", "one printable character");
    expect_failure(seed_codes_from_text(db, "wales", "w.csv", CODES_HEADER "I,Ill,authorised,2010-02-30,,admin\n"),
                   "w.csv line 2", "valid_from");
    expect_failure(seed_codes_from_text(db, "wales", "w.csv", CODES_HEADER "I,Ill,authorised,2010-09-01,,viewer\n"),
                   "w.csv line 2", "viewer");
    expect_failure(seed_codes_from_text(db, "wales", "w.csv", "code,meaning,category\n"), "w.csv line 1", "header");
    /* The same code twice: SQLite's refusal, blamed on the line. */
    expect_failure(seed_codes_from_text(db, "wales", "w.csv",
                                        CODES_HEADER "I,Ill,authorised,2010-09-01,,admin\nI,Again,authorised,2010-09-01,,admin\n"),
                   "w.csv line 3", "UNIQUE");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM attendance_code"), 0);
    /* A good file loads, quoted "#" and all. */
    assert_int_equal(seed_codes_from_text(db, "wales", "w.csv",
                                          CODES_HEADER "\"#\",\"Closed, \"\"snow\"\"\",not_counted,2010-09-01,,admin\r\n"
                                                       "\\,Present (afternoon),present,2010-09-01,,admin officer lead\r\n"),
                     AP_OK);
    char buf[64];
    assert_string_equal(query_text(db, "SELECT meaning FROM attendance_code WHERE code = '#'", buf, sizeof buf),
                        "Closed, \"snow\"");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM attendance_code WHERE code = '\\'"), 1);
    sqlite3_close(db);
}

static void test_checklist_calendar_files_with_bad_lines_are_rejected(void **state)
{
    (void)state;
    sqlite3 *db = schema_db();
    const char *good = "# key=test_list stage=monitoring title=\"A \"\"test\"\" list\"\n"
                       "# a comment\n"
                       "section,text,safeguarding\n"
                       "One,\"First, item\",1\n"
                       "One,Second item,0\n";
    int rev = 0;
    assert_int_equal(seed_template_from_text(db, "t.csv", good, "tester", &rev), AP_OK);
    assert_int_equal(rev, 1);
    assert_int_equal(seed_template_from_text(db, "t.csv", good, "tester", &rev), AP_OK);
    assert_int_equal(rev, 2); /* loading again makes a new revision */
    char buf[64];
    assert_string_equal(query_text(db, "SELECT title FROM qa_template WHERE revision = 2", buf, sizeof buf),
                        "A \"test\" list");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM qa_template_item"), 4);

    expect_failure(seed_template_from_text(db, "t.csv", "section,text,safeguarding\nA,b,0\n", "tester", NULL),
                   "t.csv line 1", "key=");
    expect_failure(seed_template_from_text(db, "t.csv", "# key=x stage=stage3 title=X\nsection,text,safeguarding\n",
                                           "tester", NULL),
                   "t.csv line 1", "stage3");
    expect_failure(seed_template_from_text(db, "t.csv", "# key=x stage=stage1 colour=red title=X\n", "tester", NULL),
                   "t.csv line 1", "colour");
    expect_failure(seed_template_from_text(db, "t.csv",
                                           "# key=x stage=stage1 title=X\nsection,text,safeguarding\nA,b,0\nA,c,yes\n",
                                           "tester", NULL),
                   "t.csv line 4", "safeguarding \"yes\"");
    expect_failure(seed_template_from_text(db, "t.csv",
                                           "# key=x stage=stage1 title=X\nsection,text,safeguarding\nA,\"b\"c,0\n",
                                           "tester", NULL),
                   "t.csv line 3", "after its closing quote");
    expect_failure(seed_template_from_text(db, "t.csv",
                                           "# key=x stage=stage1 title=X\nsection,text,safeguarding\nA,\xC3\x28,0\n",
                                           "tester", NULL),
                   "t.csv line 3", "UTF-8");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM qa_template WHERE key = 'x'"), 0);

    const char *terms = "academic_year,term,start,end\n2026/27,autumn,2026-09-01,2026-12-18\n";
    expect_failure(seed_terms_from_text(db, "terms.csv", "academic_year,term,start,end\n2026/28,autumn,2026-09-01,"
                                                         "2026-12-18\n", "tester"),
                   "terms.csv line 2", "2026/28");
    expect_failure(seed_terms_from_text(db, "terms.csv", "academic_year,term,start,end\n2026/27,winter,2026-09-01,"
                                                         "2026-12-18\n", "tester"),
                   "terms.csv line 2", "winter");
    assert_int_equal(seed_terms_from_text(db, "terms.csv", terms, "tester"), AP_OK);
    expect_failure(seed_closures_from_text(db, "c.csv", "date,reason\n2026-10-26,Half term\n2026-10-31,Saturday\n",
                                           "tester"),
                   "c.csv line 3", "weekend");
    expect_failure(seed_closures_from_text(db, "c.csv", "date,reason\n2027-01-04,INSET\n", "tester"), "c.csv line 2",
                   "not inside any term");
    expect_failure(seed_closures_from_text(db, "c.csv", "date,reason\n2026-10-26,\n", "tester"), "c.csv line 2",
                   "no reason");
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM closure"), 0);
    assert_int_equal(seed_closures_from_text(db, "c.csv", "date,reason\n2026-10-26,Half term\n", "tester"), AP_OK);
    sqlite3_close(db);
}

static void test_csv_reader_reads_quoted_multiline_fields_with_line_numbers(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF"
                       "a,b,c\r\n"
                       "\n"
                       "# comment, not a record\n"
                       "\"x, y\",\"two\nlines\",\"say \"\"hi\"\"\"\n"
                       "\"#\",Siân,\n"
                       "last,,z";
    struct csv_reader r;
    csv_open(&r, "t.csv", text);
    r.comment = '#';
    /* Each record: the line it begins on and its three fields. */
    static const struct {
        int line;
        const char *field[3];
    } want[] = {
        {1, {"a", "b", "c"}},
        {4, {"x, y", "two\nlines", "say \"hi\""}},
        {6, {"#", "Siân", ""}},
        {7, {"last", "", "z"}},
    };
    bool got;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        assert_int_equal(csv_next(&r, &got), AP_OK);
        assert_true(got);
        assert_int_equal(r.line, want[i].line);
        assert_int_equal(r.nfield, 3);
        for (size_t k = 0; k < 3; k++)
            assert_string_equal(r.field[k], want[i].field[k]);
    }
    assert_int_equal(csv_next(&r, &got), AP_OK);
    assert_false(got);
    csv_close(&r);

    csv_open(&r, "bad.csv", "ok\nfine,\"broken\n\nstill open");
    assert_int_equal(csv_next(&r, &got), AP_OK);
    unit_refused(csv_next(&r, &got), "bad.csv line 2");
    csv_close(&r);
}

/* ---- The demo generator ----------------------------------------------------------------------- */

static void test_demo_makes_realistic_fictional_data(void **state)
{
    struct unit_fixture *f = *state;
    unit_demo(f->s, 60, 12, 7);
    sqlite3 *db = store_db(f->s);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 60);
    /* At least one name with a diacritic (more bytes than characters). */
    assert_true(query_int(f->s, "SELECT count(*) FROM pupil WHERE length(CAST(legal_forename || legal_surname AS BLOB)) "
                                "> length(legal_forename || legal_surname)") >= 1);
    /* Every UPN is 13 characters with the right check letter. */
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT upn FROM pupil", -1, &st, NULL), SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *upn = (const char *)sqlite3_column_text(st, 0);
        char why[128];
        assert_int_equal(strlen(upn), 13);
        if (!upn_valid(upn, why, sizeof why))
            fail_msg("UPN %s: %s", upn, why);
        n++;
    }
    sqlite3_finalize(st);
    assert_int_equal(n, 60);
    /* Every roll status and cohort; pupils from Reception-age to Year 11 only. */
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT roll_status) FROM pupil"), 3);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT cohort) FROM pupil"), 5);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil WHERE dob < '2010-09-01' OR dob > '2022-08-31'"), 0);
    assert_true(query_int(f->s, "SELECT count(*) FROM pupil WHERE cla = 1 AND social_worker = ''") == 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil p WHERE NOT EXISTS (SELECT 1 FROM contact c "
                                     "WHERE c.pupil_id = p.id)"),
                     0);
    /* Only Ofcom's drama numbers. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM contact WHERE phone NOT GLOB '07700 900[0-9][0-9][0-9]'"),
                     0);
    /* Placements, PSPs, panel cases and visits in every state. */
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT status) FROM placement"), 3);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT status) FROM psp"), 3);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT status) FROM panel_case"), 5);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT reason) FROM panel_case"), 7);
    assert_int_equal(query_int(f->s, "SELECT count(DISTINCT stage) FROM qa_visit"), 3);
    assert_true(query_int(f->s, "SELECT count(*) FROM qa_answer") > 100);
    assert_true(query_int(f->s, "SELECT count(*) FROM progress_entry") > 100);
    assert_true(query_int(f->s, "SELECT count(*) FROM absence_call") > 0);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_mark WHERE reported_code IS NOT NULL "
                                "AND reported_code != code") > 0);
    /* The store's login wrote everything; the bulk load left one audit row. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark WHERE updated_by != 'tester'"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'meta' AND row_key = 'demo'"), 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'pupil'"), 0);
}

static void test_demo_marks_only_school_days_and_keeps_the_weekly_summary(void **state)
{
    struct unit_fixture *f = *state;
    unit_demo(f->s, 40, 12, 3);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_mark") > 1000);
    /* No weekend, no closure day, nothing outside a term, nothing from today on. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v WHERE strftime('%w', date) IN ('0', '6')"),
                     0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v m JOIN closure c ON c.day = m.date"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v m WHERE NOT EXISTS (SELECT 1 FROM term t "
                                     "WHERE m.date BETWEEN t.start_date AND t.end_date)"),
                     0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v WHERE date >= '" TODAY "'"), 0);
    /* Twelve school weeks: the first mark is in the week of 13 July 2026 (20 July is an INSET day). */
    char buf[32];
    assert_string_equal(query_text(store_db(f->s), "SELECT min(date) FROM attendance_mark_v", buf, sizeof buf),
                        "2026-07-13");
    /* Each mark with a provider is on a session of a placement running that
     * day, at that provider; the others (D at the other school, C for a
     * reduced timetable) are on days the pupil is on a placement. */
    assert_int_equal(query_int(f->s,
                               "SELECT count(*) FROM attendance_mark_v m WHERE provider_id IS NULL AND ("
                               " code NOT IN ('C', 'D') OR NOT EXISTS (SELECT 1 FROM placement p"
                               " WHERE p.pupil_id = m.pupil_id AND p.status != 'proposed'"
                               " AND m.date BETWEEN p.start_date AND coalesce(p.end_date, m.date)))"),
                     0);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_mark WHERE provider_id IS NULL") > 0);
    assert_int_equal(query_int(f->s,
                               "SELECT count(*) FROM attendance_mark_v m WHERE provider_id IS NOT NULL AND NOT EXISTS ("
                               " SELECT 1 FROM placement p JOIN placement_session s ON s.placement_id = p.id "
                               " WHERE p.pupil_id = m.pupil_id AND p.provider_id = m.provider_id "
                               " AND p.status != 'proposed' AND m.date BETWEEN p.start_date AND coalesce(p.end_date, m.date) "
                               " AND s.weekday = (CAST(strftime('%w', m.date) AS INTEGER) + 6) % 7 AND s.session = m.session)"),
                     0);
    /* Codes of the store's set, valid on the day. */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v m LEFT JOIN attendance_code c "
                                     "ON c.code_set = 'wales' AND c.code = m.code "
                                     "WHERE c.code IS NULL OR m.date < c.valid_from OR m.date > coalesce(c.valid_to, m.date)"),
                     0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark WHERE code = 'K'"), 0);
    /* attendance_week equals a fresh aggregate, both ways round. */
    const char *fresh = "SELECT m.pupil_id, m.day - (m.day + 3) % 7 AS week, "
                        "sum(c.category != 'not_counted') AS possible, sum(c.category IN ('present', 'aea')) AS attending, "
                        "sum(c.category = 'authorised') AS authorised, sum(c.category = 'unauthorised') AS unauthorised "
                        "FROM attendance_mark m JOIN attendance_code c ON c.code = m.code "
                        "AND c.code_set = (SELECT value FROM meta WHERE key = 'code_set') GROUP BY 1, 2";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (%s) x LEFT JOIN attendance_week w ON w.pupil_id = x.pupil_id AND w.week = x.week "
             "WHERE w.possible IS NOT x.possible OR w.attending IS NOT x.attending "
             "OR w.authorised IS NOT x.authorised OR w.unauthorised IS NOT x.unauthorised",
             fresh);
    assert_int_equal(query_int(f->s, sql), 0);
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM attendance_week) - (SELECT count(*) FROM (%s))", fresh);
    assert_int_equal(query_int(f->s, sql), 0);
    /* Unexplained absences stay N only for the last two school days (18-20 November: 19th and 20th). */
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM attendance_mark_v WHERE code = 'N' AND date < '2026-11-19'"),
                     0);
}

/* The kinds of flag, in flags.h's order. */
static const char *const flag_kinds[] = {
    FLAG_KIND_REGISTRATION, FLAG_KIND_SUSPENDED,     FLAG_KIND_INSURANCE,  FLAG_KIND_QA_STAGE1,
    FLAG_KIND_QA_STAGE2,    FLAG_KIND_MONITORING,    FLAG_KIND_SAFEGUARDING, FLAG_KIND_ABSENCE,
    FLAG_KIND_UNAUTH_RUN,   FLAG_KIND_REDUCED,       FLAG_KIND_PSP_REVIEW, FLAG_KIND_PSP_END,
    FLAG_KIND_INTERVENTION, FLAG_KIND_QUOTATIONS,
};

struct seen_flags {
    int any[sizeof flag_kinds / sizeof flag_kinds[0]];
    int red[sizeof flag_kinds / sizeof flag_kinds[0]];
};

static void note_flag(void *ctx, const struct flag_row *row)
{
    struct seen_flags *seen = ctx;
    for (size_t k = 0; k < sizeof flag_kinds / sizeof flag_kinds[0]; k++)
        if (strcmp(row->kind, flag_kinds[k]) == 0) {
            seen->any[k]++;
            if (row->level == FLAG_RED)
                seen->red[k]++;
        }
}

static void test_demo_plants_every_flag(void **state)
{
    struct unit_fixture *f = *state;
    unit_demo(f->s, 120, 12, 1);
    /* The planted providers, checked from the data itself. */
    assert_int_equal(query_int(f->s,
                               "SELECT count(*) FROM (SELECT p.pupil_id, sum(s.hours) h FROM placement p "
                               " JOIN placement_session s ON s.placement_id = p.id JOIN provider v ON v.id = p.provider_id "
                               " WHERE v.name = 'Fferm Cwm Eilir Care Farm' AND p.status = 'active' GROUP BY 1) "
                               "WHERE h >= 18"),
                     6);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider WHERE status = 'suspended'"), 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider v WHERE NOT EXISTS (SELECT 1 FROM qa_visit q "
                                     "WHERE q.provider_id = v.id)"),
                     1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider WHERE motor_cover = 0"), 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider WHERE declaration_date < date('" TODAY
                                     "', '-3 years')"),
                     1);

    /* And as the rules see them: every kind of flag shows at least once. */
    struct thresholds th;
    thresholds_default(&th);
    int today;
    assert_true(date_parse_iso(TODAY, &today));
    struct seen_flags seen;
    memset(&seen, 0, sizeof seen);
    struct flag_counts counts;
    ap_status st = flags_collect(f->s, &th, today, note_flag, &seen, &counts);
    if (st != AP_OK)
        fail_msg("flags_collect: %s", ap_error_detail());
    for (size_t k = 0; k < sizeof flag_kinds / sizeof flag_kinds[0]; k++)
        if (!seen.any[k])
            fail_msg("no %s flag in the default demo store", flag_kinds[k]);
    /* The rules' own red ones that are planted. */
    assert_true(seen.red[0] >= 3);  /* registration: five full-time, one looked after, one with an IDP */
    assert_true(seen.red[3] >= 2);  /* Stage 1: overdue, and never visited */
    assert_true(seen.red[8] >= 2);  /* ten school days of unauthorised absence */
    assert_true(counts.red > 0 && counts.amber > 0);
}

static void test_demo_is_deterministic_for_a_seed(void **state)
{
    struct unit_fixture *f = *state;
    char path2[160], path3[160];
    snprintf(path2, sizeof path2, "%s/second.db", f->dir);
    snprintf(path3, sizeof path3, "%s/third.db", f->dir);
    struct store *s2 = create_store(path2, "wales");
    struct store *s3 = create_store(path3, "wales");
    unit_demo(f->s, 50, 8, 42);
    unit_demo(s2, 50, 8, 42);
    unit_demo(s3, 50, 8, 43);
    const char *who = "SELECT group_concat(upn || ' ' || legal_forename || ' ' || legal_surname || ' ' || dob, '|') "
                      "FROM (SELECT * FROM pupil ORDER BY id)";
    const char *marks = "SELECT count(*) || ' ' || sum(unicode(code) * (day % 97)) FROM attendance_mark";
    char a[16384], b[16384], c[16384];
    query_text(store_db(f->s), who, a, sizeof a);
    query_text(store_db(s2), who, b, sizeof b);
    query_text(store_db(s3), who, c, sizeof c);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    query_text(store_db(f->s), marks, a, sizeof a);
    query_text(store_db(s2), marks, b, sizeof b);
    assert_string_equal(a, b);
    store_close(s2);
    store_close(s3);
}

static void test_demo_refuses_a_store_it_did_not_just_create(void **state)
{
    struct unit_fixture *f = *state;
    /* Reopened, the store is not new: refused, nothing written. */
    store_close(f->s);
    struct store_options opt = {.path = f->path, .login = "tester"};
    assert_int_equal(store_open(&opt, &f->s), AP_OK);
    struct demo_options o;
    demo_options_default(&o);
    assert_int_equal(demo_generate(f->s, &o), AP_ERR_DENIED);
    assert_non_null(strstr(ap_error_detail(), "just created"));
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE row_key = 'demo'"), 0);

    /* A new store takes one demo, not two. */
    char path2[160];
    snprintf(path2, sizeof path2, "%s/second.db", f->dir);
    struct store *s2 = create_store(path2, "wales");
    o.pupils = 20;
    assert_int_equal(demo_generate(s2, &o), AP_OK);
    assert_int_equal(demo_generate(s2, &o), AP_ERR_DENIED);
    assert_int_equal(query_int(s2, "SELECT count(*) FROM pupil"), 20);
    store_close(s2);
}

static void test_demo_rejects_bad_options_before_writing(void **state)
{
    struct unit_fixture *f = *state;
    struct demo_options o;
    demo_options_default(&o);
    assert_int_equal(o.pupils, 120);
    assert_int_equal(o.weeks, 12);
    assert_int_equal(o.seed, 1);
    o.pupils = 0;
    assert_int_equal(demo_generate(f->s, &o), AP_ERR_INVALID);
    o.pupils = 10;
    o.weeks = DEMO_MAX_WEEKS + 1;
    assert_int_equal(demo_generate(f->s, &o), AP_ERR_INVALID);
    /* More weeks than the calendar holds before "today". */
    assert_int_equal(setenv("APTERM_TODAY", "2024-10-15", 1), 0);
    o.weeks = 20;
    ap_status st = demo_generate(f->s, &o);
    assert_int_equal(setenv("APTERM_TODAY", TODAY, 1), 0);
    unit_refused(st, "school weeks");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE row_key = 'demo'"), 0);
    /* The same store still takes a good demo afterwards. */
    o.weeks = 4;
    assert_int_equal(demo_generate(f->s, &o), AP_OK);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 10);
}

static void test_english_demo_uses_code_k(void **state)
{
    struct unit_fixture *f = *state;
    char path2[160];
    snprintf(path2, sizeof path2, "%s/england.db", f->dir);
    struct store *s2 = create_store(path2, "england");
    unit_demo(s2, 40, 6, 5);
    assert_true(query_int(s2, "SELECT count(*) FROM attendance_mark WHERE code = 'K'") > 0);
    assert_int_equal(query_int(s2, "SELECT count(*) FROM attendance_mark m LEFT JOIN attendance_code c "
                                   "ON c.code_set = 'england' AND c.code = m.code WHERE c.code IS NULL "
                                   "OR c.valid_to IS NOT NULL"),
                     0);
    store_close(s2);
}

int main(void)
{
    if (setenv("APTERM_TODAY", TODAY, 1) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_new_store_holds_both_code_sets, unit_setup),
        UNIT_TEST(test_new_store_holds_the_four_checklists, unit_setup),
        UNIT_TEST(test_new_store_holds_the_calendar, unit_setup),
        cmocka_unit_test(test_code_file_with_a_bad_line_is_rejected_whole),
        cmocka_unit_test(test_checklist_calendar_files_with_bad_lines_are_rejected),
        cmocka_unit_test(test_csv_reader_reads_quoted_multiline_fields_with_line_numbers),
        UNIT_TEST(test_demo_makes_realistic_fictional_data, unit_setup),
        UNIT_TEST(test_demo_marks_only_school_days_and_keeps_the_weekly_summary, unit_setup),
        UNIT_TEST(test_demo_plants_every_flag, unit_setup),
        UNIT_TEST(test_demo_is_deterministic_for_a_seed, unit_setup),
        UNIT_TEST(test_demo_refuses_a_store_it_did_not_just_create, unit_setup),
        UNIT_TEST(test_demo_rejects_bad_options_before_writing, unit_setup),
        UNIT_TEST(test_english_demo_uses_code_k, unit_setup),
    };
    return cmocka_run_group_tests_name("seed_demo", tests, NULL, NULL);
}
