/* The full-screen shell: terminal set-up and restore, the tab bar, the hint
 * and status lines, key dispatch through the action table, live refresh when
 * another user commits, and the main loop. Panes are tables of functions
 * (pane.h); the shell drives them all the same way. */

#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "attendance.h"
#include "attr.h"
#include "cli.h"
#include "draw.h"
#include "date.h"
#include "flags.h"
#include "outfile.h"
#include "pane.h"
#include "script.h"
#include "panes.h"
#include "shell.h"
#include "utf8.h"

#define KEY_TIMEOUT_MS 250
#define LIVE_CHECK_MS 800
#define MIN_COLS 60
#define MIN_LINES 16

/* ---- Terminal restore, prepared before anything can go wrong ---------- */

static volatile sig_atomic_t quit_signal;
static struct termios saved_termios;
static bool have_termios;
static char reset_seq[256];
static size_t reset_len;

static void append_cap(const char *name)
{
    char *cap = tigetstr(name);
    if (!cap || cap == (char *)-1)
        return;
    size_t n = strlen(cap);
    if (reset_len + n < sizeof reset_seq) {
        memcpy(reset_seq + reset_len, cap, n);
        reset_len += n;
    }
}

/* Only async-signal-safe calls: write() and tcsetattr(). */
static void restore_terminal_raw(void)
{
    if (reset_len)
        (void)!write(STDOUT_FILENO, reset_seq, reset_len);
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

/* The terminal first, then any export's temporary file (src/outfile.h). */
static void on_fatal_signal(int sig)
{
    restore_terminal_raw();
    outfile_remove_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The main loop and every modal loop unwind (drafts are saved, the
 * terminal restored); an export under way stops at its next step and
 * removes its temporary file. */
static void on_quit_signal(int sig)
{
    quit_signal = sig;
    outfile_interrupt();
}

static void install_handlers(void)
{
    struct sigaction sa = {0};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    /* SIGHUP is handled even when apterm was started with it ignored (nohup):
     * a dropped SSH connection must end the program, not leave it running. */
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL); /* Ctrl-\ arrives as a key (raw mode): this is kill -QUIT */
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
}

/* Called when reading a key gave nothing. True when input has gone away
 * (hang-up, closed terminal): a hung-up terminal reads as end of file at once,
 * again and again, so "readable but no key" a few times running means gone. */
static bool input_gone(int *empty_reads)
{
    if (script_active())
        return script_finished(); /* a headless run ends with its script */
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int n = poll(&p, 1, 0);
    if (n < 0)
        return errno != EINTR;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return true;
    if (p.revents & POLLIN)
        return ++*empty_reads > 3;
    *empty_reads = 0;
    return false;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
    struct flag_counts flags;
    bool flags_known;
    struct flag_row *flag_rows;   /* the latest pass, strings owned (ui_flags) */
    size_t n_flag_rows;
    int64_t data_version;
    bool quitting;
    bool too_small;
    int empty_reads;
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

/* The flags of a pass, kept for the panes (ui_flags). */
struct flag_keep {
    struct flag_row *rows;
    size_t n, cap;
    bool nomem;
};

static void free_flag_rows(struct flag_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)rows[i].kind);
        free((char *)rows[i].subject);
        free((char *)rows[i].reason);
    }
    free(rows);
}

static void keep_flag(void *ctx, const struct flag_row *f)
{
    struct flag_keep *k = ctx;
    if (k->nomem)
        return;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        struct flag_row *grown = realloc(k->rows, cap * sizeof *grown);
        if (!grown) {
            k->nomem = true;
            return;
        }
        k->rows = grown;
        k->cap = cap;
    }
    struct flag_row *r = &k->rows[k->n];
    *r = *f;
    r->kind = strdup(f->kind ? f->kind : "");
    r->subject = strdup(f->subject ? f->subject : "");
    r->reason = strdup(f->reason ? f->reason : "");
    k->n++;
    if (!r->kind || !r->subject || !r->reason)
        k->nomem = true;
}

static void recount_flags(struct ui *ui)
{
    struct flag_counts c = {0};
    struct flag_keep k = {0};
    if (flags_collect(ui->s, &ui->cfg->th, date_today(), keep_flag, &k, &c) != AP_OK || k.nomem) {
        free_flag_rows(k.rows, k.n);
        return;
    }
    free_flag_rows(ui->flag_rows, ui->n_flag_rows);
    ui->flag_rows = k.rows;
    ui->n_flag_rows = k.n;
    ui->flags = c;
    ui->flags_known = true;
    for (int i = 0; i < ui->pane_count; i++)
        if (ui->state[i] && ui->panes[i]->flags_changed)
            ui->panes[i]->flags_changed(ui->state[i]);
}

bool ui_flags(struct ui *ui, const struct flag_row **rows, size_t *n)
{
    *rows = ui->flags_known ? ui->flag_rows : NULL;
    *n = ui->flags_known ? ui->n_flag_rows : 0;
    return ui->flags_known;
}

static void reload_panes(struct ui *ui)
{
    for (int i = 0; i < ui->pane_count; i++)
        if (ui->state[i] && ui->panes[i]->reload)
            ui->panes[i]->reload(ui->state[i]);
    recount_flags(ui);
}

void ui_store_changed(struct ui *ui)
{
    ui->data_version = store_data_version(ui->s);
    reload_panes(ui);
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
    return x + draw_text(w, y, x, 0, text, attr, 0);
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
    for (int i = 0; p->hints && p->hints[i] != ACT_NONE; i++) {
        const struct action *a = action_get(p->hints[i]);
        if (a && a->hint)
            len += (size_t)snprintf(line + len, sizeof line - len, "%s %s  ", a->label, a->hint);
        if (len >= sizeof line)
            break;
    }
    if (len < sizeof line)
        snprintf(line + len, sizeof line - len, "? help  q quit");
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
    if (ui->flags_known)
        snprintf(flags, sizeof flags, "!%d red ~%d amber", ui->flags.red, ui->flags.amber);
    const char *detail = NULL;
    const struct pane_ops *p = ui->panes[ui->active];
    if (!ui->message[0] && p->detail && ui->state[ui->active])
        detail = p->detail(ui->state[ui->active]);
    /* A message (a question: "Delete ...? (y/n)") must be readable on a
     * narrow terminal: the store path, then the login and the date, give way
     * to it until the next key. A pane's detail does not displace them. */
    int want = utf8_width(ui->message);
    for (int drop = 0; drop < 3; drop++) {
        if (drop == 0)
            snprintf(left, sizeof left, " %s │ %s (%s) │ %s │ %s │ ", store_path(ui->s), store_login(ui->s),
                     role_name(store_role(ui->s)), today, flags);
        else if (drop == 1)
            snprintf(left, sizeof left, " %s (%s) │ %s │ %s │ ", store_login(ui->s), role_name(store_role(ui->s)),
                     today, flags);
        else
            snprintf(left, sizeof left, " %s │ ", flags);
        if (!want || utf8_width(left) + want <= getmaxx(w))
            break;
    }
    int x = put_text(w, 0, 0, left, attr_of(ATTR_STATUS));
    if (ui->message[0])
        put_text(w, 0, x, ui->message, attr_of(ui->message_is_error ? ATTR_ERROR : ATTR_STATUS));
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
        const struct pane_ops *p = ui->panes[ui->active];
        if (ui->state[ui->active])
            p->draw(ui->state[ui->active], ui->body);
    }
    wnoutrefresh(ui->body);
}

static void draw_all(struct ui *ui)
{
    draw_tabs(ui);
    draw_body(ui);
    draw_hints(ui);
    draw_status(ui);
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
}

/* ---- Services for the panes -------------------------------------------------- */

int ui_get_key(struct ui *ui, wint_t *ch)
{
    for (;;) {
        doupdate();
        int r = script_get_wch(ui->body, ch);
        if (r == OK && *ch == CTRL_KEY('c')) {
            ui->quitting = true;
            *ch = 27;
            return OK;
        }
        if (r == KEY_CODE_YES && *ch == KEY_RESIZE) {
            /* Inside a modal view: lay the windows out again here, as the
             * main loop does, so that the view redraws at the new size
             * (ui_body() is a new window after this). */
            layout(ui);
            clearok(curscr, TRUE);
            draw_tabs(ui);
            draw_hints(ui);
            draw_status(ui);
        }
        if (r != ERR)
            return r;
        if (quit_signal || input_gone(&ui->empty_reads)) {
            ui->quitting = true;
            *ch = 27;
            return OK; /* an Esc, so modal loops unwind */
        }
    }
}

WINDOW *ui_body(struct ui *ui) { return ui->body; }
bool ui_quitting(struct ui *ui) { return ui->quitting; }

void ui_show_status(struct ui *ui)
{
    draw_status(ui);
}

bool ui_confirm(struct ui *ui, const char *question)
{
    ui_message(ui, "%s (y/n)", question);
    draw_status(ui);
    for (;;) {
        wint_t ch;
        int r = ui_get_key(ui, &ch);
        if (ui->quitting)
            return false;
        if (r == OK && (ch == 'y' || ch == 'Y')) {
            ui->message[0] = '\0';
            return true;
        }
        if (r == OK && (ch == 'n' || ch == 'N' || ch == 27)) {
            ui_message(ui, "Nothing changed");
            return false;
        }
    }
}

static void open_pane(struct ui *ui, int index)
{
    if (!ui->state[index] && ui->panes[index]->open)
        ui->state[index] = ui->panes[index]->open(ui);
    ui->active = index;
}

void ui_switch_pane(struct ui *ui, int index)
{
    if (index >= 0 && index < ui->pane_count)
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

/* ---- Help ----------------------------------------------------------------------- */

static void show_help(struct ui *ui)
{
    const struct pane_ops *p = ui->panes[ui->active];
    unsigned scopes = SCOPE_GLOBAL | p->scopes;
    int count;
    const struct action *all = action_table(&count);
    int top = 0;
    for (;;) {
        WINDOW *w = ui->body; /* a new window after a resize */
        werase(w);
        wattron(w, attr_of(ATTR_HEADER));
        mvwprintw(w, 0, 1, "Keys of the %s pane", p->title);
        wattroff(w, attr_of(ATTR_HEADER));
        int y = 2, shown = 0;
        for (int i = 0; i < count; i++) {
            if (!(all[i].scope & scopes))
                continue;
            if (shown++ < top)
                continue;
            if (y >= getmaxy(w) - 1)
                break;
            put_text(w, y, 2, all[i].label, attr_of(ATTR_HEADER));
            char line[200];
            snprintf(line, sizeof line, "%s%s", all[i].help,
                     all[i].writes && !store_can_write(ui->s) ? " (not for viewers)" : "");
            put_text(w, y++, 14, line, A_NORMAL);
        }
        /* Then the pane's own lines (the attendance code legend). */
        char extra[300];
        for (int i = 0; p->help_line && ui->state[ui->active] &&
                        p->help_line(ui->state[ui->active], i, extra, sizeof extra);
             i++) {
            if (shown++ < top)
                continue;
            if (y >= getmaxy(w) - 1)
                break;
            put_text(w, y++, 2, extra, A_NORMAL);
        }
        mvwprintw(w, getmaxy(w) - 1, 1, "↑↓ scroll, any other key closes the help");
        wnoutrefresh(w);
        wint_t ch;
        int r = ui_get_key(ui, &ch);
        if (r == KEY_CODE_YES && ch == KEY_DOWN && shown > top + 1)
            top++;
        else if (r == KEY_CODE_YES && ch == KEY_UP && top > 0)
            top--;
        else if (!(r == KEY_CODE_YES && ch == KEY_RESIZE))
            break; /* a resize was laid out by ui_get_key */
    }
}

/* ---- The loop ------------------------------------------------------------------ */

static void check_live(struct ui *ui, long long *last_check)
{
    long long t = now_ms();
    if (t - *last_check < LIVE_CHECK_MS)
        return;
    *last_check = t;
    int64_t v = store_data_version(ui->s);
    if (v == ui->data_version)
        return;
    ui->data_version = v;
    reload_panes(ui);
    draw_body(ui);
    draw_status(ui);
}

/* The panes' timers (pane_ops.tick), while no key comes. */
static void tick_panes(struct ui *ui)
{
    bool had_message = ui->message[0] != '\0';
    /* The registers close on time whichever pane is showing. */
    unsigned what = attendance_register_timer(ui) & ~(unsigned)REDRAW_PASS;
    for (int i = 0; i < ui->pane_count; i++)
        if (ui->state[i] && ui->panes[i]->tick) {
            unsigned w = ui->panes[i]->tick(ui->state[i], i == ui->active);
            if (i == ui->active)
                what |= w & ~(unsigned)REDRAW_PASS;
        }
    if (ui->too_small)
        what &= ~(unsigned)(REDRAW_PARTIAL | REDRAW_BODY);
    if (ui->message[0] && !had_message)
        what |= REDRAW_STATUS;
    if (what == REDRAW_ALL)
        draw_all(ui);
    else if (what)
        redraw(ui, what);
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
    bool had_message = ui->message[0] != '\0';
    ui->message[0] = '\0';
    const struct action *global = action_for_key(SCOPE_GLOBAL, key);
    /* A keys_first pane (the attendance grid, where every code is a mark)
     * sees the key before the global actions, bar the pane numbers and quit. */
    bool switcher = global && (global->id == ACT_QUIT ||
                               (global->id >= ACT_PANE_1 && (int)global->id < (int)ACT_PANE_1 + ui->pane_count));
    if (p->keys_first && p->key && ui->state[ui->active] && !switcher) {
        const struct action *act = action_for_key(p->scopes | SCOPE_GLOBAL, key);
        unsigned result = p->key(ui->state[ui->active], act, key, r, ch);
        if (ui->message[0] || had_message)
            result |= REDRAW_STATUS;
        if (!(result & REDRAW_PASS))
            return result;
        if (!global || global->id == ACT_BACK)
            return result & ~(unsigned)REDRAW_PASS;
    }
    if (global && global->id != ACT_BACK) {
        switch (global->id) {
        case ACT_QUIT:
            ui->quitting = true;
            return REDRAW_NONE;
        case ACT_HELP:
            show_help(ui);
            return REDRAW_ALL;
        case ACT_REDRAW:
            clearok(curscr, TRUE);
            return REDRAW_ALL;
        default:
            if (global->id >= ACT_PANE_1 && (int)global->id < (int)ACT_PANE_1 + ui->pane_count) {
                open_pane(ui, global->id - ACT_PANE_1);
                return REDRAW_ALL;
            }
            return REDRAW_NONE;
        }
    }
    unsigned result = REDRAW_NONE;
    if (ui->state[ui->active] && p->key) {
        const struct action *act = action_for_key(p->scopes | SCOPE_GLOBAL, key);
        result = p->key(ui->state[ui->active], act, key, r, ch);
    }
    if (ui->message[0] || had_message)
        result |= REDRAW_STATUS;
    return result;
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
    have_termios = !scripted && tcgetattr(STDIN_FILENO, &saved_termios) == 0;
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
    for (const char *const *cap = (const char *const[]){"sgr0", "cnorm", "rmcup", NULL}; !scripted && *cap; cap++)
        append_cap(*cap);
    install_handlers();
    raw(); /* Ctrl-S, Ctrl-Z, Ctrl-C arrive as keys: Ctrl-C quits like q */
    noecho();
    nonl();
    set_escdelay(50);
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
    ui->panes = panes_all(&ui->pane_count);
    ui->data_version = store_data_version(s);
    layout(ui);
    open_pane(ui, 0);
    if (store_world_readable(s))
        ui_error(ui, "%s can be read by other users of this host: chmod o-rwx it (children's data)", store_path(s));
    if (store_read_only(s))
        ui_error(ui, "the disk holding the store is full: reading only, nothing can be saved");
    /* The first frame goes out before the flags are counted and before the
     * pane has loaded more than a screenful (the roll loads its first rows
     * only): then the whole of it, and the flags. */
    draw_all(ui);
    doupdate();
    attendance_register_timer(ui); /* a register past its close time and still open closes now */
    const struct pane_ops *first = ui->panes[ui->active];
    if (first->reload && ui->state[ui->active])
        first->reload(ui->state[ui->active]);
    recount_flags(ui);
    draw_body(ui);
    draw_status(ui);

    long long last_check = now_ms();
    while (!ui->quitting && !quit_signal) {
        doupdate();
        wint_t ch;
        int r = script_get_wch(ui->body, &ch);
        if (r == ERR) {
            if (input_gone(&ui->empty_reads))
                break;
            tick_panes(ui);
            check_live(ui, &last_check);
            continue;
        }
        ui->empty_reads = 0;
        unsigned what = handle_key(ui, r, ch);
        if (what == REDRAW_ALL)
            draw_all(ui);
        else
            redraw(ui, what);
        check_live(ui, &last_check);
    }

    for (int i = 0; i < ui->pane_count; i++)
        if (ui->state[i] && ui->panes[i]->close)
            ui->panes[i]->close(ui->state[i]);
    delwin(ui->tabs);
    delwin(ui->body);
    delwin(ui->hints);
    delwin(ui->status);
    free_flag_rows(ui->flag_rows, ui->n_flag_rows);
    free(ui);
    endwin();
    delscreen(screen);
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    return script_ok() ? EXIT_SUCCESS : EXIT_FAILURE;
}
