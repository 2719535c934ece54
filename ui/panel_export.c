/* The Inclusion Panel pane's workbooks: the pack and the DMT report, their
 * dialogs (a small form of one-line fields) and the progress screen. */

#include "panel_pane.h"
#include "print.h"


/* ---- the workbooks -------------------------------------------------------------------------------- */

/* A small dialog of one-line fields in the line editor: Enter goes to the
 * next field and, on the last, writes the workbook; ^S or F2 writes at
 * once; Esc cancels. */
#define DLG_MAX 3

struct dialog {
    const char *title;
    const char *intro;
    int n;
    const char *label[DLG_MAX];
    const char *help[DLG_MAX];
    struct lineedit le[DLG_MAX];
    char error[DLG_MAX][300];
    int focus;
    /* Called when a field's text changed (the file name follows the dates). */
    void (*changed)(struct dialog *d, int field, void *ctx);
    void *ctx;
};

static void dialog_draw(struct panel *st, struct dialog *d)
{
    WINDOW *w = ui_body(st->ui);
    werase(w);
    pp_fit_line(w, 0, 1, d->title, attr_of(ATTR_HEADER));
    struct lines intro = {.n = 0};
    textedit_wrap(d->intro, getmaxx(w) - 3, pp_keep_line, &intro);
    for (int i = 0; i < intro.n; i++)
        pp_fit_line(w, 1 + i, 1, intro.text[i], attr_of(ATTR_DIM));
    int y0 = 1 + intro.n, x = 16, cols = getmaxx(w) - x - 2;
    if (cols < 10)
        cols = 10;
    for (int i = 0; i < d->n; i++) {
        int y = y0 + 1 + 3 * i;
        pp_put_cell(w, y, 2, x - 3, d->label[i], attr_of(i == d->focus ? ATTR_HEADER : ATTR_NORMAL), false);
        if (d->error[i][0]) {
            char line[400];
            snprintf(line, sizeof line, "! %s", d->error[i]);
            pp_fit_line(w, y + 1, x, line, attr_of(ATTR_ERROR));
        } else {
            pp_fit_line(w, y + 1, x, d->help[i], attr_of(ATTR_DIM));
        }
    }
    pp_fit_line(w, getmaxy(w) - 1, 1, "Enter next field (on the last: write)  Tab/↑/↓ move  ^S write  Esc cancel",
             attr_of(ATTR_HINT));
    /* The focused field last, so that the terminal cursor stays in it. */
    for (int k = 0; k <= d->n; k++) {
        int i = k == d->n ? d->focus : k;
        if (k < d->n && i == d->focus)
            continue;
        int y = y0 + 1 + 3 * i;
        wattrset(w, attr_of(ATTR_FIELD));
        lineedit_set_width(&d->le[i], cols);
        lineedit_draw(w, y, x, cols, &d->le[i], i == d->focus);
        wattrset(w, A_NORMAL);
    }
    curs_set(1);
    wnoutrefresh(w);
    ui_show_status(st->ui);
}

static bool panel_takes_text(void *self)
{
    (void)self;
    return true;
}

/* The dialog as a view: Tab/↓ and S-Tab/↑ between fields, Enter on the last
 * field or ^S/F2 writes, Esc cancels. */
struct dialog_view {
    struct panel *st;
    struct dialog *d;
    bool go;
};

static void dialog_view_draw(void *self, WINDOW *w)
{
    (void)w;
    struct dialog_view *v = self;
    dialog_draw(v->st, v->d);
}

static enum view_key dialog_view_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct dialog_view *v = self;
    struct dialog *d = v->d;
    if (act) {
        switch (act->id) {
        case ACT_CANCEL:
            return VIEW_CLOSE;
        case ACT_SAVE:
            v->go = true;
            return VIEW_CLOSE;
        case ACT_KEEP_TEXT:
            if (d->focus == d->n - 1) {
                v->go = true;
                return VIEW_CLOSE;
            }
            d->focus++;
            return VIEW_DONE;
        case ACT_NEXT_FIELD:
            d->focus = (d->focus + 1) % d->n;
            return VIEW_DONE;
        case ACT_PREV_FIELD:
            d->focus = (d->focus + d->n - 1) % d->n;
            return VIEW_DONE;
        default:
            return VIEW_PASS;
        }
    }
    enum lineedit_result r = lineedit_key(&d->le[d->focus], ret, ch);
    if (r == LINEEDIT_CHANGED) {
        d->error[d->focus][0] = '\0';
        if (d->changed)
            d->changed(d, d->focus, d->ctx);
    } else if (r == LINEEDIT_REFUSED) {
        ui_error(v->st->ui, "%s: %s", d->label[d->focus], lineedit_reason(&d->le[d->focus]));
    }
    return VIEW_DONE;
}

static const enum action_id dialog_keys[] = {ACT_SAVE, ACT_CANCEL, ACT_KEEP_TEXT, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                             ACT_NONE};
static const struct view_ops dialog_view_ops_ = {
    .title = "the dialog",
    .keys = dialog_keys,
    .draw = dialog_view_draw,
    .key = dialog_view_key,
    .takes_text = panel_takes_text,
};

const struct view_ops *panel_dialog_view_ops(void) { return &dialog_view_ops_; }

/* True when the user asked to write (fields as typed in d->le), false when cancelled. */
static bool dialog_run(struct panel *st, struct dialog *d)
{
    struct dialog_view v = {.st = st, .d = d};
    ui_run_view(st->ui, &dialog_view_ops_, &v);
    curs_set(0);
    return v.go && !ui_quitting(st->ui);
}

static void dialog_free(struct dialog *d)
{
    for (int i = 0; i < d->n; i++)
        lineedit_free(&d->le[i]);
}

/* Reads a date field: empty is DATE_NONE when optional. False with the
 * field's error set. */
static bool dialog_date(struct dialog *d, int i, bool optional, int today, int *out)
{
    const char *text = lineedit_text(&d->le[i]);
    while (*text == ' ')
        text++;
    if (!*text && optional) {
        *out = DATE_NONE;
        return true;
    }
    if (!*text) {
        snprintf(d->error[i], sizeof d->error[i], "a date is needed: YYYY-MM-DD, today, -4w");
        return false;
    }
    if (!date_parse(text, today, out)) {
        snprintf(d->error[i], sizeof d->error[i], "\"%.40s\" is not a date: type YYYY-MM-DD, today, or -4w", text);
        return false;
    }
    return true;
}

static bool dialog_file(struct dialog *d, int i, char *out, size_t len)
{
    if (!ui_expand_path(lineedit_text(&d->le[i]), out, len)) {
        snprintf(d->error[i], sizeof d->error[i], "the path is too long");
        return false;
    }
    if (!out[0]) {
        snprintf(d->error[i], sizeof d->error[i], "the file to write is needed, e.g. ~/panel-pack.xlsx");
        return false;
    }
    size_t n = strlen(out);
    if (n < 5 || strcmp(out + n - 5, ".xlsx") != 0) {
        snprintf(d->error[i], sizeof d->error[i], "the file's name must end in .xlsx (an Excel workbook)");
        return false;
    }
    return true;
}

/* -- progress -- */

/* The export's screen: what is written where, a bar, the step; once done,
 * the result in words and how to go back. */
void pp_draw_export(struct panel *st, WINDOW *w)
{
    int h = getmaxy(w), width = getmaxx(w);
    int y = h / 2 - 5 > 1 ? h / 2 - 5 : 1;
    pp_fit_line(w, y, 2, st->export_title, attr_of(ATTR_HEADER));
    char line[PATH_MAX + 16];
    snprintf(line, sizeof line, "to %s", st->export_path);
    pp_fit_line(w, y + 1, 2, line, attr_of(ATTR_DIM));
    int cols = width - 12 > 10 ? width - 12 : 10;
    int filled = cols * st->export_pct / 100;
    wmove(w, y + 3, 0);
    wclrtoeol(w);
    mvwaddstr(w, y + 3, 2, "[");
    wattron(w, attr_of(ATTR_SELECTED));
    for (int i = 0; i < filled; i++)
        waddstr(w, "█");
    wattroff(w, attr_of(ATTR_SELECTED));
    wattron(w, attr_of(ATTR_DIM));
    for (int i = filled; i < cols; i++)
        waddstr(w, "·");
    wattroff(w, attr_of(ATTR_DIM));
    wprintw(w, "] %3d%%", st->export_pct);
    pp_fit_line(w, y + 4, 2, st->export_what, attr_of(ATTR_DIM));
    if (!st->export_done)
        return;
    struct lines c = {.n = 0};
    textedit_wrap(st->export_result, width - 4, pp_keep_line, &c);
    for (int i = 0; i < c.n; i++)
        pp_fit_line(w, y + 6 + i, 2, c.text[i], attr_of(st->export_failed ? ATTR_ERROR : ATTR_FLAG_GREEN));
    pp_fit_line(w, y + 7 + c.n, 2, "Any key goes back", attr_of(ATTR_DIM));
}

struct progress {
    struct panel *st;
};

static void progress_draw(void *ctx, double fraction, const char *what)
{
    struct panel *st = ((struct progress *)ctx)->st;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    int pct = (int)(fraction * 100 + 0.5);
    if (pct == st->export_pct && strcmp(st->export_what, what ? what : "") == 0)
        return;
    st->export_pct = pct;
    snprintf(st->export_what, sizeof st->export_what, "%s", what ? what : "");
    WINDOW *w = ui_body(st->ui);
    pp_draw_export(st, w);
    wnoutrefresh(w);
    doupdate(); /* inside the export: the user sees the bar move */
}

static void progress_start(struct progress *p, struct panel *st, const char *title, const char *path)
{
    p->st = st;
    st->export_on = true;
    st->export_done = st->export_failed = false;
    snprintf(st->export_title, sizeof st->export_title, "%s", title);
    snprintf(st->export_path, sizeof st->export_path, "%s", path);
    st->export_pct = -1;
    st->export_what[0] = st->export_result[0] = '\0';
    werase(ui_body(st->ui));
    ui_message(st->ui, "%s…", title);
    ui_show_status(st->ui);
    progress_draw(p, 0, "starting");
}

/* The export's screen once it has finished: a view of its own, until any key. */
static void result_draw(void *self, WINDOW *w)
{
    werase(w);
    pp_draw_export(self, w);
}

static enum view_key result_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)self;
    (void)act;
    (void)ret;
    (void)ch;
    return VIEW_CLOSE; /* any key goes back */
}

static const enum action_id result_keys[] = {ACT_OPEN, ACT_NONE};

static const struct view_ops result_view = {
    .title = "an export's outcome (any key goes back)",
    .keys = result_keys,
    .draw = result_draw,
    .key = result_key,
};

const struct view_ops *panel_export_result_view_ops(void) { return &result_view; }

static void show_result(struct panel *st)
{
    ui_run_view(st->ui, &result_view, st);
    st->export_on = false;
    if (!ui_quitting(st->ui))
        ui_message(st->ui, "%s", st->export_result);
}

/* The export's outcome, on its screen and the status line; the screen stays
 * until a key. */
__attribute__((format(printf, 3, 4))) static void export_end(struct panel *st, bool failed, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->export_result, sizeof st->export_result, fmt, ap);
    va_end(ap);
    st->export_done = true;
    st->export_failed = failed;
    if (failed) {
        snprintf(st->export_what, sizeof st->export_what, "stopped");
        ui_error(st->ui, "%s", st->export_result);
    } else {
        st->export_pct = 100;
        snprintf(st->export_what, sizeof st->export_what, "done");
        ui_message(st->ui, "%s", st->export_result);
    }
    show_result(st);
}

/* A failed export: plain words, and that nothing was written. */
static void export_failed(struct panel *st, const char *what)
{
    const char *detail = ap_error_detail();
    export_end(st, true, "%s was not written: %s%s", what, detail,
               strstr(detail, "nothing was written") || strstr(detail, "left as it was") ? "" : "; nothing was written");
}

/* The panel date the pack is for, by default: the case's, the filter's,
 * else the next panel (today or later), else the latest; DATE_NONE when no
 * case has one (the pack then holds every open case). */
static int default_panel_date(const struct panel *st)
{
    if (st->in_case && st->rec && st->rec->panel_date != DATE_NONE)
        return st->rec->panel_date;
    if (st->f_date >= FD_FIRST_DATE)
        return st->filter_date;
    int today = ui_today(st->ui), next = DATE_NONE;
    for (size_t i = 0; i < st->ndates; i++)
        if (st->dates[i] >= today && (next == DATE_NONE || st->dates[i] < next))
            next = st->dates[i];
    if (next == DATE_NONE && st->ndates)
        next = st->dates[0];
    return next;
}

struct name_follow {
    bool touched;                   /* the user typed in the file field */
    const char *stem;               /* "panel-pack", "dmt-report" */
    int date_field;                 /* the field whose date names the file */
};

static void default_file(char *out, size_t len, const char *stem, int date, int today)
{
    char d[11];
    snprintf(out, len, "~/%s-%s.xlsx", stem, date_format(date != DATE_NONE ? date : today, d));
}

static void follow_name(struct dialog *d, int field, void *ctx)
{
    struct name_follow *nf = ctx;
    if (field == 0) {
        nf->touched = true;
        return;
    }
    int date = DATE_NONE;
    const char *text = lineedit_text(&d->le[field]);
    while (*text == ' ')
        text++;
    if (nf->touched || field != nf->date_field || (*text && !date_parse(text, date_today(), &date)))
        return;
    char name[PATH_MAX];
    default_file(name, sizeof name, nf->stem, date, date_today());
    lineedit_set_text(&d->le[0], name);
}

unsigned pp_export_pack(struct panel *st)
{
    int today = ui_today(st->ui), panel_date = default_panel_date(st);
    char file[PATH_MAX], date_text[11] = "";
    default_file(file, sizeof file, "panel-pack", panel_date, today);
    if (st->pack_out[0] && !strstr(st->pack_out, "panel-pack-"))
        snprintf(file, sizeof file, "%s", st->pack_out); /* a name of the user's own is kept */
    date_format(panel_date, date_text);
    struct name_follow nf = {.touched = false, .stem = "panel-pack", .date_field = 1};
    struct dialog d = {
        .title = "Write the Inclusion Panel pack (.xlsx)",
        .intro = "The cases of one panel with the option analysis, each pupil's picture and the providers' QA; "
                 "printable, marked OFFICIAL-SENSITIVE.",
        .n = 2,
        .label = {"File", "Panel date"},
        .help = {"Where to write it: a path, ~/ for your home directory",
                 "The panel's date (YYYY-MM-DD, today, +2w); empty: every open case"},
        .changed = follow_name,
        .ctx = &nf,
    };
    if (lineedit_init(&d.le[0], file, PATH_MAX - 1) != AP_OK || lineedit_init(&d.le[1], date_text, 32) != AP_OK) {
        dialog_free(&d);
        pp_say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    d.focus = 0;
    ui_message(st->ui, "The Inclusion Panel pack: Enter on the panel date writes it, Esc cancels");
    char out[PATH_MAX];
    bool go = false;
    while (dialog_run(st, &d)) {
        bool ok = dialog_file(&d, 0, out, sizeof out);
        if (!dialog_date(&d, 1, true, today, &panel_date))
            ok = false;
        if (ok) {
            go = true;
            break;
        }
        d.focus = d.error[0][0] ? 0 : 1;
        ui_error(st->ui, "Not written: put right the fields marked !");
    }
    if (go)
        snprintf(st->pack_out, sizeof st->pack_out, "%s", lineedit_text(&d.le[0]));
    dialog_free(&d);
    if (!go) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No pack written");
        return REDRAW_ALL;
    }
    struct progress p;
    char title[120], d1[11];
    if (panel_date != DATE_NONE)
        snprintf(title, sizeof title, "Writing the Inclusion Panel pack for the panel of %s", date_format(panel_date, d1));
    else
        snprintf(title, sizeof title, "Writing the Inclusion Panel pack: every open case");
    progress_start(&p, st, title, out);
    const struct apterm_config *cfg = ui_config(st->ui);
    struct export_panel_request req = {
        .out = out, .panel_date = panel_date, .today = today, .organisation = cfg->organisation,
        .th = &cfg->th, .progress = progress_draw, .progress_ctx = &p,
    };
    struct export_panel_result r;
    memset(&r, 0, sizeof r);
    if (export_panel(ui_store(st->ui), &req, &r) != AP_OK) {
        export_failed(st, "The pack");
        return REDRAW_ALL;
    }
    export_end(st, false, "Wrote the Inclusion Panel pack to %s: %zu case%s, %zu quotation%s, %zu short of quotations",
               out, r.cases, r.cases == 1 ? "" : "s", r.quotes, r.quotes == 1 ? "" : "s", r.short_of_quotes);
    return REDRAW_ALL;
}

unsigned pp_export_report(struct panel *st)
{
    int today = ui_today(st->ui);
    int from = st->dmt_from != DATE_NONE ? st->dmt_from : date_academic_year_start(today);
    int to = st->dmt_to != DATE_NONE ? st->dmt_to : today;
    char file[PATH_MAX], from_text[11], to_text[11];
    default_file(file, sizeof file, "dmt-report", to, today);
    if (st->dmt_out[0] && !strstr(st->dmt_out, "dmt-report-"))
        snprintf(file, sizeof file, "%s", st->dmt_out);
    date_format(from, from_text);
    date_format(to, to_text);
    struct name_follow nf = {.touched = false, .stem = "dmt-report", .date_field = 2};
    struct dialog d = {
        .title = "Write the DMT value-for-money report (.xlsx)",
        .intro = "Spend committed and actual per provider, pupil and cohort, cost per attended session and hour, "
                 "attendance, progress and QA, with charts, for the days from .. to.",
        .n = 3,
        .label = {"File", "From", "To"},
        .help = {"Where to write it: a path, ~/ for your home directory",
                 "The first day (YYYY-MM-DD, today, -12w)", "The last day, at most ten years after the first"},
        .changed = follow_name,
        .ctx = &nf,
    };
    if (lineedit_init(&d.le[0], file, PATH_MAX - 1) != AP_OK || lineedit_init(&d.le[1], from_text, 32) != AP_OK ||
        lineedit_init(&d.le[2], to_text, 32) != AP_OK) {
        dialog_free(&d);
        pp_say(st, true, "Out of memory");
        return REDRAW_ALL;
    }
    ui_message(st->ui, "The DMT report: Enter on the last date writes it, Esc cancels");
    char out[PATH_MAX];
    bool go = false;
    while (dialog_run(st, &d)) {
        bool ok = dialog_file(&d, 0, out, sizeof out);
        if (!dialog_date(&d, 1, false, today, &from))
            ok = false;
        if (!dialog_date(&d, 2, false, today, &to))
            ok = false;
        if (ok && from > to) {
            snprintf(d.error[2], sizeof d.error[2], "the last day is before the first");
            ok = false;
        } else if (ok && to - from + 1 > REPORT_MAX_RANGE_DAYS) {
            snprintf(d.error[2], sizeof d.error[2], "at most ten years after the first day");
            ok = false;
        }
        if (ok) {
            go = true;
            break;
        }
        d.focus = d.error[0][0] ? 0 : d.error[1][0] ? 1 : 2;
        ui_error(st->ui, "Not written: put right the fields marked !");
    }
    if (go) {
        snprintf(st->dmt_out, sizeof st->dmt_out, "%s", lineedit_text(&d.le[0]));
        st->dmt_from = from;
        st->dmt_to = to;
    }
    dialog_free(&d);
    if (!go) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No report written");
        return REDRAW_ALL;
    }
    struct progress p;
    char title[160];
    snprintf(title, sizeof title, "Writing the DMT value-for-money report for %s to %s", date_format(from, from_text),
             date_format(to, to_text));
    progress_start(&p, st, title, out);
    const struct apterm_config *cfg = ui_config(st->ui);
    struct export_dmt_request req = {
        .out = out, .from = from, .to = to, .today = today, .organisation = cfg->organisation,
        .th = &cfg->th, .progress = progress_draw, .progress_ctx = &p,
    };
    struct export_dmt_result r;
    memset(&r, 0, sizeof r);
    if (export_dmt(ui_store(st->ui), &req, &r) != AP_OK) {
        export_failed(st, "The report");
        return REDRAW_ALL;
    }
    char c[MONEY_LEN], a[MONEY_LEN];
    export_end(st, false, "Wrote the DMT report to %s: %zu providers, %zu pupils, %zu weeks; committed %s, actual %s",
               out, r.providers, r.pupils, r.weeks, money_format(r.committed, c, sizeof c),
               money_format(r.actual, a, sizeof a));
    return REDRAW_ALL;
}
