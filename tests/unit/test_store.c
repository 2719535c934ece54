/* The data layer on a real temporary SQLite file: creation, pragmas,
 * migrations, constraints, users and roles, version conflicts between two
 * connections, and the audit log. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "date.h"
#include "embedded.h"
#include "pupil.h"
#include "store.h"
#include "unit.h"

static int setup(void **state)
{
    unit_fixture_new(state, sizeof(struct unit_fixture), "store", "alice");
    return 0;
}

static struct store *open_as(struct unit_fixture *f, const char *login, ap_status expect)
{
    struct store_options opt = {.path = f->path, .login = login};
    struct store *s = NULL;
    assert_int_equal(store_open(&opt, &s), expect);
    return s;
}

static int64_t query_int(struct store *s, const char *sql)
{
    return unit_int(s, "%s", sql);
}

static char *query_text(struct store *s, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

/* A valid pupil: Welsh name, a UPN with the right check letter. */
static void sample_pupil(struct pupil *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->upn, "M820200105001");
    strcpy(p->legal_forename, "Gwenllïan");
    strcpy(p->legal_surname, "Llŷr-Prydderch");
    p->dob = date_from_ymd(2012, 3, 14);
    strcpy(p->roll_status, "dual_prs");
    strcpy(p->cohort, "aln_bespoke");
    strcpy(p->plan, "idp_la");
    p->start_date = p->end_date = DATE_NONE;
}

static int today(void)
{
    return date_from_ymd(2026, 11, 22);
}

/* The sample pupil, inserted into s (its id and version in *p). */
static void add_sample(struct store *s, struct pupil *p)
{
    sample_pupil(p);
    assert_int_equal(pupil_insert(s, p, today()), AP_OK);
}

/* ---- creation and pragmas ---- */

static void test_new_store_is_private_wal_and_current(void **state)
{
    struct unit_fixture *f = *state;
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_false(store_world_readable(f->s));
    char buf[64];
    assert_string_equal(query_text(f->s, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    assert_int_equal(query_int(f->s, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(query_int(f->s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(store_schema_version(f->s), store_latest_schema());
    assert_true(store_latest_schema() >= 1);
    assert_string_equal(store_code_set(f->s), "wales");
    /* The creating login is the store's admin. */
    assert_int_equal(store_role(f->s), ROLE_ADMIN);
    assert_string_equal(query_text(f->s, "SELECT role FROM app_user WHERE login = 'alice'", buf, sizeof buf),
                        "admin");
}

static void test_world_readable_store_is_noticed(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(chmod(f->path, 0644), 0);
    assert_true(store_world_readable(f->s));
}

static void test_group_store_is_0660(void **state)
{
    struct unit_fixture *f = *state;
    struct group *gr = getgrgid(getegid());
    assert_non_null(gr);
    char path[160];
    snprintf(path, sizeof path, "%s/shared.db", f->dir);
    struct store_options opt = {.path = path, .login = "alice", .group = gr->gr_name, .create = true};
    struct store *s = NULL;
    assert_int_equal(store_open(&opt, &s), AP_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0660);
    assert_int_equal(sb.st_gid, gr->gr_gid);
    store_close(s);
}

static void test_missing_store_without_create_is_refused(void **state)
{
    struct unit_fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/none.db", f->dir);
    struct store_options opt = {.path = path, .login = "alice"};
    struct store *s = NULL;
    assert_int_equal(store_open(&opt, &s), AP_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(ap_error_detail(), "none.db"));
    assert_int_not_equal(access(path, F_OK), 0);
}

/* ---- migrations ---- */

static void test_newer_store_is_refused(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(sqlite3_exec(store_db(f->s), "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    open_as(f, "alice", AP_ERR_TOO_NEW);
    assert_non_null(strstr(ap_error_detail(), "newer apterm"));
    assert_non_null(strstr(ap_error_detail(), "999"));
}

/* Makes the store look as migration 1 left it. */
/* Replaces the fixture's store with a real version-1 store, as the first
 * apterm made it: only db/migrations/001_initial.sql, its settings, its admin
 * and one pupil, at user_version 1 (later migrations never ran on it, so an
 * upgrade must do all of them, ALTER TABLE ADD COLUMN included). Returns a
 * plain SQLite handle on it; the fixture's store is closed. */
static sqlite3 *make_v1_store(struct unit_fixture *f)
{
    store_close(f->s);
    f->s = NULL;
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s%s", f->path, suffix[i]);
        unlink(path);
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    const char *v1 = embedded_file("db/migrations/001_initial.sql");
    assert_non_null(v1);
    assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO meta (key, value) VALUES ('code_set', 'wales'), "
                                  "('created_at', '2025-09-01 09:00:00'), ('created_by', 'alice');"
                                  "INSERT INTO app_user (login, role) VALUES ('alice', 'admin');"
                                  "INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) "
                                  "VALUES ('M820200105001', 'Gwenllïan', 'Llŷr-Prydderch', '2012-03-14', 'dual_prs', "
                                  "'aln_bespoke');"
                                  "PRAGMA user_version = 1; COMMIT",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(chmod(f->path, 0600), 0);
    return db;
}

static void test_older_store_is_upgraded_in_one_go(void **state)
{
    struct unit_fixture *f = *state;
    assert_true(store_latest_schema() >= 2);
    sqlite3 *db = make_v1_store(f);
    /* A version-1 store audited PSP drafts; from version 3 it does not. */
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER audit_psp_draft_ins AFTER INSERT ON psp_draft BEGIN SELECT 1; END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM pragma_table_info('pupil') WHERE name = 'uln'"), 0);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    struct store *again = open_as(f, "alice", AP_OK);
    f->s = again;
    assert_int_equal(store_schema_version(again), store_latest_schema());
    assert_int_equal(query_int(again, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                      "tbl_name = 'psp_draft'"),
                     0);
    assert_true(query_int(again, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                 "tbl_name = 'psp'") >= 4);
    assert_int_equal(query_int(again, "SELECT count(*) FROM sqlite_schema WHERE name = 'absence_call_pupil'"), 1);
    assert_int_equal(query_int(again, "SELECT count(*) FROM pupil"), 1);
    /* The pupil written by version 1 reads back, its census items empty, and
     * they can be given and are audited like the rest of the record. */
    struct pupil p;
    int64_t id = query_int(again, "SELECT id FROM pupil");
    assert_int_equal(pupil_get(again, id, &p), AP_OK);
    assert_string_equal(p.legal_surname, "Llŷr-Prydderch");
    assert_string_equal(p.uln, "");
    assert_string_equal(p.middle_names, "");
    assert_string_equal(p.ethnicity, "");
    strcpy(p.uln, "1234567890");
    strcpy(p.middle_names, "Ŵyn Mair");
    strcpy(p.ethnicity, "WWEL");
    assert_int_equal(pupil_update(again, &p, today()), AP_OK);
    assert_int_equal(query_int(again, "SELECT count(*) FROM audit_log WHERE tbl = 'pupil' AND action = 'update' "
                                      "AND new_value LIKE '%1234567890%' AND new_value LIKE '%WWEL%'"),
                     1);
    assert_int_equal(query_int(again, "SELECT count(*) FROM pragma_table_info('placement') WHERE name IN "
                                      "('setting_type', 'census_reason')"),
                     2);
}

static void test_failed_upgrade_changes_nothing(void **state)
{
    struct unit_fixture *f = *state;
    sqlite3 *db = make_v1_store(f);
    /* Something in the way of migration 2: its CREATE INDEX fails. */
    assert_int_equal(sqlite3_exec(db, "CREATE INDEX absence_call_pupil ON contact (name)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    open_as(f, "alice", AP_ERR_DB);
    assert_non_null(strstr(ap_error_detail(), "002_call_history.sql"));
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(unit_db_int(db, "PRAGMA user_version"), 1);
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'absence_call_pupil' AND "
                                 "tbl_name = 'contact'"),
                     1);
    /* Nothing of the later migrations either: no census columns. */
    assert_int_equal(unit_db_int(db, "SELECT count(*) FROM pragma_table_info('pupil') WHERE name = 'uln'"), 0);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_reopening_keeps_data_and_triggers(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    add_sample(f->s, &p);
    int64_t triggers = query_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
    struct store *again = open_as(f, "alice", AP_OK);
    assert_int_equal(query_int(again, "SELECT count(*) FROM pupil"), 1);
    assert_int_equal(query_int(again, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), triggers);
    store_close(again);
}

/* ---- constraints ---- */

static void expect_sql_rejected(struct store *s, const char *sql, const char *why)
{
    assert_int_equal(store_begin(s), AP_OK);
    int rc = sqlite3_exec(store_db(s), sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        fail_msg("accepted: %s (expected: %s)", sql, why);
    assert_non_null(strstr(sqlite3_errmsg(store_db(s)), why));
    store_rollback(s);
}

static void test_constraints_reject_bad_values(void **state)
{
    struct unit_fixture *f = *state;
    const char *base = "INSERT INTO pupil (upn, legal_forename, legal_surname, dob, roll_status, cohort) VALUES ";
    char sql[512];
    snprintf(sql, sizeof sql, "%s('M820200105001', 'Ann', 'Bee', '2012-01-01', 'expelled', 'pru_plus')", base);
    expect_sql_rejected(f->s, sql, "CHECK constraint failed");
    snprintf(sql, sizeof sql, "%s('M820200105001', 'Ann', 'Bee', '2012-02-30', 'sole_prs', 'pru_plus')", base);
    expect_sql_rejected(f->s, sql, "CHECK constraint failed");
    snprintf(sql, sizeof sql, "%s('M820200105001', 'Ann', 'Bee', '2012-01-01', 'sole_prs', 'ks5')", base);
    expect_sql_rejected(f->s, sql, "CHECK constraint failed");
    /* STRICT: text in an integer column. */
    expect_sql_rejected(f->s, "INSERT INTO provider (name, cost_rate) VALUES ('Cwm Farm', 'lots')",
                        "cannot store TEXT value in INTEGER column");
    /* Foreign keys are on. */
    expect_sql_rejected(f->s,
                        "INSERT INTO placement (pupil_id, provider_id, start_date, cost_basis, rate) "
                        "VALUES (999, 999, '2026-09-01', 'week', 100)",
                        "FOREIGN KEY constraint failed");
    /* A mark must use a code of the store's set: Wales has no K. */
    struct pupil p;
    add_sample(f->s, &p);
    snprintf(sql, sizeof sql,
             "INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES (%lld, 20000, 'am', 'K', "
             "'phone')",
             (long long)p.id);
    expect_sql_rejected(f->s, sql, "not in the store's code set");
    /* Every change must raise the version by one. */
    snprintf(sql, sizeof sql, "UPDATE pupil SET legal_surname = 'Sly' WHERE id = %lld", (long long)p.id);
    expect_sql_rejected(f->s, sql, "must raise its version by one");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 1);
}

/* p is refused by pupil_insert, the message holding fragment; p is then
 * the valid sample again. */
static void insert_refused(struct store *s, struct pupil *p, const char *fragment)
{
    unit_refused(pupil_insert(s, p, today()), fragment);
    sample_pupil(p);
}

static void test_pupil_validation_names_the_field(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    sample_pupil(&p);
    p.upn[0] = 'B'; /* wrong check letter: M is right */
    insert_refused(f->s, &p, "UPN");
    p.legal_surname[0] = '\0';
    insert_refused(f->s, &p, "Legal surname");
    strcpy(p.preferred_name, "Gwen\x1b[2J");
    insert_refused(f->s, &p, "Preferred name: holds a control character");
    strcpy(p.legal_forename, "Si\xe2n"); /* Latin-1, not UTF-8 */
    insert_refused(f->s, &p, "Legal forename: holds bytes that are not UTF-8");
    strcpy(p.roll_status, "expelled");
    insert_refused(f->s, &p, "Roll status");
    p.dob = date_from_ymd(1970, 1, 1);
    insert_refused(f->s, &p, "Date of birth");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 0);
}

/* ---- users and roles ---- */

static void test_unknown_login_is_refused_with_who_can_add(void **state)
{
    struct unit_fixture *f = *state;
    assert_null(open_as(f, "mallory", AP_ERR_UNKNOWN_USER));
    assert_non_null(strstr(ap_error_detail(), "mallory"));
    assert_non_null(strstr(ap_error_detail(), "alice"));
    assert_non_null(strstr(ap_error_detail(), "apterm user add mallory"));
}

static void test_user_add_needs_admin_and_valid_role(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(store_user_add(f->s, "bob", "officer"), AP_OK);
    unit_refused(store_user_add(f->s, "carol", "boss"), "boss");
    assert_int_equal(store_user_add(f->s, "bad login", "viewer"), AP_ERR_INVALID);
    struct store *bob = open_as(f, "bob", AP_OK);
    assert_int_equal(store_role(bob), ROLE_OFFICER);
    assert_int_equal(store_user_add(bob, "dave", "admin"), AP_ERR_DENIED);
    assert_non_null(strstr(ap_error_detail(), "only an admin"));
    store_close(bob);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM app_user"), 2);
}

static void test_viewer_cannot_write_even_with_raw_sql(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    add_sample(f->s, &p);
    unit_sql(f->s,
             "INSERT INTO concern (pupil_id, concern_date, summary, told, action) "
             "VALUES (%lld, '2026-11-02', 'Disclosure at the farm', 'DSL', 'Referred')",
             (long long)p.id);
    assert_int_equal(store_user_add(f->s, "victor", "viewer"), AP_OK);

    struct store *v = open_as(f, "victor", AP_OK);
    assert_false(store_can_write(v));
    assert_int_equal(store_begin(v), AP_ERR_DENIED);
    assert_non_null(strstr(ap_error_detail(), "viewer"));
    /* Around the data layer: the connection itself refuses. */
    int rc = sqlite3_exec(store_db(v), "UPDATE pupil SET legal_surname = 'X', version = version + 1", NULL, NULL,
                          NULL);
    assert_int_equal(rc & 0xff, SQLITE_AUTH);
    rc = sqlite3_exec(store_db(v), "DELETE FROM pupil", NULL, NULL, NULL);
    assert_int_equal(rc & 0xff, SQLITE_AUTH);
    /* The data layer refuses too, before touching anything. */
    struct pupil q;
    assert_int_equal(pupil_get(v, p.id, &q), AP_OK);
    strcpy(q.legal_surname, "Changed");
    assert_int_equal(pupil_update(v, &q, today()), AP_ERR_DENIED);
    /* Viewers read everything but the safeguarding chronology's words. */
    char buf[128];
    assert_string_equal(query_text(v, "SELECT ifnull(summary, '(hidden)') FROM concern", buf, sizeof buf),
                        "(hidden)");
    assert_string_equal(query_text(v, "SELECT concern_date FROM concern", buf, sizeof buf), "2026-11-02");
    /* A viewer may size its own page cache (an export does), and set no other pragma. */
    assert_int_equal(store_cache_limit(v, 2000), AP_OK);
    assert_string_equal(query_text(v, "PRAGMA cache_size", buf, sizeof buf), "-2000");
    assert_int_equal(sqlite3_exec(store_db(v), "PRAGMA user_version = 99", NULL, NULL, NULL) & 0xff, SQLITE_AUTH);
    assert_int_equal(sqlite3_exec(store_db(v), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) & 0xff, SQLITE_AUTH);
    store_close(v);
    char name[128];
    assert_string_equal(query_text(f->s, "SELECT legal_surname FROM pupil", name, sizeof name), "Llŷr-Prydderch");
}

/* An export is audited for every role, a viewer's too: the viewer's
 * connection lets audit_export's insert through, and no other insert into
 * audit_log, before or after it. */
static void test_exports_are_audited_for_viewers_too(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(store_user_add(f->s, "victor", "viewer"), AP_OK);
    char out[160];
    snprintf(out, sizeof out, "%s/pack.xlsx", f->dir);
    FILE *file = fopen(out, "w");
    assert_non_null(file);
    assert_int_equal(fclose(file), 0);

    assert_int_equal(audit_export(f->s, "panel", out, 7, "every open case"), AP_OK);
    struct store *v = open_as(f, "victor", AP_OK);
    const char *forged = "INSERT INTO audit_log (login, tbl, row_key, action) VALUES ('alice', 'export', 'x', 'export')";
    assert_int_equal(sqlite3_exec(store_db(v), forged, NULL, NULL, NULL) & 0xff, SQLITE_AUTH);
    assert_int_equal(audit_export(v, "dmt", out, 3, "2026-09-01 to 2026-11-20"), AP_OK);
    assert_int_equal(sqlite3_exec(store_db(v), forged, NULL, NULL, NULL) & 0xff, SQLITE_AUTH);
    assert_int_equal(sqlite3_exec(store_db(v), "DELETE FROM audit_log", NULL, NULL, NULL) & 0xff, SQLITE_AUTH);
    store_close(v);

    char buf[256];
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE action = 'export'"), 2);
    assert_string_equal(query_text(f->s,
                                   "SELECT login || ' ' || row_key || ' ' || json_extract(new_value, '$.pupils') || ' ' "
                                   "|| json_extract(new_value, '$.detail') FROM audit_log WHERE action = 'export' "
                                   "ORDER BY id DESC LIMIT 1",
                                   buf, sizeof buf),
                        "victor dmt 3 2026-09-01 to 2026-11-20");
    char real[4096];
    assert_non_null(realpath(out, real));
    assert_string_equal(query_text(f->s,
                                   "SELECT json_extract(new_value, '$.file') FROM audit_log WHERE login = 'alice' "
                                   "AND action = 'export'",
                                   buf, sizeof buf),
                        real);
    assert_int_equal(access(out, F_OK), 0);
}

/* An export the audit log cannot record is not left behind. */
static void test_unauditable_export_is_removed(void **state)
{
    struct unit_fixture *f = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/marks.csv", f->dir);
    FILE *file = fopen(out, "w");
    assert_non_null(file);
    assert_int_equal(fclose(file), 0);
    /* A write transaction held by another connection keeps the store busy. */
    struct store *other = open_as(f, "alice", AP_OK);
    assert_int_equal(store_begin(other), AP_OK);
    assert_int_equal(sqlite3_busy_timeout(store_db(f->s), 1), SQLITE_OK);
    assert_int_not_equal(audit_export(f->s, "marks", out, 1, NULL), AP_OK);
    assert_non_null(strstr(ap_error_detail(), "was removed"));
    assert_int_equal(access(out, F_OK), -1);
    store_rollback(other);
    store_close(other);
}

/* ---- version conflicts ---- */

static void test_concurrent_edit_is_reported_not_lost(void **state)
{
    struct unit_fixture *f = *state;
    assert_int_equal(store_user_add(f->s, "bob", "officer"), AP_OK);
    struct pupil p;
    add_sample(f->s, &p);

    struct store *bob = open_as(f, "bob", AP_OK);
    struct pupil mine, theirs;
    assert_int_equal(pupil_get(f->s, p.id, &mine), AP_OK);
    assert_int_equal(pupil_get(bob, p.id, &theirs), AP_OK);

    strcpy(theirs.preferred_name, "Gwen");
    assert_int_equal(pupil_update(bob, &theirs, today()), AP_OK);
    assert_int_equal(theirs.version, 2);

    strcpy(mine.preferred_name, "Lli");
    assert_int_equal(pupil_update(f->s, &mine, today()), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "changed by bob"));
    assert_int_equal(mine.version, 1);

    /* Bob's change stands; after reloading, alice can save hers. */
    struct pupil now;
    assert_int_equal(pupil_get(f->s, p.id, &now), AP_OK);
    assert_string_equal(now.preferred_name, "Gwen");
    assert_string_equal(now.updated_by, "bob");
    strcpy(now.preferred_name, "Lli");
    assert_int_equal(pupil_update(f->s, &now, today()), AP_OK);

    /* A delete of a stale version is refused as well. */
    assert_int_equal(pupil_delete(bob, p.id, 2), AP_ERR_CONFLICT);
    assert_non_null(strstr(ap_error_detail(), "alice"));
    assert_int_equal(pupil_delete(bob, p.id, 3), AP_OK);
    struct pupil gone;
    assert_int_equal(pupil_get(f->s, p.id, &gone), AP_ERR_NOT_FOUND);
    assert_int_equal(pupil_update(f->s, &now, today()), AP_ERR_NOT_FOUND);
    assert_non_null(strstr(ap_error_detail(), "deleted by bob"));
    store_close(bob);
}

static void test_pupil_with_records_is_not_deleted(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    add_sample(f->s, &p);
    unit_marks(f->s, p.id, 20500, "II"); /* day 20500 AM and PM */
    unit_refused(pupil_delete(f->s, p.id, p.version), "2 attendance marks");
    assert_non_null(strstr(ap_error_detail(), "end date"));
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM pupil"), 1);
}

/* ---- audit ---- */

static void test_every_change_is_audited(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    add_sample(f->s, &p);
    strcpy(p.preferred_name, "Gwen");
    assert_int_equal(pupil_update(f->s, &p, today()), AP_OK);
    assert_int_equal(pupil_delete(f->s, p.id, p.version), AP_OK);

    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'pupil' AND login = 'alice'"),
                     3);
    char buf[256];
    assert_string_equal(query_text(f->s,
                                   "SELECT group_concat(action, ',') FROM "
                                   "(SELECT action FROM audit_log WHERE tbl = 'pupil' ORDER BY id)",
                                   buf, sizeof buf),
                        "insert,update,delete");
    assert_string_equal(query_text(f->s,
                                   "SELECT json_extract(old_value, '$.preferred_name') || '>' || "
                                   "json_extract(new_value, '$.preferred_name') FROM audit_log "
                                   "WHERE tbl = 'pupil' AND action = 'update'",
                                   buf, sizeof buf),
                        ">Gwen");
    assert_string_equal(query_text(f->s,
                                   "SELECT json_extract(old_value, '$.legal_forename') FROM audit_log "
                                   "WHERE tbl = 'pupil' AND action = 'delete'",
                                   buf, sizeof buf),
                        "Gwenllïan");
    /* Users and marks are audited too. */
    assert_int_equal(store_user_add(f->s, "bob", "lead"), AP_OK);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'app_user' AND row_key = 'bob'"),
                     1);
}

static void test_writes_around_apterm_fail(void **state)
{
    struct unit_fixture *f = *state;
    /* A plain SQLite connection (the sqlite3 shell, a script) has no apterm
     * login: its writes to audited tables fail rather than go unaudited. */
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
    int rc = sqlite3_exec(raw, "INSERT INTO school (name) VALUES ('Ysgol Sly')", NULL, NULL, NULL);
    assert_int_not_equal(rc, SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(raw), "apterm_audit_enabled"));
    sqlite3_close(raw);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM school WHERE name = 'Ysgol Sly'"), 0);
}

/* A full disk, without needing one: max_page_count makes SQLite answer
 * SQLITE_FULL as soon as the store would grow. */
static void test_full_store_says_so_and_saves_nothing(void **state)
{
    struct unit_fixture *f = *state;
    sqlite3 *db = store_db(f->s);
    int64_t pages = query_int(f->s, "PRAGMA page_count");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)pages);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    /* Users fit on the pages there are, until one does not. */
    int added = 0;
    char login[16];
    ap_status st = AP_OK;
    while (added < 5000) {
        snprintf(login, sizeof login, "user%d", added);
        if ((st = store_user_add(f->s, login, "officer")) != AP_OK)
            break;
        added++;
    }
    assert_int_equal(st, AP_ERR_IO);
    char want[256];
    snprintf(want, sizeof want, "the disk holding %s is full: nothing was saved", f->path);
    assert_non_null(strstr(ap_error_detail(), want));
    /* Nothing of the failed add was saved: neither the user nor its audit row. */
    char sel[128];
    snprintf(sel, sizeof sel, "SELECT count(*) FROM app_user WHERE login = '%s'", login);
    assert_int_equal(query_int(f->s, sel), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM app_user"), added + 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'app_user' AND action = 'insert'"),
                     added + 1);
    /* With room again the same add is saved. */
    assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_user_add(f->s, login, "officer"), AP_OK);
    assert_int_equal(query_int(f->s, sel), 1);
}

/* Closing never waits on a reader (tests/e2e/test_store_faults.sh shows the
 * writers that no longer fail): with another connection holding a read
 * transaction, a store that wrote closes, another saves, and the WAL the
 * reader needs is kept until it is done; then the next close empties it. */
static void test_wal_is_kept_for_a_reader_and_emptied_after(void **state)
{
    struct unit_fixture *f = *state;
    struct store *w1 = open_as(f, "alice", AP_OK);
    sqlite3 *reader = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM app_user;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_user_add(w1, "bob", "officer"), AP_OK);
    store_close(w1);
    assert_int_equal(store_user_add(f->s, "carol", "lead"), AP_OK);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    struct stat sb;
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size > 0); /* the reader may still need those frames */
    assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    struct store *w2 = open_as(f, "alice", AP_OK);
    store_close(w2);
    assert_int_equal(stat(wal, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM app_user WHERE login IN ('bob', 'carol')"), 2);
    assert_int_equal(sqlite3_close(reader), SQLITE_OK);
}

/* The weekly summary of pupil id for the week of monday: "possible
 * attending authorised unauthorised". */
static const char *week_summary(struct store *s, int64_t id, int monday, char *buf, size_t len)
{
    return unit_text(s, buf, len,
                     "SELECT possible || ' ' || attending || ' ' || authorised || ' ' || unauthorised "
                     "FROM attendance_week WHERE pupil_id = %lld AND week = %d",
                     (long long)id, monday);
}

static void test_marks_keep_the_weekly_summary(void **state)
{
    struct unit_fixture *f = *state;
    struct pupil p;
    add_sample(f->s, &p);
    assert_true(query_int(f->s, "SELECT count(*) FROM attendance_code WHERE code_set = 'wales'") > 10);
    int monday = date_from_ymd(2026, 11, 16);
    unit_sql(f->s,
             "INSERT INTO attendance_mark (pupil_id, day, session, code, source) VALUES "
             "(%1$lld, %2$d, 'am', '/', 'phone'), (%1$lld, %2$d, 'pm', '\\', 'phone'), "
             "(%1$lld, %2$d + 1, 'am', 'O', 'phone'), (%1$lld, %2$d + 1, 'pm', 'I', 'email')",
             (long long)p.id, monday);
    char buf[64];
    assert_string_equal(week_summary(f->s, p.id, monday, buf, sizeof buf), "4 2 1 1");
    /* Correcting O to M moves the count from unauthorised to authorised. */
    unit_sql(f->s,
             "UPDATE attendance_mark SET code = 'M', version = version + 1 "
             "WHERE pupil_id = %lld AND day = %d AND session = 'am'",
             (long long)p.id, monday + 1);
    assert_string_equal(week_summary(f->s, p.id, monday, buf, sizeof buf), "4 2 2 0");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'attendance_mark'"), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_new_store_is_private_wal_and_current, setup),
        UNIT_TEST(test_world_readable_store_is_noticed, setup),
        UNIT_TEST(test_group_store_is_0660, setup),
        UNIT_TEST(test_missing_store_without_create_is_refused, setup),
        UNIT_TEST(test_newer_store_is_refused, setup),
        UNIT_TEST(test_older_store_is_upgraded_in_one_go, setup),
        UNIT_TEST(test_failed_upgrade_changes_nothing, setup),
        UNIT_TEST(test_reopening_keeps_data_and_triggers, setup),
        UNIT_TEST(test_constraints_reject_bad_values, setup),
        UNIT_TEST(test_pupil_validation_names_the_field, setup),
        UNIT_TEST(test_unknown_login_is_refused_with_who_can_add, setup),
        UNIT_TEST(test_user_add_needs_admin_and_valid_role, setup),
        UNIT_TEST(test_viewer_cannot_write_even_with_raw_sql, setup),
        UNIT_TEST(test_exports_are_audited_for_viewers_too, setup),
        UNIT_TEST(test_unauditable_export_is_removed, setup),
        UNIT_TEST(test_concurrent_edit_is_reported_not_lost, setup),
        UNIT_TEST(test_pupil_with_records_is_not_deleted, setup),
        UNIT_TEST(test_every_change_is_audited, setup),
        UNIT_TEST(test_writes_around_apterm_fail, setup),
        UNIT_TEST(test_marks_keep_the_weekly_summary, setup),
        UNIT_TEST(test_full_store_says_so_and_saves_nothing, setup),
        UNIT_TEST(test_wal_is_kept_for_a_reader_and_emptied_after, setup),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
