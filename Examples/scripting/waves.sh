#!/usr/bin/env bash
# Two waves of parallel work orders as one plan (waves.json): each wave is a group holding its
# work orders, and wave 2 (with its children) waits until every job of wave 1 has succeeded, in
# the store, with no script polling in between.
#   Examples/scripting/waves.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"

echo "== submit the plan (all jobs in one transaction)"
"$JOBCTL" submit "$here/waves.json" | tee "$WORK/ids.txt"
echo "== waiting for wave 1"
"$JOBCTL" list --state waiting

echo "== one worker, three slots, until nothing is left"
"$JOBCTL" worker --drain --concurrency 3 --log-level warning

echo "== the plan as a tree"
"$JOBCTL" show "$(grep '^wave1 ' "$WORK/ids.txt" | cut -d' ' -f2)" | sed -n '/^[0-9A-Z]\{26\} /,$p'
"$JOBCTL" show "$(grep '^wave2 ' "$WORK/ids.txt" | cut -d' ' -f2)" | sed -n '/^[0-9A-Z]\{26\} /,$p'

echo "== every wave-2 job started after every wave-1 job ended"
for name in $(cut -d' ' -f1 "$WORK/ids.txt"); do
  id="$(grep "^$name " "$WORK/ids.txt" | cut -d' ' -f2)"
  "$JOBCTL" show "$id" --json > "$WORK/$name.json"
done
python3 - "$WORK" $(cut -d' ' -f1 "$WORK/ids.txt") <<'PY'
import json, sys
work, names = sys.argv[1], sys.argv[2:]
jobs = {name: json.load(open(f"{work}/{name}.json")) for name in names}
assert all(job["state"] == "succeeded" for job in jobs.values()), {n: j["state"] for n, j in jobs.items()}
wave1_end = max(j["finishedAt"] for n, j in jobs.items() if n.startswith("wave1"))
wave2_start = min(j["startedAt"] for n, j in jobs.items() if n.startswith("wave2-"))
assert wave2_start >= wave1_end, (wave2_start, wave1_end)
for name, job in jobs.items():
    print(f"{name:22} {job.get('startedAt') or '(group)':27} → {job['finishedAt']}")
PY
