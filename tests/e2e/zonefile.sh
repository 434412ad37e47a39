#!/usr/bin/env bash
# zonefile.sh -- --parent-zone with the world's TLD zones as a registry publishes them
# (ICANN CZDS form: sorted, one record a line, lower case), plain and gzipped: a list
# checked against the streamed zones, the whole zones scanned with no list, the
# parent-only survey that sends nothing, shards, stop and resume, bad zone files.
# Every verdict is the one the world was built to show, and the findings are those
# of a scan that asks the TLD servers.
set -u
source "$(dirname "$0")/lib.sh"
HINTS=$DIR/root.hints

# czds ZONEFILE: the zone in the registries' form, the SOA first and last.
czds() {
    local soa
    soa=$(grep -P '\tSOA\t' "$1" | tr 'A-Z' 'a-z')
    echo "$soa"
    grep -v -e '^;' -e '^\$' "$1" | grep -vP '\tSOA\t' | tr 'A-Z' 'a-z' | LC_ALL=C sort
    echo "$soa"
}
czds "$DIR/nsd/127.53.1.1/zones/gtest.zone" >"$TMP/gtest.czds"
czds "$DIR/nsd/127.53.2.1/zones/gtest2.zone" >"$TMP/gtest2.czds"
gzip -c "$TMP/gtest.czds" >"$TMP/gtest.czds.gz"
gzip -c "$TMP/gtest2.czds" >"$TMP/gtest2.czds.gz"

# --- a list, checked against the streamed zones -------------------------------
run_scan live "$HINTS" "$DIR/domains.txt"
for form in plain gz; do
    ext=""; [ "$form" = gz ] && ext=.gz
    run_scan "list-$form" "$HINTS" "$DIR/domains.txt" --parent-zone "$TMP/gtest.czds$ext" \
        --parent-zone "$TMP/gtest2.czds$ext" --stats "$TMP/list-$form.stats" --pcap "$TMP/list-$form.pcap"
    check_verdicts "list-$form" "$DIR/expected.tsv" "$DIR/domains.txt"
    same_findings "list-$form" live
    if jq -e '[.zones[] | .streamed] == [true, true]' "$TMP/list-$form.stats" >/dev/null; then
        pass
    else
        fail "[list-$form] the zones were not streamed: $(jq -c .zones "$TMP/list-$form.stats")"
    fi
done
# the TLD servers were asked nothing: the zone files answered for them
tshark -r "$TMP/list-gz.pcap" -Y 'dns.flags.response == 0 && dns.qry.type != 6' -T fields -e ip.dst \
    >"$TMP/list-gz.dst" 2>/dev/null || true
if [ -s "$TMP/list-gz.dst" ] && ! grep -qE '^127\.53\.(1|2)\.1$' "$TMP/list-gz.dst"; then
    pass
else
    fail "[list-gz] questions went to a TLD server whose zone file was given"
fi

# --- the whole zones, no list -------------------------------------------------
whole() {
    local label=$1 rc=0
    shift
    timeout 300 "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$HINTS" "$@" -o "$TMP/$label.ndjson" \
        --stats "$TMP/$label.stats" 2>"$TMP/$label.stderr" || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "[$label] exit $rc: $(head -c 300 "$TMP/$label.stderr")"; fi
    jq -c . "$TMP/$label.ndjson" >"$TMP/$label.json" 2>/dev/null || fail "[$label] output is not NDJSON"
}
# the zones' delegations: NS owners below the apex that are below no other cut
delegations() {
    awk -F'\t' '$4 == "ns" { sub(/\.$/, "", $1); print $1 }' "$TMP/gtest.czds" "$TMP/gtest2.czds" |
        grep -vx -e gtest -e gtest2 | sort -u
}
delegations >"$TMP/delegations.txt"
whole whole --parent-zone "$TMP/gtest.czds.gz" --parent-zone "$TMP/gtest2.czds"
if diff "$TMP/delegations.txt" <(jq -r .domain "$TMP/whole.json" | sort) >"$TMP/whole.setdiff"; then
    pass
else
    fail "[whole] not exactly one line per delegation of the zones:"
    head -10 "$TMP/whole.setdiff" | sed 's/^/    /'
fi
if jq -e --argjson n "$(wc -l <"$TMP/delegations.txt")" \
    '.lines == $n and ([.zones[].delegations] | add) == $n' "$TMP/whole.stats" >/dev/null; then
    pass
else
    fail "[whole] --stats lines and delegations: $(jq -c '{lines, zones}' "$TMP/whole.stats")"
fi
# each delegated case of the world has its verdict, as in the list scan
jq -c "$findings" "$TMP/live.json" | sort >"$TMP/live.findings"
jq -c "$findings" "$TMP/whole.json" | sort >"$TMP/whole.findings"
missing_from_whole=$(comm -23 <(grep -f <(sed 's/.*/"domain":"&"/' "$TMP/delegations.txt") "$TMP/live.findings") \
    "$TMP/whole.findings" | wc -l)
if [ "$missing_from_whole" -eq 0 ]; then
    pass
else
    fail "[whole] $missing_from_whole delegations have other findings than in the list scan"
fi

# --- --parent-only from the zone files: decided from them alone, nothing sent --
whole survey --parent-only --parent-zone "$TMP/gtest.czds.gz" --parent-zone "$TMP/gtest2.czds.gz"
if jq -e '.packets.sent == 0' "$TMP/survey.stats" >/dev/null; then
    pass
else
    fail "[survey] --parent-only from zone files sent $(jq .packets.sent "$TMP/survey.stats") packets"
fi
while IFS=$'\t' read -r domain status _; do
    grep -qx "$domain" "$TMP/delegations.txt" || continue
    case $status in missing) want=missing ;; *) want=delegated ;; esac
    got=$(jq -r --arg d "$domain" 'select(.domain == $d) | .status' "$TMP/survey.json")
    if [ "$got" = "$want" ]; then pass; else fail "[survey] $domain: got '$got' want $want"; fi
done <"$DIR/expected.tsv"

# --- shards of the whole zones: together, every delegation once ---------------
whole shard1 --shard 1/2 --parent-zone "$TMP/gtest.czds" --parent-zone "$TMP/gtest2.czds"
whole shard2 --shard 2/2 --parent-zone "$TMP/gtest.czds" --parent-zone "$TMP/gtest2.czds"
if diff "$TMP/delegations.txt" <(cat "$TMP/shard1.json" "$TMP/shard2.json" | jq -r .domain | sort) >/dev/null; then
    pass
else
    fail "[shard] the two shards do not hold every delegation exactly once"
fi

# --- stopped and resumed: every delegation exactly once -------------------------
# A zone of 3000 delegations whose glue points at a world server that refuses them:
# slow at --rate 300, so the stop comes mid-scan.
soa="gbig.	900	in	soa	ns1.nic.gbig. h.gbig. 1 2 3 4 5"
{
    echo "$soa"
    for i in $(seq -w 0 2999); do
        printf 'd%s.gbig.\t3600\tin\tns\tns1.d%s.gbig.\nns1.d%s.gbig.\t3600\tin\ta\t127.53.10.1\n' "$i" "$i" "$i"
    done | LC_ALL=C sort
    echo "$soa"
} | gzip -c >"$TMP/gbig.czds.gz"
"$GLUESCAN" -q -p "$HINTS" --ipv6 off --rate 300 --parent-zone "$TMP/gbig.czds.gz" -o "$TMP/part1.ndjson" \
    --resume "$TMP/gbig.state" 2>/dev/null &
pid=$!
sleep 2
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
if [ "$rc" -eq 143 ]; then pass; else fail "[resume] the stopped scan exited $rc, want 143"; fi
rc=0; timeout 120 "$GLUESCAN" -q -p "$HINTS" --ipv6 off --rate 5000 --parent-zone "$TMP/gbig.czds.gz" \
    -o "$TMP/part2.ndjson" --resume "$TMP/gbig.state" 2>"$TMP/part2.stderr" || rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "[resume] the resumed scan exited $rc: $(head -c 200 "$TMP/part2.stderr")"; fi
n1=$(wc -l <"$TMP/part1.ndjson")
if [ "$n1" -gt 0 ] && [ "$n1" -lt 3000 ]; then pass; else fail "[resume] the first part wrote $n1 lines: not mid-scan"; fi
if diff <(seq -w 0 2999 | sed 's/^/d/; s/$/.gbig/') \
    <(cat "$TMP/part1.ndjson" "$TMP/part2.ndjson" | jq -r .domain | sort) >/dev/null; then
    pass
else
    fail "[resume] the two parts do not hold every delegation exactly once ($n1 + $(wc -l <"$TMP/part2.ndjson"))"
fi

# --- bad zone files ---------------------------------------------------------------
# a record line that does not parse: skipped, said once with its line number
{
    head -1 "$TMP/gtest.czds"
    { sed '1d;$d' "$TMP/gtest.czds"; printf 'broken.gtest.\t3600\tin\ta\t300.1.2.3\n'; } | LC_ALL=C sort
    tail -1 "$TMP/gtest.czds"
} >"$TMP/badline.czds"
badline_no=$(grep -n '^broken\.gtest' "$TMP/badline.czds" | cut -d: -f1)
whole badline --parent-only --parent-zone "$TMP/badline.czds" --parent-zone "$TMP/gtest2.czds"
if grep -q "badline.czds: 1 record line skipped that does not parse (the first, line $badline_no: bad A address)" \
    "$TMP/badline.stderr" && [ "$(wc -l <"$TMP/badline.json")" -eq "$(wc -l <"$TMP/delegations.txt")" ]; then
    pass
else
    fail "[badline] $(head -c 300 "$TMP/badline.stderr"), $(wc -l <"$TMP/badline.json") lines"
fi
# truncated gzip, a pipe, a zone without SOA, a memory bound below what the zone takes
head -c 300 "$TMP/gbig.czds.gz" >"$TMP/cut.czds.gz"
expect_refusal() {
    local label=$1 want=$2 rc=0
    shift 2
    timeout 60 "$GLUESCAN" -q -p "$HINTS" "$@" -o "$TMP/$label.out" 2>"$TMP/$label.err" || rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/$label.err")" -eq 1 ] && grep -q "$want" "$TMP/$label.err"; then
        pass
    else
        fail "[$label] exit $rc, stderr: $(head -c 300 "$TMP/$label.err")"
    fi
}
expect_refusal truncated 'truncated gzip' --parent-zone "$TMP/cut.czds.gz"
expect_refusal pipe 'not a pipe' --parent-zone <(cat "$TMP/gtest.czds")
printf 'ok.gtest.\t3600\tin\tns\tns1.ok.gtest.\n' >"$TMP/nosoa.czds"
expect_refusal nosoa 'SOA' --parent-zone "$TMP/nosoa.czds"
# 300,000 glue records hold more than the smallest --max-memory (16M)
{
    printf 'gmem.\t900\tin\tsoa\ta.gmem. b.gmem. 1 2 3 4 5\n'
    seq -w 1 300000 | awk '{ printf "d%s.gmem.\t3600\tin\tns\tns1.d%s.gmem.\nns1.d%s.gmem.\t3600\tin\ta\t10.0.0.1\n", $1, $1, $1 }' |
        LC_ALL=C sort
} >"$TMP/gmem.czds"
expect_refusal memory 'is less than the .* MiB the zone files and hints already take' \
    --max-memory 16M --parent-only --parent-zone "$TMP/gmem.czds"

summary
