/* The record modules on a real temporary store: schools, providers and their
 * contacts, placements with their timetables, parent/carer contacts, the
 * safeguarding chronology, and the labels for their codes. */

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

#include "concern.h"
#include "contact.h"
#include "date.h"
#include "labels.h"
#include "placement.h"
#include "provider.h"
#include "pupil.h"
#include "rowio.h"
#include "rules.h"
#include "school.h"
#include "store.h"
#include "thresholds.h"
#include "upn.h"
#include "unit.h"

/* Another login on the same store: added as role, then opened. */
static struct store *open_as(struct unit_fixture *f, const char *login, const char *role)
{
    return unit_open_as(f->s, f->path, login, role);
}

static int64_t query_int(struct store *s, const char *sql)
{
    return unit_int(s, "%s", sql);
}

static int today(void)
{
    return date_from_ymd(2026, 11, 18); /* a Wednesday in the autumn term */
}

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

/* A pupil with a valid UPN made from serial. */
static int64_t add_pupil(struct unit_fixture *f, int serial, const char *forename, const char *surname, int dob)
{
    struct pupil p;
    unit_pupil(&p, "820200105", serial, forename, surname, dob, "ks4_pathway");
    assert_int_equal(pupil_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

static void sample_provider(struct provider *p, const char *name)
{
    provider_init(p);
    snprintf(p->name, sizeof p->name, "%s", name);
}

static int64_t add_provider(struct unit_fixture *f, const char *name)
{
    struct provider p;
    sample_provider(&p, name);
    assert_int_equal(provider_insert(f->s, &p, today()), AP_OK);
    return p.id;
}

/* ---- fields by table ---- */

/* A value for one field of a record, found by its place in the struct: text
 * (a char array) or, when text is NULL, a number (an int or int64_t field). */
struct field_value {
    size_t at, size;
    const char *text;
    int64_t number;
};
#define TEXT_VALUE(type, member, value) {offsetof(type, member), sizeof(((type *)0)->member), (value), 0}
#define NUMBER_VALUE(type, member, value) {offsetof(type, member), sizeof(((type *)0)->member), NULL, (value)}

static void put_value(void *rec, const struct field_value *v)
{
    char *at = (char *)rec + v->at;
    if (v->text) {
        int n = snprintf(at, v->size, "%s", v->text);
        if (n < 0 || (size_t)n >= v->size)
            fail_msg("\"%s\" does not fit its field of %zu bytes", v->text, v->size);
    } else if (v->size == sizeof(int)) {
        int n = (int)v->number;
        memcpy(at, &n, sizeof n);
    } else if (v->size == sizeof(int64_t)) {
        memcpy(at, &v->number, sizeof v->number);
    } else {
        fail_msg("a number field of %zu bytes", v->size);
    }
}

/* Writes each text value into rec. */
static void put_texts(void *rec, const struct field_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_value(rec, &v[i]);
}

/* Fails unless each text field of rec holds its value. */
static void expect_texts(const void *rec, const struct field_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = (const char *)rec + v[i].at;
        if (strcmp(got, v[i].text) != 0)
            fail_msg("field %zu read back \"%s\", written \"%s\"", i + 1, got, v[i].text);
    }
}

/* One field made bad, and the words the refusal must hold. */
struct bad_field {
    struct field_value value;
    const char *says;
};

/* For each row: the row's value put in rec (size bytes, a valid record), and
 * check must refuse it (AP_ERR_INVALID) with the row's words; rec is put
 * back as it was before the next row and at the end. */
static void refused_each(void *rec, size_t size, ap_status (*check)(const void *rec), const struct bad_field *rows,
                         size_t n)
{
    unsigned char valid[8192];
    assert_true(size <= sizeof valid);
    /* Each row changes one field of a valid record: refused, it was that field. */
    if (check(rec) != AP_OK)
        fail_msg("the record is not valid to begin with: %s", ap_error_detail());
    memcpy(valid, rec, size);
    for (size_t i = 0; i < n; i++) {
        put_value(rec, &rows[i].value);
        ap_status st = check(rec);
        if (st != AP_ERR_INVALID || !strstr(ap_error_detail(), rows[i].says))
            fail_msg("row %zu (%s): status %d, \"%s\"; expected it refused with \"%s\"", i + 1,
                     rows[i].value.text ? rows[i].value.text : "a number", (int)st, ap_error_detail(), rows[i].says);
        memcpy(rec, valid, size);
    }
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Each record's validation, for refused_each. */
static ap_status check_school(const void *rec)
{
    return school_validate(rec);
}

static ap_status check_provider(const void *rec)
{
    return provider_validate(rec, today());
}

static ap_status check_contact(const void *rec)
{
    return contact_validate(rec);
}

static ap_status check_placement(const void *rec)
{
    return placement_validate(rec);
}

/* ---- labels ---- */

static void test_labels_give_words_for_codes(void **state)
{
    (void)state;
    assert_string_equal(label_text(LABELS_ROLL_STATUS, "dual_prs"), "Dual roll (main roll PRS)");
    assert_string_equal(label_text(LABELS_COHORT, "ks13_intervention"), "KS1–3 intervention");
    assert_string_equal(label_text(LABELS_REGISTRATION, "unregistered"), "Unregistered AP");
    assert_string_equal(label_text(LABELS_PLAN, "idp_la"), "IDP (LA)");
    assert_string_equal(label_brief(LABELS_ROLL_STATUS, "dual_prs"), "Dual (PRS)");
    /* A code this build does not know still reads as itself. */
    assert_string_equal(label_text(LABELS_PLAN, "future_plan"), "future_plan");
    assert_string_equal(label_text(LABELS_PLAN, NULL), "");
    assert_true(label_known(LABELS_COST_BASIS, "week"));
    assert_false(label_known(LABELS_COST_BASIS, "month"));
    assert_int_equal(label_count(LABELS_PLACEMENT_STATUS), 3);
    /* A list sorts by a table's order: first, last, and an unknown code after them. */
    assert_int_equal(label_rank(LABELS_CASE_STATUS, "open"), 0);
    assert_int_equal(label_rank(LABELS_CASE_STATUS, "withdrawn"), 4);
    assert_int_equal(label_rank(LABELS_CASE_STATUS, "closed"), LABEL_RANK_UNKNOWN);
    assert_int_equal(label_rank(LABELS_CASE_STATUS, NULL), LABEL_RANK_UNKNOWN);
    char buf[128];
    assert_string_equal(label_choices(LABELS_PLAN, buf, sizeof buf), "None, IDP (school), IDP (LA) or EHCP");
    assert_string_equal(label_weekday(2), "Wednesday");
    assert_string_equal(label_weekday_brief(4), "Fri");
    assert_string_equal(label_weekday(5), "?");
    /* Every brief fits a 12-column list column (one column per character here). */
    const struct label *tables[] = {LABELS_ROLL_STATUS, LABELS_COHORT, LABELS_PLAN, LABELS_GENDER,
                                    LABELS_SCHOOL_PHASE, LABELS_REGISTRATION, LABELS_PROVIDER_STATUS,
                                    LABELS_COST_BASIS, LABELS_PLACEMENT_STATUS, LABELS_SESSION,
                                    LABELS_CONCERN_KIND, LABELS_MARK_SOURCE, LABELS_CODE_CATEGORY,
                                    LABELS_CASE_REASON, LABELS_CASE_STATUS, LABELS_QA_STAGE, LABELS_QA_OUTCOME,
                                    LABELS_QA_ANSWER, LABELS_PSP_STATUS, LABELS_REDUCED_REASON,
                                    LABELS_REVIEW_OUTCOME, LABELS_PROGRESS_AREA, LABELS_ROLE};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const struct label *l = tables[t]; l->code; l++) {
            size_t chars = 0;
            for (const char *c = l->brief; *c; c++)
                chars += ((unsigned char)*c & 0xC0) != 0x80;
            if (chars > 12)
                fail_msg("brief \"%s\" of %s is %zu characters", l->brief, l->code, chars);
        }
}

/* The labels tables hold exactly the values the schema's CHECKs allow. */
static void test_labels_match_the_schema(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 1, "Siân", "Jones", ymd(2012, 3, 14));
    char sql[256];
    assert_int_equal(store_begin(f->s), AP_OK);
    for (const struct label *l = LABELS_CONCERN_KIND; l->code; l++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO concern (pupil_id, concern_date, kind, summary) VALUES (%lld, '2026-11-02', '%s', 'x')",
                 (long long)pupil, l->code);
        assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    for (const struct label *l = LABELS_REGISTRATION; l->code; l++) {
        snprintf(sql, sizeof sql, "INSERT INTO provider (name, registration) VALUES ('P %s', '%s')", l->code, l->code);
        assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    for (const struct label *l = LABELS_SCHOOL_PHASE; l->code; l++) {
        snprintf(sql, sizeof sql, "INSERT INTO school (name, phase) VALUES ('S %s', '%s')", l->code, l->code);
        assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    store_rollback(f->s);
}

/* ---- schools ---- */

static void test_school_round_trip_and_list(void **state)
{
    struct unit_fixture *f = *state;
    struct school a, b, got;
    const struct field_value texts[] = {
        TEXT_VALUE(struct school, name, "Ysgol Gyfun Aberaeron"),
        TEXT_VALUE(struct school, urn, "6674025"),
        TEXT_VALUE(struct school, phone, "01545 570217"),
        TEXT_VALUE(struct school, email, "post@aberaeron.example"),
    };
    school_init(&a);
    put_texts(&a, texts, COUNT(texts));
    assert_int_equal(school_insert(f->s, &a), AP_OK);
    assert_true(a.id > 0);
    assert_int_equal(a.version, 1);
    school_init(&b);
    strcpy(b.name, "Canolfan PRS");
    strcpy(b.phase, "prs");
    assert_int_equal(school_insert(f->s, &b), AP_OK);

    assert_int_equal(school_get(f->s, a.id, &got), AP_OK);
    expect_texts(&got, texts, COUNT(texts));
    assert_string_equal(got.phase, "secondary");
    assert_string_equal(got.updated_by, "tester");

    strcpy(got.name, "Ysgol Gyfun Aberaeron (Campws Uchaf)");
    assert_int_equal(school_update(f->s, &got), AP_OK);
    assert_int_equal(got.version, 2);

    struct school_item *items = NULL;
    size_t n = 0;
    assert_int_equal(school_list(f->s, &items, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].name, "Canolfan PRS");
    assert_string_equal(items[1].name, "Ysgol Gyfun Aberaeron (Campws Uchaf)");
    assert_int_equal(items[1].id, a.id);
    free(items);

    /* The stale copy is refused. */
    assert_int_equal(school_update(f->s, &a), AP_ERR_CONFLICT);
    assert_int_equal(school_get(f->s, 999, &got), AP_ERR_NOT_FOUND);
}

static void test_school_validation_names_the_field(void **state)
{
    struct unit_fixture *f = *state;
    struct school sc;
    school_init(&sc);
    strcpy(sc.name, "   ");
    unit_refused(school_insert(f->s, &sc), "Name: must not be empty");
    strcpy(sc.name, "Ysgol");
    assert_int_equal(school_validate(&sc), AP_OK);
    static const struct bad_field bad[] = {
        {TEXT_VALUE(struct school, urn, "12a"), "URN:"},
        {TEXT_VALUE(struct school, phase, "nursery"), "Phase: \"nursery\" is not one of"},
        {TEXT_VALUE(struct school, email, "no-at-sign"), "Email:"},
        {TEXT_VALUE(struct school, phone, "call me"), "Phone:"},
    };
    refused_each(&sc, sizeof sc, check_school, bad, COUNT(bad));
    /* A value that does not fit its field is refused, never cut. */
    memset(sc.name, 'a', sizeof sc.name);
    unit_refused(school_validate(&sc), "Name: too long");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM school"), 0);
}

/* ---- providers ---- */

static void full_provider(struct provider *p)
{
    provider_init(p);
    strcpy(p->name, "Fferm Tŷ Coch");
    strcpy(p->organisation, "Ymddiriedolaeth Tŷ Coch");
    strcpy(p->registered_manager, "Llinos Puw");
    strcpy(p->address, "Tŷ Coch\nLlanon\nSY23 5HX");
    strcpy(p->phone, "01974 202 555");
    strcpy(p->email, "llinos@tycoch.example");
    strcpy(p->registration, "unregistered");
    strcpy(p->ukprn, "10012345");
    p->age_from = 11;
    p->age_to = 16;
    strcpy(p->aln_areas, "SEMH, ASD");
    strcpy(p->purpose, "Land-based learning and animal care");
    strcpy(p->cost_basis, "day");
    p->cost_rate = 9500;
    strcpy(p->dsl_name, "Gwyn Puw");
    p->safeguarding_policy_date = ymd(2026, 1, 10);
    p->safeguarding_training_date = ymd(2025, 9, 3);
    p->dbs_checked_date = ymd(2024, 6, 30);
    p->references_checked = true;
    p->declaration_date = ymd(2025, 4, 1);
    p->public_liability = INT64_C(500000000);
    p->employers_liability = INT64_C(1000000000);
    p->professional_indemnity = INT64_C(200000000);
    p->motor_cover = true;
    p->subcontractor_cover = false;
    p->insurance_expiry = ymd(2027, 3, 31);
    p->initial_visit_date = ymd(2025, 8, 20);
    strcpy(p->notes, "Wellies needed.\nGate code 1234.");
}

static void test_provider_round_trip(void **state)
{
    struct unit_fixture *f = *state;
    struct provider p, got;
    full_provider(&p);
    assert_int_equal(provider_insert(f->s, &p, today()), AP_OK);
    assert_true(p.id > 0);
    assert_int_equal(p.version, 1);
    assert_int_equal(provider_get(f->s, p.id, &got), AP_OK);
    /* Every column comes back as written. */
    assert_string_equal(got.name, p.name);
    assert_string_equal(got.organisation, p.organisation);
    assert_string_equal(got.registered_manager, p.registered_manager);
    assert_string_equal(got.address, p.address);
    assert_string_equal(got.phone, p.phone);
    assert_string_equal(got.email, p.email);
    assert_string_equal(got.registration, p.registration);
    assert_string_equal(got.urn, "");
    assert_string_equal(got.ukprn, "10012345");
    assert_int_equal(got.age_from, 11);
    assert_int_equal(got.age_to, 16);
    assert_string_equal(got.aln_areas, p.aln_areas);
    assert_string_equal(got.purpose, p.purpose);
    assert_string_equal(got.cost_basis, "day");
    assert_int_equal(got.cost_rate, 9500);
    assert_string_equal(got.dsl_name, p.dsl_name);
    assert_int_equal(got.safeguarding_policy_date, p.safeguarding_policy_date);
    assert_int_equal(got.safeguarding_training_date, p.safeguarding_training_date);
    assert_int_equal(got.dbs_checked_date, p.dbs_checked_date);
    assert_true(got.references_checked);
    assert_int_equal(got.declaration_date, p.declaration_date);
    assert_int_equal(got.public_liability, p.public_liability);
    assert_int_equal(got.employers_liability, p.employers_liability);
    assert_int_equal(got.professional_indemnity, p.professional_indemnity);
    assert_true(got.motor_cover);
    assert_false(got.subcontractor_cover);
    assert_int_equal(got.insurance_expiry, p.insurance_expiry);
    assert_int_equal(got.initial_visit_date, p.initial_visit_date);
    assert_string_equal(got.status, "active");
    assert_string_equal(got.notes, p.notes);
    assert_int_equal(got.version, 1);
    assert_string_equal(got.updated_by, "tester");
    assert_int_equal(strlen(got.updated_at), 19);

    /* Clearing optional values stores NULLs and reads back as "not recorded". */
    got.age_from = got.age_to = 0;
    got.dbs_checked_date = DATE_NONE;
    strcpy(got.urn, "401234");
    assert_int_equal(provider_update(f->s, &got, today()), AP_OK);
    assert_int_equal(got.version, 2);
    struct provider again;
    assert_int_equal(provider_get(f->s, p.id, &again), AP_OK);
    assert_int_equal(again.age_from, 0);
    assert_int_equal(again.dbs_checked_date, DATE_NONE);
    assert_string_equal(again.urn, "401234");
    assert_int_equal(again.version, 2);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM provider WHERE id = %lld AND age_from IS NULL "
                              "AND dbs_checked_date IS NULL", (long long)p.id);
    assert_int_equal(query_int(f->s, sql), 1);

    /* Suspending raises the version like any change. */
    int64_t version = again.version;
    assert_int_equal(provider_set_status(f->s, p.id, &version, "suspended"), AP_OK);
    assert_int_equal(version, 3);
    assert_int_equal(provider_get(f->s, p.id, &again), AP_OK);
    assert_string_equal(again.status, "suspended");
    unit_refused(provider_set_status(f->s, p.id, &version, "closed"), "Status:");
    assert_int_equal(provider_get(f->s, 4242, &again), AP_ERR_NOT_FOUND);
}

static void test_provider_validation_names_the_field(void **state)
{
    struct unit_fixture *f = *state;
    struct provider p;
    full_provider(&p);
    assert_int_equal(provider_validate(&p, today()), AP_OK);

    strcpy(p.name, "");
    unit_refused(provider_insert(f->s, &p, today()), "Name: must not be empty");

    full_provider(&p);
    p.age_from = 14;
    p.age_to = 11;
    unit_refused(provider_validate(&p, today()), "Age to: 11 is below Age from (14)");
    p.age_to = 30;
    unit_refused(provider_validate(&p, today()), "Age to: 30 is not an age from 3 to 25");
    p.age_from = 0;
    p.age_to = 16;
    unit_refused(provider_validate(&p, today()), "Age from: must be given");

    full_provider(&p);
    const struct bad_field bad[] = {
        {NUMBER_VALUE(struct provider, public_liability, -1), "Public liability cover: must not be negative"},
        {NUMBER_VALUE(struct provider, cost_rate, -500), "Cost: must not be negative"},
        {NUMBER_VALUE(struct provider, dbs_checked_date, today() + 1),
         "Enhanced DBS checked: 2026-11-19 is in the future"},
        {TEXT_VALUE(struct provider, cost_basis, "month"), "Cost basis:"},
        {TEXT_VALUE(struct provider, ukprn, "1234"), "UKPRN:"},
        {TEXT_VALUE(struct provider, email, "llinos at tycoch"), "Email:"},
        {TEXT_VALUE(struct provider, name, "Bad\x01name"), "Name: holds a control character"},
        {TEXT_VALUE(struct provider, organisation, "Caf\xe9"), "Organisation: holds bytes that are not UTF-8"},
        {TEXT_VALUE(struct provider, status, "closed"), "Status:"},
    };
    refused_each(&p, sizeof p, check_provider, bad, COUNT(bad));
    /* The refusal of a choice lists the choices. */
    full_provider(&p);
    strcpy(p.registration, "registered");
    unit_refused(provider_validate(&p, today()), "Registration: \"registered\" is not one of");
    unit_expect_detail("Unregistered AP");
    /* An insurance expiry is naturally in the future. */
    full_provider(&p);
    p.dbs_checked_date = today();
    p.insurance_expiry = ymd(2028, 1, 1);
    assert_int_equal(provider_validate(&p, today()), AP_OK);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider"), 0);
}

static void test_provider_stale_version_names_who(void **state)
{
    struct unit_fixture *f = *state;
    struct provider mine, theirs;
    full_provider(&mine);
    assert_int_equal(provider_insert(f->s, &mine, today()), AP_OK);
    struct store *bob = open_as(f, "bob", "officer");
    assert_int_equal(provider_get(bob, mine.id, &theirs), AP_OK);
    strcpy(theirs.phone, "01974 202 556");
    assert_int_equal(provider_update(bob, &theirs, today()), AP_OK);

    strcpy(mine.dsl_name, "Someone Else");
    assert_int_equal(provider_update(f->s, &mine, today()), AP_ERR_CONFLICT);
    unit_expect_detail("changed by bob");
    assert_int_equal(mine.version, 1);
    int64_t v = 1;
    assert_int_equal(provider_set_status(f->s, mine.id, &v, "suspended"), AP_ERR_CONFLICT);
    unit_expect_detail("changed by bob");
    assert_int_equal(provider_delete(f->s, mine.id, 1), AP_ERR_CONFLICT);
    unit_expect_detail("changed by bob");
    /* Bob's change stands. */
    struct provider now;
    assert_int_equal(provider_get(f->s, mine.id, &now), AP_OK);
    assert_string_equal(now.phone, "01974 202 556");
    assert_string_equal(now.dsl_name, "Gwyn Puw");
    assert_string_equal(now.updated_by, "bob");
    store_close(bob);
}

static void test_provider_delete_refused_while_placed(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 2, "Llŷr", "Evans", ymd(2011, 5, 2));
    struct provider p;
    full_provider(&p);
    assert_int_equal(provider_insert(f->s, &p, today()), AP_OK);
    struct provider_contact c = {.provider_id = p.id};
    strcpy(c.name, "Llinos Puw");
    assert_int_equal(provider_contact_insert(f->s, &c), AP_OK);

    struct placement pl;
    placement_init(&pl);
    pl.pupil_id = pupil;
    pl.provider_id = p.id;
    pl.start_date = ymd(2026, 9, 7);
    strcpy(pl.status, "active");
    pl.hours[0][PLACEMENT_AM] = 3;
    assert_int_equal(placement_insert(f->s, &pl), AP_OK);

    unit_refused(provider_delete(f->s, p.id, p.version), "1 placement (1 not ended)");
    unit_expect_detail("Suspended instead");
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider"), 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider_contact"), 1);

    /* With nothing referring to it, the provider and its contacts go. */
    int64_t other = add_provider(f, "Clwb Bocsio Aber");
    struct provider_contact c2 = {.provider_id = other};
    strcpy(c2.name, "Dai");
    strcpy(c2.phone, "07700 900123");
    assert_int_equal(provider_contact_insert(f->s, &c2), AP_OK);
    assert_int_equal(provider_delete(f->s, other, 1), AP_OK);
    struct provider gone;
    assert_int_equal(provider_get(f->s, other, &gone), AP_ERR_NOT_FOUND);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM provider_contact"), 1);
}

static void test_provider_contacts_crud(void **state)
{
    struct unit_fixture *f = *state;
    int64_t prov = add_provider(f, "Canolfan Sgiliau");
    struct provider_contact a = {.provider_id = prov}, b = {.provider_id = prov}, got;
    strcpy(a.name, "Rhys Morgan");
    strcpy(a.job_role, "Centre manager");
    strcpy(a.phone, "01970 612345");
    strcpy(a.email, "rhys@sgiliau.example");
    assert_int_equal(provider_contact_insert(f->s, &a), AP_OK);
    strcpy(b.name, "Anwen Hughes");
    assert_int_equal(provider_contact_insert(f->s, &b), AP_OK);

    assert_int_equal(provider_contact_get(f->s, a.id, &got), AP_OK);
    assert_string_equal(got.job_role, "Centre manager");
    assert_string_equal(got.email, "rhys@sgiliau.example");
    strcpy(got.job_role, "Director");
    assert_int_equal(provider_contact_update(f->s, &got), AP_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(provider_contact_update(f->s, &a), AP_ERR_CONFLICT);

    struct provider_contact *list = NULL;
    size_t n = 0;
    assert_int_equal(provider_contact_list(f->s, prov, &list, &n), AP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "Anwen Hughes");
    assert_string_equal(list[1].job_role, "Director");
    free(list);

    assert_int_equal(provider_contact_delete(f->s, b.id, b.version), AP_OK);
    assert_int_equal(provider_contact_list(f->s, prov, &list, &n), AP_OK);
    assert_int_equal(n, 1);
    free(list);

    struct provider_contact bad = {.provider_id = prov};
    unit_refused(provider_contact_insert(f->s, &bad), "Name: must not be empty");
    bad.provider_id = 999;
    strcpy(bad.name, "Nobody");
    unit_refused(provider_contact_insert(f->s, &bad), "Provider: there is no provider 999");
}

/* ---- placements ---- */

/* Monday to Thursday: AM 3 h each, PM 2.5 h Monday to Wednesday: 7 sessions
 * over 4 days, 19.5 hours. */
static void sample_placement(struct placement *pl, int64_t pupil, int64_t provider)
{
    placement_init(pl);
    pl->pupil_id = pupil;
    pl->provider_id = provider;
    strcpy(pl->status, "active");
    pl->start_date = ymd(2026, 9, 7);
    strcpy(pl->cost_basis, "session");
    pl->rate = 4500;
    pl->transport_per_week = 3000;
    strcpy(pl->purpose, "Vocational: animal care");
    for (int d = 0; d < 4; d++)
        pl->hours[d][PLACEMENT_AM] = 3.0;
    for (int d = 0; d < 3; d++)
        pl->hours[d][PLACEMENT_PM] = 2.5;
}

/* The placement tests' fixture: a pupil, a provider and
 * sample_placement's placement of one at the other, not yet written. */
struct placement_fixture {
    struct unit_fixture u; /* first: unit_teardown ends it */
    int64_t pupil, prov;
    struct placement pl;
};
static struct placement_fixture *PF;

static int setup_placement(void **state)
{
    PF = unit_fixture_new(state, sizeof *PF, "records", "tester");
    PF->pupil = add_pupil(&PF->u, 3, "Gwenllïan", "Prydderch", ymd(2012, 3, 14));
    PF->prov = add_provider(&PF->u, "Canolfan Sgiliau");
    sample_placement(&PF->pl, PF->pupil, PF->prov);
    return 0;
}

static void test_placement_with_timetable_round_trip(void **state)
{
    struct unit_fixture *f = *state;
    struct placement got;
    PF->pl.planned_weeks = 16;
    assert_int_equal(placement_insert(f->s, &PF->pl), AP_OK);
    assert_true(PF->pl.id > 0);
    assert_int_equal(PF->pl.version, 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement_session"), 7);

    assert_int_equal(placement_get(f->s, PF->pl.id, &got), AP_OK);
    assert_int_equal(got.pupil_id, PF->pupil);
    assert_int_equal(got.provider_id, PF->prov);
    assert_string_equal(got.status, "active");
    assert_int_equal(got.start_date, ymd(2026, 9, 7));
    assert_int_equal(got.end_date, DATE_NONE);
    assert_int_equal(got.planned_weeks, 16);
    assert_string_equal(got.cost_basis, "session");
    assert_int_equal(got.rate, 4500);
    assert_int_equal(got.transport_per_week, 3000);
    assert_string_equal(got.purpose, "Vocational: animal care");
    assert_int_equal(got.panel_case_id, 0);
    assert_memory_equal(got.hours, PF->pl.hours, sizeof PF->pl.hours);
    assert_string_equal(got.updated_by, "tester");

    /* The figures of the timetable. */
    assert_true(placement_weekly_hours(&got) == 19.5);
    assert_int_equal(placement_sessions_per_week(&got), 7);
    assert_int_equal(placement_days_per_week(&got), 4);
    assert_true(placement_active_on(&got, today()));
    assert_false(placement_active_on(&got, ymd(2026, 9, 6)));

    /* Change two sessions: Thursday AM goes, Friday PM comes; only those are
     * written (audited), in the same transaction as the placement. */
    int64_t audits = query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'placement_session'");
    got.hours[3][PLACEMENT_AM] = 0;
    got.hours[4][PLACEMENT_PM] = 2.0;
    got.hours[0][PLACEMENT_AM] = 3.0; /* unchanged */
    assert_int_equal(placement_update(f->s, &got), AP_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM audit_log WHERE tbl = 'placement_session'"), audits + 2);
    struct placement again;
    assert_int_equal(placement_get(f->s, PF->pl.id, &again), AP_OK);
    assert_true(again.hours[3][PLACEMENT_AM] == 0);
    assert_true(again.hours[4][PLACEMENT_PM] == 2.0);
    assert_true(placement_weekly_hours(&again) == 18.5);
    assert_int_equal(again.version, 2);

    /* Ending it. */
    int64_t v = again.version;
    unit_refused(placement_end(f->s, PF->pl.id, &v, ymd(2026, 9, 1), today()),
                 "End date: before the placement's start on 2026-09-07");
    unit_refused(placement_end(f->s, PF->pl.id, &v, today() + 7, today()), "End date: 2026-11-25 is in the future");
    assert_int_equal(placement_end(f->s, PF->pl.id, &v, ymd(2026, 11, 13), today()), AP_OK);
    assert_int_equal(v, 3);
    assert_int_equal(placement_get(f->s, PF->pl.id, &again), AP_OK);
    assert_string_equal(again.status, "ended");
    assert_int_equal(again.end_date, ymd(2026, 11, 13));
    unit_refused(placement_end(f->s, PF->pl.id, &v, ymd(2026, 11, 13), today()), "already ended on 2026-11-13");
    int64_t stale = 1;
    assert_int_equal(placement_end(f->s, PF->pl.id, &stale, today(), today()), AP_ERR_CONFLICT);
    unit_expect_detail("changed by tester");

    /* An ended placement stays on the record; a withdrawn proposal goes,
     * timetable and all. */
    unit_refused(placement_delete(f->s, PF->pl.id, v),
                 "only a proposed placement can be deleted; an ended one stays on the pupil's record");
    struct placement proposal;
    sample_placement(&proposal, PF->pupil, PF->prov);
    strcpy(proposal.status, "proposed");
    assert_int_equal(placement_insert(f->s, &proposal), AP_OK);
    assert_int_equal(placement_delete(f->s, proposal.id, 2), AP_ERR_CONFLICT);
    assert_int_equal(placement_delete(f->s, proposal.id, 1), AP_OK);
    assert_int_equal(placement_get(f->s, proposal.id, &again), AP_ERR_NOT_FOUND);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM placement_session WHERE placement_id = %lld",
             (long long)proposal.id);
    assert_int_equal(query_int(f->s, sql), 0);
}

/* Issue 13: one session timetabled at two providers counted its hours twice
 * and could lift a pupil out of a reduced timetable. A session already
 * taken by another placement whose dates overlap is refused, naming it;
 * either side of the other placement's dates is fine; two proposals may be
 * alternatives. The weekly hours count each session once. */
static void test_placement_overlapping_sessions(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 9, "Elis", "Bowen", ymd(2012, 3, 14)); /* Year 9: 24 h */
    int64_t a = add_provider(f, "Fferm Tŷ Coch"), b = add_provider(f, "Clwb Bocsio Aber");
    struct placement one, two;
    sample_placement(&one, pupil, a); /* 19.5 h a week, from 2026-09-07 */
    one.end_date = ymd(2026, 12, 18);
    assert_int_equal(placement_insert(f->s, &one), AP_OK);

    /* Monday AM again at another provider: refused, nothing written. */
    sample_placement(&two, pupil, b);
    memset(two.hours, 0, sizeof two.hours);
    two.hours[0][PLACEMENT_AM] = 3;
    two.hours[3][PLACEMENT_PM] = 3;
    unit_refused(placement_insert(f->s, &two), "Monday AM: already timetabled at Fferm Tŷ Coch");
    char want[96];
    snprintf(want, sizeof want, "(placement %lld, active, from 2026-09-07 to 2026-12-18)", (long long)one.id);
    unit_expect_detail(want);
    assert_int_equal(two.id, 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement"), 1);

    /* Dates: starting on the other's last day overlaps; the day after does not. */
    two.start_date = ymd(2026, 12, 18);
    assert_int_equal(placement_insert(f->s, &two), AP_ERR_INVALID);
    two.start_date = ymd(2026, 12, 19);
    assert_int_equal(placement_insert(f->s, &two), AP_OK);
    /* ... and ending the day before the other starts does not either. */
    struct placement before;
    sample_placement(&before, pupil, b);
    before.start_date = ymd(2026, 6, 1);
    before.end_date = ymd(2026, 9, 6);
    strcpy(before.status, "ended");
    assert_int_equal(placement_insert(f->s, &before), AP_OK);
    before.end_date = ymd(2026, 9, 7);
    unit_refused(placement_update(f->s, &before), "already timetabled at Fferm Tŷ Coch");

    /* Proposals are plans: two options for the same sessions, even over an
     * active placement, are allowed; making one active is checked. */
    struct placement p1, p2;
    sample_placement(&p1, pupil, a);
    sample_placement(&p2, pupil, a);
    p1.start_date = p2.start_date = ymd(2027, 1, 4);
    strcpy(p1.status, "proposed");
    strcpy(p2.status, "proposed");
    assert_int_equal(placement_insert(f->s, &p1), AP_OK);
    assert_int_equal(placement_insert(f->s, &p2), AP_OK);
    strcpy(p2.status, "active");
    assert_int_equal(placement_update(f->s, &p2), AP_ERR_INVALID); /* Monday AM is two's, from 2026-12-19 */
    unit_expect_detail("Monday AM: already timetabled at Clwb Bocsio Aber");

    /* Cannot be fooled by rows written past the check (an older store):
     * the hours count each session once: 19.5 h, reduced for Year 9. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO placement (pupil_id, provider_id, status, start_date, cost_basis, rate) "
             "VALUES (%lld, %lld, 'active', '2026-09-07', 'week', 100)", (long long)pupil, (long long)b);
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    int64_t dup = sqlite3_last_insert_rowid(store_db(f->s));
    snprintf(sql, sizeof sql,
             "INSERT INTO placement_session VALUES (%lld, 0, 'am', 3), (%lld, 1, 'am', 3)", (long long)dup,
             (long long)dup);
    assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    struct pupil_hours h;
    assert_int_equal(placement_pupil_hours(f->s, pupil, today(), &f->th, &h), AP_OK);
    if (h.weekly_hours != 19.5)
        fail_msg("weekly hours %g, expected 19.5", h.weekly_hours);
    assert_true(h.reduced);
}

static void test_placement_bad_session_writes_nothing(void **state)
{
    struct unit_fixture *f = *state;

    /* Refused by validation, naming the session. */
    PF->pl.hours[1][PLACEMENT_PM] = 7;
    unit_refused(placement_insert(f->s, &PF->pl), "Tuesday PM: 7 hours is not the length of a session");
    PF->pl.hours[1][PLACEMENT_PM] = -1;
    unit_refused(placement_insert(f->s, &PF->pl), "Tuesday PM:");
    PF->pl.hours[1][PLACEMENT_PM] = NAN;
    unit_refused(placement_insert(f->s, &PF->pl), "Tuesday PM:");

    /* A session row the store itself refuses (a failing disk, say, simulated
     * by a trigger on this connection): the placement row goes too. */
    assert_int_equal(sqlite3_exec(store_db(f->s),
                                  "CREATE TEMP TRIGGER fail_friday BEFORE INSERT ON main.placement_session "
                                  "WHEN NEW.weekday = 4 BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sample_placement(&PF->pl, PF->pupil, PF->prov);
    PF->pl.hours[4][PLACEMENT_AM] = 3;
    assert_int_not_equal(placement_insert(f->s, &PF->pl), AP_OK);
    unit_expect_detail("disk full (simulated)");
    assert_int_equal(PF->pl.id, 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement"), 0);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement_session"), 0);

    /* The same on update: neither the placement's fields nor its other
     * sessions change, and its version stays. */
    PF->pl.hours[4][PLACEMENT_AM] = 0;
    assert_int_equal(placement_insert(f->s, &PF->pl), AP_OK);
    struct placement edit = PF->pl, got;
    strcpy(edit.purpose, "Changed");
    edit.hours[0][PLACEMENT_AM] = 1.5;
    edit.hours[4][PLACEMENT_AM] = 3;
    assert_int_not_equal(placement_update(f->s, &edit), AP_OK);
    assert_int_equal(edit.version, 1);
    assert_int_equal(placement_get(f->s, PF->pl.id, &got), AP_OK);
    assert_string_equal(got.purpose, "Vocational: animal care");
    assert_true(got.hours[0][PLACEMENT_AM] == 3.0);
    assert_true(got.hours[4][PLACEMENT_AM] == 0);
    assert_int_equal(got.version, 1);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement_session"), 7);
    assert_int_equal(sqlite3_exec(store_db(f->s), "DROP TRIGGER temp.fail_friday", NULL, NULL, NULL), SQLITE_OK);
}

/* ---- the AP census items (migration 030) ---- */

static void test_census_items_on_records(void **state)
{
    struct unit_fixture *f = *state;
    int64_t id = add_pupil(f, 7, "Gwenllïan", "Rees", ymd(2011, 3, 14));
    struct pupil p;
    assert_int_equal(pupil_get(f->s, id, &p), AP_OK);
    assert_string_equal(p.uln, "");
    assert_string_equal(p.ethnicity, "");
    /* ULN: 10 digits exactly; 9 and 11 are refused, and so are 10 characters that are not all digits. */
    static const struct {
        const char *uln;
        ap_status want;
    } ulns[] = {{"", AP_OK},           {"123456789", AP_ERR_INVALID}, {"1234567890", AP_OK},
                {"12345678901", AP_ERR_INVALID}, {"12345 7890", AP_ERR_INVALID}, {"123456789O", AP_ERR_INVALID},
                {"-123456789", AP_ERR_INVALID}};
    for (size_t i = 0; i < sizeof ulns / sizeof ulns[0]; i++) {
        assert_int_equal(pupil_get(f->s, id, &p), AP_OK);
        strcpy(p.uln, ulns[i].uln);
        if (pupil_validate(&p, today()) != ulns[i].want)
            fail_msg("ULN \"%s\": expected %d", ulns[i].uln, ulns[i].want);
        if (ulns[i].want != AP_OK)
            unit_expect_detail("ULN: ");
    }
    assert_int_equal(pupil_get(f->s, id, &p), AP_OK);
    strcpy(p.ethnicity, "WXYZ");
    unit_refused(pupil_validate(&p, today()), "Ethnicity: \"WXYZ\" is not one of");
    strcpy(p.ethnicity, "wwel"); /* the store keeps the DfE's upper case; the imports upper-case it */
    assert_int_equal(pupil_validate(&p, today()), AP_ERR_INVALID);
    strcpy(p.uln, "1234567890");
    strcpy(p.middle_names, "Ŵyn Mair");
    strcpy(p.ethnicity, "WWEL");
    assert_int_equal(pupil_update(f->s, &p, today()), AP_OK);
    struct pupil back;
    assert_int_equal(pupil_get(f->s, id, &back), AP_OK);
    assert_string_equal(back.uln, "1234567890");
    assert_string_equal(back.middle_names, "Ŵyn Mair");
    assert_string_equal(back.ethnicity, "WWEL");
    assert_int_equal(back.version, 2);
    /* Middle names follow the text rules: no control characters. */
    strcpy(back.middle_names, "Mair\x01");
    unit_refused(pupil_validate(&back, today()), "Middle names:");

    int64_t prov = add_provider(f, "Gweithdy Cwm");
    struct placement pl;
    sample_placement(&pl, id, prov);
    strcpy(pl.setting_type, "XYZ");
    unit_refused(placement_validate(&pl), "Census setting type:");
    sample_placement(&pl, id, prov);
    strcpy(pl.census_reason, "ZZZ");
    unit_refused(placement_validate(&pl), "Census reason:");
    sample_placement(&pl, id, prov);
    strcpy(pl.setting_type, "WBP");
    strcpy(pl.census_reason, "PEX");
    assert_int_equal(placement_insert(f->s, &pl), AP_OK);
    struct placement got;
    assert_int_equal(placement_get(f->s, pl.id, &got), AP_OK);
    assert_string_equal(got.setting_type, "WBP");
    assert_string_equal(got.census_reason, "PEX");

    /* Every code of the tables passes the store's CHECKs. */
    char sql[160];
    assert_int_equal(store_begin(f->s), AP_OK);
    for (const struct label *l = LABELS_ETHNICITY; l->code; l++) {
        snprintf(sql, sizeof sql, "UPDATE pupil SET ethnicity = '%s', version = version + 1 WHERE id = %lld", l->code, (long long)id);
        assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    for (const struct label *l = LABELS_CENSUS_SETTING; l->code; l++) {
        snprintf(sql, sizeof sql, "UPDATE placement SET setting_type = '%s', version = version + 1 WHERE id = %lld", l->code,
                 (long long)pl.id);
        assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    /* And the CHECKs refuse what the rules refuse, for a write that goes around them. */
    static const char *const bad[] = {
        "UPDATE pupil SET uln = '12345abcde', version = version + 1",
        "UPDATE pupil SET uln = '123456789', version = version + 1",
        "UPDATE pupil SET uln = '12345678901', version = version + 1",
        "UPDATE pupil SET ethnicity = 'WWELS', version = version + 1",
        "UPDATE placement SET setting_type = 'XYZ', version = version + 1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if ((sqlite3_exec(store_db(f->s), bad[i], NULL, NULL, NULL) & 0xff) != SQLITE_CONSTRAINT ||
            sqlite3_extended_errcode(store_db(f->s)) != SQLITE_CONSTRAINT_CHECK)
            fail_msg("not refused by a CHECK: %s (%s)", bad[i], sqlite3_errmsg(store_db(f->s)));
    assert_int_equal(sqlite3_exec(store_db(f->s), "UPDATE pupil SET uln = '0123456789', version = version + 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    store_rollback(f->s);
}

static void test_placement_validation_names_the_field(void **state)
{
    struct unit_fixture *f = *state;
    PF->pl.start_date = DATE_NONE;
    unit_refused(placement_insert(f->s, &PF->pl), "Start date: must be given");
    sample_placement(&PF->pl, PF->pupil, PF->prov);
    const struct bad_field bad[] = {
        {NUMBER_VALUE(struct placement, end_date, ymd(2026, 9, 1)), "End date: before the start date"},
        {TEXT_VALUE(struct placement, status, "ended"), "End date: an ended placement needs"},
        {NUMBER_VALUE(struct placement, rate, -1), "Rate: must not be negative"},
        {NUMBER_VALUE(struct placement, transport_per_week, -1), "Transport a week: must not be negative"},
        {TEXT_VALUE(struct placement, cost_basis, "hour"), "Cost basis:"},
        {NUMBER_VALUE(struct placement, provider_id, 0), "Provider: must be chosen"},
    };
    refused_each(&PF->pl, sizeof PF->pl, check_placement, bad, COUNT(bad));
    memset(PF->pl.hours, 0, sizeof PF->pl.hours);
    unit_refused(placement_validate(&PF->pl), "Timetable: an active placement needs at least one session");
    strcpy(PF->pl.status, "proposed");
    assert_int_equal(placement_validate(&PF->pl), AP_OK);

    /* Checked against the store inside the transaction. */
    sample_placement(&PF->pl, PF->pupil, 777);
    unit_refused(placement_insert(f->s, &PF->pl), "Provider: there is no provider 777");
    sample_placement(&PF->pl, 888, PF->prov);
    unit_refused(placement_insert(f->s, &PF->pl), "Pupil: there is no pupil 888");
    sample_placement(&PF->pl, PF->pupil, PF->prov);
    PF->pl.panel_case_id = 99;
    unit_refused(placement_insert(f->s, &PF->pl), "Panel case: there is no panel case 99");

    /* A suspended provider takes no new placement, but its current ones can
     * still be edited, and a proposal cannot be made active there. */
    struct placement running, proposal;
    sample_placement(&running, PF->pupil, PF->prov);
    assert_int_equal(placement_insert(f->s, &running), AP_OK);
    sample_placement(&proposal, PF->pupil, PF->prov);
    strcpy(proposal.status, "proposed");
    assert_int_equal(placement_insert(f->s, &proposal), AP_OK);
    int64_t version = 1;
    assert_int_equal(provider_set_status(f->s, PF->prov, &version, "suspended"), AP_OK);
    sample_placement(&PF->pl, PF->pupil, PF->prov);
    unit_refused(placement_insert(f->s, &PF->pl), "Provider: Canolfan Sgiliau is suspended and takes no new placements");
    strcpy(proposal.status, "active");
    unit_refused(placement_update(f->s, &proposal), "Provider: Canolfan Sgiliau is suspended");
    running.end_date = ymd(2026, 12, 18);
    assert_int_equal(placement_update(f->s, &running), AP_OK);
    assert_int_equal(query_int(f->s, "SELECT count(*) FROM placement"), 2);
}

static void test_placement_stale_version_names_who(void **state)
{
    struct unit_fixture *f = *state;
    struct placement mine, theirs;
    sample_placement(&mine, PF->pupil, PF->prov);
    assert_int_equal(placement_insert(f->s, &mine), AP_OK);
    struct store *bob = open_as(f, "bob", "lead");
    assert_int_equal(placement_get(bob, mine.id, &theirs), AP_OK);
    theirs.rate = 5000;
    assert_int_equal(placement_update(bob, &theirs), AP_OK);
    mine.hours[4][PLACEMENT_AM] = 3;
    assert_int_equal(placement_update(f->s, &mine), AP_ERR_CONFLICT);
    unit_expect_detail("changed by bob");
    struct placement now;
    assert_int_equal(placement_get(f->s, mine.id, &now), AP_OK);
    assert_int_equal(now.rate, 5000);
    assert_true(now.hours[4][PLACEMENT_AM] == 0); /* the timetable was not touched either */
    store_close(bob);
}

static void test_placement_annual_cost_and_hours(void **state)
{
    struct unit_fixture *f = *state;
    struct placement pl;
    sample_placement(&pl, 1, 1);
    /* Per session: £45 x 7 sessions x 39 weeks + £30 transport x 39 weeks. */
    assert_int_equal(placement_annual_cost(&pl, RULES_SCHOOL_WEEKS), 4500 * 7 * 39 + 3000 * 39);
    assert_int_equal(placement_annual_cost(&pl, RULES_SCHOOL_WEEKS), 1345500);
    /* Per day: £90 x 4 days x 39 weeks + transport. */
    strcpy(pl.cost_basis, "day");
    pl.rate = 9000;
    assert_int_equal(placement_annual_cost(&pl, 39), 9000 * 4 * 39 + 3000 * 39);
    /* Per week and per year. */
    strcpy(pl.cost_basis, "week");
    pl.rate = 40000;
    pl.transport_per_week = 0;
    assert_int_equal(placement_annual_cost(&pl, 39), 1560000);
    strcpy(pl.cost_basis, "year");
    pl.rate = 1800000;
    pl.transport_per_week = 2500;
    assert_int_equal(placement_annual_cost(&pl, 39), 1800000 + 2500 * 39);

    /* A Year 10 pupil (minimum 24 h): 19.5 h at one provider is reduced;
     * adding 6 h elsewhere makes 25.5 h, which is not. A proposed placement
     * and one that has not started do not count. */
    int64_t pupil = add_pupil(f, 7, "Twm", "Siôn", ymd(2012, 3, 14));
    int64_t a = add_provider(f, "Fferm Tŷ Coch"), b = add_provider(f, "Clwb Bocsio Aber");
    struct placement one, two, later, proposed;
    sample_placement(&one, pupil, a);
    assert_int_equal(placement_insert(f->s, &one), AP_OK);
    struct pupil_hours h;
    assert_int_equal(placement_pupil_hours(f->s, pupil, today(), &f->th, &h), AP_OK);
    assert_int_equal(h.year_group, 10);
    assert_int_equal(h.placements, 1);
    assert_true(h.weekly_hours == 19.5);
    assert_true(h.min_hours == 24.0);
    assert_true(h.reduced);

    sample_placement(&two, pupil, b);
    memset(two.hours, 0, sizeof two.hours);
    two.hours[4][PLACEMENT_AM] = 3;
    two.hours[4][PLACEMENT_PM] = 3;
    assert_int_equal(placement_insert(f->s, &two), AP_OK);
    /* (Thursday afternoon: the one session neither timetable uses.) */
    sample_placement(&later, pupil, b);
    memset(later.hours, 0, sizeof later.hours);
    later.hours[3][PLACEMENT_PM] = 2;
    later.start_date = today() + 1;
    assert_int_equal(placement_insert(f->s, &later), AP_OK);
    sample_placement(&proposed, pupil, b);
    memset(proposed.hours, 0, sizeof proposed.hours);
    proposed.hours[3][PLACEMENT_PM] = 2;
    strcpy(proposed.status, "proposed");
    assert_int_equal(placement_insert(f->s, &proposed), AP_OK);
    assert_int_equal(placement_pupil_hours(f->s, pupil, today(), &f->th, &h), AP_OK);
    assert_int_equal(h.placements, 2);
    assert_true(h.weekly_hours == 25.5);
    assert_false(h.reduced);

    /* A Year 3 pupil (minimum 23.5 h) with 23.5 h exactly is not reduced. */
    int64_t young = add_pupil(f, 8, "Nia", "Wyn", ymd(2019, 4, 1));
    struct placement y;
    sample_placement(&y, young, a);
    y.hours[3][PLACEMENT_PM] = 2.5;
    y.hours[4][PLACEMENT_AM] = 1.5;
    assert_int_equal(placement_insert(f->s, &y), AP_OK);
    assert_int_equal(placement_pupil_hours(f->s, young, today(), &f->th, &h), AP_OK);
    assert_int_equal(h.year_group, 3);
    assert_true(h.weekly_hours == 23.5);
    assert_true(h.min_hours == 23.5);
    assert_false(h.reduced);
    assert_int_equal(placement_pupil_hours(f->s, 9999, today(), &f->th, &h), AP_ERR_NOT_FOUND);
}

static void test_placement_lists(void **state)
{
    struct unit_fixture *f = *state;
    int64_t gwen = add_pupil(f, 9, "Gwenllïan", "Prydderch", ymd(2012, 3, 14));
    int64_t aled = add_pupil(f, 10, "Aled", "Ap Iorwerth", ymd(2010, 10, 1));
    int64_t cara = add_pupil(f, 11, "Cara", "Zeller", ymd(2011, 1, 1));
    int64_t farm = add_provider(f, "Fferm Tŷ Coch"), gym = add_provider(f, "Clwb Bocsio Aber");

    /* Gwen: ended at the gym, active at the farm, proposed at the gym. */
    struct placement old, now, next;
    sample_placement(&old, gwen, gym);
    old.start_date = ymd(2026, 1, 5);
    assert_int_equal(placement_insert(f->s, &old), AP_OK);
    int64_t v = 1;
    assert_int_equal(placement_end(f->s, old.id, &v, ymd(2026, 7, 17), today()), AP_OK);
    sample_placement(&now, gwen, farm);
    assert_int_equal(placement_insert(f->s, &now), AP_OK);
    sample_placement(&next, gwen, gym);
    strcpy(next.status, "proposed");
    next.start_date = ymd(2027, 1, 4);
    assert_int_equal(placement_insert(f->s, &next), AP_OK);

    struct placement_item *items = NULL;
    size_t n = 0;
    assert_int_equal(placement_list_for_pupil(f->s, gwen, &items, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].p.id, now.id);
    assert_string_equal(items[0].provider_name, "Fferm Tŷ Coch");
    assert_true(items[0].weekly_hours == 19.5);
    assert_int_equal(items[0].annual_cost, 1345500);
    assert_memory_equal(items[0].p.hours, now.hours, sizeof now.hours);
    assert_int_equal(items[1].p.id, next.id);
    assert_int_equal(items[2].p.id, old.id);
    assert_string_equal(items[2].p.status, "ended");
    assert_string_equal(items[2].provider_name, "Clwb Bocsio Aber");
    free(items);
    assert_int_equal(placement_list_for_pupil(f->s, 4242, &items, &n), AP_OK);
    assert_int_equal(n, 0);
    assert_null(items);

    /* At the farm now: Gwen (19.5 h, full time), Aled with two placements
     * there (10 h + 8 h = 18 h: full time at exactly the threshold), Cara
     * with 6 h. By surname. */
    struct placement a1, a2, c1;
    sample_placement(&a1, aled, farm);
    memset(a1.hours, 0, sizeof a1.hours);
    a1.hours[0][PLACEMENT_AM] = a1.hours[0][PLACEMENT_PM] = 5;
    assert_int_equal(placement_insert(f->s, &a1), AP_OK);
    sample_placement(&a2, aled, farm);
    memset(a2.hours, 0, sizeof a2.hours);
    a2.hours[1][PLACEMENT_AM] = a2.hours[1][PLACEMENT_PM] = 4;
    assert_int_equal(placement_insert(f->s, &a2), AP_OK);
    sample_placement(&c1, cara, farm);
    memset(c1.hours, 0, sizeof c1.hours);
    c1.hours[2][PLACEMENT_AM] = 6;
    assert_int_equal(placement_insert(f->s, &c1), AP_OK);

    struct provider_pupil *pp = NULL;
    assert_int_equal(placement_provider_pupils(f->s, farm, today(), &f->th, &pp, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(pp[0].pupil_id, aled);
    assert_string_equal(pp[0].name, "Aled Ap Iorwerth");
    assert_int_equal(pp[0].year_group, 11);
    assert_true(pp[0].weekly_hours == 18.0);
    assert_true(pp[0].full_time);
    assert_int_equal(pp[1].pupil_id, gwen);
    assert_string_equal(pp[1].name, "Gwenllïan Prydderch");
    assert_int_equal(pp[1].year_group, 10);
    assert_true(pp[1].full_time);
    assert_int_equal(pp[2].pupil_id, cara);
    assert_true(pp[2].weekly_hours == 6.0);
    assert_false(pp[2].full_time);
    assert_string_equal(pp[2].plan, "none");
    free(pp);
    /* Nobody is at the gym now (ended and proposed only). */
    assert_int_equal(placement_provider_pupils(f->s, gym, today(), &f->th, &pp, &n), AP_OK);
    assert_int_equal(n, 0);
    free(pp);
}

/* ---- parent/carer contacts ---- */

static int64_t add_contact(struct unit_fixture *f, int64_t pupil, const char *name, const char *phone)
{
    struct contact c;
    contact_init(&c);
    c.pupil_id = pupil;
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.phone, sizeof c.phone, "%s", phone);
    assert_int_equal(contact_insert(f->s, &c), AP_OK);
    return c.id;
}

static void expect_order(struct unit_fixture *f, int64_t pupil, const char *names)
{
    struct contact *list = NULL;
    size_t n = 0;
    assert_int_equal(contact_list(f->s, pupil, &list, &n), AP_OK);
    char buf[512] = "";
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(list[i].priority, (int)i + 1);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "", list[i].name);
    }
    free(list);
    assert_string_equal(buf, names);
}

static void test_contacts_crud_in_priority_order(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 12, "Siân", "Jones", ymd(2012, 6, 1));
    struct contact mam, got;
    const struct field_value texts[] = {
        TEXT_VALUE(struct contact, name, "Eleri Jones"),
        TEXT_VALUE(struct contact, relationship, "Mother"),
        TEXT_VALUE(struct contact, phone, "07700 900456"),
        TEXT_VALUE(struct contact, phone2, "01970 623456"),
        TEXT_VALUE(struct contact, email, "eleri@example.org"),
    };
    contact_init(&mam);
    mam.pupil_id = pupil;
    put_texts(&mam, texts, COUNT(texts));
    assert_int_equal(contact_insert(f->s, &mam), AP_OK);
    assert_int_equal(mam.priority, 1);
    assert_int_equal(contact_get(f->s, mam.id, &got), AP_OK);
    expect_texts(&got, texts, COUNT(texts));
    assert_true(got.parental_responsibility);
    assert_int_equal(got.priority, 1);

    got.parental_responsibility = false;
    strcpy(got.relationship, "Mam");
    assert_int_equal(contact_update(f->s, &got), AP_OK);
    assert_int_equal(got.version, 2);
    assert_int_equal(contact_update(f->s, &mam), AP_ERR_CONFLICT);
    unit_expect_detail("changed by tester");

    int64_t nain = add_contact(f, pupil, "Nain", "01970 111111");
    int64_t taid = add_contact(f, pupil, "Taid", "01970 222222");
    expect_order(f, pupil, "Eleri Jones,Nain,Taid");

    /* Taid up: before Nain. */
    struct contact t;
    assert_int_equal(contact_get(f->s, taid, &t), AP_OK);
    int64_t v = t.version;
    assert_int_equal(contact_move(f->s, taid, &v, -1), AP_OK);
    expect_order(f, pupil, "Eleri Jones,Taid,Nain");
    assert_int_equal(contact_get(f->s, taid, &t), AP_OK);
    assert_int_equal(v, t.version);
    /* Up again: first; up once more does nothing. */
    assert_int_equal(contact_move(f->s, taid, &v, -1), AP_OK);
    expect_order(f, pupil, "Taid,Eleri Jones,Nain");
    assert_int_equal(contact_move(f->s, taid, &v, -1), AP_OK);
    expect_order(f, pupil, "Taid,Eleri Jones,Nain");
    /* Nain down at the bottom: nothing. Eleri down: last. */
    struct contact nn;
    assert_int_equal(contact_get(f->s, nain, &nn), AP_OK);
    int64_t nv = nn.version;
    assert_int_equal(contact_move(f->s, nain, &nv, 1), AP_OK);
    expect_order(f, pupil, "Taid,Eleri Jones,Nain");
    assert_int_equal(contact_get(f->s, mam.id, &got), AP_OK);
    int64_t mv = got.version;
    assert_int_equal(contact_move(f->s, mam.id, &mv, 1), AP_OK);
    expect_order(f, pupil, "Taid,Nain,Eleri Jones");
    /* A stale version is refused. */
    int64_t stale = 1;
    assert_int_equal(contact_move(f->s, mam.id, &stale, -1), AP_ERR_CONFLICT);
    assert_int_equal(contact_move(f->s, mam.id, &mv, 2), AP_ERR_INVALID);

    /* Deleting closes the gap. */
    assert_int_equal(contact_get(f->s, nain, &nn), AP_OK);
    assert_int_equal(contact_delete(f->s, nain, nn.version), AP_OK);
    expect_order(f, pupil, "Taid,Eleri Jones");
    assert_int_equal(contact_delete(f->s, nain, nn.version), AP_ERR_NOT_FOUND);
    unit_expect_detail("deleted by tester");
}

static void test_contact_validation_and_limit(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 13, "Ifan", "Huws", ymd(2012, 6, 1));
    struct contact c;
    contact_init(&c);
    c.pupil_id = pupil;
    unit_refused(contact_insert(f->s, &c), "Name: must not be empty");
    strcpy(c.name, "Mair Huws");
    unit_refused(contact_insert(f->s, &c), "Phone: give a phone number or an email address");
    static const struct bad_field bad[] = {
        {TEXT_VALUE(struct contact, phone, "ring after 3"), "Phone: \"ring after 3\" is not a phone number"},
        {TEXT_VALUE(struct contact, phone2, "123"), "Other phone:"},
        {TEXT_VALUE(struct contact, email, "mair@"), "Email:"},
    };
    strcpy(c.email, "mair@example.org"); /* valid now: each row spoils one field */
    refused_each(&c, sizeof c, check_contact, bad, COUNT(bad));
    c.pupil_id = 5555;
    unit_refused(contact_insert(f->s, &c), "Pupil: there is no pupil 5555");

    for (int i = 0; i < CONTACT_MAX; i++) {
        char name[32];
        snprintf(name, sizeof name, "Contact %d", i + 1);
        add_contact(f, pupil, name, "01970 000000");
    }
    c.pupil_id = pupil;
    unit_refused(contact_insert(f->s, &c), "at most 9 contacts");
}

/* ---- the safeguarding chronology ---- */

static void test_concerns_newest_first_and_not_for_viewers(void **state)
{
    struct unit_fixture *f = *state;
    int64_t pupil = add_pupil(f, 14, "Llŷr", "Evans", ymd(2011, 5, 2));
    int64_t farm = add_provider(f, "Fferm Tŷ Coch");
    struct concern a, b, c;
    concern_init(&a);
    a.pupil_id = pupil;
    a.provider_id = farm;
    a.concern_date = ymd(2026, 10, 2);
    strcpy(a.summary, "Disclosure to the farm manager about home.");
    strcpy(a.told, "DSL (Gwyn Puw), social worker");
    strcpy(a.action, "Referral to children's services.\nStrategy meeting 5 Oct.");
    assert_int_equal(concern_add(f->s, &a, today()), AP_OK);
    assert_true(a.id > 0);
    assert_string_equal(a.recorded_by, "tester");
    assert_int_equal(strlen(a.recorded_at), 19);

    concern_init(&b);
    b.pupil_id = pupil;
    b.concern_date = ymd(2026, 11, 12);
    strcpy(b.kind, "incident");
    strcpy(b.summary, "Left site without permission.");
    assert_int_equal(concern_add(f->s, &b, today()), AP_OK);
    concern_init(&c);
    c.pupil_id = pupil;
    c.concern_date = ymd(2026, 9, 20);
    strcpy(c.summary, "Bruise noticed on arrival.");
    assert_int_equal(concern_add(f->s, &c, today()), AP_OK);

    struct concern *list = NULL;
    size_t n = 0;
    assert_int_equal(concern_list(f->s, pupil, &list, &n), AP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, b.id);
    assert_string_equal(list[0].kind, "incident");
    assert_string_equal(list[0].provider_name, "");
    assert_int_equal(list[1].id, a.id);
    assert_int_equal(list[1].concern_date, ymd(2026, 10, 2));
    assert_string_equal(list[1].summary, a.summary);
    assert_string_equal(list[1].told, "DSL (Gwyn Puw), social worker");
    assert_string_equal(list[1].action, a.action);
    assert_string_equal(list[1].recorded_by, "tester");
    assert_string_equal(list[1].provider_name, "Fferm Tŷ Coch");
    assert_int_equal(list[1].provider_id, farm);
    assert_int_equal(list[2].id, c.id);
    free(list);

    /* Validation names the field. */
    struct concern bad;
    concern_init(&bad);
    bad.pupil_id = pupil;
    bad.concern_date = today() + 1;
    strcpy(bad.summary, "x");
    unit_refused(concern_add(f->s, &bad, today()), "Date: 2026-11-19 is in the future");
    bad.concern_date = DATE_NONE;
    unit_refused(concern_validate(&bad, today()), "Date: must be given");
    bad.concern_date = today();
    strcpy(bad.summary, " ");
    unit_refused(concern_validate(&bad, today()), "Summary: must not be empty");
    strcpy(bad.summary, "x");
    strcpy(bad.kind, "rumour");
    unit_refused(concern_validate(&bad, today()), "Kind:");
    strcpy(bad.kind, "incident");
    bad.provider_id = 321;
    unit_refused(concern_add(f->s, &bad, today()), "Provider: there is no provider 321");

    /* A viewer is refused by the data layer, with the reason. */
    struct store *v = open_as(f, "victor", "viewer");
    list = (struct concern *)&bad; /* must be reset */
    n = 99;
    assert_int_equal(concern_list(v, pupil, &list, &n), AP_ERR_DENIED);
    assert_string_equal(ap_error_detail(), "the safeguarding chronology is not shown to viewers");
    assert_null(list);
    assert_int_equal(n, 0);
    assert_int_equal(concern_add(v, &c, today()), AP_ERR_DENIED);
    store_close(v);
    /* A lead sees it. */
    struct store *lead = open_as(f, "lowri", "lead");
    assert_int_equal(concern_list(lead, pupil, &list, &n), AP_OK);
    assert_int_equal(n, 3);
    free(list);
    store_close(lead);
}

/* The statement every record's save runs: each column and the stamp as a
 * parameter in order, the update versioned; a buffer one byte short is
 * refused rather than cut. */
static void test_rowio_write_sql(void **state)
{
    (void)state;
    char sql[200];
    assert_true(rowio_write_sql(sql, sizeof sql, "school", "name, urn", 2, true));
    assert_string_equal(sql, "INSERT INTO school (name, urn, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)");
    assert_true(rowio_write_sql(sql, sizeof sql, "school", "name, urn", 2, false));
    assert_string_equal(sql, "UPDATE school SET (name, urn, updated_at, updated_by) = (?1, ?2, ?3, ?4), "
                             "version = version + 1 WHERE id = ?5 AND version = ?6");
    size_t need = strlen(sql) + 1;
    assert_true(rowio_write_sql(sql, need, "school", "name, urn", 2, false));
    assert_false(rowio_write_sql(sql, need - 1, "school", "name, urn", 2, false));
}

/* rowio_read puts each column where its letter says: integers, a flag, a
 * real, a date (NULL as none) and text cut to its buffer at a character. */
static void test_rowio_read(void **state)
{
    struct unit_fixture *f = *state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "SELECT 9000000000, 3, 2, 2.5, '2026-03-04', NULL, 'Siân'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t big = 0;
    int small = 0, day = 0, none = 0;
    bool flag = false;
    double real = 0;
    char name[4];
    rowio_read(st, 0, "Iibfddt", &big, &small, &flag, &real, &day, &none, ROWIO_BUF(name));
    sqlite3_finalize(st);
    assert_true(big == 9000000000);
    assert_int_equal(small, 3);
    assert_true(flag);
    assert_true(real == 2.5);
    assert_int_equal(day, date_from_ymd(2026, 3, 4));
    assert_int_equal(none, DATE_NONE);
    assert_string_equal(name, "Si"); /* "â" is two bytes: it does not fit after "Si" in 4 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_give_words_for_codes),
        cmocka_unit_test(test_rowio_write_sql),
        UNIT_TEST(test_rowio_read, unit_setup),
        UNIT_TEST(test_labels_match_the_schema, unit_setup),
        UNIT_TEST(test_school_round_trip_and_list, unit_setup),
        UNIT_TEST(test_school_validation_names_the_field, unit_setup),
        UNIT_TEST(test_provider_round_trip, unit_setup),
        UNIT_TEST(test_provider_validation_names_the_field, unit_setup),
        UNIT_TEST(test_provider_stale_version_names_who, unit_setup),
        UNIT_TEST(test_provider_delete_refused_while_placed, unit_setup),
        UNIT_TEST(test_provider_contacts_crud, unit_setup),
        UNIT_TEST(test_placement_with_timetable_round_trip, setup_placement),
        UNIT_TEST(test_placement_bad_session_writes_nothing, setup_placement),
        UNIT_TEST(test_placement_validation_names_the_field, setup_placement),
        UNIT_TEST(test_placement_stale_version_names_who, setup_placement),
        UNIT_TEST(test_placement_annual_cost_and_hours, unit_setup),
        UNIT_TEST(test_placement_lists, unit_setup),
        UNIT_TEST(test_placement_overlapping_sessions, unit_setup),
        UNIT_TEST(test_contacts_crud_in_priority_order, unit_setup),
        UNIT_TEST(test_contact_validation_and_limit, unit_setup),
        UNIT_TEST(test_concerns_newest_first_and_not_for_viewers, unit_setup),
        UNIT_TEST(test_census_items_on_records, unit_setup),
    };
    return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
