#!/usr/bin/env bash
# JobCore on PostgreSQL beside pgqueuer, on the same server, in one run. Prints one JSON object
# per result line:
#   1. `jobctl bench --store postgres://…`: enqueue, drain (one worker in the jobctl process),
#      pickup latency;
#   2. PostgresBenchmark: drain by two worker processes (with and without concurrency keys),
#      claim cost from 1,000 to 1,000,000 queued jobs;
#   3. pgqueuer (PyPI) draining the same kind of no-op jobs with 5 consumer processes.
#
#   Benchmarks/peers/postgres_bench.sh [--jobs N] [--max-depth N]
# The server is the one scripts/postgres starts (or POSTGRES_* from the environment).
set -euo pipefail
cd "$(dirname "$0")/../.."

jobs=100000
max_depth=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs="$2"; shift ;;
    --max-depth) max_depth="$2"; shift ;;
    *) echo "usage: $0 [--jobs N] [--max-depth N]" >&2; exit 2 ;;
  esac
  shift
done

eval "$(scripts/postgres)"
base="postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DATABASE"

swift build -c release --product jobctl >&2
swift build -c release --package-path Benchmarks --product PostgresBenchmark >&2
python3 -c 'import pgqueuer, asyncpg' 2>/dev/null || pip install -q pgqueuer asyncpg >&2

# 1. jobctl bench: one line of JSON.
.build/release/jobctl bench --store "$base?sslmode=disable&schema=bench_jobctl&max_connections=8" \
  --jobs 50000 --keys 0 --concurrency 256 --samples 200 --json | python3 -c 'import json, sys; print(json.dumps({"name": "jobctl.bench", **json.load(sys.stdin)}))'

# 2. Worker processes and claim cost.
Benchmarks/.build/release/PostgresBenchmark --jobs "$jobs" --workers 2 --max-depth "$max_depth"

# 3. The peer.
python3 Benchmarks/peers/pgqueuer_bench.py --dsn "postgresql://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DATABASE" \
  --jobs 20000 --consumers 5
