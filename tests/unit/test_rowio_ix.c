/* rowio_id_at_build, the index by id the grid, the tracking grid and the
 * reports find their rows with (db/rowio.h): sorted by id as signed numbers
 * (negative, zero, the extremes), every record once, each found by
 * rowio_id_at_find; at, below and above the size from which it sorts by
 * radix (64 records), with ids spread over every byte or sharing most. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rowio.h"

struct rec {
    char pad[3];
    int64_t id;
};

static uint64_t next(uint64_t *seed)
{
    *seed = *seed * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *seed;
}

/* n records whose ids are the random numbers masked by mask, a few of them
 * repeated and the extremes among them; the index must be right. */
static void check(size_t n, uint64_t mask, uint64_t seed)
{
    struct rec *r = calloc(n ? n : 1, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++)
        r[i].id = (int64_t)(next(&seed) & mask);
    if (n > 4) {
        r[1].id = INT64_MIN;
        r[2].id = INT64_MAX;
        r[3].id = r[0].id; /* the same id twice */
        r[4].id = -1;
    }
    struct rowio_id_at *ix = rowio_id_at_build(r, n, sizeof *r, offsetof(struct rec, id));
    assert_non_null(ix);
    bool *seen = calloc(n ? n : 1, sizeof *seen);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(ix[i].at < n);
        assert_false(seen[ix[i].at]);
        seen[ix[i].at] = true;
        assert_true(ix[i].id == r[ix[i].at].id);
        if (i)
            assert_true(ix[i - 1].id <= ix[i].id);
    }
    for (size_t i = 0; i < n; i++) {
        long at = rowio_id_at_find(ix, n, r[i].id);
        assert_true(at >= 0);
        assert_true(r[at].id == r[i].id);
    }
    free(seen);
    free(ix);
    free(r);
}

static void test_sizes_either_side_of_the_radix(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 50000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        check(sizes[k], UINT64_MAX, 7 + k);           /* every byte differs */
        check(sizes[k], UINT64_C(0x1ffff), 11 + k);    /* a store's ids: three bytes */
        check(sizes[k], UINT64_C(0xff00), 13 + k);     /* one byte, not the lowest */
    }
}

/* An id not there is not found, whichever side of the others it is. */
static void test_missing_ids(void **state)
{
    (void)state;
    struct rec r[100];
    for (int i = 0; i < 100; i++)
        r[i].id = 1000 - 10 * i; /* 1000 down to 10 */
    struct rowio_id_at *ix = rowio_id_at_build(r, 100, sizeof *r, offsetof(struct rec, id));
    assert_non_null(ix);
    assert_int_equal(rowio_id_at_find(ix, 100, 9), -1);
    assert_int_equal(rowio_id_at_find(ix, 100, 15), -1);
    assert_int_equal(rowio_id_at_find(ix, 100, 1001), -1);
    assert_int_equal(rowio_id_at_find(ix, 100, 10), 99);
    assert_int_equal(rowio_id_at_find(ix, 100, 1000), 0);
    assert_int_equal(ix[0].id, 10);
    free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_either_side_of_the_radix),
        cmocka_unit_test(test_missing_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
