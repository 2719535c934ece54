#include "action.h"

#include <curses.h>
#include <stddef.h>

#define K(k) KEYCODE(k)

static const struct action actions[] = {
    {ACT_QUIT, SCOPE_GLOBAL, "q", "quit", "Quit apterm (Ctrl-C too)", false, {'q', CTRL_KEY('c')}},
    {ACT_HELP, SCOPE_GLOBAL, "?/F1", "help", "Help: every key of this view", false, {'?', K(KEY_F(1))}},
    {ACT_REDRAW, SCOPE_GLOBAL, "^L", "redraw", "Redraw the whole screen", false, {CTRL_KEY('l')}},
    {ACT_PANE_1, SCOPE_GLOBAL, "1", NULL, "Pupil roll", false, {'1'}},
    {ACT_PANE_2, SCOPE_GLOBAL, "2", NULL, "Provider directory", false, {'2'}},
    {ACT_PANE_3, SCOPE_GLOBAL, "3", NULL, "Attendance", false, {'3'}},
    {ACT_PANE_4, SCOPE_GLOBAL, "4", NULL, "QA checklists", false, {'4'}},
    {ACT_PANE_5, SCOPE_GLOBAL, "5", NULL, "PSP editor", false, {'5'}},
    {ACT_PANE_6, SCOPE_GLOBAL, "6", NULL, "Weekly tracking", false, {'6'}},
    {ACT_PANE_7, SCOPE_GLOBAL, "7", NULL, "Panel cases and exports", false, {'7'}},
    {ACT_PANE_8, SCOPE_GLOBAL, "8", NULL, "First-day absence calls", false, {'8'}},

    {ACT_UP, SCOPE_LIST | SCOPE_MOVE, "k/↑", "move", "Move up", false, {'k', K(KEY_UP)}},
    {ACT_DOWN, SCOPE_LIST | SCOPE_MOVE, "j/↓", NULL, "Move down", false, {'j', K(KEY_DOWN)}},
    {ACT_PAGE_UP, SCOPE_LIST | SCOPE_FORM | SCOPE_MOVE, "PgUp/^B", NULL, "Page up", false, {K(KEY_PPAGE), CTRL_KEY('b')}},
    {ACT_PAGE_DOWN, SCOPE_LIST | SCOPE_FORM | SCOPE_MOVE, "PgDn/^F", NULL, "Page down", false,
     {K(KEY_NPAGE), CTRL_KEY('f')}},
    {ACT_HOME, SCOPE_LIST | SCOPE_MOVE, "g/Home", NULL, "First row", false, {'g', K(KEY_HOME)}},
    {ACT_END, SCOPE_LIST | SCOPE_MOVE, "G/End", NULL, "Last row", false, {'G', K(KEY_END)}},
    {ACT_OPEN, SCOPE_RECORD, "Enter", "open", "Open the record under the cursor", false,
     {'\n', '\r', K(KEY_ENTER)}},
    {ACT_BACK, SCOPE_GLOBAL, "Esc", "back", "Go back, close, or clear the search", false, {27}},
    {ACT_SEARCH, SCOPE_LIST, "/", "search", "Search as you type (Enter keeps it, Esc clears it)", false, {'/'}},
    {ACT_ADD, SCOPE_RECORD, "a", "add", "Add a record", true, {'a'}},
    {ACT_EDIT, SCOPE_RECORD, "e", "edit", "Edit the record under the cursor", true, {'e'}},
    {ACT_DELETE, SCOPE_RECORD, "d", "delete", "Delete the record under the cursor (asks first)", true, {'d'}},
    {ACT_SORT, SCOPE_LIST, "s", "sort", "Sort by the next column (S: reverse)", false, {'s', 'S'}},
    {ACT_FILTER, SCOPE_LIST, "f", "filter", "Filter the rows (f again to change, F to clear)", false, {'f', 'F'}},
    {ACT_CONCERNS, SCOPE_PUPIL, "c", "concerns", "The pupil's safeguarding and incident chronology", false, {'c'}},
    {ACT_PLACEMENTS, SCOPE_PUPIL, "p", "placements", "The pupil's placements and timetables", false, {'p'}},
    {ACT_CONTACTS, SCOPE_PUPIL, "t", "contacts", "The pupil's parent/carer contacts", false, {'t'}},
    {ACT_PROVIDER_CONTACTS, SCOPE_PROVIDER, "t", "contacts", "The provider's contacts: add, edit, delete", false,
     {'t'}},
    {ACT_IMPORT, SCOPE_PUPIL | SCOPE_PROVIDER, "i", "import",
     "Import a file (roll: pupils, contacts, placements, a CTF; providers pane: providers): a dry run, then asks",
     true, {'i'}},
    {ACT_PRIORITY_UP, SCOPE_CONTACT_LIST, "K", "earlier", "Contacts: move the contact earlier in the calling order",
     true, {'K'}},
    {ACT_PRIORITY_DOWN, SCOPE_CONTACT_LIST, "J", "later", "Contacts: move the contact later in the calling order",
     true, {'J'}},
    {ACT_END_PLACEMENT, SCOPE_PLACEMENT_LIST, "x", "end", "Placements: end the placement (asks for its end date)",
     true, {'x'}},

    /* The attendance grid. Every key here is a key that is not an attendance
     * code of either set (data/codes-*.csv): in the grid a code is a mark. */
    {ACT_GRID_CODE, SCOPE_GRID, "B N / …", "mark", "A code of the set: records it, moves to the next unreported",
     true, {0}},
    {ACT_GRID_UP, SCOPE_GRID, "↑", NULL, "Move up", false, {K(KEY_UP)}},
    {ACT_GRID_DOWN, SCOPE_GRID, "↓", NULL, "Move down", false, {K(KEY_DOWN)}},
    {ACT_GRID_LEFT, SCOPE_GRID, "←/S-Tab", NULL, "The session before", false, {K(KEY_LEFT), K(KEY_BTAB)}},
    {ACT_GRID_RIGHT, SCOPE_GRID, "→/Tab", NULL, "The session after", false, {K(KEY_RIGHT), '\t'}},
    {ACT_GRID_PAGE_UP, SCOPE_GRID, "PgUp", NULL, "Page up", false, {K(KEY_PPAGE)}},
    {ACT_GRID_PAGE_DOWN, SCOPE_GRID, "PgDn", NULL, "Page down", false, {K(KEY_NPAGE)}},
    {ACT_GRID_HOME, SCOPE_GRID, "Home", NULL, "First row", false, {K(KEY_HOME)}},
    {ACT_GRID_END, SCOPE_GRID, "End", NULL, "Last row", false, {K(KEY_END)}},
    {ACT_GRID_CLEAR, SCOPE_GRID, "⌫", "clear", "Clear the mark (unless someone changed it since you saw it)", true,
     {K(KEY_BACKSPACE), 127, CTRL_KEY('h'), K(KEY_DC)}},
    {ACT_GRID_UNDO, SCOPE_GRID, "u", "undo", "Undo your last mark or clear (again: the one before)",
     true, {'u'}},
    {ACT_GRID_REPEAT, SCOPE_GRID, ".", "repeat", "Repeat the pupil's code of the session before, and move on", true,
     {'.'}},
    {ACT_GRID_OPEN, SCOPE_GRID, "↵", "open", "The mark: meaning, who, when, how it came; edit the note",
     false, {'\n', '\r', K(KEY_ENTER)}},
    {ACT_GRID_SEARCH, SCOPE_GRID, "=", "find", "Find a pupil (= or ^F): name, UPN, provider; ↓↑ next match",
     false, {'=', CTRL_KEY('f')}},
    {ACT_GRID_WEEK, SCOPE_GRID, "[ ]", "week", "The week before ([) or after (])", false, {'[', ']'}},
    {ACT_GRID_DATE, SCOPE_GRID, ":", "date", "Go to a date: YYYY-MM-DD, today, +1w, -3d", false, {':'}},
    {ACT_GRID_CLOSE_REGISTER, SCOPE_GRID, "^R", "close",
     "Close the register: unmarked expected pupils get N (asks)", true, {CTRL_KEY('r')}},
    {ACT_GRID_ALL, SCOPE_GRID, "a", "all", "Rows: the pupils expected this week, or everyone on roll", false, {'a'}},
    {ACT_GRID_ORDER, SCOPE_GRID, "^O", "order", "Order the rows by provider, or by name", false, {CTRL_KEY('o')}},
    {ACT_GRID_SOURCE, SCOPE_GRID, "@", "via", "How new marks came: phone, email, portal, officer", false, {'@'}},
    {ACT_GRID_CALLS, SCOPE_GRID, "!", "calls", "The first-day absence calls list (tab 8)", false, {'!'}},
    {ACT_CALL_LOG, SCOPE_CALLS, "↵", "log call", "Log a call: who, reached?, what was said, a code for N",
     true, {'\n', '\r', K(KEY_ENTER)}},

    /* The QA pane. y, n, x answer and move to the next unanswered item. */
    {ACT_QA_YES, SCOPE_QA, "y", "yes", "Checklist: answer Yes and move to the next unanswered item", true, {'y', 'Y'}},
    {ACT_QA_NO, SCOPE_QA, "n", "no", "Checklist: answer No and move on (No on a safeguarding item flags the provider)",
     true, {'n', 'N'}},
    {ACT_QA_NA, SCOPE_QA, "x", "n/a", "Checklist: not applicable, and move on", true, {'x', 'X'}},
    {ACT_QA_COMMENT, SCOPE_QA, "c", "comment", "Checklist: write or change the comment on the item", true, {'c'}},
    {ACT_QA_NEXT, SCOPE_QA, "Tab", "unanswered", "Checklist: the next unanswered item", false, {'\t'}},
    {ACT_QA_CLOSE, SCOPE_QA, "C", "close visit", "Close the visit: its outcome, and the next visit's due date", true,
     {'C'}},

    /* The PSP pane */
    {ACT_PSP_REVIEW, SCOPE_PSP, "r", "review", "Add a review: progress per target, outcome, next review date", true,
     {'r'}},
    {ACT_PSP_PUPIL, SCOPE_PSP, "o", "pupil", "Open the pupil's record in the roll", false, {'o'}},
    {ACT_PRINT, SCOPE_PSP | SCOPE_QA | SCOPE_TRACKING, "p", "print",
     "Print: this PSP, this closed visit's report or this week's tracking sheet as PDF, to sign and send", false,
     {'p'}},

    /* The weekly tracking pane (tab 6). The rating line takes every key
     * while it is open: its keys are listed here for the hints and help. */
    {ACT_TRACK_RATE, SCOPE_TRACKING, "Enter", "rate",
     "Rate the pupil's week: the rating line, then the next pupil in turn", true, {'\n', '\r', K(KEY_ENTER)}},
    {ACT_TRACK_WEEK, SCOPE_TRACKING, "[ ]", "week", "The week before ([) or after (])", false, {'[', ']'}},
    {ACT_TRACK_THIS_WEEK, SCOPE_TRACKING, "T", "this week", "Back to this week", false, {'T'}},
    {ACT_TRACK_ACTIONS, SCOPE_TRACKING, "A", "actions",
     "The pupil's actions: add with owner and due date, edit, done, delete", false, {'A'}},
    {ACT_TRACK_PUPIL, SCOPE_TRACKING, "o", "pupil", "Open the pupil's record in the roll", false, {'o'}},
    {ACT_TRACK_SCORE, SCOPE_TRACKING, "1-5", "rate", "Rating line: rate the area, then on to the next area", true,
     {'1', '2', '3', '4', '5'}},
    {ACT_TRACK_NEXT_AREA, SCOPE_TRACKING, "Tab/→", "area", "Rating line: the next area", false, {'\t', K(KEY_RIGHT)}},
    {ACT_TRACK_PREV_AREA, SCOPE_TRACKING, "S-Tab/←", NULL, "Rating line: the area before", false,
     {K(KEY_BTAB), K(KEY_LEFT)}},
    {ACT_TRACK_NA, SCOPE_TRACKING, "x", "n/a", "Rating line: the area does not apply this week (not counted as missing)",
     true, {'x', 'X'}},
    {ACT_TRACK_NOTE, SCOPE_TRACKING, "n", "note", "Rating line: a note on the area (Enter keeps it)", true, {'n'}},
    {ACT_TRACK_SAME, SCOPE_TRACKING, "=", "as before", "Rating line: the areas not yet rated as last time", true,
     {'='}},
    {ACT_TRACK_CLEAR, SCOPE_TRACKING, "⌫", "clear",
     "Rating line: clear the area's rating, or the one before (saving removes it)", true,
     {K(KEY_BACKSPACE), 127, CTRL_KEY('h'), K(KEY_DC), '0'}},
    {ACT_TRACK_SAVE_NEXT, SCOPE_TRACKING, "Enter/↓", "save, next",
     "Rating line: save the pupil's ratings (one transaction) and rate the next pupil", true,
     {'\n', '\r', K(KEY_ENTER), K(KEY_DOWN)}},
    {ACT_TRACK_SAVE_PREV, SCOPE_TRACKING, "↑", "save, back", "Rating line: save, and rate the pupil before", true,
     {K(KEY_UP)}},
    {ACT_TRACK_DONE, SCOPE_TRACKING, "Space", "done", "Actions list: mark the action done, or not done again", true,
     {' '}},

    /* The Inclusion Panel pane (tab 7). In a case, a (ACT_ADD) adds a
     * quotation too, Enter and e (ACT_OPEN, ACT_EDIT) edit the one under
     * the cursor and d deletes it. q is quit everywhere, so Q adds a quote. */
    {ACT_PANEL_QUOTE, SCOPE_PANEL, "a/Q", "add quote", "Case: add a quotation (pick the provider by typing its name)",
     true, {'Q'}},
    {ACT_PANEL_CHOOSE, SCOPE_PANEL, "c", "choose",
     "Case: the quotation under the cursor is the recommended option (again: no longer)", true, {'c'}},
    {ACT_PANEL_DECISION, SCOPE_PANEL, "D", "decide",
     "Record the panel's decision: agreed, declined, deferred or withdrawn, in words", true, {'D'}},
    {ACT_PANEL_EDIT_CASE, SCOPE_PANEL, "E", "case", "Case: edit the case itself (reason, dates, triage)", true,
     {'E'}},
    {ACT_PANEL_PUPIL, SCOPE_PANEL, "o", "pupil", "Open the case's pupil in the roll", false, {'o'}},
    {ACT_PANEL_EXPORT, SCOPE_PANEL, "x", "pack", "Write the Inclusion Panel pack (.xlsx) for a panel date", false,
     {'x'}},
    {ACT_PANEL_DMT, SCOPE_PANEL, "X", "DMT", "Write the DMT value-for-money report (.xlsx) for a date range", false,
     {'X'}},

    {ACT_NEXT_FIELD, SCOPE_FORM, "Tab", "next", "Next field", false, {'\t', K(KEY_DOWN)}},
    {ACT_PREV_FIELD, SCOPE_FORM, "S-Tab", "previous", "Previous field", false, {K(KEY_BTAB), K(KEY_UP)}},
    {ACT_SAVE, SCOPE_FORM, "^S/F2", "save", "Save the form (one transaction)", true, {CTRL_KEY('s'), K(KEY_F(2))}},
    {ACT_CANCEL, SCOPE_FORM, "Esc", "cancel", "Close the form without saving (asks if changed)", false, {27}},

    /* The shell's keys in every view above the panes (ui/view.h): q goes
     * back one level (on a pane it quits), Ctrl-C quits from anywhere. */
    {ACT_VIEW_CLOSE, SCOPE_VIEW, "q/Esc", "back", "Close this view (asks first when something is unsaved)", false,
     {'q', 27}},
    {ACT_INTERRUPT, SCOPE_VIEW, "^C", NULL, "Quit apterm (asks first when something is unsaved)", false,
     {CTRL_KEY('c')}},
    {ACT_YES, SCOPE_VIEW, "y", "yes", "Answer yes", false, {'y', 'Y'}},
    {ACT_NO, SCOPE_VIEW, "n", "no", "Answer no", false, {'n', 'N'}},
    {ACT_KEEP_TEXT, SCOPE_VIEW, "Enter", "keep", "Keep what is typed and go back (Esc clears it)", false,
     {'\n', '\r', K(KEY_ENTER)}},
    {ACT_CHOICE_NEXT, SCOPE_VIEW, "→/Space/l", "choose", "The next choice of the item", false,
     {K(KEY_RIGHT), ' ', 'l'}},
    {ACT_CHOICE_PREV, SCOPE_VIEW, "←/h", NULL, "The choice before", false, {K(KEY_LEFT), 'h'}},
    {ACT_FILTER_CLEAR, SCOPE_VIEW, "F", "clear", "Clear every filter", false, {'F'}},
    {ACT_MATCH_NEXT, SCOPE_VIEW, "↓/Tab/^F", "next", "Find: the next match", false,
     {K(KEY_DOWN), '\t', CTRL_KEY('f')}},
    {ACT_MATCH_PREV, SCOPE_VIEW, "↑/S-Tab", NULL, "Find: the match before", false, {K(KEY_UP), K(KEY_BTAB)}},
    {ACT_DRAFT_RESTORE, SCOPE_VIEW, "r", "restore", "A kept draft: put what you typed back in the form", false,
     {'r', 'R'}},
    {ACT_DRAFT_DISCARD, SCOPE_VIEW, "d", "discard", "A kept draft: throw it away", false, {'d', 'D'}},
    {ACT_CONFLICT_RELOAD, SCOPE_VIEW, "r", "reload", "Someone else changed the record: take theirs, drop yours",
     false, {'r', 'R'}},
    {ACT_CONFLICT_OVERWRITE, SCOPE_VIEW, "o", "overwrite",
     "Someone else changed the record: save yours over theirs (audited)", true, {'o', 'O'}},
};

#define ACTION_COUNT ((int)(sizeof actions / sizeof actions[0]))

int action_key(int ret, wint_t ch)
{
    return ret == KEY_CODE_YES ? KEYCODE((int)ch) : (int)ch;
}

const struct action *action_for_key(unsigned scopes, int key)
{
    for (int i = 0; i < ACTION_COUNT; i++) {
        if (!(actions[i].scope & scopes))
            continue;
        for (int k = 0; k < ACTION_MAX_KEYS && actions[i].keys[k]; k++)
            if (actions[i].keys[k] == key)
                return &actions[i];
    }
    return NULL;
}

const struct action *action_get(enum action_id id)
{
    for (int i = 0; i < ACTION_COUNT; i++)
        if (actions[i].id == id)
            return &actions[i];
    return NULL;
}

const struct action *action_table(int *count)
{
    *count = ACTION_COUNT;
    return actions;
}

bool action_is_move(const struct action *act)
{
    return act && (act->scope & SCOPE_MOVE);
}
