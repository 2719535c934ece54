/* apterm mark --file MARKS.csv: marks_import_csv over the file as read by
 * csv_read_file, into the demo store; a mark already there is imported again
 * with --replace. A refused file must name itself and write nothing. */
#include <stdlib.h>

#include "fuzz.h"
#include "marks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    struct store *s = fuzz_store();
    int64_t before = fuzz_store_fingerprint();
    int count = -1;
    ap_status st = marks_import_csv(s, "marks.csv", text, false, &count);
    fuzz_check_refusal(st, "marks.csv", before);
    if (st == AP_ERR_CONFLICT) {
        st = marks_import_csv(s, "marks.csv", text, true, &count);
        fuzz_check_refusal(st, "marks.csv", before);
    }
    if (st == AP_OK && count < 0)
        fuzz_fail("marks.csv: imported without saying how many marks");
    if (st == AP_OK && count > 0)
        fuzz_store_reset();
    free(text);
    return 0;
}
