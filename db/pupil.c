#include "pupil.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "rowio.h"
#include "rules.h"
#include "strbuf.h"
#include "upn.h"

/* The editable columns, in the order of the ?N parameters of the writes. */
#define PUPIL_COLUMNS                                                                                   \
    "upn, legal_forename, legal_surname, preferred_name, dob, gender, home_school_id, roll_status, "    \
    "cohort, fsm, cla, plan, aln_areas, social_worker, social_worker_phone, start_date, end_date, "     \
    "destination, has_idp, has_psp, has_ra, has_ihp, has_php, has_pep, uln, middle_names, ethnicity"
#define PUPIL_COLUMN_COUNT 27

ap_status pupil_check_uln(const char *uln)
{
    size_t n = strlen(uln);
    if (n == 0)
        return AP_OK;
    if (n != 10 || strspn(uln, "0123456789") != n)
        return ap_fail(AP_ERR_INVALID, "ULN: \"%s\" is not a unique learner number (10 digits, or empty)", uln);
    return AP_OK;
}

ap_status pupil_validate(const struct pupil *p, int today)
{
    char why[160];
    ap_status st;
    if (!upn_valid(p->upn, why, sizeof why))
        return ap_fail(AP_ERR_INVALID, "UPN: %s", why);
    /* The labels are the pupil form's, so that an error lands by its field. */
    static const struct {
        const char *label;
        size_t offset, size;
        bool required;
    } texts[] = {
#define TEXT(label, field, required) {label, offsetof(struct pupil, field), sizeof ((struct pupil *)0)->field, required}
        TEXT("Legal forename", legal_forename, true),
        TEXT("Legal surname", legal_surname, true),
        TEXT("Preferred name", preferred_name, false),
        TEXT("Middle names", middle_names, false),
        TEXT("ALN areas of need", aln_areas, false),
        TEXT("Social worker", social_worker, false),
        TEXT("Destination", destination, false),
#undef TEXT
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if ((st = rowio_check_text(texts[i].label, (const char *)p + texts[i].offset, texts[i].size,
                                   texts[i].required, false)) != AP_OK)
            return st;
    if ((st = rowio_check_phone("Social worker phone", p->social_worker_phone)) != AP_OK ||
        (st = rowio_check_date("Date of birth", p->dob, true, today)) != AP_OK ||
        (st = rowio_check_date("Start date", p->start_date, false, DATE_NONE)) != AP_OK ||
        (st = rowio_check_date("End date", p->end_date, false, DATE_NONE)) != AP_OK)
        return st;
    int year = rules_year_group(p->dob, today);
    if (year < -2 || year > 14) {
        char d[11];
        return ap_fail(AP_ERR_INVALID, "Date of birth: %s is not the birthday of a child of school age",
                       date_format(p->dob, d));
    }
    if ((st = pupil_check_uln(p->uln)) != AP_OK)
        return st;
    if ((st = rowio_check_choice("Gender", p->gender, LABELS_GENDER)) != AP_OK ||
        (st = rowio_check_choice("Ethnicity", p->ethnicity, LABELS_ETHNICITY)) != AP_OK ||
        (st = rowio_check_choice("Roll status", p->roll_status, LABELS_ROLL_STATUS)) != AP_OK ||
        (st = rowio_check_choice("Cohort", p->cohort, LABELS_COHORT)) != AP_OK ||
        (st = rowio_check_choice("Plan", p->plan, LABELS_PLAN)) != AP_OK)
        return st;
    if (p->start_date != DATE_NONE && p->end_date != DATE_NONE && p->end_date < p->start_date)
        return ap_fail(AP_ERR_INVALID, "End date: before the start date");
    return AP_OK;
}

/* Binds the editable columns to ?1..?27; returns an SQLite result code. */
static int bind_pupil_row(sqlite3_stmt *st, const void *record)
{
    const struct pupil *p = record;
    return rowio_bind(st, 1, "ttttdtrttiittttddtiiiiiittt", p->upn, p->legal_forename, p->legal_surname,
                      p->preferred_name, p->dob, p->gender, p->home_school_id, p->roll_status, p->cohort, p->fsm,
                      p->cla, p->plan, p->aln_areas, p->social_worker, p->social_worker_phone, p->start_date,
                      p->end_date, p->destination, p->has_idp, p->has_psp, p->has_ra, p->has_ihp, p->has_php,
                      p->has_pep, p->uln, p->middle_names, p->ethnicity);
}

/* One INSERT or versioned UPDATE in its own transaction. */
static ap_status write_pupil(struct store *s, struct pupil *p, int today, bool insert)
{
    return rowio_save(s, pupil_validate(p, today), "pupil", PUPIL_COLUMNS, PUPIL_COLUMN_COUNT, bind_pupil_row, p,
                      insert, &p->id, &p->version, insert ? "adding the pupil" : "saving the pupil");
}

ap_status pupil_insert(struct store *s, struct pupil *p, int today)
{
    return write_pupil(s, p, today, true);
}

ap_status pupil_update(struct store *s, struct pupil *p, int today)
{
    return write_pupil(s, p, today, false);
}

/* What keeps a pupil from being deleted, in words ("40 attendance marks,
 * 1 placement"), or "" when nothing does. Contacts go with the pupil. */
static ap_status pupil_references(struct store *s, int64_t id, struct strbuf *out)
{
    static const struct {
        const char *table, *one, *many;
    } refs[] = {
        {"attendance_mark", "attendance mark", "attendance marks"},
        {"placement", "placement", "placements"},
        {"psp", "PSP", "PSPs"},
        {"concern", "entry in the safeguarding chronology", "entries in the safeguarding chronology"},
        {"absence_call", "absence call", "absence calls"},
        {"panel_case", "panel case", "panel cases"},
        {"progress_entry", "tracking rating", "tracking ratings"},
        {"tracking_action", "tracking action", "tracking actions"},
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE pupil_id = %lld", refs[i].table, (long long)id);
        int64_t n = 0;
        ap_status st = store_query_int(s, sql, 0, &n);
        if (st != AP_OK)
            return st;
        if (n)
            strbuf_appendf(out, "%s%lld %s", out->len ? ", " : "", (long long)n, n == 1 ? refs[i].one : refs[i].many);
    }
    return out->failed ? ap_fail(AP_ERR_NOMEM, "deleting the pupil: out of memory") : AP_OK;
}

ap_status pupil_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct strbuf refs = {0};
    st = pupil_references(s, id, &refs);
    if (st == AP_OK && refs.len)
        st = ap_fail(AP_ERR_INVALID,
                     "the pupil cannot be deleted while records refer to them (%s): give them an end date "
                     "instead, since registers are kept for at least 6 years",
                     strbuf_str(&refs));
    strbuf_free(&refs);
    if (st != AP_OK) {
        store_rollback(s);
        return st;
    }
    st = rowio_exec_versioned(s, "DELETE FROM pupil WHERE id = ?1 AND version = ?2", "pupil", id, version,
                              "deleting the pupil");
    return rowio_end(s, st);
}

static void read_pupil_row(sqlite3_stmt *st, void *row)
{
    struct pupil *p = row;
    memset(p, 0, sizeof *p);
    rowio_read(st, 0, "ttttdtIttbbttttddtbbbbbbtttIItt", ROWIO_BUF(p->upn), ROWIO_BUF(p->legal_forename),
               ROWIO_BUF(p->legal_surname), ROWIO_BUF(p->preferred_name), &p->dob, ROWIO_BUF(p->gender),
               &p->home_school_id, ROWIO_BUF(p->roll_status), ROWIO_BUF(p->cohort), &p->fsm, &p->cla,
               ROWIO_BUF(p->plan), ROWIO_BUF(p->aln_areas), ROWIO_BUF(p->social_worker),
               ROWIO_BUF(p->social_worker_phone), &p->start_date, &p->end_date, ROWIO_BUF(p->destination),
               &p->has_idp, &p->has_psp, &p->has_ra, &p->has_ihp, &p->has_php, &p->has_pep, ROWIO_BUF(p->uln),
               ROWIO_BUF(p->middle_names), ROWIO_BUF(p->ethnicity), &p->id, &p->version, ROWIO_BUF(p->updated_at),
               ROWIO_BUF(p->updated_by));
}

ap_status pupil_get(struct store *s, int64_t id, struct pupil *p)
{
    return rowio_get(s, "SELECT " PUPIL_COLUMNS ", id, version, updated_at, updated_by FROM pupil WHERE id = ?1", id,
                     read_pupil_row, p, "reading the pupil", "pupil", false);
}
