/* The full-screen shell: terminal set-up and restore, the tab bar, the hint
 * and status lines, key dispatch through the action table, live refresh when
 * another user commits, and the main loop. Panes are tables of functions
 * (pane.h); the shell drives them all the same way. */

#include "ui.h"

#include "listview.h" /* before term.h, whose columns macro would rename a field */

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "attendance.h"
#include "attr.h"
#include "cli.h"
#include "draw.h"
#include "date.h"
#include "feed.h"
#include "flags.h"
#include "flagset.h"
#include "notice.h"
#include "outfile.h"
#include "pane.h"
#include "script.h"
#include "panes.h"
#include "question.h"
#include "shell.h"
#include "term_guard.h"
#include "utf8.h"
#include "view.h"

#define KEY_TIMEOUT_MS 250
#define LIVE_CHECK_MS 800
/* The change feed (db/feed.h): audit rows read per turn of the loop, so that
 * refresh work is bounded and a key waits for at most one turn's; and the
 * distinct changes kept for the panes before a batch is read whole instead
 * (an import, a register closing for everyone). */
#define FEED_TURN_ROWS 64
#define FEED_CHANGES_MAX 64
/* SQLite's page cache of a session, in KiB. */
#define UI_CACHE_KIB 8192
/* How much of the store the start reads through a map (SQLite's most). */
#define UI_START_MAP (INT64_C(1) << 31)
#define MIN_COLS 60
#define MIN_LINES 16
#define VIEW_MAX 24
/* Bracketed paste (xterm's mode 2004): the terminal brackets pasted text, so
 * that a pasted control character is never taken as a key. */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)
#define PASTE_MAX 65536

/* ---- The shell ------------------------------------------------------------ */

struct ui {
    struct store *s;
    const struct apterm_config *cfg;
    WINDOW *tabs, *body, *hints, *status;
    const struct pane_ops *const *panes;
    int pane_count;
    void *state[PANE_MAX];
    int active;
    char message[300];
    bool message_is_error;
    struct flagset flags;         /* every flag, kept from the feed (ui_flags) */
    bool flags_behind;            /* a count failed: the flags miss changes read (not kept at exit) */
    bool flags_fresh;             /* flags_changed after a pass over some pupils (ui_flags_fresh) */
    int64_t data_version;
    /* The change feed: the last audit row applied; more rows were left for
     * the next turn; and the changes read but not yet given to the panes
     * (they wait while views are open: panes_stale). */
    struct feed_pos feed;
    bool feed_more;
    struct feed_pending pend;     /* of FEED_CHANGES_MAX (db/feed.h) */
    struct flag_touch touch;
    bool quitting;
    bool too_small;
    int empty_reads;
    /* The view stack (ui/view.h): views above the active pane, the top last. */
    struct view_frame {
        const struct view_ops *ops;
        void *self;
        bool closed;
    } stack[VIEW_MAX];
    int depth;
    /* Every view is closing because the user went to pane pending_pane. */
    bool unwinding;
    int pending_pane;
    long long last_check;
    /* Another login committed while views were open: the panes read again
     * once the views have closed (a pane's key handler is running under
     * them, and may hold rows that a reload would free). */
    bool panes_stale;
    /* A paste being read: its UTF-8 bytes (paste_len may pass PASTE_MAX:
     * then the rest was not kept and the paste is refused). */
    bool pasting;
    char *paste;
    size_t paste_len;
};

struct store *ui_store(struct ui *ui) { return ui->s; }
const struct apterm_config *ui_config(struct ui *ui) { return ui->cfg; }
int ui_today(struct ui *ui) { (void)ui; return date_today(); }

__attribute__((format(printf, 3, 0)))
static void set_message(struct ui *ui, bool error, const char *fmt, va_list ap)
{
    vsnprintf(ui->message, sizeof ui->message, fmt, ap);
    ui->message_is_error = error;
}

void ui_message(struct ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(ui, false, fmt, ap);
    va_end(ap);
}

void ui_error(struct ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(ui, true, fmt, ap);
    va_end(ap);
}

void ui_message_if_quiet(struct ui *ui, const char *text)
{
    if (!ui->message[0]) {
        snprintf(ui->message, sizeof ui->message, "%s", text);
        ui->message_is_error = false;
    }
}

void ui_error_status(struct ui *ui, ap_status st)
{
    ui_error(ui, "%s", st == AP_OK ? "" : ap_error_detail());
}

bool ui_can_write(struct ui *ui)
{
    if (store_can_write(ui->s))
        return true;
    ui_error(ui, "You have the viewer role: you can read but not change anything");
    return false;
}

static void flags_changed(struct ui *ui)
{
    for (int i = 0; i < ui->pane_count; i++)
        if (ui->state[i] && ui->panes[i]->flags_changed)
            ui->panes[i]->flags_changed(ui->state[i]);
}

/* Every flag counted again (a whole pass); on failure the last stay, and
 * they are behind the feed: counted again at the next look, and not kept
 * for the next session meanwhile. */
static void recount_flags(struct ui *ui)
{
    ui->flags_behind = flagset_load(&ui->flags, ui->s, &ui->cfg->th, date_today()) != AP_OK;
    if (!ui->flags_behind)
        flags_changed(ui);
}

bool ui_flags(struct ui *ui, const struct flag_row **rows, size_t *n)
{
    *rows = ui->flags.known ? ui->flags.rows : NULL;
    *n = ui->flags.known ? ui->flags.n : 0;
    return ui->flags.known;
}

bool ui_flags_fresh(struct ui *ui, const int64_t **pupils, size_t *n, size_t *from)
{
    if (!ui->flags_fresh || !ui->flags.fresh)
        return false;
    *pupils = ui->flags.fresh_pupils;
    *n = ui->flags.n_fresh_pupils;
    *from = ui->flags.fresh_from;
    return true;
}

/* ---- The change feed ---------------------------------------------------------- */

static void reload_views(struct ui *ui, const struct view_change *what);

static void pending_clear(struct ui *ui)
{
    feed_pending_clear(&ui->pend);
    flag_touch_free(&ui->touch);
}

static struct view_change change_of(const struct feed_pending_change *p)
{
    return (struct view_change){p->table, p->id, p->key, p->action, p->pupil_id, p->provider_id, p->case_id};
}

/* feed_fn: keeps a change for the flags, the panes and the views. */
static void take_change(void *ctx, const struct feed_change *c)
{
    struct ui *ui = ctx;
    flag_touch_add(&ui->touch, c);
    /* The same row again in this read: once is enough (db/feed.h). */
    feed_pending_add(&ui->pend, c);
}

/* Reads the feed: one turn's rows, or (all) every row there is. The views
 * are told at once; the panes when given (give_panes). */
static void read_feed(struct ui *ui, bool all)
{
    size_t from = ui->pend.n;
    feed_pending_read(&ui->pend);
    bool was_whole = ui->pend.whole;
    do {
        if (feed_read(ui->s, &ui->feed, FEED_TURN_ROWS, take_change, ui, &ui->feed_more) != AP_OK) {
            /* Whatever it was, reading everything again shows it. */
            ui->pend.whole = true;
            ui->feed_more = false;
        }
    } while (all && ui->feed_more && !ui->pend.whole);
    if (ui->pend.whole && !was_whole) {
        struct view_change every = {NULL, 0, NULL, NULL, 0, 0, 0};
        reload_views(ui, &every);
    } else if (!ui->pend.whole) {
        for (size_t i = from; i < ui->pend.n; i++) {
            struct view_change w = change_of(&ui->pend.rows[i]);
            reload_views(ui, &w);
        }
    }
}

/* Gives the panes the changes read (each open pane its own way: a row, or
 * everything when it cannot do better), and works out again the flags they
 * touch. A whole reload when a change stands for many. */
static void give_panes(struct ui *ui)
{
    /* The batch is taken off the shell first: a pane's reload may write and
     * tell the shell (ui_store_changed), which reads the feed again. */
    struct feed_pending batch = ui->pend;
    size_t n = batch.n;
    bool whole = batch.whole;
    struct flag_touch touch = ui->touch;
    feed_pending_init(&ui->pend, FEED_CHANGES_MAX);
    memset(&ui->touch, 0, sizeof ui->touch);
    if (whole) {
        /* Read everything again, from the newest audit row on: what is
         * committed after that row is read again next time, never missed. */
        struct feed_pos head;
        if (feed_head(ui->s, &head) == AP_OK)
            ui->feed = head;
        ui->feed_more = false;
        struct view_change every = {NULL, 0, NULL, NULL, 0, 0, 0};
        for (int i = 0; i < ui->pane_count; i++)
            if (ui->state[i] && ui->panes[i]->reload)
                ui->panes[i]->reload(ui->state[i], &every);
        flag_touch_free(&touch);
        recount_flags(ui);
    } else {
        for (int i = 0; i < ui->pane_count; i++) {
            if (!ui->state[i] || !ui->panes[i]->reload)
                continue;
            for (size_t k = 0; k < n; k++) {
                struct view_change w = change_of(&batch.rows[k]);
                if (ui->panes[i]->ignored && view_change_in(&w, ui->panes[i]->ignored))
                    continue;
                if (ui->panes[i]->reload(ui->state[i], &w))
                    break; /* it read everything: the rest of the batch is in it */
            }
        }
        bool changed = false;
        if (flagset_apply(&ui->flags, ui->s, &ui->cfg->th, date_today(), &touch, &changed) != AP_OK)
            recount_flags(ui);
        else if (changed) {
            ui->flags_fresh = true;
            flags_changed(ui);
            ui->flags_fresh = false;
        }
    }
    feed_pending_free(&batch);
}

void ui_store_changed(struct ui *ui)
{
    /* Our own commits are in the feed too: read all of it now. */
    ui->data_version = store_data_version(ui->s);
    read_feed(ui, true);
    if (ui->depth > 0)
        ui->panes_stale = true; /* the panes once the views have closed */
    else
        give_panes(ui);
}


/* ---- Drawing -------------------------------------------------------------- */

static void layout(struct ui *ui)
{
    if (ui->tabs) {
        delwin(ui->tabs);
        delwin(ui->body);
        delwin(ui->hints);
        delwin(ui->status);
    }
    ui->too_small = LINES < MIN_LINES || COLS < MIN_COLS;
    int body_lines = LINES > 3 ? LINES - 3 : 1;
    ui->tabs = newwin(1, COLS, 0, 0);
    ui->body = newwin(body_lines, COLS, 1, 0);
    ui->hints = newwin(1, COLS, LINES > 2 ? LINES - 2 : 0, 0);
    ui->status = newwin(1, COLS, LINES > 1 ? LINES - 1 : 0, 0);
    keypad(ui->body, TRUE);
    wtimeout(ui->body, KEY_TIMEOUT_MS);
}

/* Writes UTF-8 text clipped to the window's width from x; returns the column after it. */
static int put_text(WINDOW *w, int y, int x, const char *text, attr_t attr)
{
    return x + draw_text(w, y, x, 0, text, attr, DRAW_ELLIPSIS);
}

static void draw_tabs(struct ui *ui)
{
    WINDOW *w = ui->tabs;
    werase(w);
    int x = 0;
    for (int i = 0; i < ui->pane_count; i++) {
        char label[48];
        snprintf(label, sizeof label, " %d %s ", i + 1, ui->panes[i]->title);
        x = put_text(w, 0, x, label, attr_of(i == ui->active ? ATTR_TAB_ACTIVE : ATTR_TAB));
    }
    wnoutrefresh(w);
}

static void draw_hints(struct ui *ui)
{
    WINDOW *w = ui->hints;
    werase(w);
    char line[512] = "";
    size_t len = 0;
    const struct pane_ops *p = ui->panes[ui->active];
    const enum action_id *hints = p->hints;
    const char *suffix = "? help  q quit";
    if (ui->depth > 0) {
        const struct view_frame *f = &ui->stack[ui->depth - 1];
        const struct view_ops *v = f->ops;
        hints = v->hints ? v->hints : v->keys;
        /* Taking text, ? is a character: F1 is the help. Esc is offered
         * unless the view names its own Esc (a form's cancel). */
        bool text = v->takes_text && v->takes_text(f->self);
        bool own_esc = false;
        for (int i = 0; hints && hints[i] != ACT_NONE; i++)
            own_esc = own_esc || hints[i] == ACT_CANCEL || hints[i] == ACT_VIEW_CLOSE;
        suffix = text ? (own_esc ? "F1 help" : "Esc back  F1 help") : (own_esc ? "? help" : "Esc back  ? help");
        if (v == ui_help_view_ops())
            suffix = "Esc or ? closes the help"; /* ? does not open it again */
    }
    for (int i = 0; hints && hints[i] != ACT_NONE; i++) {
        const struct action *a = action_get(hints[i]);
        if (a && a->hint)
            len += (size_t)snprintf(line + len, sizeof line - len, "%s %s  ", a->label, a->hint);
        if (len >= sizeof line)
            break;
    }
    if (len < sizeof line)
        snprintf(line + len, sizeof line - len, "%s", suffix);
    put_text(w, 0, 0, line, attr_of(ATTR_HINT));
    wnoutrefresh(w);
}

static void draw_status(struct ui *ui)
{
    WINDOW *w = ui->status;
    wbkgdset(w, ' ' | attr_of(ATTR_STATUS));
    werase(w);
    char today[11], left[600];
    date_format(date_today(), today);
    char flags[48] = "flags …";
    if (ui->flags.known)
        snprintf(flags, sizeof flags, "!%d red ~%d amber", ui->flags.counts.red, ui->flags.counts.amber);
    const char *detail = NULL;
    const struct pane_ops *p = ui->panes[ui->active];
    if (!ui->message[0] && p->detail && ui->state[ui->active])
        detail = p->detail(ui->state[ui->active]);
    /* A message (a question: "Delete ...? (y/n)") must be readable on a
     * narrow terminal: the store path, then the login and the date, then
     * the flag counts give way to it until the next key. Without one, the
     * path gives way to the flag counts (a long path cut them off). A
     * pane's detail does not displace them. */
    int want = utf8_width(ui->message);
    for (int drop = 0; drop < 4; drop++) {
        if (drop == 0)
            snprintf(left, sizeof left, " %s │ %s (%s) │ %s │ %s │ ", store_path(ui->s), store_login(ui->s),
                     role_name(store_role(ui->s)), today, flags);
        else if (drop == 1)
            snprintf(left, sizeof left, " %s (%s) │ %s │ %s │ ", store_login(ui->s), role_name(store_role(ui->s)),
                     today, flags);
        else if (drop == 2)
            snprintf(left, sizeof left, " %s │ ", flags);
        else
            snprintf(left, sizeof left, " ");
        if (utf8_width(left) + want <= getmaxx(w) || (!want && drop == 1))
            break;
    }
    int x = put_text(w, 0, 0, left, attr_of(ATTR_STATUS));
    if (ui->message[0])
        x += draw_text(w, 0, x, 0, ui->message, attr_of(ui->message_is_error ? ATTR_ERROR : ATTR_STATUS),
                       DRAW_KEEP_QUESTION);
    else if (detail)
        put_text(w, 0, x, detail, attr_of(ATTR_STATUS));
    wnoutrefresh(w);
}

static void draw_body(struct ui *ui)
{
    werase(ui->body);
    if (ui->too_small) {
        mvwprintw(ui->body, 0, 0, "apterm needs at least %dx%d", MIN_COLS, MIN_LINES);
    } else {
        /* The top view that covers the body, then the overlays above it (a
         * question draws over the one below). */
        int i = ui->depth - 1;
        while (i >= 0 && (!ui->stack[i].ops->draw || ui->stack[i].ops->overlay))
            i--;
        if (i >= 0) {
            curs_set(0); /* a view that takes text shows it again where it is typed */
            ui->stack[i].ops->draw(ui->stack[i].self, ui->body);
        } else {
            const struct pane_ops *p = ui->panes[ui->active];
            if (ui->state[ui->active])
                p->draw(ui->state[ui->active], ui->body);
        }
        for (int j = i + 1; j < ui->depth; j++)
            if (ui->stack[j].ops->draw)
                ui->stack[j].ops->draw(ui->stack[j].self, ui->body);
    }
    wnoutrefresh(ui->body);
}

/* The terminal's cursor goes where the last window refreshed left its own:
 * the body last, so that a form's cursor stays in the field being edited
 * (curs_set decides whether it shows). */
static void cursor_to_body(struct ui *ui)
{
    if (ui->depth > 0)
        wnoutrefresh(ui->body);
}

static void draw_all(struct ui *ui)
{
    draw_tabs(ui);
    draw_body(ui);
    draw_hints(ui);
    draw_status(ui);
    cursor_to_body(ui);
}

static void redraw(struct ui *ui, unsigned what)
{
    if (what & REDRAW_BODY)
        draw_body(ui);
    else if (what & REDRAW_PARTIAL)
        wnoutrefresh(ui->body);
    if (what & REDRAW_STATUS) {
        draw_hints(ui);
        draw_status(ui);
    }
    cursor_to_body(ui);
}

/* ---- Keys: the one place every key is read ----------------------------------- */

/* Reads one key, waiting at most KEY_TIMEOUT_MS: what wget_wch returned (ERR
 * when no key came in time). Sets quitting when the terminal has gone away
 * or a quit signal came. Every key of the program comes through here. */
static int ui_get_key(struct ui *ui, wint_t *ch)
{
    doupdate();
    int r = script_get_wch(ui->body, ch);
    if (r != ERR) {
        ui->empty_reads = 0;
        return r;
    }
    if (term_guard_quit_signal() || term_guard_input_gone(&ui->empty_reads))
        ui->quitting = true;
    return ERR;
}

/* A key read while a paste is under way: kept in ui->paste. */
static void paste_keep(struct ui *ui, int r, wint_t ch)
{
    if (r != OK)
        return; /* no function keys in pasted text */
    char bytes[4];
    size_t n = utf8_encode((uint32_t)ch, bytes);
    if (!ui->paste && !(ui->paste = malloc(PASTE_MAX)))
        ui->paste_len = PASTE_MAX + 1; /* refused as too long: out of memory */
    if (ui->paste_len + n <= PASTE_MAX && ui->paste)
        memcpy(ui->paste + ui->paste_len, bytes, n);
    ui->paste_len += n;
}

static unsigned handle_key(struct ui *ui, int r, wint_t ch);

/* The paste has ended: the view on top takes it (view_ops.paste). */
static unsigned paste_deliver(struct ui *ui)
{
    size_t len = ui->paste_len;
    ui->paste_len = 0;
    struct view_frame *v = ui->depth > 0 ? &ui->stack[ui->depth - 1] : NULL;
    bool text = v && v->ops->takes_text && v->ops->takes_text(v->self);
    if (len > PASTE_MAX) {
        ui_error(ui, "The pasted text is too long (over %d bytes): nothing was pasted", PASTE_MAX);
        return REDRAW_STATUS;
    }
    if (!v || (!text && !v->ops->paste)) {
        if (len)
            ui_error(ui, "Paste where text is typed (a form's field, a search): nothing was pasted");
        return REDRAW_STATUS;
    }
    if (v->ops->paste) {
        ui->message[0] = '\0';
        v->ops->paste(v->self, ui->paste, len);
        return REDRAW_ALL;
    }
    /* Character by character, never a control character as a key. */
    int left_out = 0;
    unsigned what = REDRAW_NONE;
    for (size_t i = 0; i < len && !ui_quitting(ui);) {
        uint32_t cp;
        size_t n = utf8_decode(ui->paste + i, len - i, &cp);
        i += n ? n : 1;
        if (cp == '\n' || cp == '\r' || cp == '\t')
            cp = ' ';
        else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            left_out++;
            continue;
        }
        what |= handle_key(ui, OK, (wint_t)cp);
    }
    if (left_out)
        ui_error(ui, "%d control character%s in the pasted text %s left out", left_out, left_out == 1 ? "" : "s",
                 left_out == 1 ? "was" : "were");
    return what | REDRAW_ALL;
}

WINDOW *ui_body(struct ui *ui) { return ui->body; }
bool ui_quitting(struct ui *ui) { return ui->quitting || ui->unwinding || term_guard_quit_signal(); }

void ui_show_status(struct ui *ui)
{
    draw_status(ui);
}

static void open_pane(struct ui *ui, int index)
{
    const struct pane_ops *p = ui->panes[index];
    if (!ui->state[index]) {
        ui->state[index] = calloc(1, p->size);
        if (ui->state[index]) /* else the pane shows nothing */
            p->open(ui->state[index], ui);
    }
    ui->active = index;
}

/* ---- A question on the status line (a view drawn over the one below) ---------- */

static const enum action_id confirm_keys[] = {ACT_YES, ACT_NO, ACT_VIEW_CLOSE, ACT_NONE};
static const struct question confirm_question = {
    .title = "a question",
    .answers = confirm_keys,
};

const struct question *ui_confirm_question(void) { return &confirm_question; }

bool ui_confirm(struct ui *ui, const char *question)
{
    ui_message(ui, "%s (y/n)", question);
    bool yes = ui_ask(ui, &confirm_question, NULL) == ACT_YES;
    /* On no, "Nothing changed"; a caller that goes back to what the user
     * was doing (a form) says nothing instead. */
    if (yes)
        ui->message[0] = '\0';
    else
        ui_message(ui, "Nothing changed");
    return yes && !ui_quitting(ui);
}

/* ---- Help: a view listing exactly the keys of the view or pane below ------------ */

#define HELP_MAX 96

struct help {
    struct ui *ui;
    char title[120];
    const struct action *acts[HELP_MAX];
    int n;
    /* The lines after the keys (a code legend): the pane's or the view's. */
    bool (*line)(void *state, int i, char *buf, size_t len);
    void *line_state;
    int top, total, height;
};

static void help_draw(void *self, WINDOW *w)
{
    struct help *h = self;
    werase(w);
    draw_text(w, 0, 1, 0, h->title, attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
    h->height = getmaxy(w) - 3 > 1 ? getmaxy(w) - 3 : 1;
    int y = 2, shown = 0;
    for (int i = 0; i < h->n; i++, shown++) {
        if (shown < h->top || y >= 2 + h->height)
            continue;
        const struct action *a = h->acts[i];
        draw_text(w, y, 2, 11, a->label, attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
        char line[200];
        snprintf(line, sizeof line, "%s%s", a->help, a->writes && !store_can_write(h->ui->s) ? " (not for viewers)" : "");
        draw_text(w, y++, 14, 0, line, A_NORMAL, DRAW_ELLIPSIS);
    }
    char extra[300];
    for (int i = 0; h->line && h->line(h->line_state, i, extra, sizeof extra); i++, shown++) {
        if (shown < h->top || y >= 2 + h->height)
            continue;
        draw_text(w, y++, 2, 0, extra, A_NORMAL, DRAW_ELLIPSIS);
    }
    h->total = shown;
    draw_text(w, getmaxy(w) - 1, 1, 0, "j/k ↑↓ PgUp PgDn g G scroll · q, Esc or ? closes the help", attr_of(ATTR_HINT),
              DRAW_ELLIPSIS);
}

static enum view_key help_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct help *h = self;
    if (!act)
        return VIEW_DONE; /* every other key is ignored: nothing below moves */
    if (view_scroll(&h->top, h->total, h->height, act->id))
        return VIEW_DONE;
    return act->id == ACT_HELP ? VIEW_CLOSE : VIEW_PASS;
}

static const enum action_id help_keys[] = {ACTION_MOVES, ACT_NONE};
static const struct view_ops help_view = {
    .title = "the help",
    .keys = help_keys,
    .draw = help_draw,
    .key = help_key,
};

const struct view_ops *ui_help_view_ops(void) { return &help_view; }

static void run_help(struct ui *ui, struct help *h)
{
    ui->message[0] = '\0';
    ui_run_view(ui, &help_view, h);
}

/* A pane's help_lines as its help_line (state: the lines). */
static bool fixed_help_line(void *state, int i, char *buf, size_t len)
{
    const char *const *text = state;
    for (int k = 0; k <= i; k++)
        if (!text[k])
            return false;
    if (i < 0)
        return false;
    snprintf(buf, len, "%s", text[i]);
    return true;
}

/* The help of the view on top, or of the active pane when none. */
static void show_help(struct ui *ui)
{
    struct help *h = calloc(1, sizeof *h);
    if (!h) {
        ui_error(ui, "Out of memory opening the help");
        return;
    }
    h->ui = ui;
    if (ui->depth > 0) {
        struct view_frame *v = &ui->stack[ui->depth - 1];
        bool text = v->ops->takes_text && v->ops->takes_text(v->self);
        snprintf(h->title, sizeof h->title, "Keys of %s", v->ops->title);
        h->n = view_actions(v->ops, text, ui->pane_count, h->acts, HELP_MAX);
        h->line = v->ops->help_line;
        h->line_state = v->self;
    } else {
        const struct pane_ops *p = ui->panes[ui->active];
        unsigned scopes = SCOPE_GLOBAL | p->scopes;
        int count;
        const struct action *all = action_table(&count);
        snprintf(h->title, sizeof h->title, "Keys of the %s pane", p->title);
        for (int i = 0; i < count && h->n < HELP_MAX; i++)
            if (all[i].scope & scopes)
                h->acts[h->n++] = &all[i];
        h->line = p->help_line ? p->help_line : p->help_lines ? fixed_help_line : NULL;
        h->line_state = p->help_line ? ui->state[ui->active] : (void *)p->help_lines;
    }
    run_help(ui, h);
    free(h);
}

/* ---- The loop ------------------------------------------------------------------ */

/* Every view's reload, from the bottom up. */
static void reload_views(struct ui *ui, const struct view_change *what)
{
    for (int i = 0; i < ui->depth; i++)
        if (ui->stack[i].ops->reload && !ui->stack[i].closed)
            ui->stack[i].ops->reload(ui->stack[i].self, what);
}

/* Another login committed: the changes from the feed, one turn's worth (the
 * rest on the next turns, without waiting for the next check). A new day
 * counts every flag again (the date rules move). */
static void check_live(struct ui *ui)
{
    long long t = date_monotonic_ms();
    if (!ui->feed_more && t - ui->last_check < LIVE_CHECK_MS)
        return;
    if (term_guard_key_waiting())
        return;
    ui->last_check = t;
    int64_t v = store_data_version(ui->s);
    bool new_day = ui->flags.known && ui->flags.today != date_today();
    if (v == ui->data_version && !ui->feed_more && !new_day && !ui->flags_behind)
        return;
    ui->data_version = v;
    if (new_day || ui->flags_behind)
        ui->touch.all = true;
    read_feed(ui, false);
    if (ui->depth > 0)
        ui->panes_stale = true;
    else
        give_panes(ui);
    draw_body(ui);
    draw_status(ui);
    cursor_to_body(ui);
}

/* The timers, while no key comes: the register's, the panes' and the views'. */
static void tick_all(struct ui *ui)
{
    bool had_message = ui->message[0] != '\0';
    /* The registers close on time whichever pane or view is showing. */
    unsigned what = attendance_register_timer(ui) & ~(unsigned)REDRAW_PASS;
    /* The panes' own timers wait while views are open over them (their key
     * handler is running under the views); the register's and the views'
     * do not. */
    for (int i = 0; i < ui->pane_count && ui->depth == 0; i++)
        if (ui->state[i] && ui->panes[i]->tick) {
            bool shown = i == ui->active && ui->depth == 0;
            unsigned w = ui->panes[i]->tick(ui->state[i], shown);
            if (shown)
                what |= w & ~(unsigned)REDRAW_PASS;
        }
    for (int i = 0; i < ui->depth; i++)
        if (ui->stack[i].ops->tick && ui->stack[i].ops->tick(ui->stack[i].self))
            what |= REDRAW_BODY;
    if (ui->depth > 0 && (what & REDRAW_PARTIAL))
        what |= REDRAW_BODY; /* a pane drew under a view: the view again */
    if (ui->too_small)
        what &= ~(unsigned)(REDRAW_PARTIAL | REDRAW_BODY);
    if (ui->message[0] && !had_message)
        what |= REDRAW_STATUS;
    if (what == REDRAW_ALL)
        draw_all(ui);
    else if (what)
        redraw(ui, what);
}

/* Asks every view from the top down whether it may close (quitting: the
 * program is ending). True when all agreed. */
static bool close_all_views(struct ui *ui, bool quitting)
{
    for (int i = ui->depth - 1; i >= 0; i--) {
        struct view_frame *v = &ui->stack[i];
        if (v->ops->close_request && !v->ops->close_request(v->self, quitting))
            return false;
    }
    return true;
}

/* The pane a pane-number action goes to (ACT_PANE_1 the first); -1 for any
 * other action or a number past the panes there are. */
static int pane_of_action(const struct ui *ui, enum action_id id)
{
    return id >= ACT_PANE_1 && (int)id < (int)ACT_PANE_1 + ui->pane_count ? (int)(id - ACT_PANE_1) : -1;
}

/* Help (?, F1) and redraw (Ctrl-L) do the same over a pane as over any
 * view: true when id was one of them, done. */
static bool shell_help_or_redraw(struct ui *ui, enum action_id id)
{
    if (id == ACT_HELP)
        show_help(ui);
    else if (id == ACT_REDRAW)
        clearok(curscr, TRUE);
    return id == ACT_HELP || id == ACT_REDRAW;
}

/* A key for the view on top. */
static unsigned view_handle_key(struct ui *ui, int r, wint_t ch)
{
    struct view_frame *v = &ui->stack[ui->depth - 1];
    int key = action_key(r, ch);
    bool text = v->ops->takes_text && v->ops->takes_text(v->self);
    const struct action *act = view_action(v->ops, text, ui->pane_count, key);
    bool had_message = ui->message[0] != '\0';
    if (!(act && act->id == ACT_INTERRUPT))
        ui->message[0] = '\0';
    enum view_key res = VIEW_PASS;
    if (!act || !view_is_shell_action(act->id) || act->id == ACT_VIEW_CLOSE)
        res = v->ops->key(v->self, act, r, ch);
    if (res == VIEW_CLOSE) {
        v->closed = true;
        return REDRAW_ALL;
    }
    if (res == VIEW_PASS && act) {
        if (shell_help_or_redraw(ui, act->id))
            return REDRAW_ALL;
        switch (act->id) {
        case ACT_VIEW_CLOSE:
            if (!v->ops->close_request || v->ops->close_request(v->self, false))
                v->closed = true;
            return REDRAW_ALL;
        case ACT_INTERRUPT:
            ui->message[0] = '\0';
            if (close_all_views(ui, true))
                ui->quitting = true;
            return REDRAW_ALL;
        default:
            if (pane_of_action(ui, act->id) >= 0) {
                /* Another pane: every view closes first (asking when
                 * something is unsaved), then the shell switches. */
                if (close_all_views(ui, false)) {
                    ui->unwinding = true;
                    ui->pending_pane = pane_of_action(ui, act->id);
                }
                return REDRAW_ALL;
            }
            break;
        }
    }
    /* The status line too: the pane's detail may follow the view's cursor
     * (a provider's record: "Enter opens ... in the roll"). */
    (void)had_message;
    return REDRAW_BODY | REDRAW_STATUS;
}

static unsigned handle_key(struct ui *ui, int r, wint_t ch)
{
    const struct pane_ops *p = ui->panes[ui->active];
    int key = action_key(r, ch);
    if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
        layout(ui);
        clearok(curscr, TRUE);
        return REDRAW_ALL;
    }
    if (ui->depth > 0)
        return view_handle_key(ui, r, ch);
    bool had_message = ui->message[0] != '\0';
    ui->message[0] = '\0';
    const struct action *global = action_for_key(SCOPE_GLOBAL, key);
    /* A keys_first pane (the attendance grid, where every code is a mark)
     * sees the key before the global actions, bar the pane numbers and quit. */
    bool switcher = global && (global->id == ACT_QUIT || pane_of_action(ui, global->id) >= 0);
    if (p->keys_first && ui->state[ui->active] && !switcher) {
        const struct action *act = action_for_key(p->scopes | SCOPE_GLOBAL, key);
        unsigned result = p->keys_first(ui->state[ui->active], act, key, r, ch);
        if (ui->message[0] || had_message)
            result |= REDRAW_STATUS;
        if (!(result & REDRAW_PASS))
            return result;
        if (!global || global->id == ACT_BACK)
            return result & ~(unsigned)REDRAW_PASS;
    }
    if (global && global->id != ACT_BACK) {
        if (global->id == ACT_QUIT) {
            ui->quitting = true;
            return REDRAW_NONE;
        }
        if (shell_help_or_redraw(ui, global->id))
            return REDRAW_ALL;
        if (pane_of_action(ui, global->id) < 0)
            return REDRAW_NONE;
        open_pane(ui, pane_of_action(ui, global->id));
        return REDRAW_ALL;
    }
    unsigned result = REDRAW_NONE;
    if (ui->state[ui->active] && p->key) {
        const struct action *act = action_for_key(p->scopes | SCOPE_GLOBAL, key);
        bool noticed = p->notice && notice_clear(p->notice(ui->state[ui->active]));
        if (act && !(p->list_keys.search_size &&
                     list_pane_key(ui, ui->state[ui->active], &p->list_keys, act, key, &result)))
            result = p->key(ui->state[ui->active], act, key);
        if (noticed)
            result |= REDRAW_BODY; /* the notice's line goes */
    }
    if (ui->message[0] || had_message)
        result |= REDRAW_STATUS;
    return result;
}

/* The one loop: keys, help, quit, resize, live refresh and timers for the
 * active pane and every view. level < 0: the panes' loop, until the program
 * quits; otherwise until view `level` on the stack closes, the program
 * quits, or every view is closing for another pane. */
static void run_loop(struct ui *ui, int level)
{
    while (!ui->quitting && !term_guard_quit_signal()) {
        if (level >= 0 && (ui->stack[level].closed || ui->unwinding))
            break;
        if (level < 0 && ui->unwinding) {
            ui->unwinding = false;
            open_pane(ui, ui->pending_pane);
            draw_all(ui);
        }
        if (level < 0 && ui->panes_stale) {
            ui->panes_stale = false;
            give_panes(ui);
            draw_all(ui);
        }
        wint_t ch;
        int r = ui_get_key(ui, &ch);
        if (r == ERR) {
            if (ui->quitting)
                break;
            tick_all(ui);
            check_live(ui);
            continue;
        }
        unsigned what;
        if (r == KEY_CODE_YES && ch == KEY_PASTE_BEGIN) {
            ui->pasting = true;
            ui->paste_len = 0;
            continue;
        }
        if (ui->pasting && !(r == KEY_CODE_YES && ch == KEY_PASTE_END)) {
            paste_keep(ui, r, ch);
            continue;
        }
        if (r == KEY_CODE_YES && ch == KEY_PASTE_END) {
            ui->pasting = false;
            what = paste_deliver(ui);
        } else {
            what = handle_key(ui, r, ch);
        }
        if (ui->quitting || (level >= 0 && (ui->stack[level].closed || ui->unwinding)))
            break;
        if (what == REDRAW_ALL)
            draw_all(ui);
        else
            redraw(ui, what);
        doupdate(); /* the key's answer is on the screen before any refresh work */
        check_live(ui);
    }
}

void ui_run_view(struct ui *ui, const struct view_ops *ops, void *self)
{
    if (ui_quitting(ui))
        return;
    if (ui->depth == VIEW_MAX) {
        ui_error(ui, "Too many views open: close one first");
        return;
    }
    int level = ui->depth++;
    ui->stack[level] = (struct view_frame){ops, self, false};
    draw_all(ui);
    run_loop(ui, level);
    ui->depth = level;
    if (!ui_quitting(ui))
        draw_all(ui);
}

void ui_switch_pane(struct ui *ui, int index)
{
    if (index < 0 || index >= ui->pane_count)
        return;
    if (ui->depth > 0) {
        /* From a view: the views close (the shell switches as they unwind). */
        ui->unwinding = true;
        ui->pending_pane = index;
        return;
    }
    open_pane(ui, index);
}

void ui_show_record(struct ui *ui, int index, long long id)
{
    if (index < 0 || index >= ui->pane_count)
        return;
    open_pane(ui, index);
    const struct pane_ops *p = ui->panes[index];
    if (ui->state[index] && p->show_record)
        p->show_record(ui->state[index], id);
}

void ui_show_pupil(struct ui *ui, long long pupil_id)
{
    open_pane(ui, 0);
    ui->message[0] = '\0';
    draw_all(ui);
    const struct pane_ops *p = ui->panes[0];
    if (ui->state[0] && p->show_record) {
        p->show_record(ui->state[0], pupil_id);
        draw_all(ui);
    }
}


int ui_run(struct store *s, const struct apterm_config *cfg)
{
    int scripted = script_load(); /* headless, for the golden-screen tests (ui/script.h) */
    if (scripted < 0)
        return EXIT_USAGE;
    if (!scripted && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "apterm: the full-screen program needs a terminal; see apterm --help for commands\n");
        return EXIT_FAILURE;
    }
    term_guard_save_termios(scripted);
    SCREEN *screen = scripted ? script_newterm() : newterm(NULL, stdout, stdin);
    if (scripted && !screen)
        return EXIT_USAGE;
    if (!screen) {
        const char *term = getenv("TERM");
        fprintf(stderr, "apterm: the terminal type TERM=%s is not known here; try TERM=xterm-256color\n",
                term ? term : "(unset)");
        return EXIT_FAILURE;
    }
    set_term(screen);
    term_guard_install(scripted);
    raw(); /* Ctrl-S, Ctrl-Z, Ctrl-C arrive as keys: Ctrl-C quits like q */
    noecho();
    nonl();
    set_escdelay(50);
    /* Bracketed paste: on now, off again on every way out. */
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    putp("\033[?2004h");
    fflush(stdout);
    term_guard_add_reset("\033[?2004l");
    curs_set(0);
    attr_init(cfg->colour);

    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        endwin();
        delscreen(screen);
        fprintf(stderr, "apterm: out of memory\n");
        return EXIT_FAILURE;
    }
    ui->s = s;
    ui->cfg = cfg;
    feed_pending_init(&ui->pend, FEED_CHANGES_MAX);
    /* A long-lived session reads a few rows at a time once it has started
     * (the change feed): a smaller page cache than a one-shot command's. */
    if (store_cache_limit(s, UI_CACHE_KIB) != AP_OK)
        ui_error(ui, "%s", ap_error_detail()); /* it runs on, with the larger cache */
    /* The start reads through a map of the store (store_map): the first
     * screen and the flags kept, read once, need no copy in the page cache.
     * Dropped once the flags are read, before the panes load whole. */
    if (store_map(s, UI_START_MAP) != AP_OK)
        ui_error(ui, "%s", ap_error_detail()); /* it runs on, reading as usual */
    ui->panes = panes_all(&ui->pane_count);
    ui->data_version = store_data_version(s);
    /* The feed starts at the newest change before anything is read: one
     * committed while the panes load is applied again, never missed. */
    if (feed_head(s, &ui->feed) != AP_OK)
        ui->pend.whole = true;
    layout(ui);
    open_pane(ui, 0);
    if (store_world_readable(s))
        ui_error(ui, "%s can be read by other users of this host: chmod o-rwx it (children's data)", store_path(s));
    if (store_read_only(s))
        ui_error(ui, "the disk holding the store is full: reading only, nothing can be saved");
    /* The flags as last counted (db/flagset.h), when they are of today,
     * brought up to date by the feed since in the same read (flagset_start):
     * the first frame is then complete, and exact. The panes' feed goes on
     * from the audit row read before they loaded: what came after it is
     * given to them on the first turns of the loop (and to the flags again,
     * which changes nothing). Otherwise every flag is counted after the
     * first frame, and kept for the next session. Either way the first
     * frame goes out before the pane has loaded more than a screenful (the
     * roll loads its first rows only): then the whole of it. */
    struct feed_pos upto;
    bool kept = false;
    if (flagset_start(&ui->flags, s, &cfg->th, date_today(), &upto, &kept) == AP_OK && kept) {
        ui->feed_more = upto.id != ui->feed.id;
        flags_changed(ui);
    }
    draw_all(ui);
    doupdate();
    if (store_map(s, 0) != AP_OK)
        ui_error(ui, "%s", ap_error_detail());
    attendance_register_timer(ui); /* a register past its close time and still open closes now */
    const struct pane_ops *first = ui->panes[ui->active];
    struct view_change every = {NULL, 0, NULL, NULL, 0, 0, 0};
    if (first->reload && ui->state[ui->active])
        first->reload(ui->state[ui->active], &every);
    if (kept) {
        flags_changed(ui);
    } else {
        recount_flags(ui);
        /* Kept for the next session; not keeping them costs only its start. */
        if (!ui->flags_behind && flagset_save(&ui->flags, s, &cfg->th, &ui->feed) != AP_OK) {
            char why[300];
            snprintf(why, sizeof why, "The flags could not be kept for the next start: %s", ap_error_detail());
            ui_message_if_quiet(ui, why);
        }
    }
    draw_body(ui);
    draw_status(ui);

    ui->last_check = date_monotonic_ms();
    run_loop(ui, -1);
    /* The flags as they are now, for the next session to start from, when
     * every change read has been applied to them - unless those kept are
     * already of the audit row the session is at (nothing moved since they
     * were kept: writing them again, megabytes on a large store, would
     * change nothing). A failure costs only that session's start, which
     * counts them again. */
    char unkept[300] = "";
    struct feed_pos kept_at;
    bool same = false;
    if (flagset_kept_at(s, &cfg->th, ui->flags.today, &kept_at, &same) == AP_OK && same)
        same = kept_at.id == ui->feed.id && strcmp(kept_at.at, ui->feed.at) == 0;
    if (ui->pend.n == 0 && !ui->pend.whole && flag_touch_empty(&ui->touch) && !ui->flags_behind && !same &&
        flagset_save(&ui->flags, s, &cfg->th, &ui->feed) != AP_OK)
        snprintf(unkept, sizeof unkept, "%s", ap_error_detail());

    for (int i = 0; i < ui->pane_count; i++) {
        if (ui->state[i] && ui->panes[i]->close)
            ui->panes[i]->close(ui->state[i]);
        free(ui->state[i]);
    }
    delwin(ui->tabs);
    delwin(ui->body);
    delwin(ui->hints);
    delwin(ui->status);
    flagset_free(&ui->flags);
    pending_clear(ui);
    feed_pending_free(&ui->pend);
    free(ui->paste);
    free(ui);
    putp("\033[?2004l");
    fflush(stdout);
    endwin();
    delscreen(screen);
    term_guard_restore_termios();
    if (unkept[0])
        fprintf(stderr, "apterm: the flags could not be kept for the next start (it counts them again): %s\n",
                unkept);
    return script_ok() ? EXIT_SUCCESS : EXIT_FAILURE;
}
