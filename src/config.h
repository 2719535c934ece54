#ifndef APTERM_CONFIG_H
#define APTERM_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "thresholds.h"

enum region { REGION_WALES = 0, REGION_ENGLAND = 1 };

/* What the tracking ratings 1 to 5 mean, unless apterm.ini says otherwise. */
#define CONFIG_RATING_WORDS "serious concern, some concern, steady, good, very good"

/* The word for rating (1-5) out of words (five, commas between), into buf:
 * "steady". "" for a rating out of range. Returns buf. */
char *config_rating_word(const char *words, int rating, char *buf, size_t len);

struct apterm_config {
    char source[PATH_MAX];       /* the file read, "" when built-in defaults */
    char store_path[PATH_MAX];   /* [store] path; "~/" expanded */
    char store_group[64];        /* [store] group: new stores 0660 for it; "" = 0600 */
    enum region region;          /* [attendance] region = wales | england */
    int close_am_minutes;        /* [attendance] close_am = HH:MM, minutes after midnight */
    int close_pm_minutes;        /* [attendance] close_pm */
    bool colour;                 /* [display] colour */
    char rating_words[200];      /* [display] rating_words: what 1-5 mean, five, commas between */
    char organisation[256];      /* [exports] organisation */
    int backup_keep;             /* [backup] keep: how many backups apterm backup keeps in its folder */
    int retention_years;         /* [retention] years: registers kept at least this long (6 or more) */
    char census_reasons[1000];   /* [census] reasons: "CODE words, ..."; "" = apterm's own list */
    struct thresholds th;        /* [rules] ... */
};

/* Built-in defaults. */
void config_default(struct apterm_config *cfg);

/* Find and load the configuration: explicit (--config) if not NULL, else
 * $APTERM_CONFIG, ./apterm.ini, ~/.config/apterm/apterm.ini,
 * /etc/apterm/apterm.ini; defaults when none exists. An explicit file that
 * does not exist is an error. On error returns AP_ERR_CONFIG with a detail
 * naming the file, the key and what is expected (ap_error_detail()). */
ap_status config_load(const char *explicit_path, struct apterm_config *cfg);

/* The system-wide file, SYSCONFDIR/apterm/apterm.ini (/etc unless `make
 * install` built apterm with another SYSCONFDIR). */
const char *config_system_file(void);

/* Load exactly this file over the defaults. */
ap_status config_load_file(const char *path, struct apterm_config *cfg);

/* The code set name stored in the store for a region: "wales" / "england". */
const char *config_region_name(enum region r);

#endif
