#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "rowio.h"
#include "strbuf.h"

/* The editable columns, in the order of the ?N parameters of the writes. */
#define PROVIDER_COLUMNS                                                                                  \
    "name, organisation, registered_manager, address, phone, email, registration, urn, ukprn, "          \
    "age_from, age_to, aln_areas, purpose, cost_basis, cost_rate, dsl_name, safeguarding_policy_date, "  \
    "safeguarding_training_date, dbs_checked_date, references_checked, declaration_date, "               \
    "public_liability, employers_liability, professional_indemnity, motor_cover, subcontractor_cover, "  \
    "insurance_expiry, initial_visit_date, status, notes"
#define PROVIDER_COLUMN_COUNT 30

void provider_init(struct provider *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->registration, "unregistered");
    strcpy(p->cost_basis, "session");
    strcpy(p->status, "active");
    p->safeguarding_policy_date = p->safeguarding_training_date = p->dbs_checked_date = DATE_NONE;
    p->declaration_date = p->insurance_expiry = p->initial_visit_date = DATE_NONE;
}

static ap_status check_digits(const char *label, const char *value, size_t min, size_t max, const char *what)
{
    size_t n = strlen(value);
    if (n && (n < min || n > max || strspn(value, "0123456789") != n)) {
        if (min == max)
            return ap_fail(AP_ERR_INVALID, "%s: \"%s\" is not %s (%zu digits)", label, value, what, min);
        return ap_fail(AP_ERR_INVALID, "%s: \"%s\" is not %s (%zu to %zu digits)", label, value, what, min, max);
    }
    return AP_OK;
}

static ap_status check_age(const char *label, int age)
{
    if (age != 0 && (age < 3 || age > 25))
        return ap_fail(AP_ERR_INVALID, "%s: %d is not an age from 3 to 25", label, age);
    return AP_OK;
}

ap_status provider_validate(const struct provider *p, int today)
{
    ap_status st;
#define TEXT(label, field, required, multiline)                                                        \
    if ((st = rowio_check_text(label, p->field, sizeof p->field, required, multiline)) != AP_OK)       \
        return st;
    TEXT("Name", name, true, false)
    TEXT("Organisation", organisation, false, false)
    TEXT("Registered manager", registered_manager, false, false)
    TEXT("Address", address, false, true)
    TEXT("Phone", phone, false, false)
    TEXT("Email", email, false, false)
    TEXT("URN", urn, false, false)
    TEXT("UKPRN", ukprn, false, false)
    TEXT("ALN areas covered", aln_areas, false, false)
    TEXT("Purpose", purpose, false, true)
    TEXT("Designated Safeguarding Lead", dsl_name, false, false)
    TEXT("Notes", notes, false, true)
#undef TEXT
    if ((st = rowio_check_phone("Phone", p->phone)) != AP_OK || (st = rowio_check_email("Email", p->email)) != AP_OK ||
        (st = rowio_check_choice("Registration", p->registration, LABELS_REGISTRATION)) != AP_OK ||
        (st = check_digits("URN", p->urn, 6, 8, "a URN or school number")) != AP_OK ||
        (st = check_digits("UKPRN", p->ukprn, 8, 8, "a UK provider reference number")) != AP_OK ||
        (st = check_age("Age from", p->age_from)) != AP_OK || (st = check_age("Age to", p->age_to)) != AP_OK)
        return st;
    if (p->age_from && p->age_to && p->age_to < p->age_from)
        return ap_fail(AP_ERR_INVALID, "Age to: %d is below Age from (%d)", p->age_to, p->age_from);
    if (p->age_to && !p->age_from)
        return ap_fail(AP_ERR_INVALID, "Age from: must be given with Age to");
    if ((st = rowio_check_choice("Cost basis", p->cost_basis, LABELS_COST_BASIS)) != AP_OK ||
        (st = rowio_check_money("Cost", p->cost_rate)) != AP_OK ||
        (st = rowio_check_date("Safeguarding policy date", p->safeguarding_policy_date, false, today)) != AP_OK ||
        (st = rowio_check_date("Safeguarding training date", p->safeguarding_training_date, false, today)) !=
            AP_OK ||
        (st = rowio_check_date("Enhanced DBS checked", p->dbs_checked_date, false, today)) != AP_OK ||
        (st = rowio_check_date("Safeguarding declaration date", p->declaration_date, false, today)) != AP_OK ||
        (st = rowio_check_money("Public liability cover", p->public_liability)) != AP_OK ||
        (st = rowio_check_money("Employer's liability cover", p->employers_liability)) != AP_OK ||
        (st = rowio_check_money("Professional indemnity cover", p->professional_indemnity)) != AP_OK ||
        (st = rowio_check_date("Insurance expiry", p->insurance_expiry, false, DATE_NONE)) != AP_OK ||
        (st = rowio_check_date("Initial site visit", p->initial_visit_date, false, today)) != AP_OK ||
        (st = rowio_check_choice("Status", p->status, LABELS_PROVIDER_STATUS)) != AP_OK)
        return st;
    return AP_OK;
}

/* Binds the editable columns to ?1..?30; returns an SQLite result code. */
static int bind_provider_row(sqlite3_stmt *st, const void *record)
{
    const struct provider *p = record;
    return rowio_bind(st, 1, "tttttttttNNtttItdddidIIIiiddtt", p->name, p->organisation, p->registered_manager,
                      p->address, p->phone, p->email, p->registration, p->urn, p->ukprn, p->age_from, p->age_to,
                      p->aln_areas, p->purpose, p->cost_basis, p->cost_rate, p->dsl_name, p->safeguarding_policy_date,
                      p->safeguarding_training_date, p->dbs_checked_date, p->references_checked, p->declaration_date,
                      p->public_liability, p->employers_liability, p->professional_indemnity, p->motor_cover,
                      p->subcontractor_cover, p->insurance_expiry, p->initial_visit_date, p->status, p->notes);
}

static ap_status write_provider(struct store *s, struct provider *p, int today, bool insert)
{
    return rowio_save(s, provider_validate(p, today), "provider", PROVIDER_COLUMNS, PROVIDER_COLUMN_COUNT,
                      bind_provider_row, p, insert, &p->id, &p->version,
                      insert ? "adding the provider" : "saving the provider");
}

ap_status provider_insert(struct store *s, struct provider *p, int today)
{
    return write_provider(s, p, today, true);
}

ap_status provider_update(struct store *s, struct provider *p, int today)
{
    return write_provider(s, p, today, false);
}

static void read_provider_row(sqlite3_stmt *st, void *row)
{
    struct provider *p = row;
    memset(p, 0, sizeof *p);
    rowio_read(st, 0, "tttttttttiitttItdddbdIIIbbddttIItt", ROWIO_BUF(p->name), ROWIO_BUF(p->organisation),
               ROWIO_BUF(p->registered_manager), ROWIO_BUF(p->address), ROWIO_BUF(p->phone), ROWIO_BUF(p->email),
               ROWIO_BUF(p->registration), ROWIO_BUF(p->urn), ROWIO_BUF(p->ukprn), &p->age_from, &p->age_to,
               ROWIO_BUF(p->aln_areas), ROWIO_BUF(p->purpose), ROWIO_BUF(p->cost_basis), &p->cost_rate,
               ROWIO_BUF(p->dsl_name), &p->safeguarding_policy_date, &p->safeguarding_training_date,
               &p->dbs_checked_date, &p->references_checked, &p->declaration_date, &p->public_liability,
               &p->employers_liability, &p->professional_indemnity, &p->motor_cover, &p->subcontractor_cover,
               &p->insurance_expiry, &p->initial_visit_date, ROWIO_BUF(p->status), ROWIO_BUF(p->notes), &p->id,
               &p->version, ROWIO_BUF(p->updated_at), ROWIO_BUF(p->updated_by));
}

ap_status provider_get(struct store *s, int64_t id, struct provider *p)
{
    return rowio_get(s, "SELECT " PROVIDER_COLUMNS ", id, version, updated_at, updated_by FROM provider WHERE id = ?1",
                     id, read_provider_row, p, "reading the provider", "provider", false);
}

ap_status provider_set_status(struct store *s, int64_t id, int64_t *version, const char *status)
{
    ap_status st = rowio_check_choice("Status", status, LABELS_PROVIDER_STATUS);
    if (st != AP_OK)
        return st;
    if ((st = store_begin(s)) != AP_OK)
        return st;
    st = rowio_writef(s,
                      "UPDATE provider SET status = ?1, updated_at = ?2, updated_by = ?3, "
                      "version = version + 1 WHERE id = ?4 AND version = ?5",
                      "provider", id, *version, "changing the provider's status", NULL, "t", status);
    return rowio_finish(s, st, false, 0, &id, version);
}

/* What still refers to the provider, in words ("2 placements (1 active), 1
 * QA visit"); "" when nothing does. Inside the caller's transaction. */
static ap_status provider_references(struct store *s, int64_t id, char *buf, size_t len)
{
    static const char *const sql =
        "SELECT (SELECT count(*) FROM placement WHERE provider_id = ?1), "
        "(SELECT count(*) FROM placement WHERE provider_id = ?1 AND status != 'ended'), "
        "(SELECT count(*) FROM quote WHERE provider_id = ?1), "
        "(SELECT count(*) FROM qa_visit WHERE provider_id = ?1), "
        "(SELECT count(*) FROM concern WHERE provider_id = ?1), "
        "EXISTS (SELECT 1 FROM attendance_mark WHERE provider_id = ?1)";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, "checking what refers to the provider");
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        result = store_fail(s, rc, "checking what refers to the provider");
        sqlite3_finalize(st);
        return result;
    }
    int placements = sqlite3_column_int(st, 0), open = sqlite3_column_int(st, 1);
    int quotes = sqlite3_column_int(st, 2), visits = sqlite3_column_int(st, 3);
    int concerns = sqlite3_column_int(st, 4), marks = sqlite3_column_int(st, 5);
    sqlite3_finalize(st);
    struct strbuf b = {0};
#define ADD(...) (strbuf_append(&b, b.len ? ", " : ""), strbuf_appendf(&b, __VA_ARGS__))
    if (placements)
        ADD("%d placement%s (%d not ended)", placements, placements == 1 ? "" : "s", open);
    if (quotes)
        ADD("%d panel quotation%s", quotes, quotes == 1 ? "" : "s");
    if (visits)
        ADD("%d QA visit%s", visits, visits == 1 ? "" : "s");
    if (concerns)
        ADD("%d recorded concern%s", concerns, concerns == 1 ? "" : "s");
    if (marks)
        ADD("attendance marks");
#undef ADD
    snprintf(buf, len, "%s", strbuf_str(&b));
    bool failed = b.failed;
    strbuf_free(&b);
    return failed ? ap_fail(AP_ERR_NOMEM, "checking what refers to the provider: out of memory") : AP_OK;
}

ap_status provider_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    char refs[256];
    if ((st = provider_references(s, id, refs, sizeof refs)) != AP_OK)
        goto fail;
    if (refs[0]) {
        st = ap_fail(AP_ERR_INVALID,
                     "the provider cannot be deleted while records refer to it (%s): "
                     "set its status to Suspended instead",
                     refs);
        goto fail;
    }
    st = rowio_exec_versioned(s, "DELETE FROM provider WHERE id = ?1 AND version = ?2", "provider", id, version,
                              "deleting the provider");
fail:
    return rowio_end(s, st);
}

/* ---- provider contacts ---- */

ap_status provider_contact_validate(const struct provider_contact *c)
{
    ap_status st;
    if (c->provider_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Provider: a contact must belong to a provider");
    if ((st = rowio_check_text("Name", c->name, sizeof c->name, true, false)) != AP_OK ||
        (st = rowio_check_text("Job role", c->job_role, sizeof c->job_role, false, false)) != AP_OK ||
        (st = rowio_check_phone_field("Phone", ROWIO_BUF(c->phone))) != AP_OK)
        return st;
    return rowio_check_email_field("Email", ROWIO_BUF(c->email));
}

static ap_status write_contact(struct store *s, struct provider_contact *c, bool insert)
{
    ap_status st = provider_contact_validate(c);
    if (st != AP_OK)
        return st;
    const char *what = insert ? "adding the provider's contact" : "saving the provider's contact";
    char sql[256];
    if (!rowio_write_sql(sql, sizeof sql, "provider_contact", "provider_id, name, job_role, phone, email", 5, insert))
        return ap_fail(AP_ERR_DB, "%s: the statement is too long", what);
    if ((st = store_begin(s)) != AP_OK)
        return st;
    st = rowio_need_row(s, "provider", c->provider_id, "Provider");
    int64_t new_id = 0;
    if (st == AP_OK)
        st = rowio_writef(s, sql, "provider_contact", c->id, c->version, what, &new_id, "Itttt", c->provider_id,
                          c->name, c->job_role, c->phone, c->email);
    return rowio_finish(s, st, insert, new_id, &c->id, &c->version);
}

ap_status provider_contact_insert(struct store *s, struct provider_contact *c)
{
    return write_contact(s, c, true);
}

ap_status provider_contact_update(struct store *s, struct provider_contact *c)
{
    return write_contact(s, c, false);
}

ap_status provider_contact_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    return rowio_end(s, rowio_exec_versioned(s, "DELETE FROM provider_contact WHERE id = ?1 AND version = ?2",
                                             "provider_contact", id, version, "deleting the provider's contact"));
}

#define CONTACT_SELECT \
    "SELECT id, provider_id, name, job_role, phone, email, version, updated_at, updated_by FROM provider_contact "

static void read_contact(sqlite3_stmt *st, void *row)
{
    struct provider_contact *c = row;
    memset(c, 0, sizeof *c);
    rowio_read(st, 0, "IIttttItt", &c->id, &c->provider_id, ROWIO_BUF(c->name), ROWIO_BUF(c->job_role),
               ROWIO_BUF(c->phone), ROWIO_BUF(c->email), &c->version, ROWIO_BUF(c->updated_at),
               ROWIO_BUF(c->updated_by));
}

ap_status provider_contact_get(struct store *s, int64_t id, struct provider_contact *out)
{
    return rowio_get(s, CONTACT_SELECT "WHERE id = ?1", id, read_contact, out, "reading the provider's contact",
                     "provider contact", false);
}

ap_status provider_contact_list(struct store *s, int64_t provider_id, struct provider_contact **out, size_t *n)
{
    const char *what = "listing the provider's contacts";
    return rowio_list(s, CONTACT_SELECT "WHERE provider_id = ?1 ORDER BY name COLLATE NOCASE, id",
                      provider_id, sizeof **out, read_contact, out, n, what);
}
