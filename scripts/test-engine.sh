#!/usr/bin/env bash
# Finds or starts the Docker engine the tests run against.
#
#   scripts/test-engine.sh start   prints `export DOCKER_HOST=...` for `eval`: the engine at $DOCKER_HOST (the
#                                  default socket when unset) if it answers, else a private dockerd started here
#   scripts/test-engine.sh stop    stops the private dockerd, and only if this script started it
#   scripts/test-engine.sh env     prints the export line for the engine `start` would use, starting nothing
#
# `start` and `stop` are idempotent: a second `start` reuses the running private engine, a second `stop` finds
# nothing to do. An engine this script did not start is never stopped or changed.
#
# The private engine keeps everything in its state folder ($TEST_ENGINE_DIR, default ./.test-engine): data root,
# pidfile, log, socket. The data root survives `stop`, so test images imported once are there next time.
#
# TEST_ENGINE_NETNS=auto|1|0 runs the private dockerd in a network namespace of its own. Two engines in one
# namespace fight over the docker0 bridge and the iptables DOCKER chains (each rewrites them when it starts),
# so `auto` (the default) isolates it whenever another dockerd runs on the machine. Unix sockets are files, so
# clients reach it the same way; only ports it publishes are then out of reach from the host.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

STATE_DIR=$(realpath -m "${TEST_ENGINE_DIR:-$PWD/.test-engine}")
# The exec root holds containerd's socket and runtime sockets, and unix socket paths are limited to 108 bytes:
# keep it under a short /tmp name derived from the state folder, so every call agrees on it.
EXEC_ROOT=/tmp/dnv-exec-$(printf '%s' "$STATE_DIR" | sha1sum | cut -c1-10)
SOCK=$STATE_DIR/docker.sock
[ ${#SOCK} -le 100 ] || SOCK=$EXEC_ROOT/docker.sock   # same limit for the engine's own socket
PRIVATE_HOST=unix://$SOCK
PIDFILE=$STATE_DIR/dockerd.pid
LOG=$STATE_DIR/dockerd.log
# Written only when this script launches dockerd: "PID STARTTIME". The start time (from /proc) tells our
# dockerd apart from any later process that happens to get the same pid.
OWNER=$STATE_DIR/started-here

print_export() { printf 'export DOCKER_HOST=%q\n' "$1"; }

# Start time of a running process in clock ticks since boot (field 22 of /proc/PID/stat; the part after the
# parenthesised command name starts at field 3); nothing once it has ended.
proc_start() { pid_alive "$1" && sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }

# Prints the pid of the dockerd this script started, if it still runs.
our_pid() {
  local pid st
  [ -f "$OWNER" ] || return 1
  read -r pid st <"$OWNER" || return 1
  [ -n "$pid" ] && [ -n "$st" ] && [ "$(proc_start "$pid")" = "$st" ] || return 1
  printf '%s' "$pid"
}

take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>>"$STATE_DIR/lock"
  flock -w 600 9 || die "another test-engine.sh holds $STATE_DIR/lock"
}

another_dockerd_runs() { grep -qsx dockerd /proc/[0-9]*/comm; }

# Leftovers of our engine after it died: its managed containerd and container shims, known by a command line
# that names our exec root (no other engine uses that path); the processes of its containers, known by a
# cgroup named after one of its container ids (listed in its data root); mounts under either root.
kill_leftovers() {
  local f pid pids=() ids
  for f in /proc/[0-9]*/comm; do
    grep -qs '^containerd' "$f" || continue
    pid=${f#/proc/}; pid=${pid%/comm}
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$EXEC_ROOT/" && pids+=("$pid")
  done
  ids=$(find "$STATE_DIR/data/containers" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
  if [ -n "$ids" ]; then
    for f in /proc/[0-9]*/cgroup; do
      grep -qsF "$ids" "$f" || continue
      pid=${f#/proc/}; pid=${pid%/cgroup}
      pids+=("$pid")
    done
  fi
  [ ${#pids[@]} -gt 0 ] || return 0
  say "ending ${#pids[@]} leftover process(es) of the private engine: ${pids[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  sleep 2
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
# (dockerd also bind-mounts the data root onto itself)
mounts_under() {
  awk -v e="$EXEC_ROOT" -v d="$STATE_DIR/data" \
    '$5 == e || index($5, e "/") == 1 || $5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}
unmount_leftovers() {
  local m
  # deepest first, so nested mounts go before the ones holding them
  mounts_under | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || say "could not unmount $m"; done
}

# Stops the dockerd named in $OWNER (if it still runs) and clears what it leaves behind. Callers hold the lock.
stop_ours() {
  local pid st i
  if pid=$(our_pid); then
    st=$(proc_start "$pid")
    say "stopping the private dockerd (pid $pid)..."
    kill -TERM "$pid" 2>/dev/null || true
    # dockerd stops its containers (--shutdown-timeout) and its containerd before exiting
    for ((i = 0; i < 120; i++)); do [ "$(proc_start "$pid")" = "$st" ] || break; sleep 0.5; done
    if [ "$(proc_start "$pid")" = "$st" ]; then
      say "dockerd (pid $pid) still runs after 60 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do [ "$(proc_start "$pid")" = "$st" ] || break; sleep 0.5; done
    fi
  fi
  kill_leftovers
  unmount_leftovers
  if [ -z "$(mounts_under)" ]; then
    rm -rf "$EXEC_ROOT"
  else
    say "left $EXEC_ROOT in place: something is still mounted under it"
  fi
  rm -f "$OWNER" "$PIDFILE" "$SOCK"
}

cmd_start() {
  local host pid
  host=$(wanted_host)
  command -v docker >/dev/null || apt_ensure docker.io busybox-static
  if engine_answers "$host"; then
    say "using the engine that answers at $host"
    print_export "$host"
    return
  fi
  take_lock
  if pid=$(our_pid); then
    # started earlier (maybe by a concurrent caller still waiting for it): reuse it
    wait_for_engine "$PRIVATE_HOST" "$pid" "$LOG" 60 || die "the private dockerd (pid $pid) does not answer; try: $0 stop"
    say "reusing the private dockerd (pid $pid) at $PRIVATE_HOST"
    print_export "$PRIVATE_HOST"
    return
  fi
  [ ! -f "$OWNER" ] || stop_ours   # a previous private engine died: clear its leftovers first
  say "no engine answers at $host: starting a private dockerd"
  command -v dockerd >/dev/null || apt_ensure docker.io busybox-static

  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    if [ -n "$pid" ] && grep -qsx dockerd "/proc/$pid/comm"; then
      die "a dockerd this script did not start (pid $pid) uses $PIDFILE; stop it or set TEST_ENGINE_DIR"
    fi
    rm -f "$PIDFILE"
  fi
  mkdir -p "$STATE_DIR/data"
  mkdir -p "$EXEC_ROOT"
  chmod 700 "$EXEC_ROOT"
  # An empty config file of our own: /etc/docker/daemon.json (hosts, data-root...) must not leak in.
  [ -f "$STATE_DIR/daemon.json" ] || echo '{}' >"$STATE_DIR/daemon.json"

  local cmd=(dockerd --host "$PRIVATE_HOST" --data-root "$STATE_DIR/data" --exec-root "$EXEC_ROOT"
    --pidfile "$PIDFILE" --config-file "$STATE_DIR/daemon.json" --default-address-pool "$DNV_ADDRESS_POOL"
    # if a system containerd is running, dockerd uses it instead of starting its own: a namespace of ours
    # keeps our containers apart from another engine's there
    --containerd-namespace dnv-test --containerd-plugins-namespace dnv-test-plugins
    # containers a test left running should not hold up `stop` for the default 15 s
    --shutdown-timeout 3)
  local netns=
  case ${TEST_ENGINE_NETNS:-auto} in
    1) netns=1 ;;
    0) ;;
    auto)
      if another_dockerd_runs; then
        if unshare --net true 2>/dev/null; then
          netns=1
        else
          say "another dockerd runs and network namespaces are not available: starting without a default bridge and iptables rules"
          cmd+=(--bridge none --iptables=false)
        fi
      fi ;;
    *) die "TEST_ENGINE_NETNS must be auto, 1 or 0" ;;
  esac
  if [ -n "$netns" ]; then
    cmd=(unshare --net -- sh -c 'ip link set lo up 2>/dev/null || true; exec "$@"' sh "${cmd[@]}")
  fi

  printf '=== %s: %s\n' "$(date -Is)" "${cmd[*]}" >>"$LOG"
  # setsid: a Ctrl-C meant for the caller's terminal must not reach the engine. fd 9 (our lock) stays here.
  # The background child of a non-interactive shell is no group leader, so setsid execs in place and $! ends
  # up being dockerd itself (setsid, unshare and sh all exec).
  setsid "${cmd[@]}" >>"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid $(proc_start "$pid")" >"$OWNER"
  if ! wait_for_engine "$PRIVATE_HOST" "$pid" "$LOG" 60; then
    stop_ours
    die "the private dockerd did not start"
  fi
  say "private dockerd (pid $pid${netns:+, own network namespace}) ready at $PRIVATE_HOST; log: $LOG"
  print_export "$PRIVATE_HOST"
}

cmd_stop() {
  if [ ! -f "$OWNER" ]; then
    say "no engine started by this script in $STATE_DIR: nothing to stop"
    return
  fi
  take_lock
  [ -f "$OWNER" ] || return 0   # a concurrent stop finished first
  stop_ours
  say "private engine stopped"
}

cmd_env() {
  local host
  host=$(wanted_host)
  if engine_answers "$host"; then
    print_export "$host"
  elif our_pid >/dev/null && engine_answers "$PRIVATE_HOST"; then
    print_export "$PRIVATE_HOST"
  else
    die "no engine answers at $host and no private engine runs (start one: $0 start)"
  fi
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  *) die "usage: $0 start|stop|env" ;;
esac
