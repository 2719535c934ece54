/* The Inclusion Panel pane's case view: its document - the pupil, the
 * reason, the triage, the decision and the option analysis, every quotation
 * with its costs - and how it is drawn. */

#include "panel_pane.h"

/* ---- the case view: its document --------------------------------------------------------------- */

void pp_doc_clear(struct panel *st)
{
    for (int i = 0; i < st->ndoc; i++)
        free(st->doc[i].text);
    st->ndoc = 0;
}

static void doc_add(struct panel *st, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                    size_t len, int indent, int quote)
{
    if (st->ndoc == st->capdoc) {
        int cap = st->capdoc ? st->capdoc * 2 : 64;
        struct doc_line *grown = realloc(st->doc, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        st->doc = grown;
        st->capdoc = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    st->doc[st->ndoc++] = (struct doc_line){kind, attr, label, copy, indent, quote};
}

struct doc_wrap_ctx {
    struct panel *st;
    enum doc_kind kind;
    enum attr_meaning attr;
    const char *label;
    int indent, cont;
};

static void doc_wrap_line(void *ctx, const char *line, size_t len, bool first)
{
    struct doc_wrap_ctx *c = ctx;
    doc_add(c->st, c->kind, c->attr, first ? c->label : NULL, line, len, first ? c->indent : c->cont, -1);
}

static void doc_wrap(struct panel *st, enum doc_kind kind, enum attr_meaning attr, const char *label, const char *text,
                     int indent, int cont, int cols)
{
    struct doc_wrap_ctx c = {st, kind, attr, label, indent, cont};
    textedit_wrap(text, cols, doc_wrap_line, &c);
}

static int doc_width(const struct panel *st)
{
    return st->win ? getmaxx(st->win) : 80;
}

static void doc_text(struct panel *st, enum attr_meaning attr, const char *text, int indent)
{
    doc_wrap(st, DOC_TEXT, attr, NULL, text, indent, indent, doc_width(st) - indent - 1);
}

static void doc_blank(struct panel *st)
{
    doc_add(st, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
}

/* A labelled field; empty shows as "–" or as the hint given. */
static void doc_field(struct panel *st, const char *label, const char *value, const char *empty)
{
    bool none = !value || !*value;
    doc_wrap(st, DOC_FIELD, none ? ATTR_DIM : ATTR_NORMAL, label, none ? (empty ? empty : "–") : value,
             FIELD_LABEL_COLS, FIELD_LABEL_COLS, doc_width(st) - FIELD_LABEL_COLS - 1);
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
    pp_doc_clear(st);
    st->qline0 = -1;
    const struct panel_case *c = st->rec;
    const struct thresholds *th = &ui_config(st->ui)->th;
    char buf[3 * PANEL_TEXT_MAX], d1[11], d2[11], money[MONEY_LEN], limit[MONEY_LEN];

    doc_text(st, ATTR_HEADER, st->pupil_line, 1);
    snprintf(buf, sizeof buf, "%s · referred %s · %s%s · %s", label_text(LABELS_CASE_REASON, c->reason),
             date_format(c->referral_date, d1), c->panel_date == DATE_NONE ? "no panel date yet" : "panel ",
             c->panel_date == DATE_NONE ? "" : date_format(c->panel_date, d2), label_text(LABELS_CASE_STATUS, c->status));
    doc_text(st, strcmp(c->status, "open") == 0 ? ATTR_DIM : ATTR_HEADER, buf, 1);
    if (st->warn_level != FLAG_NONE) {
        snprintf(buf, sizeof buf, "%s %s", pp_flag_marker(st->warn_level), st->warn);
        doc_wrap(st, DOC_TEXT, pp_flag_attr(st->warn_level), NULL, buf, 1, 3, doc_width(st) - 4);
    }
    doc_blank(st);
    doc_field(st, "Triage recommendation", c->triage_recommendation, "– (E edits the case)");
    doc_field(st, "Decision", c->decision,
              strcmp(c->status, "open") == 0 ? "– not yet decided (D records the panel's decision)" : NULL);

    /* The option analysis */
    doc_blank(st);
    money_format_short(th->quote_threshold, limit, sizeof limit);
    snprintf(buf, sizeof buf, "Option analysis: %zu quotation%s (%d needed for a placement under %s)", st->nquotes,
             st->nquotes == 1 ? "" : "s", th->quotes_required, limit);
    doc_text(st, ATTR_HEADER, buf, 1);
    bool chosen = false;
    int rec = pp_recommended(st, &chosen);
    if (st->nquotes) {
        doc_add(st, DOC_QHEAD, ATTR_HEADER, NULL, "", 0, 0, -1);
        st->qline0 = st->ndoc;
        for (size_t i = 0; i < st->nquotes; i++)
            doc_add(st, DOC_QUOTE, ATTR_NORMAL, NULL, "", 0, 0, (int)i);
        const struct panel_quote_row *r = &st->quotes[rec];
        if (chosen)
            snprintf(buf, sizeof buf, "* recommended: %s, %s a year (c on another changes it)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        else
            snprintf(buf, sizeof buf,
                     "None chosen yet: c marks the quotation under the cursor as recommended (until then the pack "
                     "takes the lowest, %s at %s)",
                     r->provider, money_format(r->cost.total, money, sizeof money));
        doc_text(st, chosen ? ATTR_FLAG_GREEN : ATTR_DIM, buf, 1);
        if (chosen && r->q.recommend_reason[0]) {
            /* Recommended all the same (issue 13): the reason, flagged. */
            snprintf(buf, sizeof buf,
                     "~ Recommended although %s was suspended or red-flagged when chosen, for the reason recorded: %s",
                     r->provider, r->q.recommend_reason);
            doc_text(st, ATTR_FLAG_AMBER, buf, 3);
        }
        doc_text(st, ATTR_DIM, "Sess/wk: half days · £/week: tuition · A year: 39 weeks, transport included", 1);
    } else {
        snprintf(buf, sizeof buf, "No quotations yet: %s", pp_takes_quotes(c) ? "a adds one" : "none were recorded");
        doc_text(st, ATTR_DIM, buf, 3);
    }
    if (!pp_takes_quotes(c))
        doc_text(st, ATTR_DIM, "The case is decided: its quotations are the record (D → Open reopens it).", 1);

    /* The dates and who changed it */
    doc_blank(st);
    int deadline = panel_referral_deadline(&st->cal, c->panel_date);
    if (deadline != DATE_NONE) {
        int late = c->referral_date - deadline;
        snprintf(buf, sizeof buf, "%s %s, the week before the panel (%s)", label_weekday(date_weekday(deadline)),
                 date_format(deadline, d1), late > 0 ? "this referral came after it" : "referred in time");
        doc_field(st, "Referral deadline", buf, NULL);
    }
    if (c->updated_at[0]) {
        snprintf(buf, sizeof buf, "%.16s%s%s", c->updated_at, c->updated_by[0] ? " by " : "", c->updated_by);
        doc_field(st, "Last changed", buf, NULL);
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

void pp_draw_doc_line(struct panel *st, WINDOW *w, int i)
{
    int y = i - st->top;
    if (y < 0 || y >= st->height)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    if (i >= st->ndoc)
        return;
    const struct doc_line *d = &st->doc[i];
    int width = getmaxx(w);
    switch (d->kind) {
    case DOC_TEXT: pp_put_cell(w, y, d->indent, width - d->indent, d->text, attr_of(d->attr), false); break;
    case DOC_FIELD:
        if (d->label)
            pp_put_cell(w, y, 3, FIELD_LABEL_COLS - 4, d->label, attr_of(ATTR_DIM), false);
        pp_put_cell(w, y, FIELD_LABEL_COLS, width - FIELD_LABEL_COLS, d->text, attr_of(d->attr), false);
        break;
    case DOC_QHEAD: {
        struct quote_cols c = quote_columns(width);
        attr_t a = attr_of(ATTR_HEADER);
        pp_put_cell(w, y, c.name_x, c.name_w, "Provider", a, false);
        pp_put_cell(w, y, c.sess_x, 7, "Sess/wk", a, true);
        pp_put_cell(w, y, c.session_x, 10, "£/session", a, true);
        pp_put_cell(w, y, c.week_x, 10, "£/week", a, true);
        pp_put_cell(w, y, c.transport_x, 10, "Transport", a, true);
        pp_put_cell(w, y, c.annual_x, 11, "A year", a, true);
        break;
    }
    case DOC_QUOTE: {
        const struct panel_quote_row *r = &st->quotes[d->quote];
        struct quote_cols c = quote_columns(width);
        bool selected = d->quote == st->qcursor && st->mode == MODE_CASE;
        if (selected) {
            wattron(w, attr_of(ATTR_SELECTED));
            mvwaddstr(w, y, 0, "▶");
            wattroff(w, attr_of(ATTR_SELECTED));
        }
        char name[200], m[MONEY_LEN];
        snprintf(name, sizeof name, "%s%s", r->provider,
                 strcmp(r->provider_status, "suspended") == 0 ? " (suspended)" : "");
        pp_put_cell(w, y, c.name_x, c.name_w, name, attr_of(selected ? ATTR_SELECTED : ATTR_NORMAL), false);
        char sess[16];
        snprintf(sess, sizeof sess, "%d", r->q.sessions_per_week);
        pp_put_cell(w, y, c.sess_x, 7, sess, r->q.sessions_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        pp_put_cell(w, y, c.session_x, 10, r->cost.has_per_session ? money_format(r->cost.per_session, m, sizeof m) : "–",
                 r->cost.has_per_session ? A_NORMAL : attr_of(ATTR_DIM), true);
        pp_put_cell(w, y, c.week_x, 10, money_format(r->cost.per_week, m, sizeof m), A_NORMAL, true);
        pp_put_cell(w, y, c.transport_x, 10,
                 r->q.transport_per_week ? money_format(r->q.transport_per_week, m, sizeof m) : "none",
                 r->q.transport_per_week ? A_NORMAL : attr_of(ATTR_DIM), true);
        pp_put_cell(w, y, c.annual_x, 11, money_format(r->cost.total, m, sizeof m),
                 attr_of(r->q.chosen ? ATTR_FLAG_GREEN : ATTR_NORMAL), true);
        pp_put_cell(w, y, c.mark_x, 1, r->q.chosen ? "*" : "", attr_of(ATTR_FLAG_GREEN), false);
        break;
    }
    }
}

/* The quotation under the cursor in words, for the status line. */
void pp_make_case_detail(struct panel *st)
{
    st->detail[0] = '\0';
    if (!st->nquotes || st->qcursor >= (int)st->nquotes)
        return;
    const struct panel_quote_row *r = &st->quotes[st->qcursor];
    char rate[MONEY_LEN], tu[MONEY_LEN], tr[MONEY_LEN], h[16];
    pp_hours_text(r->q.hours_per_week, h, sizeof h);
    int n = snprintf(st->detail, sizeof st->detail, "%s: %s per %s, %d session%s (%s h) a week; %s tuition + %s transport",
                     r->provider, money_format(r->q.rate, rate, sizeof rate), pp_basis_word(r->q.cost_basis),
                     r->q.sessions_per_week, r->q.sessions_per_week == 1 ? "" : "s", h,
                     money_format(r->cost.tuition, tu, sizeof tu), money_format(r->cost.transport, tr, sizeof tr));
    if (n > 0 && (size_t)n < sizeof st->detail && r->q.notes[0])
        snprintf(st->detail + n, sizeof st->detail - (size_t)n, " · %.300s", r->q.notes);
}

void pp_keep_cursor_visible(struct panel *st)
{
    if (st->qline0 < 0)
        return;
    int line = st->qline0 + st->qcursor;
    if (line < st->top)
        st->top = line;
    if (line >= st->top + st->height)
        st->top = line - st->height + 1;
}

void pp_clamp_top(struct panel *st)
{
    int max_top = st->ndoc - st->height;
    if (st->top > max_top)
        st->top = max_top;
    if (st->top < 0)
        st->top = 0;
}

void pp_draw_case(struct panel *st, WINDOW *w)
{
    st->win = w;
    build_doc(st);
    if (st->qcursor >= (int)st->nquotes)
        st->qcursor = st->nquotes ? (int)st->nquotes - 1 : 0;
    int body = getmaxy(w);
    /* The last line: a notice, "more", or the quotation under the cursor. */
    st->height = body - 1 > 0 ? body - 1 : 1;
    pp_clamp_top(st);
    for (int y = 0; y < st->height; y++)
        pp_draw_doc_line(st, w, st->top + y);
    if (st->notice[0]) {
        pp_fit_line(w, body - 1, 1, st->notice, attr_of(st->notice_error ? ATTR_ERROR : ATTR_HEADER));
    } else if (st->ndoc > st->height) {
        char where[120];
        bool below = st->top + st->height < st->ndoc;
        snprintf(where, sizeof where, "%s (lines %d–%d of %d)",
                 below ? "↓ more below: PgDn, G for the end" : "↑ more above: PgUp, g for the top", st->top + 1,
                 st->top + st->height, st->ndoc);
        pp_fit_line(w, body - 1, 1, where, attr_of(ATTR_DIM));
    } else {
        pp_make_case_detail(st);
        pp_fit_line(w, body - 1, 1, st->detail, attr_of(ATTR_DIM));
    }
}

