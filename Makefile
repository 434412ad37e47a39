# gluescan -- see README.md. `make` builds ./gluescan; `make test` installs what
# the tests need, then runs the unit and end-to-end tests.
CC      ?= cc
PREFIX  ?= /usr/local
PKGS     = libpcap libbsd-overlay libidn2 zlib libisal libpsl
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude -DGLUESCAN_HINTS='"$(PREFIX)/share/gluescan/root.hints"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(shell libnet-config --libs 2>/dev/null)

SRC  = $(wildcard scanner/*.c)
LIB_SRC = $(filter-out scanner/main.c,$(SRC))
OBJ  = $(SRC:%.c=build/%.o)
HDR  = $(wildcard include/*.h scanner/*.h)

# Unit tests: Criterion, under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN       = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRC  = $(wildcard tests/unit/*.c)
UNIT_BIN  = build/unit-tests

# libFuzzer targets: every parser of bytes from outside.
FUZZ_TARGETS = capture dnsmsg hints inputline ndjson zonefile
FUZZ_SRC     = scanner/wire-addr.c scanner/wire-dname.c scanner/wire-msg.c \
	scanner/conf-masterfile.c scanner/conf-hints.c scanner/input-line.c scanner/engine-zonefile.c \
	scanner/zone-table.c scanner/zone-lines.c scanner/zone-inflate.c \
	scanner/out-ndjson.c scanner/deleg-verdict.c scanner/deleg-evidence.c scanner/net-capture.c
FUZZ_SECONDS ?= 60

DEBIAN_PKGS = build-essential pkg-config libpcap-dev libnet1-dev libbsd-dev libidn2-dev libcriterion-dev \
	libcap2-bin nsd dnsutils jq python3 iproute2 nftables clang libclang-rt-14-dev valgrind \
	tshark bsdutils bc dnsperf zlib1g-dev libisal-dev libpsl-dev publicsuffix slurm-wlm munge knot knot-dnsutils \
	pdns-server pdns-backend-bind python3-yaml

.PHONY: all deps test unit e2e fuzz bench bench-zone demo install clean FORCE

all: gluescan

gluescan: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(PKG_LIBS)

# The scanner itself under the sanitizers, for one pass of the end-to-end test.
build/gluescan-asan: $(SRC) $(HDR)
	@mkdir -p build
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) -O1 -g $(SAN) $(WARN) -o $@ $(SRC) $(PKG_LIBS)

# The same with caches of one entry: every zone and host is forgotten as soon
# as it is idle, which exercises the eviction paths under the sanitizers.
build/gluescan-tinycache: $(SRC) $(HDR)
	@mkdir -p build
	$(CC) $(CPPFLAGS) -DZONE_CACHE_MAX=1 -DHOST_CACHE_MAX=1 $(PKG_CFLAGS) -O1 -g $(SAN) $(WARN) \
		-o $@ $(SRC) $(PKG_LIBS)

# The benchmark's fast child servers.
build/bench-responder: tools/bench-responder.c include/bytes.h
	@mkdir -p build
	$(CC) -std=c11 -D_GNU_SOURCE -Iinclude -O2 -g $(WARN) -o $@ $<

# The synthetic CZDS-format zone of the zone benchmark: generator, checker, child servers.
CZDS_SRC = tools/czds-zone.c tools/czds-zone-model.c tools/czds-zone-gen.c tools/czds-zone-check.c \
	tools/czds-zone-serve.c
build/czds-zone: $(CZDS_SRC) tools/czds-zone.h include/bytes.h
	@mkdir -p build
	$(CC) -std=c11 -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) -O2 -g $(WARN) -o $@ $(CZDS_SRC) -lbsd

# main.c has the hints path under PREFIX built in: rebuild it when PREFIX changes.
build/prefix: FORCE
	@mkdir -p build
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' >$@
build/scanner/main.o: build/prefix

build/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Installs the Debian packages that are missing; does nothing when all are there.
deps:
	@missing=""; for p in $(DEBIAN_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(UNIT_BIN): $(LIB_SRC) $(UNIT_SRC) $(HDR)
	@mkdir -p build
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) -O1 -g $(SAN) $(WARN) -Wno-missing-prototypes \
		-o $@ $(UNIT_SRC) $(LIB_SRC) $(PKG_LIBS) -lcriterion

unit: $(UNIT_BIN)
	ASAN_OPTIONS=detect_leaks=1 ./$(UNIT_BIN)

build/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) $(HDR)
	@mkdir -p build
	clang $(CPPFLAGS) $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(FUZZ_SRC) -lbsd -lidn2 -lpcap -lz -lisal

# Each target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600 for a long run);
# new inputs go to build/corpus-*, the seeds stay in tests/fuzz/corpus.
fuzz: $(FUZZ_TARGETS:%=build/fuzz-%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/corpus-$$t; \
		echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
		./build/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
			build/corpus-$$t tests/fuzz/corpus/$$t 2>build/fuzz-$$t.log || \
			{ tail -40 build/fuzz-$$t.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' build/fuzz-$$t.log; \
	done

e2e: gluescan build/gluescan-asan build/gluescan-tinycache build/czds-zone
	GLUESCAN=build/gluescan-asan bash tests/e2e/run.sh
	GLUESCAN=build/gluescan-tinycache bash tests/e2e/run.sh
	bash tests/e2e/world_check.sh
	bash tests/e2e/hardening.sh
	bash tests/e2e/loss.sh
	bash tests/e2e/ipv6.sh
	bash tests/e2e/answer_only.sh
	bash tests/e2e/operate.sh
	bash tests/e2e/zonefile.sh
	bash tests/e2e/gzip.sh
	bash tests/e2e/stop.sh
	bash tests/e2e/slurm.sh
	bash tests/e2e/k8s.sh
	bash tests/e2e/czds_zone.sh
	bash tests/e2e/run.sh

test: deps
	$(MAKE) gluescan
	$(MAKE) unit
	$(MAKE) fuzz FUZZ_SECONDS=10
	$(MAKE) e2e

# 1M delegations on NSD, the child responder answering at once and then 20-300 ms
# late (both twice, in turn: the faster run of each counts), dnsperf beside
# gluescan; writes bench.json (or $$BENCH_JSON).
# BENCH_DOMAINS=N for a smaller world; BENCH_FLAGS for more options of tools/bench
# (e.g. BENCH_FLAGS='--latency-domains 20000'; BENCH_FLAGS='--world internet' for the
# internet-shaped world of skewed providers instead).
BENCH_DOMAINS ?= 1000000
BENCH_FLAGS ?=
bench: deps
	$(MAKE) gluescan build/bench-responder
	tools/bench --domains $(BENCH_DOMAINS) $(BENCH_FLAGS)

# A whole CZDS-format TLD of BENCH_ZONE delegations (tools/czds-zone, gzipped, kept
# in the bench dir) scanned from its file: --parent-only over all of it, then a
# sample of 1M with the children probed, then the memory per glue record and per
# delegation; its zone_* figures go into bench.json with the others kept.
BENCH_ZONE ?= 50000000
bench-zone: deps
	$(MAKE) gluescan build/czds-zone
	tools/bench --zone $(BENCH_ZONE) $(BENCH_FLAGS)

# The built-in demo: a local DNS world of real NSD servers, scanned, then stopped.
demo: deps
	$(MAKE) gluescan
	@tools/world up >/dev/null
	@trap 'tools/world down >/dev/null' EXIT; \
		./gluescan -q -p "$${GLUESCAN_WORLD_DIR:-/tmp/gluescan-world}/root.hints" \
		--timeout 500 -i targets/demo.txt

# Binary, man page and root hints; setcap when run as root, so that users
# need no root to scan.
install: gluescan
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/gluescan
	install -m 755 gluescan $(DESTDIR)$(PREFIX)/bin/gluescan
	sed 's|/usr/local|$(PREFIX)|g' scanner/gluescan.1 >$(DESTDIR)$(PREFIX)/share/man/man1/gluescan.1
	install -m 644 targets/root.hints $(DESTDIR)$(PREFIX)/share/gluescan/root.hints
	@if [ "$$(id -u)" = 0 ] && command -v setcap >/dev/null; then \
		setcap cap_net_raw,cap_net_admin=eip $(DESTDIR)$(PREFIX)/bin/gluescan && \
		echo "setcap cap_net_raw,cap_net_admin=eip applied to $(DESTDIR)$(PREFIX)/bin/gluescan"; \
	else \
		echo "not root: run 'setcap cap_net_raw,cap_net_admin=eip $(PREFIX)/bin/gluescan' as root"; \
	fi

clean:
	rm -rf build gluescan
