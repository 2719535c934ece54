#ifndef APTERM_UI_IMPORT_H
#define APTERM_UI_IMPORT_H

#include <stdbool.h>

#include "shell.h"

/* `i` in the roll (pupils, their contacts, placements, a school's CTF) and
 * in the providers pane (providers): the imports of the command line
 * (src/interchange.h, src/ctf.h: one parser, one set of rules) from the TUI.
 * Asks what and which file with the shared form runner, runs the dry run and
 * shows its summary - what would be added, changed field by field and left
 * alone, or every error with file, line and column - in a scrollable view
 * that asks "Import N records?"; y imports in one transaction (audited),
 * anything else writes nothing. Then every pane reloads. Returns the pane's
 * redraw bits (REDRAW_ALL). */
enum ui_import_from { UI_IMPORT_ROLL, UI_IMPORT_PROVIDERS };
unsigned ui_import_run(struct ui *ui, enum ui_import_from from);

#endif
