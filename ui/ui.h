#ifndef APTERM_UI_H
#define APTERM_UI_H

#include "config.h"
#include "store.h"

/* Runs the full-screen program on an open store until the user quits or the
 * terminal goes away. Restores the terminal on every way out. Returns the
 * process exit code. */
int ui_run(struct store *s, const struct apterm_config *cfg);

#endif
