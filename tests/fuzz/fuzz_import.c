/* libFuzzer target: the CSV imports (src/interchange.c) on a real store.
 * The first byte picks the kind (pupils, contacts, providers, placements),
 * the rest is the file; every import is a dry run, so the store stays as
 * the first call made it. Any crash, sanitizer report or leak is a bug. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "interchange.h"
#include "store.h"

static struct store *store;
static FILE *devnull;

static void setup(void)
{
    char dir[] = "/tmp/apterm-fuzz-XXXXXX", path[64];
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/fuzz.db", dir);
    struct store_options opt = {.path = path, .login = "fuzzer", .code_set = "wales", .create = true};
    if (store_open(&opt, &store) != AP_OK)
        abort();
    devnull = fopen("/dev/null", "w");
    struct ix_result res;
    /* A provider and a pupil for the lines to match. */
    ix_import(store, IX_PROVIDERS, "p", "p", "name,postcode,address\nFferm Ofal,SY23 5HX,\"Llanon SY23 5HX\"\n", false,
              date_from_ymd(2026, 12, 7), devnull, devnull, &res);
    ix_import(store, IX_PUPILS, "u", "u",
              "upn,legal_forename,legal_surname,dob,roll_status,cohort\n"
              "V690200188003,Siân,Jones,2012-03-04,dual_prs,pru_plus\n",
              false, date_from_ymd(2026, 12, 7), devnull, devnull, &res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        setup();
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    struct ix_result res;
    ix_import(store, (enum ix_kind)(data[0] % IX_KIND_COUNT), "fuzz.csv", "fuzz.csv", text, true,
              date_from_ymd(2026, 12, 7), devnull, devnull, &res);
    free(text);
    return 0;
}
