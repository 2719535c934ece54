#define XLSX_LIB_ITSELF /* the library's own names, not the table's */
#include "xlsx_lib.h"

#include <stdio.h>
#include <stdlib.h>

#include "dynlib.h"

static struct xlsx_lib lib;
#define XLSX_LIB_FN(f) {#f, (void **)&lib.f},
static const struct dynlib_fn xlsx_fns[] = {XLSX_LIB_FUNCTIONS(XLSX_LIB_FN)};
/* The soname of Debian 12's libxlsxwriter4: what -lxlsxwriter linked. */
static const char *const xlsx_libs[] = {"libxlsxwriter.so.4"};
static struct dynlib xlsx_dynlib = {"libxlsxwriter", xlsx_libs, sizeof xlsx_libs / sizeof *xlsx_libs,
                                    xlsx_fns, sizeof xlsx_fns / sizeof *xlsx_fns, 0, ""};

ap_status xlsx_lib_load(const char *doing)
{
    return dynlib_load(&xlsx_dynlib, doing);
}

const struct xlsx_lib *xlsx_lib(void)
{
    if (xlsx_dynlib.state != 1 && xlsx_lib_load("writing a workbook") != AP_OK) {
        fprintf(stderr, "apterm: %s\n", ap_error_detail());
        abort();
    }
    return &lib;
}
