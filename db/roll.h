#ifndef APTERM_ROLL_H
#define APTERM_ROLL_H

/* The lists the two main panes show: every pupil (the roll) and every
 * provider, each loaded with a couple of set-based queries so that a store
 * of 5,000 pupils, 400 providers and two million marks opens at once.
 * Attendance comes from attendance_week (kept by triggers), never from the
 * marks themselves. Nothing here writes, so a viewer may load both. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

/* "Preferred-or-legal-forename surname" into dst (always terminated, cut at
 * a character boundary): the name the team uses for a pupil. */
void roll_display_name(char *dst, size_t len, const char *preferred, const char *forename, const char *surname);
/* The same of the names in columns col (preferred), col + 1 (legal
 * forename) and col + 2 (legal surname) of st's row, copied into *arena;
 * NULL when out of memory. For db/ only. */
struct arena;
struct sqlite3_stmt;
const char *roll_display_name_col(struct arena **arena, struct sqlite3_stmt *st, int col);

/* ---- the roll ---- */

/* One pupil. The strings point into the roll and live until roll_free. */
struct roll_row {
    int64_t id;
    const char *display_name;       /* roll_display_name */
    const char *legal_forename;
    const char *legal_surname;
    const char *preferred_name;     /* "" when none */
    char upn[14];
    int dob;
    int year_group;                 /* rules_year_group(dob, today) */
    int64_t home_school_id;         /* 0 = none */
    const char *home_school;        /* the school's name, "" when none */
    char roll_status[16];           /* LABELS_ROLL_STATUS */
    char cohort[24];                /* LABELS_COHORT */
    char plan[16];                  /* LABELS_PLAN */
    bool cla, fsm;
    /* Active placements today (as db/placement.h defines it). */
    const char *providers;          /* their providers' names by name, joined with ", "; "" when none */
    const int64_t *provider_ids;    /* n_providers ids, in the same order */
    size_t n_providers;
    double weekly_hours;            /* over those placements */
    /* Attendance this term (struct roll's term): sessions from attendance_week. */
    int possible, attending;
    bool has_attendance;            /* false when no possible sessions: show "–", not 0 % */
    double attendance_pct;          /* rules_attendance_pct; only when has_attendance */
    int start_date, end_date;       /* DATE_NONE when not set */
    bool on_roll;                   /* no end date, or one not before today */
};

struct arena;

struct roll {
    struct roll_row *rows;          /* by legal surname, then forename (case-insensitive) */
    size_t n;
    int today;
    /* The term whose attendance is shown: the one containing today, else the
     * latest before it. have_term false when the calendar has none. */
    bool have_term;
    int term_start, term_end;
    char term_name[40];             /* "autumn 2026/27" */
    /* A first screenful (roll_load_first): only the first first_limit
     * pupils on roll, by name; on_roll_total counts them all. 0 for a whole roll. */
    int first_limit;
    int64_t on_roll_total;
    int64_t only_id;                /* private: one pupil's row being read again */
    const char *only_ids;           /* private: the pupils being read (roll_load_pupils), a JSON array */
    struct arena *arena;       /* private: the strings */
    /* private: roll_reload_pupils' index from id to row, made at its first
     * use (the rows are by name) for n_indexed rows: dense (row_at, ids
     * below n_row_at) or sorted by id (by_id) */
    int32_t *row_at;
    size_t n_row_at;
    struct rowio_id_at *by_id;
    size_t n_indexed;
};

/* Loads every pupil, on roll or not, as of today. *out is the caller's, to
 * free with roll_free. */
ap_status roll_load(struct store *s, int today, struct roll **out);
/* Only the pupils ids[0..n), exactly as roll_load has them, in the roll's
 * order (an id of no pupil is left out): for a view that orders its rows
 * itself (roll_order) and reads the rows it shows as they come into sight
 * (the attendance grid). */
ap_status roll_load_pupils(struct store *s, int today, const int64_t *ids, size_t n, struct roll **out);
/* Every pupil's id in the roll's order (legal surname, then forename,
 * case-insensitive, then id), from the name index alone: *ids is the
 * caller's to free. */
ap_status roll_order(struct store *s, int64_t **ids, size_t *n);
/* The ids of the pupils on roll today (roll_row.on_roll), in no order: the caller's to free. */
ap_status roll_on_roll(struct store *s, int today, int64_t **ids, size_t *n);

/* Only the first `limit` pupils on roll, by name, exactly as roll_load has
 * them: what the roll shows as it opens, so that the first frame does not
 * wait for 5,000 pupils. Load the whole roll right after the frame. */
ap_status roll_load_first(struct store *s, int today, int limit, struct roll **out);
void roll_free(struct roll *r);

/* Reads again, in place, the rows of the pupils ids[0..n) (changes in the
 * feed, db/feed.h, named them: a mark, a placement, an edit), so that each
 * is exactly what roll_load would read now; the order stays. Sets *whole
 * instead, changing nothing, when that cannot be done row by row - a pupil
 * added or removed, a name changed (the roll is in name order), a first
 * screenful: then load the roll again. The new strings go in the roll's
 * arena (the old stay until roll_free). One read. */
ap_status roll_reload_pupils(struct store *s, struct roll *r, const int64_t *ids, size_t n, bool *whole);

/* What a change in the feed to a row of table (action "insert", "update" or
 * "delete"; about pupil_id, 0 when none) means for the roll. A change that
 * stands for many (feed_change.whole) means the whole roll. */
enum roll_change {
    ROLL_CHANGE_NONE,   /* nothing the roll shows */
    ROLL_CHANGE_ROW,    /* the row of c->pupil_id (roll_reload_pupils) */
    ROLL_CHANGE_WHOLE,  /* load the roll again */
};
enum roll_change roll_change_of(const char *table, const char *action, int64_t pupil_id);

/* The row of a pupil, or NULL. Linear: for an occasional look-up. */
const struct roll_row *roll_find(const struct roll *r, int64_t pupil_id);
/* The index in r->rows of a pupil's row, or -1: through an index by id made
 * at the first call (dense when the ids allow, else sorted), kept with the
 * roll; by a linear search when out of memory. For a session, which looks a
 * pupil up again after each mark and every pupil flag after each change. */
long roll_index_of(struct roll *r, int64_t pupil_id);
/* Whether the pupil is placed with the provider now (for filtering). */
bool roll_row_has_provider(const struct roll_row *row, int64_t provider_id);

/* One active placement today, as the roll and the tracking grid read them:
 * the pupil, the provider and its name (in the reader's arena), and the
 * placement's weekly hours (0 where not read). */
struct roll_placed {
    int64_t pupil_id, provider_id;
    const char *name;
    double hours;
};
/* Gives each pupil's placements to fn with ctx: list[0..n) sorted by pupil,
 * then by provider name (not minding case), then by provider id, one call a
 * pupil. Stops at and returns fn's first status that is not AP_OK. */
typedef ap_status roll_placed_fn(void *ctx, const struct roll_placed *list, size_t n);
ap_status roll_placed_each_pupil(struct roll_placed *list, size_t n, roll_placed_fn *fn, void *ctx);
/* One pupil's providers from that pupil's placements list[0..n) (n > 0, in
 * roll_placed_each_pupil's order), each provider once: *names their names
 * joined with ", ", *ids their ids, *nids how many; both in the arena. False
 * when out of memory. */
bool roll_placed_join(struct arena **arena, const struct roll_placed *list, size_t n, const char **names,
                      const int64_t **ids, size_t *nids);

/* ---- the provider list ---- */

struct provider_list_row {
    int64_t id;
    char name[121];
    char registration[24];          /* LABELS_REGISTRATION */
    char status[12];                /* LABELS_PROVIDER_STATUS */
    int pupils_now;                 /* pupils with an active placement there today */
    int fulltime_now;               /* of whom at or above th->fulltime_hours a week there */
    /* Insurance (rules_insurance). Providers that are state-maintained
     * (maintained school, PRU, academy) are not checked, as in db/flags.c. */
    enum flag_level insurance_level;    /* FLAG_NONE or FLAG_AMBER */
    char insurance[24];             /* "meets minimums", "below minimum", "none recorded", "not checked" */
    double insurance_ratio;         /* lowest of the three covers as a fraction of its minimum;
                                       -1 when not checked */
    char insurance_why[RULES_WHY_LEN];  /* every shortfall, "" when none */
    int last_stage1, last_stage2;   /* latest closed QA visit of each stage; DATE_NONE when none */
};

struct provider_list {
    struct provider_list_row *rows; /* by name (case-insensitive) */
    size_t n;
};

/* Loads every provider, active or suspended, as of today. *out is the
 * caller's, to free with provider_list_free. */
ap_status provider_list_load(struct store *s, const struct thresholds *th, int today, struct provider_list **out);
void provider_list_free(struct provider_list *l);

/* Every provider's id and name, by id: for a view that only names
 * providers (the attendance grid), without provider_list_load's figures. */
struct provider_name {
    int64_t id;
    char name[121];
};
ap_status provider_names_load(struct store *s, struct provider_name **out, size_t *n);

#endif
