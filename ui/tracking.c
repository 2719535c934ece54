/* The weekly tracking meeting (tab 6): one row per pupil on roll for a week
 * (db/tracking.h), searched, filtered and sorted in memory like the roll.
 * Enter opens the rating line under the list: 1-5 rate the five areas in
 * turn, n adds a note, Enter saves the pupil's week in one transaction and
 * goes on to the next pupil. A shows the pupil's actions. [ and ] change
 * the week. No SQL here: db/tracking.h does it. */

#include "panes.h"
#include "tracking_pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attr.h"
#include "draw.h"
#include "filterview.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "pupil_views.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "view.h"
#include "tracking.h"
#include "utf8.h"

extern const struct pane_ops pane_tracking;



/* At 80 columns the name gets 22. */
static const struct list_column columns[C_COUNT] = {
    [C_NAME] = {"Name", 12, true, false},   [C_YEAR] = {"Yr", 3, false, true},
    [C_WEEK] = {"Week", 5, false, true},    [C_TERM] = {"Term", 5, false, true},
    [C_AREA + 0] = {"Att", 3, false, false}, [C_AREA + 1] = {"Wel", 3, false, false},
    [C_AREA + 2] = {"Eng", 3, false, false}, [C_AREA + 3] = {"Soc", 3, false, false},
    [C_AREA + 4] = {"Qua", 3, false, false}, [C_PSP] = {"PSP", 6, false, false},
    [C_QA] = {"QA", 6, false, false},        [C_ACT] = {"Act", 5, false, true},
};

static const char *const col_words[C_COUNT] = {
    "name", "year group", "week %", "term %", "attendance rating",
    "wellbeing rating", "engagement rating", "social rating", "qualifications rating", "PSP review due",
    "QA due", "actions"};
/* Most overdue actions first; the rest lowest or soonest first. */
static const bool col_first_desc[C_COUNT] = {[C_ACT] = true};
/* The sort orders: the title line says which (no message). */
static const struct list_sort sort_orders = {C_COUNT, col_first_desc, NULL, NULL, NULL};


static const char *const show_words[SH_COUNT] = {
    "any pupil",          "not yet rated for the week", "rated for the week",
    "low attendance this term", "attendance falling (↓)",  "PSP review due or overdue",
    "provider QA due or overdue", "overdue actions",        "open actions"};





/* ---- Small helpers ------------------------------------------------------------------ */

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "16 Nov 2026" */
char *tp_long_date(int date, char *buf, size_t len)
{
    int y, m, d;
    date_to_ymd(date, &y, &m, &d);
    snprintf(buf, len, "%d %s %d", d, months[(m - 1) % 12], y);
    return buf;
}

/* "16/11" */
static char *short_date(int date, char *buf, size_t len)
{
    int y, m, d;
    date_to_ymd(date, &y, &m, &d);
    snprintf(buf, len, "%02d/%02d", d, m);
    return buf;
}

/* "this week", "last week", "3 weeks ago", "next week", "in 2 weeks" */
static void week_words(int week, int today, char *buf, size_t len)
{
    int k = (week - tracking_week_of(today)) / 7;
    if (k == 0)
        snprintf(buf, len, "this week");
    else if (k == -1)
        snprintf(buf, len, "last week");
    else if (k == 1)
        snprintf(buf, len, "next week");
    else if (k < 0)
        snprintf(buf, len, "%d weeks ago", -k);
    else
        snprintf(buf, len, "in %d weeks", k);
}

static const char *flag_marker(enum flag_level l)
{
    return l == FLAG_RED ? "!" : l == FLAG_AMBER ? "~" : "";
}

const struct tracking_row *tp_row_at(const struct tpane *tp, int line)
{
    if (!tp->t || line < 0 || (size_t)line >= tp->rows.nview)
        return NULL;
    return &tp->t->rows[tp->rows.view[line]];
}

int64_t tp_cursor_id(const struct tpane *tp)
{
    return list_rows_current(&tp->rows);
}

bool tp_select_id(struct tpane *tp, int64_t id)
{
    return list_rows_select(&tp->rows, id);
}

/* ---- Sorting, filtering, loading ------------------------------------------------------ */


static int cmp_int(int a, int b)
{
    return (a > b) - (a < b);
}

/* For a sort column with values that may be missing: -1/1 puts the missing
 * one last whichever the direction; 0 when both are there (or neither). */
static int missing_last(bool ha, bool hb)
{
    if (ha == hb)
        return 0;
    return ha ? -1 : 1;
}

static int row_cmp(const void *ctx, size_t ia, size_t ib)
{
    const struct tpane *tp = ctx;
    const struct tracking_row *a = &tp->t->rows[ia], *b = &tp->t->rows[ib];
    int c = 0, m = 0;
    int col = tp->sort_col;
    if (col >= C_AREA && col <= C_AREA_LAST) {
        int k = col - C_AREA;
        if ((m = missing_last(a->rating[k] > 0, b->rating[k] > 0)) != 0)
            return m;
        c = cmp_int(a->rating[k], b->rating[k]);
    } else {
        switch (col) {
        case C_YEAR:
            c = cmp_int(a->year_group, b->year_group);
            break;
        case C_WEEK:
            if ((m = missing_last(a->has_week, b->has_week)) != 0)
                return m;
            c = (a->week_pct > b->week_pct) - (a->week_pct < b->week_pct);
            break;
        case C_TERM:
            if ((m = missing_last(a->has_term, b->has_term)) != 0)
                return m;
            c = (a->term_pct > b->term_pct) - (a->term_pct < b->term_pct);
            break;
        case C_PSP:
            if ((m = missing_last(a->psp_due != DATE_NONE, b->psp_due != DATE_NONE)) != 0)
                return m;
            c = cmp_int(a->psp_due, b->psp_due);
            break;
        case C_QA:
            if ((m = missing_last(a->qa_due != DATE_NONE, b->qa_due != DATE_NONE)) != 0)
                return m;
            c = cmp_int(a->qa_due, b->qa_due);
            break;
        case C_ACT:
            c = cmp_int(a->actions_overdue, b->actions_overdue);
            if (!c)
                c = cmp_int(a->actions_open, b->actions_open);
            break;
        default:
            break;
        }
    }
    if (tp->sort_desc)
        c = -c;
    if (!c)
        c = (ia > ib) - (ia < ib); /* the name order */
    return c;
}

static bool row_matches(const void *ctx, size_t row)
{
    const struct tpane *tp = ctx;
    const struct tracking_row *r = &tp->t->rows[row];
    if (tp->f_cohort[0] && strcmp(r->cohort, tp->f_cohort) != 0)
        return false;
    if (tp->f_provider) {
        bool placed = false;
        for (size_t i = 0; i < r->n_providers && !placed; i++)
            placed = r->provider_ids[i] == tp->f_provider;
        if (!placed)
            return false;
    }
    double low = ui_config(tp->ui)->th.persistent_absence_pct;
    switch (tp->f_show) {
    case SH_UNRATED: if (r->n_rated >= r->n_areas) return false; break;
    case SH_RATED: if (r->n_rated < r->n_areas) return false; break;
    case SH_LOW: if (!r->has_term || r->term_pct >= low) return false; break;
    case SH_FALLING: if (r->trend != TREND_DOWN) return false; break;
    case SH_PSP: if (!rules_flag_raised(r->psp_level)) return false; break;
    case SH_QA: if (!rules_flag_raised(r->qa_level)) return false; break;
    case SH_OVERDUE: if (r->actions_overdue == 0) return false; break;
    case SH_OPEN: if (r->actions_open == 0) return false; break;
    default: break;
    }
    const char *q = tp->search;
    while (*q == ' ')
        q++;
    if (*q && !utf8_contains(r->display_name, q) && !utf8_contains(r->legal_name, q) && !utf8_contains(r->upn, q) &&
        !utf8_contains(r->providers, q))
        return false;
    return true;
}

static int64_t row_id(const void *ctx, size_t i)
{
    return ((const struct tpane *)ctx)->t->rows[i].id;
}

static const struct list_rows_ops rows_ops = {row_matches, row_cmp, row_id, tp_tracking_draw};

static void resort(void *pane, int64_t keep_id)
{
    struct tpane *tp = pane;
    if (!tp->t)
        return;
    tp->lv.sort_column = tp->sort_col;
    tp->lv.sort_desc = tp->sort_desc;
    list_rows_sort(&tp->rows, tp->sort_col == C_NAME && !tp->sort_desc, keep_id);
}

/* Loads the week again; search, filter, sort and cursor stay. */
bool tp_load(struct tpane *tp)
{
    int64_t keep = tp_cursor_id(tp);
    struct tracking *t = NULL;
    if (tracking_load(ui_store(tp->ui), &ui_config(tp->ui)->th, ui_today(tp->ui), tp->week, &t) != AP_OK) {
        ui_error(tp->ui, "The tracking rows could not be loaded: %s", ap_error_detail());
        return false;
    }
    if (!list_rows_reserve(&tp->rows, t->n)) {
        tracking_free(t);
        ui_error(tp->ui, "The tracking rows could not be loaded: out of memory");
        return false;
    }
    tracking_free(tp->t);
    tp->t = t;
    tp->rows.n = t->n;
    resort(tp, keep); /* the cursor on the same pupil, else on the same line */
    return true;
}

/* ---- Drawing -------------------------------------------------------------------------- */

static void rating_cell(const struct tracking_row *r, int k, char *buf, size_t len, enum attr_meaning *attr)
{
    int now = r->rating[k], before = r->prev_rating[k];
    if (!((r->areas >> k) & 1u)) { /* does not apply to the pupil (rules_tracking_areas) */
        snprintf(buf, len, "n/a");
        *attr = ATTR_DIM;
        return;
    }
    if (!now && !before) {
        buf[0] = '\0';
        return;
    }
    /* x: not applicable that week (TRACKING_NA) */
    snprintf(buf, len, "%c/%c", now == TRACKING_NA ? 'x' : now ? '0' + now : '-',
             before == TRACKING_NA ? 'x' : before ? '0' + before : '-');
    if (now <= 0)
        *attr = ATTR_DIM;
    else if (before > 0 && now < before)
        *attr = ATTR_FLAG_AMBER; /* lower than before */
}

static void due_cell(bool has, int due, enum flag_level level, char *buf, size_t len, enum attr_meaning *attr)
{
    if (!has || due == DATE_NONE) {
        buf[0] = '\0';
        return;
    }
    char d[16];
    snprintf(buf, len, "%s%s", flag_marker(level), short_date(due, d, sizeof d));
    *attr = draw_flag_attr(level);
}

void tp_cell(void *ctx, int line, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct tpane *tp = ctx;
    const struct tracking_row *r = tp_row_at(tp, line);
    buf[0] = '\0';
    if (!r)
        return;
    double low = ui_config(tp->ui)->th.persistent_absence_pct;
    if (col >= C_AREA && col <= C_AREA_LAST) {
        rating_cell(r, col - C_AREA, buf, len, attr);
        return;
    }
    switch (col) {
    case C_NAME:
        snprintf(buf, len, "%s", r->display_name);
        break;
    case C_YEAR:
        rules_year_group_short(r->year_group, buf, len);
        break;
    case C_WEEK:
        if (!r->has_week) {
            snprintf(buf, len, "–");
            *attr = ATTR_DIM;
            break;
        }
        snprintf(buf, len, "%d%%%s", (int)r->week_pct, tracking_trend_mark(r->trend));
        if (r->week_pct < low)
            *attr = ATTR_FLAG_AMBER;
        break;
    case C_TERM:
        if (!r->has_term) {
            snprintf(buf, len, "–");
            *attr = ATTR_DIM;
            break;
        }
        snprintf(buf, len, "%d%%", (int)r->term_pct); /* 89.6 shows 89: below 90 */
        if (r->term_pct < low)
            *attr = ATTR_FLAG_AMBER;
        break;
    case C_PSP:
        due_cell(r->has_psp, r->psp_due, r->psp_level, buf, len, attr);
        break;
    case C_QA:
        due_cell(r->has_qa, r->qa_due, r->qa_level, buf, len, attr);
        break;
    case C_ACT:
        if (r->actions_overdue) {
            snprintf(buf, len, "!%d/%d", r->actions_overdue, r->actions_open);
            *attr = ATTR_FLAG_RED;
        } else if (r->actions_open) {
            snprintf(buf, len, "%d", r->actions_open);
        }
        break;
    default:
        break;
    }
}

static bool filtered(const struct tpane *tp)
{
    return tp->f_cohort[0] || tp->f_provider || tp->f_show != SH_ANY;
}

static void filter_text(const struct tpane *tp, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (tp->f_cohort[0])
        used += (size_t)snprintf(buf + used, len - used, "cohort %s", label_text(LABELS_COHORT, tp->f_cohort));
    if (tp->f_provider && used < len)
        used += (size_t)snprintf(buf + used, len - used, "%splaced at %s", used ? ", " : "", tp->f_provider_name);
    if (tp->f_show != SH_ANY && used < len)
        snprintf(buf + used, len - used, "%s%s", used ? ", " : "", show_words[tp->f_show]);
}

static void draw_search_line(struct tpane *tp, WINDOW *w)
{
    char count[32], filt[400];
    snprintf(count, sizeof count, "%zu", tp->rows.nview);
    filter_text(tp, filt, sizeof filt);
    if (list_rows_draw_state(&tp->rows, w, 1, count, "pupil", "pupils", tp->search, filt, true))
        return;
    draw_put(w, 1, 1, "Ratings: this week/before · Week %: trend ↑↓→ on 4 weeks before · ! overdue ~ soon",
             ATTR_HINT);
}

/* Two lines about the pupil under the cursor at y: placements and
 * actions, then the week's notes. */
static void draw_row_detail(struct tpane *tp, WINDOW *w, int y)
{
    for (int i = 0; i < 2; i++) {
        wmove(w, y + i, 0);
        wclrtoeol(w);
    }
    const struct tracking_row *r = tp_row_at(tp, tp->lv.cursor);
    if (!r)
        return;
    char line[1200], d[24];
    size_t used = (size_t)snprintf(line, sizeof line, "%s: %s", r->display_name,
                                   r->providers[0] ? r->providers : "no placement today");
    if (r->actions_open && used < sizeof line)
        used += (size_t)snprintf(line + used, sizeof line - used, " · %d open action%s%s%s", r->actions_open,
                                 r->actions_open == 1 ? "" : "s", r->next_due != DATE_NONE ? ", next due " : "",
                                 r->next_due != DATE_NONE ? tp_long_date(r->next_due, d, sizeof d) : "");
    if (r->actions_overdue && used < sizeof line)
        snprintf(line + used, sizeof line - used, " (%d overdue)", r->actions_overdue);
    draw_put(w, y, 1, line, r->actions_overdue ? ATTR_FLAG_RED : ATTR_NORMAL);
    if (r->notes[0]) {
        snprintf(line, sizeof line, "Notes: %s", r->notes);
        draw_put(w, y + 1, 1, line, ATTR_NORMAL);
    } else if (r->prev_week != DATE_NONE) {
        snprintf(line, sizeof line, "No notes for the week · before: the ratings of the week of %s",
                 tp_long_date(r->prev_week, d, sizeof d));
        draw_put(w, y + 1, 1, line, ATTR_DIM);
    } else {
        draw_put(w, y + 1, 1, "No notes for the week · no earlier ratings", ATTR_DIM);
    }
}

/* After a cursor move: the new row's two lines, when the body has room. */
static void foot(void *pane, WINDOW *w)
{
    if (getmaxy(w) >= 12)
        draw_row_detail(pane, w, getmaxy(w) - 2);
}

#define ENTRY_LINES 6

bool tp_entry_changed(const struct entry *e, int a)
{
    return e->r[a].rating != e->stored[a].rating || strcmp(e->r[a].note, e->stored[a].note) != 0;
}

bool tp_entry_any_changed(const struct entry *e)
{
    for (int a = 0; a < TRACKING_AREAS; a++)
        if (tp_entry_changed(e, a))
            return true;
    return false;
}

/* The area n writes the note of: the one just rated (1-5 has moved the
 * focus on, to an area that may be rated already: issue 13), else the
 * focused one. Moving the focus (Tab, arrows, clearing) forgets it. */
int tp_note_area(const struct entry *e)
{
    if (e->last_rated >= 0 && e->r[e->last_rated].rating != 0)
        return e->last_rated;
    return e->focus;
}

/* The hint line of the rating line, from the action table. */
static void entry_hints(WINDOW *w, int y)
{
    static const enum action_id ids[] = {ACT_TRACK_SAVE_NEXT, ACT_TRACK_NEXT_AREA, ACT_TRACK_NOTE, ACT_TRACK_SAME,
                                         ACT_NONE,            ACT_TRACK_CLEAR,     ACT_TRACK_SAVE_PREV};
    char line[600];
    size_t used = 0;
    line[0] = '\0';
    for (size_t i = 0; i < sizeof ids / sizeof ids[0] && used < sizeof line; i++) {
        const struct action *a = action_get(ids[i]);
        if (ids[i] == ACT_NONE)
            used += (size_t)snprintf(line + used, sizeof line - used, "Esc close  ");
        else if (a && a->hint)
            used += (size_t)snprintf(line + used, sizeof line - used, "%s %s  ", a->label, a->hint);
    }
    wmove(w, y, 0);
    wclrtoeol(w);
    draw_put(w, y, 1, line, ATTR_HINT);
}

static void draw_entry(struct tpane *tp, WINDOW *w, int y)
{
    const struct entry *e = tp->entry;
    int width = getmaxx(w);
    for (int i = 0; i < ENTRY_LINES; i++) {
        wmove(w, y + i, 0);
        wclrtoeol(w);
    }
    char line[800], d[24];
    int rated = 0;
    for (int a = 0; a < TRACKING_AREAS; a++)
        rated += e->r[a].rating != 0 && ((e->areas >> a) & 1u);
    snprintf(line, sizeof line, "Rating %s · %d of %d rated%s · week of %s", e->who, rated, e->n_areas,
             tp_entry_any_changed(e) ? " · not saved" : "", tp_long_date(tp->week, d, sizeof d));
    if (e->notice[0])
        snprintf(line, sizeof line, "Not saved: %s", e->notice);
    enum attr_meaning head = e->notice[0] ? ATTR_ERROR : ATTR_HEADER;
    wattrset(w, attr_of(head));
    mvwhline(w, y, 0, ' ', width);
    wattrset(w, A_NORMAL);
    draw_put(w, y, 1, line, head);
    int slot = (width - 2) / TRACKING_AREAS;
    if (slot < 8)
        slot = 8;
    for (int a = 0; a < TRACKING_AREAS; a++) {
        int x = 1 + a * slot;
        bool focus = a == e->focus;
        char name[32];
        snprintf(name, sizeof name, "%s%s", tracking_area_brief(a), tp_entry_changed(e, a) ? "*" : "");
        draw_put(w, y + 1, x, name, focus ? ATTR_HEADER : ATTR_NORMAL);
        if (!((e->areas >> a) & 1u)) {
            draw_put(w, y + 2, x, "n/a", focus ? ATTR_SELECTED : ATTR_DIM); /* does not apply to the pupil */
            continue;
        }
        char box[8];
        int v = e->r[a].rating;
        snprintf(box, sizeof box, "[%c]", v == TRACKING_NA ? 'x' : v ? '0' + v : ' ');
        wattrset(w, attr_of(focus ? ATTR_SELECTED : ATTR_FIELD));
        mvwaddstr(w, y + 2, x, box);
        wattrset(w, A_NORMAL);
        char was[32];
        if (e->prev[a] == TRACKING_NA)
            snprintf(was, sizeof was, " was n/a%s", e->r[a].note[0] ? " ✎" : "");
        else if (e->prev[a])
            snprintf(was, sizeof was, " was %d%s", e->prev[a], e->r[a].note[0] ? " ✎" : "");
        else
            snprintf(was, sizeof was, "%s", e->r[a].note[0] ? " ✎" : "");
        if (x + 3 < width)
            draw_put(w, y + 2, x + 3, was, ATTR_DIM);
    }
    /* What 1-5 mean ([display] rating_words), always in sight (issue 13). */
    size_t used = 0;
    for (int k = 1; k <= 5 && used < sizeof line; k++) {
        char word[64];
        used += (size_t)snprintf(line + used, sizeof line - used, "%d %s · ", k,
                                 config_rating_word(ui_config(tp->ui)->rating_words, k, word, sizeof word));
    }
    if (used < sizeof line)
        snprintf(line + used, sizeof line - used, "x n/a");
    draw_put(w, y + 3, 1, line, ATTR_HINT);
    y++;
    int na = tp_note_area(e);
    const struct tracking_rating *fr = &e->r[na];
    snprintf(line, sizeof line, "Note on %s: ", LABELS_PROGRESS_AREA[na].brief);
    int lx = 1 + utf8_width(line);
    draw_put(w, y + 3, 1, line, ATTR_NORMAL);
    if (e->note) {
        int fw = width - lx - 1;
        if (fw > 2) {
            wattrset(w, attr_of(ATTR_FIELD));
            lineedit_set_width(e->note, fw);
            lineedit_draw(w, y + 3, lx, fw, e->note, true);
            wattrset(w, A_NORMAL);
        }
    } else {
        draw_put(w, y + 3, lx, fr->note[0] ? fr->note : "(none: n to write one)", fr->note[0] ? ATTR_NORMAL : ATTR_DIM);
    }
    if (e->note) {
        wmove(w, y + 4, 0);
        wclrtoeol(w);
        draw_put(w, y + 4, 1, "Typing the note: Enter keeps it, Esc leaves it as it was", ATTR_HINT);
    } else {
        entry_hints(w, y + 4);
    }
}

void tp_tracking_draw(void *state, WINDOW *w)
{
    struct tpane *tp = state;
    int height = getmaxy(w);
    if (!tp->t) {
        draw_put(w, 0, 1, "Weekly tracking: not loaded (see the message below)", ATTR_HEADER);
        return;
    }
    char title[800], d[24], rel[32];
    week_words(tp->week, ui_today(tp->ui), rel, sizeof rel);
    snprintf(title, sizeof title, "Tracking, week of %s (%s) · %zu on roll · %d rated · by %s %s%s%s",
             tp_long_date(tp->week, d, sizeof d), rel, tp->t->n, tp->t->fully_rated, col_words[tp->sort_col],
             tp->sort_desc ? "▼" : "▲", tp->t->have_term ? " · term " : "", tp->t->have_term ? tp->t->term_name : "");
    wmove(w, 0, 0);
    wclrtoeol(w);
    draw_put(w, 0, 1, title, ATTR_HEADER);
    int bottom = tp->entry ? ENTRY_LINES : height >= 12 ? 2 : 0;
    tp->lv.ctx = tp;
    memcpy(tp->cols, columns, sizeof tp->cols);
    tp->lv.columns = tp->cols;
    listview_draw(&tp->lv, w, 2, height - 2 - bottom);
    if (tp->rows.nview == 0) {
        const char *why = tp->t->n == 0              ? "No pupils on roll in this week."
                          : tp->search[0] || filtered(tp) ? "No pupil matches the search and filter."
                                                         : "";
        draw_put(w, 4, 3, why, ATTR_DIM);
    }
    if (tp->entry)
        draw_entry(tp, w, height - ENTRY_LINES);
    else if (bottom)
        draw_row_detail(tp, w, height - bottom);
    draw_search_line(tp, w); /* a search field keeps the cursor */
    if (tp->entry && tp->entry->note)
        draw_entry(tp, w, height - ENTRY_LINES); /* the note field keeps it */
}

void tp_redraw_body(struct tpane *tp)
{
    WINDOW *w = ui_body(tp->ui);
    werase(w);
    tp_tracking_draw(tp, w);
    ui_show_status(tp->ui);
    wnoutrefresh(w);
}

/* ---- Filter (ui/filterview.h: the box, its keys) ------------------------------------------ */

enum { FI_COHORT, FI_PROVIDER, FI_SHOW, FI_COUNT };

struct track_filter {
    struct tpane *tp;
    int cohort;                 /* 0 any, else LABELS_COHORT index + 1 */
    struct pick provider;
    int64_t provider_id;
    int show;
};

static void menu_value(void *ctx, int item, char *buf, size_t len)
{
    const struct track_filter *m = ctx;
    snprintf(buf, len, "%s",
             item == FI_COHORT ? (m->cohort ? LABELS_COHORT[m->cohort - 1].text : "any cohort") : show_words[m->show]);
}

static void menu_step(void *ctx, int item, int step)
{
    struct track_filter *m = ctx;
    if (item == FI_COHORT) {
        int n = (int)label_count(LABELS_COHORT) + 1;
        m->cohort = (m->cohort + step + n) % n;
    } else if (item == FI_SHOW) {
        m->show = (m->show + step + SH_COUNT) % SH_COUNT;
    }
}

static void menu_clear(void *ctx)
{
    struct track_filter *m = ctx;
    m->cohort = 0;
    m->provider_id = 0;
    m->show = SH_ANY;
}

static void menu_under(void *ctx, WINDOW *w)
{
    tp_tracking_draw(((struct track_filter *)ctx)->tp, w);
}

static void run_filter(void *pane)
{
    struct tpane *tp = pane;
    struct track_filter m = {.tp = tp, .show = tp->f_show, .provider_id = tp->f_provider};
    pick_init(&m.provider, &m.provider_id);
    m.cohort = filter_menu_label(LABELS_COHORT, tp->f_cohort);
    filter_menu_providers(tp->ui, &m.provider, tp->f_provider);
    static const char *const labels[FI_COUNT] = {"Cohort", "Provider", "Show"};
    const struct filter_menu fm = {"Filter the tracking rows", FI_COUNT, labels, FI_PROVIDER, &m.provider, &m,
                                   menu_value, menu_step, menu_clear, menu_under};
    if (filter_menu_run(tp->ui, &fm)) {
        int64_t keep = tp_cursor_id(tp);
        snprintf(tp->f_cohort, sizeof tp->f_cohort, "%s", m.cohort ? LABELS_COHORT[m.cohort - 1].code : "");
        filter_menu_take_provider(&m.provider, &tp->f_provider, tp->f_provider_name, sizeof tp->f_provider_name);
        tp->f_show = m.show;
        list_rows_filter(&tp->rows, keep);
        ui_message(tp->ui, filtered(tp) ? "Filter applied" : "No filter");
    }
    pick_free(&m.provider);
}

/* False when there was no filter to clear. */
static bool clear_filter(void *pane)
{
    struct tpane *tp = pane;
    bool had = filtered(tp);
    int64_t keep = tp_cursor_id(tp);
    tp->f_cohort[0] = '\0';
    tp->f_provider = 0;
    tp->f_provider_name[0] = '\0';
    tp->f_show = SH_ANY;
    list_rows_filter(&tp->rows, keep);
    return had;
}

/* ---- The pane ------------------------------------------------------------------------------ */

static void tracking_open(void *state, struct ui *ui)
{
    struct tpane *tp = state;
    tp->ui = ui;
    tp->week = tracking_week_of(ui_today(ui));
    memcpy(tp->cols, columns, sizeof tp->cols);
    tp->lv.columns = tp->cols;
    tp->lv.ncolumns = C_COUNT;
    tp->lv.cell = tp_cell;
    tp->lv.ctx = tp;
    tp->lv.sort_column = C_NAME;
    tp->sort_col = C_NAME;
    tp->rows = (struct list_rows){.ops = &rows_ops, .ctx = tp, .lv = &tp->lv};
    tp_load(tp);
}

static void tracking_close(void *state)
{
    struct tpane *tp = state;
    tracking_free(tp->t);
    list_rows_free(&tp->rows);
}

/* Changes to these are nothing the tracking pane shows. */
static const char *const tracking_ignored[] = {
    "absence_call", "contact", "provider_contact", "qa_template", "qa_template_item", "panel_case", "quote",
    "register_close", NULL,
};

static bool tracking_reload(void *state, const struct view_change *what)
{
    (void)what;
    tp_load(state);
    return true;
}

/* The PSP and QA reasons of the pupil under the cursor. */
static const char *tracking_detail(void *state)
{
    struct tpane *tp = state;
    const struct tracking_row *r = tp_row_at(tp, tp->lv.cursor);
    if (!r)
        return NULL;
    size_t used = 0;
    tp->detail[0] = '\0';
    if (rules_flag_raised(r->psp_level))
        used += (size_t)snprintf(tp->detail, sizeof tp->detail, "%s %s", flag_marker(r->psp_level), r->psp_why);
    if (rules_flag_raised(r->qa_level) && used < sizeof tp->detail)
        snprintf(tp->detail + used, sizeof tp->detail - used, "%s%s QA: %s", used ? " · " : "",
                 flag_marker(r->qa_level), r->qa_why);
    return tp->detail[0] ? tp->detail : NULL;
}

static void change_week(struct tpane *tp, int week)
{
    int old = tp->week;
    tp->week = week;
    if (!tp_load(tp))
        tp->week = old;
}

static unsigned tracking_key(void *state, const struct action *act, int key)
{
    struct tpane *tp = state;
    struct ui *ui = tp->ui;
    if (!tp->t)
        return REDRAW_NONE;
    int64_t id = tp_cursor_id(tp);
    static const struct list_keys list_keys = {&sort_orders, "Search: name or UPN; Enter keeps it, Esc clears it",
                                               sizeof tp->search, resort, run_filter, clear_filter, NULL, NULL, foot,
                                               offsetof(struct tpane, rows), offsetof(struct tpane, search),
                                               offsetof(struct tpane, sort_col), offsetof(struct tpane, sort_desc)};
    unsigned redraw;
    if (list_pane_key(ui, tp, &list_keys, act, key, &redraw))
        return redraw;
    switch (act->id) {
    case ACT_TRACK_WEEK:
        change_week(tp, tp->week + (key == '[' ? -7 : 7));
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_TRACK_THIS_WEEK:
        change_week(tp, tracking_week_of(ui_today(ui)));
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_TRACK_RATE:
        if (!id)
            return REDRAW_NONE;
        tp_run_entry(tp);
        return REDRAW_ALL;
    case ACT_TRACK_ACTIONS:
        if (!id)
            return REDRAW_NONE;
        tp_run_actions(ui, id);
        tp_select_id(tp, id);
        return REDRAW_ALL;
    case ACT_TRACK_PUPIL:
        if (!id)
            return REDRAW_NONE;
        ui_show_pupil(ui, id);
        return REDRAW_ALL;
    case ACT_PRINT:
        return ui_print_tracking(ui, tp->week);
    default:
        return REDRAW_NONE;
    }
}

static const enum action_id tracking_hints[] = {ACT_TRACK_RATE, ACT_TRACK_ACTIONS, ACT_TRACK_WEEK, ACT_SEARCH,
                                                ACT_FILTER,     ACT_SORT,          ACT_TRACK_PUPIL, ACT_NONE};

const struct pane_ops pane_tracking = {
    .size = sizeof(struct tpane),
    .title = "Tracking",
    .scopes = SCOPE_LIST | SCOPE_TRACKING,
    .hints = tracking_hints,
    .open = tracking_open,
    .close = tracking_close,
    .draw = tp_tracking_draw,
    .key = tracking_key,
    .reload = tracking_reload,
    .ignored = tracking_ignored,
    .detail = tracking_detail,
};
