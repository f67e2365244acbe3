#!/usr/bin/env bash
# What `npm start` runs: VS Code (code-server, in the browser) with this extension loaded straight from the
# working tree, against a Docker engine. Stays in the foreground until Ctrl-C.
#
#   npm start [-- FOLDER]   opens FOLDER (default: test/fixtures/sample-workspace, else the repository)
#   PORT=8080               where code-server listens, on 127.0.0.1 only
#
# Engine: $DOCKER_HOST if set, else the default socket; when DOCKER_HOST is unset and nothing answers there,
# the system dockerd is started on /var/run/docker.sock and left running (like a service) after Ctrl-C. An
# unreachable DOCKER_HOST is kept as it is, which is how to look at the extension with the engine down.
#
# How the extension is loaded: code-server has no --extensionDevelopmentPath (it rejects the option, and
# VS Code 1.139 takes a development path only from the page URL with the smoke-test driver switched on), so the
# dev profile's extensions folder holds a symlink to this repository named like an installed extension
# (publisher.name-version) and listed in that folder's extensions.json, which VS Code reads instead of
# scanning the folder. The extension then runs from dist/ here: after `npm run build` (or `npm run watch`),
# "Developer: Reload Window" picks up the change. VS Code caches extension manifests, so a change to
# package.json needs a restart of `npm start` (the cache is dropped at every start).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
cd "$here/.."
ROOT=$PWD
PORT=${PORT:-8080}
PROFILE=${XDG_CACHE_HOME:-$HOME/.cache}/docker-networks-volumes/dev-profile
SYSTEM_DOCKERD_LOG=/var/log/dockerd-dnv.log

header() { printf '\n===== %s =====\n' "$*" >&2; }

# npm runs scripts from the package folder; a relative FOLDER means relative to where `npm start` was typed.
if [ $# -gt 0 ]; then
  folder=$(cd "${INIT_CWD:-$PWD}" && realpath -e -- "$1") || die "no such folder: $1"
elif [ -d test/fixtures/sample-workspace ]; then
  folder=$ROOT/test/fixtures/sample-workspace
else
  folder=$ROOT
fi

header prerequisites
exports=$(bash scripts/prereqs.sh) || die "installing the prerequisites failed"
eval "$exports"

header engine
host=$(wanted_host)
if engine_answers "$host"; then
  say "engine: $host"
elif [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "$DNV_DEFAULT_HOST" ]; then
  say "warning: no engine answers at DOCKER_HOST=$DOCKER_HOST; the extension will show it as unreachable" \
    "(unset DOCKER_HOST to use the local engine)"
else
  [ "$(id -u)" = 0 ] || die "no engine answers at $host, and starting the system dockerd needs root"
  say "no engine answers at $host: starting the system dockerd (log: $SYSTEM_DOCKERD_LOG); it keeps running after this"
  # setsid: Ctrl-C on code-server must not stop the engine too.
  setsid dockerd --host "$DNV_DEFAULT_HOST" --default-address-pool "$DNV_ADDRESS_POOL" \
    >>"$SYSTEM_DOCKERD_LOG" 2>&1 </dev/null &
  wait_for_engine "$DNV_DEFAULT_HOST" $! "$SYSTEM_DOCKERD_LOG" 60 || die "the system dockerd did not start"
  say "engine: $DNV_DEFAULT_HOST"
fi

header build
npm run build >&2

header "code-server"
EXTENSIONS=$PROFILE/extensions
DATA=$PROFILE/data
mkdir -p "$EXTENSIONS" "$DATA/User"
# shellcheck disable=SC2016  # a JavaScript template literal, not a shell expansion
read -r ext_id ext_version < <(node -p 'const p = require("./package.json"); `${p.publisher}.${p.name} ${p.version}`')
link=$ext_id-$ext_version
for old in "$EXTENSIONS"/*; do   # links to this repository under an earlier version's name
  if [ -L "$old" ] && [ "$old" != "$EXTENSIONS/$link" ] && [ "$(readlink "$old")" = "$ROOT" ]; then rm -f "$old"; fi
done
if [ -e "$EXTENSIONS/$link" ] && [ ! -L "$EXTENSIONS/$link" ]; then
  rm -rf -- "${EXTENSIONS:?}/$link"   # a packaged copy installed into the dev profile: the working tree wins
fi
ln -sfn "$ROOT" "$EXTENSIONS/$link"
# A folder not listed in extensions.json is ignored once that file exists; keep our entry in it.
node - "$EXTENSIONS" "$link" "$ext_id" "$ext_version" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [dir, rel, id, version] = process.argv.slice(2);
const file = path.join(dir, 'extensions.json');
let list = [];
try { list = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* missing or unreadable: start a new list */ }
if (!Array.isArray(list)) list = [];
list = list.filter((e) => e?.identifier?.id?.toLowerCase() !== id.toLowerCase());
list.push({ identifier: { id }, version, location: { $mid: 1, path: path.join(dir, rel), scheme: 'file' }, relativeLocation: rel });
fs.writeFileSync(file, JSON.stringify(list));
JS
find "$DATA" -path '*/CachedProfilesData/*' -name 'extensions.user*cache' -delete
# A quiet, offline workbench on first use; later edits to these settings are the developer's and stay.
[ -f "$DATA/User/settings.json" ] || cat >"$DATA/User/settings.json" <<'JSON'
{
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "telemetry.telemetryLevel": "off",
  "workbench.enableExperiments": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false
}
JSON

log=$PROFILE/code-server.log
: >"$log"
# --config keeps code-server from writing ~/.config/code-server/config.yaml; --auth none is safe because it
# listens on 127.0.0.1 only.
"$CODE_SERVER_NODE" "$CODE_SERVER_ENTRY" --bind-addr "127.0.0.1:$PORT" --auth none --config "$PROFILE/config.yaml" \
  --user-data-dir "$DATA" --extensions-dir "$EXTENSIONS" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$folder" </dev/null > >(tee -a "$log") 2>&1 &
cs=$!
stop_code_server() { kill -TERM "$cs" 2>/dev/null || true; wait "$cs" 2>/dev/null || true; }
trap 'stop_code_server; exit 130' INT
trap 'stop_code_server; exit 143' TERM
trap 'stop_code_server' EXIT

for ((i = 0; i < 120; i++)); do
  grep -q 'HTTP server listening' "$log" && break
  kill -0 "$cs" 2>/dev/null || die "code-server exited (is port $PORT in use? try PORT=...); see $log"
  sleep 0.5
done
grep -q 'HTTP server listening' "$log" || die "code-server did not start within 60 s; see $log"

url_folder=$(node -p 'encodeURIComponent(process.argv[1]).replace(/%2F/g, "/")' "$folder")
cat <<EOF

================================================================================
  Open http://127.0.0.1:$PORT/?folder=$url_folder

  extension   $ext_id $ext_version, from $ROOT (dist/extension.js)
  engine      ${DOCKER_HOST:-$DNV_DEFAULT_HOST (default)}
  profile     $PROFILE
  after a change: npm run build (or keep npm run watch running), then "Developer: Reload Window"
  Ctrl-C stops code-server
================================================================================

EOF
wait "$cs"
