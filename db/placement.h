#ifndef APTERM_PLACEMENT_H
#define APTERM_PLACEMENT_H

/* Placements (pupil x provider) with their weekly timetable, and the figures
 * that follow from it: weekly hours, the year group's minimum and whether
 * the timetable is reduced, the annualised cost with transport.
 *
 * "Active now" (the provider pane, the pupil's hours) means, as in
 * db/flags.c: status 'active', started on or before today, and no end date
 * or one not before today. Text fields are NUL-terminated UTF-8; a value
 * longer than its field is refused by placement_validate, never cut. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"
#include "thresholds.h"

/* For SQL over placements l: the placement is running on the date d (an SQL
 * expression), or on :today. */
#define PLACEMENT_ACTIVE_ON(l, d) \
    l ".status = 'active' AND " l ".start_date <= " d " AND (" l ".end_date IS NULL OR " l ".end_date >= " d ")"
#define PLACEMENT_ACTIVE_TODAY(l) PLACEMENT_ACTIVE_ON(l, ":today")

#define PLACEMENT_DAYS 5              /* Monday (0) to Friday (4) */

/* SQL: a pupil's weekly hours over the placements active on a day, each
 * session (weekday, AM/PM) counted once however many placements timetable
 * it (issue 13: overlapping sessions are refused on saving, and older rows
 * never count twice). pupil and day are SQL expressions. */
#define PLACEMENT_SQL_WEEKLY_HOURS(pupil, day)                                                              \
    "(SELECT total(h) FROM (SELECT max(t.hours) AS h FROM placement lw "                                     \
    "JOIN placement_session t ON t.placement_id = lw.id WHERE lw.pupil_id = " pupil " "                     \
    "AND lw.status = 'active' AND lw.start_date <= " day " AND (lw.end_date IS NULL OR lw.end_date >= " day \
    ") GROUP BY t.weekday, t.session))"

/* SQL: the days of the week (0..5) with a session at the pupil's placements
 * active on day, to give hours a day on the days attended. */
#define PLACEMENT_SQL_WEEKLY_DAYS(pupil, day)                                                               \
    "(SELECT count(DISTINCT t.weekday) FROM placement lw "                                                  \
    "JOIN placement_session t ON t.placement_id = lw.id WHERE lw.pupil_id = " pupil " "                     \
    "AND lw.status = 'active' AND lw.start_date <= " day " AND (lw.end_date IS NULL OR lw.end_date >= " day \
    "))"
enum placement_half { PLACEMENT_AM = 0, PLACEMENT_PM = 1 };
#define PLACEMENT_SESSION_MAX_HOURS 6.0

struct placement {
    int64_t id;                     /* 0 until inserted */
    int64_t pupil_id;
    int64_t provider_id;
    char status[12];                /* LABELS_PLACEMENT_STATUS: proposed, active, ended */
    int start_date;                 /* required */
    int end_date;                   /* DATE_NONE while open-ended */
    int planned_weeks;              /* 0 = not planned */
    char cost_basis[8];             /* LABELS_COST_BASIS */
    int64_t rate;                   /* pence per cost_basis unit */
    int64_t transport_per_week;     /* pence a week; 0 = none */
    char purpose[256];
    int64_t panel_case_id;          /* 0 = none */
    char setting_type[4];           /* LABELS_CENSUS_SETTING, "" = not recorded */
    char census_reason[4];          /* LABELS_CENSUS_REASON, "" = not recorded */
    /* The tracking areas the placement's purpose needs (seed 000): area
     * codes or words joined by commas (db/tracking.h tracking_areas_parse),
     * stored as codes joined by ", "; "" = by the pupil's year group. */
    char tracking_areas[128];
    /* The weekly timetable: hours[weekday][PLACEMENT_AM or PLACEMENT_PM] is
     * the length of that session in hours, 0 when the pupil does not attend
     * it. Each one attended is a placement_session row. */
    double hours[PLACEMENT_DAYS][2];
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* A new record's defaults: proposed, per session, no dates, no sessions. */
void placement_init(struct placement *p);

/* Checks every field, the timetable included; on failure AP_ERR_INVALID with
 * a detail naming the field ("Tuesday PM: 7 hours is more than a session
 * can be (at most 6)"). An active placement needs at least one session; an
 * ended one needs its end date. */
ap_status placement_validate(const struct placement *p);

/* Each writes the placement row and its placement_session rows in ONE
 * transaction: on any failure nothing is written. A session (weekday and
 * AM/PM) already timetabled at another placement of the pupil whose dates
 * overlap is refused, naming that placement ("Monday AM: already
 * timetabled at Cwm Farm (placement 12, active, from 2026-01-05): ..."),
 * unless either is proposed (a plan clashes with nothing until it is made
 * active). A suspended provider
 * takes no new placement: an insert (unless recorded as already ended) or
 * an update that makes a placement active is refused; a pupil, provider or
 * panel case that does not exist is named. Insert sets id and version; update
 * succeeds only if nobody changed the placement since it was read (else
 * AP_ERR_CONFLICT naming who and when) and raises p->version. Only the
 * sessions that changed are written, so the audit log shows real changes. */
ap_status placement_insert(struct store *s, struct placement *p);
ap_status placement_update(struct store *s, struct placement *p);

/* The placement and its timetable. */
ap_status placement_get(struct store *s, int64_t id, struct placement *out);

/* Ends a placement: status 'ended' and end_date, which may not be before its
 * start nor after today (a planned end is set by editing the end date).
 * *version is the version read; raised on success. */
ap_status placement_end(struct store *s, int64_t id, int64_t *version, int end_date, int today);

/* Deletes a placement that was only ever proposed (a withdrawn proposal),
 * with its timetable. An active or ended placement is part of the pupil's
 * record and is refused (AP_ERR_INVALID): end it instead. */
ap_status placement_delete(struct store *s, int64_t id, int64_t version);

/* ---- figures from the timetable (no store) ---- */

double placement_weekly_hours(const struct placement *p);
int placement_sessions_per_week(const struct placement *p);
int placement_days_per_week(const struct placement *p);   /* days with any session */
bool placement_active_on(const struct placement *p, int date);
/* Tuition (rules_annual_cost with the timetable's sessions and days) plus
 * transport per week, for weeks_per_year school weeks (RULES_SCHOOL_WEEKS,
 * 39, is the usual figure). Pence. */
int64_t placement_annual_cost(const struct placement *p, int weeks_per_year);

/* ---- lists ---- */

struct placement_item {
    struct placement p;             /* with its timetable */
    char provider_name[121];
    double weekly_hours;
    int64_t annual_cost;            /* placement_annual_cost(p, RULES_SCHOOL_WEEKS) */
};

/* Every placement of the pupil: active, then proposed, then ended, each
 * newest start first. *out is a malloc'd array of *n (NULL when none) that
 * the caller frees with free(). */
ap_status placement_list_for_pupil(struct store *s, int64_t pupil_id, struct placement_item **out, size_t *n);

/* A pupil placed with a provider now, for the provider pane (pupil_id opens
 * the pupil's record). */
struct provider_pupil {
    int64_t pupil_id;
    char name[204];                 /* roll_display_name() */
    int year_group;                 /* rules_year_group(dob, today) */
    double weekly_hours;            /* at this provider, over its active placements */
    bool full_time;                 /* rules_full_time(weekly_hours, th) */
    bool looked_after;
    char plan[16];                  /* LABELS_PLAN */
};

/* The pupils with an active placement at the provider today, by surname.
 * *out is a malloc'd array of *n (NULL when none); the caller frees it with
 * free(). */
ap_status placement_provider_pupils(struct store *s, int64_t provider_id, int today, const struct thresholds *th,
                                    struct provider_pupil **out, size_t *n);

/* A pupil's week across every active placement today, against the minimum
 * for the year group (rules.h; the Welsh figures are the seed county's local
 * policy). */
struct pupil_hours {
    int placements;                 /* active placements today */
    double weekly_hours;
    int year_group;
    double min_hours;               /* 0: no minimum for this year group */
    bool reduced;                   /* rules_is_reduced */
};
ap_status placement_pupil_hours(struct store *s, int64_t pupil_id, int today, const struct thresholds *th,
                                struct pupil_hours *out);

#endif
