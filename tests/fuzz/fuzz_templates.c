/* apterm templates load FILE.csv: qa_template_load over the file as read by
 * csv_read_file, into the demo store. A refused file must name itself and
 * write nothing. */
#include <stdlib.h>

#include "fuzz.h"
#include "qa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    int64_t before = fuzz_store_fingerprint();
    struct qa_template_info t;
    bool unchanged = false;
    ap_status st = qa_template_load(fuzz_store(), "template.csv", text, &t, &unchanged);
    fuzz_check_refusal(st, "template.csv", before);
    if (st == AP_OK && unchanged && fuzz_store_fingerprint() != before)
        fuzz_fail("template.csv: the same as the latest revision, yet something was written");
    if (st == AP_OK && !unchanged)
        fuzz_store_reset();
    free(text);
    return 0;
}
