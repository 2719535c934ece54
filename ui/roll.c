/* The pupil roll (tab 1): every pupil in one list, loaded once with
 * roll_load and the shell's flags (ui_flags), then searched, filtered and
 * sorted in memory. Enter opens the pupil's record; the pupil's form,
 * contacts, concerns and placements are in ui/pupil_form.c and
 * ui/pupil_views.c. No SQL here: db/roll.h and the record modules do it. */

#include "panes.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attr.h"
#include "draw.h"
#include "filterview.h"
#include "flagset.h"
#include "import.h"
#include "date.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "pupil_views.h"
#include "roll.h"
#include "rowio.h"
#include "search.h"
#include "rules.h"
#include "shell.h"
#include "view.h"
#include "utf8.h"

enum roll_col { COL_NAME, COL_YEAR, COL_SCHOOL, COL_ROLL, COL_COHORT, COL_PROVIDER, COL_ATT, COL_FLAGS, COL_COUNT };

/* The headings and the widths at 80 columns (name 20); layout_columns
 * shares out other widths, the name first, then school and provider. */
static const struct list_column columns[COL_COUNT] = {
    [COL_NAME] = {"Name", 12, true, false},
    [COL_YEAR] = {"Yr", 3, false, true},
    [COL_SCHOOL] = {"School", 11, false, false},
    [COL_ROLL] = {"Roll", 6, false, false},
    [COL_COHORT] = {"Cohort", 11, false, false},
    [COL_PROVIDER] = {"Provider", 11, false, false},
    [COL_ATT] = {"Att", 4, false, true},
    [COL_FLAGS] = {"Flag", 5, false, false},
};

/* The words of the sort line, and each column's first direction when s
 * moves to it: lowest attendance and most flags first, the rest A to Z. */
static const char *const col_words[COL_COUNT] = {"name", "year group", "home school", "roll status",
                                                 "cohort", "provider", "attendance", "flags"};
static const bool col_first_desc[COL_COUNT] = {[COL_FLAGS] = true};
/* The sort orders: the title line says which (no message). */
static const struct list_sort sort_orders = {COL_COUNT, col_first_desc, NULL, NULL, NULL};

/* The roll status in the six columns the list gives it. */
static const char *roll_word(const char *code)
{
    if (strcmp(code, "sole_school") == 0)
        return "School";
    if (strcmp(code, "dual_prs") == 0)
        return "Dual";
    if (strcmp(code, "sole_prs") == 0)
        return "PRS";
    return code;
}

enum flag_filter { FF_ANY = 0, FF_RED, FF_AMBER, FF_RAISED, FF_NONE, FF_COUNT };
static const char *const flag_filter_words[FF_COUNT] = {"any pupil", "red", "amber", "red or amber", "no flags"};

/* A pupil's flags, from the shell's latest pass. */

struct roll_pane {
    struct ui *ui;
    struct roll *roll;
    struct flag_tally *flags;   /* roll->n */
    size_t n_on_roll;           /* rows on roll: counted at load, kept as rows are read again */
    bool flags_known;
    struct list_rows rows;      /* the rows shown, in the sort order */
    struct listview lv;
    struct list_column cols[COL_COUNT]; /* columns at the window's width */
    int sort_col;
    bool sort_desc;
    /* Search: kept after Enter; while typing, the editor is rows.typing. */
    char search[128];
    /* Each row's name, legal name, UPN and preferred name folded as the
     * search compares them (utf8_fold_text), joined by SEARCH_SEP: made at
     * the first search of a roll, dropped when the rows change. */
    char *hay;
    size_t *hay_at;             /* roll->n offsets into hay */
    char needle[4 * 128];       /* the search folded (prepare_search) */
    /* Filter. */
    char f_cohort[24];          /* "" any */
    char f_roll[16];            /* "" any */
    int64_t f_provider;         /* 0 any */
    char f_provider_name[121];
    enum flag_filter f_flag;
    bool f_everyone;            /* false: on roll only */
    char detail[RULES_WHY_LEN + 8];
};

/* ---- Loading ---------------------------------------------------------------- */

/* The roll's index of the pupil's row (the roll's own index by id), or -1. */
static long row_of_id(const struct roll_pane *rp, int64_t id)
{
    return rp->roll ? roll_index_of(rp->roll, id) : -1;
}

/* Adds n flag rows to the pupils' rows they name. */
static void add_flags(struct roll_pane *rp, const struct flag_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        long r = rows[i].pupil_id ? row_of_id(rp, rows[i].pupil_id) : -1;
        if (r >= 0)
            flag_tally_add(&rp->flags[r], &rows[i]);
    }
}

/* Takes the pupils' flags from the shell's latest pass: after a pass over
 * some pupils (a mark's), only theirs, from their new rows (ui_flags_fresh);
 * otherwise every row's. */
static void map_flags(struct roll_pane *rp)
{
    const struct flag_row *rows;
    size_t n;
    if (!rp->roll || !rp->flags)
        return;
    bool was_known = rp->flags_known;
    rp->flags_known = ui_flags(rp->ui, &rows, &n);
    const int64_t *pupils;
    size_t np, from;
    if (was_known && rp->flags_known && ui_flags_fresh(rp->ui, &pupils, &np, &from) && from <= n) {
        for (size_t i = 0; i < np; i++) {
            long r = row_of_id(rp, pupils[i]);
            if (r >= 0)
                rp->flags[r] = (struct flag_tally){0};
        }
        add_flags(rp, rows + from, n - from);
        return;
    }
    memset(rp->flags, 0, rp->roll->n * sizeof *rp->flags);
    add_flags(rp, rows, n);
}


static int cmp_text(const char *a, const char *b)
{
    /* Empty last, then case-insensitively. */
    if (!a[0] != !b[0])
        return a[0] ? -1 : 1;
    return strcasecmp(a, b);
}

/* Compares two rows by the sort column; ties keep the name order (the
 * roll's order: surname, forename, id). */
static int row_cmp(const void *ctx, size_t ia, size_t ib)
{
    const struct roll_pane *rp = ctx;
    const struct roll_row *a = &rp->roll->rows[ia], *b = &rp->roll->rows[ib];
    int c = 0;
    switch (rp->sort_col) {
    case COL_YEAR:
        c = (a->year_group > b->year_group) - (a->year_group < b->year_group);
        break;
    case COL_SCHOOL:
        c = cmp_text(a->home_school, b->home_school);
        break;
    case COL_ROLL:
        c = label_rank(LABELS_ROLL_STATUS, a->roll_status) - label_rank(LABELS_ROLL_STATUS, b->roll_status);
        break;
    case COL_COHORT:
        c = label_rank(LABELS_COHORT, a->cohort) - label_rank(LABELS_COHORT, b->cohort);
        break;
    case COL_PROVIDER:
        c = cmp_text(a->providers, b->providers);
        break;
    case COL_ATT:
        if (a->has_attendance != b->has_attendance)
            return a->has_attendance ? -1 : 1; /* no figure last, either way */
        if (a->has_attendance)
            c = (a->attendance_pct > b->attendance_pct) - (a->attendance_pct < b->attendance_pct);
        break;
    case COL_FLAGS: {
        const struct flag_tally *fa = &rp->flags[ia], *fb = &rp->flags[ib];
        c = (int)fa->level - (int)fb->level;
        if (!c)
            c = fa->red - fb->red;
        if (!c)
            c = fa->amber - fb->amber;
        break;
    }
    default:
        break;
    }
    if (rp->sort_desc)
        c = -c;
    if (!c)
        c = (ia > ib) - (ia < ib);
    return c;
}

static bool row_matches(const void *ctx, size_t i)
{
    const struct roll_pane *rp = ctx;
    const struct roll_row *r = &rp->roll->rows[i];
    if (!rp->f_everyone && !r->on_roll)
        return false;
    if (rp->f_cohort[0] && strcmp(r->cohort, rp->f_cohort) != 0)
        return false;
    if (rp->f_roll[0] && strcmp(r->roll_status, rp->f_roll) != 0)
        return false;
    if (rp->f_provider && !roll_row_has_provider(r, rp->f_provider))
        return false;
    if (rp->f_flag != FF_ANY) {
        enum flag_level lv = rp->flags ? rp->flags[i].level : FLAG_NONE;
        bool ok = rp->f_flag == FF_RED     ? lv == FLAG_RED
                  : rp->f_flag == FF_AMBER ? lv == FLAG_AMBER
                  : rp->f_flag == FF_RAISED ? rules_flag_raised(lv)
                                            : !rules_flag_raised(lv);
        if (!ok)
            return false;
    }
    const char *q = rp->search;
    while (*q == ' ')
        q++;
    if (*q && rp->hay)
        return strstr(rp->hay + rp->hay_at[i], rp->needle) != NULL;
    if (*q) {
        char legal[256];
        snprintf(legal, sizeof legal, "%s %s", r->legal_forename, r->legal_surname);
        if (!utf8_contains(r->display_name, q) && !utf8_contains(legal, q) && !utf8_contains(r->upn, q) &&
            !utf8_contains(r->preferred_name, q))
            return false;
    }
    return true;
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct roll_pane *)ctx)->roll->rows[i].id;
}

#define SEARCH_SEP "\x1f" /* a control character: never in a search typed */

static void drop_hay(struct roll_pane *rp)
{
    free(rp->hay);
    free(rp->hay_at);
    rp->hay = NULL;
    rp->hay_at = NULL;
}

/* What the search compares of row r, folded, into out (NULL when measuring
 * only): the bytes it needs, less the NUL. */
static size_t fold_row(const struct roll_row *r, char *out, size_t outsz)
{
    char legal[256];
    snprintf(legal, sizeof legal, "%s %s", r->legal_forename, r->legal_surname);
    const char *parts[4] = {r->display_name, legal, r->upn, r->preferred_name};
    size_t used = 0;
    for (int k = 0; k < 4; k++) {
        if (k) {
            if (out && used + 1 < outsz)
                memcpy(out + used, SEARCH_SEP, 2);
            used++;
        }
        used += utf8_fold_text(parts[k], out ? out + used : NULL, out && used < outsz ? outsz - used : 0);
    }
    return used;
}

/* Before the rows are filtered: with a search, the rows folded (once per
 * roll) and the search folded, so that each row is one strstr. Without the
 * folded rows (out of memory) each row is compared as it is. */
static void prepare_search(void *ctx)
{
    struct roll_pane *rp = ctx;
    const char *q = rp->search;
    while (*q == ' ')
        q++;
    if (!*q || !rp->roll)
        return;
    utf8_fold_text(q, rp->needle, sizeof rp->needle);
    if (rp->hay)
        return;
    size_t n = rp->roll->n, total = 0;
    rp->hay_at = malloc((n ? n : 1) * sizeof *rp->hay_at);
    for (size_t i = 0; rp->hay_at && i < n; i++) {
        rp->hay_at[i] = total;
        total += fold_row(&rp->roll->rows[i], NULL, 0) + 1;
    }
    rp->hay = rp->hay_at ? malloc(total ? total : 1) : NULL;
    if (!rp->hay) {
        drop_hay(rp);
        return;
    }
    for (size_t i = 0; i < n; i++)
        fold_row(&rp->roll->rows[i], rp->hay + rp->hay_at[i], total - rp->hay_at[i]);
}

static void roll_draw(void *state, WINDOW *w);
static const struct list_rows_ops rows_ops = {row_matches, row_cmp, row_id, roll_draw};

static void resort(void *pane, int64_t keep_id)
{
    struct roll_pane *rp = pane;
    if (!rp->roll)
        return;
    rp->lv.sort_column = rp->sort_col;
    rp->lv.sort_desc = rp->sort_desc;
    list_rows_sort(&rp->rows, rp->sort_col == COL_NAME && !rp->sort_desc, keep_id);
}

/* Loads the roll again; the search, filter, sort and cursor stay. With
 * first_rows, only the first screenful (the roll as it opens): the shell
 * reloads the whole roll straight after the first frame. */
static void load_some(struct roll_pane *rp, int first_rows)
{
    int64_t keep = list_rows_current(&rp->rows);
    struct roll *r = NULL;
    ap_status st = first_rows ? roll_load_first(ui_store(rp->ui), ui_today(rp->ui), first_rows, &r)
                              : roll_load(ui_store(rp->ui), ui_today(rp->ui), &r);
    if (st != AP_OK) {
        ui_error(rp->ui, "The roll could not be loaded: %s", ap_error_detail());
        return;
    }
    size_t n = r->n ? r->n : 1;
    struct flag_tally *flags = calloc(n, sizeof *flags);
    if (!flags || !list_rows_reserve(&rp->rows, n)) {
        free(flags);
        roll_free(r);
        ui_error(rp->ui, "The roll could not be loaded: out of memory");
        return;
    }
    roll_free(rp->roll);
    drop_hay(rp);
    free(rp->flags);
    rp->roll = r;
    rp->flags = flags;
    rp->rows.n = r->n;
    rp->n_on_roll = 0;
    for (size_t i = 0; i < r->n; i++)
        rp->n_on_roll += r->rows[i].on_roll;
    map_flags(rp);
    resort(rp, keep); /* the cursor on the same pupil, else on the same line */
}

/* ---- Drawing ------------------------------------------------------------------ */

static void cell(void *ctx, int line, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct roll_pane *rp = ctx;
    if (line < 0 || (size_t)line >= rp->rows.nview) {
        buf[0] = '\0';
        return;
    }
    size_t i = rp->rows.view[line];
    const struct roll_row *r = &rp->roll->rows[i];
    switch (col) {
    case COL_NAME:
        snprintf(buf, len, "%s%s", r->display_name, r->on_roll ? "" : " (left)");
        if (!r->on_roll)
            *attr = ATTR_DIM;
        break;
    case COL_YEAR:
        rules_year_group_short(r->year_group, buf, len);
        break;
    case COL_SCHOOL:
        snprintf(buf, len, "%s", r->home_school);
        break;
    case COL_ROLL:
        snprintf(buf, len, "%s", roll_word(r->roll_status));
        break;
    case COL_COHORT:
        snprintf(buf, len, "%s", label_brief(LABELS_COHORT, r->cohort));
        break;
    case COL_PROVIDER:
        snprintf(buf, len, "%s", r->providers);
        break;
    case COL_ATT:
        if (!r->has_attendance) {
            snprintf(buf, len, "–");
        } else {
            snprintf(buf, len, "%d%%", (int)r->attendance_pct); /* 89.6 shows 89: below 90 */
            if (r->attendance_pct < ui_config(rp->ui)->th.persistent_absence_pct)
                *attr = ATTR_FLAG_AMBER;
        }
        break;
    case COL_FLAGS: {
        if (!rp->flags_known) {
            snprintf(buf, len, "…");
            *attr = ATTR_DIM;
            break;
        }
        const struct flag_tally *f = &rp->flags[i];
        if (f->level == FLAG_RED) {
            snprintf(buf, len, "!%d", f->red + f->amber);
            *attr = ATTR_FLAG_RED;
        } else if (f->level == FLAG_AMBER) {
            snprintf(buf, len, "~%d", f->amber);
            *attr = ATTR_FLAG_AMBER;
        } else {
            buf[0] = '\0';
        }
        break;
    }
    default:
        buf[0] = '\0';
    }
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Widths for a window of width columns: year, roll, attendance and flags
 * keep theirs, so that the flags never fall off a narrow terminal; the name,
 * school, cohort and provider share the rest (at 80 columns: 20, 11, 11, 11). */
static void layout_columns(struct roll_pane *rp, int width)
{
    memcpy(rp->cols, columns, sizeof rp->cols);
    int fixed = columns[COL_YEAR].width + columns[COL_ROLL].width + columns[COL_ATT].width + columns[COL_FLAGS].width;
    int rest = width - 1 - COL_COUNT - fixed; /* a marker column, and a space after each column */
    int share = rest * 11 / 53;
    rp->cols[COL_COHORT].width = clamp(share, 6, 11);
    rp->cols[COL_SCHOOL].width = clamp(share, 6, 28);
    rp->cols[COL_PROVIDER].width = clamp(share, 6, 36);
    int name = rest - rp->cols[COL_COHORT].width - rp->cols[COL_SCHOOL].width - rp->cols[COL_PROVIDER].width;
    rp->cols[COL_NAME].width = name > 10 ? name : 10;
    rp->lv.columns = rp->cols;
}

/* "4,750" */
static void count_text(size_t n, char *buf, size_t len)
{
    if (n >= 1000)
        snprintf(buf, len, "%zu,%03zu", n / 1000, n % 1000);
    else
        snprintf(buf, len, "%zu", n);
}

/* The rows before search and filter: everyone, or those on roll. Drawn
 * after every change: not counted again each time. */
static size_t base_count(const struct roll_pane *rp)
{
    if (!rp->roll)
        return 0;
    return rp->f_everyone ? rp->roll->n : rp->n_on_roll;
}

static bool filtered(const struct roll_pane *rp)
{
    return rp->f_cohort[0] || rp->f_roll[0] || rp->f_provider || rp->f_flag != FF_ANY;
}

/* "PRU Plus, dual roll, at Cwm Farm, red flags" */
static void filter_text(const struct roll_pane *rp, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
#define ADD(...)                                                                             \
    do {                                                                                     \
        int w_ = snprintf(buf + used, len - used, "%s", used ? ", " : "");                   \
        if (w_ > 0 && (size_t)w_ < len - used)                                               \
            used += (size_t)w_;                                                              \
        w_ = snprintf(buf + used, len - used, __VA_ARGS__);                                  \
        if (w_ > 0 && (size_t)w_ < len - used)                                               \
            used += (size_t)w_;                                                              \
    } while (0)
    if (rp->f_cohort[0])
        ADD("cohort %s", label_text(LABELS_COHORT, rp->f_cohort));
    if (rp->f_roll[0])
        ADD("%s", label_text(LABELS_ROLL_STATUS, rp->f_roll));
    if (rp->f_provider)
        ADD("placed at %s", rp->f_provider_name);
    if (rp->f_flag == FF_NONE)
        ADD("no flags");
    else if (rp->f_flag != FF_ANY)
        ADD("flagged %s", flag_filter_words[rp->f_flag]);
#undef ADD
}

static void draw_search_line(struct roll_pane *rp, WINDOW *w)
{
    char count[32], text[600], filt[300];
    count_text(rp->rows.nview, count, sizeof count);
    filter_text(rp, filt, sizeof filt);
    if (list_rows_draw_state(&rp->rows, w, 1, count, "pupil", "pupils", rp->search, filt, false))
        return;
    /* Nothing active: the pupil's keys, from the action table. */
    static const enum action_id more[] = {ACT_CONTACTS, ACT_CONCERNS, ACT_PLACEMENTS};
    size_t used = (size_t)snprintf(text, sizeof text, "For the pupil under the cursor: ");
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++) {
        const struct action *a = action_get(more[k]);
        if (a && used < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s %s  ", a->label, a->hint);
    }
    draw_put(w, 1, 1, text, ATTR_HINT);
}

static void load(struct roll_pane *rp)
{
    load_some(rp, 0);
}

static void roll_draw(void *state, WINDOW *w)
{
    struct roll_pane *rp = state;
    int height = getmaxy(w);
    char title[600], count[32], base[32];
    if (!rp->roll) {
        draw_put(w, 0, 1, "Pupil roll: not loaded (see the message below)", ATTR_HEADER);
        return;
    }
    size_t nbase = base_count(rp);
    if (rp->roll->first_limit && !rp->f_everyone) /* the first screenful: the count is the whole roll's */
        nbase = (size_t)rp->roll->on_roll_total;
    count_text(rp->rows.nview == base_count(rp) ? nbase : rp->rows.nview, count, sizeof count);
    count_text(nbase, base, sizeof base);
    const char *who = rp->f_everyone ? "pupils, on roll or not" : "on roll";
    char shown[96];
    if (rp->rows.nview == base_count(rp))
        snprintf(shown, sizeof shown, "%s %s", base, who);
    else
        snprintf(shown, sizeof shown, "%s of %s %s", count, base, who);
    snprintf(title, sizeof title, "Pupil roll: %s · sorted by %s %s · attendance %s", shown,
             col_words[rp->sort_col], rp->sort_desc ? "▼" : "▲",
             rp->roll->have_term ? rp->roll->term_name : "(no term in the calendar)");
    wmove(w, 0, 0);
    wclrtoeol(w);
    draw_put(w, 0, 1, title, ATTR_HEADER);
    rp->lv.ctx = rp;
    layout_columns(rp, getmaxx(w));
    listview_draw(&rp->lv, w, 2, height - 2);
    if (rp->rows.nview == 0) {
        const char *why = rp->roll->n == 0 ? "No pupils yet: press a to add the first one."
                          : rp->search[0] || filtered(rp) ? "No pupil matches the search and filter."
                                                          : "No pupils on roll: f, then Showing, to see everyone.";
        draw_put(w, 4, 3, why, ATTR_DIM);
    }
    draw_search_line(rp, w); /* last: a search field keeps the cursor */
}

/* ---- Search -------------------------------------------------------------------- */

/* ---- Filter menu (ui/filterview.h: the box, its keys) --------------------------------- */

enum { FI_COHORT, FI_ROLL, FI_PROVIDER, FI_FLAG, FI_SHOWING, FI_COUNT };

struct roll_filter {
    struct roll_pane *rp;
    int cohort;                 /* 0 any, else LABELS_COHORT index + 1 */
    int roll;                   /* 0 any, else LABELS_ROLL_STATUS index + 1 */
    struct pick provider;       /* 0: any */
    int64_t provider_id;
    int flag;
    bool everyone;
};

static void menu_value(void *ctx, int item, char *buf, size_t len)
{
    const struct roll_filter *m = ctx;
    switch (item) {
    case FI_COHORT:
        snprintf(buf, len, "%s", m->cohort ? LABELS_COHORT[m->cohort - 1].text : "any cohort");
        break;
    case FI_ROLL:
        snprintf(buf, len, "%s", m->roll ? LABELS_ROLL_STATUS[m->roll - 1].text : "any roll status");
        break;
    case FI_FLAG:
        snprintf(buf, len, "%s", flag_filter_words[m->flag]);
        break;
    case FI_SHOWING:
        snprintf(buf, len, "%s", m->everyone ? "everyone, on roll or not" : "pupils on roll");
        break;
    default:
        buf[0] = '\0';
    }
}

static void menu_step(void *ctx, int item, int step)
{
    struct roll_filter *m = ctx;
    int n;
    switch (item) {
    case FI_COHORT:
        n = (int)label_count(LABELS_COHORT) + 1;
        m->cohort = (m->cohort + step + n) % n;
        break;
    case FI_ROLL:
        n = (int)label_count(LABELS_ROLL_STATUS) + 1;
        m->roll = (m->roll + step + n) % n;
        break;
    case FI_FLAG:
        m->flag = (m->flag + step + FF_COUNT) % FF_COUNT;
        break;
    case FI_SHOWING:
        m->everyone = !m->everyone;
        break;
    default:
        break;
    }
}

static void menu_clear(void *ctx)
{
    struct roll_filter *m = ctx;
    m->cohort = m->roll = 0;
    m->provider_id = 0;
    m->flag = FF_ANY;
    m->everyone = false;
}

static void menu_under(void *ctx, WINDOW *w)
{
    roll_draw(((struct roll_filter *)ctx)->rp, w);
}

static void run_filter(void *pane)
{
    struct roll_pane *rp = pane;
    struct roll_filter m = {.rp = rp, .flag = rp->f_flag, .everyone = rp->f_everyone, .provider_id = rp->f_provider};
    pick_init(&m.provider, &m.provider_id);
    m.cohort = filter_menu_label(LABELS_COHORT, rp->f_cohort);
    m.roll = filter_menu_label(LABELS_ROLL_STATUS, rp->f_roll);
    filter_menu_providers(rp->ui, &m.provider, rp->f_provider);
    static const char *const labels[FI_COUNT] = {"Cohort", "Roll status", "Provider", "Flagged", "Showing"};
    const struct filter_menu fm = {"Filter the roll", FI_COUNT, labels, FI_PROVIDER, &m.provider, &m,
                                   menu_value, menu_step, menu_clear, menu_under};
    if (filter_menu_run(rp->ui, &fm)) {
        int64_t keep = list_rows_current(&rp->rows);
        snprintf(rp->f_cohort, sizeof rp->f_cohort, "%s", m.cohort ? LABELS_COHORT[m.cohort - 1].code : "");
        snprintf(rp->f_roll, sizeof rp->f_roll, "%s", m.roll ? LABELS_ROLL_STATUS[m.roll - 1].code : "");
        filter_menu_take_provider(&m.provider, &rp->f_provider, rp->f_provider_name, sizeof rp->f_provider_name);
        rp->f_flag = (enum flag_filter)m.flag;
        rp->f_everyone = m.everyone;
        list_rows_filter(&rp->rows, keep);
        ui_message(rp->ui, filtered(rp) ? "Filter applied" : "No filter");
    }
    pick_free(&m.provider);
}

/* False when there was no filter (nor everyone shown) to clear. */
static bool clear_filter(void *pane)
{
    struct roll_pane *rp = pane;
    bool had = filtered(rp) || rp->f_everyone;
    int64_t keep = list_rows_current(&rp->rows);
    rp->f_cohort[0] = rp->f_roll[0] = '\0';
    rp->f_provider = 0;
    rp->f_provider_name[0] = '\0';
    rp->f_flag = FF_ANY;
    rp->f_everyone = false;
    list_rows_filter(&rp->rows, keep);
    return had;
}

/* ---- The pane ------------------------------------------------------------------ */

static void roll_open(void *state, struct ui *ui)
{
    struct roll_pane *rp = state;
    rp->ui = ui;
    layout_columns(rp, 80);
    rp->lv.ncolumns = COL_COUNT;
    rp->lv.cell = cell;
    rp->lv.ctx = rp;
    rp->lv.sort_column = COL_NAME;
    rp->sort_col = COL_NAME;
    rp->rows = (struct list_rows){.ops = &rows_ops, .ctx = rp, .lv = &rp->lv, .prepare = prepare_search};
    load_some(rp, LINES > 0 ? LINES : 60);
}

static void roll_close(void *state)
{
    struct roll_pane *rp = state;
    roll_free(rp->roll);
    drop_hay(rp);
    free(rp->flags);
    list_rows_free(&rp->rows);
}

/* Whether pupil id's row, read again, is where it was and shown as it was:
 * in the name order (the rows' own order, which a row read again in place
 * keeps) with the row shown exactly when the filter and search take it.
 * Then nothing need be sorted or filtered again (every row would be, on
 * 50,000 pupils, after each mark). */
static bool in_place(const struct roll_pane *rp, int64_t id)
{
    long r = row_of_id(rp, id);
    if (r < 0 || rp->sort_col != COL_NAME || rp->sort_desc)
        return false;
    const struct list_rows *v = &rp->rows; /* view: row numbers, ascending in the name order */
    size_t lo = 0, hi = v->nview;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->view[mid] < (size_t)r)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool shown = lo < v->nview && v->view[lo] == (size_t)r;
    return shown == row_matches(rp, (size_t)r);
}

static bool roll_reload(void *state, const struct view_change *what)
{
    struct roll_pane *rp = state;
    enum roll_change change = what && what->table && rp->roll
                                  ? roll_change_of(what->table, what->action ? what->action : "", what->pupil_id)
                                  : ROLL_CHANGE_WHOLE;
    if (change == ROLL_CHANGE_NONE)
        return false;
    if (change == ROLL_CHANGE_ROW) {
        /* One pupil's row read again in place (a mark: the term's
         * attendance); its place in the sort and the filter again. */
        int64_t id = what->pupil_id;
        bool whole = false;
        long r = row_of_id(rp, id);
        char upn[sizeof rp->roll->rows->upn] = "";
        bool was_on = false;
        if (r >= 0) {
            memcpy(upn, rp->roll->rows[r].upn, sizeof upn);
            was_on = rp->roll->rows[r].on_roll;
        }
        if (roll_reload_pupils(ui_store(rp->ui), rp->roll, &id, 1, &whole) == AP_OK && !whole) {
            if (r >= 0)
                rp->n_on_roll = rp->n_on_roll - was_on + rp->roll->rows[r].on_roll;
            /* The names are as they were (else whole); a new UPN is folded
             * again at the next search. */
            if (r < 0 || strcmp(upn, rp->roll->rows[r].upn) != 0)
                drop_hay(rp);
            if (!in_place(rp, id))
                resort(rp, list_rows_current(&rp->rows));
            return false;
        }
    }
    load(rp); /* added, removed, renamed, a provider's or school's name, the term */
    return true;
}

static void roll_flags_changed(void *state)
{
    struct roll_pane *rp = state;
    map_flags(rp);
    if (rp->sort_col == COL_FLAGS)
        resort(rp, list_rows_current(&rp->rows));
    else if (rp->f_flag != FF_ANY)
        list_rows_filter(&rp->rows, list_rows_current(&rp->rows));
}

static const char *roll_detail(void *state)
{
    struct roll_pane *rp = state;
    if (!rp->roll || rp->rows.nview == 0 || !rp->flags_known)
        return NULL;
    const struct flag_tally *f = &rp->flags[rp->rows.view[rp->lv.cursor]];
    if (!rules_flag_raised(f->level) || !f->reason)
        return NULL;
    snprintf(rp->detail, sizeof rp->detail, "%s %s", f->level == FLAG_RED ? "!" : "~", f->reason);
    return rp->detail;
}

static void glance_of(void *ctx, int64_t id, struct pupil_glance *out)
{
    const struct roll_pane *rp = ctx;
    struct pupil_glance g = {0};
    long r = row_of_id(rp, id);
    if (r >= 0) {
        const struct roll_row *row = &rp->roll->rows[r];
        g.has_attendance = row->has_attendance;
        g.attendance_pct = row->attendance_pct;
        g.attending = row->attending;
        g.possible = row->possible;
    }
    if (rp->roll && rp->roll->have_term)
        snprintf(g.term_name, sizeof g.term_name, "%s", rp->roll->term_name);
    *out = g;
}

static void open_record(struct roll_pane *rp, int64_t id)
{
    pupil_record_run(rp->ui, id, glance_of, rp);
}

/* Shows the pupil: clears the search and filter when they hide it. */
static void show_pupil(struct roll_pane *rp, int64_t id)
{
    if (list_rows_select(&rp->rows, id))
        return;
    if (row_of_id(rp, id) < 0)
        load(rp);
    long r = row_of_id(rp, id);
    if (r < 0)
        return;
    rp->search[0] = '\0';
    clear_filter(rp);
    if (!rp->roll->rows[r].on_roll) {
        rp->f_everyone = true;
        list_rows_filter(&rp->rows, id);
    }
    list_rows_select(&rp->rows, id);
}

static void roll_show_record(void *state, long long id)
{
    struct roll_pane *rp = state;
    show_pupil(rp, id);
    WINDOW *w = ui_body(rp->ui);
    werase(w);
    roll_draw(rp, w);
    wnoutrefresh(w);
    if (list_rows_current(&rp->rows) == id)
        open_record(rp, id);
    else
        ui_error(rp->ui, "That pupil is not on the roll any more (deleted by someone else?)");
}

static unsigned roll_key(void *state, const struct action *act, int key)
{
    struct roll_pane *rp = state;
    struct ui *ui = rp->ui;
    if (!rp->roll)
        return REDRAW_NONE;
    int64_t id = list_rows_current(&rp->rows);
    /* Search as you type: every key (digits of a UPN, q) goes to the search field. */
    static const struct list_keys list_keys = {&sort_orders, "Search: name or UPN; Enter keeps it, Esc clears it",
                                               sizeof rp->search, resort, run_filter, clear_filter, NULL, NULL, NULL,
                                               offsetof(struct roll_pane, rows), offsetof(struct roll_pane, search),
                                               offsetof(struct roll_pane, sort_col), offsetof(struct roll_pane, sort_desc)};
    unsigned redraw;
    if (list_pane_key(ui, rp, &list_keys, act, key, &redraw))
        return redraw;
    switch (act->id) {
    case ACT_OPEN:
        if (!id)
            return REDRAW_NONE;
        open_record(rp, id);
        return REDRAW_ALL;
    case ACT_ADD: {
        if (!ui_can_write(ui))
            return REDRAW_STATUS;
        int64_t new_id = 0;
        if (pupil_form_run(ui, &new_id, false))
            show_pupil(rp, new_id);
        return REDRAW_ALL;
    }
    case ACT_EDIT:
        if (!ui_can_write(ui) || !id)
            return REDRAW_STATUS;
        pupil_form_run(ui, &id, false);
        return REDRAW_ALL;
    case ACT_DELETE:
        if (!ui_can_write(ui) || !id)
            return REDRAW_STATUS;
        pupil_delete_run(ui, id);
        return REDRAW_ALL;
    case ACT_IMPORT:
        return ui_import_run(ui, UI_IMPORT_ROLL);
    default:
        break;
    }
    /* The pupil's lists, each a view of its own over the roll. */
    static const struct {
        enum action_id act;
        void (*run)(struct ui *ui, int64_t pupil_id);
    } lists[] = {
        {ACT_CONTACTS, pupil_contacts_run},
        {ACT_CONCERNS, pupil_concerns_run},
        {ACT_PLACEMENTS, pupil_placements_run},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (act->id == lists[i].act) {
            if (id)
                lists[i].run(ui, id);
            return REDRAW_ALL;
        }
    return REDRAW_NONE;
}

static const enum action_id roll_hints[] = {ACT_OPEN, ACT_SEARCH, ACT_FILTER, ACT_SORT,
                                           ACT_ADD,  ACT_EDIT,   ACT_DELETE, ACT_NONE};

const struct pane_ops pane_roll = {
    .size = sizeof(struct roll_pane),
    .title = "Roll",
    .scopes = SCOPE_LIST | SCOPE_RECORD | SCOPE_PUPIL | SCOPE_CONTACT_LIST | SCOPE_PLACEMENT_LIST,
    .hints = roll_hints,
    .open = roll_open,
    .close = roll_close,
    .draw = roll_draw,
    .key = roll_key,
    .reload = roll_reload,
    .detail = roll_detail,
    .flags_changed = roll_flags_changed,
    .show_record = roll_show_record,
};
