/* libFuzzer target: the CTF reader (src/ctf.c, libxml2 with network,
 * entities and DTDs off). Every input is parsed; one in eight is also
 * imported as a dry run on a real store. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctf.h"
#include "date.h"
#include "store.h"

static struct store *store;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store) {
        char dir[] = "/tmp/apterm-fuzz-XXXXXX", path[64];
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/fuzz.db", dir);
        struct store_options opt = {.path = path, .login = "fuzzer", .code_set = "wales", .create = true};
        if (store_open(&opt, &store) != AP_OK)
            abort();
        devnull = fopen("/dev/null", "w");
    }
    struct ctf_file f;
    if (ctf_parse("fuzz.xml", (const char *)data, size, date_from_ymd(2026, 12, 7), devnull, &f) == AP_OK)
        ctf_free(&f);
    if (size && data[0] % 8 == 0)
        ctf_import(store, "fuzz.xml", "fuzz.xml", (const char *)data, size, true, date_from_ymd(2026, 12, 7), devnull,
                   devnull);
    return 0;
}
