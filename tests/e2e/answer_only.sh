#!/usr/bin/env bash
# Answer-only servers: the world of tools/world_cases.txt with its hosting
# and provider servers run by Knot DNS and PowerDNS (bind backend) instead of
# NSD. Both answer "D SOA" with the SOA alone (no NS set, no addresses); both
# put the in-domain names' addresses in the additional section of a "D NS"
# answer. dig first checks that the servers behave so; then gluescan scans
# the world: every verdict must be the one NSD gives (expected.tsv), and a
# domain whose glue is right costs at most 2 queries per address plus the
# referral (counted from --pcap), where asking each name explicitly cost 353
# for the 13 glued names of big-referral.gtest.
#
#   tests/e2e/answer_only.sh      (as root; GLUESCAN=binary, default ./gluescan)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
NETNS=gluescan-ao-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-ao.XXXXXX")
export GLUESCAN_WORLD_DIR=$TMP/world
DIR=$GLUESCAN_WORLD_DIR
GLUESCAN=${GLUESCAN:-./gluescan}
# --ipv6 off: this world's AAAA glue (fd00::53:*) is data only
SCAN_OPTS=(-q -r 2000 --timeout 400 --retries 2 --ipv6 off)

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

for tool in jq dig tshark knotd pdns_server; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        { fail "setup: $tool not installed"; summary; exit 1; }
done

# The hosting servers on Knot, the provider's on Knot and PowerDNS; the root,
# the TLDs and the servers of the special cases stay NSD.
KNOT_A=127.53.10.1 PDNS_B=127.53.10.2 KNOT_P=127.53.20.1 PDNS_P=127.53.20.2
sed -E -e "s/^(instance host-a +$KNOT_A)/\1 knot/" -e "s/^(instance host-b +$PDNS_B)/\1 powerdns/" \
    -e "s/^(instance provider-1 +$KNOT_P)/\1 knot/" -e "s/^(instance provider-2 +$PDNS_P)/\1 powerdns/" \
    tools/world_cases.txt >"$TMP/cases.txt"
if [ "$(grep -cE '^instance .* (knot|powerdns)' "$TMP/cases.txt")" -ne 4 ]; then
    fail "setup: the cases file no longer has host-a, host-b, provider-1, provider-2 where this test expects them"
    summary; exit 1
fi

ip netns add "$NETNS"
in_ns ip link set lo up
in_ns tools/world --cases "$TMP/cases.txt" up >"$TMP/world.log" 2>&1 ||
    { cat "$TMP/world.log"; fail "world up in the namespace"; summary; exit 1; }

# --- the servers answer as Knot and PowerDNS do --------------------------------
# dig_sections SERVER QNAME QTYPE: "flags answer authority additional" counts
dig_sections() {
    in_ns dig +norec +time=1 +tries=1 +bufsize=1232 "@$1" "$2" "$3" 2>&1 |
        sed -n 's/^;; flags: \([a-z ]*\);.*ANSWER: \([0-9]*\), AUTHORITY: \([0-9]*\), ADDITIONAL: \([0-9]*\)$/\1|\2 \3 \4/p'
}
for s in $KNOT_A $PDNS_B; do
    got=$(dig_sections "$s" ok-glue.gtest SOA)
    # one answer, nothing in authority, only the OPT record in additional
    if [[ "$got" == *aa*"|1 0 1" ]]; then pass; else fail "@$s ok-glue.gtest SOA: want an answer-only SOA, got '$got'"; fi
    got=$(dig_sections "$s" ok-glue.gtest NS)
    # two NS, the two glue A records (and OPT) in additional
    if [[ "$got" == *aa*"|2 0 3" ]]; then pass; else fail "@$s ok-glue.gtest NS: want the NS set with its glue in additional, got '$got'"; fi
done

# --- the verdicts are NSD's ------------------------------------------------------
# scan LABEL HINTS INPUT [OPTION...] -> $TMP/LABEL.json, $TMP/LABEL.pcap
scan() {
    local label=$1 hints=$2 input=$3 rc=0
    shift 3
    in_ns timeout 300 "$GLUESCAN" "${SCAN_OPTS[@]}" "$@" -p "$hints" -i "$input" \
        -o "$TMP/$label.json" --pcap "$TMP/$label.pcap" 2>"$TMP/$label.stderr" || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "[$label] gluescan exited $rc: $(head -c 300 "$TMP/$label.stderr")"; fi
}
# queries LABEL DOMAIN: queries sent about DOMAIN or a name under it
queries() {
    tshark -r "$TMP/$1.pcap" -Y 'dns.flags.response == 0' -T fields -e dns.qry.name 2>/dev/null |
        tr 'A-Z' 'a-z' | awk -v d="$2" '$1 == d || substr($1, length($1) - length(d)) == "." d' | wc -l
}

scan all "$DIR/root.hints" "$DIR/domains.txt"
n_in=$(wc -l <"$DIR/domains.txt")
n_out=$(wc -l <"$TMP/all.json")
if [ "$n_in" -eq "$n_out" ]; then pass; else fail "[all] $n_in input lines but $n_out output lines"; fi
while IFS=$'\t' read -r domain status resolvable; do
    got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$TMP/all.json")
    if [ "$got" = "$status/$resolvable" ]; then pass; else fail "$domain: got '$got' want $status/$resolvable (what NSD gives)"; fi
done <"$DIR/expected.tsv"
# findings that come from the child's own answers, as on NSD
if jq -e -s 'map(select(.domain == "ok-childextra.gtest"))[0] |
    any(.problems[]?; .kind == "child_only")' "$TMP/all.json" >/dev/null; then
    pass
else
    fail "ok-childextra.gtest: the address only the child lists is not reported (child_only)"
fi
if jq -e -s 'map(select(.domain == "nsset-differs.gtest"))[0] |
    any(.problems[]?; .kind == "ns_set")' "$TMP/all.json" >/dev/null; then
    pass
else
    fail "nsset-differs.gtest: no ns_set finding from the servers' NS answers"
fi
echo "answer-only world: $(tshark -r "$TMP/all.pcap" -Y 'dns.flags.response == 0' 2>/dev/null | wc -l) queries for $n_in domains" >&2

# --- what an ok domain costs ---------------------------------------------------
# From the TLD hints: the referral, then per address the SOA and the NS answer
# that carries the glue; nothing asked by name.
for d in ok-glue.gtest big-referral.gtest provider.gtest2; do
    printf '%s\n' "$d" >"$TMP/one.in"
    scan "cost-$d" "$DIR/tld.hints" "$TMP/one.in"
    status=$(jq -r .status "$TMP/cost-$d.json")
    addrs=$(jq '[.ns[].servers[] | select(.result == "authoritative") | .addr] | unique | length' "$TMP/cost-$d.json")
    n=$(queries "cost-$d" "$d")
    if [ "$status" = ok ] && [ "$addrs" -gt 0 ] && [ "$n" -le $((2 * addrs + 1)) ]; then
        pass
    else
        fail "[cost] $d: $status, $n queries for $addrs addresses, want at most $((2 * addrs + 1))"
    fi
    echo "answer-only: $d costs $n queries ($addrs addresses)" >&2
done

# --- a mismatch is still decided by an explicit answer --------------------------
# mismatched-typo.gtest: glue 127.53.10.11 (silent), the child says 127.53.10.1;
# PowerDNS's NS answer lists ns1 at 127.53.10.1 in its additional section, not
# the glue, so ns1 is asked explicitly before the mismatch counts.
printf 'mismatched-typo.gtest\n' >"$TMP/typo.in"
scan typo "$DIR/tld.hints" "$TMP/typo.in"
explicit=$(tshark -r "$TMP/typo.pcap" -Y 'dns.flags.response == 0 && dns.qry.type == 1' -T fields \
    -e ip.dst -e dns.qry.name 2>/dev/null | tr 'A-Z' 'a-z' | grep -c "^$PDNS_B	ns1\.mismatched-typo\.gtest$" || true)
if [ "$(jq -r .status "$TMP/typo.json")" = mismatched ] && [ "$explicit" -ge 1 ]; then
    pass
else
    fail "[typo] mismatched-typo.gtest: $(jq -r .status "$TMP/typo.json"), $explicit explicit 'ns1 A' to $PDNS_B"
fi

summary
