#!/usr/bin/env bash
# End-to-end test: scan the NSD test world (tools/world) with ./gluescan and
# compare every verdict with tools/world_cases.txt.
#
#   tests/e2e/run.sh            (as root: NSD binds port 53, gluescan sends raw packets)
#
# Environment: see tests/e2e/lib.sh.
#
# Prints one line per failing check and, last, exactly one line
# "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# targets/demo.txt must be the world's domain list
if diff -u <("$WORLD" cases) targets/demo.txt >"$TMP/demo.diff"; then
    pass
else
    fail "targets/demo.txt differs from 'tools/world cases' (regenerate: tools/world cases > targets/demo.txt)"
    sed 's/^/    /' "$TMP/demo.diff" | head -20
fi

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
    # dangling by the public suffix list: "registrable" is the domain to register
    evidence "$l" lame-dangling.gtest 'ns1.unregistered-dangling.gtest not dangling with "registrable":"unregistered-dangling.gtest"' \
        'any(.problems[]?; .ns == "ns1.unregistered-dangling.gtest" and .dangling == true and .registrable == "unregistered-dangling.gtest")'
    evidence "$l" lame-dangling-co-uk.gtest 'the dangling names and their registrable domains are not exactly gone-shop.co.uk and gone-dns.co.uk' \
        '[.problems[] | select(.dangling) | "\(.ns) \(.registrable)"] | sort ==
         ["gone-dns.co.uk gone-dns.co.uk","ns1.gone-shop.co.uk gone-shop.co.uk"]'
    evidence "$l" lame-missing-below.gtest 'a name missing under a registered domain is not exactly unresolvable without dangling' \
        '[.problems[] | select(.reason == "unresolvable") | "\(.ns) \(.dangling) \(has("registrable"))"] | sort ==
         ["ns1.gone.provider.gtest2 false false","ns1.gone.shop.co.uk false false"]'
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
    # SPEC 2 steps 4-6: the SOA answer's serial and NS set, explicit questions where it says nothing
    evidence "$l" ok-glue.gtest "an authoritative server without its serial 1, or an ns_set/serial finding" \
        'all(.ns[].servers[]; .result != "authoritative" or .serial == 1) and
         all(.problems[]; .kind != "ns_set" and .kind != "serial")'
    evidence "$l" lame-timeout.gtest "a server that timed out carries a serial" \
        'all(.ns[].servers[]; .result == "authoritative" or has("serial") == false)'
    evidence "$l" nsset-differs.gtest "no ns_set finding with parent_only ns2, child_only ns3 and both servers" \
        '[.problems[] | select(.kind == "ns_set")] == [{"kind":"ns_set",
            "parent_only":["ns2.nsset-differs.gtest"],"child_only":["ns3.nsset-differs.gtest"],
            "servers":["127.53.10.1","127.53.10.2"]}]'
    evidence "$l" nsset-differs.gtest "ns2's glue not confirmed by an explicit answer" \
        'any(.ns[]; .name == "ns2.nsset-differs.gtest" and .child == ["127.53.10.2"])'
    evidence "$l" serial-differs.gtest "no serial finding naming both servers with their serials" \
        '[.problems[] | select(.kind == "serial") | .serials] ==
         [[{"addr":"127.53.10.1","serial":2026112101},{"addr":"127.53.10.2","serial":2026110301}]]'
    evidence "$l" serial-differs.gtest "servers[] without each server's serial" \
        '[.ns[].servers[] | "\(.addr)=\(.serial)"] | sort == ["127.53.10.1=2026112101","127.53.10.2=2026110301"]'
    evidence "$l" ok-minimal.gtest "the child's addresses (asked explicitly) not listed, or a finding" \
        '[.ns[].child] == [["127.53.14.1"],["127.53.14.2"]] and .problems == []'
    evidence "$l" mismatched-minimal.gtest "no mismatched problem naming glue 127.53.14.1 of ns2" \
        "$(has_mismatch ns2.mismatched-minimal.gtest 127.53.14.1)"
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
