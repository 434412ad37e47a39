#!/usr/bin/env bash
# Checks the NSD test world itself with dig, without the scanner: every case
# in tools/world_cases.txt really shows the DNS behaviour it is meant to show
# (referral, REFUSED, SERVFAIL, timeout, NXDOMAIN, stale data, >512-byte
# referral, ...).  Run as root.  Brings the world up and, unless it was
# already up, down again at the end.
#
# Prints one line per failing check and, last, "N passed, M failed".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORLD="$REPO/tools/world"
export GLUESCAN_WORLD_DIR="${GLUESCAN_WORLD_DIR:-/tmp/gluescan-world}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-worldcheck.XXXXXX")
was_up=0
"$WORLD" status >/dev/null 2>&1 && was_up=1
cleanup() {
    [ "$was_up" = 1 ] || "$WORLD" down >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

PASS=0 FAIL=0
"$WORLD" up >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log"; echo "FAIL tools/world up"; echo "0 passed, 1 failed"; exit 1; }

# q SERVER QNAME QTYPE RCODE AA [EGREP-PATTERN...]
#   RCODE: NOERROR, NXDOMAIN, REFUSED, SERVFAIL or TIMEOUT; AA: aa, noaa or -
#   each pattern must match a line of dig's output (tabs squeezed to spaces)
q() {
    local server=$1 qname=$2 qtype=$3 want_rc=$4 want_aa=$5
    shift 5
    local out rc aa why=""
    out=$(dig +norec +time=1 +tries=1 +bufsize=1232 "@$server" "$qname" "$qtype" 2>&1 | tr -s '\t ' '  ') || true
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
    if [ -z "$why" ]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        echo "FAIL @$server $qname $qtype: $why"
    fi
}

R=127.53.0.1 G=127.53.1.1 G2=127.53.2.1 A=127.53.10.1 B=127.53.10.2
BROKEN=127.53.10.3 OLD=127.53.12.1 SUB=127.53.13.1 P1=127.53.20.1 P2=127.53.20.2
M1=127.53.14.1 M2=127.53.14.2

# hierarchy
q $R  .                     SOA NOERROR aa  '^\. 3600 IN NS a\.root\.gltest\.'
q $R  ok-glue.gtest         NS  NOERROR noaa '^gtest\. 3600 IN NS ns1\.nic\.gtest\.' '^ns1\.nic\.gtest\. 3600 IN A 127\.53\.1\.1'
q $R  provider.gtest2       NS  NOERROR noaa '^gtest2\. 3600 IN NS ns1\.nic\.gtest2\.'
q $R  error-deadtld.gdead   NS  NOERROR noaa '^gdead\. 3600 IN NS ns1\.nic\.gdead\.' '^ns2\.nic\.gdead\. 3600 IN A 127\.53\.3\.2'
q 127.53.3.1 error-deadtld.gdead NS TIMEOUT -
q 127.53.3.2 error-deadtld.gdead NS TIMEOUT -

# ok
q $G  ok-glue.gtest         NS  NOERROR noaa '^ns1\.ok-glue\.gtest\. 3600 IN A 127\.53\.10\.1' '^ns2\.ok-glue\.gtest\. 3600 IN A 127\.53\.10\.2'
q $A  ok-glue.gtest         SOA NOERROR aa  '^ok-glue\.gtest\. 3600 IN SOA'
q $G  xn--caf-dma.gtest     NS  NOERROR noaa '^ns1\.xn--caf-dma\.gtest\. 3600 IN A 127\.53\.10\.1'
q $A  xn--caf-dma.gtest     SOA NOERROR aa  '^xn--caf-dma\.gtest\. 3600 IN SOA'
q $B  ok-glue.gtest         SOA NOERROR aa  '^ok-glue\.gtest\. 3600 IN SOA'
q $G2 provider.gtest2       NS  NOERROR noaa '^ns1\.provider\.gtest2\. 3600 IN A 127\.53\.20\.1'
q $P1 ns2.provider.gtest2   A   NOERROR aa  '^ns2\.provider\.gtest2\. 3600 IN A 127\.53\.20\.2'
q $G  ok-outofdomain.gtest  NS  NOERROR noaa '^ok-outofdomain\.gtest\. 3600 IN NS ns1\.provider\.gtest2\.'
q $P1 ok-outofdomain.gtest  SOA NOERROR aa
q $P2 ok-outofdomain.gtest  SOA NOERROR aa
q $G  ok-mixed.gtest        NS  NOERROR noaa '^ok-mixed\.gtest\. 3600 IN NS ns2\.provider\.gtest2\.' '^ns1\.ok-mixed\.gtest\. 3600 IN A 127\.53\.10\.1'
q $P2 ok-mixed.gtest        SOA NOERROR aa
q $G  ok-childextra.gtest   NS  NOERROR noaa '^ns1\.ok-childextra\.gtest\. 3600 IN A 127\.53\.10\.1'
q $A  ns1.ok-childextra.gtest A NOERROR aa  'IN A 127\.53\.10\.1$' 'IN A 127\.53\.10\.2$'
q $G  sub.gtest             NS  NOERROR noaa '^ns1\.sub\.gtest\. 3600 IN A 127\.53\.13\.1'
q $G  x.sub.gtest           NS  NOERROR noaa '^sub\.gtest\. 3600 IN NS ns1\.sub\.gtest\.'
q $SUB x.sub.gtest          NS  NOERROR noaa '^ns1\.x\.sub\.gtest\. 3600 IN A 127\.53\.10\.1'
q $A  x.sub.gtest           SOA NOERROR aa
q $G  big-referral.gtest    NS  NOERROR noaa 'AUTHORITY: 13, ADDITIONAL: 27' \
    '^ns13\.big-referral\.gtest\. 3600 IN AAAA fd00::53:13' 'MSG SIZE rcvd: ([5-9][0-9][0-9]|1[01][0-9][0-9]|12[0-2][0-9]|123[0-2])$'
q $B  big-referral.gtest    SOA NOERROR aa

# the SOA answer's evidence: NSD puts the NS set in the authority section and
# the in-zone addresses in the additional section, unless minimal-responses
q $A  ok-glue.gtest         SOA NOERROR aa  'AUTHORITY: 2, ADDITIONAL: 3$' \
    '^ok-glue\.gtest\. 3600 IN NS ns2\.ok-glue\.gtest\.$' '^ns2\.ok-glue\.gtest\. 3600 IN A 127\.53\.10\.2$'
q $M1 ok-minimal.gtest      SOA NOERROR aa  'AUTHORITY: 0, ADDITIONAL: 1$'
q $M2 ok-minimal.gtest      SOA NOERROR aa  'AUTHORITY: 0, ADDITIONAL: 1$'
q $M1 ok-minimal.gtest      NS  NOERROR aa  '^ok-minimal\.gtest\. 3600 IN NS ns2\.ok-minimal\.gtest\.$'
q $M2 ns2.ok-minimal.gtest  A   NOERROR aa  '^ns2\.ok-minimal\.gtest\. 3600 IN A 127\.53\.14\.2$'
q $G  nsset-differs.gtest   NS  NOERROR noaa '^nsset-differs\.gtest\. 3600 IN NS ns2\.nsset-differs\.gtest\.$'
q $A  nsset-differs.gtest   SOA NOERROR aa  '^nsset-differs\.gtest\. 3600 IN NS ns3\.nsset-differs\.gtest\.$' \
    '^ns3\.nsset-differs\.gtest\. 3600 IN A 127\.53\.10\.2$'
q $B  ns2.nsset-differs.gtest A NOERROR aa  '^ns2\.nsset-differs\.gtest\. 3600 IN A 127\.53\.10\.2$'
q $A  serial-differs.gtest  SOA NOERROR aa  ' IN SOA [^ ]+ [^ ]+ 2026112101 '
q $B  serial-differs.gtest  SOA NOERROR aa  ' IN SOA [^ ]+ [^ ]+ 2026110301 '

# nxdomain, not_delegated
q $G  nxdomain.gtest        NS  NXDOMAIN aa '^gtest\. 300 IN SOA'
q $G  not-delegated.gtest   NS  NOERROR aa  'ANSWER: 0,' '^gtest\. 300 IN SOA'

# missing
q $G  missing-noglue.gtest  NS  NOERROR noaa 'ADDITIONAL: 1$'
q $G  missing-partial.gtest NS  NOERROR noaa '^ns1\.missing-partial\.gtest\. 3600 IN A' 'ADDITIONAL: 2$'

# mismatched
q $G  mismatched-typo.gtest NS  NOERROR noaa '^ns1\.mismatched-typo\.gtest\. 3600 IN A 127\.53\.10\.11$'
q 127.53.10.11 mismatched-typo.gtest SOA TIMEOUT -
q $B  ns1.mismatched-typo.gtest A NOERROR aa '^ns1\.mismatched-typo\.gtest\. 3600 IN A 127\.53\.10\.1$'
q $G  mismatched-stale-gone.gtest NS NOERROR noaa '^ns1\.mismatched-stale-gone\.gtest\. 3600 IN A 127\.53\.11\.1$'
q 127.53.11.1 mismatched-stale-gone.gtest SOA TIMEOUT -
q $B  ns1.mismatched-stale-gone.gtest A NOERROR aa '^ns1\.mismatched-stale-gone\.gtest\. 3600 IN A 127\.53\.10\.1$'
q $G  mismatched-stale-running.gtest NS NOERROR noaa '^ns1\.mismatched-stale-running\.gtest\. 3600 IN A 127\.53\.12\.1$'
q $OLD ns1.mismatched-stale-running.gtest A NOERROR aa '^ns1\.mismatched-stale-running\.gtest\. 3600 IN A 127\.53\.12\.1$'
q $B  ns1.mismatched-stale-running.gtest A NOERROR aa '^ns1\.mismatched-stale-running\.gtest\. 3600 IN A 127\.53\.10\.1$'
q $G  mismatched-aaaa.gtest NS  NOERROR noaa '^ns1\.mismatched-aaaa\.gtest\. 3600 IN AAAA fd00::53:a1$'
q $A  ns1.mismatched-aaaa.gtest AAAA NOERROR aa '^ns1\.mismatched-aaaa\.gtest\. 3600 IN AAAA fd00::53:a2$'
q $A  ns1.mismatched-aaaa.gtest A NOERROR aa '^ns1\.mismatched-aaaa\.gtest\. 3600 IN A 127\.53\.10\.1$'
q $G  mismatched-child-nxdomain.gtest NS NOERROR noaa '^ns2\.mismatched-child-nxdomain\.gtest\. 3600 IN A 127\.53\.10\.2$'
q $B  ns2.mismatched-child-nxdomain.gtest A NXDOMAIN aa '^mismatched-child-nxdomain\.gtest\. 300 IN SOA'
q $B  mismatched-child-nxdomain.gtest SOA NOERROR aa
q $G  mismatched-minimal.gtest NS NOERROR noaa '^ns2\.mismatched-minimal\.gtest\. 3600 IN A 127\.53\.14\.1$'
q $M1 mismatched-minimal.gtest SOA NOERROR aa 'AUTHORITY: 0, ADDITIONAL: 1$'
q $M1 ns2.mismatched-minimal.gtest A NOERROR aa '^ns2\.mismatched-minimal\.gtest\. 3600 IN A 127\.53\.14\.2$'

# lame
q $G  lame-refused.gtest    NS  NOERROR noaa '^ns2\.lame-refused\.gtest\. 3600 IN A 127\.53\.20\.2$'
q $P2 lame-refused.gtest    SOA REFUSED noaa
q $A  lame-refused.gtest    SOA NOERROR aa
q $G  lame-servfail.gtest   NS  NOERROR noaa '^ns2\.lame-servfail\.gtest\. 3600 IN A 127\.53\.10\.3$'
q $BROKEN lame-servfail.gtest SOA SERVFAIL noaa
q $A  lame-servfail.gtest   SOA NOERROR aa
q 127.53.99.1 lame-timeout.gtest SOA TIMEOUT -
q $A  lame-timeout.gtest    SOA NOERROR aa
q $G  lame-referral.gtest   SOA NOERROR noaa 'ANSWER: 0,' '^lame-referral\.gtest\. 3600 IN NS ns1\.lame-referral\.gtest\.'
q $A  lame-referral.gtest   SOA NOERROR aa
q 127.53.99.2 lame-all-silent.gtest SOA TIMEOUT -
q 127.53.99.3 lame-all-silent.gtest SOA TIMEOUT -
q $G  lame-dangling.gtest   NS  NOERROR noaa '^lame-dangling\.gtest\. 3600 IN NS ns1\.unregistered-dangling\.gtest\.'
q $G  ns1.unregistered-dangling.gtest A NXDOMAIN aa
q $A  lame-dangling.gtest   SOA NOERROR aa
q $G  lame-dangling-only.gtest NS NOERROR noaa '^lame-dangling-only\.gtest\. 3600 IN NS ns1\.unregistered-dangling\.gtest\.'
# dangling by the public suffix list: uk -> co.uk (the registry) -> shop.co.uk
UK=127.53.4.1 COUK=127.53.5.1
q $R    co.uk               NS  NOERROR noaa '^uk\. 3600 IN NS ns1\.nic\.uk\.'
q $UK   shop.co.uk          NS  NOERROR noaa '^co\.uk\. 3600 IN NS ns1\.nic\.co\.uk\.' '^ns1\.nic\.co\.uk\. 3600 IN A 127\.53\.5\.1$'
q $COUK shop.co.uk          NS  NOERROR noaa '^shop\.co\.uk\. 3600 IN NS ns1\.shop\.co\.uk\.'
q $COUK ns1.gone-shop.co.uk A   NXDOMAIN aa '^co\.uk\. 300 IN SOA '
q $COUK gone-dns.co.uk      A   NXDOMAIN aa
q $A    ns1.gone.shop.co.uk A   NXDOMAIN aa '^shop\.co\.uk\. 300 IN SOA '
q $P1   ns1.gone.provider.gtest2 A NXDOMAIN aa '^provider\.gtest2\. 300 IN SOA '
q $G    lame-dangling-co-uk.gtest NS NOERROR noaa '^lame-dangling-co-uk\.gtest\. 3600 IN NS gone-dns\.co\.uk\.'
q $G    lame-missing-below.gtest  NS NOERROR noaa '^lame-missing-below\.gtest\. 3600 IN NS ns1\.gone\.shop\.co\.uk\.'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
