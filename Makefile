# apterm: `make run` and `make test` do everything on a fresh Debian 12 machine.
# `make` builds ./apterm; `make test SANITIZE=1` runs every test under ASan+UBSan;
# `make bench` prints the speed and memory figures.

# The Debian packages `make deps` installs. BUILD_DEBS must cover every header
# the build includes and every library it links: tests/build/test_packages.sh
# checks that against the real compile and link lines and names any package
# missing here (libxlsxwriter-dev links -lz but does not depend on zlib1g-dev).
BUILD_DEBS := gcc libc6-dev make pkg-config libncurses-dev libsqlite3-dev libxlsxwriter-dev \
              zlib1g-dev libiniparser-dev libcmocka-dev
# What the tests run: the real terminal (tmux), workbook read-back (openpyxl),
# the sqlite3 shell for read-only checks, runuser/useradd for other logins,
# pgrep to find the program in its terminal,
# locale sources to build a decimal-comma locale (exports must not change).
TEST_DEBS := tmux python3-openpyxl sqlite3 util-linux passwd procps locales
DEBS := $(BUILD_DEBS) $(TEST_DEBS)

BUILD := build/$(if $(SANITIZE),asan,release)
PYTHON ?= /usr/bin/python3

CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN := $(if $(SANITIZE),$(SAN_FLAGS),)
OPT := $(if $(SANITIZE),-O1,-O2)
# Lazily evaluated: pkg-config runs only once `make deps` has made sure it exists.
PKG_CFLAGS = $(shell pkg-config --cflags ncursesw sqlite3 xlsxwriter)
PKG_LIBS = $(shell pkg-config --libs ncursesw sqlite3 xlsxwriter) -liniparser -lm
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) -g $(SAN) \
             -I. -Isrc -Idb -Iui -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# The command line (main.c and the src/cmd_*.c it dispatches to) is the program;
# everything else is also linked into each unit test.
CLI_SRC := src/main.c $(wildcard src/cmd_*.c)
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
LIB_SRC := $(filter-out $(CLI_SRC),$(wildcard src/*.c db/*.c ui/*.c))
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/embedded.o
EMBED_IN := $(sort $(wildcard db/migrations/*.sql) $(wildcard data/*.csv) $(wildcard data/*.txt))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all build deps run test bench pristine clean
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
# from any directory; the files in db/ and data/ stay the source.
$(BUILD)/embedded.c $(BUILD)/embedded.h: src/embed.sh $(EMBED_IN)
	@mkdir -p $(BUILD)
	sh src/embed.sh $(BUILD)/embedded $(EMBED_IN)

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(LIB_OBJ) \
	    $(ALL_LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

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

bench: deps
	@$(MAKE) --no-print-directory build
	@APTERM=$(BUILD)/apterm sh tests/bench.sh

# Both README commands in a fresh Debian 12 minbase chroot (root, network, ~2 GB).
pristine:
	@sh tests/pristine.sh

clean:
	rm -rf build apterm

-include $(shell find build -name '*.d' 2>/dev/null)
