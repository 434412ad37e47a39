#!/usr/bin/env bash
# End-to-end test: scan the NSD test world (tools/world) with ./gluescan and
# compare every verdict with tools/world_cases.txt.
#
#   tests/e2e/run.sh            (as root: NSD binds port 53, gluescan sends raw packets)
#
# Environment:
#   GLUESCAN            scanner binary (default ./gluescan at the repo root)
#   GLUESCAN_WORLD_DIR  world state dir (default /tmp/gluescan-world)
#   E2E_KEEP_WORLD=1    leave the world running at the end
#   E2E_KEEP_TMP=1      keep the temp dir with the scanner outputs
#
# Prints one line per failing check and, last, exactly one line
# "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
WORLD="$REPO/tools/world"
export GLUESCAN_WORLD_DIR="${GLUESCAN_WORLD_DIR:-/tmp/gluescan-world}"
DIR=$GLUESCAN_WORLD_DIR
GLUESCAN=${GLUESCAN:-./gluescan}
SCAN_OPTS=(-q -r 2000 --timeout 400 --retries 2)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluescan-e2e.XXXXXX")
cleanup() {
    if [ "${E2E_KEEP_WORLD:-0}" != 1 ]; then
        "$WORLD" down >/dev/null 2>&1 || true
    fi
    if [ "${E2E_KEEP_TMP:-0}" = 1 ]; then
        echo "outputs kept in $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

for tool in jq dig; do
    command -v "$tool" >/dev/null || { fail "setup: $tool not installed"; summary; exit 1; }
done

# --- the scanner ------------------------------------------------------------
if [ ! -x "$GLUESCAN" ] && [ -f Makefile ]; then
    make -s >"$TMP/make.log" 2>&1 || true
fi
if [ ! -x "$GLUESCAN" ]; then
    fail "setup: $GLUESCAN not found or not executable (build it first)"
    summary; exit 1
fi

# --- the world --------------------------------------------------------------
if ! "$WORLD" up >"$TMP/world.log" 2>&1; then
    cat "$TMP/world.log"
    fail "setup: tools/world up failed"
    summary; exit 1
fi

# targets/demo.txt must be the world's domain list
if diff -u <("$WORLD" cases) targets/demo.txt >"$TMP/demo.diff"; then
    pass
else
    fail "targets/demo.txt differs from 'tools/world cases' (regenerate: tools/world cases > targets/demo.txt)"
    sed 's/^/    /' "$TMP/demo.diff" | head -20
fi

# run_scan LABEL HINTS INPUT [OPTION...] -> $TMP/LABEL.ndjson (raw) and $TMP/LABEL.json (parsed objects)
run_scan() {
    local label=$1 hints=$2 input=$3 rc=0
    local out="$TMP/$label.ndjson"
    shift 3
    : >"$out"
    timeout 300 "$GLUESCAN" "${SCAN_OPTS[@]}" "$@" -p "$hints" -i "$input" -o "$out" \
        2>"$TMP/$label.stderr" || rc=$?
    if [ "$rc" -eq 0 ]; then
        pass
    else
        fail "[$label] gluescan exited $rc: $(head -c 300 "$TMP/$label.stderr" | tr '\n' ' ')"
    fi
    # every non-empty output line must be a JSON object
    local bad
    bad=$(jq -R 'select(length > 0) | (fromjson? // "BAD") | select(type != "object")' "$out" 2>/dev/null | wc -l) || bad=unreadable
    if [ "$bad" = 0 ]; then
        pass
    else
        fail "[$label] $bad output line(s) are not JSON objects"
    fi
    jq -cR 'select(length > 0) | fromjson? | select(type == "object")' "$out" >"$TMP/$label.json" 2>/dev/null || true
}

# input_domains FILE: the lines gluescan must answer (no comments, no blanks)
input_domains() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1" || true; }

# check_verdicts LABEL EXPECTED_TSV INPUT
check_verdicts() {
    local label=$1 expected=$2 input=$3 json="$TMP/$1.json"
    local n_in n_out
    n_in=$(input_domains "$input" | wc -l)
    n_out=$(wc -l <"$json")
    if [ "$n_in" -eq "$n_out" ]; then
        pass
    else
        fail "[$label] $n_in input lines but $n_out output lines"
    fi
    if diff <(input_domains "$input" | sort) <(jq -r '.domain // "(no domain)"' "$json" | sort) \
        >"$TMP/$label.setdiff"; then
        pass
    else
        fail "[$label] the set of .domain differs from the input (< input, > output):"
        grep '^[<>]' "$TMP/$label.setdiff" | head -20 | sed 's/^/    /'
    fi
    local domain status resolvable got n
    while IFS=$'\t' read -r domain status resolvable; do
        [ -n "$domain" ] || continue
        n=$(jq --arg d "$domain" 'select(.domain == $d)' "$json" | jq -s length)
        if [ "$n" -ne 1 ]; then
            fail "$domain: $n output lines, want 1 ($label)"
            continue
        fi
        got=$(jq -r --arg d "$domain" \
            'select(.domain == $d) | "\(.status)/\(.resolvable)"' "$json")
        if [ "$got" = "$status/$resolvable" ]; then
            pass
        else
            fail "$domain: got $got want $status/$resolvable ($label)"
        fi
    done <"$expected"
}

# evidence LABEL DOMAIN DESCRIPTION JQ-FILTER (filter applied to the domain's object)
evidence() {
    local label=$1 domain=$2 what=$3 filter=$4
    # -s: jq 1.6's -e looks at the last input, not the last output
    if jq -e -s --arg d "$domain" \
        "map(select(.domain == \$d)) | length == 1 and (.[0] | $filter)" \
        "$TMP/$label.json" >/dev/null 2>&1; then
        pass
    else
        fail "$domain: $what ($label)"
    fi
}

# lame_problem NS-OR-EMPTY ADDR REASON -> jq filter
has_lame() {
    printf 'any(.problems[]?; .kind == "lame" and .addr == "%s" and .reason == "%s")' "$1" "$2"
}
has_mismatch() {
    printf 'any(.problems[]?; .kind == "mismatched" and .ns == "%s" and .glue == "%s")' "$1" "$2"
}

check_evidence() {
    local l=$1
    evidence "$l" mismatched-stale-gone.gtest "no mismatched problem naming glue 127.53.11.1" \
        "$(has_mismatch ns1.mismatched-stale-gone.gtest 127.53.11.1)"
    evidence "$l" mismatched-stale-gone.gtest "no lame/timeout problem for the switched-off server" \
        "$(has_lame 127.53.11.1 timeout)"
    evidence "$l" mismatched-stale-running.gtest "no mismatched problem naming glue 127.53.12.1" \
        "$(has_mismatch ns1.mismatched-stale-running.gtest 127.53.12.1)"
    evidence "$l" mismatched-typo.gtest "no mismatched problem naming glue 127.53.10.11" \
        "$(has_mismatch ns1.mismatched-typo.gtest 127.53.10.11)"
    evidence "$l" mismatched-aaaa.gtest "no mismatched problem naming AAAA glue fd00::53:a1" \
        "$(has_mismatch ns1.mismatched-aaaa.gtest fd00::53:a1)"
    evidence "$l" mismatched-aaaa.gtest "the matching A glue is reported as a mismatch" \
        'all(.problems[]?; .kind != "mismatched" or .glue != "127.53.10.1")'
    evidence "$l" mismatched-child-nxdomain.gtest "no mismatched problem naming glue 127.53.10.2" \
        "$(has_mismatch ns2.mismatched-child-nxdomain.gtest 127.53.10.2)"
    evidence "$l" lame-timeout.gtest 'no lame problem with "reason":"timeout" for 127.53.99.1' \
        "$(has_lame 127.53.99.1 timeout)"
    evidence "$l" lame-refused.gtest 'no lame problem with "reason":"refused" for 127.53.20.2' \
        "$(has_lame 127.53.20.2 refused)"
    evidence "$l" lame-servfail.gtest 'no lame problem with "reason":"servfail" for 127.53.10.3' \
        "$(has_lame 127.53.10.3 servfail)"
    evidence "$l" lame-referral.gtest 'no lame problem with "reason":"not_authoritative" for 127.53.1.1' \
        "$(has_lame 127.53.1.1 not_authoritative)"
    evidence "$l" lame-dangling.gtest 'no lame problem with "reason":"unresolvable" for ns1.unregistered-dangling.gtest' \
        'any(.problems[]?; .kind == "lame" and .ns == "ns1.unregistered-dangling.gtest" and .reason == "unresolvable")'
    evidence "$l" lame-dangling-only.gtest 'no lame problem with "reason":"unresolvable" for ns1.unregistered-dangling.gtest' \
        'any(.problems[]?; .kind == "lame" and .ns == "ns1.unregistered-dangling.gtest" and .reason == "unresolvable")'
    evidence "$l" error-deadtld.gdead "no non-empty .reason string" \
        '(.reason | type) == "string" and (.reason | length) > 0'
    evidence "$l" ok-childextra.gtest "child-only address 127.53.10.2 not reported in .ns[].child" \
        'any(.ns[]?; .name == "ns1.ok-childextra.gtest" and any(.child[]?; . == "127.53.10.2"))'
    evidence "$l" ok-childextra.gtest "child-only address reported as a problem of kind mismatched" \
        'all(.problems[]?; .kind != "mismatched")'
    evidence "$l" big-referral.gtest "the >512-byte referral was not read in full (13 NS names with A+AAAA glue)" \
        '[.ns[]? | select(.in_domain and (.glue | length) == 2)] | length == 13'
    evidence "$l" x.sub.gtest '.parent.zone is not "sub.gtest"' \
        '.parent.zone == "sub.gtest"'
    evidence "$l" ok-glue.gtest '.parent.zone is not "gtest"' \
        '.parent.zone == "gtest"'
    evidence "$l" ok-outofdomain.gtest "out-of-domain NS not resolved to the provider's addresses" \
        'any(.ns[]?; .name == "ns1.provider.gtest2" and .in_domain == false and any(.child[]?, .servers[]?.addr; . == "127.53.20.1"))'
}

# --- scans of the world: from the root and from the TLDs ----------------------
for hints in root tld; do
    run_scan "$hints" "$DIR/$hints.hints" "$DIR/domains.txt"
    check_verdicts "$hints" "$DIR/expected.tsv" "$DIR/domains.txt"
    check_evidence "$hints"
done

# --- a small EDNS size: truncated answers (TC=1) are asked again over TCP -----
run_scan small-edns "$DIR/root.hints" "$DIR/domains.txt" --edns-size 512
check_verdicts small-edns "$DIR/expected.tsv" "$DIR/domains.txt"
evidence small-edns truncated-referral.gtest "the truncated referral was not completed over TCP (12 NS names, each with glue)" \
    '[.ns[]? | select(.in_domain and (.glue | length) == 1)] | length == 12'

# --- hints that know only gtest2, scanning under gtest: error ----------------
cat >"$TMP/gtest2-only.hints" <<'EOF'
; knows only the gtest2 TLD
gtest2.          3600 IN NS ns1.nic.gtest2.
ns1.nic.gtest2.  3600 IN A  127.53.2.1
EOF
printf 'ok-glue.gtest\nprovider.gtest2\n' >"$TMP/gtest2-only.in"
printf 'ok-glue.gtest\terror\tfalse\nprovider.gtest2\tok\ttrue\n' >"$TMP/gtest2-only.tsv"
run_scan onetld "$TMP/gtest2-only.hints" "$TMP/gtest2-only.in"
check_verdicts onetld "$TMP/gtest2-only.tsv" "$TMP/gtest2-only.in"
evidence onetld ok-glue.gtest "no non-empty .reason string" \
    '(.reason | type) == "string" and (.reason | length) > 0'

# --- invalid input lines, comments, normalisation -----------------------------
long=$(printf 'a%.0s' $(seq 64))
printf '%s\n' '# a comment line' '' 'bad..label.gtest' "$long.gtest" 'with space.gtest' \
    'OK-Glue.GTEST.' >"$TMP/invalid.in"
run_scan invalid "$DIR/root.hints" "$TMP/invalid.in"
n=$(wc -l <"$TMP/invalid.json")
if [ "$n" -eq 4 ]; then pass; else fail "[invalid] $n output lines, want 4 (3 invalid + 1 valid; comment and blank skipped)"; fi
for raw in 'bad..label.gtest' "$long.gtest" 'with space.gtest'; do
    if [ "$(jq --arg r "$raw" 'select(.input == $r and .status == "invalid")' "$TMP/invalid.json" | jq -s length)" -eq 1 ]; then
        pass
    else
        fail "$raw: want exactly one line with status invalid and .input = the raw line (invalid)"
    fi
done
evidence invalid ok-glue.gtest '"OK-Glue.GTEST." not normalised to ok-glue.gtest with status ok' \
    '.status == "ok"'

summary
