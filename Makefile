# kesra — plain Makefile (nnn style). `make` builds ./kesra.
#   make test        unit tests (cmocka, real SQLite files) and TUI tests (tmux)
#   make test SAN=1  the same under AddressSanitizer and UBSan
#   make fuzz        each libFuzzer target (tests/fuzz) for FUZZ_SECONDS (clang)
#   make install     PREFIX=/usr/local DESTDIR= honoured
#   make check-layers  core never includes curses

VERSION    = 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR     = $(PREFIX)/bin
SHAREDIR   = $(PREFIX)/share/kesra
LOCALEDIR  = $(PREFIX)/share/locale
MANDIR     = $(PREFIX)/share/man/man1
PKG_CONFIG ?= pkg-config
CC        ?= cc

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw formw yaml-0.1 sqlite3)
CORE_LIBS  := $(shell $(PKG_CONFIG) --libs yaml-0.1 sqlite3) -lm -pthread
TUI_LIBS   := $(shell $(PKG_CONFIG) --libs formw ncursesw)

CFLAGS    ?= -O2 -g
CFLAGS    += -pthread -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-missing-field-initializers \
             -D_GNU_SOURCE $(PKG_CFLAGS) -Isrc/core -Isrc/tui

ifeq ($(SAN),1)
B          = build/san
CFLAGS    += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
LDFLAGS   += -fsanitize=address,undefined
else
B          = build/rel
endif

CORE_SRC  := $(wildcard src/core/*.c)
TUI_SRC   := $(wildcard src/tui/*.c)
CORE_OBJ  := $(CORE_SRC:src/%.c=$(B)/%.o)
TUI_OBJ   := $(TUI_SRC:src/%.c=$(B)/%.o)
CLI_SRC   := $(wildcard src/*.c)
MAIN_OBJ  := $(CLI_SRC:src/%.c=$(B)/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
PO        := $(wildcard po/*.po)
MO        := $(PO:po/%.po=build/locale/%/LC_MESSAGES/kesra.mo)

# libFuzzer targets: see the fuzz section below.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FZ           = build/fuzz
FUZZ_FLAGS   = -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(FZ)/%)
FUZZ_OBJ    := $(CORE_SRC:src/%.c=$(FZ)/%.o)
FUZZ_DEP    := $(if $(shell command -v $(FUZZ_CC) 2>/dev/null),fuzz-build)

.PHONY: all test unit tui install uninstall clean check-layers bench pot FORCE
.PHONY: fuzz fuzz-build

all: kesra $(MO)

# ./kesra is a copy of the binary of the current flavour (plain or SAN=1).
kesra: $(B)/kesra FORCE
	@cmp -s $(B)/kesra kesra || { cp $(B)/kesra kesra.tmp && mv -f kesra.tmp kesra; }

$(B)/kesra: $(MAIN_OBJ) $(TUI_OBJ) $(B)/libkesra.a
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(TUI_OBJ) $(B)/libkesra.a $(TUI_LIBS) $(CORE_LIBS)

$(B)/libkesra.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $(CORE_OBJ)

# Build-time configuration (paths, version); rewritten only when it changes.
$(B)/config.h: FORCE
	@mkdir -p $(B)
	@printf '#define KESRA_VERSION "%s"\n#define KESRA_SHAREDIR "%s"\n#define KESRA_LOCALEDIR "%s"\n' \
	    '$(VERSION)' '$(SHAREDIR)' '$(LOCALEDIR)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(MAIN_OBJ): $(B)/%.o: src/%.c $(B)/config.h $(wildcard src/*.h src/core/*.h src/tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(B) -Isrc -c -o $@ $<

$(B)/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tui/%.o: src/tui/%.c $(wildcard src/core/*.h src/tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/locale/%/LC_MESSAGES/kesra.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Unit tests link the core library without curses: a curses call in core
# fails to link here.
$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libkesra.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libkesra.a $(CORE_LIBS) -lcmocka

# Helper programs of the shell tests (tests/tools/*.c, linked to the core).
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

$(B)/tools/%: tests/tools/%.c $(B)/libkesra.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libkesra.a $(CORE_LIBS)

# LD_PRELOAD shims of the shell tests (tests/tools/shim/*.c), plain C.
SHIM_SRC := $(wildcard tests/tools/shim/*.c)
SHIM_BIN := $(SHIM_SRC:tests/tools/shim/%.c=$(B)/tools/%.so)

$(B)/tools/%.so: tests/tools/shim/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -fPIC -shared -Wall -Wextra -o $@ $< -ldl

test: check-layers all $(UNIT_BIN) $(TOOL_BIN) $(SHIM_BIN) $(FUZZ_DEP)
	@B=$(B) sh tests/run.sh

unit: $(UNIT_BIN)
	@B=$(B) ONLY=unit sh tests/run.sh

tui: all
	@B=$(B) ONLY=tui sh tests/run.sh

# Benchmarks (not part of `make test`): tests/bench/run.sh, see its header.
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)

$(B)/bench/%: tests/bench/%.c tests/bench/bench.h $(B)/libkesra.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/bench $(LDFLAGS) -o $@ $< $(B)/libkesra.a \
	    $(TUI_LIBS) $(CORE_LIBS)

# The bare libform baseline of bench_tui: libform and ncurses only.
$(B)/bench/bare_libform: tests/bench/bare_libform.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TUI_LIBS)

# The same with the register opened first (the floor bench_tui prints).
$(B)/bench/bare_register: tests/bench/bare_libform.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DOPEN_REGISTER $(LDFLAGS) -o $@ $< $(TUI_LIBS) \
	    $(CORE_LIBS)

bench: all $(BENCH_BIN) $(B)/bench/bare_libform $(B)/bench/bare_register
	@B=$(B) sh tests/bench/run.sh

# libFuzzer targets (tests/fuzz/fuzz_*.c) and the core built for them with
# clang -fsanitize=fuzzer-no-link,address,undefined in build/fuzz. `make
# fuzz` runs each for FUZZ_SECONDS over a copy of its corpus
# (tests/fuzz/run.sh); `make test` builds them when clang is there and
# tests/cli/fuzz.sh runs each over its corpus and briefly.
$(FZ)/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -std=c11 -D_GNU_SOURCE $(PKG_CFLAGS) -c -o $@ $<

$(FZ)/libkesra.a: $(FUZZ_OBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_OBJ)

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FZ)/libkesra.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -std=c11 -D_GNU_SOURCE \
	    $(PKG_CFLAGS) -Isrc/core -o $@ $< $(FZ)/libkesra.a $(CORE_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FZ=$(FZ) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

check-layers:
	@if grep -rnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|form|panel|menu|term)\.h' src/core; then \
	    echo 'check-layers: core must not include curses or form headers' >&2; exit 1; \
	else echo 'check-layers: core is free of curses'; fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/schema \
	    $(DESTDIR)$(SHAREDIR)/forms $(DESTDIR)$(MANDIR)
	install -m 755 kesra $(DESTDIR)$(BINDIR)/kesra
	install -m 644 schema/* $(DESTDIR)$(SHAREDIR)/schema/
	-install -m 644 forms/*.yaml $(DESTDIR)$(SHAREDIR)/forms/ 2>/dev/null
	install -m 644 kesra.1 $(DESTDIR)$(MANDIR)/kesra.1
	for mo in $(MO); do l=$${mo#build/locale/}; l=$${l%%/*}; \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	    install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kesra.mo; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kesra $(DESTDIR)$(MANDIR)/kesra.1
	rm -rf $(DESTDIR)$(SHAREDIR)
	for po in $(PO); do l=$${po#po/}; l=$${l%.po}; \
	    rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kesra.mo; done

# Refresh the message template and merge it into each translation.
pot:
	xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments \
	    --package-name=kesra --package-version=$(VERSION) \
	    -o po/kesra.pot src/*.c src/core/*.c src/tui/*.c
	for po in $(PO); do msgmerge --quiet --update --backup=none $$po po/kesra.pot; done

clean:
	rm -rf build kesra

FORCE:
