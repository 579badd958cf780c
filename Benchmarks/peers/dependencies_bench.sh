#!/usr/bin/env bash
# Dependencies (issue 12 §1): what they cost a drain of jobs that have none, and how long ending a
# job with 1,000 waiting dependents takes, on SQLite and PostgreSQL, through `jobctl bench`.
#
#   Benchmarks/peers/dependencies_bench.sh BASE_REVISION [--runs N] [--jobs N] [--dependents N]
#
# The peer is this project before dependencies: jobctl is built in release mode at BASE_REVISION
# (in a git worktree under .build-bench/) and at the working tree, and the two drain the same jobs
# alternately, in the same run, on the same stores (PostgreSQL: scripts/postgres's server, one
# schema per binary). Prints one JSON object per measurement, then one per summary figure:
#   {"figure": "sqlite.drain.ratio", "value": 0.98}   new drain rate / base drain rate (medians)
set -euo pipefail
cd "$(dirname "$0")/../.."

base_revision="${1:?usage: $0 BASE_REVISION [--runs N] [--jobs N] [--dependents N]}"
shift
runs=3 jobs=50000 dependents=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --dependents) dependents="$2"; shift ;;
    *) echo "usage: $0 BASE_REVISION [--runs N] [--jobs N] [--dependents N]" >&2; exit 2 ;;
  esac
  shift
done

# BASE_WORKTREE / NEW_WORKTREE: build there instead (a checkout already built in release mode
# saves a cold build); NEW_WORKTREE defaults to this working tree.
worktree="${BASE_WORKTREE:-$PWD/.build-bench/base}"
if [ ! -d "$worktree" ]; then git worktree add --detach "$worktree" "$base_revision" >&2; fi
git -C "$worktree" checkout --quiet --detach "$base_revision"
(cd "$worktree" && swift build -c release --product jobctl >&2)
new_tree="${NEW_WORKTREE:-$PWD}"
(cd "$new_tree" && swift build -c release --product jobctl >&2)
old="$worktree/.build/release/jobctl"
new="$new_tree/.build/release/jobctl"
echo "base: $(git -C "$worktree" rev-parse --short HEAD), new: $(git -C "$new_tree" rev-parse --short HEAD)$(git -C "$new_tree" diff --quiet HEAD || echo ' (modified)')" >&2

eval "$(scripts/postgres)"
pg="postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DATABASE?sslmode=disable&max_connections=8"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# bench NAME BINARY STORE [extra options]: one line of JSON.
bench() {
  local name="$1" binary="$2" store="$3"
  shift 3
  "$binary" bench --store "$store" --jobs "$jobs" --keys 0 --concurrency 256 --samples 0 --json "$@" |
    python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1], **json.load(sys.stdin)}))' "$name"
}

for run in $(seq "$runs"); do
  for which in base new; do
    binary="$old"; [ "$which" = new ] && binary="$new"
    rm -f "$scratch"/*.sqlite*
    bench "sqlite.drain.$which" "$binary" "sqlite:$scratch/$which.sqlite"
    bench "postgres.drain.$which" "$binary" "$pg&schema=bench_deps_$which"
  done
  rm -f "$scratch"/*.sqlite*
  bench "sqlite.unblock" "$new" "sqlite:$scratch/unblock.sqlite" --dependents "$dependents"
  bench "postgres.unblock" "$new" "$pg&schema=bench_deps_new" --dependents "$dependents"
done | tee "$scratch/lines.json"

python3 - "$scratch/lines.json" <<'PY'
import json, statistics, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
def values(name, key):
    return [line[key] for line in lines if line["name"] == name]
for store in ("sqlite", "postgres"):
    base = statistics.median(values(f"{store}.drain.base", "drainJobsPerSecond"))
    new = statistics.median(values(f"{store}.drain.new", "drainJobsPerSecond"))
    print(json.dumps({"figure": f"{store}.drain.no_dependencies.base", "value": round(base)}))
    print(json.dumps({"figure": f"{store}.drain.no_dependencies.new", "value": round(new)}))
    print(json.dumps({"figure": f"{store}.drain.ratio", "value": round(new / base, 3)}))
    print(json.dumps({"figure": f"{store}.unblock_ms", "value": round(statistics.median(values(f"{store}.unblock", "unblockMs")), 2)}))
    print(json.dumps({"figure": f"{store}.complete_without_dependents_ms",
                      "value": round(statistics.median(values(f"{store}.unblock", "completeWithoutDependentsMs")), 2)}))
PY
