#!/usr/bin/env bash
# Hardening tests against the NSD world: hostile input, bad options, missing
# privileges, interruption and resume, forged answers. Every valid input line
# must still yield exactly one correct line.
#
#   tests/e2e/hardening.sh      (as root)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORTS=61000-61999

# peak_rss_kb CMD... : run CMD, print its peak resident set in KiB
peak_rss_kb() {
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

# --- hostile input ------------------------------------------------------------
# garbage FILE N: N lines that can never be names (a space or a byte >= 0x80
# in the middle), a NUL line, a 1 MB line, random bytes.
garbage() {
    python3 - "$1" "$2" <<'PY'
import random, sys
random.seed(7)
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(b"nul\x00inside.gtest\n")
    f.write(b"x" * (1 << 20) + b".gtest\n")
    for i in range(n):
        body = bytes(random.choice(range(1, 256)) for _ in range(random.randint(1, 40)))
        body = body.replace(b"\n", b"?").replace(b"\r", b"?")
        f.write(b"g" + body + random.choice((b" ", b"\xff")) + b"z\n")
PY
}
garbage "$TMP/garbage.in" 20000
{ sed 's/$/\r/' targets/demo.txt; cat "$TMP/garbage.in"; } >"$TMP/hostile.in"
run_scan hostile "$DIR/root.hints" "$TMP/hostile.in"
n_demo=$(grep -c . targets/demo.txt)
n_bad=$((20000 + 2))
n_invalid=$(jq -r 'select(.status == "invalid") | .status' "$TMP/hostile.json" | wc -l)
n_valid=$(jq -r 'select(.status != "invalid") | .domain' "$TMP/hostile.json" | wc -l)
if [ "$n_invalid" -eq "$n_bad" ]; then pass; else fail "[hostile] $n_invalid invalid lines, want $n_bad"; fi
if [ "$n_valid" -eq "$n_demo" ]; then pass; else fail "[hostile] $n_valid verdicts for the CRLF demo lines, want $n_demo"; fi
check_verdicts_only() {
    local label=$1 json="$TMP/$1.json" domain status resolvable got
    while IFS=$'\t' read -r domain status resolvable; do
        got=$(jq -r --arg d "$domain" 'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$json")
        if [ "$got" = "$status/$resolvable" ]; then pass; else fail "$domain: got '$got' want $status/$resolvable ($label)"; fi
    done <"$DIR/expected.tsv"
}
check_verdicts_only hostile
if jq -e -s 'map(select(.status == "invalid")) | all(.input | type == "string") and all(.error | length > 0)' \
    "$TMP/hostile.json" >/dev/null; then pass; else fail "[hostile] invalid lines lack .input or .error"; fi
# memory does not grow with the input: 10x the garbage, about the same peak
garbage "$TMP/garbage10.in" 200000
rss_small=$(peak_rss_kb "$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/garbage.in")
rss_big=$(peak_rss_kb "$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/garbage10.in")
if [ "$rss_big" -lt $((rss_small + 8192)) ]; then
    pass
else
    fail "[hostile] peak RSS grew from ${rss_small} KiB (20k lines) to ${rss_big} KiB (200k lines)"
fi
echo "hostile input: 20k garbage lines peak ${rss_small} KiB, 200k lines ${rss_big} KiB" >&2

# --- the whole world scanned under valgrind: no error, no leak ----------------
if valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --error-exitcode=99 "$GLUESCAN" -q -p "$DIR/root.hints" --timeout 1000 -i "$DIR/domains.txt" \
    -o "$TMP/valgrind.ndjson" 2>"$TMP/valgrind.log"; then
    pass
else
    fail "[valgrind] memcheck reports errors or leaks:"
    head -40 "$TMP/valgrind.log" | sed 's/^/    /'
fi
jq -c . "$TMP/valgrind.ndjson" >"$TMP/valgrind.json"
check_verdicts_only valgrind

# --- domains whose resolutions wait on each other fill the window: no hang ----
for i in $(seq 5); do printf 'lame-cycle-a.gtest\nlame-cycle-b.gtest\n'; done >"$TMP/cycle.in"
cat targets/demo.txt >>"$TMP/cycle.in"
rc=0
timeout 120 "$GLUESCAN" -q -p "$DIR/root.hints" --window 2 --timeout 300 -i "$TMP/cycle.in" \
    -o "$TMP/cycle.ndjson" 2>"$TMP/cycle.err" || rc=$?
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/cycle.ndjson")" -eq "$(wc -l <"$TMP/cycle.in")" ]; then
    pass
else
    fail "[cycle] exit $rc with $(wc -l <"$TMP/cycle.ndjson") of $(wc -l <"$TMP/cycle.in") lines: $(head -c 200 "$TMP/cycle.err")"
fi
if [ "$(jq -r 'select(.domain | startswith("lame-cycle")) | "\(.status)/\(.resolvable)"' "$TMP/cycle.ndjson" | sort -u)" = lame/false ]; then
    pass
else
    fail "[cycle] the cycle domains are not all lame/false"
fi

# --- bad options and files: exit 2, one line on stderr, nothing on stdout -----
bad_call() {
    local what=$1 rc=0; shift
    "$GLUESCAN" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err" </dev/null || rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s "$TMP/bad.out" ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ]; then
        pass
    else
        fail "[$what] exit $rc, stdout $(wc -c <"$TMP/bad.out") bytes, stderr $(wc -l <"$TMP/bad.err") lines: $(head -c 200 "$TMP/bad.err")"
    fi
}
bad_call "unknown flag" --no-such-flag -p "$DIR/root.hints" ok-glue.gtest
bad_call "bad rate" -r fast -p "$DIR/root.hints" ok-glue.gtest
bad_call "missing value" -p "$DIR/root.hints" ok-glue.gtest --timeout
bad_call "unreadable input" -p "$DIR/root.hints" -i "$TMP/does-not-exist"
bad_call "unreadable hints" -p "$TMP/does-not-exist" ok-glue.gtest
bad_call "input is a directory" -p "$DIR/root.hints" -i "$TMP"
printf 'gtest. NS relative-name\n' >"$TMP/bad.hints"
bad_call "bad hints" -p "$TMP/bad.hints" ok-glue.gtest

# --- without CAP_NET_RAW: one line that says how to grant it -------------------
install -d -m 755 "$TMP/nopriv"
install -m 755 "$GLUESCAN" "$TMP/nopriv/gluescan"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    "$TMP/nopriv/gluescan" -p "$DIR/root.hints" ok-glue.gtest >"$TMP/nopriv.out" 2>"$TMP/nopriv.err" || rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/nopriv.err")" -eq 1 ] && grep -q 'setcap cap_net_raw,cap_net_admin=eip' "$TMP/nopriv.err" \
    && [ ! -s "$TMP/nopriv.out" ]; then
    pass
else
    fail "[no privilege] exit $rc, stderr: $(cat "$TMP/nopriv.err")"
fi

# --- SIGINT, then --resume: the two outputs hold each input line once ---------
for i in $(seq 30); do cat targets/demo.txt; done >"$TMP/resume.in"
rm -f "$TMP/resume.state"
"$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/resume.in" -o "$TMP/part1.ndjson" --window 20 -r 400 \
    --timeout 300 --resume "$TMP/resume.state" 2>/dev/null &
pid=$!
sleep 1.5
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
if [ "$rc" -eq 130 ] && [ -s "$TMP/resume.state" ]; then pass; else fail "[resume] first part exit $rc, want 130 and a state file"; fi
rc=0
"$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/resume.in" -o "$TMP/part2.ndjson" --timeout 300 \
    --resume "$TMP/resume.state" 2>/dev/null || rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "[resume] second part exit $rc"; fi
n1=$(wc -l <"$TMP/part1.ndjson"); n2=$(wc -l <"$TMP/part2.ndjson")
missing=$(comm -23 <(sort "$TMP/resume.in") <(cat "$TMP/part1.ndjson" "$TMP/part2.ndjson" | jq -r .domain | sort) | wc -l)
extra=$(comm -13 <(sort "$TMP/resume.in") <(cat "$TMP/part1.ndjson" "$TMP/part2.ndjson" | jq -r .domain | sort) | wc -l)
if [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ "$missing" -eq 0 ] && [ "$extra" -eq 0 ]; then
    pass
else
    fail "[resume] part1 $n1 + part2 $n2 lines for $(wc -l <"$TMP/resume.in") inputs: $missing missing, $extra duplicate"
fi
echo "resume: part1 $n1 lines, part2 $n2 lines, missing $missing, duplicate $extra" >&2
rc=0
"$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/resume.in" -o "$TMP/part3.ndjson" --resume "$TMP/resume.state" 2>/dev/null || rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/part3.ndjson" ]; then pass; else fail "[resume] resuming a complete scan: exit $rc, $(wc -l <"$TMP/part3.ndjson") lines"; fi
# a resume state is refused for another input
rm -f "$TMP/other.state"
"$GLUESCAN" -q -p "$DIR/root.hints" -i "$TMP/resume.in" -o /dev/null --window 5 -r 200 \
    --resume "$TMP/other.state" 2>/dev/null &
pid=$!; sleep 1; kill -TERM "$pid"; wait "$pid" || true
sort -r "$TMP/resume.in" >"$TMP/other.in"
bad_call "resume with another input" -p "$DIR/root.hints" -i "$TMP/other.in" -o "$TMP/other.ndjson" --resume "$TMP/other.state"

# --- forged answers: a flood during the scan changes nothing -------------------
servers=127.53.0.1,127.53.1.1,127.53.2.1,127.53.10.1,127.53.10.2,127.53.20.1,127.53.20.2,127.53.13.1,127.53.12.1
"$REPO/tools/forge" --ports "$PORTS" --servers "$servers" --names targets/demo.txt --seconds 6 \
    >"$TMP/forge.count" &
forger=$!
sleep 0.5
"$GLUESCAN" -r 60 --timeout 400 --retries 2 --source-port "$PORTS" -p "$DIR/root.hints" \
    -i "$DIR/domains.txt" -o "$TMP/forged.ndjson" 2>"$TMP/forged.stderr" || fail "[forged] scanner failed"
wait "$forger" || fail "[forged] forger failed"
jq -c . "$TMP/forged.ndjson" >"$TMP/forged.json"
check_verdicts_only forged
if [ "$(wc -l <"$TMP/forged.json")" -eq "$n_demo" ]; then pass; else fail "[forged] $(wc -l <"$TMP/forged.json") lines, want $n_demo"; fi
dropped=$(sed -n 's/.*dropped \([0-9]*\).*/\1/p' "$TMP/forged.stderr")
if [ "${dropped:-0}" -gt 1000 ]; then pass; else fail "[forged] the drop counter shows ${dropped:-nothing}: $(cat "$TMP/forged.stderr")"; fi
echo "forged: $(cat "$TMP/forge.count") packets sent; scanner: $(sed -n 's/.*\(dropped.*\)/\1/p' "$TMP/forged.stderr")" >&2

summary
