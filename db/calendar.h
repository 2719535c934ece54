#ifndef APTERM_CALENDAR_H
#define APTERM_CALENDAR_H

/* The local authority's calendar as the store holds it: terms and closure
 * days. A school day is a weekday inside a term that is not a closure day.
 * Every "school day", "session" and "week" in the rules comes from here. */

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "store.h"

struct term_info {
    char academic_year[8]; /* "2026/27" */
    char name[8];          /* autumn, spring, summer */
    int start, end;        /* dates */
};

/* The calendar loaded into memory (a few dozen rows): read once, ask often. */
struct calendar {
    struct term_info *terms;
    size_t nterms;
    int *closures;         /* sorted dates */
    size_t nclosures;
};

ap_status calendar_load(struct store *s, struct calendar *cal);
void calendar_free(struct calendar *cal);

bool calendar_is_school_day(const struct calendar *cal, int date);
/* The term holding date, else the latest term that ended before it; NULL when none. */
const struct term_info *calendar_term_for(const struct calendar *cal, int date);
/* From the store, without loading the calendar: the latest term begun on
 * or before date into *t (its dates DATE_NONE and its names "" when there is
 * none). *found: there is one and it has both dates. */
ap_status calendar_term_begun(struct store *s, int date, struct term_info *t, bool *found);
/* The term the rules count in on today: calendar_term_begun's; when there is
 * none (no calendar loaded), the academic year so far stands in for it -
 * *found false, t->start the year's first day and t->end today. */
ap_status calendar_term_or_year(struct store *s, int today, struct term_info *t, bool *found);
/* The school day on or before / after date within `limit` days; DATE_NONE when none. */
int calendar_school_day_on_or_before(const struct calendar *cal, int date, int limit);
int calendar_school_day_on_or_after(const struct calendar *cal, int date, int limit);
/* School days in [from, to]. */
int calendar_school_days_between(const struct calendar *cal, int from, int to);

/* Replaces the store's terms and closure days with those of two CSV texts in
 * the shipped formats (data/terms.csv, data/closures.csv), in one transaction:
 * any bad line rejects both files, naming the file and line. */
ap_status calendar_replace(struct store *s, const char *terms_name, const char *terms_csv,
                           const char *closures_name, const char *closures_csv);

#endif
