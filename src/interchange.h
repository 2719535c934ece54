#ifndef APTERM_INTERCHANGE_H
#define APTERM_INTERCHANGE_H

/* CSV imports and exports of whole tables: pupils, contacts, providers and
 * placements (README "Imports and exports" documents every column). An
 * export and an import of the same kind share one column table, so a file
 * exported can be edited and imported back, and importing it unchanged
 * changes nothing.
 *
 * Import: the whole file is read and checked first, each line with the
 * record module's own validate function (the rules the forms use); every
 * error is reported as "FILE line N, column C: what is expected"; with any
 * error nothing is written. Otherwise the records are added and changed in
 * ONE transaction (store_batch_begin) through the record modules, so each
 * change is audited by the store's triggers, plus one 'import' audit row.
 * Lines are matched to stored records:
 *  - pupils on the UPN (trimmed, upper-cased, check letter verified);
 *  - contacts on the pupil's UPN and the contact's name;
 *  - providers on the name (spaces collapsed, ignoring case) and the
 *    postcode (found in the address; spaces and case ignored);
 *  - placements on the pupil's UPN, the provider (name and postcode) and
 *    the start date.
 * Never on a name alone. A line whose version column is filled and older
 * than the stored record, and which would change it, is a conflict: it is
 * named (who changed the record, when), never overwritten.
 *
 * No curses. SQL is in db/interchange.c and the record modules. */

#include <stdbool.h>
#include <stdio.h>

#include "status.h"
#include "store.h"

enum ix_kind { IX_PUPILS, IX_CONTACTS, IX_PROVIDERS, IX_PLACEMENTS, IX_KIND_COUNT };

/* "pupils", "contacts", "providers", "placements". */
bool ix_kind_parse(const char *name, enum ix_kind *out);
const char *ix_kind_name(enum ix_kind k);

/* Writes every record of the kind as CSV (UTF-8, no BOM, LF, a header
 * line). *rows is how many records, *pupils how many different pupils they
 * name (for the export audit). */
ap_status ix_export(struct store *s, enum ix_kind k, FILE *out, long *rows, long *pupils);

struct ix_result {
    long added, changed, unchanged, errors;
};

/* Imports text (the whole file, NUL-terminated; name is how messages call
 * it, path is recorded in the audit) into the store. What would be or was
 * added and changed, field by field, is printed to report; each error is a
 * line on errors. dry_run: nothing is written (and no transaction is held).
 * today: for the date rules (a date of birth in the future...).
 * AP_ERR_INVALID when the file has errors (res->errors of them; nothing
 * written); another failure when the store refused (nothing written). */
ap_status ix_import(struct store *s, enum ix_kind k, const char *name, const char *path, const char *text,
                    bool dry_run, int today, FILE *report, FILE *errors, struct ix_result *res);

/* ix_import with more say: in_batch: the caller has opened a store batch
 * (store_batch_begin) and ends it, so several files (a CTF's pupils and
 * their contacts) are one transaction; the lines are written (dry_run
 * must be false; the caller rolls back for a dry run). line_map (may be
 * NULL): line_map[n] is the line of the source file that line n of text
 * came from, for messages, n < nlines. */
struct ix_options {
    bool dry_run, in_batch;
    const int *line_map;
    int nlines;
};
ap_status ix_import_opts(struct store *s, enum ix_kind k, const char *name, const char *path, const char *text,
                         const struct ix_options *o, int today, FILE *report, FILE *errors, struct ix_result *res);

/* The postcode in a provider's address, "CF10 1AA" style (outward code,
 * space, inward code), into out (at least 9 bytes): the last postcode-shaped
 * text in it, ignoring case and spaces. false (out "") when there is none. */
bool ix_postcode(const char *address, char out[9]);

/* A UK postcode in any case and spacing, into its "CF10 1AA" form; false
 * when text is not one. */
bool ix_postcode_normal(const char *text, char out[9]);

#endif
