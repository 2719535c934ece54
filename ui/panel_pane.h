#ifndef APTERM_PANEL_PANE_H
#define APTERM_PANEL_PANE_H

/* Shared by the files of the Inclusion Panel pane (ui/panel.c, the list and
 * the case; ui/panel_export.c, the workbooks): its state and helpers. */


#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "filterview.h"
#include "picker.h"
#include "attr.h"
#include "docview.h"
#include "draw.h"
#include "date.h"
#include "export_dmt.h"
#include "export_panel.h"
#include "flags.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "notice.h"
#include "listview.h"
#include "calendar.h"
#include "money.h"
#include "pane.h"
#include "panel.h"
#include "placement.h"
#include "provider.h"
#include "pupil_views.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define SEARCH_MAX 120
#define NOTICE_LEN 700

/* Filter choices besides the panel dates. */
enum { FD_ANY = 0, FD_NONE = 1, FD_FIRST_DATE = 2 };
enum { FS_ANY = 0, FS_DECIDED = 6 }; /* 1..5: LABELS_CASE_STATUS[f - 1] */
enum { FF_ANY = 0, FF_WARNING, FF_NONE };

/* The quotations warning of a case, from the shell's latest pass over the store. */
struct row_flag {
    enum flag_level level;
    char *reason;                   /* owned; NULL when none */
};

struct panel {
    struct ui *ui;
    /* A case is a view on the shell's stack over the list (ui/panel_case.c). */
    bool in_case;
    bool case_gone;                 /* the case is deleted: its view closes */
    int64_t show_pupil;             /* p in the case: the pupil shown in the roll once the view closes */
    struct list_then then;      /* search, sort or filter from the case: done on the list after */

    /* The list */
    struct panel_case_row *rows;
    size_t n;
    struct row_flag *flags;         /* parallel to rows */
    struct list_rows shown;         /* the rows shown, filtered and sorted */
    char load_error[400];
    struct calendar cal;            /* for panel dates and referral deadlines (db/panel.h) */
    bool loaded;                    /* the list has been read at least once */
    bool flags_known;
    struct listview lv;
    int *dates;                     /* the distinct panel dates, latest first */
    size_t ndates;

    /* Search, filter, sort */
    char search[SEARCH_MAX + 1];
    int f_date, f_status, f_flags;
    int filter_date;                /* the date of f_date >= FD_FIRST_DATE (kept across reloads) */
    int sort_col;
    bool sort_desc;

    /* The case view */
    int64_t case_id;
    struct panel_case *rec;         /* malloc'd: the case as read */
    char pupil_name[204];
    char pupil_line[400];           /* "Siân Jones (Year 9) · UPN ..." */
    struct panel_quote_row *quotes;
    size_t nquotes;
    enum flag_level warn_level;     /* the case's quotations warning */
    char warn[RULES_WHY_LEN + 300];
    struct docview doc;             /* the case as a document: its quotations are the items */
    WINDOW *win;

    /* The export forms remember what was typed */
    char pack_out[PATH_MAX];
    char dmt_out[PATH_MAX];
    int dmt_from, dmt_to;

    /* An export running or just finished: its screen stays until a key */
    bool export_on;                 /* the export's screen is showing */
    bool export_done;               /* finished (result says how) */
    bool export_failed;
    char export_title[200];
    char export_path[PATH_MAX];
    int export_pct;
    char export_what[120];
    char export_result[NOTICE_LEN];

    char detail[NOTICE_LEN];
    struct notice notice;           /* said, and shown on the body's last line until the next key */
};

/* Lines of wrapped text (textedit_wrap into keep_line). */
#define LINES_MAX 8     /* an export's result */
struct lines {
    char text[LINES_MAX][NOTICE_LEN];
    int n;
};

/* ---- ui/panel.c, for the other files ---- */

void pp_keep_line(void *ctx, const char *line, size_t len, bool first);
/* The notice on the body's last lines (until the next key). */
void pp_draw_notice(struct panel *st, WINDOW *w);

/* ---- ui/panel_export.c ---- */

unsigned pp_export_pack(struct panel *st);
unsigned pp_export_report(struct panel *st);
void pp_draw_export(struct panel *st, WINDOW *w);
/* ---- ui/panel.c ---- */

char *pp_pounds(int64_t pence, char *buf, size_t len);
const char *pp_basis_word(const char *basis);
int pp_row_of_id(const struct panel *st, int64_t id);
int64_t pp_current_id(const struct panel *st);
void pp_refilter(void *pane, int64_t keep_id);  /* pane: the struct panel */
void pp_free_case(struct panel *st);
bool pp_load_case(struct panel *st);
bool pp_confirm(struct panel *st, const char *why, const char *question);

/* ---- ui/panel_case.c ---- */

int pp_recommended(const struct panel *st, bool *chosen);
bool pp_takes_quotes(const struct panel_case *c);
void pp_make_case_detail(struct panel *st);
void pp_draw_case(struct panel *st, WINDOW *w);
/* Shows the case as a view over the list until the user goes back; the
 * list's cursor is then on it, and st->then is a key for the list (search,
 * sort or filter pressed in the case). */
void pp_run_case(struct panel *st, int64_t id);

/* ---- ui/panel_edit.c ---- */

/* Reads the case (false, with a message, when it cannot be). */
bool pp_open_case(struct panel *st, int64_t id);
unsigned pp_add_case(struct panel *st);
unsigned pp_edit_case(struct panel *st, int64_t id);
unsigned pp_delete_case(struct panel *st, int64_t id);
unsigned pp_decide(struct panel *st);
unsigned pp_add_quote(struct panel *st);
unsigned pp_edit_quote(struct panel *st);
unsigned pp_delete_quote(struct panel *st);
unsigned pp_choose_quote(struct panel *st);
unsigned pp_show_pupil(struct panel *st, int64_t pupil_id);

#endif
