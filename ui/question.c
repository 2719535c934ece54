/* A question answered by one of a few keys: see question.h. */

#include "question.h"

struct asked {
    const struct question *q;
    void *ctx;
    enum action_id answer;
};

static void question_draw(void *self, WINDOW *w)
{
    struct asked *a = self;
    a->q->draw(a->ctx, w);
}

static enum view_key question_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct asked *a = self;
    if (!act)
        return VIEW_DONE; /* any other key: the question stays */
    for (const enum action_id *k = a->q->answers; *k != ACT_NONE; k++)
        if (*k == act->id) {
            a->answer = act->id;
            return VIEW_CLOSE;
        }
    return VIEW_PASS;
}

const struct view_ops *question_view_ops(const struct question *q, struct view_ops *out)
{
    *out = (struct view_ops){0};
    out->title = q->title;
    out->keys = q->answers;
    out->draw = q->draw ? question_draw : NULL;
    out->key = question_key;
    out->takes_text = view_takes_text_always;
    out->overlay = q->overlay;
    return out;
}

enum action_id ui_ask(struct ui *ui, const struct question *q, void *ctx)
{
    struct asked a = {.q = q, .ctx = ctx, .answer = ACT_NONE};
    struct view_ops ops;
    ui_run_view(ui, question_view_ops(q, &ops), &a);
    return a.answer;
}
