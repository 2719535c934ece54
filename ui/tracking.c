/* The weekly tracking meeting (tab 6): one row per pupil on roll for a week
 * (db/tracking.h), searched, filtered and sorted in memory like the roll.
 * Enter opens the rating line under the list: 1-5 rate the five areas in
 * turn, n adds a note, Enter saves the pupil's week in one transaction and
 * goes on to the next pupil. A shows the pupil's actions. [ and ] change
 * the week. No SQL here: db/tracking.h does it. */

#include "panes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attr.h"
#include "draw.h"
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
#include "tracking.h"
#include "utf8.h"

extern const struct pane_ops pane_tracking;

enum tcol { C_NAME, C_YEAR, C_WEEK, C_TERM, C_AREA, C_AREA_LAST = C_AREA + TRACKING_AREAS - 1, C_PSP, C_QA, C_ACT,
            C_COUNT };

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

enum show { SH_ANY = 0, SH_UNRATED, SH_RATED, SH_LOW, SH_FALLING, SH_PSP, SH_QA, SH_OVERDUE, SH_OPEN, SH_COUNT };
static const char *const show_words[SH_COUNT] = {
    "any pupil",          "not yet rated for the week", "rated for the week",
    "low attendance this term", "attendance falling (↓)",  "PSP review due or overdue",
    "provider QA due or overdue", "overdue actions",        "open actions"};

/* The rating line while it is open. */
struct entry {
    int64_t pupil_id;
    char who[300];                          /* "Siân Jones (Year 9)" */
    struct tracking_rating r[TRACKING_AREAS];      /* as typed */
    struct tracking_rating stored[TRACKING_AREAS]; /* as read */
    int prev[TRACKING_AREAS];
    int prev_week;
    int focus;
    int last_rated;                         /* the area a digit rated last; -1 none */
    struct lineedit *note;                  /* while a note is typed */
    char notice[400];                       /* who changed the ratings meanwhile */
};

struct tpane {
    struct ui *ui;
    struct tracking *t;
    size_t *order;              /* every row, in the sort order */
    size_t *view;               /* the rows shown */
    size_t nview;
    struct listview lv;
    struct list_column cols[C_COUNT];
    int week;                   /* the Monday shown */
    int sort_col;
    bool sort_desc;
    char search[128];
    struct lineedit *typing;
    char f_cohort[24];
    int64_t f_provider;
    char f_provider_name[121];
    int f_show;
    struct entry *entry;
    bool entry_saved;           /* the rating line saved: tell the other panes when it closes */
    char detail[2 * RULES_WHY_LEN + 32];
};

/* ---- Small helpers ------------------------------------------------------------------ */

static void put_line(WINDOW *w, int y, int x, const char *text, enum attr_meaning m)
{
    draw_text(w, y, x, 0, text, attr_of(m), DRAW_ELLIPSIS);
}

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "16 Nov 2026" */
static char *long_date(int date, char *buf, size_t len)
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

static void year_text(int year_group, char *buf, size_t len)
{
    if (year_group == RULES_NO_YEAR_GROUP)
        snprintf(buf, len, "?");
    else if (year_group < 0)
        snprintf(buf, len, "N");
    else if (year_group == 0)
        snprintf(buf, len, "R");
    else
        snprintf(buf, len, "Y%d", year_group);
}

static const char *flag_marker(enum flag_level l)
{
    return l == FLAG_RED ? "!" : l == FLAG_AMBER ? "~" : "";
}

static enum attr_meaning flag_attr(enum flag_level l)
{
    return l == FLAG_RED ? ATTR_FLAG_RED : l == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

static const struct tracking_row *row_at(const struct tpane *tp, int line)
{
    if (!tp->t || line < 0 || (size_t)line >= tp->nview)
        return NULL;
    return &tp->t->rows[tp->view[line]];
}

static int64_t cursor_id(const struct tpane *tp)
{
    const struct tracking_row *r = row_at(tp, tp->lv.cursor);
    return r ? r->id : 0;
}

static bool select_id(struct tpane *tp, int64_t id)
{
    for (size_t i = 0; id && i < tp->nview; i++)
        if (tp->t->rows[tp->view[i]].id == id) {
            listview_select(&tp->lv, (int)i);
            return true;
        }
    return false;
}

/* ---- Sorting, filtering, loading ------------------------------------------------------ */

static const struct tpane *sorting; /* qsort has no context argument */

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

static int row_cmp(const void *pa, const void *pb)
{
    const struct tpane *tp = sorting;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
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

static bool row_matches(const struct tpane *tp, const struct tracking_row *r)
{
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
    case SH_UNRATED: if (r->n_rated == TRACKING_AREAS) return false; break;
    case SH_RATED: if (r->n_rated < TRACKING_AREAS) return false; break;
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

static void rebuild_view(struct tpane *tp, int64_t keep_id)
{
    tp->nview = 0;
    for (size_t k = 0; tp->t && k < tp->t->n; k++)
        if (row_matches(tp, &tp->t->rows[tp->order[k]]))
            tp->view[tp->nview++] = tp->order[k];
    listview_set_rows(&tp->lv, (int)tp->nview);
    select_id(tp, keep_id);
}

static void resort(struct tpane *tp, int64_t keep_id)
{
    if (!tp->t)
        return;
    for (size_t i = 0; i < tp->t->n; i++)
        tp->order[i] = i;
    if (tp->sort_col != C_NAME || tp->sort_desc) {
        sorting = tp;
        qsort(tp->order, tp->t->n, sizeof *tp->order, row_cmp);
        sorting = NULL;
    }
    tp->lv.sort_column = tp->sort_col;
    tp->lv.sort_desc = tp->sort_desc;
    rebuild_view(tp, keep_id);
}

/* Loads the week again; search, filter, sort and cursor stay. */
static bool load(struct tpane *tp)
{
    int64_t keep = cursor_id(tp);
    int line = tp->lv.cursor;
    struct tracking *t = NULL;
    if (tracking_load(ui_store(tp->ui), &ui_config(tp->ui)->th, ui_today(tp->ui), tp->week, &t) != AP_OK) {
        ui_error(tp->ui, "The tracking rows could not be loaded: %s", ap_error_detail());
        return false;
    }
    size_t n = t->n ? t->n : 1;
    size_t *order = malloc(n * sizeof *order), *view = malloc(n * sizeof *view);
    if (!order || !view) {
        free(order);
        free(view);
        tracking_free(t);
        ui_error(tp->ui, "The tracking rows could not be loaded: out of memory");
        return false;
    }
    tracking_free(tp->t);
    free(tp->order);
    free(tp->view);
    tp->t = t;
    tp->order = order;
    tp->view = view;
    tp->nview = 0;
    resort(tp, keep);
    if (keep && cursor_id(tp) != keep)
        listview_select(&tp->lv, line); /* gone: the row that took its place */
    return true;
}

/* ---- Drawing -------------------------------------------------------------------------- */

static void rating_cell(const struct tracking_row *r, int k, char *buf, size_t len, enum attr_meaning *attr)
{
    int now = r->rating[k], before = r->prev_rating[k];
    if (!now && !before) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, len, "%c/%c", now ? '0' + now : '-', before ? '0' + before : '-');
    if (!now)
        *attr = ATTR_DIM;
    else if (before && now < before)
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
    *attr = flag_attr(level);
}

static void cell(void *ctx, int line, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct tpane *tp = ctx;
    const struct tracking_row *r = row_at(tp, line);
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
        year_text(r->year_group, buf, len);
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
    int width = getmaxx(w);
    wmove(w, 1, 0);
    wclrtoeol(w);
    char text[800], matches[64];
    if (tp->nview == 0)
        snprintf(matches, sizeof matches, "no pupil matches");
    else
        snprintf(matches, sizeof matches, "%zu %s", tp->nview, tp->nview == 1 ? "pupil matches" : "pupils match");
    if (tp->typing) {
        put_line(w, 1, 1, "Search:", ATTR_HEADER);
        int fx = 9, fw = width > 100 ? width / 4 : 20;
        if (fx + fw > width)
            fw = width - fx;
        snprintf(text, sizeof text, "%s · Enter keeps it, Esc clears it", matches);
        put_line(w, 1, fx + fw + 1, text, ATTR_NORMAL);
        wattrset(w, attr_of(ATTR_FIELD));
        lineedit_set_width(tp->typing, fw);
        lineedit_draw(w, 1, fx, fw, tp->typing, true);
        wattrset(w, A_NORMAL);
        return;
    }
    const char *q = tp->search;
    while (*q == ' ')
        q++;
    char filt[400];
    filter_text(tp, filt, sizeof filt);
    if (*q && filt[0])
        snprintf(text, sizeof text, "Search “%s”: %s · Filter: %s · Esc clears the search, F the filter", q, matches,
                 filt);
    else if (*q)
        snprintf(text, sizeof text, "Search “%s”: %s · Esc clears it", q, matches);
    else if (filt[0])
        snprintf(text, sizeof text, "Filter: %s · %s · F clears it", filt, matches);
    else
        text[0] = '\0';
    if (text[0]) {
        put_line(w, 1, 1, text, ATTR_NORMAL);
        return;
    }
    put_line(w, 1, 1, "Ratings: this week/before · Week %: trend ↑↓→ on 4 weeks before · ! overdue ~ soon",
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
    const struct tracking_row *r = row_at(tp, tp->lv.cursor);
    if (!r)
        return;
    char line[1200], d[24];
    size_t used = (size_t)snprintf(line, sizeof line, "%s: %s", r->display_name,
                                   r->providers[0] ? r->providers : "no placement today");
    if (r->actions_open && used < sizeof line)
        used += (size_t)snprintf(line + used, sizeof line - used, " · %d open action%s%s%s", r->actions_open,
                                 r->actions_open == 1 ? "" : "s", r->next_due != DATE_NONE ? ", next due " : "",
                                 r->next_due != DATE_NONE ? long_date(r->next_due, d, sizeof d) : "");
    if (r->actions_overdue && used < sizeof line)
        snprintf(line + used, sizeof line - used, " (%d overdue)", r->actions_overdue);
    put_line(w, y, 1, line, r->actions_overdue ? ATTR_FLAG_RED : ATTR_NORMAL);
    if (r->notes[0]) {
        snprintf(line, sizeof line, "Notes: %s", r->notes);
        put_line(w, y + 1, 1, line, ATTR_NORMAL);
    } else if (r->prev_week != DATE_NONE) {
        snprintf(line, sizeof line, "No notes for the week · before: the ratings of the week of %s",
                 long_date(r->prev_week, d, sizeof d));
        put_line(w, y + 1, 1, line, ATTR_DIM);
    } else {
        put_line(w, y + 1, 1, "No notes for the week · no earlier ratings", ATTR_DIM);
    }
}

#define ENTRY_LINES 5

static bool entry_changed(const struct entry *e, int a)
{
    return e->r[a].rating != e->stored[a].rating || strcmp(e->r[a].note, e->stored[a].note) != 0;
}

static bool entry_any_changed(const struct entry *e)
{
    for (int a = 0; a < TRACKING_AREAS; a++)
        if (entry_changed(e, a))
            return true;
    return false;
}

/* The area n writes the note of: the focused one when rated, else the one
 * just rated (1-5 has moved the focus on), else the focused one. */
static int note_area(const struct entry *e)
{
    if (!e->r[e->focus].rating && e->last_rated >= 0 && e->r[e->last_rated].rating)
        return e->last_rated;
    return e->focus;
}

/* The hint line of the rating line, from the action table. */
static void entry_hints(WINDOW *w, int y)
{
    static const enum action_id ids[] = {ACT_TRACK_SCORE, ACT_TRACK_SAVE_NEXT, ACT_TRACK_NEXT_AREA, ACT_TRACK_NOTE,
                                         ACT_TRACK_SAME,  ACT_NONE,            ACT_TRACK_CLEAR,     ACT_TRACK_SAVE_PREV};
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
    put_line(w, y, 1, line, ATTR_HINT);
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
        rated += e->r[a].rating > 0;
    snprintf(line, sizeof line, "Rating %s · %d of %d rated%s · week of %s", e->who, rated, TRACKING_AREAS,
             entry_any_changed(e) ? " · not saved" : "", long_date(tp->week, d, sizeof d));
    if (e->notice[0])
        snprintf(line, sizeof line, "Not saved: %s", e->notice);
    enum attr_meaning head = e->notice[0] ? ATTR_ERROR : ATTR_HEADER;
    wattrset(w, attr_of(head));
    mvwhline(w, y, 0, ' ', width);
    wattrset(w, A_NORMAL);
    put_line(w, y, 1, line, head);
    int slot = (width - 2) / TRACKING_AREAS;
    if (slot < 8)
        slot = 8;
    for (int a = 0; a < TRACKING_AREAS; a++) {
        int x = 1 + a * slot;
        bool focus = a == e->focus;
        char name[32];
        snprintf(name, sizeof name, "%s%s", tracking_area_brief(a), entry_changed(e, a) ? "*" : "");
        put_line(w, y + 1, x, name, focus ? ATTR_HEADER : ATTR_NORMAL);
        char box[8];
        snprintf(box, sizeof box, "[%c]", e->r[a].rating ? '0' + e->r[a].rating : ' ');
        wattrset(w, attr_of(focus ? ATTR_SELECTED : ATTR_FIELD));
        mvwaddstr(w, y + 2, x, box);
        wattrset(w, A_NORMAL);
        char was[32];
        if (e->prev[a])
            snprintf(was, sizeof was, " was %d%s", e->prev[a], e->r[a].note[0] ? " ✎" : "");
        else
            snprintf(was, sizeof was, "%s", e->r[a].note[0] ? " ✎" : "");
        if (x + 3 < width)
            put_line(w, y + 2, x + 3, was, ATTR_DIM);
    }
    int na = note_area(e);
    const struct tracking_rating *fr = &e->r[na];
    snprintf(line, sizeof line, "Note on %s: ", LABELS_PROGRESS_AREA[na].brief);
    int lx = 1 + utf8_width(line);
    put_line(w, y + 3, 1, line, ATTR_NORMAL);
    if (e->note) {
        int fw = width - lx - 1;
        if (fw > 2) {
            wattrset(w, attr_of(ATTR_FIELD));
            lineedit_set_width(e->note, fw);
            lineedit_draw(w, y + 3, lx, fw, e->note, true);
            wattrset(w, A_NORMAL);
        }
    } else {
        put_line(w, y + 3, lx, fr->note[0] ? fr->note : "(none: n to write one)", fr->note[0] ? ATTR_NORMAL : ATTR_DIM);
    }
    if (e->note) {
        wmove(w, y + 4, 0);
        wclrtoeol(w);
        put_line(w, y + 4, 1, "Typing the note: Enter keeps it, Esc leaves it as it was", ATTR_HINT);
    } else {
        entry_hints(w, y + 4);
    }
}

static void tracking_draw(void *state, WINDOW *w)
{
    struct tpane *tp = state;
    int height = getmaxy(w);
    if (!tp->t) {
        put_line(w, 0, 1, "Weekly tracking: not loaded (see the message below)", ATTR_HEADER);
        return;
    }
    char title[800], d[24], rel[32];
    week_words(tp->week, ui_today(tp->ui), rel, sizeof rel);
    snprintf(title, sizeof title, "Tracking, week of %s (%s) · %zu on roll · %d rated · by %s %s%s%s",
             long_date(tp->week, d, sizeof d), rel, tp->t->n, tp->t->fully_rated, col_words[tp->sort_col],
             tp->sort_desc ? "▼" : "▲", tp->t->have_term ? " · term " : "", tp->t->have_term ? tp->t->term_name : "");
    wmove(w, 0, 0);
    wclrtoeol(w);
    put_line(w, 0, 1, title, ATTR_HEADER);
    int bottom = tp->entry ? ENTRY_LINES : height >= 12 ? 2 : 0;
    tp->lv.ctx = tp;
    memcpy(tp->cols, columns, sizeof tp->cols);
    tp->lv.columns = tp->cols;
    listview_draw(&tp->lv, w, 2, height - 2 - bottom);
    if (tp->nview == 0) {
        const char *why = tp->t->n == 0              ? "No pupils on roll in this week."
                          : tp->search[0] || filtered(tp) ? "No pupil matches the search and filter."
                                                         : "";
        put_line(w, 4, 3, why, ATTR_DIM);
    }
    if (tp->entry)
        draw_entry(tp, w, height - ENTRY_LINES);
    else if (bottom)
        draw_row_detail(tp, w, height - bottom);
    draw_search_line(tp, w); /* a search field keeps the cursor */
    if (tp->entry && tp->entry->note)
        draw_entry(tp, w, height - ENTRY_LINES); /* the note field keeps it */
}

static void redraw_body(struct tpane *tp)
{
    WINDOW *w = ui_body(tp->ui);
    werase(w);
    tracking_draw(tp, w);
    ui_show_status(tp->ui);
    wnoutrefresh(w);
}

/* ---- Search ------------------------------------------------------------------------------ */

static void track_search_draw(void *ctx, WINDOW *w)
{
    tracking_draw(ctx, w); /* draws the search line from tp->typing */
}

static void track_search_apply(void *ctx, int64_t keep)
{
    rebuild_view(ctx, keep);
}

static int64_t track_search_current(void *ctx)
{
    return cursor_id(ctx);
}

static struct lineedit **track_typing(void *ctx)
{
    return &((struct tpane *)ctx)->typing;
}

static void run_search(struct tpane *tp)
{
    static const struct search_ops ops = {track_search_draw, track_search_apply, track_search_current,
                                          track_typing, true};
    search_run(tp->ui, tp->search, sizeof tp->search, "Search: name or UPN; Enter keeps it, Esc clears it", &tp->lv,
               &ops, tp);
}

/* ---- Filter ------------------------------------------------------------------------------- */

enum { FI_COHORT, FI_PROVIDER, FI_SHOW, FI_COUNT };

struct filter_menu {
    int cohort;                 /* 0 any, else LABELS_COHORT index + 1 */
    struct pick provider;
    int64_t provider_id;
    int show;
};

static void draw_menu(struct filter_menu *m, int focus, WINDOW *w)
{
    static const char *const names[FI_COUNT] = {"Cohort", "Provider", "Show"};
    int width = getmaxx(w);
    int boxw = width - 2 < 76 ? width - 2 : 76;
    WINDOW *frame = derwin(w, FI_COUNT + 6, boxw, 1, 1);
    if (frame) {
        werase(frame);
        box(frame, 0, 0);
        delwin(frame);
    }
    put_line(w, 2, 3, "Filter the tracking rows", ATTR_HEADER);
    for (int i = 0; i < FI_COUNT; i++) {
        int y = 4 + i, x = 16, cols = boxw - 16;
        put_line(w, y, 3, i == focus ? "▶" : " ", ATTR_SELECTED);
        put_line(w, y, 5, names[i], i == focus ? ATTR_HEADER : ATTR_NORMAL);
        if (cols < 4)
            cols = 4;
        if (i == FI_PROVIDER) {
            pick_draw(&m->provider, w, y, x, cols, i == focus);
            continue;
        }
        char shown[300], fit[900];
        snprintf(shown, sizeof shown, "‹ %s ›",
                 i == FI_COHORT ? (m->cohort ? LABELS_COHORT[m->cohort - 1].text : "any cohort")
                                : show_words[m->show]);
        utf8_fit(fit, sizeof fit, shown, cols, UTF8_FIT_PAD);
        wattrset(w, attr_of(i == focus ? ATTR_SELECTED : ATTR_FIELD));
        mvwaddstr(w, y, x, fit);
        wattrset(w, A_NORMAL);
    }
    put_line(w, 4 + FI_COUNT + 1, 3,
             focus == FI_PROVIDER ? "↑↓ choose  ←/→ change  type a name to find it  Enter apply  Esc cancel"
                                  : "↑↓ choose  ←/→ or Space change  F clear all  Enter apply  Esc cancel",
             ATTR_HINT);
}

/* The filter menu as a view (the keys as the roll's filter menu). */
struct tfilter {
    struct tpane *tp;
    struct filter_menu *m;
    int focus;
    bool apply;
};

static void tfilter_draw(void *self, WINDOW *w)
{
    struct tfilter *f = self;
    tracking_draw(f->tp, w);
    draw_menu(f->m, f->focus, w);
}

static bool tfilter_takes_text(void *self)
{
    struct tfilter *f = self;
    return f->focus == FI_PROVIDER; /* the provider is picked by typing its name */
}

static enum view_key tfilter_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct tfilter *f = self;
    struct filter_menu *m = f->m;
    enum action_id id = act ? act->id : ACT_NONE;
    switch (id) {
    case ACT_KEEP_TEXT:
        f->apply = true;
        return VIEW_CLOSE;
    case ACT_VIEW_CLOSE:
        return VIEW_CLOSE;
    case ACT_FILTER_CLEAR:
        if (f->focus == FI_PROVIDER && m->provider.query[0])
            break; /* an F in the provider's name */
        m->cohort = 0;
        m->provider_id = 0;
        m->show = SH_ANY;
        return VIEW_DONE;
    case ACT_PREV_FIELD:
    case ACT_UP:
        if (f->focus == FI_PROVIDER && id == ACT_UP && ret == OK)
            break; /* a k in the provider's name */
        f->focus = (f->focus + FI_COUNT - 1) % FI_COUNT;
        return VIEW_DONE;
    case ACT_NEXT_FIELD:
    case ACT_DOWN:
        if (f->focus == FI_PROVIDER && id == ACT_DOWN && ret == OK)
            break; /* a j in the provider's name */
        f->focus = (f->focus + 1) % FI_COUNT;
        return VIEW_DONE;
    default:
        break;
    }
    if (f->focus == FI_PROVIDER) {
        pick_key(&m->provider, ret, ch);
        return VIEW_DONE;
    }
    int step = id == ACT_CHOICE_NEXT ? 1 : id == ACT_CHOICE_PREV ? -1 : 0;
    if (!step)
        return VIEW_PASS;
    if (f->focus == FI_COHORT) {
        int n = (int)label_count(LABELS_COHORT) + 1;
        m->cohort = (m->cohort + step + n) % n;
    } else if (f->focus == FI_SHOW) {
        m->show = (m->show + step + SH_COUNT) % SH_COUNT;
    }
    return VIEW_DONE;
}

static const enum action_id tfilter_keys[] = {ACT_KEEP_TEXT, ACT_NEXT_FIELD, ACT_PREV_FIELD, ACT_UP, ACT_DOWN,
                                              ACT_CHOICE_NEXT, ACT_CHOICE_PREV, ACT_FILTER_CLEAR, ACT_NONE};
static const enum action_id tfilter_hints[] = {ACT_KEEP_TEXT, ACT_NEXT_FIELD, ACT_CHOICE_NEXT, ACT_FILTER_CLEAR,
                                               ACT_NONE};
static const struct view_ops tfilter_view = {
    .title = "the tracking filter",
    .keys = tfilter_keys,
    .hints = tfilter_hints,
    .draw = tfilter_draw,
    .key = tfilter_key,
    .takes_text = tfilter_takes_text,
};

const struct view_ops *tracking_filter_view_ops(void) { return &tfilter_view; }

static void run_filter(struct tpane *tp)
{
    struct filter_menu m = {.show = tp->f_show, .provider_id = tp->f_provider};
    pick_init(&m.provider, &m.provider_id);
    for (int i = 0; LABELS_COHORT[i].code; i++)
        if (strcmp(LABELS_COHORT[i].code, tp->f_cohort) == 0)
            m.cohort = i + 1;
    pick_add(&m.provider, 0, "any provider");
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(tp->ui), &ui_config(tp->ui)->th, ui_today(tp->ui), &pl) == AP_OK) {
        for (size_t i = 0; i < pl->n; i++) {
            if (pl->rows[i].pupils_now == 0 && pl->rows[i].id != tp->f_provider)
                continue;
            char label[200];
            snprintf(label, sizeof label, "%s (%d placed)", pl->rows[i].name, pl->rows[i].pupils_now);
            pick_add(&m.provider, pl->rows[i].id, label);
        }
        provider_list_free(pl);
    } else {
        ui_error(tp->ui, "The providers could not be read: %s", ap_error_detail());
    }
    struct tfilter f = {.tp = tp, .m = &m};
    ui_run_view(tp->ui, &tfilter_view, &f);
    bool apply = f.apply && !ui_quitting(tp->ui);
    if (apply) {
        int64_t keep = cursor_id(tp);
        snprintf(tp->f_cohort, sizeof tp->f_cohort, "%s", m.cohort ? LABELS_COHORT[m.cohort - 1].code : "");
        tp->f_provider = m.provider_id;
        tp->f_provider_name[0] = '\0';
        if (m.provider_id) {
            snprintf(tp->f_provider_name, sizeof tp->f_provider_name, "%s", pick_label(&m.provider));
            char *paren = strrchr(tp->f_provider_name, '(');
            if (paren && paren > tp->f_provider_name)
                paren[-1] = '\0';
        }
        tp->f_show = m.show;
        rebuild_view(tp, keep);
        ui_message(tp->ui, filtered(tp) ? "Filter applied" : "No filter");
    }
    pick_free(&m.provider);
}

static void clear_filter(struct tpane *tp)
{
    int64_t keep = cursor_id(tp);
    tp->f_cohort[0] = '\0';
    tp->f_provider = 0;
    tp->f_provider_name[0] = '\0';
    tp->f_show = SH_ANY;
    rebuild_view(tp, keep);
}

/* ---- The rating line ------------------------------------------------------------------------ */

enum entry_end { ENTRY_CLOSE, ENTRY_NEXT, ENTRY_PREV };

/* The rating line's own action for a key: only the actions of the line. */

/* Reads the pupil's week afresh (versions included) into the line. */
static bool entry_read(struct tpane *tp, struct entry *e)
{
    if (tracking_get_week(ui_store(tp->ui), e->pupil_id, tp->week, e->stored) != AP_OK) {
        ui_error(tp->ui, "The ratings could not be read: %s", ap_error_detail());
        return false;
    }
    memcpy(e->r, e->stored, sizeof e->r);
    return true;
}

static bool entry_open(struct tpane *tp, struct entry *e, const struct tracking_row *row)
{
    memset(e, 0, sizeof *e);
    e->pupil_id = row->id;
    e->last_rated = -1;
    char year[24];
    snprintf(e->who, sizeof e->who, "%s (%s)", row->display_name,
             rules_year_group_name(row->year_group, year, sizeof year));
    memcpy(e->prev, row->prev_rating, sizeof e->prev);
    e->prev_week = row->prev_week;
    if (!entry_read(tp, e))
        return false;
    /* Start on the first area not yet rated. */
    while (e->focus < TRACKING_AREAS - 1 && e->r[e->focus].rating)
        e->focus++;
    if (e->r[e->focus].rating)
        e->focus = 0;
    return true;
}

/* Saves what changed (one transaction). A change by someone else since the
 * line was read: asks whether to save over it, else shows theirs. */
static bool entry_save(struct tpane *tp, struct entry *e)
{
    struct ui *ui = tp->ui;
    int n = 0;
    for (int a = 0; a < TRACKING_AREAS; a++) {
        e->r[a].changed = entry_changed(e, a);
        n += e->r[a].changed;
    }
    if (n == 0)
        return true;
    for (int attempt = 0; attempt < 2; attempt++) {
        ap_status st = tracking_save_week(ui_store(ui), e->pupil_id, tp->week, e->r);
        if (st == AP_OK) {
            memcpy(e->stored, e->r, sizeof e->stored);
            /* Only this pane shows ratings (no flag depends on them): the
             * others hear of it once, when the line closes, so that a
             * meeting of 5,000 pupils goes at typing speed. */
            load(tp);
            tp->entry_saved = true;
            ui_message(ui, "Saved %d rating%s for %s", n, n == 1 ? "" : "s", e->who);
            return true;
        }
        if ((st != AP_ERR_CONFLICT && st != AP_ERR_NOT_FOUND) || attempt > 0) {
            ui_error(ui, "Not saved: %s", ap_error_detail());
            return false;
        }
        /* Who and when on the line's first line; a short question. */
        snprintf(e->notice, sizeof e->notice, "%s", ap_error_detail());
        redraw_body(tp);
        struct tracking_rating fresh[TRACKING_AREAS];
        bool over = ui_confirm(ui, "Changed meanwhile (above): save yours over theirs?");
        e->notice[0] = '\0';
        if (tracking_get_week(ui_store(ui), e->pupil_id, tp->week, fresh) != AP_OK) {
            ui_error(ui, "The ratings could not be read: %s", ap_error_detail());
            return false;
        }
        memcpy(e->stored, fresh, sizeof e->stored);
        if (!over) {
            memcpy(e->r, fresh, sizeof e->r);
            load(tp);
            ui_message(ui, "Nothing saved: the ratings shown are the ones now stored");
            return false;
        }
        for (int a = 0; a < TRACKING_AREAS; a++)
            e->r[a].version = fresh[a].version; /* yours over theirs */
    }
    return false;
}

/* The note line: a view over the rating line; Enter keeps the note, Esc
 * drops what was typed. */
struct note_line {
    struct tpane *tp;
    struct lineedit *le;
    bool keep;
};

static void note_draw(void *self, WINDOW *w)
{
    struct note_line *nl = self;
    curs_set(1);
    tracking_draw(nl->tp, w); /* draws the note being typed from e->note */
}

static enum view_key note_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct note_line *nl = self;
    if (act && act->id == ACT_KEEP_TEXT) {
        nl->keep = true;
        return VIEW_CLOSE;
    }
    if (act)
        return VIEW_PASS;
    if (lineedit_key(nl->le, ret, ch) == LINEEDIT_REFUSED)
        ui_error(nl->tp->ui, "Note: %s", lineedit_reason(nl->le));
    return VIEW_DONE;
}

static bool track_takes_text(void *self)
{
    (void)self;
    return true;
}

static const enum action_id note_keys[] = {ACT_KEEP_TEXT, ACT_NONE};
static const struct view_ops note_view = {
    .title = "a note on the area",
    .keys = note_keys,
    .draw = note_draw,
    .key = note_key,
    .takes_text = track_takes_text,
};

const struct view_ops *tracking_note_view_ops(void) { return &note_view; }

/* Typing a note on the focused area. */
static void entry_note(struct tpane *tp, struct entry *e)
{
    int na = note_area(e);
    struct tracking_rating *r = &e->r[na];
    if (!r->rating) {
        ui_error(tp->ui, "Rate %s first (1 to 5): a note goes with a rating", LABELS_PROGRESS_AREA[na].brief);
        return;
    }
    struct lineedit le = {0};
    if (lineedit_init(&le, r->note, sizeof r->note - 1) != AP_OK) {
        ui_error(tp->ui, "Out of memory");
        return;
    }
    e->note = &le;
    struct note_line nl = {.tp = tp, .le = &le};
    ui_run_view(tp->ui, &note_view, &nl);
    if (nl.keep && !ui_quitting(tp->ui))
        snprintf(r->note, sizeof r->note, "%s", lineedit_text(&le));
    e->note = NULL;
    lineedit_free(&le);
    curs_set(0);
}

/* The rating line as a view: the keys of the rating line (1-5, Tab, ⌫, =,
 * n, Enter/↓, ↑); it takes every other character too, so that 6-9 say "A
 * rating is 1 to 5" and q is not a command. Esc closes, asking first when
 * ratings were typed. */
struct entry_view {
    struct tpane *tp;
    struct entry *e;
    enum entry_end end;
};

static void entry_draw(void *self, WINDOW *w)
{
    struct entry_view *v = self;
    select_id(v->tp, v->e->pupil_id);
    tracking_draw(v->tp, w);
}

static bool entry_close_request(void *self, bool quitting)
{
    struct entry_view *v = self;
    struct entry *e = v->e;
    if (!entry_any_changed(e))
        return true;
    char q[400];
    snprintf(q, sizeof q, "%s without saving the ratings typed for %s?", quitting ? "Quit apterm" : "Close", e->who);
    return ui_confirm(v->tp->ui, q);
}

static enum view_key entry_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct entry_view *v = self;
    struct tpane *tp = v->tp;
    struct entry *e = v->e;
    struct ui *ui = tp->ui;
    if (act && act->id == ACT_VIEW_CLOSE) {
        if (!entry_close_request(v, false)) {
            ui_message(ui, "%s", "");
            return VIEW_DONE;
        }
        v->end = ENTRY_CLOSE;
        return VIEW_CLOSE;
    }
    switch (act ? act->id : ACT_NONE) {
    case ACT_TRACK_SCORE:
        e->r[e->focus].rating = (int)ch - '0';
        e->last_rated = e->focus;
        if (e->focus < TRACKING_AREAS - 1)
            e->focus++;
        break;
    case ACT_TRACK_NEXT_AREA:
        e->focus = (e->focus + 1) % TRACKING_AREAS;
        e->last_rated = -1;
        break;
    case ACT_TRACK_PREV_AREA:
        e->focus = (e->focus + TRACKING_AREAS - 1) % TRACKING_AREAS;
        e->last_rated = -1;
        break;
    case ACT_TRACK_CLEAR:
        /* As in a text field: the focused rating, else the one before. */
        if (!e->r[e->focus].rating && e->focus > 0)
            e->focus--;
        e->r[e->focus].rating = 0;
        e->r[e->focus].note[0] = '\0';
        e->last_rated = -1;
        break;
    case ACT_TRACK_SAME: {
        int n = 0;
        for (int a = 0; a < TRACKING_AREAS; a++)
            if (!e->r[a].rating && e->prev[a]) {
                e->r[a].rating = e->prev[a];
                n++;
            }
        if (n == 0)
            ui_message(ui, e->prev_week == DATE_NONE ? "No earlier ratings to copy"
                                                     : "Every area with an earlier rating is rated already");
        break;
    }
    case ACT_TRACK_NOTE:
        entry_note(tp, e);
        break;
    case ACT_TRACK_SAVE_NEXT:
    case ACT_TRACK_SAVE_PREV:
        if (entry_save(tp, e)) {
            v->end = act->id == ACT_TRACK_SAVE_NEXT ? ENTRY_NEXT : ENTRY_PREV;
            return VIEW_CLOSE;
        }
        break;
    default:
        if (act)
            return VIEW_PASS;
        if (ret == OK && ch >= '6' && ch <= '9')
            ui_error(ui, "A rating is 1 to 5");
        break;
    }
    return VIEW_DONE;
}

static const enum action_id entry_keys[] = {ACT_TRACK_SCORE, ACT_TRACK_NEXT_AREA, ACT_TRACK_PREV_AREA,
                                            ACT_TRACK_NOTE,  ACT_TRACK_SAME,      ACT_TRACK_CLEAR,
                                            ACT_TRACK_SAVE_NEXT, ACT_TRACK_SAVE_PREV, ACT_NONE};
static const struct view_ops entry_view_ops_ = {
    .title = "the rating line",
    .keys = entry_keys,
    .draw = entry_draw,
    .key = entry_key,
    .close_request = entry_close_request,
    .takes_text = track_takes_text,
};

const struct view_ops *tracking_entry_view_ops(void) { return &entry_view_ops_; }

static enum entry_end entry_loop(struct tpane *tp, struct entry *e)
{
    struct entry_view v = {.tp = tp, .e = e, .end = ENTRY_CLOSE};
    ui_run_view(tp->ui, &entry_view_ops_, &v);
    return ui_quitting(tp->ui) ? ENTRY_CLOSE : v.end;
}

/* The rating line for the pupil under the cursor, then the next ones in
 * turn until Esc. */
static void run_entry(struct tpane *tp)
{
    struct ui *ui = tp->ui;
    if (!ui_can_write(ui))
        return;
    tp->entry_saved = false;
    for (;;) {
        const struct tracking_row *row = row_at(tp, tp->lv.cursor);
        if (!row)
            break;
        /* Decided before saving: a save may move the row (sort, filter). */
        const struct tracking_row *next = row_at(tp, tp->lv.cursor + 1);
        const struct tracking_row *prev = row_at(tp, tp->lv.cursor - 1);
        int64_t next_id = next ? next->id : 0, prev_id = prev ? prev->id : 0, id = row->id;
        int line = tp->lv.cursor;
        struct entry e;
        if (!entry_open(tp, &e, row))
            break;
        tp->entry = &e;
        enum entry_end end = entry_loop(tp, &e);
        tp->entry = NULL;
        if (end == ENTRY_CLOSE)
            break;
        int64_t to = end == ENTRY_NEXT ? next_id : prev_id;
        if (!to) {
            select_id(tp, id);
            ui_message(ui, "%s", end == ENTRY_NEXT ? "Saved: that was the last pupil in the list"
                                                   : "Saved: that was the first pupil in the list");
            break;
        }
        if (!select_id(tp, to))
            listview_select(&tp->lv, end == ENTRY_NEXT ? line + 1 : line - 1);
    }
    tp->entry = NULL;
    if (tp->entry_saved) {
        int64_t id = cursor_id(tp);
        ui_store_changed(ui); /* the roll and the other panes reload; this one keeps its cursor */
        select_id(tp, id);
        tp->entry_saved = false;
    }
}

/* ---- A pupil's actions ------------------------------------------------------------------- */

struct actions_view {
    struct ui *ui;
    int64_t pupil_id;
    struct tracking_action *items;
    size_t n;
    int open, overdue;
    struct listview lv;
    char pupil[300];
};

enum { AC_DUE, AC_TEXT, AC_OWNER, AC_DONE, AC_COUNT };
static const struct list_column action_columns[AC_COUNT] = {
    {"Due", 12, false, false}, {"Action", 20, true, false}, {"Owner", 16, false, false}, {"Done", 4, false, false}};

static void action_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct actions_view *v = ctx;
    buf[0] = '\0';
    if (row < 0 || (size_t)row >= v->n)
        return;
    const struct tracking_action *a = &v->items[row];
    bool overdue = tracking_action_overdue(a, ui_today(v->ui));
    if (a->done)
        *attr = ATTR_DIM;
    char d[24];
    switch (col) {
    case AC_DUE:
        if (a->due == DATE_NONE)
            snprintf(buf, len, "%s", overdue ? "!" : "");
        else
            snprintf(buf, len, "%s%s", overdue ? "!" : "", long_date(a->due, d, sizeof d));
        if (overdue)
            *attr = ATTR_FLAG_RED;
        break;
    case AC_TEXT:
        snprintf(buf, len, "%s", a->text);
        break;
    case AC_OWNER:
        snprintf(buf, len, "%s", a->owner);
        break;
    case AC_DONE:
        snprintf(buf, len, "%s", a->done ? "✓" : "");
        break;
    default:
        break;
    }
}

static void actions_load(struct actions_view *v, int64_t keep_id)
{
    free(v->items);
    v->items = NULL;
    v->n = 0;
    v->open = v->overdue = 0;
    if (tracking_action_list(ui_store(v->ui), v->pupil_id, &v->items, &v->n) != AP_OK)
        ui_error(v->ui, "The actions could not be read: %s", ap_error_detail());
    for (size_t i = 0; i < v->n; i++) {
        v->open += !v->items[i].done;
        v->overdue += tracking_action_overdue(&v->items[i], ui_today(v->ui));
    }
    listview_set_rows(&v->lv, (int)v->n);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].id == keep_id)
            listview_select(&v->lv, (int)i);
}

struct action_form {
    struct ui *ui;
    struct tracking_action a;
};

static ap_status action_form_validate(void *ctx)
{
    return tracking_action_validate(&((struct action_form *)ctx)->a);
}

static ap_status action_form_save(void *ctx)
{
    struct action_form *af = ctx;
    return af->a.id ? tracking_action_update(ui_store(af->ui), &af->a)
                    : tracking_action_insert(ui_store(af->ui), &af->a);
}

static ap_status action_form_reload(void *ctx)
{
    struct action_form *af = ctx;
    return tracking_action_get(ui_store(af->ui), af->a.id, &af->a);
}

static ap_status action_form_take_version(void *ctx)
{
    struct action_form *af = ctx;
    struct tracking_action now;
    ap_status st = tracking_action_get(ui_store(af->ui), af->a.id, &now);
    if (st == AP_OK)
        af->a.version = now.version;
    return st;
}

/* Adds (a->id 0) or edits an action. True when saved. */
static bool action_form_run(struct ui *ui, struct tracking_action *a, const char *pupil, bool read_only)
{
    struct action_form af = {.ui = ui, .a = *a};
    struct tracking_action *x = &af.a;
    struct form_field fields[] = {
        {.label = "Action", .kind = FIELD_TEXT, .value = x->text, .size = sizeof x->text, .required = true,
         .help = "What will be done: \"Call Mum about transport\""},
        {.label = "Owner", .kind = FIELD_TEXT, .value = x->owner, .size = sizeof x->owner,
         .help = "Who will do it: a name or a role"},
        {.label = "Due", .kind = FIELD_DATE, .value = &x->due,
         .help = "YYYY-MM-DD, today, +1w, -3d; empty for no date. Not done by then: overdue"},
        {.label = "Done", .kind = FIELD_BOOL, .value = &x->done},
    };
    char title[400];
    if (!x->id)
        snprintf(title, sizeof title, "New action for %s", pupil);
    else
        snprintf(title, sizeof title, "%s for %s", read_only ? "Action" : "Edit the action", pupil);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &af,
        .read_only = read_only,
        .validate = action_form_validate,
        .save = action_form_save,
        .reload = action_form_reload,
        .take_version = action_form_take_version,
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *a = af.a;
    return saved;
}

static const enum action_id actions_keys[] = {ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
                                              ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_TRACK_DONE, ACT_DELETE, ACT_NONE};
static const enum action_id actions_hints[] = {ACT_ADD, ACT_EDIT, ACT_TRACK_DONE, ACT_DELETE, ACT_NONE};

static void actions_draw(void *self, WINDOW *w)
{
    struct actions_view *v = self;
    int height = getmaxy(w);
    werase(w);
    char title[500];
    snprintf(title, sizeof title, "Actions for %s: %d open%s", v->pupil, v->open, v->overdue ? "" : ", none overdue");
    put_line(w, 0, 1, title, ATTR_HEADER);
    if (v->overdue) {
        char more[64];
        snprintf(more, sizeof more, "! %d overdue", v->overdue);
        put_line(w, 0, 2 + utf8_width(title), more, ATTR_FLAG_RED);
    }
    int list_h = height - 4 > 3 ? height - 4 : 3;
    listview_draw(&v->lv, w, 2, list_h);
    if (v->n == 0) {
        put_line(w, 4, 3, "No actions yet: press a to add one.", ATTR_DIM);
    } else {
        const struct tracking_action *a = &v->items[v->lv.cursor];
        char line[700];
        snprintf(line, sizeof line, "%s · last changed %s UTC by %s", a->text, a->updated_at, a->updated_by);
        put_line(w, height - 1, 1, line, ATTR_NORMAL);
    }
}

static void actions_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct actions_view *v = self;
    actions_load(v, v->n ? v->items[v->lv.cursor].id : 0);
}

static enum view_key actions_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct actions_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (listview_move(&v->lv, act->id))
        return VIEW_DONE;
    /* A copy: the list may be read again while a form or question is open. */
    struct tracking_action cur;
    bool have = v->n > 0;
    if (have)
        cur = v->items[v->lv.cursor];
    switch (act->id) {
    case ACT_ADD: {
        if (!ui_can_write(ui))
            break;
        struct tracking_action a;
        tracking_action_init(&a);
        a.pupil_id = v->pupil_id;
        a.due = ui_today(ui) + 7;
        if (action_form_run(ui, &a, v->pupil, false)) {
            ui_store_changed(ui);
            ui_message(ui, "Added the action%s", tracking_action_overdue(&a, ui_today(ui)) ? ": overdue" : "");
            actions_load(v, a.id);
        }
        break;
    }
    case ACT_OPEN:
    case ACT_EDIT: {
        if (!have)
            break;
        bool write = store_can_write(ui_store(ui));
        if (act->id == ACT_EDIT && !ui_can_write(ui))
            break;
        struct tracking_action a = cur;
        if (action_form_run(ui, &a, v->pupil, !write)) {
            ui_store_changed(ui);
            ui_message(ui, "Saved the action");
        }
        actions_load(v, a.id);
        break;
    }
    case ACT_TRACK_DONE: {
        if (!have || !ui_can_write(ui))
            break;
        int64_t version = cur.version;
        bool done = !cur.done;
        if (tracking_action_set_done(ui_store(ui), cur.id, &version, done) != AP_OK) {
            ui_error(ui, "Not changed: %s", ap_error_detail());
        } else {
            ui_store_changed(ui);
            ui_message(ui, done ? "Done" : "Not done after all: open again");
        }
        actions_load(v, cur.id);
        break;
    }
    case ACT_DELETE: {
        if (!have || !ui_can_write(ui))
            break;
        char q[600];
        snprintf(q, sizeof q, "Delete the action “%s”?", cur.text);
        int64_t keep = v->lv.cursor + 1 < (int)v->n ? v->items[v->lv.cursor + 1].id : 0;
        if (!ui_confirm(ui, q))
            break;
        if (tracking_action_delete(ui_store(ui), cur.id, cur.version) != AP_OK) {
            ui_error(ui, "Not deleted: %s", ap_error_detail());
        } else {
            ui_store_changed(ui);
            ui_message(ui, "Deleted the action");
        }
        actions_load(v, keep);
        break;
    }
    default:
        return VIEW_PASS;
    }
    return VIEW_DONE;
}

static const struct view_ops actions_view_ops_ = {
    .title = "the pupil's actions",
    .keys = actions_keys,
    .hints = actions_hints,
    .draw = actions_draw,
    .key = actions_key,
    .reload = actions_reload,
};

const struct view_ops *tracking_actions_view_ops(void) { return &actions_view_ops_; }

static void run_actions(struct ui *ui, int64_t pupil_id)
{
    struct actions_view v = {.ui = ui, .pupil_id = pupil_id};
    v.lv = (struct listview){.columns = action_columns, .ncolumns = AC_COUNT, .cell = action_cell, .ctx = &v,
                             .sort_column = -1};
    pupil_views_name(ui, pupil_id, v.pupil, sizeof v.pupil);
    actions_load(&v, 0);
    ui_run_view(ui, &actions_view_ops_, &v);
    free(v.items);
}

/* ---- The pane ------------------------------------------------------------------------------ */

static void *tracking_open(struct ui *ui)
{
    struct tpane *tp = calloc(1, sizeof *tp);
    if (!tp)
        return NULL;
    tp->ui = ui;
    tp->week = tracking_week_of(ui_today(ui));
    memcpy(tp->cols, columns, sizeof tp->cols);
    tp->lv.columns = tp->cols;
    tp->lv.ncolumns = C_COUNT;
    tp->lv.cell = cell;
    tp->lv.ctx = tp;
    tp->lv.sort_column = C_NAME;
    tp->sort_col = C_NAME;
    load(tp);
    return tp;
}

static void tracking_close(void *state)
{
    struct tpane *tp = state;
    if (!tp)
        return;
    tracking_free(tp->t);
    free(tp->order);
    free(tp->view);
    free(tp);
}

static void tracking_reload(void *state)
{
    load(state);
}

/* The PSP and QA reasons of the pupil under the cursor. */
static const char *tracking_detail(void *state)
{
    struct tpane *tp = state;
    const struct tracking_row *r = row_at(tp, tp->lv.cursor);
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
    if (!load(tp))
        tp->week = old;
}

static unsigned tracking_key(void *state, const struct action *act, int key, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct tpane *tp = state;
    struct ui *ui = tp->ui;
    if (!act || !tp->t)
        return REDRAW_NONE;
    int64_t id = cursor_id(tp);
    switch (act->id) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
    case ACT_HOME:
    case ACT_END: {
        listview_move(&tp->lv, act->id);
        WINDOW *w = ui_body(ui);
        if (getmaxy(w) >= 12)
            draw_row_detail(tp, w, getmaxy(w) - 2);
        return REDRAW_PARTIAL | REDRAW_STATUS;
    }
    case ACT_SEARCH:
        run_search(tp);
        return REDRAW_ALL;
    case ACT_BACK:
        if (tp->search[0]) {
            tp->search[0] = '\0';
            rebuild_view(tp, id);
            ui_message(ui, "Search cleared");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        return REDRAW_NONE;
    case ACT_SORT:
        if (key == 'S') {
            tp->sort_desc = !tp->sort_desc;
        } else {
            tp->sort_col = (tp->sort_col + 1) % C_COUNT;
            tp->sort_desc = col_first_desc[tp->sort_col];
        }
        resort(tp, id);
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_FILTER:
        if (key == 'F') {
            bool had = filtered(tp);
            clear_filter(tp);
            ui_message(ui, had ? "Filter cleared" : "No filter to clear");
            return REDRAW_BODY | REDRAW_STATUS;
        }
        run_filter(tp);
        return REDRAW_ALL;
    case ACT_TRACK_WEEK:
        change_week(tp, tp->week + (key == '[' ? -7 : 7));
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_TRACK_THIS_WEEK:
        change_week(tp, tracking_week_of(ui_today(ui)));
        return REDRAW_BODY | REDRAW_STATUS;
    case ACT_TRACK_RATE:
        if (!id)
            return REDRAW_NONE;
        run_entry(tp);
        return REDRAW_ALL;
    case ACT_TRACK_ACTIONS:
        if (!id)
            return REDRAW_NONE;
        run_actions(ui, id);
        select_id(tp, id);
        return REDRAW_ALL;
    case ACT_TRACK_PUPIL:
        if (!id)
            return REDRAW_NONE;
        ui_show_pupil(ui, id);
        return REDRAW_ALL;
    default:
        return REDRAW_NONE;
    }
}

static const enum action_id tracking_hints[] = {ACT_TRACK_RATE, ACT_TRACK_ACTIONS, ACT_TRACK_WEEK, ACT_SEARCH,
                                                ACT_FILTER,     ACT_SORT,          ACT_TRACK_PUPIL, ACT_NONE};

const struct pane_ops pane_tracking = {
    .title = "Tracking",
    .scopes = SCOPE_LIST | SCOPE_TRACKING,
    .hints = tracking_hints,
    .open = tracking_open,
    .close = tracking_close,
    .draw = tracking_draw,
    .key = tracking_key,
    .reload = tracking_reload,
    .detail = tracking_detail,
};
