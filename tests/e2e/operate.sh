#!/usr/bin/env bash
# Operating a scan: sharding, the pcap and stats evidence, the progress line.
#
#   tests/e2e/operate.sh      (as root)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- --shard I/N: disjoint slices whose union is the input, each line once ----
for i in $(seq 30); do cat targets/demo.txt; done >"$TMP/shard.in"
printf '%s\n' 'bad..name.gtest' '# comment' '' >>"$TMP/shard.in"
for i in 1 2 3 4; do
    run_scan "shard$i" "$DIR/root.hints" "$TMP/shard.in" --shard "$i/4"
done
union_lines=$(cat "$TMP"/shard[1-4].json | wc -l)
want_lines=$(input_domains "$TMP/shard.in" | wc -l)
if [ "$union_lines" -eq "$want_lines" ]; then pass; else fail "[shard] $union_lines lines from 4 shards, want $want_lines"; fi
if diff <(input_domains "$TMP/shard.in" | sort) \
    <(cat "$TMP"/shard[1-4].json | jq -r '.domain // .input' | sort) >/dev/null; then
    pass
else
    fail "[shard] the union of the 4 outputs is not the input, each line once"
fi
for i in 1 2 3 4; do
    n=$(wc -l <"$TMP/shard$i.json")
    if [ "$n" -ge $((want_lines / 4 - 1)) ] && [ "$n" -le $((want_lines / 4 + 1)) ]; then
        pass
    else
        fail "[shard] shard $i/4 has $n lines of $want_lines: not an even slice"
    fi
done
bad_rc=0; "$GLUESCAN" --shard 5/4 ok-glue.gtest >/dev/null 2>&1 || bad_rc=$?
if [ "$bad_rc" -eq 2 ]; then pass; else fail "[shard] --shard 5/4 exited $bad_rc, want 2"; fi

# --- --exclude: domains skipped with a line each, servers never asked --------
cat >"$TMP/exclude.txt" <<'EOF'
# zones and domains
ok-mixed.gtest
sub.gtest
# the REFUSED server and the silent block
127.53.20.2
127.53.99.0/24
EOF
run_scan exclude "$DIR/root.hints" "$DIR/domains.txt" --exclude "$TMP/exclude.txt" \
    --pcap "$TMP/exclude.pcap"
n=$(wc -l <"$TMP/exclude.json")
if [ "$n" -eq "$(wc -l <"$DIR/domains.txt")" ]; then pass; else fail "[exclude] $n lines for $(wc -l <"$DIR/domains.txt") domains"; fi
for d in ok-mixed.gtest sub.gtest x.sub.gtest; do
    evidence exclude "$d" "not reported as excluded" '.status == "excluded" and .resolvable == false'
done
evidence exclude lame-refused.gtest "an excluded server counted lame" \
    '.status == "ok" and any(.ns[].servers[]; .addr == "127.53.20.2" and .result == "excluded")'
evidence exclude lame-timeout.gtest "an excluded (silent) server counted lame" '.status == "ok"'
evidence exclude lame-all-silent.gtest "all servers excluded: want ok but not resolvable" \
    '.status == "ok" and .resolvable == false'
evidence exclude ok-outofdomain.gtest "an out-of-domain NS behind excluded servers counted lame" '.status == "ok"'
evidence exclude lame-servfail.gtest "a server not excluded lost its finding" '.status == "lame"'
tshark -r "$TMP/exclude.pcap" -T fields -e ip.dst >"$TMP/exclude.dst" 2>/dev/null || true
if [ ! -s "$TMP/exclude.dst" ] || grep -qE '^127\.53\.(20\.2|99\.[0-9]+)$' "$TMP/exclude.dst"; then
    fail "[exclude] no capture, or packets were sent to excluded addresses"
else
    pass
fi
printf 'bad..name\n' >"$TMP/bad-exclude.txt"
bad_rc=0; "$GLUESCAN" --exclude "$TMP/bad-exclude.txt" ok-glue.gtest >/dev/null 2>"$TMP/bad-exclude.err" || bad_rc=$?
if [ "$bad_rc" -eq 2 ] && grep -q 'bad-exclude.txt:1:' "$TMP/bad-exclude.err"; then pass; else fail "[exclude] a bad line gave exit $bad_rc: $(cat "$TMP/bad-exclude.err")"; fi

# --- --per-server: no address gets more than its cap, the others go on ----------
for i in $(seq 8); do cat targets/demo.txt; done >"$TMP/polite.in"
cap=100
start=$(date +%s.%N)
run_scan polite "$DIR/root.hints" "$TMP/polite.in" --per-server "$cap" -r 5000 --pcap "$TMP/polite.pcap"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
tshark -r "$TMP/polite.pcap" -Y 'dns.flags.response == 0' -T fields -e frame.time_epoch -e ip.dst \
    >"$TMP/polite.sends" 2>/dev/null || true
# the most packets any one server got in any one-second window
# and the most any one server got in all
read -r max_1s busiest total heaviest <<<"$(python3 - "$TMP/polite.sends" <<'PY'
import collections, sys
per = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, dst = line.split()
    per[dst].append(float(t))
best, who, total, heaviest = 0, "-", 0, 0
for dst, ts in per.items():
    ts.sort(); total += len(ts); j = 0
    heaviest = max(heaviest, len(ts))
    for i in range(len(ts)):
        while ts[i] - ts[j] >= 1.0:
            j += 1
        if i - j + 1 > best:
            best, who = i - j + 1, dst
print(best, who, total, heaviest)
PY
)"
# the cap, plus the one packet a bucket of one may hold at the window's start
if [ "$max_1s" -le $((cap + 1)) ] && [ "$max_1s" -gt $((cap / 2)) ]; then
    pass
else
    fail "[per-server] $busiest got $max_1s packets in one second with --per-server $cap"
fi
# the capped servers' queues do not hold up the rest: the scan takes the
# heaviest server's queue at the cap and the tries of one question after it
# (--timeout 400, 2 retries: 2.8 s) with a second to spare, where one queue
# for all would take total / cap
if [ "$(echo "$elapsed < $heaviest / $cap + 3.8 && $heaviest / $cap + 3.8 < $total / $cap" | bc -l)" = 1 ]; then
    pass
else
    fail "[per-server] $total packets took ${elapsed}s (the heaviest server $heaviest): as if every server waited for the busiest"
fi
check_verdicts_only() {
    local label=$1 json="$TMP/$1.json" domain status resolvable got
    while IFS=$'\t' read -r domain status resolvable; do
        got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$json" | sort -u)
        if [ "$got" = "$status/$resolvable" ]; then pass; else fail "$domain: got '$got' want $status/$resolvable ($label)"; fi
    done <"$DIR/expected.tsv"
}
check_verdicts_only polite
echo "per-server: cap $cap/s, busiest $busiest got at most $max_1s in a second; $total queries ($heaviest to one server) in ${elapsed}s" >&2

# --- --server-rate: caps by address block, the most specific wins ------------
# The world's block without a cap (0), one child server held to 20/s; the rest
# of the world is in the /16, so none of it waits for --per-server 50. With
# --shard 1/2 every cap is halved: two shards together stay within it.
cat >"$TMP/caps.txt" <<'EOF'
# the lab's own servers: no cap
127.53.0.0/16   0

127.53.10.1     20   # but this one is small
EOF
# max_per_second PCAP ADDRESS: the most queries ADDRESS got in any one second, and in all
max_per_second() {
    tshark -r "$1" -Y "dns.flags.response == 0 && ip.dst == $2" -T fields -e frame.time_epoch \
        2>/dev/null | python3 -c '
import sys
ts = sorted(float(l) for l in sys.stdin if l.strip())
best = j = 0
for i in range(len(ts)):
    while ts[i] - ts[j] >= 1.0:
        j += 1
    best = max(best, i - j + 1)
print(best, len(ts))'
}
for shards in 1 2; do
    run_scan "caps$shards" "$DIR/root.hints" "$TMP/polite.in" --per-server 50 -r 5000 \
        --server-rate "$TMP/caps.txt" --shard "1/$shards" --pcap "$TMP/caps$shards.pcap"
    read -r small small_n <<<"$(max_per_second "$TMP/caps$shards.pcap" 127.53.10.1)"
    read -r tld tld_n <<<"$(max_per_second "$TMP/caps$shards.pcap" 127.53.1.1)"
    cap=$((20 / shards))
    # the cap, plus the one packet a bucket of one may hold at the window's start
    if [ "$small" -le $((cap + 1)) ] && [ "$small" -ge $((cap / 2)) ] && [ "$small_n" -gt $((2 * cap)) ]; then
        pass
    else
        fail "[server-rate] 127.53.10.1 got $small queries in one second (of $small_n) with a cap of 20 in $shards shard(s)"
    fi
    if [ "$tld" -gt 51 ]; then
        pass
    else
        fail "[server-rate] 127.53.1.1 (no cap: 0) got at most $tld queries in a second (of $tld_n), as if held to --per-server 50"
    fi
    echo "server-rate, $shards shard(s): 127.53.10.1 at most $small/s ($small_n queries), 127.53.1.1 at most $tld/s ($tld_n)" >&2
done
check_verdicts_only caps1
printf '127.53.0.0/16 0\n127.53.10.1/40 5\n' >"$TMP/bad-caps.txt"
bad_rc=0; "$GLUESCAN" -p "$DIR/root.hints" --server-rate "$TMP/bad-caps.txt" ok-glue.gtest >/dev/null 2>"$TMP/bad-caps.err" || bad_rc=$?
if [ "$bad_rc" -eq 2 ] && grep -q 'bad-caps.txt:2:' "$TMP/bad-caps.err" && [ "$(wc -l <"$TMP/bad-caps.err")" -eq 1 ]; then
    pass
else
    fail "[server-rate] a bad line gave exit $bad_rc: $(cat "$TMP/bad-caps.err")"
fi

# --- --shuffle/--seed: the order domains start in is random, and repeatable ---
# Started from the TLD hints, each domain's first question is its NS query
# to its TLD; .gtest has one server, so its queue shows the order domains
# started in. (From the root it would not: walks to the same TLD share one
# referral, and go on together when it lands.)
gtest_order() {    # the NS questions to .gtest's server, in the order sent
    tshark -r "$1" -Y 'dns.flags.response == 0 && ip.dst == 127.53.1.1 && dns.qry.type == 2' \
        -T fields -e dns.qry.name 2>/dev/null | tr 'A-Z' 'a-z' || true
}
grep '\.gtest$' "$DIR/domains.txt" >"$TMP/gtest.in" || true
for run in a:1 b:1 c:2; do
    run_scan "seed-${run%%:*}" "$DIR/tld.hints" "$DIR/domains.txt" --seed "${run##*:}" \
        --pcap "$TMP/seed-${run%%:*}.pcap"
    gtest_order "$TMP/seed-${run%%:*}.pcap" >"$TMP/seed-${run%%:*}.order"
done
run_scan inorder "$DIR/tld.hints" "$DIR/domains.txt" --shuffle 1 --pcap "$TMP/inorder.pcap"
gtest_order "$TMP/inorder.pcap" >"$TMP/inorder.order"
if [ -s "$TMP/seed-a.order" ] && cmp -s "$TMP/seed-a.order" "$TMP/seed-b.order"; then pass; else fail "[shuffle] the same --seed gave two orders"; fi
if ! cmp -s "$TMP/seed-a.order" "$TMP/seed-c.order"; then pass; else fail "[shuffle] --seed 1 and --seed 2 gave the same order"; fi
if cmp -s "$TMP/inorder.order" "$TMP/gtest.in"; then pass; else fail "[shuffle] --shuffle 1 did not keep the input order"; fi
if ! cmp -s "$TMP/seed-a.order" "$TMP/gtest.in"; then pass; else fail "[shuffle] a shuffled scan kept the input order"; fi

# --- --pcap: every packet sent and received, read back by tshark -------------
run_scan pcap "$DIR/root.hints" "$DIR/domains.txt" --pcap "$TMP/scan.pcap" --stats "$TMP/stats.json"
check_verdicts pcap "$DIR/expected.tsv" "$DIR/domains.txt"
if command -v tshark >/dev/null; then
    queries=$(tshark -r "$TMP/scan.pcap" -Y 'dns.flags.response == 0' 2>/dev/null | wc -l)
    answers=$(tshark -r "$TMP/scan.pcap" -Y 'dns.flags.response == 1' 2>/dev/null | wc -l)
    sent=$(jq .packets.sent "$TMP/stats.json")
    received=$(jq .packets.received "$TMP/stats.json")
    if [ "$queries" -eq "$sent" ] && [ "$answers" -eq "$received" ] && [ "$sent" -gt 0 ]; then
        pass
    else
        fail "[pcap] tshark reads $queries queries and $answers answers; stats say $sent sent, $received received"
    fi
    # 0x20: names go out in mixed case, so compare without case
    tshark -r "$TMP/scan.pcap" -T fields -e dns.qry.name -e dns.flags.authoritative \
        >"$TMP/pcap.names" 2>/dev/null || true
    if grep -qi '^ok-glue\.gtest	1$' "$TMP/pcap.names"; then
        pass
    else
        fail "[pcap] no authoritative answer for ok-glue.gtest in the capture"
    fi
else
    fail "[pcap] tshark not installed"
fi

# --- the host cache: an NS name is resolved once per scan, however often it comes
# back (the input twice over asks no more names than once); --stats tells
# the cache's hits and misses, and the seconds the window spent in each hold
run_scan cache1 "$DIR/root.hints" "$DIR/domains.txt" --stats "$TMP/cache1.stats.json"
cat "$DIR/domains.txt" "$DIR/domains.txt" >"$TMP/cache2.in"
run_scan cache2 "$DIR/root.hints" "$TMP/cache2.in" --stats "$TMP/cache2.stats.json"
m1=$(jq .caches.host.misses "$TMP/cache1.stats.json")
m2=$(jq .caches.host.misses "$TMP/cache2.stats.json")
h1=$(jq .caches.host.hits "$TMP/cache1.stats.json")
h2=$(jq .caches.host.hits "$TMP/cache2.stats.json")
e2=$(jq '.caches.host.evictions + .caches.zone.evictions' "$TMP/cache2.stats.json")
if [ "$m1" -gt 0 ] && [ "$m2" -eq "$m1" ] && [ "$h2" -gt "$h1" ] && [ "$e2" -eq 0 ]; then
    pass
else
    fail "[cache] names resolved: $m1 for the input, $m2 for it twice over (hits $h1, $h2; evictions $e2)"
fi
if jq -e '(.window_held_s | keys | sort) == (["cpu","input","memory","per-server caps","rate","servers","window"])
        and ([.window_held_s[]] | add) <= .elapsed_s and ([.window_held_s[]] | add) >= .elapsed_s - 1' \
        "$TMP/cache2.stats.json" >/dev/null; then
    pass
else
    fail "[stats] window_held_s does not name every hold or add up to the scan's time: $(jq -c '{window_held_s, elapsed_s}' "$TMP/cache2.stats.json")"
fi

# --- one probe per address: the SOA answer carries the evidence (SPEC 2) ------
# From the TLD hints, an ok domain on NSD servers costs the referral and one
# SOA per address, nothing more. On servers with minimal-responses the answer
# says nothing of the glue or the NS set: each server is asked "D NS", whose
# answer carries both (the glue in its additional section), and no name is
# asked explicitly (tests/e2e/answer_only.sh: the same on Knot and PowerDNS).
# queries PCAP: "qtype destination qname" per query sent, the one "D NS" to a
# child server written "child", sorted
queries() {
    tshark -r "$1" -Y 'dns.flags.response == 0' -T fields -e dns.qry.type -e ip.dst -e dns.qry.name \
        2>/dev/null | tr 'A-Z' 'a-z' |
        awk '$1 == 2 && $2 != "127.53.1.1" { $2 = "child" } { print $1, $2, $3 }' | sort || true
}
if command -v tshark >/dev/null; then
    printf 'ok-glue.gtest\n' >"$TMP/one-probe.in"
    run_scan one-probe "$DIR/tld.hints" "$TMP/one-probe.in" --pcap "$TMP/one-probe.pcap" \
        --stats "$TMP/one-probe.stats.json"
    evidence one-probe ok-glue.gtest "not ok" '.status == "ok"'
    printf '%s\n' '2 127.53.1.1 ok-glue.gtest' '6 127.53.10.1 ok-glue.gtest' \
        '6 127.53.10.2 ok-glue.gtest' >"$TMP/one-probe.want"
    if queries "$TMP/one-probe.pcap" | diff "$TMP/one-probe.want" - >"$TMP/one-probe.diff" &&
        [ "$(jq .packets.sent "$TMP/one-probe.stats.json")" -eq 3 ]; then
        pass
    else
        fail "[one-probe] ok-glue.gtest: want the referral and one SOA per address (3 queries); sent $(jq .packets.sent "$TMP/one-probe.stats.json"): $(tr '\n' ' ' <"$TMP/one-probe.diff")"
    fi
    printf 'ok-minimal.gtest\n' >"$TMP/minimal.in"
    run_scan minimal "$DIR/tld.hints" "$TMP/minimal.in" --pcap "$TMP/minimal.pcap"
    evidence minimal ok-minimal.gtest "not ok" '.status == "ok"'
    printf '%s\n' '2 127.53.1.1 ok-minimal.gtest' '2 child ok-minimal.gtest' '2 child ok-minimal.gtest' \
        '6 127.53.14.1 ok-minimal.gtest' '6 127.53.14.2 ok-minimal.gtest' >"$TMP/minimal.want"
    if queries "$TMP/minimal.pcap" | diff "$TMP/minimal.want" - >"$TMP/minimal.diff"; then
        pass
    else
        fail "[one-probe] ok-minimal.gtest: want the referral, a SOA and a D NS per address: $(tr '\n' ' ' <"$TMP/minimal.diff")"
    fi
fi

# --- walks share referrals: the window does not ask the root once per domain --
# Every domain of the world starts before the first referral is cached; the
# root must still be asked for each TLD once (at most 1 + --retries times).
if command -v tshark >/dev/null; then
    root=$(awk '$4 == "A" { print $5; exit }' "$DIR/root.hints")
    tshark -r "$TMP/scan.pcap" -Y "dns.flags.response == 0 && ip.dst == $root" \
        -T fields -e dns.qry.name >"$TMP/root.names" 2>/dev/null || true
    awk -F. '{ print tolower($NF) }' "$TMP/root.names" | sort | uniq -c >"$TMP/root.per-tld"
    most=$(awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "$TMP/root.per-tld")
    asked=$(wc -l <"$TMP/root.names")
    if [ "$asked" -gt 0 ] && [ "$most" -le 3 ]; then
        pass
    else
        fail "[herd] the root was asked $asked times, up to $most for one TLD: $(tr '\n' ' ' <"$TMP/root.per-tld")"
    fi
fi

# --- on the wire: every query the kernel carried, with valid checksums -------
# gluescan patches the headers libnet built once; read what the kernel
# carried (not --pcap, which is gluescan's own account of it): one packet
# per query sent, each with checksums a receiving host accepts.
if command -v tshark >/dev/null; then
    tshark -q -i lo -f 'udp and dst net 127.53.0.0/16 and dst port 53' -w "$TMP/wire.pcap" \
        >"$TMP/wire.log" 2>&1 &
    wire_pid=$!
    for _ in $(seq 100); do [ -s "$TMP/wire.pcap" ] && break; sleep 0.1; done
    sleep 0.5
    run_scan wire "$DIR/root.hints" "$DIR/domains.txt" --stats "$TMP/wire.stats.json"
    sleep 0.5
    kill "$wire_pid" 2>/dev/null || true
    wait "$wire_pid" 2>/dev/null || true
    tshark -r "$TMP/wire.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -T fields -e ip.checksum.status -e udp.checksum.status >"$TMP/wire.sums" 2>/dev/null || true
    sent=$(jq .packets.sent "$TMP/wire.stats.json")
    good=$(grep -c '^1	1$' "$TMP/wire.sums" || true)
    total=$(wc -l <"$TMP/wire.sums")
    if [ "$sent" -gt 0 ] && [ "$total" -eq "$sent" ] && [ "$good" -eq "$total" ]; then
        pass
    else
        fail "[wire] $total queries on the wire, $good with good IP and UDP checksums; stats say $sent sent"
    fi
else
    fail "[wire] tshark not installed"
fi

# --- --stats: one JSON object with counts, packets, drops, rates --------------
want_lines=$(wc -l <"$DIR/expected.tsv")
want_ok=$(grep -c $'\tok\t' "$DIR/expected.tsv")
want_lame=$(grep -c $'\tlame\t' "$DIR/expected.tsv")
if jq -e --argjson n "$want_lines" --argjson ok "$want_ok" --argjson lame "$want_lame" \
    '.lines == $n and .status.ok == $ok and .status.lame == $lame and (.packets.sent > 0)
    and (.packets.dropped_by_reason | has("unmatched") and has("mismatched") and has("malformed"))
    and (.retries | type == "number") and (.tcp | type == "number")
    and (.elapsed_s > 0) and (.rates.domains_per_s > 0)' "$TMP/stats.json" >/dev/null; then
    pass
else
    fail "[stats] unexpected --stats content: $(head -c 400 "$TMP/stats.json")"
fi

# --- --parent-zone: the TLDs' zone files instead of their servers -------------
zones=(--parent-zone "$DIR/nsd/127.53.1.1/zones/gtest.zone" --parent-zone "$DIR/nsd/127.53.2.1/zones/gtest2.zone")
run_scan zonefile "$DIR/root.hints" "$DIR/domains.txt" "${zones[@]}" --pcap "$TMP/zonefile.pcap"
check_verdicts zonefile "$DIR/expected.tsv" "$DIR/domains.txt"
run_scan live "$DIR/root.hints" "$DIR/domains.txt"
# the same findings as the live scan, domain by domain
same_findings zonefile live
# no delegation question went to the TLD servers
tshark -r "$TMP/zonefile.pcap" -Y 'dns.flags.response == 0 && dns.qry.type == 2' -T fields -e ip.dst \
    >"$TMP/zonefile.ns-dst" 2>/dev/null || true
if [ -s "$TMP/zonefile.ns-dst" ] && ! grep -qE '^127\.53\.(1|2)\.1$' "$TMP/zonefile.ns-dst"; then
    pass
else
    fail "[parent-zone] NS questions went to a TLD server whose zone file was given"
fi
printf 'gtest. NS ns1.nic.gtest.\n' >"$TMP/nosoa.zone"
bad_rc=0; "$GLUESCAN" -p "$DIR/root.hints" --parent-zone "$TMP/nosoa.zone" ok-glue.gtest >/dev/null 2>"$TMP/nosoa.err" || bad_rc=$?
if [ "$bad_rc" -eq 2 ] && grep -q 'SOA' "$TMP/nosoa.err"; then pass; else fail "[parent-zone] a zone file without SOA: exit $bad_rc, $(cat "$TMP/nosoa.err")"; fi

# --- --parent-only: decided from the parent's answer, no child asked ----------
run_scan parentonly "$DIR/root.hints" "$DIR/domains.txt" --parent-only --pcap "$TMP/parentonly.pcap"
while IFS=$'\t' read -r domain status resolvable; do
    case $status in
    nxdomain|not_delegated|error|missing) want=$status ;;
    *) want=delegated ;;
    esac
    got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$TMP/parentonly.json")
    case $want in
    delegated|missing) wantr=null ;;	# delegated: the servers were not asked
    *) wantr=$resolvable ;;
    esac
    if [ "$got" = "$want/$wantr" ]; then pass; else fail "$domain: got '$got' want $want/$wantr (parent-only)"; fi
done <"$DIR/expected.tsv"
tshark -r "$TMP/parentonly.pcap" -Y 'dns.flags.response == 0' -T fields -e dns.qry.type \
    >"$TMP/parentonly.types" 2>/dev/null || true
if [ -s "$TMP/parentonly.types" ] && ! grep -qvx 2 "$TMP/parentonly.types"; then
    pass
else
    fail "[parent-only] questions other than NS were sent: $(sort "$TMP/parentonly.types" | uniq -c | tr '\n' ' ')"
fi

# --- make install: binary with capabilities, man page, hints -----------------
inst="$TMP/install"
if make -s install DESTDIR="$inst" PREFIX=/usr >"$TMP/install.log" 2>&1; then pass; else fail "[install] make install failed: $(tail -3 "$TMP/install.log")"; fi
for f in usr/bin/gluescan usr/share/man/man1/gluescan.1 usr/share/gluescan/root.hints; do
    if [ -s "$inst/$f" ]; then pass; else fail "[install] $f not installed"; fi
done
if getcap "$inst/usr/bin/gluescan" | grep -q 'cap_net_admin,cap_net_raw=eip'; then pass; else fail "[install] no capabilities on the installed binary"; fi
# with the capabilities, an unprivileged user scans
chmod 755 "$TMP" "$inst" "$inst/usr" "$inst/usr/bin"
got=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$inst/usr/bin/gluescan" -q -p "$DIR/root.hints" \
    ok-glue.gtest 2>&1 | jq -r .status 2>/dev/null || true)
if [ "$got" = ok ]; then pass; else fail "[install] an unprivileged user could not scan with the installed binary: $got"; fi
# the man page: no warnings, and every option of --help in it
if [ -z "$(man --warnings -l "$inst/usr/share/man/man1/gluescan.1" 2>&1 >/dev/null)" ]; then
    pass
else
    fail "[man] man --warnings: $(man --warnings -l "$inst/usr/share/man/man1/gluescan.1" 2>&1 >/dev/null | head -3)"
fi
MANWIDTH=200 man -l "$inst/usr/share/man/man1/gluescan.1" 2>/dev/null >"$TMP/man.txt"
for opt in $("$GLUESCAN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    if grep -q -- "$opt" "$TMP/man.txt"; then pass; else fail "[man] $opt is in --help but not in the man page"; fi
done
for word in invalid excluded nxdomain not_delegated error missing mismatched lame ok resolvable problems \
    "EXIT STATUS" EXAMPLES; do
    if grep -q -- "$word" "$TMP/man.txt"; then pass; else fail "[man] the man page does not mention $word"; fi
done

# --- the progress line: on a terminal only ------------------------------------
# a pseudo-terminal of our own (CI has no terminal and no standard input)
python3 - "$TMP/tty.log" "$GLUESCAN" -p "$DIR/root.hints" -i "$DIR/domains.txt" -o /dev/null \
    --timeout 400 <<'PY' || true
import os, pty, sys
log = open(sys.argv[1], "wb")
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    log.write(data)
os.waitpid(pid, 0)
PY
if grep -q 'pkt/s, [0-9]* done' "$TMP/tty.log" &&
    grep -q "^gluescan: $(wc -l <"$DIR/domains.txt") lines" <(tr '\r' '\n' <"$TMP/tty.log"); then
    pass
else
    fail "[progress] no progress line on a terminal: $(tr '\r' '\n' <"$TMP/tty.log" | tail -3)"
fi
"$GLUESCAN" -p "$DIR/root.hints" -i "$DIR/domains.txt" -o /dev/null --timeout 400 2>"$TMP/notty.err"
if [ "$(wc -l <"$TMP/notty.err")" -eq 1 ] && ! grep -q 'pkt/s' "$TMP/notty.err"; then
    pass
else
    fail "[progress] stderr not a terminal: want one summary line, got: $(head -3 "$TMP/notty.err")"
fi

summary
