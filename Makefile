# apterm: `make run` and `make test` do everything on a fresh Debian 12 machine.
# `make` builds ./apterm; `make test SANITIZE=1` runs every test under ASan+UBSan;
# `make bench` prints the speed and memory figures; `make soak` and `make fuzz`
# run the fault and fuzz tests for longer (SOAK_SECONDS, FUZZ_SECONDS).

DEBS := gcc make pkg-config libncurses-dev libsqlite3-dev libxlsxwriter-dev \
        libiniparser-dev libcmocka-dev tmux python3-openpyxl sqlite3 \
        clang libclang-rt-14-dev

# FUZZ=1 (set by `make fuzz` and `make test`) builds the libFuzzer targets of
# tests/fuzz with clang into build/fuzz.
BUILD := build/$(if $(FUZZ),fuzz,$(if $(SANITIZE),asan,release))
PYTHON ?= /usr/bin/python3

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
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/tests/%,$(FUZZ_SRC))
SOAK_SECONDS ?= 180
FUZZ_SECONDS ?= 60

.PHONY: all build deps run test bench soak fuzz fuzz-build clean
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
	@$(MAKE) --no-print-directory fuzz-build
	@APTERM=$(BUILD)/apterm BUILD=$(BUILD) PYTHON=$(PYTHON) FUZZ_BIN="$(FUZZ_BIN)" sh tests/run.sh $(UNIT_BIN)

bench: deps
	@$(MAKE) --no-print-directory build
	@APTERM=$(BUILD)/apterm sh tests/bench.sh

# kill -9 during imports and exports, and writers against readers, for SOAK_SECONDS.
soak: deps
	@$(MAKE) --no-print-directory build
	@APTERM=$(BUILD)/apterm PYTHON=$(PYTHON) SOAK_SECONDS=$(SOAK_SECONDS) sh tests/soak/soak.sh

# Every fuzz target for FUZZ_SECONDS each, from its seeds in tests/fuzz/corpus.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BIN)

clean:
	rm -rf build apterm

-include $(shell find build -name '*.d' 2>/dev/null)
