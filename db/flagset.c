#include "flagset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "placement.h"
#include "rowio.h"

/* ---- the rows ---------------------------------------------------------------- */

struct keep {
    struct flag_row *rows;
    size_t n, cap;
    bool nomem;
};

/* Whether p points into the kept rows' bytes (fs->pool, flagset_load_saved):
 * such strings are freed with the pool, not one by one. */
static bool in_pool(const struct flagset *fs, const char *p)
{
    return fs && fs->pool && p >= fs->pool && p < fs->pool + fs->pool_len;
}

/* Frees a row's strings (those of fs's pool stay: fs may be NULL). */
static void free_row_strings(const struct flagset *fs, struct flag_row *r)
{
    if (!in_pool(fs, r->kind))
        free((char *)r->kind);
    if (!in_pool(fs, r->subject))
        free((char *)r->subject);
    if (!in_pool(fs, r->reason))
        free((char *)r->reason);
}

/* Frees n rows' strings, not the array. */
static void free_rows_of(const struct flagset *fs, struct flag_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_row_strings(fs, &rows[i]);
}

static void free_rows(const struct flagset *fs, struct flag_row *rows, size_t n)
{
    free_rows_of(fs, rows, n);
    free(rows);
}

/* flag_fn: a copy of the row, its strings owned. */
static void keep_row(void *ctx, const struct flag_row *f)
{
    struct keep *k = ctx;
    if (k->nomem)
        return;
    struct flag_row *grown = rowio_grow(k->rows, &k->cap, k->n, sizeof *k->rows);
    if (!grown) {
        k->nomem = true;
        return;
    }
    k->rows = grown;
    struct flag_row *r = &k->rows[k->n];
    *r = *f;
    r->kind = strdup(f->kind ? f->kind : "");
    r->subject = strdup(f->subject ? f->subject : "");
    r->reason = strdup(f->reason ? f->reason : "");
    k->n++;
    if (!r->kind || !r->subject || !r->reason)
        k->nomem = true;
}

static void count_rows(struct flagset *fs)
{
    fs->counts = (struct flag_counts){0, 0};
    for (size_t i = 0; i < fs->n; i++) {
        if (fs->rows[i].level == FLAG_RED)
            fs->counts.red++;
        else
            fs->counts.amber++;
    }
}

/* The set no longer says which pupils its last change was about. */
static void fresh_clear(struct flagset *fs)
{
    free(fs->fresh_pupils);
    fs->fresh_pupils = NULL;
    fs->n_fresh_pupils = fs->fresh_from = 0;
    fs->fresh = false;
}

/* The set becomes k's rows, of today (its old rows and pool freed); k is emptied. */
static void take_rows(struct flagset *fs, struct keep *k, int today)
{
    fresh_clear(fs);
    free_rows(fs, fs->rows, fs->n);
    free(fs->pool);
    fs->pool = NULL;
    fs->pool_len = 0;
    fs->rows = k->rows;
    fs->n = k->n;
    fs->cap = k->cap;
    fs->today = today;
    fs->known = true;
    *k = (struct keep){0};
}

ap_status flagset_load(struct flagset *fs, struct store *s, const struct thresholds *th, int today)
{
    struct keep k = {0};
    struct flag_counts c = {0, 0};
    ap_status st = flags_collect(s, th, today, keep_row, &k, &c);
    if (st == AP_OK && k.nomem)
        st = ap_fail(AP_ERR_NOMEM, "counting the flags: out of memory");
    if (st != AP_OK) {
        free_rows(NULL, k.rows, k.n);
        return st;
    }
    take_rows(fs, &k, today);
    fs->counts = c;
    return AP_OK;
}

void flagset_free(struct flagset *fs)
{
    fresh_clear(fs);
    free_rows(fs, fs->rows, fs->n);
    free(fs->pool);
    memset(fs, 0, sizeof *fs);
}

void flag_tally_add(struct flag_tally *t, const struct flag_row *r)
{
    if (!rules_flag_raised(r->level))
        return;
    if (r->level == FLAG_RED)
        t->red++;
    else
        t->amber++;
    if (r->level > t->level || !t->reason) {
        t->level = rules_flag_worst(t->level, r->level);
        t->reason = r->reason;
    }
}

/* ---- what a batch touches ---------------------------------------------------- */

static void add_id(int64_t **ids, size_t *n, size_t *cap, int64_t id, bool *all)
{
    if (id <= 0 || *all)
        return;
    if (*n > 0 && (*ids)[*n - 1] == id)
        return; /* the same record as the change before: the usual run of marks */
    int64_t *grown = rowio_grow(*ids, cap, *n, sizeof **ids);
    if (!grown) {
        *all = true; /* out of memory: a whole pass, which needs no list */
        return;
    }
    *ids = grown;
    (*ids)[(*n)++] = id;
}

void flag_touch_add(struct flag_touch *t, const struct feed_change *c)
{
    if (c->whole) {
        t->all = true;
        return;
    }
    switch (feed_table_flags(c->table)) {
    case FEED_FLAGS_NONE:
        return;
    case FEED_FLAGS_ALL:
        t->all = true;
        return;
    case FEED_FLAGS_PUPIL_WIDE:
        add_id(&t->wide_pupils, &t->nwp, &t->cap_wp, c->pupil_id, &t->all);
        break;
    case FEED_FLAGS_PROVIDER_WIDE:
        add_id(&t->wide_providers, &t->nwv, &t->cap_wv, c->provider_id, &t->all);
        break;
    case FEED_FLAGS_MARK:
        add_id(&t->pupils, &t->np, &t->cap_p, c->pupil_id, &t->all);
        add_id(&t->monitored, &t->nm, &t->cap_m, c->provider_id, &t->all);
        return;
    case FEED_FLAGS_RECORD:
        break;
    }
    add_id(&t->pupils, &t->np, &t->cap_p, c->pupil_id, &t->all);
    add_id(&t->providers, &t->nv, &t->cap_v, c->provider_id, &t->all);
}

void flag_touch_add_fn(void *touch, const struct feed_change *c)
{
    flag_touch_add(touch, c);
}

bool flag_touch_empty(const struct flag_touch *t)
{
    return !t->all && t->np == 0 && t->nv == 0 && t->nm == 0;
}

void flag_touch_free(struct flag_touch *t)
{
    free(t->pupils);
    free(t->providers);
    free(t->wide_pupils);
    free(t->wide_providers);
    free(t->monitored);
    memset(t, 0, sizeof *t);
}

/* Sorts and removes repeats. */
static size_t unique(int64_t *ids, size_t n)
{
    if (n == 0)
        return 0;
    qsort(ids, n, sizeof *ids, rowio_id_cmp);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (ids[i] != ids[k - 1])
            ids[k++] = ids[i];
    return k;
}

/* Whether id is in the sorted ids: asked of every flag row after each change
 * (touched_rows). */
static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
    if (id <= 0)
        return false;
    size_t at = rowio_id_lower(ids, n, id);
    return at < n && ids[at] == id;
}

/* Adds to `to` the ids the statement gives for each id of `from` (bound as ?1,
 * today as ?2). */
static ap_status widen(struct store *s, const char *sql, const int64_t *from, size_t n, const char *today,
                       int64_t **to, size_t *nto, size_t *cap, bool *all)
{
    if (n == 0)
        return AP_OK;
    const char *what = "working out whose flags a change touches";
    sqlite3_stmt *st = NULL;
    ap_status result = rowio_prepare(s, sql, &st, what);
    if (result != AP_OK)
        return result;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        rc = sqlite3_bind_int64(st, 1, from[i]);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            add_id(to, nto, cap, sqlite3_column_int64(st, 0), all);
            rc = SQLITE_OK;
        }
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        result = store_fail(s, rc, what);
    sqlite3_finalize(st);
    return result;
}

/* A pupil's own record names them on the registration rule of each provider
 * placing them today (hours, CLA, plan). */
static const char PUPIL_PROVIDERS_SQL[] =
    "SELECT DISTINCT provider_id FROM placement WHERE pupil_id = ?1 AND " PLACEMENT_ACTIVE_ON("placement", "?2");
/* A provider's name is in the intervention flag of the pupils it places,
 * and its status and QA in the quotation flags of the open cases quoting it. */
static const char PROVIDER_PUPILS_SQL[] =
    "SELECT pupil_id FROM placement WHERE provider_id = ?1 AND status IN ('active', 'proposed') "
    "AND (end_date IS NULL OR end_date >= ?2) "
    "UNION SELECT c.pupil_id FROM quote q JOIN panel_case c ON c.id = q.case_id "
    "WHERE q.provider_id = ?1 AND c.status = 'open'";

/* Whether row r belongs to a touched record: a pupil's rows are those naming
 * the pupil (the pupil's own and their open cases'); a provider's, those
 * about the provider alone; a provider touched by marks only, its
 * monitoring row. */
static bool touched(const struct flag_row *r, const struct flag_touch *t)
{
    if (r->pupil_id)
        return has_id(t->pupils, t->np, r->pupil_id);
    if (r->case_id)
        return false;
    return has_id(t->providers, t->nv, r->provider_id) ||
           (has_id(t->monitored, t->nm, r->provider_id) && strcmp(r->kind, FLAG_KIND_MONITORING) == 0);
}

/* Drops from t->monitored the providers whose every flag is worked out again. */
static size_t only_monitored(struct flag_touch *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->nm; i++)
        if (!has_id(t->providers, t->nv, t->monitored[i]))
            t->monitored[k++] = t->monitored[i];
    return k;
}

int flagset_row_cmp(const void *pa, const void *pb)
{
    const struct flag_row *a = pa, *b = pb;
    int c = (a->level > b->level) - (a->level < b->level);
    if (c == 0)
        c = rowio_id_cmp(&a->pupil_id, &b->pupil_id);
    if (c == 0)
        c = rowio_id_cmp(&a->provider_id, &b->provider_id);
    if (c == 0)
        c = rowio_id_cmp(&a->case_id, &b->case_id);
    if (c == 0)
        c = strcmp(a->kind, b->kind);
    if (c == 0)
        c = strcmp(a->subject, b->subject);
    return c ? c : strcmp(a->reason, b->reason);
}

/* qsort on pointers to rows. */
static int row_ptr_cmp(const void *pa, const void *pb)
{
    return flagset_row_cmp(*(const struct flag_row *const *)pa, *(const struct flag_row *const *)pb);
}

/* The positions of the rows of fs that t touches, in order, found in one
 * pass; *n of them. NULL with *n 0 when none, NULL with *n 1 when out of
 * memory. */
static size_t *touched_rows(const struct flagset *fs, const struct flag_touch *t, size_t *n)
{
    size_t *at = NULL, cap = 0;
    *n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        if (!touched(&fs->rows[i], t))
            continue;
        size_t *grown = rowio_grow(at, &cap, *n, sizeof *at);
        if (!grown) {
            free(at);
            *n = 1;
            return NULL;
        }
        at = grown;
        at[(*n)++] = i;
    }
    return at;
}

/* Whether the touched rows of fs (at, nat of them) are the same as the n
 * new ones, in any order: then nothing changed (the usual mark, which moves
 * no flag). False when it cannot tell (out of memory). */
static bool same_rows(const struct flagset *fs, const size_t *at, size_t nat, const struct flag_row *rows, size_t n)
{
    if (nat != n)
        return false;
    if (n == 0)
        return true;
    const struct flag_row **a = malloc(2 * n * sizeof *a);
    if (!a)
        return false;
    const struct flag_row **b = a + n;
    for (size_t i = 0; i < n; i++) {
        a[i] = &fs->rows[at[i]];
        b[i] = &rows[i];
    }
    qsort(a, n, sizeof *a, row_ptr_cmp);
    qsort(b, n, sizeof *b, row_ptr_cmp);
    bool same = true;
    for (size_t i = 0; i < n && same; i++)
        same = row_ptr_cmp(&a[i], &b[i]) == 0;
    free(a);
    return same;
}

ap_status flagset_apply(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                        struct flag_touch *t, bool *changed)
{
    if (changed)
        *changed = false;
    fresh_clear(fs);
    if (flag_touch_empty(t) && fs->known && fs->today == today) {
        flag_touch_free(t);
        return AP_OK;
    }
    ap_status st = AP_OK;
    /* One read: the widening and every record's pass see the same snapshot. */
    bool began = rowio_snapshot_begin(s);
    char day[11];
    date_format(today, day);
    if (!t->all && fs->known && fs->today == today) {
        st = widen(s, PUPIL_PROVIDERS_SQL, t->wide_pupils, t->nwp, day, &t->providers, &t->nv, &t->cap_v, &t->all);
        if (st == AP_OK)
            st = widen(s, PROVIDER_PUPILS_SQL, t->wide_providers, t->nwv, day, &t->pupils, &t->np, &t->cap_p,
                       &t->all);
    }
    t->np = unique(t->pupils, t->np);
    t->nv = unique(t->providers, t->nv);
    t->nm = unique(t->monitored, t->nm);
    t->nm = only_monitored(t);
    /* Whole passes: a new day (every date rule moves), the first count, a
     * change to what every record's rules read, or too many records. */
    if (st == AP_OK &&
        (t->all || !fs->known || fs->today != today || t->np + t->nv + t->nm > FLAGSET_MAX_RECORDS)) {
        st = flagset_load(fs, s, th, today);
        if (st == AP_OK && changed)
            *changed = true;
        goto done;
    }
    struct keep k = {0};
    for (size_t i = 0; st == AP_OK && i < t->nv; i++)
        st = flags_for_provider(s, th, today, t->providers[i], keep_row, &k, NULL);
    for (size_t i = 0; st == AP_OK && i < t->nm; i++)
        st = flags_monitoring_of_provider(s, th, today, t->monitored[i], keep_row, &k);
    for (size_t i = 0; st == AP_OK && i < t->np; i++)
        st = flags_for_pupil(s, th, today, t->pupils[i], keep_row, &k, NULL);
    size_t nat = 0, *at = st == AP_OK ? touched_rows(fs, t, &nat) : NULL;
    if (st == AP_OK && (k.nomem || (!at && nat)))
        st = ap_fail(AP_ERR_NOMEM, "counting the flags: out of memory");
    if (st == AP_OK && same_rows(fs, at, nat, k.rows, k.n)) {
        free_rows(NULL, k.rows, k.n); /* the set is right as it is */
    } else if (st == AP_OK) {
        /* The untouched rows stay where they are; the touched records' new
         * rows follow them. */
        size_t kept = 0;
        for (size_t i = 0, h = 0; i < fs->n; i++) {
            if (h < nat && at[h] == i) {
                free_row_strings(fs, &fs->rows[i]);
                h++;
            } else {
                fs->rows[kept++] = fs->rows[i];
            }
        }
        fs->n = kept;
        size_t moved = 0;
        for (; moved < k.n; moved++) {
            struct flag_row *grown = rowio_grow(fs->rows, &fs->cap, fs->n, sizeof *fs->rows);
            if (!grown)
                break;
            fs->rows = grown;
            fs->rows[fs->n++] = k.rows[moved];
        }
        if (moved < k.n) {
            /* Out of memory: the set lacks rows now, so count everything again. */
            free_rows_of(NULL, k.rows + moved, k.n - moved);
            st = flagset_load(fs, s, th, today);
        } else {
            /* The touched pupils' rows are the last k.n (flagset.h, fresh). */
            fs->fresh_pupils = t->pupils;
            fs->n_fresh_pupils = t->np;
            fs->fresh_from = kept;
            fs->fresh = true;
            t->pupils = NULL;
            t->np = t->cap_p = 0;
        }
        free(k.rows); /* the array only: its rows are the set's, or freed */
        count_rows(fs);
        if (changed)
            *changed = true;
    } else {
        free_rows(NULL, k.rows, k.n);
    }
    free(at);
done:
    rowio_snapshot_end(s, began);
    flag_touch_free(t);
    return st;
}

/* ---- kept in the store ------------------------------------------------------- */

/* How the rows are written (bumped when the encoding below changes). */
#define FLAGSET_FORMAT 2
/* The rules' source as the Makefile saw it (a checksum of db/flags.c and
 * src/rules*.c): another apterm's rules give another id. */
#ifndef FLAGS_RULES_ID
#define FLAGS_RULES_ID 0
#endif

/* What the flags were counted with, as text: the encoding, the rules
 * (FLAGS_RULES_ID), the store's schema, the code set and every
 * threshold. A cache counted with other settings is not used: a new apterm
 * whose rules or store differ counts again. */
static void settings_text(struct store *s, const struct thresholds *th, char *buf, size_t len)
{
    int n = snprintf(buf, len,
                     "f%d|r%lu|s%d|%s|%.4f|%d|%lld|%lld|%lld|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%.4f|%lld|%d|%d|%d|"
                     "%.4f|%d|%d",
                     FLAGSET_FORMAT, (unsigned long)FLAGS_RULES_ID, store_schema_version(s), store_code_set(s),
                     th->fulltime_hours, th->registration_pupils,
                     (long long)th->public_liability_min, (long long)th->employers_liability_min,
                     (long long)th->professional_indemnity_min, th->qa_stage1_months, th->qa_stage2_months,
                     th->qa_stage2_after_concern_days, th->qa_followup_days, th->monitoring_days,
                     th->monitoring_sessions, th->visit_per_term, th->due_soon_days, th->declaration_years,
                     th->psp_review_weeks, th->psp_review_amber_days, th->psp_length_weeks,
                     th->reduced_timetable_weeks, th->rtt_attendance_red_pct, (long long)th->quote_threshold,
                     th->quotes_required, th->qualifications_year, th->intervention_weeks,
                     th->persistent_absence_pct, th->unauth_amber_sessions, th->unauth_red_days);
    for (int b = 0; b < BAND_COUNT && n > 0 && (size_t)n < len; b++)
        n += snprintf(buf + n, len - (size_t)n, "|%.4f", th->min_weekly_hours[b]);
}

/* The rows as bytes: per row the level (4 bytes) and the three ids (8 bytes
 * each), then kind, subject and reason, each ending in a NUL. Read back, the
 * bytes are kept whole (fs->pool) and the rows point into them: one read and
 * no copy per string, for a start that costs little. */
struct bytes {
    unsigned char *p;
    size_t n, cap;
    bool nomem;
};

static void put(struct bytes *b, const void *data, size_t len)
{
    if (b->nomem)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown) {
            b->nomem = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void put_text(struct bytes *b, const char *t)
{
    put(b, t, strlen(t) + 1);
}

#define ROW_HEAD (sizeof(int32_t) + 3 * sizeof(int64_t))

ap_status flagset_save(const struct flagset *fs, struct store *s, const struct thresholds *th,
                       const struct feed_pos *pos)
{
    if (!fs->known || !store_can_write(s) || store_read_only(s))
        return AP_OK;
    struct bytes b = {0};
    for (size_t i = 0; i < fs->n; i++) {
        const struct flag_row *r = &fs->rows[i];
        int32_t level = (int32_t)r->level;
        int64_t ids[3] = {r->pupil_id, r->provider_id, r->case_id};
        put(&b, &level, sizeof level);
        put(&b, ids, sizeof ids);
        put_text(&b, r->kind);
        put_text(&b, r->subject);
        put_text(&b, r->reason);
    }
    if (b.nomem) {
        free(b.p);
        return ap_fail(AP_ERR_NOMEM, "keeping the flags: out of memory");
    }
    char settings[1024];
    settings_text(s, th, settings, sizeof settings);
    const char *what = "keeping the flags";
    ap_status st = store_busy_wait(s, false);
    if (st == AP_OK && (st = store_begin(s)) == AP_ERR_BUSY) {
        free(b.p);
        return store_busy_wait(s, true); /* busy: kept another time */
    }
    bool began = st == AP_OK;
    sqlite3_stmt *q = NULL;
    if (st == AP_OK)
        st = rowio_prepare(s,
                           "INSERT OR REPLACE INTO flag_cache (id, day, settings, audit_id, audit_at, flags) "
                           "VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                           &q, what);
    if (st == AP_OK) {
        int rc = sqlite3_bind_int(q, 1, fs->today);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(q, 2, settings, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(q, 3, pos->id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(q, 4, pos->at, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_blob64(q, 5, b.p ? (const void *)b.p : (const void *)"", b.n, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(q);
        if (rc != SQLITE_DONE)
            st = store_fail(s, rc, what);
    }
    sqlite3_finalize(q);
    if (st == AP_OK)
        st = store_commit(s);
    else if (began)
        store_rollback(s);
    free(b.p);
    ap_status waits = store_busy_wait(s, true);
    return st == AP_OK ? waits : st;
}

/* The text at *at, up to its NUL, moving past it; NULL when the bytes end first. */
static const char *take_text(const char *p, size_t n, size_t *at)
{
    const char *end = memchr(p + *at, '\0', n - *at);
    if (!end)
        return NULL;
    const char *t = p + *at;
    *at = (size_t)(end - p) + 1;
    return t;
}

/* The rows of the n bytes at p (pool, kept by the caller when they read
 * back whole) into k, their strings pointing into the pool. False when they
 * do not read back whole (or no memory). */
static bool rows_of_bytes(const char *p, size_t n, struct keep *k)
{
    size_t i = 0;
    while (i < n) {
        int32_t level;
        int64_t ids[3];
        if (n - i < ROW_HEAD)
            return false;
        memcpy(&level, p + i, sizeof level);
        memcpy(ids, p + i + sizeof level, sizeof ids);
        i += ROW_HEAD;
        const char *kind = take_text(p, n, &i), *subject = kind ? take_text(p, n, &i) : NULL,
                   *reason = subject ? take_text(p, n, &i) : NULL;
        if (!reason || (level != FLAG_RED && level != FLAG_AMBER))
            return false;
        struct flag_row *grown = rowio_grow(k->rows, &k->cap, k->n, sizeof *k->rows);
        if (!grown)
            return false;
        k->rows = grown;
        k->rows[k->n++] = (struct flag_row){(enum flag_level)level, kind, subject, reason, ids[0], ids[1], ids[2]};
    }
    return true;
}

/* The kept row of today's flags under these settings (?1 today, ?2 settings_text). */
#define KEPT_ROW " FROM flag_cache WHERE id = 1 AND day = ?1 AND settings = ?2"

ap_status flagset_kept_at(struct store *s, const struct thresholds *th, int today, struct feed_pos *pos,
                          bool *found)
{
    char settings[1024];
    settings_text(s, th, settings, sizeof settings);
    memset(pos, 0, sizeof *pos);
    return rowio_row(s, "SELECT audit_id, audit_at" KEPT_ROW, "reading the flags kept", found, "it", "It", today,
                     settings, &pos->id, pos->at, sizeof pos->at);
}

ap_status flagset_load_saved(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                             struct feed_pos *pos, bool *found)
{
    *found = false;
    char settings[1024];
    settings_text(s, th, settings, sizeof settings);
    const char *what = "reading the flags kept";
    /* The row's small columns first (its bytes are not read by this), then
     * the bytes straight into the pool (incremental blob I/O: no copy in
     * between), both in one read. */
    sqlite3 *db = store_db(s);
    bool began = rowio_snapshot_begin(s);
    struct feed_pos at = {0};
    int64_t len = -1; /* stays so without a row */
    ap_status st = rowio_row(s, "SELECT audit_id, audit_at, length(flags)" KEPT_ROW, what, NULL, "it", "ItI", today,
                             settings, &at.id, at.at, sizeof at.at, &len);
    int rc;
    char *pool = NULL;
    if (st == AP_OK && len >= 0 && (size_t)len < SIZE_MAX && (pool = malloc((size_t)len + 1)) == NULL)
        st = ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
    if (pool && len > 0) {
        sqlite3_blob *blob = NULL;
        rc = sqlite3_blob_open(db, "main", "flag_cache", "flags", 1, 0, &blob);
        if (rc == SQLITE_OK && sqlite3_blob_bytes(blob) != (int)len)
            rc = SQLITE_CORRUPT; /* cannot be, in the same read */
        if (rc == SQLITE_OK)
            rc = sqlite3_blob_read(blob, pool, (int)len, 0);
        int closed = sqlite3_blob_close(blob);
        if (rc == SQLITE_OK)
            rc = closed;
        if (rc != SQLITE_OK)
            st = store_fail(s, rc, what);
    }
    rowio_snapshot_end(s, began);
    struct keep k = {0};
    if (st == AP_OK && pool) {
        pool[len] = '\0';
        if (rows_of_bytes(pool, (size_t)len, &k)) {
            take_rows(fs, &k, today);
            fs->pool = pool;
            fs->pool_len = (size_t)len + 1;
            pool = NULL;
            count_rows(fs);
            *pos = at;
            *found = true;
        }
    }
    free(k.rows); /* a cache that does not read back whole is not used (its strings are the pool's) */
    free(pool);
    return st;
}

ap_status flagset_start(struct flagset *fs, struct store *s, const struct thresholds *th, int today,
                        struct feed_pos *pos, bool *found)
{
    *found = false;
    bool began = rowio_snapshot_begin(s);
    struct flagset kept = {0};
    struct feed_pos at;
    bool have = false, more = true;
    ap_status st = flagset_load_saved(&kept, s, th, today, &at, &have);
    /* Kept at the newest audit row (the usual start): nothing to read. */
    struct feed_pos head;
    if (st == AP_OK && have && (st = feed_head(s, &head)) == AP_OK && head.id == at.id && strcmp(head.at, at.at) == 0)
        more = false;
    struct flag_touch t = {0};
    while (st == AP_OK && have && more && !t.all && t.np + t.nv + t.nwp + t.nwv <= FLAGSET_MAX_RECORDS)
        st = feed_read(s, &at, 4 * FLAGSET_MAX_RECORDS, flag_touch_add_fn, &t, &more);
    bool few = have && !more && !t.all && t.np + t.nv + t.nwp + t.nwv <= FLAGSET_MAX_RECORDS;
    if (st == AP_OK && few)
        st = flagset_apply(&kept, s, th, today, &t, NULL);
    if (st == AP_OK && few && kept.known && kept.today == today) {
        flagset_free(fs);
        *fs = kept;
        memset(&kept, 0, sizeof kept);
        *pos = at;
        *found = true;
    }
    rowio_snapshot_end(s, began);
    flag_touch_free(&t);
    flagset_free(&kept);
    return st;
}

/* ---- one record's flags, kept ---------------------------------------------------- */

ap_status flag_rows_for_pupil(struct store *s, const struct thresholds *th, int today, int64_t pupil_id,
                              struct flag_row **rows, size_t *n)
{
    struct keep k = {0};
    ap_status st = flags_for_pupil(s, th, today, pupil_id, keep_row, &k, NULL);
    if (st == AP_OK && k.nomem)
        st = ap_fail(AP_ERR_NOMEM, "keeping the flags: out of memory");
    if (st != AP_OK) {
        free_rows(NULL, k.rows, k.n);
        k = (struct keep){0};
    }
    *rows = k.rows;
    *n = k.n;
    return st;
}

void flag_rows_free(struct flag_row *rows, size_t n)
{
    free_rows(NULL, rows, n);
}
