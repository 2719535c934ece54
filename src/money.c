#include "money.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define POUND "\xC2\xA3" /* £ in UTF-8 */

char *money_format(int64_t pence, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    /* The magnitude as unsigned, so that INT64_MIN has one too. */
    uint64_t mag = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    uint64_t pounds = mag / 100;
    unsigned p = (unsigned)(mag % 100);

    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)pounds);
    size_t nd = strlen(digits);
    char grouped[48];
    size_t g = 0;
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    int n = snprintf(buf, len, "%s" POUND "%s.%02u", pence < 0 ? "-" : "", grouped, p);
    /* Truncated: never leave half of the pound sign. */
    if (n >= 0 && (size_t)n >= len) {
        size_t end = strlen(buf);
        if (end > 0 && (unsigned char)buf[end - 1] >= 0xC0)
            buf[end - 1] = '\0';
    }
    return buf;
}

int money_chars(int64_t pence)
{
    uint64_t pounds = (pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence) / 100;
    int digits = 1;
    for (; pounds >= 10; pounds /= 10)
        digits++;
    /* "-", "£", the digits with a comma before each group of three, ".pp" */
    return (pence < 0) + 1 + digits + (digits - 1) / 3 + 3;
}

char *money_format_short(int64_t pence, char *buf, size_t len)
{
    money_format(pence, buf, len);
    size_t n = buf && len ? strlen(buf) : 0;
    if (pence % 100 == 0 && n > 3 && strcmp(buf + n - 3, ".00") == 0)
        buf[n - 3] = '\0';
    return buf;
}

ap_status money_parse(const char *text, int64_t *pence)
{
    if (!text)
        return ap_fail(AP_ERR_INVALID, "amount: nothing entered");
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return ap_fail(AP_ERR_INVALID, "amount: nothing entered");
    int shown = n > 60 ? 60 : (int)n;

    const char *p = s, *end = s + n;
    bool negative = false;
    if (p < end && *p == '-') {
        negative = true;
        p++;
    }
    if (end - p >= 2 && memcmp(p, POUND, 2) == 0)
        p += 2;
    if (!negative && p < end && *p == '-') {
        negative = true;
        p++;
    }
    if (p == end || !(isdigit((unsigned char)*p) || *p == '.'))
        return ap_fail(AP_ERR_INVALID, "amount: \"%.*s\" is not a sum of money, "
                       "such as 1,250.00", shown, s);

    uint64_t pounds = 0;
    int group = 0;        /* digits since the last comma */
    bool commas = false;
    int ndigits = 0;
    for (; p < end && *p != '.'; p++) {
        if (*p == ',') {
            if (ndigits == 0 || (commas && group != 3) || (!commas && group > 3))
                return ap_fail(AP_ERR_INVALID, "amount: misplaced comma in \"%.*s\"",
                               shown, s);
            commas = true;
            group = 0;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            return ap_fail(AP_ERR_INVALID, "amount: \"%.*s\" is not a sum of money, "
                           "such as 1,250.00", shown, s);
        if (pounds > (uint64_t)INT64_MAX / 100 / 10)
            return ap_fail(AP_ERR_INVALID, "amount: \"%.*s\" is too large", shown, s);
        pounds = pounds * 10 + (uint64_t)(*p - '0');
        group++;
        ndigits++;
    }
    if (commas && group != 3)
        return ap_fail(AP_ERR_INVALID, "amount: misplaced comma in \"%.*s\"", shown, s);

    unsigned fraction = 0;
    if (p < end && *p == '.') {
        p++;
        int places = 0;
        for (; p < end; p++) {
            if (!isdigit((unsigned char)*p))
                return ap_fail(AP_ERR_INVALID, "amount: \"%.*s\" is not a sum of money, "
                               "such as 1,250.00", shown, s);
            if (++places > 2)
                return ap_fail(AP_ERR_INVALID,
                               "amount: more than two decimal places in \"%.*s\"", shown, s);
            fraction = fraction * 10 + (unsigned)(*p - '0');
        }
        if (places == 1)
            fraction *= 10;
        if (places == 0 && ndigits == 0)
            return ap_fail(AP_ERR_INVALID, "amount: \"%.*s\" is not a sum of money, "
                           "such as 1,250.00", shown, s);
    }

    int64_t value = (int64_t)(pounds * 100 + fraction);
    *pence = negative ? -value : value;
    return AP_OK;
}
