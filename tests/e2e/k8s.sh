#!/usr/bin/env bash
# The Kubernetes Indexed Job of tools/k8s-indexed-job.yaml, checked as YAML
# (python3-yaml) for the fields that matter, then its pods' command run for
# real, as each pod would run it, over the NSD test world: one run per
# completion index with /data in a temporary folder. The pod of index 2 is
# stopped as the kubelet stops a pod (SIGTERM to the container's first
# process) and started again, then killed outright (SIGKILL, its node lost)
# and started again. The outputs must hold every input line exactly once with
# the verdicts of expected.tsv, and their merged --stats add up to the input.
#
#   tests/e2e/k8s.sh      (as root; GLUESCAN=binary, default ./gluescan)
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
YAML=tools/k8s-indexed-job.yaml

# --- the manifest -----------------------------------------------------------------
# Prints one "FAIL ..." line per shortfall, then the shard count and the pods' script.
python3 - "$YAML" >"$TMP/k8s.check" <<'EOF'
import re, sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
fails = []
def check(ok, what):
    if not ok:
        fails.append(what)

jobs = [d for d in docs if d.get("kind") == "Job"]
claims = {d["metadata"]["name"] for d in docs if d.get("kind") == "PersistentVolumeClaim"}
check(len(jobs) == 1, "not exactly one Job")
spec = jobs[0]["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
script = "\n".join(c.get("command", [])[2:] + c.get("args", []))
check(spec.get("completionMode") == "Indexed", "completionMode is not Indexed")
shards = re.findall(r"--shard (\S+)/(\d+)", script)
check(len(shards) == 1, "not one --shard I/N in the command")
n = int(shards[0][1]) if shards else 0
check(spec.get("completions") == n, "completions %s, but the command's --shard says /%d" % (spec.get("completions"), n))
check(0 < spec.get("parallelism", 1) <= n, "parallelism outside 1..completions")
check("JOB_COMPLETION_INDEX" in script, "the command does not use JOB_COMPLETION_INDEX")
check(re.search(r"^\s*exec gluescan ", script, re.M) is not None,
      "gluescan is not exec'd: the kubelet's SIGTERM goes to the container's first process")
check(c.get("command", [])[:2] == ["sh", "-c"], "the command is not sh -c SCRIPT")
caps = set(c.get("securityContext", {}).get("capabilities", {}).get("add", []))
check({"NET_RAW", "NET_ADMIN"} <= caps, "capabilities %s lack NET_RAW or NET_ADMIN" % sorted(caps))
vols = {v["name"]: v for v in pod.get("volumes", [])}
data = [m for m in c.get("volumeMounts", []) if m.get("mountPath") == "/data"]
check(len(data) == 1, "no volume mounted at /data")
if data:
    v = vols.get(data[0]["name"], {})
    claim = v.get("persistentVolumeClaim", {}).get("claimName")
    check(claim is not None, "/data is not a PersistentVolumeClaim: the resume state would not outlive the pod")
    check(claim in claims, "the claim %s is not defined in the file" % claim)
check(pod.get("restartPolicy") == "Never", "restartPolicy is not Never (podFailurePolicy needs it)")
rules = spec.get("podFailurePolicy", {}).get("rules", [])
check(any(r.get("action") == "Ignore" and
          any(p.get("type") == "DisruptionTarget" for p in r.get("onPodConditions", []))
          for r in rules), "an eviction or preemption (DisruptionTarget) counts against backoffLimit")
check(any(e.get("name") == "GLUESCAN_OPTS" for e in c.get("env", [])), "no GLUESCAN_OPTS in env")
for f in fails:
    print("FAIL " + f)
print("SHARDS %d" % n)
print(script)
EOF
while read -r word rest; do
    [ "$word" = FAIL ] && fail "$YAML: $rest"
done < <(grep '^FAIL ' "$TMP/k8s.check")
grep -q '^FAIL ' "$TMP/k8s.check" || pass
N=$(sed -n 's/^SHARDS //p' "$TMP/k8s.check")
sed '0,/^SHARDS /d; s#/data#'"$TMP/data"'#g' "$TMP/k8s.check" >"$TMP/pod.sh"
mkdir -p "$TMP/data" "$TMP/bin"
# the world's domains three times: index 2 has enough lines to be stopped mid-scan twice
for _ in 1 2 3; do cat "$DIR/domains.txt"; done >"$TMP/data/domains.txt"
ln -s "$(cd "$(dirname "$GLUESCAN")" && pwd)/$(basename "$GLUESCAN")" "$TMP/bin/gluescan"

# --- the pods' command, one run per index -------------------------------------------
OPTS="-q -p $DIR/root.hints --timeout 400 --retries 2 --ipv6 off"
# pod INDEX RATE: start the pod's command in the background; $! is its first process
pod() {
    PATH=$TMP/bin:$PATH JOB_COMPLETION_INDEX=$1 GLUESCAN_OPTS="-r $2 $OPTS" \
        sh -c "$(cat "$TMP/pod.sh")" 2>>"$TMP/pod-$1.log" &
}
lines() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# until_lines FILE N: wait (up to 30 s) until FILE has more than N lines
until_lines() {
    for _ in $(seq 150); do [ "$(lines "$1")" -gt "$2" ] && return 0; sleep 0.2; done
    return 1
}

pids=()
for ((i = 0; i < N; i++)); do
    [ "$i" = 2 ] && continue
    pod "$i" 2000
    pids+=($!)
done
P=$TMP/data/out/part-3
pod 2 10
p=$!
until_lines "$P.ndjson" 0 || fail "index 2 wrote no line in 30 s"
kill -TERM "$p" 2>/dev/null || true
rc=0; wait "$p" || rc=$?
if [ "$rc" = 143 ]; then pass; else fail "index 2: exit $rc after SIGTERM, want 143"; fi
if [ -s "$P.resume" ]; then pass; else fail "index 2 left no resume state in the volume"; fi
n1=$(lines "$P.ndjson")
pod 2 10
p=$!
until_lines "$P.ndjson" "$n1" || fail "the restarted index 2 wrote no line in 30 s"
kill -KILL "$p" 2>/dev/null || true
{ wait "$p"; } 2>/dev/null || true
n2=$(lines "$P.ndjson")
pod 2 2000
pids+=($!)
for p in "${pids[@]}"; do
    rc=0; wait "$p" || rc=$?
    if [ "$rc" = 0 ]; then pass; else fail "a pod's command exited $rc"; fi
done

check_parts k8s "$TMP/data/domains.txt" "$DIR/expected.tsv" "$TMP"/data/out/part-*.ndjson
n3=$(lines "$P.ndjson")
if [ "$n1" -lt "$n2" ] && [ "$n2" -lt "$n3" ] && [ "$(ls "$TMP"/data/out/part-*.ndjson | wc -l)" = "$N" ]; then
    pass
else
    fail "index 2 not stopped mid-scan ($n1 lines after SIGTERM, $n2 after SIGKILL, $n3 at the end), or not $N parts"
fi
n_in=$(input_domains "$TMP/data/domains.txt" | wc -l)
if tools/merge-stats "$TMP"/data/out/part-*.stats-*.json >"$TMP/merged.json" &&
    jq -e --argjson n "$n_in" --argjson f $((N + 1)) \
        '.lines == $n and ([.status[]] | add) == $n and .files == $f' "$TMP/merged.json" >/dev/null; then
    pass
else
    fail "merged stats $(jq -c '[.lines, .files]' "$TMP/merged.json" 2>/dev/null) do not count $n_in lines in $((N + 1)) runs"
fi
# a file that is not a whole run's stats is refused, not summed
echo '{"lines":5,"status":{"ok":3,"lame":1}}' >"$TMP/bad.stats.json"
rc=0; tools/merge-stats "$TMP"/data/out/part-1.stats-0.json "$TMP/bad.stats.json" >/dev/null 2>"$TMP/bad.err" || rc=$?
if [ "$rc" = 1 ] && grep -q 'bad.stats.json: status counts add up to 4, not its 5 lines' "$TMP/bad.err"; then
    pass
else
    fail "tools/merge-stats took stats whose counts do not add up (exit $rc: $(head -c 200 "$TMP/bad.err"))"
fi
summary
