#!/bin/sh
# gluescan as a Slurm job array: task K of N scans slice K of DOMAINS.
#
#   sbatch --array=1-8 tools/slurm-array.sh domains.txt out
#   cat out/part-*.ndjson >verdicts.ndjson
#   tools/merge-stats out/part-*.stats-*.json >stats.json
#
# N is the array's highest index (GLUESCAN_SHARDS=N to run one task of N
# again, as with --array=3). gluescan's options go in GLUESCAN_OPTS (sbatch
# passes the environment on), e.g. GLUESCAN_OPTS='-r 20000'. Every node
# needs gluescan with its capabilities (make install, as root) and OUT on a
# file system they share. A new scan needs a new OUT: a finished task's
# resume state says there is nothing left.
#
# Preemption, the time limit and scancel send SIGTERM: gluescan stops within
# 2 s, saves OUT/part-K.resume and exits 143. Requeued (--requeue, or
# scontrol requeue), the task resumes from there and appends to
# OUT/part-K.ndjson: every line once, none twice. Each run keeps its own
# --stats file (part-K.stats-0.json, -1, ...), so the merged counts cover
# every part.
#SBATCH --job-name=gluescan
#SBATCH --cpus-per-task=2
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=gluescan-%A_%a.log
set -eu
usage="usage: sbatch --array=1-N slurm-array.sh DOMAINS OUT"
input=${1:?$usage}
out=${2:?$usage}
k=$SLURM_ARRAY_TASK_ID
n=${GLUESCAN_SHARDS:-$SLURM_ARRAY_TASK_MAX}
part=$out/part-$k
mkdir -p "$out"

state() { if [ -e "$part.resume" ]; then cksum <"$part.resume" | tr ' ' :; else echo none; fi; }

# A run that never returned (its node lost, SIGKILL) saved no state but may
# have written lines: cut them off, and its stats; this run redoes its part.
if [ -e "$part.run" ]; then
    read -r size sum stats <"$part.run"
    if [ "$(state)" = "$sum" ]; then
        truncate -c -s "$size" "$part.ndjson"
        rm -f "$stats"
    fi
fi
[ -e "$part.resume" ] || rm -f "$part".stats-*.json	# from the start
a=0
while [ -e "$part.stats-$a.json" ]; do a=$((a + 1)); done
echo "$(cat "$part.ndjson" 2>/dev/null | wc -c) $(state) $part.stats-$a.json" >"$part.run"

# exec: gluescan is the batch step itself, so a signal reaches it once (a
# second SIGTERM would end it at once, without its state).
# shellcheck disable=SC2086
exec "${GLUESCAN:-gluescan}" --shard "$k/$n" -i "$input" -o "$part.ndjson" \
    --resume "$part.resume" --stats "$part.stats-$a.json" ${GLUESCAN_OPTS:-}
