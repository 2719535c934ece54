/* The Inclusion Panel pane's changes: picking a pupil or a provider by
 * typing, the forms (a case, a quotation, the decision) and the actions on
 * a case and its quotations. */

#include "panel_pane.h"
#include "rowio.h"

/* ---- picking a pupil or a provider by typing ------------------------------------------------ */

#define PICK_COLS 4

struct pick_row {
    int64_t id;
    char *cols[PICK_COLS];
    char *find;                     /* what typing searches: names, UPN */
    bool dim;
};

struct picker {
    const struct list_column *columns;
    struct pick_row *rows;
    size_t n, cap;
    struct list_rows shown;
    struct listview lv;
    char search[SEARCH_MAX + 1];
};

static bool picker_add(struct picker *pk, int64_t id, const char *const cols[PICK_COLS], const char *find, bool dim)
{
    struct pick_row *grown = rowio_grow(pk->rows, &pk->cap, pk->n, sizeof *grown);
    if (!grown)
        return false;
    pk->rows = grown;
    struct pick_row *r = &pk->rows[pk->n];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->dim = dim;
    bool ok = (r->find = strdup(find)) != NULL;
    for (int c = 0; c < PICK_COLS; c++)
        ok = ok && (r->cols[c] = strdup(cols[c] ? cols[c] : "")) != NULL;
    pk->n++;
    return ok;
}

static void picker_free(struct picker *pk)
{
    for (size_t i = 0; i < pk->n; i++) {
        free(pk->rows[i].find);
        for (int c = 0; c < PICK_COLS; c++)
            free(pk->rows[i].cols[c]);
    }
    free(pk->rows);
    list_rows_free(&pk->shown);
}

static void picker_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct picker *pk = ctx;
    const struct pick_row *r = &pk->rows[pk->shown.view[row]];
    snprintf(buf, len, "%s", col < PICK_COLS ? r->cols[col] : "");
    if (r->dim || col == PICK_COLS - 1)
        *attr = ATTR_DIM;
}

static bool picker_shown(const void *ctx, size_t i)
{
    const struct picker *pk = ctx;
    return !pk->search[0] || utf8_contains(pk->rows[i].find, pk->search);
}

static int64_t picker_id(const void *ctx, size_t i)
{
    return ((const struct picker *)ctx)->rows[i].id;
}

static const struct list_rows_ops picker_rows = {picker_shown, NULL, picker_id, NULL};

struct picker_ctx {
    struct picker *pk;
    const char *noun;
};

static void picker_count(void *ctx, char *buf, size_t len)
{
    struct picker_ctx *c = ctx;
    snprintf(buf, len, "  %zu of %zu %s", c->pk->shown.nview, c->pk->n, c->noun);
}

/* The row picked (its id), or 0 when cancelled (ui/picker.h). */
static int64_t picker_run(struct panel *st, struct picker *pk, const char *label, const char *noun,
                          const char *intro)
{
    pk->shown.ops = &picker_rows;
    pk->shown.ctx = pk;
    pk->shown.lv = &pk->lv;
    if (!list_rows_reserve(&pk->shown, pk->n)) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return 0;
    }
    pk->shown.n = pk->n;
    pk->lv = (struct listview){.columns = pk->columns, .ncolumns = PICK_COLS, .cell = picker_cell, .ctx = pk,
                               .sort_column = -1};
    struct picker_ctx c = {pk, noun};
    const struct picker_spec spec = {label, "Nothing matches: Backspace widens the search", &pk->shown, pk->search,
                                     sizeof pk->search, &c, picker_count};
    ui_message(st->ui, "%s", intro);
    bool picked = picker_view_run(st->ui, &spec);
    ui_message(st->ui, "%s", "");
    return picked ? list_rows_current(&pk->shown) : 0;
}

static const struct list_column pupil_pick_columns[PICK_COLS] = {
    {"Pupil", 18, true, false}, {"Year", 9, false, false}, {"UPN", 13, false, false}, {"Cases", 18, false, false},
};

/* A pupil on roll, picked by name or UPN; 0 when cancelled. */
static int64_t pick_pupil(struct panel *st)
{
    struct roll *roll = NULL;
    if (roll_load(ui_store(st->ui), ui_today(st->ui), &roll) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Could not read the roll: %s", ap_error_detail());
        return 0;
    }
    struct picker pk = {.columns = pupil_pick_columns};
    bool ok = true;
    for (size_t i = 0; ok && i < roll->n; i++) {
        const struct roll_row *r = &roll->rows[i];
        if (!r->on_roll)
            continue;
        int open = 0, all = 0;
        for (size_t k = 0; k < st->n; k++)
            if (st->rows[k].pupil_id == r->id) {
                all++;
                open += strcmp(st->rows[k].status, "open") == 0;
            }
        char year[24], cases[64], find[600];
        rules_year_group_name(r->year_group, year, sizeof year);
        if (open)
            snprintf(cases, sizeof cases, "%d open case%s", open, open == 1 ? "" : "s");
        else if (all)
            snprintf(cases, sizeof cases, "%d case%s, decided", all, all == 1 ? "" : "s");
        else
            cases[0] = '\0';
        snprintf(find, sizeof find, "%s %s %s %s", r->display_name, r->legal_forename, r->legal_surname, r->upn);
        const char *cols[PICK_COLS] = {r->display_name, year, r->upn, cases};
        ok = picker_add(&pk, r->id, cols, find, false);
    }
    roll_free(roll);
    int64_t id = 0;
    if (!ok)
        notice_say(st->ui, &st->notice, true, "Out of memory");
    else
        id = picker_run(st, &pk, " New case for: ", "pupils on roll",
                        "A new panel case: type part of the pupil's name or UPN, ↑/↓ choose, Enter picks, Esc cancels");
    picker_free(&pk);
    return id;
}

static const struct list_column provider_pick_columns[PICK_COLS] = {
    {"Provider", 24, true, false}, {"Registration", 12, false, false}, {"Pupils", 6, false, true},
    {"", 14, false, false},
};

/* A provider, picked by name; 0 when cancelled. Those that already quoted
 * for the case say so. */
static int64_t pick_provider(struct panel *st)
{
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), &pl) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Could not read the providers: %s", ap_error_detail());
        return 0;
    }
    struct picker pk = {.columns = provider_pick_columns};
    bool ok = true;
    for (size_t i = 0; ok && i < pl->n; i++) {
        const struct provider_list_row *r = &pl->rows[i];
        bool quoted = false;
        for (size_t k = 0; k < st->nquotes; k++)
            quoted = quoted || st->quotes[k].q.provider_id == r->id;
        bool suspended = strcmp(r->status, "suspended") == 0;
        char pupils[16];
        snprintf(pupils, sizeof pupils, "%d", r->pupils_now);
        const char *cols[PICK_COLS] = {r->name, label_brief(LABELS_REGISTRATION, r->registration), pupils,
                                       quoted ? "quoted already" : suspended ? "suspended" : ""};
        ok = picker_add(&pk, r->id, cols, r->name, suspended);
    }
    provider_list_free(pl);
    int64_t id = 0;
    if (!ok)
        notice_say(st->ui, &st->notice, true, "Out of memory");
    else
        id = picker_run(st, &pk, " Quotation from: ", "providers",
                        "A new quotation: type part of the provider's name, ↑/↓ choose, Enter picks, Esc cancels");
    picker_free(&pk);
    return id;
}

/* ---- the forms: a case, a quotation, the decision ------------------------------------------------- */

#define CHOICES_MAX 12

struct case_form {
    struct panel *st;
    struct panel_case *c;
    char pupil[400];
};

enum { CF_PUPIL, CF_REASON, CF_REFERRAL, CF_PANEL, CF_DEADLINE, CF_TRIAGE, CF_COUNT };

static void case_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct case_form *cf = ctx;
    if (field == CF_PUPIL) {
        snprintf(buf, len, "%s", cf->pupil);
        return;
    }
    int deadline = panel_referral_deadline(&cf->st->cal, cf->c->panel_date);
    if (deadline == DATE_NONE) {
        snprintf(buf, len, "– (the Thursday of the week before the panel, or the school day before it)");
        return;
    }
    char d[11];
    bool late = cf->c->referral_date != DATE_NONE && cf->c->referral_date > deadline;
    snprintf(buf, len, "%s %s%s", label_weekday(date_weekday(deadline)), date_format(deadline, d),
             late ? ": referred after it" : "");
}

FORM_RECORD_OPS_DATED(case_ops, struct panel_case, panel_case_validate, panel_case_insert, panel_case_update,
                      panel_case_get);

/* Edits *c (c->id 0: a new case) until saved (true) or closed. */
static bool case_form_run(struct panel *st, struct panel_case *c)
{
    static struct field_choice reasons[CHOICES_MAX];
    form_choices(reasons, CHOICES_MAX, LABELS_CASE_REASON);
    struct case_form cf = {st, c, ""};
    pupil_views_name(st->ui, c->pupil_id, cf.pupil, sizeof cf.pupil);
    struct form_field fields[CF_COUNT] = {
        [CF_PUPIL] = {"Pupil", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [CF_REASON] = {"Reason", FIELD_CHOICE, c->reason, sizeof c->reason, reasons, true, 0, 0,
                       "Why the case was raised"},
        [CF_REFERRAL] = {"Referral date", FIELD_DATE, &c->referral_date, 0, NULL, true, 0, 0,
                         "When the Pupil Referral Team received it (YYYY-MM-DD, today, -3d)"},
        [CF_PANEL] = {"Panel date", FIELD_DATE, &c->panel_date, 0, NULL, false, 0, 0,
                      "The fortnightly panel that will hear it; empty until it is listed"},
        [CF_DEADLINE] = {"Referral deadline", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [CF_TRIAGE] = {"Triage recommendation", FIELD_LONGTEXT, c->triage_recommendation,
                       sizeof c->triage_recommendation, NULL, false, 0, 0, "What triage recommends to the panel"},
    };
    char title[500];
    if (c->id)
        snprintf(title, sizeof title, "Panel case %lld: %s", (long long)c->id, cf.pupil);
    else
        snprintf(title, sizeof title, "New panel case for %s", cf.pupil);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = CF_COUNT,
        .ctx = &cf,
        .read_only = !store_can_write(ui_store(st->ui)),
        FORM_RECORD_OF(c, &case_ops),
        .info = case_form_info,
    };
    return form_run(st->ui, &f);
}

/* -- a quotation -- */

struct quote_form {
    struct panel *st;
    struct panel_quote *q;
    struct pick provider;
};

enum { QF_PROVIDER, QF_BASIS, QF_RATE, QF_SESSIONS, QF_HOURS, QF_TRANSPORT, QF_YEAR, QF_NOTES, QF_COUNT };

static void quote_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct quote_form *qf = ctx;
    (void)field;
    struct panel_cost c;
    panel_quote_cost(qf->q, &c);
    char t[MONEY_LEN], tu[MONEY_LEN], tr[MONEY_LEN];
    snprintf(buf, len, "%s = tuition %s + transport %s", money_format(c.total, t, sizeof t),
             money_format(c.tuition, tu, sizeof tu), money_format(c.transport, tr, sizeof tr));
}

static void quote_form_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    struct quote_form *qf = ctx;
    (void)field;
    pick_draw(&qf->provider, w, y, x, cols, focused);
}

static int quote_form_key(void *ctx, int field, int ret, wint_t ch)
{
    struct quote_form *qf = ctx;
    return field == QF_PROVIDER ? pick_key(&qf->provider, ret, ch) : LINEEDIT_UNHANDLED;
}

FORM_RECORD_OPS(quote_ops, struct panel_quote, panel_quote_validate, panel_quote_insert, panel_quote_update,
                panel_quote_get);

/* Edits *q (q->id 0: a new one) until saved (true) or closed. */
static bool quote_form_run(struct panel *st, struct panel_quote *q)
{
    static struct field_choice bases[CHOICES_MAX];
    form_choices(bases, CHOICES_MAX, LABELS_COST_BASIS);
    struct quote_form qf = {.st = st, .q = q};
    pick_init(&qf.provider, &q->provider_id);
    pick_add(&qf.provider, 0, "– type part of the provider's name –");
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(st->ui), &ui_config(st->ui)->th, ui_today(st->ui), &pl) == AP_OK) {
        for (size_t i = 0; i < pl->n; i++) {
            char label[160];
            snprintf(label, sizeof label, "%s%s", pl->rows[i].name,
                     strcmp(pl->rows[i].status, "suspended") == 0 ? " (suspended)" : "");
            pick_add(&qf.provider, pl->rows[i].id, label);
        }
        provider_list_free(pl);
    } else {
        ui_error(st->ui, "The providers could not be read: %s", ap_error_detail());
    }
    struct form_field fields[QF_COUNT] = {
        [QF_PROVIDER] = {"Provider", FIELD_CUSTOM, &q->provider_id, 0, NULL, true, 0, 0,
                         "Type part of the name; ←/→ step through the providers"},
        [QF_BASIS] = {"Cost basis", FIELD_CHOICE, q->cost_basis, sizeof q->cost_basis, bases, true, 0, 0,
                      "What the price is per: session, day, week or year"},
        [QF_RATE] = {"Rate", FIELD_MONEY, &q->rate, 0, NULL, true, 0, 0, "The price quoted, in pounds, per the basis"},
        [QF_SESSIONS] = {"Sessions a week", FIELD_INT, &q->sessions_per_week, 0, NULL, false, 0, 10,
                         "Half-day sessions (AM, PM) a week, 0 to 10"},
        [QF_HOURS] = {"Hours a week", FIELD_HOURS, &q->hours_per_week, 0, NULL, false, 0, 60,
                      "Hours of education a week"},
        [QF_TRANSPORT] = {"Transport a week", FIELD_MONEY, &q->transport_per_week, 0, NULL, false, 0, 0,
                          "Transport in pounds a week; empty for none"},
        [QF_YEAR] = {"A year", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [QF_NOTES] = {"Notes", FIELD_LONGTEXT, q->notes, sizeof q->notes, NULL, false, 0, 0,
                      "Availability, travel, anything the panel should know"},
    };
    char title[400];
    if (q->id)
        snprintf(title, sizeof title, "Quotation for %s (panel case %lld)", st->pupil_name, (long long)q->case_id);
    else
        snprintf(title, sizeof title, "New quotation for %s (panel case %lld)", st->pupil_name, (long long)q->case_id);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = QF_COUNT,
        .ctx = &qf,
        .new_record = q->id == 0,
        .read_only = !store_can_write(ui_store(st->ui)),
        FORM_RECORD_OF(q, &quote_ops),
        .info = quote_form_info,
        .custom_draw = quote_form_draw,
        .custom_key = quote_form_key,
        .start_focus = q->provider_id ? QF_RATE : QF_PROVIDER,
    };
    bool saved = form_run(st->ui, &f);
    pick_free(&qf.provider);
    return saved;
}

/* -- the decision -- */

struct decision_form {
    struct panel *st;
    int64_t version;
    char status[12];
    int panel_date;
    char decision[PANEL_TEXT_MAX + 1];
    char option[400];
};

enum { DF_CASE, DF_OPTION, DF_STATUS, DF_PANEL, DF_DECISION, DF_COUNT };

static void decision_info(void *ctx, int field, char *buf, size_t len)
{
    struct decision_form *df = ctx;
    if (field == DF_CASE)
        snprintf(buf, len, "%s · %s", df->st->pupil_name, label_text(LABELS_CASE_REASON, df->st->rec->reason));
    else
        snprintf(buf, len, "%s", df->option);
}

static ap_status decision_save(void *ctx)
{
    struct decision_form *df = ctx;
    struct panel *st = df->st;
    return panel_case_decide(ui_store(st->ui), st->case_id, &df->version, df->status, df->decision, df->panel_date,
                             ui_today(st->ui));
}

static ap_status decision_reload(void *ctx)
{
    struct decision_form *df = ctx;
    struct panel_case *c = malloc(sizeof *c);
    if (!c)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    ap_status rc = panel_case_get(ui_store(df->st->ui), df->st->case_id, c);
    if (rc == AP_OK) {
        df->version = c->version;
        snprintf(df->status, sizeof df->status, "%s", c->status);
        snprintf(df->decision, sizeof df->decision, "%s", c->decision);
        df->panel_date = c->panel_date;
    }
    free(c);
    return rc;
}

/* The panel's decision on the case of the view (st->rec, loaded). */
static bool decision_form_run(struct panel *st)
{
    static const struct field_choice statuses[] = {
        {"agreed", "Agreed"}, {"declined", "Declined"}, {"deferred", "Deferred"},
        {"withdrawn", "Withdrawn"}, {"open", "Open (not decided)"}, {NULL, NULL},
    };
    struct decision_form *df = calloc(1, sizeof *df);
    if (!df) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return false;
    }
    const struct panel_case *c = st->rec;
    df->st = st;
    df->version = c->version;
    snprintf(df->status, sizeof df->status, "%s", strcmp(c->status, "open") == 0 ? "agreed" : c->status);
    df->panel_date = c->panel_date != DATE_NONE ? c->panel_date : ui_today(st->ui);
    snprintf(df->decision, sizeof df->decision, "%s", c->decision);
    bool chosen = false;
    int rec = pp_recommended(st, &chosen);
    char money[MONEY_LEN];
    if (rec >= 0)
        snprintf(df->option, sizeof df->option, "%s, %s a year%s", st->quotes[rec].provider,
                 money_format(st->quotes[rec].cost.total, money, sizeof money),
                 chosen ? " (chosen)" : " (the lowest: none chosen yet)");
    else
        snprintf(df->option, sizeof df->option, "no quotations recorded");
    struct form_field fields[DF_COUNT] = {
        [DF_CASE] = {"Case", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [DF_OPTION] = {"Recommended option", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [DF_STATUS] = {"Status", FIELD_CHOICE, df->status, sizeof df->status, statuses, true, 0, 0,
                       "What the panel decided; Open again undoes a decision recorded by mistake"},
        [DF_PANEL] = {"Panel date", FIELD_DATE, &df->panel_date, 0, NULL, false, 0, 0,
                      "The panel that decided"},
        [DF_DECISION] = {"Decision", FIELD_LONGTEXT, df->decision, sizeof df->decision, NULL, false, 0, 0,
                         "The decision in words: the provision agreed, why declined, what is needed"},
    };
    char title[300];
    snprintf(title, sizeof title, "The panel's decision: %s", st->pupil_name);
    struct form f = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = df,
        .read_only = false,
        .save = decision_save,
        .reload = decision_reload,
        FORM_RECORD(df), /* after a conflict, decision_reload's version is taken */
        .info = decision_info,
        .start_focus = DF_STATUS,
    };
    bool saved = form_run(st->ui, &f);
    if (saved)
        notice_say(st->ui, &st->notice, false, "Recorded the decision for %s: %s", st->pupil_name, label_text(LABELS_CASE_STATUS, df->status));
    /* Agreed with a chosen quotation: offer the placement (db/panel.h). */
    if (saved && strcmp(df->status, "agreed") == 0 && rec >= 0 && chosen) {
        int today = ui_today(st->ui);
        int start = today - date_weekday(today) + 7; /* next Monday, or the first school day after */
        if (st->cal.nterms > 0) {
            int d = calendar_school_day_on_or_after(&st->cal, start, 62);
            if (d != DATE_NONE)
                start = d;
        }
        char d1[11];
        if (ui_confirm(st->ui, "Make the placement from the chosen quote?")) {
            struct placement pl;
            if (panel_case_make_placement(ui_store(st->ui), st->case_id, start, &pl) == AP_OK)
                notice_say(st->ui, &st->notice, false, "Added a proposed placement at %s from %s: the roll's p edits its timetable",
                       st->quotes[rec].provider, date_format(start, d1));
            else
                notice_say(st->ui, &st->notice, true, "No placement made: %s", ap_error_detail());
        }
    }
    free(df);
    return saved;
}

/* ---- actions ------------------------------------------------------------------------------------ */

bool pp_open_case(struct panel *st, int64_t id)
{
    if (st->case_id != id) {
        pp_free_case(st);
        st->doc.top = 0;
        st->doc.cursor = 0;
    }
    st->case_id = id;
    return pp_load_case(st);
}

/* After this session wrote: every pane reloads (ours keeping the cursor)
 * and the flags are counted again, so the warning follows at once. */
static void after_write(struct panel *st)
{
    ui_store_changed(st->ui);
}

unsigned pp_add_case(struct panel *st)
{
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    int64_t pupil = pick_pupil(st);
    if (!pupil || ui_quitting(st->ui)) {
        if (!st->notice.text[0] && !ui_quitting(st->ui))
            ui_message(st->ui, "No case added");
        return REDRAW_ALL;
    }
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    int today = ui_today(st->ui);
    panel_case_init(c, pupil, today);
    /* As a start, the next panel in term whose referral deadline has not
     * passed (db/panel.h panel_offer_date). */
    c->panel_date = panel_offer_date(&st->cal, st->dates, st->ndates, today);
    if (case_form_run(st, c)) {
        after_write(st);
        notice_say(st->ui, &st->notice, false, "Added the case: a adds its quotations");
        pp_run_case(st, c->id);
    }
    free(c);
    return REDRAW_ALL;
}

unsigned pp_edit_case(struct panel *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    if (panel_case_get(ui_store(st->ui), id, c) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
        free(c);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    if (case_form_run(st, c)) {
        notice_say(st->ui, &st->notice, false, "Saved the case");
        after_write(st);
    }
    free(c);
    return REDRAW_ALL;
}

unsigned pp_delete_case(struct panel *st, int64_t id)
{
    if (!id)
        return REDRAW_NONE;
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    struct panel_case *c = malloc(sizeof *c);
    if (!c) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    char name[204];
    int i = pp_row_of_id(st, id);
    if (panel_case_get(ui_store(st->ui), id, c) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
    } else {
        char question[400];
        snprintf(name, sizeof name, "%s", i >= 0 ? st->rows[i].pupil_name : "the pupil");
        int quotes = i >= 0 ? st->rows[i].quotes : 0;
        snprintf(question, sizeof question, "Delete the panel case of %s%s?", name,
                 quotes ? " and its quotations" : "");
        if (!pp_confirm(st, NULL, question)) {
            notice_say(st->ui, &st->notice, false, "Nothing deleted");
        } else if (panel_case_delete(ui_store(st->ui), id, c->version) == AP_OK) {
            notice_say(st->ui, &st->notice, false, "Deleted the panel case of %s", name);
            st->case_gone = st->in_case; /* its view closes */
            after_write(st);
        } else {
            notice_say(st->ui, &st->notice, true, "Not deleted: %s", ap_error_detail());
        }
    }
    free(c);
    return REDRAW_ALL;
}

/* D: the decision, from the list (the case under the cursor) or the case. */
unsigned pp_decide(struct panel *st)
{
    if (!st->in_case) {
        /* From the list: the form, then the case's view. */
        int64_t id = pp_current_id(st);
        if (!id)
            return REDRAW_NONE;
        if (!pp_open_case(st, id))
            return REDRAW_ALL;
        if (notice_can_write(st->ui, &st->notice) && decision_form_run(st))
            after_write(st);
        pp_run_case(st, id);
        return REDRAW_ALL;
    }
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_ALL;
    if (decision_form_run(st))
        after_write(st);
    return REDRAW_ALL;
}

unsigned pp_add_quote(struct panel *st)
{
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    if (!pp_takes_quotes(st->rec)) {
        notice_say(st->ui, &st->notice, true, "The case is %s: its quotations are the record of the decision (D → Open reopens it)",
            label_text(LABELS_CASE_STATUS, st->rec->status));
        return REDRAW_BODY | REDRAW_STATUS;
    }
    int64_t provider = pick_provider(st);
    if (!provider || ui_quitting(st->ui)) {
        if (!st->notice.text[0] && !ui_quitting(st->ui))
            ui_message(st->ui, "No quotation added");
        return REDRAW_ALL;
    }
    struct panel_quote q;
    panel_quote_init(&q, st->case_id);
    q.provider_id = provider;
    /* The provider's usual price, as a start. */
    struct provider *p = malloc(sizeof *p);
    if (p && provider_get(ui_store(st->ui), provider, p) == AP_OK && p->cost_rate > 0) {
        snprintf(q.cost_basis, sizeof q.cost_basis, "%s", p->cost_basis);
        q.rate = p->cost_rate;
    }
    free(p);
    if (quote_form_run(st, &q)) {
        after_write(st);
        for (size_t i = 0; i < st->nquotes; i++)
            if (st->quotes[i].q.id == q.id)
                st->doc.cursor = (int)i;
        char money[MONEY_LEN];
        struct panel_cost cost;
        panel_quote_cost(&q, &cost);
        notice_say(st->ui, &st->notice, false, "Added the quotation: %s a year; c makes it the recommended option",
            money_format(cost.total, money, sizeof money));
    }
    return REDRAW_ALL;
}

unsigned pp_edit_quote(struct panel *st)
{
    if (!st->nquotes) {
        notice_say(st->ui, &st->notice, false, "No quotations yet: a adds one");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct panel_quote q;
    if (panel_quote_get(ui_store(st->ui), st->quotes[st->doc.cursor].q.id, &q) != AP_OK) {
        notice_say(st->ui, &st->notice, true, "%s", ap_error_detail());
        pp_load_case(st);
        return REDRAW_ALL;
    }
    if (!store_can_write(ui_store(st->ui)))
        ui_message(st->ui, "You have the viewer role: the form is read only");
    else if (!pp_takes_quotes(st->rec))
        ui_message(st->ui, "The case is %s: saving will be refused (D → Open reopens it)",
                   label_text(LABELS_CASE_STATUS, st->rec->status));
    if (quote_form_run(st, &q)) {
        notice_say(st->ui, &st->notice, false, "Saved the quotation");
        after_write(st);
    }
    return REDRAW_ALL;
}

unsigned pp_delete_quote(struct panel *st)
{
    if (!st->nquotes)
        return REDRAW_NONE;
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    const struct panel_quote_row *r = &st->quotes[st->doc.cursor];
    char question[400], provider[sizeof r->provider];
    snprintf(provider, sizeof provider, "%s", r->provider);
    snprintf(question, sizeof question, "Delete the quotation from %s%s?", provider,
             r->q.chosen ? " (the recommended option)" : "");
    if (!pp_confirm(st, NULL, question)) {
        notice_say(st->ui, &st->notice, false, "Nothing deleted");
    } else if (panel_quote_delete(ui_store(st->ui), r->q.id, r->q.version) == AP_OK) {
        notice_say(st->ui, &st->notice, false, "Deleted the quotation from %s", provider);
        after_write(st);
    } else {
        notice_say(st->ui, &st->notice, true, "Not deleted: %s", ap_error_detail());
        pp_load_case(st);
    }
    return REDRAW_ALL;
}

/* Recommending a provider that may not be recommended: only with a reason
 * typed (db/panel.h panel_quote_choose; issue 13). */
struct reason_form {
    struct panel *st;
    int64_t id, version;
    char why_not[400];
    char reason[PANEL_REASON_SIZE];
};

enum { RF_WHY, RF_REASON, RF_COUNT };

static void reason_info(void *ctx, int field, char *buf, size_t len)
{
    (void)field;
    snprintf(buf, len, "%s", ((struct reason_form *)ctx)->why_not);
}

static ap_status reason_save(void *ctx)
{
    struct reason_form *rf = ctx;
    return panel_quote_choose(ui_store(rf->st->ui), rf->id, &rf->version, rf->reason, ui_today(rf->st->ui));
}

static bool reason_form_run(struct panel *st, int64_t id, int64_t version, const char *why_not)
{
    struct reason_form *rf = calloc(1, sizeof *rf);
    if (!rf) {
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return false;
    }
    rf->st = st;
    rf->id = id;
    rf->version = version;
    /* The model's refusal without its field name ("Provider: "). */
    const char *w = strncmp(why_not, "Provider: ", 10) == 0 ? why_not + 10 : why_not;
    snprintf(rf->why_not, sizeof rf->why_not, "%s", w);
    char *cut = strstr(rf->why_not, ": it cannot be the recommended option");
    if (cut)
        *cut = '\0'; /* the title says the rest */
    struct form_field fields[RF_COUNT] = {
        [RF_WHY] = {"Why not", FIELD_INFO, NULL, 0, NULL, false, 0, 0, NULL},
        [RF_REASON] = {"Reason", FIELD_LONGTEXT, rf->reason, sizeof rf->reason, NULL, true, 0, 0,
                       "Why the panel should be offered it all the same: kept, audited, and flagged while it stands"},
    };
    struct form f = {
        .title = "Recommend it all the same, with a reason",
        .fields = fields,
        .nfields = RF_COUNT,
        .ctx = rf,
        .save = reason_save,
        .info = reason_info,
        .start_focus = RF_REASON,
    };
    bool saved = form_run(st->ui, &f);
    free(rf);
    return saved;
}

unsigned pp_choose_quote(struct panel *st)
{
    if (!notice_can_write(st->ui, &st->notice))
        return REDRAW_STATUS | REDRAW_BODY;
    if (!st->nquotes) {
        notice_say(st->ui, &st->notice, false, "No quotations yet: a adds one");
        return REDRAW_BODY | REDRAW_STATUS;
    }
    struct panel_quote_row *r = &st->quotes[st->doc.cursor];
    char provider[sizeof r->provider];
    snprintf(provider, sizeof provider, "%s", r->provider);
    int64_t version = r->q.version;
    bool was = r->q.chosen;
    ap_status rc = was ? panel_quote_unchoose(ui_store(st->ui), r->q.id, &version)
                       : panel_quote_choose(ui_store(st->ui), r->q.id, &version, NULL, ui_today(st->ui));
    if (rc == AP_ERR_INVALID && !was && strncmp(ap_error_detail(), "Provider: ", 10) == 0) {
        char why_not[400];
        snprintf(why_not, sizeof why_not, "%s", ap_error_detail());
        bool saved = reason_form_run(st, r->q.id, r->q.version, why_not);
        after_write(st);
        if (saved)
            notice_say(st->ui, &st->notice, false, "Recommended option: %s, with the reason recorded (flagged while it stands)", provider);
        else
            notice_say(st->ui, &st->notice, false, "Not changed: %s is not recommended without a reason", provider);
        return REDRAW_ALL;
    }
    if (rc != AP_OK) {
        notice_say(st->ui, &st->notice, true, "Not changed: %s", ap_error_detail());
        after_write(st); /* read what is there now */
        return REDRAW_ALL;
    }
    after_write(st);
    if (was)
        notice_say(st->ui, &st->notice, false, "%s is no longer the recommended option: none is chosen", provider);
    else
        notice_say(st->ui, &st->notice, false, "Recommended option: %s", provider);
    return REDRAW_ALL;
}

unsigned pp_show_pupil(struct panel *st, int64_t pupil_id)
{
    if (!pupil_id)
        return REDRAW_NONE;
    ui_show_pupil(st->ui, (long long)pupil_id);
    return REDRAW_ALL;
}

