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
#include "lineedit.h"
#include "pane.h"

enum doc_kind { DOC_PSP, DOC_VISIT, DOC_TRACKING };

/* "~/x" is under $HOME; a relative path is made absolute from the current
 * directory, so that the message says exactly where the file is. */
static bool expand(const char *typed, char *out, size_t len)
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

/* The file name on the body's last line; false when cancelled. */
static bool ask_file(struct ui *ui, const char *what, const char *offer, char *out, size_t len)
{
    struct lineedit le = {0};
    if (lineedit_init(&le, offer, PATH_MAX - 1) != AP_OK) {
        lineedit_free(&le);
        ui_error(ui, "Out of memory");
        return false;
    }
    bool go = false;
    ui_message(ui, "Write %s as PDF: Enter writes it, Esc cancels", what);
    for (;;) {
        WINDOW *w = ui_body(ui);
        int y = getmaxy(w) - 1;
        static const char label[] = " Write to: ";
        int x = draw_text(w, y, 0, 0, label, attr_of(ATTR_HEADER), DRAW_CLEAR);
        int cols = getmaxx(w) - x - 1;
        if (cols > 0) {
            lineedit_set_width(&le, cols);
            wattrset(w, attr_of(ATTR_FIELD));
            lineedit_draw(w, y, x, cols, &le, true);
            wattrset(w, A_NORMAL);
        }
        curs_set(1);
        wnoutrefresh(w);
        ui_show_status(ui);
        wint_t ch;
        int ret = ui_get_key(ui, &ch);
        if (ui_quitting(ui) || (ret == OK && ch == 27))
            break;
        if (ret == KEY_CODE_YES && ch == KEY_RESIZE)
            continue;
        if (ret == OK && (ch == '\r' || ch == '\n')) {
            size_t n;
            if (!expand(lineedit_text(&le), out, len)) {
                ui_error(ui, "File: the path is too long");
            } else if (!out[0] || (n = strlen(out)) < 5 || strcmp(out + n - 4, ".pdf") != 0) {
                ui_error(ui, "File: the name must end in .pdf, e.g. %s", offer);
            } else {
                go = true;
                break;
            }
            continue;
        }
        if (lineedit_key(&le, ret, ch) == LINEEDIT_REFUSED)
            ui_error(ui, "%s", lineedit_reason(&le));
    }
    curs_set(0);
    lineedit_free(&le);
    return go;
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
