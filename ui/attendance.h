#ifndef APTERM_ATTENDANCE_H
#define APTERM_ATTENDANCE_H

/* The register close as the full-screen program sees it. The close is a
 * rule of the store (src/register.h register_close_due): the first apterm
 * process to see that close_am / close_pm has passed today closes the
 * register, once (every expected pupil without a mark gets N) - this one,
 * apterm check, apterm mark or apterm close-register from cron. The shell
 * calls this on every idle key timeout and when it starts, so a register
 * closes on time whichever pane is showing, and also when apterm is opened
 * after the close time with the register still open; when this process
 * closed one, the panes reload and the status line says how many got N.
 * A viewer's apterm closes nothing. Returns what to redraw (pane.h). */

struct ui;

unsigned attendance_register_timer(struct ui *ui);

#endif
