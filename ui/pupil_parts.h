#ifndef APTERM_PUPIL_PARTS_H
#define APTERM_PUPIL_PARTS_H

/* Shared by the files of the pupil's screens (ui/pupil_views.c: helpers, the
 * pick-list, the record; ui/pupil_lists.c: contacts and concerns;
 * ui/pupil_placements.c: placements and the timetable grid). */

#include "pupil_views.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "attr.h"
#include "draw.h"
#include "concern.h"
#include "contact.h"
#include "date.h"
#include "docview.h"
#include "flags.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "money.h"
#include "placement.h"
#include "pupil.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "school.h"
#include "sublist.h"
#include "textedit.h"
#include "utf8.h"

/* A record's text, wrapped to the window as it is drawn: its lines are
 * a document view's (DOC_TEXT; a line may hold newlines: paragraphs),
 * docview_clear and docview_free drop them. */
struct textview {
    struct docview doc;
    int top;                    /* the first visual line shown */
    int total;                  /* visual lines at the last draw */
    int height;                 /* lines shown at the last draw */
};

/* A pupil's flags (pv_pupil_flags). */
struct flag_list {
    struct flag_row *rows;
    size_t n;
};

/* ---- ui/pupil_views.c ---- */

bool pv_is_enter(int ret, wint_t ch);
const char *pv_per_basis(const char *basis);
/* A labels table as form choices, ending with {NULL, NULL}; NULL when out of
 * memory. The caller frees the array (the strings are the table's). */
struct field_choice *pv_choices_of(const struct label *table);
void pv_pick_providers(struct ui *ui, struct pick *p, const char *first_label);
__attribute__((format(printf, 4, 5))) void pv_tv_add(struct textview *tv, enum attr_meaning attr, int indent, const char *fmt, ...);
void pv_tv_draw(struct textview *tv, WINDOW *w, int y0, int height);
void pv_draw_view_title(WINDOW *w, const char *what, const char *who, const struct textview *tv);
bool pv_tv_scroll(struct textview *tv, int ret, wint_t ch);
bool pv_week_line(struct ui *ui, int64_t pupil_id, char *buf, size_t len);
void pv_flag_list_free(struct flag_list *l);
ap_status pv_pupil_flags(struct ui *ui, int64_t pupil_id, struct flag_list *out);

#endif
