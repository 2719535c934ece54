#ifndef APTERM_UI_PRINT_H
#define APTERM_UI_PRINT_H

#include <stdint.h>

#include "shell.h"

/* `p` in the PSP, QA and Tracking panes: asks where to write the document
 * (a file name offered, ~/ for the home directory, ending .pdf), writes it
 * with src/documents.h showing its progress on the status line, and says
 * where it went or why nothing was written. Each returns the pane's redraw
 * bits (REDRAW_ALL). */
unsigned ui_print_psp(struct ui *ui, int64_t psp_id);
unsigned ui_print_visit(struct ui *ui, int64_t visit_id);
unsigned ui_print_tracking(struct ui *ui, int week);

/* A file name as typed in a pane: "~/x" is under $HOME and a relative path is
 * made absolute from the current directory, so that messages say exactly
 * where the file is; false when it does not fit in len. */
bool ui_expand_path(const char *typed, char *out, size_t len);

#endif
