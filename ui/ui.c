/* The full-screen shell: terminal set-up and restore, the tab bar, the status
 * line and the main loop. Panes come in later; until then each tab says so. */

#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "date.h"

#define KEY_TIMEOUT_MS 500

static volatile sig_atomic_t quit_signal;

/* What the fatal-signal handler writes to put the terminal back: prepared
 * before anything can go wrong, because a handler may only write(). */
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

static void restore_terminal_raw(void)
{
    if (reset_len)
        (void)!write(STDOUT_FILENO, reset_seq, reset_len);
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

static void on_fatal_signal(int sig)
{
    restore_terminal_raw();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_quit_signal(int sig)
{
    quit_signal = sig;
}

static void install_handlers(void)
{
    struct sigaction sa = {0};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    /* SIGHUP is handled even when apterm was started with it ignored (nohup):
     * a dropped SSH connection must end the program, not leave it spinning. */
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
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

static const char *const tab_names[] = {"Roll", "Providers", "Attendance", "QA", "PSP", "Tracking", "Panel"};
#define TAB_COUNT 7

struct shell {
    struct store *s;
    const struct apterm_config *cfg;
    int active_tab;
    char message[256];
};

static void draw_tabs(struct shell *sh)
{
    move(0, 0);
    clrtoeol();
    for (int i = 0; i < TAB_COUNT; i++) {
        if (i == sh->active_tab)
            attron(A_REVERSE | A_BOLD);
        printw(" %d %s ", i + 1, tab_names[i]);
        if (i == sh->active_tab)
            attroff(A_REVERSE | A_BOLD);
    }
}

static void draw_body(struct shell *sh)
{
    for (int y = 1; y < LINES - 1; y++) {
        move(y, 0);
        clrtoeol();
    }
    mvprintw(3, 2, "%s: this pane is not built yet.", tab_names[sh->active_tab]);
    int64_t pupils = 0, providers = 0, marks = 0;
    store_query_int(sh->s, "SELECT count(*) FROM pupil", 0, &pupils);
    store_query_int(sh->s, "SELECT count(*) FROM provider", 0, &providers);
    store_query_int(sh->s, "SELECT count(*) FROM attendance_mark", 0, &marks);
    mvprintw(5, 2, "The store holds %lld pupils, %lld providers and %lld attendance marks.", (long long)pupils,
             (long long)providers, (long long)marks);
    mvprintw(7, 2, "Keys: 1-7 open a pane, q quits.");
}

static void draw_status(struct shell *sh)
{
    char today[11];
    date_format(date_today(), today);
    move(LINES - 1, 0);
    clrtoeol();
    attron(A_REVERSE);
    mvprintw(LINES - 1, 0, " %s  %s (%s)  %s  %s", store_path(sh->s), store_login(sh->s),
             role_name(store_role(sh->s)), today, sh->message);
    for (int x = getcurx(stdscr); x < COLS; x++)
        addch(' ');
    attroff(A_REVERSE);
}

static void draw_all(struct shell *sh)
{
    erase();
    if (LINES < 10 || COLS < 40) {
        mvprintw(0, 0, "apterm needs at least 40x10");
    } else {
        draw_tabs(sh);
        draw_body(sh);
        draw_status(sh);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

int ui_run(struct store *s, const struct apterm_config *cfg)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "apterm: the full-screen program needs a terminal; see apterm --help for commands\n");
        return EXIT_FAILURE;
    }
    have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        const char *term = getenv("TERM");
        fprintf(stderr, "apterm: the terminal type TERM=%s is not known here; try TERM=xterm-256color\n",
                term ? term : "(unset)");
        return EXIT_FAILURE;
    }
    set_term(screen);
    append_cap("sgr0");
    append_cap("cnorm");
    append_cap("rmcup");
    install_handlers();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(50);
    curs_set(0);
    timeout(KEY_TIMEOUT_MS);

    struct shell sh = {.s = s, .cfg = cfg};
    draw_all(&sh);
    int empty_reads = 0;
    while (!quit_signal) {
        wint_t ch;
        int r = get_wch(&ch);
        if (r == ERR) {
            if (input_gone(&empty_reads))
                break;
            continue;
        }
        empty_reads = 0;
        if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
            draw_all(&sh);
            continue;
        }
        if (r == OK && (ch == 'q' || ch == 'Q'))
            break;
        if (r == OK && ch >= '1' && ch < '1' + TAB_COUNT) {
            sh.active_tab = (int)(ch - '1');
            sh.message[0] = '\0';
        }
        draw_all(&sh);
    }
    endwin();
    delscreen(screen);
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    return EXIT_SUCCESS;
}
