/* The Inclusion Panel pane's workbooks: the pack and the DMT report, their
 * forms (the shared form runner: the file and the dates) and the progress screen. */

#include "panel_pane.h"
#include "print.h"


/* ---- the workbooks -------------------------------------------------------------------------------- */

/* The file and the dates of an export, asked with the shared form runner
 * (so the keys, the cursor, the errors and Esc are those of every form):
 * Enter on the last field or ^S writes, Esc cancels. The file name follows
 * the date that names it until the user types in it. */
struct export_form {
    char file[PATH_MAX];
    int date[2];                    /* the panel date; or from and to */
    int ndates;
    const char *stem;               /* "panel-pack", "dmt-report" */
    int name_date;                  /* the index into date[] that names the file */
    bool touched;                   /* the user typed in the file field */
    const char *contents;           /* what the workbook holds (an info line) */
    char out[PATH_MAX];             /* the file, ~ expanded (on save) */
};

static void default_file(char *out, size_t len, const char *stem, int date, int today)
{
    char d[11];
    snprintf(out, len, "~/%s-%s.xlsx", stem, date_format(date != DATE_NONE ? date : today, d));
}

/* Field 0 is the file, 1 the contents (info), 2.. the dates. */
static bool export_changed(void *ctx, int field)
{
    struct export_form *e = ctx;
    if (field == 0) {
        e->touched = true;
        return false;
    }
    if (e->touched || field != 2 + e->name_date)
        return false;
    default_file(e->file, sizeof e->file, e->stem, e->date[e->name_date], date_today());
    return true;
}

static void export_info(void *ctx, int field, char *buf, size_t len)
{
    (void)field;
    snprintf(buf, len, "%s", ((struct export_form *)ctx)->contents);
}

static ap_status export_check(void *ctx, int field, const char *label, const char *text)
{
    struct export_form *e = ctx;
    if (field != 0)
        return AP_OK;
    size_t n;
    if (!ui_expand_path(text, e->out, sizeof e->out))
        return ap_fail(AP_ERR_INVALID, "%s: the path is too long", label);
    if ((n = strlen(e->out)) < 5 || strcmp(e->out + n - 5, ".xlsx") != 0)
        return ap_fail(AP_ERR_INVALID, "%s: the file's name must end in .xlsx (an Excel workbook)", label);
    return AP_OK;
}

static ap_status export_validate(void *ctx)
{
    struct export_form *e = ctx;
    if (e->ndates < 2)
        return AP_OK;
    if (e->date[0] > e->date[1])
        return ap_fail(AP_ERR_INVALID, "To: the last day is before the first");
    if (e->date[1] - e->date[0] + 1 > REPORT_MAX_RANGE_DAYS)
        return ap_fail(AP_ERR_INVALID, "To: at most ten years after the first day");
    return AP_OK;
}

static ap_status export_save(void *ctx)
{
    (void)ctx; /* the workbook is written once the form has closed, with its progress screen */
    return AP_OK;
}

/* True when the user asked to write (e->out the file, e->date the dates). */
static bool export_form_run(struct panel *st, const char *title, struct export_form *e, const char *const labels[],
                            const char *const helps[], const bool required[])
{
    struct form_field fields[4] = {
        {.label = "File", .kind = FIELD_TEXT, .value = e->file, .size = sizeof e->file, .required = true,
         .help = "Where to write it: a path, ~/ for your home directory"},
        {.label = "Contents", .kind = FIELD_INFO},
    };
    for (int i = 0; i < e->ndates; i++)
        fields[2 + i] = (struct form_field){.label = labels[i], .kind = FIELD_DATE, .value = &e->date[i],
                                            .required = required[i], .help = helps[i]};
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = 2 + e->ndates,
        .ctx = e,
        .validate = export_validate,
        .save = export_save,
        .check = export_check,
        .info = export_info,
        .changed = export_changed,
        .enter_saves = true,
    };
    return form_run(st->ui, &f) && !ui_quitting(st->ui);
}

/* -- progress -- */

/* The export's screen: what is written where, a bar, the step; once done,
 * the result in words and how to go back. */
void pp_draw_export(struct panel *st, WINDOW *w)
{
    int h = getmaxy(w), width = getmaxx(w);
    int y = h / 2 - 5 > 1 ? h / 2 - 5 : 1;
    draw_line(w, y, 2, st->export_title, attr_of(ATTR_HEADER));
    char line[PATH_MAX + 16];
    snprintf(line, sizeof line, "to %s", st->export_path);
    draw_line(w, y + 1, 2, line, attr_of(ATTR_DIM));
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
    draw_line(w, y + 4, 2, st->export_what, attr_of(ATTR_DIM));
    if (!st->export_done)
        return;
    struct lines c = {.n = 0};
    textedit_wrap(st->export_result, width - 4, pp_keep_line, &c);
    for (int i = 0; i < c.n; i++)
        draw_line(w, y + 6 + i, 2, c.text[i], attr_of(st->export_failed ? ATTR_ERROR : ATTR_FLAG_GREEN));
    draw_line(w, y + 7 + c.n, 2, "Any key goes back", attr_of(ATTR_DIM));
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

unsigned pp_export_pack(struct panel *st)
{
    int today = ui_today(st->ui), panel_date = default_panel_date(st);
    char file[PATH_MAX];
    default_file(file, sizeof file, "panel-pack", panel_date, today);
    if (st->pack_out[0] && !strstr(st->pack_out, "panel-pack-"))
        snprintf(file, sizeof file, "%s", st->pack_out); /* a name of the user's own is kept */
    struct export_form e = {.ndates = 1, .stem = "panel-pack", .name_date = 0,
                            .contents = "a panel's cases, options, pupils and QA"};
    snprintf(e.file, sizeof e.file, "%s", file);
    e.date[0] = panel_date;
    static const char *const labels[] = {"Panel date"};
    static const char *const helps[] = {"The panel's date (YYYY-MM-DD, today, +2w); empty: every open case"};
    static const bool required[] = {false};
    ui_message(st->ui, "The Inclusion Panel pack: Enter on the panel date writes it, Esc cancels");
    if (!export_form_run(st, "Write the Inclusion Panel pack (.xlsx)", &e, labels, helps, required)) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No pack written");
        return REDRAW_ALL;
    }
    snprintf(st->pack_out, sizeof st->pack_out, "%s", e.file);
    panel_date = e.date[0];
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%s", e.out);
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
    char file[PATH_MAX];
    default_file(file, sizeof file, "dmt-report", to, today);
    if (st->dmt_out[0] && !strstr(st->dmt_out, "dmt-report-"))
        snprintf(file, sizeof file, "%s", st->dmt_out);
    struct export_form e = {.ndates = 2, .stem = "dmt-report", .name_date = 1,
                            .contents = "spend, costs, attendance, progress, QA"};
    snprintf(e.file, sizeof e.file, "%s", file);
    e.date[0] = from;
    e.date[1] = to;
    static const char *const labels[] = {"From", "To"};
    static const char *const helps[] = {"The first day (YYYY-MM-DD, today, -12w)",
                                        "The last day, at most ten years after the first"};
    static const bool required[] = {true, true};
    ui_message(st->ui, "The DMT report: Enter on the last date writes it, Esc cancels");
    if (!export_form_run(st, "Write the DMT value-for-money report (.xlsx)", &e, labels, helps, required)) {
        ui_message(st->ui, "%s", ui_quitting(st->ui) ? "" : "No report written");
        return REDRAW_ALL;
    }
    from = e.date[0];
    to = e.date[1];
    snprintf(st->dmt_out, sizeof st->dmt_out, "%s", e.file);
    st->dmt_from = from;
    st->dmt_to = to;
    char out[PATH_MAX], from_text[11], to_text[11];
    snprintf(out, sizeof out, "%s", e.out);
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
