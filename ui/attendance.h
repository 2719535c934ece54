#ifndef APTERM_ATTENDANCE_H
#define APTERM_ATTENDANCE_H

/* The register-close timer of ui/attendance.c. The shell ticks it on every
 * idle key timeout, so the registers close on time whichever pane is
 * showing (and whether or not the Attendance pane was ever opened): when the clock passes [attendance] close_am or close_pm of
 * apterm.ini on a school day, every pupil expected at that session without
 * a mark gets N (marks_close_register), the panes reload, and the status
 * line says how many. Opening apterm after a close time closes nothing (the
 * Attendance pane says so instead); a viewer's apterm closes nothing.
 * Several apterms closing the same register is harmless: closing twice
 * marks nobody the second time.
 *
 * Call from a pane's tick hook, and once when the pane opens (the first call
 * only notes the time). Returns what to redraw (pane.h enum redraw). The
 * clock is local time; APTERM_NOW=HH:MM[:SS] starts it at that time of day,
 * for tests and demonstrations. */

struct ui;

unsigned attendance_register_timer(struct ui *ui);

#endif
