#ifndef APTERM_ACTION_H
#define APTERM_ACTION_H

#include <stdbool.h>
#include <wchar.h>

/* Every action is described once: its keys, its label on the hint line, its
 * help text and whether it writes. Key dispatch, the hint line and the ?
 * help screen are all made from this one table, so they cannot disagree. */

enum action_id {
    ACT_NONE = 0,
    /* Everywhere */
    ACT_QUIT, ACT_HELP, ACT_REDRAW,
    ACT_PANE_1, ACT_PANE_2, ACT_PANE_3, ACT_PANE_4, ACT_PANE_5, ACT_PANE_6, ACT_PANE_7,
    ACT_PANE_8, /* right after ACT_PANE_7: the shell counts from ACT_PANE_1 */
    /* Lists */
    ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
    ACT_OPEN, ACT_BACK, ACT_SEARCH, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_SORT, ACT_FILTER,
    ACT_CONCERNS, ACT_PLACEMENTS, ACT_CONTACTS,
    ACT_PROVIDER_CONTACTS,
    ACT_IMPORT, /* the roll and the providers pane: import a file (ui/import.h) */
    ACT_PRIORITY_UP, ACT_PRIORITY_DOWN, ACT_END_PLACEMENT,
    /* The attendance grid (no key of these is an attendance code of either set) */
    ACT_GRID_CODE, ACT_GRID_UP, ACT_GRID_DOWN, ACT_GRID_LEFT, ACT_GRID_RIGHT, ACT_GRID_PAGE_UP,
    ACT_GRID_PAGE_DOWN, ACT_GRID_HOME, ACT_GRID_END, ACT_GRID_CLEAR, ACT_GRID_UNDO, ACT_GRID_REPEAT,
    ACT_GRID_OPEN, ACT_GRID_SEARCH, ACT_GRID_WEEK, ACT_GRID_DATE,
    ACT_GRID_CLOSE_REGISTER, ACT_GRID_ALL, ACT_GRID_ORDER, ACT_GRID_SOURCE, ACT_GRID_CALLS,
    /* The first-day absence calls list */
    ACT_CALL_LOG,
    /* The QA pane: a visit's checklist */
    ACT_QA_YES, ACT_QA_NO, ACT_QA_NA, ACT_QA_COMMENT, ACT_QA_NEXT, ACT_QA_CLOSE,
    /* The PSP pane */
    ACT_PSP_REVIEW, ACT_PSP_PUPIL,
    /* The PSP, QA and Tracking panes: the document as PDF (ui/print.h) */
    ACT_PRINT,
    /* The weekly tracking pane, its rating line and a pupil's actions */
    ACT_TRACK_RATE, ACT_TRACK_WEEK, ACT_TRACK_THIS_WEEK, ACT_TRACK_ACTIONS, ACT_TRACK_PUPIL,
    ACT_TRACK_SCORE, ACT_TRACK_NEXT_AREA, ACT_TRACK_PREV_AREA, ACT_TRACK_NOTE, ACT_TRACK_SAME, ACT_TRACK_CLEAR, ACT_TRACK_NA,
    ACT_TRACK_SAVE_NEXT, ACT_TRACK_SAVE_PREV, ACT_TRACK_DONE,
    /* The Inclusion Panel pane: a case's quotations, the decision, the workbooks */
    ACT_PANEL_QUOTE, ACT_PANEL_CHOOSE, ACT_PANEL_DECISION, ACT_PANEL_EDIT_CASE, ACT_PANEL_PUPIL,
    ACT_PANEL_EXPORT, ACT_PANEL_DMT,
    /* Forms */
    ACT_NEXT_FIELD, ACT_PREV_FIELD, ACT_SAVE, ACT_CANCEL,
    /* Every view above the panes (ui/view.h): the shell's keys, and a question's answers */
    ACT_VIEW_CLOSE, ACT_INTERRUPT, ACT_YES, ACT_NO, ACT_CONFLICT_RELOAD, ACT_CONFLICT_OVERWRITE,
    ACT_KEEP_TEXT, ACT_CHOICE_NEXT, ACT_CHOICE_PREV, ACT_FILTER_CLEAR,
    ACT_MATCH_NEXT, ACT_MATCH_PREV, ACT_DRAFT_RESTORE, ACT_DRAFT_DISCARD,
    ACT_COUNT
};

/* Which table of keys an action belongs to: a pane says which it uses. */
enum action_scope {
    SCOPE_GLOBAL = 1 << 0,
    SCOPE_LIST = 1 << 1,
    SCOPE_RECORD = 1 << 2, /* add/edit/delete/open on a list of records */
    SCOPE_PUPIL = 1 << 3,  /* pupil-only actions */
    SCOPE_FORM = 1 << 4,
    SCOPE_PROVIDER = 1 << 5, /* provider-only actions */
    SCOPE_CONTACT_LIST = 1 << 6,   /* a pupil's contacts */
    SCOPE_PLACEMENT_LIST = 1 << 7, /* a pupil's placements */
    SCOPE_GRID = 1 << 8,   /* the attendance grid: every key that is a code is a code */
    SCOPE_CALLS = 1 << 9,  /* the first-day absence calls list */
    SCOPE_QA = 1 << 10,    /* the QA pane: answering a visit's checklist */
    SCOPE_TRACKING = 1 << 11, /* the weekly tracking pane, its rating line and actions list */
    SCOPE_PSP = 1 << 12,   /* the PSP pane */
    SCOPE_PANEL = 1 << 13, /* the Inclusion Panel pane: cases, quotations, decisions, exports */
    SCOPE_VIEW = 1 << 14,  /* a view above the panes (ui/view.h); never a pane's scope */
    SCOPE_MOVE = 1 << 15,  /* moving in a list, the same keys in every list (SCOPE_LIST has them too) */
};

/* A key as wget_wch gives it: characters as themselves, function keys with
 * KEYCODE() so that KEY_UP (0403) cannot be mistaken for U+0103. */
#define KEYCODE(k) (0x40000000 | (k))
#define CTRL_KEY(c) ((c) & 0x1f)
#define ACTION_MAX_KEYS 5

struct action {
    enum action_id id;
    unsigned scope;
    const char *label;      /* the keys as shown: "j/↓" */
    const char *hint;       /* a word or two for the hint line: "move" */
    const char *help;       /* one line for the help screen */
    bool writes;            /* viewers are told why not */
    int keys[ACTION_MAX_KEYS];
};

/* The key code to look up: ret and ch exactly as wget_wch returned them. */
int action_key(int ret, wint_t ch);

/* The action bound to a key within the given scopes, or NULL. */
const struct action *action_for_key(unsigned scopes, int key);
const struct action *action_get(enum action_id id);

/* The moves every list and document takes (j/k, the arrows, PgUp/PgDn,
 * g/G, Home/End), for a view's keys; action_is_move: act is one of them. */
#define ACTION_MOVES ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END
bool action_is_move(const struct action *act);
/* Every action, in table order (for the help screen). */
const struct action *action_table(int *count);

#endif
