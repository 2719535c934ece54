/* The Inclusion Panel pane's case view: its document - the pupil, the
 * reason, the triage, the decision and the option analysis, every quotation
 * with its costs - and how it is drawn. */

#include "panel_pane.h"

/* ---- the case view: its document --------------------------------------------------------------- */

static void doc_blank(struct panel *st)
{
    docview_add(&st->doc, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
}

/* The recommended option as the pack picks it: the chosen quotation, else
 * the lowest annual cost (the earliest of equals); -1 when no quotations. */
int pp_recommended(const struct panel *st, bool *chosen)
{
    int pick = -1;
    *chosen = false;
    for (size_t i = 0; i < st->nquotes; i++)
        if (st->quotes[i].q.chosen) {
            *chosen = true;
            return (int)i;
        }
    for (size_t i = 0; i < st->nquotes; i++)
        if (pick < 0 || st->quotes[i].cost.total < st->quotes[pick].cost.total)
            pick = (int)i;
    return pick;
}

bool pp_takes_quotes(const struct panel_case *c)
{
    return strcmp(c->status, "open") == 0 || strcmp(c->status, "deferred") == 0;
}

static void build_doc(struct panel *st)
{
    docview_clear(&st->doc);
    st->doc.item0 = -1;
    const struct panel_case *c = st->rec;
    const struct thresholds *th = &ui_config(st->ui)->th;
    char buf[3 * PANEL_TEXT_MAX], d1[11], d2[11], money[MONEY_LEN], limit[MONEY_LEN];

    docview_text(&st->doc, ATTR_HEADER, st->pupil_line, 1);
    snprintf(buf, sizeof buf, "%s · referred %s · %s%s · %s", label_text(LABELS_CASE_REASON, c->reason),
             date_format(c->referral_date, d1), c->panel_date == DATE_NONE ? "no panel date yet" : "panel ",
             c->panel_date == DATE_NONE ? "" : date_format(c->panel_date, d2), label_text(LABELS_CASE_STATUS, c->status));
    docview_text(&st->doc, strcmp(c->status, "open") == 0 ? ATTR_DIM : ATTR_HEADER, buf, 1);
    if (st->warn_level != FLAG_NONE) {
        snprintf(buf, sizeof buf, "%s %s", draw_flag_marker(st->warn_level), st->warn);
        docview_wrap(&st->doc, DOC_TEXT, draw_flag_attr(st->warn_level), NULL, buf, 1, 3, st->doc.width - 4);
    }
    doc_blank(st);
    docview_field(&st->doc, "Triage recommendation", c->triage_recommendation, "– (E edits the case)");
    docview_field(&st->doc, "Decision", c->decision,
              strcmp(c->status, "open") == 0 ? "– not yet decided (D records the panel's decision)" : NULL);

    /* The option analysis */
    doc_blank(st);
    money_format_short(th->quote_threshold, limit, sizeof limit);
    snprintf(buf, sizeof buf, "Option analysis: %zu quotation%s (%d needed for a placement under %s)", st->nquotes,
             st->nquotes == 1 ? "" : "s", th->quotes_required, limit);
    docview_text(&st->doc, ATTR_HEADER, buf, 1);
    bool chosen = false;
    int rec = pp_recommended(st, &chosen);
    if (st->nquotes) {
        docview_add(&st->doc, DOC_ITEM_HEAD, ATTR_HEADER, NULL, "", 0, 0, -1);
        st->doc.item0 = st->doc.n;
        for (size_t i = 0; i < st->nquotes; i++)
            docview_add(&st->doc, DOC_ITEM, ATTR_NORMAL, NULL, "", 0, 0, (int)i);
        const struct panel_quote_row *r = &st->quotes[rec];
        if (chosen)
            snprintf(buf, sizeof buf, "* recommended: %s, %s a year (c on another changes it)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        else
            snprintf(buf, sizeof buf,
                     "None chosen yet: c marks the quotation under the cursor as recommended (until then the pack "
                     "takes the lowest, %s at %s)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        docview_text(&st->doc, chosen ? ATTR_FLAG_GREEN : ATTR_DIM, buf, 1);
        if (chosen && r->q.recommend_reason[0]) {
            /* Recommended all the same (issue 13): the reason, flagged. */
            snprintf(buf, sizeof buf,
                     "~ Recommended although %s was suspended or red-flagged when chosen, for the reason recorded: %s",
                     r->provider, r->q.recommend_reason);
            docview_text(&st->doc, ATTR_FLAG_AMBER, buf, 3);
        }
        docview_text(&st->doc, ATTR_DIM, "Sess/wk: half days · £/week: tuition · A year: 39 weeks, transport included", 1);
    } else {
        snprintf(buf, sizeof buf, "No quotations yet: %s", pp_takes_quotes(c) ? "a adds one" : "none were recorded");
        docview_text(&st->doc, ATTR_DIM, buf, 3);
    }
    if (!pp_takes_quotes(c))
        docview_text(&st->doc, ATTR_DIM, "The case is decided: its quotations are the record (D → Open reopens it).", 1);

    /* The dates and who changed it */
    doc_blank(st);
    int deadline = panel_referral_deadline(&st->cal, c->panel_date);
    if (deadline != DATE_NONE) {
        int late = c->referral_date - deadline;
        snprintf(buf, sizeof buf, "%s %s, the week before the panel (%s)", label_weekday(date_weekday(deadline)),
                 date_format(deadline, d1), late > 0 ? "this referral came after it" : "referred in time");
        docview_field(&st->doc, "Referral deadline", buf, NULL);
    }
    if (c->updated_at[0]) {
        snprintf(buf, sizeof buf, "%.16s%s%s", c->updated_at, c->updated_by[0] ? " by " : "", c->updated_by);
        docview_field(&st->doc, "Last changed", buf, NULL);
    }
}

/* The quotation table's columns for the window's width. */
struct quote_cols {
    int name_x, name_w, sess_x, session_x, week_x, transport_x, annual_x, mark_x;
};

static struct quote_cols quote_columns(int width)
{
    struct quote_cols c;
    /* marker, provider, Sess/wk 7, £/session 10, £/week 10, Transport 10, A year 11, mark 1 */
    int fixed = 1 + (7 + 1) + (10 + 1) + (10 + 1) + (10 + 1) + (11 + 1) + (1 + 1);
    c.name_x = 1;
    c.name_w = width - fixed - 1;
    if (c.name_w > 40)
        c.name_w = 40; /* on a wide terminal the figures stay near their names */
    if (c.name_w < 12)
        c.name_w = 12;
    c.sess_x = c.name_x + c.name_w + 1;
    c.session_x = c.sess_x + 8;
    c.week_x = c.session_x + 11;
    c.transport_x = c.week_x + 11;
    c.annual_x = c.transport_x + 11;
    c.mark_x = c.annual_x + 12;
    return c;
}

/* The quotations' table: its heading and a quotation's line. */
static void draw_item(void *ctx, WINDOW *w, int y, const struct doc_line *d)
{
    struct panel *st = ctx;
    int width = getmaxx(w);
    switch (d->kind) {
    case DOC_ITEM_HEAD: {
        struct quote_cols c = quote_columns(width);
        attr_t a = attr_of(ATTR_HEADER);
        draw_cell_text(w, y, c.name_x, c.name_w, "Provider", a, false);
        draw_cell_text(w, y, c.sess_x, 7, "Sess/wk", a, true);
        draw_cell_text(w, y, c.session_x, 10, "£/session", a, true);
        draw_cell_text(w, y, c.week_x, 10, "£/week", a, true);
        draw_cell_text(w, y, c.transport_x, 10, "Transport", a, true);
        draw_cell_text(w, y, c.annual_x, 11, "A year", a, true);
        break;
    }
    case DOC_ITEM: {
        const struct panel_quote_row *r = &st->quotes[d->item];
        struct quote_cols c = quote_columns(width);
        bool selected = d->item == st->doc.cursor;
        char name[200], m[MONEY_LEN];
        snprintf(name, sizeof name, "%s%s", r->provider,
                 strcmp(r->provider_status, "suspended") == 0 ? " (suspended)" : "");
        draw_cell_text(w, y, c.name_x, c.name_w, name, attr_of(selected ? ATTR_SELECTED : ATTR_NORMAL), false);
        char sess[16];
        snprintf(sess, sizeof sess, "%d", r->q.sessions_per_week);
        draw_cell_text(w, y, c.sess_x, 7, sess, r->q.sessions_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        draw_cell_text(w, y, c.session_x, 10, r->cost.has_per_session ? money_format(r->cost.per_session, m, sizeof m) : "–",
                 r->cost.has_per_session ? A_NORMAL : attr_of(ATTR_DIM), true);
        draw_cell_text(w, y, c.week_x, 10, money_format(r->cost.per_week, m, sizeof m), A_NORMAL, true);
        draw_cell_text(w, y, c.transport_x, 10,
                 r->q.transport_per_week ? money_format(r->q.transport_per_week, m, sizeof m) : "none",
                 r->q.transport_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        draw_cell_text(w, y, c.annual_x, 11, money_format(r->cost.total, m, sizeof m),
                 attr_of(r->q.chosen ? ATTR_FLAG_GREEN : ATTR_NORMAL), true);
        draw_cell_text(w, y, c.mark_x, 1, r->q.chosen ? "*" : "", attr_of(ATTR_FLAG_GREEN), false);
        break;
    }
    default: break;
    }
}

/* The quotation under the cursor in words, for the status line. */
void pp_make_case_detail(struct panel *st)
{
    st->detail[0] = '\0';
    if (!st->nquotes || st->doc.cursor >= (int)st->nquotes)
        return;
    const struct panel_quote_row *r = &st->quotes[st->doc.cursor];
    char rate[MONEY_LEN], tu[MONEY_LEN], tr[MONEY_LEN], h[16];
    draw_hours(r->q.hours_per_week, h, sizeof h);
    int n = snprintf(st->detail, sizeof st->detail, "%s: %s per %s, %d session%s (%s h) a week; %s tuition + %s transport",
                     r->provider, money_format(r->q.rate, rate, sizeof rate), pp_basis_word(r->q.cost_basis),
                     r->q.sessions_per_week, r->q.sessions_per_week == 1 ? "" : "s", h,
                     money_format(r->cost.tuition, tu, sizeof tu), money_format(r->cost.transport, tr, sizeof tr));
    if (n > 0 && (size_t)n < sizeof st->detail && r->q.notes[0])
        snprintf(st->detail + n, sizeof st->detail - (size_t)n, " · %.300s", r->q.notes);
}

void pp_draw_case(struct panel *st, WINDOW *w)
{
    st->win = w;
    st->doc.width = getmaxx(w);
    build_doc(st);
    if (st->doc.cursor >= (int)st->nquotes)
        st->doc.cursor = st->nquotes ? (int)st->nquotes - 1 : 0;
    int body = getmaxy(w);
    /* The last line: a notice, "more", or the quotation under the cursor. */
    st->doc.height = body - 1 > 0 ? body - 1 : 1;
    docview_draw(&st->doc, w, draw_item, st);
    char where[120];
    if (st->notice.text[0]) {
        draw_line(w, body - 1, 1, st->notice.text, attr_of(st->notice.error ? ATTR_ERROR : ATTR_HEADER));
    } else if (docview_more(&st->doc, where, sizeof where)) {
        draw_line(w, body - 1, 1, where, attr_of(ATTR_DIM));
    } else {
        pp_make_case_detail(st);
        draw_line(w, body - 1, 1, st->detail, attr_of(ATTR_DIM));
    }
}


/* ---- the case: a view over the list -------------------------------------------------------------- */

static void case_view_draw(void *self, WINDOW *w)
{
    struct panel *st = self;
    if (st->case_gone) {
        draw_gone(w, st->notice.text);
        return;
    }
    pp_draw_case(st, w);
    pp_draw_notice(st, w);
}

static void case_view_reload(void *self, const struct view_change *what)
{
    (void)what; /* any part of the case may have changed */
    struct panel *st = self;
    if (!st->case_gone && !pp_load_case(st))
        st->case_gone = true;
}

static enum view_key case_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct panel *st = self;
    enum view_key res;
    if (docview_record_key(&st->doc, (int)st->nquotes, &st->notice, st->case_gone, &st->then, act, ret, ch, &res))
        return res;
    switch (act->id) {
    case ACT_OPEN:
    case ACT_EDIT: pp_edit_quote(st); break;
    case ACT_ADD:
    case ACT_PANEL_QUOTE: pp_add_quote(st); break;
    case ACT_DELETE: pp_delete_quote(st); break;
    case ACT_PANEL_CHOOSE: pp_choose_quote(st); break;
    case ACT_PANEL_DECISION: pp_decide(st); break;
    case ACT_PANEL_EDIT_CASE: pp_edit_case(st, st->case_id); break;
    case ACT_PANEL_PUPIL:
        if (!st->rec || !st->rec->pupil_id)
            break;
        st->show_pupil = st->rec->pupil_id; /* in the roll, once this view closes */
        return VIEW_CLOSE;
    case ACT_PANEL_EXPORT: pp_export_pack(st); break;
    case ACT_PANEL_DMT: pp_export_report(st); break;
    default: return VIEW_PASS;
    }
    return st->case_gone ? VIEW_CLOSE : VIEW_DONE;
}

static const enum action_id case_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_EDIT, ACT_ADD, ACT_PANEL_QUOTE, ACT_DELETE,
                                           ACT_PANEL_CHOOSE, ACT_PANEL_DECISION, ACT_PANEL_EDIT_CASE, ACT_PANEL_PUPIL,
                                           ACT_PANEL_EXPORT, ACT_PANEL_DMT, ACT_SEARCH, ACT_SORT, ACT_FILTER,
                                           ACT_NONE};
static const enum action_id case_hints[] = {ACT_PANEL_QUOTE, ACT_EDIT, ACT_PANEL_CHOOSE, ACT_PANEL_DECISION,
                                            ACT_PANEL_EDIT_CASE, ACT_NONE};

static const struct view_ops case_view = {
    .title = "a panel case",
    .keys = case_keys,
    .hints = case_hints,
    .draw = case_view_draw,
    .key = case_view_key,
    .reload = case_view_reload,
};

const struct view_ops *panel_case_view_ops(void) { return &case_view; }

void pp_run_case(struct panel *st, int64_t id)
{
    if (st->in_case) {
        /* Already in a case: this one shows in its view. */
        pp_open_case(st, id);
        return;
    }
    if (!pp_open_case(st, id))
        return; /* pp_load_case said why */
    st->in_case = true;
    st->case_gone = false;
    st->show_pupil = 0;
    st->then.act = NULL;
    ui_run_view(st->ui, &case_view, st);
    st->in_case = false;
    st->case_gone = false;
    pp_refilter(st, st->case_id); /* the list's cursor on the case just shown */
}
