#!/usr/bin/env bash
# Loss test: the whole world and the scanner run in a network namespace made
# for the test, where nftables drops 10% of all UDP packets at random (queries
# and answers alike; this kernel has no netem). Retries with back-off must
# still decide every domain, with one line each, and with the right verdict.
#
#   tests/e2e/loss.sh      (as root; LOSS_PERCENT=N for another rate)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
GLUESCAN=${GLUESCAN:-./gluescan}
NETNS=gluescan-loss-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-loss.XXXXXX")
export GLUESCAN_WORLD_DIR=$TMP/world
LOSS=${LOSS_PERCENT:-10}

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

in_ns() { ip netns exec "$NETNS" "$@"; }
cleanup() {
    in_ns tools/world down >/dev/null 2>&1 || true
    ip netns delete "$NETNS" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NETNS"
in_ns ip link set lo up
in_ns tools/world up >"$TMP/world.log" 2>&1 || { cat "$TMP/world.log"; fail "world up in the namespace"; summary; exit 1; }
# Only now, or the world's own readiness checks would be dropped too.
# The output hook sees both the scanner's raw queries and NSD's answers.
in_ns nft -f - <<EOF
table inet gluescan_loss {
    chain out {
        type filter hook output priority 0; policy accept;
        meta l4proto udp numgen random mod 100 < $LOSS counter drop
    }
}
EOF

rc=0
in_ns "$GLUESCAN" -r 500 --timeout 200 --retries 6 -p "$GLUESCAN_WORLD_DIR/root.hints" \
    -i "$GLUESCAN_WORLD_DIR/domains.txt" -o "$TMP/out.ndjson" 2>"$TMP/stderr" || rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "gluescan exited $rc: $(cat "$TMP/stderr")"; fi
dropped=$(in_ns nft list chain inet gluescan_loss out | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')

total=$(wc -l <"$GLUESCAN_WORLD_DIR/domains.txt")
decided=$(jq -r .domain "$TMP/out.ndjson" | sort -u | wc -l)
lines=$(wc -l <"$TMP/out.ndjson")
if [ "$decided" -eq "$total" ] && [ "$lines" -eq "$total" ]; then
    pass
else
    fail "$decided of $total domains decided, $lines lines"
fi
wrong=0
while IFS=$'\t' read -r domain status resolvable; do
    got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$TMP/out.ndjson")
    if [ "$got" = "$status/$resolvable" ]; then
        pass
    else
        wrong=$((wrong + 1))
        fail "$domain: got '$got' want $status/$resolvable under $LOSS% loss"
    fi
done <"$GLUESCAN_WORLD_DIR/expected.tsv"
echo "loss: ${LOSS}% of UDP dropped ($dropped packets); $decided/$total domains decided, $wrong wrong verdicts; $(sed -n 's/.*; \(packets.*\)/\1/p' "$TMP/stderr")" >&2
summary
