#ifndef APTERM_VIEW_H
#define APTERM_VIEW_H

/* The view stack. Every view above the panes - a record, a sub-list, a
 * form, a picker, a question, the help - is a small table of functions
 * (struct view_ops) pushed on one stack by ui_run_view. One loop in the
 * shell (ui/ui.c) owns the keys for all of them: ? and F1 (help), q and Esc
 * (close, asking first when something is unsaved), Ctrl-C (quit, asking
 * likewise), Ctrl-L, the pane numbers, resize, live refresh when another
 * login commits, and the timers. A view sees only the keys of its own
 * actions (its `keys`, from the action table) and, when it takes text, the
 * characters typed. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "action.h"

struct ui;

/* What changed in the store, as a view's (and a pane's) reload is told, from
 * the change feed (db/feed.h): one row of one table. table NULL: anything
 * may have changed (read everything). The strings live during the call. */
struct view_change {
    const char *table;      /* "attendance_mark", "pupil", ...; NULL: anything */
    long long id;           /* the row's id; 0 when it has none (see key) */
    const char *key;        /* the row's key as the audit names it ("1204/20415/am") */
    const char *action;     /* "insert", "update" or "delete" */
    long long pupil_id, provider_id, case_id; /* whom it is about; 0 when none */
};

/* True when the change is about something other than this pupil (a record
 * of the pupil need not read again); false for "anything" and for changes
 * about no pupil. */
bool view_change_not_pupil(const struct view_change *what, long long pupil_id);
/* True when the change is to one of tables (NULL-terminated). */
bool view_change_in(const struct view_change *what, const char *const *tables);

/* What a view's key handler did with a key. */
enum view_key {
    VIEW_DONE = 0, /* used; the shell redraws the view */
    VIEW_PASS,     /* not the view's: the shell acts on it (Esc/q close, ? help) */
    VIEW_CLOSE,    /* the view is finished: ui_run_view returns */
};

struct view_ops {
    const char *title;            /* the help's heading: "Keys of the pupil record" */
    const enum action_id *keys;   /* every action the view takes, ACT_NONE-terminated */
    const enum action_id *hints;  /* shown on the hint line, ACT_NONE-terminated (NULL: keys) */
    /* Draws the whole body window. NULL for a view drawn over the one below
     * (a question on the status line). */
    void (*draw)(void *self, WINDOW *body);
    /* act: the view's action bound to the key, or NULL (a character typed,
     * when takes_text). ret and ch as wget_wch gave them. */
    enum view_key (*key)(void *self, const struct action *act, int ret, wint_t ch);
    /* The store changed (what: see struct view_change): read again, keeping
     * the cursor on the same record. NULL: shows nothing from the store. */
    void (*reload)(void *self, const struct view_change *what);
    /* Asked before the view closes (Esc, q, Ctrl-C, a pane number): true to
     * close. Asks the user when something is unsaved. quitting: the whole
     * program is ending (Ctrl-C). NULL: closes at once. */
    bool (*close_request)(void *self, bool quitting);
    /* True while the view takes text (a form's field, a search being
     * typed): then q, ? and the digits are characters, not commands, and
     * the shell keeps only Ctrl-C, Ctrl-L and F1 (help). NULL: never. */
    bool (*takes_text)(void *self);
    /* Lines the help shows after the keys (a legend); false when no line i. */
    bool (*help_line)(void *self, int i, char *buf, size_t len);
    /* Timers, about every quarter second while no key comes; returns true
     * to be drawn again. NULL: none. */
    bool (*tick)(void *self);
    /* Text pasted while the view is on top (the terminal's bracketed
     * paste), whole: the view takes it or refuses it whole, saying why and
     * naming the field. NULL: a view taking text gets the characters one by
     * one, line breaks and tabs as spaces and other control characters left
     * out (said on the status line); a view not taking text gets nothing. */
    void (*paste)(void *self, const char *text, size_t len);
    /* Drawn over the view below (a question on the body's last lines):
     * the one below is drawn first. A view with no draw is one too. */
    bool overlay;
};

/* Pushes the view and runs the shell's loop until the view closes (its key
 * handler returned VIEW_CLOSE, or Esc/q and close_request agreed), the
 * program is quitting, or the user went to another pane (ui_quitting is
 * true for both: every view below unwinds). */
void ui_run_view(struct ui *ui, const struct view_ops *ops, void *self);

/* The action a key means in a view: the view's own first, then the shell's
 * (help, close, redraw, quit, the pane numbers; when text is true only
 * Ctrl-C, Ctrl-L and F1). NULL: no action (a character typed). */
const struct action *view_action(const struct view_ops *ops, bool text, int panes, int key);
/* The actions the view's help lists: exactly those view_action can give, in
 * that order. Returns how many were put in out (at most max). */
int view_actions(const struct view_ops *ops, bool text, int panes, const struct action **out, int max);

/* Every view's table, for the test that each view's help lists exactly the
 * keys it takes (tests/unit/test_views.c). Add a new view here too. */
const struct view_ops *ui_help_view_ops(void);           /* ui/ui.c */
const struct view_ops *form_view_ops(void);              /* ui/form.c */
const struct view_ops *tracking_entry_view_ops(void);    /* ui/tracking.c */
const struct view_ops *tracking_actions_view_ops(void);  /* ui/tracking.c */
const struct view_ops *filter_panel_view_ops(void);      /* ui/filterview.c */
const struct view_ops *filter_menu_view_ops(void);       /* ui/filterview.c */
const struct view_ops *pupil_record_view_ops(void);      /* ui/pupil_views.c */
const struct view_ops *pupil_contacts_view_ops(void);    /* ui/pupil_views.c */
const struct view_ops *pupil_concerns_view_ops(void);    /* ui/pupil_views.c */
const struct view_ops *pupil_placements_view_ops(void);  /* ui/pupil_views.c */
const struct view_ops *provider_record_view_ops(void);   /* ui/providers_record.c */
const struct view_ops *provider_contacts_view_ops(void); /* ui/providers_record.c */
const struct view_ops *qa_visits_view_ops(void);         /* ui/qa_views.c */
const struct view_ops *qa_checklist_view_ops(void);      /* ui/qa_views.c */
const struct view_ops *panel_case_view_ops(void);        /* ui/panel_case.c */
const struct view_ops *panel_export_result_view_ops(void); /* ui/panel_export.c */
const struct view_ops *import_summary_view_ops(void);    /* ui/import.c */

/* Every one-line prompt's spec (ui/prompt.h), run as a view by
 * prompt_view_ops, for the same test. Add a new prompt here too. */
struct prompt_spec;
const struct prompt_spec *attendance_find_prompt(void); /* ui/att_prompt.c */
const struct prompt_spec *attendance_goto_prompt(void); /* ui/att_prompt.c */
const struct prompt_spec *tracking_note_prompt(void);   /* ui/tracking_edit.c */
const struct prompt_spec *search_prompt_spec(void);     /* ui/search.c */
const struct prompt_spec *picker_prompt_spec(void);     /* ui/picker.c */

/* Every question (ui/question.h), run as a view by question_view_ops, for
 * the same test. Add a new question here too. */
struct question;
const struct question *ui_confirm_question(void);    /* ui/ui.c */
const struct question *form_conflict_question(void); /* ui/form.c */
const struct question *psp_draft_question(void);     /* ui/psp_edit.c */

/* takes_text for a view that always takes text (a field, a question
 * answered by its own keys). */
bool view_takes_text_always(void *self);

/* The shell's own keys in a view. */
bool view_is_shell_action(enum action_id id);

/* A list of total lines shown height at a time from *top: moves *top for a
 * moving action (up, down, page, first, last), kept in range; false (and
 * *top unchanged) for any other action. */
bool view_scroll(int *top, int total, int height, enum action_id id);

#endif
