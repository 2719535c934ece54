/* One line of text typed over a view: see prompt.h. */

#include "prompt.h"

#include <stdio.h>

#include "attr.h"
#include "draw.h"
#include "shell.h"
#include "utf8.h"

/* The keys of a prompt taking only Enter (a spec's keys NULL). */
static const enum action_id enter_keys[] = {ACT_KEEP_TEXT, ACT_NONE};

static const enum action_id *keys_of(const struct prompt_spec *spec)
{
    return spec->keys ? spec->keys : enter_keys;
}

struct prompt {
    struct ui *ui;
    const struct prompt_spec *spec;
    void *ctx;
    struct lineedit le;
    bool entered;
};

/* The label, the editor (a third of the width, at least 16 columns) and
 * the hint after it, on the body's first line; the terminal's cursor is
 * left in the editor. */
static void draw_prompt_line(struct prompt *p, WINDOW *w)
{
    char after[160] = "";
    if (p->spec->hint)
        p->spec->hint(p->ctx, lineedit_text(&p->le), after, sizeof after);
    else if (p->spec->hint_text)
        snprintf(after, sizeof after, "%s", p->spec->hint_text);
    wmove(w, 0, 0);
    wclrtoeol(w);
    int width = getmaxx(w);
    int lw = utf8_width(p->spec->label);
    draw_text(w, 0, 1, lw, p->spec->label, attr_of(ATTR_HEADER), 0);
    int fx = 2 + lw, fw = width / 3 > 16 ? width / 3 : 16;
    if (fx + fw > width)
        fw = width - fx;
    if (width - fx - fw - 1 > 0)
        draw_text(w, 0, fx + fw + 1, width - fx - fw - 1, after, attr_of(ATTR_HINT), DRAW_ELLIPSIS);
    wattrset(w, attr_of(ATTR_FIELD));
    lineedit_set_width(&p->le, fw);
    lineedit_draw(w, 0, fx, fw, &p->le, true);
    wattrset(w, A_NORMAL);
}

static void prompt_draw(void *self, WINDOW *w)
{
    struct prompt *p = self;
    curs_set(1);
    p->spec->draw(p->ctx, w, &p->le);
    if (!p->spec->draws_editor)
        draw_prompt_line(p, w);
}

static enum view_key prompt_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct prompt *p = self;
    const struct prompt_spec *s = p->spec;
    if (act) {
        switch (act->id) {
        case ACT_KEEP_TEXT:
            if (s->on_enter && !s->on_enter(p->ctx, lineedit_text(&p->le)))
                return VIEW_DONE;
            p->entered = true;
            return VIEW_CLOSE;
        case ACT_VIEW_CLOSE:
            if (!s->on_cancel)
                return VIEW_PASS;
            s->on_cancel(p->ctx);
            return VIEW_CLOSE;
        default:
            for (const enum action_id *k = keys_of(s); *k != ACT_NONE; k++)
                if (*k == act->id && s->on_action) {
                    s->on_action(p->ctx, act->id, lineedit_text(&p->le));
                    return VIEW_DONE;
                }
            return VIEW_PASS;
        }
    }
    enum lineedit_result r = lineedit_key(&p->le, ret, ch);
    if (r == LINEEDIT_CHANGED && s->on_change)
        s->on_change(p->ctx, lineedit_text(&p->le));
    else if (r == LINEEDIT_REFUSED)
        ui_error(p->ui, "%s %s", s->label, lineedit_reason(&p->le));
    return VIEW_DONE;
}

const struct view_ops *prompt_view_ops(const struct prompt_spec *spec, struct view_ops *out)
{
    *out = (struct view_ops){0};
    out->title = spec->title;
    out->keys = keys_of(spec);
    out->draw = prompt_draw;
    out->key = prompt_key;
    out->takes_text = view_takes_text_always;
    return out;
}

enum prompt_end prompt_run(struct ui *ui, const struct prompt_spec *spec, void *ctx, const char *text, size_t limit)
{
    struct prompt p = {.ui = ui, .spec = spec, .ctx = ctx};
    if (lineedit_init(&p.le, text, limit) != AP_OK) {
        lineedit_free(&p.le);
        ui_error(ui, "Out of memory");
        return PROMPT_NO_MEMORY;
    }
    struct view_ops ops;
    ui_run_view(ui, prompt_view_ops(spec, &ops), &p);
    curs_set(0);
    lineedit_free(&p.le);
    return p.entered && !ui_quitting(ui) ? PROMPT_ENTERED : PROMPT_LEFT;
}
