"""Compares workbooks written under different locales with the one written
under C.UTF-8: every XML part of the zip byte for byte (the document's
creation and modification times aside), then every cell read back with
openpyxl (value and type), and that a Welsh name (with a circumflex)
reads back as it is spelt. One "ok - NAME" / "not ok - NAME" line per
workbook compared.

usage: check_same.py LABEL WELSH_NAME REFERENCE.xlsx OTHER.xlsx..."""
import re
import sys
import zipfile

import openpyxl

# libxlsxwriter stamps core.xml with the time the workbook was made.
STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def parts(path):
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in z.namelist():
            data = z.read(name)
            if name == "docProps/core.xml":
                data = STAMPS.sub(b"", data)
            out[name] = data
    return out


def cells(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(ws.title, c.coordinate)] = (c.value, type(c.value).__name__, c.number_format)
    return out


def main():
    label, welsh, ref, others = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    ref_parts, ref_cells = parts(ref), cells(ref)
    numbers = sum(1 for v in ref_cells.values() if v[1] in ("int", "float"))
    named = [k for k, v in ref_cells.items() if isinstance(v[0], str) and welsh in v[0]]
    if numbers and named:
        print(f"ok - {label}: the C.UTF-8 workbook has {numbers} numeric cells and {welsh} in {named[0][0]}")
    else:
        print(f"not ok - {label}: the C.UTF-8 workbook has {numbers} numeric cells, {len(named)} with {welsh}")
    for other in others:
        name = f"{label}: {other.rsplit('/', 1)[-1]} is the same as under C.UTF-8"
        why = []
        got_parts = parts(other)
        if sorted(got_parts) != sorted(ref_parts):
            why.append(f"parts differ: {sorted(set(got_parts) ^ set(ref_parts))}")
        why += [f"{p} differs" for p in sorted(ref_parts) if p in got_parts and got_parts[p] != ref_parts[p]]
        try:
            got_cells = cells(other)
        except Exception as e:  # openpyxl refuses a decimal comma in a number cell
            why.append(f"openpyxl cannot read it: {e}")
            got_cells = {}
        for key in sorted(set(ref_cells) | set(got_cells)):
            if ref_cells.get(key) != got_cells.get(key):
                why.append(f"{key[0]}!{key[1]}: {ref_cells.get(key)!r} became {got_cells.get(key)!r}")
                break
        if not all(got_cells.get(k) == ref_cells[k] for k in named):
            why.append(f"{welsh} does not read back")
        if why:
            print(f"not ok - {name}")
            for line in why[:8]:
                print(f"#   {line}")
        else:
            print(f"ok - {name}")


main()
