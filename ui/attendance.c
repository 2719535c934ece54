/* The attendance grid (tab 3): the Commissioning Officer's morning round.
 *
 * Rows are the pupils expected in the week shown (from their placements'
 * timetables, db/marks.h marks_expected), or on a key everyone on roll;
 * columns are the ten sessions Mon AM ... Fri PM. One key that is a code of
 * the store's set records the mark and moves to the next unreported pupil in
 * the same session; every other command is on a key that is not a code of
 * either set (ui/action.c, SCOPE_GRID), so the pane sees keys before the
 * shell (pane_ops.keys_first).
 *
 * Marks are written with the version the officer saw (marks_set,
 * marks_clear): a mark someone else changed meanwhile is refused with a
 * message naming who, and that cell is read again. A cursor move repaints
 * the old and the new cell only. Our own writes are announced to the other
 * panes (ui_store_changed) once the officer pauses, so that a run of marks
 * costs one reload, not one per key.
 *
 * The register of a session closes by itself when the clock passes
 * close_am / close_pm of apterm.ini, a rule of the store that every apterm
 * process applies (src/register.h; attendance.h reports it here), or
 * earlier on Ctrl-R with a question.
 * APTERM_NOW=HH:MM[:SS] starts the pane's clock at that time of day (it then
 * runs on), for tests and demonstrations, as APTERM_TODAY fixes the date.
 *
 * No SQL here: db/marks.h, db/calendar.h and db/roll.h do it. */

#include "attendance.h"
#include "panes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "rules.h"
#include "shell.h"
#include "view.h"
#include "utf8.h"

#define NSESS 10          /* Mon AM ... Fri PM */
#define CELL_W 3          /* " B " */
#define DAY_W 7           /* two cells and a gap */
#define GRID_W (5 * DAY_W - 1)
#define HEAD_LINES 4      /* title, summary, two heading lines */
#define UNDO_MAX 64
#define SYNC_IDLE_MS 1500 /* tell the other panes about our marks after this pause */
#define NOON (12 * 3600)  /* the PM session is the current one from midday */

static const char *const day_names[5] = {"Mon", "Tue", "Wed", "Thu", "Fri"};

/* One cell as the grid shows it; the rest of the mark is read on Enter. */
struct cell {
    char code;            /* 0: no mark */
    char reported;        /* the provider's code when the officer changed it */
    int64_t version;      /* 0: no mark */
};

struct grid_row {
    int64_t pupil_id;
    size_t roll_ix;                 /* into roll->rows (names, term attendance) */
    int64_t provider_id;            /* the provider shown: today's, else the week's first */
    const char *provider;           /* its name (the provider list's), "" when none */
    bool provider_today;            /* provider_id is today's */
    unsigned expected;              /* bit s: timetabled for session s */
    struct cell c[NSESS];
    enum flag_level run;            /* consecutive unauthorised absence (the shell's flags) */
    const char *run_why;            /* the shell's string, valid until its next pass */
    int term_possible, term_attending; /* the roll's figures, plus our own changes since */
};

struct id_ix {
    int64_t id;
    size_t ix;
};

struct undo {
    int64_t pupil_id;
    int day;
    enum session session;
    struct mark before;             /* version 0: there was no mark */
    int64_t after_version;          /* 0: our change left no mark */
};

struct att {
    struct ui *ui;
    bool loaded;
    struct code_set codes;
    struct calendar cal;
    struct roll *roll;
    struct id_ix *roll_by_id;       /* roll->n, by id */
    struct provider_list *providers;
    struct id_ix *prov_by_id;       /* providers->n, by id */
    int today;
    int week;                       /* the Monday shown */
    bool school[5];
    struct grid_row *rows;
    size_t nrows;
    struct id_ix *row_by_id;        /* nrows, by pupil id */
    bool all;                       /* everyone on roll, not only the expected */
    bool by_name;                   /* order by name, not by provider */
    enum mark_source via;           /* how new marks came */
    int cur_row, cur_col, top;
    struct undo undo[UNDO_MAX];
    int nundo;
    bool dirty;                     /* we wrote; the other panes do not know yet */
    bool syncing;                   /* our own ui_store_changed is under way */
    int64_t loaded_version;         /* PRAGMA data_version when the rows were read */
    long long last_write_ms;
    int clock_day, clock_last;      /* the register-close timer */
    char set_name[16];              /* "Welsh", "English" */
    char detail[RULES_WHY_LEN + 240];
    /* Geometry, from the last full draw. */
    int name_w, prov_w, grid_x, rows_h;
};

/* ---- Time ------------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Seconds since local midnight (src/date.h: APTERM_NOW starts the clock). */
static int clock_secs(void)
{
    return date_now_secs();
}

/* "09:36" local time for a stored UTC stamp "YYYY-MM-DD HH:MM:SS", with the
 * date in front when it is not today ("Thu 19 Nov 09:36"). */
static void local_stamp(const char *utc, char *buf, size_t len)
{
    struct tm tm = {0};
    if (sscanf(utc, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6) {
        snprintf(buf, len, "%s", utc);
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
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

static int id_ix_cmp(const void *a, const void *b)
{
    const struct id_ix *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static long find_ix(const struct id_ix *index, size_t n, int64_t id)
{
    if (!index || !n)
        return -1;
    struct id_ix key = {.id = id};
    const struct id_ix *hit = bsearch(&key, index, n, sizeof key, id_ix_cmp);
    return hit ? (long)hit->ix : -1;
}

static const struct roll_row *row_pupil(const struct att *a, const struct grid_row *r)
{
    return &a->roll->rows[r->roll_ix];
}

static int col_day(const struct att *a, int col)
{
    return a->week + col / 2;
}

static enum session col_session(int col)
{
    return col % 2 ? SESSION_PM : SESSION_AM;
}

static const char *session_word(enum session s)
{
    return s == SESSION_PM ? "PM" : "AM";
}

/* "Fri 20 Nov" */
static void day_text(int day, char *buf, size_t len)
{
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%s %d %s", wd[date_weekday(day)], d, months[m - 1]);
}

/* "Fri 20 Nov AM" */
static void cell_text(const struct att *a, int col, char *buf, size_t len)
{
    char d[24];
    day_text(col_day(a, col), d, sizeof d);
    snprintf(buf, len, "%s %s", d, session_word(col_session(col)));
}

static bool expected_at(const struct grid_row *r, int col)
{
    return (r->expected >> col) & 1u;
}

/* The session has begun: its unreported expected pupils are missing. */
static bool started(const struct att *a, int col)
{
    int day = col_day(a, col);
    if (day != a->today)
        return day < a->today;
    return col_session(col) == SESSION_AM || clock_secs() >= NOON;
}

/* The session that is under way now, as a column of today's week (-1 when
 * today is not a weekday). */
static int current_col(const struct att *a)
{
    int wd = date_weekday(a->today);
    if (wd > 4)
        return -1;
    return wd * 2 + (clock_secs() >= NOON ? 1 : 0);
}

static const struct code_info *code_of(const struct att *a, char code)
{
    return code ? codes_find(&a->codes, code) : NULL;
}

static bool is_absence(const struct code_info *c)
{
    return c && (c->category == CAT_AUTHORISED || c->category == CAT_UNAUTHORISED);
}

static void put_fit(WINDOW *w, int y, int x, const char *text, int cols, attr_t attr, unsigned flags)
{
    if (cols > 0)
        draw_text(w, y, x, cols, text, attr, flags);
}

/* ---- Loading ---------------------------------------------------------------------- */

static void free_week(struct att *a)
{
    free(a->rows);
    free(a->row_by_id);
    a->rows = NULL;
    a->row_by_id = NULL;
    a->nrows = 0;
}

static void free_all(struct att *a)
{
    free_week(a);
    codes_free(&a->codes);
    calendar_free(&a->cal);
    roll_free(a->roll);
    a->roll = NULL;
    free(a->roll_by_id);
    a->roll_by_id = NULL;
    provider_list_free(a->providers);
    a->providers = NULL;
    free(a->prov_by_id);
    a->prov_by_id = NULL;
    a->loaded = false;
}

static const char *provider_name(const struct att *a, int64_t id)
{
    long i = a->providers ? find_ix(a->prov_by_id, a->providers->n, id) : -1;
    return i >= 0 ? a->providers->rows[i].name : "";
}

/* Building the rows of a week. */
struct builder {
    struct att *a;
    long *row_of;          /* roll index -> row, -1 */
    size_t cap;
    bool nomem;
};

static struct grid_row *builder_row(struct builder *b, int64_t pupil_id)
{
    struct att *a = b->a;
    long ri = find_ix(a->roll_by_id, a->roll->n, pupil_id);
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
    r->roll_ix = (size_t)ri;
    r->provider = "";
    const struct roll_row *p = &a->roll->rows[ri];
    r->term_possible = p->possible;
    r->term_attending = p->attending;
    b->row_of[ri] = (long)a->nrows++;
    return r;
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

static const struct att *sorting; /* qsort has no context argument */

static int row_cmp(const void *pa, const void *pb)
{
    const struct grid_row *x = pa, *y = pb;
    if (!sorting->by_name) {
        /* By provider, pupils with none last; then by name. */
        if (!x->provider[0] != !y->provider[0])
            return x->provider[0] ? -1 : 1;
        int c = strcasecmp(x->provider, y->provider);
        if (c)
            return c;
    }
    return (x->roll_ix > y->roll_ix) - (x->roll_ix < y->roll_ix); /* the roll is in name order */
}

static void index_rows(struct att *a)
{
    free(a->row_by_id);
    a->row_by_id = malloc((a->nrows ? a->nrows : 1) * sizeof *a->row_by_id);
    if (!a->row_by_id)
        return;
    for (size_t i = 0; i < a->nrows; i++)
        a->row_by_id[i] = (struct id_ix){a->rows[i].pupil_id, i};
    qsort(a->row_by_id, a->nrows, sizeof *a->row_by_id, id_ix_cmp);
}

static long row_of_pupil(const struct att *a, int64_t pupil_id)
{
    return find_ix(a->row_by_id, a->nrows, pupil_id);
}

static void sort_rows(struct att *a)
{
    sorting = a;
    qsort(a->rows, a->nrows, sizeof *a->rows, row_cmp);
    sorting = NULL;
    index_rows(a);
}

/* Takes the consecutive-unauthorised-absence flags from the shell's pass. */
static void map_flags(struct att *a)
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
static bool load_week(struct att *a)
{
    free_week(a);
    if (!a->roll)
        return false;
    struct store *s = ui_store(a->ui);
    int64_t version = store_data_version(s); /* before reading: a commit meanwhile reads again */
    struct builder b = {.a = a};
    b.row_of = malloc((a->roll->n ? a->roll->n : 1) * sizeof *b.row_of);
    if (!b.row_of) {
        ui_error(a->ui, "The week could not be loaded: out of memory");
        return false;
    }
    for (size_t i = 0; i < a->roll->n; i++)
        b.row_of[i] = -1;
    ap_status st = AP_OK;
    for (int d = 0; d < 5 && st == AP_OK; d++) {
        int day = a->week + d;
        a->school[d] = calendar_is_school_day(&a->cal, day);
        if (!a->school[d])
            continue;
        struct expected *e = NULL;
        size_t n = 0;
        if ((st = marks_expected(s, day, &e, &n)) != AP_OK)
            break;
        for (size_t i = 0; i < n; i++) {
            struct grid_row *r = builder_row(&b, e[i].pupil_id);
            if (!r)
                continue;
            r->expected |= 1u << (d * 2 + (e[i].session == SESSION_PM));
            /* Today's provider wins (the morning's, when two); else the week's first. */
            if (day == a->today && !r->provider_today) {
                r->provider_id = e[i].provider_id;
                r->provider_today = true;
            } else if (!r->provider_id) {
                r->provider_id = e[i].provider_id;
            }
        }
        free(e);
    }
    if (st == AP_OK)
        st = marks_range(s, 0, a->week, a->week + 4, builder_mark, &b);
    if (st == AP_OK && a->all)
        for (size_t i = 0; i < a->roll->n; i++)
            if (a->roll->rows[i].on_roll)
                builder_row(&b, a->roll->rows[i].id);
    free(b.row_of);
    if (st != AP_OK || b.nomem) {
        ui_error(a->ui, "The week could not be loaded: %s", b.nomem ? "out of memory" : ap_error_detail());
        free_week(a);
        return false;
    }
    for (size_t i = 0; i < a->nrows; i++)
        a->rows[i].provider = provider_name(a, a->rows[i].provider_id);
    sort_rows(a);
    map_flags(a);
    a->loaded_version = version;
    return true;
}

/* Loads the codes, the calendar, the roll and the providers, then the week. */
static bool load_all(struct att *a)
{
    struct store *s = ui_store(a->ui);
    free_all(a);
    a->today = ui_today(a->ui);
    ap_status st = codes_load(s, &a->codes);
    if (st == AP_OK)
        st = calendar_load(s, &a->cal);
    if (st == AP_OK)
        st = roll_load(s, a->today, &a->roll);
    if (st == AP_OK)
        st = provider_list_load(s, &ui_config(a->ui)->th, a->today, &a->providers);
    if (st != AP_OK) {
        ui_error(a->ui, "Attendance could not be loaded: %s", ap_error_detail());
        free_all(a);
        return false;
    }
    a->roll_by_id = malloc((a->roll->n ? a->roll->n : 1) * sizeof *a->roll_by_id);
    a->prov_by_id = malloc((a->providers->n ? a->providers->n : 1) * sizeof *a->prov_by_id);
    if (!a->roll_by_id || !a->prov_by_id) {
        ui_error(a->ui, "Attendance could not be loaded: out of memory");
        free_all(a);
        return false;
    }
    for (size_t i = 0; i < a->roll->n; i++)
        a->roll_by_id[i] = (struct id_ix){a->roll->rows[i].id, i};
    qsort(a->roll_by_id, a->roll->n, sizeof *a->roll_by_id, id_ix_cmp);
    for (size_t i = 0; i < a->providers->n; i++)
        a->prov_by_id[i] = (struct id_ix){a->providers->rows[i].id, i};
    qsort(a->prov_by_id, a->providers->n, sizeof *a->prov_by_id, id_ix_cmp);
    a->loaded = load_week(a);
    return a->loaded;
}

static int64_t cursor_pupil(const struct att *a)
{
    return a->nrows && a->cur_row >= 0 && (size_t)a->cur_row < a->nrows ? a->rows[a->cur_row].pupil_id : 0;
}

/* Puts the cursor back on the pupil (else the same line) after the rows changed. */
static void keep_cursor(struct att *a, int64_t pupil_id, int line)
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
static int next_unreported(const struct att *a, int from_row, int col)
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

/* ---- Drawing ------------------------------------------------------------------------ */

static void layout(struct att *a, int width, int height)
{
    int left = width - GRID_W - 1 - 2 - 1; /* less the grid, its gap, the markers, the name's gap */
    if (left < 12)
        left = 12;
    a->name_w = left * 55 / 100;
    if (a->name_w > 32)
        a->name_w = 32;
    a->prov_w = left - a->name_w;
    if (a->prov_w > 40)
        a->prov_w = 40;
    a->grid_x = 2 + a->name_w + 1 + a->prov_w + 1;
    a->rows_h = height - HEAD_LINES;
    if (a->rows_h < 1)
        a->rows_h = 1;
}

static int cell_x(const struct att *a, int col)
{
    return a->grid_x + (col / 2) * DAY_W + (col % 2) * CELL_W;
}

static int row_y(const struct att *a, int row)
{
    return HEAD_LINES + row - a->top;
}

static bool row_visible(const struct att *a, int row)
{
    return row >= a->top && row < a->top + a->rows_h && (size_t)row < a->nrows;
}

/* What a cell shows: three columns, the code in the middle. */
static void cell_look(const struct att *a, const struct grid_row *r, int col, char out[16], enum attr_meaning *m)
{
    const struct cell *c = &r->c[col];
    *m = ATTR_NORMAL;
    if (c->code) {
        const struct code_info *info = code_of(a, c->code);
        bool changed = c->reported && c->reported != c->code;
        snprintf(out, 16, " %c%s", c->code, changed ? "*" : " ");
        if (info && info->category == CAT_UNAUTHORISED)
            *m = ATTR_FLAG_RED;
    } else if (!a->school[col / 2]) {
        snprintf(out, 16, " – ");
        *m = ATTR_DIM;
    } else if (!expected_at(r, col)) {
        snprintf(out, 16, " · ");
        *m = ATTR_DIM;
    } else if (started(a, col)) {
        snprintf(out, 16, " ? ");
        *m = ATTR_MISSING;
    } else {
        snprintf(out, 16, " _ ");
    }
}

static void draw_cell(struct att *a, WINDOW *w, int row, int col)
{
    if (!row_visible(a, row))
        return;
    char text[16];
    enum attr_meaning m;
    cell_look(a, &a->rows[row], col, text, &m);
    bool cursor = row == a->cur_row && col == a->cur_col;
    wattrset(w, attr_of(cursor ? ATTR_SELECTED : m));
    mvwaddstr(w, row_y(a, row), cell_x(a, col), text);
    wattrset(w, A_NORMAL);
}

static void draw_row(struct att *a, WINDOW *w, int row)
{
    if (!row_visible(a, row))
        return;
    const struct grid_row *r = &a->rows[row];
    const struct roll_row *p = row_pupil(a, r);
    int y = row_y(a, row);
    wmove(w, y, 0);
    wclrtoeol(w);
    if (r->run == FLAG_RED)
        put_fit(w, y, 0, "!", 1, attr_of(ATTR_FLAG_RED), 0);
    else if (r->run == FLAG_AMBER)
        put_fit(w, y, 0, "~", 1, attr_of(ATTR_FLAG_AMBER), 0);
    char name[260];
    snprintf(name, sizeof name, "%s%s", p->display_name, p->on_roll ? "" : " (left)");
    put_fit(w, y, 2, name, a->name_w, attr_of(p->on_roll ? ATTR_NORMAL : ATTR_DIM), UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
    put_fit(w, y, 2 + a->name_w + 1, r->provider, a->prov_w, attr_of(ATTR_DIM), UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
    for (int col = 0; col < NSESS; col++)
        draw_cell(a, w, row, col);
}

/* The week's attendance of a row: false when no possible session. */
static bool week_pct(const struct att *a, const struct grid_row *r, double *pct)
{
    struct attendance_tally t = {{0}};
    for (int col = 0; col < NSESS; col++) {
        const struct code_info *info = code_of(a, r->c[col].code);
        if (info)
            rules_tally_add(&t, info->category);
    }
    return rules_attendance_pct(&t, pct);
}

/* The summary of the cursor's session and the cursor's pupil. Numbers have
 * a fixed width (the digits of the row count), so that a mark or a move
 * rewrites a digit or two on the terminal, not the line. Shorter words when
 * the line would not fit in cols. */
static void summary_text(const struct att *a, char *buf, size_t len, int cols)
{
    char where[40];
    int col = a->cur_col;
    snprintf(where, sizeof where, "%s %s", day_names[col / 2], session_word(col_session(col)));
    if (!a->school[col / 2]) {
        snprintf(buf, len, "%s: not a school day (holiday or closure): no register", where);
        return;
    }
    int expected = 0, marked = 0, unreported = 0, absent = 0;
    for (size_t i = 0; i < a->nrows; i++) {
        const struct grid_row *r = &a->rows[i];
        bool exp = expected_at(r, col);
        expected += exp;
        if (r->c[col].code) {
            marked++;
            absent += is_absence(code_of(a, r->c[col].code));
        } else if (exp) {
            unreported++;
        }
    }
    int dg = a->nrows >= 10000 ? 5 : a->nrows >= 1000 ? 4 : a->nrows >= 100 ? 3 : a->nrows >= 10 ? 2 : 1;
    char pupil[64] = "";
    if (a->nrows) {
        const struct grid_row *r = &a->rows[a->cur_row];
        double wk, term;
        char wks[12] = "   –", terms[12] = "   –";
        if (week_pct(a, r, &wk))
            snprintf(wks, sizeof wks, "%3d%%", (int)wk);
        struct attendance_tally t = {{0}};
        t.n[CAT_PRESENT] = r->term_attending;
        t.n[CAT_UNAUTHORISED] = r->term_possible - r->term_attending;
        if (r->term_possible > 0 && rules_attendance_pct(&t, &term))
            snprintf(terms, sizeof terms, "%3d%%", (int)term);
        snprintf(pupil, sizeof pupil, " │ wk %s term %s", wks, terms); /* the pupil's */
    }
    /* Before a session begins its unmarked pupils are still to come, not missing. */
    bool begun = started(a, col);
    snprintf(buf, len, "%s: %*d expected, %*d marked, %*d %s, %*d absent%s", where, dg, expected, dg, marked, dg,
             unreported, begun ? "unreported" : "to come", dg, absent, pupil);
    if (utf8_width(buf) > cols)
        snprintf(buf, len, "%s %*d expected %*d marked %*d %s %*d absent%s", where, dg, expected, dg, marked, dg,
                 unreported, begun ? "unrep." : "to come", dg, absent, pupil);
}

static void draw_summary(struct att *a, WINDOW *w)
{
    char text[300];
    summary_text(a, text, sizeof text, getmaxx(w) - 2);
    put_fit(w, 1, 1, text, getmaxx(w) - 1, A_NORMAL, UTF8_FIT_ELLIPSIS | UTF8_FIT_PAD);
}

static void title_text(const struct att *a, char *buf, size_t len)
{
    int y1, m1, d1, y2, m2, d2;
    date_to_ymd(a->week, &y1, &m1, &d1);
    date_to_ymd(a->week + 4, &y2, &m2, &d2);
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char span[48];
    if (m1 == m2)
        snprintf(span, sizeof span, "%d–%d %s %d", d1, d2, months[m2 - 1], y2);
    else
        snprintf(span, sizeof span, "%d %s – %d %s %d", d1, months[m1 - 1], d2, months[m2 - 1], y2);
    char who[80];
    if (a->all)
        snprintf(who, sizeof who, "%zu on roll (a: expected)", a->nrows);
    else
        snprintf(who, sizeof who, "%zu expected (a: all)", a->nrows);
    /* The state, each with the key that changes it, and the keys the hint
     * line has no room for at 80 columns. */
    snprintf(buf, len, "%s · %s · by %s (@) · : date  ! calls", span, who, mark_source_name(a->via));
}

static void att_draw(void *state, WINDOW *w)
{
    struct att *a = state;
    int width = getmaxx(w), height = getmaxy(w);
    layout(a, width, height);
    if (!a->loaded) {
        put_fit(w, 0, 1, "Attendance: not loaded (see the message below); Ctrl-L tries again", width - 1,
                attr_of(ATTR_HEADER), 0);
        return;
    }
    /* Keep the cursor on screen. */
    if (a->cur_row < a->top)
        a->top = a->cur_row;
    if (a->cur_row >= a->top + a->rows_h)
        a->top = a->cur_row - a->rows_h + 1;
    if (a->top < 0)
        a->top = 0;
    char title[400];
    title_text(a, title, sizeof title);
    put_fit(w, 0, 1, title, width - 1, attr_of(ATTR_HEADER), UTF8_FIT_ELLIPSIS);
    draw_summary(a, w);
    /* Headings: the days, then AM/PM. */
    put_fit(w, 3, 2, a->by_name ? "Pupil ▲" : "Pupil (^O)", a->name_w, attr_of(ATTR_HEADER), 0);
    put_fit(w, 3, 2 + a->name_w + 1, a->by_name ? "Provider (^O)" : "Provider ▲", a->prov_w, attr_of(ATTR_HEADER),
            0);
    for (int d = 0; d < 5; d++) {
        int day = a->week + d, y, m, dd;
        date_to_ymd(day, &y, &m, &dd);
        char head[16];
        snprintf(head, sizeof head, "%s %d", day_names[d], dd);
        int x = a->grid_x + d * DAY_W;
        enum attr_meaning hm = day == a->today ? ATTR_TAB_ACTIVE : a->school[d] ? ATTR_HEADER : ATTR_DIM;
        put_fit(w, 2, x, head, DAY_W - 1, attr_of(hm), UTF8_FIT_PAD);
        put_fit(w, 3, x, a->school[d] ? " am pm" : "closed", DAY_W - 1, attr_of(a->school[d] ? ATTR_HEADER : ATTR_DIM),
                0);
    }
    if (a->nrows == 0) {
        put_fit(w, HEAD_LINES + 1, 3,
                a->all ? "Nobody is on roll." : "No pupil is timetabled this week: a shows everyone on roll.",
                width - 4, attr_of(ATTR_DIM), 0);
        return;
    }
    for (int row = a->top; row < a->top + a->rows_h && (size_t)row < a->nrows; row++)
        draw_row(a, w, row);
}

/* A cursor move: repaints the old and the new cell (and the pointers and
 * the summary when they change), or the body when it must scroll. */
static unsigned move_to(struct att *a, int row, int col)
{
    if (a->nrows == 0)
        row = 0;
    else if (row < 0)
        row = 0;
    else if ((size_t)row >= a->nrows)
        row = (int)a->nrows - 1;
    col = col < 0 ? 0 : col >= NSESS ? NSESS - 1 : col;
    int old_row = a->cur_row, old_col = a->cur_col;
    const char *old_detail = a->nrows ? a->rows[old_row].run_why : NULL;
    a->cur_row = row;
    a->cur_col = col;
    const char *new_detail = a->nrows ? a->rows[row].run_why : NULL;
    unsigned status = old_detail != new_detail ? REDRAW_STATUS : 0;
    if (row < a->top || row >= a->top + a->rows_h) {
        /* Scroll by half a page, so that a run down the column repaints seldom. */
        a->top = row - a->rows_h / 2;
        if (a->top + a->rows_h > (int)a->nrows)
            a->top = (int)a->nrows - a->rows_h;
        if (a->top < 0)
            a->top = 0;
        return REDRAW_BODY | status;
    }
    /* Only the two cells (no row marker: the bench's budget is 100 bytes a
     * move), the summary when its figures change, the new cell last. */
    WINDOW *w = ui_body(a->ui);
    draw_summary(a, w);
    draw_cell(a, w, old_row, old_col);
    draw_cell(a, w, row, col);
    return REDRAW_PARTIAL | status;
}

/* A cell changed in place (a mark): its cell and the summary. */
static unsigned repaint_cell(struct att *a, int row, int col)
{
    WINDOW *w = ui_body(a->ui);
    draw_cell(a, w, row, col);
    draw_summary(a, w);
    return REDRAW_PARTIAL;
}

/* ---- Writing marks ------------------------------------------------------------------ */

static void term_change(struct att *a, struct grid_row *r, int day, char before, char after)
{
    if (!a->roll->have_term || day < a->roll->term_start || day > a->roll->term_end)
        return;
    const struct code_info *b = code_of(a, before), *n = code_of(a, after);
    if (b && rules_category_possible(b->category))
        r->term_possible--;
    if (b && rules_category_attending(b->category))
        r->term_attending--;
    if (n && rules_category_possible(n->category))
        r->term_possible++;
    if (n && rules_category_attending(n->category))
        r->term_attending++;
}

/* The cell takes the mark as stored (version 0: no mark). */
static void set_cell(struct att *a, struct grid_row *r, int col, const struct mark *m)
{
    term_change(a, r, col_day(a, col), r->c[col].code, m->version ? m->code[0] : 0);
    r->c[col].code = m->version ? m->code[0] : 0;
    r->c[col].reported = m->version ? m->reported_code[0] : 0;
    r->c[col].version = m->version;
}

static void wrote(struct att *a)
{
    a->dirty = true;
    a->last_write_ms = now_ms();
}

static void push_undo(struct att *a, const struct mark *before, int64_t pupil_id, int day, enum session sess,
                      int64_t after_version)
{
    if (a->nundo == UNDO_MAX) {
        memmove(a->undo, a->undo + 1, (UNDO_MAX - 1) * sizeof *a->undo);
        a->nundo--;
    }
    struct undo *u = &a->undo[a->nundo++];
    u->pupil_id = pupil_id;
    u->day = day;
    u->session = sess;
    u->before = *before;
    u->after_version = after_version;
}

/* The data layer's refusal, made to fit the status line: the cell is the
 * one under the cursor, so "2026-11-20 AM " is dropped, and so is "since
 * you opened it"; who did it stays. */
static void refusal(const struct att *a, int col, const char *what)
{
    char d[11], prefix[24], text[400];
    snprintf(prefix, sizeof prefix, "%s %s ", date_format(col_day(a, col), d), session_word(col_session(col)));
    const char *detail = ap_error_detail();
    if (strncmp(detail, prefix, strlen(prefix)) == 0)
        detail += strlen(prefix);
    if (strncmp(detail, "is ", 3) == 0)
        detail += 3; /* "is now marked B (...)" */
    snprintf(text, sizeof text, "%s", detail);
    static const char since_text[] = " since you opened it";
    char *since = strstr(text, since_text);
    if (since)
        memmove(since, since + strlen(since_text), strlen(since + strlen(since_text)) + 1);
    /* " at 2026-11-20 09:41" (local, from the audit) or " at 2026-11-20
     * 09:41:07 UTC" (the mark's own stamp): today's as " at 09:41". */
    char *at = strstr(text, " at ");
    int y, mo, dd, h, mi, n = 0;
    if (at && sscanf(at + 4, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &dd, &h, &mi, &n) == 5 && n == 16) {
        char local[48], rest[400];
        const char *after = at + 4 + 16;
        if (after[0] == ':' && strncmp(after + 3, " UTC", 4) == 0) {
            char stamp[20];
            memcpy(stamp, at + 4, 19);
            stamp[19] = '\0';
            local_stamp(stamp, local, sizeof local);
            after += 7;
        } else {
            time_t t = time(NULL);
            struct tm tm;
            localtime_r(&t, &tm);
            if (tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == dd)
                snprintf(local, sizeof local, "%02d:%02d", h, mi);
            else
                snprintf(local, sizeof local, "%.16s", at + 4);
        }
        snprintf(rest, sizeof rest, "%s", after);
        snprintf(at, sizeof text - (size_t)(at - text), " at %s%s", local, rest);
    }
    ui_error(a->ui, "%s: %s", what, text);
}

/* After a refusal because someone else changed the cell: read it again. */
static void refresh_cell(struct att *a, int row, int col)
{
    struct grid_row *r = &a->rows[row];
    struct mark m;
    if (marks_get(ui_store(a->ui), r->pupil_id, col_day(a, col), col_session(col), &m) == AP_OK)
        set_cell(a, r, col, &m);
}

/* The name and the session for messages: "Siân Jones, Fri 20 Nov AM". */
static void who_when(const struct att *a, int row, int col, char *buf, size_t len)
{
    char when[40];
    cell_text(a, col, when, sizeof when);
    snprintf(buf, len, "%s, %s", row_pupil(a, &a->rows[row])->display_name, when);
}

/* Records code in the cursor's cell, then moves to the next unreported pupil. */
static unsigned mark_code(struct att *a, char code)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return REDRAW_NONE;
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    int row = a->cur_row, col = a->cur_col, day = col_day(a, col);
    enum session sess = col_session(col);
    struct grid_row *r = &a->rows[row];
    const struct code_info *info = code_of(a, code);
    char why[300];
    if (!info) {
        ui_error(ui, "%c is not a code in the %s set", code, a->set_name);
        return REDRAW_STATUS;
    }
    if (!codes_enterable(info, day, store_role(ui_store(ui)), why, sizeof why)) {
        ui_error(ui, "Not recorded: %s", why);
        return REDRAW_STATUS;
    }
    struct store *s = ui_store(ui);
    struct mark before;
    memset(&before, 0, sizeof before);
    if (r->c[col].version && marks_get(s, r->pupil_id, day, sess, &before) != AP_OK) {
        ui_error(ui, "Not recorded: %s", ap_error_detail());
        return REDRAW_STATUS;
    }
    unsigned out = REDRAW_NONE;
    char stored = code;
    if ((code == '/' || code == '\\') && code_of(a, '/') && code_of(a, '\\'))
        stored = sess == SESSION_PM ? '\\' : '/';
    if (r->c[col].version && r->c[col].code == stored && before.version == r->c[col].version) {
        /* The same code again: nothing to write, just move on. */
    } else {
        struct mark_input in = {
            .pupil_id = r->pupil_id,
            .day = day,
            .session = sess,
            .code = code,
            /* A report comes from the provider the way the officer set (@),
             * also over an N the register close gave; changing a mark a
             * provider reported is the officer's correction, so the
             * provider's code is kept beside it. */
            .source = before.version && (before.source == SOURCE_PHONE || before.source == SOURCE_EMAIL ||
                                         before.source == SOURCE_PORTAL)
                          ? SOURCE_OFFICER
                          : a->via,
        };
        struct mark after;
        ap_status st = marks_set(s, &in, r->c[col].version, &after);
        if (st != AP_OK) {
            refusal(a, col, "Not recorded");
            if (st == AP_ERR_CONFLICT) {
                refresh_cell(a, row, col);
                wrote(a); /* the other panes may be stale too */
            }
            return repaint_cell(a, row, col) | REDRAW_STATUS;
        }
        push_undo(a, &before, r->pupil_id, day, sess, after.version);
        set_cell(a, r, col, &after);
        wrote(a);
        if (!expected_at(r, col)) {
            char ww[300];
            who_when(a, row, col, ww, sizeof ww);
            ui_message(ui, "Recorded %c for %s (not timetabled then)", after.code[0], ww);
            out |= REDRAW_STATUS;
        }
    }
    int next = next_unreported(a, row, col);
    if (next < 0) {
        char where[40];
        cell_text(a, col, where, sizeof where);
        ui_message(ui, "%s: every expected pupil has a mark", where);
        return repaint_cell(a, row, col) | REDRAW_STATUS | out;
    }
    WINDOW *w = ui_body(ui);
    draw_cell(a, w, row, col); /* the new code; move_to repaints it unhighlighted */
    return move_to(a, next, col) | out;
}

static unsigned clear_mark(struct att *a)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return REDRAW_NONE;
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    int row = a->cur_row, col = a->cur_col, day = col_day(a, col);
    enum session sess = col_session(col);
    struct grid_row *r = &a->rows[row];
    char ww[300];
    who_when(a, row, col, ww, sizeof ww);
    if (!r->c[col].version) {
        ui_message(ui, "No mark to clear (%s)", ww);
        return REDRAW_STATUS;
    }
    struct store *s = ui_store(ui);
    struct mark before;
    if (marks_get(s, r->pupil_id, day, sess, &before) != AP_OK) {
        ui_error(ui, "Not cleared: %s", ap_error_detail());
        return REDRAW_STATUS;
    }
    ap_status st = marks_clear(s, r->pupil_id, day, sess, r->c[col].version);
    if (st != AP_OK) {
        refusal(a, col, "Not cleared");
        if (st == AP_ERR_CONFLICT) {
            refresh_cell(a, row, col);
            wrote(a);
        }
        return repaint_cell(a, row, col) | REDRAW_STATUS;
    }
    push_undo(a, &before, r->pupil_id, day, sess, 0);
    struct mark none = {0};
    set_cell(a, r, col, &none);
    wrote(a);
    ui_message(ui, "Cleared %c (%s); u puts it back", before.code[0], ww);
    return repaint_cell(a, row, col) | REDRAW_STATUS;
}

static int monday_of(int date)
{
    return date - date_weekday(date);
}

/* Shows the week holding date with the cursor on the pupil and column given. */
static void show_week(struct att *a, int date, int64_t pupil_id, int col)
{
    int line = a->cur_row;
    a->week = monday_of(date);
    load_week(a);
    keep_cursor(a, pupil_id, line);
    a->cur_col = col;
}

static unsigned undo_last(struct att *a)
{
    struct ui *ui = a->ui;
    if (a->nundo == 0) {
        ui_message(ui, "Nothing to undo: no mark changed in this session of apterm");
        return REDRAW_STATUS;
    }
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    struct undo u = a->undo[--a->nundo];
    struct store *s = ui_store(ui);
    ap_status st;
    struct mark after;
    memset(&after, 0, sizeof after);
    if (u.before.version == 0) {
        st = marks_clear(s, u.pupil_id, u.day, u.session, u.after_version);
    } else {
        struct mark_input in = {
            .pupil_id = u.pupil_id,
            .day = u.day,
            .session = u.session,
            .code = u.before.code[0],
            .provider_id = u.before.provider_id,
            .source = u.before.source,
            .note = u.before.note,
        };
        st = marks_set(s, &in, u.after_version, &after);
    }
    /* Show the cell undone, in its week. */
    int col = (u.day - monday_of(u.day)) * 2 + (u.session == SESSION_PM);
    if (monday_of(u.day) != a->week) {
        show_week(a, u.day, u.pupil_id, col);
    } else {
        long r = row_of_pupil(a, u.pupil_id);
        if (r >= 0) {
            a->cur_row = (int)r;
            a->cur_col = col;
            if (st == AP_OK)
                set_cell(a, &a->rows[r], col, &after);
            else
                refresh_cell(a, (int)r, col);
        }
    }
    wrote(a);
    char when[40], d[24];
    day_text(u.day, d, sizeof d);
    snprintf(when, sizeof when, "%s %s", d, session_word(u.session));
    long r = row_of_pupil(a, u.pupil_id);
    const char *name = r >= 0 ? row_pupil(a, &a->rows[r])->display_name : "the pupil";
    if (st != AP_OK)
        refusal(a, col, "Cannot undo");
    else if (u.before.version == 0)
        ui_message(ui, "Undone: %s, %s has no mark again", name, when);
    else
        ui_message(ui, "Undone: %s, %s is %s again", name, when, after.code);
    return REDRAW_BODY | REDRAW_STATUS;
}

/* '.': the pupil's code from the session before. */
static unsigned repeat_code(struct att *a)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return REDRAW_NONE;
    int row = a->cur_row, col = a->cur_col;
    struct grid_row *r = &a->rows[row];
    char code = 0;
    int pday;
    enum session psess;
    if (col % 2) {
        pday = col_day(a, col);
        psess = SESSION_AM;
        code = r->c[col - 1].code;
    } else {
        pday = calendar_school_day_on_or_before(&a->cal, col_day(a, col) - 1, 31);
        psess = SESSION_PM;
        if (pday == DATE_NONE) {
            ui_message(ui, "Nothing to repeat: no school day in the month before");
            return REDRAW_STATUS;
        }
        if (pday >= a->week) {
            code = r->c[(pday - a->week) * 2 + 1].code;
        } else {
            struct mark m;
            if (marks_get(ui_store(ui), r->pupil_id, pday, psess, &m) != AP_OK) {
                ui_error(ui, "%s", ap_error_detail());
                return REDRAW_STATUS;
            }
            code = m.version ? m.code[0] : 0;
        }
    }
    if (!code) {
        char d[24];
        day_text(pday, d, sizeof d);
        ui_message(ui, "Nothing to repeat: %s has no mark on %s %s", row_pupil(a, r)->display_name, d,
                   session_word(psess));
        return REDRAW_STATUS;
    }
    return mark_code(a, code);
}

/* ---- The mark form (Enter) ------------------------------------------------------------ */

enum { MF_PUPIL, MF_TIMETABLED, MF_MARK, MF_RECORDED, MF_REPORTED, MF_PROVIDER, MF_CODE, MF_SOURCE, MF_NOTE, MF_COUNT };

struct mark_form {
    struct att *a;
    int row, col;
    struct mark m;                  /* as read */
    char code[2];                   /* the form's values */
    char source[12];
    char note[256];
    struct field_choice *codes;     /* "" (no mark) first when there is none */
    char (*code_labels)[200];
};

static const struct field_choice source_choices[] = {
    {"phone", "by phone (the provider rang)"},
    {"email", "by email from the provider"},
    {"portal", "on the provider's portal"},
    {"call", "from a first-day absence call"},
    {"officer", "the officer's own entry or correction"},
    {"import", "imported from a file"},
    {NULL, NULL},
};

static void mark_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct mark_form *f = ctx;
    struct att *a = f->a;
    const struct grid_row *r = &a->rows[f->row];
    const struct code_info *info;
    char when[40];
    buf[0] = '\0';
    switch (field) {
    case MF_PUPIL:
        cell_text(a, f->col, when, sizeof when);
        snprintf(buf, len, "%s (%s) · %s", row_pupil(a, r)->display_name, row_pupil(a, r)->upn, when);
        break;
    case MF_TIMETABLED:
        snprintf(buf, len, "%s", expected_at(r, f->col) ? "yes: the pupil is expected this session"
                                                         : "no: not timetabled (a mark can still be made)");
        break;
    case MF_MARK:
        if (!f->m.version) {
            snprintf(buf, len, "no mark yet");
            break;
        }
        info = code_of(a, f->m.code[0]);
        snprintf(buf, len, "%s: %s (%s)%s", f->m.code, info ? info->meaning : "not a code of this set",
                 info ? rules_category_str(info->category) : "?",
                 info && info->valid_to != DATE_NONE ? ", retired" : "");
        break;
    case MF_RECORDED:
        if (f->m.version) {
            char stamp[48];
            local_stamp(f->m.updated_at, stamp, sizeof stamp);
            static const char *const how[] = {"by phone", "by email", "on the provider's portal",
                                              "from an absence call", "by the officer", "imported from a file"};
            snprintf(buf, len, "%s at %s, %s", f->m.updated_by, stamp,
                     (unsigned)f->m.source < sizeof how / sizeof how[0] ? how[f->m.source] : "?");
        }
        break;
    case MF_REPORTED:
        if (f->m.reported_code[0]) {
            info = code_of(a, f->m.reported_code[0]);
            snprintf(buf, len, "%s: %s (the officer changed it to %s)", f->m.reported_code,
                     info ? info->meaning : "?", f->m.code);
        } else {
            snprintf(buf, len, "%s", f->m.version ? "the same as the mark" : "–");
        }
        break;
    case MF_PROVIDER:
        snprintf(buf, len, "%s", f->m.provider_id ? provider_name(a, f->m.provider_id) : r->provider);
        break;
    default:
        break;
    }
}

static void mark_form_fill(struct mark_form *f)
{
    snprintf(f->code, sizeof f->code, "%s", f->m.version ? f->m.code : "");
    snprintf(f->source, sizeof f->source, "%s", mark_source_name(f->m.version ? f->m.source : f->a->via));
    snprintf(f->note, sizeof f->note, "%s", f->m.note);
}

static ap_status mark_form_read(struct mark_form *f)
{
    struct att *a = f->a;
    return marks_get(ui_store(a->ui), a->rows[f->row].pupil_id, col_day(a, f->col), col_session(f->col), &f->m);
}

static ap_status mark_form_reload(void *ctx)
{
    struct mark_form *f = ctx;
    ap_status st = mark_form_read(f);
    if (st == AP_OK)
        mark_form_fill(f);
    return st;
}

static ap_status mark_form_take_version(void *ctx)
{
    struct mark_form *f = ctx;
    struct mark now;
    struct att *a = f->a;
    ap_status st = marks_get(ui_store(a->ui), a->rows[f->row].pupil_id, col_day(a, f->col), col_session(f->col), &now);
    if (st == AP_OK) {
        f->m.version = now.version;
        if (!now.version)
            return ap_fail(AP_ERR_INVALID, "The mark was cleared meanwhile: close the form and mark the cell again");
    }
    return st;
}

static ap_status mark_form_save(void *ctx)
{
    struct mark_form *f = ctx;
    struct att *a = f->a;
    struct grid_row *r = &a->rows[f->row];
    enum mark_source src = SOURCE_OFFICER;
    mark_source_parse(f->source, &src);
    if (!f->code[0]) {
        if (f->note[0])
            return ap_fail(AP_ERR_INVALID, "Code: choose the code to record with the note");
        return AP_OK; /* nothing to record */
    }
    if (f->m.version && f->code[0] == f->m.code[0] && src == f->m.source && strcmp(f->note, f->m.note) == 0)
        return AP_OK; /* unchanged */
    struct mark_input in = {
        .pupil_id = r->pupil_id,
        .day = col_day(a, f->col),
        .session = col_session(f->col),
        .code = f->code[0],
        .source = src,
        .note = f->note,
    };
    struct mark after;
    ap_status st = marks_set(ui_store(a->ui), &in, f->m.version, &after);
    if (st != AP_OK)
        return st;
    push_undo(a, &f->m, r->pupil_id, in.day, in.session, after.version);
    set_cell(a, r, f->col, &after);
    wrote(a);
    return AP_OK;
}

static void open_mark(struct att *a)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return;
    struct mark_form f = {.a = a, .row = a->cur_row, .col = a->cur_col};
    if (mark_form_read(&f) != AP_OK) {
        ui_error(ui, "The mark could not be read: %s", ap_error_detail());
        return;
    }
    /* Mark the grid's cell as it is now too. */
    set_cell(a, &a->rows[f.row], f.col, &f.m);
    mark_form_fill(&f);
    int day = col_day(a, f.col);
    enum role role = store_role(ui_store(ui));
    f.codes = calloc(a->codes.n + 3, sizeof *f.codes);
    f.code_labels = calloc(a->codes.n + 3, sizeof *f.code_labels);
    if (!f.codes || !f.code_labels) {
        free(f.codes);
        free(f.code_labels);
        ui_error(ui, "Out of memory opening the mark");
        return;
    }
    int n = 0;
    if (!f.m.version) {
        f.codes[n++] = (struct field_choice){"", "– no mark –"};
    } else {
        const struct code_info *cur = code_of(a, f.m.code[0]);
        snprintf(f.code_labels[n], sizeof f.code_labels[n], "%s  %s%s", f.m.code, cur ? cur->meaning : "",
                 cur && !codes_enterable(cur, day, role, NULL, 0) ? " (cannot be entered now)" : "");
        f.codes[n] = (struct field_choice){cur ? cur->code : f.m.code, f.code_labels[n]};
        n++;
    }
    for (size_t i = 0; i < a->codes.n; i++) {
        const struct code_info *c = &a->codes.codes[i];
        if (f.m.version && c->code[0] == f.m.code[0])
            continue;
        if (!codes_enterable(c, day, role, NULL, 0))
            continue;
        snprintf(f.code_labels[n], sizeof f.code_labels[n], "%s  %s", c->code, c->meaning);
        f.codes[n] = (struct field_choice){c->code, f.code_labels[n]};
        n++;
    }
    f.codes[n] = (struct field_choice){NULL, NULL};
    struct form_field fields[MF_COUNT] = {
        [MF_PUPIL] = {.label = "Pupil", .kind = FIELD_INFO},
        [MF_TIMETABLED] = {.label = "Timetabled", .kind = FIELD_INFO},
        [MF_MARK] = {.label = "Mark", .kind = FIELD_INFO},
        [MF_RECORDED] = {.label = "Recorded", .kind = FIELD_INFO},
        [MF_REPORTED] = {.label = "Provider reported", .kind = FIELD_INFO},
        [MF_PROVIDER] = {.label = "Provider", .kind = FIELD_INFO},
        [MF_CODE] = {.label = "Code", .kind = FIELD_CHOICE, .value = f.code, .size = sizeof f.code,
                     .choices = f.codes, .help = "←/→ or the code's letter"},
        [MF_SOURCE] = {.label = "How it came", .kind = FIELD_CHOICE, .value = f.source, .size = sizeof f.source,
                       .choices = source_choices},
        [MF_NOTE] = {.label = "Note", .kind = FIELD_TEXT, .value = f.note, .size = sizeof f.note},
    };
    char title[300], ww[280];
    who_when(a, f.row, f.col, ww, sizeof ww);
    snprintf(title, sizeof title, "The mark: %s", ww);
    struct form form = {
        .title = title,
        .fields = fields,
        .nfields = MF_COUNT,
        .ctx = &f,
        .read_only = !store_can_write(ui_store(ui)),
        .save = mark_form_save,
        .reload = mark_form_reload,
        .take_version = mark_form_take_version,
        .info = mark_form_info,
    };
    if (form_run(ui, &form))
        ui_message(ui, "Saved the mark (%s)", ww);
    else
        refresh_cell(a, f.row, f.col);
    free(f.codes);
    free(f.code_labels);
}

/* ---- Prompts: find a pupil, go to a date -------------------------------------------------- */

static bool row_matches(const struct att *a, size_t i, const char *q)
{
    const struct grid_row *r = &a->rows[i];
    const struct roll_row *p = row_pupil(a, r);
    char legal[256];
    snprintf(legal, sizeof legal, "%s %s", p->legal_forename, p->legal_surname);
    return utf8_contains(p->display_name, q) || utf8_contains(legal, q) || utf8_contains(p->upn, q) ||
           utf8_contains(r->provider, q);
}

/* The next row matching q from `from` in direction step (wrapping); -1 when none. */
static int find_match(const struct att *a, int from, int step, const char *q)
{
    for (size_t k = 0; k < a->nrows; k++) {
        long i = ((long)from + step * (long)k) % (long)a->nrows;
        if (i < 0)
            i += (long)a->nrows;
        if (row_matches(a, (size_t)i, q))
            return (int)i;
    }
    return -1;
}

/* Draws the body with a prompt on the title line; the terminal's cursor is
 * left in the field. */
static void draw_prompt(struct att *a, const char *label, struct lineedit *le, const char *after)
{
    WINDOW *w = ui_body(a->ui);
    werase(w);
    att_draw(a, w);
    wmove(w, 0, 0);
    wclrtoeol(w);
    int width = getmaxx(w);
    int lw = utf8_width(label);
    put_fit(w, 0, 1, label, lw, attr_of(ATTR_HEADER), 0);
    int fx = 2 + lw, fw = width / 3 > 16 ? width / 3 : 16;
    if (fx + fw > width)
        fw = width - fx;
    put_fit(w, 0, fx + fw + 1, after, width - fx - fw - 1, attr_of(ATTR_HINT), UTF8_FIT_ELLIPSIS);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_set_width(le, fw);
    lineedit_draw(w, 0, fx, fw, le, true);
    wattrset(w, A_NORMAL);
    ui_show_status(a->ui);
    wnoutrefresh(w);
}

static bool prompt_takes_text(void *self)
{
    (void)self;
    return true;
}

/* Find a pupil: a view over the grid, the matches under the cursor as typed. */
struct att_find {
    struct att *a;
    struct lineedit le;
    int start_row;
};

static void find_draw(void *self, WINDOW *w)
{
    (void)w;
    struct att_find *f = self;
    struct att *a = f->a;
    const char *q = lineedit_text(&f->le);
    int matches = 0;
    for (size_t i = 0; q[0] && i < a->nrows; i++)
        matches += row_matches(a, i, q);
    char after[120];
    if (!q[0])
        snprintf(after, sizeof after, "name, UPN or provider · Enter stays · Esc goes back");
    else if (!matches)
        snprintf(after, sizeof after, "no pupil matches · Esc goes back");
    else
        snprintf(after, sizeof after, "%d %s · ↓↑ next · Enter stays · Esc back", matches,
                 matches == 1 ? "match" : "matches");
    curs_set(1);
    draw_prompt(a, "Find:", &f->le, after);
}

static enum view_key find_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct att_find *f = self;
    struct att *a = f->a;
    const char *q = lineedit_text(&f->le);
    if (act) {
        switch (act->id) {
        case ACT_KEEP_TEXT:
            return VIEW_CLOSE;
        case ACT_VIEW_CLOSE:
            a->cur_row = f->start_row;
            return VIEW_CLOSE;
        case ACT_MATCH_NEXT:
        case ACT_MATCH_PREV: {
            bool down = act->id == ACT_MATCH_NEXT;
            if (q[0] && a->nrows) {
                int m = find_match(a, a->cur_row + (down ? 1 : -1), down ? 1 : -1, q);
                if (m >= 0)
                    a->cur_row = m;
            }
            return VIEW_DONE;
        }
        default:
            return VIEW_PASS;
        }
    }
    enum lineedit_result r = lineedit_key(&f->le, ret, ch);
    if (r == LINEEDIT_CHANGED) {
        q = lineedit_text(&f->le);
        int m = q[0] && a->nrows ? find_match(a, 0, 1, q) : -1;
        a->cur_row = m >= 0 ? m : f->start_row;
    } else if (r == LINEEDIT_REFUSED) {
        ui_error(a->ui, "Find: %s", lineedit_reason(&f->le));
    }
    return VIEW_DONE;
}

static const enum action_id find_keys[] = {ACT_KEEP_TEXT, ACT_MATCH_NEXT, ACT_MATCH_PREV, ACT_NONE};
static const struct view_ops find_view = {
    .title = "finding a pupil in the grid",
    .keys = find_keys,
    .draw = find_draw,
    .key = find_key,
    .takes_text = prompt_takes_text,
};

const struct view_ops *attendance_find_view_ops(void) { return &find_view; }

static void run_search(struct att *a)
{
    struct att_find f = {.a = a, .start_row = a->cur_row};
    if (lineedit_init(&f.le, NULL, 100) != AP_OK) {
        ui_error(a->ui, "Out of memory");
        return;
    }
    ui_run_view(a->ui, &find_view, &f);
    curs_set(0);
    lineedit_free(&f.le);
}

/* Go to a date: a view over the grid. */
struct att_goto {
    struct att *a;
    struct lineedit le;
    bool go;
};

static void goto_draw(void *self, WINDOW *w)
{
    (void)w;
    struct att_goto *g = self;
    curs_set(1);
    draw_prompt(g->a, "Go to date:", &g->le, "YYYY-MM-DD, today, +1w, -3d · Enter goes · Esc cancels");
}

static enum view_key goto_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct att_goto *g = self;
    if (act && act->id == ACT_KEEP_TEXT) {
        g->go = true;
        return VIEW_CLOSE;
    }
    if (act)
        return VIEW_PASS;
    if (lineedit_key(&g->le, ret, ch) == LINEEDIT_REFUSED)
        ui_error(g->a->ui, "Go to date: %s", lineedit_reason(&g->le));
    return VIEW_DONE;
}

static const enum action_id goto_keys[] = {ACT_KEEP_TEXT, ACT_NONE};
static const struct view_ops goto_view = {
    .title = "going to a date",
    .keys = goto_keys,
    .draw = goto_draw,
    .key = goto_key,
    .takes_text = prompt_takes_text,
};

const struct view_ops *attendance_goto_view_ops(void) { return &goto_view; }

static void run_goto(struct att *a)
{
    struct att_goto g = {.a = a};
    struct lineedit *lep = &g.le;
    if (lineedit_init(lep, NULL, 30) != AP_OK) {
        ui_error(a->ui, "Out of memory");
        return;
    }
    ui_run_view(a->ui, &goto_view, &g);
    bool go = g.go && !ui_quitting(a->ui);
    struct lineedit le = g.le;
    curs_set(0);
    if (go) {
        const char *text = lineedit_text(&le);
        while (*text == ' ')
            text++;
        int date;
        if (!date_parse(text, a->today, &date)) {
            ui_error(a->ui, "\"%s\" is not a date: type YYYY-MM-DD, today, +1w or -3d", text);
        } else {
            int wd = date_weekday(date);
            int col = wd > 4 ? NSESS - 1 : wd * 2;
            if (date == a->today && current_col(a) >= 0)
                col = current_col(a);
            show_week(a, date, cursor_pupil(a), col);
            char d[24];
            day_text(date, d, sizeof d);
            if (wd > 4)
                ui_message(a->ui, "%s is a weekend: showing the week before it", d);
            else if (!a->school[wd])
                ui_message(a->ui, "%s is not a school day (holiday or closure)", d);
        }
    }
    lineedit_free(&le);
}

/* ---- Register close -------------------------------------------------------------------- */

static int unmarked_expected(const struct att *a, int col)
{
    int n = 0;
    for (size_t i = 0; i < a->nrows; i++)
        n += expected_at(&a->rows[i], col) && !a->rows[i].c[col].code;
    return n;
}

/* Closes the register (every expected pupil without a mark gets N) and
 * says how many; every open pane reloads. */
static void close_register(struct ui *ui, int day, enum session sess, bool automatic)
{
    int marked = 0;
    char d[24];
    day_text(day, d, sizeof d);
    ap_status st = marks_close_register(ui_store(ui), day, sess, &marked);
    if (st != AP_OK) {
        ui_error(ui, "The %s register for %s was not closed: %s", session_word(sess), d, ap_error_detail());
        return;
    }
    ui_store_changed(ui); /* the grid keeps its cursor on the same pupil */
    const struct apterm_config *cfg = ui_config(ui);
    int at = sess == SESSION_AM ? cfg->close_am_minutes : cfg->close_pm_minutes;
    char which[96];
    if (automatic)
        snprintf(which, sizeof which, "%s register closed at %02d:%02d", session_word(sess), at / 60, at % 60);
    else
        snprintf(which, sizeof which, "%s %s closed", d, session_word(sess));
    if (marked)
        ui_message(ui, "%s: %d unmarked pupil%s got N", which, marked, marked == 1 ? "" : "s");
    else
        ui_message(ui, "%s: every expected pupil had a mark", which);
}

/* The close itself is a rule of the store (src/register.h): any apterm
 * process applies it; here the full-screen program says what it did. */
unsigned attendance_register_timer(struct ui *ui)
{
    struct register_closed done[2];
    int n = 0;
    if (register_close_due(ui_store(ui), ui_config(ui), done, &n) != AP_OK) {
        ui_error(ui, "The register was not closed: %s", ap_error_detail());
        return REDRAW_STATUS;
    }
    if (!n)
        return REDRAW_NONE;
    ui_store_changed(ui); /* the grid keeps its cursor on the same pupil */
    char msg[2][120];
    for (int i = 0; i < n; i++)
        register_closed_text(&done[i], ui_config(ui), msg[i], sizeof msg[i]);
    if (n == 1)
        ui_message(ui, "%s", msg[0]);
    else
        ui_message(ui, "%s; %s", msg[0], msg[1]);
    return REDRAW_BODY | REDRAW_STATUS;
}

static unsigned close_key(struct att *a)
{
    struct ui *ui = a->ui;
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    int col = a->cur_col, day = col_day(a, col);
    enum session sess = col_session(col);
    char d[24];
    day_text(day, d, sizeof d);
    if (!a->school[col / 2]) {
        ui_error(ui, "%s is not a school day: there is no register to close", d);
        return REDRAW_STATUS;
    }
    if (!started(a, col)) {
        ui_error(ui, "%s %s has not begun: its register cannot be closed yet", d, session_word(sess));
        return REDRAW_STATUS;
    }
    int n = unmarked_expected(a, col);
    if (n == 0) {
        ui_message(ui, "%s %s: every expected pupil has a mark; nothing to close", d, session_word(sess));
        return REDRAW_STATUS;
    }
    char q[200];
    snprintf(q, sizeof q, "Close %s %s? %d unmarked pupil%s get N", d, session_word(sess), n, n == 1 ? "" : "s");
    if (!ui_confirm(ui, q))
        return REDRAW_STATUS;
    a->dirty = false; /* the reload that follows tells the other panes */
    close_register(ui, day, sess, false);
    return REDRAW_BODY | REDRAW_STATUS;
}

/* ---- The pane ------------------------------------------------------------------------------ */

static void *att_open(struct ui *ui)
{
    struct att *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->ui = ui;
    a->via = SOURCE_PHONE;
    struct store *s = ui_store(ui);
    snprintf(a->set_name, sizeof a->set_name, "%s", strcmp(store_code_set(s), "england") == 0 ? "English" : "Welsh");
    a->today = ui_today(ui);
    a->week = monday_of(a->today);
    int cc = current_col(a);
    a->cur_col = cc >= 0 ? cc : NSESS - 1;
    a->clock_day = a->today;
    a->clock_last = clock_secs();
    attendance_register_timer(ui); /* a register past its close time and still open closes now */
    if (load_all(a)) {
        /* The cursor on the first pupil still unreported this session. */
        int first = a->nrows ? next_unreported(a, (int)a->nrows - 1, a->cur_col) : -1;
        a->cur_row = first >= 0 ? first : 0;
        /* Opened after a register closed with pupils unreported: say so. */
        const struct apterm_config *cfg = ui_config(ui);
        for (int k = 0; k < 2 && cc >= 0; k++) {
            int col = (cc / 2) * 2 + k;
            int close = (k ? cfg->close_pm_minutes : cfg->close_am_minutes) * 60;
            int n = unmarked_expected(a, col);
            if (a->school[col / 2] && a->clock_last >= close && n > 0)
                ui_message(ui, "%s register closed %02d:%02d: %d still unreported (^R: N)", session_word(col_session(col)),
                           close / 3600, close / 60 % 60, n);
        }
    }
    return a;
}

static void att_close(void *state)
{
    struct att *a = state;
    if (!a)
        return;
    free_all(a); /* no ui_store_changed here: the other panes may be closed already */
    free(a);
}

/* A mark changed (the feed names it "pupil/day/session"): its cell and the
 * pupil's term figures read again, in place. False when that cannot be
 * done: the pupil has no row this week, or has one only through marks (a
 * mark may make the row appear or go), or the mark cannot be read. */
static bool apply_mark(struct att *a, const struct view_change *what)
{
    long long pupil;
    int day;
    char half[3];
    if (!what->key || sscanf(what->key, "%lld/%d/%2s", &pupil, &day, half) != 3)
        return false;
    enum session session = strcmp(half, "pm") == 0 ? SESSION_PM : SESSION_AM;
    struct store *s = ui_store(a->ui);
    long r = row_of_pupil(a, pupil);
    int col = (day - a->week) * 2 + (session == SESSION_PM);
    bool shown = col >= 0 && col < NSESS;
    if (shown && (r < 0 || (!a->rows[r].expected && !a->all)))
        return false;
    if (shown) {
        struct mark m;
        if (marks_get(s, pupil, day, session, &m) != AP_OK)
            return false;
        a->rows[r].c[col] = m.version ? (struct cell){m.code[0], m.reported_code[0], m.version} : (struct cell){0};
    }
    int64_t id = pupil;
    bool whole = false;
    if (roll_reload_pupils(s, a->roll, &id, 1, &whole) != AP_OK || whole)
        return false;
    if (r >= 0) {
        const struct roll_row *p = row_pupil(a, &a->rows[r]);
        a->rows[r].term_possible = p->possible;
        a->rows[r].term_attending = p->attending;
    }
    return true;
}

/* Changes to these are nothing the grid shows. */
static const char *const att_ignored[] = {
    "contact", "provider_contact", "progress_entry", "tracking_action", "concern", "psp", "psp_target",
    "psp_review", "psp_review_progress", "psp_timetable", "qa_visit", "qa_answer", "qa_template",
    "qa_template_item", "panel_case", "quote", NULL,
};

static bool att_reload(void *state, const struct view_change *what)
{
    struct att *a = state;
    if (view_change_in(what, att_ignored))
        return false;
    /* A mark: one cell (the commonest change by far). */
    if (a->loaded && what && what->table && strcmp(what->table, "attendance_mark") == 0 && apply_mark(a, what))
        return false;
    /* Our own writes are in the rows already: read again only when someone
     * else committed since the rows were read. */
    if ((!what || !what->table) && a->syncing && a->loaded &&
        store_data_version(ui_store(a->ui)) == a->loaded_version)
        return true;
    /* Anything else (a placement, a pupil, a provider, the calendar or the
     * codes) may move rows and expected sessions: the week read whole. */
    int64_t keep = cursor_pupil(a);
    int line = a->cur_row;
    load_all(a);
    keep_cursor(a, keep, line);
    return true;
}

static void att_flags_changed(void *state)
{
    map_flags(state);
}

static const char *att_detail(void *state)
{
    struct att *a = state;
    if (!a->loaded || !a->nrows)
        return NULL;
    const struct grid_row *r = &a->rows[a->cur_row];
    if (!r->run_why)
        return NULL;
    snprintf(a->detail, sizeof a->detail, "%s %s (%s)", r->run == FLAG_RED ? "!" : "~", r->run_why,
             row_pupil(a, r)->display_name);
    return a->detail;
}

static unsigned att_tick(void *state, bool active)
{
    struct att *a = state;
    unsigned out = REDRAW_NONE;
    /* Our marks reach the other panes (and the flags) once the officer pauses. */
    if (a->dirty && now_ms() - a->last_write_ms >= SYNC_IDLE_MS) {
        a->dirty = false;
        a->syncing = true;
        ui_store_changed(a->ui);
        a->syncing = false;
        out |= REDRAW_BODY | REDRAW_STATUS;
    }
    /* A new day (apterm left open overnight): today's week. */
    int now = clock_secs(), today = ui_today(a->ui);
    if (today != a->clock_day) {
        a->clock_day = today;
        a->clock_last = now;
        a->week = monday_of(today);
        att_reload(a, NULL);
        return active ? REDRAW_ALL : REDRAW_NONE;
    }
    out |= attendance_register_timer(a->ui);
    if (a->clock_last < NOON && now >= NOON)
        out |= REDRAW_BODY; /* this afternoon's unreported cells become missing */
    a->clock_last = now;
    return active ? out : REDRAW_NONE;
}

/* The ? screen's code legend. */
static bool att_help_line(void *state, int i, char *buf, size_t len)
{
    struct att *a = state;
    static const char *const cells[] = {
        "",
        "What a cell shows:",
        "  ?   expected, not yet reported (the session has begun)",
        "  _   expected, the session is still to come",
        "  ·   not timetabled then: a code still records a mark",
        "  –   not a school day (weekend, holiday, closure)",
        "  B*  the officer changed the provider's code (Enter shows both)",
        "  ! ~ before a name: unauthorised absences in a row; the reason below",
    };
    int ncells = (int)(sizeof cells / sizeof cells[0]);
    if (i < ncells) {
        snprintf(buf, len, "%s", cells[i]);
        return true;
    }
    i -= ncells;
    if (i == 0) {
        snprintf(buf, len, "Codes of the %s set (type the capital; '/' and '\\' both mean present):", a->set_name);
        return true;
    }
    i--;
    if (i < 0 || (size_t)i >= a->codes.n)
        return false;
    const struct code_info *c = &a->codes.codes[i];
    char note[120] = "", d[11];
    enum role role = store_role(ui_store(a->ui));
    if (c->valid_to != DATE_NONE && c->valid_to < a->today)
        snprintf(note, sizeof note, "(retired %s: old marks only) ", date_format(c->valid_to, d));
    else if (!codes_enterable(c, a->today, role, NULL, 0))
        snprintf(note, sizeof note, "(only %s) ", c->roles);
    static const char *const cat[CAT_COUNT] = {"present", "attending", "authorised", "unauthorised", "not counted"};
    snprintf(buf, len, "  %s   %-12s %s%s", c->code, (unsigned)c->category < CAT_COUNT ? cat[c->category] : "?", note,
             c->meaning);
    return true;
}

static int calls_pane_index(void)
{
    int n;
    const struct pane_ops *const *all = panes_all(&n);
    for (int i = 0; i < n; i++)
        if (all[i] == &pane_calls)
            return i;
    return -1;
}

static unsigned att_key(void *state, const struct action *act, int key, int ret, wint_t ch)
{
    struct att *a = state;
    struct ui *ui = a->ui;
    (void)key;
    if (!a->loaded) {
        if (act && act->id == ACT_REDRAW)
            att_reload(a, NULL); /* try again */
        return REDRAW_PASS;
    }
    /* A code of the set is a mark: before anything else. */
    if (ret == OK && ch > ' ' && ch < 0x7f && code_of(a, (char)ch))
        return mark_code(a, (char)ch);
    if (!act) {
        if (ret == OK && ch > ' ' && ch < 0x7f) {
            if (ch >= 'a' && ch <= 'z' && code_of(a, (char)(ch - 'a' + 'A')))
                ui_error(ui, "%c is not a code: codes are capitals (Shift+%c records %c)", (char)ch,
                         (char)(ch - 'a' + 'A'), (char)(ch - 'a' + 'A'));
            else
                ui_error(ui, "%c is not a code in the %s set", (char)ch,
                         a->set_name);
            return REDRAW_STATUS;
        }
        return REDRAW_NONE;
    }
    int rows_h = a->rows_h > 1 ? a->rows_h : 1;
    switch (act->id) {
    case ACT_GRID_UP:
        return move_to(a, a->cur_row - 1, a->cur_col);
    case ACT_GRID_DOWN:
        return move_to(a, a->cur_row + 1, a->cur_col);
    case ACT_GRID_LEFT:
        if (a->cur_col == 0) {
            show_week(a, a->week - 7, cursor_pupil(a), NSESS - 1);
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return move_to(a, a->cur_row, a->cur_col - 1);
    case ACT_GRID_RIGHT:
        if (a->cur_col == NSESS - 1) {
            show_week(a, a->week + 7, cursor_pupil(a), 0);
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return move_to(a, a->cur_row, a->cur_col + 1);
    case ACT_GRID_PAGE_UP:
        return move_to(a, a->cur_row - rows_h, a->cur_col);
    case ACT_GRID_PAGE_DOWN:
        return move_to(a, a->cur_row + rows_h, a->cur_col);
    case ACT_GRID_HOME:
        return move_to(a, 0, a->cur_col);
    case ACT_GRID_END:
        return move_to(a, (int)a->nrows - 1, a->cur_col);
    case ACT_GRID_CLEAR:
        return clear_mark(a);
    case ACT_GRID_UNDO:
        return undo_last(a);
    case ACT_GRID_REPEAT:
        return repeat_code(a);
    case ACT_GRID_OPEN:
        open_mark(a);
        return REDRAW_ALL;
    case ACT_GRID_SEARCH:
        run_search(a);
        return REDRAW_ALL;
    case ACT_GRID_DATE:
        run_goto(a);
        return REDRAW_ALL;
    case ACT_GRID_WEEK:
        show_week(a, a->week + (ret == OK && ch == '[' ? -7 : 7), cursor_pupil(a), a->cur_col);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_GRID_CLOSE_REGISTER:
        return close_key(a);
    case ACT_GRID_ALL: {
        int64_t keep = cursor_pupil(a);
        a->all = !a->all;
        load_week(a);
        keep_cursor(a, keep, a->cur_row);
        ui_message(ui, a->all ? "Rows: everyone on roll, and anyone expected" : "Rows: the pupils expected this week");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    case ACT_GRID_ORDER: {
        int64_t keep = cursor_pupil(a);
        a->by_name = !a->by_name;
        sort_rows(a);
        keep_cursor(a, keep, a->cur_row);
        ui_message(ui, a->by_name ? "Rows in name order" : "Rows by provider, then name");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    case ACT_GRID_SOURCE: {
        static const enum mark_source cycle[] = {SOURCE_PHONE, SOURCE_EMAIL, SOURCE_PORTAL, SOURCE_OFFICER};
        int k = 0;
        while (k < 4 && cycle[k] != a->via)
            k++;
        a->via = cycle[(k + 1) % 4];
        ui_message(ui, "New marks are recorded as coming %s",
                   a->via == SOURCE_PHONE    ? "by phone from the provider"
                   : a->via == SOURCE_EMAIL  ? "by email from the provider"
                   : a->via == SOURCE_PORTAL ? "from the provider's portal"
                                             : "from the officer");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    case ACT_GRID_CALLS: {
        /* The calls list, on this pupil when they are on it. */
        int i = calls_pane_index();
        if (i >= 0)
            ui_show_record(ui, i, a->nrows ? (long long)a->rows[a->cur_row].pupil_id : 0);
        return REDRAW_ALL;
    }
    default:
        return REDRAW_PASS; /* ?, Esc: the shell's */
    }
}

static const enum action_id att_hints[] = {ACT_GRID_CLEAR, ACT_GRID_UNDO, ACT_GRID_REPEAT, ACT_GRID_OPEN,
                                           ACT_GRID_SEARCH, ACT_GRID_WEEK, ACT_GRID_CLOSE_REGISTER, ACT_NONE};

const struct pane_ops pane_attendance = {
    .title = "Attendance",
    .scopes = SCOPE_GRID,
    .hints = att_hints,
    .open = att_open,
    .close = att_close,
    .draw = att_draw,
    .key = att_key,
    .reload = att_reload,
    .detail = att_detail,
    .flags_changed = att_flags_changed,
    .keys_first = true,
    .tick = att_tick,
    .help_line = att_help_line,
};
