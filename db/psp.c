#include "psp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "date.h"
#include "labels.h"
#include "placement.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "utf8.h"

/* The psp row's editable columns, in the order of the ?N parameters. */
#define PSP_COLUMNS                                                                                         \
    "status, meeting_date, lead, attendees, reason, previous_strategies, what_is_working, school_agrees, "  \
    "parent_agrees, professionals_agree, signed_child_date, signed_school_date, signed_parent_date, "       \
    "next_review_date, end_date, reduced_timetable, reduced_start, reduced_end, reduced_reason, "          \
    "reduced_hours_per_day, reduced_safeguarding_concern, reduced_authorised, exit_plan, "                 \
    "reduced_progression, reduced_start_hours, reduced_la_told, reduced_risk_assessed"
#define PSP_COLUMN_COUNT 27

static const char *const day_names[PSP_DAYS] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};

int psp_suggest_review(int date, const struct thresholds *th)
{
    return date == DATE_NONE ? DATE_NONE : date + 7 * th->psp_review_weeks;
}

static ap_status key_conflict(struct store *s, const char *table, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return store_conflict(s, table, key);
}

/* ---- validation ---- */

#define TEXT(label, field, multi) ROWIO_TRY(rowio_check_text(label, field, sizeof field, false, multi))

ap_status psp_validate(const struct psp *p, int today)
{
    bool active = strcmp(p->status, "active") == 0;
    if (strcmp(p->status, "draft") != 0 && !active && strcmp(p->status, "ceased") != 0)
        return ap_fail(AP_ERR_INVALID, "Status: \"%s\" is not draft or active", p->status);
    ROWIO_TRY(rowio_check_date("Meeting date", p->meeting_date, active, DATE_NONE));
    ROWIO_TRY(rowio_check_text("PSP school lead", p->lead, sizeof p->lead, active, false));
    TEXT("Attendees", p->attendees, true);
    ROWIO_TRY(rowio_check_text("Reason for PSP", p->reason, sizeof p->reason, active, true));
    TEXT("Previous strategies", p->previous_strategies, true);
    TEXT("What is working", p->what_is_working, true);
    if (p->ntargets < 0 || p->ntargets > PSP_TARGETS_MAX)
        return ap_fail(AP_ERR_INVALID, "Target 1: at most %d targets", PSP_TARGETS_MAX);
    int kept = 0;
    for (int i = 0; i < p->ntargets; i++) {
        const struct psp_target *t = &p->targets[i];
        char label[40];
        snprintf(label, sizeof label, "Target %d", i + 1);
        ROWIO_TRY(rowio_check_text(label, t->target, sizeof t->target, false, true));
        snprintf(label, sizeof label, "Target %d baseline", i + 1);
        ROWIO_TRY(rowio_check_text(label, t->baseline, sizeof t->baseline, false, false));
        snprintf(label, sizeof label, "Target %d measure", i + 1);
        ROWIO_TRY(rowio_check_text(label, t->measure, sizeof t->measure, false, false));
        if (utf8_blank(t->target) && (!utf8_blank(t->baseline) || !utf8_blank(t->measure)))
            return ap_fail(AP_ERR_INVALID, "Target %d: say the target, or clear its baseline and measure", i + 1);
        kept += !utf8_blank(t->target);
    }
    if (active && kept == 0)
        return ap_fail(AP_ERR_INVALID, "Target 1: an active PSP needs at least one target");
    TEXT("School agrees to", p->school_agrees, true);
    TEXT("Parent/carer agrees to", p->parent_agrees, true);
    TEXT("Professionals agree to", p->professionals_agree, true);
    ROWIO_TRY(rowio_check_date("Signed: child", p->signed_child_date, false, today));
    ROWIO_TRY(rowio_check_date("Signed: school", p->signed_school_date, false, today));
    ROWIO_TRY(rowio_check_date("Signed: parent/carer", p->signed_parent_date, false, today));
    char d[11];
    ROWIO_TRY(rowio_check_date("Next review", p->next_review_date, false, DATE_NONE));
    if (p->next_review_date != DATE_NONE && p->meeting_date != DATE_NONE && p->next_review_date <= p->meeting_date)
        return ap_fail(AP_ERR_INVALID, "Next review: must be after the meeting on %s", date_format(p->meeting_date, d));
    ROWIO_TRY(rowio_check_date("PSP end date", p->end_date, false, DATE_NONE));
    if (p->end_date != DATE_NONE && p->meeting_date != DATE_NONE && p->end_date < p->meeting_date)
        return ap_fail(AP_ERR_INVALID, "PSP end date: before the meeting on %s", date_format(p->meeting_date, d));
    for (int i = 0; i < PSP_DAYS; i++) {
        const struct psp_day *day = &p->days[i];
        char label[40];
        snprintf(label, sizeof label, "%s activity", day_names[i]);
        ROWIO_TRY(rowio_check_text(label, day->activity, sizeof day->activity, false, false));
        snprintf(label, sizeof label, "%s venue", day_names[i]);
        ROWIO_TRY(rowio_check_text(label, day->venue, sizeof day->venue, false, false));
        if (!(day->hours >= 0 && day->hours <= PSP_DAY_MAX_HOURS))
            return ap_fail(AP_ERR_INVALID, "%s hours: %g is not from 0 to %g", day_names[i], day->hours,
                           PSP_DAY_MAX_HOURS);
    }
    ROWIO_TRY(rowio_check_date("Reduced from", p->reduced_start, p->reduced_timetable && active, DATE_NONE));
    ROWIO_TRY(rowio_check_date("Provisional end", p->reduced_end, false, DATE_NONE));
    if (p->reduced_start != DATE_NONE && p->reduced_end != DATE_NONE && p->reduced_end < p->reduced_start)
        return ap_fail(AP_ERR_INVALID, "Provisional end: before the start on %s", date_format(p->reduced_start, d));
    if (p->reduced_reason[0])
        ROWIO_TRY(rowio_check_choice("Reason for reduction", p->reduced_reason, LABELS_REDUCED_REASON));
    if (!(p->reduced_hours_per_day >= 0 && p->reduced_hours_per_day <= PSP_RTT_MAX_HOURS))
        return ap_fail(AP_ERR_INVALID, "Hours per day: %g is not from 0 to %g", p->reduced_hours_per_day,
                       PSP_RTT_MAX_HOURS);
    TEXT("Exit plan", p->exit_plan, true);
    if (p->reduced_progression[0])
        ROWIO_TRY(rowio_check_choice("Progression", p->reduced_progression, LABELS_PROGRESSION));
    if (!(p->reduced_start_hours >= 0 && p->reduced_start_hours <= PSP_RTT_MAX_HOURS))
        return ap_fail(AP_ERR_INVALID, "Hours a day at the start: %g is not from 0 to %g", p->reduced_start_hours,
                       PSP_RTT_MAX_HOURS);
    /* Things done: not on a day to come. */
    ROWIO_TRY(rowio_check_date("LA safeguarding officer told", p->reduced_la_told, false, today));
    ROWIO_TRY(rowio_check_date("Risk assessment", p->reduced_risk_assessed, false, today));
    return AP_OK;
}

/* ---- reading ---- */

static bool read_target(sqlite3_stmt *st, void *ctx)
{
    struct psp *p = ctx;
    if (p->ntargets == PSP_TARGETS_MAX)
        return false; /* more than the editor holds: the first ones */
    struct psp_target *t = &p->targets[p->ntargets++];
    rowio_read(st, 0, "ItttbbbbI", &t->id, ROWIO_BUF(t->target), ROWIO_BUF(t->baseline), ROWIO_BUF(t->measure),
               &t->is_measurable, &t->start_known, &t->is_achievable, &t->everyday_language, &t->version);
    return true;
}

static ap_status read_targets(struct store *s, struct psp *p)
{
    p->ntargets = 0;
    return rowio_each(s,
                      "SELECT id, target, baseline, measure, is_measurable, start_known, "
                      "is_achievable, everyday_language, version FROM psp_target "
                      "WHERE psp_id = ?1 ORDER BY position",
                      read_target, p, "reading the PSP's targets", "I", p->id);
}

static bool read_day(sqlite3_stmt *st, void *ctx)
{
    struct psp *p = ctx;
    int d = sqlite3_column_int(st, 0);
    if (d >= 0 && d < PSP_DAYS)
        rowio_read(st, 1, "ttf", ROWIO_BUF(p->days[d].activity), ROWIO_BUF(p->days[d].venue), &p->days[d].hours);
    return true;
}

static ap_status read_timetable(struct store *s, struct psp *p)
{
    return rowio_each(s, "SELECT weekday, activity, venue, hours FROM psp_timetable WHERE psp_id = ?1", read_day, p,
                      "reading the PSP's timetable", "I", p->id);
}

static void read_psp_row(sqlite3_stmt *st, void *row)
{
    struct psp *p = row;
    memset(p, 0, sizeof *p);
    rowio_read(st, 0, "tdttttttttdddddbddtfbbttfddIIItt", ROWIO_BUF(p->status), &p->meeting_date, ROWIO_BUF(p->lead),
               ROWIO_BUF(p->attendees), ROWIO_BUF(p->reason), ROWIO_BUF(p->previous_strategies),
               ROWIO_BUF(p->what_is_working), ROWIO_BUF(p->school_agrees), ROWIO_BUF(p->parent_agrees),
               ROWIO_BUF(p->professionals_agree), &p->signed_child_date, &p->signed_school_date,
               &p->signed_parent_date, &p->next_review_date, &p->end_date, &p->reduced_timetable, &p->reduced_start,
               &p->reduced_end, ROWIO_BUF(p->reduced_reason), &p->reduced_hours_per_day,
               &p->reduced_safeguarding_concern, &p->reduced_authorised, ROWIO_BUF(p->exit_plan),
               ROWIO_BUF(p->reduced_progression), &p->reduced_start_hours, &p->reduced_la_told,
               &p->reduced_risk_assessed, &p->id, &p->pupil_id, &p->version, ROWIO_BUF(p->updated_at),
               ROWIO_BUF(p->updated_by));
}

ap_status psp_get(struct store *s, int64_t id, struct psp *p)
{
    ap_status result = rowio_get(s,
                                 "SELECT " PSP_COLUMNS ", id, pupil_id, version, updated_at, updated_by "
                                 "FROM psp WHERE id = ?1",
                                 id, read_psp_row, p, "reading the PSP", "PSP", true);
    if (result != AP_OK)
        return result;
    if ((result = read_targets(s, p)) != AP_OK)
        return result;
    return read_timetable(s, p);
}

ap_status psp_open_for_pupil(struct store *s, int64_t pupil_id, int64_t *id)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT id FROM psp WHERE pupil_id = %lld AND status != 'ceased'", (long long)pupil_id);
    return store_query_int(s, sql, 0, id);
}

/* ---- creating ---- */

/* Inside the transaction: the pupil exists and has no open PSP. */
static ap_status check_new_psp(struct store *s, int64_t pupil_id)
{
    char preferred[101], forename[101], surname[101], status[8] = "";
    int meeting = DATE_NONE;
    bool found = false;
    ap_status result = rowio_row(s,
                                 "SELECT u.preferred_name, u.legal_forename, u.legal_surname, "
                                 "  ifnull(p.status, ''), p.meeting_date "
                                 "FROM pupil u LEFT JOIN psp p ON p.pupil_id = u.id AND p.status != 'ceased' "
                                 "WHERE u.id = ?1",
                                 "checking the pupil's PSPs", &found, "I", "ttttd", pupil_id, ROWIO_BUF(preferred),
                                 ROWIO_BUF(forename), ROWIO_BUF(surname), ROWIO_BUF(status), &meeting);
    if (result == AP_OK && !found)
        return ap_fail(AP_ERR_INVALID, "Pupil: there is no pupil %lld (deleted by someone else?)",
                       (long long)pupil_id);
    if (result == AP_OK && status[0]) {
        char name[204], d[11];
        roll_display_name(name, sizeof name, preferred, forename, surname);
        result = ap_fail(AP_ERR_INVALID, "Pupil: %s already has an open PSP (%s%s%s): only one at a time", name,
                         status, meeting != DATE_NONE ? ", meeting " : "",
                         meeting != DATE_NONE ? date_format(meeting, d) : "");
    }
    return result;
}

/* Inside the transaction: the five timetable rows of a new PSP, from the
 * placements running on day d. */
static ap_status timetable_from_placements(struct store *s, int64_t pupil_id, int64_t psp_id, int d)
{
    struct psp_day days[PSP_DAYS];
    memset(days, 0, sizeof days);
    sqlite3_stmt *st = NULL;
    const char *what = "filling the PSP's timetable from the placements";
    ap_status result = rowio_prepare(s,
                                     "SELECT t.weekday, total(t.hours), group_concat(DISTINCT v.name), "
                                     "  group_concat(DISTINCT nullif(trim(l.purpose), '')) "
                                     "FROM placement l JOIN placement_session t ON t.placement_id = l.id "
                                     "JOIN provider v ON v.id = l.provider_id "
                                     "WHERE l.pupil_id = ?1 AND " PLACEMENT_ACTIVE_ON("l", "?2") " GROUP BY t.weekday",
                                     &st, what);
    if (result != AP_OK)
        return result;
    char day[11];
    int rc = rowio_bind(st, 1, "IT", pupil_id, date_format(d, day));
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int wd = sqlite3_column_int(st, 0);
        if (wd >= 0 && wd < PSP_DAYS) {
            double h = sqlite3_column_double(st, 1);
            days[wd].hours = h > PSP_DAY_MAX_HOURS ? PSP_DAY_MAX_HOURS : h;
            rowio_text(st, 2, days[wd].venue, sizeof days[wd].venue);
            if (sqlite3_column_type(st, 3) != SQLITE_NULL)
                rowio_text(st, 3, days[wd].activity, sizeof days[wd].activity);
            else
                rowio_copy(days[wd].activity, sizeof days[wd].activity, "Placement");
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, what);
    if ((result = rowio_prepare(s,
                                "INSERT INTO psp_timetable (psp_id, weekday, activity, venue, hours, updated_at, "
                                "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                &st, what)) != AP_OK)
        return result;
    for (int i = 0; result == AP_OK && i < PSP_DAYS; i++) {
        sqlite3_reset(st);
        rc = rowio_bind(st, 1, "Iittfs", psp_id, (int)i, days[i].activity, days[i].venue, (double)days[i].hours, s);
        result = rc == SQLITE_OK ? rowio_step(s, st, what) : store_fail(s, rc, what);
    }
    sqlite3_finalize(st);
    return result;
}

ap_status psp_create(struct store *s, int64_t pupil_id, int meeting, int today, int64_t *id)
{
    *id = 0;
    ROWIO_TRY(rowio_check_date("Meeting date", meeting, false, DATE_NONE));
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    const char *what = "adding the PSP";
    sqlite3_stmt *stmt = NULL;
    if ((st = check_new_psp(s, pupil_id)) != AP_OK ||
        (st = rowio_prepare(s,
                            "INSERT INTO psp (pupil_id, status, meeting_date, updated_at, updated_by) "
                            "VALUES (?1, 'draft', ?2, ?3, ?4)",
                            &stmt, what)) != AP_OK)
        goto fail;
    int rc = rowio_bind(stmt, 1, "Ids", pupil_id, meeting, s);
    st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
    sqlite3_finalize(stmt);
    if (st != AP_OK)
        goto fail;
    int64_t new_id = sqlite3_last_insert_rowid(store_db(s));
    int d = meeting != DATE_NONE && meeting <= today ? meeting : today;
    if ((st = timetable_from_placements(s, pupil_id, new_id, d)) != AP_OK)
        goto fail;
    if ((st = store_commit(s)) == AP_OK)
        *id = new_id;
    return st;
fail:
    store_rollback(s);
    return st;
}

/* ---- saving ---- */

static int bind_psp(sqlite3_stmt *st, const struct psp *p, int next_review)
{
    return rowio_bind(st, 1, "tdttttttttdddddiddTFiittFdd", p->status, p->meeting_date, p->lead, p->attendees,
                      p->reason, p->previous_strategies, p->what_is_working, p->school_agrees, p->parent_agrees,
                      p->professionals_agree, p->signed_child_date, p->signed_school_date, p->signed_parent_date,
                      next_review, p->end_date, (int)p->reduced_timetable, p->reduced_start, p->reduced_end,
                      p->reduced_reason[0] ? p->reduced_reason : NULL, p->reduced_hours_per_day,
                      (int)p->reduced_safeguarding_concern, (int)p->reduced_authorised, p->exit_plan,
                      p->reduced_progression, p->reduced_start_hours, p->reduced_la_told, p->reduced_risk_assessed);
}

/* Inside the transaction: the psp row is the one read, and not ceased. */
static ap_status check_psp_state(struct store *s, int64_t id, int64_t version, const char **refuse_ceased_label,
                                  char status_out[8], int *meeting_out)
{
    char status[8] = "";
    int64_t stored = 0;
    int end = DATE_NONE, meeting = DATE_NONE;
    bool found = false;
    ap_status result =
        rowio_row(s, "SELECT status, version, end_date, meeting_date FROM psp WHERE id = ?1", "checking the PSP",
                  &found, "I", "tIdd", id, ROWIO_BUF(status), &stored, &end, &meeting);
    if (result != AP_OK)
        return result;
    if (!found || stored != version)
        return key_conflict(s, "psp", id); /* changed, or deleted: names who */
    if (status_out)
        memcpy(status_out, status, sizeof status);
    if (meeting_out)
        *meeting_out = meeting;
    if (strcmp(status, "ceased") == 0 && refuse_ceased_label) {
        char d[11];
        result = ap_fail(AP_ERR_INVALID, "%s: this PSP was ceased%s%s and is kept read-only", *refuse_ceased_label,
                         end != DATE_NONE ? " on " : "", end != DATE_NONE ? date_format(end, d) : "");
    }
    return result;
}

struct stored_target {
    int64_t id, version;
    int position;
    bool keep;
};

static bool target_differs(sqlite3_stmt *cur, const struct psp_target *t, int position)
{
    /* cur: position, target, baseline, measure, four checks */
    const char *a = (const char *)sqlite3_column_text(cur, 1), *b = (const char *)sqlite3_column_text(cur, 2),
               *m = (const char *)sqlite3_column_text(cur, 3);
    return sqlite3_column_int(cur, 0) != position || strcmp(a ? a : "", t->target) != 0 ||
           strcmp(b ? b : "", t->baseline) != 0 || strcmp(m ? m : "", t->measure) != 0 ||
           sqlite3_column_int(cur, 4) != t->is_measurable || sqlite3_column_int(cur, 5) != t->start_known ||
           sqlite3_column_int(cur, 6) != t->is_achievable || sqlite3_column_int(cur, 7) != t->everyday_language;
}

static int bind_target(sqlite3_stmt *st, const struct psp_target *t, int position, struct store *s)
{
    int rc = rowio_bind(st, 1, "itttiiiis", (int)position, t->target, t->baseline, t->measure, (int)t->is_measurable,
                        (int)t->start_known, (int)t->is_achievable, (int)t->everyday_language, s);
    return rc;
}

/* Inside the transaction: the targets as p has them. Emptied ones go
 * (refused when a review recorded progress on them), the kept ones are
 * numbered 1..n in p's order, only changed rows are written. */
static ap_status write_targets(struct store *s, const struct psp *p)
{
    const char *what = "saving the PSP's targets";
    struct stored_target stored[64];
    int nstored = 0;
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s,
                                     "SELECT id, version, position, "
                                     "  EXISTS (SELECT 1 FROM psp_review_progress r WHERE r.target_id = t.id "
                                     "          AND trim(r.progress) != '') "
                                     "FROM psp_target t WHERE psp_id = ?1 ORDER BY position",
                                     &st, what);
    if (result != AP_OK)
        return result;
    bool progress[64] = {false};
    int rc = sqlite3_bind_int64(st, 1, p->id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nstored < 64) {
            stored[nstored] = (struct stored_target){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                                     sqlite3_column_int(st, 2), false};
            progress[nstored] = sqlite3_column_int(st, 3) != 0;
            nstored++;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, what);
    if (nstored > PSP_TARGETS_MAX)
        return ap_fail(AP_ERR_INVALID, "Target 1: the PSP has more targets than the %d the editor keeps",
                       PSP_TARGETS_MAX);

    /* Which stored targets the record keeps, and a version check on each. */
    for (int i = 0; i < p->ntargets; i++) {
        const struct psp_target *t = &p->targets[i];
        if (!t->id)
            continue;
        int k = 0;
        while (k < nstored && stored[k].id != t->id)
            k++;
        if (k == nstored || stored[k].version != t->version)
            return key_conflict(s, "psp_target", t->id);
        if (!utf8_blank(t->target))
            stored[k].keep = true;
    }
    /* Removals first, so that positions are free for the renumbering. */
    sqlite3_stmt *del = NULL;
    if ((result = rowio_prepare(s, "DELETE FROM psp_target WHERE id = ?1 AND version = ?2", &del, what)) != AP_OK)
        return result;
    for (int k = 0; result == AP_OK && k < nstored; k++) {
        if (stored[k].keep)
            continue;
        if (progress[k]) {
            int slot = 0;
            for (int i = 0; i < p->ntargets; i++)
                if (p->targets[i].id == stored[k].id)
                    slot = i + 1;
            result = ap_fail(AP_ERR_INVALID,
                             "Target %d: a review recorded progress on it, so it stays: change its words instead",
                             slot ? slot : stored[k].position);
            break;
        }
        sqlite3_reset(del);
        rc = rowio_bind(del, 1, "II", stored[k].id, stored[k].version);
        result = rc == SQLITE_OK ? rowio_step(s, del, what) : store_fail(s, rc, what);
        if (result == AP_OK)
            result = rowio_changed(s, "psp_target", stored[k].id);
    }
    sqlite3_finalize(del);
    if (result != AP_OK)
        return result;

    sqlite3_stmt *cur = NULL, *upd = NULL, *ins = NULL;
    if ((result = rowio_prepare(s,
                                "SELECT position, target, baseline, measure, is_measurable, start_known, "
                                "is_achievable, everyday_language FROM psp_target WHERE id = ?1",
                                &cur, what)) != AP_OK ||
        (result = rowio_prepare(s,
                                "UPDATE psp_target SET position = ?1, target = ?2, baseline = ?3, measure = ?4, "
                                "is_measurable = ?5, start_known = ?6, is_achievable = ?7, everyday_language = ?8, "
                                "updated_at = ?9, updated_by = ?10, version = version + 1 "
                                "WHERE id = ?11 AND version = ?12",
                                &upd, what)) != AP_OK ||
        (result = rowio_prepare(s,
                                "INSERT INTO psp_target (position, target, baseline, measure, is_measurable, "
                                "start_known, is_achievable, everyday_language, updated_at, updated_by, psp_id) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                &ins, what)) != AP_OK)
        goto done;
    int position = 0;
    for (int i = 0; result == AP_OK && i < p->ntargets; i++) {
        const struct psp_target *t = &p->targets[i];
        if (utf8_blank(t->target))
            continue;
        position++;
        if (t->id) {
            sqlite3_reset(cur);
            rc = sqlite3_bind_int64(cur, 1, t->id);
            if (rc == SQLITE_OK)
                rc = sqlite3_step(cur);
            if (rc != SQLITE_ROW) {
                result = rc == SQLITE_DONE ? key_conflict(s, "psp_target", t->id) : store_fail(s, rc, what);
                break;
            }
            if (!target_differs(cur, t, position))
                continue;
            sqlite3_reset(upd);
            rc = bind_target(upd, t, position, s);
            if (rc == SQLITE_OK)
                rc = rowio_bind(upd, 11, "II", t->id, t->version);
            result = rc == SQLITE_OK ? rowio_step(s, upd, what) : store_fail(s, rc, what);
            if (result == AP_OK)
                result = rowio_changed(s, "psp_target", t->id);
        } else {
            sqlite3_reset(ins);
            rc = bind_target(ins, t, position, s);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_int64(ins, 11, p->id);
            result = rc == SQLITE_OK ? rowio_step(s, ins, what) : store_fail(s, rc, what);
        }
    }
done:
    sqlite3_finalize(cur);
    sqlite3_finalize(upd);
    sqlite3_finalize(ins);
    return result;
}

/* Inside the transaction: the five days, only the rows that changed. */
static ap_status write_timetable(struct store *s, const struct psp *p)
{
    const char *what = "saving the PSP's timetable";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(
        s,
        "INSERT INTO psp_timetable (psp_id, weekday, activity, venue, hours, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (psp_id, weekday) DO UPDATE SET "
        "activity = excluded.activity, venue = excluded.venue, hours = excluded.hours, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by, version = version + 1 "
        "WHERE activity IS NOT excluded.activity OR venue IS NOT excluded.venue OR hours IS NOT excluded.hours",
        &st, what);
    for (int d = 0; result == AP_OK && d < PSP_DAYS; d++) {
        sqlite3_reset(st);
        int rc = rowio_bind(st, 1, "Iittfs", p->id, (int)d, p->days[d].activity, p->days[d].venue,
                            (double)p->days[d].hours, s);
        result = rc == SQLITE_OK ? rowio_step(s, st, what) : store_fail(s, rc, what);
    }
    sqlite3_finalize(st);
    return result;
}

/* Inside a transaction: discards this login's drafts (see psp_draft_discard). */
static ap_status discard_drafts(struct store *s, int64_t psp_id, const char *field, bool exact)
{
    sqlite3_stmt *st = NULL;
    const char *what = "discarding the drafts";
    ap_status result = rowio_prepare(s,
                                     exact ? "DELETE FROM psp_draft WHERE psp_id = ?1 AND login = ?2 AND field = ?3"
                                           : "DELETE FROM psp_draft WHERE psp_id = ?1 AND login = ?2 "
                                             "AND substr(field, 1, length(?3)) = ?3",
                                     &st, what);
    if (result != AP_OK)
        return result;
    int rc = rowio_bind(st, 1, "Itt", psp_id, store_login(s), field);
    result = rc == SQLITE_OK ? rowio_step(s, st, what) : store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

ap_status psp_save(struct store *s, struct psp *p, int today, const struct thresholds *th)
{
    ap_status st = psp_validate(p, today);
    if (st != AP_OK)
        return st;
    if (strcmp(p->status, "ceased") == 0)
        return ap_fail(AP_ERR_INVALID, "Status: a PSP is ceased by a review whose outcome is cease");
    if (!p->id)
        return ap_fail(AP_ERR_INVALID, "Pupil: the PSP has not been created (psp_create)");
    int next = p->next_review_date != DATE_NONE ? p->next_review_date : psp_suggest_review(p->meeting_date, th);
    const char *what = "saving the PSP";
    if ((st = store_begin(s)) != AP_OK)
        return st;
    sqlite3_stmt *stmt = NULL;
    const char *label = "Status";
    if ((st = check_psp_state(s, p->id, p->version, &label, NULL, NULL)) != AP_OK ||
        (st = rowio_prepare(s,
                            "UPDATE psp SET (" PSP_COLUMNS ", updated_at, updated_by) = (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                            "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                            "?27, ?28, ?29), version = version + 1 WHERE id = ?30 AND version = ?31 AND status != 'ceased'",
                            &stmt, what)) != AP_OK)
        goto fail;
    int rc = bind_psp(stmt, p, next);
    if (rc == SQLITE_OK)
        rc = rowio_bind_stamp(stmt, PSP_COLUMN_COUNT + 1, s);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, PSP_COLUMN_COUNT + 3, p->id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, PSP_COLUMN_COUNT + 4, p->version);
    st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
    sqlite3_finalize(stmt);
    if (st == AP_OK)
        st = rowio_changed(s, "psp", p->id);
    if (st != AP_OK || (st = write_targets(s, p)) != AP_OK || (st = write_timetable(s, p)) != AP_OK ||
        (st = discard_drafts(s, p->id, "form.", false)) != AP_OK)
        goto fail;
    if ((st = store_commit(s)) != AP_OK)
        return st;
    /* p as stored: ids, versions and positions of the targets. */
    int64_t id = p->id;
    st = psp_get(s, id, p);
    return st;
fail:
    store_rollback(s);
    return st;
}

ap_status psp_take_version(struct store *s, struct psp *p)
{
    struct psp *now = malloc(sizeof *now);
    if (!now)
        return ap_fail(AP_ERR_NOMEM, "out of memory reading the PSP");
    ap_status st = psp_get(s, p->id, now);
    if (st == AP_OK) {
        p->version = now->version;
        for (int i = 0; i < p->ntargets; i++) {
            if (!p->targets[i].id)
                continue;
            bool found = false;
            for (int k = 0; k < now->ntargets; k++)
                if (now->targets[k].id == p->targets[i].id) {
                    p->targets[i].version = now->targets[k].version;
                    found = true;
                }
            if (!found)
                p->targets[i].id = p->targets[i].version = 0; /* deleted meanwhile: add it again */
        }
    }
    free(now);
    return st;
}

ap_status psp_delete(struct store *s, int64_t id, int64_t version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    char status[8] = "";
    int64_t reviews = 0;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM psp_review WHERE psp_id = %lld", (long long)id);
    if ((st = check_psp_state(s, id, version, NULL, status, NULL)) == AP_OK &&
        (st = store_query_int(s, sql, 0, &reviews)) == AP_OK && (strcmp(status, "draft") != 0 || reviews > 0))
        st = ap_fail(AP_ERR_INVALID, "Status: only a draft PSP with no reviews can be deleted; this one is %s%s",
                     status, reviews ? " and has reviews" : "");
    if (st == AP_OK)
        st = rowio_exec_versioned(s, "DELETE FROM psp WHERE id = ?1 AND version = ?2", "psp", id, version,
                                  "deleting the PSP");
    return rowio_end(s, st);
}

/* ---- reviews ---- */

static ap_status review_validate(const struct psp_review *r, int today)
{
    ROWIO_TRY(rowio_check_date("Review date", r->review_date, true, today));
    TEXT("Attended", r->attended, true);
    ROWIO_TRY(rowio_check_choice("Outcome", r->outcome, LABELS_REVIEW_OUTCOME));
    TEXT("Notes and next steps", r->notes, true);
    if (r->nprogress < 0 || r->nprogress > PSP_TARGETS_MAX)
        return ap_fail(AP_ERR_INVALID, "Progress 1: at most %d targets", PSP_TARGETS_MAX);
    for (int i = 0; i < r->nprogress; i++) {
        char label[32];
        snprintf(label, sizeof label, "Progress %d", i + 1);
        ROWIO_TRY(rowio_check_text(label, r->progress[i].progress, sizeof r->progress[i].progress, false, true));
    }
    char d[11];
    ROWIO_TRY(rowio_check_date("Next review", r->next_review, false, DATE_NONE));
    if (strcmp(r->outcome, "cease") != 0 && r->next_review != DATE_NONE && r->next_review <= r->review_date)
        return ap_fail(AP_ERR_INVALID, "Next review: must be after the review on %s", date_format(r->review_date, d));
    return AP_OK;
}

ap_status psp_review_add(struct store *s, int64_t psp_id, int64_t *psp_version, struct psp_review *r, int today,
                         const struct thresholds *th)
{
    ap_status st = rowio_begin(s, review_validate(r, today));
    if (st != AP_OK)
        return st;
    const char *what = "adding the review";
    char status[8] = "", d[11];
    int meeting = DATE_NONE;
    const char *label = "Review date";
    sqlite3_stmt *stmt = NULL;
    int64_t review_id = 0;
    if ((st = check_psp_state(s, psp_id, *psp_version, &label, status, &meeting)) != AP_OK)
        goto fail;
    if (strcmp(status, "draft") == 0) {
        st = ap_fail(AP_ERR_INVALID, "Review date: the PSP is still a draft: set it Active once it is agreed, "
                                     "then review it");
        goto fail;
    }
    if (meeting != DATE_NONE && r->review_date < meeting) {
        st = ap_fail(AP_ERR_INVALID, "Review date: before the PSP's meeting on %s", date_format(meeting, d));
        goto fail;
    }
    if ((st = rowio_run(s,
                        "INSERT INTO psp_review (psp_id, review_date, attended, outcome, notes, updated_at, "
                        "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        what, "Idttts", psp_id, r->review_date, r->attended, r->outcome, r->notes, s)) != AP_OK)
        goto fail;
    review_id = sqlite3_last_insert_rowid(store_db(s));

    if ((st = rowio_prepare(s,
                            "INSERT INTO psp_review_progress (review_id, target_id, progress, updated_at, "
                            "updated_by) SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS "
                            "(SELECT 1 FROM psp_target WHERE id = ?2 AND psp_id = ?6)",
                            &stmt, what)) != AP_OK)
        goto fail;
    for (int i = 0; st == AP_OK && i < r->nprogress; i++) {
        if (utf8_blank(r->progress[i].progress))
            continue;
        sqlite3_reset(stmt);
        int rc = rowio_bind(stmt, 1, "IItsI", review_id, r->progress[i].target_id, r->progress[i].progress, s, psp_id);
        st = rc == SQLITE_OK ? rowio_step(s, stmt, what) : store_fail(s, rc, what);
        if (st == AP_OK && sqlite3_changes(store_db(s)) == 0)
            st = ap_fail(AP_ERR_INVALID, "Progress %d: target %lld is not one of this PSP's (changed meanwhile?)", i + 1,
                         (long long)r->progress[i].target_id);
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    if (st != AP_OK)
        goto fail;

    bool cease = strcmp(r->outcome, "cease") == 0;
    int next = cease ? DATE_NONE
                     : r->next_review != DATE_NONE ? r->next_review : psp_suggest_review(r->review_date, th);
    st = rowio_writef(s,
                      cease ? "UPDATE psp SET status = 'ceased', next_review_date = NULL, "
                              "end_date = CASE WHEN end_date IS NULL OR end_date > ?1 THEN ?1 ELSE end_date END, "
                              "updated_at = ?2, updated_by = ?3, version = version + 1 "
                              "WHERE id = ?4 AND version = ?5"
                            : "UPDATE psp SET next_review_date = ?1, updated_at = ?2, updated_by = ?3, "
                              "version = version + 1 WHERE id = ?4 AND version = ?5",
                      "psp", psp_id, *psp_version, what, NULL, "d", cease ? r->review_date : next);
    if (st == AP_OK)
        st = discard_drafts(s, psp_id, "review.", false);
fail:
    if ((st = rowio_end(s, st)) == AP_OK) {
        r->id = review_id;
        (*psp_version)++;
    }
    return st;
}

static void read_review(sqlite3_stmt *st, void *row)
{
    struct psp_review *r = row;
    memset(r, 0, sizeof *r);
    rowio_read(st, 0, "Idttttt", &r->id, &r->review_date, ROWIO_BUF(r->attended), ROWIO_BUF(r->outcome),
               ROWIO_BUF(r->notes), ROWIO_BUF(r->updated_at), ROWIO_BUF(r->updated_by));
    r->next_review = DATE_NONE;
}

/* A target's progress at a review into the review. */
static bool read_progress(sqlite3_stmt *st, void *ctx)
{
    const struct rowio_items *L = ctx;
    int64_t rid = sqlite3_column_int64(st, 0);
    for (size_t i = 0; i < L->n; i++) {
        struct psp_review *r = (struct psp_review *)L->items + i;
        if (r->id != rid || r->nprogress == PSP_TARGETS_MAX)
            continue;
        struct psp_progress *pr = &r->progress[r->nprogress++];
        rowio_read(st, 1, "It", &pr->target_id, ROWIO_BUF(pr->progress));
    }
    return true;
}

ap_status psp_reviews(struct store *s, int64_t psp_id, struct psp_review **out, size_t *n)
{
    return rowio_list_more(s,
                           "SELECT id, review_date, attended, outcome, notes, updated_at, updated_by "
                           "FROM psp_review WHERE psp_id = ?1 ORDER BY review_date DESC, id DESC",
                           psp_id, sizeof **out, read_review, out, n,
                           "SELECT p.review_id, p.target_id, p.progress FROM psp_review_progress p "
                           "JOIN psp_review r ON r.id = p.review_id "
                           "JOIN psp_target t ON t.id = p.target_id "
                           "WHERE r.psp_id = ?1 ORDER BY p.review_id, t.position",
                           read_progress, "reading the PSP's reviews");
}

/* ---- the pupil's facts ---- */

/* The facts' attendance this term from attendance_week's totals. */
static void facts_attendance(struct psp_facts *f, double possible, double attending)
{
    f->possible = (int)possible;
    f->attending = (int)attending;
    if (f->possible > 0) {
        struct attendance_tally t = {{0}};
        t.n[CAT_PRESENT] = f->attending;
        t.n[CAT_AUTHORISED] = f->possible - f->attending;
        f->has_attendance = rules_attendance_pct(&t, &f->attendance_pct);
    }
}

/* psp_facts_load's count of exclusions: one row a day, in order. */
struct exclusions {
    struct psp_facts *f;
    int prev; /* the day before, or DATE_NONE */
};

static bool read_exclusion(sqlite3_stmt *st, void *ctx)
{
    struct exclusions *x = ctx;
    int d = sqlite3_column_int(st, 0);
    int n = sqlite3_column_int(st, 1);
    x->f->excluded_sessions += n;
    x->f->excluded_days += n >= 2 ? 1.0 : 0.5;
    /* A new spell unless it follows the day before, or Friday before a Monday. */
    bool follows = x->prev != DATE_NONE && (d - x->prev == 1 || (d - x->prev == 3 && date_weekday(x->prev) == 4));
    if (!follows)
        x->f->exclusion_spells++;
    x->prev = d;
    return true;
}

ap_status psp_facts_load(struct store *s, int64_t pupil_id, int today, struct psp_facts *f)
{
    memset(f, 0, sizeof *f);
    f->pupil_id = pupil_id;
    char day[11], preferred[101], forename[101], surname[101];
    bool found = false;
    ap_status result = rowio_row(
        s,
        "SELECT u.upn, u.preferred_name, u.legal_forename, u.legal_surname, u.dob, ifnull(c.name, ''), u.fsm, u.cla, "
        "  u.plan, u.aln_areas, u.has_ihp, "
        "  (SELECT count(*) FROM placement l WHERE l.pupil_id = u.id AND " PLACEMENT_ACTIVE_ON("l", "?2") "), "
        "  " PLACEMENT_SQL_WEEKLY_HOURS("u.id", "?2") ", " PLACEMENT_SQL_WEEKLY_DAYS("u.id", "?2") ", "
        "  (SELECT max(k.concern_date) FROM concern k WHERE k.pupil_id = u.id AND k.kind = 'safeguarding' "
        "     AND k.concern_date <= ?2) "
        "FROM pupil u LEFT JOIN school c ON c.id = u.home_school_id WHERE u.id = ?1",
        "reading the pupil for the PSP", &found, "IT", "ttttdtbbttbifid", pupil_id, date_format(today, day),
        ROWIO_BUF(f->upn), ROWIO_BUF(preferred), ROWIO_BUF(forename), ROWIO_BUF(surname), &f->dob, ROWIO_BUF(f->school),
        &f->fsm, &f->cla, ROWIO_BUF(f->plan), ROWIO_BUF(f->aln_areas), &f->has_ihp, &f->placements,
        &f->placement_hours, &f->placement_days, &f->last_concern);
    if (result == AP_OK && !found)
        result = ap_fail(AP_ERR_NOT_FOUND, "pupil %lld: not found", (long long)pupil_id);
    if (result != AP_OK)
        return result;
    roll_display_name(f->name, sizeof f->name, preferred, forename, surname);
    f->year_group = f->dob == DATE_NONE ? RULES_NO_YEAR_GROUP : rules_year_group(f->dob, today);

    /* This term's attendance, as the roll counts it (attendance_week). */
    struct term_info term;
    if ((result = calendar_term_begun(s, today, &term, &f->has_term)) != AP_OK)
        return result;
    if (term.name[0])
        snprintf(f->term_name, sizeof f->term_name, "%s %s", term.name, term.academic_year);
    if (f->has_term) {
        double possible = 0, attending = 0;
        result = rowio_row(s,
                           "SELECT total(possible), total(attending) FROM attendance_week "
                           "WHERE pupil_id = ?1 AND week BETWEEN ?2 AND ?3",
                           "reading the pupil's attendance this term", NULL, "Iii", "ff", pupil_id,
                           (int)(term.start - date_weekday(term.start)), (int)term.end, &possible, &attending);
        if (result != AP_OK)
            return result;
        facts_attendance(f, possible, attending);
    }

    /* Exclusions this school year: sessions marked E. */
    struct exclusions x = {f, DATE_NONE};
    return rowio_each(s,
                      "SELECT day, count(*) FROM attendance_mark WHERE pupil_id = ?1 AND code = 'E' "
                      "AND day BETWEEN ?2 AND ?3 GROUP BY day ORDER BY day",
                      read_exclusion, &x, "reading the pupil's exclusions", "Iii", pupil_id,
                      (int)(date_academic_year_start(today)), (int)today);
}

/* ---- reduced timetable ---- */

const char *psp_hours_source_text(enum psp_hours_source src)
{
    switch (src) {
    case PSP_HOURS_TIMETABLE: return "PSP timetable";
    case PSP_HOURS_PER_DAY: return "hours per day x 5";
    case PSP_HOURS_PLACEMENTS: return "placements now";
    default: return "nothing recorded";
    }
}

enum rules_progression psp_progression(const char *code)
{
    return !code                              ? RULES_PROGRESS_UNKNOWN
           : strcmp(code, "progressing") == 0 ? RULES_PROGRESS_YES
           : strcmp(code, "little") == 0      ? RULES_PROGRESS_LITTLE
                                              : RULES_PROGRESS_UNKNOWN;
}

void psp_rtt_assess(const struct psp *p, const struct psp_facts *f, int today, const struct thresholds *th,
                    struct psp_rtt *out)
{
    memset(out, 0, sizeof *out);
    double tt = 0;
    for (int d = 0; d < PSP_DAYS; d++)
        tt += p->days[d].hours;
    if (tt > 0) {
        out->weekly_hours = tt;
        out->source = PSP_HOURS_TIMETABLE;
    } else if (p->reduced_hours_per_day > 0) {
        out->weekly_hours = 5 * p->reduced_hours_per_day;
        out->source = PSP_HOURS_PER_DAY;
    } else if (f->placements > 0) {
        out->weekly_hours = f->placement_hours;
        out->source = PSP_HOURS_PLACEMENTS;
    }
    out->year_group = f->year_group;
    out->min_hours = rules_min_weekly_hours(f->year_group, th);
    out->below_minimum = out->source != PSP_HOURS_NONE && rules_is_reduced(out->weekly_hours, f->year_group, th);
    if (strcmp(p->status, "ceased") == 0)
        return; /* over: the matrix no longer applies */
    out->applies = p->reduced_timetable || out->below_minimum;
    if (!out->applies)
        return;
    struct rules_rtt r = {
        .weekly_hours = out->weekly_hours,
        .year_group = f->year_group,
        .start = p->reduced_start,
        .end = p->reduced_end,
        .has_psp = strcmp(p->status, "active") == 0,
        .medical_ihp = strcmp(p->reduced_reason, "medical") == 0 && f->has_ihp,
        .exit_plan = !utf8_blank(p->exit_plan),
        .authorised = p->reduced_authorised,
        /* The rest of the audit matrix, as db/flags.c gives it. */
        .safeguarding_concern = p->reduced_safeguarding_concern,
        .looked_after = f->cla,
        .single_agency = utf8_blank(p->professionals_agree),
        .no_parent_agreement = utf8_blank(p->parent_agrees),
        .psp_hours_per_day = p->reduced_hours_per_day,
        .attendance_known = f->has_attendance,
        .attendance_pct = f->attendance_pct,
        .progression = psp_progression(p->reduced_progression),
        .start_hours_per_day = p->reduced_start_hours,
        .la_told = p->reduced_la_told != DATE_NONE,
        .risk_assessed = p->reduced_risk_assessed != DATE_NONE,
        .risk_assessed_on = p->reduced_risk_assessed,
    };
    /* The timetable's hours a day: the PSP's own, else the placements'. */
    int tt_days = 0;
    for (int d = 0; d < PSP_DAYS; d++)
        tt_days += p->days[d].hours > 0;
    r.timetable_hours_per_day = tt_days > 0                ? tt / tt_days
                                : f->placement_days > 0 ? f->placement_hours / f->placement_days
                                                        : -1;
    r.concern = f->last_concern != DATE_NONE && r.start != DATE_NONE && f->last_concern >= r.start;
    r.concern_date = f->last_concern;
    out->level = rules_reduced_timetable(&r, today, th, out->why, sizeof out->why);
    if (out->level == FLAG_NONE) {
        char h[16], m[16];
        snprintf(h, sizeof h, "%g", out->weekly_hours);
        snprintf(m, sizeof m, "%g", out->min_hours);
        snprintf(out->why, sizeof out->why,
                 out->min_hours > 0 ? "recorded as reduced, but %s h a week meets the %s h minimum"
                                    : "recorded as reduced, but the year group has no minimum (%s h, %s)",
                 h, m);
        out->applies = false;
    } else if (strcmp(p->status, "draft") == 0 && !r.medical_ihp) {
        size_t n = strlen(out->why);
        snprintf(out->why + n, sizeof out->why - n, " (the PSP is a draft until it is agreed and set Active)");
    }
}

ap_status psp_rtt_for(struct store *s, int64_t psp_id, int today, const struct thresholds *th, struct psp_rtt *out)
{
    memset(out, 0, sizeof *out);
    struct psp *p = malloc(sizeof *p);
    if (!p)
        return ap_fail(AP_ERR_NOMEM, "out of memory reading the PSP");
    struct psp_facts f;
    ap_status st = psp_get(s, psp_id, p);
    if (st == AP_OK)
        st = psp_facts_load(s, p->pupil_id, today, &f);
    if (st == AP_OK)
        psp_rtt_assess(p, &f, today, th, out);
    free(p);
    return st;
}

enum flag_level psp_review_due(const char *status, int meeting, int last_review, int next_review, int today,
                               const struct thresholds *th, int *due, char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    *due = DATE_NONE;
    if (strcmp(status, "active") != 0)
        return FLAG_NONE;
    /* As db/flags.c: every psp_review_weeks, or sooner when the last meeting
     * set an earlier review date. */
    enum flag_level level = rules_psp_review(last_review, meeting, today, th, due, why, why_len);
    int base = last_review != DATE_NONE ? last_review : meeting;
    if (next_review != DATE_NONE && base != DATE_NONE && next_review > base && next_review < *due) {
        *due = next_review;
        level = rules_due("PSP review", next_review, today, th->psp_review_amber_days, why, why_len);
    }
    return level;
}

/* ---- the list ---- */

/* read_psp_list_row's context: the day, the rules, and one record to
 * assess the timetable with (only the fields the matrix reads). */
struct list_ctx {
    int today;
    const struct thresholds *th;
    struct psp *p;
};

static void read_psp_list_row(sqlite3_stmt *st, void *row, const void *ctx)
{
    const struct list_ctx *L = ctx;
    int today = L->today;
    const struct thresholds *th = L->th;
    struct psp *p = L->p;
    struct psp_row *r = row;
    memset(r, 0, sizeof *r);
    r->psp_id = sqlite3_column_int64(st, 0);
    r->pupil_id = sqlite3_column_int64(st, 1);
    roll_display_name(r->name, sizeof r->name, (const char *)sqlite3_column_text(st, 2),
                      (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4));
    int dob = rowio_date(st, 5);
    r->year_group = dob == DATE_NONE ? RULES_NO_YEAR_GROUP : rules_year_group(dob, today);
    rowio_text(st, 6, r->status, sizeof r->status);
    rowio_read(st, 7, "ddddii", &r->meeting_date, &r->next_review_date, &r->end_date, &r->last_review, &r->reviews,
               &r->targets);
    r->review_level = psp_review_due(r->status, r->meeting_date, r->last_review, r->next_review_date, today, th,
                                     &r->review_due, r->review_why, sizeof r->review_why);

    memset(p, 0, offsetof(struct psp, targets));
    memset(p->days, 0, sizeof p->days);
    rowio_copy(p->status, sizeof p->status, r->status);
    p->meeting_date = r->meeting_date;
    rowio_read(st, 13, "bddtfbt", &p->reduced_timetable, &p->reduced_start, &p->reduced_end,
               ROWIO_BUF(p->reduced_reason), &p->reduced_hours_per_day, &p->reduced_authorised,
               ROWIO_BUF(p->exit_plan));
    /* The week's total over the days that have hours: all the assessment
     * adds up (the total, and the hours a day). */
    int tt_days = sqlite3_column_int(st, 29);
    double tt_total = sqlite3_column_double(st, 21);
    if (tt_days <= 0 && tt_total > 0)
        tt_days = 1;
    for (int d = 0; d < tt_days && d < PSP_DAYS; d++)
        p->days[d].hours = tt_total / tt_days;
    p->reduced_safeguarding_concern = sqlite3_column_int(st, 25) != 0;
    rowio_copy(p->professionals_agree, sizeof p->professionals_agree, sqlite3_column_int(st, 26) ? "yes" : "");
    rowio_copy(p->parent_agrees, sizeof p->parent_agrees, sqlite3_column_int(st, 27) ? "yes" : "");
    rowio_read(st, 34, "tfdd", ROWIO_BUF(p->reduced_progression), &p->reduced_start_hours, &p->reduced_la_told,
               &p->reduced_risk_assessed);
    struct psp_facts f;
    memset(&f, 0, sizeof f);
    f.year_group = r->year_group;
    f.has_ihp = sqlite3_column_int(st, 20);
    rowio_read(st, 22, "if", &f.placements, &f.placement_hours);
    f.cla = sqlite3_column_int(st, 28) != 0;
    rowio_read(st, 30, "id", &f.placement_days, &f.last_concern);
    facts_attendance(&f, sqlite3_column_double(st, 32), sqlite3_column_double(st, 33));
    psp_rtt_assess(p, &f, today, th, &r->rtt);
    r->has_draft = sqlite3_column_int(st, 24) != 0;
}

ap_status psp_list(struct store *s, int today, const struct thresholds *th, bool with_ceased, struct psp_row **out,
                   size_t *n)
{
    *out = NULL;
    *n = 0;
    /* This term's weeks, as psp_facts_load counts them (none: an empty range). */
    struct term_info term;
    bool has_term = false;
    ap_status result = calendar_term_begun(s, today, &term, &has_term);
    if (result != AP_OK)
        return result;
    struct list_ctx L = {today, th, calloc(1, sizeof *L.p)};
    if (!L.p)
        return ap_fail(AP_ERR_NOMEM, "out of memory reading the PSPs");
    char day[11];
    result = rowio_listf(
        s,
        "SELECT p.id, p.pupil_id, u.preferred_name, u.legal_forename, u.legal_surname, u.dob, p.status, "
        "  p.meeting_date, p.next_review_date, p.end_date, "
        "  (SELECT max(r.review_date) FROM psp_review r WHERE r.psp_id = p.id AND r.review_date <= ?1), "
        "  (SELECT count(*) FROM psp_review r WHERE r.psp_id = p.id), "
        "  (SELECT count(*) FROM psp_target t WHERE t.psp_id = p.id), "
        "  p.reduced_timetable, p.reduced_start, p.reduced_end, ifnull(p.reduced_reason, ''), "
        "  ifnull(p.reduced_hours_per_day, 0), p.reduced_authorised, p.exit_plan, u.has_ihp, "
        "  (SELECT total(t.hours) FROM psp_timetable t WHERE t.psp_id = p.id), "
        "  (SELECT count(*) FROM placement l WHERE l.pupil_id = u.id AND " PLACEMENT_ACTIVE_ON("l", "?1") "), "
        "  " PLACEMENT_SQL_WEEKLY_HOURS("u.id", "?1") ", "
        "  EXISTS (SELECT 1 FROM psp_draft d WHERE d.psp_id = p.id AND d.login = ?2), "
        /* the rest of the audit matrix, as psp_facts_load and db/flags.c read it */
        "  p.reduced_safeguarding_concern, trim(p.professionals_agree) != '', trim(p.parent_agrees) != '', u.cla, "
        "  (SELECT count(*) FROM psp_timetable t WHERE t.psp_id = p.id AND t.hours > 0), "
        "  " PLACEMENT_SQL_WEEKLY_DAYS("u.id", "?1") ", "
        "  (SELECT max(k.concern_date) FROM concern k WHERE k.pupil_id = u.id AND k.kind = 'safeguarding' "
        "     AND k.concern_date <= ?1), "
        "  (SELECT total(w.possible) FROM attendance_week w WHERE w.pupil_id = u.id AND w.week BETWEEN ?4 AND ?5), "
        "  (SELECT total(w.attending) FROM attendance_week w WHERE w.pupil_id = u.id AND w.week BETWEEN ?4 AND ?5), "
        "  p.reduced_progression, ifnull(p.reduced_start_hours, 0), p.reduced_la_told, p.reduced_risk_assessed "
        "FROM psp p JOIN pupil u ON u.id = p.pupil_id "
        "WHERE ?3 OR p.status != 'ceased' "
        "ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id, "
        "  p.status = 'ceased', p.meeting_date DESC, p.id DESC",
        sizeof **out, read_psp_list_row, &L, out, n, "reading the PSPs", "Ttiii", date_format(today, day),
        store_login(s), (int)with_ceased, (int)(has_term ? term.start - date_weekday(term.start) : 1),
        (int)(has_term ? term.end : 0));
    free(L.p);
    return result;
}

/* ---- drafts ---- */

ap_status psp_draft_save(struct store *s, int64_t psp_id, const char *field, const char *text)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    char now[20];
    store_now(now);
    st = rowio_run(s,
                   "INSERT INTO psp_draft (psp_id, login, field, text, saved_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                   "ON CONFLICT (psp_id, login, field) DO UPDATE SET text = excluded.text, "
                   "saved_at = excluded.saved_at WHERE text IS NOT excluded.text",
                   "keeping the draft", "Itttt", psp_id, store_login(s), field, text, now);
    return rowio_end(s, st);
}

/* psp_drafts' list. */
struct drafts {
    struct psp_draft *items;
    size_t n, cap;
    bool nomem;
};

static bool read_draft(sqlite3_stmt *st, void *ctx)
{
    struct drafts *L = ctx;
    struct psp_draft *grown = rowio_grow(L->items, &L->cap, L->n, sizeof *L->items);
    const char *text = (const char *)sqlite3_column_text(st, 1);
    char *copy = grown ? strdup(text ? text : "") : NULL;
    if (grown)
        L->items = grown;
    if (!grown || !copy) {
        L->nomem = true;
        return false;
    }
    struct psp_draft *d = &L->items[L->n++];
    rowio_text(st, 0, d->field, sizeof d->field);
    d->text = copy;
    rowio_text(st, 2, d->saved_at, sizeof d->saved_at);
    return true;
}

ap_status psp_drafts(struct store *s, int64_t psp_id, const char *prefix, struct psp_draft **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct drafts L = {0};
    ap_status result = rowio_each(s,
                                  "SELECT field, text, strftime('%Y-%m-%d %H:%M', saved_at, 'localtime') "
                                  "FROM psp_draft WHERE psp_id = ?1 AND login = ?2 "
                                  "AND substr(field, 1, length(?3)) = ?3 ORDER BY saved_at, field",
                                  read_draft, &L, "reading the drafts", "Itt", psp_id, store_login(s),
                                  prefix ? prefix : "");
    if (result == AP_OK && L.nomem)
        result = ap_fail(AP_ERR_NOMEM, "out of memory reading the drafts");
    if (result != AP_OK) {
        psp_drafts_free(L.items, L.n);
        return result;
    }
    *out = L.items;
    *n = L.n;
    return AP_OK;
}

void psp_drafts_free(struct psp_draft *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].text);
    free(d);
}

ap_status psp_draft_discard(struct store *s, int64_t psp_id, const char *field, bool exact)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    if ((st = discard_drafts(s, psp_id, field, exact)) != AP_OK) {
        store_rollback(s);
        return st;
    }
    return store_commit(s);
}
