# gluescan -- see README.md. `make` builds ./gluescan; `make test` installs what
# the tests need, then runs the unit and end-to-end tests.
CC      ?= cc
PREFIX  ?= /usr/local
PKGS     = libpcap libbsd-overlay
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

DEBIAN_PKGS = build-essential pkg-config libpcap-dev libnet1-dev libbsd-dev libcriterion-dev \
	nsd dnsutils jq python3 iproute2

.PHONY: all deps test unit e2e demo clean

all: gluescan

gluescan: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(PKG_LIBS)

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

e2e: gluescan
	bash tests/e2e/world_check.sh
	bash tests/e2e/run.sh

test: deps
	$(MAKE) gluescan
	$(MAKE) unit
	$(MAKE) e2e

# The built-in demo: a local DNS world of real NSD servers, scanned, then stopped.
demo: deps
	$(MAKE) gluescan
	@tools/world up >/dev/null
	@trap 'tools/world down >/dev/null' EXIT; \
		./gluescan -q -p "$${GLUESCAN_WORLD_DIR:-/tmp/gluescan-world}/root.hints" \
		--timeout 500 -i targets/demo.txt

clean:
	rm -rf build gluescan
