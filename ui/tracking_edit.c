/* The weekly tracking pane's rating line (a pupil's week, area by area) and
 * a pupil's actions (a list view with its form). */

#include "tracking_pane.h"
#include "prompt.h"

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
    e->areas = row->areas;
    e->n_areas = row->n_areas;
    if (!entry_read(tp, e))
        return false;
    /* Start on the first area that applies and is not yet rated. */
    e->focus = 0;
    while (e->focus < TRACKING_AREAS - 1 && (e->r[e->focus].rating || !((e->areas >> e->focus) & 1u)))
        e->focus++;
    if (e->r[e->focus].rating || !((e->areas >> e->focus) & 1u))
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
        e->r[a].changed = tp_entry_changed(e, a);
        n += e->r[a].changed;
    }
    if (n == 0)
        return true;
    for (int attempt = 0; attempt < 2; attempt++) {
        ap_status st =
            tracking_save_week(ui_store(ui), e->pupil_id, tp->week, e->r, ui_today(ui), &ui_config(ui)->th);
        if (st == AP_OK) {
            memcpy(e->stored, e->r, sizeof e->stored);
            /* Only this pane shows ratings (no flag depends on them): the
             * others hear of it once, when the line closes, so that a
             * meeting of 5,000 pupils goes at typing speed. */
            tp_load(tp);
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
        tp_redraw_body(tp);
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
            tp_load(tp);
            ui_message(ui, "Nothing saved: the ratings shown are the ones now stored");
            return false;
        }
        for (int a = 0; a < TRACKING_AREAS; a++)
            e->r[a].version = fresh[a].version; /* yours over theirs */
    }
    return false;
}

/* The note line: a prompt over the rating line, drawn in its place by the
 * pane (from e->note); Enter keeps the note, Esc drops what was typed. */
struct note_line {
    struct tpane *tp;
    struct entry *e;
    struct tracking_rating *r;
};

static void note_draw(void *ctx, WINDOW *w, struct lineedit *le)
{
    struct note_line *nl = ctx;
    nl->e->note = le;
    tp_tracking_draw(nl->tp, w);
}

static bool note_enter(void *ctx, const char *text)
{
    struct note_line *nl = ctx;
    snprintf(nl->r->note, sizeof nl->r->note, "%s", text);
    return true;
}

static const struct prompt_spec note_prompt = {
    .title = "a note on the area",
    .label = "Note:",
    .draw = note_draw,
    .draws_editor = true,
    .on_enter = note_enter,
};

const struct prompt_spec *tracking_note_prompt(void) { return &note_prompt; }

/* Typing a note on the focused area. */
static void entry_note(struct tpane *tp, struct entry *e)
{
    int na = tp_note_area(e);
    struct tracking_rating *r = &e->r[na];
    if (!r->rating) {
        ui_error(tp->ui, "Rate %s first (1 to 5, or x for not this week): a note goes with a rating",
                 LABELS_PROGRESS_AREA[na].brief);
        return;
    }
    struct note_line nl = {.tp = tp, .e = e, .r = r};
    prompt_run(tp->ui, &note_prompt, &nl, r->note, sizeof r->note - 1);
    e->note = NULL;
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
    tp_select_id(v->tp, v->e->pupil_id);
    tp_tracking_draw(v->tp, w);
}

static bool entry_close_request(void *self, bool quitting)
{
    struct entry_view *v = self;
    struct entry *e = v->e;
    if (!tp_entry_any_changed(e))
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
    case ACT_TRACK_NA:
        if (!((e->areas >> e->focus) & 1u)) {
            ui_message(ui, "%s does not apply to this pupil (the purposes of their placements and their year group)",
                       LABELS_PROGRESS_AREA[e->focus].text);
            break;
        }
        e->r[e->focus].rating = act->id == ACT_TRACK_NA ? TRACKING_NA : (int)ch - '0';
        e->last_rated = e->focus;
        {
            /* What the rating means ([display] rating_words). */
            char word[64];
            if (act->id == ACT_TRACK_NA)
                ui_message(ui, "%s: not applicable this week", LABELS_PROGRESS_AREA[e->focus].text);
            else
                ui_message(ui, "%s: %d, %s", LABELS_PROGRESS_AREA[e->focus].text, (int)ch - '0',
                           config_rating_word(ui_config(ui)->rating_words, (int)ch - '0', word, sizeof word));
        }
        /* On to the next area that applies. */
        for (int a = e->focus + 1; a < TRACKING_AREAS; a++)
            if ((e->areas >> a) & 1u) {
                e->focus = a;
                break;
            }
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
            if (!e->r[a].rating && e->prev[a] && ((e->areas >> a) & 1u)) {
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

static const enum action_id entry_keys[] = {ACT_TRACK_SCORE, ACT_TRACK_NA, ACT_TRACK_NEXT_AREA, ACT_TRACK_PREV_AREA,
                                            ACT_TRACK_NOTE,  ACT_TRACK_SAME,      ACT_TRACK_CLEAR,
                                            ACT_TRACK_SAVE_NEXT, ACT_TRACK_SAVE_PREV, ACT_NONE};
static const struct view_ops entry_view_ops_ = {
    .title = "the rating line",
    .keys = entry_keys,
    .draw = entry_draw,
    .key = entry_key,
    .close_request = entry_close_request,
    .takes_text = view_takes_text_always,
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
void tp_run_entry(struct tpane *tp)
{
    struct ui *ui = tp->ui;
    if (!ui_can_write(ui))
        return;
    tp->entry_saved = false;
    for (;;) {
        const struct tracking_row *row = tp_row_at(tp, tp->lv.cursor);
        if (!row)
            break;
        /* Decided before saving: a save may move the row (sort, filter). */
        const struct tracking_row *next = tp_row_at(tp, tp->lv.cursor + 1);
        const struct tracking_row *prev = tp_row_at(tp, tp->lv.cursor - 1);
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
            tp_select_id(tp, id);
            ui_message(ui, "%s", end == ENTRY_NEXT ? "Saved: that was the last pupil in the list"
                                                   : "Saved: that was the first pupil in the list");
            break;
        }
        if (!tp_select_id(tp, to))
            listview_select(&tp->lv, end == ENTRY_NEXT ? line + 1 : line - 1);
    }
    tp->entry = NULL;
    if (tp->entry_saved) {
        int64_t id = tp_cursor_id(tp);
        ui_store_changed(ui); /* the roll and the other panes reload; this one keeps its cursor */
        tp_select_id(tp, id);
        tp->entry_saved = false;
    }
}

/* ---- A pupil's actions ------------------------------------------------------------------- */

struct actions_view {
    struct sublist s; /* first: the sub-list's callbacks are given it */
    int open, overdue;
};

enum { AC_DUE, AC_TEXT, AC_OWNER, AC_DONE, AC_COUNT };
static const struct list_column action_columns[AC_COUNT] = {
    {"Due", 12, false, false}, {"Action", 20, true, false}, {"Owner", 16, false, false}, {"Done", 4, false, false}};

static void action_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct sublist *s = ctx;
    buf[0] = '\0';
    if (row < 0 || (size_t)row >= s->n)
        return;
    const struct tracking_action *a = sublist_item(s, (size_t)row);
    bool overdue = tracking_action_overdue(a, ui_today(s->ui));
    if (a->done)
        *attr = ATTR_DIM;
    char d[24];
    switch (col) {
    case AC_DUE:
        if (a->due == DATE_NONE)
            snprintf(buf, len, "%s", overdue ? "!" : "");
        else
            snprintf(buf, len, "%s%s", overdue ? "!" : "", tp_long_date(a->due, d, sizeof d));
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

static ap_status actions_read(struct sublist *s)
{
    struct tracking_action *items = NULL;
    ap_status st = tracking_action_list(ui_store(s->ui), s->pupil_id, &items, &s->n);
    s->items = items;
    return st;
}

/* The counts in the heading. */
static void actions_count(struct sublist *s)
{
    struct actions_view *v = (struct actions_view *)s;
    const struct tracking_action *items = s->items;
    v->open = v->overdue = 0;
    for (size_t i = 0; i < s->n; i++) {
        v->open += !items[i].done;
        v->overdue += tracking_action_overdue(&items[i], ui_today(s->ui));
    }
}

static int64_t action_id(const void *item)
{
    return ((const struct tracking_action *)item)->id;
}

FORM_RECORD_OPS(action_ops, struct tracking_action, tracking_action_validate, tracking_action_insert,
                tracking_action_update, tracking_action_get);

/* Adds (a->id 0) or edits an action. True when saved. */
static bool action_form_run(struct ui *ui, struct tracking_action *a, const char *pupil, bool read_only)
{
    struct tracking_action rec = *a, *x = &rec;
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
        FORM_FIELDS(fields),
        .read_only = read_only,
        FORM_RECORD_OF(x, &action_ops),
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *a = rec;
    return saved;
}

static void action_init_for(struct sublist *s, void *item)
{
    struct tracking_action *a = item;
    tracking_action_init(a);
    a->pupil_id = s->pupil_id;
    a->due = ui_today(s->ui) + 7;
}

static bool action_form_of(struct sublist *s, void *item, bool read_only)
{
    return action_form_run(s->ui, item, s->pupil, read_only);
}

static void action_say(const struct sublist *s, const void *item, enum sublist_say what, char *buf, size_t len)
{
    const struct tracking_action *a = item;
    switch (what) {
    case SAY_ADDED:
        snprintf(buf, len, "Added the action%s", tracking_action_overdue(a, ui_today(s->ui)) ? ": overdue" : "");
        break;
    case SAY_SAVED: snprintf(buf, len, "Saved the action"); break;
    case SAY_DELETE_ASK: snprintf(buf, len, "Delete the action “%s”?", a->text); break;
    case SAY_DELETED: snprintf(buf, len, "Deleted the action"); break;
    }
}

static ap_status action_remove(struct sublist *s, const void *item)
{
    const struct tracking_action *a = item;
    return tracking_action_delete(ui_store(s->ui), a->id, a->version);
}

static void actions_head(struct sublist *s, WINDOW *w)
{
    struct actions_view *v = (struct actions_view *)s;
    char title[500];
    snprintf(title, sizeof title, "Actions for %s: %d open%s", s->pupil, v->open, v->overdue ? "" : ", none overdue");
    draw_put(w, 0, 1, title, ATTR_HEADER);
    if (v->overdue) {
        char more[64];
        snprintf(more, sizeof more, "! %d overdue", v->overdue);
        draw_put(w, 0, 2 + utf8_width(title), more, ATTR_FLAG_RED);
    }
}

static void actions_foot(struct sublist *s, WINDOW *w, int y, const void *item)
{
    (void)s;
    (void)y;
    const struct tracking_action *a = item;
    char line[700];
    snprintf(line, sizeof line, "%s · last changed %s UTC by %s", a->text, a->updated_at, a->updated_by);
    draw_put(w, getmaxy(w) - 1, 1, line, ATTR_NORMAL);
}

/* D: done, or open again. */
static bool actions_key(struct sublist *s, enum action_id id, void *cur)
{
    (void)id; /* ACT_TRACK_DONE, the list's one key of its own */
    const struct tracking_action *a = cur;
    int64_t version = a->version;
    bool done = !a->done;
    if (tracking_action_set_done(ui_store(s->ui), a->id, &version, done) != AP_OK) {
        ui_error(s->ui, "Not changed: %s", ap_error_detail());
    } else {
        ui_store_changed(s->ui);
        ui_message(s->ui, done ? "Done" : "Not done after all: open again");
    }
    return true;
}

static const enum action_id actions_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_TRACK_DONE, ACT_DELETE,
                                              ACT_NONE};
static const enum action_id actions_hints[] = {ACT_ADD, ACT_EDIT, ACT_TRACK_DONE, ACT_DELETE, ACT_NONE};

static const struct sublist_def actions_list = {
    .ops = SUBLIST_VIEW_OPS("the pupil's actions", actions_keys, actions_hints),
    .columns = action_columns,
    .ncolumns = AC_COUNT,
    .cell = action_cell,
    .item_size = sizeof(struct tracking_action),
    .what = "actions",
    .empty = "No actions yet: press a to add one.",
    .list_y = 2,
    .below = 2,
    .read = actions_read,
    .loaded = actions_count,
    .id = action_id,
    .init = action_init_for,
    .form = action_form_of,
    .say = action_say,
    .remove = action_remove,
    .draw_head = actions_head,
    .draw_foot = actions_foot,
    .row_key = actions_key,
};

const struct view_ops *tracking_actions_view_ops(void) { return &actions_list.ops; }

void tp_run_actions(struct ui *ui, int64_t pupil_id)
{
    struct actions_view v = {0};
    sublist_run(ui, &v.s, &actions_list, pupil_id);
}
