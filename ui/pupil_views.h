#ifndef APTERM_PUPIL_VIEWS_H
#define APTERM_PUPIL_VIEWS_H

/* The screens under the pupil roll: the pupil's record (a read view of
 * everything), the pupil form, and the pupil's contacts, concerns (the
 * safeguarding and incident chronology) and placements. Each is a modal view
 * drawn in the shell's body window that returns when the user closes it
 * (Esc). Every write goes through the data layer (db/) in one transaction
 * and then calls ui_store_changed(), so the roll and the other panes reload
 * with the cursor kept on the same record. Viewers read everything but the
 * concerns and change nothing: the keys that would write say why not and
 * forms open read-only. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "shell.h"
#include "status.h"

/* What the roll knows of a pupil that the record shows beside the store's
 * record: this term's attendance (from the roll's one query). */
struct pupil_glance {
    bool has_attendance;
    double attendance_pct;
    int attending, possible;
    char term_name[40];         /* "autumn 2026/27"; "" when the calendar has no term */
};

/* ---- ui/pupil_form.c ---- */

/* The pupil form with every field of DOMAIN.md. *pupil_id 0 adds a pupil and
 * sets *pupil_id to the new one; otherwise it edits that pupil. read_only
 * shows it for reading (viewers). True when saved (the store has changed
 * and ui_store_changed has been called). */
bool pupil_form_run(struct ui *ui, int64_t *pupil_id, bool read_only);

/* Asks "Delete ...?" and deletes the pupil; when the data layer refuses
 * (records refer to the pupil) its message is shown. True when deleted.
 * The caller has checked ui_can_write. */
bool pupil_delete_run(struct ui *ui, int64_t pupil_id);

/* ---- ui/pupil_views.c ---- */

/* The pupil's record: everything, with the flags and their reasons, the
 * placements with the weekly hours against the year group's minimum and
 * the annualised cost, and the contacts. Its keys open the form, the
 * contacts, concerns and placements, and delete. True when the pupil was
 * deleted from it. glance may be NULL. */
/* The pupil's figures as the pane behind the record has them; called
 * again whenever the record is read again (the pane has reloaded first). */
typedef void (*pupil_glance_fn)(void *ctx, int64_t pupil_id, struct pupil_glance *out);
bool pupil_record_run(struct ui *ui, int64_t pupil_id, pupil_glance_fn glance_of, void *ctx);

void pupil_contacts_run(struct ui *ui, int64_t pupil_id);
void pupil_concerns_run(struct ui *ui, int64_t pupil_id);
void pupil_placements_run(struct ui *ui, int64_t pupil_id);

/* "Siân Jones (Year 9)" for titles and questions: the name the team uses.
 * Falls back to "pupil N" when the record cannot be read. */
void pupil_views_name(struct ui *ui, int64_t pupil_id, char *buf, size_t len);

/* ---- shared by the forms: a pick-list with type-to-search ---- */

/* For a FIELD_CUSTOM field (form.h) choosing one of many records (a home
 * school among dozens, a provider among hundreds): ←/→ or Space step through
 * the choices, typing narrows them to those whose name holds what is typed
 * (accents and case folded: "bro" finds "Ysgol Bro Dinefwr"), Backspace
 * widens again. The choice is written to *value (0 for the "none" entry). */
struct pick {
    int64_t *value;             /* the record's field */
    int64_t *ids;
    char **labels;              /* owned */
    size_t n, cap;
    size_t current;
    char query[64];
};

/* Starts an empty pick-list writing to value. */
void pick_init(struct pick *p, int64_t *value);
/* Adds a choice (a copy of label). AP_ERR_NOMEM when out of memory. */
ap_status pick_add(struct pick *p, int64_t id, const char *label);
void pick_free(struct pick *p);
/* The label of the current choice ("" when there is none). */
const char *pick_label(struct pick *p);
/* For form.custom_draw and form.custom_key. */
void pick_draw(struct pick *p, WINDOW *w, int y, int x, int cols, bool focused);
int pick_key(struct pick *p, int ret, wint_t ch);

#endif
