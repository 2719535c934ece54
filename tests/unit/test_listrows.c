/* The rows a list pane shows (ui/listview.h's struct list_rows): sorted,
 * filtered, the cursor kept on its row by id, else on its line; and the
 * line above the list that says what is shown. No screen: the list view
 * only keeps its cursor here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <string.h>

#include "listview.h"

/* Ten rows with ids 10, 20, ... 100; shown when their id is at least min. */
struct pane {
    int64_t ids[10];
    int64_t min;
    bool desc;
};

static bool shown(const void *ctx, size_t row)
{
    const struct pane *p = ctx;
    return p->ids[row] >= p->min;
}

static int compare(const void *ctx, size_t a, size_t b)
{
    const struct pane *p = ctx;
    int c = (p->ids[a] > p->ids[b]) - (p->ids[a] < p->ids[b]);
    return p->desc ? -c : c;
}

static int64_t id_of(const void *ctx, size_t row)
{
    return ((const struct pane *)ctx)->ids[row];
}

static const struct list_rows_ops ops = {shown, compare, id_of, NULL};

struct fixture {
    struct pane pane;
    struct listview lv;
    struct list_rows rows;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    for (int i = 0; i < 10; i++)
        f.pane.ids[i] = (i + 1) * 10;
    f.lv.height = 4;
    f.rows = (struct list_rows){.ops = &ops, .ctx = &f.pane, .lv = &f.lv};
    if (!list_rows_reserve(&f.rows, 10))
        return -1;
    f.rows.n = 10;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    list_rows_free(&f->rows);
    return 0;
}

static void test_sorted_and_filtered(void **state)
{
    struct fixture *f = *state;
    list_rows_sort(&f->rows, false, 0);
    assert_int_equal(f->rows.nview, 10);
    assert_int_equal(f->lv.rows, 10);
    assert_int_equal(list_rows_current(&f->rows), 10);
    f->pane.desc = true;
    list_rows_sort(&f->rows, false, 0);
    assert_int_equal(list_rows_current(&f->rows), 100); /* the line stays, the rows move */
    /* natural: the rows' own order whatever compare says */
    list_rows_sort(&f->rows, true, 0);
    assert_int_equal(list_rows_current(&f->rows), 10);
    /* the filter at, and either side of, a row's id; then past every row */
    static const struct {
        int64_t min;
        size_t shown;
    } cuts[] = {{79, 3}, {80, 3}, {81, 2}, {101, 0}};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        f->pane.min = cuts[i].min;
        list_rows_filter(&f->rows, 0);
        assert_int_equal(f->rows.nview, cuts[i].shown);
        assert_int_equal(f->lv.rows, (int)cuts[i].shown);
    }
    assert_int_equal(list_rows_current(&f->rows), 0); /* none under the cursor */
}

static void test_cursor_kept_on_its_row(void **state)
{
    struct fixture *f = *state;
    list_rows_sort(&f->rows, false, 0);
    assert_true(list_rows_select(&f->rows, 70));
    assert_int_equal(f->lv.cursor, 6);
    assert_true(f->lv.cursor < f->lv.top + f->lv.height); /* scrolled to it */
    f->pane.desc = true;
    list_rows_sort(&f->rows, false, 70);
    assert_int_equal(list_rows_current(&f->rows), 70);
    assert_int_equal(f->lv.cursor, 3);
    /* a search that hides rows before it keeps it */
    f->pane.min = 50;
    list_rows_filter(&f->rows, 70);
    assert_int_equal(list_rows_current(&f->rows), 70);
    /* an id not shown: false, the cursor where it was */
    assert_false(list_rows_select(&f->rows, 40));
    assert_false(list_rows_select(&f->rows, 0));
    assert_int_equal(list_rows_current(&f->rows), 70);
}

static void test_row_gone_keeps_the_line(void **state)
{
    struct fixture *f = *state;
    list_rows_sort(&f->rows, false, 0);
    list_rows_select(&f->rows, 40);
    int line = f->lv.cursor;
    f->pane.ids[3] = 45; /* "read again": row 40 is now 45 */
    list_rows_sort(&f->rows, false, 40);
    assert_int_equal(f->lv.cursor, line);
    assert_int_equal(list_rows_current(&f->rows), 45);
    /* the last row gone: the cursor on the new last line */
    list_rows_select(&f->rows, 100);
    line = f->lv.cursor;
    f->pane.min = 0;
    f->rows.n = 9;
    list_rows_sort(&f->rows, false, 100);
    assert_int_equal(line, 9);
    assert_int_equal(f->lv.cursor, 8);
    assert_int_equal(list_rows_current(&f->rows), 90);
}

static void test_summary_says_what_is_shown(void **state)
{
    struct fixture *f = *state;
    char buf[200];
    const char *none[] = {NULL};
    const char *two[] = {"active", "flagged", NULL};
    list_rows_sort(&f->rows, false, 0);
    list_rows_summary(&f->rows, buf, sizeof buf, "case", "cases", "", none, "name", false, true);
    assert_string_equal(buf, "10 cases │ by name ▲");
    f->pane.min = 100;
    list_rows_filter(&f->rows, 0);
    list_rows_summary(&f->rows, buf, sizeof buf, "case", "cases", "cwm", two, "date", true, false);
    assert_string_equal(buf, "1 of 10 cases │ search \"cwm\" │ filter: active, flagged │ by date ▼ │ counting the flags…");
    f->rows.n = 1;
    list_rows_summary(&f->rows, buf, sizeof buf, "case", "cases", "", none, "name", false, true);
    assert_string_equal(buf, "1 case │ by name ▲");
    /* a short buffer is cut, never overrun */
    list_rows_summary(&f->rows, buf, 8, "case", "cases", "", two, "name", false, false);
    assert_string_equal(buf, "1 case ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sorted_and_filtered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cursor_kept_on_its_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_gone_keeps_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_says_what_is_shown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
