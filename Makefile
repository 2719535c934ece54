# apterm: `make run` and `make test` do everything on a fresh Debian 12 machine.
# `make` builds ./apterm; `make test SANITIZE=1` runs every test under ASan+UBSan;
# `make bench` prints the speed and memory figures; `make soak` and `make fuzz`
# run the fault and fuzz tests for longer (SOAK_SECONDS, FUZZ_SECONDS).

# The Debian packages `make deps` installs. BUILD_DEBS must cover every header
# the build includes and every library it links: tests/build/test_packages.sh
# checks that against the real compile and link lines and names any package
# missing here (libxlsxwriter-dev links -lz but does not depend on zlib1g-dev).
# The PDF documents (src/pdf.c) are laid out with Cairo and Pango in DejaVu
# Sans: fonts-dejavu-core is needed when apterm runs (it has every Welsh letter).
BUILD_DEBS := gcc libc6-dev make pkg-config libncurses-dev libsqlite3-dev libxlsxwriter-dev \
              zlib1g-dev libiniparser-dev libcmocka-dev libcairo2-dev libpango1.0-dev libglib2.0-dev \
              libfontconfig-dev libfreetype-dev libharfbuzz-dev fonts-dejavu-core libxml2-dev
# What the tests run: the real terminal (tmux), workbook read-back (openpyxl),
# the sqlite3 shell for read-only checks, runuser/useradd for other logins,
# pgrep to find the program in its terminal,
# locale sources to build a decimal-comma locale (exports must not change),
# man-db (with groff-base) for `man apterm` and the man page check,
# poppler-utils (pdftotext, pdffonts, pdfinfo) to read the PDF documents back,
# clang and its runtime (libclang-rt-14-dev, only a Recommends of clang) for
# the libFuzzer targets of make fuzz and make test,
# python3-xlsxwriter for make bench's comparison (the DMT report's cells
# written by Python XlsxWriter), time (GNU time) for the exports' peak memory.
TEST_DEBS := tmux python3-openpyxl sqlite3 util-linux passwd procps locales man-db poppler-utils \
             clang libclang-rt-14-dev python3-xlsxwriter time
DEBS := $(BUILD_DEBS) $(TEST_DEBS)

# FUZZ=1 (set by `make fuzz` and `make test`) builds the libFuzzer targets of
# tests/fuzz with clang into build/fuzz.
BUILD := build/$(if $(FUZZ),fuzz,$(if $(SANITIZE),asan,release))
PYTHON ?= /usr/bin/python3
# make bench SCALE=50000: the figures on a store of that many pupils (made once, cached)
SCALE ?= 5000

CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN := $(if $(SANITIZE),$(SAN_FLAGS),)
OPT := $(if $(SANITIZE),-O1,-O2)
ifdef FUZZ
# libFuzzer comes with clang, whatever CC says.
override CC := clang
SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT := -O1
endif
# Lazily evaluated: pkg-config runs only once `make deps` has made sure it exists.
# The PDF stack (pangocairo, cairo-pdf, fontconfig), libxml2 and xlsxwriter give
# headers only: src/pdf.c, src/ctf.c and src/xlsx_lib.c load them when first
# used (src/dynlib.h), so that a command that makes no PDF or workbook and
# reads no CTF (`apterm mark`, a session's start) does not load and relocate
# some forty libraries at start. --as-needed: a library
# the program calls nothing of is not loaded either.
PKG_CFLAGS = $(shell pkg-config --cflags ncursesw sqlite3 xlsxwriter pangocairo cairo-pdf fontconfig libxml-2.0)
PKG_LIBS = $(shell pkg-config --libs ncursesw sqlite3) -liniparser -lm
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) -g $(SAN) \
             -I. -Isrc -Idb -Iui -I$(BUILD) $(PKG_CFLAGS) $(APTERM_DEFS) $(CFLAGS)
ALL_LDFLAGS = -Wl,--as-needed $(SAN) $(LDFLAGS)

# The command line (main.c and the src/cmd_*.c it dispatches to) is the program;
# everything else is also linked into each unit test.
CLI_SRC := src/main.c $(wildcard src/cmd_*.c)
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
LIB_SRC := $(filter-out $(CLI_SRC),$(wildcard src/*.c db/*.c ui/*.c))
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/embedded.o
EMBED_IN := $(sort $(wildcard db/migrations/*.sql) $(wildcard data/*.csv) $(wildcard data/*.txt))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
# What the unit tests share (tests/unit/unit.h), linked into each of them.
UNIT_OBJ := $(BUILD)/tests/unit/unit.o
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/tests/%,$(FUZZ_SRC))
SOAK_SECONDS ?= 180
FUZZ_SECONDS ?= 60

.PHONY: all build deps run test unit bench soak fuzz fuzz-build pristine clean install uninstall FORCE
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build

build: $(BUILD)/apterm $(if $(SANITIZE),,apterm)

apterm: $(BUILD)/apterm
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/apterm: $(CLI_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: %.c | $(BUILD)/embedded.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Migrations and data files are compiled into the binary, so that apterm works
# from any directory; the files in db/ and data/ stay the source. One grouped
# target (&:) so that make -j runs the script once for both files.
$(BUILD)/embedded.c $(BUILD)/embedded.h &: src/embed.sh $(EMBED_IN)
	@mkdir -p $(BUILD)
	sh src/embed.sh $(BUILD)/embedded $(EMBED_IN)

# The flags' rules, told apart by their source: flags a session kept in the
# store (db/flagset.c) with an apterm of other rules are not used, so a
# change to a rule takes effect at once (FLAGS_RULES_ID, in the key they are
# kept under). flagset.o is compiled again when any of these changes. Every
# source of the model is in it, not only the files that hold rules today: a
# rule's inputs are read and worked out across db/ and src/ (dates, labels,
# the readers), a list of files would be forgotten when a rule moves, and a
# change elsewhere costs only one full count at the next start.
FLAGS_RULES_SRC := $(sort $(wildcard db/*.c db/*.h src/*.c src/*.h))
$(BUILD)/db/flagset.o: $(FLAGS_RULES_SRC)
$(BUILD)/db/flagset.o: ALL_CFLAGS += -DFLAGS_RULES_ID=$(shell cat $(FLAGS_RULES_SRC) | cksum | cut -d' ' -f1)

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_OBJ) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -Itests/unit -o $@ $< $(UNIT_OBJ) $(LIB_OBJ) \
	    $(ALL_LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

# A fuzz target: its file, the shared harness and the model (src/, db/: the
# parsers never need the screens), linked with libFuzzer's main.
MODEL_OBJ := $(filter-out $(BUILD)/ui/%,$(LIB_OBJ))
build/fuzz/tests/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/tests/fuzz/fuzz.o $(MODEL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< build/fuzz/tests/fuzz/fuzz.o $(MODEL_OBJ) $(ALL_LDFLAGS) -fsanitize=fuzzer $(PKG_LIBS)

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_BIN)

deps:
	@sh src/deps.sh $(DEBS)

run: deps
	@$(MAKE) --no-print-directory build
	@sh src/run.sh ./apterm

test: deps
	@$(MAKE) --no-print-directory build $(UNIT_BIN)
	@APTERM=$(BUILD)/apterm BUILD=$(BUILD) PYTHON=$(PYTHON) CC="$(CC)" DEBS="$(BUILD_DEBS)" \
	    PACKAGE_CFLAGS="$(ALL_CFLAGS) $(shell pkg-config --cflags cmocka)" \
	    PACKAGE_LIBS="$(PKG_LIBS) $(shell pkg-config --libs cmocka)" \
	    sh tests/run.sh $(UNIT_BIN)

# The unit binaries alone, rebuilt first (a quick check while working).
unit: deps
	@$(MAKE) --no-print-directory build $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t >/dev/null 2>&1 || { echo "FAILED: $$t"; fail=1; }; done; \
	    [ $$fail = 0 ] && echo "$(words $(UNIT_BIN)) unit binaries passed"; exit $$fail

bench: deps
	@$(MAKE) --no-print-directory build
	@APTERM=$(BUILD)/apterm SCALE=$(SCALE) sh tests/bench.sh

# kill -9 during imports and exports, and writers against readers, for SOAK_SECONDS.
soak: deps
	@$(MAKE) --no-print-directory build
	@APTERM=$(BUILD)/apterm PYTHON=$(PYTHON) SOAK_SECONDS=$(SOAK_SECONDS) sh tests/soak/soak.sh

# Every fuzz target for FUZZ_SECONDS each, from its seeds in tests/fuzz/corpus.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BIN)

# Both README commands in a fresh Debian 12 minbase chroot (root, network, ~2 GB).
pristine:
	@sh tests/pristine.sh

clean:
	rm -rf build apterm

# ---- make install / make uninstall (README "The store", docs/apterm.1) ----
# The installed apterm is set-group-id to APTERM_GROUP, which owns the store's
# folder STATEDIR (2770); no login is put in the group, so only apterm opens
# the store. It is built in its own folder with SYSCONFDIR compiled in, so the
# checkout's ./apterm, `make run` and `make test` are unchanged.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
STATEDIR ?= /var/lib/apterm
APTERM_GROUP ?= apterm
MANDIR ?= $(PREFIX)/share/man
INSTALL_BUILD := build/install
INSTALL_CONFIG := $(DESTDIR)$(SYSCONFDIR)/apterm/apterm.ini

# config.o holds SYSCONFDIR: rebuilt when it changes.
$(INSTALL_BUILD)/sysconfdir: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SYSCONFDIR)' | cmp -s - $@ || echo '$(SYSCONFDIR)' > $@
$(INSTALL_BUILD)/src/config.o: $(INSTALL_BUILD)/sysconfdir

# The shipped apterm.ini with the team's store and group filled in.
$(INSTALL_BUILD)/apterm.ini: apterm.ini FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|^path = .*|path = $(STATEDIR)/apterm.db|' -e 's|^group =.*|group = $(APTERM_GROUP)|' apterm.ini > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

install: deps $(INSTALL_BUILD)/sysconfdir $(INSTALL_BUILD)/apterm.ini
	@[ "$$(id -u)" = 0 ] || { echo "make install: run it as root (sudo make install): it makes the group" \
	    "$(APTERM_GROUP) and installs apterm set-group-id to it" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(INSTALL_BUILD) SANITIZE= \
	    APTERM_DEFS='-DAPTERM_SYSCONFDIR=\"$(SYSCONFDIR)\"' $(INSTALL_BUILD)/apterm
	getent group $(APTERM_GROUP) >/dev/null || groupadd --system $(APTERM_GROUP)
	install -d -m 755 $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSCONFDIR)/apterm
	install -o root -g $(APTERM_GROUP) -m 2755 $(INSTALL_BUILD)/apterm $(DESTDIR)$(PREFIX)/bin/apterm
	install -o root -g root -m 644 docs/apterm.1 $(DESTDIR)$(MANDIR)/man1/apterm.1
	install -d -o root -g $(APTERM_GROUP) -m 2770 $(DESTDIR)$(STATEDIR)
	@if [ -e $(INSTALL_CONFIG) ]; then echo "make install: kept $(INSTALL_CONFIG) as it is"; \
	else install -o root -g root -m 644 $(INSTALL_BUILD)/apterm.ini $(INSTALL_CONFIG) && \
	    echo "install -m 644 $(INSTALL_BUILD)/apterm.ini $(INSTALL_CONFIG)"; fi
	@echo "make install: done. The store will be $(STATEDIR)/apterm.db; make it, and add the team," \
	    "with: sudo apterm user add LOGIN ROLE"

uninstall: $(INSTALL_BUILD)/apterm.ini
	rm -f $(DESTDIR)$(PREFIX)/bin/apterm $(DESTDIR)$(MANDIR)/man1/apterm.1
	@if [ ! -e $(INSTALL_CONFIG) ]; then :; \
	elif cmp -s $(INSTALL_BUILD)/apterm.ini $(INSTALL_CONFIG); then rm -f $(INSTALL_CONFIG) && \
	    echo "rm -f $(INSTALL_CONFIG)" && rmdir $(DESTDIR)$(SYSCONFDIR)/apterm 2>/dev/null || true; \
	else echo "make uninstall: kept $(INSTALL_CONFIG): it was changed since make install"; fi
	@echo "make uninstall: the store's folder $(DESTDIR)$(STATEDIR), the store in it and the group" \
	    "$(APTERM_GROUP) were left as they are (children's records: remove them yourself when no longer needed)"

-include $(shell find build -name '*.d' 2>/dev/null)
