#!/usr/bin/env bash
# The HTTP API (`jobctl serve`, release build, its defaults) under load from wrk on this machine,
# on SQLite and on PostgreSQL, fresh store each; beside it, in the same run, `jobctl bench`'s
# single-job enqueues from as many concurrent callers in-process (the same store, no HTTP) as the
# reference the HTTP enqueue rate is a ratio to. Prints one JSON object per result line:
#   http.get_job, http.health     GET /v1/jobs/{id}, GET /v1/health: requests/s, latency p50/p90/p99,
#                                 as fast as wrk can, and paced at 1,000 requests/s (`paced`)
#   http.enqueue                  POST /v1/jobs (a command job): requests/s = enqueues/s
#   inprocess.enqueue             jobctl bench --enqueue-callers C: jobs/s
#
#   Benchmarks/peers/http_bench.sh [--duration 10s] [--connections 64] [--stores "sqlite postgres"]
# wrk (Debian) is installed when missing; PostgreSQL is the server scripts/postgres starts.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=10s
connections=64
stores="sqlite postgres"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --stores) stores="$2"; shift ;;
    *) echo "usage: $0 [--duration 10s] [--connections 64] [--stores \"sqlite postgres\"]" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >&2; else sudo apt-get install -y -q wrk >&2; fi
fi
# JOBCORE_SCRATCH: another build directory (a release build beside a debug one in .build).
scratch="${JOBCORE_SCRATCH:-.build}"
swift build -c release --product jobctl --scratch-path "$scratch" >&2
jobctl="$PWD/$scratch/release/jobctl"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# wrk's JSON line, with the benchmark's name and settings in front.
measure() {
  local name="$1" store="$2" url="$3" body="${4:-}" rate="${5:-}"
  TOKEN="$token" BODY="$body" RATE="$rate" CONNECTIONS="$connections" wrk -t2 -c"$connections" -d"$duration" -s Benchmarks/peers/wrk_report.lua "$url" \
    | tail -n 1 | python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "store": sys.argv[2], "connections": int(sys.argv[3]), "paced": int(sys.argv[4]) if sys.argv[4] else None, **json.loads(sys.stdin.read())}))' \
      "$name" "$store" "$connections" "$rate"
}

for kind in $stores; do
  case "$kind" in
    sqlite) store="sqlite:$work/$kind.sqlite"; reference="sqlite:$work/$kind-inprocess.sqlite" ;;
    postgres)
      eval "$(scripts/postgres)"
      schema="bench_http_$$"
      base="postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DATABASE?sslmode=disable"
      store="$base&schema=$schema"; reference="$base&schema=${schema}_inprocess" ;;
    *) echo "unknown store $kind" >&2; exit 2 ;;
  esac
  export JOBCTL_STORE="$store" JOBCTL_WORKSPACE_ROOT="$work/workspaces"
  token="$("$jobctl" tokens create --scope operate --name "bench-$kind")"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$jobctl" serve --listen "127.0.0.1:$port" --log-level error &
  server=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/health" 2>/dev/null && break
    sleep 0.1
  done
  id="$("$jobctl" enqueue -- true)"
  measure http.get_job "$kind" "http://127.0.0.1:$port/v1/jobs/$id"
  measure http.get_job "$kind" "http://127.0.0.1:$port/v1/jobs/$id" "" 1000
  measure http.health "$kind" "http://127.0.0.1:$port/v1/health"
  measure http.health "$kind" "http://127.0.0.1:$port/v1/health" "" 1000
  measure http.enqueue "$kind" "http://127.0.0.1:$port/v1/jobs" '{"command": ["true"]}'
  kill "$server"; wait "$server" 2>/dev/null || true; server=""

  # The same kind of store's single-job enqueues without HTTP, from as many callers, in this run.
  "$jobctl" bench --store "$reference" --jobs 1000 --samples 0 --enqueue-callers "$connections" --enqueue-jobs 20000 --json \
    | python3 -c 'import json, sys; r = json.load(sys.stdin)["enqueueConcurrency"][0]; print(json.dumps({"name": "inprocess.enqueue", "store": sys.argv[1], **r}))' "$kind"
  if [ "$kind" = postgres ]; then
    PGPASSWORD="$POSTGRES_PASSWORD" psql -q -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$POSTGRES_DATABASE" \
      -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "DROP SCHEMA IF EXISTS ${schema}_inprocess CASCADE" >&2
  fi
done
