#!/bin/sh
# make soak: kill -9 during imports and exports, then writers against
# readers, on a demo store in a temporary folder (tests/soak/soak.py says
# what each test checks). Knobs, as environment variables:
#   SOAK_SECONDS  the whole run, demo store included (default 180; make test: 10)
#   SOAK_PUPILS   pupils in the demo store (default 300; make test: 120)
#   SOAK_WRITERS, SOAK_READERS  concurrent apterm processes (default 8 and 4)
#   SOAK_FILE_MARKS  marks in each file imported (default 300)
#   SOAK_SEED     repeats an earlier run's random choices (it prints its seed)
# Prints "ok - NAME" / "not ok - NAME" lines, figures as "# name: value", and
# "N passed, N failed"; exits non-zero when a test failed.
: "${APTERM:=./apterm}"
: "${PYTHON:=/usr/bin/python3}"
APTERM=$(cd "$(dirname "$APTERM")" && pwd)/$(basename "$APTERM")
export APTERM
exec "$PYTHON" "$(dirname "$0")/soak.py"
