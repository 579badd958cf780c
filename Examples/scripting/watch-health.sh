#!/usr/bin/env bash
# Prints one line of job counts every INTERVAL seconds (default 1), with any alert; with
# --until-idle, returns once nothing is queued or running. Uses the store of JOBCTL_STORE.
#   watch-health.sh [--interval SECONDS] [--until-idle]
# For a monitoring probe, use the exit status instead: `jobctl health --check` exits 1 on an alert.
set -euo pipefail
JOBCTL="${JOBCTL:-jobctl}"
interval=1
until_idle=0
while [ $# -gt 0 ]; do
  case "$1" in
    --interval) interval="$2"; shift 2 ;;
    --until-idle) until_idle=1; shift ;;
    *) echo "usage: $0 [--interval SECONDS] [--until-idle]" >&2; exit 2 ;;
  esac
done

# `jobctl health` prints "jobs      queued 3, running 1, succeeded 2, failed 0, cancelled 0".
count() { sed -E -n "s/^jobs .*[ ,]$1 ([0-9]+).*/\\1/p" <<<"$2"; }

while true; do
  report="$("$JOBCTL" health)"
  jobs="$(sed -n 's/^jobs *//p' <<<"$report")"
  echo "$(date +%H:%M:%S)  $jobs"
  grep '^alert ' <<<"$report" | grep -v 'none$' || true
  if [ "$until_idle" = 1 ] && [ "$(count queued "$report")" = 0 ] && [ "$(count running "$report")" = 0 ]; then
    exit 0
  fi
  sleep "$interval"
done
