#ifndef APTERM_TRACKING_PANE_H
#define APTERM_TRACKING_PANE_H

/* Shared by the files of the weekly tracking pane (ui/tracking.c: the list;
 * ui/tracking_edit.c: the rating line and a pupil's actions). */

#include "panes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "print.h"
#include "pupil_views.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "sublist.h"
#include "shell.h"
#include "tracking.h"
#include "utf8.h"

enum tcol { C_NAME, C_YEAR, C_WEEK, C_TERM, C_AREA, C_AREA_LAST = C_AREA + TRACKING_AREAS - 1, C_PSP, C_QA, C_ACT,
            C_COUNT };

enum show { SH_ANY = 0, SH_UNRATED, SH_RATED, SH_LOW, SH_FALLING, SH_PSP, SH_QA, SH_OVERDUE, SH_OPEN, SH_COUNT };

/* The rating line while it is open. */
struct entry {
    int64_t pupil_id;
    char who[300];                          /* "Siân Jones (Year 9)" */
    struct tracking_rating r[TRACKING_AREAS];      /* as typed */
    struct tracking_rating stored[TRACKING_AREAS]; /* as read */
    int prev[TRACKING_AREAS];
    int prev_week;
    unsigned areas;                         /* the areas that apply (rules_tracking_areas) */
    int n_areas;
    int focus;
    int last_rated;                         /* the area a digit rated last; -1 none */
    struct lineedit *note;                  /* while a note is typed */
    char notice[400];                       /* who changed the ratings meanwhile */
};

struct tpane {
    struct ui *ui;
    struct tracking *t;
    struct list_rows rows;      /* the rows shown, in the sort order */
    struct listview lv;
    struct list_column cols[C_COUNT];
    int week;                   /* the Monday shown */
    int sort_col;
    bool sort_desc;
    char search[128];           /* while typed, its editor is rows.typing */
    char f_cohort[24];
    int64_t f_provider;
    char f_provider_name[121];
    int f_show;
    struct entry *entry;
    bool entry_saved;           /* the rating line saved: tell the other panes when it closes */
    char detail[2 * RULES_WHY_LEN + 32];
};

/* ---- ui/tracking.c ---- */

char *tp_long_date(int date, char *buf, size_t len);
const struct tracking_row *tp_row_at(const struct tpane *tp, int line);
int64_t tp_cursor_id(const struct tpane *tp);
bool tp_select_id(struct tpane *tp, int64_t id);
bool tp_load(struct tpane *tp);
void tp_cell(void *ctx, int line, int col, char *buf, size_t len, enum attr_meaning *attr);
bool tp_entry_changed(const struct entry *e, int a);
bool tp_entry_any_changed(const struct entry *e);
int tp_note_area(const struct entry *e);
void tp_tracking_draw(void *state, WINDOW *w);
void tp_redraw_body(struct tpane *tp);

/* ---- ui/tracking_edit.c ---- */

void tp_run_entry(struct tpane *tp);
void tp_run_actions(struct ui *ui, int64_t pupil_id);

#endif
