# shellcheck shell=bash
# Helpers shared by the shell scripts in this folder. Source it; it defines functions and constants only.
# Messages go to stderr: several scripts print `export ...` lines on stdout for the caller to eval.

# Lets an engine hold thousands of small user networks (the default pools allow about 30), which the
# explorer benchmarks need. Used by the private test engine and by the system engine `npm start` launches.
# shellcheck disable=SC2034  # used by the scripts that source this file
DNV_ADDRESS_POOL='base=10.200.0.0/16,size=28'
DNV_DEFAULT_HOST='unix:///var/run/docker.sock'

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Installs the Debian packages among "$@" that are not installed yet. apt-get update runs at most once per
# process, and only when something is missing, so an equipped machine never touches the network.
_dnv_apt_updated=
apt_ensure() {
  local pkg missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]}: run as root or install them (apt-get install ${missing[*]})"
  say "installing ${missing[*]} from Debian..."
  if [ -z "$_dnv_apt_updated" ]; then
    apt-get update -qq >&2
    _dnv_apt_updated=1
  fi
  # With recommends, as in TESTING.md: chromium's bring the fonts the screenshots are rendered with.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# True when a Docker engine answers at $1 within a few seconds. DOCKER_CONTEXT is dropped so that an active
# CLI context cannot redirect the probe to another engine.
engine_answers() {
  command -v docker >/dev/null || return 1
  env -u DOCKER_CONTEXT timeout 8 docker -H "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# True while process $1 runs: a zombie (killed, not yet reaped by its parent) counts as ended.
pid_alive() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# The engine a caller means: $DOCKER_HOST when set, else the default socket.
wanted_host() { printf '%s' "${DOCKER_HOST:-$DNV_DEFAULT_HOST}"; }

# wait_for_engine HOST PID LOG SECONDS: polls until HOST answers; fails early when PID dies. On failure it
# prints the end of LOG, which is where dockerd says why it did not come up.
wait_for_engine() {
  local host=$1 pid=$2 log=$3 secs=$4
  local end=$((SECONDS + secs))
  while ((SECONDS < end)); do
    engine_answers "$host" && return 0
    if ! pid_alive "$pid"; then
      say "dockerd (pid $pid) exited before answering on $host; end of $log:"
      tail -n 40 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  say "dockerd (pid $pid) did not answer on $host within ${secs}s; end of $log:"
  tail -n 40 "$log" >&2 || true
  return 1
}
