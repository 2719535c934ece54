#ifndef APTERM_CTF_H
#define APTERM_CTF_H

/* The Common Transfer File (CTF) a school sends when a pupil moves: read
 * with libxml2 (never by hand), with network access, entity substitution
 * and DTD loading off, and a file with a DOCTYPE refused. Versions 24 and
 * 25 (<Gender> or <Sex>; older versions are read with a warning); unknown
 * elements are ignored. ../shared/INTERCHANGE.md describes the format and
 * README "CTF import" what is taken from it.
 *
 * The pupils and their contacts become the lines of a pupils file and a
 * contacts file (src/interchange.h), imported in ONE transaction, so the
 * matching (UPN; contacts on UPN and name), the forms' rules, the dry run
 * and the audit are those of the CSV imports. Messages name the line of the
 * CTF the pupil or contact is on. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "interchange.h"
#include "status.h"
#include "store.h"

struct ctf_contact {
    int line;
    int order;                      /* 0 when not given */
    char *name, *relationship, *phone, *phone2, *email;
    int responsibility;             /* 1, 0, or -1 when not given */
};

struct ctf_pupil {
    int line;
    char *upn, *forename, *surname, *preferred, *dob, *sex;  /* sex: female, male or "" */
    int fsm, cla;                   /* 1, 0, or -1 when the file does not say */
    char *plan;                     /* none, idp_school, idp_la, ehcp; NULL when the file does not say */
    char *aln_areas;                /* NULL when the file does not say */
    char *uln, *middle_names;       /* census items; NULL when the file does not say */
    char *ethnicity;                /* a code of LABELS_ETHNICITY (upper case), else NULL (warned) */
    struct ctf_contact *contacts;
    size_t ncontacts;
};

struct ctf_file {
    char *version;                  /* "25.0" */
    char *school, *school_urn;      /* the source school; NULL when an LA or none */
    struct ctf_pupil *pupils;
    size_t npupils;
};

/* Parses text (len bytes). Problems with the file as a whole (not XML, not
 * a CTF, a DOCTYPE) fail with AP_ERR_INVALID naming name, line and column;
 * a version other than 24 or 25 is a warning on warnings. today: for "FSM
 * now". On AP_OK free out with ctf_free. */
ap_status ctf_parse(const char *name, const char *text, size_t len, int today, FILE *warnings, struct ctf_file *out);
void ctf_free(struct ctf_file *f);

/* Imports the CTF (see above). dry_run: everything is checked and written in
 * the transaction, then rolled back. res (may be NULL): the pupils' and the
 * contacts' counts added together, as the CSV imports count them. */
ap_status ctf_import(struct store *s, const char *name, const char *path, const char *text, size_t len, bool dry_run,
                     int today, FILE *report, FILE *errors, struct ix_result *res);

#endif
