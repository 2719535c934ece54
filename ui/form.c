#include "form.h"

#include <curses.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

#include "action.h"
#include "attr.h"
#include "date.h"
#include "draw.h"
#include "labels.h"
#include "lineedit.h"
#include "question.h"
#include "textedit.h"
#include "money.h"
#include "utf8.h"

#define LABEL_COLS 24
#define ERROR_LEN 200
#define LONGTEXT_LINES 4

/* The editing state of one field. */
struct field_state {
    struct lineedit le;   /* one-line text kinds */
    struct textedit te;   /* FIELD_LONGTEXT */
    char error[ERROR_LEN];
    int choice;           /* FIELD_CHOICE: index into choices */
    bool touched;
    bool draft_dirty;     /* changed since the last draft (form.draft) */
};

struct form_run {
    struct ui *ui;
    struct form *f;
    struct field_state *st;
    int focus;
    int top;              /* first field shown */
    bool modified;
    bool drafts_dirty;    /* some field's draft_dirty is set */
    long long last_draft; /* when drafts were last kept (monotonic ms) */
    bool saved;           /* the form is finished: saved */
    bool discarded;       /* the user agreed to close without saving */
    char name[300];       /* the record's name as loaded (struct form's title_name) */
};

static bool is_text_kind(enum field_kind k)
{
    return k == FIELD_TEXT || k == FIELD_LONGTEXT || k == FIELD_DATE || k == FIELD_INT || k == FIELD_MONEY ||
           k == FIELD_HOURS;
}

/* The editor holding a text field's text. */
static struct lineedit *editor(struct field_state *st, const struct form_field *fd)
{
    return fd->kind == FIELD_LONGTEXT ? &st->te.ed : &st->le;
}

static bool focusable(const struct form *f, int i)
{
    return f->fields[i].kind != FIELD_INFO;
}

/* The record's value as the text the user edits. */
static void value_text(const struct form_field *fd, bool new_record, char *buf, size_t len)
{
    buf[0] = '\0';
    switch (fd->kind) {
    case FIELD_TEXT:
    case FIELD_LONGTEXT:
        snprintf(buf, len, "%s", (const char *)fd->value);
        break;
    case FIELD_DATE: {
        char d[11];
        snprintf(buf, len, "%s", date_format(*(int *)fd->value, d));
        break;
    }
    case FIELD_INT:
        /* 0 in a field whose least value is above it means "not recorded". */
        if (*(int *)fd->value != 0 || fd->min <= 0)
            snprintf(buf, len, "%d", *(int *)fd->value);
        break;
    case FIELD_MONEY:
        /* Empty, not "£0.00", so that typing an amount needs no clearing
         * first; but a required amount of 0 was typed, and shows (unless
         * the record is new: then nobody has typed it yet). */
        if (*(int64_t *)fd->value != 0 || (fd->required && !new_record))
            money_format(*(int64_t *)fd->value, buf, len);
        break;
    case FIELD_HOURS: {
        double h = *(double *)fd->value;
        snprintf(buf, len, h == floor(h) ? "%.0f" : "%.1f", h);
        break;
    }
    default:
        break;
    }
}

static int choice_index(const struct form_field *fd)
{
    for (int i = 0; fd->choices && fd->choices[i].value; i++)
        if (strcmp(fd->choices[i].value, (const char *)fd->value) == 0)
            return i;
    return 0;
}

static int choice_count(const struct form_field *fd)
{
    int n = 0;
    while (fd->choices && fd->choices[n].value)
        n++;
    return n;
}

/* Field i's editor from the record's value. */
static void load_field(struct form_run *r, int i)
{
    const struct form_field *fd = &r->f->fields[i];
    struct field_state *st = &r->st[i];
    st->error[0] = '\0';
    st->draft_dirty = false;
    if (is_text_kind(fd->kind)) {
        char text[4096];
        value_text(fd, r->f->new_record, text, sizeof text);
        size_t limit = fd->kind == FIELD_TEXT || fd->kind == FIELD_LONGTEXT ? fd->size - 1 : 32;
        if (fd->kind == FIELD_LONGTEXT) {
            textedit_free(&st->te);
            textedit_init(&st->te, text, limit, LONGTEXT_LINES, 40);
        } else {
            lineedit_free(&st->le);
            lineedit_init(&st->le, text, limit);
        }
    } else if (fd->kind == FIELD_CHOICE) {
        st->choice = choice_index(fd);
    }
}

static void load_fields(struct form_run *r)
{
    r->name[0] = '\0';
    if (r->f->title_name)
        r->f->title_name(r->f->record, r->name, sizeof r->name);
    r->drafts_dirty = false;
    for (int i = 0; i < r->f->nfields; i++)
        load_field(r, i);
    r->modified = false;
}

/* The user changed the focused field: the owner's changed hook, and the
 * other fields read again when it changed their values. */
static void field_changed(struct form_run *r)
{
    if (!r->f->changed || !r->f->changed(r->f->ctx, r->focus))
        return;
    for (int i = 0; i < r->f->nfields; i++)
        if (i != r->focus && (is_text_kind(r->f->fields[i].kind) || r->f->fields[i].kind == FIELD_CHOICE))
            load_field(r, i);
}

/* Parses a field's text into the record. False with st->error set when the
 * text is not a valid value: nothing is written to the record then. */
static bool commit_field(struct form_run *r, int i)
{
    const struct form_field *fd = &r->f->fields[i];
    struct field_state *st = &r->st[i];
    st->error[0] = '\0';
    struct lineedit *ed = editor(st, fd);
    const char *text = is_text_kind(fd->kind) ? lineedit_text(ed) : "";
    while (*text == ' ')
        text++;
    switch (fd->kind) {
    case FIELD_TEXT:
    case FIELD_LONGTEXT:
        if (lineedit_over_limit(ed)) {
            snprintf(st->error, ERROR_LEN, "too long: at most %zu bytes", fd->size - 1);
            return false;
        }
        if (fd->required && !*text) {
            snprintf(st->error, ERROR_LEN, "must not be empty");
            return false;
        }
        if (r->f->check && *text && r->f->check(r->f->ctx, i, fd->label, text) != AP_OK) {
            const char *detail = ap_error_detail();
            size_t n = strlen(fd->label);
            if (strncmp(detail, fd->label, n) == 0 && detail[n] == ':')
                detail += n + 1;
            while (*detail == ' ')
                detail++;
            snprintf(st->error, ERROR_LEN, "%s", detail);
            return false;
        }
        snprintf((char *)fd->value, fd->size, "%s", lineedit_text(ed));
        return true;
    case FIELD_DATE: {
        int d = DATE_NONE;
        if (!*text) {
            if (fd->required) {
                snprintf(st->error, ERROR_LEN, "must be given (YYYY-MM-DD, today, +6w)");
                return false;
            }
        } else if (!date_parse(text, date_today(), &d)) {
            snprintf(st->error, ERROR_LEN, "\"%.40s\" is not a date: type YYYY-MM-DD, today, or +6w", text);
            return false;
        }
        *(int *)fd->value = d;
        char shown[11];
        lineedit_set_text(&st->le, date_format(d, shown)); /* "+6w" becomes the date it means */
        return true;
    }
    case FIELD_INT:
    case FIELD_HOURS: {
        if (!*text && fd->kind == FIELD_INT && !fd->required && fd->min > 0) {
            *(int *)fd->value = 0; /* not recorded */
            return true;
        }
        char *end;
        double v = strtod(text, &end);
        while (*end == ' ')
            end++;
        if (!*text || *end || v < fd->min || v > fd->max || (fd->kind == FIELD_INT && v != floor(v))) {
            snprintf(st->error, ERROR_LEN, fd->kind == FIELD_INT ? "expected a whole number from %.0f to %.0f"
                                                                 : "expected hours from %.1f to %.1f",
                     fd->min, fd->max);
            return false;
        }
        if (fd->kind == FIELD_INT)
            *(int *)fd->value = (int)v;
        else
            *(double *)fd->value = v;
        return true;
    }
    case FIELD_MONEY: {
        int64_t pence = 0;
        if (!*text && fd->required) {
            /* Blank is not set, never £0.00: a required amount must be typed. */
            snprintf(st->error, ERROR_LEN, "must be given, in pounds (45 or 45.50; 0 if it is free)");
            return false;
        }
        if (*text && money_parse(text, &pence) != AP_OK) {
            snprintf(st->error, ERROR_LEN, "%s", ap_error_detail());
            return false;
        }
        *(int64_t *)fd->value = pence;
        return true;
    }
    case FIELD_CHOICE:
        if (fd->choices && fd->choices[st->choice].value)
            snprintf((char *)fd->value, fd->size, "%s", fd->choices[st->choice].value);
        return true;
    case FIELD_CUSTOM:
        /* A required pick (a provider) is checked with the other fields, so
         * that a save names it together with every other bad field. */
        if (fd->required && fd->value && *(const int64_t *)fd->value <= 0) {
            snprintf(st->error, ERROR_LEN, "must be chosen");
            return false;
        }
        return true;
    default:
        return true;
    }
}

/* While the user types in a one-line field: the record takes the field's
 * value as soon as the text reads as one (nothing is shown as an error
 * until the field is left), so that info fields follow the typing. */
static void live_commit(struct form_run *r, int i)
{
    const struct form_field *fd = &r->f->fields[i];
    struct field_state *st = &r->st[i];
    const char *text = lineedit_text(&st->le);
    while (*text == ' ')
        text++;
    switch (fd->kind) {
    case FIELD_TEXT:
        if (!lineedit_over_limit(&st->le))
            snprintf((char *)fd->value, fd->size, "%s", lineedit_text(&st->le));
        break;
    case FIELD_DATE: {
        int d = DATE_NONE;
        if (!*text || date_parse(text, date_today(), &d))
            *(int *)fd->value = d;
        break;
    }
    case FIELD_MONEY: {
        int64_t pence = 0;
        if (!*text || money_parse(text, &pence) == AP_OK)
            *(int64_t *)fd->value = pence;
        break;
    }
    case FIELD_INT:
    case FIELD_HOURS: {
        if (!*text && fd->kind == FIELD_INT && !fd->required && fd->min > 0) {
            *(int *)fd->value = 0; /* not recorded */
            break;
        }
        char *end;
        double v = strtod(text, &end);
        while (*end == ' ')
            end++;
        if (!*text || *end || v < fd->min || v > fd->max || (fd->kind == FIELD_INT && v != floor(v)))
            break;
        if (fd->kind == FIELD_INT)
            *(int *)fd->value = (int)v;
        else
            *(double *)fd->value = v;
        break;
    }
    default:
        break;
    }
}

/* Lines a field takes on screen: long text gets four, an error one more. */
static int field_lines(const struct form_run *r, int i)
{
    int n = r->f->fields[i].kind == FIELD_LONGTEXT ? LONGTEXT_LINES : 1;
    if (r->f->fields[i].kind == FIELD_CUSTOM && r->f->custom_lines) {
        n = r->f->custom_lines(r->f->ctx, i);
        n = n < 1 ? 1 : n;
    }
    return n + (r->st[i].error[0] ? 1 : 0);
}

static void draw_field(struct form_run *r, WINDOW *w, int i, int y, int input_cols)
{
    const struct form_field *fd = &r->f->fields[i];
    struct field_state *st = &r->st[i];
    bool focused = i == r->focus;
    char label[128];
    snprintf(label, sizeof label, "%s%s", fd->label, fd->required ? " *" : "");
    wattrset(w, focused ? attr_of(ATTR_HEADER) : A_NORMAL);
    char shown[LABEL_COLS * 4 + 8];
    utf8_fit(shown, sizeof shown, label, LABEL_COLS - 2, UTF8_FIT_ELLIPSIS);
    mvwprintw(w, y, LABEL_COLS - 1 - utf8_width(shown), "%s", shown);
    wattrset(w, A_NORMAL);
    int x = LABEL_COLS + 1;
    switch (fd->kind) {
    case FIELD_BOOL: {
        bool v = *(bool *)fd->value;
        wattrset(w, attr_of(focused ? ATTR_SELECTED : ATTR_FIELD));
        mvwaddstr(w, y, x, v ? "[x] yes" : "[ ] no ");
        break;
    }
    case FIELD_CHOICE: {
        char text[200];
        const char *lab = fd->choices && fd->choices[st->choice].label ? fd->choices[st->choice].label : "";
        snprintf(text, sizeof text, "‹ %s ›", lab);
        char fit[800];
        utf8_fit(fit, sizeof fit, text, input_cols, UTF8_FIT_PAD | UTF8_FIT_ELLIPSIS);
        wattrset(w, attr_of(focused ? ATTR_SELECTED : ATTR_FIELD));
        mvwaddstr(w, y, x, fit);
        break;
    }
    case FIELD_INFO: {
        char text[256] = "";
        if (r->f->info)
            r->f->info(r->f->ctx, i, text, sizeof text);
        char fit[1100];
        utf8_fit(fit, sizeof fit, text, input_cols, UTF8_FIT_ELLIPSIS);
        wattrset(w, attr_of(ATTR_DIM));
        mvwaddstr(w, y, x, fit);
        break;
    }
    case FIELD_CUSTOM:
        if (r->f->custom_draw)
            r->f->custom_draw(r->f->ctx, i, w, y, x, input_cols, focused && !r->f->read_only);
        break;
    case FIELD_LONGTEXT:
        wattrset(w, attr_of(ATTR_FIELD));
        textedit_set_size(&st->te, LONGTEXT_LINES, input_cols);
        textedit_draw(w, y, x, LONGTEXT_LINES, input_cols, &st->te, focused && !r->f->read_only);
        break;
    default:
        wattrset(w, attr_of(ATTR_FIELD));
        lineedit_set_width(&st->le, input_cols);
        lineedit_draw(w, y, x, input_cols, &st->le, focused && !r->f->read_only);
        break;
    }
    wattrset(w, A_NORMAL);
    if (st->error[0]) {
        char msg[ERROR_LEN + 8];
        snprintf(msg, sizeof msg, "! %s", st->error);
        char fit[1100];
        utf8_fit(fit, sizeof fit, msg, getmaxx(w) - x, UTF8_FIT_ELLIPSIS);
        wattrset(w, attr_of(ATTR_FLAG_RED));
        mvwaddstr(w, y + field_lines(r, i) - 1, x, fit);
        wattrset(w, A_NORMAL);
    }
}

static void draw_form(struct form_run *r)
{
    WINDOW *w = ui_body(r->ui);
    werase(w);
    int height = getmaxy(w), width = getmaxx(w);
    int input_cols = width - LABEL_COLS - 2;
    if (input_cols > 60)
        input_cols = 60;
    wattrset(w, attr_of(ATTR_HEADER));
    {
        /* The title cut to the width (a long name must not wrap onto the fields). */
        char title[900], fit_title[1800];
        snprintf(title, sizeof title, "%s%s%s", r->f->title, r->name,
                 r->f->read_only ? " (read only)" : r->modified ? " (changed)" : "");
        utf8_fit(fit_title, sizeof fit_title, title, width - 2, UTF8_FIT_ELLIPSIS);
        mvwaddstr(w, 0, 1, fit_title);
    }
    wattrset(w, A_NORMAL);
    /* Keep the focused field on screen. */
    int avail = height - 4;
    if (r->focus < r->top)
        r->top = r->focus;
    for (;;) {
        int used = 0;
        for (int i = r->top; i <= r->focus; i++)
            used += field_lines(r, i);
        if (used <= avail || r->top >= r->focus)
            break;
        r->top++;
    }
    int y = 2, focus_y = -1, i = r->top;
    for (; i < r->f->nfields && y + field_lines(r, i) <= height - 2; i++) {
        if (i == r->focus)
            focus_y = y;
        else
            draw_field(r, w, i, y, input_cols);
        y += field_lines(r, i);
    }
    if (r->top > 0)
        mvwaddstr(w, 1, LABEL_COLS + 1, "↑ more above");
    if (i < r->f->nfields) /* a field that did not fit: more below */
        mvwaddstr(w, height - 2, LABEL_COLS + 1, "↓ more below (PgDn)");
    const struct form_field *fd = &r->f->fields[r->focus];
    wattrset(w, attr_of(ATTR_HINT));
    /* The form's keys are on the shell's hint line; here the field's own
     * keys first (they must not be cut), then its help. */
    const char *own = r->f->read_only ? "" : fd->kind == FIELD_CHOICE ? "←/→ choose" :
                      fd->kind == FIELD_BOOL ? "Space yes/no" : "";
    char hint[400];
    snprintf(hint, sizeof hint, "%s%s%s", own, own[0] && fd->help ? "  │  " : "", fd->help ? fd->help : "");
    char fit[1600];
    utf8_fit(fit, sizeof fit, hint, width - 2, UTF8_FIT_ELLIPSIS);
    mvwaddstr(w, height - 1, 1, fit);
    wattrset(w, A_NORMAL);
    /* The focused field last, so the terminal cursor stays in it. */
    curs_set(is_text_kind(fd->kind) && !r->f->read_only ? 1 : 0);
    if (focus_y >= 0)
        draw_field(r, w, r->focus, focus_y, input_cols);
}

static void move_focus(struct form_run *r, int step)
{
    int n = r->f->nfields, i = r->focus;
    for (int k = 0; k < n; k++) {
        i = (i + step + n) % n;
        if (focusable(r->f, i)) {
            r->focus = i;
            return;
        }
    }
}

/* The field a validation message names ("UPN: ..."), or -1. */
static int field_named(const struct form *f, const char *detail)
{
    const char *colon = strchr(detail, ':');
    if (!colon)
        return -1;
    size_t n = (size_t)(colon - detail);
    for (int i = 0; i < f->nfields; i++)
        if (strlen(f->fields[i].label) == n && strncmp(f->fields[i].label, detail, n) == 0)
            return i;
    return -1;
}

/* After a save refused because someone else changed the record: a view
 * over the form asking what to do. */
struct conflict {
    struct form_run *r;
    char who[300];
};

static void conflict_draw(void *ctx, WINDOW *w)
{
    struct conflict *c = ctx;
    draw_form(c->r);
    /* The question goes on the form's own last two lines, where it fits an
     * 80-column terminal; the status line carries its first words. */
    int h = getmaxy(w), width = getmaxx(w) - 2;
    char line[600];
    snprintf(line, sizeof line, "! Not saved: %s.", c->who);
    draw_text(w, h - 2, 1, width, line, attr_of(ATTR_FLAG_RED), DRAW_PAD | DRAW_ELLIPSIS);
    draw_text(w, h - 1, 1, width, "r reload theirs (drops yours) · o overwrite with yours · Esc keep editing",
              attr_of(ATTR_HEADER), DRAW_PAD | DRAW_ELLIPSIS);
    curs_set(0);
}

/* The form's whole-record check, save and reload: the owner's callbacks,
 * or its record type's (struct form's record_ops). */
static ap_status form_validate(struct form_run *r)
{
    const struct form *f = r->f;
    if (f->validate)
        return f->validate(f->ctx);
    if (f->record_ops && f->record_ops->validate)
        return f->record_ops->validate(f->record, ui_today(r->ui));
    return AP_OK;
}

static ap_status form_save(struct form_run *r)
{
    const struct form *f = r->f;
    if (f->save)
        return f->save(f->ctx);
    return f->record_ops->save(ui_store(r->ui), f->record, ui_today(r->ui));
}

static bool form_can_reload(const struct form *f)
{
    return f->reload || (f->record_ops && *f->record_id);
}

static ap_status form_reload(struct form_run *r)
{
    const struct form *f = r->f;
    if (f->reload)
        return f->reload(f->ctx);
    return f->record_ops->get(ui_store(r->ui), *f->record_id, f->record);
}

/* After a conflict: the stored record's version into the form's record
 * (struct form's take_version, or its record read again and only the
 * version kept). */
static ap_status take_version(struct form_run *r)
{
    const struct form *f = r->f;
    if (f->take_version)
        return f->take_version(f->ctx);
    void *mine = malloc(f->record_size);
    if (!mine)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    memcpy(mine, f->record, f->record_size);
    ap_status st = form_reload(r);
    int64_t version = *f->version;
    memcpy(f->record, mine, f->record_size);
    free(mine);
    if (st == AP_OK)
        *f->version = version;
    return st;
}

static const enum action_id conflict_keys[] = {ACT_CONFLICT_RELOAD, ACT_CONFLICT_OVERWRITE, ACT_VIEW_CLOSE, ACT_NONE};
static const struct question conflict_question = {
    .title = "a record someone else changed",
    .answers = conflict_keys,
    .draw = conflict_draw,
};

const struct question *form_conflict_question(void) { return &conflict_question; }

/* True to try the save again (overwrite), false to go on editing. */
static bool resolve_conflict(struct form_run *r, const char *who)
{
    struct conflict c = {.r = r};
    snprintf(c.who, sizeof c.who, "%s", who);
    ui_error(r->ui, "Not saved: %s", who);
    switch (ui_ask(r->ui, &conflict_question, &c)) {
    case ACT_CONFLICT_RELOAD:
        if (form_reload(r) == AP_OK) {
            load_fields(r);
            r->modified = false;
            ui_message(r->ui, "Reloaded the record as it is now; your changes were dropped");
        } else {
            ui_error(r->ui, "%s", ap_error_detail());
        }
        return false;
    case ACT_CONFLICT_OVERWRITE:
        if (take_version(r) == AP_OK)
            return !ui_quitting(r->ui);
        ui_error(r->ui, "%s", ap_error_detail());
        return false;
    case ACT_VIEW_CLOSE:
        ui_message(r->ui, "Not saved: your changes are still in the form");
        return false;
    default:
        return false;
    }
}

static bool try_save(struct form_run *r)
{
    int first_bad = -1;
    for (int i = 0; i < r->f->nfields; i++)
        if (focusable(r->f, i) && !commit_field(r, i) && first_bad < 0)
            first_bad = i;
    if (first_bad < 0) {
        ap_status st = form_validate(r);
        if (st != AP_OK) {
            const char *detail = ap_error_detail();
            int i = field_named(r->f, detail);
            if (i >= 0) {
                const char *rest = strchr(detail, ':') + 1;
                while (*rest == ' ')
                    rest++;
                snprintf(r->st[i].error, ERROR_LEN, "%s", rest);
                first_bad = i;
            } else {
                ui_error(r->ui, "%s", detail);
                return false;
            }
        }
    }
    if (first_bad >= 0) {
        int bad = 0;
        for (int i = 0; i < r->f->nfields; i++)
            bad += r->st[i].error[0] != '\0';
        r->focus = first_bad;
        /* Where the eye is: the field the focus moved to, and its error. */
        if (bad > 1)
            ui_error(r->ui, "Not saved: %s: %s (and %d more)", r->f->fields[first_bad].label,
                     r->st[first_bad].error, bad - 1);
        else
            ui_error(r->ui, "Not saved: %s: %s", r->f->fields[first_bad].label, r->st[first_bad].error);
        return false;
    }
    for (;;) {
        ap_status st = form_save(r);
        if (st == AP_OK)
            return true;
        if (st == AP_ERR_CONFLICT && form_can_reload(r->f) && (r->f->take_version || r->f->version)) {
            char who[300];
            snprintf(who, sizeof who, "%s", ap_error_detail());
            if (resolve_conflict(r, who))
                continue;
            return false;
        }
        int i = st == AP_ERR_INVALID ? field_named(r->f, ap_error_detail()) : -1;
        if (i >= 0) {
            snprintf(r->st[i].error, ERROR_LEN, "%s", strchr(ap_error_detail(), ':') + 1);
            r->focus = i;
        }
        ui_error(r->ui, "Not saved: %s", ap_error_detail());
        return false;
    }
}

/* Why nothing can be changed, for a key that would change a read-only form. */
static const char *read_only_text(const struct form *f)
{
    return f->read_only_reason ? f->read_only_reason : "You have the viewer role: you can read but not change anything";
}

/* ---- drafts (form.draft) ---- */

/* The text of the focused field changed. */
static void draft_mark(struct form_run *r)
{
    if (!r->f->draft)
        return;
    r->st[r->focus].draft_dirty = true;
    r->drafts_dirty = true;
}

/* Hands the owner every field changed since its last draft. */
static void draft_flush(struct form_run *r)
{
    if (!r->f->draft || !r->drafts_dirty)
        return;
    for (int i = 0; i < r->f->nfields; i++) {
        struct field_state *st = &r->st[i];
        if (!st->draft_dirty || !is_text_kind(r->f->fields[i].kind))
            continue;
        st->draft_dirty = false;
        r->f->draft(r->f->ctx, i, lineedit_text(editor(st, &r->f->fields[i])));
    }
    r->drafts_dirty = false;
    r->last_draft = date_monotonic_ms();
}

/* PgDn/PgUp: the focus moves a screen of fields down or up, the view with it. */
static void page_focus(struct form_run *r, int dir)
{
    int n = r->f->nfields;
    int avail = getmaxy(ui_body(r->ui)) - 4;
    if (avail < 1)
        avail = 1;
    int i = r->top, used = 0;
    if (dir > 0) {
        while (i < n && used + field_lines(r, i) <= avail)
            used += field_lines(r, i++);
        if (i >= n) { /* the end is on screen: the last field */
            for (int k = n - 1; k >= 0; k--)
                if (focusable(r->f, k)) {
                    r->focus = k;
                    break;
                }
            return;
        }
    } else {
        while (i > 0 && used + field_lines(r, i - 1) <= avail)
            used += field_lines(r, --i);
        if (i == r->top) { /* the start is on screen: the first field */
            r->focus = 0;
            if (!focusable(r->f, 0))
                move_focus(r, 1);
            return;
        }
    }
    r->top = i;
    for (int k = i; k < n; k++)
        if (focusable(r->f, k)) {
            r->focus = k;
            return;
        }
}

static void edit_key(struct form_run *r, int ret, wint_t ch)
{
    const struct form_field *fd = &r->f->fields[r->focus];
    struct field_state *st = &r->st[r->focus];
    if (r->f->read_only) {
        if (ret == OK && ch >= ' ')
            ui_error(r->ui, "%s", read_only_text(r->f));
        return;
    }
    if (fd->kind == FIELD_BOOL) {
        bool *v = fd->value;
        if (ret == OK && (ch == ' ' || ch == 'y' || ch == 'n')) {
            *v = ch == ' ' ? !*v : ch == 'y';
            r->modified = true;
        }
        return;
    }
    if (fd->kind == FIELD_CHOICE) {
        int n = choice_count(fd);
        if (n == 0)
            return;
        if ((ret == KEY_CODE_YES && ch == KEY_RIGHT) || (ret == OK && ch == ' '))
            st->choice = (st->choice + 1) % n;
        else if (ret == KEY_CODE_YES && ch == KEY_LEFT)
            st->choice = (st->choice + n - 1) % n;
        else if (ret == OK && ch > ' ') {
            /* A letter jumps to the next choice whose label starts with it. */
            for (int k = 1; k <= n; k++) {
                int c = (st->choice + k) % n;
                if ((wint_t)tolower((unsigned char)fd->choices[c].label[0]) == towlower(ch)) {
                    st->choice = c;
                    break;
                }
            }
        } else
            return;
        commit_field(r, r->focus);
        r->modified = true;
        field_changed(r);
        return;
    }
    if (!is_text_kind(fd->kind))
        return;
    enum lineedit_result res = fd->kind == FIELD_LONGTEXT ? textedit_key(&st->te, ret, ch)
                                                          : lineedit_key(&st->le, ret, ch);
    if (res == LINEEDIT_UNHANDLED && ret == OK && (ch < 0x20 || ch == 0x7f)) {
        /* A control key that edits nothing: said, never silently dropped. */
        ui_error(r->ui, "%s: Ctrl-%c is not a key of a text field; nothing was typed", fd->label,
                 ch == 0x7f ? '?' : (int)ch + '@');
        return;
    }
    if (res == LINEEDIT_CHANGED) {
        r->modified = true;
        st->error[0] = '\0';
        live_commit(r, r->focus);
        draft_mark(r);
        field_changed(r);
    } else if (res == LINEEDIT_REFUSED) {
        const char *why = fd->kind == FIELD_LONGTEXT ? textedit_reason(&st->te) : lineedit_reason(&st->le);
        ui_error(r->ui, "%s: %s", fd->label, why);
        /* A full field says so under it until it changes: never a passing word. */
        if (strncmp(why, "the field is full", 17) == 0)
            snprintf(st->error, ERROR_LEN, "%s: nothing more was taken", why);
    }
}

/* A long-text field takes Enter, the arrows and the page keys itself; true
 * when it used the key. Up on its first line or Down on its last is left to
 * the form, which moves to the next field. */
static bool longtext_takes(struct form_run *r, int ret, wint_t ch)
{
    const struct form_field *fd = &r->f->fields[r->focus];
    if (fd->kind != FIELD_LONGTEXT || r->f->read_only)
        return false;
    if (ret == OK && (ch == '\t' || ch == 27 || ch == CTRL_KEY('s')))
        return false;
    if (ret == KEY_CODE_YES && (ch == KEY_BTAB || ch == KEY_F(2) || ch == KEY_RESIZE))
        return false;
    struct field_state *st = &r->st[r->focus];
    enum lineedit_result res = textedit_key(&st->te, ret, ch);
    if (res == LINEEDIT_UNHANDLED)
        return false;
    if (res == LINEEDIT_CHANGED) {
        r->modified = true;
        st->error[0] = '\0';
        draft_mark(r);
    } else if (res == LINEEDIT_REFUSED) {
        ui_error(r->ui, "%s: %s", fd->label, textedit_reason(&st->te));
        if (strncmp(textedit_reason(&st->te), "the field is full", 17) == 0)
            snprintf(st->error, ERROR_LEN, "%s: nothing more was taken", textedit_reason(&st->te));
    }
    return true;
}

/* A custom field takes every key but Tab, Shift-Tab, save and Esc; true
 * when it used the key. */
static bool custom_takes(struct form_run *r, int ret, wint_t ch)
{
    const struct form_field *fd = &r->f->fields[r->focus];
    if (fd->kind != FIELD_CUSTOM || !r->f->custom_key || r->f->read_only)
        return false;
    if (ret == OK && (ch == '\t' || ch == 27 || ch == CTRL_KEY('s')))
        return false;
    if (ret == KEY_CODE_YES && (ch == KEY_BTAB || ch == KEY_F(2) || ch == KEY_RESIZE))
        return false;
    int res = r->f->custom_key(r->f->ctx, r->focus, ret, ch);
    if (res == LINEEDIT_UNHANDLED)
        return false;
    if (res == LINEEDIT_CHANGED) {
        r->modified = true;
        r->st[r->focus].error[0] = '\0';
    }
    return true;
}

/* ---- The form as a view on the shell's stack ---- */

static void form_view_draw(void *self, WINDOW *w)
{
    (void)w;
    draw_form(self);
}

static enum view_key form_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct form_run *r = self;
    struct form *f = r->f;
    /* While typing goes on, the drafts every FORM_DRAFT_MS at most: a
     * killed process loses no more than the last moments of typing. */
    if (r->drafts_dirty && date_monotonic_ms() - r->last_draft >= FORM_DRAFT_MS)
        draft_flush(r);
    if (ret == KEY_CODE_YES && ch == KEY_RESIZE)
        return VIEW_DONE;
    if (longtext_takes(r, ret, ch) || custom_takes(r, ret, ch))
        return VIEW_DONE;
    if (act && act->id == ACT_CANCEL) {
        if (r->modified && !f->read_only && !ui_confirm(r->ui, "Close without saving your changes?")) {
            ui_message(r->ui, "%s", ""); /* back to the form, as it was */
            return VIEW_DONE;
        }
        r->discarded = true;
        ui_message(r->ui, r->modified && !f->read_only ? "Closed without saving" : "");
        return VIEW_CLOSE;
    }
    if (act && (act->id == ACT_NEXT_FIELD || act->id == ACT_PREV_FIELD || act->id == ACT_PAGE_DOWN ||
                act->id == ACT_PAGE_UP)) {
        if (focusable(f, r->focus) && !f->read_only)
            commit_field(r, r->focus);
        draft_flush(r); /* the field is left: keep what was typed in it */
        if (act->id == ACT_PAGE_DOWN || act->id == ACT_PAGE_UP)
            page_focus(r, act->id == ACT_PAGE_DOWN ? 1 : -1);
        else
            move_focus(r, act->id == ACT_NEXT_FIELD ? 1 : -1);
        return VIEW_DONE;
    }
    if (act && act->id == ACT_SAVE) {
        if (f->read_only) {
            ui_error(r->ui, "%s", read_only_text(f));
            return VIEW_DONE;
        }
        if (try_save(r)) {
            r->saved = true;
            return VIEW_CLOSE;
        }
        return VIEW_DONE;
    }
    if (ret == OK && (ch == '\r' || ch == '\n')) {
        int last = f->nfields - 1;
        while (last > 0 && !focusable(f, last))
            last--;
        if (f->enter_saves && r->focus == last && !f->read_only) {
            /* A short form: Enter on its last field saves. */
            if (try_save(r)) {
                r->saved = true;
                return VIEW_CLOSE;
            }
            return VIEW_DONE;
        }
        /* Enter in a one-line field moves on, as Tab does. */
        if (!f->read_only)
            commit_field(r, r->focus);
        draft_flush(r);
        move_focus(r, 1);
        return VIEW_DONE;
    }
    edit_key(r, ret, ch);
    return VIEW_DONE;
}

/* Text pasted into the focused field: taken whole or refused whole, the
 * field and its error saying why. A one-line field drops one line break at
 * the end (a copied line); a long text field takes line breaks. */
static void form_view_paste(void *self, const char *text, size_t len)
{
    struct form_run *r = self;
    const struct form_field *fd = &r->f->fields[r->focus];
    struct field_state *st = &r->st[r->focus];
    if (r->f->read_only) {
        ui_error(r->ui, "%s", read_only_text(r->f));
        return;
    }
    if (!is_text_kind(fd->kind)) {
        ui_error(r->ui, "%s: not a text field: nothing was pasted", fd->label);
        return;
    }
    bool multi = fd->kind == FIELD_LONGTEXT;
    char *buf = malloc(len + 1);
    if (!buf) {
        ui_error(r->ui, "Out of memory: nothing was pasted");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        k = k ? k : 1;
        bool line_end = cp == '\r' || cp == '\n';
        if (line_end && cp == '\r' && i + 1 < len && text[i + 1] == '\n')
            k++; /* CR LF: one line break */
        bool last = i + k >= len;
        if (line_end && (multi || last)) {
            if (multi)
                buf[n++] = '\n';
            i += k;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            snprintf(st->error, ERROR_LEN, "pasted text with a control character (U+%04X): nothing pasted",
                     (unsigned)cp);
            ui_error(r->ui, "%s: %s", fd->label, st->error);
            free(buf);
            return;
        }
        memcpy(buf + n, text + i, k);
        n += k;
        i += k;
    }
    struct lineedit *le = editor(st, fd);
    enum lineedit_result res = lineedit_insert(le, buf, n);
    if (res == LINEEDIT_REFUSED) {
        size_t room = le->limit > le->len ? le->limit - le->len : 0;
        snprintf(st->error, ERROR_LEN, "pasted text too long (%zu characters, room for %zu bytes): nothing pasted",
                 utf8_clusters(buf, n), room);
        ui_error(r->ui, "%s: %s", fd->label, st->error);
    } else if (res == LINEEDIT_CHANGED) {
        r->modified = true;
        st->error[0] = '\0';
        live_commit(r, r->focus);
        draft_mark(r);
        field_changed(r);
    }
    free(buf);
}

/* Ctrl-C or a pane number: asks, as Esc does, when something is unsaved. */
static bool form_view_close_request(void *self, bool quitting)
{
    struct form_run *r = self;
    if (r->modified && !r->f->read_only &&
        !ui_confirm(r->ui, quitting ? "Quit apterm without saving your changes?" : "Close without saving your changes?")) {
        ui_message(r->ui, "%s", "");
        return false;
    }
    r->discarded = true;
    return true;
}

static bool form_view_tick(void *self)
{
    struct form_run *r = self;
    if (r->drafts_dirty && date_monotonic_ms() - r->last_draft >= FORM_DRAFT_MS)
        draft_flush(r);
    return false;
}

static const enum action_id form_keys[] = {ACT_NEXT_FIELD, ACT_PREV_FIELD, ACT_PAGE_DOWN, ACT_PAGE_UP,
                                           ACT_SAVE, ACT_CANCEL, ACT_NONE};
static const struct view_ops form_view = {
    .title = "the form",
    .keys = form_keys,
    .draw = form_view_draw,
    .key = form_view_key,
    .close_request = form_view_close_request,
    .takes_text = view_takes_text_always, /* q, ? and the digits are characters in a form */
    .tick = form_view_tick,
    .paste = form_view_paste,
};

const struct view_ops *form_view_ops(void) { return &form_view; }

bool form_run(struct ui *ui, struct form *f)
{
    struct form_run r = {.ui = ui, .f = f};
    r.st = calloc((size_t)f->nfields, sizeof *r.st);
    if (!r.st) {
        ui_error(ui, "Out of memory opening the form");
        return false;
    }
    load_fields(&r);
    r.modified = f->start_changed && !f->read_only;
    r.last_draft = date_monotonic_ms();
    r.focus = f->start_focus > 0 && f->start_focus < f->nfields ? f->start_focus : 0;
    if (!focusable(f, r.focus))
        move_focus(&r, 1);
    ui_run_view(ui, &form_view, &r);
    /* Quitting without being asked (a signal, the terminal gone): keep what
     * was typed, so that it is written before the program exits. */
    if (!r.saved && !r.discarded && ui_quitting(ui))
        draft_flush(&r);
    for (int i = 0; i < f->nfields; i++) {
        lineedit_free(&r.st[i].le);
        textedit_free(&r.st[i].te);
    }
    free(r.st);
    curs_set(0);
    return r.saved;
}

size_t form_choices(struct field_choice *out, size_t max, const struct label *table)
{
    size_t n = 0;
    for (; max && table[n].code && n < max - 1; n++)
        out[n] = (struct field_choice){table[n].code, table[n].text};
    if (max)
        out[n] = (struct field_choice){NULL, NULL};
    return n;
}
