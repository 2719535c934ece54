#!/bin/sh
# The printed-size rule of the workbooks (tests/export/check_panel.py,
# check_readable: the fit-to-width scale of the print area's columns against
# A4 landscape's printable width, times the smallest font of any cell with
# text, must be at least 9 pt) at and either side of its boundaries, and a
# workbook that tries to pass it by shrinking its text.
. tests/lib.sh
checks=$(pwd)/tests/export
cd "$TEST_DIR" || exit 1
"$PYTHON" - "$checks" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import openpyxl
from openpyxl.styles import Font
from check_panel import PRINTABLE_PT, check_readable

def book(points, font):
    """One sheet, one column `points` wide when printed, text in `font` pt."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    px = round(points / 0.75)
    ws.column_dimensions["A"].width = (px - 5 + 0.3) / 7
    ws["A1"] = "text"
    ws["A1"].font = Font(size=font)
    ws.print_area = "A1:A1"
    path = f"t{points}-{font}.xlsx"
    wb.save(path)
    return openpyxl.load_workbook(path)

def case(name, points, font, passes):
    problems = []
    check_readable(book(points, font), problems)
    good = (not problems) == passes
    print(("ok - " if good else "not ok - ") + name)
    for p in problems if not good else []:
        print("#   " + p)
    if not good and not problems:
        print("#   passed, but should not")

# 9 pt text on a page it fits: exactly 9 pt printed.
case("9 pt text whose columns fit the page (scale 1) passes: exactly 9 pt", 783.75, 9, True)
case("9 pt text one pixel wider than the page (scale < 1) fails: just under 9 pt", 785.25, 9, False)
limit = PRINTABLE_PT * 11 / 9   # 11 pt text shrunk to exactly 9 pt
case(f"11 pt text just inside {limit:.1f} pt of columns passes (just over 9 pt)", 957.75, 11, True)
case(f"11 pt text just beyond {limit:.1f} pt of columns fails (just under 9 pt)", 959.25, 11, False)
case("shrinking the text to 8 pt to fit the page fails", 600, 8, False)
PY
