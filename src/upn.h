#ifndef APTERM_UPN_H
#define APTERM_UPN_H

/* The Unique Pupil Number of England and Wales (DfE "Unique pupil numbers"
 * guidance; UK Government Data Standards Catalogue, UniquePupilNumber 2.0):
 * 13 characters, Annnnnnnnnnnn, or AnnnnnnnnnnnA for a temporary UPN.
 *  - characters 2-12 are digits (LA number, establishment number, year,
 *    serial);
 *  - character 13 is a digit, or for a temporary UPN a letter from the check
 *    table (not I, O or S);
 *  - character 1 is the check letter: the sum of each of characters 2-13
 *    times its position (2..13), a temporary UPN's final letter counting as
 *    its place in the table (A = 0 ... Z = 22), modulo 23, as a letter of
 *    the table "ABCDEFGHJKLMNPQRTUVWXYZ".
 * Capitals only; the LA number is not checked against the list of LAs. */

#include <stdbool.h>
#include <stddef.h>

/* true if upn is a well-formed UPN with the right check letter. Otherwise
 * false, and why (when not NULL; the caller's buffer) names the problem:
 * "UPN must be 13 characters (got 12)", "UPN check letter should be K, not
 * A". why is "" when valid. */
bool upn_valid(const char *upn, char *why, size_t why_len);

/* The check letter for characters 2-13 (last12: 11 digits, then a digit or a
 * temporary UPN's letter). '\0' when last12 is not of that form. */
char upn_check_letter(const char *last12);

#endif
