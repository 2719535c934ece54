#include "subject.h"

#include <stdio.h>
#include <string.h>

#include "rowio.h"

/* ?1 is the pupil's id; ?2 and ?3 the names a comment may call them by
 * ("Siân Jones", "Si Jones" for a preferred name), lower-cased. */
#define OF_PUPIL "pupil_id = ?1"
#define PLACEMENTS "(SELECT id FROM placement WHERE pupil_id = ?1)"
#define PSPS "(SELECT id FROM psp WHERE pupil_id = ?1)"
#define REVIEWS "(SELECT id FROM psp_review WHERE psp_id IN " PSPS ")"
#define CASES "(SELECT id FROM panel_case WHERE pupil_id = ?1)"
#define NAMED "(instr(lower(comment), ?2) > 0 OR (?3 <> '' AND instr(lower(comment), ?3) > 0))"

static const struct {
    struct subject_part part;
    const char *where;              /* on the table's rows */
    const char *audit;              /* on an audit row's record j (json of new or old) */
} parts[] = {
    {{"Pupil", "The pupil's record", "pupil"}, "id = ?1", "json_extract(j, '$.id') = ?1"},
    {{"Contacts", "Parents and carers", "contact"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Placements", "Placements", "placement"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Timetables", "Placement timetables", "placement_session"}, "placement_id IN " PLACEMENTS,
     "json_extract(j, '$.placement_id') IN " PLACEMENTS},
    {{"Attendance", "Attendance marks", "attendance_mark"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Absence calls", "First-day absence calls", "absence_call"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"PSPs", "Pastoral support programmes", "psp"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"PSP targets", "PSP targets", "psp_target"}, "psp_id IN " PSPS, "json_extract(j, '$.psp_id') IN " PSPS},
    {{"PSP reviews", "PSP reviews", "psp_review"}, "psp_id IN " PSPS, "json_extract(j, '$.psp_id') IN " PSPS},
    {{"PSP progress", "Progress on targets at reviews", "psp_review_progress"}, "review_id IN " REVIEWS,
     "json_extract(j, '$.review_id') IN " REVIEWS},
    {{"PSP timetables", "PSP timetables", "psp_timetable"}, "psp_id IN " PSPS, "json_extract(j, '$.psp_id') IN " PSPS},
    {{"Panel cases", "Inclusion Panel cases", "panel_case"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Quotes", "Quotations for the panel cases", "quote"}, "case_id IN " CASES, "json_extract(j, '$.case_id') IN " CASES},
    {{"Tracking", "Weekly tracking ratings", "progress_entry"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Tracking actions", "Tracking actions", "tracking_action"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"Safeguarding", "Safeguarding chronology", "concern"}, OF_PUPIL, "json_extract(j, '$.pupil_id') = ?1"},
    {{"QA answers", "Provider QA answers whose comments name the pupil", "qa_answer"}, NAMED, NULL},
    {{"Audit", "Every change to the rows above, from the audit log", "audit_log"}, NULL, NULL},
};
#define NPARTS (sizeof parts / sizeof parts[0])

const struct subject_part *subject_parts(size_t *n)
{
    static struct subject_part list[NPARTS];
    for (size_t i = 0; i < NPARTS; i++)
        list[i] = parts[i].part;
    *n = NPARTS;
    return list;
}

static ap_status read_part(struct store *s, const struct subject_part *part, const char *sql, int64_t id,
                           const char *name, const char *preferred, const struct subject_sink *sink)
{
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, "reading the pupil's records");
    if (result != AP_OK)
        return result;
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
        rc = rowio_bind_text(st, 2, name);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 3)
        rc = rowio_bind_text(st, 3, preferred);
    int ncols = sqlite3_column_count(st);
    const char *names[64];
    for (int c = 0; c < ncols && c < 64; c++)
        names[c] = sqlite3_column_name(st, c);
    if (rc == SQLITE_OK)
        result = sink->begin(sink->ctx, part, ncols < 64 ? ncols : 64, names);
    while (result == AP_OK && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        result = sink->row(sink->ctx, part, st);
        rc = SQLITE_OK;
    }
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "reading the pupil's records");
    sqlite3_finalize(st);
    return result;
}

ap_status subject_read(struct store *s, int64_t pupil_id, const struct subject_sink *sink)
{
    if (store_role(s) == ROLE_VIEWER)
        return ap_fail(AP_ERR_DENIED, "%s has the viewer role, which cannot read the safeguarding chronology: a "
                                      "subject access export needs an officer, lead or admin", store_login(s));
    char name[210] = "", preferred[210] = "";
    {
        sqlite3_stmt *st = NULL;
        ap_status r = rowio_prepare(s, "SELECT lower(legal_forename || ' ' || legal_surname), "
                                       "CASE preferred_name WHEN '' THEN '' ELSE lower(preferred_name || ' ' || "
                                       "legal_surname) END FROM pupil WHERE id = ?1", &st, "reading the pupil");
        if (r != AP_OK)
            return r;
        int rc = sqlite3_bind_int64(st, 1, pupil_id);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rowio_text(st, 0, name, sizeof name);
            rowio_text(st, 1, preferred, sizeof preferred);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW)
            return rc == SQLITE_DONE ? ap_fail(AP_ERR_NOT_FOUND, "pupil %lld: not found", (long long)pupil_id)
                                     : store_fail(s, rc, "reading the pupil");
    }
    /* One read transaction: every part from the same moment. */
    if (sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, sqlite3_errcode(store_db(s)), "reading the pupil's records");
    ap_status st = AP_OK;
    char sql[8192];
    for (size_t i = 0; st == AP_OK && i < NPARTS; i++) {
        if (parts[i].where)
            snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE %s", parts[i].part.table, parts[i].where);
        else {
            /* The audit rows of every part above. */
            int n = snprintf(sql, sizeof sql,
                             "SELECT id, at, login, tbl AS \"table\", row_key AS \"row\", action, old_value, new_value "
                             "FROM (SELECT *, coalesce(new_value, old_value) AS j FROM audit_log) WHERE ");
            for (size_t k = 0; k < NPARTS && n > 0 && (size_t)n < sizeof sql; k++)
                if (parts[k].audit)
                    n += snprintf(sql + n, sizeof sql - (size_t)n, "%s(tbl = '%s' AND %s)", k ? " OR " : "",
                                  parts[k].part.table, parts[k].audit);
            if (n > 0 && (size_t)n < sizeof sql)
                snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY id");
        }
        st = read_part(s, &parts[i].part, sql, pupil_id, name, preferred, sink);
    }
    sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
    return st;
}
