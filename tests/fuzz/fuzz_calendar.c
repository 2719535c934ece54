/* apterm calendar load TERMS.csv CLOSURES.csv: calendar_replace over two
 * texts, the input's bytes before its first NUL byte (the terms) and after it
 * (the closure days), into the demo store. A refusal must name one of the
 * files and write nothing; an accepted calendar must load back. */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t n1 = nul ? (size_t)(nul - data) : size;
    size_t n2 = nul ? size - n1 - 1 : 0;
    if (n2 && memchr(nul + 1, '\0', n2))
        return 0; /* a file with a NUL byte is refused before it is parsed */
    char *terms = malloc(n1 + 1), *closures = malloc(n2 + 1);
    if (!terms || !closures)
        fuzz_fail("out of memory");
    memcpy(terms, data, n1);
    terms[n1] = '\0';
    if (n2)
        memcpy(closures, nul + 1, n2);
    closures[n2] = '\0';

    struct store *s = fuzz_store();
    int64_t before = fuzz_store_fingerprint();
    ap_status st = calendar_replace(s, "terms.csv", terms, "closures.csv", closures);
    if (st != AP_OK) {
        const char *name = strstr(ap_error_detail(), "closures.csv") ? "closures.csv" : "terms.csv";
        fuzz_check_refusal(st, name, before);
    } else {
        struct calendar cal;
        if (calendar_load(s, &cal) != AP_OK)
            fuzz_fail("a calendar that was accepted does not load: %s", ap_error_detail());
        for (size_t i = 0; i < cal.nterms; i++)
            (void)calendar_school_days_between(&cal, cal.terms[i].start, cal.terms[i].end);
        calendar_free(&cal);
        fuzz_store_reset();
    }
    free(terms);
    free(closures);
    return 0;
}
