/* The attendance code sets (data/codes-*.csv, loaded into each new store):
 * seed_codes_from_text over the text as read by csv_read_file, replacing the
 * England set of the demo store inside a transaction that is then rolled
 * back. A refusal must name the file. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "seed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fuzz_fail("%s: %s", sql, err ? err : "?");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    sqlite3 *db = store_db(fuzz_store());
    exec(db, "BEGIN IMMEDIATE; DELETE FROM attendance_code WHERE code_set = 'england'");
    ap_status st = seed_codes_from_text(db, "england", "codes.csv", text);
    if (st != AP_OK && st != AP_ERR_INVALID)
        fuzz_fail("codes.csv: gave %s, not a refusal naming the line: \"%s\"", ap_status_text(st), ap_error_detail());
    if (st != AP_OK && !strstr(ap_error_detail(), "codes.csv"))
        fuzz_fail("codes.csv: refused without naming the file: \"%s\"", ap_error_detail());
    exec(db, "ROLLBACK");
    free(text);
    return 0;
}
