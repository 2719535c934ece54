#ifndef APTERM_QA_PARTS_H
#define APTERM_QA_PARTS_H

/* Shared by the files of the QA pane (ui/qa.c: the providers and their
 * visits; ui/qa_edit.c: the checklist and the forms; ui/qa_views.c: the
 * visits and the checklist as views over the list). */

#include "panes.h"
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "action.h"
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "notice.h"
#include "listview.h"
#include "qa.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define NOTICE_LEN 600
#define SEARCH_MAX 120
#define SYNC_IDLE_MS 1500 /* tell the other panes about our answers after this pause */
#define CHECK_HEAD 3      /* the checklist's title, checklist and counter lines */
#define CHECK_FOOT 6      /* a rule, then the item in full, its comment and who answered it */
#define VISITS_HEAD 6     /* the provider, three due lines, the open "No"s, a gap */

enum sort { SORT_DUE, SORT_NAME, SORT_S1, SORT_S2, SORT_MON, SORT_COUNT };

enum filter { FILTER_ALL, FILTER_FLAGGED, FILTER_RED, FILTER_IN_USE, FILTER_COUNT };

enum { OC_NAME, OC_S1, OC_S2, OC_MON, OC_SG, OC_OPEN, OC_COUNT };

enum { VC_DATE, VC_STAGE, VC_LIST, VC_DONE, VC_NO, VC_OUTCOME, VC_NEXT, VC_COUNT };

/* An open safeguarding "No" of the provider shown. */
struct open_no {
    int visit_date;
    char stage[16];
    char *text;                     /* owned */
};

/* A line of the checklist: a section heading or an item. */
struct check_row {
    int item;                       /* index into items; -1 for a heading */
    int section_first;              /* a heading: the section's first item */
};

struct qa_pane {
    struct ui *ui;
    /* A provider's visits and a visit's checklist are views on the shell's
     * stack over the list (ui/qa_views.c): which are open. */
    bool in_visits, in_checklist;
    bool leave_checklist;           /* the checklist view closes after this key */
    bool gone;                      /* what the top view shows is no longer in the store */

    /* The list */
    struct qa_overview *ov;
    struct list_rows shown;         /* rows shown (search, filter), sorted */
    char search[SEARCH_MAX + 1];
    enum sort sort;
    bool sort_desc;
    enum filter filter;
    struct listview lv;
    char load_error[400];

    /* One provider's visits */
    int64_t prov_id;
    struct qa_provider_row prov;    /* its due dates */
    bool have_prov;
    struct qa_visit *visits;
    size_t nvisits;
    struct open_no *nos;
    size_t nnos;
    struct listview vlv;

    /* One visit's checklist */
    struct qa_visit visit;
    struct qa_item *items;
    size_t nitems;
    struct check_row *rows;
    int nrows;
    int cur;                        /* the row under the cursor: an item row */
    int top;                        /* the first row shown */
    int list_y, list_h;             /* where the rows are, from the last draw */
    WINDOW *win;
    bool dirty;                     /* answered; the other panes do not know yet */
    long long last_write_ms;

    struct notice notice;           /* said, and shown on the body's last line until the next key */
};

/* ---- ui/qa.c ---- */

void qp_put(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr, bool clear);
void qp_line(WINDOW *w, int y, const char *text, attr_t attr);
bool qp_confirm(struct qa_pane *q, const char *question);
void qp_local_stamp(const char *utc, char *buf, size_t len);
const char *qp_stage_name(const char *code);
void qp_draw_foot(struct qa_pane *q, WINDOW *w, const char *text, attr_t attr);
struct thresholds qp_pane_thresholds(struct qa_pane *q);
bool qp_load_visits(struct qa_pane *q);
const struct qa_item *qp_cur_item(const struct qa_pane *q);
int qp_row_of_item(const struct qa_pane *q, int item);
void qp_keep_cursor_visible(struct qa_pane *q);
bool qp_load_checklist(struct qa_pane *q, int64_t visit_id);
void qp_select_visit(struct qa_pane *q, int64_t id);
void qp_sync_now(struct qa_pane *q);
void qp_draw_visits(struct qa_pane *q, WINDOW *w);

/* ---- ui/qa_edit.c ---- */

void qp_draw_checklist(struct qa_pane *q, WINDOW *w);
unsigned qp_move_to(struct qa_pane *q, int r);
int qp_next_unanswered(const struct qa_pane *q);
unsigned qp_answer(struct qa_pane *q, enum qa_answer a);
unsigned qp_edit_comment(struct qa_pane *q);
unsigned qp_start_visit(struct qa_pane *q, int64_t provider_id);
unsigned qp_close_visit(struct qa_pane *q, int64_t visit_id);
unsigned qp_edit_visit(struct qa_pane *q, int64_t visit_id);
unsigned qp_delete_visit(struct qa_pane *q);

/* ---- ui/qa_views.c ---- */

/* The provider's visits as a view over the list, until the user goes back;
 * from the checklist, that view closes and the visits under it show.
 * False (with a message) when they cannot be read. */
bool qp_enter_visits(struct qa_pane *q, int64_t provider_id);
/* The visit's checklist as a view (over the visits; from the list, the
 * visits follow when it closes); in the checklist, it shows this visit. */
bool qp_enter_checklist(struct qa_pane *q, int64_t visit_id);
/* The checklist closes after this key, the visits under it showing. */
void qp_leave_checklist(struct qa_pane *q);

#endif
