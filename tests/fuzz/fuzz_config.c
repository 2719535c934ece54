/* apterm.ini: config_load_file over the input as a file (a memfd), through
 * apterm's own checks and iniparser. A refusal must name the file. */
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path);
    struct apterm_config cfg;
    ap_status st = config_load_file(path, &cfg);
    close(fd);
    if (st != AP_OK && st != AP_ERR_CONFIG)
        fuzz_fail("%s: gave %s, not a configuration error: \"%s\"", path, ap_status_text(st), ap_error_detail());
    if (st != AP_OK && !strstr(ap_error_detail(), path))
        fuzz_fail("refused without naming the file: \"%s\"", ap_error_detail());
    if (st == AP_OK && cfg.close_pm_minutes <= cfg.close_am_minutes)
        fuzz_fail("accepted close_pm %d at or before close_am %d", cfg.close_pm_minutes, cfg.close_am_minutes);
    return 0;
}
