/* The first-day absence calls list (tab 8): every pupil with N or an
 * unauthorised code today (db/marks.h calls_list), those to escalate (looked
 * after, or a safeguarding concern on file) first, then the others still to
 * reach, then those reached. Under the list, the selected pupil's
 * parent/carer contacts in calling order and the last call. Enter logs a
 * call (calls_log): who, reached or not, what was said, and the code the
 * reason gives, which replaces N in the same transaction. A pupil whose
 * absence is resolved by an authorised code leaves the list; the others stay
 * with the time of the last attempt. Live refresh keeps it current, so the
 * officer can leave it open all morning. No SQL here. */

#include "panes.h"
#include "attendance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "draw.h"
#include "date.h"
#include "form.h"
#include "listview.h"
#include "marks.h"
#include "flags.h"
#include "shell.h"
#include "view.h"
#include "utf8.h"

#define BOX_LINES 7 /* the selected pupil's contacts and last call */

enum call_col { CC_PUPIL, CC_PROVIDER, CC_AM, CC_PM, CC_CALLS, CC_STATE, CC_CONTACT, CC_COUNT };

static const struct list_column columns[CC_COUNT] = {
    [CC_PUPIL] = {"Pupil", 14, true, false},
    [CC_PROVIDER] = {"Provider", 13, false, false},
    [CC_AM] = {"AM", 2, false, false},
    [CC_PM] = {"PM", 2, false, false},
    [CC_CALLS] = {"Calls", 8, false, false},
    [CC_STATE] = {"State", 9, false, false},
    [CC_CONTACT] = {"Call first", 18, false, false},
};

struct calls_pane {
    struct ui *ui;
    int today;
    struct call_entry *e;
    size_t n;
    struct list_rows rows;    /* escalations, others to reach, then those reached */
    struct listview lv;
    bool loaded;
    int to_reach, escalate;
    /* Per entry (index into e): the consecutive-unauthorised-absence flag
     * from the shell's flags pass, mapped when either changes, not per draw. */
    enum flag_level *run;
    const char **run_why;
};

/* ---- Loading ------------------------------------------------------------------ */

static int group(const struct call_entry *e)
{
    if (!e->resolved)
        return e->escalate ? 0 : 1;
    return 2;
}

static int order_cmp(const void *ctx, size_t a, size_t b)
{
    const struct calls_pane *c = ctx;
    int ga = group(&c->e[a]), gb = group(&c->e[b]);
    if (ga != gb)
        return ga - gb;
    return (a > b) - (a < b); /* calls_list's name order */
}

static bool every_row(const void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
    return true;
}

static int64_t row_pupil(const void *ctx, size_t i)
{
    return ((const struct calls_pane *)ctx)->e[i].pupil_id;
}

static const struct list_rows_ops rows_ops = {every_row, order_cmp, row_pupil, NULL};

static const struct call_entry *selected(const struct calls_pane *c)
{
    if (!c->n || c->lv.cursor < 0 || (size_t)c->lv.cursor >= c->n)
        return NULL;
    return &c->e[c->rows.view[c->lv.cursor]];
}

static void map_runs(struct calls_pane *c);

static void load(struct calls_pane *c)
{
    const struct call_entry *sel = selected(c);
    int64_t keep = sel ? sel->pupil_id : 0;
    c->today = ui_today(c->ui);
    struct call_entry *e = NULL;
    size_t n = 0;
    if (calls_list(ui_store(c->ui), c->today, &e, &n) != AP_OK) {
        ui_error(c->ui, "The calls list could not be loaded: %s", ap_error_detail());
        return;
    }
    if (!list_rows_reserve(&c->rows, n)) {
        free(e);
        ui_error(c->ui, "The calls list could not be loaded: out of memory");
        return;
    }
    free(c->e);
    c->e = e;
    c->n = c->rows.n = n;
    c->to_reach = c->escalate = 0;
    for (size_t i = 0; i < n; i++) {
        c->to_reach += !e[i].resolved;
        c->escalate += e[i].escalate && !e[i].resolved;
    }
    c->loaded = true;
    map_runs(c);
    list_rows_sort(&c->rows, false, keep);
}

/* ---- Drawing -------------------------------------------------------------------- */

/* "09:42" from "YYYY-MM-DD HH:MM:SS" (local time). */
static const char *clock_of(const char *stamp)
{
    size_t n = strlen(stamp);
    return n >= 16 ? stamp + 11 : stamp;
}

/* Maps the shell's consecutive-unauthorised-absence flags (the ones
 * `apterm check` prints) onto the entries. */
static void map_runs(struct calls_pane *c)
{
    free(c->run);
    free((void *)c->run_why);
    c->run = calloc(c->n ? c->n : 1, sizeof *c->run);
    c->run_why = calloc(c->n ? c->n : 1, sizeof *c->run_why);
    const struct flag_row *f;
    size_t nf;
    if (!c->run || !c->run_why || !ui_flags(c->ui, &f, &nf))
        return;
    for (size_t k = 0; k < nf; k++) {
        if (!f[k].pupil_id || strcmp(f[k].kind, FLAG_KIND_UNAUTH_RUN) != 0)
            continue;
        for (size_t i = 0; i < c->n; i++)
            if (c->e[i].pupil_id == f[k].pupil_id && f[k].level > c->run[i]) {
                c->run[i] = f[k].level;
                c->run_why[i] = f[k].reason;
            }
    }
}

/* The entry's run flag: FLAG_NONE when there is none. */
static enum flag_level run_flag(const struct calls_pane *c, const struct call_entry *e, const char **why)
{
    size_t i = (size_t)(e - c->e);
    if (why)
        *why = c->run_why ? c->run_why[i] : NULL;
    return c->run ? c->run[i] : FLAG_NONE;
}

static void cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct calls_pane *c = ctx;
    buf[0] = '\0';
    if (row < 0 || (size_t)row >= c->n)
        return;
    const struct call_entry *e = &c->e[c->rows.view[row]];
    switch (col) {
    case CC_PUPIL: {
        /* "!" to escalate or a red run of unauthorised absence, "~" an amber run. */
        enum flag_level run = run_flag(c, e, NULL);
        const char *mark = e->escalate || run == FLAG_RED ? "! " : run == FLAG_AMBER ? "~ " : "";
        snprintf(buf, len, "%s%s", mark, e->pupil_name);
        if ((e->escalate || run == FLAG_RED) && !e->resolved)
            *attr = ATTR_FLAG_RED;
        else if (run == FLAG_AMBER && !e->resolved)
            *attr = ATTR_FLAG_AMBER;
        else if (e->resolved)
            *attr = ATTR_DIM;
        break;
    }
    case CC_PROVIDER:
        snprintf(buf, len, "%s", e->provider_name);
        break;
    case CC_AM:
    case CC_PM: {
        const char *code = col == CC_AM ? e->am_code : e->pm_code;
        snprintf(buf, len, "%s", code[0] ? code : "–");
        break;
    }
    case CC_CALLS:
        if (e->attempts)
            snprintf(buf, len, "%d, %.5s", e->attempts, clock_of(e->last_call_at));
        else
            snprintf(buf, len, "none");
        break;
    case CC_STATE:
        snprintf(buf, len, "%s", e->resolved ? "reached" : e->attempts ? "no answer" : "to call");
        if (!e->resolved)
            *attr = e->attempts ? ATTR_FLAG_AMBER : ATTR_MISSING;
        break;
    case CC_CONTACT:
        if (e->ncontacts)
            snprintf(buf, len, "%s %s", e->contacts[0].phone, e->contacts[0].name);
        else
            snprintf(buf, len, "no contact on file");
        break;
    default:
        break;
    }
}

/* The selected pupil's contacts in calling order and the last call. */
static void draw_box(struct calls_pane *c, WINDOW *w)
{
    int y0 = getmaxy(w) - BOX_LINES;
    for (int y = y0; y < getmaxy(w); y++) {
        wmove(w, y, 0);
        wclrtoeol(w);
    }
    const struct call_entry *e = selected(c);
    if (!e)
        return;
    char line[800];
    snprintf(line, sizeof line, "── %s · %s · AM %s · PM %s ──", e->pupil_name,
             e->provider_name[0] ? e->provider_name : "no provider", e->am_code[0] ? e->am_code : "–",
             e->pm_code[0] ? e->pm_code : "–");
    draw_line(w, y0, 0, line, attr_of(ATTR_HEADER));
    int y = y0 + 1;
    if (e->escalate) {
        snprintf(line, sizeof line, "! Escalate: %s", e->escalate_why);
        draw_line(w, y++, 1, line, attr_of(ATTR_FLAG_RED));
    }
    const char *run_why;
    enum flag_level run = run_flag(c, e, &run_why);
    if (run != FLAG_NONE && run_why) {
        snprintf(line, sizeof line, "%s %s", run == FLAG_RED ? "!" : "~", run_why);
        draw_line(w, y++, 1, line, attr_of(run == FLAG_RED ? ATTR_FLAG_RED : ATTR_FLAG_AMBER));
    }
    if (!e->ncontacts)
        draw_line(w, y++, 1, "No parent/carer contact on file: add one on the roll (1, Enter, t)", attr_of(ATTR_DIM));
    for (int k = 0; k < e->ncontacts && y < y0 + BOX_LINES - 1; k++) {
        const struct call_contact *ct = &e->contacts[k];
        snprintf(line, sizeof line, "%d. %s%s%s%s  %s%s%s", k + 1, ct->name, ct->relationship[0] ? " (" : "",
                 ct->relationship, ct->relationship[0] ? ")" : "", ct->phone[0] ? ct->phone : "no phone",
                 ct->phone2[0] ? " · " : "", ct->phone2);
        draw_line(w, y++, 1, line, A_NORMAL);
    }
    if (e->attempts)
        snprintf(line, sizeof line, "Last call %.5s (%d today): %s", clock_of(e->last_call_at), e->attempts,
                 e->last_outcome[0] ? e->last_outcome : "(nothing noted)");
    else
        snprintf(line, sizeof line, "No call yet today: Enter logs one");
    draw_line(w, y0 + BOX_LINES - 1, 1, line, attr_of(ATTR_DIM));
}

static void calls_draw(void *state, WINDOW *w)
{
    struct calls_pane *c = state;
    int width = getmaxx(w), height = getmaxy(w);
    if (!c->loaded) {
        draw_line(w, 0, 1, "First-day absence calls: not loaded (see the message below)", attr_of(ATTR_HEADER));
        return;
    }
    char d[11], title[300];
    snprintf(title, sizeof title, "First-day absence calls %s · %zu pupil%s · %d to reach · %d to escalate",
             date_format(c->today, d), c->n, c->n == 1 ? "" : "s", c->to_reach, c->escalate);
    draw_line(w, 0, 1, title, attr_of(ATTR_HEADER));
    c->lv.ctx = c;
    listview_draw(&c->lv, w, 1, height - 1 - BOX_LINES);
    if (c->n == 0)
        draw_line(w, 3, 3, "Nobody to call: no pupil has N or an unauthorised code today.", attr_of(ATTR_DIM));
    (void)width;
    draw_box(c, w);
}

/* ---- Logging a call -------------------------------------------------------------- */

enum { LF_PUPIL, LF_CONTACT, LF_PERSON, LF_REACHED, LF_OUTCOME, LF_CODE, LF_FOR, LF_COUNT };

struct log_form {
    struct calls_pane *c;
    struct call_entry e;          /* a copy: the list may reload under the form */
    char contact[24];             /* the contact's id as text; "0" someone else */
    char person[201];
    bool reached;
    char outcome[2001];
    char code[2];
    char sessions[8];             /* both, am, pm */
    struct field_choice contacts[6];
    char contact_labels[5][240];
    struct field_choice *codes;
    char (*code_labels)[200];
    char contact_ids[5][24];
};

static const struct field_choice for_choices[] = {
    {"both", "AM and PM"},
    {"am", "AM only"},
    {"pm", "PM only"},
    {NULL, NULL},
};

static void log_info(void *ctx, int field, char *buf, size_t len)
{
    struct log_form *f = ctx;
    if (field == LF_PUPIL)
        snprintf(buf, len, "%s · AM %s · PM %s%s%s", f->e.pupil_name, f->e.am_code[0] ? f->e.am_code : "–",
                 f->e.pm_code[0] ? f->e.pm_code : "–", f->e.escalate ? " · ESCALATE: " : "",
                 f->e.escalate ? f->e.escalate_why : "");
    else
        buf[0] = '\0';
}

static ap_status log_validate(void *ctx)
{
    struct log_form *f = ctx;
    if (strcmp(f->contact, "0") == 0 && !f->person[0])
        return ap_fail(AP_ERR_INVALID, "Person: say who was called (or choose a contact above)");
    return AP_OK;
}

static ap_status log_save(void *ctx)
{
    struct log_form *f = ctx;
    struct call_input in = {
        .pupil_id = f->e.pupil_id,
        .day = f->c->today,
        .contact_id = strtoll(f->contact, NULL, 10),
        .person = f->person,
        .reached = f->reached,
        .outcome = f->outcome,
        .code = f->code[0],
        .session = strcmp(f->sessions, "pm") == 0 ? SESSION_PM : SESSION_AM,
        .both_sessions = strcmp(f->sessions, "both") == 0,
    };
    return calls_log(ui_store(f->c->ui), &in);
}

static void log_call(struct calls_pane *c)
{
    struct ui *ui = c->ui;
    const struct call_entry *sel = selected(c);
    if (!sel)
        return;
    if (!ui_can_write(ui))
        return;
    struct log_form *f = calloc(1, sizeof *f);
    struct code_set codes = {0};
    if (!f || codes_load(ui_store(ui), &codes) != AP_OK) {
        ui_error(ui, "The call form could not be opened: %s", f ? ap_error_detail() : "out of memory");
        free(f);
        return;
    }
    f->c = c;
    f->e = *sel;
    int n = 0;
    for (int k = 0; k < sel->ncontacts && k < 4; k++) {
        const struct call_contact *ct = &sel->contacts[k]; /* not f->e: snprintf into f */
        snprintf(f->contact_ids[n], sizeof f->contact_ids[n], "%lld", (long long)ct->id);
        snprintf(f->contact_labels[n], sizeof f->contact_labels[n], "%s%s%s%s  %s", ct->name,
                 ct->relationship[0] ? " (" : "", ct->relationship, ct->relationship[0] ? ")" : "", ct->phone);
        f->contacts[n] = (struct field_choice){f->contact_ids[n], f->contact_labels[n]};
        n++;
    }
    f->contacts[n++] = (struct field_choice){"0", "someone else (name below)"};
    f->contacts[n] = (struct field_choice){NULL, NULL};
    snprintf(f->contact, sizeof f->contact, "%s", f->contacts[0].value);
    /* The sessions the code is for: those holding N, or both when both do or
     * the afternoon has no mark yet. */
    bool am_n = strcmp(f->e.am_code, "N") == 0, pm_n = strcmp(f->e.pm_code, "N") == 0;
    snprintf(f->sessions, sizeof f->sessions, "%s",
             am_n && (pm_n || !f->e.pm_code[0]) ? "both" : am_n ? "am" : pm_n ? "pm" : "both");
    f->codes = calloc(codes.n + 2, sizeof *f->codes);
    f->code_labels = calloc(codes.n + 2, sizeof *f->code_labels);
    if (!f->codes || !f->code_labels) {
        ui_error(ui, "The call form could not be opened: out of memory");
        goto done;
    }
    n = 0;
    f->codes[n++] = (struct field_choice){"", "none: the absence stays N"};
    enum role role = store_role(ui_store(ui));
    for (size_t i = 0; i < codes.n; i++) {
        const struct code_info *ci = &codes.codes[i];
        if (strcmp(ci->code, "N") == 0 || !codes_enterable(ci, c->today, role, NULL, 0))
            continue;
        snprintf(f->code_labels[n], sizeof f->code_labels[n], "%s  %s", ci->code, ci->meaning);
        f->codes[n] = (struct field_choice){ci->code, f->code_labels[n]};
        n++;
    }
    f->codes[n] = (struct field_choice){NULL, NULL};
    struct form_field fields[LF_COUNT] = {
        [LF_PUPIL] = {.label = "Pupil", .kind = FIELD_INFO},
        [LF_CONTACT] = {.label = "Called", .kind = FIELD_CHOICE, .value = f->contact, .size = sizeof f->contact,
                        .choices = f->contacts, .help = "the contacts in calling order"},
        [LF_PERSON] = {.label = "Person", .kind = FIELD_TEXT, .value = f->person, .size = sizeof f->person,
                       .help = "who answered, if not the contact"},
        [LF_REACHED] = {.label = "Reached", .kind = FIELD_BOOL, .value = &f->reached},
        [LF_OUTCOME] = {.label = "What was said", .kind = FIELD_LONGTEXT, .value = f->outcome,
                        .size = sizeof f->outcome},
        [LF_CODE] = {.label = "Code", .kind = FIELD_CHOICE, .value = f->code, .size = sizeof f->code,
                     .choices = f->codes, .help = "the reason's code replaces N"},
        [LF_FOR] = {.label = "For", .kind = FIELD_CHOICE, .value = f->sessions, .size = sizeof f->sessions,
                    .choices = for_choices},
    };
    char title[300];
    snprintf(title, sizeof title, "Log a call: %s", f->e.pupil_name);
    struct form form = {
        .title = title,
        FORM_FIELDS(fields),
        .ctx = f,
        .validate = log_validate,
        .save = log_save,
        .info = log_info,
    };
    if (form_run(ui, &form)) {
        ui_store_changed(ui); /* the grid, the flags and this list */
        if (f->code[0])
            ui_message(ui, "Call logged: %s now %s", f->e.pupil_name, f->code);
        else
            ui_message(ui, "Call logged: %s%s", f->e.pupil_name, f->reached ? " (reached)" : " (not reached)");
    }
done:
    codes_free(&codes);
    free(f->codes);
    free(f->code_labels);
    free(f);
}

/* ---- The pane --------------------------------------------------------------------- */

static void calls_open(void *state, struct ui *ui)
{
    struct calls_pane *c = state;
    c->ui = ui;
    c->lv.columns = columns;
    c->lv.ncolumns = CC_COUNT;
    c->lv.cell = cell;
    c->lv.ctx = c;
    c->lv.sort_column = -1;
    c->rows = (struct list_rows){.ops = &rows_ops, .ctx = c, .lv = &c->lv};
    load(c);
    attendance_register_timer(ui); /* the registers close on time with this pane open too */
}

static void calls_close(void *state)
{
    struct calls_pane *c = state;
    free(c->e);
    list_rows_free(&c->rows);
    free(c->run);
    free((void *)c->run_why);
}

static void calls_flags_changed(void *state)
{
    map_runs(state);
}

/* Changes to these are nothing the calls list shows. */
static const char *const calls_ignored[] = {
    "qa_visit", "qa_answer", "qa_template", "qa_template_item", "psp", "psp_target", "psp_review",
    "psp_review_progress", "psp_timetable", "panel_case", "quote", "progress_entry", "tracking_action",
    "concern", "provider_contact", "register_close", NULL,
};

static bool calls_reload(void *state, const struct view_change *what)
{
    (void)what;
    load(state); /* the day's absences as a whole: a list of a few dozen */
    return true;
}

static unsigned calls_key(void *state, const struct action *act, int key)
{
    (void)key;
    struct calls_pane *c = state;
    if (!c->loaded)
        return REDRAW_NONE;
    if (act->id == ACT_CALL_LOG) {
        log_call(c);
        return REDRAW_ALL;
    }
    /* The same moves as in every list: j/k, arrows, PgUp/PgDn, g/G. */
    if (!action_is_move(act))
        return REDRAW_NONE;
    int before = c->lv.cursor;
    listview_move(&c->lv, act->id);
    if (c->lv.cursor != before)
        draw_box(c, ui_body(c->ui));
    return REDRAW_PARTIAL;
}

static unsigned calls_tick(void *state, bool active)
{
    struct calls_pane *c = state;
    unsigned out = attendance_register_timer(c->ui); /* reloads the list when a register closes */
    if (ui_today(c->ui) != c->today) {
        load(c); /* a new day: a new list */
        out |= REDRAW_BODY | REDRAW_STATUS;
    }
    return active ? out : REDRAW_NONE;
}

static const enum action_id calls_hints[] = {ACT_CALL_LOG, ACT_NONE};

/* Puts the cursor on the pupil (from the grid's "!"), when they are on the list. */
static void calls_show_record(void *state, long long pupil_id)
{
    struct calls_pane *c = state;
    list_rows_select(&c->rows, pupil_id);
}

const struct pane_ops pane_calls = {
    .size = sizeof(struct calls_pane),
    .title = "Calls",
    .show_record = calls_show_record,
    .flags_changed = calls_flags_changed,
    .scopes = SCOPE_CALLS | SCOPE_MOVE,
    .hints = calls_hints,
    .open = calls_open,
    .close = calls_close,
    .draw = calls_draw,
    .key = calls_key,
    .reload = calls_reload,
    .ignored = calls_ignored,
    .tick = calls_tick,
};
