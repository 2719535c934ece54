/* The CSV reader (src/csv.c) itself, with comment lines on and off: every
 * field it returns is valid UTF-8, and a refusal names the file. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    for (int pass = 0; pass < 2; pass++) {
        struct csv_reader r;
        bool got = false;
        ap_status st;
        int last = 0;
        csv_open(&r, "in.csv", text);
        r.comment = pass ? '#' : '\0';
        while ((st = csv_next(&r, &got)) == AP_OK && got) {
            if (r.nfield == 0)
                fuzz_fail("a record with no fields on line %d", r.line);
            if (r.line <= last)
                fuzz_fail("line numbers went back from %d to %d", last, r.line);
            last = r.line;
            for (size_t i = 0; i < r.nfield; i++)
                if (!csv_utf8_valid(r.field[i], strlen(r.field[i])))
                    fuzz_fail("line %d field %zu is not valid UTF-8", r.line, i + 1);
            static const char *const header[] = {"date", "session", "upn", "code"};
            (void)csv_expect_fields(&r, 4);
            (void)csv_expect_header(&r, header, 4);
        }
        if (st != AP_OK && strncmp(ap_error_detail(), "in.csv line ", 12) != 0)
            fuzz_fail("refused without naming the file and line: \"%s\"", ap_error_detail());
        csv_close(&r);
        csv_close(&r);
    }
    free(text);
    return 0;
}
