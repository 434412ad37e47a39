#!/usr/bin/env bash
# IPv6 test: the world of tools/world_cases6.txt (nameservers on fd00::6:0:0/96
# beside 127.53.0.0/16) runs in a network namespace made for the test, whose
# lo gets the IPv6 addresses (outside one, lo carries only ::1). First dig
# checks that every case shows the DNS behaviour it is meant to show; then
# gluescan scans it with --ipv6 auto (the default), on and off, each verdict
# compared with expected.tsv (expected-ipv6-off.tsv for off), with a small
# EDNS size (TCP over IPv6), with --pcap (both families in one file), under
# a flood of forged answers and under 10% loss of UDP, in both families.
#
#   tests/e2e/ipv6.sh      (as root; GLUESCAN=binary, default ./gluescan)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
NETNS=gluescan-v6-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-v6.XXXXXX")
export GLUESCAN_WORLD_DIR=$TMP/world
CASES=tools/world_cases6.txt
GLUESCAN=${GLUESCAN:-./gluescan}
SCAN_OPTS=(-q -r 2000 --timeout 400 --retries 2)

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

in_ns() { ip netns exec "$NETNS" "$@"; }
cleanup() {
    in_ns tools/world down >/dev/null 2>&1 || true
    ip netns delete "$NETNS" 2>/dev/null || true
    ip netns delete "gluescan-v6none-$$" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NETNS"
in_ns ip link set lo up
in_ns tools/world --cases "$CASES" up >"$TMP/world.log" 2>&1 ||
    { cat "$TMP/world.log"; fail "world up in the namespace"; summary; exit 1; }

# --- the world itself, with dig ----------------------------------------------
# q SERVER QNAME QTYPE RCODE AA [EGREP-PATTERN...]  (as in world_check.sh)
q() {
    local server=$1 qname=$2 qtype=$3 want_rc=$4 want_aa=$5
    shift 5
    local out rc aa why=""
    out=$(in_ns dig +norec +time=1 +tries=1 +bufsize=1232 "@$server" "$qname" "$qtype" 2>&1 |
        tr -s '\t ' '  ') || true
    rc=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out")
    [ -n "$rc" ] || rc=TIMEOUT
    if grep -q '^;; flags:[^;]* aa[ ;]' <<<"$out"; then aa=aa; else aa=noaa; fi
    [ "$rc" = "$want_rc" ] || why="rcode $rc, want $want_rc"
    if [ -z "$why" ] && [ "$want_aa" != - ] && [ "$aa" != "$want_aa" ]; then why="$aa, want $want_aa"; fi
    if [ -z "$why" ]; then
        local p
        for p in "$@"; do
            grep -Eq -- "$p" <<<"$out" || { why="no line matching /$p/"; break; }
        done
    fi
    if [ -z "$why" ]; then pass; else fail "@$server $qname $qtype: $why"; fi
}

R=127.53.0.1 R6=fd00::6:0:1 G=127.53.1.1 G6=fd00::6:1:1 O6=fd00::6:2:1
A=127.53.10.1 B=127.53.10.2 A6=fd00::6:10:1 B6=fd00::6:10:2
P=127.53.20.1 P6=fd00::6:20:6 REF6=fd00::6:30:1

# hierarchy: the root and the gv6 TLD on both families, gv6only on IPv6 only
q $R6 .                       SOA NOERROR aa  '^\. 3600 IN NS b\.root\.gv6test\.' '^b\.root\.gv6test\. 3600 IN AAAA fd00::6:0:1$'
q $R  ok-dual.gv6             NS  NOERROR noaa '^ns2\.nic\.gv6\. 3600 IN AAAA fd00::6:1:1$'
q $R6 ok-v6tld.gv6only        NS  NOERROR noaa '^gv6only\. 3600 IN NS ns1\.nic\.gv6only\.' '^ns1\.nic\.gv6only\. 3600 IN AAAA fd00::6:2:1$' 'ADDITIONAL: 2$'
q $G6 ok-dual.gv6             NS  NOERROR noaa '^ns1\.ok-dual\.gv6\. 3600 IN AAAA fd00::6:10:1$' '^ns2\.ok-dual\.gv6\. 3600 IN A 127\.53\.10\.2$'
q $O6 ok-v6tld.gv6only        NS  NOERROR noaa '^ns1\.ok-v6tld\.gv6only\. 3600 IN AAAA fd00::6:10:1$'

# ok
for s in $A $B $A6 $B6; do q $s ok-dual.gv6 SOA NOERROR aa '^ok-dual\.gv6\. 3600 IN SOA'; done
q $G  ok-aaaa-only.gv6        NS  NOERROR noaa '^ns2\.ok-aaaa-only\.gv6\. 3600 IN AAAA fd00::6:10:2$'
q $B6 ok-aaaa-only.gv6        SOA NOERROR aa
q $G  provider6.gv6           NS  NOERROR noaa '^ns2\.provider6\.gv6\. 3600 IN AAAA fd00::6:30:1$'
q $REF6 ns6.provider6.gv6     AAAA NOERROR aa '^ns6\.provider6\.gv6\. 3600 IN AAAA fd00::6:20:6$'
q $P  ns6.provider6.gv6       A   NOERROR aa  'ANSWER: 0,'
q $G  ok-outofdomain6.gv6     NS  NOERROR noaa '^ok-outofdomain6\.gv6\. 3600 IN NS ns6\.provider6\.gv6\.'
q $P6 ok-outofdomain6.gv6     SOA NOERROR aa
q $P  ok-outofdomain6.gv6     SOA NOERROR aa
q $G  ok-outofdomain6-only.gv6 NS NOERROR noaa 'AUTHORITY: 1,' 'ADDITIONAL: 1$'
q $P6 ok-outofdomain6-only.gv6 SOA NOERROR aa
q $A6 ok-v6tld.gv6only        SOA NOERROR aa

# mismatched
q $G  mismatched-aaaa6.gv6    NS  NOERROR noaa '^ns1\.mismatched-aaaa6\.gv6\. 3600 IN AAAA fd00::6:10:11$'
q fd00::6:10:11 mismatched-aaaa6.gv6 SOA TIMEOUT -
q $B6 ns1.mismatched-aaaa6.gv6 AAAA NOERROR aa '^ns1\.mismatched-aaaa6\.gv6\. 3600 IN AAAA fd00::6:10:1$'

# lame
q $G  lame-silent6.gv6        NS  NOERROR noaa '^ns2\.lame-silent6\.gv6\. 3600 IN AAAA fd00::6:99:1$'
q fd00::6:99:1 lame-silent6.gv6 SOA TIMEOUT -
q $A6 lame-silent6.gv6        SOA NOERROR aa
q $G  lame-refused6.gv6       NS  NOERROR noaa '^ns2\.lame-refused6\.gv6\. 3600 IN AAAA fd00::6:30:1$'
q $REF6 lame-refused6.gv6     SOA REFUSED noaa
q $G  lame-dual-silent6.gv6   NS  NOERROR noaa '^ns1\.lame-dual-silent6\.gv6\. 3600 IN AAAA fd00::6:99:1$'
q $A  lame-dual-silent6.gv6   SOA NOERROR aa
q $O6 truncated6.gv6only      NS  NOERROR noaa 'AUTHORITY: 12,'
q $B6 truncated6.gv6only      SOA NOERROR aa

# --- scans --------------------------------------------------------------------
[ -x "$GLUESCAN" ] || { fail "setup: $GLUESCAN not found (build it first)"; summary; exit 1; }
W=$GLUESCAN_WORLD_DIR

# scan LABEL [OPTION...] -> $TMP/LABEL.json; every domain of the world once
scan() {
    local label=$1 rc=0
    shift
    in_ns timeout 300 "$GLUESCAN" "${SCAN_OPTS[@]}" "$@" -p "${HINTS:-$W/root.hints}" -i "$W/domains.txt" \
        -o "$TMP/$label.json" 2>"$TMP/$label.stderr" || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "[$label] gluescan exited $rc: $(head -c 300 "$TMP/$label.stderr")"; fi
    if [ "$(jq -r .domain "$TMP/$label.json" | sort | uniq -u | wc -l)" -eq "$(wc -l <"$W/domains.txt")" ]; then
        pass
    else
        fail "[$label] not exactly one line per domain"
    fi
}

# verdicts LABEL EXPECTED_TSV
verdicts() {
    local label=$1 domain status resolvable got
    while IFS=$'\t' read -r domain status resolvable; do
        got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$TMP/$label.json")
        if [ "$got" = "$status/$resolvable" ]; then pass; else fail "$domain: got '$got' want $status/$resolvable ($label)"; fi
    done <"$2"
}

# evidence LABEL DOMAIN DESCRIPTION JQ-FILTER (on the domain's object)
evidence() {
    if jq -e -s --arg d "$2" "map(select(.domain == \$d)) | length == 1 and (.[0] | $4)" \
        "$TMP/$1.json" >/dev/null 2>&1; then
        pass
    else
        fail "$2: $3 ($1)"
    fi
}
lame() { printf 'any(.problems[]?; .kind == "lame" and .addr == "%s" and .reason == "%s")' "$1" "$2"; }
result() { printf 'any(.ns[].servers[]?; .addr == "%s" and .result == "%s")' "$1" "$2"; }

probed_evidence() {
    local l=$1
    evidence "$l" ok-dual.gv6 "not all four addresses authoritative, each with an rtt_ms" \
        '[.ns[].servers[] | select(.result == "authoritative" and (.rtt_ms | type) == "number")] | length == 4'
    evidence "$l" ok-aaaa-only.gv6 "fd00::6:10:2 not probed authoritative" "$(result fd00::6:10:2 authoritative)"
    evidence "$l" lame-silent6.gv6 'no lame problem with "reason":"timeout" for fd00::6:99:1' "$(lame fd00::6:99:1 timeout)"
    evidence "$l" lame-refused6.gv6 'no lame problem with "reason":"refused" for fd00::6:30:1' "$(lame fd00::6:30:1 refused)"
    evidence "$l" lame-dual-silent6.gv6 "the IPv6 glue not lame, or the IPv4 one not authoritative" \
        "$(lame fd00::6:99:1 timeout) and $(result 127.53.10.1 authoritative)"
    evidence "$l" mismatched-aaaa6.gv6 "no mismatched problem naming AAAA glue fd00::6:10:11" \
        'any(.problems[]?; .kind == "mismatched" and .ns == "ns1.mismatched-aaaa6.gv6" and .glue == "fd00::6:10:11")'
    evidence "$l" ok-outofdomain6.gv6 "ns6.provider6.gv6 not resolved to its AAAA and probed" \
        'any(.ns[]; .name == "ns6.provider6.gv6" and .in_domain == false and .addrs == ["fd00::6:20:6"] and any(.servers[]; .addr == "fd00::6:20:6" and .result == "authoritative"))'
    evidence "$l" ok-v6tld.gv6only "the parent is not gv6only at fd00::6:2:1" \
        '.parent.zone == "gv6only" and .parent.server == "fd00::6:2:1"'
    evidence "$l" ok-unrouted6.gv6 "2001:db8:6::53 (no route) not not_probed, or fd00::6:10:1 (routed) not authoritative" \
        "$(result 2001:db8:6::53 not_probed) and $(result fd00::6:10:1 authoritative) and $(result 127.53.10.2 authoritative)"
}

scan auto
verdicts auto "$W/expected.tsv"
probed_evidence auto

scan on --ipv6 on
verdicts on "$W/expected.tsv"
probed_evidence on

scan off --ipv6 off
verdicts off "$W/expected-ipv6-off.tsv"
evidence off lame-silent6.gv6 "fd00::6:99:1 not not_probed" "$(result fd00::6:99:1 not_probed)"
evidence off ok-outofdomain6.gv6 "fd00::6:20:6 not not_probed" "$(result fd00::6:20:6 not_probed)"
if jq -e -s '[.[] | .problems[]? | select(.kind == "lame" and ((.addr // "") | test(":")))] | length == 0' \
    "$TMP/off.json" >/dev/null; then
    pass
else
    fail "[off] an IPv6 address is lame"
fi
if jq -e -s '[.[] | .ns[]?.servers[]? | select((.addr | test(":")) and .result != "not_probed")] | length == 0' \
    "$TMP/off.json" >/dev/null; then
    pass
else
    fail "[off] an IPv6 address was probed"
fi

# --- IPv6 to part of the space: decided per address -----------------------------
# Hints without the root's IPv6 address: --ipv6 auto used to look for a route
# to a root server (a.root-servers.net, outside every route here) and probe no
# IPv6 address at all. Per address: those the namespace routes are probed
# (ok-v6tld.gv6only's walk goes over IPv6), 2001:db8:6::53 is not.
grep -v AAAA "$W/root.hints" >"$TMP/root4.hints"
HINTS=$TMP/root4.hints scan part --pcap "$TMP/part.pcap"
verdicts part "$W/expected.tsv"
probed_evidence part
if jq -e -s '[.[] | .problems[]? | select(.kind == "lame" and .addr == "2001:db8:6::53")] | length == 0' \
    "$TMP/part.json" >/dev/null; then
    pass
else
    fail "[part] the address without a route is lame"
fi
if command -v tshark >/dev/null &&
    [ "$(tshark -r "$TMP/part.pcap" -Y 'ipv6.dst == 2001:db8:6::53' 2>/dev/null | wc -l)" -eq 0 ] &&
    [ "$(tshark -r "$TMP/part.pcap" -Y 'ipv6.dst == fd00::6:10:1' 2>/dev/null | wc -l)" -gt 0 ]; then
    pass
else
    fail "[part] a packet went to an address without a route, or none to fd00::6:10:1"
fi

# --- the options: --ipv6 on where the host cannot send IPv6, bad values -------
NONE=gluescan-v6none-$$
ip netns add "$NONE"
ip netns exec "$NONE" ip link set lo up
rc=0
ip netns exec "$NONE" "$GLUESCAN" -q --ipv6 on -p "$W/root.hints" ok-dual.gv6 >"$TMP/none.out" 2>"$TMP/none.err" || rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/none.err")" -eq 1 ] && grep -q -- '--ipv6 on' "$TMP/none.err" &&
    [ ! -s "$TMP/none.out" ]; then
    pass
else
    fail "[none] --ipv6 on without IPv6: exit $rc, want 1 and one line: $(cat "$TMP/none.err")"
fi
rc=0
ip netns exec "$NONE" timeout 60 "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$W/root.hints" ok-dual.gv6 >"$TMP/none.json" 2>/dev/null || rc=$?
# auto with no IPv6 at all: the scan goes on, IPv6 addresses not probed (no world here: error)
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/none.json")" -eq 1 ]; then pass; else fail "[none] --ipv6 auto without IPv6: exit $rc"; fi
ip netns delete "$NONE"
for bad in "--ipv6 maybe" "--source-ip6 127.0.0.1" "--source-ip6 fd00::zz"; do
    rc=0
    # shellcheck disable=SC2086
    in_ns "$GLUESCAN" $bad -p "$W/root.hints" ok-dual.gv6 >/dev/null 2>"$TMP/bad.err" || rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ]; then pass; else fail "[options] $bad: exit $rc, want 2 and one line"; fi
done
rc=0
in_ns "$GLUESCAN" -q --ipv6 on --source-ip6 fd00::6:ff:1 -p "$W/root.hints" ok-dual.gv6 >/dev/null 2>"$TMP/bad.err" || rc=$?
if [ "$rc" -eq 1 ] && grep -q 'fd00::6:ff:1' "$TMP/bad.err"; then pass; else
    fail "[options] --source-ip6 that no interface has: exit $rc, $(cat "$TMP/bad.err")"; fi

# --- --exclude: an IPv6 block is never asked -----------------------------------
printf 'fd00::6:99:0/112\n' >"$TMP/exclude6"
scan exclude --exclude "$TMP/exclude6" --pcap "$TMP/exclude.pcap"
evidence exclude lame-silent6.gv6 "fd00::6:99:1 not shown excluded, or the domain not ok" \
    ".status == \"ok\" and $(result fd00::6:99:1 excluded)"
if command -v tshark >/dev/null && [ "$(tshark -r "$TMP/exclude.pcap" -Y 'ipv6.dst == fd00::6:99:1' 2>/dev/null | wc -l)" -eq 0 ]; then
    pass
else
    fail "[exclude] a packet went to the excluded fd00::6:99:1"
fi

# --- TCP over IPv6: the referral from the IPv6-only TLD comes truncated -------
scan small-edns --edns-size 512 --stats "$TMP/small-edns.stats"
verdicts small-edns "$W/expected.tsv"
evidence small-edns truncated6.gv6only "the truncated referral not completed over TCP (12 NS names with AAAA glue)" \
    '[.ns[] | select(.in_domain and .glue == ["fd00::6:10:2"])] | length == 12'
if jq -e '.tcp > 0 and .tcp_failures == 0' "$TMP/small-edns.stats" >/dev/null; then pass; else
    fail "[small-edns] no TCP exchange, or a failed one: $(jq -c '{tcp, tcp_failures}' "$TMP/small-edns.stats")"; fi

# --- --pcap: both families in one file -----------------------------------------
scan pcap --pcap "$TMP/both.pcap"
verdicts pcap "$W/expected.tsv"
if command -v tshark >/dev/null; then
    n4=$(tshark -r "$TMP/both.pcap" -Y 'ip and dns' 2>/dev/null | wc -l)
    n6=$(tshark -r "$TMP/both.pcap" -Y 'ipv6 and dns' 2>/dev/null | wc -l)
    bad=$(tshark -r "$TMP/both.pcap" -o udp.check_checksum:TRUE -Y 'ipv6 and udp.srcport != 53 and udp.checksum.status == 0' 2>/dev/null | wc -l)
    if [ "$n4" -gt 0 ] && [ "$n6" -gt 0 ] && [ "$bad" -eq 0 ]; then pass; else
        fail "[pcap] $n4 IPv4 and $n6 IPv6 DNS packets, $bad IPv6 queries with a bad UDP checksum"; fi
else
    fail "[pcap] tshark not installed (make deps)"
fi

# --- forged answers in both families: a flood during the scan changes nothing --
servers=127.53.0.1,127.53.1.1,127.53.10.1,127.53.10.2,127.53.20.1,fd00::6:0:1,fd00::6:1:1,fd00::6:2:1
servers=$servers,fd00::6:10:1,fd00::6:10:2,fd00::6:20:6,fd00::6:30:1
in_ns tools/forge --ports 40000-40063 --servers "$servers" --names "$W/domains.txt" \
    --dst 127.0.0.1 --dst6 fd00::6:0:1 --seconds 5 >"$TMP/forge.count" &
forger=$!
sleep 0.5
SCAN_OPTS=(-q -r 60 --timeout 400 --retries 2)
scan forged --source-port 40000-40063 --source-ip6 fd00::6:0:1 --stats "$TMP/forged.stats"
wait "$forger" || fail "[forged] forger failed"
verdicts forged "$W/expected.tsv"
if jq -e '.packets.dropped > 1000' "$TMP/forged.stats" >/dev/null; then pass; else
    fail "[forged] $(cat "$TMP/forge.count") forged, the drop counter shows $(jq -c .packets "$TMP/forged.stats")"; fi

# --- 10% of UDP lost, both families (as loss.sh) -------------------------------
in_ns nft -f - <<EOF2
table inet gluescan_loss6 {
    chain out {
        type filter hook output priority 0; policy accept;
        meta l4proto udp numgen random mod 100 < 10 counter drop
    }
}
EOF2
SCAN_OPTS=(-q -r 500 --timeout 200 --retries 6)
scan loss
verdicts loss "$W/expected.tsv"
in_ns nft delete table inet gluescan_loss6

summary
