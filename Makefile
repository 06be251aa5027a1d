# tsq - small command-line tools for market data in PostgreSQL / TimescaleDB.
#
#   make                 build the binaries into build/
#   make check           unit tests and bats suites on every backend
#   make check SANITIZE=1  the same, built with AddressSanitizer and UBSan
#   make check CITUS_TOOLS=1  also the five tools' suites on the Citus cluster
#   make demo            a local database, sample data, a named query
#   make bench           speed and memory against psql and the other tools
#   make fuzz            the libFuzzer targets, FUZZ_SECONDS (60) each, clang
#   make install         PREFIX=/usr/local DESTDIR=
#   make deps            install the Debian packages tsq needs (as root)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# Where earlier builds installed the SQL, which uninstall removes: the
# SQL is built into the tools, and a copy there was never read.
DATADIR ?= $(PREFIX)/share/tsq
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
# fish reads no completions under /usr/local unless XDG_DATA_DIRS names it:
# for the default prefix, fish's own vendor directory (fish.pc says which).
ifeq ($(PREFIX),/usr/local)
FISHCOMPDIR ?= $(or $(shell pkg-config --variable=completionsdir fish 2>/dev/null),/usr/share/fish/vendor_completions.d)
else
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
endif

CC ?= cc
CXX ?= c++
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
CXXFLAGS ?= $(CFLAGS)
CSV_LIBS ?= -lcsv

PQ_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpq 2>/dev/null || echo "-I$$(pg_config --includedir)")
PQ_LIBS := $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null || echo "-L$$(pg_config --libdir) -lpq")
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

ifeq ($(FUZZ),1)
BUILD ?= build-fuzz
CC = clang
CXX = clang++
SAN_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),1)
BUILD ?= build-asan
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SAN_FLAGS =
endif

TSQ_CPPFLAGS = -D_GNU_SOURCE -Icommon $(PQ_CFLAGS) $(JANSSON_CFLAGS)
TSQ_CFLAGS = -std=c11 $(WARNINGS) $(SAN_FLAGS)
# The one C++ file (common/decimal.cc, around fast_float and double-conversion):
# no exceptions or RTTI; double-conversion brings the C++ run-time library.
CXX_WARNINGS = $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(WARNINGS))
TSQ_CXXFLAGS = -std=c++14 -fno-exceptions -fno-rtti $(CXX_WARNINGS) $(SAN_FLAGS)
LIBS = $(PQ_LIBS) $(JANSSON_LIBS) $(CSV_LIBS) -ldouble-conversion -lstdc++ -lzstd -lz -lcrypto -lpthread -lm

TOOLS = tsq-init tsq-load tsq-query tsq-compress tsq-stats
PROGRAMS = tsq $(TOOLS)
BINS = $(addprefix $(BUILD)/,$(PROGRAMS))

LIB_SRC = $(wildcard common/*.c common/*.cc)
LIB_OBJ = $(patsubst common/%.cc,$(BUILD)/common/%.o,$(patsubst common/%.c,$(BUILD)/common/%.o,$(LIB_SRC))) \
	$(BUILD)/common/sql_files.o
LIB = $(BUILD)/libtsq.a
SQL_FILES = $(sort $(wildcard sql/*.sql sql/*/*.sql sql/*/*/*.sql))
HEADERS = $(wildcard common/*.h)

FUZZ_SECONDS ?= 60
FUZZ_BINS = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz-*.c))

UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

MAN_PAGES = $(wildcard man/*.1 man/*.7)

all: $(BINS)

$(BUILD)/common/%.o: common/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TSQ_CPPFLAGS) $(CPPFLAGS) $(TSQ_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/common/%.o: common/%.cc $(HEADERS)
	@mkdir -p $(@D)
	$(CXX) $(TSQ_CPPFLAGS) $(CPPFLAGS) $(TSQ_CXXFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/common/sql_files.c: common/embed-sql.sh $(SQL_FILES)
	@mkdir -p $(@D)
	sh common/embed-sql.sh $(SQL_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/common/sql_files.o: $(BUILD)/common/sql_files.c $(HEADERS)
	$(CC) $(TSQ_CPPFLAGS) $(CPPFLAGS) $(TSQ_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/%: cmd/%.c $(LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TSQ_CPPFLAGS) $(CPPFLAGS) $(TSQ_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(TSQ_CPPFLAGS) -Itests/unit $(CPPFLAGS) $(TSQ_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(LIB) $(HEADERS)
	$(CC) $(TSQ_CPPFLAGS) $(CPPFLAGS) -std=c11 $(WARNINGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -g -O1 -o $@ $< $(LIB) $(LIBS)

# Each libFuzzer target for FUZZ_SECONDS, from the seeds in tests/fuzz/corpus.
fuzz:
	$(MAKE) FUZZ=1 CFLAGS="-g -O1" $(FUZZ_BINS)
	bash tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

# The test runner prints TAP and ends with "N passed, N failed".
check: $(BINS) $(UNIT_BINS)
	TSQ_SANITIZE=$(SANITIZE) TSQ_CITUS_TOOLS=$(CITUS_TOOLS) TSQ_BUILD=$(CURDIR)/$(BUILD) bash tests/run

asan:
	$(MAKE) check SANITIZE=1

lint-man:
	mandoc -Tlint -W warning $(MAN_PAGES)

demo: $(BINS)
	TSQ_BUILD=$(CURDIR)/$(BUILD) sh tests/demo.sh

bench: $(BINS)
	TSQ_BUILD=$(CURDIR)/$(BUILD) bash tests/bench/run.sh

deps:
	sh tests/lib/deps.sh

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGRAMS); do \
		install -m 644 completions/tsq.bash $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 completions/_tsq $(DESTDIR)$(ZSHCOMPDIR)/_tsq
	install -m 644 completions/tsq.fish $(DESTDIR)$(FISHCOMPDIR)/tsq.fish
	for p in $(TOOLS); do \
		install -m 644 completions/tsq.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done
	@echo "tsq: installed $(PROGRAMS) in $(DESTDIR)$(BINDIR)"
	@echo "tsq: man pages in $(DESTDIR)$(MANDIR)"
	@case ":/usr/bin:/bin:" in *":$(BINDIR):"*) ;; *) \
		echo "tsq: cron's PATH is /usr/bin:/bin: start a crontab with PATH=$(BINDIR):/usr/bin:/bin" ;; esac

uninstall:
	for p in $(PROGRAMS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$p $(DESTDIR)$(BASHCOMPDIR)/$$p \
			$(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done
	for m in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_tsq
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all check asan lint-man demo bench fuzz deps install uninstall clean
.SECONDARY:
