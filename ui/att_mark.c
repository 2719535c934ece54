/* Writing the attendance grid's marks with the version the officer saw
 * (marks_set, marks_clear), undo, repeat, and the mark form on Enter. */

#include "att_mark.h"
#include "panes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attr.h"
#include "draw.h"
#include "calendar.h"
#include "date.h"
#include "flags.h"
#include "form.h"
#include "register.h"
#include "lineedit.h"
#include "marks.h"
#include "provider.h"
#include "roll.h"
#include "rules.h"
#include "shell.h"
#include "utf8.h"

#include "att_draw.h"

/* ---- Writing marks ------------------------------------------------------------------ */

static void term_change(struct att *a, struct grid_row *r, int day, char before, char after)
{
    if (!r->term_known || !a->have_term || day < a->term_start || day > a->term_end)
        return; /* unknown: read with the change in it when shown */
    const struct code_info *b = code_of(a, before), *n = code_of(a, after);
    if (b && rules_category_possible(b->category))
        r->term_possible--;
    if (b && rules_category_attending(b->category))
        r->term_attending--;
    if (n && rules_category_possible(n->category))
        r->term_possible++;
    if (n && rules_category_attending(n->category))
        r->term_attending++;
}

/* The cell takes the mark as stored (version 0: no mark). */
static void set_cell(struct att *a, struct grid_row *r, int col, const struct mark *m)
{
    term_change(a, r, col_day(a, col), r->c[col].code, m->version ? m->code[0] : 0);
    r->c[col].code = m->version ? m->code[0] : 0;
    r->c[col].reported = m->version ? m->reported_code[0] : 0;
    r->c[col].version = m->version;
}

static void wrote(struct att *a)
{
    a->dirty = true;
    a->last_write_ms = date_monotonic_ms();
}

static void push_undo(struct att *a, const struct mark *before, int64_t pupil_id, int day, enum session sess,
                      int64_t after_version)
{
    if (a->nundo == UNDO_MAX) {
        memmove(a->undo, a->undo + 1, (UNDO_MAX - 1) * sizeof *a->undo);
        a->nundo--;
    }
    struct undo *u = &a->undo[a->nundo++];
    u->pupil_id = pupil_id;
    u->day = day;
    u->session = sess;
    u->before = *before;
    u->after_version = after_version;
}

/* The data layer's refusal, made to fit the status line: the cell is the
 * one under the cursor, so "2026-11-20 AM " is dropped, and so is "since
 * you opened it"; who did it stays. */
static void refusal(const struct att *a, int col, const char *what)
{
    char d[11], prefix[24], text[400];
    snprintf(prefix, sizeof prefix, "%s %s ", date_format(col_day(a, col), d), session_word(col_session(col)));
    const char *detail = ap_error_detail();
    if (strncmp(detail, prefix, strlen(prefix)) == 0)
        detail += strlen(prefix);
    if (strncmp(detail, "is ", 3) == 0)
        detail += 3; /* "is now marked B (...)" */
    snprintf(text, sizeof text, "%s", detail);
    static const char since_text[] = " since you opened it";
    char *since = strstr(text, since_text);
    if (since)
        memmove(since, since + strlen(since_text), strlen(since + strlen(since_text)) + 1);
    /* " at 2026-11-20 09:41" (local, from the audit) or " at 2026-11-20
     * 09:41:07 UTC" (the mark's own stamp): today's as " at 09:41". */
    char *at = strstr(text, " at ");
    int y, mo, dd, h, mi, n = 0;
    if (at && sscanf(at + 4, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &dd, &h, &mi, &n) == 5 && n == 16) {
        char local[48], rest[400];
        const char *after = at + 4 + 16;
        if (after[0] == ':' && strncmp(after + 3, " UTC", 4) == 0) {
            char stamp[20];
            memcpy(stamp, at + 4, 19);
            stamp[19] = '\0';
            local_stamp(stamp, local, sizeof local);
            after += 7;
        } else {
            time_t t = time(NULL);
            struct tm tm;
            localtime_r(&t, &tm);
            if (tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == dd)
                snprintf(local, sizeof local, "%02d:%02d", h, mi);
            else
                snprintf(local, sizeof local, "%.16s", at + 4);
        }
        snprintf(rest, sizeof rest, "%s", after);
        snprintf(at, sizeof text - (size_t)(at - text), " at %s%s", local, rest);
    }
    ui_error(a->ui, "%s: %s", what, text);
}

/* After a refusal because someone else changed the cell: read it again. */
static void refresh_cell(struct att *a, int row, int col)
{
    struct grid_row *r = &a->rows[row];
    struct mark m;
    if (marks_get(ui_store(a->ui), r->pupil_id, col_day(a, col), col_session(col), &m) == AP_OK)
        set_cell(a, r, col, &m);
}

/* The name and the session for messages: "Siân Jones, Fri 20 Nov AM". */
static void who_when(struct att *a, int row, int col, char *buf, size_t len)
{
    char when[40];
    cell_text(a, col, when, sizeof when);
    snprintf(buf, len, "%s, %s", row_pupil(a, &a->rows[row])->display_name, when);
}

/* Whether the cursor is on a cell and the store may be written; if not,
 * *redraw says what to draw again. */
static bool cursor_writable(const struct att *a, unsigned *redraw)
{
    *redraw = a->nrows ? REDRAW_STATUS : REDRAW_NONE;
    return a->nrows && ui_can_write(a->ui);
}

static unsigned write_code(struct att *a, int row, int col, int day, enum session sess, struct grid_row *r, char code)
{
    struct ui *ui = a->ui;
    const struct code_info *info = code_of(a, code);
    char why[300];
    if (!info) {
        ui_error(ui, "%c is not a code in the %s set", code, a->set_name);
        return REDRAW_STATUS;
    }
    if (!codes_enterable(info, day, store_role(ui_store(ui)), why, sizeof why)) {
        ui_error(ui, "Not recorded: %s", why);
        return REDRAW_STATUS;
    }
    struct store *s = ui_store(ui);
    struct mark before;
    memset(&before, 0, sizeof before);
    if (r->c[col].version && marks_get(s, r->pupil_id, day, sess, &before) != AP_OK) {
        ui_error(ui, "Not recorded: %s", ap_error_detail());
        return REDRAW_STATUS;
    }
    unsigned out = REDRAW_NONE;
    char stored = code;
    if ((code == '/' || code == '\\') && code_of(a, '/') && code_of(a, '\\'))
        stored = sess == SESSION_PM ? '\\' : '/';
    if (r->c[col].version && r->c[col].code == stored && before.version == r->c[col].version) {
        /* The same code again: nothing to write, just move on. */
    } else {
        struct mark_input in = {
            .pupil_id = r->pupil_id,
            .day = day,
            .session = sess,
            .code = code,
            /* A report comes from the provider the way the officer set (@),
             * also over an N the register close gave; changing a mark a
             * provider reported is the officer's correction, so the
             * provider's code is kept beside it. */
            .source = before.version && (before.source == SOURCE_PHONE || before.source == SOURCE_EMAIL ||
                                         before.source == SOURCE_PORTAL)
                          ? SOURCE_OFFICER
                          : a->via,
        };
        struct mark after;
        ap_status st = marks_set(s, &in, r->c[col].version, &after);
        if (st != AP_OK) {
            refusal(a, col, "Not recorded");
            if (st == AP_ERR_CONFLICT) {
                refresh_cell(a, row, col);
                wrote(a); /* the other panes may be stale too */
            }
            return repaint_cell(a, row, col) | REDRAW_STATUS;
        }
        push_undo(a, &before, r->pupil_id, day, sess, after.version);
        set_cell(a, r, col, &after);
        wrote(a);
        if (!expected_at(r, col)) {
            char ww[300];
            who_when(a, row, col, ww, sizeof ww);
            ui_message(ui, "Recorded %c for %s (not timetabled then)", after.code[0], ww);
            out |= REDRAW_STATUS;
        }
    }
    int next = next_unreported(a, row, col);
    if (next < 0) {
        char where[40];
        cell_text(a, col, where, sizeof where);
        ui_message(ui, "%s: every expected pupil has a mark", where);
        return repaint_cell(a, row, col) | REDRAW_STATUS | out;
    }
    WINDOW *w = ui_body(ui);
    draw_cell(a, w, row, col); /* the new code; move_to repaints it unhighlighted */
    return move_to(a, next, col) | out;
}

/* Records code in the cursor's cell, then moves to the next unreported pupil. */
unsigned mark_code(struct att *a, char code)
{
    unsigned redraw;
    if (!cursor_writable(a, &redraw))
        return redraw;
    int row = a->cur_row, col = a->cur_col;
    return write_code(a, row, col, col_day(a, col), col_session(col), &a->rows[row], code);
}

static unsigned write_clear(struct att *a, int row, int col, int day, enum session sess, struct grid_row *r)
{
    struct ui *ui = a->ui;
    char ww[300];
    who_when(a, row, col, ww, sizeof ww);
    if (!r->c[col].version) {
        ui_message(ui, "No mark to clear (%s)", ww);
        return REDRAW_STATUS;
    }
    struct store *s = ui_store(ui);
    struct mark before;
    if (marks_get(s, r->pupil_id, day, sess, &before) != AP_OK) {
        ui_error(ui, "Not cleared: %s", ap_error_detail());
        return REDRAW_STATUS;
    }
    ap_status st = marks_clear(s, r->pupil_id, day, sess, r->c[col].version);
    if (st != AP_OK) {
        refusal(a, col, "Not cleared");
        if (st == AP_ERR_CONFLICT) {
            refresh_cell(a, row, col);
            wrote(a);
        }
        return repaint_cell(a, row, col) | REDRAW_STATUS;
    }
    push_undo(a, &before, r->pupil_id, day, sess, 0);
    struct mark none = {0};
    set_cell(a, r, col, &none);
    wrote(a);
    ui_message(ui, "Cleared %c (%s); u puts it back", before.code[0], ww);
    return repaint_cell(a, row, col) | REDRAW_STATUS;
}

unsigned clear_mark(struct att *a)
{
    unsigned redraw;
    if (!cursor_writable(a, &redraw))
        return redraw;
    int row = a->cur_row, col = a->cur_col;
    return write_clear(a, row, col, col_day(a, col), col_session(col), &a->rows[row]);
}

int monday_of(int date)
{
    return date - date_weekday(date);
}

/* Shows the week holding date with the cursor on the pupil and column given. */
void show_week(struct att *a, int date, int64_t pupil_id, int col)
{
    int line = a->cur_row;
    a->week = monday_of(date);
    load_week(a);
    keep_cursor(a, pupil_id, line);
    a->cur_col = col;
}

unsigned undo_last(struct att *a)
{
    struct ui *ui = a->ui;
    if (a->nundo == 0) {
        ui_message(ui, "Nothing to undo: no mark changed in this session of apterm");
        return REDRAW_STATUS;
    }
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    struct undo u = a->undo[--a->nundo];
    struct store *s = ui_store(ui);
    ap_status st;
    struct mark after;
    memset(&after, 0, sizeof after);
    if (u.before.version == 0) {
        st = marks_clear(s, u.pupil_id, u.day, u.session, u.after_version);
    } else {
        struct mark_input in = {
            .pupil_id = u.pupil_id,
            .day = u.day,
            .session = u.session,
            .code = u.before.code[0],
            .provider_id = u.before.provider_id,
            .source = u.before.source,
            .note = u.before.note,
        };
        st = marks_set(s, &in, u.after_version, &after);
    }
    /* Show the cell undone, in its week. */
    int col = (u.day - monday_of(u.day)) * 2 + (u.session == SESSION_PM);
    if (monday_of(u.day) != a->week) {
        show_week(a, u.day, u.pupil_id, col);
    } else {
        long r = row_of_pupil(a, u.pupil_id);
        if (r >= 0) {
            a->cur_row = (int)r;
            a->cur_col = col;
            if (st == AP_OK)
                set_cell(a, &a->rows[r], col, &after);
            else
                refresh_cell(a, (int)r, col);
        }
    }
    wrote(a);
    char when[40], d[24];
    day_text(u.day, d, sizeof d);
    snprintf(when, sizeof when, "%s %s", d, session_word(u.session));
    long r = row_of_pupil(a, u.pupil_id);
    const char *name = r >= 0 ? row_pupil(a, &a->rows[r])->display_name : "the pupil";
    if (st != AP_OK)
        refusal(a, col, "Cannot undo");
    else if (u.before.version == 0)
        ui_message(ui, "Undone: %s, %s has no mark again", name, when);
    else
        ui_message(ui, "Undone: %s, %s is %s again", name, when, after.code);
    return REDRAW_BODY | REDRAW_STATUS;
}

/* '.': the pupil's code from the session before. */
unsigned repeat_code(struct att *a)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return REDRAW_NONE;
    int row = a->cur_row, col = a->cur_col;
    struct grid_row *r = &a->rows[row];
    char code = 0;
    int pday;
    enum session psess;
    if (col % 2) {
        pday = col_day(a, col);
        psess = SESSION_AM;
        code = r->c[col - 1].code;
    } else {
        pday = calendar_school_day_on_or_before(&a->cal, col_day(a, col) - 1, 31);
        psess = SESSION_PM;
        if (pday == DATE_NONE) {
            ui_message(ui, "Nothing to repeat: no school day in the month before");
            return REDRAW_STATUS;
        }
        if (pday >= a->week) {
            code = r->c[(pday - a->week) * 2 + 1].code;
        } else {
            struct mark m;
            if (marks_get(ui_store(ui), r->pupil_id, pday, psess, &m) != AP_OK) {
                ui_error(ui, "%s", ap_error_detail());
                return REDRAW_STATUS;
            }
            code = m.version ? m.code[0] : 0;
        }
    }
    if (!code) {
        char d[24];
        day_text(pday, d, sizeof d);
        ui_message(ui, "Nothing to repeat: %s has no mark on %s %s", row_pupil(a, r)->display_name, d,
                   session_word(psess));
        return REDRAW_STATUS;
    }
    return mark_code(a, code);
}

/* ---- The mark form (Enter) ------------------------------------------------------------ */

enum { MF_PUPIL, MF_TIMETABLED, MF_MARK, MF_RECORDED, MF_REPORTED, MF_PROVIDER, MF_CODE, MF_SOURCE, MF_NOTE, MF_COUNT };

struct mark_form {
    struct att *a;
    int row, col;
    struct mark m;                  /* as read */
    char code[2];                   /* the form's values */
    char source[12];
    char note[256];
    struct field_choice *codes;     /* "" (no mark) first when there is none */
    char (*code_labels)[200];
};

static const struct field_choice source_choices[] = {
    {"phone", "by phone (the provider rang)"},
    {"email", "by email from the provider"},
    {"portal", "on the provider's portal"},
    {"call", "from a first-day absence call"},
    {"officer", "the officer's own entry or correction"},
    {"import", "imported from a file"},
    {NULL, NULL},
};

static void mark_form_info(void *ctx, int field, char *buf, size_t len)
{
    struct mark_form *f = ctx;
    struct att *a = f->a;
    const struct grid_row *r = &a->rows[f->row];
    const struct code_info *info;
    char when[40];
    buf[0] = '\0';
    switch (field) {
    case MF_PUPIL:
        cell_text(a, f->col, when, sizeof when);
        snprintf(buf, len, "%s (%s) · %s", row_pupil(a, r)->display_name, row_pupil(a, r)->upn, when);
        break;
    case MF_TIMETABLED:
        snprintf(buf, len, "%s", expected_at(r, f->col) ? "yes: the pupil is expected this session"
                                                         : "no: not timetabled (a mark can still be made)");
        break;
    case MF_MARK:
        if (!f->m.version) {
            snprintf(buf, len, "no mark yet");
            break;
        }
        info = code_of(a, f->m.code[0]);
        snprintf(buf, len, "%s: %s (%s)%s", f->m.code, info ? info->meaning : "not a code of this set",
                 info ? rules_category_str(info->category) : "?",
                 info && info->valid_to != DATE_NONE ? ", retired" : "");
        break;
    case MF_RECORDED:
        if (f->m.version) {
            char stamp[48];
            local_stamp(f->m.updated_at, stamp, sizeof stamp);
            static const char *const how[] = {"by phone", "by email", "on the provider's portal",
                                              "from an absence call", "by the officer", "imported from a file"};
            snprintf(buf, len, "%s at %s, %s", f->m.updated_by, stamp,
                     (unsigned)f->m.source < sizeof how / sizeof how[0] ? how[f->m.source] : "?");
        }
        break;
    case MF_REPORTED:
        if (f->m.reported_code[0]) {
            info = code_of(a, f->m.reported_code[0]);
            snprintf(buf, len, "%s: %s (the officer changed it to %s)", f->m.reported_code,
                     info ? info->meaning : "?", f->m.code);
        } else {
            snprintf(buf, len, "%s", f->m.version ? "the same as the mark" : "–");
        }
        break;
    case MF_PROVIDER:
        snprintf(buf, len, "%s", f->m.provider_id ? provider_name(a, f->m.provider_id) : r->provider);
        break;
    default:
        break;
    }
}

static void mark_form_fill(struct mark_form *f)
{
    snprintf(f->code, sizeof f->code, "%s", f->m.version ? f->m.code : "");
    snprintf(f->source, sizeof f->source, "%s", mark_source_name(f->m.version ? f->m.source : f->a->via));
    snprintf(f->note, sizeof f->note, "%s", f->m.note);
}

static ap_status mark_form_read(struct mark_form *f)
{
    struct att *a = f->a;
    return marks_get(ui_store(a->ui), a->rows[f->row].pupil_id, col_day(a, f->col), col_session(f->col), &f->m);
}

static ap_status mark_form_reload(void *ctx)
{
    struct mark_form *f = ctx;
    ap_status st = mark_form_read(f);
    if (st == AP_OK)
        mark_form_fill(f);
    return st;
}

static ap_status mark_form_take_version(void *ctx)
{
    struct mark_form *f = ctx;
    struct mark now;
    struct att *a = f->a;
    ap_status st = marks_get(ui_store(a->ui), a->rows[f->row].pupil_id, col_day(a, f->col), col_session(f->col), &now);
    if (st == AP_OK) {
        f->m.version = now.version;
        if (!now.version)
            return ap_fail(AP_ERR_INVALID, "The mark was cleared meanwhile: close the form and mark the cell again");
    }
    return st;
}

static ap_status mark_form_save(void *ctx)
{
    struct mark_form *f = ctx;
    struct att *a = f->a;
    struct grid_row *r = &a->rows[f->row];
    enum mark_source src = SOURCE_OFFICER;
    mark_source_parse(f->source, &src);
    if (!f->code[0]) {
        if (f->note[0])
            return ap_fail(AP_ERR_INVALID, "Code: choose the code to record with the note");
        return AP_OK; /* nothing to record */
    }
    if (f->m.version && f->code[0] == f->m.code[0] && src == f->m.source && strcmp(f->note, f->m.note) == 0)
        return AP_OK; /* unchanged */
    struct mark_input in = {
        .pupil_id = r->pupil_id,
        .day = col_day(a, f->col),
        .session = col_session(f->col),
        .code = f->code[0],
        .source = src,
        .note = f->note,
    };
    struct mark after;
    ap_status st = marks_set(ui_store(a->ui), &in, f->m.version, &after);
    if (st != AP_OK)
        return st;
    push_undo(a, &f->m, r->pupil_id, in.day, in.session, after.version);
    set_cell(a, r, f->col, &after);
    wrote(a);
    return AP_OK;
}

void open_mark(struct att *a)
{
    struct ui *ui = a->ui;
    if (!a->nrows)
        return;
    struct mark_form f = {.a = a, .row = a->cur_row, .col = a->cur_col};
    if (mark_form_read(&f) != AP_OK) {
        ui_error(ui, "The mark could not be read: %s", ap_error_detail());
        return;
    }
    /* Mark the grid's cell as it is now too. */
    set_cell(a, &a->rows[f.row], f.col, &f.m);
    mark_form_fill(&f);
    int day = col_day(a, f.col);
    enum role role = store_role(ui_store(ui));
    f.codes = calloc(a->codes.n + 3, sizeof *f.codes);
    f.code_labels = calloc(a->codes.n + 3, sizeof *f.code_labels);
    if (!f.codes || !f.code_labels) {
        free(f.codes);
        free(f.code_labels);
        ui_error(ui, "Out of memory opening the mark");
        return;
    }
    int n = 0;
    if (!f.m.version) {
        f.codes[n++] = (struct field_choice){"", "– no mark –"};
    } else {
        const struct code_info *cur = code_of(a, f.m.code[0]);
        snprintf(f.code_labels[n], sizeof f.code_labels[n], "%s  %s%s", f.m.code, cur ? cur->meaning : "",
                 cur && !codes_enterable(cur, day, role, NULL, 0) ? " (cannot be entered now)" : "");
        f.codes[n] = (struct field_choice){cur ? cur->code : f.m.code, f.code_labels[n]};
        n++;
    }
    for (size_t i = 0; i < a->codes.n; i++) {
        const struct code_info *c = &a->codes.codes[i];
        if (f.m.version && c->code[0] == f.m.code[0])
            continue;
        if (!codes_enterable(c, day, role, NULL, 0))
            continue;
        snprintf(f.code_labels[n], sizeof f.code_labels[n], "%s  %s", c->code, c->meaning);
        f.codes[n] = (struct field_choice){c->code, f.code_labels[n]};
        n++;
    }
    f.codes[n] = (struct field_choice){NULL, NULL};
    struct form_field fields[MF_COUNT] = {
        [MF_PUPIL] = {.label = "Pupil", .kind = FIELD_INFO},
        [MF_TIMETABLED] = {.label = "Timetabled", .kind = FIELD_INFO},
        [MF_MARK] = {.label = "Mark", .kind = FIELD_INFO},
        [MF_RECORDED] = {.label = "Recorded", .kind = FIELD_INFO},
        [MF_REPORTED] = {.label = "Provider reported", .kind = FIELD_INFO},
        [MF_PROVIDER] = {.label = "Provider", .kind = FIELD_INFO},
        [MF_CODE] = {.label = "Code", .kind = FIELD_CHOICE, .value = f.code, .size = sizeof f.code,
                     .choices = f.codes, .help = "←/→ or the code's letter"},
        [MF_SOURCE] = {.label = "How it came", .kind = FIELD_CHOICE, .value = f.source, .size = sizeof f.source,
                       .choices = source_choices},
        [MF_NOTE] = {.label = "Note", .kind = FIELD_TEXT, .value = f.note, .size = sizeof f.note},
    };
    char title[300], ww[280];
    who_when(a, f.row, f.col, ww, sizeof ww);
    snprintf(title, sizeof title, "The mark: %s", ww);
    struct form form = {
        .title = title,
        .fields = fields,
        .nfields = MF_COUNT,
        .ctx = &f,
        .read_only = !store_can_write(ui_store(ui)),
        .save = mark_form_save,
        .reload = mark_form_reload,
        .take_version = mark_form_take_version,
        .info = mark_form_info,
    };
    if (form_run(ui, &form))
        ui_message(ui, "Saved the mark (%s)", ww);
    else
        refresh_cell(a, f.row, f.col);
    free(f.codes);
    free(f.code_labels);
}
