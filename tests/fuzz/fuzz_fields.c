/* The parsers of what a user types into a field or option: dates, sums of
 * money, UPNs, sessions, sources, QA stages, roles; and the UTF-8 functions
 * that measure and fit what is drawn. The input up to its first NUL byte is
 * the text typed. What is accepted must come back the same when written out
 * and read again. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "fuzz.h"
#include "marks.h"
#include "money.h"
#include "qa.h"
#include "rules.h"
#include "store.h"
#include "tracking.h"
#include "upn.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);

    int today = date_from_ymd(2026, 11, 27), d = 0;
    char buf[64];
    if (date_parse_iso(text, &d) && strcmp(date_format(d, buf), text) != 0)
        fuzz_fail("date_parse_iso accepted \"%s\", which is written back as \"%s\"", text, buf);
    if (date_parse(text, today, &d)) {
        int again = 0;
        if (!date_parse_iso(date_format(d, buf), &again) || again != d)
            fuzz_fail("date_parse accepted \"%s\" as day %d, which does not read back (\"%s\")", text, d, buf);
    }

    int64_t pence = 0, again = 0;
    if (money_parse(text, &pence) == AP_OK) {
        if (money_parse(money_format(pence, buf, sizeof buf), &again) != AP_OK || again != pence)
            fuzz_fail("money_parse accepted \"%s\" as %lld pence, written \"%s\", read back as %lld", text,
                      (long long)pence, buf, (long long)again);
    } else if (!ap_error_detail()[0]) {
        fuzz_fail("money_parse refused \"%s\" without saying why", text);
    }

    char why[256] = "";
    if (!upn_valid(text, why, sizeof why) && !why[0])
        fuzz_fail("upn_valid refused \"%s\" without saying why", text);

    enum session sess;
    enum mark_source src;
    enum qa_stage stage;
    enum code_category cat;
    enum cost_basis basis;
    if (session_parse(text, &sess) && strcmp(session_name(sess), text) != 0 && strcasecmp(session_name(sess), text) != 0)
        fuzz_fail("session_parse accepted \"%s\" as %s", text, session_name(sess));
    if (mark_source_parse(text, &src) && !mark_source_name(src))
        fuzz_fail("mark_source_parse accepted \"%s\" as a source with no name", text);
    (void)qa_stage_parse(text, &stage);
    (void)qa_stage_of_template(text, &stage);
    (void)rules_category_parse(text, &cat);
    (void)rules_basis_parse(text, &basis);
    (void)role_from_name(text);
    (void)tracking_area_parse(text);

    /* What is drawn: a display copy is valid UTF-8, as wide as it says. */
    int cols = size ? data[0] % 40 : 10;
    for (unsigned flags = 0; flags < 4; flags++) {
        char out[4 * 40 + 64];
        size_t outsz = size > 1 ? (size_t)data[1] % sizeof out : sizeof out;
        int w = utf8_fit(out, outsz, text, cols, flags);
        if (outsz > 0) {
            if (!utf8_valid(out))
                fuzz_fail("utf8_fit(cols %d, flags %u, %zu bytes) wrote invalid UTF-8", cols, flags, outsz);
            if (w > cols || utf8_width(out) != w)
                fuzz_fail("utf8_fit(cols %d, flags %u) said %d columns, measured %d", cols, flags, w,
                          utf8_width(out));
        }
    }
    (void)utf8_width(text);
    (void)utf8_clusters(text, size);
    (void)utf8_first_invalid(text, strlen(text));
    size_t half = strlen(text) / 2;
    (void)utf8_contains(text, text + half);
    free(text);
    return 0;
}
