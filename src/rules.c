#include "rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "money.h"
#include "utf8.h"

/* Hours are typed to the minute at best; sums of them (6 x 3.0, 0.1 steps)
 * may miss a boundary by a rounding error, so compare with this slack. */
#define HOURS_EPS 0.001

/* ------------------------------------------------------------------ */
/* Reasons */

static void why_clear(char *why, size_t len)
{
    if (why && len)
        why[0] = '\0';
}

/* Append to why, after sep when it already holds a reason. */
__attribute__((format(printf, 4, 5)))
static void why_put(char *why, size_t len, const char *sep, const char *fmt, ...)
{
    if (!why || !len)
        return;
    size_t used = strlen(why);
    size_t n = strlen(sep);
    if (used && used + n < len) {
        memcpy(why + used, sep, n + 1);
        used += n;
    }
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + used, len - used, fmt, ap);
    va_end(ap);
}

/* Append to why after "; " (a reason more), or with no separator. */
#define why_add(why, len, ...) why_put(why, len, "; ", __VA_ARGS__)
#define why_cat(why, len, ...) why_put(why, len, "", __VA_ARGS__)

/* A number of hours or a percentage without trailing zeros: 18, 23.5,
 * 17.95. buf holds at least 32 bytes. */
static const char *num_str(double v, char *buf)
{
    snprintf(buf, 32, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    return buf;
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* ------------------------------------------------------------------ */
/* Flags and due dates */

const char *rules_flag_name(enum flag_level level)
{
    switch (level) {
    case FLAG_GREEN: return "green";
    case FLAG_AMBER: return "amber";
    case FLAG_RED: return "red";
    case FLAG_NONE: break;
    }
    return "";
}

bool rules_flag_raised(enum flag_level level)
{
    return level == FLAG_AMBER || level == FLAG_RED;
}

enum flag_level rules_flag_worst(enum flag_level a, enum flag_level b)
{
    return a > b ? a : b;
}

int rules_weeks_end(int start, int weeks)
{
    if (start == DATE_NONE)
        return DATE_NONE;
    return start + 7 * weeks - 1;
}

enum flag_level rules_due(const char *what, int due, int today, int soon_days,
                          char *why, size_t why_len)
{
    char d[11];
    why_clear(why, why_len);
    if (due == DATE_NONE)
        return FLAG_NONE;
    if (today > due) {
        why_add(why, why_len, "%s overdue since %s", what, date_format(due, d));
        return FLAG_RED;
    }
    int left = due - today;
    if (left == 0) {
        why_add(why, why_len, "%s due today", what);
        return FLAG_AMBER;
    }
    if (left <= soon_days) {
        why_add(why, why_len, "%s due on %s, in %d day%s", what,
                date_format(due, d), left, plural(left));
        return FLAG_AMBER;
    }
    return FLAG_NONE;
}

/* ------------------------------------------------------------------ */
/* Year groups */

static int academic_year_of(int date)
{
    int y, m, d;
    date_to_ymd(date_academic_year_start(date), &y, &m, &d);
    return y;
}

int rules_year_group(int dob, int on_date)
{
    if (dob == DATE_NONE || on_date == DATE_NONE)
        return RULES_NO_YEAR_GROUP;
    /* Born in the academic year starting 1 September B, a child turns 5 in
     * the one starting 1 September B + 5: Reception then. */
    return academic_year_of(on_date) - academic_year_of(dob) - 5;
}

char *rules_year_group_name(int year_group, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    const char *word = year_group == RULES_NO_YEAR_GROUP ? "?"
                       : year_group < 0                   ? "Nursery"
                       : year_group == 0                  ? "Reception"
                                                          : NULL;
    if (word)
        snprintf(buf, len, "%s", word);
    else
        snprintf(buf, len, "Year %d", year_group);
    return buf;
}

char *rules_year_group_short(int year_group, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    if (year_group == RULES_NO_YEAR_GROUP)
        snprintf(buf, len, "?");
    else if (year_group < 0)
        snprintf(buf, len, "N");
    else if (year_group == 0)
        snprintf(buf, len, "R");
    else
        snprintf(buf, len, "Y%d", year_group);
    return buf;
}

bool rules_year_band(int year_group, enum year_band *band)
{
    enum year_band b;
    if (year_group < 0 || year_group > 11)
        return false;
    if (year_group <= 2)
        b = BAND_RECEPTION_Y2;
    else if (year_group <= 6)
        b = BAND_Y3_Y6;
    else if (year_group <= 10)
        b = BAND_Y7_Y10;
    else
        b = BAND_Y11;
    if (band)
        *band = b;
    return true;
}

double rules_min_weekly_hours(int year_group, const struct thresholds *th)
{
    enum year_band band;
    if (!rules_year_band(year_group, &band))
        return 0.0;
    return th->min_weekly_hours[band];
}

/* ------------------------------------------------------------------ */
/* Attendance */

/* The code of value i of a labels table (db/labels.h) of at least n codes;
 * NULL outside them. */
static const char *name_of(const struct label *labels, unsigned n, unsigned i)
{
    return i < n ? labels[i].code : NULL;
}

/* The index of code text among the first n of a labels table; -1 when
 * absent (or NULL). */
static int name_find(const struct label *labels, int n, const char *text)
{
    for (int i = 0; text && i < n; i++)
        if (strcmp(text, labels[i].code) == 0)
            return i;
    return -1;
}

/* PREFIX_str and PREFIX_parse (rules.h) of an enum TYPE of COUNT values
 * whose names are the codes of LABELS, the labels table of the same column
 * (db/labels.h), which lists them in the enum's order: the same two
 * functions for each such enum, typed (which C offers no other way to
 * share). tests/unit/test_rules.c checks every name. */
#define NAMED_ENUM(prefix, type, labels, count)                                                                       \
    const char *prefix##_str(type value)                                                                              \
    {                                                                                                                 \
        return name_of(labels, count, (unsigned)value);                                                               \
    }                                                                                                                 \
    bool prefix##_parse(const char *text, type *out)                                                                  \
    {                                                                                                                 \
        int i = name_find(labels, count, text);                                                                       \
        if (i >= 0)                                                                                                   \
            *out = (type)i;                                                                                           \
        return i >= 0;                                                                                                \
    }

/* rules_category_str, rules_category_parse */
NAMED_ENUM(rules_category, enum code_category, LABELS_CODE_CATEGORY, CAT_COUNT)

bool rules_category_attending(enum code_category cat)
{
    return cat == CAT_PRESENT || cat == CAT_AEA;
}

bool rules_category_possible(enum code_category cat)
{
    return (unsigned)cat < CAT_COUNT && cat != CAT_NOT_COUNTED;
}

void rules_tally_add(struct attendance_tally *t, enum code_category cat)
{
    if ((unsigned)cat < CAT_COUNT)
        t->n[cat]++;
}

int rules_tally_attending(const struct attendance_tally *t)
{
    return t->n[CAT_PRESENT] + t->n[CAT_AEA];
}

int rules_tally_possible(const struct attendance_tally *t)
{
    return t->n[CAT_PRESENT] + t->n[CAT_AEA] + t->n[CAT_AUTHORISED] +
           t->n[CAT_UNAUTHORISED];
}

bool rules_attendance_pct(const struct attendance_tally *t, double *pct)
{
    int possible = rules_tally_possible(t);
    if (possible <= 0)
        return false;
    *pct = 100.0 * rules_tally_attending(t) / possible;
    return true;
}

enum flag_level rules_persistent_absence(const struct attendance_tally *t,
                                         const struct thresholds *th,
                                         char *why, size_t why_len)
{
    why_clear(why, why_len);
    int possible = rules_tally_possible(t);
    int attending = rules_tally_attending(t);
    if (possible <= 0)
        return FLAG_NONE;
    /* attending / possible < pct / 100, without dividing. */
    if ((double)attending * 100.0 >= th->persistent_absence_pct * possible)
        return FLAG_NONE;
    char n[32];
    why_add(why, why_len, "attendance %.1f %% is below %s %%",
            100.0 * attending / possible, num_str(th->persistent_absence_pct, n));
    return FLAG_AMBER;
}

enum flag_level rules_unauthorised_run(const struct rules_mark *marks, size_t n,
                                       const struct thresholds *th,
                                       struct rules_run *run,
                                       char *why, size_t why_len)
{
    struct rules_run r = {0, 0, DATE_NONE};
    why_clear(why, why_len);

    /* Walk back from the latest session to the first that ends the run. */
    size_t i = n;
    int last_date = DATE_NONE;
    while (i > 0) {
        const struct rules_mark *m = &marks[i - 1];
        if (m->cat == CAT_NOT_COUNTED) {
            i--;
            continue;
        }
        if (m->cat != CAT_UNAUTHORISED)
            break;
        r.sessions++;
        if (m->date != last_date) {
            r.days++;
            last_date = m->date;
        }
        r.first = m->date;
        i--;
    }
    /* A run that begins part-way through a day (after a counted session
     * that was not unauthorised) does not make that day one of absence. */
    if (r.sessions > 0 && i > 0 && marks[i - 1].date == r.first)
        r.days--;
    if (run)
        *run = r;

    char d[11];
    if (th->unauth_red_days > 0 && r.days >= th->unauth_red_days) {
        why_add(why, why_len,
                "unauthorised absence for %d school days in a row (%d sessions) since %s",
                r.days, r.sessions, date_format(r.first, d));
        return FLAG_RED;
    }
    if (th->unauth_amber_sessions > 0 && r.sessions >= th->unauth_amber_sessions) {
        why_add(why, why_len, "%d unauthorised sessions in a row since %s",
                r.sessions, date_format(r.first, d));
        return FLAG_AMBER;
    }
    return FLAG_NONE;
}

/* ------------------------------------------------------------------ */
/* Registration */

bool rules_full_time(double weekly_hours, const struct thresholds *th)
{
    return weekly_hours + HOURS_EPS >= th->fulltime_hours;
}

enum flag_level rules_registration(bool registered_school,
                                   const struct rules_reg_pupil *pupils, size_t n,
                                   const struct thresholds *th,
                                   char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (registered_school)
        return FLAG_NONE;
    int full = 0, cla = 0, plan = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rules_full_time(pupils[i].weekly_hours, th))
            continue;
        full++;
        cla += pupils[i].looked_after;
        plan += pupils[i].ehcp_or_idp;
    }
    bool many = th->registration_pupils > 0 && full >= th->registration_pupils;
    if (!many && cla == 0 && plan == 0)
        return FLAG_NONE;
    char h[32];
    why_add(why, why_len, "unregistered, %d pupil%s at %s h/week or more", full,
            plural(full), num_str(th->fulltime_hours, h));
    if (cla)
        why_cat(why, why_len, ", %d looked after", cla);
    if (plan)
        why_cat(why, why_len, ", %d with an EHCP/IDP", plan);
    why_cat(why, why_len, ": must be a registered school");
    return FLAG_RED;
}

/* ------------------------------------------------------------------ */
/* Insurance */

static void cover_check(const char *name, int64_t amount, int64_t minimum,
                        char *why, size_t why_len, enum flag_level *level)
{
    char a[MONEY_LEN], m[MONEY_LEN];
    if (minimum <= 0)
        return;
    if (amount <= 0)
        why_add(why, why_len, "no %s cover recorded (minimum %s)", name,
                money_format_short(minimum, m, sizeof m));
    else if (amount < minimum)
        why_add(why, why_len, "%s %s is below the %s minimum", name,
                money_format_short(amount, a, sizeof a),
                money_format_short(minimum, m, sizeof m));
    else
        return;
    *level = FLAG_AMBER;
}

enum flag_level rules_insurance(const struct rules_insurance *ins,
                                const struct thresholds *th,
                                char *why, size_t why_len)
{
    enum flag_level level = FLAG_NONE;
    why_clear(why, why_len);
    cover_check("public liability", ins->public_liability,
                th->public_liability_min, why, why_len, &level);
    cover_check("employer's liability", ins->employers_liability,
                th->employers_liability_min, why, why_len, &level);
    cover_check("professional indemnity", ins->professional_indemnity,
                th->professional_indemnity_min, why, why_len, &level);
    if (!ins->motor) {
        why_add(why, why_len, "no motor vehicle cover");
        level = FLAG_AMBER;
    }
    if (!ins->subcontractor) {
        why_add(why, why_len, "no subcontractor liability cover");
        level = FLAG_AMBER;
    }
    return level;
}

/* ------------------------------------------------------------------ */
/* Provider QA */

/* The latest counted visit of a stage found the provider Unsatisfactory:
 * red until a later visit, which is due th->qa_followup_days after it. */
static enum flag_level qa_followup(const char *stage, int last, int today,
                                   const struct thresholds *th, int *due,
                                   char *why, size_t why_len)
{
    char a[11], b[11];
    int d = last + th->qa_followup_days;
    if (due)
        *due = d;
    why_add(why, why_len, "%s visit of %s found Unsatisfactory: follow-up visit %s %s",
            stage, date_format(last, a), today > d ? "overdue since" : "due by",
            date_format(d, b));
    return FLAG_RED;
}

bool rules_state_maintained(const char *registration)
{
    return strcmp(registration, "maintained_school") == 0 || strcmp(registration, "pru") == 0 ||
           strcmp(registration, "academy") == 0;
}

enum flag_level rules_qa_stage1(int last_stage1, bool unsatisfactory, int today,
                                const struct thresholds *th, int *due,
                                char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (last_stage1 != DATE_NONE && unsatisfactory)
        return qa_followup("Stage 1", last_stage1, today, th, due, why, why_len);
    if (last_stage1 == DATE_NONE) {
        if (due)
            *due = today;
        why_add(why, why_len, "no Stage 1 visit recorded: due now");
        return FLAG_RED;
    }
    int d = date_add_months(last_stage1, th->qa_stage1_months);
    if (due)
        *due = d;
    return rules_due("Stage 1 visit", d, today, th->due_soon_days, why, why_len);
}

enum flag_level rules_qa_stage2(int last_stage2, bool unsatisfactory, int since,
                                int concern_date, int today,
                                const struct thresholds *th, int *due,
                                char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (last_stage2 != DATE_NONE && unsatisfactory)
        return qa_followup("Stage 2", last_stage2, today, th, due, why, why_len);
    int base = last_stage2 != DATE_NONE ? last_stage2 : since;
    int d = base == DATE_NONE ? today : date_add_months(base, th->qa_stage2_months);
    bool by_concern = false;
    if (concern_date != DATE_NONE &&
        (last_stage2 == DATE_NONE || concern_date > last_stage2)) {
        int c = concern_date + th->qa_stage2_after_concern_days;
        if (c < d) {
            d = c;
            by_concern = true;
        }
    }
    if (due)
        *due = d;
    if (base == DATE_NONE && !by_concern) {
        why_add(why, why_len, "no Stage 2 visit recorded: due now");
        return FLAG_AMBER;
    }
    enum flag_level level =
        rules_due("Stage 2 visit", d, today, th->due_soon_days, why, why_len);
    if (level != FLAG_NONE && by_concern) {
        char c[11];
        why_cat(why, why_len, " (after the concern of %s)",
                date_format(concern_date, c));
    }
    return level;
}

enum flag_level rules_monitoring(int last_visit, int since, int sessions_since,
                                 int visits_this_term, int term_start, int today,
                                 const struct thresholds *th, int *due,
                                 char *why, size_t why_len)
{
    enum flag_level level = FLAG_NONE;
    int d = DATE_NONE;
    char a[11], b[11];
    why_clear(why, why_len);

    if (th->monitoring_days > 0) {
        int base = last_visit != DATE_NONE ? last_visit : since;
        d = base == DATE_NONE ? today : base + th->monitoring_days;
        if (today >= d) {
            /* Due today amber; overdue red, as the QA pane's legend says. */
            level = today > d ? FLAG_RED : FLAG_AMBER;
            if (base == DATE_NONE)
                why_add(why, why_len, "no monitoring visit recorded");
            else if (today == d)
                why_add(why, why_len, "monitoring visit due today");
            else
                why_add(why, why_len, "monitoring visit overdue since %s",
                        date_format(d, a));
            if (last_visit != DATE_NONE)
                why_cat(why, why_len, " (last visit %s)", date_format(last_visit, b));
            else if (since != DATE_NONE)
                why_cat(why, why_len, " (no visit since placements began on %s)",
                        date_format(since, b));
        }
    }
    if (th->monitoring_sessions > 0 && sessions_since >= th->monitoring_sessions) {
        level = rules_flag_worst(level, FLAG_AMBER);
        d = today;
        why_add(why, why_len,
                "a learner has attended %d of their own sessions since the last visit (a visit every %d)",
                sessions_since, th->monitoring_sessions);
    }
    int grace = th->monitoring_days > 0 ? th->monitoring_days : 0;
    if (th->visit_per_term > 0 && term_start != DATE_NONE &&
        visits_this_term < th->visit_per_term && today >= term_start + grace) {
        level = rules_flag_worst(level, FLAG_AMBER);
        if (visits_this_term <= 0)
            why_add(why, why_len, "no visit this term (term began %s)",
                    date_format(term_start, a));
        else
            why_add(why, why_len, "%d visit%s this term, at least %d needed (term began %s)",
                    visits_this_term, plural(visits_this_term), th->visit_per_term,
                    date_format(term_start, a));
    }
    if (due)
        *due = d;
    return level;
}

/* ------------------------------------------------------------------ */
/* Safeguarding declaration and DBS */

static void renewal_check(const char *what, int date, int today,
                          const struct thresholds *th, char *why, size_t why_len,
                          enum flag_level *level)
{
    char a[11], b[11];
    if (date == DATE_NONE) {
        why_add(why, why_len, "no %s recorded", what);
        *level = FLAG_AMBER;
        return;
    }
    int expiry = date_add_months(date, 12 * th->declaration_years);
    if (today > expiry) {
        why_add(why, why_len, "%s is over %d year%s old (dated %s)", what,
                th->declaration_years, plural(th->declaration_years),
                date_format(date, a));
        *level = FLAG_AMBER;
    } else if (expiry - today <= th->due_soon_days) {
        if (expiry == today)
            why_add(why, why_len, "%s renewal due today (dated %s)", what,
                    date_format(date, a));
        else
            why_add(why, why_len, "%s renewal due on %s (dated %s)", what,
                    date_format(expiry, b), date_format(date, a));
        *level = FLAG_AMBER;
    }
}

enum flag_level rules_safeguarding(int declaration_date, int dbs_date, int today,
                                   const struct thresholds *th,
                                   char *why, size_t why_len)
{
    enum flag_level level = FLAG_NONE;
    why_clear(why, why_len);
    renewal_check("safeguarding declaration", declaration_date, today, th, why,
                  why_len, &level);
    renewal_check("enhanced DBS check", dbs_date, today, th, why, why_len, &level);
    return level;
}

/* ------------------------------------------------------------------ */
/* PSP */

enum flag_level rules_psp_review(int last_review, int meeting_date, int today,
                                 const struct thresholds *th, int *due,
                                 char *why, size_t why_len)
{
    why_clear(why, why_len);
    int base = last_review != DATE_NONE ? last_review : meeting_date;
    if (base == DATE_NONE) {
        if (due)
            *due = DATE_NONE;
        why_add(why, why_len, "no PSP meeting or review date recorded");
        return FLAG_AMBER;
    }
    int d = base + 7 * th->psp_review_weeks;
    if (due)
        *due = d;
    return rules_due("PSP review", d, today, th->psp_review_amber_days, why, why_len);
}

enum flag_level rules_psp_end(int start, int end_date, bool ceased, int today,
                              const struct thresholds *th, int *end,
                              char *why, size_t why_len)
{
    why_clear(why, why_len);
    int e = end_date != DATE_NONE ? end_date
                                  : rules_weeks_end(start, th->psp_length_weeks);
    if (end)
        *end = e;
    if (e == DATE_NONE || ceased || today <= e)
        return FLAG_NONE;
    char d[11];
    why_add(why, why_len, "PSP past its end date %s without a ceasing review",
            date_format(e, d));
    return FLAG_AMBER;
}

/* ------------------------------------------------------------------ */
/* Reduced timetable */

bool rules_is_reduced(double weekly_hours, int year_group,
                      const struct thresholds *th)
{
    double min = rules_min_weekly_hours(year_group, th);
    return min > 0.0 && weekly_hours + HOURS_EPS < min;
}

enum flag_level rules_reduced_timetable(const struct rules_rtt *r, int today,
                                        const struct thresholds *th,
                                        char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (!rules_is_reduced(r->weekly_hours, r->year_group, th))
        return FLAG_NONE;

    char h[32], m[32], y[16], d[11], e[11];
    /* The reasons follow the head, after ": "; keep them apart to join. */
    char reasons[RULES_WHY_LEN] = "";
    enum flag_level level = FLAG_GREEN;

    const struct {
        bool red;
        const char *reason;
    } reds[] = {
        {!r->has_psp && !r->medical_ihp, "no PSP"},
        {r->end == DATE_NONE, "no end date"},
        {!r->exit_plan, "no exit plan"},
        {r->single_agency, "single-agency plan (no other professional's agreement recorded)"},
        {r->safeguarding_concern, "safeguarding concern ticked on the PSP"},
        {r->looked_after, "a child looked after"},
    };
    for (size_t i = 0; i < sizeof reds / sizeof reds[0]; i++)
        if (reds[i].red) {
            why_add(reasons, sizeof reasons, "%s", reds[i].reason);
            level = FLAG_RED;
        }
    if (r->concern) {
        char c[11];
        why_add(reasons, sizeof reasons, "safeguarding concern recorded on %s", date_format(r->concern_date, c));
        level = FLAG_RED;
    }
    if (r->attendance_known && r->attendance_pct + 1e-9 < th->rtt_attendance_red_pct) {
        char a[32], t[32];
        why_add(reasons, sizeof reasons, "not attending: %s %% this term, below %s %%",
                num_str(r->attendance_pct, a), num_str(th->rtt_attendance_red_pct, t));
        level = FLAG_RED;
    }
    bool over = false;
    if (r->start != DATE_NONE) {
        int last = r->end != DATE_NONE && r->end > today ? r->end : today;
        over = last > rules_weeks_end(r->start, th->reduced_timetable_weeks);
    }
    if (over && !r->authorised) {
        why_add(reasons, sizeof reasons,
                "over %d weeks (from %s) without the Director's authorisation",
                th->reduced_timetable_weeks, date_format(r->start, d));
        level = rules_flag_worst(level, FLAG_AMBER);
    }
    if (r->end != DATE_NONE && today > r->end) {
        why_add(reasons, sizeof reasons, "still running after its provisional end date %s",
                date_format(r->end, e));
        level = rules_flag_worst(level, FLAG_AMBER);
    }
    if (r->no_parent_agreement) {
        why_add(reasons, sizeof reasons, "no parent/carer agreement recorded");
        level = rules_flag_worst(level, FLAG_AMBER);
    }
    if (r->psp_hours_per_day > 0 && r->timetable_hours_per_day > 0 &&
        fabs(r->psp_hours_per_day - r->timetable_hours_per_day) > RULES_HOURS_PER_DAY_TOLERANCE + HOURS_EPS) {
        char p[32], t[32];
        why_add(reasons, sizeof reasons, "the PSP says %s h a day, the timetable gives %s h a day",
                num_str(r->psp_hours_per_day, p), num_str(r->timetable_hours_per_day, t));
        level = rules_flag_worst(level, FLAG_AMBER);
    }
    if (r->has_psp) {
        /* The indicators only the PSP records (seed 003 Appendix 2): amber
         * for each that fails, as a green indicator not met. */
        int review = r->start != DATE_NONE ? r->start + 7 * th->psp_review_weeks : DATE_NONE;
        bool reviewed = review != DATE_NONE && today >= review;
        char s1[32], s2[32], w[11];
        if (r->progression == RULES_PROGRESS_LITTLE) {
            why_add(reasons, sizeof reasons, "little or no progression");
            level = rules_flag_worst(level, FLAG_AMBER);
        } else if (r->progression == RULES_PROGRESS_UNKNOWN && reviewed) {
            why_add(reasons, sizeof reasons, "progression not recorded %d weeks on", th->psp_review_weeks);
            level = rules_flag_worst(level, FLAG_AMBER);
        }
        double now = r->timetable_hours_per_day > 0 ? r->timetable_hours_per_day
                     : r->psp_hours_per_day > 0     ? r->psp_hours_per_day
                                                    : r->weekly_hours / 5;
        if (r->start_hours_per_day <= 0) {
            why_add(reasons, sizeof reasons, "hours a day at the start not recorded");
            level = rules_flag_worst(level, FLAG_AMBER);
        } else if (reviewed && now > 0 && now <= r->start_hours_per_day + HOURS_EPS) {
            why_add(reasons, sizeof reasons, "no increase in hours: %s h a day at the start, %s h now",
                    num_str(r->start_hours_per_day, s1), num_str(now, s2));
            level = rules_flag_worst(level, FLAG_AMBER);
        }
        if (!r->la_told) {
            why_add(reasons, sizeof reasons, "the LA's safeguarding officer not told");
            level = rules_flag_worst(level, FLAG_AMBER);
        }
        if (!r->risk_assessed) {
            why_add(reasons, sizeof reasons, "no risk assessment recorded");
            level = rules_flag_worst(level, FLAG_AMBER);
        } else if (today > r->risk_assessed_on + 7 * th->psp_review_weeks) {
            why_add(reasons, sizeof reasons, "risk assessment last reviewed on %s, over %d weeks ago",
                    date_format(r->risk_assessed_on, w), th->psp_review_weeks);
            level = rules_flag_worst(level, FLAG_AMBER);
        }
    }
    if (level == FLAG_GREEN) {
        why_add(reasons, sizeof reasons, "%s, end date and exit plan in place",
                r->has_psp ? "PSP" : "health care plan");
        if (over)
            why_cat(reasons, sizeof reasons, "; over %d weeks, authorised",
                    th->reduced_timetable_weeks);
    }
    why_add(why, why_len, "reduced timetable, %s h of the %s h/week local minimum for %s: %s",
            num_str(r->weekly_hours, h),
            num_str(rules_min_weekly_hours(r->year_group, th), m),
            rules_year_group_name(r->year_group, y, sizeof y), reasons);
    return level;
}

/* ------------------------------------------------------------------ */
/* Costs and quotations */

/* rules_basis_str, rules_basis_parse */
NAMED_ENUM(rules_basis, enum cost_basis, LABELS_COST_BASIS, BASIS_COUNT)

int64_t rules_annual_amount(enum cost_basis basis, int64_t amount,
                            int sessions_per_week, int days_per_week,
                            int weeks_per_year)
{
    switch (basis) {
    case BASIS_SESSION: return amount * sessions_per_week * weeks_per_year;
    case BASIS_DAY: return amount * days_per_week * weeks_per_year;
    case BASIS_WEEK: return amount * weeks_per_year;
    case BASIS_YEAR: return amount;
    case BASIS_COUNT: break;
    }
    return 0;
}

int64_t rules_annual_cost(const struct rules_cost *c, int weeks_per_year)
{
    int64_t total = rules_annual_amount(c->basis, c->rate, c->sessions_per_week,
                                        c->days_per_week, weeks_per_year);
    if (c->transport > 0)
        total += rules_annual_amount(c->transport_basis, c->transport,
                                     c->sessions_per_week, c->days_per_week,
                                     weeks_per_year);
    return total;
}

enum flag_level rules_quotes(int64_t annual_cost, int quotes,
                             const struct thresholds *th,
                             char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (th->quote_threshold <= 0)
        return FLAG_NONE;
    char c[MONEY_LEN], t[MONEY_LEN];
    if (annual_cost >= th->quote_threshold) {
        why_add(why, why_len,
                "annual cost %s is at or over %s: procurement route 1 (quotations) does not apply, "
                "another procurement route is needed",
                money_format(annual_cost, c, sizeof c),
                money_format_short(th->quote_threshold, t, sizeof t));
        return FLAG_AMBER;
    }
    if (quotes >= th->quotes_required)
        return FLAG_NONE;
    why_add(why, why_len, "annual cost %s is under %s: %d quotations needed, %d received",
            money_format(annual_cost, c, sizeof c),
            money_format_short(th->quote_threshold, t, sizeof t),
            th->quotes_required, quotes);
    return FLAG_AMBER;
}

enum flag_level rules_quotations(const struct rules_quote *q, size_t n,
                                 const struct thresholds *th,
                                 struct rules_quote_pick *out,
                                 char *why, size_t why_len)
{
    struct rules_quote_pick r = {.pick = -1};
    char reasons[RULES_WHY_LEN] = "", not_counted[RULES_WHY_LEN] = "";
    enum flag_level level = FLAG_NONE;
    why_clear(why, why_len);
    for (size_t i = 0; i < n; i++) {
        bool unsafe = q[i].suspended || q[i].safeguarding_no;
        if (q[i].chosen) {
            r.pick = (int)i;
            r.chosen = true;
            r.unsafe_pick = unsafe;
            r.reasoned = unsafe && q[i].recommend_reason && !utf8_blank(q[i].recommend_reason);
        }
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = q[k].provider_id == q[i].provider_id;
        if (unsafe) {
            why_add(not_counted, sizeof not_counted, "%s is %s", q[i].provider,
                    q[i].suspended ? "suspended" : "red-flagged (an open safeguarding No)");
        } else if (seen) {
            why_add(not_counted, sizeof not_counted, "%s quoted more than once", q[i].provider);
        } else {
            r.counted++;
        }
    }
    if (!r.chosen)
        for (size_t i = 0; i < n; i++)
            if (!q[i].suspended && !q[i].safeguarding_no && (r.pick < 0 || q[i].annual < q[r.pick].annual))
                r.pick = (int)i;
    if (n > 0 && r.pick < 0) {
        why_add(reasons, sizeof reasons, "no quotation is from a provider that may be recommended");
        level = FLAG_RED;
    }
    if (r.unsafe_pick) {
        const struct rules_quote *p = &q[r.pick];
        const char *state = p->suspended ? "suspended" : "red-flagged (a safeguarding item answered No, not yet Yes)";
        if (r.reasoned) {
            why_add(reasons, sizeof reasons, "the recommended provider %s is %s: recommended for the reason recorded: "
                    "\"%s\"", p->provider, state, p->recommend_reason);
            level = rules_flag_worst(level, FLAG_AMBER);
        } else {
            why_add(reasons, sizeof reasons, "the recommended provider %s is %s: it cannot be recommended",
                    p->provider, state);
            level = FLAG_RED;
        }
    }
    if (r.pick >= 0) {
        char rule[RULES_WHY_LEN];
        enum flag_level l = rules_quotes(q[r.pick].annual, r.counted, th, rule, sizeof rule);
        if (rules_flag_raised(l)) {
            why_add(reasons, sizeof reasons, "%s (%s quote: %s)", rule, r.chosen ? "chosen" : "cheapest",
                    q[r.pick].provider);
            if (not_counted[0] && q[r.pick].annual < th->quote_threshold)
                why_cat(reasons, sizeof reasons, "; not counted: %s", not_counted);
            level = rules_flag_worst(level, l);
        }
    }
    why_add(why, why_len, "%s", reasons);
    if (out)
        *out = r;
    return level;
}

/* ------------------------------------------------------------------ */
/* KS1-3 intervention placements */

enum flag_level rules_intervention(int start, int end, int today,
                                   const struct thresholds *th,
                                   char *why, size_t why_len)
{
    why_clear(why, why_len);
    if (start == DATE_NONE || th->intervention_weeks <= 0)
        return FLAG_NONE;
    int planned = rules_weeks_end(start, th->intervention_weeks);
    int last = end != DATE_NONE ? end : today;
    if (last <= planned)
        return FLAG_NONE;
    char p[11], e[11];
    if (end != DATE_NONE)
        why_add(why, why_len,
                "intervention placement ends on %s, after its %d weeks (to %s)",
                date_format(end, e), th->intervention_weeks, date_format(planned, p));
    else
        why_add(why, why_len,
                "intervention placement running past its %d weeks (to %s)",
                th->intervention_weeks, date_format(planned, p));
    return FLAG_AMBER;
}

/* ------------------------------------------------------------------ */
/* Weekly tracking areas */

unsigned rules_tracking_areas(int year_group, const struct thresholds *th)
{
    if (year_group != RULES_NO_YEAR_GROUP && year_group < th->qualifications_year)
        return RULES_AREAS_ALL & ~(1u << RULES_AREA_QUALIFICATIONS);
    return RULES_AREAS_ALL;
}

unsigned rules_tracking_areas_for(int year_group, const unsigned *purposes, size_t n,
                                  const struct thresholds *th)
{
    unsigned areas = n ? 0u : rules_tracking_areas(year_group, th);
    for (size_t i = 0; i < n; i++)
        areas |= purposes[i] ? purposes[i] & RULES_AREAS_ALL : rules_tracking_areas(year_group, th);
    if (year_group != RULES_NO_YEAR_GROUP && year_group < RULES_QUALIFICATIONS_EARLIEST_YEAR)
        areas &= ~(1u << RULES_AREA_QUALIFICATIONS);
    if (!areas)
        areas = 1u; /* attendance: a purpose of the qualification pathway alone, too young for it */
    return areas;
}
