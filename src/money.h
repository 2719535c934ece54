#ifndef APTERM_MONEY_H
#define APTERM_MONEY_H

/* Money is whole pence in an int64_t everywhere in apterm. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* "£12,345.67", "-£0.50", "£0.00" into buf (the caller's; MONEY_LEN holds
 * any amount); truncated to fit, always NUL-terminated. Returns buf. */
#define MONEY_LEN 32
char *money_format(int64_t pence, char *buf, size_t len);

/* The characters (not bytes: "£" is one) money_format writes for pence,
 * counted without writing them: a column's width. */
int money_chars(int64_t pence);

/* As money_format, but whole pounds lose their ".00": "£5,000,000",
 * "£12.50". For reasons and labels where round sums are the norm. */
char *money_format_short(int64_t pence, char *buf, size_t len);

/* What a user types, into pence: an optional "-", an optional "£", digits
 * with or without thousands commas (in groups of three), and up to two
 * decimal places: "12,345.67", "£12345", "-£5.5", " 250 ". On anything else
 * returns AP_ERR_INVALID with a detail (ap_error_detail()) naming the
 * problem - "amount: more than two decimal places in \"1.234\"" - and leaves
 * *pence untouched. */
ap_status money_parse(const char *text, int64_t *pence);

#endif
