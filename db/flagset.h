#ifndef APTERM_FLAGSET_H
#define APTERM_FLAGSET_H

/* The flags of the whole store kept up to date from the change feed.
 *
 * A session counts every flag once (flagset_load: one flags_collect pass)
 * and afterwards, for each batch of changes the feed (db/feed.h) brings,
 * works out again only the flags of the pupils and providers the changes
 * touch (flagset_apply: flags_for_pupil / flags_for_provider, each a few
 * rows - the term's attendance comes from attendance_week), replacing those
 * records' rows and nothing else. So the set is always what a fresh
 * flags_collect would report, the same rows, though not in its order across
 * records (each record's own flags keep the rules' order). Whole passes
 * remain for what cannot be done record by record, said where it is done:
 * a new day, a change to the terms, codes or QA templates, an import or a
 * restore, or more records touched at once than a pass costs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "flags.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

/* More records touched by one batch than this: one whole pass costs less
 * than a pass per record (a record's is about a millisecond; a whole one,
 * on 5,000 pupils, a few hundred). */
#define FLAGSET_MAX_RECORDS 100

struct flagset {
    struct flag_row *rows;      /* kind, subject and reason owned by the set */
    size_t n, cap;
    struct flag_counts counts;
    int today;                  /* the day the flags are of */
    bool known;                 /* false until the first flagset_load */
    /* The kept rows' bytes as read (flagset_load_saved): the strings of rows
     * read back point into them, and are freed with them. */
    char *pool;
    size_t pool_len;
    /* What the last flagset_apply worked out again, when it changed the set
     * without counting every flag: those pupils' rows (none, or some) are now
     * rows[fresh_from..n), after every row it left as it was. fresh is false
     * after any other change to the set. */
    int64_t *fresh_pupils;      /* sorted */
    size_t n_fresh_pupils, fresh_from;
    bool fresh;
};

/* A record's flags as a list shows them: how many red and amber, and the
 * worst with its reason (the first of that level in the set's order; the
 * set's string). Zeroed to start. */
struct flag_tally {
    enum flag_level level;
    int red, amber;
    const char *reason;
};

/* Adds a flag row to t, when it is raised (red or amber). */
void flag_tally_add(struct flag_tally *t, const struct flag_row *r);

/* What a batch of changes touches, for flagset_apply. Zeroed to start. */
struct flag_touch {
    int64_t *pupils, *providers;        /* their flags again */
    int64_t *wide_pupils, *wide_providers; /* ... and those of the records they name */
    int64_t *monitored;                 /* providers whose monitoring flag alone: a mark's */
    size_t np, nv, nwp, nwv, nm;
    size_t cap_p, cap_v, cap_wp, cap_wv, cap_m;
    bool all;                           /* every flag again */
};

/* Counts every flag as of today (flags_collect). On failure the set is as
 * it was. */
ap_status flagset_load(struct flagset *fs, struct store *s, const struct thresholds *th, int today);
void flagset_free(struct flagset *fs);

/* The set as last counted is kept in the store (flag_cache, migration 033)
 * with the feed position it includes, so that a session starts from it and
 * applies the feed from there instead of counting every flag first.
 * flagset_save writes fs, exact as of pos, for flags of `th` and the
 * store's code set (a viewer, or a store opened read-only, writes nothing
 * and it is AP_OK; so does a store busy with another user's save: it never
 * waits, the next session counting again instead). flagset_load_saved reads it when it is of today and of
 * the same thresholds and code set: *found then, fs replaced and *pos where
 * the feed goes on from; otherwise *found false and fs unchanged. */
ap_status flagset_save(const struct flagset *fs, struct store *s, const struct thresholds *th,
                       const struct feed_pos *pos);
ap_status flagset_load_saved(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                             struct feed_pos *pos, bool *found);

/* Where the flags kept for today and these settings were counted to (*found
 * false when none are kept for them): reads that alone, not the rows. So
 * that a session whose flags and feed have not moved since need not keep
 * them again. */
ap_status flagset_kept_at(struct store *s, const struct thresholds *th, int today, struct feed_pos *pos,
                          bool *found);

/* The flags as of now, from those kept: in one read, the set kept
 * (flagset_load_saved) and every change the feed has after it, applied
 * (flagset_apply), so that nothing another login changed in between is
 * missed. *found then, fs replaced (exact as of that read) and *pos the
 * newest audit row it includes. *found false and fs unchanged when none are
 * kept for today and these settings, or the changes since are more than a
 * pass per record is worth (FLAGSET_MAX_RECORDS), or stand for many (an
 * import, a restore, a change to the terms): then count them
 * (flagset_load). What a session starts from, and what a report uses. */
ap_status flagset_start(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                        struct feed_pos *pos, bool *found);

/* Orders flag rows by every field (qsort on an array of struct flag_row):
 * two rows compare equal only when they are the same flag. */
int flagset_row_cmp(const void *a, const void *b);

/* Notes what a change touches (feed_table_flags says what its table means
 * for the flags). */
void flag_touch_add(struct flag_touch *t, const struct feed_change *c);
/* The same as a feed_fn (db/feed.h), touch a struct flag_touch. */
void flag_touch_add_fn(void *touch, const struct feed_change *c);
bool flag_touch_empty(const struct flag_touch *t);
/* Empties t, keeping nothing. */
void flag_touch_free(struct flag_touch *t);

/* Works out again the flags of what t touches, as of today, in one read,
 * and replaces those records' rows (of a provider touched only by marks,
 * its monitoring row alone: flags_monitoring_of_provider); a whole flagset_load when t->all, on a
 * new day, before the first load, or when t touches many records. t is
 * emptied. *changed (may be NULL) is set when any row or count changed. On
 * failure the set is as it was. */
ap_status flagset_apply(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                        struct flag_touch *t, bool *changed);

/* One pupil's flags now (flags_for_pupil), as rows whose strings are owned
 * like a set's: *rows and *n (none on failure). flag_rows_free frees them. */
ap_status flag_rows_for_pupil(struct store *s, const struct thresholds *th, int today, int64_t pupil_id,
                              struct flag_row **rows, size_t *n);
void flag_rows_free(struct flag_row *rows, size_t n);

#endif
