#!/usr/bin/env bash
# IPv6 test: the world of tools/world_cases6.txt (nameservers on fd00::6:0:0/96
# beside 127.53.0.0/16) runs in a network namespace made for the test, whose
# lo gets the IPv6 addresses (outside one, lo carries only ::1). First dig
# checks that every case shows the DNS behaviour it is meant to show.
#
#   tests/e2e/ipv6.sh      (as root)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
NETNS=gluescan-v6-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-v6.XXXXXX")
export GLUESCAN_WORLD_DIR=$TMP/world
CASES=tools/world_cases6.txt

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

summary
