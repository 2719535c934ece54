#include "upn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Check letters and temporary-UPN letters: A = 0 ... Z = 22, no I, O, S. */
static const char upn_letters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

__attribute__((format(printf, 3, 4)))
static bool fail(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

static int letter_value(char c)
{
    const char *p = c ? strchr(upn_letters, c) : NULL;
    return p ? (int)(p - upn_letters) : -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of character 13: a digit, or a temporary UPN's letter; -1 if
 * neither. */
static int last_value(char c)
{
    return is_digit(c) ? c - '0' : letter_value(c);
}

char upn_check_letter(const char *last12)
{
    if (!last12)
        return '\0';
    int sum = 0;
    for (int i = 0; i < 12; i++) {
        char c = last12[i];
        int v = i < 11 ? (is_digit(c) ? c - '0' : -1) : last_value(c);
        if (v < 0)
            return '\0';
        sum += v * (i + 2);
    }
    if (last12[12] != '\0')
        return '\0';
    return upn_letters[sum % 23];
}

/* Characters, not bytes, for the length message: UTF-8 continuation bytes
 * are not counted. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool upn_valid(const char *upn, char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    if (!upn || !*upn)
        return fail(why, why_len, "UPN is empty");
    size_t chars = utf8_chars(upn);
    if (chars != 13)
        return fail(why, why_len, "UPN must be 13 characters (got %zu)", chars);
    for (size_t i = 0, pos = 0; upn[i]; i++) {
        unsigned char c = (unsigned char)upn[i];
        if ((c & 0xC0) != 0x80)
            pos++;
        if (c >= 0x80)
            return fail(why, why_len, "UPN character %zu must be a capital letter or a digit",
                        pos);
    }
    char first = upn[0];
    if (first >= 'a' && first <= 'z')
        return fail(why, why_len, "UPN letters must be capitals ('%c')", first);
    if (letter_value(first) < 0)
        return fail(why, why_len,
                    "UPN must begin with a check letter (A-Z but not I, O or S), not '%c'",
                    first);
    for (int i = 1; i < 12; i++) {
        if (!is_digit(upn[i]))
            return fail(why, why_len, "UPN character %d must be a digit, not '%c'",
                        i + 1, upn[i]);
    }
    char last = upn[12];
    if (last >= 'a' && last <= 'z')
        return fail(why, why_len, "UPN letters must be capitals ('%c')", last);
    if (last_value(last) < 0)
        return fail(why, why_len,
                    "UPN character 13 must be a digit, or a letter other than I, O "
                    "or S for a temporary UPN, not '%c'", last);
    char want = upn_check_letter(upn + 1);
    if (want != first)
        return fail(why, why_len, "UPN check letter should be %c, not %c", want, first);
    return true;
}
