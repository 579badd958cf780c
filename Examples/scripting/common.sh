# Sourced by the example scripts: finds (or builds) jobctl, and makes a private working directory
# with its own job store and workspace root, removed on exit.
#   JOBCTL=/path/to/jobctl   use this binary instead of building one
#   KEEP=1                   keep the working directory (its path is printed)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ -z "${JOBCTL:-}" ]; then
  swift build --package-path "$root" --product jobctl >&2
  JOBCTL="$(swift build --package-path "$root" --show-bin-path)/jobctl"
fi
export JOBCTL

WORK="$(mktemp -d "${TMPDIR:-/tmp}/jobctl-example.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  echo "working directory: $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/remotes" "$WORK/workspaces"
# Every jobctl call below uses this store and workspace root.
export JOBCTL_STORE="sqlite:$WORK/jobs.sqlite"
export JOBCTL_WORKSPACE_ROOT="$WORK/workspaces"
# Git must not read the user's configuration (hooks, signing) for the fixture repositories.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

# make_repository PATH: a bare repository at PATH with a README on main, like a Git host's.
make_repository() {
  local bare="$1" seed
  seed="$(mktemp -d "$WORK/seed.XXXXXX")"
  git init --quiet --initial-branch=main "$seed"
  printf '# %s\n' "$(basename "$bare" .git)" > "$seed/README.md"
  git -C "$seed" add README.md
  git -C "$seed" -c user.name=example -c user.email=example@example.com commit --quiet -m "first commit"
  git init --quiet --bare --initial-branch=main "$bare"
  git -C "$seed" push --quiet "$bare" main
  rm -rf "$seed"
}
