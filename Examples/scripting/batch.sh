#!/usr/bin/env bash
# One change across many repositories: enqueue a job per repository, run workers in the
# background, watch health until everything has run, then check every repository got its branch.
# Offline: the repositories are local bare repositories this script creates.
#   batch.sh [REPOSITORIES (default 6)] [WORKERS (default 2)]
set -euo pipefail
source "$(dirname "$0")/common.sh"
repositories="${1:-6}"
workers="${2:-2}"
branch="chore/add-license"

echo "== $repositories repositories in 3 organisations"
for n in $(seq 1 "$repositories"); do
  org="org-$(( (n - 1) % 3 + 1 ))"
  make_repository "$WORK/remotes/$org/repo-$n.git"
done

echo "== enqueue one job per repository (key = organisation: one job per organisation at a time)"
for bare in "$WORK"/remotes/*/*.git; do
  org="$(basename "$(dirname "$bare")")"
  name="$(basename "$bare" .git)"
  # The idempotency key makes the batch safe to enqueue twice: the second time, jobctl prints
  # the existing job instead of adding one.
  "$JOBCTL" enqueue --repo "$bare" --branch "$branch" --key "$org" --push \
    --idempotency-key "license-$org-$name" --commit-message "Add a licence" \
    -- sh -c 'printf "MIT License\n" > LICENSE && echo "added LICENSE to $JOB_REPO on $JOB_BRANCH"' > /dev/null
done
again="$("$JOBCTL" enqueue --repo "$WORK/remotes/org-1/repo-1.git" --branch "$branch" --key org-1 --push \
  --idempotency-key license-org-1-repo-1 -- true)"
echo "enqueued $repositories jobs (enqueueing the first again returned the same job: $again)"

echo "== $workers workers, 2 jobs at a time each, exiting when nothing is left (--drain)"
pids=()
for w in $(seq 1 "$workers"); do
  "$JOBCTL" worker --drain --concurrency 2 --key-limit 1 --worker-id "worker-$w" --poll-interval 200ms &
  pids+=($!)
done
"$(dirname "$0")/watch-health.sh" --interval 1 --until-idle
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
[ "$status" = 0 ] || { echo "a worker failed ($status)" >&2; exit 1; }

echo "== results"
"$JOBCTL" list --limit "$repositories"
failed=0
for bare in "$WORK"/remotes/*/*.git; do
  if [ "$(git --git-dir="$bare" show "$branch:LICENSE" 2>/dev/null)" = "MIT License" ]; then
    echo "ok      $(basename "$(dirname "$bare")")/$(basename "$bare"): $branch pushed"
  else
    echo "MISSING $(basename "$(dirname "$bare")")/$(basename "$bare"): no $branch with LICENSE" >&2
    failed=1
  fi
done
# `health --check` exits 1 on an alert: what a cron job or a monitoring probe would run.
"$JOBCTL" health --check > /dev/null || { echo "health reports an alert" >&2; failed=1; }
succeeded="$("$JOBCTL" health | sed -E -n 's/^jobs .*succeeded ([0-9]+).*/\1/p')"
echo "$succeeded of $repositories jobs succeeded"
[ "$succeeded" = "$repositories" ] || failed=1
exit "$failed"
