/* The QA pane's checklist (answering a visit's items) and its forms: a
 * comment, a new visit, closing a visit. */

#include "qa_parts.h"

/* ---- the checklist -------------------------------------------------------------------------- */

struct counts {
    int answered, yes, no, na, sg_no;
};

static struct counts count_answers(const struct qa_pane *q)
{
    struct counts c = {0};
    for (size_t i = 0; i < q->nitems; i++) {
        const struct qa_item *it = &q->items[i];
        if (it->answer == QA_UNANSWERED)
            continue;
        c.answered++;
        c.yes += it->answer == QA_YES;
        c.na += it->answer == QA_NA;
        if (it->answer == QA_NO) {
            c.no++;
            c.sg_no += it->safeguarding;
        }
    }
    return c;
}

static void draw_check_row(struct qa_pane *q, WINDOW *w, int r)
{
    int y = q->list_y + (r - q->top);
    if (r < q->top || r >= q->top + q->list_h || r >= q->nrows)
        return;
    wmove(w, y, 0);
    wclrtoeol(w);
    const struct check_row *row = &q->rows[r];
    if (row->item < 0) {
        /* A section heading, with how far it is answered. */
        const char *section = q->items[row->section_first].section;
        int total = 0, done = 0;
        for (size_t i = (size_t)row->section_first; i < q->nitems && strcmp(q->items[i].section, section) == 0; i++) {
            total++;
            done += q->items[i].answer != QA_UNANSWERED;
        }
        char buf[300];
        snprintf(buf, sizeof buf, "%s  %d/%d", section, done, total);
        qp_put(w, y, 2, 0, buf, attr_of(ATTR_HEADER), false);
        return;
    }
    const struct qa_item *it = &q->items[row->item];
    bool sel = r == q->cur;
    wattrset(w, attr_of(ATTR_SELECTED));
    mvwaddstr(w, y, 0, sel ? "▶" : " ");
    wattrset(w, A_NORMAL);
    static const char *const words[] = {" ?  ", "Yes ", "No  ", "N/A "};
    enum attr_meaning a = it->answer == QA_UNANSWERED ? ATTR_MISSING
                          : it->answer == QA_NO       ? (it->safeguarding ? ATTR_FLAG_RED : ATTR_FLAG_AMBER)
                          : it->answer == QA_NA       ? ATTR_DIM
                                                      : ATTR_FLAG_GREEN;
    qp_put(w, y, 1, 4, words[it->answer], attr_of(a), false);
    qp_put(w, y, 5, 1, it->safeguarding ? "S" : " ", attr_of(ATTR_FLAG_AMBER), false);
    qp_put(w, y, 6, 1, it->comment[0] ? "*" : " ", attr_of(ATTR_DIM), false);
    char buf[1100];
    snprintf(buf, sizeof buf, "%2d %s", it->position, it->text);
    qp_put(w, y, 8, 0, buf, attr_of(sel ? ATTR_SELECTED : ATTR_NORMAL), false);
}

/* The item under the cursor in full, its comment and who answered it. */
static void draw_check_foot(struct qa_pane *q, WINDOW *w)
{
    int h = getmaxy(w), width = getmaxx(w) - 3;
    int y0 = h - CHECK_FOOT;
    for (int y = y0; y < h; y++) {
        wmove(w, y, 0);
        wclrtoeol(w);
    }
    const struct qa_item *it = qp_cur_item(q);
    char buf[1400];
    if (!it) {
        qp_draw_foot(q, w, NULL, A_NORMAL);
        return;
    }
    snprintf(buf, sizeof buf, "── %d of %zu · %s%s ", it->position, q->nitems, it->section,
             it->safeguarding ? " · safeguarding: a No flags the provider" : "");
    wattrset(w, attr_of(ATTR_DIM));
    for (int x = 0; x < getmaxx(w); x++)
        mvwaddstr(w, y0, x, "─");
    qp_put(w, y0, 0, utf8_width(buf), buf, attr_of(ATTR_DIM), false);
    /* The wording, wrapped over up to three lines. */
    size_t len = strlen(it->text), start = 0, end;
    int y = y0 + 1;
    while (start != SIZE_MAX && y < y0 + 4) {
        size_t next = textedit_next_line(it->text, len, start, width, &end);
        if (y == y0 + 3 && next != SIZE_MAX) {
            snprintf(buf, sizeof buf, "%.*s", (int)(len - start), it->text + start);
            qp_put(w, y, 2, width, buf, A_NORMAL, false); /* the rest, cut with … */
        } else {
            snprintf(buf, sizeof buf, "%.*s", (int)(end - start), it->text + start);
            qp_put(w, y, 2, width, buf, A_NORMAL, false);
        }
        y++;
        start = next;
    }
    if (it->comment[0]) {
        char flat[sizeof it->comment];
        snprintf(flat, sizeof flat, "%s", it->comment);
        for (char *p = flat; *p; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        snprintf(buf, sizeof buf, "Comment: %s", flat);
        qp_put(w, h - 2, 2, width, buf, attr_of(ATTR_NORMAL), false);
    } else {
        qp_put(w, h - 2, 2, width, "No comment (c adds one)", attr_of(ATTR_DIM), false);
    }
    char who[200] = "Not answered yet: y yes, n no, x not applicable";
    if (it->version) {
        static const char *const said[] = {"No answer", "Yes", "No", "N/A"};
        char when[40];
        qp_local_stamp(it->updated_at, when, sizeof when);
        snprintf(who, sizeof who, "%s, by %s at %s%s", said[it->answer], it->updated_by, when,
                 q->visit.closed ? " (the visit is closed)" : "");
    } else if (q->visit.closed) {
        snprintf(who, sizeof who, "Not answered; the visit is closed");
    }
    qp_draw_foot(q, w, who, attr_of(ATTR_DIM));
}

static void draw_counter(struct qa_pane *q, WINDOW *w)
{
    struct counts c = count_answers(q);
    char buf[400];
    int n = snprintf(buf, sizeof buf, "%d of %zu answered · %d yes, %d no, %d n/a", c.answered, q->nitems, c.yes,
                     c.no, c.na);
    if (n > 0 && (size_t)n < sizeof buf) {
        if (q->visit.closed)
            snprintf(buf + n, sizeof buf - (size_t)n, " · closed: %s, next due %s",
                     label_text(LABELS_QA_OUTCOME, q->visit.outcome),
                     q->visit.next_due != DATE_NONE ? date_format(q->visit.next_due, (char[11]){0}) : "–");
        else if (c.answered == (int)q->nitems && q->nitems)
            snprintf(buf + n, sizeof buf - (size_t)n, " · all answered: C closes the visit");
        else if (!c.sg_no)
            snprintf(buf + n, sizeof buf - (size_t)n, " · C closes the visit");
    }
    qp_line(w, 2, buf, attr_of(c.answered < (int)q->nitems ? ATTR_MISSING : ATTR_NORMAL));
    if (c.sg_no) {
        /* After the counter, which always shows: the provider is flagged. */
        char sg[200];
        int x = 1 + utf8_width(buf);
        snprintf(sg, sizeof sg, " ! %d safeguarding No: the provider is flagged until a later visit answers Yes",
                 c.sg_no);
        if (x + 8 < getmaxx(w))
            qp_put(w, 2, x, 0, sg, attr_of(ATTR_FLAG_RED), false);
    }
}

void qp_draw_checklist(struct qa_pane *q, WINDOW *w)
{
    q->win = w;
    char d[11], buf[700];
    snprintf(buf, sizeof buf, "%s visit, %s · %s", qp_stage_name(q->visit.stage), date_format(q->visit.visit_date, d),
             q->visit.provider_name);
    qp_line(w, 0, buf, attr_of(ATTR_HEADER));
    if (q->visit.template_id)
        snprintf(buf, sizeof buf, "%s (revision %d) · visitors: %s", q->visit.template_title,
                 q->visit.template_revision, q->visit.visitors);
    else
        snprintf(buf, sizeof buf, "Recorded without a checklist · visitors: %s", q->visit.visitors);
    qp_line(w, 1, buf, attr_of(ATTR_DIM));
    draw_counter(q, w);
    q->list_y = CHECK_HEAD;
    q->list_h = getmaxy(w) - CHECK_HEAD - CHECK_FOOT;
    if (q->list_h < 1)
        q->list_h = 1;
    qp_keep_cursor_visible(q);
    for (int i = 0; i < q->list_h; i++) {
        wmove(w, q->list_y + i, 0);
        wclrtoeol(w);
        draw_check_row(q, w, q->top + i);
    }
    if (!q->nitems)
        qp_put(w, q->list_y + 1, 2, 0,
            q->visit.template_id ? "The checklist has no items." : "This visit was recorded without a checklist.",
            attr_of(ATTR_DIM), false);
    draw_check_foot(q, w);
}

/* Moves the cursor to an item row; repaints the rows that changed. */
unsigned qp_move_to(struct qa_pane *q, int r)
{
    if (q->nrows == 0)
        return REDRAW_NONE;
    if (r < 0)
        r = 0;
    if (r >= q->nrows)
        r = q->nrows - 1;
    /* Headings are not stops: go on in the direction of travel. */
    int dir = r >= q->cur ? 1 : -1;
    while (r >= 0 && r < q->nrows && q->rows[r].item < 0)
        r += dir;
    if (r < 0 || r >= q->nrows) {
        r -= dir;
        while (r >= 0 && r < q->nrows && q->rows[r].item < 0)
            r -= dir;
    }
    if (r < 0 || r >= q->nrows)
        return REDRAW_NONE;
    int old = q->cur, old_top = q->top;
    q->cur = r;
    qp_keep_cursor_visible(q);
    if (!q->win || q->top != old_top)
        return REDRAW_BODY | REDRAW_STATUS;
    draw_check_row(q, q->win, old);
    draw_check_row(q, q->win, q->cur);
    draw_check_foot(q, q->win);
    return REDRAW_PARTIAL | REDRAW_STATUS;
}

/* The next unanswered item after the cursor (wrapping), as a row; -1 when none. */
int qp_next_unanswered(const struct qa_pane *q)
{
    int from = q->cur >= 0 && q->cur < q->nrows && q->rows[q->cur].item >= 0 ? q->rows[q->cur].item : -1;
    for (size_t k = 1; k <= q->nitems; k++) {
        size_t i = (size_t)(from + (int)k) % q->nitems;
        if (q->items[i].answer == QA_UNANSWERED)
            return qp_row_of_item(q, (int)i);
    }
    return -1;
}

static bool visit_writable(struct qa_pane *q)
{
    if (!notice_can_write(q->ui, &q->notice))
        return false;
    if (q->visit.closed) {
        notice_say(q->ui, &q->notice, true, "This visit is closed: its answers are the record (a starts a new visit)");
        return false;
    }
    return true;
}

/* A "Yes" to a safeguarding item answers an open "No" of an earlier visit. */
static const struct open_no *answers_open_no(const struct qa_pane *q, const struct qa_item *it)
{
    for (size_t i = 0; i < q->nnos; i++)
        if (q->nos[i].visit_date <= q->visit.visit_date && strcmp(q->nos[i].text, it->text) == 0)
            return &q->nos[i];
    return NULL;
}

unsigned qp_answer(struct qa_pane *q, enum qa_answer a)
{
    const struct qa_item *cur = qp_cur_item(q);
    if (!cur)
        return REDRAW_NONE;
    if (!visit_writable(q))
        return REDRAW_BODY | REDRAW_STATUS;
    struct qa_item it = *cur;
    it.answer = a;
    ap_status st = qa_answer_save(ui_store(q->ui), q->visit.id, &it, ui_today(q->ui));
    if (st != AP_OK) {
        notice_say(q->ui, &q->notice, true, "Not recorded: %s", ap_error_detail());
        char keep[NOTICE_LEN];
        snprintf(keep, sizeof keep, "%s", q->notice.text);
        if (!qp_load_checklist(q, q->visit.id)) /* see what is there now */
            qp_leave_checklist(q);
        snprintf(q->notice.text, sizeof q->notice.text, "%s", keep);
        q->notice.error = true;
        return REDRAW_BODY | REDRAW_STATUS;
    }
    q->items[q->rows[q->cur].item] = it;
    q->dirty = true;
    q->last_write_ms = date_monotonic_ms();
    char d[11];
    const struct open_no *earlier = it.safeguarding && a == QA_YES ? answers_open_no(q, &it) : NULL;
    if (it.safeguarding && a == QA_NO)
        notice_say(q->ui, &q->notice, true, "No on a safeguarding item: %s is flagged red until a later closed visit answers it Yes",
            q->visit.provider_name);
    else if (earlier && q->nnos == 1)
        notice_say(q->ui, &q->notice, false, "Yes: the %s No of %s clears when this visit is closed", qp_stage_name(earlier->stage),
            date_format(earlier->visit_date, d));
    else if (earlier)
        notice_say(q->ui, &q->notice, false, "Yes: the No of the %s visit of %s is answered; %zu other No%s still open",
            qp_stage_name(earlier->stage), date_format(earlier->visit_date, d), q->nnos - 1,
            q->nnos == 2 ? " is" : "s are");
    int next = qp_next_unanswered(q);
    if (next < 0) {
        struct counts c = count_answers(q);
        if (!q->notice.text[0])
            notice_say(q->ui, &q->notice, false, "All %zu items answered (%d no): C closes the visit", q->nitems, c.no);
        next = q->cur + 1 < q->nrows ? q->cur + 1 : q->cur;
    }
    /* The counter, the heading and the row changed: redraw the body. */
    q->cur = next;
    while (q->cur < q->nrows && q->rows[q->cur].item < 0)
        q->cur++;
    if (q->cur >= q->nrows)
        q->cur = qp_row_of_item(q, (int)q->nitems - 1);
    qp_keep_cursor_visible(q);
    /* A safeguarding answer may raise or clear the provider's flag: the
     * shell counts the flags at once, so the status line and the other
     * panes show it before the user moves on. Other answers change nothing
     * outside this pane and wait for a pause. */
    if (it.safeguarding)
        qp_sync_now(q);
    return REDRAW_BODY | REDRAW_STATUS;
}

/* ---- forms: comment, new visit, close ----------------------------------------------------------- */

struct comment_ctx {
    struct qa_pane *q;
    struct qa_item it;
};

static ap_status comment_save(void *ctx)
{
    struct comment_ctx *c = ctx;
    return qa_answer_save(ui_store(c->q->ui), c->q->visit.id, &c->it, ui_today(c->q->ui));
}

static ap_status comment_reread(struct comment_ctx *c, bool keep_text)
{
    struct qa_item *items = NULL;
    size_t n = 0;
    ap_status st = qa_checklist_load(ui_store(c->q->ui), c->q->visit.id, &items, &n);
    if (st != AP_OK)
        return st;
    st = ap_fail(AP_ERR_NOT_FOUND, "the item is no longer on the checklist");
    for (size_t i = 0; i < n; i++)
        if (items[i].item_id == c->it.item_id) {
            if (keep_text) {
                c->it.version = items[i].version;
                c->it.answer = items[i].answer;
            } else {
                c->it = items[i];
            }
            st = AP_OK;
        }
    free(items);
    return st;
}

static ap_status comment_reload(void *ctx)
{
    return comment_reread(ctx, false);
}

static ap_status comment_take_version(void *ctx)
{
    return comment_reread(ctx, true);
}

static void comment_info(void *ctx, int field, char *buf, size_t len)
{
    struct comment_ctx *c = ctx;
    (void)field;
    snprintf(buf, len, "%d. %s", c->it.position, c->it.text);
}

unsigned qp_edit_comment(struct qa_pane *q)
{
    const struct qa_item *cur = qp_cur_item(q);
    if (!cur)
        return REDRAW_NONE;
    bool read_only = !store_can_write(ui_store(q->ui)) || q->visit.closed;
    struct comment_ctx c = {q, *cur};
    struct form_field fields[] = {
        {"Item", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Comment", FIELD_LONGTEXT, c.it.comment, sizeof c.it.comment, NULL, false, 0, 0,
         "What was seen, what is missing, what was agreed; the answer stays as it is"},
    };
    char title[300];
    snprintf(title, sizeof title, "Comment on item %d of the %s visit", cur->position, qp_stage_name(q->visit.stage));
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = &c,
        .read_only = read_only,
        .save = comment_save,
        .reload = comment_reload,
        .take_version = comment_take_version,
        .info = comment_info,
    };
    if (read_only)
        ui_message(q->ui, q->visit.closed ? "The visit is closed: the comment is shown read only"
                                          : "You have the viewer role: the comment is shown read only");
    if (form_run(q->ui, &f)) {
        q->items[q->rows[q->cur].item] = c.it;
        q->dirty = true;
        q->last_write_ms = date_monotonic_ms();
        notice_say(q->ui, &q->notice, false, "Comment saved on item %d", c.it.position);
    } else {
        qp_load_checklist(q, q->visit.id);
    }
    return REDRAW_ALL;
}

/* The new visit form. */
struct start_ctx {
    struct qa_pane *q;
    struct qa_visit v;
    struct qa_template_info *templates;
    size_t ntemplates;
};

static const struct qa_template_info *chosen_template(const struct start_ctx *c)
{
    for (size_t i = 0; i < c->ntemplates; i++)
        if (strcmp(c->templates[i].key, c->v.template_key) == 0)
            return &c->templates[i];
    return NULL;
}

static void start_info(void *ctx, int field, char *buf, size_t len)
{
    struct start_ctx *c = ctx;
    (void)field;
    const struct qa_template_info *t = chosen_template(c);
    enum qa_stage stage;
    if (!t || !qa_stage_of_template(t->stage, &stage)) {
        snprintf(buf, len, "–");
        return;
    }
    snprintf(buf, len, "%s%s · %d items, %d safeguarding · revision %d", qa_stage_name(stage),
             strcmp(t->stage, "checks") == 0 ? " (the provider checks are made at a Stage 1 visit)" : "", t->items,
             t->safeguarding_items, t->revision);
}

static ap_status start_save(void *ctx)
{
    struct start_ctx *c = ctx;
    const struct qa_template_info *t = chosen_template(c);
    enum qa_stage stage;
    if (!t || !qa_stage_of_template(t->stage, &stage))
        return ap_fail(AP_ERR_INVALID, "Checklist: choose one");
    snprintf(c->v.stage, sizeof c->v.stage, "%s", qa_stage_code(stage));
    return qa_visit_start(ui_store(c->q->ui), &c->v);
}

/* The stage most in need of a visit: the worst raised, the earliest due. */
static enum qa_stage stage_most_due(const struct qa_provider_row *p)
{
    enum qa_stage best = QA_STAGE1;
    enum flag_level level = FLAG_NONE;
    int due = DATE_NONE;
    for (int k = 0; k < QA_STAGE_COUNT; k++) {
        const struct qa_due *d = &p->due[k];
        if (!rules_flag_raised(d->level))
            continue;
        if (d->level > level || (d->level == level && d->due < due)) {
            best = (enum qa_stage)k;
            level = d->level;
            due = d->due;
        }
    }
    return best;
}

unsigned qp_start_visit(struct qa_pane *q, int64_t provider_id)
{
    if (!provider_id || !notice_can_write(q->ui, &q->notice))
        return REDRAW_BODY | REDRAW_STATUS;
    struct start_ctx c = {.q = q};
    qa_visit_init(&c.v);
    c.v.provider_id = provider_id;
    c.v.visit_date = ui_today(q->ui);
    if (qa_template_list(ui_store(q->ui), true, &c.templates, &c.ntemplates) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "Could not read the checklists: %s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (c.ntemplates == 0) {
        free(c.templates);
        notice_say(q->ui, &q->notice, true, "The store has no QA checklists: load one with apterm templates load FILE");
        return REDRAW_ALL;
    }
    /* Pick-list: every checklist's latest revision; the default is the one
     * for the stage most in need of a visit. */
    struct field_choice *choices = calloc(c.ntemplates + 1, sizeof *choices);
    char(*labels)[300] = calloc(c.ntemplates, sizeof *labels);
    struct qa_overview *one = NULL;
    if (!choices || !labels) {
        free(choices);
        free(labels);
        free(c.templates);
        notice_say(q->ui, &q->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    enum qa_stage want = QA_STAGE1;
    struct thresholds th = qp_pane_thresholds(q);
    if (qa_overview_load(ui_store(q->ui), &th, ui_today(q->ui), provider_id, &one) == AP_OK && one->n == 1)
        want = stage_most_due(&one->rows[0]);
    char name[sizeof one->rows[0].name] = "";
    if (one && one->n == 1)
        snprintf(name, sizeof name, "%s", one->rows[0].name);
    qa_overview_free(one);
    for (size_t i = 0; i < c.ntemplates; i++) {
        snprintf(labels[i], sizeof labels[i], "%s", c.templates[i].title);
        choices[i] = (struct field_choice){c.templates[i].key, labels[i]};
        enum qa_stage s;
        if (!c.v.template_key[0] && strcmp(c.templates[i].stage, qa_stage_code(want)) == 0 &&
            qa_stage_parse(c.templates[i].stage, &s))
            snprintf(c.v.template_key, sizeof c.v.template_key, "%s", c.templates[i].key);
    }
    if (!c.v.template_key[0])
        snprintf(c.v.template_key, sizeof c.v.template_key, "%s", c.templates[0].key);
    struct form_field fields[] = {
        {"Checklist", FIELD_CHOICE, c.v.template_key, sizeof c.v.template_key, choices, true, 0, 0,
         "←/→ choose the checklist; the visit is answered against its latest revision"},
        {"Stage", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Visit date", FIELD_DATE, &c.v.visit_date, 0, NULL, true, 0, 0, "YYYY-MM-DD, today, -3d"},
        {"Visitors", FIELD_TEXT, c.v.visitors, sizeof c.v.visitors, NULL, true, 0, 0,
         "Who made the visit: names, separated by ;"},
    };
    char title[300];
    snprintf(title, sizeof title, "New QA visit to %s", name);
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = &c,
        .save = start_save,
        .info = start_info,
    };
    bool saved = form_run(q->ui, &f);
    free(choices);
    free(labels);
    free(c.templates);
    if (!saved)
        return REDRAW_ALL;
    q->dirty = true;
    qp_sync_now(q);
    q->prov_id = provider_id;
    /* Said first: the checklist's view runs until the user goes back. */
    notice_say(q->ui, &q->notice, false, "Started the %s visit: y yes, n no, x n/a; each answer is saved at once",
        qp_stage_name(c.v.stage));
    qp_enter_checklist(q, c.v.id);
    return REDRAW_ALL;
}

/* A visit in the close and edit forms: read again by its id after a
 * conflict; the edit form saves it as an update (a visit is added by the new
 * visit form, closed by close_save). */
static ap_status visit_update(struct store *s, void *rec, int today)
{
    (void)today;
    return qa_visit_update(s, rec);
}

static ap_status visit_get(struct store *s, int64_t id, void *rec)
{
    return qa_visit_get(s, id, rec);
}

static const struct form_record_ops visit_ops = {.save = visit_update, .get = visit_get};

/* The close form. */
struct close_ctx {
    struct qa_pane *q;
    struct qa_visit v;
    struct counts counts;
    int nitems;
};

static ap_status close_save(void *ctx)
{
    struct close_ctx *c = ctx;
    return qa_visit_close(ui_store(c->q->ui), &c->v, &ui_config(c->q->ui)->th, ui_today(c->q->ui));
}

static void close_info(void *ctx, int field, char *buf, size_t len)
{
    struct close_ctx *c = ctx;
    const struct thresholds *th = &ui_config(c->q->ui)->th;
    enum qa_stage stage;
    char d[11];
    if (field == 1) {
        snprintf(buf, len, "%d of %d answered: %d yes, %d no (%d safeguarding), %d n/a", c->counts.answered,
                 c->nitems, c->counts.yes, c->counts.no, c->counts.sg_no, c->counts.na);
        return;
    }
    if (!qa_stage_parse(c->v.stage, &stage)) {
        snprintf(buf, len, "–");
        return;
    }
    char period[80];
    bool followup = strcmp(c->v.outcome, "unsatisfactory") == 0 || c->counts.sg_no > 0;
    if (followup)
        snprintf(period, sizeof period, "%d days: a follow-up after %s", th->qa_followup_days,
                 c->counts.sg_no > 0 ? "a safeguarding No" : "an Unsatisfactory outcome");
    else if (stage == QA_STAGE1)
        snprintf(period, sizeof period, "%d months", th->qa_stage1_months);
    else if (stage == QA_STAGE2)
        snprintf(period, sizeof period, "%d months", th->qa_stage2_months);
    else
        snprintf(period, sizeof period, "%d days", th->monitoring_days);
    snprintf(buf, len, "%s (the visit date + %s)", date_format(qa_next_due(stage, c->v.visit_date, followup, th), d),
             period);
}

unsigned qp_close_visit(struct qa_pane *q, int64_t visit_id)
{
    if (!visit_id || !notice_can_write(q->ui, &q->notice))
        return REDRAW_BODY | REDRAW_STATUS;
    qp_sync_now(q);
    struct close_ctx c = {.q = q};
    if (qa_visit_get(ui_store(q->ui), visit_id, &c.v) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (c.v.closed) {
        notice_say(q->ui, &q->notice, true, "This visit is already closed (%s)", label_text(LABELS_QA_OUTCOME, c.v.outcome));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    if (c.v.visit_date > ui_today(q->ui)) {
        notice_say(q->ui, &q->notice, true, "This visit is dated %s: it is closed once it has taken place", date_format(c.v.visit_date,
                                                                                                   (char[11]){0}));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    /* The answers as they are in the store. */
    struct qa_item *items = NULL;
    size_t n = 0;
    if (qa_checklist_load(ui_store(q->ui), visit_id, &items, &n) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].answer == QA_UNANSWERED)
            continue;
        c.counts.answered++;
        c.counts.yes += items[i].answer == QA_YES;
        c.counts.na += items[i].answer == QA_NA;
        c.counts.no += items[i].answer == QA_NO;
        c.counts.sg_no += items[i].answer == QA_NO && items[i].safeguarding;
    }
    free(items);
    c.nitems = (int)n;
    int left = c.nitems - c.counts.answered;
    if (left > 0) {
        /* Only a whole checklist counts as a visit (db/qa.h). */
        notice_say(q->ui, &q->notice, true, "%d of %d items not answered: answer every item (Yes, No or N/A) before closing the visit",
               left, c.nitems);
        return REDRAW_BODY | REDRAW_STATUS;
    }
    /* Suggested outcome from the answers. */
    snprintf(c.v.outcome, sizeof c.v.outcome, "%s",
             c.counts.sg_no ? "unsatisfactory" : c.counts.no ? "improvement_needed" : "satisfactory");
    static struct field_choice outcomes[8];
    form_choices(outcomes, sizeof outcomes / sizeof outcomes[0], LABELS_QA_OUTCOME);
    struct form_field fields[] = {
        {"Outcome", FIELD_CHOICE, c.v.outcome, sizeof c.v.outcome, outcomes, true, 0, 0,
         "←/→ choose; suggested from the answers"},
        {"Answers", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Next due", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        {"Notes", FIELD_LONGTEXT, c.v.notes, sizeof c.v.notes, NULL, false, 0, 0,
         "What was found and agreed, and what must be checked next time"},
    };
    char title[300];
    snprintf(title, sizeof title, "Close the %s visit of %s to %s", qp_stage_name(c.v.stage),
             date_format(c.v.visit_date, (char[11]){0}), c.v.provider_name);
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = &c,
        .save = close_save,
        FORM_RECORD_OF(&c.v, &visit_ops),
        .info = close_info,
    };
    if (!form_run(q->ui, &f))
        return REDRAW_ALL;
    q->dirty = true;
    qp_sync_now(q);
    if (qp_enter_visits(q, c.v.provider_id))
        qp_select_visit(q, c.v.id);
    notice_say(q->ui, &q->notice, false, "Closed the %s visit: %s; the next %s visit is due on %s", qp_stage_name(c.v.stage),
        label_text(LABELS_QA_OUTCOME, c.v.outcome), qp_stage_name(c.v.stage),
        date_format(c.v.next_due, (char[11]){0}));
    return REDRAW_ALL;
}

/* An open visit's date, visitors and notes. */
unsigned qp_edit_visit(struct qa_pane *q, int64_t visit_id)
{
    if (!visit_id || !notice_can_write(q->ui, &q->notice))
        return REDRAW_BODY | REDRAW_STATUS;
    struct qa_visit v;
    if (qa_visit_get(ui_store(q->ui), visit_id, &v) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "%s", ap_error_detail());
        return REDRAW_ALL;
    }
    if (v.closed) {
        notice_say(q->ui, &q->notice, true, "This visit is closed: it is the record of what was found and stays as it is");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct form_field fields[] = {
        {"Visit date", FIELD_DATE, &v.visit_date, 0, NULL, true, 0, 0, "YYYY-MM-DD, today, -3d"},
        {"Visitors", FIELD_TEXT, v.visitors, sizeof v.visitors, NULL, true, 0, 0,
         "Who made the visit: names, separated by ;"},
        {"Notes", FIELD_LONGTEXT, v.notes, sizeof v.notes, NULL, false, 0, 0, NULL},
    };
    char title[300];
    snprintf(title, sizeof title, "The open %s visit to %s", qp_stage_name(v.stage), v.provider_name);
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        FORM_RECORD_OF(&v, &visit_ops),
    };
    if (form_run(q->ui, &f)) {
        q->dirty = true;
        qp_sync_now(q);
        notice_say(q->ui, &q->notice, false, "Saved the visit");
    }
    return REDRAW_ALL;
}

unsigned qp_delete_visit(struct qa_pane *q)
{
    if (!q->nvisits || !notice_can_write(q->ui, &q->notice))
        return REDRAW_BODY | REDRAW_STATUS;
    const struct qa_visit *v = &q->visits[q->vlv.cursor];
    if (v->closed) {
        notice_say(q->ui, &q->notice, true, "A closed visit is the record of what was found: it is never deleted");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    char question[300], d[11];
    snprintf(question, sizeof question, "Delete the open %s visit of %s and its %d answer%s?", qp_stage_name(v->stage),
             date_format(v->visit_date, d), v->answered, v->answered == 1 ? "" : "s");
    if (!qp_confirm(q, question))
        return REDRAW_ALL;
    if (qa_visit_delete(ui_store(q->ui), v->id, v->version) != AP_OK) {
        notice_say(q->ui, &q->notice, true, "Not deleted: %s", ap_error_detail());
        qp_load_visits(q);
        return REDRAW_ALL;
    }
    q->dirty = true;
    qp_sync_now(q);
    notice_say(q->ui, &q->notice, false, "Deleted the open visit of %s", d);
    return REDRAW_ALL;
}

