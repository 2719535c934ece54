/* The keys of every view (ui/view.h), checked from the action table: a
 * view's ? help lists exactly the keys it takes - every key that reaches an
 * action is listed, every listed action is reached by one of its keys, none
 * of its own actions is hidden behind another - and the shell's keys mean
 * the same in every view (1-8 a pane, q and Esc back, ? help, Ctrl-C quit),
 * except that a view taking text keeps every character as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "action.h"
#include "draw.h"
#include "utf8.h"
#include "prompt.h"
#include "question.h"
#include "view.h"

#define PANES 8

static const struct view_ops *(*const all_views[])(void) = {
    ui_help_view_ops,        form_view_ops,
    pupil_record_view_ops,   pupil_contacts_view_ops,
    pupil_concerns_view_ops, pupil_placements_view_ops, filter_menu_view_ops, tracking_entry_view_ops, tracking_actions_view_ops,
    filter_panel_view_ops,
    provider_record_view_ops, provider_contacts_view_ops,
    qa_visits_view_ops, qa_checklist_view_ops, panel_case_view_ops, panel_export_result_view_ops, import_summary_view_ops,
};
/* The one-line prompts: each runs as the prompt view with its spec's title and keys. */
static const struct prompt_spec *(*const all_prompts[])(void) = {
    attendance_find_prompt, attendance_goto_prompt, tracking_note_prompt, search_prompt_spec, picker_prompt_spec,
};
/* The questions: each runs as the question view with its answers as keys. */
static const struct question *(*const all_questions[])(void) = {
    ui_confirm_question, form_conflict_question, psp_draft_question,
};
#define NTABLES (sizeof all_views / sizeof all_views[0])
#define NPROMPTS (sizeof all_prompts / sizeof all_prompts[0])
#define NVIEWS (NTABLES + NPROMPTS + sizeof all_questions / sizeof all_questions[0])

/* View v of every view, prompt and question; a prompt's or a question's
 * table is filled into *tmp. */
static const struct view_ops *view_at(size_t v, struct view_ops *tmp)
{
    if (v < NTABLES)
        return all_views[v]();
    if (v < NTABLES + NPROMPTS)
        return prompt_view_ops(all_prompts[v - NTABLES](), tmp);
    return question_view_ops(all_questions[v - NTABLES - NPROMPTS](), tmp);
}

static bool listed(const struct action **acts, int n, const struct action *a)
{
    for (int i = 0; i < n; i++)
        if (acts[i] == a)
            return true;
    return false;
}

/* Every key of every action in the table: where it leads in the view is listed. */
static void help_lists_exactly_what_the_keys_reach(void **state)
{
    (void)state;
    int count;
    const struct action *table = action_table(&count);
    for (size_t v = 0; v < NVIEWS; v++) {
        struct view_ops tmp;
        const struct view_ops *ops = view_at(v, &tmp);
        for (int text = 0; text < 2; text++) {
            const struct action *acts[128];
            int n = view_actions(ops, text, PANES, acts, 128);
            assert_true(n > 0);
            for (int i = 0; i < count; i++)
                for (int k = 0; k < ACTION_MAX_KEYS && table[i].keys[k]; k++) {
                    const struct action *a = view_action(ops, text, PANES, table[i].keys[k]);
                    if (a && !listed(acts, n, a)) {
                        print_error("%s (text %d): key %#x reaches %s, not in its help\n", ops->title, text,
                                    table[i].keys[k], a->label);
                        fail();
                    }
                }
            for (int i = 0; i < n; i++) {
                assert_non_null(acts[i]->help);
                assert_non_null(acts[i]->label);
            }
        }
    }
}

/* A view's own action that none of its keys reaches would be in its table
 * and its hints but never work. */
static void no_own_action_is_hidden(void **state)
{
    (void)state;
    for (size_t v = 0; v < NVIEWS; v++) {
        struct view_ops tmp;
        const struct view_ops *ops = view_at(v, &tmp);
        for (int i = 0; ops->keys && ops->keys[i] != ACT_NONE; i++) {
            const struct action *a = action_get(ops->keys[i]);
            assert_non_null(a);
            bool reached = false;
            for (int k = 0; k < ACTION_MAX_KEYS && a->keys[k]; k++)
                reached = reached || view_action(ops, ops->takes_text != NULL, PANES, a->keys[k]) == a;
            if (!reached) {
                print_error("%s: its action %s (%s) is reached by none of its keys\n", ops->title, a->label, a->help);
                fail();
            }
        }
        /* Its hints are keys it takes. */
        for (int i = 0; ops->hints && ops->hints[i] != ACT_NONE; i++) {
            bool own = false;
            for (int j = 0; ops->keys && ops->keys[j] != ACT_NONE; j++)
                own = own || ops->keys[j] == ops->hints[i];
            assert_true(own);
        }
    }
}

/* The shell's keys mean the same in every view that is not taking text. */
static void shell_keys_are_the_same_everywhere(void **state)
{
    (void)state;
    for (size_t v = 0; v < NVIEWS; v++) {
        struct view_ops tmp;
        const struct view_ops *ops = view_at(v, &tmp);
        const struct action *a = view_action(ops, true, PANES, CTRL_KEY('c'));
        assert_non_null(a);
        assert_int_equal(a->id, ACT_INTERRUPT);
        a = view_action(ops, true, PANES, KEYCODE(KEY_F(1)));
        assert_non_null(a);
        assert_int_equal(a->id, ACT_HELP);
        /* Taking text: every printable character is text, or one of the
         * view's own keys (a question's y and n, and q for no). */
        for (int c = ' '; c < 127; c++) {
            a = view_action(ops, true, PANES, c);
            bool own = false;
            for (int i = 0; a && ops->keys && ops->keys[i] != ACT_NONE; i++)
                own = own || ops->keys[i] == a->id;
            if (a && view_is_shell_action(a->id) && !own) {
                print_error("%s: '%c' is a shell key while typing\n", ops->title, c);
                fail();
            }
        }
        if (ops->takes_text)
            continue;
        for (int d = 1; d <= PANES; d++) {
            a = view_action(ops, false, PANES, '0' + d);
            assert_non_null(a);
            assert_int_equal(a->id, ACT_PANE_1 + d - 1);
        }
        a = view_action(ops, false, PANES, '?');
        assert_non_null(a);
        assert_int_equal(a->id, ACT_HELP);
        a = view_action(ops, false, PANES, 'q');
        assert_non_null(a);
        assert_int_equal(a->id, ACT_VIEW_CLOSE);
        a = view_action(ops, false, PANES, 27);
        assert_non_null(a);
        assert_int_equal(a->id, ACT_VIEW_CLOSE);
        /* A list (a view that pages) moves with the same keys as every list. */
        if (view_action(ops, false, PANES, KEYCODE(KEY_DOWN)) == action_get(ACT_DOWN) &&
            view_action(ops, false, PANES, KEYCODE(KEY_PPAGE)) == action_get(ACT_PAGE_UP)) {
            assert_ptr_equal(view_action(ops, false, PANES, 'j'), action_get(ACT_DOWN));
            assert_ptr_equal(view_action(ops, false, PANES, 'k'), action_get(ACT_UP));
            assert_ptr_equal(view_action(ops, false, PANES, 'g'), action_get(ACT_HOME));
            assert_ptr_equal(view_action(ops, false, PANES, 'G'), action_get(ACT_END));
            assert_ptr_equal(view_action(ops, false, PANES, KEYCODE(KEY_NPAGE)), action_get(ACT_PAGE_DOWN));
        }
    }
}

/* Fewer panes than digits: a digit past the last pane is nothing. */
static void digits_past_the_last_pane_are_nothing(void **state)
{
    (void)state;
    const struct view_ops *ops = pupil_record_view_ops();
    assert_ptr_equal(view_action(ops, false, 3, '3'), action_get(ACT_PANE_3));
    assert_null(view_action(ops, false, 3, '4'));
    const struct action *acts[128];
    int n = view_actions(ops, false, 3, acts, 128);
    assert_false(listed(acts, n, action_get(ACT_PANE_4)));
    assert_true(listed(acts, n, action_get(ACT_PANE_3)));
}

/* A question cut to fit keeps its end: at, one under and one over the width. */
static void a_question_keeps_its_question_mark(void **state)
{
    (void)state;
    const char *q = "Delete the contact Siân Jones-Pritchard? (y/n)";
    int w = utf8_width(q);
    char out[256];
    /* It fits exactly: unchanged. */
    assert_int_equal(draw_fit_question(out, sizeof out, q, w), w);
    assert_string_equal(out, q);
    assert_int_equal(draw_fit_question(out, sizeof out, q, w + 1), w);
    assert_string_equal(out, q);
    /* One column short: the name is cut, the question's end stays. */
    int used = draw_fit_question(out, sizeof out, q, w - 1);
    assert_true(used <= w - 1);
    assert_non_null(strstr(out, "…? (y/n)"));
    assert_true(strncmp(out, "Delete the contact", 18) == 0);
    /* Much narrower: still ends "? (y/n)". */
    used = draw_fit_question(out, sizeof out, q, 20);
    assert_true(used <= 20);
    size_t n = strlen(out);
    assert_true(n >= 7 && strcmp(out + n - 7, "? (y/n)") == 0);
    /* Not a question: the end is cut with an ellipsis, as everywhere. */
    used = draw_fit_question(out, sizeof out, "Saved the contact Siân Jones-Pritchard", 20);
    assert_int_equal(used, 20);
    assert_non_null(strstr(out, "…"));
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_lists_exactly_what_the_keys_reach),
        cmocka_unit_test(no_own_action_is_hidden),
        cmocka_unit_test(shell_keys_are_the_same_everywhere),
        cmocka_unit_test(digits_past_the_last_pane_are_nothing),
        cmocka_unit_test(a_question_keeps_its_question_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
