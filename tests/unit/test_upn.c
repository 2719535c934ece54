/* Unit tests of src/upn.c: the Unique Pupil Number check letter.
 *
 * Check letters worked by hand (weights 2..13 on characters 2..13, sum mod
 * 23, then the table A=0 B=1 C=2 D=3 E=4 F=5 G=6 H=7 J=8 K=9 L=10 M=11 N=12
 * P=13 Q=14 R=15 T=16 U=17 V=18 W=19 X=20 Y=21 Z=22):
 *
 *   801200005001: 8x2 + 0x3 + 1x4 + 2x5 + 0x6 + 0x7 + 0x8 + 0x9 + 5x10
 *                 + 0x11 + 0x12 + 1x13 = 16 + 4 + 10 + 50 + 13 = 93;
 *                 93 = 4 x 23 + 1 -> B: B801200005001.
 *   677200025001: 6x2 + 7x3 + 7x4 + 2x5 + 0 + 0 + 0 + 2x9 + 5x10 + 0 + 0
 *                 + 1x13 = 12 + 21 + 28 + 10 + 18 + 50 + 13 = 152;
 *                 152 = 6 x 23 + 14 -> Q: Q677200025001.
 *   207000016049: 2x2 + 7x4 + 1x9 + 6x10 + 4x12 + 9x13 = 4 + 28 + 9 + 60
 *                 + 48 + 117 = 266; 266 = 11 x 23 + 13 -> P: P207000016049.
 *                 (A widely copied MIS help page gives this UPN with check
 *                 letter Q, having summed 267: it is P.)
 *   000000000006: 6x13 = 78 = 3 x 23 + 9 -> K: K000000000006.
 *   Temporary 80120000500A: 80 (as 801200005001 less the final 1x13) + A
 *                 (0) x 13 = 80 = 3 x 23 + 11 -> M: M80120000500A.
 *   Temporary 80120000500Z: 80 + Z (22) x 13 = 366 = 15 x 23 + 21 -> Y.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "upn.h"

static void expect_valid(const char *upn)
{
    char why[128] = "stale";
    if (!upn_valid(upn, why, sizeof why))
        fail_msg("%s should be valid: %s", upn, why);
    assert_string_equal(why, "");
}

static void expect_invalid(const char *upn, const char *reason)
{
    char why[128] = "";
    assert_false(upn_valid(upn, why, sizeof why));
    assert_string_equal(why, reason);
}

static void test_valid_upns(void **state)
{
    (void)state;
    expect_valid("B801200005001");
    expect_valid("Q677200025001");
    expect_valid("P207000016049");
    expect_valid("K000000000006");
    expect_valid("A000000000000");
    assert_true(upn_valid("B801200005001", NULL, 0));
}

static void test_temporary_upns(void **state)
{
    (void)state;
    expect_valid("M80120000500A");
    expect_valid("Y80120000500Z");
    expect_invalid("A80120000500Z", "UPN check letter should be Y, not A");
    expect_invalid("M80120000500I", "UPN character 13 must be a digit, or a letter other "
                                    "than I, O or S for a temporary UPN, not 'I'");
    expect_invalid("M80120000500O", "UPN character 13 must be a digit, or a letter other "
                                    "than I, O or S for a temporary UPN, not 'O'");
    expect_invalid("M80120000500a", "UPN letters must be capitals ('a')");
}

static void test_wrong_check_letter(void **state)
{
    (void)state;
    expect_invalid("A000000000006", "UPN check letter should be K, not A");
    expect_invalid("Q207000016049", "UPN check letter should be P, not Q");
    expect_invalid("C801200005001", "UPN check letter should be B, not C");
    /* A transposition of two digits changes the letter. */
    expect_invalid("B810200005001", "UPN check letter should be A, not B");
    expect_invalid("I801200005001", "UPN must begin with a check letter (A-Z but not I, "
                                    "O or S), not 'I'");
    expect_invalid("S801200005001", "UPN must begin with a check letter (A-Z but not I, "
                                    "O or S), not 'S'");
    expect_invalid("8801200005001", "UPN must begin with a check letter (A-Z but not I, "
                                    "O or S), not '8'");
    expect_invalid("b801200005001", "UPN letters must be capitals ('b')");
}

static void test_wrong_length(void **state)
{
    (void)state;
    expect_invalid("B80120000500", "UPN must be 13 characters (got 12)");
    expect_invalid("B8012000050011", "UPN must be 13 characters (got 14)");
    expect_invalid("B801200005001 ", "UPN must be 13 characters (got 14)");
    expect_invalid("", "UPN is empty");
    expect_invalid(NULL, "UPN is empty");
    /* Characters, not bytes: a W with a circumflex is one character. */
    expect_invalid("\xC5\xB4" "80120000500", "UPN must be 13 characters (got 12)");
    expect_invalid("\xC5\xB4" "801200005001",
                   "UPN character 1 must be a capital letter or a digit");
}

static void test_letters_in_the_middle(void **state)
{
    (void)state;
    expect_invalid("B8012000A5001", "UPN character 9 must be a digit, not 'A'");
    expect_invalid("BX01200005001", "UPN character 2 must be a digit, not 'X'");
    expect_invalid("B80120000500AA", "UPN must be 13 characters (got 14)");
    expect_invalid("B80120000 001", "UPN character 10 must be a digit, not ' '");
    expect_invalid("B80120000500-", "UPN character 13 must be a digit, or a letter other "
                                    "than I, O or S for a temporary UPN, not '-'");
}

static void test_check_letter(void **state)
{
    (void)state;
    assert_int_equal(upn_check_letter("801200005001"), 'B');
    assert_int_equal(upn_check_letter("677200025001"), 'Q');
    assert_int_equal(upn_check_letter("207000016049"), 'P');
    assert_int_equal(upn_check_letter("000000000006"), 'K');
    assert_int_equal(upn_check_letter("80120000500A"), 'M');
    assert_int_equal(upn_check_letter("80120000500Z"), 'Y');
    assert_int_equal(upn_check_letter("80120000500"), '\0');
    assert_int_equal(upn_check_letter("8012000050011"), '\0');
    assert_int_equal(upn_check_letter("80120000500I"), '\0');
    assert_int_equal(upn_check_letter("8012000A5001"), '\0');
    assert_int_equal(upn_check_letter(NULL), '\0');
}

/* Every check letter the generator can make validates, across all 23. */
static void test_generated_round_trip(void **state)
{
    (void)state;
    char upn[14];
    int seen[23] = {0};
    const char *table = "ABCDEFGHJKLMNPQRTUVWXYZ";
    for (int serial = 0; serial < 1000; serial++) {
        char digits[32];
        snprintf(digits, sizeof digits, "677200025%03d", serial);
        memcpy(upn + 1, digits, 13); /* 12 digits and the NUL */
        upn[0] = upn_check_letter(upn + 1);
        assert_true(upn[0] != '\0');
        assert_true(upn_valid(upn, NULL, 0));
        seen[strchr(table, upn[0]) - table] = 1;
        /* Any other first letter is wrong. */
        upn[0] = upn[0] == 'A' ? 'B' : 'A';
        assert_false(upn_valid(upn, NULL, 0));
    }
    for (int i = 0; i < 23; i++)
        assert_int_equal(seen[i], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_upns),
        cmocka_unit_test(test_temporary_upns),
        cmocka_unit_test(test_wrong_check_letter),
        cmocka_unit_test(test_wrong_length),
        cmocka_unit_test(test_letters_in_the_middle),
        cmocka_unit_test(test_check_letter),
        cmocka_unit_test(test_generated_round_trip),
    };
    return cmocka_run_group_tests_name("upn", tests, NULL, NULL);
}
