#!/usr/bin/env bash
# Slurm for real: a one-node Slurm cluster from Debian's packages (munged,
# slurmctld and slurmd, started here and stopped by PID) runs the job array
# of tools/slurm-array.sh, as the README shows it, over the NSD test world:
# four tasks, one slice each. Task 2 is preempted mid-scan the way Slurm does
# it (SIGTERM to the batch step, then scontrol requeue) and resumes from its
# --resume file; its resumed run is then killed outright (SIGKILL, as when a
# node is lost) and requeued again, and the script cuts off what that run
# wrote. Then the tasks' outputs must together hold every input line exactly
# once with the verdicts of expected.tsv, and tools/merge-stats must put the
# tasks' --stats files together into counts that add up to the input.
#
#   tests/e2e/slurm.sh      (as root; GLUESCAN=binary, default ./gluescan)
#
# Environment: as tests/e2e/lib.sh; SLURM_TEST_RATE: the tasks' --rate
# (default 20 packets/s, slow enough for task 2 to be mid-scan when stopped).
#
# What a root Slurm in a container-like machine needs (slurm-wlm 22.05):
# - its own network namespace, entered with nsenter --net (not ip netns exec,
#   which mounts a fresh /sys), so that its ports clash with nothing; there
#   lo gets a second IPv4 address, 127.0.0.2: Slurm resolves names with
#   AI_ADDRCONFIG, under which glibc sees no IPv4 when lo has only 127.0.0.1;
# - a private mount namespace (unshare --mount): slurmd loads its cgroup
#   plugin even with proctrack/linuxproc and task/none, so where nothing is
#   mounted on /sys/fs/cgroup (inside ip netns exec) the v1 name=systemd
#   hierarchy is mounted there, for this test only;
# - SlurmUser=SlurmdUser=root; NodeName = hostname -s at 127.0.0.1, with
#   SlurmdParameters=config_overrides (more CPUs than the machine has, so
#   the four tasks run at once); ReturnToService=2;
# - munged with --socket and --key-file in the test's folder, which must be
#   searchable by all (munged refuses a socket in a 0700 folder), and
#   AuthInfo=socket=... in slurm.conf;
# - daemons in the foreground (-D, munged -F), started with & and stopped
#   by their PID;
# - a requeued job waits two minutes before it may start again: the test
#   moves its start to now (scontrol update StartTime=now).
#
# Last line: "N passed, M failed"; exits non-zero if M > 0.
set -euo pipefail

# --- a network namespace and a mount namespace of the test's own -------------
if [ -z "${GLUESCAN_SLURM_NETNS:-}" ]; then
    NETNS=gluescan-slurm-$$
    child=
    # Whatever the test started and left behind (a job step whose slurmd
    # was stopped first) is in the namespace: stop it by PID, then the namespace.
    leave() {
        local pids
        pids=$(ip netns pids "$NETNS" 2>/dev/null) || true
        if [ -n "$pids" ]; then
            kill $pids 2>/dev/null || true
            sleep 1
            pids=$(ip netns pids "$NETNS" 2>/dev/null) || true
            [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
        fi
        ip netns delete "$NETNS" 2>/dev/null || true
    }
    trap leave EXIT
    trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null' INT TERM
    ip netns add "$NETNS"
    ip -n "$NETNS" link set lo up
    ip -n "$NETNS" addr add 127.0.0.2/32 dev lo
    GLUESCAN_SLURM_NETNS=$NETNS nsenter --net="/run/netns/$NETNS" \
        unshare --mount --propagation private bash "$0" "$@" &
    child=$!
    # a signal ends the wait early: then wait for the test to clean up
    rc=0
    wait "$child" || rc=$?
    while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
    exit "$rc"
fi
if ! grep -q ' /sys/fs/cgroup[ /]' /proc/self/mounts; then
    mount -t tmpfs gluescan-cgroup /sys/fs/cgroup
    mkdir /sys/fs/cgroup/systemd
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T0=$(date +%s)
RATE=${SLURM_TEST_RATE:-20}
GLUESCAN_ABS=$(cd "$(dirname "$GLUESCAN")" && pwd)/$(basename "$GLUESCAN")

for tool in munged slurmctld slurmd sbatch scontrol scancel squeue nsenter unshare python3; do
    command -v "$tool" >/dev/null || { fail "setup: $tool not installed (make deps)"; summary; exit 1; }
done

# --- the cluster ----------------------------------------------------------------
S=$TMP/slurm
chmod 755 "$TMP"
mkdir -p "$S/munge" "$S/state" "$S/spool" "$S/log"
chmod 755 "$S" "$S/munge"
head -c 1024 /dev/urandom >"$S/munge/munge.key"
chmod 600 "$S/munge/munge.key"
NODE=$(hostname -s)
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=gluescan-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
KillWait=5
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=10 State=UP
EOF

PIDS=()
JOB=
stop_cluster() {
    local p i
    if [ -n "$JOB" ] && [ -n "$(squeue -h -j "$JOB" 2>/dev/null)" ]; then
        scancel "$JOB" >/dev/null 2>&1 || true
        for _ in $(seq 50); do [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] && break; sleep 0.2; done
    fi
    # slurmd before slurmctld, munged last: each needs the next to go quietly
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        p=${PIDS[i]}
        kill "$p" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
trap 'stop_cluster; cleanup' EXIT
show_logs() {
    local f
    for f in "$S"/log/*.log "$TMP"/task-*.log; do
        [ -e "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
    done
}

munged -F --socket="$S/munge/munge.socket" --key-file="$S/munge/munge.key" \
    --pid-file="$S/munge/munged.pid" --seed-file="$S/munge/munged.seed" \
    --log-file="$S/log/munged.log" 2>"$S/log/munged.out" &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$S/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >"$S/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$S/log/slurmd.out" 2>&1 &
PIDS+=($!)
up=0
for _ in $(seq 100); do
    [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && { up=1; break; }
    sleep 0.2
done
if [ "$up" = 1 ]; then
    pass
else
    fail "setup: the Slurm node is not idle after 20 s"
    show_logs; summary; exit 1
fi

# --- the job array ----------------------------------------------------------------
# task_field K FIELD: a field of array task K (JobState, ExitCode, ...)
task_field() { scontrol -o show job "${JOB}_$1" | grep -o "\b$2=[^ ]*" | cut -d= -f2; }
lines() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
wait_for() {
    local t=$1 what=$2
    shift 2
    for _ in $(seq $((t * 5))); do "$@" && { pass; return 0; }; sleep 0.2; done
    fail "$what (after $t s)"
    show_logs
    summary
    exit 1
}
state_is() { [ "$(task_field "$1" JobState)" = "$2" ]; }
more_lines() { [ "$(lines "$1")" -gt "$2" ]; }
array_done() { [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ]; }
requeue_now() {
    scontrol requeue "${JOB}_$1"
    scontrol update JobId="${JOB}_$1" StartTime=now
}

OUT=$TMP/out
P2=$OUT/part-2
# the world's domains three times: each task has enough lines to be stopped mid-scan twice
for _ in 1 2 3; do cat "$DIR/domains.txt"; done >"$TMP/input.txt"
# The command the README shows, with options for this world and a slow rate.
JOB=$(cd "$TMP" && GLUESCAN=$GLUESCAN_ABS \
    GLUESCAN_OPTS="-r $RATE -p $DIR/root.hints --timeout 400 --retries 2 --ipv6 off" \
    sbatch --parsable --array=1-4 --cpus-per-task=1 --output="$TMP/task-%a.log" \
    "$REPO/tools/slurm-array.sh" "$TMP/input.txt" "$OUT")
if [[ "$JOB" =~ ^[0-9]+$ ]]; then pass; else fail "sbatch: job id '$JOB'"; summary; exit 1; fi

# Task 2, mid-scan: SIGTERM to its batch step (gluescan itself), as preemption
# and the time limit do; it saves its state and exits 143.
wait_for 30 "task 2 wrote no line" more_lines "$P2.ndjson" 0
scancel --batch --signal=TERM "${JOB}_2"
wait_for 20 "task 2 did not end after SIGTERM" state_is 2 FAILED
if [ "$(task_field 2 ExitCode)" = 143:0 ]; then pass; else fail "task 2 exit $(task_field 2 ExitCode), want 143:0"; fi
if [ -s "$P2.resume" ]; then pass; else fail "task 2 left no resume state"; fi
n1=$(lines "$P2.ndjson")
if [ -e "$P2.stats-0.json" ] && [ "$(jq .lines "$P2.stats-0.json")" = "$n1" ]; then
    pass
else
    fail "the first run's stats do not count its $n1 lines"
fi

# Requeued, it resumes; then its node is "lost": SIGKILL, no state saved.
requeue_now 2
wait_for 30 "the requeued task 2 wrote no line after the $n1 of its first run" more_lines "$P2.ndjson" "$n1"
scancel --batch --signal=KILL "${JOB}_2"
wait_for 20 "task 2 did not end after SIGKILL" state_is 2 FAILED
n2=$(lines "$P2.ndjson")
requeue_now 2

wait_for 60 "the job array did not finish" array_done
for k in 1 2 3 4; do
    got="$(task_field $k JobState) $(task_field $k ExitCode)"
    if [ "$got" = "COMPLETED 0:0" ]; then pass; else fail "task $k: $got, want COMPLETED 0:0"; fi
done
if [ "$(task_field 2 Restarts)" = 2 ]; then pass; else fail "task 2 restarted $(task_field 2 Restarts) times, want 2"; fi

# --- put back together ------------------------------------------------------------
check_parts slurm "$TMP/input.txt" "$DIR/expected.tsv" "$OUT"/part-*.ndjson
n3=$(lines "$P2.ndjson")
if [ "$n1" -lt "$n2" ] && [ "$n2" -lt "$n3" ]; then
    pass
else
    fail "task 2 was not stopped mid-scan: $n1 lines after SIGTERM, $n2 after SIGKILL, $n3 at the end"
fi
# stats: task 2 has one file per run that returned (the killed run's is gone)
ls "$P2".stats-*.json >"$TMP/p2-stats.txt" 2>/dev/null || true
if [ "$(wc -l <"$TMP/p2-stats.txt")" = 2 ] &&
    [ "$(cat "$P2".stats-*.json | jq -s 'map(.lines) | add')" = "$n3" ]; then
    pass
else
    fail "task 2's stats files ($(tr '\n' ' ' <"$TMP/p2-stats.txt")) do not count its $n3 lines"
fi
if tools/merge-stats "$OUT"/part-*.stats-*.json >"$TMP/merged.json" 2>"$TMP/merge.err"; then
    pass
else
    fail "tools/merge-stats: $(head -c 300 "$TMP/merge.err")"
fi
n_in=$(input_domains "$TMP/input.txt" | wc -l)
if jq -e --argjson n "$n_in" '.lines == $n and ([.status[]] | add) == $n and .files == 5' \
    "$TMP/merged.json" >/dev/null; then
    pass
else
    fail "merged stats: lines $(jq -c '[.lines, ([.status[]] | add), .files]' "$TMP/merged.json"), want $n_in in 5 files"
fi
# every status count equals what the NDJSON holds
if jq -e -s --slurpfile m "$TMP/merged.json" \
    '(group_by(.status) | map({(.[0].status): length}) | add) as $c |
     all($m[0].status | to_entries[]; .value == ($c[.key] // 0))' "$OUT"/part-*.ndjson >/dev/null; then
    pass
else
    fail "merged status counts $(jq -c .status "$TMP/merged.json") differ from the NDJSON's"
fi

# --- the README shows the script as it is ---------------------------------------
if python3 -c 'import sys; sys.exit(("```sh\n" + open(sys.argv[2]).read() + "```\n") not in open(sys.argv[1]).read())' \
    README.md tools/slurm-array.sh; then
    pass
else
    fail "README.md does not show tools/slurm-array.sh verbatim (in a sh block)"
fi

secs=$(($(date +%s) - T0))
if [ "$secs" -lt 120 ]; then pass; else fail "the Slurm test took $secs s, want well under 120"; fi
echo "slurm: $secs s; task 2: $n1 lines before SIGTERM, $n2 before SIGKILL, $n3 at the end"
summary
