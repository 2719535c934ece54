#ifndef APTERM_FEED_H
#define APTERM_FEED_H

/* The change feed: what other logins changed, read from audit_log.
 *
 * Every insert, update and delete of an audited table leaves a row in
 * audit_log (the triggers db/store.c makes), with an increasing id, the
 * table, the row's key and its old and new values. A session keeps the id
 * of the last row it has applied; when PRAGMA data_version moves it reads
 * only the rows after it (one statement) and refreshes only what they
 * touch: a mark one cell, one pupil's attendance and that pupil's flags; a
 * provider edit that provider's rows and flags.
 *
 * What is not in the feed, and why a session need not see it:
 *   attendance_week  derived from the marks by triggers in the same
 *                    transaction: a mark's feed row stands for it.
 *   psp_draft        a login's unsaved typing (migration 003): only that
 *                    login is offered it, when it next opens the PSP, read
 *                    then; no other session shows drafts.
 *   demo data        generated only into a new store, with one 'meta' row
 *                    at the end: that row asks for a whole reload.
 * Rows that record no change (an export, a backup) are skipped; rows that
 * stand for many changes at once (an import, a restore, an erasure under
 * the retention rule) ask for a whole reload (feed_change.whole). */

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

/* One side of one changed row: an update gives two (the row as it was and
 * as it is, when they name different pupils, providers or cases), an
 * insert or a delete one. The strings live only during the callback. */
struct feed_change {
    int64_t audit_id;
    const char *table;      /* audit_log.tbl: "attendance_mark", "pupil", ... */
    const char *row_key;    /* the row's id, or its key columns joined by '/' */
    const char *action;     /* "insert", "update", "delete", "import", ... */
    int64_t row_id;         /* the row's own id column; 0 when it has none */
    /* Whom the row is about, found from its columns (pupil_id,
     * provider_id, ...) or through its parent (a placement's session, a
     * visit's answer, a PSP's review); 0 when none. */
    int64_t pupil_id, provider_id, case_id;
    /* Cannot be applied row by row: read everything again. */
    bool whole;
};

typedef void (*feed_fn)(void *ctx, const struct feed_change *c);

/* Where a session is in the feed: the last audit row it has applied, by id
 * and time (so that a store restored from a backup, whose rows after that id
 * are another history, is noticed). */
struct feed_pos {
    int64_t id;             /* 0: before the first row */
    char at[32];            /* audit_log.at of that row */
};

/* The newest audit row: where a session that has just read the whole store
 * starts its feed. Call it before that reading, inside or outside the same
 * read transaction: a change committed in between is then applied twice,
 * never missed. */
ap_status feed_head(struct store *s, struct feed_pos *pos);

/* Calls fn for each change recorded after *pos, reading at most `limit`
 * audit rows, in order, and moves *pos past them. *more is set when rows
 * are left for another call. When the row at *pos is no longer the one
 * applied (the store was restored from a backup, or the audit log emptied)
 * fn is called once with whole set and *pos moves to the newest row. One
 * statement, in one read. */
ap_status feed_read(struct store *s, struct feed_pos *pos, int limit, feed_fn fn, void *ctx, bool *more);

/* The changes a session has read and not yet given to its panes (ui/ui.c
 * keeps them while views are open, for the panes to read once the views
 * close). One read of the feed may bring the same change to one row more
 * than once (a row edited twice between two looks): within a read it is
 * kept once. Not against an earlier read's: the views were told of that
 * one already, and must hear of the row again. More than `max` changes at
 * once, or no memory, make it whole: read everything again. */
struct feed_pending_change {
    char table[32], key[64], action[12];
    long long id, pupil_id, provider_id, case_id;
};
struct feed_pending {
    struct feed_pending_change *rows;   /* max of them allocated */
    size_t n, max;
    size_t read_from;                   /* where the current read's changes begin */
    bool whole;
};
/* Empty, keeping at most max changes. */
void feed_pending_init(struct feed_pending *p, size_t max);
/* A new read of the feed begins: later changes are compared with its own only. */
void feed_pending_read(struct feed_pending *p);
/* Keeps c, unless the same change to the same row is kept from this read,
 * or the set is whole (c->whole makes it whole). True when c was kept as a
 * new row. */
bool feed_pending_add(struct feed_pending *p, const struct feed_change *c);
/* Empties p (not whole), keeping its memory. */
void feed_pending_clear(struct feed_pending *p);
void feed_pending_free(struct feed_pending *p);

/* What a change to a table means for the flags of db/flags.h. */
enum feed_flags {
    FEED_FLAGS_NONE = 0,    /* the rules read nothing of it (contacts, calls, ...) */
    FEED_FLAGS_RECORD,      /* the change's pupil and provider */
    FEED_FLAGS_MARK,        /* a mark: its pupil, and its provider's monitoring flag alone
                             * (the only provider rule that reads marks) */
    FEED_FLAGS_PUPIL_WIDE,  /* a pupil's own record: also the providers placing them today */
    FEED_FLAGS_PROVIDER_WIDE, /* a provider's own record or its QA: also the pupils placed
                               * there and the open cases quoting it (they name it) */
    FEED_FLAGS_ALL,         /* every flag (terms, codes, templates, a table not known here) */
};
enum feed_flags feed_table_flags(const char *table);

#endif
