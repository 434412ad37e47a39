#!/usr/bin/env bash
# Gzip read directly: the domain list from a .gz file and through a pipe,
# the hints, --exclude and --server-rate as .gz, with the verdicts of the
# plain scan; a truncated or corrupt .gz ends the scan with exit 2 and one
# line naming it, after the lines before the damage, and --resume then goes
# on from there exactly.
#
#   tests/e2e/gzip.sh      (as root)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# verdicts LABEL: domain, status, resolvable of each line, sorted
verdicts() { jq -r '"\(.domain)\t\(.status)\t\(.resolvable)"' "$TMP/$1.json" | sort; }
same_verdicts() {
    if diff <(verdicts "$1") <(verdicts "$2") >"$TMP/$2.vdiff"; then
        pass
    else
        fail "[$2] verdicts differ from the plain scan's: $(head -5 "$TMP/$2.vdiff" | tr '\n' ' ')"
    fi
}

# --- -i FILE.gz, -i - from a pipe, hints and --exclude as .gz -----------------
gzip -c "$DIR/domains.txt" >"$TMP/domains.txt.gz"
gzip -c "$DIR/root.hints" >"$TMP/root.hints.gz"
run_scan plain "$DIR/root.hints" "$DIR/domains.txt"
check_verdicts plain "$DIR/expected.tsv" "$DIR/domains.txt"
run_scan gzfile "$DIR/root.hints" "$TMP/domains.txt.gz"
check_verdicts gzfile "$DIR/expected.tsv" "$DIR/domains.txt"
same_verdicts plain gzfile
: >"$TMP/gzpipe.ndjson"
rc=0
gzip -c "$DIR/domains.txt" | "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$DIR/root.hints" -i - \
    -o "$TMP/gzpipe.ndjson" 2>"$TMP/gzpipe.stderr" || rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "[gzpipe] exit $rc: $(head -c 300 "$TMP/gzpipe.stderr")"; fi
jq -c . "$TMP/gzpipe.ndjson" >"$TMP/gzpipe.json"
check_verdicts gzpipe "$DIR/expected.tsv" "$DIR/domains.txt"
same_verdicts plain gzpipe
# two members, as `cat a.gz b.gz` makes them
head -n 10 "$DIR/domains.txt" | gzip -c >"$TMP/members.gz"
tail -n +11 "$DIR/domains.txt" | gzip -c >>"$TMP/members.gz"
run_scan members "$DIR/root.hints" "$TMP/members.gz"
check_verdicts members "$DIR/expected.tsv" "$DIR/domains.txt"
run_scan gzhints "$TMP/root.hints.gz" "$TMP/domains.txt.gz"
same_verdicts plain gzhints
printf 'ok-mixed.gtest\n127.53.20.2\n' | gzip -c >"$TMP/exclude.gz"
run_scan gzexclude "$DIR/root.hints" "$DIR/domains.txt" --exclude "$TMP/exclude.gz"
evidence gzexclude ok-mixed.gtest "not excluded by a .gz --exclude" '.status == "excluded"'
evidence gzexclude lame-refused.gtest "an address of a .gz --exclude was asked" \
    'any(.ns[].servers[]; .addr == "127.53.20.2" and .result == "excluded")'

# --- a damaged .gz: exit 2, one line naming it, the lines before it written ----
for i in $(seq 30); do cat "$DIR/domains.txt"; done >"$TMP/big.txt"
total=$(wc -l <"$TMP/big.txt")
gzip -c "$TMP/big.txt" >"$TMP/big.gz"
size=$(stat -c %s "$TMP/big.gz")
head -c $((size / 2)) "$TMP/big.gz" >"$TMP/trunc.gz"
# the whole lines in what zlib can inflate of the first half
before=$(python3 -c 'import sys, zlib
print(zlib.decompressobj(31).decompress(open(sys.argv[1], "rb").read()).count(b"\n"))' "$TMP/trunc.gz")
# damaged SCAN_LABEL FILE WANT_MESSAGE WANT_LINES [OPTION...]
damaged() {
    local label=$1 file=$2 want=$3 lines=$4 rc=0
    shift 4
    "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$DIR/root.hints" -i "$file" -o "$TMP/$label.ndjson" "$@" \
        2>"$TMP/$label.err" || rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/$label.err")" -eq 1 ] &&
        [ "$(cat "$TMP/$label.err")" = "gluescan: $file: $want (after $lines lines)" ]; then
        pass
    else
        fail "[$label] exit $rc (want 2), stderr: $(head -3 "$TMP/$label.err" | tr '\n' '|') (want '$want (after $lines lines)')"
    fi
    if [ "$(wc -l <"$TMP/$label.ndjson")" -eq "$lines" ] &&
        diff <(head -n "$lines" "$TMP/big.txt" | sort) <(jq -r .domain "$TMP/$label.ndjson" | sort) >/dev/null; then
        pass
    else
        fail "[$label] $(wc -l <"$TMP/$label.ndjson") lines written, want the $lines lines before the damage"
    fi
}
if [ "$before" -gt 0 ] && [ "$before" -lt "$total" ]; then pass; else fail "[truncated] the test file inflates to $before lines"; fi
damaged truncated "$TMP/trunc.gz" "truncated gzip input" "$before"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-8] ^= 0x55
open(sys.argv[2], "wb").write(d)' "$TMP/big.gz" "$TMP/crc.gz"
damaged crc "$TMP/crc.gz" "corrupt gzip input: incorrect data check" "$total"
# through a pipe, the message names stdin
rc=0
"$GLUESCAN" "${SCAN_OPTS[@]}" -p "$DIR/root.hints" -i - -o /dev/null <"$TMP/trunc.gz" 2>"$TMP/pipe-trunc.err" || rc=$?
if [ "$rc" -eq 2 ] && grep -qx "gluescan: stdin: truncated gzip input (after $before lines)" "$TMP/pipe-trunc.err"; then
    pass
else
    fail "[pipe-trunc] exit $rc: $(cat "$TMP/pipe-trunc.err")"
fi
# a truncated hints or exclude file: exit 2, one line, nothing scanned
# truncated_conf WHAT FILE.gz OPTION...
truncated_conf() {
    local what=$1 file=$2 rc=0
    shift 2
    head -c $(($(stat -c %s "$file") - 4)) "$file" >"$TMP/trunc-$what.gz"
    "$GLUESCAN" -q "$@" "$TMP/trunc-$what.gz" ok-glue.gtest >"$TMP/bad.out" 2>"$TMP/bad.err" || rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s "$TMP/bad.out" ] &&
        [ "$(cat "$TMP/bad.err")" = "gluescan: $TMP/trunc-$what.gz: truncated gzip input" ]; then
        pass
    else
        fail "[truncated $what] exit $rc, stdout $(wc -c <"$TMP/bad.out") bytes: $(head -3 "$TMP/bad.err")"
    fi
}
truncated_conf hints "$TMP/root.hints.gz" -p
truncated_conf exclude "$TMP/domains.txt.gz" -p "$DIR/root.hints" --exclude
printf '127.53.0.0/16 500\n127.53.1.1 100\n' | gzip -c >"$TMP/rates.gz"
truncated_conf server-rate "$TMP/rates.gz" -p "$DIR/root.hints" --server-rate
run_scan gzrates "$DIR/root.hints" "$TMP/domains.txt.gz" --server-rate "$TMP/rates.gz"
same_verdicts plain gzrates

# --- the damaged file's --resume state, then the whole file: each line once ----
rm -f "$TMP/fix.state"
damaged fix1 "$TMP/trunc.gz" "truncated gzip input" "$before" --resume "$TMP/fix.state"
rc=0
"$GLUESCAN" "${SCAN_OPTS[@]}" -p "$DIR/root.hints" -i "$TMP/big.gz" -o "$TMP/fix2.ndjson" \
    --resume "$TMP/fix.state" 2>"$TMP/fix2.err" || rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "[fix] the resumed scan of the whole file: exit $rc: $(head -c 300 "$TMP/fix2.err")"; fi
if diff <(sort "$TMP/big.txt") <(cat "$TMP/fix1.ndjson" "$TMP/fix2.ndjson" | jq -r .domain | sort) >/dev/null; then
    pass
else
    fail "[fix] the two parts ($(wc -l <"$TMP/fix1.ndjson") + $(wc -l <"$TMP/fix2.ndjson") lines) do not hold each of the $total lines once"
fi

summary
