#include "placement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "tracking.h"

#define PLACEMENT_COLUMNS                                                                                \
    "pupil_id, provider_id, status, start_date, end_date, planned_weeks, cost_basis, rate, "              \
    "transport_per_week, purpose, panel_case_id, setting_type, census_reason, tracking_areas"
#define PLACEMENT_COLUMN_COUNT 14

static const char *const half_names[2] = {"am", "pm"};

void placement_init(struct placement *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->status, "proposed");
    strcpy(p->cost_basis, "session");
    p->start_date = p->end_date = DATE_NONE;
}

/* ---- figures ---- */

double placement_weekly_hours(const struct placement *p)
{
    double total = 0;
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        total += p->hours[d][PLACEMENT_AM] + p->hours[d][PLACEMENT_PM];
    return total;
}

int placement_sessions_per_week(const struct placement *p)
{
    int n = 0;
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        n += (p->hours[d][PLACEMENT_AM] > 0) + (p->hours[d][PLACEMENT_PM] > 0);
    return n;
}

int placement_days_per_week(const struct placement *p)
{
    int n = 0;
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        n += p->hours[d][PLACEMENT_AM] > 0 || p->hours[d][PLACEMENT_PM] > 0;
    return n;
}

bool placement_active_on(const struct placement *p, int date)
{
    return strcmp(p->status, "active") == 0 && p->start_date != DATE_NONE && p->start_date <= date &&
           (p->end_date == DATE_NONE || p->end_date >= date);
}

int64_t placement_annual_cost(const struct placement *p, int weeks_per_year)
{
    struct rules_cost c = {
        .basis = BASIS_SESSION,
        .rate = p->rate,
        .transport_basis = BASIS_WEEK,
        .transport = p->transport_per_week,
        .sessions_per_week = placement_sessions_per_week(p),
        .days_per_week = placement_days_per_week(p),
    };
    if (!rules_basis_parse(p->cost_basis, &c.basis))
        return 0;
    return rules_annual_cost(&c, weeks_per_year);
}

/* ---- validation ---- */

ap_status placement_validate(const struct placement *p)
{
    ap_status st;
    if (p->pupil_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Pupil: must be chosen");
    if (p->provider_id <= 0)
        return ap_fail(AP_ERR_INVALID, "Provider: must be chosen");
    if ((st = rowio_check_choice("Status", p->status, LABELS_PLACEMENT_STATUS)) != AP_OK ||
        (st = rowio_check_date("Start date", p->start_date, true, DATE_NONE)) != AP_OK ||
        (st = rowio_check_date("End date", p->end_date, false, DATE_NONE)) != AP_OK)
        return st;
    if (p->end_date != DATE_NONE && p->end_date < p->start_date)
        return ap_fail(AP_ERR_INVALID, "End date: before the start date");
    if (strcmp(p->status, "ended") == 0 && p->end_date == DATE_NONE)
        return ap_fail(AP_ERR_INVALID, "End date: an ended placement needs the date it ended");
    if (p->planned_weeks < 0 || p->planned_weeks > 520)
        return ap_fail(AP_ERR_INVALID, "Planned weeks: %d is not a number of weeks from 1 to 520 (0 for none)",
                       p->planned_weeks);
    if ((st = rowio_check_choice("Cost basis", p->cost_basis, LABELS_COST_BASIS)) != AP_OK ||
        (st = rowio_check_money("Rate", p->rate)) != AP_OK ||
        (st = rowio_check_money("Transport a week", p->transport_per_week)) != AP_OK ||
        (st = rowio_check_text("Purpose", p->purpose, sizeof p->purpose, false, true)) != AP_OK ||
        (st = rowio_check_choice("Census setting type", p->setting_type, LABELS_CENSUS_SETTING)) != AP_OK ||
        (st = rowio_check_choice("Census reason", p->census_reason, LABELS_CENSUS_REASON)) != AP_OK ||
        (st = rowio_check_text("Tracking areas", p->tracking_areas, sizeof p->tracking_areas, false, false)) != AP_OK)
        return st;
    unsigned areas;
    if ((st = tracking_areas_parse("Tracking areas", p->tracking_areas, &areas)) != AP_OK)
        return st;
    if (p->panel_case_id < 0)
        return ap_fail(AP_ERR_INVALID, "Panel case: not a panel case");
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        for (int h = 0; h < 2; h++) {
            double v = p->hours[d][h];
            if (!(v >= 0) || v > PLACEMENT_SESSION_MAX_HOURS)
                return ap_fail(AP_ERR_INVALID, "%s %s: %g hours is not the length of a session (more than 0, at most %g)",
                               label_weekday(d), h ? "PM" : "AM", v, PLACEMENT_SESSION_MAX_HOURS);
        }
    if (strcmp(p->status, "active") == 0 && placement_sessions_per_week(p) == 0)
        return ap_fail(AP_ERR_INVALID, "Timetable: an active placement needs at least one session a week");
    return AP_OK;
}

/* ---- writing ---- */

static int bind_placement(sqlite3_stmt *st, const void *record)
{
    const struct placement *p = record;
    int rc = rowio_bind(st, 1, "IItdd", p->pupil_id, p->provider_id, p->status, p->start_date, p->end_date);
    if (rc == SQLITE_OK)
        rc = p->planned_weeks ? sqlite3_bind_int(st, 6, p->planned_weeks) : sqlite3_bind_null(st, 6);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 7, "tIItrtt", p->cost_basis, (int64_t)p->rate, (int64_t)p->transport_per_week, p->purpose,
                        p->panel_case_id, p->setting_type, p->census_reason);
    if (rc == SQLITE_OK) { /* stored as codes (placement_validate has read it) */
        unsigned areas = 0;
        char text[sizeof p->tracking_areas];
        if (tracking_areas_parse("Tracking areas", p->tracking_areas, &areas) != AP_OK)
            areas = 0;
        rc = rowio_bind_text(st, 14, tracking_areas_format(areas, text, sizeof text));
    }
    return rc;
}

/* Inside the transaction: the pupil, provider and panel case exist; a
 * suspended provider takes no new placement (an insert that is not already
 * ended, or an update that makes a placement active). */
static ap_status check_parties(struct store *s, const struct placement *p, bool insert)
{
    sqlite3_stmt *st = NULL;
    const char *what = "checking the pupil and provider";
    ap_status result = rowio_prepare(s,
                                     "SELECT (SELECT count(*) FROM pupil WHERE id = ?1), "
                                     "(SELECT status FROM provider WHERE id = ?2), "
                                     "(SELECT name FROM provider WHERE id = ?2), "
                                     "?3 = 0 OR EXISTS (SELECT 1 FROM panel_case WHERE id = ?3), "
                                     "ifnull((SELECT status FROM placement WHERE id = ?4), '')",
                                     &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "IIII", p->pupil_id, p->provider_id, p->panel_case_id, (int64_t)(insert ? 0 : p->id));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        result = store_fail(s, rc, what);
        sqlite3_finalize(st);
        return result;
    }
    bool suspended = sqlite3_column_type(st, 1) != SQLITE_NULL &&
                     strcmp((const char *)sqlite3_column_text(st, 1), "suspended") == 0;
    const char *was = (const char *)sqlite3_column_text(st, 4);
    bool is_new = insert ? strcmp(p->status, "ended") != 0
                         : strcmp(p->status, "active") == 0 && strcmp(was, "active") != 0;
    if (sqlite3_column_int(st, 0) == 0)
        result = ap_fail(AP_ERR_INVALID, "Pupil: there is no pupil %lld (deleted by someone else?)",
                         (long long)p->pupil_id);
    else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
        result = ap_fail(AP_ERR_INVALID, "Provider: there is no provider %lld (deleted by someone else?)",
                         (long long)p->provider_id);
    else if (suspended && is_new)
        result = ap_fail(AP_ERR_INVALID, "Provider: %s is suspended and takes no new placements",
                         (const char *)sqlite3_column_text(st, 2));
    else if (sqlite3_column_int(st, 3) == 0)
        result = ap_fail(AP_ERR_INVALID, "Panel case: there is no panel case %lld", (long long)p->panel_case_id);
    sqlite3_finalize(st);
    return result;
}

/* Issue 13: one session cannot be timetabled at two placements of the pupil
 * whose dates overlap (the hours would count twice towards the weekly
 * minimum). A proposed placement is a plan (an option for the panel, or the
 * next placement replacing this one) and clashes with nothing until it is
 * made active. Inside the transaction; the refusal names the session and
 * the other placement. */
static ap_status check_overlap(struct store *s, const struct placement *p, bool insert)
{
    const char *what = "checking the timetable against the pupil's other placements";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(
        s,
        "SELECT l.id, v.name, l.status, l.start_date, ifnull(l.end_date, ''), t.hours "
        "FROM placement l JOIN provider v ON v.id = l.provider_id "
        "JOIN placement_session t ON t.placement_id = l.id "
        "WHERE l.pupil_id = ?1 AND l.id != ?2 AND t.weekday = ?3 AND t.session = ?4 "
        "  AND l.start_date <= ifnull(?6, '9999-12-31') AND (l.end_date IS NULL OR l.end_date >= ?5) "
        "  AND l.status != 'proposed' AND ?7 != 'proposed' "
        "ORDER BY l.start_date, l.id LIMIT 1",
        &st, what);
    if (result != AP_OK)
        return result;
    char start[11], end[11];
    for (int d = 0; result == AP_OK && d < PLACEMENT_DAYS; d++)
        for (int h = 0; result == AP_OK && h < 2; h++) {
            if (!(p->hours[d][h] > 0))
                continue;
            sqlite3_reset(st);
            int rc = rowio_bind(st, 1, "IIiTT", p->pupil_id, (int64_t)(insert ? 0 : p->id), (int)d, half_names[h],
                                date_format(p->start_date, start));
            if (rc == SQLITE_OK)
                rc = p->end_date == DATE_NONE
                         ? sqlite3_bind_null(st, 6)
                         : sqlite3_bind_text(st, 6, date_format(p->end_date, end), -1, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_text(st, 7, p->status, -1, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_step(st);
            if (rc == SQLITE_ROW) {
                const char *other_end = (const char *)sqlite3_column_text(st, 4);
                result = ap_fail(AP_ERR_INVALID,
                                 "%s %s: already timetabled at %s (placement %lld, %s, from %s%s%s): a session can "
                                 "be at one provider only",
                                 label_weekday(d), h ? "PM" : "AM", (const char *)sqlite3_column_text(st, 1),
                                 (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 2),
                                 (const char *)sqlite3_column_text(st, 3), other_end && other_end[0] ? " to " : "",
                                 other_end ? other_end : "");
            } else if (rc != SQLITE_DONE) {
                result = store_fail(s, rc, what);
            }
        }
    sqlite3_finalize(st);
    return result;
}

/* Inside the transaction: makes the placement's placement_session rows match
 * p->hours, touching only the sessions that differ. */
static ap_status write_sessions(struct store *s, const struct placement *p, int64_t id)
{
    const char *what = "saving the placement's timetable";
    sqlite3_stmt *put = NULL, *del = NULL;
    ap_status result = rowio_prepare(s,
                                     "INSERT INTO placement_session (placement_id, weekday, session, hours) "
                                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (placement_id, weekday, session) "
                                     "DO UPDATE SET hours = excluded.hours WHERE hours IS NOT excluded.hours",
                                     &put, what);
    if (result == AP_OK)
        result = rowio_prepare(s, "DELETE FROM placement_session WHERE placement_id = ?1 AND weekday = ?2 AND session = ?3",
                               &del, what);
    for (int d = 0; result == AP_OK && d < PLACEMENT_DAYS; d++)
        for (int h = 0; result == AP_OK && h < 2; h++) {
            double hours = p->hours[d][h];
            sqlite3_stmt *st = hours > 0 ? put : del;
            sqlite3_reset(st);
            int rc = rowio_bind(st, 1, "IiT", id, (int)d, half_names[h]);
            if (rc == SQLITE_OK && hours > 0)
                rc = sqlite3_bind_double(st, 4, hours);
            result = rc == SQLITE_OK ? rowio_step(s, st, what) : store_fail(s, rc, what);
        }
    sqlite3_finalize(put);
    sqlite3_finalize(del);
    return result;
}

static ap_status write_placement(struct store *s, struct placement *p, bool insert)
{
    ap_status st = rowio_begin(s, placement_validate(p));
    if (st != AP_OK)
        return st;
    int64_t new_id = 0;
    if ((st = check_parties(s, p, insert)) == AP_OK && (st = check_overlap(s, p, insert)) == AP_OK)
        st = rowio_write_record(s, "placement", PLACEMENT_COLUMNS, PLACEMENT_COLUMN_COUNT, bind_placement, p, insert,
                                p->id, p->version, insert ? "adding the placement" : "saving the placement",
                                &new_id);
    if (st == AP_OK)
        st = write_sessions(s, p, insert ? new_id : p->id);
    return rowio_finish(s, st, insert, new_id, &p->id, &p->version);
}

ap_status placement_insert(struct store *s, struct placement *p)
{
    return write_placement(s, p, true);
}

ap_status placement_update(struct store *s, struct placement *p)
{
    return write_placement(s, p, false);
}

#define PLACEMENT_SELECT                                                                                  \
    "SELECT l.id, l.pupil_id, l.provider_id, l.status, l.start_date, l.end_date, l.planned_weeks, "     \
    "l.cost_basis, l.rate, l.transport_per_week, l.purpose, l.panel_case_id, l.version, l.updated_at, "     \
    "l.updated_by, v.name, l.setting_type, l.census_reason, l.tracking_areas "                               \
    "FROM placement l JOIN provider v ON v.id = l.provider_id "

/* Columns 0..14 and 16..18 of PLACEMENT_SELECT (15 is the provider's name); the timetable is read separately. */
static void read_placement(sqlite3_stmt *st, void *row)
{
    struct placement *p = row;
    *p = (struct placement){0};
    rowio_read(st, 0, "IIItdditIItIItt", &p->id, &p->pupil_id, &p->provider_id, ROWIO_BUF(p->status),
               &p->start_date, &p->end_date, &p->planned_weeks, ROWIO_BUF(p->cost_basis), &p->rate,
               &p->transport_per_week, ROWIO_BUF(p->purpose), &p->panel_case_id, &p->version,
               ROWIO_BUF(p->updated_at), ROWIO_BUF(p->updated_by));
    rowio_read(st, 16, "ttt", ROWIO_BUF(p->setting_type), ROWIO_BUF(p->census_reason), ROWIO_BUF(p->tracking_areas));
}

ap_status placement_end(struct store *s, int64_t id, int64_t *version, int end_date, int today)
{
    ap_status st = rowio_check_date("End date", end_date, true, today);
    if (st != AP_OK)
        return st;
    const char *what = "ending the placement";
    if ((st = store_begin(s)) != AP_OK)
        return st;
    struct placement now;
    st = rowio_get_versioned(s, PLACEMENT_SELECT "WHERE l.id = ?1 AND l.version = ?2", "placement", id, *version,
                             read_placement, &now, what);
    char d[11];
    if (st == AP_OK && strcmp(now.status, "ended") == 0)
        st = ap_fail(AP_ERR_INVALID, "Status: the placement already ended on %s", date_format(now.end_date, d));
    else if (st == AP_OK && end_date < now.start_date)
        st = ap_fail(AP_ERR_INVALID, "End date: before the placement's start on %s", date_format(now.start_date, d));
    if (st == AP_OK)
        st = rowio_writef(s,
                          "UPDATE placement SET status = 'ended', end_date = ?1, updated_at = ?2, updated_by = ?3, "
                          "version = version + 1 WHERE id = ?4 AND version = ?5",
                          "placement", id, *version, what, NULL, "d", end_date);
    return rowio_finish(s, st, false, 0, &id, version);
}

ap_status placement_delete(struct store *s, int64_t id, int64_t version)
{
    const char *what = "deleting the placement";
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct placement now;
    st = rowio_get_versioned(s, PLACEMENT_SELECT "WHERE l.id = ?1 AND l.version = ?2", "placement", id, version,
                             read_placement, &now, what);
    if (st == AP_OK && strcmp(now.status, "proposed") != 0)
        st = ap_fail(AP_ERR_INVALID, "Status: only a proposed placement can be deleted; %s",
                     strcmp(now.status, "active") == 0 ? "end an active one instead"
                                                       : "an ended one stays on the pupil's record");
    if (st == AP_OK)
        st = rowio_exec_versioned(s, "DELETE FROM placement WHERE id = ?1 AND version = ?2", "placement", id, version,
                                  what);
    return rowio_end(s, st);
}

/* ---- reading ---- */

/* Stores one placement_session row (weekday, session, hours at col..col+2). */
static void read_session(sqlite3_stmt *st, int col, struct placement *p)
{
    int d = sqlite3_column_int(st, col);
    const char *half = (const char *)sqlite3_column_text(st, col + 1);
    if (d >= 0 && d < PLACEMENT_DAYS && half)
        p->hours[d][strcmp(half, "pm") == 0 ? PLACEMENT_PM : PLACEMENT_AM] = sqlite3_column_double(st, col + 2);
}

static bool read_own_session(sqlite3_stmt *st, void *ctx)
{
    read_session(st, 0, ctx);
    return true;
}

ap_status placement_get(struct store *s, int64_t id, struct placement *p)
{
    const char *what = "reading the placement";
    ap_status result =
        rowio_get(s, PLACEMENT_SELECT "WHERE l.id = ?1", id, read_placement, p, what, "placement", false);
    if (result == AP_OK)
        result = rowio_each(s, "SELECT weekday, session, hours FROM placement_session WHERE placement_id = ?1",
                            read_own_session, p, what, "I", id);
    return result;
}

/* A placement_item's row of PLACEMENT_SELECT, its timetable and totals to come. */
static void read_placement_item(sqlite3_stmt *st, void *row)
{
    struct placement_item *it = row;
    memset(it, 0, sizeof *it);
    read_placement(st, &it->p);
    rowio_text(st, 15, it->provider_name, sizeof it->provider_name);
}

/* A timetable row (placement id, then read_session's columns) into its item. */
static bool read_item_session(sqlite3_stmt *st, void *ctx)
{
    const struct rowio_items *L = ctx;
    struct placement_item *items = L->items;
    int64_t id = sqlite3_column_int64(st, 0);
    for (size_t i = 0; i < L->n; i++)
        if (items[i].p.id == id)
            read_session(st, 1, &items[i].p);
    return true;
}

ap_status placement_list_for_pupil(struct store *s, int64_t pupil_id, struct placement_item **out, size_t *n)
{
    /* The timetables of all of them in one query. */
    ap_status result = rowio_list_more(s,
                                       PLACEMENT_SELECT "WHERE l.pupil_id = ?1 ORDER BY CASE l.status "
                                                        "WHEN 'active' THEN 0 WHEN 'proposed' THEN 1 ELSE 2 END, "
                                                        "l.start_date DESC, l.id DESC",
                                       pupil_id, sizeof **out, read_placement_item, out, n,
                                       "SELECT t.placement_id, t.weekday, t.session, t.hours FROM placement_session t "
                                       "JOIN placement l ON l.id = t.placement_id WHERE l.pupil_id = ?1",
                                       read_item_session, "listing the pupil's placements");
    for (size_t i = 0; i < *n; i++) {
        (*out)[i].weekly_hours = placement_weekly_hours(&(*out)[i].p);
        (*out)[i].annual_cost = placement_annual_cost(&(*out)[i].p, RULES_SCHOOL_WEEKS);
    }
    return result;
}

/* What a provider_pupil's reader needs besides the row. */
struct on_day {
    int today;
    const struct thresholds *th;
};

static void read_provider_pupil(sqlite3_stmt *st, void *row, const void *ctx)
{
    const struct on_day *on = ctx;
    struct provider_pupil *u = row;
    memset(u, 0, sizeof *u);
    u->pupil_id = sqlite3_column_int64(st, 0);
    roll_display_name(u->name, sizeof u->name, (const char *)sqlite3_column_text(st, 1),
                      (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
    u->year_group = rules_year_group(rowio_date(st, 4), on->today);
    u->looked_after = sqlite3_column_int(st, 5) != 0;
    rowio_text(st, 6, u->plan, sizeof u->plan);
    u->weekly_hours = sqlite3_column_double(st, 7);
    u->full_time = rules_full_time(u->weekly_hours, on->th);
}

ap_status placement_provider_pupils(struct store *s, int64_t provider_id, int today, const struct thresholds *th,
                                    struct provider_pupil **out, size_t *n)
{
    char day[11];
    struct on_day on = {today, th};
    return rowio_listf(
        s,
        "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.dob, u.cla, u.plan, "
        "  total((SELECT total(t.hours) FROM placement_session t WHERE t.placement_id = l.id)) "
        "FROM placement l JOIN pupil u ON u.id = l.pupil_id "
        "WHERE l.provider_id = ?1 AND " PLACEMENT_ACTIVE_ON("l", "?2") " "
        "GROUP BY u.id ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id",
        sizeof **out, read_provider_pupil, &on, out, n, "listing the pupils placed with the provider", "IT",
        provider_id, date_format(today, day));
}

ap_status placement_pupil_hours(struct store *s, int64_t pupil_id, int today, const struct thresholds *th,
                                struct pupil_hours *out)
{
    memset(out, 0, sizeof *out);
    const char *what = "adding up the pupil's hours";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(
        s,
        "SELECT u.dob, "
        "  (SELECT count(*) FROM placement l WHERE l.pupil_id = u.id AND " PLACEMENT_ACTIVE_ON("l", "?2") "), "
        "  " PLACEMENT_SQL_WEEKLY_HOURS("u.id", "?2") " "
        "FROM pupil u WHERE u.id = ?1",
        &st, what);
    if (result != AP_OK)
        return result;
    char day[11];
    int rc = rowio_bind(st, 1, "IT", pupil_id, date_format(today, day));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->year_group = rules_year_group(rowio_date(st, 0), today);
        out->placements = sqlite3_column_int(st, 1);
        out->weekly_hours = sqlite3_column_double(st, 2);
        out->min_hours = rules_min_weekly_hours(out->year_group, th);
        out->reduced = rules_is_reduced(out->weekly_hours, out->year_group, th);
    } else if (rc == SQLITE_DONE) {
        result = ap_fail(AP_ERR_NOT_FOUND, "pupil %lld: not found", (long long)pupil_id);
    } else {
        result = store_fail(s, rc, what);
    }
    sqlite3_finalize(st);
    return result;
}
