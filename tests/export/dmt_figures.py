"""Prints the figures of a DMT workbook that retention must not change, one
"NAME<TAB>VALUE" line each, for tests/export/test_dmt_retention.sh to compare:
the Summary's counts and money, the Cohorts rows and the sum of the Providers
rows (every table sheet joined back if it was split for printing).

usage: dmt_figures.py REPORT.xlsx"""
import os
import sys

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_panel import SPLITS, joined_header, joined_rows  # noqa: E402

SPLITS.update({"Providers": [("Provider attendance", 1)], "Cohorts": [("Cohort attendance", 1)]})
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
summary = {}
for row in wb["Summary"].iter_rows(values_only=True):
    if row and isinstance(row[0], str) and len(row) > 1:
        summary[row[0]] = row[1]
for name in ["Pupils", "Placements", "Committed spend", "Actual spend (sessions attended)", "Sessions possible",
             "Sessions attended", "Attended hours", "Counts kept of erased pupils"]:
    v = summary.get(name)
    print(f"summary {name}\t{round(v, 2) if isinstance(v, float) else v}")
for sheet, key in [("Cohorts", "Cohort"), ("Providers", "Provider")]:
    head = joined_header(wb, sheet)
    rows = [r for r in joined_rows(wb, sheet, len(head)) if r[0] not in (None, "Total")]
    for col in ["Pupils", "Placements", "Committed", "Actual", "Sessions possible", "Sessions attended",
                "Attended hours"]:
        if col not in head or (sheet == "Providers" and col == "Pupils"):
            continue
        c = head.index(col)
        if sheet == "Cohorts":
            for r in rows:
                v = r[c]
                print(f"{sheet} {r[0]} {col}\t{round(v, 2) if isinstance(v, float) else v}")
        else:
            print(f"{sheet} sum of {col}\t{round(sum(r[c] or 0 for r in rows), 2)}")
