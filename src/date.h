#ifndef APTERM_DATE_H
#define APTERM_DATE_H

#include <stdbool.h>
#include <time.h>

/* Dates are whole days since 1970-01-01 (day 0), in the civil calendar with no
 * time zone: "a date" in apterm is always one of these ints. DATE_NONE marks
 * an absent date (no end date yet, never visited...). */
#define DATE_NONE (-1000000)

int date_from_ymd(int year, int month, int day);
void date_to_ymd(int date, int *year, int *month, int *day);
bool date_valid_ymd(int year, int month, int day);

/* 0 = Monday ... 6 = Sunday */
int date_weekday(int date);

/* Same day-of-month N months later (or earlier); the 31st becomes the last day
 * of a shorter month. */
int date_add_months(int date, int months);

/* 1 September of the academic year that holds date. */
int date_academic_year_start(int date);

/* Today in local time; APTERM_TODAY=YYYY-MM-DD overrides it (tests and
 * demonstrations run on a fixed clock). */
int date_today(void);

/* Seconds since local midnight, now; APTERM_NOW=HH:MM[:SS] starts this
 * process's clock at that time of day (it then runs on), as APTERM_TODAY
 * fixes the date. */
int date_now_secs(void);

/* "YYYY-MM-DD" into buf (at least 11 bytes); "" for DATE_NONE. Returns buf. */
char *date_format(int date, char *buf);

/* Parse what a user types: YYYY-MM-DD, "today", or an offset from today such
 * as +6w, -3d, +2m (days, weeks, months). Returns false on anything else,
 * including 2025-02-30. */
bool date_parse(const char *text, int today, int *out);

/* Strict YYYY-MM-DD only (for files and the command line). */
bool date_parse_iso(const char *text, int *out);

/* Milliseconds of the monotonic clock, for timers and pauses (never the
 * wall clock, which may jump). */
long long date_monotonic_ms(void);

/* A stamp as the store keeps it, UTC "YYYY-MM-DD HH:MM:SS", as a time_t;
 * false when it is not one. */
bool date_parse_utc_stamp(const char *utc, time_t *out);

#endif
