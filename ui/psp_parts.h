#ifndef APTERM_PSP_PARTS_H
#define APTERM_PSP_PARTS_H

/* Shared by the files of the PSP pane (ui/psp.c: the list; ui/psp_edit.c:
 * the editor and the review form, with their drafts). */

#include "psp_pane.h"
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"
#include "picker.h"
#include "attr.h"
#include "draw.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "notice.h"
#include "listview.h"
#include "psp.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define SEARCH_MAX 120
#define NOTICE_LEN 700
#define FORM_LABEL_COLS 24 /* as ui/form.c lays a form out */
#define FORM_INPUT_MAX 60
#define ED_MAX_FIELDS 160
#define REVIEWS_SHOWN 4

enum { COL_NAME, COL_YEAR, COL_STATUS, COL_MEETING, COL_REVIEW, COL_RTT, COL_DRAFT, COL_COUNT };

enum sort_by { SORT_NAME, SORT_REVIEW, SORT_RTT, SORT_COUNT };

struct psp_pane {
    struct ui *ui;
    struct psp_row *rows;
    size_t n;
    struct list_rows shown;     /* the rows shown, searched and sorted */
    struct listview lv;
    char search[SEARCH_MAX + 1];
    bool with_ceased;
    enum sort_by sort;
    char load_error[400];
    char detail[NOTICE_LEN];
    struct notice notice;           /* said, and shown on the body's last line until the next key */
};

/* ---- ui/psp.c ---- */

void ps_copy_cut(char *dst, size_t size, const char *src);
int ps_form_input_cols(void);
int ps_wrap_lines(const char *text, int cols, size_t *starts, size_t *ends, int max);
bool ps_load_list(void *pane);                /* pane: the struct psp_pane */
void ps_refilter(void *pane, int64_t keep);

/* ---- ui/psp_edit.c ---- */

void ps_ed_draft(void *ctx, int field, const char *text);
unsigned ps_open_editor(struct psp_pane *st, int64_t psp_id);
unsigned ps_add_review(struct psp_pane *st, int64_t psp_id);

#endif
