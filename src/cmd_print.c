/* apterm print psp UPN | print visit ID | print tracking --week YYYY-MM-DD,
 * each --out FILE.pdf (src/documents.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "documents.h"

int cmd_print(struct cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "print needs psp UPN, visit ID or tracking --week YYYY-MM-DD, and --out FILE.pdf");
    const char *kind = argv[1];
    bool psp = strcmp(kind, "psp") == 0, visit = strcmp(kind, "visit") == 0, tracking = strcmp(kind, "tracking") == 0;
    if (!psp && !visit && !tracking)
        return usage_error("print %s: expected psp, visit or tracking", kind);
    const char *out = NULL, *week_text = NULL, *subject = NULL;
    const struct cli_opt opts[] = {{"out", &out, NULL}, {"week", &week_text, NULL}, {NULL, NULL, NULL}};
    char what[32];
    snprintf(what, sizeof what, "print %s", kind);
    int rc = cli_options(what, argc - 1, argv + 1, opts, 1);
    if (rc)
        return rc;
    if (optind < argc - 1)
        subject = argv[1 + optind];
    if (!out || !*out)
        return usage_error("print %s needs --out FILE.pdf", kind);
    int week = DATE_NONE;
    long long visit_id = 0;
    if (tracking) {
        if (subject)
            return usage_error("print tracking: unexpected argument \"%s\" (the week is --week YYYY-MM-DD)", subject);
        if (!week_text)
            return usage_error("%s", "print tracking needs --week YYYY-MM-DD");
        if (!date_parse_iso(week_text, &week))
            return usage_error("--week \"%s\": expected a date, YYYY-MM-DD", week_text);
    } else {
        if (week_text)
            return usage_error("print %s takes no --week", kind);
        if (!subject || !*subject)
            return usage_error("print %s needs %s", kind, psp ? "the pupil's UPN" : "the visit's number");
        if (visit) {
            char *end = NULL;
            visit_id = strtoll(subject, &end, 10);
            if (!end || *end || visit_id <= 0)
                return usage_error("print visit \"%s\": expected the visit's number", cli_text(subject));
        }
    }
    struct store *s = NULL;
    /* A 2 MB page cache: the tracking sheet of 5,000 pupils reads each page
     * about once, and the store's usual 32 MB would be most of its peak
     * memory (51 MB against 25 MB, and no faster). */
    if (open_store(cli, false, &s) != AP_OK || store_cache_limit(s, 2000) != AP_OK) {
        store_close(s);
        return fail("print");
    }
    struct cli_progress progress = cli_progress_start();
    struct document_request req = {
        .out = out, .today = date_today(), .organisation = cli->cfg.organisation, .th = &cli->cfg.th,
        .progress = cli_progress, .progress_ctx = &progress,
    };
    struct document_result res;
    ap_status st = psp ? document_psp_upn(s, subject, &req, &res)
                 : visit ? document_visit(s, (int64_t)visit_id, &req, &res)
                         : document_tracking(s, week, &req, &res);
    store_close(s);
    cli_progress_end(&progress);
    if (st != AP_OK)
        return fail_unwritten("print", st);
    printf("Wrote %s to %s: %d page%s\n", cli_text(res.what), cli_text(out), res.pages, res.pages == 1 ? "" : "s");
    return EXIT_SUCCESS;
}
