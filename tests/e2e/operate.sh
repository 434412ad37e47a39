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

# --- --stats: one JSON object with counts, packets, drops, rates --------------
if jq -e '.lines == 26 and .status.ok == 9 and .status.lame == 7 and (.packets.sent > 0)
    and (.packets.dropped_by_reason | has("unmatched") and has("mismatched") and has("malformed"))
    and (.retries | type == "number") and (.tcp | type == "number")
    and (.elapsed_s > 0) and (.rates.domains_per_s > 0)' "$TMP/stats.json" >/dev/null; then
    pass
else
    fail "[stats] unexpected --stats content: $(head -c 400 "$TMP/stats.json")"
fi

# --- the progress line: on a terminal only ------------------------------------
script -qfec "$GLUESCAN -p $DIR/root.hints -i $DIR/domains.txt -o /dev/null --timeout 400" \
    "$TMP/tty.log" >/dev/null 2>&1 || true
if grep -q 'pkt/s, [0-9]* done' "$TMP/tty.log" && grep -q '^gluescan: 26 lines' <(tr '\r' '\n' <"$TMP/tty.log"); then
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
