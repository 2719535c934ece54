#include "panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "money.h"
#include "placement.h"
#include "qa.h"
#include "report.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "utf8.h"

/* ---- cases ---------------------------------------------------------------------- */

void panel_case_init(struct panel_case *c, int64_t pupil_id, int today)
{
    memset(c, 0, sizeof *c);
    c->pupil_id = pupil_id;
    strcpy(c->reason, "risk_of_pex");
    c->referral_date = today;
    c->panel_date = DATE_NONE;
    strcpy(c->status, "open");
}

static bool decided(const char *status)
{
    return strcmp(status, "agreed") == 0 || strcmp(status, "declined") == 0 || strcmp(status, "deferred") == 0;
}

ap_status panel_case_validate(const struct panel_case *c, int today)
{
    ap_status st;
    if (c->pupil_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Pupil: choose the pupil the case is about");
    if ((st = rowio_check_choice("Reason", c->reason, LABELS_CASE_REASON)) != AP_OK ||
        (st = rowio_check_date("Referral date", c->referral_date, true, today)) != AP_OK ||
        (st = rowio_check_date("Panel date", c->panel_date, false, DATE_NONE)) != AP_OK ||
        (st = rowio_check_text("Triage recommendation", c->triage_recommendation, sizeof c->triage_recommendation,
                               false, true)) != AP_OK ||
        (st = rowio_check_choice("Status", c->status, LABELS_CASE_STATUS)) != AP_OK ||
        (st = rowio_check_text("Decision", c->decision, sizeof c->decision, false, true)) != AP_OK)
        return st;
    if (c->panel_date != DATE_NONE && c->panel_date < c->referral_date) {
        char p[11], r[11];
        return ap_fail(AP_ERR_INVALID, "Panel date: %s is before the referral date %s", date_format(c->panel_date, p),
                       date_format(c->referral_date, r));
    }
    if (decided(c->status)) {
        const char *words = label_text(LABELS_CASE_STATUS, c->status);
        if (rowio_check_text("Decision", c->decision, sizeof c->decision, true, true) != AP_OK)
            return ap_fail(AP_ERR_INVALID, "Decision: say what the panel decided (the case is %s)", words);
        if (c->panel_date == DATE_NONE)
            return ap_fail(AP_ERR_INVALID, "Panel date: a case %s by the panel needs the date of that panel",
                           strcmp(c->status, "agreed") == 0     ? "agreed"
                           : strcmp(c->status, "declined") == 0 ? "declined"
                                                                : "deferred");
        /* Issue 13: a decision is what a panel that has met decided. */
        if (c->panel_date > today) {
            char p[11];
            return ap_fail(AP_ERR_INVALID,
                           "Panel date: the panel of %s has not met yet: its decision is recorded on or after that day",
                           date_format(c->panel_date, p));
        }
    }
    return AP_OK;
}

/* A school day by the calendar; any weekday when the store holds no terms. */
static bool school_day(const struct calendar *cal, int date)
{
    if (!cal || cal->nterms == 0)
        return date_weekday(date) <= 4;
    return calendar_is_school_day(cal, date);
}

int panel_referral_deadline(const struct calendar *cal, int panel_date)
{
    if (panel_date == DATE_NONE)
        return DATE_NONE;
    int monday = panel_date - date_weekday(panel_date);
    int thursday = monday - 7 + 3; /* the Thursday of the week before */
    /* A school day: when the Thursday is not one (a holiday, a closure), the
     * school day before it, within the longest holiday. */
    for (int d = thursday; d > thursday - 62; d--)
        if (school_day(cal, d))
            return d;
    return thursday;
}

int panel_offer_date(const struct calendar *cal, const int *dates, size_t n, int today)
{
    int next = DATE_NONE, soonest = DATE_NONE;
    for (size_t i = 0; i < n; i++) {
        int d = dates[i];
        if (d < today || !school_day(cal, d))
            continue;
        if (soonest == DATE_NONE || d < soonest)
            soonest = d;
        if (panel_referral_deadline(cal, d) >= today && (next == DATE_NONE || d < next))
            next = d;
    }
    if (next != DATE_NONE || soonest == DATE_NONE)
        return next;
    /* Past the next panel's deadline: the fortnightly rhythm on, skipping
     * panels that would fall outside term (within a year). */
    for (int d = soonest + 14; d < soonest + 366; d += 14)
        if (school_day(cal, d) && panel_referral_deadline(cal, d) >= today)
            return d;
    return DATE_NONE;
}

#define CASE_COLUMNS "pupil_id, reason, referral_date, triage_recommendation, panel_date, decision, status"
#define CASE_COLUMN_COUNT 7

static int bind_case_row(sqlite3_stmt *st, const void *record)
{
    const struct panel_case *c = record;
    int rc = rowio_bind(st, 1, "Itdtdtt", c->pupil_id, c->reason, c->referral_date, c->triage_recommendation,
                        c->panel_date, c->decision, c->status);
    return rc;
}

static ap_status write_case(struct store *s, struct panel_case *c, int today, bool insert)
{
    ap_status st = rowio_begin(s, panel_case_validate(c, today));
    if (st != AP_OK)
        return st;
    const char *what = insert ? "adding the panel case" : "saving the panel case";
    int64_t new_id = 0;
    st = rowio_need_row(s, "pupil", c->pupil_id, "Pupil");
    /* Issue 13: a panel to come meets in term, on a school day (a past date
     * is the record and stays as it is). */
    if (st == AP_OK && c->panel_date != DATE_NONE && c->panel_date >= today) {
        struct calendar cal = {0};
        st = calendar_load(s, &cal);
        if (st == AP_OK && !school_day(&cal, c->panel_date)) {
            char p[11];
            st = ap_fail(AP_ERR_INVALID, "Panel date: %s is not a school day (%s): panels meet in term",
                         date_format(c->panel_date, p),
                         date_weekday(c->panel_date) > 4 ? "a weekend" : "outside term or a closure day");
        }
        calendar_free(&cal);
    }
    if (st == AP_OK)
        st = rowio_write_record(s, "panel_case", CASE_COLUMNS, CASE_COLUMN_COUNT, bind_case_row, c, insert, c->id,
                                c->version, what, &new_id);
    return rowio_finish(s, st, insert, new_id, &c->id, &c->version);
}

ap_status panel_case_insert(struct store *s, struct panel_case *c, int today)
{
    return write_case(s, c, today, true);
}

ap_status panel_case_update(struct store *s, struct panel_case *c, int today)
{
    return write_case(s, c, today, false);
}

static void read_panel_case_row(sqlite3_stmt *st, void *row)
{
    struct panel_case *c = row;
    memset(c, 0, sizeof *c);
    rowio_read(st, 0, "ItdtdttIItt", &c->pupil_id, ROWIO_BUF(c->reason), &c->referral_date,
               ROWIO_BUF(c->triage_recommendation), &c->panel_date, ROWIO_BUF(c->decision), ROWIO_BUF(c->status),
               &c->id, &c->version, ROWIO_BUF(c->updated_at), ROWIO_BUF(c->updated_by));
}

ap_status panel_case_get(struct store *s, int64_t id, struct panel_case *c)
{
    const char *what = "reading the panel case";
    return rowio_get(s, "SELECT " CASE_COLUMNS ", id, version, updated_at, updated_by FROM panel_case WHERE id = ?1",
                     id, read_panel_case_row, c, what, "panel case", true);
}

/* A row of table that is not there: store_conflict's AP_ERR_NOT_FOUND naming
 * who deleted it, else "<noun> <id>: not found (deleted by someone else?)". */
static ap_status gone(struct store *s, const char *table, const char *noun, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    ap_status st = store_conflict(s, table, key);
    if (st == AP_OK || st == AP_ERR_CONFLICT)
        st = ap_fail(AP_ERR_NOT_FOUND, "%s %lld: not found (deleted by someone else?)", noun, (long long)id);
    return st;
}

/* The case's status, read in the caller's transaction; AP_ERR_NOT_FOUND
 * (naming who deleted it) when it is gone. */
static ap_status case_status(struct store *s, int64_t case_id, char status[12])
{
    bool found = false;
    ap_status result = rowio_row(s, "SELECT status FROM panel_case WHERE id = ?1", "reading the panel case", &found,
                                 "I", "t", case_id, status, (size_t)12);
    return result == AP_OK && !found ? gone(s, "panel_case", "panel case", case_id) : result;
}

ap_status panel_case_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    char status[12];
    if ((st = case_status(s, id, status)) != AP_OK)
        goto fail;
    if (strcmp(status, "open") != 0) {
        st = ap_fail(AP_ERR_INVALID,
                     "only an open case can be deleted: this one is %s, and a decided case is the record of the "
                     "panel's decision",
                     label_text(LABELS_CASE_STATUS, status));
        goto fail;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM placement WHERE panel_case_id = %lld", (long long)id);
    int64_t placements = 0;
    if ((st = store_query_int(s, sql, 0, &placements)) != AP_OK)
        goto fail;
    if (placements) {
        st = ap_fail(AP_ERR_INVALID, "the case cannot be deleted while %lld placement%s refer%s to it",
                     (long long)placements, placements == 1 ? "" : "s", placements == 1 ? "s" : "");
        goto fail;
    }
    /* Its quotations go with it (ON DELETE CASCADE), each audited. */
    st = rowio_exec_versioned(s, "DELETE FROM panel_case WHERE id = ?1 AND version = ?2", "panel_case", id, version,
                              "deleting the panel case");
fail:
    return rowio_end(s, st);
}

ap_status panel_case_decide(struct store *s, int64_t id, int64_t *version, const char *status, const char *decision,
                            int panel_date, int today)
{
    struct panel_case *c = malloc(sizeof *c);
    if (!c)
        return ap_fail(AP_ERR_NOMEM, "recording the decision: out of memory");
    ap_status st = store_begin(s);
    if (st != AP_OK) {
        free(c);
        return st;
    }
    if ((st = panel_case_get(s, id, c)) != AP_OK)
        goto fail;
    if (c->version != *version) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        st = store_conflict(s, "panel_case", key);
        if (st == AP_OK)
            st = ap_fail(AP_ERR_CONFLICT, "the case was changed by someone else");
        goto fail;
    }
    if (!status || !label_known(LABELS_CASE_STATUS, status)) {
        char choices[200];
        st = ap_fail(AP_ERR_INVALID, "Status: \"%s\" is not one of %s", status ? status : "",
                     label_choices(LABELS_CASE_STATUS, choices, sizeof choices));
        goto fail;
    }
    rowio_copy(c->status, sizeof c->status, status);
    if (decision && strlen(decision) > PANEL_TEXT_MAX) {
        st = ap_fail(AP_ERR_INVALID, "Decision: too long (the limit is %d characters; accented letters count as two)",
                     PANEL_TEXT_MAX);
        goto fail;
    }
    snprintf(c->decision, sizeof c->decision, "%s", decision ? decision : "");
    if (panel_date != DATE_NONE)
        c->panel_date = panel_date;
    if ((st = panel_case_validate(c, today)) != AP_OK)
        goto fail;
    st = rowio_writef(s,
                      "UPDATE panel_case SET status = ?1, decision = ?2, panel_date = ?3, updated_at = ?4, "
                      "updated_by = ?5, version = version + 1 WHERE id = ?6 AND version = ?7",
                      "panel_case", id, *version, "recording the panel's decision", NULL, "ttd", c->status, c->decision,
                      c->panel_date);
    free(c);
    return rowio_finish(s, st, false, 0, &id, version);
fail:
    free(c);
    store_rollback(s);
    return st;
}

static void read_panel_case_list_row(sqlite3_stmt *st, void *row)
{
    struct panel_case_row *r = row;
    memset(r, 0, sizeof *r);
    char preferred[101], forename[101], surname[101];
    rowio_read(st, 0, "IIttttdtddtIi", &r->id, &r->pupil_id, ROWIO_BUF(preferred), ROWIO_BUF(forename),
               ROWIO_BUF(surname), ROWIO_BUF(r->upn), &r->dob, ROWIO_BUF(r->reason), &r->referral_date,
               &r->panel_date, ROWIO_BUF(r->status), &r->version, &r->quotes);
    roll_display_name(r->pupil_name, sizeof r->pupil_name, preferred, forename, surname);
    snprintf(r->legal_name, sizeof r->legal_name, "%s %s", forename, surname);
    if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
        struct panel_quote q;
        memset(&q, 0, sizeof q);
        rowio_read(st, 14, "tIiI", ROWIO_BUF(q.cost_basis), &q.rate, &q.sessions_per_week, &q.transport_per_week);
        struct panel_cost cost;
        panel_quote_cost(&q, &cost);
        r->has_chosen = true;
        r->chosen_annual = cost.total;
        rowio_text(st, 18, r->chosen_provider, sizeof r->chosen_provider);
    }
}

ap_status panel_case_list(struct store *s, struct panel_case_row **out, size_t *n)
{
    const char *what = "listing the panel cases";
    return rowio_list(s,
                      "SELECT c.id, c.pupil_id, u.preferred_name, u.legal_forename, u.legal_surname, u.upn, u.dob, c.reason, "
                      "  c.referral_date, c.panel_date, c.status, c.version, "
                      "  (SELECT count(*) FROM quote k WHERE k.case_id = c.id), "
                      "  q.id, q.cost_basis, q.rate, q.sessions_per_week, q.transport_per_week, v.name "
                      "FROM panel_case c JOIN pupil u ON u.id = c.pupil_id "
                      "LEFT JOIN quote q ON q.case_id = c.id AND q.chosen = 1 "
                      "LEFT JOIN provider v ON v.id = q.provider_id "
                      "ORDER BY c.referral_date DESC, c.id DESC",
                      0, sizeof **out, read_panel_case_list_row, out, n, what);
}

static void read_date(sqlite3_stmt *st, void *row)
{
    *(int *)row = rowio_date(st, 0);
}

ap_status panel_dates(struct store *s, int **out, size_t *n)
{
    ap_status result = rowio_list(
        s, "SELECT DISTINCT panel_date FROM panel_case WHERE panel_date IS NOT NULL ORDER BY panel_date DESC", 0,
        sizeof **out, read_date, out, n, "listing the panel dates");
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) /* a date that does not read is left out */
        if ((*out)[i] != DATE_NONE)
            (*out)[kept++] = (*out)[i];
    *n = kept;
    return result;
}

/* ---- quotations ------------------------------------------------------------------- */

void panel_quote_cost(const struct panel_quote *q, struct panel_cost *out)
{
    memset(out, 0, sizeof *out);
    enum cost_basis basis;
    int sessions = q->sessions_per_week, days = (q->sessions_per_week + 1) / 2;
    /* An unknown basis (the schema allows none) costs nothing, as in the pack. */
    if (rules_basis_parse(q->cost_basis, &basis))
        out->tuition = rules_annual_amount(basis, q->rate, sessions, days, RULES_SCHOOL_WEEKS);
    out->transport = rules_annual_amount(BASIS_WEEK, q->transport_per_week, sessions, days, RULES_SCHOOL_WEEKS);
    out->total = out->tuition + out->transport;
    out->per_week = report_prorate(out->tuition, 1, RULES_SCHOOL_WEEKS);
    out->has_per_session = sessions > 0;
    if (sessions > 0)
        out->per_session = report_prorate(out->tuition, 1, (int64_t)RULES_SCHOOL_WEEKS * sessions);
}

void panel_quote_init(struct panel_quote *q, int64_t case_id)
{
    memset(q, 0, sizeof *q);
    q->case_id = case_id;
    strcpy(q->cost_basis, "session");
}

ap_status panel_quote_validate(const struct panel_quote *q)
{
    ap_status st;
    if (q->case_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Case: a quotation must belong to a panel case");
    if (q->provider_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Provider: choose the provider that quoted");
    if ((st = rowio_check_choice("Cost basis", q->cost_basis, LABELS_COST_BASIS)) != AP_OK)
        return st;
    if (q->rate <= 0)
        return ap_fail(AP_ERR_INVALID, "Rate: must be more than £0.00 (the price quoted, per %s)",
                       strcmp(q->cost_basis, "session") == 0 ? "session"
                       : strcmp(q->cost_basis, "day") == 0   ? "day"
                       : strcmp(q->cost_basis, "week") == 0  ? "week"
                                                             : "year");
    if (q->sessions_per_week < 0 || q->sessions_per_week > 10)
        return ap_fail(AP_ERR_INVALID, "Sessions a week: %d is not from 0 to 10 (AM and PM, Monday to Friday)",
                       q->sessions_per_week);
    if (q->sessions_per_week == 0 && (strcmp(q->cost_basis, "session") == 0 || strcmp(q->cost_basis, "day") == 0))
        return ap_fail(AP_ERR_INVALID, "Sessions a week: a price per %s needs the sessions a week to cost a year",
                       strcmp(q->cost_basis, "session") == 0 ? "session" : "day");
    if (!(q->hours_per_week >= 0 && q->hours_per_week <= 60))
        return ap_fail(AP_ERR_INVALID, "Hours a week: %.1f is not from 0 to 60", q->hours_per_week);
    if ((st = rowio_check_money("Transport a week", q->transport_per_week)) != AP_OK ||
        (st = rowio_check_text("Notes", q->notes, sizeof q->notes, false, true)) != AP_OK)
        return st;
    return AP_OK;
}

/* Quotations may change while the case is open or deferred; refused (in the
 * caller's transaction) once it is agreed, declined or withdrawn. */
static ap_status case_takes_quotes(struct store *s, int64_t case_id)
{
    char status[12];
    ap_status st = case_status(s, case_id, status);
    if (st == AP_ERR_NOT_FOUND)
        return ap_fail(AP_ERR_INVALID, "Case: there is no panel case %lld (deleted by someone else?)",
                       (long long)case_id);
    if (st != AP_OK)
        return st;
    if (strcmp(status, "open") != 0 && strcmp(status, "deferred") != 0)
        return ap_fail(AP_ERR_INVALID,
                       "the case is %s: its quotations are part of the record of the panel's decision "
                       "(record the decision as Open again to change them)",
                       label_text(LABELS_CASE_STATUS, status));
    return AP_OK;
}

/* The case of a quotation, in the caller's transaction. */
static ap_status quote_case(struct store *s, int64_t quote_id, int64_t *case_id)
{
    *case_id = 0;
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT case_id FROM quote WHERE id = %lld", (long long)quote_id);
    ap_status st = store_query_int(s, sql, 0, case_id);
    return st == AP_OK && !*case_id ? gone(s, "quote", "quotation", quote_id) : st;
}

static ap_status write_quote(struct store *s, struct panel_quote *q, bool insert)
{
    ap_status st = panel_quote_validate(q);
    if (st != AP_OK)
        return st;
    const char *what = insert ? "adding the quotation" : "saving the quotation";
    char sql[512];
    if (!rowio_write_sql(sql, sizeof sql, "quote",
                         "case_id, provider_id, cost_basis, rate, sessions_per_week, hours_per_week, "
                         "transport_per_week, notes",
                         8, insert))
        return ap_fail(AP_ERR_DB, "%s: the statement is too long", what);
    if ((st = store_begin(s)) != AP_OK)
        return st;
    if (!insert) {
        int64_t stored_case = 0;
        if ((st = quote_case(s, q->id, &stored_case)) != AP_OK)
            goto fail;
        if (stored_case != q->case_id) {
            st = ap_fail(AP_ERR_INVALID, "Case: a quotation stays with the case it was given for");
            goto fail;
        }
    }
    if ((st = case_takes_quotes(s, q->case_id)) != AP_OK ||
        (st = rowio_need_row(s, "provider", q->provider_id, "Provider")) != AP_OK)
        goto fail;
    int64_t new_id = 0;
    st = rowio_writef(s, sql, "quote", q->id, q->version, what, &new_id, "IItIifIt", q->case_id, q->provider_id,
                      q->cost_basis, (int64_t)q->rate, (int)q->sessions_per_week, (double)q->hours_per_week,
                      (int64_t)q->transport_per_week, q->notes);
    if ((st = rowio_finish(s, st, insert, new_id, &q->id, &q->version)) == AP_OK && insert)
        q->chosen = false;
    return st;
fail:
    store_rollback(s);
    return st;
}

ap_status panel_quote_insert(struct store *s, struct panel_quote *q)
{
    return write_quote(s, q, true);
}

ap_status panel_quote_update(struct store *s, struct panel_quote *q)
{
    return write_quote(s, q, false);
}

#define QUOTE_SELECT                                                                                      \
    "SELECT q.id, q.case_id, q.provider_id, q.cost_basis, q.rate, q.sessions_per_week, q.hours_per_week, " \
    "q.transport_per_week, q.notes, q.chosen, q.version, q.updated_at, q.updated_by, v.name, v.status, "  \
    "q.recommend_reason FROM quote q JOIN provider v ON v.id = q.provider_id "

static void read_quote(sqlite3_stmt *st, void *row);

ap_status panel_case_make_placement(struct store *s, int64_t case_id, int start, struct placement *out)
{
    struct panel_case *c = malloc(sizeof *c);
    if (!c)
        return ap_fail(AP_ERR_NOMEM, "making the placement: out of memory");
    ap_status st = panel_case_get(s, case_id, c);
    if (st == AP_OK && strcmp(c->status, "agreed") != 0)
        st = ap_fail(AP_ERR_INVALID, "the case is %s: a placement comes from an agreed case",
                     label_text(LABELS_CASE_STATUS, c->status));
    /* The chosen quotation, and no placement from the case yet. */
    struct panel_quote_row q;
    memset(&q, 0, sizeof q);
    sqlite3_stmt *stmt = NULL;
    const char *what = "reading the chosen quotation";
    if (st == AP_OK && (st = rowio_prepare(s, QUOTE_SELECT "WHERE q.case_id = ?1 AND q.chosen = 1", &stmt, what)) == AP_OK) {
        int rc = sqlite3_bind_int64(stmt, 1, case_id);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            read_quote(stmt, &q);
        else if (rc == SQLITE_DONE)
            st = ap_fail(AP_ERR_INVALID, "the case has no chosen quotation: c chooses one first");
        else
            st = store_fail(s, rc, what);
        sqlite3_finalize(stmt);
    }
    if (st == AP_OK) {
        char sql[160];
        int64_t existing = 0;
        snprintf(sql, sizeof sql, "SELECT ifnull(min(id), 0) FROM placement WHERE panel_case_id = %lld",
                 (long long)case_id);
        if ((st = store_query_int(s, sql, 0, &existing)) == AP_OK && existing > 0)
            st = ap_fail(AP_ERR_INVALID, "placement %lld already came from this case", (long long)existing);
    }
    /* The sessions the pupil's active placements take on start. */
    bool taken[PLACEMENT_DAYS][2] = {{false}};
    if (st == AP_OK) {
        what = "reading the pupil's timetable";
        char day[11];
        if ((st = rowio_prepare(s,
                                "SELECT t.weekday, t.session FROM placement l "
                                "JOIN placement_session t ON t.placement_id = l.id "
                                "WHERE l.pupil_id = ?1 AND l.status = 'active' AND l.start_date <= ?2 "
                                "  AND (l.end_date IS NULL OR l.end_date >= ?2)",
                                &stmt, what)) == AP_OK) {
            int rc = rowio_bind(stmt, 1, "IT", c->pupil_id, date_format(start, day));
            while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                int d = sqlite3_column_int(stmt, 0);
                const unsigned char *h = sqlite3_column_text(stmt, 1);
                if (d >= 0 && d < PLACEMENT_DAYS && h)
                    taken[d][strcmp((const char *)h, "pm") == 0] = true;
                rc = SQLITE_OK;
            }
            if (rc != SQLITE_DONE)
                st = store_fail(s, rc, what);
            sqlite3_finalize(stmt);
        }
    }
    if (st == AP_OK) {
        struct placement *p = out;
        placement_init(p);
        p->pupil_id = c->pupil_id;
        p->provider_id = q.q.provider_id;
        snprintf(p->status, sizeof p->status, "proposed");
        p->start_date = start;
        snprintf(p->cost_basis, sizeof p->cost_basis, "%s", q.q.cost_basis);
        p->rate = q.q.rate;
        p->transport_per_week = q.q.transport_per_week;
        p->panel_case_id = case_id;
        /* The purpose: the decision in words, cut at a character boundary. */
        size_t n = strlen(c->decision);
        if (n >= sizeof p->purpose) {
            n = sizeof p->purpose - 1;
            while (n > 0 && ((unsigned char)c->decision[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(p->purpose, c->decision, n);
        p->purpose[n] = '\0';
        for (size_t k = 0; k < n; k++)
            if (p->purpose[k] == '\n' || p->purpose[k] == '\t')
                p->purpose[k] = ' ';
        int want = q.q.sessions_per_week, laid = 0;
        double each = want > 0 && q.q.hours_per_week > 0 ? q.q.hours_per_week / want : 3.0;
        if (each > PLACEMENT_SESSION_MAX_HOURS)
            each = PLACEMENT_SESSION_MAX_HOURS;
        for (int d = 0; d < PLACEMENT_DAYS && laid < want; d++)
            for (int h = 0; h < 2 && laid < want; h++)
                if (!taken[d][h]) {
                    p->hours[d][h] = each;
                    laid++;
                }
        st = placement_insert(s, p);
    }
    free(c);
    return st;
}

static void read_quote(sqlite3_stmt *st, void *row)
{
    struct panel_quote_row *r = row;
    memset(r, 0, sizeof *r);
    struct panel_quote *q = &r->q;
    rowio_read(st, 0, "IIItIifItbItttt", &q->id, &q->case_id, &q->provider_id, ROWIO_BUF(q->cost_basis), &q->rate,
               &q->sessions_per_week, &q->hours_per_week, &q->transport_per_week, ROWIO_BUF(q->notes), &q->chosen,
               &q->version, ROWIO_BUF(q->updated_at), ROWIO_BUF(q->updated_by), ROWIO_BUF(r->provider),
               ROWIO_BUF(r->provider_status));
    rowio_text(st, 15, q->recommend_reason, sizeof q->recommend_reason);
    panel_quote_cost(q, &r->cost);
}

ap_status panel_quote_get(struct store *s, int64_t id, struct panel_quote *out)
{
    const char *what = "reading the quotation";
    struct panel_quote_row *r = malloc(sizeof *r);
    if (!r)
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    ap_status result = rowio_get(s, QUOTE_SELECT "WHERE q.id = ?1", id, read_quote, r, what, "quotation", true);
    if (result == AP_OK)
        *out = r->q;
    free(r);
    return result;
}

ap_status panel_quote_list(struct store *s, int64_t case_id, struct panel_quote_row **out, size_t *n)
{
    const char *what = "listing the quotations";
    return rowio_list(s, QUOTE_SELECT "WHERE q.case_id = ?1 ORDER BY q.id", case_id, sizeof **out,
                      read_quote, out, n, what);
}

ap_status panel_quote_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    int64_t case_id = 0;
    if ((st = quote_case(s, id, &case_id)) != AP_OK || (st = case_takes_quotes(s, case_id)) != AP_OK)
        goto fail;
    st = rowio_exec_versioned(s, "DELETE FROM quote WHERE id = ?1 AND version = ?2", "quote", id, version,
                              "deleting the quotation");
fail:
    return rowio_end(s, st);
}

/* Sets or clears the choice of the quotation at *version; choosing first
 * clears any other choice of its case. One transaction. */
static void count_no(void *ctx, const struct qa_open_no *r)
{
    (void)r;
    ++*(int *)ctx;
}

/* Procurement (src/rules.h rules_quotations): a suspended or red-flagged
 * provider (an open safeguarding No) cannot be recommended without a
 * reason. Inside the caller's transaction. *unsafe: whether it is such a
 * provider; with a reason (non-blank) that is not refused. */
static ap_status provider_may_be_recommended(struct store *s, int64_t quote_id, int today, const char *reason,
                                             bool *unsafe)
{
    *unsafe = false;
    bool reasoned = reason && !utf8_blank(reason);
    int64_t provider_id = 0;
    char name[121], status[12];
    bool found = false;
    ap_status result = rowio_row(s,
                                 "SELECT v.id, v.name, v.status FROM quote q JOIN provider v ON v.id = q.provider_id "
                                 "WHERE q.id = ?1",
                                 "checking the quotation's provider", &found, "I", "Itt", quote_id, &provider_id,
                                 ROWIO_BUF(name), ROWIO_BUF(status));
    if (result != AP_OK || !found)
        return result;
    if (strcmp(status, "suspended") == 0) {
        *unsafe = true;
        if (!reasoned)
            return ap_fail(AP_ERR_INVALID,
                           "Provider: %s is suspended: it cannot be the recommended option without a reason", name);
        return AP_OK;
    }
    int nos = 0;
    if ((result = qa_safeguarding_open(s, today, provider_id, count_no, &nos)) != AP_OK)
        return result;
    if (nos > 0) {
        *unsafe = true;
        if (!reasoned)
            return ap_fail(AP_ERR_INVALID,
                           "Provider: %s has %d safeguarding item%s answered No at a QA visit and not yet Yes: it "
                           "cannot be the recommended option without a reason",
                           name, nos, nos == 1 ? "" : "s");
    }
    return AP_OK;
}

static ap_status set_chosen(struct store *s, int64_t id, int64_t *version, bool chosen, const char *reason,
                            int today)
{
    ap_status st;
    if (chosen && reason && (st = rowio_check_text("Reason", reason, PANEL_REASON_SIZE, false, true)) != AP_OK)
        return st;
    st = store_begin(s);
    if (st != AP_OK)
        return st;
    int64_t case_id = 0;
    const char *what = chosen ? "choosing the quotation" : "clearing the choice of the quotation";
    if ((st = quote_case(s, id, &case_id)) != AP_OK || (st = case_takes_quotes(s, case_id)) != AP_OK)
        goto fail;
    bool unsafe = false;
    if (chosen && (st = provider_may_be_recommended(s, id, today, reason, &unsafe)) != AP_OK)
        goto fail;
    /* The previous choice (and its reason), if any, first: the unique index
     * allows one per case. */
    if (chosen && (st = rowio_run(s,
                                  "UPDATE quote SET chosen = 0, recommend_reason = '', updated_at = ?2, updated_by = ?3, "
                                  "version = version + 1 WHERE case_id = ?1 AND chosen = 1 AND id != ?4",
                                  what, "IsI", case_id, s, id)) != AP_OK)
        goto fail;
    /* The choice and its reason (kept only for a provider that needs one)
     * in one audited change of the row. */
    st = rowio_exec_versioned_text(s,
                                   chosen ? "UPDATE quote SET chosen = 1, recommend_reason = ?5, updated_at = ?3, "
                                            "updated_by = ?4, version = version + 1 WHERE id = ?1 AND version = ?2"
                                          : "UPDATE quote SET chosen = 0, recommend_reason = ?5, updated_at = ?3, "
                                            "updated_by = ?4, version = version + 1 WHERE id = ?1 AND version = ?2",
                                   "quote", id, *version, chosen && unsafe ? reason : "", what);
    return rowio_finish(s, st, false, 0, &id, version);
fail:
    store_rollback(s);
    return st;
}

ap_status panel_quote_choose(struct store *s, int64_t id, int64_t *version, const char *reason, int today)
{
    return set_chosen(s, id, version, true, reason, today);
}

ap_status panel_quote_unchoose(struct store *s, int64_t id, int64_t *version)
{
    return set_chosen(s, id, version, false, NULL, DATE_NONE);
}
