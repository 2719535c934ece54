#ifndef APTERM_PROVIDERS_PARTS_H
#define APTERM_PROVIDERS_PARTS_H

/* Shared by the files of the provider directory pane (ui/providers.c: the
 * list; ui/providers_record.c: a provider's record, its contacts and the
 * actions on them). */

#include "panes.h"
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"
#include "filterview.h"
#include "attr.h"
#include "docview.h"
#include "draw.h"
#include "date.h"
#include "flags.h"
#include "labels.h"
#include "lineedit.h"
#include "notice.h"
#include "listview.h"
#include "view.h"
#include "money.h"
#include "placement.h"
#include "provider.h"
#include "provider_form.h"
#include "roll.h"
#include "rules.h"
#include "search.h"
#include "shell.h"
#include "textedit.h"
#include "utf8.h"

#define SEARCH_MAX 120
#define NOTICE_LEN 600
#define WIDE_COLS 110 /* from here the list shows whole dates and words */

enum { COL_NAME, COL_REG, COL_PUPILS, COL_FT, COL_INS, COL_S1, COL_S2, COL_FLAGS, COL_COUNT };

enum { CONTACT_COLS = 4 };

/* The provider-level flags of one list row. */
struct row_flags {
    int red, amber;
    enum flag_level worst;
    char *worst_reason;           /* owned; NULL when none */
    enum flag_level ins, s1, s2;  /* the insurance and QA flags, to colour those cells */
};

/* One flag of the record view. */
struct rec_flag {
    enum flag_level level;
    char *reason;                 /* owned */
};

struct providers {
    struct ui *ui;
    /* The record and its contacts are views on the shell's stack, over the
     * list (ui/providers_record.c): which are open. */
    bool in_record, in_contacts;
    bool rec_gone;                /* the record's provider is deleted: its view closes */
    int64_t show_pupil;           /* Enter on a pupil: shown in the roll once the views close */
    struct list_then then;    /* search, sort or filter from the record: done on the list after */

    /* The list */
    struct provider_list *list;
    struct row_flags *flags;      /* parallel to list->rows */
    int *by_id;                   /* indices into list->rows by id */
    struct list_rows rows;        /* the rows shown, filtered and sorted */
    char load_error[400];
    bool flags_known;             /* false until the shell's first count */
    struct listview lv;
    bool wide;
    int name_cols;                /* the width of the name column as drawn */

    /* Search, filter and sort */
    char search[SEARCH_MAX + 1];
    int f_reg;                    /* -1 any, else an index into LABELS_REGISTRATION */
    int f_status;                 /* 0 any, 1 active, 2 suspended */
    int f_flags;                  /* 0 any, 1 any flag, 2 red, 3 none */
    int sort_col;                 /* COL_* */
    bool sort_desc;

    /* The record view */
    int64_t rec_id;
    struct provider rec;
    struct provider_contact *contacts;
    size_t ncontacts;
    struct provider_pupil *pupils;
    size_t npupils;
    struct rec_flag *rflags;
    size_t nrflags;
    int rec_last_s1, rec_last_s2;
    struct docview doc;           /* the record as a document: its pupils are the items */
    WINDOW *win;

    /* The contacts view */
    struct listview clv;

    char detail[NOTICE_LEN];
    struct notice notice;           /* said, and shown on the body's last line until the next key */
};

/* ---- ui/providers.c ---- */

int pr_row_of_id(const struct providers *st, int64_t id);
bool pr_provider_flag(const struct flag_row *f);
void pr_refilter(void *pane, int64_t keep_id);  /* pane: the struct providers */
bool pr_providers_reload(void *state, const struct view_change *what);

/* ---- ui/providers_record.c ---- */

void pr_free_record(struct providers *st);
void pr_apply_record_flags(struct providers *st, bool own_pass);
bool pr_load_record(struct providers *st);
bool pr_open_record(struct providers *st, int64_t id);
/* Shows the provider's record as a view over the list (its contacts first
 * when contacts is true) until the user goes back; the list's cursor is
 * then on that provider, and st->then is a key for the list (search, sort
 * or filter pressed in the record). */
void pr_run_record(struct providers *st, int64_t id, bool contacts);
void pr_draw_record(struct providers *st, WINDOW *w);
void pr_contact_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr);
void pr_draw_contacts(struct providers *st, WINDOW *w);
bool pr_confirm(struct providers *st, const char *why, const char *question);
void pr_after_write(struct providers *st);
unsigned pr_add_provider(struct providers *st);
unsigned pr_edit_provider(struct providers *st, int64_t id);
unsigned pr_delete_provider(struct providers *st, int64_t id);

#endif
