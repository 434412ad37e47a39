# Shared by the end-to-end scripts (source it): the world up for the test,
# pass/fail counting, scanning and comparing verdicts.
#
# Environment:
#   GLUESCAN            scanner binary (default ./gluescan at the repo root)
#   GLUESCAN_WORLD_DIR  world state dir (default /tmp/gluescan-world)
#   E2E_KEEP_WORLD=1    leave the world running at the end
#   E2E_KEEP_TMP=1      keep the temp dir with the scanner outputs

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
WORLD="$REPO/tools/world"
export GLUESCAN_WORLD_DIR="${GLUESCAN_WORLD_DIR:-/tmp/gluescan-world}"
DIR=$GLUESCAN_WORLD_DIR
GLUESCAN=${GLUESCAN:-./gluescan}
# --ipv6 off: this world's AAAA glue (fd00::53:*) is data only, nothing
# listens there; on a host with IPv6 --ipv6 auto would probe it (the IPv6
# world is tests/e2e/ipv6.sh's)
SCAN_OPTS=(-q -r 2000 --timeout 400 --retries 2 --ipv6 off)

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


# check_parts LABEL INPUT EXPECTED_TSV NDJSON...: the outputs of a scan split
# into parts (shards, resumed runs) hold every line of INPUT exactly once
# (INPUT may list a domain several times), each with its verdict in EXPECTED_TSV
check_parts() {
    local label=$1 input=$2 expected=$3
    shift 3
    cat "$@" | jq -r '"\(.domain)\t\(.status)\t\(.resolvable)"' | LC_ALL=C sort >"$TMP/$label.got" || true
    input_domains "$input" | LC_ALL=C sort | LC_ALL=C join -t $'\t' - <(LC_ALL=C sort "$expected") >"$TMP/$label.want"
    if diff "$TMP/$label.want" "$TMP/$label.got" >"$TMP/$label.diff"; then
        pass
    else
        fail "[$label] the parts do not hold every input line once with its verdict (< want, > got):"
        grep '^[<>]' "$TMP/$label.diff" | head -20 | sed 's/^/    /'
    fi
}

# same_findings LABEL OTHER: every domain of scan LABEL has the findings (status,
# resolvable, problems) it has in scan OTHER
findings='{domain, status, resolvable, problems: ([.problems[] | {kind, ns, addr, glue, reason}] | sort)}'
same_findings() {
    if diff <(jq -c "$findings" "$TMP/$2.json" | sort) <(jq -c "$findings" "$TMP/$1.json" | sort) \
        >"$TMP/$1.diff"; then
        pass
    else
        fail "[$1] findings differ from the $2 scan:"
        head -10 "$TMP/$1.diff" | sed 's/^/    /'
    fi
}
