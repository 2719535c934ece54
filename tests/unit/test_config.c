/* apterm.ini: defaults, lookup order, every key, every kind of mistake.
 * Each test runs in its own temporary directory under /tmp (the current
 * directory and $HOME both point into it) and removes it afterwards. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "labels.h"
#include "status.h"
#include "thresholds.h"

/* ------------------------------------------------------------ fixtures */

static char orig_cwd[PATH_MAX];
static char shipped_ini[PATH_MAX];
static char *saved_home;
static char *saved_env;

/* short, so that names built from them always fit in PATH_MAX */
static char tmp_dir[64];   /* /tmp/apterm-config-XXXXXX */
static char work_dir[128]; /* the current directory during a test */
static char home_dir[128]; /* $HOME during a test */

#define MAX_TRACKED 64
static struct {
    char path[PATH_MAX];
    bool dir;
} tracked[MAX_TRACKED];
static int ntracked;

static void track(const char *path, bool dir)
{
    if (ntracked >= MAX_TRACKED)
        fail_msg("too many temporary files");
    snprintf(tracked[ntracked].path, sizeof tracked[ntracked].path, "%s", path);
    tracked[ntracked].dir = dir;
    ntracked++;
}

/* tmp_dir/rel, created as a directory */
static const char *make_dir(const char *rel, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", tmp_dir, rel);
    assert_true(n > 0 && (size_t)n < size);
    if (mkdir(out, 0700) != 0)
        fail_msg("mkdir %s: %s", out, strerror(errno));
    track(out, true);
    return out;
}

/* Writes len bytes to an absolute path; returns it (static per slot). */
static const char *write_bytes(const char *path, const char *text, size_t len)
{
    FILE *f;
    bool existed = access(path, F_OK) == 0;

    f = fopen(path, "wb");
    if (!f)
        fail_msg("fopen %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    if (!existed)
        track(path, false);
    return path;
}

static const char *write_text(const char *path, const char *text)
{
    return write_bytes(path, text, strlen(text));
}

static char ini_path[PATH_MAX];

/* Writes work_dir/test.ini and returns its path. */
static const char *ini(const char *text)
{
    int n = snprintf(ini_path, sizeof ini_path, "%s/test.ini", work_dir);
    assert_true(n > 0 && (size_t)n < sizeof ini_path);
    return write_text(ini_path, text);
}

static int group_setup(void **state)
{
    (void)state;
    const char *h = getenv("HOME"), *e = getenv("APTERM_CONFIG");

    if (!getcwd(orig_cwd, sizeof orig_cwd))
        return -1;
    if (snprintf(shipped_ini, sizeof shipped_ini, "%s/apterm.ini", orig_cwd) >=
        (int)sizeof shipped_ini)
        return -1;
    saved_home = h ? strdup(h) : NULL;
    saved_env = e ? strdup(e) : NULL;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(saved_home);
    free(saved_env);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/apterm-config-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    ntracked = 0;
    track(tmp_dir, true);
    make_dir("work", work_dir, sizeof work_dir);
    make_dir("home", home_dir, sizeof home_dir);
    if (setenv("HOME", home_dir, 1) != 0 || unsetenv("APTERM_CONFIG") != 0)
        return -1;
    if (chdir(work_dir) != 0)
        return -1;
    ap_error_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = 0;

    if (chdir(orig_cwd) != 0)
        rc = -1;
    for (int i = ntracked - 1; i >= 0; i--) {
        if ((tracked[i].dir ? rmdir(tracked[i].path) : unlink(tracked[i].path)) != 0 &&
            errno != ENOENT) {
            fprintf(stderr, "cannot remove %s: %s\n", tracked[i].path, strerror(errno));
            rc = -1;
        }
    }
    ntracked = 0;
    if (saved_home)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");
    if (saved_env)
        setenv("APTERM_CONFIG", saved_env, 1);
    else
        unsetenv("APTERM_CONFIG");
    setlocale(LC_ALL, "C");
    return rc;
}

/* ------------------------------------------------------------- checks */

#define FIELD_EQ_INT(f)                                                                    \
    do {                                                                                   \
        if ((long long)a->f != (long long)b->f)                                            \
            fail_msg("%s: %s: %lld, expected %lld", context, #f, (long long)a->f, (long long)b->f);     \
    } while (0)
#define FIELD_EQ_DBL(f)                                                                    \
    do {                                                                                   \
        if (a->f != b->f)                                                                  \
            fail_msg("%s: %s: %g, expected %g", context, #f, a->f, b->f);                               \
    } while (0)
#define FIELD_EQ_STR(f)                                                                    \
    do {                                                                                   \
        if (strcmp(a->f, b->f) != 0)                                                       \
            fail_msg("%s: %s: \"%s\", expected \"%s\"", context, #f, a->f, b->f);                       \
    } while (0)

/* Named in a failure: the case being checked. */
static const char *context = "";

/* Every field but source. */
static void assert_config_equal(const struct apterm_config *a, const struct apterm_config *b)
{
    FIELD_EQ_STR(store_path);
    FIELD_EQ_STR(store_group);
    FIELD_EQ_INT(region);
    FIELD_EQ_INT(close_am_minutes);
    FIELD_EQ_INT(close_pm_minutes);
    FIELD_EQ_INT(colour);
    FIELD_EQ_STR(rating_words);
    FIELD_EQ_STR(organisation);
    FIELD_EQ_STR(census_reasons);
    FIELD_EQ_DBL(th.fulltime_hours);
    FIELD_EQ_INT(th.registration_pupils);
    FIELD_EQ_INT(th.public_liability_min);
    FIELD_EQ_INT(th.employers_liability_min);
    FIELD_EQ_INT(th.professional_indemnity_min);
    FIELD_EQ_INT(th.qa_stage1_months);
    FIELD_EQ_INT(th.qa_stage2_months);
    FIELD_EQ_INT(th.qa_stage2_after_concern_days);
    FIELD_EQ_INT(th.qa_followup_days);
    FIELD_EQ_INT(th.monitoring_days);
    FIELD_EQ_INT(th.monitoring_sessions);
    FIELD_EQ_INT(th.visit_per_term);
    FIELD_EQ_INT(th.due_soon_days);
    FIELD_EQ_INT(th.declaration_years);
    FIELD_EQ_INT(th.psp_review_weeks);
    FIELD_EQ_INT(th.psp_review_amber_days);
    FIELD_EQ_INT(th.psp_length_weeks);
    FIELD_EQ_DBL(th.min_weekly_hours[BAND_RECEPTION_Y2]);
    FIELD_EQ_DBL(th.min_weekly_hours[BAND_Y3_Y6]);
    FIELD_EQ_DBL(th.min_weekly_hours[BAND_Y7_Y10]);
    FIELD_EQ_DBL(th.min_weekly_hours[BAND_Y11]);
    FIELD_EQ_INT(th.reduced_timetable_weeks);
    FIELD_EQ_DBL(th.rtt_attendance_red_pct);
    FIELD_EQ_INT(th.quote_threshold);
    FIELD_EQ_INT(th.quotes_required);
    FIELD_EQ_INT(th.intervention_weeks);
    FIELD_EQ_INT(th.qualifications_year);
    FIELD_EQ_DBL(th.persistent_absence_pct);
    FIELD_EQ_INT(th.unauth_amber_sessions);
    FIELD_EQ_INT(th.unauth_red_days);
}

static void assert_is_default(const struct apterm_config *cfg)
{
    struct apterm_config def;
    config_default(&def);
    assert_config_equal(cfg, &def);
}

/* A config that matches no file: so "unchanged" is visible. */
static void sentinel(struct apterm_config *cfg)
{
    memset(cfg, 0x5a, sizeof *cfg);
    snprintf(cfg->source, sizeof cfg->source, "sentinel.ini");
    snprintf(cfg->organisation, sizeof cfg->organisation, "Sentinel");
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("message \"%s\" lacks \"%s\"", text, part);
}

typedef ap_status (*loader)(const char *path, struct apterm_config *cfg);

/* Loads path with load (config_load or config_load_file); expects
 * AP_ERR_CONFIG, the struct unchanged, and a message naming named and each
 * of the NULL-terminated parts. */
static void expect_refused_v(loader load, const char *path, const char *named, va_list ap)
{
    struct apterm_config cfg, before;
    const char *part;
    ap_status st;

    sentinel(&cfg);
    memcpy(&before, &cfg, sizeof cfg);
    ap_error_clear();
    st = load(path, &cfg);
    if (st != AP_ERR_CONFIG)
        fail_msg("status %d (%s), expected AP_ERR_CONFIG; detail: %s", (int)st,
                 ap_status_text(st), ap_error_detail());
    assert_memory_equal(&cfg, &before, sizeof cfg);
    assert_contains(ap_error_detail(), named);
    while ((part = va_arg(ap, const char *)) != NULL)
        assert_contains(ap_error_detail(), part);
}

static void expect_refused(loader load, const char *path, const char *named, ...)
{
    va_list ap;

    va_start(ap, named);
    expect_refused_v(load, path, named, ap);
    va_end(ap);
}

static void expect_error(const char *text, ...)
{
    va_list ap;
    const char *path = ini(text);

    va_start(ap, text);
    expect_refused_v(config_load_file, path, path, ap);
    va_end(ap);
}

static void load_ok(const char *text, struct apterm_config *cfg)
{
    const char *path = ini(text);
    ap_status st;

    sentinel(cfg);
    ap_error_clear();
    st = config_load_file(path, cfg);
    if (st != AP_OK)
        fail_msg("status %d, expected AP_OK; detail: %s", (int)st, ap_error_detail());
    assert_string_equal(cfg->source, path);
}

/* -------------------------------------------------------------- tests */

static void test_thresholds_default(void **state)
{
    (void)state;
    struct thresholds t;

    memset(&t, 0xff, sizeof t);
    thresholds_default(&t);
    /* Every value is a whole number of pence or exact in a double. */
    const struct {
        const char *name;
        double got, want;
    } defaults[] = {
        {"fulltime_hours", (double)t.fulltime_hours, 18.0},
        {"registration_pupils", (double)t.registration_pupils, 5},
        {"public_liability_min", (double)t.public_liability_min, 500000000},
        {"employers_liability_min", (double)t.employers_liability_min, 1000000000},
        {"professional_indemnity_min", (double)t.professional_indemnity_min, 200000000},
        {"qa_stage1_months", (double)t.qa_stage1_months, 12},
        {"qa_stage2_months", (double)t.qa_stage2_months, 24},
        {"qa_stage2_after_concern_days", (double)t.qa_stage2_after_concern_days, 30},
        {"qa_followup_days", (double)t.qa_followup_days, 28},
        {"monitoring_days", (double)t.monitoring_days, 31},
        {"monitoring_sessions", (double)t.monitoring_sessions, 10},
        {"visit_per_term", (double)t.visit_per_term, 1},
        {"due_soon_days", (double)t.due_soon_days, 28},
        {"declaration_years", (double)t.declaration_years, 3},
        {"psp_review_weeks", (double)t.psp_review_weeks, 6},
        {"psp_review_amber_days", (double)t.psp_review_amber_days, 7},
        {"psp_length_weeks", (double)t.psp_length_weeks, 16},
        {"min_weekly_hours[BAND_RECEPTION_Y2]", (double)t.min_weekly_hours[BAND_RECEPTION_Y2], 21.0},
        {"min_weekly_hours[BAND_Y3_Y6]", (double)t.min_weekly_hours[BAND_Y3_Y6], 23.5},
        {"min_weekly_hours[BAND_Y7_Y10]", (double)t.min_weekly_hours[BAND_Y7_Y10], 24.0},
        {"min_weekly_hours[BAND_Y11]", (double)t.min_weekly_hours[BAND_Y11], 25.0},
        {"reduced_timetable_weeks", (double)t.reduced_timetable_weeks, 12},
        {"rtt_attendance_red_pct", (double)t.rtt_attendance_red_pct, 50.0},
        {"quote_threshold", (double)t.quote_threshold, 2500000},
        {"quotes_required", (double)t.quotes_required, 3},
        {"intervention_weeks", (double)t.intervention_weeks, 16},
        {"qualifications_year", (double)t.qualifications_year, 10},
        {"persistent_absence_pct", (double)t.persistent_absence_pct, 90.0},
        {"unauth_amber_sessions", (double)t.unauth_amber_sessions, 3},
        {"unauth_red_days", (double)t.unauth_red_days, 10},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i].got != defaults[i].want)
            fail_msg("%s: %g, expected %g", defaults[i].name, defaults[i].got, defaults[i].want);
}

static void test_config_default(void **state)
{
    (void)state;
    struct apterm_config cfg;
    struct thresholds t;

    sentinel(&cfg);
    config_default(&cfg);
    assert_string_equal(cfg.source, "");
    assert_string_equal(cfg.store_path, "apterm.db");
    assert_string_equal(cfg.store_group, "");
    assert_int_equal(cfg.region, REGION_WALES);
    assert_int_equal(cfg.close_am_minutes, 9 * 60 + 30);
    assert_int_equal(cfg.close_pm_minutes, 13 * 60 + 45);
    assert_true(cfg.colour);
    assert_string_equal(cfg.rating_words, "serious concern, some concern, steady, good, very good");
    assert_string_equal(cfg.organisation, "Alternative Provision Team");
    thresholds_default(&t);
    assert_memory_equal(&cfg.th, &t, sizeof t);
    assert_string_equal(config_region_name(REGION_WALES), "wales");
    assert_string_equal(config_region_name(REGION_ENGLAND), "england");
}

static void test_defaults_without_any_file(void **state)
{
    (void)state;
    struct apterm_config cfg;

    if (access("/etc/apterm/apterm.ini", F_OK) == 0) {
        print_message("skipped: /etc/apterm/apterm.ini exists on this machine\n");
        skip();
    }
    sentinel(&cfg);
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, "");
    assert_is_default(&cfg);
}

/* Every key of the apterm.ini that ships. */
static const char *const all_keys[] = {
    "[store] path", "[store] group", "[attendance] region", "[attendance] close_am",
    "[attendance] close_pm", "[display] colour", "[display] rating_words", "[exports] organisation",
    "[census] reasons",
    "[rules] fulltime_hours", "[rules] registration_pupils", "[rules] public_liability_min",
    "[rules] employers_liability_min", "[rules] professional_indemnity_min",
    "[rules] qa_stage1_months", "[rules] qa_stage2_months",
    "[rules] qa_stage2_after_concern_days", "[rules] qa_followup_days", "[rules] monitoring_days",
    "[rules] monitoring_sessions", "[rules] visit_per_term", "[rules] due_soon_days",
    "[rules] declaration_years", "[rules] psp_review_weeks", "[rules] psp_review_amber_days",
    "[rules] psp_length_weeks", "[rules] min_hours_reception_y2", "[rules] min_hours_y3_y6",
    "[rules] min_hours_y7_y10", "[rules] min_hours_y11", "[rules] reduced_timetable_weeks", "[rules] rtt_attendance_red_pct",
    "[rules] quote_threshold", "[rules] quotes_required", "[rules] intervention_weeks", "[rules] qualifications_year",
    "[rules] persistent_absence_pct", "[rules] unauth_amber_sessions",
    "[rules] unauth_red_days",
};

static void test_shipped_ini_equals_defaults(void **state)
{
    (void)state;
    struct apterm_config cfg;
    FILE *f;
    char line[1100], section[64] = "";
    int seen[sizeof all_keys / sizeof all_keys[0]] = { 0 };

    sentinel(&cfg);
    ap_error_clear();
    if (config_load_file(shipped_ini, &cfg) != AP_OK)
        fail_msg("%s: %s", shipped_ini, ap_error_detail());
    assert_string_equal(cfg.source, shipped_ini);
    assert_is_default(&cfg);

    /* and it names every key, once, each under its section */
    f = fopen(shipped_ini, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char key[128], full[200];
        if (line[0] == '[') {
            assert_int_equal(sscanf(line, "[%63[^]]", section), 1);
            continue;
        }
        if (line[0] == ';' || line[0] == '\n' || sscanf(line, "%127[a-z0-9_] =", key) != 1)
            continue;
        snprintf(full, sizeof full, "[%s] %s", section, key);
        for (size_t i = 0; i < sizeof all_keys / sizeof all_keys[0]; i++)
            if (strcmp(full, all_keys[i]) == 0)
                seen[i]++;
    }
    fclose(f);
    for (size_t i = 0; i < sizeof all_keys / sizeof all_keys[0]; i++)
        if (seen[i] != 1)
            fail_msg("shipped apterm.ini has %s %d times", all_keys[i], seen[i]);
}

enum tk { T_INT, T_DOUBLE, T_PENCE };

struct rule_case {
    const char *key;
    const char *value;  /* as written in the ini */
    size_t off;         /* in struct thresholds */
    enum tk type;
    double want;        /* int, hours, or pence */
};

#define R(k, v, t, w) { #k, v, offsetof(struct thresholds, k), t, w }
#define RH(k, band, v, w) { k, v, offsetof(struct thresholds, min_weekly_hours[band]), T_DOUBLE, w }

static const struct rule_case rule_cases[] = {
    R(fulltime_hours, "20.5", T_DOUBLE, 20.5),
    R(registration_pupils, "4", T_INT, 4),
    R(public_liability_min, "6000000", T_PENCE, 600000000.0),
    R(employers_liability_min, "12000000", T_PENCE, 1200000000.0),
    R(professional_indemnity_min, "1500000", T_PENCE, 150000000.0),
    R(qa_stage1_months, "6", T_INT, 6),
    R(qa_stage2_months, "18", T_INT, 18),
    R(qa_stage2_after_concern_days, "14", T_INT, 14),
    R(qa_followup_days, "10", T_INT, 10),
    R(monitoring_days, "28", T_INT, 28),
    R(monitoring_sessions, "8", T_INT, 8),
    R(visit_per_term, "0", T_INT, 0),
    R(due_soon_days, "21", T_INT, 21),
    R(declaration_years, "2", T_INT, 2),
    R(psp_review_weeks, "8", T_INT, 8),
    R(psp_review_amber_days, "10", T_INT, 10),
    R(psp_length_weeks, "20", T_INT, 20),
    RH("min_hours_reception_y2", BAND_RECEPTION_Y2, "20", 20.0),
    RH("min_hours_y3_y6", BAND_Y3_Y6, "22.75", 22.75),
    RH("min_hours_y7_y10", BAND_Y7_Y10, "25", 25.0),
    RH("min_hours_y11", BAND_Y11, "26.5", 26.5),
    R(reduced_timetable_weeks, "10", T_INT, 10),
    R(rtt_attendance_red_pct, "40", T_DOUBLE, 40.0),
    R(quote_threshold, "30000", T_PENCE, 3000000.0),
    R(quotes_required, "2", T_INT, 2),
    R(intervention_weeks, "12", T_INT, 12),
    R(qualifications_year, "9", T_INT, 9),
    R(persistent_absence_pct, "92.5", T_DOUBLE, 92.5),
    R(unauth_amber_sessions, "4", T_INT, 4),
    R(unauth_red_days, "15", T_INT, 15),
};

static void test_each_rules_key_changes_its_field(void **state)
{
    (void)state;
    size_t nrules = 0;

    for (size_t i = 0; i < sizeof all_keys / sizeof all_keys[0]; i++)
        if (strncmp(all_keys[i], "[rules] ", 8) == 0)
            nrules++;
    assert_int_equal(nrules, sizeof rule_cases / sizeof rule_cases[0]);

    for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
        const struct rule_case *c = &rule_cases[i];
        struct apterm_config want, got;
        char text[256];
        char *f = (char *)&want.th + c->off;

        config_default(&want);
        switch (c->type) {
        case T_INT:
            assert_true(*(int *)f != (int)c->want);
            *(int *)f = (int)c->want;
            break;
        case T_DOUBLE:
            assert_true(*(double *)f != c->want);
            *(double *)f = c->want;
            break;
        case T_PENCE:
            assert_true(*(int64_t *)f != (int64_t)c->want);
            *(int64_t *)f = (int64_t)c->want;
            break;
        }
        snprintf(text, sizeof text, "; one key\n[rules]\n%s = %s\n", c->key, c->value);
        load_ok(text, &got);
        context = c->key;
        assert_config_equal(&got, &want);
        context = "";
    }
}

static void test_other_keys_change_their_fields(void **state)
{
    (void)state;
    struct apterm_config got, want;

    load_ok("[store]\npath = /srv/ap/store.db\ngroup = apteam\n"
            "[attendance]\nregion = england\nclose_am = 10:05\nclose_pm = 14:00\n"
            "[display]\ncolour = no\nrating_words = poor, weak, fair, good,  excellent \n"
            "[exports]\norganisation = Cyngor Sir Ynys Môn\n",
            &got);
    config_default(&want);
    snprintf(want.store_path, sizeof want.store_path, "/srv/ap/store.db");
    snprintf(want.store_group, sizeof want.store_group, "apteam");
    want.region = REGION_ENGLAND;
    want.close_am_minutes = 10 * 60 + 5;
    want.close_pm_minutes = 14 * 60;
    want.colour = false;
    snprintf(want.rating_words, sizeof want.rating_words, "poor, weak, fair, good,  excellent");
    snprintf(want.organisation, sizeof want.organisation, "Cyngor Sir Ynys Môn");
    assert_config_equal(&got, &want);
    /* The word for each rating, trimmed; nothing either side of 1..5. */
    char w[32];
    assert_string_equal(config_rating_word(got.rating_words, 1, w, sizeof w), "poor");
    assert_string_equal(config_rating_word(got.rating_words, 3, w, sizeof w), "fair");
    assert_string_equal(config_rating_word(got.rating_words, 5, w, sizeof w), "excellent");
    assert_string_equal(config_rating_word(got.rating_words, 0, w, sizeof w), "");
    assert_string_equal(config_rating_word(got.rating_words, 6, w, sizeof w), "");
}

static void test_money_in_pounds_becomes_pence(void **state)
{
    (void)state;
    struct apterm_config cfg;

    load_ok("[rules]\npublic_liability_min = 5000000\nquote_threshold = 25000.50\n"
            "employers_liability_min = 7.5\n",
            &cfg);
    assert_int_equal(cfg.th.public_liability_min, INT64_C(500000000));
    assert_int_equal(cfg.th.quote_threshold, INT64_C(2500050));
    assert_int_equal(cfg.th.employers_liability_min, INT64_C(750));

    expect_error("[rules]\nquote_threshold = 25000.505\n", "[rules] quote_threshold",
                 "\"25000.505\"", "pounds", NULL);
    expect_error("[rules]\npublic_liability_min = £5,000,000\n", "[rules] public_liability_min",
                 "without a pound sign or commas", NULL);
    expect_error("[rules]\npublic_liability_min = 5,000,000\n", "[rules] public_liability_min",
                 NULL);
    expect_error("[rules]\nemployers_liability_min = 0\n", "[rules] employers_liability_min",
                 "above 0", NULL);
    expect_error("[rules]\nquote_threshold = 10000000000\n", "[rules] quote_threshold",
                 "at most 1000000000", NULL);
}

static void test_missing_explicit_file(void **state)
{
    (void)state;
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/no-such.ini", work_dir);
    ini("[display]\ncolour = no\n"); /* ./test.ini is not looked for */
    expect_refused(config_load, path, path, "no such configuration file", NULL);

    /* config_load_file too */
    expect_refused(config_load_file, path, path, NULL);

    /* a directory is not a file */
    expect_refused(config_load, work_dir, work_dir, "directory", NULL);
}

static void test_apterm_config_variable(void **state)
{
    (void)state;
    struct apterm_config cfg;
    char path[PATH_MAX], missing[PATH_MAX];

    snprintf(path, sizeof path, "%s/env.ini", tmp_dir);
    write_text(path, "[exports]\norganisation = From env\n");
    assert_int_equal(setenv("APTERM_CONFIG", path, 1), 0);
    sentinel(&cfg);
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, path);
    assert_string_equal(cfg.organisation, "From env");

    /* set but missing: an error naming it */
    snprintf(missing, sizeof missing, "%s/missing.ini", tmp_dir);
    assert_int_equal(setenv("APTERM_CONFIG", missing, 1), 0);
    expect_refused(config_load, NULL, missing, "APTERM_CONFIG", NULL);

    /* set but empty: as if unset, so ./apterm.ini is next */
    snprintf(path, sizeof path, "%s/apterm.ini", work_dir);
    write_text(path, "[exports]\norganisation = From cwd\n");
    assert_int_equal(setenv("APTERM_CONFIG", "", 1), 0);
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, "apterm.ini");
    assert_string_equal(cfg.organisation, "From cwd");
}

static void test_lookup_order(void **state)
{
    (void)state;
    struct apterm_config cfg;
    char d1[256], d2[256], home_ini[PATH_MAX], cwd_ini[PATH_MAX];
    char env_ini[PATH_MAX], explicit_ini[PATH_MAX];
    const char *h = "[exports]\norganisation = Home\n";
    const char *c = "[exports]\norganisation = Cwd\n";
    const char *e = "[exports]\norganisation = Env\n";
    const char *x = "[exports]\norganisation = Explicit\n";

    make_dir("home/.config", d1, sizeof d1);
    make_dir("home/.config/apterm", d2, sizeof d2);
    snprintf(home_ini, sizeof home_ini, "%s/apterm.ini", d2);
    snprintf(cwd_ini, sizeof cwd_ini, "%s/apterm.ini", work_dir);
    snprintf(env_ini, sizeof env_ini, "%s/env.ini", tmp_dir);
    snprintf(explicit_ini, sizeof explicit_ini, "%s/explicit.ini", tmp_dir);
    write_text(home_ini, h);
    write_text(cwd_ini, c);
    write_text(env_ini, e);
    write_text(explicit_ini, x);

    /* ./apterm.ini before ~/.config/apterm/apterm.ini */
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, "apterm.ini");
    assert_string_equal(cfg.organisation, "Cwd");

    /* $APTERM_CONFIG before both */
    assert_int_equal(setenv("APTERM_CONFIG", env_ini, 1), 0);
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, env_ini);
    assert_string_equal(cfg.organisation, "Env");

    /* --config before everything */
    assert_int_equal(config_load(explicit_ini, &cfg), AP_OK);
    assert_string_equal(cfg.source, explicit_ini);
    assert_string_equal(cfg.organisation, "Explicit");

    /* without ./apterm.ini and $APTERM_CONFIG: HOME's */
    assert_int_equal(unsetenv("APTERM_CONFIG"), 0);
    assert_int_equal(unlink(cwd_ini), 0);
    assert_int_equal(config_load(NULL, &cfg), AP_OK);
    assert_string_equal(cfg.source, home_ini);
    assert_string_equal(cfg.organisation, "Home");

    /* a bad file found by the lookup is an error, not skipped */
    write_text(home_ini, "[exports]\norganisation =\n");
    sentinel(&cfg);
    assert_int_equal(config_load(NULL, &cfg), AP_ERR_CONFIG);
    assert_contains(ap_error_detail(), home_ini);
    assert_contains(ap_error_detail(), "[exports] organisation");
}

static void test_empty_file_gives_defaults(void **state)
{
    (void)state;
    struct apterm_config cfg;

    load_ok("", &cfg);
    assert_is_default(&cfg);
    load_ok("; only a comment\n\n# and another\n[rules]\n", &cfg);
    assert_is_default(&cfg);
}

static void test_syntax_accepted(void **state)
{
    (void)state;
    struct apterm_config cfg;

    /* CRLF line ends, case in names, spaces, quotes, inline comments */
    load_ok("[Exports]\r\n  Organisation = \"Team ; North # 2\" ; the team\r\n"
            "[ display ]\r\ncolour=off # no colour\r\n"
            "[ATTENDANCE]\r\nregion = England\r\n",
            &cfg);
    assert_string_equal(cfg.organisation, "Team ; North # 2");
    assert_false(cfg.colour);
    assert_int_equal(cfg.region, REGION_ENGLAND);

    /* a line of exactly 1,000 bytes is fine */
    {
        char text[1100];
        memset(text, 'x', sizeof text);
        text[0] = ';';
        text[1000] = '\n';
        text[1001] = '\0';
        load_ok(text, &cfg);
        assert_is_default(&cfg);
    }
}

static void test_booleans(void **state)
{
    (void)state;
    static const char *const yes[] = { "yes", "true", "on", "1", "YES", "True" };
    static const char *const no[] = { "no", "false", "off", "0", "No", "OFF" };
    struct apterm_config cfg;
    char text[64];

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        snprintf(text, sizeof text, "[display]\ncolour = %s\n", no[i]);
        load_ok(text, &cfg);
        assert_false(cfg.colour);
        snprintf(text, sizeof text, "[display]\ncolour = %s\n", yes[i]);
        load_ok(text, &cfg);
        assert_true(cfg.colour);
    }
}

static void test_store_path_home_expanded(void **state)
{
    (void)state;
    struct apterm_config cfg;
    char want[PATH_MAX];

    load_ok("[store]\npath = ~/ap/apterm.db\n", &cfg);
    snprintf(want, sizeof want, "%s/ap/apterm.db", home_dir);
    assert_string_equal(cfg.store_path, want);

    load_ok("[store]\npath = data/apterm.db\n", &cfg);
    assert_string_equal(cfg.store_path, "data/apterm.db");

    expect_error("[store]\npath = ~bob/apterm.db\n", "[store] path", "\"~bob/apterm.db\"",
                 "~/", NULL);
    expect_error("[store]\npath =\n", "[store] path", NULL);
    expect_error("[store]\npath = /srv/ap/\n", "[store] path", "not of a directory", NULL);
    assert_int_equal(unsetenv("HOME"), 0);
    expect_error("[store]\npath = ~/apterm.db\n", "[store] path", "$HOME", NULL);
}

static void test_malformed_line(void **state)
{
    (void)state;
    expect_error("[store]\npath = a.db\nthis is not a setting\n", "line 3",
                 "\"this is not a setting\"", "key = value", NULL);
    expect_error("[store]\n= a.db\n", "line 2", NULL);
    expect_error("[rules\nfulltime_hours = 18\n", "line 1", "\"[rules\"", "section heading",
                 NULL);
    expect_error("[rules] ; comment\n", "line 1", "section heading", NULL);
    expect_error("[]\n", "line 1", "empty section heading", NULL);
    expect_error("[exports]\norganisation = A \\\n  B\n", "line 2", "backslash", NULL);
    expect_error("[rules]\n; a comment \\\nfulltime_hours = 30\n", "line 2", "backslash", NULL);
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = "[exports]\norganisation = A\0B\n";
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/nul.ini", work_dir);
    write_bytes(path, text, sizeof text - 1);
    expect_refused(config_load_file, path, path, "line 2", "NUL", NULL);
}

static void test_unknown_section(void **state)
{
    (void)state;
    expect_error("[store]\npath = a.db\n[stroe]\n", "line 3", "unknown section [stroe]",
                 "did you mean [store]?", NULL);
    expect_error("[colours]\n", "unknown section [colours]", "[rules]", NULL);
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_error("[rules]\nfulltime_hour = 18\n", "line 2", "unknown key [rules] fulltime_hour",
                 "did you mean fulltime_hours?", NULL);
    expect_error("[display]\ncolor = yes\n", "[display] color", "did you mean colour?", NULL);
    expect_error("[rules]\nregion = wales\n", "[rules] region", "belongs in [attendance]", NULL);
    expect_error("[display]\nsparkles = yes\n", "[display] sparkles", "expected colour", NULL);
    expect_error("[rules]\nteapot_temperature = 90\n", "[rules] teapot_temperature",
                 "shipped apterm.ini", NULL);
    expect_error("; top\nregion = wales\n[attendance]\n", "line 2", "region",
                 "before any section", NULL);
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_error("[rules]\nfulltime_hours = 18\nquotes_required = 3\nfulltime_hours = 20\n",
                 "line 4", "[rules] fulltime_hours", "first on line 2", NULL);
    /* names are case-blind, as in iniparser; a section may reopen */
    expect_error("[attendance]\nclose_am = 09:30\n[rules]\n[Attendance]\nCLOSE_AM = 10:00\n",
                 "line 5", "[attendance] close_am", "first on line 2", NULL);
}

static void test_bom(void **state)
{
    (void)state;
    expect_error("\xef\xbb\xbf[store]\npath = a.db\n", "line 1", "byte order mark", "BOM", NULL);
}

static void test_overlong_line(void **state)
{
    (void)state;
    char text[1200];
    int n = snprintf(text, sizeof text, "[exports]\n; note\norganisation = ");

    memset(text + n, 'A', 1100 - (size_t)n);
    memcpy(text + 1100, "\n", 2);
    expect_error(text, "line 3", "1083 bytes long", "at most 1000 bytes", NULL);
    memset(text, ';', 1024);
    memcpy(text + 1024, "\n", 2);
    expect_error(text, "line 1", "1024 bytes long", NULL);
}

static void test_bad_times(void **state)
{
    (void)state;
    expect_error("[attendance]\nclose_am = 25:00\n", "[attendance] close_am = \"25:00\"",
                 "expected a time of day as HH:MM, such as 09:30", "line 2", NULL);
    expect_error("[attendance]\nclose_am = 9:60\n", "[attendance] close_am = \"9:60\"", "HH:MM",
                 NULL);
    expect_error("[attendance]\nclose_pm = nine\n", "[attendance] close_pm = \"nine\"", "HH:MM",
                 NULL);
    expect_error("[attendance]\nclose_am = 09:30am\n", "\"09:30am\"", NULL);
    expect_error("[attendance]\nclose_am = 09.30\n", "\"09.30\"", NULL);
    expect_error("[attendance]\nclose_am = 24:00\n", "\"24:00\"", NULL);
    expect_error("[attendance]\nclose_am =\n", "[attendance] close_am = \"\"", NULL);
    /* the afternoon register closes after the morning one */
    expect_error("[attendance]\nclose_am = 12:00\nclose_pm = 11:59\n",
                 "[attendance] close_pm = \"11:59\"", "later than close_am (12:00)", "line 3",
                 NULL);

    {
        struct apterm_config cfg;
        load_ok("[attendance]\nclose_am = 9:05\nclose_pm = 23:59\n", &cfg);
        assert_int_equal(cfg.close_am_minutes, 9 * 60 + 5);
        assert_int_equal(cfg.close_pm_minutes, 23 * 60 + 59);
        load_ok("[attendance]\nclose_am = 00:00\n", &cfg);
        assert_int_equal(cfg.close_am_minutes, 0);
    }
}

static void test_negative_or_zero_threshold(void **state)
{
    (void)state;
    expect_error("[rules]\nregistration_pupils = -1\n", "[rules] registration_pupils = \"-1\"",
                 "whole number of pupils from 1 to 100", "such as 5", NULL);
    expect_error("[rules]\npsp_review_weeks = 0\n", "[rules] psp_review_weeks = \"0\"",
                 "from 1 to 52", NULL);
    expect_error("[rules]\nfulltime_hours = -18\n", "[rules] fulltime_hours = \"-18\"",
                 "above 0", "such as 18", NULL);
    expect_error("[rules]\nmin_hours_y3_y6 = 0\n", "[rules] min_hours_y3_y6", "such as 23.5",
                 NULL);
    expect_error("[rules]\nvisit_per_term = -1\n", "[rules] visit_per_term",
                 "from 0 (off) to 20, such as 1", NULL);
    expect_error("[rules]\nmonitoring_sessions = 99999999999999999999\n",
                 "[rules] monitoring_sessions", NULL);
}

static void test_leading_zero_is_decimal(void **state)
{
    (void)state;
    struct apterm_config cfg;

    load_ok("[rules]\npsp_review_weeks = 010\nfulltime_hours = 018\nquotes_required = 08\n",
            &cfg);
    assert_int_equal(cfg.th.psp_review_weeks, 10);
    assert_true(cfg.th.fulltime_hours == 18.0);
    assert_int_equal(cfg.th.quotes_required, 8);
}

static void test_non_numeric(void **state)
{
    (void)state;
    expect_error("[rules]\nquotes_required = three\n", "[rules] quotes_required = \"three\"",
                 "whole number of quotations", NULL);
    expect_error("[rules]\nquotes_required = 3.0\n", "\"3.0\"", NULL);
    expect_error("[rules]\nfulltime_hours = 18h\n", "[rules] fulltime_hours = \"18h\"",
                 "hours a week", NULL);
    expect_error("[rules]\nfulltime_hours = 23,5\n", "\"23,5\"", NULL);
    expect_error("[rules]\nfulltime_hours = 1e1\n", "\"1e1\"", NULL);
    expect_error("[rules]\nfulltime_hours = 0x12\n", "\"0x12\"", NULL);
    expect_error("[rules]\nfulltime_hours = nan\n", "\"nan\"", NULL);
    expect_error("[rules]\nmonitoring_days =\n", "[rules] monitoring_days = \"\"", NULL);
    expect_error("[rules]\npersistent_absence_pct = 90%\n", "[rules] persistent_absence_pct",
                 "without a % sign", NULL);
}

static void test_percentage_range(void **state)
{
    (void)state;
    struct apterm_config cfg;

    expect_error("[rules]\npersistent_absence_pct = 100.5\n",
                 "[rules] persistent_absence_pct = \"100.5\"", "at most 100", NULL);
    expect_error("[rules]\npersistent_absence_pct = 0\n", "above 0", NULL);
    load_ok("[rules]\npersistent_absence_pct = 100\n", &cfg);
    assert_true(cfg.th.persistent_absence_pct == 100.0);
}

static void test_bad_region(void **state)
{
    (void)state;
    expect_error("[attendance]\nregion = scotland\n", "[attendance] region = \"scotland\"",
                 "wales or england", NULL);
}

static void test_bad_boolean(void **state)
{
    (void)state;
    expect_error("[display]\ncolour = maybe\n", "[display] colour = \"maybe\"", "yes or no",
                 NULL);
    expect_error("[display]\ncolour = 2\n", "\"2\"", NULL);
}

static void test_bad_text_and_group(void **state)
{
    (void)state;
    /* What 1-5 mean: exactly five, none empty (four, six, an empty one). */
    expect_error("[display]\nrating_words = a, b, c, d\n", "[display] rating_words = \"a, b, c, d\"",
                 "five words for the ratings 1 to 5", NULL);
    expect_error("[display]\nrating_words = a, b, c, d, e, f\n", "[display] rating_words", NULL);
    expect_error("[display]\nrating_words = a, b, , d, e\n", "[display] rating_words", NULL);
    expect_error("[exports]\norganisation =\n", "[exports] organisation = \"\"", NULL);
    expect_error("[exports]\norganisation = Caf\xe9\n", "[exports] organisation", "UTF-8",
                 NULL);
    expect_error("[store]\ngroup = ap team\n", "[store] group = \"ap team\"", "Unix group",
                 NULL);
    expect_error("[store]\ngroup = -x\n", "[store] group", NULL);
}

/* [census] lists: a code of 1 to 3 capital letters or digits and its words,
 * commas between, no code twice, at most LABELS_CENSUS_MAX; empty keeps
 * apterm's own list. Each side of each boundary. */
static void test_census_lists(void **state)
{
    (void)state;
    struct apterm_config cfg;
    load_ok("[census]\nreasons = P Permanent exclusion, PE2 Other reason, X9 Health\n", &cfg);
    assert_string_equal(cfg.census_reasons, "P Permanent exclusion, PE2 Other reason, X9 Health");
    expect_error("[census]\nsetting_types = NFE FE\n", "setting_types", NULL); /* the census's own: not configurable */
    expect_error("[census]\nreasons = PEXX Permanent exclusion\n", "[census] reasons = \"PEXX Permanent exclusion\"",
                 "item 1", "1 to 3 capital letters or digits", NULL);
    expect_error("[census]\nreasons = pex Permanent exclusion\n", "[census] reasons", "item 1", NULL);
    expect_error("[census]\nreasons = PEX Permanent exclusion, SUS\n", "[census] reasons", "item 2", NULL);
    expect_error("[census]\nreasons = PEX Permanent exclusion, , OTH Other\n", "[census] reasons", "item 2", NULL);
    expect_error("[census]\nreasons = NFE FE, NFE Further education\n", "[census] reasons",
                 "the code NFE is given twice", NULL);
    expect_error("[census]\nreasons = P-X Permanent exclusion\n", "[census] reasons", "item 1", NULL);
    char text[600], list[500] = "";
    for (int i = 0; i < LABELS_CENSUS_MAX; i++) /* exactly the most */
        snprintf(list + strlen(list), sizeof list - strlen(list), "%sC%d Code %d", i ? ", " : "", i, i);
    snprintf(text, sizeof text, "[census]\nreasons = %s\n", list);
    load_ok(text, &cfg);
    assert_string_equal(cfg.census_reasons, list);
    snprintf(text, sizeof text, "[census]\nreasons = %s, D1 One too many\n", list); /* one over */
    expect_error(text, "[census] reasons", "more than 20 codes", NULL);
    /* The list replaces apterm's own: the new codes are known, the old are not. */
    char why[120];
    assert_true(labels_census_configure("PX Permanent exclusion, ZZ Other", why, sizeof why));
    assert_true(label_known(LABELS_CENSUS_REASON, "ZZ"));
    assert_true(label_known(LABELS_CENSUS_REASON, ""));
    assert_false(label_known(LABELS_CENSUS_REASON, "PEX"));
    assert_string_equal(label_text(LABELS_CENSUS_REASON, "ZZ"), "Other");
    assert_true(labels_census_configure("", why, sizeof why)); /* "": the list stays */
    assert_true(label_known(LABELS_CENSUS_REASON, "ZZ"));
    assert_false(labels_census_configure("bad", why, sizeof why));
    assert_true(label_known(LABELS_CENSUS_REASON, "ZZ")); /* a bad list changes nothing */
}

static void test_value_in_message_is_cut_and_safe(void **state)
{
    (void)state;
    char text[700];
    int n = snprintf(text, sizeof text, "[attendance]\nregion = ");

    memset(text + n, 'w', 600);
    memcpy(text + n + 600, "\n", 2);
    expect_error(text, "[attendance] region = \"www", "...\"", "wales or england", NULL);
    assert_true(strlen(ap_error_detail()) < 400);

    /* control characters from the file never reach the terminal */
    expect_error("[attendance]\nregion = \x1b[31mred\n", "[attendance] region = \"?[31mred\"",
                 NULL);
    assert_null(strchr(ap_error_detail(), '\x1b'));
    expect_error("[store]\n\x1b[2J\n", "\"?[2J\"", "line 2", NULL);
}

static void test_decimal_point_ignores_locale(void **state)
{
    (void)state;
    static const char *const comma_locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "nl_NL.UTF-8",
                                                 "cy_GB.UTF-8", "de_DE.utf8", "fr_FR.utf8" };
    struct apterm_config cfg;
    bool comma = false;

    for (size_t i = 0; i < sizeof comma_locales / sizeof comma_locales[0] && !comma; i++)
        if (setlocale(LC_ALL, comma_locales[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            comma = true;
    if (!comma) {
        setlocale(LC_ALL, "");
        print_message("no comma locale installed: checked under \"%s\"\n",
                      setlocale(LC_NUMERIC, NULL));
    }
    load_ok("[rules]\nmin_hours_y3_y6 = 23.5\nfulltime_hours = 17.25\n", &cfg);
    assert_true(cfg.th.min_weekly_hours[BAND_Y3_Y6] == 23.5);
    assert_true(cfg.th.fulltime_hours == 17.25);
    expect_error("[rules]\nmin_hours_y3_y6 = 23,5\n", "[rules] min_hours_y3_y6 = \"23,5\"",
                 "such as 23.5", NULL);
    setlocale(LC_ALL, "C");
}

int main(void)
{
    /* cmocka_run_group_tests names the group after this array */
    const struct CMUnitTest config[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_thresholds_default),
        T(test_config_default),
        T(test_defaults_without_any_file),
        T(test_shipped_ini_equals_defaults),
        T(test_each_rules_key_changes_its_field),
        T(test_other_keys_change_their_fields),
        T(test_money_in_pounds_becomes_pence),
        T(test_missing_explicit_file),
        T(test_apterm_config_variable),
        T(test_lookup_order),
        T(test_empty_file_gives_defaults),
        T(test_syntax_accepted),
        T(test_booleans),
        T(test_store_path_home_expanded),
        T(test_malformed_line),
        T(test_nul_byte),
        T(test_unknown_section),
        T(test_unknown_key),
        T(test_duplicate_key),
        T(test_bom),
        T(test_overlong_line),
        T(test_bad_times),
        T(test_negative_or_zero_threshold),
        T(test_leading_zero_is_decimal),
        T(test_non_numeric),
        T(test_percentage_range),
        T(test_bad_region),
        T(test_bad_boolean),
        T(test_bad_text_and_group),
        T(test_census_lists),
        T(test_value_in_message_is_cut_and_safe),
        T(test_decimal_point_ignores_locale),
#undef T
    };
    return cmocka_run_group_tests(config, group_setup, group_teardown);
}
