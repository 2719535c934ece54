#ifndef APTERM_FUZZ_H
#define APTERM_FUZZ_H

/* Shared by the libFuzzer targets in tests/fuzz (make fuzz): each target
 * feeds its input to a real parser, reading it the way apterm does (from a
 * file where apterm reads a file) and writing to a real SQLite store where
 * the parser needs one. A broken promise (bad input that changed the store,
 * a failure with no message) calls fuzz_fail(), which aborts so that
 * libFuzzer saves the input as a reproducer. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

/* The bytes as a file that a parser opens by name: a memfd, whose name
 * (/proc/self/fd/N) goes into path. Returns the descriptor to close. */
int fuzz_file(const uint8_t *data, size_t size, char path[64]);

/* The bytes as a command reads a CSV file (csv_read_file): a NUL-terminated
 * text to free, or NULL when csv_read_file refuses them (it then must have
 * said why). */
char *fuzz_text(const uint8_t *data, size_t size);

/* The bytes as they are, NUL-terminated (a NUL among them ends the string
 * early): a copy to free. */
char *fuzz_string(const uint8_t *data, size_t size);

/* The store: a small demo store (12 pupils, 2 weeks of marks to Friday 27
 * November 2026, seed 1, the Welsh codes), made on first use in a private
 * temporary folder that is removed at exit. Opened as login "fuzzer", an
 * admin. */
struct store *fuzz_store(void);

/* Puts the store back as it was made (after a call that wrote to it). */
void fuzz_store_reset(void);

/* Changes whenever anything is written to the store: every insert, update
 * and delete adds an audit row. */
int64_t fuzz_store_fingerprint(void);

/* What a parser of a file must have done with input it returned st for:
 * AP_OK, or a refusal (AP_ERR_INVALID, or AP_ERR_CONFLICT for a record
 * already there) whose message names the file, having written nothing
 * (before is fuzz_store_fingerprint() from before the call). */
void fuzz_check_refusal(ap_status st, const char *name, int64_t before);

_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
