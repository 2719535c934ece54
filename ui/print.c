/* Writing a document as PDF from a pane: see print.h. */
#include "print.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "date.h"
#include "documents.h"
#include "draw.h"
#include "form.h"
#include "lineedit.h"
#include "pane.h"

enum doc_kind { DOC_PSP, DOC_VISIT, DOC_TRACKING };

/* "~/x" is under $HOME; a relative path is made absolute from the current
 * directory, so that the message says exactly where the file is. */
bool ui_expand_path(const char *typed, char *out, size_t len)
{
    while (*typed == ' ')
        typed++;
    const char *home = getenv("HOME");
    char cwd[PATH_MAX];
    int n;
    if (typed[0] == '~' && (typed[1] == '/' || !typed[1]) && home && *home)
        n = snprintf(out, len, "%s%s", home, typed + 1);
    else if (typed[0] && typed[0] != '/' && getcwd(cwd, sizeof cwd))
        n = snprintf(out, len, "%s/%s", cwd, typed);
    else
        n = snprintf(out, len, "%s", typed);
    if (n < 0 || (size_t)n >= len)
        return false;
    size_t end = strlen(out);
    while (end > 1 && out[end - 1] == ' ')
        out[--end] = '\0';
    return true;
}

/* The file name, asked with the shared form runner (a one-field form, so
 * that the keys, the cursor and Esc are those of every form). */
struct ask_ctx {
    char typed[PATH_MAX];
    const char *offer;
    char *out;
    size_t len;
};

static ap_status ask_validate(void *ctx)
{
    struct ask_ctx *a = ctx;
    size_t n;
    if (!ui_expand_path(a->typed, a->out, a->len))
        return ap_fail(AP_ERR_INVALID, "File: the path is too long");
    if (!a->out[0] || (n = strlen(a->out)) < 5 || strcmp(a->out + n - 4, ".pdf") != 0)
        return ap_fail(AP_ERR_INVALID, "File: the name must end in .pdf, e.g. %s", a->offer);
    return AP_OK;
}

static ap_status ask_save(void *ctx)
{
    (void)ctx; /* the document is written once the form has closed */
    return AP_OK;
}

/* The file name; false when cancelled. */
static bool ask_file(struct ui *ui, const char *what, const char *offer, char *out, size_t len)
{
    struct ask_ctx a = {.offer = offer, .out = out, .len = len};
    snprintf(a.typed, sizeof a.typed, "%s", offer);
    char title[120];
    snprintf(title, sizeof title, "Write %s as PDF", what);
    struct form_field fields[] = {
        {.label = "File", .kind = FIELD_TEXT, .value = a.typed, .size = sizeof a.typed, .required = true,
         .help = "The PDF to write (mode 0600), offered in your home folder; ^S writes it, Esc cancels"},
    };
    struct form f = {
        .title = title, FORM_FIELDS(fields), .ctx = &a,
        .validate = ask_validate, .save = ask_save,
    };
    return form_run(ui, &f);
}

struct progress {
    struct ui *ui;
    const char *what;
    int shown;
};

static void show_progress(void *ctx, double fraction, const char *step)
{
    struct progress *p = ctx;
    int pct = (int)(fraction * 100 + 0.5);
    if (pct == p->shown)
        return;
    p->shown = pct;
    ui_message(p->ui, "Writing %s: %d%% %s", p->what, pct, step ? step : "");
    ui_show_status(p->ui);
    doupdate(); /* inside the work: the user sees it move */
}

/* stem: the file name offered, in the home directory, ".pdf" added. */
static unsigned print_doc(struct ui *ui, enum doc_kind kind, int64_t id, const char *what, const char *stem)
{
    char offer[PATH_MAX], out[PATH_MAX];
    snprintf(offer, sizeof offer, "~/%s.pdf", stem);
    if (!ask_file(ui, what, offer, out, sizeof out)) {
        ui_message(ui, "%s", ui_quitting(ui) ? "" : "Nothing written");
        return REDRAW_ALL;
    }
    const struct apterm_config *cfg = ui_config(ui);
    struct progress p = {.ui = ui, .what = what, .shown = -1};
    struct document_request req = {
        .out = out, .today = ui_today(ui), .organisation = cfg->organisation, .th = &cfg->th,
        .progress = show_progress, .progress_ctx = &p,
    };
    struct document_result res;
    ap_status st = kind == DOC_PSP     ? document_psp(ui_store(ui), id, &req, &res)
                   : kind == DOC_VISIT ? document_visit(ui_store(ui), id, &req, &res)
                                       : document_tracking(ui_store(ui), (int)id, &req, &res);
    if (st != AP_OK) {
        const char *detail = ap_error_detail();
        ui_error(ui, "Not written: %s%s", detail,
                 strstr(detail, "nothing was written") || strstr(detail, "left as it was") ? ""
                                                                                          : "; nothing was written");
    } else {
        ui_message(ui, "Wrote %s to %s (%d page%s)", res.what, out, res.pages, res.pages == 1 ? "" : "s");
    }
    return REDRAW_ALL;
}

unsigned ui_print_psp(struct ui *ui, int64_t psp_id)
{
    char stem[60], d[11];
    snprintf(stem, sizeof stem, "psp-%lld-%s", (long long)psp_id, date_format(ui_today(ui), d));
    return print_doc(ui, DOC_PSP, psp_id, "the PSP", stem);
}

unsigned ui_print_visit(struct ui *ui, int64_t visit_id)
{
    char stem[60], d[11];
    snprintf(stem, sizeof stem, "qa-visit-%lld-%s", (long long)visit_id, date_format(ui_today(ui), d));
    return print_doc(ui, DOC_VISIT, visit_id, "the visit report", stem);
}

unsigned ui_print_tracking(struct ui *ui, int week)
{
    char stem[40], d[11];
    snprintf(stem, sizeof stem, "tracking-%s", date_format(week, d));
    return print_doc(ui, DOC_TRACKING, week, "the tracking sheet", stem);
}
