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

#include "att_draw.h"
#include "att_mark.h"
#include "att_model.h"
#include "att_prompt.h"

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

static void att_open(void *state, struct ui *ui)
{
    struct att *a = state;
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
}

static void att_close(void *state)
{
    free_all(state); /* no ui_store_changed here: the other panes may be closed already */
}

/* A mark changed (the feed names it "pupil/day/session"): its cell and the
 * pupil's term figures read again, in place (a row not read yet reads them
 * as it comes into sight). False when that cannot be done: the pupil has
 * no row this week, or has one only through marks (a mark may make the row
 * appear or go), or the mark cannot be read. */
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
    if (r >= 0)
        row_term_again(a, &a->rows[r]);
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
    if (a->dirty && date_monotonic_ms() - a->last_write_ms >= SYNC_IDLE_MS) {
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

/* Flips one of the rows' settings (which rows: reload; their order: not),
 * then reads or sorts the rows again with the cursor kept on its pupil,
 * and says what they are now. */
static unsigned flip_rows(struct att *a, bool *setting, bool reload, const char *on, const char *off)
{
    int64_t keep = cursor_pupil(a);
    *setting = !*setting;
    if (reload)
        load_week(a);
    else
        sort_rows(a);
    keep_cursor(a, keep, a->cur_row);
    ui_message(a->ui, "%s", *setting ? on : off);
    return REDRAW_BODY | REDRAW_STATUS;
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
    case ACT_GRID_ALL:
        return flip_rows(a, &a->all, true, "Rows: everyone on roll, and anyone expected",
                         "Rows: the pupils expected this week");
    case ACT_GRID_ORDER:
        return flip_rows(a, &a->by_name, false, "Rows in name order", "Rows by provider, then name");
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
    .size = sizeof(struct att),
    .title = "Attendance",
    .scopes = SCOPE_GRID,
    .hints = att_hints,
    .open = att_open,
    .close = att_close,
    .draw = att_draw,
    .reload = att_reload,
    .ignored = att_ignored,
    .detail = att_detail,
    .flags_changed = att_flags_changed,
    .keys_first = att_key,
    .tick = att_tick,
    .help_line = att_help_line,
};
