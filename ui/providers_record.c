/* The provider directory's record view (a provider's document, wrapped to
 * the window), its contacts view, and the actions on a provider. */

#include "providers_parts.h"
#include "rowio.h"

/* ---- the record view: its document (ui/docview.h) ------------------------------------------- */

static void doc_field(struct providers *st, const char *label, const char *value)
{
    docview_field(&st->doc, label, value, NULL);
}

static void doc_date_field(struct providers *st, const char *label, int d)
{
    char buf[11];
    doc_field(st, label, d == DATE_NONE ? "" : date_format(d, buf));
}

static void doc_money_field(struct providers *st, const char *label, int64_t pence)
{
    char buf[MONEY_LEN];
    doc_field(st, label, pence ? money_format_short(pence, buf, sizeof buf) : "none recorded");
}

static void build_doc(struct providers *st)
{
    docview_clear(&st->doc);
    st->doc.item0 = -1;
    const struct provider *p = &st->rec;
    char buf[1200];

    docview_text(&st->doc, ATTR_HEADER, p->name, 1);
    bool suspended = strcmp(p->status, "suspended") == 0;
    snprintf(buf, sizeof buf, "%s · %s%s%s", label_text(LABELS_REGISTRATION, p->registration),
             suspended ? "Suspended: no new placements" : "Active", p->organisation[0] ? " · part of " : "",
             p->organisation);
    docview_text(&st->doc, suspended ? ATTR_FLAG_AMBER : ATTR_DIM, buf, 1);

    /* Flags, each with its reason */
    docview_add(&st->doc, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    if (st->nrflags == 0) {
        docview_text(&st->doc, ATTR_FLAG_GREEN,
                 st->npupils ? "No flags" : "No flags (the rules are checked while pupils are placed or proposed here)",
                 1);
    }
    for (size_t i = 0; i < st->nrflags; i++) {
        snprintf(buf, sizeof buf, "%s %s", draw_flag_marker(st->rflags[i].level), st->rflags[i].reason);
        /* continuation lines line up after the marker */
        docview_wrap(&st->doc, DOC_TEXT, draw_flag_attr(st->rflags[i].level), NULL, buf, 1, 3, st->doc.width - 4);
    }

    /* The pupils placed now */
    docview_add(&st->doc, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    int ft = 0;
    for (size_t i = 0; i < st->npupils; i++)
        ft += st->pupils[i].full_time;
    char hours[16];
    draw_hours(ui_config(st->ui)->th.fulltime_hours, hours, sizeof hours);
    if (st->npupils)
        snprintf(buf, sizeof buf, "Pupils placed now: %zu, %d full time (%s h/week or more)", st->npupils, ft, hours);
    else
        snprintf(buf, sizeof buf, "Pupils placed now: none");
    docview_text(&st->doc, ATTR_HEADER, buf, 1);
    if (st->npupils) {
        docview_add(&st->doc, DOC_ITEM_HEAD, ATTR_HEADER, NULL, "", 0, 0, -1);
        st->doc.item0 = st->doc.n;
        for (size_t i = 0; i < st->npupils; i++)
            docview_add(&st->doc, DOC_ITEM, ATTR_NORMAL, NULL, "", 0, 0, (int)i);
    }

    /* Contacts */
    docview_add(&st->doc, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    snprintf(buf, sizeof buf, "Contacts: %zu (t to add, change or delete)", st->ncontacts);
    docview_text(&st->doc, ATTR_HEADER, buf, 1);
    for (size_t i = 0; i < st->ncontacts; i++) {
        const struct provider_contact *c = &st->contacts[i];
        int n = snprintf(buf, sizeof buf, "%s", c->name);
        const char *parts[] = {c->job_role, c->phone, c->email};
        for (size_t k = 0; k < 3 && n >= 0 && (size_t)n < sizeof buf; k++)
            if (parts[k][0])
                n += snprintf(buf + n, sizeof buf - (size_t)n, " · %s", parts[k]);
        docview_text(&st->doc, ATTR_NORMAL, buf, 3);
    }

    /* Every field */
    docview_add(&st->doc, DOC_TEXT, ATTR_NORMAL, NULL, "", 0, 0, -1);
    docview_text(&st->doc, ATTR_HEADER, "Details", 1);
    doc_field(st, "Organisation", p->organisation);
    doc_field(st, "Registered manager", p->registered_manager);
    doc_field(st, "Address", p->address);
    doc_field(st, "Phone", p->phone);
    doc_field(st, "Email", p->email);
    doc_field(st, "Registration", label_text(LABELS_REGISTRATION, p->registration));
    doc_field(st, "URN", p->urn);
    doc_field(st, "UKPRN", p->ukprn);
    if (p->age_from && p->age_to)
        snprintf(buf, sizeof buf, "%d to %d", p->age_from, p->age_to);
    else if (p->age_from)
        snprintf(buf, sizeof buf, "from %d", p->age_from);
    else
        buf[0] = '\0';
    doc_field(st, "Age range", buf);
    doc_field(st, "ALN areas covered", p->aln_areas);
    doc_field(st, "Purpose", p->purpose);
    char money[MONEY_LEN];
    const char *basis = label_text(LABELS_COST_BASIS, p->cost_basis);
    snprintf(buf, sizeof buf, "%s %c%s", money_format(p->cost_rate, money, sizeof money),
             basis[0] >= 'A' && basis[0] <= 'Z' ? basis[0] - 'A' + 'a' : basis[0], basis[0] ? basis + 1 : "");
    doc_field(st, "Cost", p->cost_rate ? buf : "");
    doc_field(st, "Safeguarding lead", p->dsl_name);
    doc_date_field(st, "Safeguarding policy", p->safeguarding_policy_date);
    doc_date_field(st, "Safeguarding training", p->safeguarding_training_date);
    doc_date_field(st, "Enhanced DBS checked", p->dbs_checked_date);
    doc_field(st, "References checked", p->references_checked ? "yes" : "no");
    doc_date_field(st, "Declaration date", p->declaration_date);
    doc_money_field(st, "Public liability", p->public_liability);
    doc_money_field(st, "Employer's liability", p->employers_liability);
    doc_money_field(st, "Professional indemnity", p->professional_indemnity);
    doc_field(st, "Motor cover", p->motor_cover ? "yes" : "no");
    doc_field(st, "Subcontractor cover", p->subcontractor_cover ? "yes" : "no");
    doc_date_field(st, "Insurance expiry", p->insurance_expiry);
    doc_date_field(st, "Initial site visit", p->initial_visit_date);
    doc_date_field(st, "Last Stage 1 visit", st->rec_last_s1);
    doc_date_field(st, "Last Stage 2 visit", st->rec_last_s2);
    doc_field(st, "Status", label_text(LABELS_PROVIDER_STATUS, p->status));
    doc_field(st, "Notes", p->notes);
    if (p->updated_at[0]) {
        snprintf(buf, sizeof buf, "%.16s%s%s", p->updated_at, p->updated_by[0] ? " by " : "", p->updated_by);
        doc_field(st, "Last changed", buf);
    }
}

/* ---- the record view: loading ---------------------------------------------------------------- */

static void free_record_flags(struct providers *st);

void pr_free_record(struct providers *st)
{
    free(st->contacts);
    free(st->pupils);
    free_record_flags(st);
    st->contacts = NULL;
    st->pupils = NULL;
    st->ncontacts = st->npupils = 0;
}

struct rflag_ctx {
    struct providers *st;
    size_t cap;
};

static void collect_rec_flag(void *ctx, const struct flag_row *f)
{
    struct rflag_ctx *c = ctx;
    struct providers *st = c->st;
    if (!pr_provider_flag(f) || f->provider_id != st->rec_id)
        return;
    struct rec_flag *grown = rowio_grow(st->rflags, &c->cap, st->nrflags, sizeof *grown);
    if (!grown)
        return;
    st->rflags = grown;
    char *reason = strdup(f->reason);
    if (reason)
        st->rflags[st->nrflags++] = (struct rec_flag){f->level, reason};
}

static void free_record_flags(struct providers *st)
{
    for (size_t i = 0; i < st->nrflags; i++)
        free(st->rflags[i].reason);
    free(st->rflags);
    st->rflags = NULL;
    st->nrflags = 0;
}

/* The record's flags, in the order of the rules: from the shell's latest
 * pass, or (before its first, or own_pass: the record read again under a
 * view, before the shell counts again) a pass over this provider alone. */
void pr_apply_record_flags(struct providers *st, bool own_pass)
{
    free_record_flags(st);
    struct rflag_ctx c = {st, 0};
    const struct flag_row *rows;
    size_t n;
    if (!own_pass && ui_flags(st->ui, &rows, &n)) {
        for (size_t i = 0; i < n; i++)
            collect_rec_flag(&c, &rows[i]);
    } else if (flags_for_provider(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), st->rec_id,
                                  collect_rec_flag, &c, NULL) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Could not work out the flags: %s", ap_error_detail());
    }
}

/* Reads the provider of the record view afresh. False (with a message) when
 * it cannot be read, e.g. someone else deleted it. */
bool pr_load_record(struct providers *st)
{
    struct store *s = ui_store(st->ui);
    const struct thresholds *th = &ui_config(st->ui)->th;
    int today = ui_today(st->ui);
    int64_t keep_pupil = st->npupils && st->doc.cursor < (int)st->npupils ? st->pupils[st->doc.cursor].pupil_id : 0;
    pr_free_record(st);
    ap_status rc = provider_get(s, st->rec_id, &st->rec);
    if (rc != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", rc == AP_ERR_NOT_FOUND ? "That provider is no longer in the store (deleted by someone else?)"
                                                   : ap_error_detail());
        return false;
    }
    if (provider_contact_list(s, st->rec_id, &st->contacts, &st->ncontacts) != AP_OK ||
        placement_provider_pupils(s, st->rec_id, today, th, &st->pupils, &st->npupils) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
    }
    listview_set_rows(&st->clv, (int)st->ncontacts);
    pr_apply_record_flags(st, true);
    int i = pr_row_of_id(st, st->rec_id);
    st->rec_last_s1 = i >= 0 ? st->list->rows[i].last_stage1 : DATE_NONE;
    st->rec_last_s2 = i >= 0 ? st->list->rows[i].last_stage2 : DATE_NONE;
    st->doc.cursor = 0;
    for (size_t k = 0; k < st->npupils; k++)
        if (st->pupils[k].pupil_id == keep_pupil)
            st->doc.cursor = (int)k;
    return true;
}

bool pr_open_record(struct providers *st, int64_t id)
{
    if (st->rec_id != id) {
        st->npupils = 0;
        st->doc.top = 0;
    }
    st->rec_id = id;
    return pr_load_record(st);
}

/* ---- the record view: drawing ------------------------------------------------------------------ */

/* Pupil table columns for the window's width: x and width of each. */
struct pupil_cols {
    int name_x, name_w, year_x, hours_x, ft_x, notes_x, notes_w;
};

static struct pupil_cols pupil_columns(int width)
{
    struct pupil_cols c;
    int rest = width - 1 - (10 + 1) - (6 + 1) - (9 + 1);
    c.name_x = 1;
    c.name_w = rest / 2 > 16 ? rest / 2 : 16;
    c.year_x = c.name_x + c.name_w + 1;
    c.hours_x = c.year_x + 11;
    c.ft_x = c.hours_x + 7;
    c.notes_x = c.ft_x + 10;
    c.notes_w = width - c.notes_x;
    return c;
}

/* The pupils' table: its heading and a pupil's line. */
static void draw_item(void *ctx, WINDOW *w, int y, const struct doc_line *d)
{
    struct providers *st = ctx;
    int width = getmaxx(w);
    switch (d->kind) {
    case DOC_ITEM_HEAD: {
        struct pupil_cols c = pupil_columns(width);
        attr_t a = attr_of(ATTR_HEADER);
        draw_cell_text(w, y, c.name_x, c.name_w, "Name", a, false);
        draw_cell_text(w, y, c.year_x, 10, "Year group", a, false);
        draw_cell_text(w, y, c.hours_x, 6, "h/week", a, true);
        draw_cell_text(w, y, c.ft_x, 9, "Full time", a, false);
        draw_cell_text(w, y, c.notes_x, c.notes_w, "", a, false);
        break;
    }
    case DOC_ITEM: {
        const struct provider_pupil *pp = &st->pupils[d->item];
        struct pupil_cols c = pupil_columns(width);
        bool selected = d->item == st->doc.cursor;
        draw_cell_text(w, y, c.name_x, c.name_w, pp->name, attr_of(selected ? ATTR_SELECTED : ATTR_NORMAL), false);
        char year[24], hours[16], notes[80] = "";
        rules_year_group_name(pp->year_group, year, sizeof year);
        draw_hours(pp->weekly_hours, hours, sizeof hours);
        draw_cell_text(w, y, c.year_x, 10, year, A_NORMAL, false);
        draw_cell_text(w, y, c.hours_x, 6, hours, A_NORMAL, true);
        draw_cell_text(w, y, c.ft_x, 9, pp->full_time ? "yes" : "no", pp->full_time ? A_NORMAL : attr_of(ATTR_DIM),
                 false);
        bool plan = pp->plan[0] && strcmp(pp->plan, "none") != 0;
        snprintf(notes, sizeof notes, "%s%s%s", pp->looked_after ? "looked after" : "",
                 pp->looked_after && plan ? ", " : "", plan ? label_text(LABELS_PLAN, pp->plan) : "");
        draw_cell_text(w, y, c.notes_x, c.notes_w, notes, A_NORMAL, false);
        break;
    }
    default: break;
    }
}

void pr_draw_record(struct providers *st, WINDOW *w)
{
    st->win = w;
    st->doc.width = getmaxx(w);
    build_doc(st);
    if (st->doc.cursor >= (int)st->npupils)
        st->doc.cursor = st->npupils ? (int)st->npupils - 1 : 0;
    /* The last line is kept for a notice, or for "more" when the record is
     * longer than the window. */
    int body = getmaxy(w);
    bool notice = st->notice.text[0] != '\0';
    bool more = st->doc.n > body;
    st->doc.height = notice || more ? body - 1 : body;
    if (st->doc.height < 1)
        st->doc.height = 1;
    docview_draw(&st->doc, w, draw_item, st);
    char where[120];
    if (notice)
        draw_line(w, body - 1, 1, st->notice.text, attr_of(st->notice.error ? ATTR_ERROR : ATTR_HEADER));
    else if (more && docview_more(&st->doc, where, sizeof where))
        draw_line(w, body - 1, 1, where, attr_of(ATTR_DIM));
}

/* ---- the contacts view ---------------------------------------------------------------------------- */

void pr_contact_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct providers *st = ctx;
    const struct provider_contact *c = &st->contacts[row];
    const char *v[] = {c->name, c->job_role, c->phone, c->email};
    snprintf(buf, len, "%s", col < CONTACT_COLS ? v[col] : "");
    (void)attr;
}

void pr_draw_contacts(struct providers *st, WINDOW *w)
{
    char title[300];
    snprintf(title, sizeof title, "Contacts at %s: %zu", st->rec.name, st->ncontacts);
    draw_line(w, 0, 1, title, attr_of(ATTR_HEADER));
    listview_set_rows(&st->clv, (int)st->ncontacts);
    listview_draw(&st->clv, w, 2, getmaxy(w) - 3);
    if (st->ncontacts == 0)
        draw_line(w, 4, 2, "No contacts recorded: press a to add one.", attr_of(ATTR_DIM));
    int y = getmaxy(w) - 1;
    if (st->notice.text[0])
        draw_line(w, y, 1, st->notice.text, attr_of(st->notice.error ? ATTR_ERROR : ATTR_HEADER));
    else
        draw_line(w, y, 1, "Enter or e changes the contact, a adds one, d deletes it, Esc goes back",
                 attr_of(ATTR_DIM));
}

/* ---- confirmations ------------------------------------------------------------------------------- */

#define CONFIRM_LINES 4

struct confirm_lines {
    char text[CONFIRM_LINES][NOTICE_LEN];
    int n;
};

static void confirm_line(void *ctx, const char *line, size_t len, bool first)
{
    (void)first;
    struct confirm_lines *c = ctx;
    if (c->n < CONFIRM_LINES)
        snprintf(c->text[c->n++], NOTICE_LEN, "%.*s", (int)len, line);
}

/* ui_confirm, with why (may be NULL) and the question also written across
 * the pane's last lines: the status line has little room at 80 columns. */
bool pr_confirm(struct providers *st, const char *why, const char *question)
{
    WINDOW *w = ui_body(st->ui);
    int width = getmaxx(w) - 2, h = getmaxy(w);
    struct confirm_lines c = {.n = 0};
    char text[NOTICE_LEN * 2];
    snprintf(text, sizeof text, "%s%s%s (y/n)", why ? why : "", why ? "\n" : "", question);
    textedit_wrap(text, width, confirm_line, &c);
    for (int i = 0; i < c.n; i++)
        draw_line(w, h - c.n + i, 1, c.text[i], attr_of(ATTR_ERROR));
    wnoutrefresh(w);
    return ui_confirm(st->ui, question);
}

/* ---- actions ------------------------------------------------------------------------------------- */

/* After this session wrote: every pane reloads (ours through
 * providers_reload, keeping the cursor) and the flags are counted again. */
void pr_after_write(struct providers *st)
{
    ui_store_changed(st->ui);
}

unsigned pr_add_provider(struct providers *st)
{
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    provider_init(p);
    if (provider_form_run(st->ui, p)) {
        /* Show the new provider's record. */
        int64_t id = p->id;
        st->rec_id = id;
        st->doc.top = 0;
        st->npupils = 0;
        notice_say(st->ui, &st->notice, false, "Added %s: t adds its contacts", p->name);
        pr_after_write(st); /* an open record view reads the new one */
        if (!st->in_record)
            pr_run_record(st, id, false);
    }
    free(p);
    return REDRAW_ALL;
}

unsigned pr_edit_provider(struct providers *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    ap_status rc = provider_get(ui_store(st->ui), id, p);
    if (rc != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
        free(p);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    if (provider_form_run(st->ui, p)) {
        notice_say(st->ui, &st->notice, false, "Saved %s", p->name);
        pr_after_write(st);
    }
    free(p);
    return REDRAW_ALL;
}

unsigned pr_delete_provider(struct providers *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    struct store *s = ui_store(st->ui);
    struct provider *p = malloc(sizeof *p);
    if (!p) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    if (provider_get(s, id, p) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
        free(p);
        return REDRAW_ALL;
    }
    char question[400];
    snprintf(question, sizeof question, "Delete %s and its contacts?", p->name);
    if (pr_confirm(st, NULL, question)) {
        ap_status rc = provider_delete(s, id, p->version);
        if (rc == AP_OK) {
            notice_say(st->ui, &st->notice, false, "Deleted %s", p->name);
            st->rec_gone = st->in_record; /* its record view closes */
            pr_after_write(st);
        } else if (rc == AP_ERR_INVALID && strcmp(p->status, "suspended") != 0) {
            char why[NOTICE_LEN], ask[300];
            snprintf(why, sizeof why, "Not deleted: %s.", ap_error_detail());
            snprintf(ask, sizeof ask, "Suspend %s now?", p->name);
            if (pr_confirm(st, why, ask)) {
                int64_t version = p->version;
                rc = provider_set_status(s, id, &version, "suspended");
                if (rc == AP_OK) {
                    notice_say(st->ui, &st->notice, false, "Suspended %s: no new placements can be made with it", p->name);
                    pr_after_write(st);
                } else {
                    notice_say(st->ui, &st->notice, true, "Not suspended: %s", ap_error_detail());
                }
            } else {
                notice_say(st->ui, &st->notice, false, "Not deleted: records refer to %s", p->name);
            }
        } else {
            notice_say(st->ui, &st->notice, true, "Not deleted: %s", ap_error_detail());
        }
    } else {
        notice_say(st->ui, &st->notice, false, "Nothing deleted");
    }
    free(p);
    return REDRAW_ALL;
}


/* ---- the record and the contacts: views over the list ------------------------------------------ */

static void record_view_draw(void *self, WINDOW *w)
{
    struct providers *st = self;
    if (st->rec_gone)
        draw_gone(w, st->notice.text);
    else
        pr_draw_record(st, w);
}

static void record_view_reload(void *self, const struct view_change *what)
{
    (void)what; /* any part of the record may have changed */
    struct providers *st = self;
    /* Under the contacts view, that view reads the record again. */
    if (!st->rec_gone && !st->in_contacts && !pr_load_record(st))
        st->rec_gone = true;
}

static void run_contacts(struct providers *st);

static enum view_key record_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct providers *st = self;
    enum view_key res;
    if (docview_record_key(&st->doc, (int)st->npupils, &st->notice, st->rec_gone, &st->then, act, ret, ch, &res))
        return res;
    switch (act->id) {
    case ACT_OPEN:
        if (st->npupils == 0) {
            notice_say(st->ui, &st->notice, false, "No pupils are placed here now");
            return VIEW_DONE;
        }
        st->show_pupil = st->pupils[st->doc.cursor].pupil_id; /* in the roll, once this view closes */
        return VIEW_CLOSE;
    case ACT_EDIT: pr_edit_provider(st, st->rec_id); break;
    case ACT_DELETE: pr_delete_provider(st, st->rec_id); break;
    case ACT_ADD: pr_add_provider(st); break;
    case ACT_PROVIDER_CONTACTS: run_contacts(st); break;
    default: return VIEW_PASS;
    }
    return st->rec_gone ? VIEW_CLOSE : VIEW_DONE;
}

static const enum action_id record_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_EDIT, ACT_DELETE, ACT_ADD,
                                             ACT_PROVIDER_CONTACTS, ACT_SEARCH, ACT_SORT, ACT_FILTER, ACT_NONE};
static const enum action_id record_hints[] = {ACT_UP, ACT_OPEN, ACT_EDIT, ACT_DELETE, ACT_PROVIDER_CONTACTS, ACT_NONE};

static const struct view_ops record_view = {
    .title = "the provider's record",
    .keys = record_keys,
    .hints = record_hints,
    .draw = record_view_draw,
    .key = record_view_key,
    .reload = record_view_reload,
};

const struct view_ops *provider_record_view_ops(void) { return &record_view; }

static void contacts_view_draw(void *self, WINDOW *w)
{
    werase(w);
    pr_draw_contacts(self, w);
}

static void contacts_view_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct providers *st = self;
    if (!st->rec_gone && !pr_load_record(st))
        st->rec_gone = true;
}

static enum view_key contacts_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct providers *st = self;
    (void)ret;
    (void)ch;
    enum view_key start = notice_key_start(&st->notice, st->rec_gone, act);
    if (start != VIEW_DONE)
        return start;
    if (listview_move(&st->clv, act->id))
        return VIEW_DONE;
    struct store *s = ui_store(st->ui);
    struct provider_contact c;
    bool have = st->ncontacts > 0 && st->clv.cursor < (int)st->ncontacts;
    switch (act->id) {
    case ACT_PROVIDER_CONTACTS:
        return VIEW_CLOSE; /* t again: back to the record */
    case ACT_ADD:
        if (!notice_can_write(st->ui, &st->notice))
            return VIEW_DONE;
        memset(&c, 0, sizeof c);
        c.provider_id = st->rec_id;
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            notice_say(st->ui, &st->notice, false, "Added %s", c.name);
            pr_after_write(st);
            for (size_t i = 0; i < st->ncontacts; i++)
                if (st->contacts[i].id == c.id)
                    listview_select(&st->clv, (int)i);
        }
        return VIEW_DONE;
    case ACT_OPEN:
    case ACT_EDIT:
        if (!have)
            return VIEW_DONE;
        if (provider_contact_get(s, st->contacts[st->clv.cursor].id, &c) != AP_OK) {
            notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
            if (!pr_load_record(st))
                st->rec_gone = true;
            return VIEW_DONE;
        }
        if (!store_can_write(s))
            ui_message(st->ui, "You have the viewer role: the form is read only");
        if (provider_contact_form_run(st->ui, &c, st->rec.name)) {
            notice_say(st->ui, &st->notice, false, "Saved %s", c.name);
            pr_after_write(st);
        }
        return VIEW_DONE;
    case ACT_DELETE: {
        if (!have)
            return VIEW_DONE;
        if (!notice_can_write(st->ui, &st->notice))
            return VIEW_DONE;
        const struct provider_contact *cur = &st->contacts[st->clv.cursor];
        char question[300];
        snprintf(question, sizeof question, "Delete the contact %s?", cur->name);
        if (!pr_confirm(st, NULL, question)) {
            notice_say(st->ui, &st->notice, false, "Nothing deleted");
            return VIEW_DONE;
        }
        char name[sizeof cur->name];
        snprintf(name, sizeof name, "%s", cur->name);
        if (provider_contact_delete(s, cur->id, cur->version) == AP_OK) {
            notice_say(st->ui, &st->notice, false, "Deleted the contact %s", name);
            pr_after_write(st);
        } else {
            notice_say(st->ui, &st->notice, true, "Not deleted: %s", ap_error_detail());
            if (!pr_load_record(st))
                st->rec_gone = true;
        }
        return VIEW_DONE;
    }
    default:
        return VIEW_PASS;
    }
}

static const enum action_id contacts_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_DELETE,
                                               ACT_PROVIDER_CONTACTS, ACT_NONE};
static const enum action_id contacts_hints[] = {ACT_UP, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_NONE};

static const struct view_ops contacts_view = {
    .title = "the provider's contacts",
    .keys = contacts_keys,
    .hints = contacts_hints,
    .draw = contacts_view_draw,
    .key = contacts_view_key,
    .reload = contacts_view_reload,
};

const struct view_ops *provider_contacts_view_ops(void) { return &contacts_view; }

static void run_contacts(struct providers *st)
{
    st->in_contacts = true;
    listview_select(&st->clv, 0);
    ui_run_view(st->ui, &contacts_view, st);
    st->in_contacts = false;
}

void pr_run_record(struct providers *st, int64_t id, bool contacts)
{
    if (!pr_open_record(st, id))
        return; /* pr_load_record said why */
    st->in_record = true;
    st->rec_gone = false;
    st->show_pupil = 0;
    st->then.act = NULL;
    if (contacts)
        run_contacts(st);
    /* Esc from the contacts goes back to the record, as t does. */
    if (!st->rec_gone)
        ui_run_view(st->ui, &record_view, st);
    st->in_record = false;
    pr_refilter(st, st->rec_id); /* the list's cursor on the provider just shown */
    if (st->show_pupil) {
        int64_t pupil = st->show_pupil;
        st->show_pupil = 0;
        ui_show_pupil(st->ui, (long long)pupil);
    }
}
