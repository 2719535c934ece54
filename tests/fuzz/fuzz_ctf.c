/* apterm import ctf FILE.xml: ctf_import (src/ctf.c, libxml2 with network,
 * entity substitution and DTDs off) over the bytes, into the demo store, for
 * real; every eighth input as a dry run, which must write nothing. A refused
 * file must name itself and write nothing; an accepted one is undone. */
#include <stdio.h>

#include "ctf.h"
#include "date.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        fuzz_fail("cannot open /dev/null");
    struct store *s = fuzz_store();
    int64_t before = fuzz_store_fingerprint();
    bool dry = size && data[0] % 8 == 0;
    ap_status st = ctf_import(s, "pupil.xml", "pupil.xml", (const char *)data, size, dry, date_from_ymd(2026, 11, 27),
                              devnull, devnull, NULL);
    fuzz_check_refusal(st, "pupil.xml", before);
    if (dry && fuzz_store_fingerprint() != before)
        fuzz_fail("pupil.xml: a dry run changed the store");
    if (st == AP_OK && fuzz_store_fingerprint() != before)
        fuzz_store_reset();
    return 0;
}
