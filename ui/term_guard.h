#ifndef APTERM_TERM_GUARD_H
#define APTERM_TERM_GUARD_H

/* The terminal's way back, prepared before anything can go wrong: the
 * termios saved at start, the capabilities that undo the screen (and any mode
 * the shell turns on), and the signal handlers that use them. Also the two
 * questions the loop asks of its input without reading it. Split out of
 * ui/ui.c, which keeps the loop itself. */

#include <stdbool.h>

/* Saves the terminal's settings (not in a headless run). */
void term_guard_save_termios(bool scripted);
/* After newterm: the reset capabilities (sgr0, cnorm, rmcup; none headless)
 * and the handlers for quitting and fatal signals. */
void term_guard_install(bool scripted);
/* One more sequence for the way out (a mode the shell turned on). */
void term_guard_add_reset(const char *seq);
/* The saved settings back, on the normal way out. */
void term_guard_restore_termios(void);
/* The quitting signal received (SIGHUP, SIGTERM, SIGINT, SIGQUIT), or 0. */
int term_guard_quit_signal(void);
/* Called when reading a key gave nothing: true when input has gone away. */
bool term_guard_input_gone(int *empty_reads);
/* A key is waiting to be read (never in a headless run). */
bool term_guard_key_waiting(void);

#endif
