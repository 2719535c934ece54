#include "config.h"
#include "labels.h"
#include "utf8.h"

#include <errno.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* apterm.ini: read with iniparser 4.1, but first checked line by line here,
 * because iniparser fails a whole file on a BOM or a long line with a bare
 * message on stderr, silently keeps the last of two equal keys, and its
 * getint/getdouble/getboolean crash on a key that names a section
 * (CVE-2023-33461) or read "010" as 8. So every value is read with
 * iniparser_getstring and converted here, under no locale. */

#define MAX_LINE 1000            /* bytes; iniparser's own limit is 1,022 */
#define MAX_FILE (256 * 1024)    /* a real apterm.ini is a few kilobytes */
#define SHOW_VALUE 80            /* bytes of a bad value quoted in a message */

enum kind {
    K_PATH,   /* a file path, "~/" expanded */
    K_GROUP,  /* a Unix group name or "" */
    K_REGION, /* wales | england */
    K_TIME,   /* HH:MM -> minutes after midnight */
    K_BOOL,   /* yes/no/true/false/on/off/1/0 */
    K_TEXT,   /* UTF-8 text, not empty */
    K_INT,    /* a whole number in [min, max] */
    K_HOURS,  /* hours a week: above 0, at most max */
    K_PCT,    /* a percentage: above 0, at most 100 */
    K_MONEY,  /* pounds in the file, pence in the struct; above 0, at most max */
    K_WORDS5, /* five words or phrases, commas between: what the ratings 1 to 5 mean */
    K_CENSUS, /* an AP census code list, "CODE words, ..." (labels_census_check), or "" */
};

struct spec {
    const char *section;
    const char *key;
    enum kind kind;
    size_t off;        /* offset in struct apterm_config */
    size_t size;       /* of the field (the array size for text) */
    long min, max;     /* K_INT; K_HOURS and K_MONEY use max only */
    const char *unit;  /* K_INT: "months", ... */
    const char *note;  /* K_INT: what the lowest value means ("off"), or NULL */
    double def;        /* [rules]: the default (thresholds_default), in the file's units (pounds) */
};

#define FIELD(m) offsetof(struct apterm_config, m), sizeof(((struct apterm_config *)0)->m)
#define RULE_INT(k, m, lo, hi, unit, note, def) \
    { "rules", k, K_INT, FIELD(th.m), lo, hi, unit, note, def }
#define RULE(k, kind, m, hi, def) { "rules", k, kind, FIELD(th.m), 0, hi, NULL, NULL, def }

#define MAX_HOURS 60          /* hours a week */
#define MAX_POUNDS 1000000000 /* £1bn */

static const struct spec specs[] = {
    { "store", "path", K_PATH, FIELD(store_path), 0, 0, NULL, NULL, 0 },
    { "store", "group", K_GROUP, FIELD(store_group), 0, 0, NULL, NULL, 0 },
    { "attendance", "region", K_REGION, FIELD(region), 0, 0, NULL, NULL, 0 },
    { "attendance", "close_am", K_TIME, FIELD(close_am_minutes), 0, 0, NULL, NULL, 0 },
    { "attendance", "close_pm", K_TIME, FIELD(close_pm_minutes), 0, 0, NULL, NULL, 0 },
    { "display", "colour", K_BOOL, FIELD(colour), 0, 0, NULL, NULL, 0 },
    { "display", "rating_words", K_WORDS5, FIELD(rating_words), 0, 0, NULL, NULL, 0 },
    { "exports", "organisation", K_TEXT, FIELD(organisation), 0, 0, NULL, NULL, 0 },
    { "backup", "keep", K_INT, FIELD(backup_keep), 1, 1000, "backups", NULL, 0 },
    { "retention", "years", K_INT, FIELD(retention_years), 6, 100, "years", NULL, 0 },
    { "census", "reasons", K_CENSUS, FIELD(census_reasons), 0, 0, NULL, NULL, 0 },

    /* Each with its default: DOMAIN.md's rules table (money in pounds). */
    RULE("fulltime_hours", K_HOURS, fulltime_hours, MAX_HOURS, 18.0),
    RULE_INT("registration_pupils", registration_pupils, 1, 100, "pupils", NULL, 5),
    RULE("public_liability_min", K_MONEY, public_liability_min, MAX_POUNDS, 5000000),
    RULE("employers_liability_min", K_MONEY, employers_liability_min, MAX_POUNDS, 10000000),
    RULE("professional_indemnity_min", K_MONEY, professional_indemnity_min, MAX_POUNDS, 2000000),
    RULE_INT("qa_stage1_months", qa_stage1_months, 1, 120, "months", NULL, 12),
    RULE_INT("qa_stage2_months", qa_stage2_months, 1, 120, "months", NULL, 24),
    RULE_INT("qa_stage2_after_concern_days", qa_stage2_after_concern_days, 1, 365, "days", NULL, 30),
    RULE_INT("qa_followup_days", qa_followup_days, 1, 365, "days", NULL, 28),
    RULE_INT("monitoring_days", monitoring_days, 1, 365, "days", NULL, 31),
    RULE_INT("monitoring_sessions", monitoring_sessions, 1, 400, "sessions", NULL, 10),
    RULE_INT("visit_per_term", visit_per_term, 0, 20, "visits a term", "off", 1),
    RULE_INT("due_soon_days", due_soon_days, 0, 365, "days", "no early warning", 28),
    RULE_INT("declaration_years", declaration_years, 1, 10, "years", NULL, 3),
    RULE_INT("psp_review_weeks", psp_review_weeks, 1, 52, "weeks", NULL, 6),
    RULE_INT("psp_review_amber_days", psp_review_amber_days, 0, 90, "days", "no early warning", 7),
    RULE_INT("psp_length_weeks", psp_length_weeks, 1, 104, "weeks", NULL, 16),
    /* The seed Welsh county's local policy, not national law. */
    RULE("min_hours_reception_y2", K_HOURS, min_weekly_hours[BAND_RECEPTION_Y2], MAX_HOURS, 21.0),
    RULE("min_hours_y3_y6", K_HOURS, min_weekly_hours[BAND_Y3_Y6], MAX_HOURS, 23.5),
    RULE("min_hours_y7_y10", K_HOURS, min_weekly_hours[BAND_Y7_Y10], MAX_HOURS, 24.0),
    RULE("min_hours_y11", K_HOURS, min_weekly_hours[BAND_Y11], MAX_HOURS, 25.0),
    RULE_INT("reduced_timetable_weeks", reduced_timetable_weeks, 1, 104, "weeks", NULL, 12),
    RULE("rtt_attendance_red_pct", K_PCT, rtt_attendance_red_pct, 100, 50.0),
    RULE("quote_threshold", K_MONEY, quote_threshold, MAX_POUNDS, 25000),
    RULE_INT("quotes_required", quotes_required, 1, 20, "quotations", NULL, 3),
    RULE_INT("intervention_weeks", intervention_weeks, 1, 104, "weeks", NULL, 16),
    RULE_INT("qualifications_year", qualifications_year, 0, 14, "year group", NULL, 10),
    RULE("persistent_absence_pct", K_PCT, persistent_absence_pct, 100, 90.0),
    RULE_INT("unauth_amber_sessions", unauth_amber_sessions, 1, 100, "sessions", NULL, 3),
    RULE_INT("unauth_red_days", unauth_red_days, 1, 100, "school days", NULL, 10),
};

#define NSPECS (sizeof specs / sizeof specs[0])

static const char *const sections[] = { "store", "attendance", "display", "exports", "backup", "retention", "census",
                                        "rules" };
#define NSECTIONS (sizeof sections / sizeof sections[0])

/* ---------------------------------------------------------------- defaults */

void thresholds_default(struct thresholds *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < NSPECS; i++) {
        const struct spec *s = &specs[i];
        if (strcmp(s->section, "rules") != 0)
            continue;
        /* s->off is in struct apterm_config, whose member th is a struct thresholds. */
        void *at = (char *)t + (s->off - offsetof(struct apterm_config, th));
        if (s->kind == K_INT)
            *(int *)at = (int)s->def;
        else if (s->kind == K_MONEY)
            *(int64_t *)at = (int64_t)s->def * 100;
        else
            *(double *)at = s->def;
    }
}

void config_default(struct apterm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->source[0] = '\0';
    memcpy(cfg->store_path, "apterm.db", sizeof "apterm.db");
    cfg->store_group[0] = '\0';
    cfg->region = REGION_WALES;
    cfg->close_am_minutes = 9 * 60 + 30;
    cfg->close_pm_minutes = 13 * 60 + 45;
    cfg->colour = true;
    memcpy(cfg->organisation, "Alternative Provision Team", sizeof "Alternative Provision Team");
    snprintf(cfg->rating_words, sizeof cfg->rating_words, "%s", CONFIG_RATING_WORDS);
    cfg->backup_keep = 14;
    cfg->retention_years = 6;
    thresholds_default(&cfg->th);
}

const char *config_region_name(enum region r)
{
    switch (r) {
    case REGION_WALES:
        return "wales";
    case REGION_ENGLAND:
        return "england";
    }
    return "unknown";
}

/* ------------------------------------------------------------- helpers */

static void *field(struct apterm_config *cfg, const struct spec *s)
{
    return (char *)cfg + s->off;
}

static const void *cfield(const struct apterm_config *cfg, const struct spec *s)
{
    return (const char *)cfg + s->off;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* A decimal without the locale: "23.5" -> 23.5 whatever LC_NUMERIC says.
 * Up to 15 digits, so the one division below rounds correctly. */
static bool parse_decimal(const char *s, double *out)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    bool neg = false, point = false;
    uint64_t mant = 0;
    int digits = 0, frac = 0;

    if (*s == '-') {
        neg = true;
        s++;
    }
    for (; *s; s++) {
        if (is_digit(*s)) {
            if (++digits > 15)
                return false;
            mant = mant * 10 + (uint64_t)(*s - '0');
            if (point)
                frac++;
        } else if (*s == '.' && !point) {
            point = true;
        } else {
            return false;
        }
    }
    if (digits == 0 || (point && frac == 0))
        return false;
    *out = (double)mant / pow10[frac];
    if (neg)
        *out = -*out;
    return true;
}

/* A whole number, base 10 (so "010" is 10), optional leading minus. */
static bool parse_long(const char *s, long *out)
{
    const char *p = s;
    char *end;

    if (*p == '-')
        p++;
    if (!*p)
        return false;
    for (; *p; p++)
        if (!is_digit(*p))
            return false;
    errno = 0;
    *out = strtol(s, &end, 10);
    return errno == 0 && *end == '\0';
}

/* Pounds with optional pence ("25000", "25000.5", "25000.50") -> pence. */
static bool parse_pounds(const char *s, int64_t *pence)
{
    int64_t pounds = 0, p = 0;
    int digits = 0, frac = 0;

    if (!is_digit(*s))
        return false;
    for (; is_digit(*s); s++) {
        if (++digits > 12)
            return false;
        pounds = pounds * 10 + (*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; is_digit(*s); s++) {
            if (++frac > 2)
                return false;
            p = p * 10 + (*s - '0');
        }
        if (frac == 0)
            return false;
        if (frac == 1)
            p *= 10;
    }
    if (*s)
        return false;
    *pence = pounds * 100 + p;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* H:MM or HH:MM, 00:00 to 23:59 -> minutes after midnight. */
static bool parse_time(const char *s, int *minutes)
{
    int h = 0, m;
    int hd = 0;

    while (is_digit(*s) && hd < 3) {
        h = h * 10 + (*s - '0');
        s++;
        hd++;
    }
    if (hd < 1 || hd > 2 || *s != ':')
        return false;
    s++;
    if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != '\0')
        return false;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    if (h > 23 || m > 59)
        return false;
    *minutes = h * 60 + m;
    return true;
}

static bool valid_group(const char *s)
{
    size_t n = strlen(s);

    if (n == 0)
        return true;
    if (n > 32 || s[0] == '-')
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
              c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* Well-formed UTF-8 (no overlongs, no surrogates), no control characters. */
static bool valid_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned c = *p;
        int more;
        unsigned cp, min;

        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            more = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            more = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            more = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        p++;
        for (int i = 0; i < more; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            (cp >= 0x80 && cp < 0xa0))
            return false;
    }
    return true;
}

/* A decimal for messages, without the locale: 23.5 -> "23.5", 18 -> "18". */
static const char *fmt_decimal(double v, char *buf, size_t size)
{
    long long cents = (long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5));
    long long whole = cents / 100, part = cents % 100;

    if (part < 0)
        part = -part;
    if (part == 0)
        snprintf(buf, size, "%lld", whole);
    else if (part % 10 == 0)
        snprintf(buf, size, "%lld.%lld", whole, part / 10);
    else
        snprintf(buf, size, "%lld.%02lld", whole, part);
    return buf;
}

static const char *fmt_pounds(int64_t pence, char *buf, size_t size)
{
    if (pence % 100 == 0)
        snprintf(buf, size, "%lld", (long long)(pence / 100));
    else
        snprintf(buf, size, "%lld.%02lld", (long long)(pence / 100), (long long)(pence % 100));
    return buf;
}

/* Text from the file for a message: control characters (which would upset
 * the terminal) become '?', and it is cut at SHOW_VALUE bytes on a character
 * boundary. buf holds at least SHOW_VALUE + 4 bytes. */
static const char *shown(const char *value, char *buf)
{
    utf8_printable(buf, SHOW_VALUE + 1, value);
    if (strlen(value) > strlen(buf))
        memcpy(buf + strlen(buf), "...", 4);
    return buf;
}

/* " (line 7)" or "" when the line is not known. */
static const char *at_line(int line, char *buf, size_t size)
{
    if (line > 0)
        snprintf(buf, size, " (line %d)", line);
    else
        buf[0] = '\0';
    return buf;
}

/* FILE: [section] key = "value": expected ... (line N) */
static ap_status bad_value(const char *path, const struct spec *s, const char *value, int line,
                           const char *expected)
{
    char v[SHOW_VALUE + 4], l[32];

    return ap_fail(AP_ERR_CONFIG, "%s: [%s] %s = \"%s\": expected %s%s", path, s->section, s->key,
                   shown(value, v), expected, at_line(line, l, sizeof l));
}

/* ------------------------------------------------------ one value */

static ap_status set_value(const char *path, const struct spec *s, const char *value, int line,
                           struct apterm_config *cfg)
{
    struct apterm_config defaults; /* for "such as ..." */
    const struct apterm_config *def = &defaults;
    char expected[256], a[48], b[48];

    config_default(&defaults);

    switch (s->kind) {
    case K_PATH: {
        char *dst = field(cfg, s);
        const char *home = getenv("HOME");
        int n;

        if (value[0] == '\0')
            return bad_value(path, s, value, line, "the path of the store file, such as apterm.db");
        if (value[0] == '~' && value[1] != '/')
            return bad_value(path, s, value, line,
                             "a path; only ~/ at the start is expanded (to your home directory)");
        if (value[strlen(value) - 1] == '/')
            return bad_value(path, s, value, line,
                             "the path of the store file, not of a directory, such as "
                             "~/ap/apterm.db");
        if (value[0] == '~') {
            if (!home || !home[0])
                return bad_value(path, s, value, line,
                                 "a path without ~/ because $HOME is not set");
            n = snprintf(dst, s->size, "%s%s", home, value + 1);
        } else {
            n = snprintf(dst, s->size, "%s", value);
        }
        if (n < 0 || (size_t)n >= s->size) {
            snprintf(expected, sizeof expected, "a path shorter than %zu bytes", s->size);
            return bad_value(path, s, value, line, expected);
        }
        return AP_OK;
    }
    case K_GROUP:
        if (!valid_group(value))
            return bad_value(path, s, value, line,
                             "the name of a Unix group (letters, digits, _ . -), such as apteam, "
                             "or nothing for a store only you can open");
        memcpy(field(cfg, s), value, strlen(value) + 1);
        return AP_OK;
    case K_REGION: {
        enum region *r = field(cfg, s);
        if (strcasecmp(value, "wales") == 0)
            *r = REGION_WALES;
        else if (strcasecmp(value, "england") == 0)
            *r = REGION_ENGLAND;
        else
            return bad_value(path, s, value, line,
                             "wales or england, the attendance code set to use");
        return AP_OK;
    }
    case K_TIME:
        if (!parse_time(value, field(cfg, s)))
            return bad_value(path, s, value, line,
                             "a time of day as HH:MM, such as 09:30");
        return AP_OK;
    case K_BOOL:
        if (!parse_bool(value, field(cfg, s)))
            return bad_value(path, s, value, line, "yes or no, true or false, on or off, 1 or 0");
        return AP_OK;
    case K_WORDS5: {
        int commas = 0;
        bool empty_item = false;
        const char *item = value;
        for (const char *p = value;; p++) {
            if (*p == ',' || *p == '\0') {
                const char *from = item;
                while (from < p && *from == ' ')
                    from++;
                empty_item = empty_item || from == p;
                if (*p == '\0')
                    break;
                commas++;
                item = p + 1;
            }
        }
        if (commas != 4 || empty_item || strlen(value) >= s->size || !valid_text(value)) {
            snprintf(expected, sizeof expected,
                     "five words for the ratings 1 to 5, commas between, such as %s",
                     (const char *)cfield(def, s));
            return bad_value(path, s, value, line, expected);
        }
        memcpy(field(cfg, s), value, strlen(value) + 1);
        return AP_OK;
    }
    case K_CENSUS: {
        char why[120];
        if (strlen(value) >= s->size || !valid_text(value) || (value[0] && !labels_census_check(value, why, sizeof why))) {
            if (strlen(value) >= s->size || !valid_text(value))
                snprintf(why, sizeof why, "at most %zu bytes of UTF-8 text", s->size - 1);
            snprintf(expected, sizeof expected,
                     "codes with their words, commas between, such as \"PEX Permanent exclusion, OTH Other\", or "
                     "nothing for apterm's own list (%s)", why);
            return bad_value(path, s, value, line, expected);
        }
        memcpy(field(cfg, s), value, strlen(value) + 1);
        return AP_OK;
    }
    case K_TEXT:
        if (value[0] == '\0' || strlen(value) >= s->size || !valid_text(value)) {
            snprintf(expected, sizeof expected,
                     "a name of 1 to %zu bytes of UTF-8 text, such as %s, in double quotes "
                     "if it holds ; or #",
                     s->size - 1, (const char *)cfield(def, s));
            return bad_value(path, s, value, line, expected);
        }
        memcpy(field(cfg, s), value, strlen(value) + 1);
        return AP_OK;
    case K_INT: {
        long v;
        if (!parse_long(value, &v) || v < s->min || v > s->max) {
            snprintf(expected, sizeof expected, "a whole number of %s from %ld%s%s%s to %ld, such as %d",
                     s->unit, s->min, s->note ? " (" : "", s->note ? s->note : "",
                     s->note ? ")" : "", s->max, *(const int *)cfield(def, s));
            return bad_value(path, s, value, line, expected);
        }
        *(int *)field(cfg, s) = (int)v;
        return AP_OK;
    }
    case K_HOURS:
    case K_PCT: {
        double v;
        if (!parse_decimal(value, &v) || !(v > 0.0) || v > (double)s->max) {
            if (s->kind == K_HOURS)
                snprintf(expected, sizeof expected,
                         "hours a week, a number above 0 and at most %ld, such as %s", s->max,
                         fmt_decimal(*(const double *)cfield(def, s), a, sizeof a));
            else
                snprintf(expected, sizeof expected,
                         "a percentage above 0 and at most 100, such as %s, without a %% sign",
                         fmt_decimal(*(const double *)cfield(def, s), a, sizeof a));
            return bad_value(path, s, value, line, expected);
        }
        *(double *)field(cfg, s) = v;
        return AP_OK;
    }
    case K_MONEY: {
        int64_t pence;
        if (!parse_pounds(value, &pence) || pence <= 0 || pence > (int64_t)s->max * 100) {
            snprintf(expected, sizeof expected,
                     "an amount in pounds above 0 and at most %s, such as %s, in digits "
                     "without a pound sign or commas",
                     fmt_pounds((int64_t)s->max * 100, b, sizeof b),
                     fmt_pounds(*(const int64_t *)cfield(def, s), a, sizeof a));
            return bad_value(path, s, value, line, expected);
        }
        *(int64_t *)field(cfg, s) = pence;
        return AP_OK;
    }
    }
    return ap_fail(AP_ERR_CONFIG, "%s: [%s] %s: unknown kind of setting", path, s->section, s->key);
}

/* ------------------------------------------------ the file, line by line */

static const struct spec *find_spec(const char *section, const char *key, size_t *index)
{
    for (size_t i = 0; i < NSPECS; i++) {
        if (strcmp(specs[i].section, section) == 0 && strcmp(specs[i].key, key) == 0) {
            if (index)
                *index = i;
            return &specs[i];
        }
    }
    return NULL;
}

static bool known_section(const char *name)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(sections[i], name) == 0)
            return true;
    return false;
}

/* Edit distance, for "did you mean". Both at most 63 bytes. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t prev[64], cur[64];

    if (la > 63 || lb > 63)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            cur[j] = del < ins ? del : ins;
            if (sub < cur[j])
                cur[j] = sub;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

static ap_status unknown_section(const char *path, int line, const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    char hint[64] = "", v[SHOW_VALUE + 4];

    for (size_t i = 0; i < NSECTIONS; i++) {
        size_t d = distance(name, sections[i]);
        if (d < best_d) {
            best_d = d;
            best = sections[i];
        }
    }
    if (best)
        snprintf(hint, sizeof hint, " (did you mean [%s]?)", best);
    return ap_fail(AP_ERR_CONFIG,
                   "%s: line %d: unknown section [%s]%s: expected [store], [attendance], "
                   "[display], [exports] or [rules]",
                   path, line, shown(name, v), hint);
}

static ap_status unknown_key(const char *path, int line, const char *section, const char *key,
                             const char *as_written)
{
    const char *best = NULL;
    size_t best_d = 4;
    char list[512], v[SHOW_VALUE + 4];
    size_t used = 0;

    as_written = shown(as_written, v);
    for (size_t i = 0; i < NSPECS; i++) {
        if (strcmp(specs[i].key, key) == 0)
            return ap_fail(AP_ERR_CONFIG,
                           "%s: line %d: unknown key [%s] %s: %s belongs in [%s], not [%s]", path,
                           line, section, as_written, key, specs[i].section, section);
    }
    for (size_t i = 0; i < NSPECS; i++) {
        size_t d;
        if (strcmp(specs[i].section, section) != 0)
            continue;
        d = distance(key, specs[i].key);
        if (d < best_d) {
            best_d = d;
            best = specs[i].key;
        }
    }
    if (best)
        return ap_fail(AP_ERR_CONFIG, "%s: line %d: unknown key [%s] %s: did you mean %s?", path,
                       line, section, as_written, best);
    if (strcmp(section, "rules") == 0)
        return ap_fail(AP_ERR_CONFIG,
                       "%s: line %d: unknown key [%s] %s: the shipped apterm.ini lists every "
                       "key of [rules]",
                       path, line, section, as_written);
    list[0] = '\0';
    for (size_t i = 0; i < NSPECS; i++) {
        int n;
        if (strcmp(specs[i].section, section) != 0)
            continue;
        n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", specs[i].key);
        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    return ap_fail(AP_ERR_CONFIG, "%s: line %d: unknown key [%s] %s: expected %s", path, line,
                   section, as_written, list);
}

/* Checks what iniparser would fail on or silently accept: BOM, NUL bytes,
 * long lines, continued lines, malformed lines, unknown sections and keys,
 * keys outside a section, duplicate keys. Records the line of each key. */
static ap_status check_text(const char *path, const char *text, size_t len, int line_of[NSPECS])
{
    char section[64] = "";
    bool in_section = false;
    size_t pos = 0;
    int lineno = 0;

    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        return ap_fail(AP_ERR_CONFIG,
                       "%s: line 1 starts with a UTF-8 byte order mark (BOM), which the ini "
                       "reader cannot handle: save the file as UTF-8 without BOM",
                       path);

    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        size_t b = 0, e = n;
        char buf[MAX_LINE + 1], v[SHOW_VALUE + 4];

        pos += n + (nl ? 1 : 0);
        lineno++;

        if (memchr(line, '\0', n))
            return ap_fail(AP_ERR_CONFIG,
                           "%s: line %d holds a NUL byte: expected a text file", path, lineno);
        if (n > MAX_LINE)
            return ap_fail(AP_ERR_CONFIG,
                           "%s: line %d is %zu bytes long: lines must be at most %d bytes", path,
                           lineno, n, MAX_LINE);
        while (b < e && is_space(line[b]))
            b++;
        while (e > b && is_space(line[e - 1]))
            e--;
        if (b == e)
            continue;
        memcpy(buf, line + b, e - b);
        buf[e - b] = '\0';

        /* iniparser joins a line ending in \ to the next, comments included. */
        if (buf[e - b - 1] == '\\')
            return ap_fail(AP_ERR_CONFIG,
                           "%s: line %d ends with a backslash, which would join it to the next "
                           "line: every setting must fit on one line",
                           path, lineno);
        if (buf[0] == '#' || buf[0] == ';')
            continue;

        if (buf[0] == '[') {
            char *close = strchr(buf, ']');
            char *name = buf + 1, *end;

            if (!close || close[1] != '\0' || strchr(name, '['))
                return ap_fail(AP_ERR_CONFIG,
                               "%s: line %d: \"%s\" is not a section heading: expected a name "
                               "in square brackets alone on its line, such as [rules]",
                               path, lineno, shown(buf, v));
            *close = '\0';
            while (is_space(*name))
                name++;
            end = name + strlen(name);
            while (end > name && is_space(end[-1]))
                *--end = '\0';
            for (char *c = name; *c; c++)
                *c = ascii_lower(*c);
            if (!name[0])
                return ap_fail(AP_ERR_CONFIG,
                               "%s: line %d: empty section heading []: expected [store], "
                               "[attendance], [display], [exports] or [rules]",
                               path, lineno);
            if (!known_section(name))
                return unknown_section(path, lineno, name);
            if (strlen(name) >= sizeof section) /* cannot be: known_section() */
                return unknown_section(path, lineno, name);
            memcpy(section, name, strlen(name) + 1);
            in_section = true;
            continue;
        }

        {
            char *eq = strchr(buf, '=');
            char key[MAX_LINE + 1], written[MAX_LINE + 1];
            size_t kl, idx;

            if (!eq || eq == buf)
                return ap_fail(AP_ERR_CONFIG,
                               "%s: line %d: \"%s\" is not a setting: expected key = value, a "
                               "[section] heading, or a comment starting with ; or #",
                               path, lineno, shown(buf, v));
            kl = (size_t)(eq - buf);
            while (kl > 0 && is_space(buf[kl - 1]))
                kl--;
            memcpy(written, buf, kl);
            written[kl] = '\0';
            for (size_t i = 0; i <= kl; i++)
                key[i] = ascii_lower(written[i]);
            if (!in_section)
                return ap_fail(AP_ERR_CONFIG,
                               "%s: line %d: key %s comes before any section heading: put it "
                               "under its section, such as [rules]",
                               path, lineno, shown(written, v));
            if (!find_spec(section, key, &idx))
                return unknown_key(path, lineno, section, key, written);
            if (line_of[idx])
                return ap_fail(AP_ERR_CONFIG,
                               "%s: line %d: [%s] %s is set a second time (first on line %d): "
                               "keep only one of them",
                               path, lineno, section, specs[idx].key, line_of[idx]);
            line_of[idx] = lineno;
        }
    }
    return AP_OK;
}

static ap_status read_whole(const char *path, char **text, size_t *len)
{
    FILE *f;
    struct stat st;
    char *buf;
    size_t n;
    int err;

    f = fopen(path, "rb");
    if (!f)
        return ap_fail(AP_ERR_CONFIG, "%s: cannot open the configuration file: %s", path,
                       strerror(errno));
    if (fstat(fileno(f), &st) != 0) {
        err = errno;
        fclose(f);
        return ap_fail(AP_ERR_CONFIG, "%s: cannot read the configuration file: %s", path,
                       strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        return ap_fail(AP_ERR_CONFIG, "%s: is %s, expected a configuration file", path,
                       S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    }
    buf = malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return ap_fail(AP_ERR_NOMEM, "%s: out of memory reading the configuration", path);
    }
    n = fread(buf, 1, MAX_FILE + 1, f);
    if (ferror(f)) {
        err = errno;
        free(buf);
        fclose(f);
        return ap_fail(AP_ERR_CONFIG, "%s: cannot read the configuration file: %s", path,
                       strerror(err));
    }
    if (fclose(f) != 0) {
        err = errno;
        free(buf);
        return ap_fail(AP_ERR_CONFIG, "%s: cannot read the configuration file: %s", path,
                       strerror(err));
    }
    if (n > MAX_FILE) {
        free(buf);
        return ap_fail(AP_ERR_CONFIG,
                       "%s: is larger than %d KB: expected a short apterm.ini; is it the right "
                       "file?",
                       path, MAX_FILE / 1024);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return AP_OK;
}

/* iniparser reports through a global callback; we catch its first message. */
static char ini_message[512];

__attribute__((format(printf, 1, 2)))
static int catch_ini_error(const char *fmt, ...)
{
    va_list ap;
    int n;

    if (ini_message[0])
        return 0;
    va_start(ap, fmt);
    n = vsnprintf(ini_message, sizeof ini_message, fmt, ap);
    va_end(ap);
    return n;
}

static const char *tidy_ini_message(void)
{
    char *p = ini_message;
    size_t n;

    for (char *c = p; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    if (strncmp(p, "iniparser: ", 11) == 0)
        p += 11;
    n = strlen(p);
    while (n > 0 && p[n - 1] == ' ')
        p[--n] = '\0';
    return p[0] ? p : "no reason given";
}

ap_status config_load_file(const char *path, struct apterm_config *cfg)
{
    struct apterm_config tmp;
    int line_of[NSPECS] = { 0 };
    dictionary *d;
    char *text = NULL;
    size_t len = 0;
    ap_status st;

    if (!path || !path[0])
        return ap_fail(AP_ERR_CONFIG, "configuration: no file name given");
    if (strlen(path) >= sizeof tmp.source)
        return ap_fail(AP_ERR_CONFIG, "%.80s...: the configuration file name is too long", path);

    st = read_whole(path, &text, &len);
    if (st != AP_OK)
        return st;
    st = check_text(path, text, len, line_of);
    free(text);
    if (st != AP_OK)
        return st;

    ini_message[0] = '\0';
    iniparser_set_error_callback(catch_ini_error);
    d = iniparser_load(path);
    iniparser_set_error_callback(NULL); /* back to iniparser's default */
    if (!d)
        return ap_fail(AP_ERR_CONFIG, "%s: the ini reader could not load it: %s", path,
                       tidy_ini_message());

    config_default(&tmp);
    for (size_t i = 0; i < NSPECS; i++) {
        char key[128];
        const char *value;
        int n = snprintf(key, sizeof key, "%s:%s", specs[i].section, specs[i].key);

        if (n < 0 || (size_t)n >= sizeof key) {
            iniparser_freedict(d);
            return ap_fail(AP_ERR_CONFIG, "%s: internal key name too long", path);
        }
        value = iniparser_getstring(d, key, NULL);
        if (!value)
            continue;
        st = set_value(path, &specs[i], value, line_of[i], &tmp);
        if (st != AP_OK) {
            iniparser_freedict(d);
            return st;
        }
    }
    iniparser_freedict(d);

    if (tmp.close_pm_minutes <= tmp.close_am_minutes) {
        size_t pm = 0;
        char l[32];
        if (!find_spec("attendance", "close_pm", &pm))
            pm = SIZE_MAX;
        return ap_fail(AP_ERR_CONFIG,
                       "%s: [attendance] close_pm = \"%02d:%02d\": expected a time later than "
                       "close_am (%02d:%02d)%s",
                       path, tmp.close_pm_minutes / 60, tmp.close_pm_minutes % 60,
                       tmp.close_am_minutes / 60, tmp.close_am_minutes % 60,
                       at_line(pm < NSPECS ? line_of[pm] : 0, l, sizeof l));
    }

    memcpy(tmp.source, path, strlen(path) + 1);
    memcpy(cfg, &tmp, sizeof *cfg);
    return AP_OK;
}

/* 1: exists, 0: does not, -1: cannot tell (detail set). */
static int exists(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0)
        return 1;
    if (errno == ENOENT || errno == ENOTDIR)
        return 0;
    ap_fail(AP_ERR_CONFIG, "%s: cannot look for the configuration file: %s", path,
            strerror(errno));
    return -1;
}

/* Only this file holds SYSCONFDIR, so that `make install` rebuilds only it. */
#ifndef APTERM_SYSCONFDIR
#define APTERM_SYSCONFDIR "/etc"
#endif
#define CONFIG_SYSTEM_FILE APTERM_SYSCONFDIR "/apterm/apterm.ini"

const char *config_system_file(void) { return CONFIG_SYSTEM_FILE; }

/* Loads a file the user named (how: "given with --config"), which must exist. */
static ap_status load_named(const char *path, const char *how, struct apterm_config *cfg)
{
    int e = exists(path);
    if (e < 0)
        return AP_ERR_CONFIG;
    if (e == 0)
        return ap_fail(AP_ERR_CONFIG, "%s: no such configuration file (%s)", path, how);
    return config_load_file(path, cfg);
}

ap_status config_load(const char *explicit_path, struct apterm_config *cfg)
{
    const char *env, *home;
    char path[PATH_MAX];
    int e;

    if (explicit_path) {
        if (!explicit_path[0])
            return ap_fail(AP_ERR_CONFIG, "--config: no file name given");
        return load_named(explicit_path, "given with --config", cfg);
    }

    env = getenv("APTERM_CONFIG");
    if (env && env[0])
        return load_named(env, "named by $APTERM_CONFIG", cfg);

    e = exists("apterm.ini");
    if (e < 0)
        return AP_ERR_CONFIG;
    if (e > 0)
        return config_load_file("apterm.ini", cfg);

    home = getenv("HOME");
    if (home && home[0]) {
        int n = snprintf(path, sizeof path, "%s/.config/apterm/apterm.ini", home);
        if (n > 0 && (size_t)n < sizeof path) {
            e = exists(path);
            if (e < 0)
                return AP_ERR_CONFIG;
            if (e > 0)
                return config_load_file(path, cfg);
        }
    }

    e = exists(CONFIG_SYSTEM_FILE);
    if (e < 0)
        return AP_ERR_CONFIG;
    if (e > 0)
        return config_load_file(CONFIG_SYSTEM_FILE, cfg);

    config_default(cfg);
    return AP_OK;
}

char *config_rating_word(const char *words, int rating, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    if (rating < 1 || rating > 5 || !words || len == 0)
        return buf;
    const char *p = words;
    for (int k = 1; k < rating && p; k++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (!p)
        return buf;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, ",");
    while (n > 0 && p[n - 1] == ' ')
        n--;
    if (n >= len)
        n = len - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}
