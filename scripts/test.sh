#!/usr/bin/env bash
# What `npm test` runs, on a fresh machine as on an equipped one:
#   1. prerequisites (Debian packages, npm ci, code-server), each only when missing
#   2. typecheck, lint, build, compile-tests
#   3. a Docker engine (the reachable one, else a private one, stopped again at the end) and the test images
#   4. the suites: unit, engine (mocha), host (extension host in code-server), package (.vsix installed into
#      code-server activates), cli (the npm package of the Compose checker installed with npm install -g),
#      screenshots
# A failing check or suite does not stop the run. The last line of output is the total over all suites,
# `T passed, F failed` (`, S skipped` added when S > 0), and the exit status is 0 only when F is 0.
# A suite that runs no test, or exits non-zero without a summary the script can read, counts as 1 failed;
# so does each failed check (typecheck, lint, build, compile-tests, prerequisites, engine, test images).
#
#   TEST_SUITES="unit engine"   run only these suites (default: unit engine host package cli screenshots)
#   TEST_SUITE_TIMEOUT=900      seconds before a suite is stopped (CI has 90 minutes for everything)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
cd "$here/.."

# The Compose corpus (valid real-world files) the unit tests check, beside the repository in CI.
if [ -z "${COMPOSE_CORPUS:-}" ] && [ -d ../shared/corpus/awesome-compose ]; then
  export COMPOSE_CORPUS="$(cd .. && pwd)/shared/corpus/awesome-compose"
fi

ALL_SUITES="unit engine host package cli screenshots"
SUITES=${TEST_SUITES:-$ALL_SUITES}
SUITE_TIMEOUT=${TEST_SUITE_TIMEOUT:-900}
for s in $SUITES; do
  case " $ALL_SUITES " in *" $s "*) ;; *) die "unknown suite '$s' in TEST_SUITES (known: $ALL_SUITES)" ;; esac
done
wants() { case " $SUITES " in *" $1 "*) return 0 ;; esac; return 1; }
needs_engine() { wants engine || wants host || wants package || wants cli || wants screenshots; }
needs_code_server() { wants host || wants package || wants screenshots; }

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/dnv-test-logs.XXXXXX")
header() { printf '\n===== %s =====\n' "$*"; }

# One row per suite, in run order.
R_NAME=() R_PASS=() R_FAIL=() R_SKIP=() R_EXIT=() R_NOTE=()
record() { R_NAME+=("$1") R_PASS+=("$2") R_FAIL+=("$3") R_SKIP+=("$4") R_EXIT+=("$5") R_NOTE+=("${6:-}"); }
FAILED_CHECKS=()

# ---- reading the suites' own summaries -------------------------------------------------------------------

strip_ansi() { sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$1"; }

# mocha's epilogue (spec, dot, list reporters): an empty line, "  N passing (T)", then "  N pending" and
# "  N failing" when not zero. Prints "PASSED FAILED PENDING" from the last epilogue in LOG, nothing when there
# is none. Only lines right after an empty line and right after "passing" count, so text in a failure message
# such as "2 failing" or "9 passing (1ms)" is not taken for the summary.
parse_mocha() {
  strip_ansi "$1" | awk '
    blank && /^ +[0-9]+ passing \([^)]*\) *$/ { p = $1; f = 0; s = 0; found = 1; epilogue = 1; blank = 0; next }
    epilogue && /^ +[0-9]+ pending *$/ { s = $1; next }
    epilogue && /^ +[0-9]+ failing *$/ { f = $1; next }
    /^[ \t]*$/ { blank = 1; next }
    { epilogue = 0; blank = 0 }
    END { if (found) print p, f, s }'
}

# The host runner closes with "N passed, N failed" (maybe ", N skipped"). Prints "PASSED FAILED SKIPPED".
parse_host() {
  strip_ansi "$1" |
    sed -nE 's/^[[:space:]]*([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) (skipped|pending))?[[:space:]]*$/\1 \2 \4/p' |
    tail -n 1 | awk '{ print $1, $2, ($3 == "" ? 0 : $3) }'
}

# run_suite NAME KIND CMD...: runs CMD with its output shown and kept in $LOGS/NAME.log, then records its
# counts. KIND says how to read them: mocha, host, or exit (the exit status is the one result).
run_suite() {
  local name=$1 kind=$2 log=$LOGS/$1.log rc counts p f s note=
  shift 2
  header "suite $name: $*"
  set +e
  # --foreground: the suite stays in our process group, so a Ctrl-C in the terminal reaches it too.
  timeout --foreground -k 30 "$SUITE_TIMEOUT" "$@" </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" != 124 ] || note="stopped after ${SUITE_TIMEOUT}s"
  case $kind in
    mocha) counts=$(parse_mocha "$log") ;;
    host) counts=$(parse_host "$log") ;;
    exit) if [ "$rc" = 0 ]; then counts='1 0 0'; else counts='0 1 0'; fi ;;
  esac
  if [ -z "$counts" ]; then
    p=0 f=1 s=0 note=${note:-"no test summary in its output"}
  else
    read -r p f s <<<"$counts"
    if ((p + f == 0)); then
      f=1 note=${note:-"no test ran"}
    elif ((rc != 0 && f == 0)); then
      f=1 note=${note:-"exited $rc although no test failed"}
    fi
  fi
  record "$name" "$p" "$f" "$s" "$rc" "$note"
}

# check NAME CMD...: a build step; a failure is remembered and the run goes on.
check() {
  local name=$1
  shift
  header "$name: $*"
  "$@" </dev/null || FAILED_CHECKS+=("$name")
}

# ---- ending -----------------------------------------------------------------------------------------------

ENGINE_STARTED='' ENGINE_STOPPED='' SUMMARIZED=''
stop_engine() {
  [ -n "$ENGINE_STARTED" ] && [ -z "$ENGINE_STOPPED" ] || return 0
  ENGINE_STOPPED=1
  bash scripts/test-engine.sh stop || say "warning: scripts/test-engine.sh stop failed"
}

row() { printf '%-12s %7s %7s %8s %5s  %s\n' "$@" | sed 's/ *$//'; }

# Prints the table and, as the very last line, the totals; exits 0 only when nothing failed.
summarize() {
  local i passed=0 failed=0 skipped=0 line
  SUMMARIZED=1
  stop_engine   # before the table, so its messages cannot come after the last line
  header summary
  row suite passed failed skipped exit note
  for i in "${!R_NAME[@]}"; do
    row "${R_NAME[$i]}" "${R_PASS[$i]}" "${R_FAIL[$i]}" "${R_SKIP[$i]}" "${R_EXIT[$i]}" "${R_NOTE[$i]}"
    passed=$((passed + R_PASS[i])) failed=$((failed + R_FAIL[i])) skipped=$((skipped + R_SKIP[i]))
  done
  if [ ${#FAILED_CHECKS[@]} -gt 0 ]; then
    row checks - "${#FAILED_CHECKS[@]}" - - "failed: ${FAILED_CHECKS[*]}"
    failed=$((failed + ${#FAILED_CHECKS[@]}))
  fi
  if [ -n "${1:-}" ]; then
    row aborted - 1 - - "$1"
    failed=$((failed + 1))
  fi
  echo "logs: $LOGS"
  line="$passed passed, $failed failed"
  [ "$skipped" -eq 0 ] || line+=", $skipped skipped"
  echo "$line"
  [ "$failed" -eq 0 ]
}

# An unexpected error or a signal still ends with the totals line (and the engine stopped).
on_exit() {
  local rc=$?
  [ -z "$SUMMARIZED" ] || return 0
  summarize "test.sh ended early (status $rc)" || true
  exit 1
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. prerequisites -------------------------------------------------------------------------------------

header prerequisites
prereq_args=()
needs_code_server || prereq_args=(--no-code-server)
if exports=$(bash scripts/prereqs.sh "${prereq_args[@]}"); then
  eval "$exports"
else
  FAILED_CHECKS+=(prerequisites)
  summarize || true
  exit 1
fi

# The mocha suites run on the Node that runs the extension (code-server's Node 24), when it is installed: the
# core is tested on the runtime it ships on, and formats that need a newer zlib (zstd) are tested too.
SUITE_NODE=${CODE_SERVER_NODE:-node}
echo "mocha suites run on $("$SUITE_NODE" --version) ($SUITE_NODE)"

# ---- 2. static checks and build ---------------------------------------------------------------------------

check typecheck npm run typecheck
check lint npm run lint
check build npm run build
check compile-tests npm run compile-tests

# ---- 3. engine and test images ----------------------------------------------------------------------------

ENGINE_OK=
if needs_engine; then
  header engine
  ENGINE_STARTED=1
  if exports=$(bash scripts/test-engine.sh start); then
    eval "$exports"
    say "engine: $DOCKER_HOST"
    if bash scripts/make-test-images.sh; then ENGINE_OK=1; else FAILED_CHECKS+=(test-images); fi
  else
    FAILED_CHECKS+=(engine)
  fi
fi

# ---- 4. suites --------------------------------------------------------------------------------------------

for suite in $SUITES; do
  if [ "$suite" != unit ] && [ -z "$ENGINE_OK" ]; then
    record "$suite" 0 1 0 - "not run: no engine"
    continue
  fi
  case $suite in
    unit) run_suite unit mocha "$SUITE_NODE" node_modules/mocha/bin/mocha.js --config test/unit/.mocharc.json ;;
    engine) run_suite engine mocha "$SUITE_NODE" node_modules/mocha/bin/mocha.js --config test/engine/.mocharc.json ;;
    host) run_suite host host node test/host/run-host-tests.mjs ;;
    package) run_suite package host node test/host/vsix-smoke.mjs ;;
    cli) run_suite cli host node test/package/cli-smoke.mjs ;;
    screenshots) run_suite screenshots exit node test/host/screenshots.mjs ;;
  esac
done

summarize && exit 0 || exit 1
