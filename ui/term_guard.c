/* The terminal's way back and the input's state: see term_guard.h. */

#include "term_guard.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "outfile.h"
#include "script.h"

static volatile sig_atomic_t quit_signal;
static struct termios saved_termios;
static bool have_termios;
static char reset_seq[256];
static size_t reset_len;

static void append_cap(const char *name)
{
    char *cap = tigetstr(name);
    if (cap && cap != (char *)-1)
        term_guard_add_reset(cap);
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
bool term_guard_input_gone(int *empty_reads)
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

void term_guard_save_termios(bool scripted)
{
    have_termios = !scripted && tcgetattr(STDIN_FILENO, &saved_termios) == 0;
}

void term_guard_add_reset(const char *seq)
{
    size_t n = strlen(seq);
    if (reset_len + n < sizeof reset_seq) {
        memcpy(reset_seq + reset_len, seq, n);
        reset_len += n;
    }
}

void term_guard_install(bool scripted)
{
    for (const char *const *cap = (const char *const[]){"sgr0", "cnorm", "rmcup", NULL}; !scripted && *cap; cap++)
        append_cap(*cap);
    install_handlers();
}

void term_guard_restore_termios(void)
{
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

int term_guard_quit_signal(void)
{
    return quit_signal;
}

bool term_guard_key_waiting(void)
{
    if (script_active())
        return false; /* a script's keys come when asked for */
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}
