/* Importing a file from the TUI: see import.h. The file is read, checked and
 * written by the command line's own code (ix_import, ctf_import); this file
 * only asks, shows and confirms. */
#include "import.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "csv.h"
#include "ctf.h"
#include "draw.h"
#include "form.h"
#include "interchange.h"
#include "pane.h"
#include "print.h"
#include "textedit.h"
#include "utf8.h"

/* ---- What and which file: a two-field form ---- */

static const struct field_choice roll_kinds[] = {
    {"pupils", "Pupils (CSV)"},
    {"contacts", "Pupils' contacts (CSV)"},
    {"placements", "Placements (CSV)"},
    {"ctf", "A school's CTF (XML)"},
    {NULL, NULL},
};

static const struct field_choice provider_kinds[] = {
    {"providers", "Providers (CSV)"},
    {NULL, NULL},
};

struct ask {
    char kind[16];
    char typed[PATH_MAX];
    char path[PATH_MAX];
    char *text; /* the file, read by the form's check; freed by the caller */
};

static ap_status ask_validate(void *ctx)
{
    struct ask *a = ctx;
    if (!ui_expand_path(a->typed, a->path, sizeof a->path))
        return ap_fail(AP_ERR_INVALID, "File: the path is too long");
    if (!a->path[0])
        return ap_fail(AP_ERR_INVALID, "File: give the file to import");
    free(a->text);
    a->text = NULL;
    if (csv_read_file(a->path, &a->text) != AP_OK) {
        char detail[600];
        snprintf(detail, sizeof detail, "%s", ap_error_detail());
        return ap_fail(AP_ERR_INVALID, "File: %s", detail);
    }
    return AP_OK;
}

static ap_status ask_save(void *ctx)
{
    (void)ctx; /* nothing is written until the dry run has been seen */
    return AP_OK;
}

/* ---- The summary: a scrollable view of the dry run's report ---- */

struct summary {
    struct ui *ui;
    char title[200];
    char *text;      /* the errors, then what would be done: the caller's */
    char question[200];
    bool can_import; /* y imports */
    bool yes;
    int top, total, height;
};

struct wrap_draw {
    WINDOW *w;
    int y, first, last, n;
    attr_t attr;
};

static void draw_wrapped(void *ctx, const char *line, size_t len, bool first)
{
    (void)first;
    struct wrap_draw *d = ctx;
    if (d->n >= d->first && d->y <= d->last) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        draw_text(d->w, d->y++, 1, 0, buf, d->attr, DRAW_ELLIPSIS);
    }
    d->n++;
}

static void summary_draw(void *self, WINDOW *w)
{
    struct summary *m = self;
    werase(w);
    draw_text(w, 0, 1, 0, m->title, attr_of(ATTR_HEADER), DRAW_ELLIPSIS);
    int rows = getmaxy(w), cols = getmaxx(w);
    m->height = rows - 4 > 1 ? rows - 4 : 1;
    struct wrap_draw d = {.w = w, .y = 2, .first = m->top, .last = 2 + m->height - 1};
    textedit_wrap(m->text, cols - 2 > 10 ? cols - 2 : 10, draw_wrapped, &d);
    m->total = d.n;
    if (m->total > m->height) {
        char more[120];
        snprintf(more, sizeof more, "Lines %d-%d of %d: j/k, PgUp/PgDn, g/G scroll", m->top + 1,
                 m->top + m->height < m->total ? m->top + m->height : m->total, m->total);
        draw_text(w, rows - 1, 1, 0, more, attr_of(ATTR_HINT), DRAW_ELLIPSIS);
    }
    ui_message_if_quiet(m->ui, m->question);
}

static enum view_key summary_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct summary *m = self;
    if (!act)
        return VIEW_DONE;
    if (view_scroll(&m->top, m->total, m->height, act->id))
        return VIEW_DONE;
    switch (act->id) {
    case ACT_YES:
        if (!m->can_import)
            return VIEW_DONE; /* nothing to import: the status line says why */
        m->yes = true;
        return VIEW_CLOSE;
    case ACT_NO: return VIEW_CLOSE;
    default: return VIEW_PASS;
    }
}

static const enum action_id summary_keys[] = {ACT_YES,       ACT_NO,         ACT_UP,   ACT_DOWN,
                                              ACT_PAGE_UP,   ACT_PAGE_DOWN,  ACT_HOME, ACT_END,
                                              ACT_NONE};
static const enum action_id summary_hints[] = {ACT_YES, ACT_NO, ACT_UP, ACT_NONE};

static const struct view_ops summary_view = {
    .title = "the import's dry run",
    .keys = summary_keys,
    .hints = summary_hints,
    .draw = summary_draw,
    .key = summary_key,
};

const struct view_ops *import_summary_view_ops(void) { return &summary_view; }

/* ---- Running it ---- */

/* One run of the import, dry or real: the errors first, then the report,
 * into *text (the caller frees it). */
static ap_status run_import(struct ui *ui, const struct ask *a, bool dry_run, struct ix_result *res, char **text)
{
    char *rep = NULL, *err = NULL;
    size_t rsize = 0, esize = 0;
    FILE *rf = open_memstream(&rep, &rsize), *ef = open_memstream(&err, &esize);
    ap_status st = AP_OK;
    memset(res, 0, sizeof *res);
    if (!rf || !ef)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    else if (strcmp(a->kind, "ctf") == 0)
        st = ctf_import(ui_store(ui), a->path, a->path, a->text, strlen(a->text), dry_run, ui_today(ui), rf, ef, res);
    else {
        enum ix_kind k;
        st = ix_kind_parse(a->kind, &k) ? ix_import(ui_store(ui), k, a->path, a->path, a->text, dry_run, ui_today(ui),
                                                     rf, ef, res)
                                        : ap_fail(AP_ERR_INVALID, "What: unknown kind %s", a->kind);
    }
    char detail[600];
    snprintf(detail, sizeof detail, "%s", st == AP_OK ? "" : ap_error_detail());
    if (rf && fclose(rf) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    if (ef && fclose(ef) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    size_t n = esize + rsize + strlen(detail) + 4;
    *text = malloc(n);
    if (*text)
        snprintf(*text, n, "%s%s%s%s", detail, detail[0] ? "\n" : "", err ? err : "", rep ? rep : "");
    free(rep);
    free(err);
    if (st == AP_OK && !*text)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    if (st != AP_OK)
        ap_fail(st, "%s", detail[0] ? detail : "out of memory");
    return st;
}

/* Shows text in the summary view; true when the user answered y. */
static bool show_summary(struct ui *ui, const char *title, char *text, bool can_import, const char *question)
{
    struct summary m = {.ui = ui, .text = text, .can_import = can_import};
    snprintf(m.title, sizeof m.title, "%s", title);
    snprintf(m.question, sizeof m.question, "%s", question);
    ui_message(ui, "%s", question);
    ui_run_view(ui, &summary_view, &m);
    return m.yes && !ui_quitting(ui);
}

unsigned ui_import_run(struct ui *ui, enum ui_import_from from)
{
    if (!ui_can_write(ui))
        return REDRAW_STATUS;
    struct ask a = {.text = NULL};
    const struct field_choice *kinds = from == UI_IMPORT_PROVIDERS ? provider_kinds : roll_kinds;
    snprintf(a.kind, sizeof a.kind, "%s", kinds[0].value);
    struct form_field fields[] = {
        {.label = "What", .kind = FIELD_CHOICE, .value = a.kind, .size = sizeof a.kind, .choices = kinds,
         .required = true,
         .help = "What the file holds: the columns are those of apterm export (README, \"Imports and exports\")"},
        {.label = "File", .kind = FIELD_TEXT, .value = a.typed, .size = sizeof a.typed, .required = true,
         .help = "The file to import (~/ is your home folder); ^S checks it and shows what it would do, Esc cancels"},
    };
    struct form f = {
        .title = from == UI_IMPORT_PROVIDERS ? "Import providers from a file" : "Import into the roll from a file",
        FORM_FIELDS(fields), .ctx = &a, .validate = ask_validate, .save = ask_save,
    };
    if (!form_run(ui, &f)) {
        free(a.text);
        ui_message(ui, "%s", ui_quitting(ui) ? "" : "Nothing imported");
        return REDRAW_ALL;
    }
    char safe[300];
    utf8_printable(safe, sizeof safe, a.path);
    struct ix_result res;
    char *text = NULL, title[400], question[300];
    ap_status st = run_import(ui, &a, true, &res, &text);
    if (!text) {
        free(a.text);
        ui_error_status(ui, st);
        return REDRAW_ALL;
    }
    long n = res.added + res.changed;
    bool can = st == AP_OK && n > 0;
    snprintf(title, sizeof title, "Importing %s from %s: what it would do (nothing written yet)", a.kind, safe);
    if (st != AP_OK)
        snprintf(question, sizeof question, "%ld error%s: nothing was written. Correct the file and import it again",
                 res.errors, res.errors == 1 ? "" : "s");
    else if (n == 0)
        snprintf(question, sizeof question, "Nothing to import: all %ld record%s already as the file has them",
                 res.unchanged, res.unchanged == 1 ? " is" : "s are");
    else
        snprintf(question, sizeof question, "Import %ld record%s (%ld to add, %ld to change)? (y/n)",
                 n, n == 1 ? "" : "s", res.added, res.changed);
    bool yes = show_summary(ui, title, text, can, question);
    free(text);
    text = NULL;
    if (!yes) {
        free(a.text);
        if (!ui_quitting(ui))
            ui_message(ui, "%s", can ? "Nothing imported" : st != AP_OK ? "Nothing was written" : "Nothing to import");
        return REDRAW_ALL;
    }
    st = run_import(ui, &a, false, &res, &text);
    free(a.text);
    char why[600];
    snprintf(why, sizeof why, "%s", st == AP_OK ? "" : ap_error_detail());
    if (st == AP_OK) {
        free(text);
        ui_store_changed(ui);
        ui_message(ui, "Imported %s from %s: %ld added, %ld changed, %ld left alone", a.kind, safe, res.added,
                   res.changed, res.unchanged);
        return REDRAW_ALL;
    }
    if (text) {
        /* The store changed between the dry run and the import (another
         * login), or refused a write: every reason, nothing written. */
        snprintf(title, sizeof title, "Importing %s from %s: not imported", a.kind, safe);
        show_summary(ui, title, text, false, "Nothing was written: see why above");
        free(text);
    }
    if (!ui_quitting(ui))
        ui_error(ui, "%s%s", why, strstr(why, "nothing was written") ? "" : ": nothing was written");
    return REDRAW_ALL;
}
