#ifndef APTERM_DYNLIB_H
#define APTERM_DYNLIB_H

/* Shared libraries loaded when first needed (dlopen), not when apterm
 * starts.
 *
 * Linking the PDF stack (Cairo, Pango, GLib, fontconfig and what they pull
 * in: about forty libraries, X11 and ICU among them) and libxml2 into the
 * program made every run load and relocate them, some 25 ms of CPU before
 * main, although only a PDF document or a CTF import uses them: `apterm
 * mark` spent most of its time there. src/pdf.c and src/ctf.c call these
 * libraries through a table of function pointers that dynlib_load fills
 * the first time one of them is used. The libraries are named by soname
 * (the same files the linker would have recorded), searched the usual way;
 * for the installed set-group-id apterm the dynamic loader ignores
 * LD_LIBRARY_PATH, as it did for linked libraries. */

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* One function: its name and where its address goes. */
struct dynlib_fn {
    const char *name;
    void **slot;
};

struct dynlib {
    const char *what;                /* "the PDF libraries", for messages */
    const char *const *libs;         /* sonames, searched in order for each function */
    size_t n_libs;
    const struct dynlib_fn *fns;
    size_t n_fns;
    int state;                       /* 0: not tried; 1: loaded; -1: failed */
    char error[256];                 /* why it failed */
};

/* Loads d's libraries and looks up every function, once: later calls give
 * the first call's result. AP_OK, or AP_ERR_IO naming the library or
 * function missing ("<doing>: <what> could not be loaded: ..."). Never
 * unloaded (the libraries may have registered exit handlers). */
ap_status dynlib_load(struct dynlib *d, const char *doing);

#endif
