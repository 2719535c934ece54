/* The QA pane's views over its list of providers: a provider's visits and
 * a visit's checklist, each pushed on the shell's stack with its own keys
 * (so ? lists exactly what it takes, and q/Esc goes back). The list under
 * them keeps its cursor. */

#include "qa_parts.h"

#include "print.h"

/* ---- a provider's visits ---- */

/* A view's screen, or what shows once its visit or provider has gone. */
static void draw_or_gone(struct qa_pane *q, WINDOW *w, void (*draw)(struct qa_pane *, WINDOW *))
{
    if (q->gone)
        draw_gone(w, q->notice.text);
    else
        draw(q, w);
}

static void visits_draw(void *self, WINDOW *w)
{
    draw_or_gone(self, w, qp_draw_visits);
}

static void visits_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct qa_pane *q = self;
    /* Under the checklist, that view reads the visits again. */
    if (!q->in_checklist && !q->gone && !qp_load_visits(q))
        q->gone = true;
}

static enum view_key visits_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct qa_pane *q = self;
    (void)ret;
    (void)ch;
    enum view_key start = notice_key_start(&q->notice, q->gone, act);
    if (start != VIEW_DONE)
        return start;
    if (listview_move(&q->vlv, act->id))
        return VIEW_DONE;
    switch (act->id) {
    case ACT_OPEN:
        if (q->nvisits)
            qp_enter_checklist(q, q->visits[q->vlv.cursor].id);
        break;
    case ACT_ADD: qp_start_visit(q, q->prov_id); break;
    case ACT_EDIT:
        if (q->nvisits)
            qp_edit_visit(q, q->visits[q->vlv.cursor].id);
        break;
    case ACT_QA_CLOSE:
        if (q->nvisits)
            qp_close_visit(q, q->visits[q->vlv.cursor].id);
        break;
    case ACT_PRINT:
        if (q->nvisits)
            ui_print_visit(q->ui, q->visits[q->vlv.cursor].id);
        break;
    case ACT_DELETE: qp_delete_visit(q); break;
    default: return VIEW_PASS;
    }
    return VIEW_DONE;
}

static const enum action_id visits_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_QA_CLOSE, ACT_PRINT,
                                             ACT_DELETE, ACT_NONE};
static const enum action_id visits_hints[] = {ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_QA_CLOSE, ACT_DELETE, ACT_NONE};

static const struct view_ops visits_view = {
    .title = "a provider's QA visits",
    .keys = visits_keys,
    .hints = visits_hints,
    .draw = visits_draw,
    .key = visits_key,
    .reload = visits_reload,
};

const struct view_ops *qa_visits_view_ops(void) { return &visits_view; }

/* Reads the provider's visits, the cursor on visit (0: where it was), and
 * shows them: over the list a view, from the checklist the one under it. */
static bool show_visits(struct qa_pane *q, int64_t provider_id, int64_t visit)
{
    if (provider_id != q->prov_id) {
        q->nvisits = 0;
        free(q->visits);
        q->visits = NULL;
        listview_select(&q->vlv, 0);
    }
    q->prov_id = provider_id;
    if (!qp_load_visits(q))
        return false;
    if (visit)
        qp_select_visit(q, visit);
    if (q->in_checklist) {
        q->leave_checklist = true; /* the visits under it show */
        return true;
    }
    if (q->in_visits)
        return true;
    q->in_visits = true;
    q->gone = false;
    ui_run_view(q->ui, &visits_view, q);
    q->in_visits = false;
    q->gone = false;
    return true;
}

bool qp_enter_visits(struct qa_pane *q, int64_t provider_id)
{
    return show_visits(q, provider_id, 0);
}

/* ---- a visit's checklist ---- */

static void checklist_draw(void *self, WINDOW *w)
{
    draw_or_gone(self, w, qp_draw_checklist);
}

static void checklist_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct qa_pane *q = self;
    if (q->gone)
        return;
    if (!qp_load_checklist(q, q->visit.id))
        q->gone = true;
    else
        qp_load_visits(q); /* the open "No"s a Yes may answer */
}

static enum view_key checklist_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct qa_pane *q = self;
    (void)ret;
    (void)ch;
    enum view_key start = notice_key_start(&q->notice, q->gone, act);
    if (start != VIEW_DONE)
        return start;
    switch (act->id) {
    case ACT_QA_YES: qp_answer(q, QA_YES); break;
    case ACT_QA_NO: qp_answer(q, QA_NO); break;
    case ACT_QA_NA: qp_answer(q, QA_NA); break;
    case ACT_QA_COMMENT:
    case ACT_OPEN: qp_edit_comment(q); break;
    case ACT_QA_NEXT: {
        int r = qp_next_unanswered(q);
        if (r < 0)
            notice_say(q->ui, &q->notice, false, "Every item is answered%s", q->visit.closed ? "" : ": C closes the visit");
        else
            qp_move_to(q, r);
        break;
    }
    case ACT_QA_CLOSE: qp_close_visit(q, q->visit.id); break;
    case ACT_PRINT: ui_print_visit(q->ui, q->visit.id); break;
    case ACT_EDIT: qp_edit_visit(q, q->visit.id); break;
    case ACT_ADD: qp_start_visit(q, q->visit.provider_id); break;
    case ACT_UP: qp_move_to(q, q->cur - 1); break;
    case ACT_DOWN: qp_move_to(q, q->cur + 1); break;
    case ACT_PAGE_UP: qp_move_to(q, q->cur - (q->list_h > 2 ? q->list_h - 1 : 1)); break;
    case ACT_PAGE_DOWN: qp_move_to(q, q->cur + (q->list_h > 2 ? q->list_h - 1 : 1)); break;
    case ACT_HOME: qp_move_to(q, 0); break;
    case ACT_END: qp_move_to(q, q->nrows - 1); break;
    default: return VIEW_PASS;
    }
    return q->leave_checklist ? VIEW_CLOSE : VIEW_DONE;
}

/* Our answers reach the other panes once the officer pauses, and at once
 * when the checklist closes. */
static bool checklist_tick(void *self)
{
    struct qa_pane *q = self;
    if (!q->dirty || date_monotonic_ms() - q->last_write_ms < SYNC_IDLE_MS)
        return false;
    qp_sync_now(q);
    return true;
}

static bool checklist_close_request(void *self, bool quitting)
{
    (void)quitting;
    qp_sync_now(self);
    return true;
}

static const enum action_id checklist_keys[] = {ACT_QA_YES, ACT_QA_NO, ACT_QA_NA, ACT_QA_COMMENT, ACT_OPEN,
                                                ACT_QA_NEXT, ACT_QA_CLOSE, ACT_PRINT, ACT_EDIT, ACT_ADD, ACTION_MOVES,
                                                ACT_NONE};
static const enum action_id checklist_hints[] = {ACT_QA_YES, ACT_QA_NO, ACT_QA_NA, ACT_QA_COMMENT, ACT_QA_CLOSE,
                                                 ACT_NONE};

static const struct view_ops checklist_view = {
    .title = "a QA visit's checklist",
    .keys = checklist_keys,
    .hints = checklist_hints,
    .draw = checklist_draw,
    .key = checklist_key,
    .reload = checklist_reload,
    .close_request = checklist_close_request,
    .tick = checklist_tick,
};

const struct view_ops *qa_checklist_view_ops(void) { return &checklist_view; }

bool qp_enter_checklist(struct qa_pane *q, int64_t visit_id)
{
    if (visit_id != q->visit.id) {
        free(q->items);
        q->items = NULL;
        q->nitems = 0;
        q->visit.id = 0;
    }
    if (!qp_load_checklist(q, visit_id))
        return false;
    if (q->in_checklist)
        return true; /* this view shows the visit now */
    q->in_checklist = true;
    q->leave_checklist = false;
    q->gone = false;
    ui_run_view(q->ui, &checklist_view, q);
    q->in_checklist = false;
    q->leave_checklist = false;
    q->gone = false;
    qp_sync_now(q);
    qp_select_visit(q, q->visit.id); /* the visits' cursor on it, whatever comes next */
    if (ui_quitting(q->ui))
        return true;
    int64_t provider = q->visit.provider_id ? q->visit.provider_id : q->prov_id;
    if (q->in_visits) {
        if (qp_load_visits(q))
            qp_select_visit(q, q->visit.id);
        else
            q->gone = true;
    } else {
        show_visits(q, provider, q->visit.id); /* opened from the list (a visit started there): its visits follow */
    }
    return true;
}

void qp_leave_checklist(struct qa_pane *q)
{
    qp_sync_now(q);
    q->leave_checklist = q->in_checklist;
}
