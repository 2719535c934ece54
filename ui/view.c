/* The keys of a view: its own actions, then the shell's (ui/view.h). The
 * dispatch in the shell and the ? help both come from here, so that the
 * help lists exactly the keys a view takes. */

#include "view.h"

#include <string.h>

static const enum action_id shell_keys[] = {
    ACT_HELP, ACT_VIEW_CLOSE, ACT_REDRAW, ACT_INTERRUPT, ACT_PANE_1, ACT_PANE_2, ACT_PANE_3,
    ACT_PANE_4, ACT_PANE_5, ACT_PANE_6, ACT_PANE_7, ACT_PANE_8, ACT_NONE,
};

bool view_is_shell_action(enum action_id id)
{
    for (int i = 0; shell_keys[i] != ACT_NONE; i++)
        if (shell_keys[i] == id)
            return true;
    return false;
}

bool view_scroll(int *top, int total, int height, enum action_id id)
{
    int max = total - height > 0 ? total - height : 0;
    switch (id) {
    case ACT_UP: --*top; break;
    case ACT_DOWN: ++*top; break;
    case ACT_PAGE_UP: *top -= height; break;
    case ACT_PAGE_DOWN: *top += height; break;
    case ACT_HOME: *top = 0; break;
    case ACT_END: *top = max; break;
    default: return false;
    }
    if (*top > max)
        *top = max;
    if (*top < 0)
        *top = 0;
    return true;
}

static bool action_has_key(const struct action *a, int key)
{
    for (int k = 0; k < ACTION_MAX_KEYS && a->keys[k]; k++)
        if (a->keys[k] == key)
            return true;
    return false;
}

/* A character a view taking text takes as text: the shell leaves it alone. */
static bool is_text_char(int key)
{
    return key >= ' ' && key != 127 && !(key & KEYCODE(0));
}

const struct action *view_action(const struct view_ops *ops, bool text, int panes, int key)
{
    for (int i = 0; ops->keys && ops->keys[i] != ACT_NONE; i++) {
        const struct action *a = action_get(ops->keys[i]);
        if (a && action_has_key(a, key))
            return a;
    }
    if (text && is_text_char(key))
        return NULL;
    for (int i = 0; shell_keys[i] != ACT_NONE; i++) {
        if (shell_keys[i] >= ACT_PANE_1 && shell_keys[i] <= ACT_PANE_8 && (int)(shell_keys[i] - ACT_PANE_1) >= panes)
            continue;
        const struct action *a = action_get(shell_keys[i]);
        if (a && action_has_key(a, key))
            return a;
    }
    return NULL;
}

/* An action is listed when at least one of its keys reaches it. */
static bool reachable(const struct view_ops *ops, bool text, int panes, const struct action *a)
{
    for (int k = 0; k < ACTION_MAX_KEYS && a->keys[k]; k++)
        if (view_action(ops, text, panes, a->keys[k]) == a)
            return true;
    return false;
}

int view_actions(const struct view_ops *ops, bool text, int panes, const struct action **out, int max)
{
    int n = 0;
    const enum action_id *lists[2] = {ops->keys, shell_keys};
    for (int l = 0; l < 2; l++)
        for (int i = 0; lists[l] && lists[l][i] != ACT_NONE && n < max; i++) {
            const struct action *a = action_get(lists[l][i]);
            bool seen = false;
            for (int j = 0; j < n; j++)
                seen = seen || out[j] == a;
            if (a && !seen && reachable(ops, text, panes, a))
                out[n++] = a;
        }
    return n;
}

bool view_change_not_pupil(const struct view_change *what, long long pupil_id)
{
    return what && what->table && what->pupil_id && what->pupil_id != pupil_id;
}

bool view_change_in(const struct view_change *what, const char *const *tables)
{
    for (size_t i = 0; what && what->table && tables[i]; i++)
        if (strcmp(what->table, tables[i]) == 0)
            return true;
    return false;
}

bool view_takes_text_always(void *self)
{
    (void)self;
    return true;
}
