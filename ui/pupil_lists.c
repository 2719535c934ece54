/* A pupil's contacts and concerns: list views over the record, and their forms. */

#include "pupil_parts.h"

/* ---- Contacts ------------------------------------------------------------------------- */

enum { CC_PRIORITY, CC_NAME, CC_RELATIONSHIP, CC_PHONE, CC_PHONE2, CC_COUNT };
static const struct list_column contact_columns[CC_COUNT] = {
    {"#", 2, false, true},        {"Name", 14, true, false},      {"Relationship", 14, false, false},
    {"Phone", 15, false, false},  {"Other phone", 15, false, false},
};

static void contact_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    (void)attr;
    const struct contact *c = sublist_item(ctx, (size_t)row);
    switch (col) {
    case CC_PRIORITY: snprintf(buf, len, "%d", c->priority); break;
    case CC_NAME: snprintf(buf, len, "%s", c->name); break;
    case CC_RELATIONSHIP: snprintf(buf, len, "%s", c->relationship); break;
    case CC_PHONE: snprintf(buf, len, "%s", c->phone); break;
    case CC_PHONE2: snprintf(buf, len, "%s", c->phone2); break;
    default: buf[0] = '\0';
    }
}

static ap_status contacts_read(struct sublist *s)
{
    struct contact *items = NULL;
    ap_status st = contact_list(ui_store(s->ui), s->pupil_id, &items, &s->n);
    s->items = items;
    return st;
}

static int64_t contact_id(const void *item)
{
    return ((const struct contact *)item)->id;
}

struct contact_form {
    struct ui *ui;
    struct contact c;
    int count;                  /* contacts of the pupil, for the order line */
};

static void contact_info(void *ctx, int field, char *buf, size_t len)
{
    struct contact_form *cf = ctx;
    (void)field;
    if (!cf->c.id)
        snprintf(buf, len, "called after the %d already recorded (K/J reorder)", cf->count);
    else
        snprintf(buf, len, "%d of %d%s", cf->c.priority, cf->count, cf->c.priority == 1 ? ": called first" : "");
}

FORM_RECORD_OPS(contact_ops, struct contact, contact_validate, contact_insert, contact_update, contact_get);

/* The phone and email rules, checked with every field on save. */
static void contact_title_name(const void *record, char *buf, size_t size)
{
    snprintf(buf, size, "%s", ((const struct contact *)record)->name);
}

static ap_status contact_form_check(void *ctx, int field, const char *label, const char *text)
{
    (void)ctx;
    if (strcmp(label, "Phone") == 0 || strcmp(label, "Other phone") == 0)
        return rowio_check_phone(label, text);
    if (strcmp(label, "Email") == 0)
        return rowio_check_email(label, text);
    (void)field;
    return AP_OK;
}

/* Adds (c->id 0) or edits a contact. True when saved. */
static bool contact_form_run(struct ui *ui, struct contact *c, int count, const char *pupil, bool read_only)
{
    struct contact_form cf = {.ui = ui, .c = *c, .count = count};
    struct contact *x = &cf.c;
    struct form_field fields[] = {
        {.label = "Name", .kind = FIELD_TEXT, .value = x->name, .size = sizeof x->name, .required = true},
        {.label = "Relationship", .kind = FIELD_TEXT, .value = x->relationship, .size = sizeof x->relationship,
         .help = "Mother, Father, Foster carer, Nain, Taid..."},
        {.label = "Phone", .kind = FIELD_TEXT, .value = x->phone, .size = sizeof x->phone,
         .help = "The number to call first; a phone or an email is needed"},
        {.label = "Other phone", .kind = FIELD_TEXT, .value = x->phone2, .size = sizeof x->phone2},
        {.label = "Email", .kind = FIELD_TEXT, .value = x->email, .size = sizeof x->email},
        {.label = "Parental resp.", .kind = FIELD_BOOL, .value = &x->parental_responsibility,
         .help = "Has parental responsibility for the pupil"},
        {.label = "Calling order", .kind = FIELD_INFO},
    };
    char title[400];
    if (!x->id)
        snprintf(title, sizeof title, "New contact for %s", pupil);
    else
        snprintf(title, sizeof title, "%s: ", read_only ? "Contact" : "Edit the contact");
    struct form f = {
        .title = title,
        .title_name = x->id ? contact_title_name : NULL,
        FORM_FIELDS(fields),
        .ctx = &cf,
        .read_only = read_only,
        FORM_RECORD_OF(x, &contact_ops),
        .check = contact_form_check,
        .info = contact_info,
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *c = cf.c;
    return saved;
}

static void contact_init_for(struct sublist *s, void *item)
{
    struct contact *c = item;
    contact_init(c);
    c->pupil_id = s->pupil_id;
}

static bool contact_form_of(struct sublist *s, void *item, bool read_only)
{
    return contact_form_run(s->ui, item, (int)s->n, s->pupil, read_only);
}

static void contact_say(const struct sublist *s, const void *item, enum sublist_say what, char *buf, size_t len)
{
    (void)s;
    const struct contact *c = item;
    switch (what) {
    case SAY_ADDED: snprintf(buf, len, "Added %s as contact %d", c->name, c->priority); break;
    case SAY_SAVED: snprintf(buf, len, "Saved the contact %s", c->name); break;
    case SAY_DELETE_ASK: snprintf(buf, len, "Delete the contact %s?", c->name); break;
    case SAY_DELETED: snprintf(buf, len, "Deleted the contact %s", c->name); break;
    }
}

static ap_status contact_remove(struct sublist *s, const void *item)
{
    const struct contact *c = item;
    return contact_delete(ui_store(s->ui), c->id, c->version);
}

static void contacts_head(struct sublist *s, WINDOW *w)
{
    char title[400];
    snprintf(title, sizeof title, "Contacts of %s, in calling order (%zu)", s->pupil, s->n);
    draw_put(w, 0, 1, title, ATTR_HEADER);
}

static void contacts_foot(struct sublist *s, WINDOW *w, int y, const void *item)
{
    (void)s;
    (void)y;
    const struct contact *c = item;
    char line[400];
    snprintf(line, sizeof line, "%s%s · last changed %s UTC by %s", c->email[0] ? c->email : "no email",
             c->parental_responsibility ? " · parental responsibility" : " · no parental responsibility",
             c->updated_at, c->updated_by);
    draw_put(w, getmaxy(w) - 2, 1, line, ATTR_NORMAL);
}

/* K and J: the contact earlier or later in the calling order. */
static bool contacts_key(struct sublist *s, enum action_id id, void *cur)
{
    const struct contact *c = cur;
    int64_t version = c->version;
    if (contact_move(ui_store(s->ui), c->id, &version, id == ACT_PRIORITY_UP ? -1 : 1) != AP_OK)
        ui_error(s->ui, "Not moved: %s", ap_error_detail());
    else
        ui_store_changed(s->ui);
    return true;
}

static const enum action_id contacts_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_PRIORITY_UP,
                                               ACT_PRIORITY_DOWN, ACT_NONE};
static const enum action_id contacts_hints[] = {ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_PRIORITY_UP, ACT_PRIORITY_DOWN,
                                                ACT_OPEN, ACT_NONE};

static const struct sublist_def contacts_list = {
    .ops = SUBLIST_VIEW_OPS("the pupil's contacts", contacts_keys, contacts_hints),
    .columns = contact_columns,
    .ncolumns = CC_COUNT,
    .cell = contact_cell,
    .item_size = sizeof(struct contact),
    .what = "contacts",
    .empty = "No contacts yet: press a to add one.",
    .list_y = 2,
    .below = 3,
    .read = contacts_read,
    .id = contact_id,
    .init = contact_init_for,
    .form = contact_form_of,
    .say = contact_say,
    .remove = contact_remove,
    .draw_head = contacts_head,
    .draw_foot = contacts_foot,
    .row_key = contacts_key,
};

const struct view_ops *pupil_contacts_view_ops(void) { return &contacts_list.ops; }

void pupil_contacts_run(struct ui *ui, int64_t pupil_id)
{
    struct sublist s = {0};
    sublist_run(ui, &s, &contacts_list, pupil_id);
}

/* ---- Concerns --------------------------------------------------------------------------- */

struct concern_form {
    struct ui *ui;
    struct concern c;
    struct pick provider;
};

static ap_status concern_form_validate(void *ctx)
{
    struct concern_form *cf = ctx;
    return concern_validate(&cf->c, ui_today(cf->ui));
}

static ap_status concern_form_save(void *ctx)
{
    struct concern_form *cf = ctx;
    return concern_add(ui_store(cf->ui), &cf->c, ui_today(cf->ui));
}

static void concern_form_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    (void)field;
    pick_draw(&((struct concern_form *)ctx)->provider, w, y, x, cols, focused);
}

static int concern_form_key(void *ctx, int field, int ret, wint_t ch)
{
    (void)field;
    return pick_key(&((struct concern_form *)ctx)->provider, ret, ch);
}

static bool concern_form_run(struct ui *ui, int64_t pupil_id, const char *pupil)
{
    struct concern_form cf = {.ui = ui};
    concern_init(&cf.c);
    cf.c.pupil_id = pupil_id;
    cf.c.concern_date = ui_today(ui);
    /* Where it happened: the pupil's provider now, when there is one. */
    struct placement_item *items = NULL;
    size_t n = 0;
    if (placement_list_for_pupil(ui_store(ui), pupil_id, &items, &n) == AP_OK)
        for (size_t i = 0; i < n && !cf.c.provider_id; i++)
            if (placement_active_on(&items[i].p, ui_today(ui)))
                cf.c.provider_id = items[i].p.provider_id;
    free(items);
    pick_init(&cf.provider, &cf.c.provider_id);
    pv_pick_providers(ui, &cf.provider, "None (not at a provider)");
    struct field_choice kinds[8];
    form_choices(kinds, 8, LABELS_CONCERN_KIND);
    struct concern *x = &cf.c;
    struct form_field fields[] = {
        {.label = "Date", .kind = FIELD_DATE, .value = &x->concern_date, .required = true,
         .help = "When it happened: YYYY-MM-DD, today, -2d; not in the future"},
        {.label = "Kind", .kind = FIELD_CHOICE, .value = x->kind, .size = sizeof x->kind, .choices = kinds,
         .required = true},
        {.label = "Provider", .kind = FIELD_CUSTOM, .help = "Where it happened or was raised; type to find"},
        {.label = "Summary", .kind = FIELD_LONGTEXT, .value = x->summary, .size = sizeof x->summary,
         .required = true, .help = "What happened, in plain words; the chronology is kept, not edited later"},
        {.label = "Who was told", .kind = FIELD_TEXT, .value = x->told, .size = sizeof x->told,
         .help = "e.g. DSL (Mr Evans), social worker, parent"},
        {.label = "Action taken", .kind = FIELD_LONGTEXT, .value = x->action, .size = sizeof x->action},
    };
    char title[400];
    snprintf(title, sizeof title, "New concern about %s", pupil);
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = &cf,
        .validate = concern_form_validate,
        .save = concern_form_save,
        .custom_draw = concern_form_draw,
        .custom_key = concern_form_key,
    };
    bool saved = form_run(ui, &f);
    pick_free(&cf.provider);
    return saved;
}

static void build_chronology(struct textview *tv, const struct concern *items, size_t n)
{
    docview_clear(&tv->doc);
    if (n == 0)
        pv_tv_add(tv, ATTR_DIM, 0, "Nothing recorded yet: press a to add a concern or an incident.");
    for (size_t i = 0; i < n; i++) {
        const struct concern *c = &items[i];
        char d[11];
        pv_tv_add(tv, ATTR_HEADER, 0, "%s · %s%s%s", date_format(c->concern_date, d),
               label_text(LABELS_CONCERN_KIND, c->kind), c->provider_name[0] ? " · at " : "", c->provider_name);
        pv_tv_add(tv, ATTR_NORMAL, 2, "%s", c->summary);
        pv_tv_add(tv, ATTR_NORMAL, 2, "Who was told: %s", c->told[0] ? c->told : "not recorded");
        pv_tv_add(tv, ATTR_NORMAL, 2, "Action taken: %s", c->action[0] ? c->action : "not recorded");
        pv_tv_add(tv, ATTR_DIM, 2, "Recorded by %s at %s UTC", c->recorded_by, c->recorded_at);
        pv_tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    }
}

struct concerns_view {
    struct ui *ui;
    int64_t pupil_id;
    char pupil[300];
    struct textview tv;
    struct concern *items;
    size_t n;
    bool hidden; /* a viewer: the chronology is not shown */
};

static const enum action_id concerns_keys[] = {ACTION_MOVES, ACT_ADD, ACT_NONE};
static const enum action_id concerns_hints[] = {ACT_ADD, ACT_NONE};

/* Reads the chronology again. False when it cannot be read. */
static bool concerns_load(struct concerns_view *v)
{
    free(v->items);
    v->items = NULL;
    v->n = 0;
    docview_clear(&v->tv.doc);
    ap_status st = concern_list(ui_store(v->ui), v->pupil_id, &v->items, &v->n);
    if (st == AP_ERR_DENIED) {
        v->hidden = true;
        pv_tv_add(&v->tv, ATTR_NORMAL, 0, "The safeguarding chronology is not shown to viewers.");
        pv_tv_add(&v->tv, ATTR_DIM, 0, "Ask a commissioning officer or the ALP lead if you need to know of a concern.");
        return true;
    }
    if (st != AP_OK) {
        ui_error(v->ui, "The chronology could not be read: %s", ap_error_detail());
        return false;
    }
    build_chronology(&v->tv, v->items, v->n);
    return true;
}

static void concerns_draw(void *self, WINDOW *w)
{
    struct concerns_view *v = self;
    werase(w);
    pv_tv_draw(&v->tv, w, 2, getmaxy(w) - 2);
    pv_draw_view_title(w, "Concerns, newest first", v->pupil, &v->tv);
}

static void concerns_reload(void *self, const struct view_change *what)
{
    struct concerns_view *v = self;
    if (view_change_not_pupil(what, v->pupil_id))
        return; /* about another pupil */
    int top = v->tv.top;
    concerns_load(v);
    v->tv.top = top;
}

static enum view_key concerns_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct concerns_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (pv_tv_scroll(&v->tv, ret, ch))
        return VIEW_DONE;
    if (act->id != ACT_ADD)
        return VIEW_PASS;
    if (v->hidden || !ui_can_write(ui))
        return VIEW_DONE;
    if (concern_form_run(ui, v->pupil_id, v->pupil)) {
        ui_store_changed(ui);
        ui_message(ui, "Added to the chronology of %s", v->pupil);
        concerns_load(v);
        v->tv.top = 0;
    }
    return VIEW_DONE;
}

static const struct view_ops concerns_view_ops_ = {
    .title = "the pupil's concerns",
    .keys = concerns_keys,
    .hints = concerns_hints,
    .draw = concerns_draw,
    .key = concerns_key,
    .reload = concerns_reload,
};

const struct view_ops *pupil_concerns_view_ops(void) { return &concerns_view_ops_; }

void pupil_concerns_run(struct ui *ui, int64_t pupil_id)
{
    struct concerns_view v = {.ui = ui, .pupil_id = pupil_id};
    pupil_views_name(ui, pupil_id, v.pupil, sizeof v.pupil);
    if (concerns_load(&v))
        ui_run_view(ui, &concerns_view_ops_, &v);
    free(v.items);
    docview_free(&v.tv.doc);
}

