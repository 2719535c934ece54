/* The attendance grid's model: time, the small helpers on its columns and
 * rows, and loading the week from the store (db/marks.h, db/calendar.h,
 * db/roll.h do the SQL). */

#include "att_model.h"
#include "panes.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "attr.h"
#include "draw.h"
#include "calendar.h"
#include "date.h"
#include "flags.h"
#include "form.h"
#include "register.h"
#include "lineedit.h"
#include "marks.h"
#include "provider.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "shell.h"
#include "utf8.h"

/* ---- Time ------------------------------------------------------------------- */

/* Seconds since local midnight (src/date.h: APTERM_NOW starts the clock). */
int clock_secs(void)
{
    return date_now_secs();
}

/* "09:36" local time for a stored UTC stamp "YYYY-MM-DD HH:MM:SS", with the
 * date in front when it is not today ("Thu 19 Nov 09:36"). */
void local_stamp(const char *utc, char *buf, size_t len)
{
    time_t t;
    if (!date_parse_utc_stamp(utc, &t)) {
        snprintf(buf, len, "%s", utc);
        return;
    }
    struct tm lt, nowt;
    time_t now = time(NULL);
    localtime_r(&t, &lt);
    localtime_r(&now, &nowt);
    if (lt.tm_year == nowt.tm_year && lt.tm_yday == nowt.tm_yday)
        strftime(buf, len, "%H:%M", &lt);
    else
        strftime(buf, len, "%a %d %b %Y %H:%M", &lt);
}

/* ---- Small helpers -------------------------------------------------------------- */

static long find_ix(const struct rowio_id_at *index, size_t n, int64_t id)
{
    return index && n ? rowio_id_at_find(index, n, id) : -1;
}

/* A row whose pupil the roll no longer has (deleted by another login
 * before the week is read again): shown blank, and not asked for again. */
static const struct roll_row blank_pupil = {.display_name = "", .legal_forename = "", .legal_surname = "",
                                            .preferred_name = "", .home_school = "", .providers = "",
                                            .on_roll = true, .start_date = DATE_NONE, .end_date = DATE_NONE};

const struct roll_row *row_pupil(struct att *a, const struct grid_row *r)
{
    size_t i = (size_t)(r - a->rows);
    if (!r->pupil)
        read_rows(a, i, i + ROWS_READ); /* the rows below come into sight next */
    return r->pupil ? r->pupil : &blank_pupil;
}

int col_day(const struct att *a, int col)
{
    return a->week + col / 2;
}

enum session col_session(int col)
{
    return col % 2 ? SESSION_PM : SESSION_AM;
}

const char *session_word(enum session s)
{
    return s == SESSION_PM ? "PM" : "AM";
}

/* "Fri 20 Nov" */
void day_text(int day, char *buf, size_t len)
{
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%s %d %s", wd[date_weekday(day)], d, months[m - 1]);
}

/* "Fri 20 Nov AM" */
void cell_text(const struct att *a, int col, char *buf, size_t len)
{
    char d[24];
    day_text(col_day(a, col), d, sizeof d);
    snprintf(buf, len, "%s %s", d, session_word(col_session(col)));
}

bool expected_at(const struct grid_row *r, int col)
{
    return (r->expected >> col) & 1u;
}

/* The session has begun: its unreported expected pupils are missing. */
bool started(const struct att *a, int col)
{
    int day = col_day(a, col);
    if (day != a->today)
        return day < a->today;
    return col_session(col) == SESSION_AM || clock_secs() >= NOON;
}

/* The session that is under way now, as a column of today's week (-1 when
 * today is not a weekday). */
int current_col(const struct att *a)
{
    int wd = date_weekday(a->today);
    if (wd > 4)
        return -1;
    return wd * 2 + (clock_secs() >= NOON ? 1 : 0);
}

const struct code_info *code_of(const struct att *a, char code)
{
    return code ? codes_find(&a->codes, code) : NULL;
}

bool is_absence(const struct code_info *c)
{
    return c && (c->category == CAT_AUTHORISED || c->category == CAT_UNAUTHORISED);
}

void put_fit(WINDOW *w, int y, int x, const char *text, int cols, attr_t attr, unsigned flags)
{
    if (cols > 0)
        draw_text(w, y, x, cols, text, attr, flags);
}

/* ---- Loading ---------------------------------------------------------------------- */

/* The rolls of the rows read: the rows' pupils point into them. */
static void free_read(struct att *a)
{
    for (size_t i = 0; i < a->nread; i++)
        roll_free(a->read[i]);
    free(a->read);
    a->read = NULL;
    a->nread = 0;
    for (size_t i = 0; i < a->nrows; i++)
        a->rows[i].pupil = NULL;
}

bool read_rows(struct att *a, size_t from, size_t to)
{
    if (to > a->nrows)
        to = a->nrows;
    int64_t *ids = malloc((to > from ? to - from : 1) * sizeof *ids);
    struct roll **grown = realloc(a->read, (a->nread + 1) * sizeof *grown);
    if (grown)
        a->read = grown;
    size_t n = 0;
    for (size_t i = from; ids && i < to; i++)
        if (!a->rows[i].pupil)
            ids[n++] = a->rows[i].pupil_id;
    struct roll *r = NULL;
    struct rowio_id_at *index = NULL;
    ap_status st = ids && grown ? AP_OK : ap_fail(AP_ERR_NOMEM, "out of memory");
    if (st == AP_OK && n)
        st = roll_load_pupils(ui_store(a->ui), a->today, ids, n, &r);
    if (st == AP_OK && r && r->n &&
        !(index = rowio_id_at_build(r->rows, r->n, sizeof *r->rows, offsetof(struct roll_row, id))))
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    free(ids);
    if (st != AP_OK) {
        roll_free(r);
        ui_error(a->ui, "The pupils' names could not be read: %s", ap_error_detail());
        return false;
    }
    if (r && r->n == 0) {
        roll_free(r); /* none of them is on the roll now: nothing to keep */
        r = NULL;
    }
    for (size_t i = from; i < to; i++) /* the rows read are given their pupils below */
        if (!a->rows[i].pupil && (!r || !index || rowio_id_at_find(index, r->n, a->rows[i].pupil_id) < 0)) {
            a->rows[i].pupil = &blank_pupil;
            a->rows[i].term_known = true;
        }
    if (!r)
        return true; /* all read already, or none of them there */
    a->read[a->nread++] = r;
    a->have_term = r->have_term;
    a->term_start = r->term_start;
    a->term_end = r->term_end;
    for (size_t i = from; index && i < to; i++) {
        struct grid_row *g = &a->rows[i];
        long at = g->pupil ? -1 : rowio_id_at_find(index, r->n, g->pupil_id);
        if (at < 0)
            continue;
        g->pupil = &r->rows[at];
        if (!g->term_known) {
            g->term_possible = g->pupil->possible;
            g->term_attending = g->pupil->attending;
            g->term_known = true;
        }
    }
    free(index);
    return true;
}

static void free_week(struct att *a)
{
    free_read(a);
    free(a->rows);
    free(a->row_by_id);
    a->rows = NULL;
    a->row_by_id = NULL;
    a->nrows = 0;
}

void free_all(struct att *a)
{
    free_week(a);
    codes_free(&a->codes);
    calendar_free(&a->cal);
    free_read(a);
    free(a->rank_by_id);
    a->rank_by_id = NULL;
    a->nranks = 0;
    free(a->providers);
    a->providers = NULL;
    free(a->provider_rank);
    a->provider_rank = NULL;
    a->nproviders = 0;
    a->loaded = false;
}

static const struct provider_name *provider_of(const struct att *a, int64_t id)
{
    return a->nproviders ? bsearch(&id, a->providers, a->nproviders, sizeof *a->providers, rowio_id_cmp) : NULL;
}

const char *provider_name(const struct att *a, int64_t id)
{
    const struct provider_name *hit = provider_of(a, id);
    return hit ? hit->name : ""; /* the providers are by id, the id first */
}

static int provider_name_cmp(const void *pa, const void *pb)
{
    const struct provider_name *const *x = pa, *const *y = pb;
    return strcasecmp((*x)->name, (*y)->name);
}

/* Each provider's place in name order, case aside (names alike share
 * one), so that the rows sort on numbers: false when out of memory. */
static bool rank_providers(struct att *a)
{
    const struct provider_name **by_name = malloc((a->nproviders ? a->nproviders : 1) * sizeof *by_name);
    a->provider_rank = malloc((a->nproviders ? a->nproviders : 1) * sizeof *a->provider_rank);
    if (!by_name || !a->provider_rank) {
        free(by_name);
        return false;
    }
    for (size_t i = 0; i < a->nproviders; i++)
        by_name[i] = &a->providers[i];
    qsort(by_name, a->nproviders, sizeof *by_name, provider_name_cmp);
    int rank = 0;
    for (size_t i = 0; i < a->nproviders; i++) {
        if (i && provider_name_cmp(&by_name[i - 1], &by_name[i]) != 0)
            rank = (int)i;
        a->provider_rank[by_name[i] - a->providers] = rank;
    }
    free(by_name);
    return true;
}

/* Building the rows of a week. */
struct builder {
    struct att *a;
    long *row_of;          /* rank -> row, -1 */
    size_t cap;
    bool nomem;
    int64_t last_pupil;    /* the pupil of the last expected session (they come by pupil) */
    long last_row;         /* its row, -1 when none */
};

static struct grid_row *builder_row(struct builder *b, int64_t pupil_id)
{
    struct att *a = b->a;
    long ri = find_ix(a->rank_by_id, a->nranks, pupil_id);
    if (ri < 0 || b->nomem)
        return NULL;
    if (b->row_of[ri] >= 0)
        return &a->rows[b->row_of[ri]];
    if (a->nrows == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct grid_row *grown = realloc(a->rows, cap * sizeof *grown);
        if (!grown) {
            b->nomem = true;
            return NULL;
        }
        a->rows = grown;
        b->cap = cap;
    }
    struct grid_row *r = &a->rows[a->nrows];
    memset(r, 0, sizeof *r);
    r->pupil_id = pupil_id;
    r->rank = (size_t)ri;
    r->provider = "";
    b->row_of[ri] = (long)a->nrows++; /* its term figures when shown (row_term) */
    return r;
}

static bool builder_expected(void *ctx, const struct expected *e)
{
    struct builder *b = ctx;
    struct att *a = b->a;
    if (e->pupil_id != b->last_pupil) {
        struct grid_row *found = builder_row(b, e->pupil_id);
        b->last_pupil = e->pupil_id;
        b->last_row = found ? found - a->rows : -1;
    }
    struct grid_row *r = b->last_row >= 0 ? &a->rows[b->last_row] : NULL;
    if (!r)
        return !b->nomem; /* not on the roll: nothing to show */
    r->expected |= 1u << ((e->day - a->week) * 2 + (e->session == SESSION_PM));
    /* Today's provider wins (the morning's, when two); else the week's first. */
    if (e->day == a->today && !r->provider_today) {
        r->provider_id = e->provider_id;
        r->provider_today = true;
    } else if (!r->provider_id) {
        r->provider_id = e->provider_id;
    }
    return true;
}

static void builder_mark(void *ctx, const struct mark *m)
{
    struct builder *b = ctx;
    int col = (m->day - b->a->week) * 2 + (m->session == SESSION_PM);
    if (col < 0 || col >= NSESS)
        return;
    struct grid_row *r = builder_row(b, m->pupil_id);
    if (!r)
        return;
    r->c[col].code = m->code[0];
    r->c[col].reported = m->reported_code[0];
    r->c[col].version = m->version;
    if (!r->provider_id && m->provider_id)
        r->provider_id = m->provider_id;
}

static void index_rows(struct att *a)
{
    free(a->row_by_id);
    a->row_by_id = rowio_id_at_build(a->rows, a->nrows, sizeof *a->rows, offsetof(struct grid_row, pupil_id));
}

long row_of_pupil(const struct att *a, int64_t pupil_id)
{
    return find_ix(a->row_by_id, a->nrows, pupil_id);
}

/* Which group a row sorts in: by provider (its name's place, case aside),
 * pupils with none last; one group when the rows are in name order. */
static size_t row_group(const struct att *a, const struct grid_row *r)
{
    if (a->by_name)
        return 0;
    return r->provider_rank == INT_MAX ? a->nproviders : (size_t)r->provider_rank;
}

/* The rows by group (row_group), then in the roll's order (by name). A
 * row's rank, its pupil's place in the roll's order, is its own, so the
 * order is found by counting, with no comparison: the rows taken in rank
 * order, each put at the next place of its group. */
void sort_rows(struct att *a)
{
    size_t n = a->nrows, groups = a->by_name ? 1 : a->nproviders + 1;
    long *by_rank = malloc((a->nranks ? a->nranks : 1) * sizeof *by_rank);
    size_t *next = calloc(groups + 1, sizeof *next);
    struct grid_row *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!by_rank || !next || !sorted) {
        ui_error(a->ui, "The rows could not be put in order: out of memory");
    } else {
        for (size_t k = 0; k < a->nranks; k++)
            by_rank[k] = -1;
        for (size_t i = 0; i < n; i++) {
            by_rank[a->rows[i].rank] = (long)i;
            next[row_group(a, &a->rows[i]) + 1]++;
        }
        for (size_t g = 0; g < groups; g++)
            next[g + 1] += next[g];
        for (size_t k = 0; k < a->nranks; k++)
            if (by_rank[k] >= 0)
                sorted[next[row_group(a, &a->rows[by_rank[k]])]++] = a->rows[by_rank[k]];
        free(a->rows);
        a->rows = sorted;
        sorted = NULL;
    }
    free(by_rank);
    free(next);
    free(sorted);
    index_rows(a);
}

/* Takes the consecutive-unauthorised-absence flags from the shell's pass. */
void map_flags(struct att *a)
{
    for (size_t i = 0; i < a->nrows; i++) {
        a->rows[i].run = FLAG_NONE;
        a->rows[i].run_why = NULL;
    }
    const struct flag_row *f;
    size_t n;
    if (!ui_flags(a->ui, &f, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].pupil_id || strcmp(f[i].kind, FLAG_KIND_UNAUTH_RUN) != 0)
            continue;
        long r = row_of_pupil(a, f[i].pupil_id);
        if (r >= 0 && f[i].level > a->rows[r].run) {
            a->rows[r].run = f[i].level;
            a->rows[r].run_why = f[i].reason;
        }
    }
}

/* Loads the rows of the week a->week from the store; false (with a message)
 * when it could not, leaving no rows. */
bool load_week(struct att *a)
{
    free_week(a);
    if (!a->rank_by_id)
        return false;
    struct store *s = ui_store(a->ui);
    int64_t version = store_data_version(s); /* before reading: a commit meanwhile reads again */
    struct builder b = {.a = a, .last_row = -1};
    b.row_of = malloc((a->nranks ? a->nranks : 1) * sizeof *b.row_of);
    if (!b.row_of) {
        ui_error(a->ui, "The week could not be loaded: out of memory");
        return false;
    }
    for (size_t i = 0; i < a->nranks; i++)
        b.row_of[i] = -1;
    for (int d = 0; d < 5; d++)
        a->school[d] = calendar_is_school_day(&a->cal, a->week + d);
    ap_status st = marks_expected_week(s, &a->cal, a->week, builder_expected, &b);
    if (st == AP_OK)
        st = marks_cells(s, a->week, a->week + 4, builder_mark, &b);
    if (st == AP_OK && a->all) {
        int64_t *on = NULL;
        size_t non = 0;
        st = roll_on_roll(s, a->today, &on, &non);
        for (size_t i = 0; i < non; i++)
            builder_row(&b, on[i]);
        free(on);
    }
    free(b.row_of);
    if (st != AP_OK || b.nomem) {
        ui_error(a->ui, "The week could not be loaded: %s", b.nomem ? "out of memory" : ap_error_detail());
        free_week(a);
        return false;
    }
    for (size_t i = 0; i < a->nrows; i++) {
        struct grid_row *r = &a->rows[i];
        const struct provider_name *p = provider_of(a, r->provider_id);
        r->provider = p ? p->name : "";
        r->provider_rank = r->provider[0] ? a->provider_rank[p - a->providers] : INT_MAX;
    }
    sort_rows(a);
    map_flags(a);
    a->loaded_version = version;
    return true;
}

/* Loads the codes, the calendar, the roll and the providers, then the week. */
bool load_all(struct att *a)
{
    struct store *s = ui_store(a->ui);
    free_all(a);
    a->today = ui_today(a->ui);
    ap_status st = codes_load(s, &a->codes);
    if (st == AP_OK)
        st = calendar_load(s, &a->cal);
    int64_t *order = NULL;
    if (st == AP_OK)
        st = roll_order(s, &order, &a->nranks);
    if (st == AP_OK)
        st = provider_names_load(s, &a->providers, &a->nproviders);
    if (st != AP_OK) {
        free(order);
        ui_error(a->ui, "Attendance could not be loaded: %s", ap_error_detail());
        free_all(a);
        return false;
    }
    a->rank_by_id = rowio_id_at_build(order, a->nranks, sizeof *order, 0); /* at: the place in order */
    free(order);
    if (!a->rank_by_id || !rank_providers(a)) {
        ui_error(a->ui, "Attendance could not be loaded: out of memory");
        free_all(a);
        return false;
    }
    a->loaded = load_week(a);
    return a->loaded;
}

/* The row's term figures: read with its pupil (row_pupil), then kept up
 * to date by our own marks (att_mark.c) and the feed (row_term_again). */
void row_term(struct att *a, struct grid_row *r)
{
    if (r->term_known)
        return;
    if (r->pupil)
        row_term_again(a, r);
    else
        row_pupil(a, r);
}

void row_term_again(struct att *a, struct grid_row *r)
{
    if (!r->pupil)
        return; /* read as it comes into sight */
    struct roll *one = NULL;
    r->term_known = false;
    if (roll_load_pupils(ui_store(a->ui), a->today, &r->pupil_id, 1, &one) == AP_OK && one->n == 1) {
        r->term_possible = one->rows[0].possible;
        r->term_attending = one->rows[0].attending;
        r->term_known = true;
    }
    roll_free(one); /* unknown (shown as none) when it could not be read: tried again at the next draw */
}

int64_t cursor_pupil(const struct att *a)
{
    return a->nrows && a->cur_row >= 0 && (size_t)a->cur_row < a->nrows ? a->rows[a->cur_row].pupil_id : 0;
}

/* Puts the cursor back on the pupil (else the same line) after the rows changed. */
void keep_cursor(struct att *a, int64_t pupil_id, int line)
{
    long r = pupil_id ? row_of_pupil(a, pupil_id) : -1;
    a->cur_row = r >= 0 ? (int)r : line;
    if (a->cur_row >= (int)a->nrows)
        a->cur_row = a->nrows ? (int)a->nrows - 1 : 0;
    if (a->cur_row < 0)
        a->cur_row = 0;
}

/* The next cell of the column, below the row and then from the top, that is
 * expected, unmarked and on a school day; -1 when none. */
int next_unreported(const struct att *a, int from_row, int col)
{
    if (!a->school[col / 2] || a->nrows == 0)
        return -1;
    for (size_t k = 1; k <= a->nrows; k++) {
        size_t i = ((size_t)from_row + k) % a->nrows;
        if (expected_at(&a->rows[i], col) && !a->rows[i].c[col].code)
            return (int)i;
    }
    return -1;
}
