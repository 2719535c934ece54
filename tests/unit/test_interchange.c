/* src/interchange.c on a real temporary store: postcodes (the key of
 * providers, with pupils' UPNs), the savepoints of a store batch, and
 * imports through the API: a provider whose stored address has no postcode
 * is never matched on its name alone; a failed write rolls back the lines
 * already written. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "date.h"
#include "interchange.h"
#include "provider.h"
#include "retention.h"
#include "store.h"
#include "subject.h"
#include "unit.h"

static void postcode_shapes(void **state)
{
    (void)state;
    char pc[9];
    /* Every outward shape, in any case and spacing. */
    static const char *const good[][2] = {
        {"m1 1aa", "M1 1AA"},     {"M60 1NW", "M60 1NW"}, {"cr2 6xh", "CR2 6XH"},
        {"DN551PT", "DN55 1PT"},  {"w1a 1hq", "W1A 1HQ"}, {"EC1A 1BB", "EC1A 1BB"},
        {" CF10  1AA ", "CF10 1AA"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(ix_postcode_normal(good[i][0], pc));
        assert_string_equal(pc, good[i][1]);
    }
    /* One character short or long, a letter for a digit, a digit for a letter. */
    static const char *const bad[] = {"M1 1A", "EC1AB 1BB", "1M 1AA", "M1 AAA", "M1 11A", "", "CF10-1AA", "CF10 1ÂA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ix_postcode_normal(bad[i], pc));

    assert_true(ix_postcode("Tŷ Coch\nLlanon\nsy23 5hx", pc));
    assert_string_equal(pc, "SY23 5HX");
    assert_true(ix_postcode("Uned 4, Stad Ddiwydiannol, Cwmbrân NP44 3AB", pc));
    assert_string_equal(pc, "NP44 3AB");
    assert_true(ix_postcode("1 High St, CF101AA", pc));
    assert_string_equal(pc, "CF10 1AA");
    assert_false(ix_postcode("38 Bridge Street, Aberdyfnant", pc));
    assert_string_equal(pc, "");
}

static int64_t count(struct store *s, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(store_query_int(s, sql, -1, &n), AP_OK);
    return n;
}

static ap_status import(struct store *s, enum ix_kind k, const char *text, bool dry, struct ix_result *res,
                        char *errors, size_t len)
{
    FILE *out = fopen("/dev/null", "w");
    FILE *err = fmemopen(errors, len, "w");
    assert_non_null(out);
    assert_non_null(err);
    ap_status st = ix_import(s, k, "t.csv", "t.csv", text, dry, date_from_ymd(2026, 12, 7), out, err, res);
    fclose(out);
    fclose(err);
    return st;
}

/* Imports the text made from fmt (not a dry run), failing the test with what
 * the import said unless it is written. */
static void import_ok(struct store *s, enum ix_kind k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void import_ok(struct store *s, enum ix_kind k, const char *fmt, ...)
{
    char text[1024], errors[2048] = "";
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof text);
    struct ix_result res;
    if (import(s, k, text, false, &res, errors, sizeof errors) != AP_OK)
        fail_msg("importing %s: %s", text, errors);
}

static void provider_without_postcode_is_not_matched_on_name(void **state)
{
    struct unit_fixture *f = *state;
    struct provider p;
    provider_init(&p);
    strcpy(p.name, "Canolfan Dysgu Awyr Agored");
    strcpy(p.address, "Heol y Bont, Aberdyfnant");
    assert_int_equal(provider_insert(f->s, &p, date_from_ymd(2026, 12, 7)), AP_OK);
    char errors[2048] = "";
    struct ix_result res;
    assert_int_equal(import(f->s, IX_PROVIDERS,
                            "name,postcode,address\n"
                            "canolfan dysgu  awyr agored,NP20 1AA,\"Heol y Bont, Aberdyfnant NP20 1AA\"\n",
                            true, &res, errors, sizeof errors),
                     AP_ERR_INVALID);
    assert_non_null(strstr(errors, "t.csv line 2, column name: a provider called"));
    assert_non_null(strstr(errors, "add its postcode to its address first"));
    assert_int_equal(res.errors, 1);

    /* With the postcode in its address it is matched, whatever the case and spacing. */
    strcpy(p.address, "Heol y Bont, Aberdyfnant NP20 1AA");
    assert_int_equal(provider_update(f->s, &p, date_from_ymd(2026, 12, 7)), AP_OK);
    assert_int_equal(import(f->s, IX_PROVIDERS,
                            "name,postcode,phone\ncanolfan dysgu  awyr agored,np201aa,01632 960000\n", false, &res,
                            errors, sizeof errors),
                     AP_OK);
    assert_int_equal(res.added, 0);
    assert_int_equal(res.changed, 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM provider"), 1);
}

/* The second line breaks a rule that only the store knows (a suspended
 * provider takes no new placement): the first line, written already in the
 * transaction, goes too. */
static void failed_write_rolls_back_every_line(void **state)
{
    struct unit_fixture *f = *state;
    import_ok(f->s, IX_PROVIDERS,
              "name,postcode,address,status\n"
              "Fferm Ofal,SY23 5HX,\"Llanon SY23 5HX\",active\n"
              "Gweithdy,SY23 5HY,\"Llanon SY23 5HY\",suspended\n");
    char upn[14], text[1024], errors[2048] = "";
    unit_upn(upn, "690200100", 1);
    import_ok(f->s, IX_PUPILS, "upn,legal_forename,legal_surname,dob,roll_status,cohort\n"
                               "%s,Siân,Jones,2012-03-04,dual_prs,pru_plus\n", upn);
    struct ix_result res;
    snprintf(text, sizeof text,
             "upn,provider,provider_postcode,start_date,status,cost_basis,rate,mon_am\n"
             "%s,Fferm Ofal,SY23 5HX,2026-11-02,active,session,45.00,3\n"
             "%s,Gweithdy,SY23 5HY,2026-11-03,active,session,45.00,3\n", upn, upn);
    /* The dry run cannot know: both lines are fine by the form's rules. */
    assert_int_equal(import(f->s, IX_PLACEMENTS, text, true, &res, errors, sizeof errors), AP_OK);
    assert_int_equal(res.added, 2);
    assert_int_equal(import(f->s, IX_PLACEMENTS, text, false, &res, errors, sizeof errors), AP_ERR_INVALID);
    assert_non_null(strstr(errors, "t.csv line 3"));
    assert_non_null(strstr(errors, "suspended"));
    assert_int_equal(count(f->s, "SELECT count(*) FROM placement"), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'placement'"), 0);
}

static void batch_savepoints(void **state)
{
    struct unit_fixture *f = *state;
    struct provider a, b;
    provider_init(&a);
    provider_init(&b);
    strcpy(a.name, "Un");
    strcpy(b.name, "Dau");
    assert_int_equal(store_batch_begin(f->s), AP_OK);
    assert_int_equal(provider_insert(f->s, &a, date_from_ymd(2026, 12, 7)), AP_OK);
    assert_int_equal(provider_insert(f->s, &b, date_from_ymd(2026, 12, 7)), AP_OK);
    assert_int_equal(store_batch_end(f->s, false), AP_OK);
    assert_int_equal(count(f->s, "SELECT count(*) FROM provider"), 0);
    assert_int_equal(store_batch_begin(f->s), AP_OK);
    assert_int_equal(provider_insert(f->s, &a, date_from_ymd(2026, 12, 7)), AP_OK);
    strcpy(b.name, "");   /* refused: only this record's savepoint is rolled back */
    assert_int_equal(provider_insert(f->s, &b, date_from_ymd(2026, 12, 7)), AP_ERR_INVALID);
    assert_int_equal(store_batch_end(f->s, true), AP_OK);
    assert_int_equal(count(f->s, "SELECT count(*) FROM provider"), 1);
}

/* Backups hold everything, the safeguarding chronology included: admins only. */
static void backup_and_restore_are_for_admins(void **state)
{
    struct unit_fixture *f = *state;
    struct store *officer = unit_open_as(f->s, f->path, "officer1", "officer");
    char dir[128];
    snprintf(dir, sizeof dir, "%s/backups", f->dir);
    struct backup_info info;
    assert_int_equal(backup_make(officer, dir, 3, &info), AP_ERR_DENIED);
    assert_int_equal(backup_restore(officer, f->path, dir, &info), AP_ERR_DENIED);
    store_close(officer);
    assert_int_equal(backup_make(f->s, dir, 3, &info), AP_OK);
    int schema;
    int64_t rows;
    assert_int_equal(backup_check(info.file, &schema, &rows), AP_OK);
    assert_int_equal(schema, store_latest_schema());
    assert_int_equal(rows, info.rows);
}

static ap_status no_begin(void *ctx, const struct subject_part *part, int ncols, const char *const *names)
{
    (void)part, (void)ncols, (void)names;
    ++*(int *)ctx;
    return AP_OK;
}

static ap_status no_row(void *ctx, const struct subject_part *part, sqlite3_stmt *row)
{
    (void)ctx, (void)part, (void)row;
    return AP_OK;
}

/* A viewer cannot read the chronology, so cannot give a whole answer. */
static void subject_access_is_refused_to_viewers(void **state)
{
    struct unit_fixture *f = *state;
    char upn[14];
    unit_upn(upn, "690200100", 2);
    import_ok(f->s, IX_PUPILS, "upn,legal_forename,legal_surname,dob,roll_status,cohort\n"
                               "%s,Llŷr,Evans,2012-03-04,dual_prs,pru_plus\n", upn);
    struct store *viewer = unit_open_as(f->s, f->path, "viewer1", "viewer");
    int sheets = 0;
    struct subject_sink sink = {.ctx = &sheets, .begin = no_begin, .row = no_row};
    assert_int_equal(subject_read(viewer, 1, &sink), AP_ERR_DENIED);
    assert_int_equal(sheets, 0);
    store_close(viewer);
    size_t n;
    subject_parts(&n);
    assert_int_equal(subject_read(f->s, 1, &sink), AP_OK);
    assert_int_equal(sheets, (int)n);
}

/* Due the day after the period ends, not on it; an open placement keeps the
 * pupil; only an admin erases. */
static void retention_boundary(void **state)
{
    struct unit_fixture *f = *state;
    char upn[14], upn2[14];
    unit_upn(upn, "690200100", 5);
    unit_upn(upn2, "690200100", 6);
    import_ok(f->s, IX_PROVIDERS, "name,postcode,address\nFferm Ofal,SY23 5HX,\"Llanon SY23 5HX\"\n");
    import_ok(f->s, IX_PUPILS,
              "upn,legal_forename,legal_surname,dob,roll_status,cohort\n"
              "%s,Siôn,Hughes,2012-03-04,dual_prs,pru_plus\n%s,Mali,Hughes,2012-03-04,dual_prs,pru_plus\n",
              upn, upn2);
    import_ok(f->s, IX_PLACEMENTS,
              "upn,provider,provider_postcode,start_date,status,end_date,cost_basis,rate,mon_am\n"
              "%s,Fferm Ofal,SY23 5HX,2026-09-01,ended,2026-12-18,session,45.00,3\n"
              "%s,Fferm Ofal,SY23 5HX,2026-09-01,proposed,,session,45.00,3\n", upn, upn2);
    struct retention_item *items = NULL;
    size_t n = 9;
    assert_int_equal(retention_due(f->s, 6, date_from_ymd(2032, 12, 18), &items, &n), AP_OK);
    assert_int_equal(n, 0);     /* exactly six years: kept */
    free(items);
    assert_int_equal(retention_due(f->s, 6, date_from_ymd(2032, 12, 19), &items, &n), AP_OK);
    assert_int_equal(n, 1);     /* a day more: due; the open placement keeps the other */
    assert_string_equal(items[0].upn, upn);
    free(items);
    assert_int_equal(retention_due(f->s, 7, date_from_ymd(2032, 12, 19), &items, &n), AP_OK);
    free(items);
    assert_int_equal(n, 0);
    assert_int_equal(retention_due(f->s, 6, date_from_ymd(2032, 12, 19), &items, &n), AP_OK);
    struct store *officer = unit_open_as(f->s, f->path, "officer1", "officer");
    size_t erased = 7;
    assert_int_equal(retention_erase(officer, 6, date_from_ymd(2032, 12, 19), items, n, &erased), AP_ERR_DENIED);
    assert_int_equal(erased, 0);
    store_close(officer);
    assert_int_equal(retention_erase(f->s, 6, date_from_ymd(2032, 12, 19), items, n, &erased), AP_OK);
    assert_int_equal(erased, 1);
    free(items);
    assert_int_equal(count(f->s, "SELECT count(*) FROM pupil"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM placement"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(postcode_shapes),
        UNIT_TEST(provider_without_postcode_is_not_matched_on_name, unit_setup),
        UNIT_TEST(failed_write_rolls_back_every_line, unit_setup),
        UNIT_TEST(batch_savepoints, unit_setup),
        UNIT_TEST(backup_and_restore_are_for_admins, unit_setup),
        UNIT_TEST(subject_access_is_refused_to_viewers, unit_setup),
        UNIT_TEST(retention_boundary, unit_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
