#!/usr/bin/env bash
# Checks tools/czds-zone, the zone benchmark's generator, checker and child
# servers (make bench-zone), on a zone of 100,000 delegations:
#   - the zone is in CZDS form: SOA first and last, tabs, owners in text order
#     (so each owner's records are consecutive), and the counts its --stats gives;
#     the same seed gives the same bytes;
#   - `names` lists exactly the zone's delegations;
#   - the checker passes gluescan's --parent-only verdicts and catches a line
#     dropped, doubled, a status or a glue address changed;
#   - `serve` answers as the zone says, and gluescan probing the children of
#     2,000 delegations gets ok or missing, as the checker expects.
# Starts czds-zone serve on 127.55.2.0/26 and 127.55.3.1: run it in a network
# namespace of its own. Prints one line per failing check, then "N passed, M failed".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
GLUESCAN=${GLUESCAN:-./gluescan}
CZ=build/czds-zone
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-czds.XXXXXX")
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

PASS=0 FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
check() { if eval "$2"; then pass; else fail "$1"; fi; }

[ -x "$CZ" ] || make -s "$CZ" >/dev/null
MODEL=(-n 100000 --seed 5 --pool 127.55.2.0/26)
Z=$TMP/zone.txt
"$CZ" gen "${MODEL[@]}" --stats "$TMP/stats.json" >"$Z"

# --- the zone's form
check "SOA first" '[ "$(head -1 "$Z" | cut -f1,3,4)" = "$(printf "com.\tin\tsoa")" ]'
check "SOA last, the same" '[ "$(tail -1 "$Z")" = "$(head -1 "$Z")" ]'
check "five tab-separated fields, lower case" \
    '! awk -F"\t" "NF != 5 || \$3 != \"in\" || \$1 !~ /^[a-z0-9.-]+\\.\$/" "$Z" | grep -q .'
check "owners in text order" 'sed "1,3d;\$d" "$Z" | cut -f1 | LC_ALL=C sort -c'
awk -F'\t' 'NR > 3 { n[$4]++ } $4 == "ns" && $1 != "com." && $1 != last { d++; last = $1 }
    END { printf "%d %d %d %d\n", d, n["ns"], n["ds"], n["a"] + n["aaaa"] - 0 }' "$Z" >"$TMP/counted"
check "counts as --stats says" '[ "$(cat "$TMP/counted")" = "$(jq -r "\"\(.delegations) \(.ns_records) \(.ds_records) \(.glue_records)\"" "$TMP/stats.json")" ]'
check "lines as --stats says" '[ "$(wc -l <"$Z")" = "$(jq .lines "$TMP/stats.json")" ]'
check "no owner's records apart" \
    '[ "$(sed "1,3d;\$d" "$Z" | cut -f1 | uniq | wc -l)" = "$(sed "1,3d;\$d" "$Z" | cut -f1 | sort -u | wc -l)" ]'
check "the same seed, the same zone" '"$CZ" gen "${MODEL[@]}" | cmp -s - "$Z"'
check "another seed, another zone" '! "$CZ" gen -n 100000 --seed 6 --pool 127.55.2.0/26 | cmp -s - "$Z"'
# a missing delegation: an in-domain NS name with no A or AAAA record in the zone
awk -F'\t' '$4 == "a" || $4 == "aaaa" { glue[$1] = 1 }
    $4 == "ns" && $1 != "com." { ns[$1] = ns[$1] " " $5 }
    END { for (d in ns) { k = split(ns[d], t, " "); for (i = 1; i <= k; i++)
            if (substr(t[i], length(t[i]) - length(d)) == "." d && !(t[i] in glue)) { m++; break } }
          print m + 0 }' "$Z" >"$TMP/missing"
check "missing glue as --stats says" '[ "$(cat "$TMP/missing")" = "$(jq .missing "$TMP/stats.json")" ]'

# --- names and the checker, on gluescan's --parent-only verdicts
awk -F'\t' '$4 == "ns" && $1 != "com." { print substr($1, 1, length($1) - 1) }' "$Z" | uniq >"$TMP/owners"
"$CZ" names "${MODEL[@]}" >"$TMP/names"
check "names: the zone's delegations, in order" 'cmp -s "$TMP/names" "$TMP/owners"'
printf 'net. 3600 IN NS a.nic-servers.net.\na.nic-servers.net. 3600 IN A 127.55.3.1\n' >"$TMP/hints"
"$GLUESCAN" --parent-zone "$Z" --parent-only -q -r 1000000 -p "$TMP/hints" -i "$TMP/names" >"$TMP/parent.ndjson"
check "checker: gluescan's verdicts right" '"$CZ" check "${MODEL[@]}" <"$TMP/parent.ndjson" >"$TMP/c.json" && [ "$(jq .lines "$TMP/c.json")" = 100000 ]'
check "checker: a line dropped" '! sed 7d "$TMP/parent.ndjson" | "$CZ" check "${MODEL[@]}" >/dev/null'
check "checker: a line twice" '! sed 7p "$TMP/parent.ndjson" | "$CZ" check "${MODEL[@]}" >/dev/null'
check "checker: a status changed" \
    '! sed "7s/\"status\":\"[a-z]*\"/\"status\":\"lame\"/" "$TMP/parent.ndjson" | "$CZ" check "${MODEL[@]}" >/dev/null'
n=$(grep -n -m1 '"in_domain":true,"glue":\["' "$TMP/parent.ndjson" | cut -d: -f1)
check "checker: a glue address changed" \
    '! sed "${n}s/\"glue\":\[\"1/\"glue\":[\"2/" "$TMP/parent.ndjson" | "$CZ" check "${MODEL[@]}" >/dev/null'
check "checker: another zone's verdicts" '! "$CZ" check -n 100000 --seed 6 --pool 127.55.2.0/26 <"$TMP/parent.ndjson" >/dev/null'

# --- the child servers, and a scan with the children probed
"$CZ" serve "${MODEL[@]}" 127.55.3.1 &
SERVER=$!
for _ in $(seq 50); do dig +short +norec +time=1 +tries=1 @127.55.3.1 ns1.x.net A | grep -q . && break; sleep 0.1; done
host=$(awk -F'\t' '$4 == "a" { print $1 "\t" $5; exit }' "$Z")
check "serve: a glue host's address as the zone has it" \
    '[ "$(dig +short +norec @127.55.2.1 "${host%%	*}" A)" = "${host##*	}" ]'
d=$(awk -F'\t' '$4 == "ns" && $1 != "com." { print $1; exit }' "$Z")
check "serve: a child's NS set as the zone has it" \
    '[ "$(dig +short +norec @127.55.2.1 "$d" NS | sort)" = "$(awk -F"\t" -v d="$d" "\$1 == d && \$4 == \"ns\" { print \$5 }" "$Z" | sort)" ]'
head -2000 "$TMP/names" >"$TMP/sample"
"$GLUESCAN" --parent-zone "$Z" -q -r 50000 --ipv6 off -p "$TMP/hints" -i "$TMP/sample" >"$TMP/probed.ndjson"
check "children probed: every verdict as the zone says" \
    '"$CZ" check "${MODEL[@]}" --probed --any <"$TMP/probed.ndjson" >"$TMP/p.json" && [ "$(jq .lines "$TMP/p.json")" = 2000 ]'
check "children probed: ok and missing both seen" '[ "$(jq ".statuses | keys | join(\",\")" -r "$TMP/p.json")" = "missing,ok" ]'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
