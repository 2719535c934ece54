/* apterm import pupils|contacts|providers|placements FILE.csv: ix_import
 * (src/interchange.c) over the file as read by csv_read_file, into the demo
 * store, for real (not a dry run). The first byte picks the kind. A refused
 * file must name itself and write nothing; an accepted one is undone. */
#include <stdio.h>
#include <stdlib.h>

#include "date.h"
#include "fuzz.h"
#include "interchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_text(data + 1, size - 1);
    if (!text)
        return 0;
    static FILE *devnull;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        fuzz_fail("cannot open /dev/null");
    struct store *s = fuzz_store();
    int64_t before = fuzz_store_fingerprint();
    struct ix_result res;
    ap_status st = ix_import(s, (enum ix_kind)(data[0] % IX_KIND_COUNT), "import.csv", "import.csv", text, false,
                             date_from_ymd(2026, 11, 27), devnull, devnull, &res);
    fuzz_check_refusal(st, "import.csv", before);
    if (st != AP_OK && res.errors == 0 && st == AP_ERR_INVALID)
        fuzz_fail("import.csv: refused with no error line");
    if (st == AP_OK && res.added + res.changed > 0)
        fuzz_store_reset();
    if (st == AP_OK && res.added + res.changed == 0 && fuzz_store_fingerprint() != before)
        fuzz_fail("import.csv: nothing to add or change, yet the store changed");
    free(text);
    return 0;
}
