#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static void failed(struct dynlib *d, const char *why)
{
    d->state = -1;
    snprintf(d->error, sizeof d->error, "%s", why ? why : "unknown error");
}

ap_status dynlib_load(struct dynlib *d, const char *doing)
{
    if (d->state == 0) {
        void *handles[8];
        size_t n = 0;
        d->state = 1;
        if (d->n_libs > sizeof handles / sizeof *handles)
            failed(d, "too many libraries");
        for (size_t i = 0; d->state == 1 && i < d->n_libs; i++) {
            /* RTLD_LOCAL: their symbols are looked up here only. */
            handles[n] = dlopen(d->libs[i], RTLD_NOW | RTLD_LOCAL);
            if (!handles[n])
                failed(d, dlerror());
            else
                n++;
        }
        for (size_t f = 0; d->state == 1 && f < d->n_fns; f++) {
            void *addr = NULL;
            for (size_t i = 0; !addr && i < n; i++)
                addr = dlsym(handles[i], d->fns[f].name);
            if (!addr) {
                char why[200];
                snprintf(why, sizeof why, "no function %s", d->fns[f].name);
                failed(d, why);
            } else {
                *d->fns[f].slot = addr;
            }
        }
    }
    if (d->state < 0)
        return ap_fail(AP_ERR_IO, "%s: %s could not be loaded: %s", doing, d->what, d->error);
    return AP_OK;
}
