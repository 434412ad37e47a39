#!/usr/bin/env bash
# Stopping and resuming, input as users give it, several scans on one host:
# SIGINT/SIGTERM end a slow scan within 2 s and the resumed scan writes every
# other line exactly once (with --per-server, --shuffle, --shard, a .gz
# input); a producer that trickles lines into a pipe gets every verdict
# right; IDN and UTF-8 lines; three shards started together on default ports.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

HINTS="$DIR/root.hints"
EXP="$DIR/expected.tsv"

# --- the input: the world 40 times, with comments, blanks, invalid and IDN lines
{
    echo "# a scan interrupted and resumed"
    for i in $(seq 40); do
        cat "$DIR/domains.txt"
        echo
        echo "bad..name$i"
        echo "café.gtest"
    done
} >"$TMP/stop.in"
# What each line should give: .input for invalid and IDN lines, else .domain.
input_domains "$TMP/stop.in" | sort >"$TMP/stop.want"

# line_keys FILE...: the same key of every output line, sorted
line_keys() { cat "$@" | jq -r '.input // .domain' | sort; }

# stop_and_resume LABEL SIGNAL WANT_RC [OPTION...]  (the input: $STOP_IN, else stop.in)
stop_and_resume() {
    local label=$1 sig=$2 want_rc=$3 pid rc=0 t0 t1 ms in=${STOP_IN:-$TMP/stop.in}
    shift 3
    local state="$TMP/$label.state" p1="$TMP/$label.1" p2="$TMP/$label.2"
    "$GLUESCAN" -q -p "$HINTS" --timeout 400 -i "$in" -o "$p1" --resume "$state" \
        --rate 200 --window 5000 "$@" 2>"$TMP/$label.stderr" &
    pid=$!
    sleep 2
    t0=$(date +%s%N)
    kill "-$sig" "$pid"
    wait "$pid" || rc=$?
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ "$rc" -eq "$want_rc" ] && [ "$ms" -le 2000 ] && [ -s "$state" ]; then
        pass
    else
        fail "[$label] SIG$sig: exit $rc after $ms ms (want $want_rc within 2000 ms and a state file)"
    fi
    if [ -s "$p1" ] && [ "$(wc -l <"$p1")" -lt "$(wc -l <"$TMP/want.$label")" ]; then
        pass
    else
        fail "[$label] the stopped part wrote $(wc -l <"$p1") lines: not a partial scan"
    fi
    rc=0
    # the rest at full speed: no --per-server cap (the last option wins)
    "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$HINTS" -i "$in" -o "$p2" --resume "$state" \
        "$@" --per-server 0 2>>"$TMP/$label.stderr" || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "[$label] resumed scan exit $rc"; fi
    if diff "$TMP/want.$label" <(line_keys "$p1" "$p2") >"$TMP/$label.diff"; then
        pass
    else
        fail "[$label] the two parts do not hold each input line once (< missing, > extra):"
        grep '^[<>]' "$TMP/$label.diff" | sort | uniq -c | head -8 | sed 's/^/    /'
    fi
    # and the verdicts of the resumed part are right
    local wrong
    wrong=$(jq -r 'select(.domain != null and .status != "invalid") | "\(.domain)\t\(.status)\t\(.resolvable)"' \
        "$p1" "$p2" | sort -u | comm -23 - <(sort "$EXP") | wc -l)
    if [ "$wrong" -eq 0 ]; then pass; else fail "[$label] $wrong verdicts differ from expected.tsv"; fi
}

cp "$TMP/stop.want" "$TMP/want.int"
stop_and_resume int INT 130
cp "$TMP/stop.want" "$TMP/want.term"
stop_and_resume term TERM 143
cp "$TMP/stop.want" "$TMP/want.perserver"
stop_and_resume perserver TERM 143 --per-server 20
cp "$TMP/stop.want" "$TMP/want.shuffle"
stop_and_resume shuffle INT 130 --shuffle 300 --seed 7
# line k (from 0) belongs to slice k mod 3 + 1
awk 'NR % 3 == 2' "$TMP/stop.in" >"$TMP/stop.shard2.in"
input_domains "$TMP/stop.shard2.in" | sort >"$TMP/want.shard"
stop_and_resume shard TERM 143 --shard 2/3
# a gzip input: the state counts its inflated text, and the resumed scan reads it again
gzip -c "$TMP/stop.in" >"$TMP/stop.in.gz"
cp "$TMP/stop.want" "$TMP/want.gzip"
STOP_IN="$TMP/stop.in.gz" stop_and_resume gzip INT 130

# --- a second signal ends at once -------------------------------------------
"$GLUESCAN" -q -p "$HINTS" -i "$TMP/stop.in" -o /dev/null --rate 50 --resume "$TMP/twice.state" 2>/dev/null &
pid=$!; sleep 1; kill -INT "$pid"; kill -INT "$pid"; rc=0; wait "$pid" || rc=$?
if [ "$rc" -eq 130 ]; then pass; else fail "[twice] two SIGINTs: exit $rc, want 130"; fi

# --- a resume file of another format is refused --------------------------------
printf 'gluescan-resume 1\noffset 0\nlines 0\n' >"$TMP/old.state"
rc=0; "$GLUESCAN" -q -p "$HINTS" -i "$TMP/stop.in" -o "$TMP/old.out" --resume "$TMP/old.state" \
    2>"$TMP/old.err" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/old.err")" -eq 1 ] && grep -q 'format 1' "$TMP/old.err" &&
    [ ! -s "$TMP/old.out" ]; then
    pass
else
    fail "[old-format] exit $rc, stderr: $(head -c 200 "$TMP/old.err")"
fi

# --- a producer trickling one line per 100 ms -----------------------------------
# The reader never holds up the loop: every verdict right, the first one out
# long before the producer is done.
start=$(date +%s%N)
(while read -r d; do echo "$d"; sleep 0.1; done <"$DIR/domains.txt") |
    "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$HINTS" -i - --per-server 0 2>"$TMP/trickle.stderr" |
    while read -r l; do echo "$(( ($(date +%s%N) - start) / 1000000 )) $l"; done >"$TMP/trickle.timed"
cut -d' ' -f2- "$TMP/trickle.timed" >"$TMP/trickle.ndjson"
jq -c . "$TMP/trickle.ndjson" >"$TMP/trickle.json" 2>/dev/null
check_verdicts trickle "$EXP" "$DIR/domains.txt"
first_ms=$(head -1 "$TMP/trickle.timed" | cut -d' ' -f1)
n=$(wc -l <"$DIR/domains.txt")
if [ -n "$first_ms" ] && [ "$first_ms" -lt $(( n * 100 / 2 )) ]; then
    pass
else
    fail "[trickle] first verdict after ${first_ms:-no} ms; the producer needs $(( n * 100 )) ms"
fi

# --- IDN and UTF-8 lines ---------------------------------------------------------
printf 'café.gtest\nCAFÉ.gtest\nbücher.gtest\n☃.gtest\nça va.gtest\ncaf\xe9.gtest\nnul\x01byte.gtest\n' >"$TMP/idn.in"
run_scan idn "$HINTS" "$TMP/idn.in"
idn() { jq -e -s "$1" "$TMP/idn.json" >/dev/null && pass || fail "[idn] $2"; }
idn 'length == 7' "want 7 lines, got $(wc -l <"$TMP/idn.json")"
idn 'map(select(.input == "café.gtest"))[0] | .domain == "xn--caf-dma.gtest" and .status == "ok"' \
    'café.gtest: not scanned as xn--caf-dma.gtest, or not ok'
idn 'map(select(.input == "CAFÉ.gtest"))[0] | .domain == "xn--caf-dma.gtest" and .status == "ok"' \
    'CAFÉ.gtest: not mapped to xn--caf-dma.gtest'
idn 'map(select(.input == "bücher.gtest"))[0] | .domain == "xn--bcher-kva.gtest" and .status == "nxdomain"' \
    'bücher.gtest: not nxdomain under xn--bcher-kva.gtest'
idn 'map(select(.input == "☃.gtest"))[0] | .status == "invalid" and .domain == null and (.error | test("disallowed"))' \
    '☃.gtest: not invalid with libidn2'"'"'s reason'
idn 'map(select(.input == "ça va.gtest"))[0] | .status == "invalid"' \
    'a valid UTF-8 line that is no name: input not kept as written'
idn 'map(select(.input == "caf\ufffd.gtest"))[0] | .status == "invalid"' \
    'a Latin-1 byte: not U+FFFD in .input'
idn 'map(select(.input == "nul\u0001byte.gtest"))[0] | .status == "invalid"' \
    'a control character: not kept (escaped) in .input'
if iconv -f UTF-8 -t UTF-8 "$TMP/idn.ndjson" >/dev/null 2>&1; then pass; else fail "[idn] output is not valid UTF-8"; fi

# --- three shards at once, default source ports ----------------------------------
for i in $(seq 30); do cat "$DIR/domains.txt"; done >"$TMP/three.in"
pids=()
for i in 1 2 3; do
    "$GLUESCAN" "${SCAN_OPTS[@]}" -p "$HINTS" -i "$TMP/three.in" -o "$TMP/three.$i" --shard "$i/3" \
        --per-server 0 2>"$TMP/three.$i.err" &
    pids+=($!)
done
for i in 0 1 2; do
    rc=0; wait "${pids[$i]}" || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "[three] shard $((i + 1)) exit $rc: $(head -c 200 "$TMP/three.$((i + 1)).err")"; fi
done
if diff <(sort "$TMP/three.in") <(line_keys "$TMP/three.1" "$TMP/three.2" "$TMP/three.3") >/dev/null; then
    pass
else
    fail "[three] the three outputs do not hold every line exactly once"
fi

summary
